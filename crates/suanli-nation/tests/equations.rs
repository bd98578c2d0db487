//! Each equation of the nation model on a tiny hand-made world with known answers.

mod common;

use common::*;
use suanli_nation::{simulate, Binding};

#[test]
fn generation_is_reported_then_grows() {
    let out = simulate(&tiny());
    assert_eq!(out.generation_twh[out.at(0, 2022)], 1000.0);
    assert!(!out.generation_projected[out.at(0, 2022)]);
    assert!(close(out.generation_twh[out.at(0, 2024)], 1210.0, 1e-12));
    assert!(out.generation_projected[out.at(0, 2024)]);
}

#[test]
fn history_fleet_matches_calibration_and_back_casts() {
    let out = simulate(&tiny());
    assert!(close(out.fleet_h100e(out.at(0, 2022)), 1000.0, 1e-12));
    assert!(close(out.fleet_h100e(out.at(0, 2021)), 500.0, 1e-12));
    assert!(close(out.fleet_h100e(out.at(1, 2022)), 400.0, 1e-12));
}

#[test]
fn budget_buys_the_best_flops_per_dollar_and_chips_retire() {
    // Both lines give the same FLOP/s per dollar; ties go to the first line, so region A
    // spends 10 bn USD on 1e6 chips of line a in 2023.
    let out = simulate(&tiny());
    let i = out.at(0, 2023);
    assert!(close(out.shipped_chips[i], 1e6, 1e-12));
    assert!(close(out.spent_usd_bn[i], 10.0, 1e-12));
    // Life 3 years: the 2023 shipment is gone in 2026, when only 2024-2026 remain.
    let fleet_2026 = out.fleet_h100e(out.at(0, 2026));
    assert!(close(fleet_2026, 3e6, 1e-12), "{fleet_2026}");
    assert_eq!(out.binding[i], Binding::Capital);
}

#[test]
fn import_caps_bind_as_chips() {
    let mut input = tiny();
    // Region B may import only 1000 chips of line a; it then buys line b with the rest.
    input.regions[1].import_cap_chips[0] = flat(1000.0);
    input.lines[1].production_cap_chips = flat(0.0);
    let out = simulate(&input);
    let i = out.at(1, 2023);
    assert!(close(out.shipped_chips[i], 1000.0, 1e-12));
    assert_eq!(out.binding[i], Binding::Chips);
    assert!(close(out.self_sufficiency(i).unwrap(), 0.0, 1e-12));
}

#[test]
fn production_caps_are_shared_pro_rata() {
    let mut input = tiny();
    input.lines[0].production_cap_chips = flat(1e6);
    input.lines[1].production_cap_chips = flat(0.0);
    input.regions[1].capex_usd_bn = flat(30.0);
    let out = simulate(&input);
    // Demand 1e6 (A) and 3e6 (B) for 1e6 chips: A gets 0.25e6, B 0.75e6.
    assert!(close(out.shipped_chips[out.at(0, 2023)], 0.25e6, 1e-12));
    assert!(close(out.shipped_chips[out.at(1, 2023)], 0.75e6, 1e-12));
    assert_eq!(out.binding[out.at(1, 2023)], Binding::Chips);
}

#[test]
fn power_limits_compute_and_strands_the_rest() {
    let mut input = tiny();
    input.regions[0].interconnect_gw_per_year = flat(0.5);
    let out = simulate(&input);
    // 2022: fleet 1000 H100 at 1000 W * 1.6 * 1.25 = 2 MW, plus 1 GW conventional.
    let cal = out.at(0, 2022);
    assert!(close(out.ai_power_demand_gw[cal], 0.002, 1e-12));
    assert!(close(out.dc_power_gw[cal], 1.002, 1e-12));
    // 2023: 1e6 new chips want 2 GW more; the grid adds 0.5 GW.
    let i = out.at(0, 2023);
    assert!(close(out.dc_power_gw[i], 1.502, 1e-12));
    let demand = out.ai_power_demand_gw[i];
    assert!(close(out.powered_fraction[i], 0.502 / demand, 1e-12));
    assert!(close(out.effective_flops[i], 0.5 * out.installed_flops[i] * 0.502 / demand, 1e-9));
    assert!(close(out.stranded_flops[i], out.installed_flops[i] * (1.0 - 0.502 / demand), 1e-9));
    assert_eq!(out.binding[i], Binding::Power);
    // Energy: (0.502 GW powered * 0.5 load factor + 1 GW conventional) * 8.76.
    assert!(close(out.dc_electricity_twh[i], (0.502 * 0.5 + 1.0) * 8.76, 1e-12));
}

#[test]
fn buyers_stop_buying_chips_they_cannot_power() {
    let mut input = tiny();
    input.regions[0].interconnect_gw_per_year = flat(0.5);
    input.regions[0].max_unpowered_share = flat(0.2);
    let out = simulate(&input);
    let i = out.at(0, 2023);
    // The grid can connect 1.502 GW, 0.502 GW of it for AI. Buyers allow chips drawing
    // 0.502 / (1 - 0.2) GW in all, less what the surviving 2021 and 2022 vintages draw
    // (250 + 500 H100 at 2 kW each). Each new chip needs 2 kW.
    let old_w = 750.0 * 2000.0;
    let expected_chips = (0.502e9 / 0.8 - old_w) / 2000.0;
    assert!(close(out.shipped_chips[i], expected_chips, 1e-9), "{}", out.shipped_chips[i]);
    assert!(close(out.powered_fraction[i], 0.8, 1e-9), "{}", out.powered_fraction[i]);
    assert_eq!(out.binding[i], Binding::Power);
    assert!(out.spent_usd_bn[i] < 10.0);
}

#[test]
fn share_of_generation_caps_data_centre_power() {
    let mut input = tiny();
    input.regions[0].dc_share_max = flat(0.001);
    let out = simulate(&input);
    let i = out.at(0, 2023);
    assert!(close(out.dc_power_gw[i], 0.001 * 1100.0 / 8.76, 1e-12));
}

#[test]
fn merit_order_powers_the_most_efficient_chips_first() {
    let mut input = tiny();
    // Line b becomes inefficient (same power as a for half the FLOP/s) and cheaper.
    input.lines[1].tdp_w = flat(1000.0);
    input.lines[1].price_usd = flat(4000.0);
    input.regions[1].interconnect_gw_per_year = flat(0.0);
    input.regions[1].calibration_fleet_h100e = vec![400.0, 0.0];
    input.regions[1].conventional_dc_gw = flat(0.0);
    let out = simulate(&input);
    // B keeps its 2022 capacity (400 H100 at 2 kW = 0.8 MW). In 2023 the 2021 and 2022
    // vintages of line a (300 H100, 0.6 MW) run first; the last 0.2 MW runs 100 of the
    // 2.5 million new line b chips (50 H100e). Effective: 350 H100 x 0.5 utilisation.
    let i = out.at(1, 2023);
    assert!(close(out.effective_flops[i], 350.0 * H100 * 0.5, 1e-9), "{}", out.effective_flops[i] / H100);
}

#[test]
fn world_is_the_sum_and_shares_sum_to_one() {
    let out = simulate(&tiny());
    for year in FIRST..=LAST {
        let w = out.at(out.world(), year);
        for v in [&out.generation_twh, &out.effective_flops, &out.installed_flops, &out.dc_electricity_twh] {
            assert!(close(v[w], v[out.at(0, year)] + v[out.at(1, year)], 1e-12));
        }
        let shares: f64 = (0..out.world()).map(|r| out.world_share(r, year)).sum();
        assert!(close(shares, 1.0, 1e-12));
    }
}

#[test]
fn self_sufficiency_counts_domestic_lines() {
    let out = simulate(&tiny());
    assert_eq!(out.self_sufficiency(out.at(0, 2023)), Some(1.0));
    assert_eq!(out.self_sufficiency_units(out.at(0, 2023)), Some(1.0));
}

#[test]
fn domestic_shares_on_every_basis_follow_the_lines_origins() {
    let mut input = tiny();
    // Region A buys both lines: give it B's line at the same FLOP/s per dollar, and no caps.
    input.lines[1].price_usd = flat(5_000.0);
    let out = simulate(&input);
    for year in FIRST..=LAST {
        let i = out.at(0, year);
        let (flops, chips, spent) = (out.installed_flops[i], out.accelerators[i], out.spent_usd_bn[i]);
        // Domestic parts never exceed the whole, and a region with only its own line is 100 %.
        assert!(out.installed_domestic_flops[i] <= flops * (1.0 + 1e-12));
        assert!(out.accelerators_domestic[i] <= chips * (1.0 + 1e-12));
        assert!(out.spent_domestic_usd_bn[i] <= spent * (1.0 + 1e-12) + 1e-12);
        for share in [
            out.domestic_share_installed(i),
            out.domestic_share_installed_units(i),
            out.self_sufficiency_value(i),
        ]
        .into_iter()
        .flatten()
        {
            assert!((0.0..=1.0 + 1e-12).contains(&share), "{year}: {share}");
        }
        // World sums the domestic parts of its regions.
        let w = out.at(out.world(), year);
        assert!(close(
            out.installed_domestic_flops[w],
            out.installed_domestic_flops[i] + out.installed_domestic_flops[out.at(1, year)],
            1e-12
        ));
    }
    // In the calibration year A holds only its own line's calibrated fleet.
    let cal = out.at(0, CAL);
    let own = input.regions[0].calibration_fleet_h100e[0] * H100;
    assert!(close(out.installed_domestic_flops[cal], own, 1e-9));
}
