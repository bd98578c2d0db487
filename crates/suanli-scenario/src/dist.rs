//! Probability distributions of uncertain parameters, sampled by their quantile function so
//! that one uniform number drives a draw: parameters in a correlation group share it, and
//! Sobol analysis swaps it between sample matrices.

use statrs::function::erf::erfc_inv;

/// Points of the tabulated PERT quantile function.
const PERT_TABLE_POINTS: usize = 4097;

/// A distribution over a parameter value (in the parameter's unit).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Normal with `mean` and standard deviation `sd`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, > 0.
        sd: f64,
    },
    /// Lognormal: `ln x` is normal with mean `ln median` and standard deviation `sigma`.
    LogNormal {
        /// Median, > 0.
        median: f64,
        /// Standard deviation of `ln x`, > 0.
        sigma: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound, > min.
        max: f64,
    },
    /// Triangular on `[min, max]` with peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound, > min.
        max: f64,
    },
    /// PERT (a Beta scaled to `[min, max]` with shape 4, as in project planning): a smoother
    /// triangular. Its quantile function is tabulated when the distribution is made.
    Pert(Pert),
    /// One of `values`, with probabilities proportional to weights.
    Choice {
        /// The possible values.
        values: Vec<f64>,
        /// Cumulative probabilities (last is 1).
        cumulative: Vec<f64>,
    },
}

/// A PERT distribution and its tabulated quantile function.
#[derive(Debug, Clone, PartialEq)]
pub struct Pert {
    /// Lower bound.
    pub min: f64,
    /// Most likely value.
    pub mode: f64,
    /// Upper bound, > min.
    pub max: f64,
    /// CDF at `PERT_TABLE_POINTS` equally spaced points of `[min, max]`.
    cdf: Vec<f64>,
}

impl Pert {
    /// Beta shape parameters (alpha, beta) of PERT with the usual weight 4 on the mode.
    fn shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
        let range = max - min;
        (1.0 + 4.0 * (mode - min) / range, 1.0 + 4.0 * (max - mode) / range)
    }

    /// Tabulates the CDF by integrating the Beta density (Simpson's rule on each cell);
    /// both shapes are at least 1, so the density is bounded and the table accurate to
    /// about 1e-9. Quantiles are interpolated linearly in the table: error below
    /// (max - min) / 4096.
    pub fn new(min: f64, mode: f64, max: f64) -> Self {
        let (a, b) = Self::shape(min, mode, max);
        let density = |x: f64| {
            if x <= 0.0 || x >= 1.0 {
                if (x <= 0.0 && a == 1.0) || (x >= 1.0 && b == 1.0) {
                    1.0
                } else {
                    0.0
                }
            } else {
                ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()).exp()
            }
        };
        let n = PERT_TABLE_POINTS - 1;
        let h = 1.0 / n as f64;
        let mut cdf = Vec::with_capacity(PERT_TABLE_POINTS);
        let mut sum = 0.0;
        cdf.push(0.0);
        for k in 0..n {
            let x0 = k as f64 * h;
            sum += h / 6.0 * (density(x0) + 4.0 * density(x0 + h / 2.0) + density(x0 + h));
            cdf.push(sum);
        }
        cdf.iter_mut().for_each(|c| *c /= sum);
        Pert { min, mode, max, cdf }
    }

    fn quantile(&self, u: f64) -> f64 {
        let k = self.cdf.partition_point(|&c| c < u).clamp(1, self.cdf.len() - 1);
        let (c0, c1) = (self.cdf[k - 1], self.cdf[k]);
        let t = if c1 > c0 { (u - c0) / (c1 - c0) } else { 0.0 };
        let x = ((k - 1) as f64 + t) / (self.cdf.len() - 1) as f64;
        self.min + x * (self.max - self.min)
    }
}

impl Dist {
    /// The value below which a share `u` (0..1) of draws fall.
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Normal { mean, sd } => mean + sd * standard_normal_quantile(u),
            Dist::LogNormal { median, sigma } => median * (sigma * standard_normal_quantile(u)).exp(),
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                let split = (mode - min) / range;
                if u < split {
                    min + (u * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Dist::Pert(p) => p.quantile(u),
            Dist::Choice { values, cumulative } => {
                let k = cumulative.partition_point(|&c| c <= u).min(values.len() - 1);
                values[k]
            }
        }
    }

    /// Mean of the distribution.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Normal { mean, .. } => *mean,
            Dist::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert(p) => (p.min + 4.0 * p.mode + p.max) / 6.0,
            Dist::Choice { values, cumulative } => {
                values.iter().zip(probabilities(cumulative)).map(|(v, p)| v * p).sum()
            }
        }
    }

    /// Variance of the distribution.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Normal { sd, .. } => sd * sd,
            Dist::LogNormal { median, sigma } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * median * median * s2.exp()
            }
            Dist::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Dist::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
            Dist::Pert(p) => {
                let (a, b) = Pert::shape(p.min, p.mode, p.max);
                a * b / ((a + b).powi(2) * (a + b + 1.0)) * (p.max - p.min).powi(2)
            }
            Dist::Choice { values, cumulative } => {
                let mean = self.mean();
                values.iter().zip(probabilities(cumulative)).map(|(v, p)| p * (v - mean).powi(2)).sum()
            }
        }
    }

    /// Short description, e.g. `triangular(1.15, 1.3, 1.5)`.
    pub fn describe(&self) -> String {
        use crate::series::fmt_num as f;
        match self {
            Dist::Normal { mean, sd } => format!("normal(mean {}, sd {})", f(*mean), f(*sd)),
            Dist::LogNormal { median, sigma } => {
                format!("lognormal(median {}, sigma {})", f(*median), f(*sigma))
            }
            Dist::Uniform { min, max } => format!("uniform({}, {})", f(*min), f(*max)),
            Dist::Triangular { min, mode, max } => {
                format!("triangular({}, {}, {})", f(*min), f(*mode), f(*max))
            }
            Dist::Pert(p) => format!("pert({}, {}, {})", f(p.min), f(p.mode), f(p.max)),
            Dist::Choice { values, cumulative } => {
                let parts: Vec<String> = values
                    .iter()
                    .zip(probabilities(cumulative))
                    .map(|(v, p)| format!("{} ({:.0} %)", f(*v), p * 100.0))
                    .collect();
                format!("choice({})", parts.join(", "))
            }
        }
    }
}

/// Probabilities from cumulative probabilities.
fn probabilities(cumulative: &[f64]) -> impl Iterator<Item = f64> + '_ {
    cumulative.iter().scan(0.0, |prev, &c| {
        let p = c - *prev;
        *prev = c;
        Some(p)
    })
}

/// Quantile of the standard normal distribution. `u` is clamped to (1e-300, 1 - 1e-16)
/// so that a draw is always finite.
pub fn standard_normal_quantile(u: f64) -> f64 {
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mean and variance of `dist` from its quantile function at midpoints of `n` cells.
    fn moments(dist: &Dist, n: usize) -> (f64, f64) {
        let xs: Vec<f64> = (0..n).map(|k| dist.quantile((k as f64 + 0.5) / n as f64)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        (mean, var)
    }

    #[test]
    fn quantile_functions_match_their_moments() {
        let dists = [
            Dist::Normal { mean: 3.0, sd: 0.5 },
            Dist::LogNormal { median: 2.0, sigma: 0.3 },
            Dist::Uniform { min: -1.0, max: 5.0 },
            Dist::Triangular { min: 1.0, mode: 1.3, max: 2.5 },
            Dist::Pert(Pert::new(0.2, 0.3, 0.9)),
            Dist::Pert(Pert::new(0.0, 0.0, 1.0)),
            Dist::Choice { values: vec![4.0, 5.0, 6.0], cumulative: vec![0.25, 0.75, 1.0] },
        ];
        for d in &dists {
            let (mean, var) = moments(d, 200_000);
            assert!(
                (mean - d.mean()).abs() < 1e-3 * d.variance().sqrt(),
                "{d:?}: mean {mean} vs {}",
                d.mean()
            );
            assert!((var / d.variance() - 1.0).abs() < 2e-3, "{d:?}: variance {var} vs {}", d.variance());
        }
    }

    #[test]
    fn known_quantiles() {
        assert!((standard_normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((standard_normal_quantile(0.5)).abs() < 1e-15);
        assert!(standard_normal_quantile(0.0).is_finite() && standard_normal_quantile(1.0).is_finite());
        let t = Dist::Triangular { min: 0.0, mode: 1.0, max: 2.0 };
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-12);
        let p = Dist::Pert(Pert::new(0.0, 0.5, 1.0));
        assert!((p.quantile(0.5) - 0.5).abs() < 1e-4, "{}", p.quantile(0.5));
        assert_eq!(p.quantile(0.0), 0.0);
        assert!((p.quantile(1.0) - 1.0).abs() < 1e-12);
    }
}
