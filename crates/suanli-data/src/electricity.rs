//! Electricity generation by region, year and source (TWh), the compact table the nation
//! model starts from.

use crate::error::{csv_records, parse_non_negative, record_line, DataError};
use crate::regions::DEFAULT_REGIONS;

/// Generation sources, in the column order of the table.
pub const SOURCES: [&str; 9] =
    ["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewables"];

/// One region-year of electricity generation.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRow {
    /// Region identifier (see [`crate::regions::DEFAULT_REGIONS`]).
    pub region: String,
    /// Calendar year.
    pub year: i32,
    /// Generation by source in TWh, in the order of [`SOURCES`].
    pub by_source_twh: [f64; 9],
    /// Part of the total that was estimated rather than reported (gap filling), TWh.
    pub estimated_twh: f64,
}

impl GenerationRow {
    /// Total generation, TWh.
    pub fn total_twh(&self) -> f64 {
        self.by_source_twh.iter().sum()
    }
}

/// Electricity generation by region and year, sorted by region (default order) then year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ElectricityTable {
    /// The rows.
    pub rows: Vec<GenerationRow>,
}

impl ElectricityTable {
    /// The built-in table, derived by `scripts/derive-data.sh` from OWID/Ember data.
    pub fn builtin() -> Self {
        Self::from_csv("built-in electricity.csv", include_str!("../data/electricity.csv"))
            .expect("the built-in electricity table is valid (checked by a test)")
    }

    /// Parses the table from its CSV form (see [`ElectricityTable::to_csv`]).
    pub fn from_csv(file: &str, text: &str) -> Result<Self, DataError> {
        let (header, records) = csv_records(file, text)?;
        let expected = Self::header();
        if header.iter().collect::<Vec<_>>() != expected {
            return Err(DataError::at(file, 1, 1, "unexpected header")
                .with_hint(format!("expected `{}`", expected.join(","))));
        }
        let mut rows = Vec::with_capacity(records.len());
        for rec in &records {
            let region = rec.get(0).unwrap_or("").to_string();
            if !DEFAULT_REGIONS.iter().any(|r| r.id == region) {
                return Err(DataError::at(file, record_line(rec), 1, format!("unknown region `{region}`")));
            }
            let year = parse_non_negative(file, rec, 1, "year")? as i32;
            let mut by_source_twh = [0.0; 9];
            for (i, v) in by_source_twh.iter_mut().enumerate() {
                *v = parse_non_negative(file, rec, 2 + i, SOURCES[i])?;
            }
            let estimated_twh = parse_non_negative(file, rec, 12, "estimated_twh")?;
            rows.push(GenerationRow { region, year, by_source_twh, estimated_twh });
        }
        Ok(ElectricityTable { rows })
    }

    fn header() -> Vec<String> {
        let mut h = vec!["region".to_string(), "year".to_string()];
        h.extend(SOURCES.iter().map(|s| format!("{s}_twh")));
        h.push("total_twh".into());
        h.push("estimated_twh".into());
        h
    }

    /// Writes the table as CSV (values rounded to 0.01 TWh, as in the source data).
    pub fn to_csv(&self) -> String {
        let mut out = Self::header().join(",");
        out.push('\n');
        for r in &self.rows {
            out.push_str(&format!("{},{}", r.region, r.year));
            for v in r.by_source_twh {
                out.push_str(&format!(",{v:.2}"));
            }
            out.push_str(&format!(",{:.2},{:.2}\n", r.total_twh(), r.estimated_twh));
        }
        out
    }

    /// Rows of one region, in year order.
    pub fn region(&self, id: &str) -> impl Iterator<Item = &GenerationRow> {
        let id = id.to_string();
        self.rows.iter().filter(move |r| r.region == id)
    }

    /// Total generation of a region in a year, TWh, if the table has it.
    pub fn total_twh(&self, region: &str, year: i32) -> Option<f64> {
        self.region(region).find(|r| r.year == year).map(GenerationRow::total_twh)
    }

    /// Last year the table has for a region.
    pub fn last_year(&self, region: &str) -> Option<i32> {
        self.region(region).map(|r| r.year).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_and_round_trips() {
        let t = ElectricityTable::builtin();
        for r in DEFAULT_REGIONS {
            assert!(t.region(r.id).count() >= 20, "{} has too few years", r.id);
        }
        let again = ElectricityTable::from_csv("x", &t.to_csv()).unwrap();
        assert_eq!(again.rows.len(), t.rows.len());
    }

    #[test]
    fn builtin_matches_reported_totals() {
        // SOURCES.md of the raw data lists the reported China and US totals (TWh).
        let t = ElectricityTable::builtin();
        // China includes Hong Kong and Macao (~40 TWh) besides mainland China's 10,086.88.
        let china = t.total_twh("china", 2024).unwrap();
        assert!((10_086.88..10_086.88 * 1.01).contains(&china), "{china}");
        assert!((t.total_twh("united_states", 2025).unwrap() - 4_519.79).abs() < 0.1);
    }
}
