//! Which uncertain parameter drives an output: one-at-a-time tornado swings and
//! variance-based Sobol indices.

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::draw::uniforms;
use crate::output::Output;
use crate::run::Model;

/// Quantiles of the tornado's low and high swings.
pub const TORNADO_LOW: f64 = 0.1;
/// See [`TORNADO_LOW`].
pub const TORNADO_HIGH: f64 = 0.9;

/// One bar of a tornado chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TornadoBar {
    /// Factor label.
    pub factor: String,
    /// Output with this factor at its p10 (every other factor at its median).
    pub low: f64,
    /// Output with this factor at its p90.
    pub high: f64,
    /// |high - low|.
    pub swing: f64,
}

/// A tornado: the output with every factor at its median, and each factor's swing,
/// largest first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tornado {
    /// Output with every factor at its median.
    pub base: f64,
    /// Bars, largest swing first.
    pub bars: Vec<TornadoBar>,
}

/// One-at-a-time swings of each factor between its p10 and p90.
pub fn tornado(model: &Model<'_>, output: &Output) -> Tornado {
    let u = model.uncertainty();
    let eval = |factor: Option<(usize, f64)>| {
        let mut s = model.scratch();
        s.u.iter_mut().for_each(|x| *x = 0.5);
        if let Some((f, q)) = factor {
            s.u[u.range(f)].iter_mut().for_each(|x| *x = q);
        }
        output.value(model.run(&mut s))
    };
    let mut bars: Vec<TornadoBar> = (0..u.factors.len())
        .into_par_iter()
        .map(|f| {
            let (low, high) = (eval(Some((f, TORNADO_LOW))), eval(Some((f, TORNADO_HIGH))));
            TornadoBar { factor: u.factors[f].label.clone(), low, high, swing: (high - low).abs() }
        })
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing).then_with(|| a.factor.cmp(&b.factor)));
    Tornado { base: eval(None), bars }
}

/// Sobol indices of one factor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SobolIndex {
    /// Factor label.
    pub factor: String,
    /// First-order index: share of output variance explained by this factor alone.
    pub first_order: f64,
    /// Total index: share of variance involving this factor, interactions included.
    pub total: f64,
}

/// Sobol analysis of one output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sobol {
    /// Base samples N; the model ran N x (factors + 2) times.
    pub base_samples: usize,
    /// Output mean.
    pub mean: f64,
    /// Output variance.
    pub variance: f64,
    /// Indices by factor, in factor order.
    pub indices: Vec<SobolIndex>,
}

/// First-order and total Sobol indices of `f` over `blocks` (each factor's range of
/// uniforms; a factor may span several), from `n` base samples: Saltelli's scheme with
/// the Saltelli (2010) first-order and Jansen (1999) total estimators. `f` receives the
/// uniforms and a thread's state made by `init`.
pub fn sobol_indices<S>(
    blocks: &[Range<usize>],
    n: usize,
    seed: u64,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&[f64], &mut S) -> f64 + Sync,
) -> (f64, f64, Vec<(f64, f64)>) {
    let dim = blocks.iter().map(|b| b.end).max().unwrap_or(0);
    let k = blocks.len();
    // Per base sample j: f(A_j), f(B_j), then f(A_j with block i from B_j) for each i.
    let rows: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map_init(&init, |state, j| {
            let (mut a, mut b) = (vec![0.0; dim], vec![0.0; dim]);
            uniforms(seed, 1, j as u64, &mut a);
            uniforms(seed, 2, j as u64, &mut b);
            let mut row = Vec::with_capacity(k + 2);
            row.push(f(&a, state));
            row.push(f(&b, state));
            let mut ab = a.clone();
            for block in blocks {
                ab[block.clone()].copy_from_slice(&b[block.clone()]);
                row.push(f(&ab, state));
                ab[block.clone()].copy_from_slice(&a[block.clone()]);
            }
            row
        })
        .collect();
    let nf = n as f64;
    let mean = rows.iter().map(|r| r[0] + r[1]).sum::<f64>() / (2.0 * nf);
    let variance =
        rows.iter().map(|r| (r[0] - mean).powi(2) + (r[1] - mean).powi(2)).sum::<f64>() / (2.0 * nf);
    // Centred outputs: the first-order estimator multiplies raw outputs, and an output
    // with a large mean and a small spread (a year, ~2040 +- 1) would drown in noise.
    let rows: Vec<Vec<f64>> = rows.into_iter().map(|r| r.into_iter().map(|x| x - mean).collect()).collect();
    let indices = (0..k)
        .map(|i| {
            if variance <= 0.0 {
                return (0.0, 0.0);
            }
            let first = rows.iter().map(|r| r[1] * (r[2 + i] - r[0])).sum::<f64>() / nf / variance;
            let total = rows.iter().map(|r| (r[0] - r[2 + i]).powi(2)).sum::<f64>() / (2.0 * nf) / variance;
            (first, total)
        })
        .collect();
    (mean, variance, indices)
}

/// Sobol indices of a scenario output over its uncertain factors.
pub fn sobol(model: &Model<'_>, output: &Output, n: usize, seed: u64) -> Sobol {
    let u = model.uncertainty();
    let blocks: Vec<Range<usize>> = (0..u.factors.len()).map(|f| u.range(f)).collect();
    let (mean, variance, idx) = sobol_indices(
        &blocks,
        n,
        seed,
        || model.scratch(),
        |x, s| {
            s.u.copy_from_slice(x);
            output.value(model.run(s))
        },
    );
    Sobol {
        base_samples: n,
        mean,
        variance,
        indices: idx
            .into_iter()
            .zip(&u.factors)
            .map(|((first_order, total), f)| SobolIndex { factor: f.label.clone(), first_order, total })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Ishigami function (a = 7, b = 0.1), whose indices are known in closed form:
    /// S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    fn ishigami(u: &[f64], _: &mut ()) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let blocks = [0..1, 1..2, 2..3];
        // Shifted far from zero, like a calendar year: indices must not change.
        let (_, variance, idx) = sobol_indices(&blocks, 100_000, 42, || (), |u, s| 2040.0 + ishigami(u, s));
        let pi4 = std::f64::consts::PI.powi(4);
        let exact_variance = 0.5 + 49.0 / 8.0 + 0.1 * pi4 / 5.0 + 0.01 * pi4 * pi4 / 18.0;
        assert!((variance / exact_variance - 1.0).abs() < 0.02, "variance {variance} vs {exact_variance}");
        let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for ((s, st), (ws, wst)) in idx.iter().zip(want) {
            assert!((s - ws).abs() < 0.02, "first order {s} vs {ws}");
            assert!((st - wst).abs() < 0.02, "total {st} vs {wst}");
        }
    }

    #[test]
    fn a_block_factor_counts_as_one() {
        // f = u0 + u1 with both in one block: that block explains everything.
        let (_, _, idx) = sobol_indices(&[0..2, 2..3], 20_000, 1, || (), |u, _| u[0] + u[1]);
        assert!((idx[0].0 - 1.0).abs() < 0.06 && idx[1].1.abs() < 1e-12, "{idx:?}");
    }
}
