//! Fleet calibration: accelerators installed per region, chip line and year, in
//! H100-equivalents, derived from Epoch AI's AI-supercomputer data scaled by its coverage.

use crate::error::{csv_records, parse_non_negative, DataError};

/// Installed fleet of one chip line in one region at the end of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    /// Region id.
    pub region: String,
    /// Calendar year (end of year).
    pub year: i32,
    /// Chip line id (`us_frontier`, `us_china_compliant`, `china_domestic`).
    pub line: String,
    /// H100-equivalents in the Epoch AI cluster data (existing clusters).
    pub clusters_h100e: f64,
    /// Share of global AI compute the cluster data is assumed to cover.
    pub coverage: f64,
    /// Estimated installed fleet, H100-equivalents (`clusters_h100e / coverage`).
    pub h100e: f64,
}

/// Parses the fleet CSV.
pub fn read_fleets(file: &str, text: &str) -> Result<Vec<FleetRow>, DataError> {
    let (_, records) = csv_records(file, text)?;
    records
        .iter()
        .map(|rec| {
            Ok(FleetRow {
                region: rec.get(0).unwrap_or("").to_string(),
                year: parse_non_negative(file, rec, 1, "year")? as i32,
                line: rec.get(2).unwrap_or("").to_string(),
                clusters_h100e: parse_non_negative(file, rec, 3, "clusters_h100e")?,
                coverage: parse_non_negative(file, rec, 4, "coverage")?,
                h100e: parse_non_negative(file, rec, 5, "h100e")?,
            })
        })
        .collect()
}

/// The built-in fleet calibration.
pub fn builtin_fleets() -> Vec<FleetRow> {
    read_fleets("built-in fleets.csv", include_str!("../data/fleets.csv"))
        .expect("built-in fleets are valid (checked by a test)")
}

/// Fleet of a region and line in a year, H100e (0 when the table has no row).
pub fn fleet_h100e(rows: &[FleetRow], region: &str, line: &str, year: i32) -> f64 {
    rows.iter()
        .filter(|r| r.region == region && r.line == line && r.year == year)
        .fold(0.0, |sum, r| sum + r.h100e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fleets_cover_every_region() {
        let rows = builtin_fleets();
        for r in crate::regions::DEFAULT_REGIONS {
            assert!(fleet_h100e(&rows, r.id, "us_frontier", 2024) > 0.0, "{}", r.id);
        }
        let world: f64 = rows.iter().filter(|r| r.year == 2024).map(|r| r.h100e).sum();
        // Epoch AI (2025) puts NVIDIA alone at ~4 M H100e in early 2025; TPUs and others
        // may add as much again.
        assert!((4e6..12e6).contains(&world), "{world}");
    }
}
