//! The "low" step: TOML text into [`RawScenario`], checking only what was written (syntax,
//! types, known keys, finite numbers, plausible years). Every problem is collected.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{nearest, Diagnostic, SourceText};
use crate::params::{self, Scope};
use crate::series::Series;
use crate::uncertainty::Uncertain;

/// Earliest and latest year a scenario may mention.
pub const YEAR_RANGE: Range<i32> = 1900..2201;

/// Where something was written: file, line, column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Loc {
    /// A diagnostic at this location.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message: message.into(),
            hint: None,
        }
    }
}

/// A parameter value as written, with its citation and location.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// The value over the years; `None` when only `uncertain` is written, which keeps the
    /// parameter's default value (e.g. generation growth from data) and adds a distribution.
    pub series: Option<Series>,
    /// Citation given with the value (`source = "..."`).
    pub source: Option<String>,
    /// Where the value was written.
    pub loc: Loc,
    /// Its distribution in Monte Carlo runs (`uncertain = { ... }`), if any.
    pub uncertain: Option<Uncertain>,
}

/// A `[lines.ID]` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawLine {
    /// Region id of origin, where written.
    pub origin: Option<(String, Loc)>,
    /// Parameters by name.
    pub params: BTreeMap<String, ParamValue>,
}

/// A `[regions.ID]` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawRegion {
    /// Parameters by name.
    pub params: BTreeMap<String, ParamValue>,
    /// Import caps by chip line.
    pub import_cap_chips: BTreeMap<String, ParamValue>,
    /// Where the section starts.
    pub loc: Option<Loc>,
}

/// A scenario file as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawScenario {
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `extends`: a built-in name or a path relative to this file.
    pub extends: Option<(String, Loc)>,
    /// `[years]` entries: `first`, `calibration`, `last`.
    pub years: BTreeMap<String, (i32, Loc)>,
    /// `[world]` parameters.
    pub world: BTreeMap<String, ParamValue>,
    /// `[lines.ID]` sections.
    pub lines: BTreeMap<String, RawLine>,
    /// `[regions.ID]` sections (`all` applies to every region).
    pub regions: BTreeMap<String, RawRegion>,
}

const TOP_KEYS: [&str; 7] = ["name", "description", "extends", "years", "world", "lines", "regions"];
const YEAR_KEYS: [&str; 3] = ["first", "calibration", "last"];

pub(crate) mod programme;
mod uncertain;

struct Parser<'a> {
    src: &'a SourceText,
    diags: Vec<Diagnostic>,
}

/// Parses one scenario file. Returns what could be read and every problem found.
pub fn parse(src: &SourceText) -> (RawScenario, Vec<Diagnostic>) {
    let mut p = Parser { src, diags: Vec::new() };
    let mut raw = RawScenario::default();
    let doc = match DeTable::parse(&src.text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            p.diags.push(src.error(span, format!("invalid TOML: {}", lowercase_first(&msg))));
            return (raw, p.diags);
        }
    };
    for (key, value) in doc.get_ref() {
        match key.get_ref().as_ref() {
            "name" => raw.name = p.string(value),
            "description" => raw.description = p.string(value),
            "extends" => raw.extends = p.string(value).map(|s| (s, p.loc(value.span()))),
            "years" => p.years(value, &mut raw.years),
            "world" => {
                if let Some(t) = p.table(value, "[world]") {
                    raw.world = p.params(t, Scope::World, "[world]");
                }
            }
            "lines" => p.sections(value, "lines", |p, id, _, t| {
                let line = raw.lines.entry(id.to_string()).or_default();
                for (k, v) in t {
                    if k.get_ref().as_ref() == "origin" {
                        line.origin = p.string(v).map(|s| (s, p.loc(v.span())));
                    } else {
                        p.param(k, v, Scope::Line, &format!("[lines.{id}]"), &mut line.params, &["origin"]);
                    }
                }
            }),
            "regions" => p.sections(value, "regions", |p, id, key_span, t| {
                let region = raw.regions.entry(id.to_string()).or_default();
                region.loc = Some(p.loc(key_span));
                for (k, v) in t {
                    if k.get_ref().as_ref() == "import_cap_chips" {
                        if let Some(caps) = p.table(v, "import_cap_chips") {
                            for (line, cap) in caps {
                                let unit = params::param(Scope::RegionLine, "import_cap_chips")
                                    .map_or("", |d| d.unit);
                                if let Some(pv) = p.value(cap, "import_cap_chips", unit) {
                                    region.import_cap_chips.insert(line.get_ref().to_string(), pv);
                                }
                            }
                        }
                    } else {
                        p.param(
                            k,
                            v,
                            Scope::Region,
                            &format!("[regions.{id}]"),
                            &mut region.params,
                            &["import_cap_chips"],
                        );
                    }
                }
            }),
            other => p.unknown(key, other, TOP_KEYS, "at the top level"),
        }
    }
    // Tables iterate in key order; report in file order.
    p.diags.sort_by_key(|d| (d.line, d.column));
    (raw, p.diags)
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

impl Parser<'_> {
    fn loc(&self, span: Range<usize>) -> Loc {
        let (line, column) = self.src.locate(span.start);
        Loc { file: self.src.name.clone(), line, column }
    }

    fn err(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.diags.push(self.src.error(span, msg));
    }

    fn unknown<'k>(
        &mut self,
        key: &Spanned<toml::de::DeString<'_>>,
        name: &str,
        known: impl IntoIterator<Item = &'k str> + Clone,
        place: &str,
    ) {
        let mut d = self.src.error(key.span(), format!("unknown key `{name}` {place}"));
        d = match nearest(name, known.clone()) {
            Some(n) => d.with_hint(format!("did you mean `{n}`?")),
            None => d.with_hint(format!(
                "valid keys are {}",
                known.into_iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )),
        };
        self.diags.push(d);
    }

    fn string(&mut self, v: &Spanned<DeValue<'_>>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.err(v.span(), format!("expected a string, found {}", type_name(other)));
                None
            }
        }
    }

    fn table<'v, 'i>(&mut self, v: &'v Spanned<DeValue<'i>>, what: &str) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(v.span(), format!("expected a table for {what}, found {}", type_name(other)));
                None
            }
        }
    }

    fn number(&mut self, v: &Spanned<DeValue<'_>>) -> Option<f64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok().map(|x| x as f64)
            }
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            other => {
                self.err(v.span(), format!("expected a number, found {}", type_name(other)));
                return None;
            }
        };
        match parsed {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                let text = &self.src.text[v.span()];
                self.err(v.span(), format!("expected a finite number, found `{text}`"));
                None
            }
        }
    }

    fn year(&mut self, span: Range<usize>, value: f64) -> Option<i32> {
        if value.fract() != 0.0 || !YEAR_RANGE.contains(&(value as i32)) {
            self.diags.push(self.src.error(span, format!("impossible year `{value}`")).with_hint(format!(
                "years are whole numbers from {} to {}",
                YEAR_RANGE.start,
                YEAR_RANGE.end - 1
            )));
            return None;
        }
        Some(value as i32)
    }

    fn years(&mut self, v: &Spanned<DeValue<'_>>, out: &mut BTreeMap<String, (i32, Loc)>) {
        let Some(t) = self.table(v, "[years]") else {
            return;
        };
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            if !YEAR_KEYS.contains(&name) {
                self.unknown(k, name, YEAR_KEYS, "in [years]");
                continue;
            }
            if let Some(y) = self.number(v).and_then(|x| self.year(v.span(), x)) {
                out.insert(name.to_string(), (y, self.loc(v.span())));
            }
        }
    }

    fn sections(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        what: &str,
        mut each: impl FnMut(&mut Self, &str, Range<usize>, &DeTable<'_>),
    ) {
        let Some(t) = self.table(v, &format!("[{what}]")) else {
            return;
        };
        for (id, section) in t {
            if let Some(s) = self.table(section, &format!("[{what}.{}]", id.get_ref())) {
                each(self, id.get_ref().as_ref(), id.span(), s);
            }
        }
    }

    fn params(&mut self, t: &DeTable<'_>, scope: Scope, place: &str) -> BTreeMap<String, ParamValue> {
        let mut out = BTreeMap::new();
        for (k, v) in t {
            self.param(k, v, scope, place, &mut out, &[]);
        }
        out
    }

    fn param(
        &mut self,
        k: &Spanned<toml::de::DeString<'_>>,
        v: &Spanned<DeValue<'_>>,
        scope: Scope,
        place: &str,
        out: &mut BTreeMap<String, ParamValue>,
        extra: &[&'static str],
    ) {
        let name = k.get_ref().as_ref();
        if params::param(scope, name).is_none() {
            let known: Vec<&str> = params::names(scope).chain(extra.iter().copied()).collect();
            self.unknown(k, name, known.iter().copied(), &format!("in {place}"));
            return;
        }
        if let Some(pv) = self.value(v, name, params::param(scope, name).map_or("", |p| p.unit)) {
            out.insert(name.to_string(), pv);
        }
    }

    /// A parameter value in `unit`: a number, or
    /// `{ value | years, growth_per_year, base_year, source, unit, uncertain }`.
    fn value(&mut self, v: &Spanned<DeValue<'_>>, name: &str, unit: &str) -> Option<ParamValue> {
        let loc = self.loc(v.span());
        let t = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                return self.number(v).map(|x| ParamValue {
                    series: Some(Series::constant(x)),
                    source: None,
                    loc,
                    uncertain: None,
                });
            }
            DeValue::Table(t) => t,
            other => {
                self.diags.push(self.src.error(v.span(), format!("expected a number or a table for `{name}`, found {}", type_name(other))).with_hint(
                    "write `1.5`, `{ value = 1.5, source = \"...\" }`, `{ years = { 2024 = 1, 2030 = 2 } }` or `{ value = 1, base_year = 2024, growth_per_year = 0.1 }`",
                ));
                return None;
            }
        };
        const KEYS: [&str; 7] =
            ["value", "years", "base_year", "growth_per_year", "source", "unit", "uncertain"];
        let (mut value, mut points, mut base_year, mut growth, mut source) = (None, None, None, None, None);
        let mut uncertain = None;
        let mut ok = true;
        for (k, x) in t {
            match k.get_ref().as_ref() {
                "value" => value = self.number(x),
                "growth_per_year" => growth = self.number(x),
                "base_year" => base_year = self.number(x).and_then(|y| self.year(x.span(), y)),
                "source" => source = self.string(x),
                "unit" => {
                    if let Some(u) = self.string(x) {
                        if u != unit {
                            self.diags.push(
                                self.src
                                    .error(x.span(), format!("`{name}` is in `{unit}`, not `{u}`"))
                                    .with_hint(format!("convert the value to {unit}")),
                            );
                            ok = false;
                        }
                    }
                }
                "years" => {
                    let before = self.diags.len();
                    points = self.points(x);
                    ok &= self.diags.len() == before;
                }
                "uncertain" => {
                    uncertain = self.uncertain(x, name, unit);
                    ok &= uncertain.is_some();
                }
                other => {
                    self.unknown(k, other, KEYS, &format!("in the value of `{name}`"));
                    ok = false;
                }
            }
        }
        if !ok {
            // Already reported; a second message about the shape would only confuse.
            return None;
        }
        let points = match (value, points, base_year) {
            (Some(v), None, Some(y)) => vec![(y, v)],
            (Some(v), None, None) if growth.is_none() => vec![(0, v)],
            (Some(_), None, None) => {
                self.diags.push(
                    loc.error(format!("`{name}` has a growth rate but no base year"))
                        .with_hint("add `base_year = 2024` or write `years = { 2024 = ... }`"),
                );
                return None;
            }
            (None, Some(pts), None) if !pts.is_empty() => pts,
            (None, None, None) if growth.is_none() && uncertain.is_some() => {
                return ok.then_some(ParamValue { series: None, source, loc, uncertain });
            }
            (None, None, _) => {
                if ok {
                    self.diags.push(loc.error(format!("`{name}` needs `value` or `years`")));
                }
                return None;
            }
            _ => {
                self.diags.push(
                    loc.error(format!(
                        "`{name}` mixes `value`/`base_year` with `years`, or has an empty `years` table"
                    ))
                    .with_hint("use either `value` (with `base_year`) or `years`"),
                );
                return None;
            }
        };
        ok.then_some(ParamValue {
            series: Some(Series { points, growth_per_year: growth }),
            source,
            loc,
            uncertain,
        })
    }

    fn points(&mut self, v: &Spanned<DeValue<'_>>) -> Option<Vec<(i32, f64)>> {
        let t = self.table(v, "`years`")?;
        let mut pts = Vec::new();
        for (k, x) in t {
            let year = k.get_ref().parse::<f64>().ok().and_then(|y| self.year(k.span(), y));
            if year.is_none() && k.get_ref().parse::<f64>().is_err() {
                self.err(k.span(), format!("expected a year as key, found `{}`", k.get_ref()));
            }
            if let (Some(y), Some(n)) = (year, self.number(x)) {
                pts.push((y, n));
            }
        }
        pts.sort_by_key(|(y, _)| *y);
        Some(pts)
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (RawScenario, Vec<Diagnostic>) {
        parse(&SourceText { name: "s.toml".into(), text: text.into() })
    }

    #[test]
    fn reads_all_value_forms() {
        let (raw, d) = run(r#"
[world]
accelerator_life_years = 5
[regions.china]
pue = { value = 1.3, source = "x" }
capex_usd_bn = { years = { 2024 = 10, 2030 = 20 }, growth_per_year = 0.1 }
dc_share_max = { value = 0.1, base_year = 2024, growth_per_year = 0.01 }
import_cap_chips = { us_frontier = 0 }
"#);
        assert!(d.is_empty(), "{d:?}");
        let china = &raw.regions["china"];
        assert_eq!(china.params["pue"].source.as_deref(), Some("x"));
        assert_eq!(china.params["capex_usd_bn"].series.as_ref().unwrap().at(2027), 15.0);
        assert_eq!(china.import_cap_chips["us_frontier"].series.as_ref().unwrap().at(2030), 0.0);
    }

    #[test]
    fn reports_every_problem_with_location() {
        let (_, d) = run(
            "[regions.china]\npeu = 1.3\nload_factor = nan\ncapex_usd_bn = \"x\"\n[years]\nfirst = 20000\n",
        );
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(d.len(), 4, "{msgs:#?}");
        assert!(msgs[0].starts_with("s.toml:2:1: error: unknown key `peu`"), "{}", msgs[0]);
        assert!(msgs[0].contains("did you mean `pue`?"));
        assert!(msgs[1].contains("3:15") && msgs[1].contains("finite"), "{}", msgs[1]);
        assert!(msgs[2].contains("expected a number or a table"));
        assert!(msgs[3].contains("impossible year"));
    }

    #[test]
    fn syntax_and_duplicate_keys_are_errors() {
        let (_, d) = run("a = \n");
        assert_eq!(d[0].line, 1);
        let (_, d) = run("[world]\naccelerator_life_years = 5\naccelerator_life_years = 6\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 3, "{}", d[0]);
    }

    #[test]
    fn infinities_are_errors() {
        let (_, d) = run("[regions.all]\npue = inf\ndc_share_max = -inf\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|x| x.message.contains("finite")));
    }

    #[test]
    fn unit_mismatch_is_an_error() {
        let (_, d) = run("[regions.all]\ninterconnect_gw_per_year = { value = 5, unit = \"MW/yr\" }\n");
        assert!(d[0].message.contains("is in `GW/yr`"), "{}", d[0]);
    }
}
