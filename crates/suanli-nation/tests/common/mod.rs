//! A tiny hand-made world for equation tests: two regions, two chip lines, 2020-2030,
//! fleets from data to 2022.

#![allow(dead_code)]

use suanli_scenario::model::{LineInput, NationInput, RegionInput};

pub const FIRST: i32 = 2020;
pub const CAL: i32 = 2022;
pub const LAST: i32 = 2030;
pub const YEARS: usize = (LAST - FIRST + 1) as usize;
pub const H100: f64 = 989.4e12;

pub fn flat(v: f64) -> Vec<f64> {
    vec![v; YEARS]
}

/// Region "A" makes line "a" (one H100 of FLOP/s, 1000 W, 10,000 USD); region "B" makes
/// line "b" (half the FLOP/s at half the power and price). Generation is reported to
/// 2022 (1000 TWh) and grows 10 %/yr after.
pub fn tiny() -> NationInput {
    let line = |id: &str, origin: usize, flops: f64, tdp: f64, price: f64| LineInput {
        id: id.into(),
        origin: Some(origin),
        flops_per_chip: flat(flops),
        tdp_w: flat(tdp),
        price_usd: flat(price),
        production_cap_chips: flat(f64::INFINITY),
        history_fleet_growth_factor: None,
    };
    let region = |id: &str, fleet_a: f64, fleet_b: f64| RegionInput {
        id: id.into(),
        name: id.to_uppercase(),
        generation_reported_twh: vec![1000.0; (CAL - FIRST + 1) as usize],
        last_reported_year: CAL,
        generation_growth_per_year: flat(0.1),
        dc_share_max: flat(1.0),
        interconnect_gw_per_year: flat(1000.0),
        conventional_dc_gw: flat(1.0),
        pue: flat(1.25),
        server_overhead: flat(1.6),
        load_factor: flat(0.5),
        utilisation: flat(0.5),
        max_unpowered_share: flat(1.0),
        capex_usd_bn: flat(10.0),
        import_cap_chips: vec![flat(f64::INFINITY), flat(f64::INFINITY)],
        calibration_fleet_h100e: vec![fleet_a, fleet_b],
    };
    NationInput {
        name: "tiny".into(),
        first_year: FIRST,
        calibration_year: CAL,
        last_year: LAST,
        accelerator_life_years: 3,
        history_fleet_growth_factor: 2.0,
        lines: vec![line("a", 0, H100, 1000.0, 10_000.0), line("b", 1, H100 / 2.0, 500.0, 5_000.0)],
        regions: vec![region("a", 1000.0, 0.0), region("b", 0.0, 400.0)],
    }
}

pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}
