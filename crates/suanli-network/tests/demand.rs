//! Demand centres, fibre routes, PUE and hour weights, against optima worked out by hand
//! and against the same network written out hour by hour.

mod common;

use common::{close, random_site, site, Rng};
use suanli_network::{plan, DemandCentre, NetworkInput, Route};
use suanli_site::input::{Gas, SiteInput, Training};
use suanli_site::plan::Settings;

/// A site with only gas turbines (capacity 10 per MW-year, fuel `fuel` per MWh) and no load.
fn gas_site(name: &str, hours: usize, fuel: f64) -> SiteInput {
    let mut s = site(name, hours, 0.0);
    s.gas = Some(Gas { capital_cost_per_mw_year: 10.0, marginal_cost_per_mwh: fuel, co2_t_per_mwh: 0.37 });
    s
}

fn route(site: usize, latency_ms: f64, cost_per_gbps_year: f64, serves: bool) -> Route {
    Route {
        demand: 0,
        site,
        length_km: latency_ms / 0.0098,
        latency_ms,
        capital_cost_per_gbps_year: cost_per_gbps_year,
        serves_inference: serves,
        carries_training: false,
    }
}

/// Two gas sites (fuel 2 and 5) and a city of 10 MW of inference for 4 hours; PUE 1.5;
/// inference IT at 7 per MW-year, 2 Gbit/s per MW of inference.
fn city(cheap_in_reach: bool) -> NetworkInput {
    NetworkInput {
        demands: vec![DemandCentre { name: "city".into(), inference_mw: vec![10.0; 4] }],
        routes: vec![route(0, 30.0, 3.0, cheap_in_reach), route(1, 10.0, 1.0, true)],
        pue: vec![1.5, 1.5],
        inference_cost_per_mw_year: 7.0,
        gbps_per_mw_inference: 2.0,
        ..NetworkInput::new("t", vec![gas_site("cheap", 4, 2.0), gas_site("dear", 4, 5.0)], Vec::new())
    }
}

#[test]
fn inference_runs_at_the_cheapest_site_within_reach_with_its_pue_and_fibre() {
    // In reach: 15 MW of facility load at the cheap site: turbines 15 x 10, fuel
    // 15 x 4 h x 2, inference IT 10 x 7, fibre 20 Gbit/s x 3.
    let p = plan(&city(true), &Settings::default()).unwrap();
    let want = 150.0 + 120.0 + 70.0 + 60.0;
    assert!(close(p.objective_per_year, want, 1e-7), "{} against {want}", p.objective_per_year);
    assert!(close(p.sites[0].capacities.gas_mw, 15.0, 1e-6));
    assert!(close(p.routes[0].capacity_gbps, 20.0, 1e-6));
    assert!(close(p.inference[0].capacity_mw, 10.0, 1e-6));
    assert!(close(p.costs.fibre, 60.0, 1e-6) && close(p.costs.inference, 70.0, 1e-6));
    // 20 Gbit/s for 4 hours = 80 Gbit/s-hours = 36 TB.
    assert!(close(p.delivered.fibre_pb, 80.0 * 450e-6, 1e-6));

    // Out of reach: the dear site serves: 150 + 15 x 4 x 5 + 70 + 20 x 1.
    let p = plan(&city(false), &Settings::default()).unwrap();
    let want = 150.0 + 300.0 + 70.0 + 20.0;
    assert!(close(p.objective_per_year, want, 1e-7), "{} against {want}", p.objective_per_year);
    assert!(p.routes.iter().all(|r| r.site == "dear" || r.inference_mwh == 0.0));
}

#[test]
fn every_hour_of_inference_is_served_exactly_once() {
    let mut rng = Rng(7);
    let hours = 24;
    let sites: Vec<SiteInput> = (0..3).map(|k| random_site(&mut rng, &format!("s{k}"), hours)).collect();
    let demand: Vec<f64> = (0..hours).map(|_| 20.0 + 80.0 * rng.next()).collect();
    let net = NetworkInput {
        demands: vec![DemandCentre { name: "city".into(), inference_mw: demand.clone() }],
        routes: (0..3).map(|k| route(k, 5.0, 1.0 + k as f64, true)).collect(),
        pue: vec![1.1, 1.3, 1.2],
        gbps_per_mw_inference: 1.0,
        ..NetworkInput::new("t", sites, Vec::new())
    };
    let p = plan(&net, &Settings::default()).unwrap();
    for (t, want) in demand.iter().enumerate() {
        let served: f64 = p.routes.iter().map(|r| r.served_mw[t]).sum();
        assert!(close(served, *want, 1e-7), "hour {t}: {served} against {want}");
    }
    // Each site's firm load in its dispatch is the inference it serves times its PUE.
    for (k, s) in p.sites.iter().enumerate() {
        for t in 0..hours {
            let served: f64 = p.routes.iter().filter(|r| r.site == s.name).map(|r| r.served_mw[t]).sum();
            assert!(close(s.dispatch.firm_mw[t], net.pue[k] * served + net.sites[k].firm_load_mw[t], 1e-7));
        }
    }
}

#[test]
fn a_wider_latency_bound_never_costs_more() {
    let mut rng = Rng(11);
    let hours = 12;
    let sites: Vec<SiteInput> = (0..3).map(|k| random_site(&mut rng, &format!("s{k}"), hours)).collect();
    let latency = [4.0, 12.0, 25.0];
    let mut last = f64::INFINITY;
    for bound in [5.0, 15.0, 30.0] {
        let net = NetworkInput {
            demands: vec![DemandCentre { name: "city".into(), inference_mw: vec![40.0; hours] }],
            routes: (0..3).map(|k| route(k, latency[k], 2.0, latency[k] <= bound)).collect(),
            pue: vec![1.2; 3],
            gbps_per_mw_inference: 1.0,
            ..NetworkInput::new("t", sites.clone(), Vec::new())
        };
        let cost = plan(&net, &Settings::default()).unwrap().objective_per_year;
        assert!(cost <= last * (1.0 + 1e-9), "{cost} after {last} at {bound} ms");
        last = cost;
    }
}

#[test]
fn training_capacity_buys_bandwidth_to_the_training_home() {
    // The cheap site trains 5 MW flat (quota 20 MWh over 4 hours) and sends 0.5 Gbit/s per
    // MW of training capacity home; the city has no inference.
    let mut net = city(true);
    net.demands[0].inference_mw = vec![0.0; 4];
    net.routes[0].carries_training = true;
    net.gbps_per_mw_training = 0.5;
    net.sites[0].training = Some(Training {
        it_capacity_cost_per_mw_year: 1.0,
        energy_quota_mwh: 20.0,
        value_per_mwh: 0.0,
        min_load_share: 0.0,
        max_mw: f64::INFINITY,
        kw_per_h100: 1.0,
    });
    let p = plan(&net, &Settings::default()).unwrap();
    // Turbines 5 x 10, fuel 20 x 2, training IT 5 x 1, fibre 2.5 Gbit/s x 3.
    let want = 50.0 + 40.0 + 5.0 + 7.5;
    assert!(close(p.objective_per_year, want, 1e-7), "{} against {want}", p.objective_per_year);
    assert!(close(p.routes[0].capacity_gbps, 2.5, 1e-6));
}

#[test]
fn weighted_hours_equal_the_year_written_out() {
    // Six profile hours that weigh three hours each plan like the same six hours written
    // out three times (cyclic storage makes the repetition exact).
    let mut rng = Rng(3);
    let short: Vec<SiteInput> = (0..2).map(|k| random_site(&mut rng, &format!("s{k}"), 6)).collect();
    for s in &short {
        assert!(s.training.is_none());
    }
    let repeat = |v: &[f64]| -> Vec<f64> { v.iter().cycle().take(3 * v.len()).copied().collect() };
    let long: Vec<SiteInput> = short
        .iter()
        .map(|s| SiteInput {
            solar_cf: repeat(&s.solar_cf),
            wind_cf: repeat(&s.wind_cf),
            firm_load_mw: repeat(&s.firm_load_mw),
            ..s.clone()
        })
        .collect();
    let demand = vec![30.0, 10.0, 20.0, 50.0, 40.0, 0.0];
    let with = |sites: Vec<SiteInput>, demand: Vec<f64>, weight: f64| NetworkInput {
        demands: vec![DemandCentre { name: "city".into(), inference_mw: demand }],
        routes: vec![route(0, 5.0, 2.0, true), route(1, 5.0, 1.0, true)],
        pue: vec![1.2, 1.1],
        inference_cost_per_mw_year: 3.0,
        gbps_per_mw_inference: 1.0,
        hour_weight: weight,
        training_quota_mwh: 0.0,
        ..NetworkInput::new("t", sites, vec![common::link(0, 1, 4.0, 0.95)])
    };
    let a = plan(&with(short, demand.clone(), 3.0), &Settings::default()).unwrap();
    let b = plan(&with(long, repeat(&demand), 1.0), &Settings::default()).unwrap();
    assert!(
        close(a.objective_per_year, b.objective_per_year, 1e-7),
        "{} against {}",
        a.objective_per_year,
        b.objective_per_year
    );
    assert!(close(a.lower_bound_per_year, b.lower_bound_per_year, 1e-7));
    for (x, y) in a.sites.iter().zip(&b.sites) {
        assert!(close(x.objective_per_year, y.objective_per_year, 1e-6));
        assert!(close(x.capacities.gas_mw, y.capacities.gas_mw, 1e-6));
    }
    assert!(close(a.delivered.lines_twh, b.delivered.lines_twh, 1e-6));
    assert!(close(a.delivered.inference_it_mwh, b.delivered.inference_it_mwh, 1e-7));
    assert!(close(a.costs.fibre, b.costs.fibre, 1e-6));
}

#[test]
fn a_programme_scales_the_centres_and_sets_the_quota() {
    use suanli_network::programme::{apply_programme, ProgrammeLoad};
    // Twice the file's 10 MW: every cost of the hand-worked optimum doubles.
    let mut net = city(true);
    apply_programme(&mut net, &ProgrammeLoad { inference_it_mw: 20.0, flexible_h100_hours: 0.0 }).unwrap();
    assert_eq!(net.demands[0].inference_mw, vec![20.0; 4]);
    let p = plan(&net, &Settings::default()).unwrap();
    assert!(close(p.objective_per_year, 2.0 * 400.0, 1e-7), "{}", p.objective_per_year);

    // Two centres keep their shapes and their shares; a centre with none in the file gets none.
    let mut two = city(true);
    two.demands = vec![
        DemandCentre { name: "a".into(), inference_mw: vec![1.0, 3.0, 1.0, 3.0] },
        DemandCentre { name: "b".into(), inference_mw: vec![6.0; 4] },
        DemandCentre { name: "c".into(), inference_mw: vec![0.0; 4] },
    ];
    apply_programme(&mut two, &ProgrammeLoad { inference_it_mw: 16.0, flexible_h100_hours: 0.0 }).unwrap();
    assert_eq!(two.demands[0].inference_mw, vec![2.0, 6.0, 2.0, 6.0]);
    assert_eq!(two.demands[1].inference_mw, vec![12.0; 4]);
    assert_eq!(two.demands[2].inference_mw, vec![0.0; 4]);

    // Flexible work needs a site with training; then it is the quota in H100-hours.
    let load = ProgrammeLoad { inference_it_mw: 0.0, flexible_h100_hours: 1e6 };
    let e = apply_programme(&mut city(true), &load).unwrap_err();
    assert!(e.contains("no site with training"), "{e}");
    let mut trained = city(true);
    trained.sites[0].training = Some(Training {
        it_capacity_cost_per_mw_year: 1.0,
        energy_quota_mwh: 0.0,
        value_per_mwh: 0.0,
        min_load_share: 0.0,
        max_mw: f64::INFINITY,
        kw_per_h100: 1.0,
    });
    trained.training_quota_mwh = 5.0;
    apply_programme(&mut trained, &load).unwrap();
    assert_eq!((trained.training_quota_mwh, trained.training_quota_h100_hours), (0.0, 1e6));
    assert!(trained.demands[0].inference_mw.iter().all(|x| *x == 0.0));

    let mut bare = NetworkInput::new("bare", vec![gas_site("x", 4, 1.0)], Vec::new());
    let e = apply_programme(&mut bare, &ProgrammeLoad { inference_it_mw: 1.0, flexible_h100_hours: 0.0 })
        .unwrap_err();
    assert!(e.contains("no demand centre"), "{e}");
}
