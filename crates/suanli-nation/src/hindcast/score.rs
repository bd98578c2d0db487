//! Scoring a hindcast: each projected value beside what was observed and beside two naive
//! forecasts made at the same base year — the last observed value carried forward, and the
//! last observed value grown at its trailing growth — so that a reader sees whether the model
//! beats a ruler.

use serde::Serialize;
use suanli_data::observed::{Observation, QUANTITIES, WORLD_ID};
use suanli_scenario::model::NationInput;

use crate::outcome::Outcome;

/// Longest span, years, over which the trailing-growth forecast measures growth.
const TREND_SPAN_YEARS: i32 = 5;

/// One projected value of one hindcast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The year the model was calibrated at.
    pub base_year: i32,
    /// Region name as in `race` ("World", "China", ...).
    pub region: String,
    /// The projected year.
    pub year: i32,
    /// One of [`QUANTITIES`], with the meaning of the `race` field of that name.
    pub quantity: &'static str,
    /// The model's value.
    pub modelled: f64,
    /// What was observed, if anything.
    pub observed: Option<f64>,
    /// `modelled / observed - 1`.
    pub relative_error: Option<f64>,
    /// The last value observed by the base year, carried forward.
    pub naive_last: Option<f64>,
    /// The last value observed by the base year, grown at its trailing growth (over up to
    /// five years before it; flat when nothing was observed in those years).
    pub naive_trend: Option<f64>,
}

/// Rows of the hindcast calibrated at `input`'s calibration year (whose run is `outcome`),
/// for every region, quantity and year after the base year up to `to`.
pub fn rows(input: &NationInput, outcome: &Outcome, to: i32, observations: &[Observation]) -> Vec<Row> {
    let base_year = input.calibration_year;
    let mut out = Vec::new();
    let ids: Vec<&str> = input.regions.iter().map(|r| r.id.as_str()).chain([WORLD_ID]).collect();
    for (r, (id, name)) in ids.iter().zip(&outcome.regions).enumerate() {
        for quantity in QUANTITIES {
            let series: Vec<&Observation> =
                observations.iter().filter(|o| o.region == *id && o.quantity == quantity).collect();
            let value_in = |y: i32| series.iter().find(|o| o.year == y).map(|o| o.value);
            let last = series.iter().filter(|o| o.year <= base_year).max_by_key(|o| o.year);
            let earlier = last.and_then(|l| {
                series
                    .iter()
                    .filter(|o| (l.year - TREND_SPAN_YEARS..l.year).contains(&o.year))
                    .min_by_key(|o| o.year)
            });
            for year in base_year + 1..=to.min(outcome.last_year()) {
                let i = outcome.at(r, year);
                let modelled = outcome.quantity(quantity, i).unwrap_or(0.0);
                let observed = value_in(year);
                // With a single observation by the base year the trend is flat.
                let naive_trend = last.map(|l| match earlier.filter(|e| e.value > 0.0) {
                    Some(e) => {
                        let growth = (l.value / e.value).powf(1.0 / (l.year - e.year) as f64);
                        l.value * growth.powi(year - l.year)
                    }
                    None => l.value,
                });
                out.push(Row {
                    base_year,
                    region: name.clone(),
                    year,
                    quantity,
                    modelled,
                    observed,
                    relative_error: observed.filter(|o| *o > 0.0).map(|o| modelled / o - 1.0),
                    naive_last: last.map(|l| l.value),
                    naive_trend,
                });
            }
        }
    }
    out
}

/// How far a forecast lands from the observations, on the rows where something positive was
/// observed and was already positive by the base year (nothing forecasts growth from zero).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skill {
    /// The base year, or `None` for all base years together.
    pub base_year: Option<i32>,
    /// The quantity.
    pub quantity: &'static str,
    /// Rows scored.
    pub rows: usize,
    /// Mean absolute log error of the model, `mean |ln(modelled / observed)|` (0.1 is about
    /// 10 % off; symmetric between over- and underestimates).
    pub model: f64,
    /// The same for the last value carried forward.
    pub naive_last: f64,
    /// The same for the trailing growth.
    pub naive_trend: f64,
}

impl Skill {
    /// Skill against the better naive forecast: `1 - model / min(naive)`; above 0 the model
    /// beats both rulers.
    pub fn score(&self) -> f64 {
        let best = self.naive_trend.min(self.naive_last);
        if best > 0.0 {
            1.0 - self.model / best
        } else {
            0.0
        }
    }
}

/// Skill by base year and quantity, then by quantity over all base years; quantities with
/// nothing to score are left out.
pub fn skill(rows: &[Row]) -> Vec<Skill> {
    let mut base_years: Vec<i32> = rows.iter().map(|r| r.base_year).collect();
    base_years.sort_unstable();
    base_years.dedup();
    let mut out = Vec::new();
    for base_year in base_years.into_iter().map(Some).chain([None]) {
        for quantity in QUANTITIES {
            // |ln(forecast / observed)| of the model, the last value and the trend.
            let scored: Vec<[f64; 3]> = rows
                .iter()
                .filter(|r| r.quantity == quantity && base_year.is_none_or(|b| r.base_year == b))
                .filter_map(|r| {
                    let o = r.observed.filter(|o| *o > 0.0)?;
                    let last = r.naive_last.filter(|l| *l > 0.0)?;
                    // A model value of zero against a positive observation counts as a
                    // hundredfold miss rather than being left out.
                    let log_error = |v: f64| (v.max(o * 1e-2) / o).ln().abs();
                    Some([log_error(r.modelled), log_error(last), log_error(r.naive_trend?)])
                })
                .collect();
            if scored.is_empty() {
                continue;
            }
            let mean = |k: usize| scored.iter().map(|s| s[k]).sum::<f64>() / scored.len() as f64;
            out.push(Skill {
                base_year,
                quantity,
                rows: scored.len(),
                model: mean(0),
                naive_last: mean(1),
                naive_trend: mean(2),
            });
        }
    }
    out
}
