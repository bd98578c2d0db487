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

#[test]
fn solar_and_battery_shift_energy_to_the_night() {
    let mut s = empty(2);
    s.solar_cf = vec![1.0, 0.0];
    s.solar = Some(Renewable { capital_cost_per_mw_year: 100.0, max_mw: f64::INFINITY });
    s.battery = Some(Battery {
        power_cost_per_mw_year: 10.0,
        energy_cost_per_mwh_year: 1.0,
        round_trip_efficiency: 1.0,
    });
    let p = plan(&s, &Settings::default()).unwrap();
    // 20 MW of solar in the sunny hour, 10 MW / 10 MWh of battery for the dark one.
    assert!(close(p.objective_per_year, 20.0 * 100.0 + 10.0 * 10.0 + 10.0), "{}", p.objective_per_year);
    assert!(close(p.capacities.solar_mw, 20.0) && close(p.capacities.battery_mwh, 10.0));
    assert!(p.dispatch.discharge_mw[1] > 9.99);
}

#[test]
fn losses_make_the_battery_charge_more() {
    let mut s = empty(2);
    s.solar_cf = vec![1.0, 0.0];
    s.solar = Some(Renewable { capital_cost_per_mw_year: 100.0, max_mw: f64::INFINITY });
    s.battery = Some(Battery {
        power_cost_per_mw_year: 0.0,
        energy_cost_per_mwh_year: 0.0,
        round_trip_efficiency: 0.64,
    });
    let p = plan(&s, &Settings::default()).unwrap();
    // 10 MWh delivered needs 10 / 0.64 = 15.625 MWh charged.
    assert!(close(p.capacities.solar_mw, 25.625), "{}", p.capacities.solar_mw);
}

#[test]
fn the_grid_is_used_up_to_its_connection_then_gas() {
    let mut s = empty(3);
    s.grid = Some(Grid { price_per_mwh: vec![10.0, 100.0, 10.0], connection_mw: 6.0, co2_t_per_mwh: 0.5 });
    s.gas = Some(gas());
    let p = plan(&s, &Settings::default()).unwrap();
    // Gas (1000/MW-yr + 50/MWh) covers what the 6 MW connection cannot. In the dear hour
    // importing 6 MWh at 100 beats 6 MW more of turbines at 1000 per MW.
    assert!(close(p.capacities.gas_mw, 4.0), "{}", p.capacities.gas_mw);
    assert!(p.dispatch.grid_mw.iter().all(|m| close(*m, 6.0)));
    let expected = 4.0 * 1000.0 + 12.0 * 50.0 + 6.0 * (10.0 + 100.0 + 10.0);
    assert!(close(p.objective_per_year, expected), "{}", p.objective_per_year);
    assert!(close(p.emissions_t_per_year, 12.0 * 0.4 + 18.0 * 0.5));
}

#[test]
fn training_follows_the_sun_to_meet_its_quota() {
    let mut s = empty(4);
    s.firm_load_mw = vec![0.0; 4];
    s.solar_cf = vec![1.0, 1.0, 0.0, 0.0];
    s.solar = Some(Renewable { capital_cost_per_mw_year: 100.0, max_mw: f64::INFINITY });
    s.training = Some(Training {
        it_capacity_cost_per_mw_year: 1000.0,
        energy_quota_mwh: 20.0,
        value_per_mwh: 0.0,
        min_load_share: 0.0,
        max_mw: f64::INFINITY,
        kw_per_h100: 1.0,
    });
    let p = plan(&s, &Settings::default()).unwrap();
    assert!(close(p.capacities.training_mw, 10.0) && close(p.capacities.solar_mw, 10.0));
    let t = p.training.unwrap();
    assert_eq!(t.hours_at_full_compute, 2);
    assert!(close(t.utilisation, 0.5));
    assert!(close(t.h100_hours, 20_000.0));
    // Capacity 10,000 plus energy 20 MWh at 1,000 / 20 = 50 per MWh: 11,000 / 20,000 h.
    assert!(close(t.cost_per_h100_hour, 0.55), "{}", t.cost_per_h100_hour);
}

#[test]
fn training_value_without_a_limit_is_unbounded_and_said_so() {
    let mut s = empty(4);
    s.firm_load_mw = vec![0.0; 4];
    s.solar_cf = vec![1.0; 4];
    s.solar = Some(Renewable { capital_cost_per_mw_year: 1.0, max_mw: f64::INFINITY });
    let training = Training {
        it_capacity_cost_per_mw_year: 1.0,
        energy_quota_mwh: 0.0,
        value_per_mwh: 10.0,
        min_load_share: 0.0,
        max_mw: f64::INFINITY,
        kw_per_h100: 1.0,
    };
    s.training = Some(training.clone());
    let e = plan(&s, &Settings::default()).unwrap_err();
    assert!(matches!(e, SiteError::Infeasible(ref m) if m.contains("unbounded")), "{e}");
    s.training = Some(Training { max_mw: 5.0, ..training });
    let p = plan(&s, &Settings::default()).unwrap();
    assert!(close(p.objective_per_year, 5.0 * 2.0 - 20.0 * 10.0), "{}", p.objective_per_year);
}

#[test]
fn lost_load_is_cheaper_than_a_peaker_for_rare_hours() {
    let mut s = empty(100);
    s.firm_load_mw = vec![10.0; 100];
    s.firm_load_mw[7] = 20.0;
    s.gas = Some(Gas { capital_cost_per_mw_year: 1000.0, marginal_cost_per_mwh: 1.0, co2_t_per_mwh: 0.0 });
    s.reliability = Some(Reliability { max_unserved_share: 1.0, value_of_lost_load_per_mwh: 500.0 });
    let p = plan(&s, &Settings::default()).unwrap();
    assert!(close(p.capacities.gas_mw, 10.0), "{}", p.capacities.gas_mw);
    assert!(close(p.unserved_mwh, 10.0));
}

#[test]
fn infeasible_plans_name_the_requirement() {
    let s = empty(24);
    let e = plan(&s, &Settings::default()).unwrap_err();
    assert!(e.to_string().contains("no source of energy"), "{e}");
    let mut s = empty(24);
    s.solar_cf = (0..24).map(|h| if (6..18).contains(&h) { 0.5 } else { 0.0 }).collect();
    s.solar = Some(Renewable { capital_cost_per_mw_year: 1.0, max_mw: f64::INFINITY });
    let e = plan(&s, &Settings::default()).unwrap_err();
    assert!(e.to_string().contains("firm load 10 MW cannot be met in hour 0"), "{e}");
}

#[test]
fn extreme_but_valid_costs_solve_or_say_why() {
    let hours = 72;
    let solar_cf: Vec<f64> =
        (0..hours).map(|h| if (7..17).contains(&(h % 24)) { 0.6 } else { 0.0 }).collect();
    let wind_cf: Vec<f64> = (0..hours).map(|h| 0.1 + 0.3 * ((h * 7 % 11) as f64 / 11.0)).collect();
    for (solar, wind, battery, gas_capital, fuel) in [
        (1e-3, 1e9, 1e-3, 1e9, 1e9),
        (1e9, 1e-3, 1e9, 1e-3, 1e-3),
        (1e-3, 1e-3, 1e-3, 1e-3, 1e-3),
        (1e9, 1e9, 1e9, 1e9, 1e9),
        (1e-3, 1e9, 1e9, 1e9, 1e9),
    ] {
        let mut s = empty(hours);
        s.solar_cf = solar_cf.clone();
        s.wind_cf = wind_cf.clone();
        s.solar = Some(Renewable { capital_cost_per_mw_year: solar, max_mw: f64::INFINITY });
        s.wind = Some(Renewable { capital_cost_per_mw_year: wind, max_mw: f64::INFINITY });
        s.battery = Some(Battery {
            power_cost_per_mw_year: battery,
            energy_cost_per_mwh_year: battery,
            round_trip_efficiency: 0.9,
        });
        s.gas = Some(Gas {
            capital_cost_per_mw_year: gas_capital,
            marginal_cost_per_mwh: fuel,
            co2_t_per_mwh: 0.4,
        });
        let case = format!("costs {solar:e} {wind:e} {battery:e} {gas_capital:e} {fuel:e}");
        let result = plan(&s, &Settings::default());
        eprintln!(
            "{case}: {}",
            result
                .as_ref()
                .map_or_else(|e| e.to_string(), |p| format!("solved, {:.6e}/yr", p.objective_per_year))
        );
        match result {
            Ok(p) => {
                assert!(p.objective_per_year.is_finite() && p.objective_per_year >= 0.0, "{case}");
                // Every hour balances in the returned dispatch (checked before reporting).
                assert!(
                    p.solver.max_balance_violation_mw <= 1e-4 * 10.0,
                    "{case}: {}",
                    p.solver.max_balance_violation_mw
                );
            }
            Err(e) => {
                let m = e.to_string();
                assert!(!m.is_empty() && !m.contains("panicked"), "{case}: {m}");
            }
        }
    }
}
