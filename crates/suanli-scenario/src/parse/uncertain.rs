//! Parsing of `uncertain = { ... }`: a distribution, what it sets and which draws it
//! shares.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::DeValue;
use toml::Spanned;

use super::{type_name, Loc, Parser};
use crate::dist::{Dist, Pert};
use crate::uncertainty::{DrawScope, Of, Uncertain};

const DIST_HINT: &str = "write e.g. `uncertain = { dist = \"triangular\", min = 1.1, mode = 1.3, max = 1.5 }`; distributions: normal (mean, sd), lognormal (median, sigma), uniform (min, max), triangular and pert (min, mode, max), choice (values, weights)";

impl Parser<'_> {
    /// `uncertain = { dist = "...", <its parameters>, of, draw, group, source }`.
    pub(super) fn uncertain(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        name: &str,
        unit: &str,
    ) -> Option<Uncertain> {
        const KEYS: [&str; 15] = [
            "dist", "of", "draw", "group", "source", "mean", "sd", "median", "sigma", "min", "mode", "max",
            "values", "weights", "unit",
        ];
        let t = self.table(v, &format!("`uncertain` of `{name}`"))?;
        let loc = self.loc(v.span());
        let mut nums: BTreeMap<&str, (f64, Range<usize>)> = BTreeMap::new();
        let (mut dist, mut of, mut draw, mut group, mut source) =
            (None, Of::Value, DrawScope::Shared, None, None);
        let (mut values, mut weights) = (None, None);
        let mut ok = true;
        for (k, x) in t {
            let key = k.get_ref().as_ref();
            match key {
                "dist" => dist = self.string(x).map(|d| (d, x.span())),
                "of" => match self.string(x).as_deref() {
                    Some("value") => of = Of::Value,
                    Some("scale") => of = Of::Scale,
                    Some("growth_per_year") => of = Of::Growth,
                    Some(other) => {
                        self.diags.push(self.src.error(x.span(), format!("unknown `of = \"{other}\"`")).with_hint(
                            "`of` is `value` (the default), `scale` (multiplies the series) or `growth_per_year`",
                        ));
                        ok = false;
                    }
                    None => ok = false,
                },
                "draw" => match self.string(x).as_deref() {
                    Some("shared") => draw = DrawScope::Shared,
                    Some("per_region") => draw = DrawScope::PerRegion,
                    Some("per_year") => draw = DrawScope::PerYear,
                    Some(other) => {
                        self.diags.push(self.src.error(x.span(), format!("unknown `draw = \"{other}\"`")).with_hint(
                            "`draw` is `shared` (one draw for every year, the default), `per_region` (in [regions.all]) or `per_year`",
                        ));
                        ok = false;
                    }
                    None => ok = false,
                },
                "group" => group = self.string(x),
                "source" => source = self.string(x),
                "values" => values = self.numbers(x),
                "weights" => weights = self.numbers(x),
                "unit" => {
                    if self.string(x).is_some_and(|u| u != unit && of != Of::Scale) {
                        self.err(x.span(), format!("`{name}` is in `{unit}`"));
                        ok = false;
                    }
                }
                other if KEYS.contains(&other) => match self.number(x) {
                    Some(n) => {
                        nums.insert(KEYS.iter().find(|k| **k == other).copied().unwrap_or(""), (n, x.span()));
                    }
                    None => ok = false,
                },
                other => {
                    self.unknown(k, other, KEYS, &format!("in `uncertain` of `{name}`"));
                    ok = false;
                }
            }
        }
        let Some((kind, kind_span)) = dist else {
            if ok {
                self.diags
                    .push(loc.error(format!("`uncertain` of `{name}` needs `dist`")).with_hint(DIST_HINT));
            }
            return None;
        };
        let dist = self.dist(&kind, kind_span, &loc, &nums, values, weights)?;
        ok.then_some(Uncertain { dist, of, draw, group, source, loc })
    }

    /// Builds a distribution from its parameters, checking that they make sense.
    fn dist(
        &mut self,
        kind: &str,
        kind_span: Range<usize>,
        loc: &Loc,
        nums: &BTreeMap<&str, (f64, Range<usize>)>,
        values: Option<Vec<f64>>,
        weights: Option<Vec<f64>>,
    ) -> Option<Dist> {
        let needs: &[&str] = match kind {
            "normal" => &["mean", "sd"],
            "lognormal" => &["median", "sigma"],
            "uniform" => &["min", "max"],
            "triangular" | "pert" => &["min", "mode", "max"],
            "choice" => &[],
            other => {
                self.diags.push(
                    self.src.error(kind_span, format!("unknown distribution `{other}`")).with_hint(DIST_HINT),
                );
                return None;
            }
        };
        let mut bad = false;
        for key in nums.keys() {
            if !needs.contains(key) {
                self.err(nums[key].1.clone(), format!("`{key}` is not a parameter of `{kind}`"));
                bad = true;
            }
        }
        let missing: Vec<&str> = needs.iter().copied().filter(|k| !nums.contains_key(k)).collect();
        if !missing.is_empty() {
            self.diags.push(loc.error(format!("`{kind}` needs {}", missing.join(", "))).with_hint(DIST_HINT));
            return None;
        }
        if bad {
            return None;
        }
        let get = |k: &str| nums[k].0;
        let fail = |p: &mut Self, msg: String| {
            p.diags.push(loc.error(msg));
            None
        };
        match kind {
            "normal" if get("sd") <= 0.0 => fail(self, "`sd` must be positive".into()),
            "normal" => Some(Dist::Normal { mean: get("mean"), sd: get("sd") }),
            "lognormal" if get("median") <= 0.0 || get("sigma") <= 0.0 => {
                fail(self, "`median` and `sigma` of a lognormal must be positive".into())
            }
            "lognormal" => Some(Dist::LogNormal { median: get("median"), sigma: get("sigma") }),
            "uniform" if get("min") >= get("max") => fail(self, "`min` must be below `max`".into()),
            "uniform" => Some(Dist::Uniform { min: get("min"), max: get("max") }),
            "triangular" | "pert"
                if !(get("min") <= get("mode") && get("mode") <= get("max") && get("min") < get("max")) =>
            {
                fail(self, format!("`{kind}` needs min <= mode <= max and min < max"))
            }
            "triangular" => Some(Dist::Triangular { min: get("min"), mode: get("mode"), max: get("max") }),
            "pert" => Some(Dist::Pert(Pert::new(get("min"), get("mode"), get("max")))),
            _ => {
                let Some(values) = values.filter(|v| !v.is_empty()) else {
                    return fail(self, "`choice` needs `values = [...]`".into());
                };
                let weights = weights.unwrap_or_else(|| vec![1.0; values.len()]);
                if weights.len() != values.len()
                    || weights.iter().any(|w| *w < 0.0)
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    return fail(
                        self,
                        "`weights` must be as many as `values`, non-negative and not all zero".into(),
                    );
                }
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                let mut cumulative: Vec<f64> = weights
                    .iter()
                    .map(|w| {
                        acc += w / total;
                        acc
                    })
                    .collect();
                if let Some(last) = cumulative.last_mut() {
                    *last = 1.0;
                }
                Some(Dist::Choice { values, cumulative })
            }
        }
    }

    fn numbers(&mut self, v: &Spanned<DeValue<'_>>) -> Option<Vec<f64>> {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().map(|x| self.number(x)).collect(),
            other => {
                self.err(v.span(), format!("expected an array of numbers, found {}", type_name(other)));
                None
            }
        }
    }
}
