//! What was observed, year by year, to score the model's projections against (`suanli
//! hindcast`): generation (the electricity table), installed fleets (the cluster data) and a
//! hand-typed table of data-centre electricity and spending (`data/observed.csv`), one cited
//! source per value.

use crate::electricity::ElectricityTable;
use crate::error::{csv_records, field_column, parse_non_negative, record_line, DataError};
use crate::fleets::FleetRow;
use crate::regions::DEFAULT_REGIONS;

/// Electricity generation, TWh (as the `race` field of this name).
pub const GENERATION_TWH: &str = "generation_twh";
/// Data-centre electricity use, TWh (as the `race` field of this name).
pub const DC_ELECTRICITY_TWH: &str = "dc_electricity_twh";
/// Installed AI accelerators, H100-equivalents (as the `race` field of this name).
pub const FLEET_H100E: &str = "fleet_h100e";
/// Spending on AI accelerators, billion USD (as the `race` field of this name). Observed:
/// NVIDIA's data-centre revenue, a proxy (it leaves out TPUs, Trainium and AMD, and counts
/// NVIDIA's networking).
pub const ACCELERATOR_SPEND_USD_BN: &str = "accelerator_spend_usd_bn";

/// The quantities observed, in output order.
pub const QUANTITIES: [&str; 4] = [GENERATION_TWH, DC_ELECTRICITY_TWH, FLEET_H100E, ACCELERATOR_SPEND_USD_BN];

/// Region id of the sum of all regions.
pub const WORLD_ID: &str = "world";

/// Last year whose cluster data is taken as complete: the export of 2025-12-14 still misses
/// much of 2025 (clusters are added as they are reported), so 2025 fleets are not observed.
pub const LAST_COMPLETE_FLEET_YEAR: i32 = 2024;

/// One observed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Region id ([`DEFAULT_REGIONS`]) or [`WORLD_ID`].
    pub region: String,
    /// Calendar year.
    pub year: i32,
    /// One of [`QUANTITIES`].
    pub quantity: String,
    /// The value, in the quantity's unit.
    pub value: f64,
    /// Where it comes from.
    pub source: String,
}

/// Parses the table of observed values (`region,year,quantity,value,source`).
pub fn read_observed(file: &str, text: &str) -> Result<Vec<Observation>, DataError> {
    let (_, records) = csv_records(file, text)?;
    records
        .iter()
        .map(|rec| {
            let region = rec.get(0).unwrap_or("").to_string();
            if region != WORLD_ID && !DEFAULT_REGIONS.iter().any(|r| r.id == region) {
                return Err(DataError::at(file, record_line(rec), 1, format!("unknown region `{region}`")));
            }
            let quantity = rec.get(2).unwrap_or("").to_string();
            if !QUANTITIES.contains(&quantity.as_str()) {
                return Err(DataError::at(
                    file,
                    record_line(rec),
                    field_column(rec, 2),
                    format!("unknown quantity `{quantity}`"),
                )
                .with_hint(format!("one of {}", QUANTITIES.join(", "))));
            }
            Ok(Observation {
                region,
                year: parse_non_negative(file, rec, 1, "year")? as i32,
                quantity,
                value: parse_non_negative(file, rec, 3, "value")?,
                source: rec.get(4).unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// Every observation: the typed table, generation by region (and the world where every
/// region reported) and installed fleets up to [`LAST_COMPLETE_FLEET_YEAR`].
pub fn observations(electricity: &ElectricityTable, fleets: &[FleetRow]) -> Vec<Observation> {
    let mut out = read_observed("built-in observed.csv", include_str!("../data/observed.csv"))
        .expect("the built-in observations are valid (checked by a test)");
    let generation_source = "Ember and Energy Institute via Our World in Data (built-in electricity table)";
    let years = |rows: &mut dyn Iterator<Item = i32>| {
        rows.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)))
    };
    let (first, last) = years(&mut electricity.rows.iter().map(|r| r.year));
    for year in first..=last {
        let mut world = Some(0.0);
        for region in DEFAULT_REGIONS {
            let twh = electricity.total_twh(region.id, year);
            world = world.zip(twh).map(|(w, t)| w + t);
            if let Some(twh) = twh {
                out.push(observed(region.id, year, GENERATION_TWH, twh, generation_source));
            }
        }
        if let Some(twh) = world {
            out.push(observed(WORLD_ID, year, GENERATION_TWH, twh, generation_source));
        }
    }
    let fleet_source = "Epoch AI, AI Supercomputers: clusters operational by the end of the year / 15 % coverage (built-in fleets table)";
    let (first, last) = years(&mut fleets.iter().map(|r| r.year));
    for year in first..=last.min(LAST_COMPLETE_FLEET_YEAR) {
        let mut world = 0.0;
        for region in DEFAULT_REGIONS {
            let h100e = fleets
                .iter()
                .filter(|r| r.region == region.id && r.year == year)
                .fold(0.0, |sum, r| sum + r.h100e);
            world += h100e;
            out.push(observed(region.id, year, FLEET_H100E, h100e, fleet_source));
        }
        out.push(observed(WORLD_ID, year, FLEET_H100E, world, fleet_source));
    }
    out
}

fn observed(region: &str, year: i32, quantity: &str, value: f64, source: &str) -> Observation {
    Observation { region: region.into(), year, quantity: quantity.into(), value, source: source.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_observations_are_valid_and_cited() {
        let all = observations(&ElectricityTable::builtin(), &crate::fleets::builtin_fleets());
        assert!(all.iter().all(|o| !o.source.is_empty() && o.value.is_finite()));
        let find = |region: &str, year: i32, q: &str| {
            all.iter().find(|o| o.region == region && o.year == year && o.quantity == q).map(|o| o.value)
        };
        assert_eq!(find("world", 2024, DC_ELECTRICITY_TWH), Some(415.0));
        // The world's generation is observed only in years every region reported.
        assert!(find("world", 2023, GENERATION_TWH).unwrap() > 29_000.0);
        assert_eq!(find("world", 2025, GENERATION_TWH), None);
        assert!(find("china", 2025, GENERATION_TWH).unwrap() > 10_000.0);
        assert!(find("world", 2024, FLEET_H100E).unwrap() > 8e6);
        assert_eq!(find("world", 2025, FLEET_H100E), None);
    }

    #[test]
    fn a_bad_row_names_its_line_and_column() {
        let e =
            read_observed("o.csv", "region,year,quantity,value,source\nworld,2020,gdp,1,x\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("o.csv:2:12") && text.contains("unknown quantity `gdp`"), "{text}");
    }
}
