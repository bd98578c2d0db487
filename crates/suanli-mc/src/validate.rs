//! The baseline beside published projections: for each projection, the model's value and its
//! Monte Carlo 5-95 % band, and whether the band meets the published range.

use rayon::prelude::*;
use serde::Serialize;
use suanli_data::observed::WORLD_ID;
use suanli_data::projections::Projection;
use suanli_nation::Outcome;

use crate::run::Model;

/// Where the model's band lies against a published range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The model's 5-95 % band and the published range overlap.
    Inside,
    /// The whole band is above the published range.
    Above,
    /// The whole band is below the published range.
    Below,
}

/// One published projection beside the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Region name as in `race`.
    pub region: String,
    /// Year.
    pub year: i32,
    /// Quantity (a `race` field name).
    pub quantity: String,
    /// The deterministic model's value.
    pub model: f64,
    /// 5th percentile over the draws.
    pub p5: f64,
    /// 95th percentile over the draws.
    pub p95: f64,
    /// Published low end (the central value when no range is given).
    pub published_low: f64,
    /// Published central value, if given.
    pub published_central: Option<f64>,
    /// Published high end.
    pub published_high: f64,
    /// Where the band lies.
    pub verdict: Verdict,
    /// Case of the projection.
    pub case: String,
    /// What the published figure measures, when that differs from the quantity.
    pub basis: String,
    /// Source.
    pub source: String,
    /// Publication date.
    pub published: String,
}

/// Region index of an outcome for a region id or `world`.
fn region_index(o: &Outcome, ids: &[&str], region: &str) -> Option<usize> {
    if region == WORLD_ID {
        Some(o.world())
    } else {
        ids.iter().position(|id| *id == region)
    }
}

/// Compares every projection whose region, year and quantity the model has with the
/// deterministic run and `draws` draws (seed `seed`) of `model`; the others are returned as
/// left out.
pub fn validate(
    model: &Model<'_>,
    projections: &[Projection],
    draws: u64,
    seed: u64,
) -> (Vec<Comparison>, Vec<Projection>) {
    let input = model.input();
    let ids: Vec<&str> = input.regions.iter().map(|r| r.id.as_str()).collect();
    let deterministic = suanli_nation::simulate(input);
    let index = |o: &Outcome, p: &Projection| {
        let r = region_index(o, &ids, &p.region)?;
        let year = (input.first_year..=input.last_year).contains(&p.year).then_some(p.year)?;
        Some(o.at(r, year))
    };
    let (kept, left_out): (Vec<&Projection>, Vec<&Projection>) = projections.iter().partition(|p| {
        index(&deterministic, p).and_then(|i| deterministic.quantity(&p.quantity, i)).is_some()
    });
    // values[draw][projection]: a draw where a share has no base counts as 0.
    let values: Vec<Vec<f64>> = (0..draws)
        .into_par_iter()
        .map_init(
            || model.scratch(),
            |scratch, d| {
                let o = model.run_draw(seed, d, scratch);
                kept.iter()
                    .map(|p| index(o, p).and_then(|i| o.quantity(&p.quantity, i)).unwrap_or(0.0))
                    .collect()
            },
        )
        .collect();
    let comparisons = kept
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let at = index(&deterministic, p).expect("kept projections have an index");
            let value = deterministic.quantity(&p.quantity, at).expect("kept projections have a value");
            let mut column: Vec<f64> = values.iter().map(|v| v[k]).collect();
            column.sort_by(f64::total_cmp);
            let (p5, p95) = if column.is_empty() {
                (value, value)
            } else {
                (quantile(&column, 0.05), quantile(&column, 0.95))
            };
            let (low, high) = p.range();
            let verdict = if p5 > high {
                Verdict::Above
            } else if p95 < low {
                Verdict::Below
            } else {
                Verdict::Inside
            };
            Comparison {
                region: deterministic.regions[region_index(&deterministic, &ids, &p.region).unwrap_or(0)]
                    .clone(),
                year: p.year,
                quantity: p.quantity.clone(),
                model: value,
                p5,
                p95,
                published_low: low,
                published_central: p.central,
                published_high: high,
                verdict,
                case: p.case.clone(),
                basis: p.basis.clone(),
                source: p.source.clone(),
                published: p.published.clone(),
            }
        })
        .collect();
    (comparisons, left_out.into_iter().cloned().collect())
}

/// The `q` quantile of sorted values, by linear interpolation between order statistics.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let x = q * (sorted.len() - 1) as f64;
    let (lo, frac) = (x.floor() as usize, x - x.floor());
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_order_statistics() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.05), 5.0);
        assert_eq!(quantile(&v, 0.95), 95.0);
        assert_eq!(quantile(&[1.0, 3.0], 0.5), 2.0);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
    }
}
