//! A parameter's value over the years: a constant, a per-year table, or a growth rate.

/// A value that may change by year.
///
/// * A constant: one point and no growth.
/// * A per-year table: points `(year, value)`, linearly interpolated between points and
///   held at the first point's value before it.
/// * A growth rate: after the last point the value grows by `growth_per_year` each year
///   (compounded); with a single point it also applies before that point.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Points `(year, value)` sorted by year; never empty.
    pub points: Vec<(i32, f64)>,
    /// Compound growth per year after the last point (0.1 = +10 %/yr).
    pub growth_per_year: Option<f64>,
}

impl Series {
    /// A constant.
    pub fn constant(value: f64) -> Self {
        Series { points: vec![(0, value)], growth_per_year: None }
    }

    /// The value in `year`.
    pub fn at(&self, year: i32) -> f64 {
        let (first_year, first) = self.points[0];
        let (last_year, last) = self.points[self.points.len() - 1];
        let grow = |base: f64, from: i32| match self.growth_per_year {
            Some(g) => base * (1.0 + g).powi(year - from),
            None => base,
        };
        if year >= last_year {
            return grow(last, last_year);
        }
        if year <= first_year {
            return if self.points.len() == 1 { grow(first, first_year) } else { first };
        }
        let i = self.points.partition_point(|(y, _)| *y <= year);
        let ((y0, v0), (y1, v1)) = (self.points[i - 1], self.points[i]);
        v0 + (v1 - v0) * f64::from(year - y0) / f64::from(y1 - y0)
    }

    /// The values for `first..=last`.
    pub fn over(&self, first: i32, last: i32) -> Vec<f64> {
        (first..=last).map(|y| self.at(y)).collect()
    }

    /// A short human description, e.g. `1.3`, `2024: 10 .. 2030: 20`, `5 in 2024, +10 %/yr`.
    pub fn describe(&self) -> String {
        let pts: Vec<String> = if self.points.len() == 1 && self.points[0].0 == 0 {
            vec![fmt_num(self.points[0].1)]
        } else {
            self.points.iter().map(|(y, v)| format!("{y}: {}", fmt_num(*v))).collect()
        };
        let mut s = pts.join(", ");
        if let Some(g) = self.growth_per_year {
            s.push_str(&format!(", then {:+.1} %/yr", g * 100.0));
        }
        s
    }
}

/// Formats a number compactly (no trailing zeros, exponent for large or small values).
pub fn fmt_num(v: f64) -> String {
    if v.is_infinite() {
        return "unlimited".into();
    }
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-3) {
        return format!("{v:.4e}");
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_and_grows() {
        let s = Series { points: vec![(2020, 10.0), (2030, 20.0)], growth_per_year: Some(0.1) };
        assert_eq!(s.at(2010), 10.0);
        assert_eq!(s.at(2025), 15.0);
        assert!((s.at(2032) - 24.2).abs() < 1e-12);
        let g = Series { points: vec![(2024, 100.0)], growth_per_year: Some(1.0) };
        assert_eq!(g.at(2022), 25.0);
        assert_eq!(Series::constant(3.0).at(1999), 3.0);
    }
}
