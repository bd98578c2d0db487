//! Small site problems with optima known by hand.

use suanli_site::input::{Battery, Gas, Grid, Reliability, Renewable, SiteInput, Training};
use suanli_site::plan::{plan, Settings, SiteError};

fn empty(hours: usize) -> SiteInput {
    SiteInput {
        name: "t".into(),
        solar_cf: vec![0.0; hours],
        wind_cf: vec![0.0; hours],
        firm_load_mw: vec![10.0; hours],
        solar: None,
        wind: None,
        battery: None,
        gas: None,
        grid: None,
        training: None,
        reliability: None,
    }
}

fn gas() -> Gas {
    Gas { capital_cost_per_mw_year: 1000.0, marginal_cost_per_mwh: 50.0, co2_t_per_mwh: 0.4 }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn gas_only_runs_all_hours() {
    let mut s = empty(24);
    s.gas = Some(gas());
    let p = plan(&s, &Settings::default()).unwrap();
    assert!(close(p.objective_per_year, 10.0 * 1000.0 + 240.0 * 50.0), "{}", p.objective_per_year);
    assert!(close(p.capacities.gas_mw, 10.0));
    assert!(close(p.emissions_t_per_year, 240.0 * 0.4));
    assert!(close(p.gas_share, 1.0));
}
