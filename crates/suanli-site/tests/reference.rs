//! The reference problems of `../shared/reference/site-lp/` (solved independently with
//! PyPSA 1.4.0 + HiGHS 1.16.0): suanli must reproduce their objectives within 1e-6.
//! The profiles ship in `examples/site/profiles.csv`.

use suanli_site::input::{Battery, Gas, Renewable, SiteInput};
use suanli_site::plan::{plan, Settings, SolverChoice};

fn profiles() -> (Vec<f64>, Vec<f64>) {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/site/profiles.csv"))
            .unwrap();
    let mut solar = Vec::new();
    let mut wind = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        solar.push(f[1]);
        wind.push(f[2]);
    }
    (solar, wind)
}

fn dc1(with_gas: bool) -> SiteInput {
    let (solar_cf, wind_cf) = profiles();
    SiteInput {
        name: "dc1".into(),
        firm_load_mw: vec![1000.0; solar_cf.len()],
        solar_cf,
        wind_cf,
        solar: Some(Renewable { capital_cost_per_mw_year: 50_000.0, max_mw: f64::INFINITY }),
        wind: Some(Renewable { capital_cost_per_mw_year: 100_000.0, max_mw: f64::INFINITY }),
        battery: Some(Battery {
            power_cost_per_mw_year: 20_000.0,
            energy_cost_per_mwh_year: 15_000.0,
            round_trip_efficiency: 0.9,
        }),
        gas: with_gas.then_some(Gas {
            capital_cost_per_mw_year: 80_000.0,
            marginal_cost_per_mwh: 60.0,
            co2_t_per_mwh: 0.0,
        }),
        grid: None,
        training: None,
        reliability: None,
    }
}

fn check(site: SiteInput, reference: f64) {
    check_with(site, reference, &Settings::default());
}

fn check_with(site: SiteInput, reference: f64, settings: &Settings) {
    let p = plan(&site, settings).unwrap();
    let rel = (p.objective_per_year / reference - 1.0).abs();
    eprintln!(
        "{}: objective {:.2} vs {reference:.2} (rel {rel:.1e}), {} iterations, {:.2} s, dual gap {:.1e}",
        site.name,
        p.objective_per_year,
        p.solver.iterations,
        p.solver.solve_time_s,
        (p.solver.primal_objective - p.solver.dual_objective) / reference
    );
    assert!(
        rel < 1e-6,
        "objective {} vs reference {reference}: relative error {rel:e}",
        p.objective_per_year
    );
    assert!(p.solver.max_balance_violation_mw < 1e-3);
    // The speed quoted in docs/performance.md is the default method's: a fallback to
    // Clarabel (or Clarabel's retry with iterative refinement) would hide a slowdown.
    assert_eq!(p.solver.fallback, None);
    assert!(!p.solver.retried_with_refinement);
}

#[test]
fn dc1_with_gas_matches_pypsa_highs() {
    check(dc1(true), 479_507_582.89);
}

#[test]
fn dc1_firm_matches_pypsa_highs() {
    let mut site = dc1(false);
    site.name = "dc1-firm".into();
    check(site, 1_028_861_134.36);
}

#[test]
fn dc1_firm_with_clarabel_matches_too() {
    // Clarabel is the fallback: it must be as exact.
    let mut site = dc1(false);
    site.name = "dc1-firm (clarabel)".into();
    check_with(site, 1_028_861_134.36, &Settings { solver: SolverChoice::Clarabel, ..Settings::default() });
}
