//! Published projections of data-centre electricity and capacity, AI power, China's
//! self-sufficiency and generation (`data/projections.csv`), each with its source, case and
//! publication date, to set the baseline beside (`suanli data projections`, `suanli validate`).

use crate::error::{csv_records, field_column, record_line, DataError};
use crate::observed::WORLD_ID;
use crate::regions::DEFAULT_REGIONS;

/// Quantities projections are given for, named as the `race` fields they compare with.
pub const PROJECTED_QUANTITIES: [&str; 8] = [
    "dc_electricity_twh",
    "dc_share_of_generation",
    "dc_power_gw",
    "ai_power_demand_gw",
    "generation_twh",
    "self_sufficiency",
    "self_sufficiency_units",
    "self_sufficiency_value",
];

/// One published projection: a value or a range for one region, year and quantity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Projection {
    /// Region id ([`DEFAULT_REGIONS`]) or [`WORLD_ID`].
    pub region: String,
    /// Year projected.
    pub year: i32,
    /// One of [`PROJECTED_QUANTITIES`], in the unit of the `race` field of that name.
    pub quantity: String,
    /// Low end of a range.
    pub low: Option<f64>,
    /// Central value.
    pub central: Option<f64>,
    /// High end of a range.
    pub high: Option<f64>,
    /// Scenario or case, e.g. `Base`, `Lift-Off`.
    pub case: String,
    /// What the figure measures when that differs from the quantity (e.g. a share by value).
    pub basis: String,
    /// Publisher, title and what it says.
    pub source: String,
    /// Publication date, `YYYY` or `YYYY-MM`.
    pub published: String,
}

impl Projection {
    /// The published range: `(low, high)`, both the central value when only it is given.
    pub fn range(&self) -> (f64, f64) {
        let c = self.central.unwrap_or(f64::NAN);
        (self.low.unwrap_or(c), self.high.unwrap_or(c))
    }
}

/// Parses the projections CSV (header `region,year,quantity,low,central,high,case,basis,source,published`).
pub fn read_projections(file: &str, text: &str) -> Result<Vec<Projection>, DataError> {
    let (_, records) = csv_records(file, text)?;
    records
        .iter()
        .map(|rec| {
            let err = |i: usize, message: String| {
                DataError::at(file, record_line(rec), field_column(rec, i), message)
            };
            let text = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
            let region = text(0);
            if region != WORLD_ID && !DEFAULT_REGIONS.iter().any(|r| r.id == region) {
                return Err(err(0, format!("unknown region `{region}`")));
            }
            let year = text(1)
                .parse::<i32>()
                .map_err(|_| err(1, format!("expected a year, found `{}`", text(1))))?;
            let quantity = text(2);
            if !PROJECTED_QUANTITIES.contains(&quantity.as_str()) {
                return Err(err(2, format!("unknown quantity `{quantity}`"))
                    .with_hint(format!("one of {}", PROJECTED_QUANTITIES.join(", "))));
            }
            let mut values = [None; 3];
            for (k, v) in values.iter_mut().enumerate() {
                let raw = text(3 + k);
                if raw.is_empty() {
                    continue;
                }
                let value = raw.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
                *v = Some(value.ok_or_else(|| {
                    err(3 + k, format!("expected a non-negative number or nothing, found `{raw}`"))
                })?);
            }
            let [low, central, high] = values;
            let complete = central.is_some() || (low.is_some() && high.is_some());
            if !complete || low.zip(high).is_some_and(|(l, h)| l > h) {
                return Err(err(3, "expected a central value, or low <= high".into()));
            }
            Ok(Projection {
                region,
                year,
                quantity,
                low,
                central,
                high,
                case: text(6),
                basis: text(7),
                source: text(8),
                published: text(9),
            })
        })
        .collect()
}

/// The built-in projections.
pub fn builtin_projections() -> Vec<Projection> {
    read_projections("built-in projections.csv", include_str!("../data/projections.csv"))
        .expect("the built-in projections are valid (checked by a test)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_projections_each_have_a_source_and_a_date() {
        let all = builtin_projections();
        assert!(all.len() >= 15);
        for p in &all {
            assert!(!p.source.is_empty() && p.published.len() >= 4, "{p:?}");
            let (lo, hi) = p.range();
            assert!(lo <= hi, "{p:?}");
        }
        // IEA (2025) Base case, world 2030.
        assert!(all.iter().any(|p| p.region == "world" && p.year == 2030 && p.central == Some(945.0)));
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let header = "region,year,quantity,low,central,high,case,basis,source,published\n";
        let e = read_projections("p.csv", &format!("{header}world,2030,gdp,,1,,,,x,2025\n")).unwrap_err();
        assert!(e.to_string().contains("p.csv:2:12"), "{e}");
        let e = read_projections("p.csv", &format!("{header}world,2030,dc_power_gw,5,,1,,,x,2025\n"))
            .unwrap_err();
        assert!(e.to_string().contains("low <= high"), "{e}");
    }
}
