//! Properties of the site model on small random sites: cheaper storage never raises the
//! optimum; doubling the load with costs fixed at most doubles the cost; the energy
//! balance holds every hour of the returned dispatch.

use suanli_site::input::{Battery, Gas, Grid, Reliability, Renewable, SiteInput, Training};
use suanli_site::plan::{plan, Settings, SolverChoice};

/// A small deterministic pseudo-random site (48 hours) for a seed.
fn site(seed: u64) -> SiteInput {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let hours = 48;
    let solar_cf: Vec<f64> =
        (0..hours).map(|h| if (6..18).contains(&(h % 24)) { next() } else { 0.0 }).collect();
    let wind_cf: Vec<f64> = (0..hours).map(|_| next()).collect();
    SiteInput {
        name: format!("random {seed}"),
        firm_load_mw: (0..hours).map(|_| 50.0 + 50.0 * next()).collect(),
        solar_cf,
        wind_cf,
        solar: Some(Renewable { capital_cost_per_mw_year: 50.0 + 100.0 * next(), max_mw: f64::INFINITY }),
        wind: Some(Renewable { capital_cost_per_mw_year: 80.0 + 100.0 * next(), max_mw: f64::INFINITY }),
        battery: Some(Battery {
            power_cost_per_mw_year: 20.0 * next(),
            energy_cost_per_mwh_year: 10.0 * next(),
            round_trip_efficiency: 0.8 + 0.2 * next(),
        }),
        gas: Some(Gas {
            capital_cost_per_mw_year: 100.0 + 100.0 * next(),
            marginal_cost_per_mwh: 1.0 + 10.0 * next(),
            co2_t_per_mwh: 0.4,
        }),
        grid: None,
        training: None,
        reliability: None,
    }
}

fn cost(s: &SiteInput) -> f64 {
    let p = plan(s, &Settings::default()).unwrap();
    assert!(
        p.solver.max_balance_violation_mw < 1e-6 * 100.0,
        "balance off by {}",
        p.solver.max_balance_violation_mw
    );
    p.objective_per_year
}

#[test]
fn cheaper_storage_never_raises_the_optimum() {
    for seed in 0..12 {
        let s = site(seed);
        let before = cost(&s);
        let mut cheaper = s.clone();
        let b = cheaper.battery.as_mut().unwrap();
        b.energy_cost_per_mwh_year *= 0.5;
        b.power_cost_per_mw_year *= 0.5;
        assert!(cost(&cheaper) <= before * (1.0 + 1e-8), "seed {seed}");
    }
}

#[test]
fn doubling_the_load_at_most_doubles_the_cost() {
    for seed in 0..12 {
        let s = site(seed);
        let before = cost(&s);
        let mut double = s.clone();
        double.firm_load_mw.iter_mut().for_each(|l| *l *= 2.0);
        let after = cost(&double);
        assert!(after <= 2.0 * before * (1.0 + 1e-8) && after >= before, "seed {seed}: {before} -> {after}");
    }
}

/// The random sites with each optional part switched on in turn: a grid with hourly
/// prices and a connection limit, training with a quota (free, partly flexible and flat),
/// solar, the grid and training capped at zero, and a share of firm load allowed to go unserved.
fn variants(seed: u64) -> Vec<SiteInput> {
    let base = site(seed);
    let hours = base.firm_load_mw.len();
    let training = |min_load_share: f64| Training {
        it_capacity_cost_per_mw_year: 300.0,
        energy_quota_mwh: 40.0 * hours as f64,
        value_per_mwh: 0.0,
        min_load_share,
        max_mw: f64::INFINITY,
        kw_per_h100: 1.43,
    };
    let mut out = vec![base.clone()];
    let mut grid = base.clone();
    grid.grid = Some(Grid {
        price_per_mwh: (0..hours).map(|h| 2.0 + (h % 24) as f64 / 3.0).collect(),
        connection_mw: 30.0,
        co2_t_per_mwh: 0.5,
    });
    out.push(grid);
    for share in [0.0, 0.3, 1.0] {
        let mut t = base.clone();
        t.training = Some(training(share));
        out.push(t);
    }
    // Capped at zero: no solar, a grid connection of 0 MW, no training capacity.
    let mut capped = base.clone();
    capped.solar.as_mut().unwrap().max_mw = 0.0;
    capped.grid = Some(Grid { price_per_mwh: vec![1.0; hours], connection_mw: 0.0, co2_t_per_mwh: 0.5 });
    capped.training =
        Some(Training { value_per_mwh: 5.0, energy_quota_mwh: 0.0, max_mw: 0.0, ..training(0.0) });
    out.push(capped);
    let mut unserved = base;
    unserved.reliability =
        Some(Reliability { max_unserved_share: 0.01, value_of_lost_load_per_mwh: f64::INFINITY });
    out.push(unserved);
    out
}

#[test]
fn the_default_solver_agrees_with_clarabel_without_falling_back() {
    for seed in 0..6 {
        for (v, s) in variants(seed).iter().enumerate() {
            let clarabel =
                plan(s, &Settings { solver: SolverChoice::Clarabel, ..Settings::default() }).unwrap();
            let ours = plan(s, &Settings::default()).unwrap();
            assert_eq!(ours.solver.fallback, None, "seed {seed} variant {v}");
            assert_eq!(ours.solver.name, "suanli augmented interior point");
            let rel = (ours.objective_per_year / clarabel.objective_per_year - 1.0).abs();
            assert!(
                rel < 1e-7,
                "seed {seed} variant {v}: {} vs {}",
                ours.objective_per_year,
                clarabel.objective_per_year
            );
        }
    }
}
