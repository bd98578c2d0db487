//! Properties of the nation model that hold for any inputs in range: more power or more
//! chips never lower effective compute, World is the sum of regions, fleets are never
//! negative, shares sum to one.

mod common;

use common::*;
use proptest::prelude::*;
use suanli_nation::{simulate, History};
use suanli_scenario::model::NationInput;

/// A randomised tiny world.
fn world() -> impl Strategy<Value = NationInput> {
    (
        0.01f64..50.0, // capex A, bn USD
        0.01f64..50.0, // capex B
        0.0f64..20.0,  // interconnect A, GW/yr
        0.0f64..20.0,  // interconnect B
        0.001f64..0.3, // dc share max
        -0.05f64..0.1, // generation growth
        0.0f64..1e7,   // import cap of line a into B
        1e3f64..1e7,   // production cap of line b
        1.0f64..1e6,   // calibration fleet A
    )
        .prop_map(|(ca, cb, ia, ib, share, g, cap, prod, fleet)| {
            let mut x = tiny();
            x.regions[0].capex_usd_bn = flat(ca);
            x.regions[1].capex_usd_bn = flat(cb);
            x.regions[0].interconnect_gw_per_year = flat(ia);
            x.regions[1].interconnect_gw_per_year = flat(ib);
            for r in &mut x.regions {
                r.dc_share_max = flat(share);
                r.generation_growth_per_year = flat(g);
            }
            x.regions[1].import_cap_chips[0] = flat(cap);
            x.lines[1].production_cap_chips = flat(prod);
            x.lines[1].tdp_w = flat(800.0); // less efficient than line a
            x.regions[0].calibration_fleet_h100e = vec![fleet, 0.0];
            x
        })
}

fn effective(x: &NationInput, region: usize) -> Vec<f64> {
    let out = simulate(x);
    (FIRST..=LAST).map(|y| out.effective_flops[out.at(region, y)]).collect()
}

fn never_lower(before: &[f64], after: &[f64]) -> bool {
    before.iter().zip(after).all(|(b, a)| *a >= *b * (1.0 - 1e-9) - 1e-6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn more_power_never_lowers_effective_compute(x in world(), extra in 0.0f64..10.0, share in 1.0f64..3.0) {
        for r in 0..2 {
            let before = effective(&x, r);
            let mut more = x.clone();
            more.regions[r].interconnect_gw_per_year.iter_mut().for_each(|v| *v += extra);
            prop_assert!(never_lower(&before, &effective(&more, r)), "interconnect");
            let mut more = x.clone();
            more.regions[r].dc_share_max.iter_mut().for_each(|v| *v = (*v * share).min(1.0));
            prop_assert!(never_lower(&before, &effective(&more, r)), "share of generation");
            let mut more = x.clone();
            more.regions[r].generation_growth_per_year.iter_mut().for_each(|v| *v += 0.02);
            prop_assert!(never_lower(&before, &effective(&more, r)), "generation");
        }
    }

    #[test]
    fn more_chips_never_lower_effective_compute(x in world(), factor in 1.0f64..5.0) {
        for r in 0..2 {
            let before = effective(&x, r);
            let mut more = x.clone();
            more.regions[r].capex_usd_bn.iter_mut().for_each(|v| *v *= factor);
            prop_assert!(never_lower(&before, &effective(&more, r)), "capital");
            let mut more = x.clone();
            more.regions[r].calibration_fleet_h100e.iter_mut().for_each(|v| *v *= factor);
            prop_assert!(never_lower(&before, &effective(&more, r)), "calibration fleet");
        }
    }

    #[test]
    fn world_sums_fleets_stay_non_negative_and_shares_sum_to_one(x in world()) {
        let out = simulate(&x);
        for y in FIRST..=LAST {
            let w = out.at(out.world(), y);
            let sum: f64 = (0..out.world()).map(|r| out.effective_flops[out.at(r, y)]).sum();
            prop_assert!(close(out.effective_flops[w], sum, 1e-12));
            for r in 0..=out.world() {
                let i = out.at(r, y);
                prop_assert!(out.accelerators[i] >= 0.0 && out.installed_flops[i] >= 0.0);
                prop_assert!(out.effective_flops[i] <= out.installed_flops[i] * (1.0 + 1e-12));
                prop_assert!((0.0..=1.0).contains(&out.powered_fraction[i]));
            }
            if out.effective_flops[w] > 0.0 {
                let shares: f64 = (0..out.world()).map(|r| out.world_share(r, y)).sum();
                prop_assert!(close(shares, 1.0, 1e-9));
            }
        }
    }

    #[test]
    fn projecting_from_history_equals_a_full_run(x in world(), factors in proptest::collection::vec(0.2f64..5.0, 3)) {
        // One history and one scratch simulation serve inputs that differ after calibration,
        // in any order, as Monte Carlo uses them.
        let history = History::new(&x);
        let mut sim = history.scratch();
        let start = x.calibration_index() + 1;
        for f in factors {
            let mut y = x.clone();
            for r in &mut y.regions {
                r.capex_usd_bn[start..].iter_mut().for_each(|v| *v *= f);
                r.interconnect_gw_per_year[start..].iter_mut().for_each(|v| *v /= f);
            }
            prop_assert_eq!(history.project(&y, &mut sim), &simulate(&y));
        }
    }
}
