//! The rows of a nation-model run as written to JSON and CSV, shared by `suanli race` and
//! the dashboard's `/api/race`, so that both give the same document.

use serde::Serialize;
use suanli_nation::crossing::{crossings, Crossing};
use suanli_nation::Outcome;

/// One region-year as written to JSON and CSV.
#[derive(Serialize)]
pub struct Row<'a> {
    region: &'a str,
    year: i32,
    /// Whether the fleet is taken from data (calibration) rather than modelled.
    history: bool,
    generation_twh: f64,
    generation_projected: bool,
    dc_power_gw: f64,
    conventional_dc_gw: f64,
    ai_power_demand_gw: f64,
    powered_fraction: f64,
    dc_electricity_twh: f64,
    dc_share_of_generation: f64,
    fleet_h100e: f64,
    accelerators: f64,
    installed_flops: f64,
    effective_flops: f64,
    stranded_flops: f64,
    binding: &'static str,
    self_sufficiency: Option<f64>,
    self_sufficiency_units: Option<f64>,
    self_sufficiency_value: Option<f64>,
    domestic_share_installed: Option<f64>,
    domestic_share_installed_units: Option<f64>,
    world_share: f64,
    accelerator_spend_usd_bn: f64,
}

/// The JSON document of `suanli race`.
#[derive(Serialize)]
struct Report<'a> {
    scenario: &'a str,
    attribution: &'static str,
    rows: Vec<Row<'a>>,
    crossings: Vec<Crossing>,
}

/// Attribution shown with every result built on the built-in data.
pub const ATTRIBUTION: &str = "Data: Ember and Energy Institute via Our World in Data (CC BY 4.0); Epoch AI, Machine Learning Hardware and AI Supercomputers (CC BY 4.0). See `suanli data sources`.";

/// Rows of an outcome for `from..=to`.
pub fn rows(out: &Outcome, from: i32, to: i32) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for region in 0..out.regions.len() {
        for year in from..=to {
            let i = out.at(region, year);
            rows.push(Row {
                region: &out.regions[region],
                year,
                history: year <= out.calibration_year,
                generation_twh: out.generation_twh[i],
                generation_projected: out.generation_projected[i],
                dc_power_gw: out.dc_power_gw[i],
                conventional_dc_gw: out.conventional_dc_gw[i],
                ai_power_demand_gw: out.ai_power_demand_gw[i],
                powered_fraction: out.powered_fraction[i],
                dc_electricity_twh: out.dc_electricity_twh[i],
                dc_share_of_generation: out.dc_share(i),
                fleet_h100e: out.fleet_h100e(i),
                accelerators: out.accelerators[i],
                installed_flops: out.installed_flops[i],
                effective_flops: out.effective_flops[i],
                stranded_flops: out.stranded_flops[i],
                binding: out.binding[i].as_str(),
                self_sufficiency: out.self_sufficiency(i),
                self_sufficiency_units: out.self_sufficiency_units(i),
                self_sufficiency_value: out.self_sufficiency_value(i),
                domestic_share_installed: out.domestic_share_installed(i),
                domestic_share_installed_units: out.domestic_share_installed_units(i),
                world_share: out.world_share(region, year),
                accelerator_spend_usd_bn: out.spent_usd_bn[i],
            });
        }
    }
    rows
}

/// The JSON document of `suanli race --format json` for years `from..=to`.
pub fn race_json(outcome: &Outcome, from: i32, to: i32) -> String {
    let report = Report {
        scenario: &outcome.scenario,
        attribution: ATTRIBUTION,
        rows: rows(outcome, from, to),
        crossings: crossings(outcome, from, to),
    };
    // Serialising plain numbers and strings cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
