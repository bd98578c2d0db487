//! The built-in baseline against independent published figures, and against a snapshot
//! of its own results so that any change in them is seen and explained.
//!
//! Regenerate the snapshot after an intended change with
//! `SUANLI_BLESS=1 cargo test -p suanli-nation --test baseline`.

use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_nation::{simulate, Outcome};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::resolve::{resolve, DataSet};

fn baseline() -> Outcome {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let input =
        resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data).unwrap().input;
    simulate(&input)
}

fn get(o: &Outcome, region: &str, year: i32, v: &[f64]) -> f64 {
    v[o.at(o.region(region).unwrap(), year)]
}

#[test]
fn generation_matches_the_raw_data() {
    let o = baseline();
    // ../shared/data/SOURCES.md, sums of the 2025-vintage OWID file (TWh).
    assert!((get(&o, "United States", 2025, &o.generation_twh) - 4_519.79).abs() < 0.05);
    assert!((get(&o, "United States", 2019, &o.generation_twh) - 4_158.38).abs() < 0.05);
    // China here includes Hong Kong and Macao (~40 TWh) on top of mainland China's 10,086.88.
    let china = get(&o, "China", 2024, &o.generation_twh);
    assert!((10_086.88..10_086.88 * 1.01).contains(&china), "{china}");
    // OWID's own "World" row of the older vintage is 29,479.05 TWh in 2023.
    let world = get(&o, "World", 2023, &o.generation_twh);
    assert!((world / 29_479.05 - 1.0).abs() < 0.01, "{world}");
}

#[test]
fn calibration_year_matches_published_totals() {
    let o = baseline();
    // IEA (2025), Energy and AI: data centres used ~415 TWh worldwide in 2024.
    let dc = get(&o, "World", 2024, &o.dc_electricity_twh);
    assert!((dc / 415.0 - 1.0).abs() < 0.05, "{dc}");
    // Epoch AI, Trends in AI Supercomputers (2025): the US holds ~75 % and China ~15 % of
    // the performance in the dataset the fleets are calibrated from.
    let us = o.world_share(o.region("United States").unwrap(), 2024);
    let cn = o.world_share(o.region("China").unwrap(), 2024);
    assert!((0.6..0.85).contains(&us) && (0.08..0.25).contains(&cn), "{us} {cn}");
}

#[test]
fn first_projected_year_is_near_epoch_chip_sales() {
    // Epoch AI's AI Chip Sales data (January 2026): ~15 million H100-equivalents sold in
    // total by the end of 2025. The model's 2025 fleet is projected, not calibrated.
    let o = baseline();
    let fleet = o.fleet_h100e(o.at(o.world(), 2025));
    assert!((fleet / 15e6 - 1.0).abs() < 0.3, "{fleet}");
}

#[test]
fn baseline_matches_snapshot() {
    let o = baseline();
    let mut lines = Vec::new();
    for r in 0..o.regions.len() {
        for year in [2000, 2020, 2024, 2025, 2027, 2030, 2035, 2040] {
            let i = o.at(r, year);
            lines.push(format!(
                "{},{year},{:.6e},{:.6e},{:.6e},{:.6e},{}",
                o.regions[r],
                o.generation_twh[i],
                o.dc_power_gw[i],
                o.fleet_h100e(i),
                o.effective_flops[i],
                o.binding[i].as_str()
            ));
        }
    }
    let actual = lines.join("\n") + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/baseline.csv");
    if std::env::var_os("SUANLI_BLESS").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(path).expect("snapshot exists; run with SUANLI_BLESS=1 to create it");
    for (a, e) in actual.lines().zip(expected.lines()) {
        assert_eq!(a, e, "baseline changed; if intended, rerun with SUANLI_BLESS=1 and explain the change");
    }
    assert_eq!(actual.lines().count(), expected.lines().count());
}
