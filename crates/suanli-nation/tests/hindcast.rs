//! Hindcasts: the input as of a base year, and the scoring, against values worked out by hand.

use suanli_data::catalogue::builtin_catalogue;
use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::{builtin_fleets, fleet_h100e};
use suanli_data::observed::{observations, Observation, FLEET_H100E, WORLD_ID};
use suanli_nation::hindcast::score::{rows, skill, Row};
use suanli_nation::hindcast::{as_of, AsOf};
use suanli_nation::simulate;
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::model::NationInput;
use suanli_scenario::resolve::{resolve, DataSet};

fn baseline() -> NationInput {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data).unwrap().input
}

fn hindcast(base_year: i32) -> AsOf {
    let observed = observations(&ElectricityTable::builtin(), &builtin_fleets());
    as_of(&baseline(), base_year, &builtin_fleets(), &builtin_catalogue(), &observed).unwrap()
}

fn index(input: &NationInput, year: i32) -> usize {
    input.year_index(year).unwrap()
}

#[test]
fn generation_stops_at_the_base_year_and_grows_at_its_trailing_growth() {
    let h = hindcast(2020).input;
    let table = ElectricityTable::builtin();
    let china = &h.regions[0];
    assert_eq!((china.id.as_str(), china.last_reported_year), ("china", 2020));
    assert_eq!(china.generation_reported_twh.len(), index(&h, 2020) + 1);
    let (g2015, g2020) = (table.total_twh("china", 2015).unwrap(), table.total_twh("china", 2020).unwrap());
    let growth = (g2020 / g2015).powf(0.2) - 1.0;
    assert!((china.generation_growth_per_year[index(&h, 2023)] - growth).abs() < 1e-12);
    let o = simulate(&h);
    let at = o.at(0, 2022);
    assert!((o.generation_twh[at] - g2020 * (1.0 + growth).powi(2)).abs() < 1e-6);
}

#[test]
fn fleets_are_calibrated_at_the_base_year() {
    let h = hindcast(2021).input;
    assert_eq!(h.calibration_year, 2021);
    let o = simulate(&h);
    for (r, region) in h.regions.iter().enumerate() {
        let table: f64 =
            h.lines.iter().map(|l| fleet_h100e(&builtin_fleets(), &region.id, &l.id, 2021)).sum();
        let modelled = o.fleet_h100e(o.at(r, 2021));
        assert!((modelled - table).abs() <= 1e-6 * table.max(1.0), "{}: {modelled} vs {table}", region.id);
    }
}

#[test]
fn parts_and_export_rules_are_those_known_at_the_base_year() {
    let line = |h: &NationInput, id: &str| h.lines.iter().position(|l| l.id == id).unwrap();
    // End of 2019: the A100 (May 2020) is not out, so 2020 still ships the V100 (125
    // TFLOP/s); the frontier then grows at the baseline's 1.35x a year.
    let h = hindcast(2019).input;
    let frontier = &h.lines[line(&h, "us_frontier")];
    assert_eq!(frontier.flops_per_chip[index(&h, 2019)], 125e12);
    assert_eq!(frontier.flops_per_chip[index(&h, 2020)], 125e12);
    assert!((frontier.flops_per_chip[index(&h, 2022)] - 125e12 * 1.35f64.powi(2)).abs() < 1e3);
    // No China-compliant part exists yet: the line ships nothing; China may buy frontier parts.
    let compliant = line(&h, "us_china_compliant");
    assert!(h.lines[compliant].production_cap_chips[index(&h, 2020)..].iter().all(|c| *c == 0.0));
    let china = &h.regions[0];
    assert!(china.import_cap_chips[line(&h, "us_frontier")][index(&h, 2021)].is_infinite());

    // End of 2022: the October 2022 rules close frontier parts to China; the A800 ships.
    let h = hindcast(2022).input;
    let china = &h.regions[0];
    assert_eq!(china.import_cap_chips[line(&h, "us_frontier")][index(&h, 2023)], 0.0);
    assert_eq!(h.lines[line(&h, "us_china_compliant")].flops_per_chip[index(&h, 2023)], 311.8e12);
    assert_eq!(h.lines[line(&h, "us_frontier")].flops_per_chip[index(&h, 2023)], 989.4e12);
}

#[test]
fn spending_grows_from_the_base_year_at_nvidias_trailing_growth() {
    let h = hindcast(2020);
    // NVIDIA data-centre revenue: 1,932 M USD (FY2018) and 6,696 M USD (FY2021).
    let growth = (6.696f64 / 1.932).powf(1.0 / 3.0) - 1.0;
    assert!((h.spending_growth_per_year - growth).abs() < 1e-12);
    let o = simulate(&h.input);
    for r in 0..h.input.regions.len() {
        let spent_2020 = o.spent_usd_bn[o.at(r, 2020)];
        let capex_2023 = h.input.regions[r].capex_usd_bn[index(&h.input, 2023)];
        assert!((capex_2023 - spent_2020 * (1.0 + growth).powi(3)).abs() <= 1e-9 * capex_2023.max(1.0));
    }
}

#[test]
fn base_years_outside_the_data_are_refused() {
    let observed = observations(&ElectricityTable::builtin(), &builtin_fleets());
    for year in [2010, 2024, 2030] {
        let e = as_of(&baseline(), year, &builtin_fleets(), &builtin_catalogue(), &observed).unwrap_err();
        assert!(e.contains("outside 2018-2023"), "{e}");
    }
}

fn observation(year: i32, value: f64) -> Observation {
    Observation { region: WORLD_ID.into(), year, quantity: FLEET_H100E.into(), value, source: "test".into() }
}

#[test]
fn naive_forecasts_carry_the_last_value_and_its_trailing_growth() {
    let h = hindcast(2020).input;
    let o = simulate(&h);
    // World fleet observed 100 in 2016, 400 in 2018 and 900 in 2020: the trend takes the
    // earliest value within five years (2016), growth (900 / 100)^(1/4) = sqrt(3) a year.
    let observed = [
        observation(2016, 100.0),
        observation(2018, 400.0),
        observation(2020, 900.0),
        observation(2022, 2000.0),
    ];
    let all = rows(&h, &o, 2022, &observed);
    let world_fleet: Vec<&Row> =
        all.iter().filter(|r| r.region == "World" && r.quantity == FLEET_H100E).collect();
    assert_eq!(world_fleet.iter().map(|r| r.year).collect::<Vec<_>>(), vec![2021, 2022]);
    let y2022 = world_fleet[1];
    assert_eq!(y2022.naive_last, Some(900.0));
    assert!((y2022.naive_trend.unwrap() - 900.0 * 3.0).abs() < 1e-9);
    assert_eq!(y2022.observed, Some(2000.0));
    assert_eq!(y2022.modelled, o.fleet_h100e(o.at(o.world(), 2022)));
    assert!((y2022.relative_error.unwrap() - (y2022.modelled / 2000.0 - 1.0)).abs() < 1e-12);
    assert_eq!(world_fleet[0].observed, None);
    // Nothing observed by the base year: no naive forecast.
    let china = all.iter().find(|r| r.region == "China" && r.quantity == FLEET_H100E).unwrap();
    assert_eq!((china.naive_last, china.naive_trend), (None, None));
}

#[test]
fn skill_is_the_mean_absolute_log_error_against_the_better_ruler() {
    let row = |base_year, modelled: f64, observed: f64, last: f64, trend: f64| Row {
        base_year,
        region: "World".into(),
        year: base_year + 1,
        quantity: FLEET_H100E,
        modelled,
        observed: Some(observed),
        relative_error: Some(modelled / observed - 1.0),
        naive_last: Some(last),
        naive_trend: Some(trend),
    };
    let e = std::f64::consts::E;
    let rows = [
        row(2020, 100.0 * e, 100.0, 100.0 / e.powi(2), 100.0 * e),
        row(2021, 100.0, 100.0, 100.0, 100.0 / e.powi(3)),
    ];
    let s = skill(&rows);
    let all = s.iter().find(|k| k.base_year.is_none()).unwrap();
    assert_eq!(all.rows, 2);
    assert!((all.model - 0.5).abs() < 1e-12);
    assert!((all.naive_last - 1.0).abs() < 1e-12);
    assert!((all.naive_trend - 2.0).abs() < 1e-12);
    assert!((all.score() - 0.5).abs() < 1e-12);
    let first = s.iter().find(|k| k.base_year == Some(2020)).unwrap();
    assert!((first.model - 1.0).abs() < 1e-12 && first.rows == 1);
}

#[test]
fn every_observed_and_projected_quantity_is_a_model_quantity() {
    let o = simulate(&baseline());
    let i = o.at(0, 2030);
    for q in suanli_data::observed::QUANTITIES {
        assert!(o.quantity(q, i).is_some(), "{q}");
    }
    assert!(o.quantity("no_such_quantity", i).is_none());
}
