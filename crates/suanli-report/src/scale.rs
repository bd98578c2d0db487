//! Axis scales: linear or logarithmic, with readable ticks.

/// Maps data values onto pixels.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Smallest data value shown.
    pub lo: f64,
    /// Largest data value shown.
    pub hi: f64,
    /// Logarithmic (base 10).
    pub log: bool,
    /// Pixel of `lo`.
    pub px_lo: f64,
    /// Pixel of `hi`.
    pub px_hi: f64,
}

impl Scale {
    /// A scale covering `values` (non-finite ignored; non-positive ignored when `log`),
    /// with a little headroom; linear scales start at zero when all values are positive.
    pub fn fit(values: impl IntoIterator<Item = f64>, log: bool, px_lo: f64, px_hi: f64) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            if v.is_finite() && (!log || v > 0.0) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !lo.is_finite() {
            (lo, hi) = if log { (1.0, 10.0) } else { (0.0, 1.0) };
        }
        if log {
            let (a, b) = (lo.log10().floor(), hi.log10().ceil());
            let b = if a == b { b + 1.0 } else { b };
            Scale { lo: 10f64.powf(a), hi: 10f64.powf(b), log, px_lo, px_hi }
        } else {
            let lo = if lo > 0.0 { 0.0 } else { lo };
            let hi = if hi <= lo { lo + 1.0 } else { hi };
            let step = nice_step((hi - lo) / 5.0);
            Scale { lo: (lo / step).floor() * step, hi: (hi / step).ceil() * step, log, px_lo, px_hi }
        }
    }

    /// A linear scale over exactly `lo..hi`.
    pub fn linear(lo: f64, hi: f64, px_lo: f64, px_hi: f64) -> Self {
        Scale { lo, hi, log: false, px_lo, px_hi }
    }

    /// Pixel of a value (clamped to the scale).
    pub fn map(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.max(self.lo).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.px_lo + t.clamp(0.0, 1.0) * (self.px_hi - self.px_lo)
    }

    /// Tick values: powers of ten (log), or multiples of 1, 2 or 5 x 10^k (linear).
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let (a, b) = (self.lo.log10().round() as i32, self.hi.log10().round() as i32);
            let every = ((b - a) / 6 + 1).max(1);
            (a..=b).filter(|e| (e - a) % every == 0).map(|e| 10f64.powi(e)).collect()
        } else {
            let step = nice_step((self.hi - self.lo) / 5.0);
            let first = (self.lo / step).ceil() as i64;
            let last = (self.hi / step).floor() as i64;
            (first..=last).map(|k| k as f64 * step).collect()
        }
    }
}

/// The nearest 1, 2 or 5 x 10^k at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A tick label: plain for ordinary numbers, an SI prefix for large ones (`3k`, `1.5G`,
/// `10E`), percent when `percent`.
pub fn label(v: f64, percent: bool) -> String {
    if percent {
        return format!("{}%", trim(v * 100.0, 1));
    }
    let a = v.abs();
    if a > 0.0 && a < 0.01 {
        return format!("{v:.0e}");
    }
    if a < 1e4 {
        return trim(
            v,
            if a < 1.0 {
                3
            } else if a < 100.0 {
                2
            } else {
                0
            },
        );
    }
    const PREFIXES: [(f64, &str); 8] =
        [(1e24, "Y"), (1e21, "Z"), (1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    for (scale, p) in PREFIXES {
        if a >= scale {
            return format!("{}{p}", trim(v / scale, 1));
        }
    }
    trim(v, 0)
}

fn trim(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        let s = Scale::fit([3.0, 97.0], false, 0.0, 100.0);
        assert_eq!((s.lo, s.hi), (0.0, 100.0));
        assert_eq!(s.ticks(), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(s.map(50.0), 50.0);
        let l = Scale::fit([2e17, 3e21], true, 300.0, 0.0);
        assert_eq!((l.lo, l.hi), (1e17, 1e22));
        assert_eq!(l.ticks().len(), 6);
        assert!((l.map(1e19) - 180.0).abs() < 1e-9);
    }

    #[test]
    fn labels_use_prefixes() {
        assert_eq!(label(2500.0, false), "2500");
        assert_eq!(label(1.5e9, false), "1.5G");
        assert_eq!(label(1e21, false), "1Z");
        assert_eq!(label(0.125, true), "12.5%");
        assert_eq!(label(0.25, false), "0.25");
        assert_eq!(label(1e-4, false), "1e-4");
    }
}
