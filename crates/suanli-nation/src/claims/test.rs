//! A claim compiled against a scenario: the verdict on any outcome in a few hundred
//! operations, for the deterministic check and for every Monte Carlo draw.

use suanli_scenario::model::NationInput;

use super::{binding, kind_name, point_ok, value, Claim, ClaimError, ClaimKind, Metric, Point, Verdict};
use crate::crossing::stays_above;
use crate::outcome::{Binding, Outcome};

/// A claim compiled against a scenario's regions and years: it gives a verdict on any
/// outcome of that scenario's shape in a few hundred operations, so Monte Carlo can ask
/// it of every draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `metric(a) / metric(b)` in `year` is `expected` within relative `tolerance`.
    Ratio {
        /// Metric.
        metric: Metric,
        /// Numerator region index.
        a: usize,
        /// Denominator region index.
        b: usize,
        /// Year.
        year: i32,
        /// Expected ratio.
        expected: f64,
        /// Relative tolerance.
        tolerance: f64,
    },
    /// `metric(a)` stays above `factor` times the other's from some year on or before `by`.
    Exceeds {
        /// Metric.
        metric: Metric,
        /// Region index.
        a: usize,
        /// Region compared against; `None`: World minus `a`.
        b: Option<usize>,
        /// Factor.
        factor: f64,
        /// Year by which it must hold.
        by: i32,
        /// First year searched.
        from: i32,
    },
    /// `constraint` binds in more region-years of `from..=to` than `versus`.
    Binding {
        /// The constraint claimed to bind.
        constraint: Binding,
        /// The competing constraint.
        versus: Binding,
        /// First year.
        from: i32,
        /// Last year.
        to: i32,
    },
    /// `metric(a)` passes through `points`.
    Trajectory {
        /// Metric.
        metric: Metric,
        /// Region index.
        a: usize,
        /// Points.
        points: Vec<Point>,
        /// Absolute tolerance of points with a value.
        tolerance: f64,
    },
}

/// Checks a claim's fields against `input` (the primary scenario) and compiles it.
pub fn compile(c: &Claim, input: &NationInput) -> Result<Test, ClaimError> {
    let err = |m: &str| ClaimError { id: c.id.clone(), message: m.to_string() };
    let need = |v: Option<f64>, name: &str| {
        v.ok_or_else(|| err(&format!("a {} claim needs `{name}`", kind_name(c.kind))))
    };
    let region = |name: Option<&String>, field: &str| -> Result<usize, ClaimError> {
        let name = name.ok_or_else(|| err(&format!("a {} claim needs `{field}`", kind_name(c.kind))))?;
        input
            .regions
            .iter()
            .position(|r| &r.id == name || r.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| err(&format!("unknown region `{name}` in `{field}`")))
    };
    let check_year = |y: i32| {
        let (a, b) = (input.first_year, input.last_year);
        if (a..=b).contains(&y) {
            Ok(y)
        } else {
            Err(err(&format!("year {y} is outside the scenario's {a}..{b}")))
        }
    };
    Ok(match c.kind {
        ClaimKind::Ratio => Test::Ratio {
            metric: c.metric.ok_or_else(|| err("a ratio claim needs `metric`"))?,
            a: region(c.numerator.as_ref(), "numerator")?,
            b: region(c.denominator.as_ref(), "denominator")?,
            year: check_year(need(c.year.map(f64::from), "year")? as i32)?,
            expected: need(c.expected, "expected")?,
            tolerance: c.tolerance.unwrap_or(0.1),
        },
        ClaimKind::Exceeds => {
            let metric = c.metric.ok_or_else(|| err("an exceeds claim needs `metric`"))?;
            let a = region(c.region.as_ref(), "region")?;
            let versus = c.versus.as_deref().ok_or_else(|| err("an exceeds claim needs `versus`"))?;
            let b = if versus == "rest_of_world_combined" {
                None
            } else {
                Some(region(c.versus.as_ref(), "versus")?)
            };
            Test::Exceeds {
                metric,
                a,
                b,
                factor: c.factor.unwrap_or(1.0),
                by: check_year(c.by_year.unwrap_or(input.last_year))?,
                from: input.calibration_year,
            }
        }
        ClaimKind::Binding => Test::Binding {
            constraint: binding(c.constraint.as_deref())
                .ok_or_else(|| err("a binding claim needs `constraint` = power, chips or capital"))?,
            versus: binding(c.versus.as_deref())
                .ok_or_else(|| err("a binding claim needs `versus` = power, chips or capital"))?,
            from: check_year(c.from.unwrap_or(input.calibration_year + 1))?,
            to: check_year(c.to.unwrap_or(input.last_year))?,
        },
        ClaimKind::Trajectory => {
            let metric = c.metric.ok_or_else(|| err("a trajectory claim needs `metric`"))?;
            let a = region(c.region.as_ref(), "region")?;
            let points = c
                .points
                .clone()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| err("a trajectory claim needs `points`"))?;
            for p in &points {
                check_year(p.year)?;
                if p.value.is_none() && p.at_most.is_none() && p.at_least.is_none() {
                    return Err(err(&format!("point {} needs `value`, `at_most` or `at_least`", p.year)));
                }
            }
            Test::Trajectory { metric, a, points, tolerance: c.tolerance.unwrap_or(0.05) }
        }
    })
}

impl Test {
    /// The verdict on one outcome.
    pub fn verdict(&self, o: &Outcome) -> Verdict {
        match self {
            Test::Ratio { metric, a, b, year, expected, tolerance } => {
                let r = value(o, *metric, *a, *year) / value(o, *metric, *b, *year);
                if ((r / expected) - 1.0).abs() <= *tolerance {
                    Verdict::Holds
                } else {
                    Verdict::Fails
                }
            }
            Test::Exceeds { by, .. } => {
                if self.exceeds_from(o).is_some_and(|y| y <= *by) {
                    Verdict::Holds
                } else {
                    Verdict::Fails
                }
            }
            Test::Binding { constraint, versus, from, to } => {
                let count = |k: Binding| {
                    (0..o.world())
                        .flat_map(|r| (*from..=*to).map(move |y| (r, y)))
                        .filter(|&(r, y)| o.binding[o.at(r, y)] == k)
                        .count()
                };
                match (count(*constraint), count(*versus)) {
                    (0, _) => Verdict::Fails,
                    (_, 0) => Verdict::Holds,
                    (n_a, n_b) if n_a > n_b => Verdict::Partly,
                    _ => Verdict::Fails,
                }
            }
            Test::Trajectory { metric, a, points, tolerance } => {
                let passed =
                    points.iter().filter(|p| point_ok(p, value(o, *metric, *a, p.year), *tolerance)).count();
                match passed {
                    0 => Verdict::Fails,
                    n if n == points.len() => Verdict::Holds,
                    _ => Verdict::Partly,
                }
            }
        }
    }

    /// For an exceeds test: the value of the other side in `year`.
    pub(super) fn other(&self, o: &Outcome, year: i32) -> f64 {
        match self {
            Test::Exceeds { metric, b: Some(b), .. } => value(o, *metric, *b, year),
            Test::Exceeds { metric, a, b: None, .. } => {
                value(o, *metric, o.world(), year) - value(o, *metric, *a, year)
            }
            _ => f64::NAN,
        }
    }

    /// For an exceeds test: the first year from which `a` stays above the other side.
    pub(super) fn exceeds_from(&self, o: &Outcome) -> Option<i32> {
        match self {
            Test::Exceeds { metric, a, factor, from, .. } => {
                stays_above(*from, o.last_year(), *factor, |y| value(o, *metric, *a, y), |y| self.other(o, y))
            }
            _ => None,
        }
    }
}
