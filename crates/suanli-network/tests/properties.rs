//! The network planner against hand-known optima, against its sites planned alone, and
//! against an independent formulation of the same problem solved by Clarabel.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
mod common;

use common::{close, link, random_site, site, Rng};
use suanli_network::{plan, Link, NetworkInput};
use suanli_site::input::{Gas, SiteInput, Training};
use suanli_site::plan::Settings;

#[test]
fn a_lossy_line_carries_the_load_plus_its_losses_either_way() {
    // Site "gas" has turbines; site "town" has nothing but 10 MW of load. The line must
    // send 10 / 0.9 MW, and the turbines make that much: capacity 1000/MW, fuel 50/MWh,
    // the line 100/MW.
    for (from, to) in [(0, 1), (1, 0)] {
        let mut gas = site("gas", 24, 0.0);
        gas.gas =
            Some(Gas { capital_cost_per_mw_year: 1000.0, marginal_cost_per_mwh: 50.0, co2_t_per_mwh: 0.4 });
        let town = site("town", 24, 10.0);
        let net = NetworkInput::new("t", vec![gas, town], vec![link(from, to, 100.0, 0.9)]);
        let p = plan(&net, &Settings::default()).unwrap();
        let sent = 10.0 / 0.9;
        let want = sent * 1000.0 + sent * 24.0 * 50.0 + sent * 100.0;
        assert!(close(p.objective_per_year, want, 1e-7), "{} against {want}", p.objective_per_year);
        assert!(close(p.links[0].capacity_mw, sent, 1e-6));
        assert!(close(p.links[0].losses_mwh, 0.1 * sent * 24.0, 1e-6));
        assert!(p.relative_gap.abs() < 1e-8);
        assert!(close(p.sites[1].dispatch.import_mw[5], 10.0, 1e-6));
        assert!(close(p.sites[0].dispatch.import_mw[5], -sent, 1e-6));
    }
}

#[test]
fn a_network_training_quota_runs_where_energy_is_cheapest() {
    // Two sites with gas only, fuel at 50 and 80 per MWh, no firm load; both may train
    // (capacity 1000 per MW-year). 24 h x 5 MW of training in all goes to the cheap site,
    // flat: 5 MW of chips, 5 MW of turbines, 120 MWh of fuel at 50.
    let sites: Vec<SiteInput> = [50.0, 80.0]
        .iter()
        .enumerate()
        .map(|(k, &fuel)| {
            let mut s = site(&format!("s{k}"), 24, 0.0);
            s.gas = Some(Gas {
                capital_cost_per_mw_year: 1000.0,
                marginal_cost_per_mwh: fuel,
                co2_t_per_mwh: 0.4,
            });
            s.training = Some(Training {
                it_capacity_cost_per_mw_year: 1000.0,
                energy_quota_mwh: 0.0,
                value_per_mwh: 0.0,
                min_load_share: 0.0,
                max_mw: f64::INFINITY,
                kw_per_h100: 1.4,
            });
            s
        })
        .collect();
    let net = NetworkInput { training_quota_mwh: 120.0, ..NetworkInput::new("t", sites, Vec::new()) };
    let p = plan(&net, &Settings::default()).unwrap();
    let want = 5.0 * 1000.0 + 5.0 * 1000.0 + 120.0 * 50.0;
    assert!(close(p.objective_per_year, want, 1e-7), "{} against {want}", p.objective_per_year);
    assert!(close(p.sites[0].capacities.training_mw, 5.0, 1e-6));
    assert!(p.sites[1].capacities.training_mw == 0.0);
    // A quota beyond what capped training capacity can take is refused before solving.
    let mut capped = net.clone();
    capped.sites.iter_mut().for_each(|s| s.training.as_mut().unwrap().max_mw = 2.0);
    let err = plan(&capped, &Settings::default()).unwrap_err().to_string();
    assert!(err.contains("training quota of 120 MWh exceeds"), "{err}");
}

#[test]
fn a_network_without_links_costs_what_its_sites_cost_alone() {
    let mut rng = Rng(7);
    let sites: Vec<SiteInput> = (0..3).map(|k| random_site(&mut rng, &format!("s{k}"), 48)).collect();
    let alone: f64 =
        sites.iter().map(|s| suanli_site::plan(s, &Settings::default()).unwrap().objective_per_year).sum();
    let net = NetworkInput::new("t", sites, Vec::new());
    let p = plan(&net, &Settings::default()).unwrap();
    assert!(close(p.objective_per_year, alone, 1e-7), "{} against {alone}", p.objective_per_year);
    let sum_of_sites: f64 = p.sites.iter().map(|s| s.objective_per_year).sum();
    assert!(close(sum_of_sites, p.objective_per_year, 1e-7));
}

#[test]
fn free_lossless_links_between_sites_with_the_same_weather_make_a_copper_plate() {
    // With free, lossless links, three sites that share weather and costs are one bus:
    // the plan costs what one site carrying the three loads costs.
    let mut rng = Rng(11);
    let template = random_site(&mut rng, "s", 48);
    let loads = [30.0, 80.0, 140.0];
    let sites: Vec<SiteInput> = loads
        .iter()
        .enumerate()
        .map(|(k, &l)| SiteInput { name: format!("s{k}"), firm_load_mw: vec![l; 48], ..template.clone() })
        .collect();
    let plate = SiteInput { firm_load_mw: vec![loads.iter().sum(); 48], ..template.clone() };
    let one_bus = suanli_site::plan(&plate, &Settings::default()).unwrap().objective_per_year;
    let net = NetworkInput::new("t", sites, vec![link(0, 1, 0.0, 1.0), link(1, 2, 0.0, 1.0)]);
    let p = plan(&net, &Settings::default()).unwrap();
    assert!(close(p.objective_per_year, one_bus, 1e-7), "{} against {one_bus}", p.objective_per_year);
}

#[test]
fn more_link_capacity_allowed_never_costs_more() {
    let mut rng = Rng(23);
    let sites: Vec<SiteInput> = (0..3).map(|k| random_site(&mut rng, &format!("s{k}"), 48)).collect();
    let mut last = f64::INFINITY;
    for max_mw in [0.0, 10.0, 40.0, f64::INFINITY] {
        let links = vec![Link { max_mw, ..link(0, 1, 5.0, 0.95) }, Link { max_mw, ..link(1, 2, 5.0, 1.0) }];
        let net = NetworkInput::new("t", sites.clone(), links);
        let cost = plan(&net, &Settings::default()).unwrap().objective_per_year;
        assert!(cost <= last * (1.0 + 1e-9), "{cost} after {last} at max {max_mw} MW");
        last = cost;
    }
}

#[test]
fn random_networks_agree_with_an_independent_formulation() {
    let mut rng = Rng(2026);
    // Up to five sites: from about 16 capacities and lines on, the interior point
    // eliminates them through a dense Schur complement (suanli-lp's bordered.rs), so
    // both of its factorisations are checked here.
    let mut bordered = 0;
    for case in 0..8 {
        let n_sites = 2 + case % 4;
        let sites: Vec<SiteInput> =
            (0..n_sites).map(|k| random_site(&mut rng, &format!("s{k}"), 24)).collect();
        let mut links = Vec::new();
        for a in 0..n_sites {
            for b in a + 1..n_sites {
                if rng.next() < 0.8 {
                    let efficiency = if rng.next() < 0.5 { 1.0 } else { 0.85 + 0.15 * rng.next() };
                    links.push(link(a, b, 2.0 + 20.0 * rng.next(), efficiency));
                }
            }
        }
        let net = NetworkInput::new(format!("case {case}"), sites, links);
        bordered += usize::from(suanli_network::lp::build(&net).problem.border.len() >= 16);
        let ours = plan(&net, &Settings::default()).unwrap();
        let theirs = independent_optimum(&net);
        assert!(
            close(ours.objective_per_year, theirs, 1e-7),
            "case {case}: {} against {theirs}",
            ours.objective_per_year
        );
        assert!(ours.lower_bound_per_year <= theirs * (1.0 + 1e-7));
        assert_eq!(ours.solver.fallback, None, "case {case}: the interior point solved it");
    }
    assert!(bordered >= 2, "only {bordered} cases large enough for the bordered factorisation");
}

/// The same network written the way PyPSA writes it (separate solar and wind output,
/// an equality balance, two flows per line whatever its losses, every bound a row) and
/// solved by Clarabel at a tight tolerance: the optimum, money per year.
fn independent_optimum(net: &NetworkInput) -> f64 {
    let hours = net.sites[0].hours();
    let mut cost: Vec<f64> = Vec::new();
    let mut var = |c: f64| {
        cost.push(c);
        cost.len() - 1
    };
    // (row entries, rhs, is equality)
    type Rows = Vec<(Vec<(usize, f64)>, f64, bool)>;
    let mut rows: Rows = Vec::new();
    let mut balance: Vec<Vec<Vec<(usize, f64)>>> = Vec::new();
    for s in &net.sites {
        let cap = |c: Option<f64>, var: &mut dyn FnMut(f64) -> usize| c.map(var);
        let solar = cap(s.solar.as_ref().map(|r| r.capital_cost_per_mw_year), &mut var);
        let wind = cap(s.wind.as_ref().map(|r| r.capital_cost_per_mw_year), &mut var);
        let gas = cap(s.gas.as_ref().map(|g| g.capital_cost_per_mw_year), &mut var);
        let battery =
            s.battery.as_ref().map(|b| (var(b.power_cost_per_mw_year), var(b.energy_cost_per_mwh_year)));
        let mut bal = vec![Vec::new(); hours];
        let mut soc = Vec::new();
        for (t, bal_t) in bal.iter_mut().enumerate() {
            for (capacity, cf) in [(solar, s.solar_cf[t]), (wind, s.wind_cf[t])] {
                if let Some(c) = capacity {
                    let x = var(0.0);
                    rows.push((vec![(x, 1.0), (c, -cf)], 0.0, false));
                    rows.push((vec![(x, -1.0)], 0.0, false));
                    bal_t.push((x, 1.0));
                }
            }
            if let (Some(c), Some(g)) = (gas, &s.gas) {
                let x = var(g.marginal_cost_per_mwh);
                rows.push((vec![(x, 1.0), (c, -1.0)], 0.0, false));
                rows.push((vec![(x, -1.0)], 0.0, false));
                bal_t.push((x, 1.0));
            }
            if let (Some((p, e)), Some(b)) = (battery, &s.battery) {
                let eta = b.round_trip_efficiency.sqrt();
                let (charge, out, level) = (var(0.0), var(0.0), var(0.0));
                for (x, c) in [(charge, p), (out, p), (level, e)] {
                    rows.push((vec![(x, 1.0), (c, -1.0)], 0.0, false));
                    rows.push((vec![(x, -1.0)], 0.0, false));
                }
                // `out` is power delivered to the bus; the store loses out / eta.
                bal_t.push((charge, -1.0));
                bal_t.push((out, 1.0));
                soc.push((level, charge, out, eta));
            }
        }
        for t in 0..soc.len() {
            let (level, charge, out, eta) = soc[t];
            let prev = soc[(t + soc.len() - 1) % soc.len()].0;
            rows.push((vec![(level, 1.0), (prev, -1.0), (charge, -eta), (out, 1.0 / eta)], 0.0, true));
        }
        for c in [solar, wind, gas].into_iter().flatten().chain(battery.into_iter().flat_map(|(p, e)| [p, e]))
        {
            rows.push((vec![(c, -1.0)], 0.0, false));
        }
        balance.push(bal);
    }
    for l in &net.links {
        let capacity = var(l.capital_cost_per_mw_year);
        rows.push((vec![(capacity, -1.0)], 0.0, false));
        if l.max_mw.is_finite() {
            rows.push((vec![(capacity, 1.0)], l.max_mw, false));
        }
        #[allow(clippy::needless_range_loop)] // hour t of two sites at once
        for t in 0..hours {
            let (there, back) = (var(0.0), var(0.0));
            for x in [there, back] {
                rows.push((vec![(x, 1.0), (capacity, -1.0)], 0.0, false));
                rows.push((vec![(x, -1.0)], 0.0, false));
            }
            for (site, entries) in [
                (l.from, [(there, -1.0), (back, l.efficiency)]),
                (l.to, [(there, l.efficiency), (back, -1.0)]),
            ] {
                balance[site][t].extend(entries);
            }
        }
    }
    for (s, bal) in net.sites.iter().zip(balance) {
        for (t, entries) in bal.into_iter().enumerate() {
            // Supply may exceed the load only by curtailing renewables, which the
            // separate outputs already allow: the balance is an equality.
            rows.push((entries, s.firm_load_mw[t], true));
        }
    }
    rows.sort_by_key(|r| !r.2); // equalities first
    let n_eq = rows.iter().filter(|r| r.2).count();
    let (mut ri, mut ci, mut vals, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (r, (entries, rhs, _)) in rows.iter().enumerate() {
        for &(c, v) in entries {
            ri.push(r);
            ci.push(c);
            vals.push(v);
        }
        b.push(*rhs);
    }
    let n = cost.len();
    let a = CscMatrix::new_from_triplets(rows.len(), n, ri, ci, vals);
    let cones = [SupportedConeT::ZeroConeT(n_eq), SupportedConeT::NonnegativeConeT(rows.len() - n_eq)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .tol_gap_abs(1e-11)
        .tol_gap_rel(1e-11)
        .tol_feas(1e-11)
        .build()
        .unwrap();
    let p = CscMatrix::zeros((n, n));
    let mut solver = DefaultSolver::new(&p, &cost, &a, &b, &cones, settings).unwrap();
    solver.solve();
    assert_eq!(solver.solution.status, SolverStatus::Solved);
    solver.solution.obj_val
}
