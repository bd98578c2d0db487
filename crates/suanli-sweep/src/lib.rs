//! Sweeps: a manifest names a base site, network or scenario file and what to vary; the
//! cases are the product of listed cases, the axes and (for sites) synthetic locations; each
//! case is the base file with its values set, planned or run; results go to Parquet, one
//! file per chunk of cases.
//!
//! ```toml
//! [sweep]
//! name = "costs-by-latitude"
//! base = "../site/dc1.toml"        # relative to the manifest
//! kind = "site"                    # site (default), network or scenario
//! # outputs = ["effective_flops:china:2030"]   # scenario sweeps: QUANTITY:REGION:YEAR
//! chunk_cases = 10                 # cases per Parquet file
//!
//! [axes]                           # every combination of every axis (in order of path)
//! "solar.capital_cost_per_mw_year" = [30000, 50000, 70000]
//! "battery.energy_cost_per_mwh_year" = [10000, 15000]
//!
//! [locations]                      # synthetic profiles, one location per entry (zipped)
//! lat = [20, 35, 50]
//! solar_cf = [0.24, 0.19, 0.12]
//! wind_cf = [0.25, 0.30, 0.35]
//! seed = 1
//!
//! [[cases]]                        # optional listed cases, each combined with the axes
//! "gas.marginal_cost_per_mwh" = 40
//! ```
//!
//! Pure: texts in, results and Parquet bytes out. The CLI (`suanli sweep`) and the Python
//! package (`suanli.sweep`) read the files, schedule the chunks and write them atomically.

use std::ops::Range;

use serde::Deserialize;

mod parquet_out;
mod run;

pub use parquet_out::chunk_parquet;
pub use run::{check_case, check_manifest, output_columns, run_case, run_chunk, CaseResult, Outcome};

/// Name given to synthetic profiles in a case's site file.
pub(crate) const SYNTHETIC_PROFILES: &str = "<synthetic profiles>";

/// Default cases per chunk (per Parquet file): with ~1-3 s per site plan, a chunk is tens
/// of seconds of work, long enough that scheduling costs nothing and short enough that a
/// lost worker loses little.
pub const DEFAULT_CHUNK_CASES: usize = 10;

/// Most cases a manifest may expand to (a guard against a typo multiplying axes).
pub const MAX_CASES: usize = 1_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    sweep: SweepSection,
    #[serde(default)]
    axes: toml::Table,
    locations: Option<Locations>,
    #[serde(default)]
    cases: Vec<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepSection {
    name: String,
    base: String,
    kind: Option<String>,
    chunk_cases: Option<usize>,
    outputs: Option<Vec<String>>,
}

/// What the base file is, and so what a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A site file: each case a site plan.
    Site,
    /// A network file: each case a network plan.
    Network,
    /// A scenario file: each case a run of the nation model.
    Scenario,
}

/// Synthetic profile locations (zipped lists).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Locations {
    /// Latitude, degrees north.
    pub lat: Vec<f64>,
    /// Target annual solar capacity factor.
    pub solar_cf: Vec<f64>,
    /// Target annual wind capacity factor.
    pub wind_cf: Vec<f64>,
    /// Seed of the synthetic weather.
    #[serde(default = "one")]
    pub seed: u64,
}

fn one() -> u64 {
    1
}

/// A checked manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Sweep name.
    pub name: String,
    /// Base file, relative to the manifest.
    pub base: String,
    /// What the base file is.
    pub kind: Kind,
    /// Scenario outputs (scenario sweeps).
    pub outputs: Vec<ScenarioOutput>,
    /// Cases per chunk.
    pub chunk_cases: usize,
    /// Axes: parameter path (`section.key`) and its values, in order of path.
    pub axes: Vec<(String, Vec<toml::Value>)>,
    /// Synthetic locations, if any.
    pub locations: Option<Locations>,
    /// Listed cases (parameter path to value).
    pub listed: Vec<Vec<(String, toml::Value)>>,
}

/// A scenario output: a `race` quantity, a region (id or name, or `world`) and a year.
pub type ScenarioOutput = (String, String, i32);

/// One case: its number and what it sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// 0-based case number (stable for a manifest).
    pub id: usize,
    /// Parameters set, path to value.
    pub params: Vec<(String, toml::Value)>,
    /// Synthetic location: latitude, solar CF, wind CF.
    pub location: Option<[f64; 3]>,
}

/// `file:line:column: message` for a TOML error.
fn located(file: &str, text: &str, span: Option<Range<usize>>, message: &str) -> String {
    let start = span.map_or(0, |s| s.start).min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    format!("{file}:{line}:{column}: {message}")
}

/// Where `needle` first appears in `text`, as a span (for errors about parsed values).
fn span_of(text: &str, needle: &str) -> Option<Range<usize>> {
    text.find(needle).map(|s| s..s + needle.len())
}

/// Parses and checks a manifest.
pub fn parse_manifest(file: &str, text: &str) -> Result<Manifest, String> {
    let f: ManifestFile = toml::from_str(text).map_err(|e| {
        located(file, text, e.span(), &format!("failed to read sweep manifest: {}", e.message().trim()))
    })?;
    let at = |needle: &str, message: String| located(file, text, span_of(text, needle), &message);
    let chunk_cases = f.sweep.chunk_cases.unwrap_or(DEFAULT_CHUNK_CASES);
    if chunk_cases == 0 {
        return Err(at("chunk_cases", "`chunk_cases` is 0, expected at least 1".into()));
    }
    let mut axes = Vec::new();
    for (path, values) in f.axes {
        check_path(&path).map_err(|m| at(&path, m))?;
        match values {
            toml::Value::Array(v) if !v.is_empty() => axes.push((path, v)),
            _ => return Err(at(&path, format!("axis `{path}` needs a non-empty list of values"))),
        }
    }
    if let Some(l) = &f.locations {
        if l.lat.len() != l.solar_cf.len() || l.lat.len() != l.wind_cf.len() || l.lat.is_empty() {
            return Err(at(
                "[locations]",
                "`lat`, `solar_cf` and `wind_cf` need the same, non-zero length".into(),
            ));
        }
        let bad = |v: &[f64], lo: f64, hi: f64| v.iter().any(|x| !(lo..=hi).contains(x));
        if bad(&l.lat, -66.0, 66.0) || bad(&l.solar_cf, 0.0, 0.99) || bad(&l.wind_cf, 0.0, 0.99) {
            return Err(at(
                "[locations]",
                "latitudes must be within -66..66 and capacity factors within 0..0.99".into(),
            ));
        }
    }
    let mut listed = Vec::new();
    for case in f.cases {
        let mut params = Vec::new();
        for (path, value) in case {
            check_path(&path).map_err(|m| at(&path, m))?;
            params.push((path, value));
        }
        listed.push(params);
    }
    let kind = match f.sweep.kind.as_deref().unwrap_or("site") {
        "site" => Kind::Site,
        "network" => Kind::Network,
        "scenario" => Kind::Scenario,
        other => {
            return Err(at("kind", format!("unknown kind `{other}`, expected site, network or scenario")))
        }
    };
    if kind != Kind::Site && f.locations.is_some() {
        return Err(at("[locations]", "synthetic locations are for site sweeps".into()));
    }
    let outputs = scenario_outputs(f.sweep.outputs.unwrap_or_default()).map_err(|(spec, e)| at(&spec, e))?;
    if (kind == Kind::Scenario) == outputs.is_empty() {
        let message = if kind == Kind::Scenario {
            "a scenario sweep needs `outputs`, e.g. [\"effective_flops:china:2030\"]"
        } else {
            "`outputs` are for scenario sweeps; site and network sweeps have fixed outputs"
        };
        return Err(at("[sweep]", message.into()));
    }
    let m = Manifest {
        name: f.sweep.name,
        base: f.sweep.base,
        kind,
        outputs,
        chunk_cases,
        axes,
        locations: f.locations,
        listed,
    };
    let n = case_count(&m);
    if n > MAX_CASES {
        return Err(at("[sweep]", format!("the manifest expands to {n} cases, more than {MAX_CASES}")));
    }
    Ok(m)
}

/// Scenario outputs `QUANTITY:REGION:YEAR` as `(quantity, region, year)`; an error comes
/// with the spec it is about.
fn scenario_outputs(specs: Vec<String>) -> Result<Vec<ScenarioOutput>, (String, String)> {
    let known = suanli_nation::outcome::QUANTITY_NAMES;
    specs
        .into_iter()
        .map(|spec| {
            let parts: Vec<&str> = spec.split(':').collect();
            match parts.as_slice() {
                [q, region, year] if known.contains(q) => match year.parse::<i32>() {
                    Ok(y) => Ok((q.to_string(), region.to_string(), y)),
                    Err(_) => Err((spec.clone(), format!("output `{spec}`: `{year}` is not a year"))),
                },
                _ => Err((
                    spec.clone(),
                    format!(
                        "output `{spec}`: write QUANTITY:REGION:YEAR with QUANTITY one of {}",
                        known.join(", ")
                    ),
                )),
            }
        })
        .collect()
}

fn check_path(path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{path}` is not a parameter path: write `section.key`, e.g. `solar.capital_cost_per_mw_year`"
        ));
    }
    Ok(())
}

/// Number of cases: listed (or one) x every axis x locations (or one), saturating.
pub fn case_count(m: &Manifest) -> usize {
    let axes = m.axes.iter().fold(1usize, |n, (_, v)| n.saturating_mul(v.len()));
    let locations = m.locations.as_ref().map_or(1, |l| l.lat.len());
    m.listed.len().max(1).saturating_mul(axes).saturating_mul(locations)
}

/// Case `id` of the manifest: listed case outermost, then the axes in order of path (the
/// last varying fastest), then the location.
pub fn case(m: &Manifest, id: usize) -> Case {
    let locations = m.locations.as_ref().map_or(1, |l| l.lat.len());
    let mut rest = id;
    let location_index = rest % locations;
    rest /= locations;
    let mut chosen = Vec::with_capacity(m.axes.len());
    for (path, values) in m.axes.iter().rev() {
        chosen.push((path.clone(), values[rest % values.len()].clone()));
        rest /= values.len();
    }
    chosen.reverse();
    let mut params = m.listed.get(rest).cloned().unwrap_or_default();
    params.extend(chosen);
    let location = m
        .locations
        .as_ref()
        .map(|l| [l.lat[location_index], l.solar_cf[location_index], l.wind_cf[location_index]]);
    Case { id, params, location }
}

/// A few cases that between them use every listed case, every axis value and every
/// location: checking that these read checks every value the manifest gives, in far fewer
/// reads than the whole product.
pub fn covering_cases(m: &Manifest) -> Vec<usize> {
    let locations = m.locations.as_ref().map_or(1, |l| l.lat.len());
    let per_listed = m.axes.iter().fold(1usize, |n, (_, v)| n.saturating_mul(v.len()));
    let mut ids: Vec<usize> = (0..m.listed.len().max(1)).map(|l| l * per_listed * locations).collect();
    ids.extend(0..locations);
    // The axis with stride `stride` (product of the lengths of the axes after it).
    let mut stride = 1usize;
    for (_, values) in m.axes.iter().rev() {
        ids.extend((0..values.len()).map(|j| j * stride * locations));
        stride = stride.saturating_mul(values.len());
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The case numbers of chunk `k`.
pub fn chunk_range(m: &Manifest, k: usize) -> Range<usize> {
    let n = case_count(m);
    (k * m.chunk_cases).min(n)..((k + 1) * m.chunk_cases).min(n)
}

/// Number of chunks.
pub fn chunk_count(m: &Manifest) -> usize {
    case_count(m).div_ceil(m.chunk_cases)
}

/// The file of a case: the base with the case's values set and, for a location, synthetic
/// profiles in place of the base's.
pub fn case_text(base: &toml::Table, c: &Case) -> Result<String, String> {
    let mut t = base.clone();
    for (path, value) in &c.params {
        set_path(&mut t, path, value.clone())?;
    }
    if c.location.is_some() {
        let site = t.entry("site").or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(site) = site {
            site.remove("ninja_pv");
            site.remove("ninja_wind");
            site.insert("profiles".into(), toml::Value::String(SYNTHETIC_PROFILES.into()));
        }
    }
    toml::to_string(&t).map_err(|e| e.to_string())
}

fn set_path(t: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let key = parts.pop().unwrap_or_default();
    let mut here = t;
    for p in parts {
        let next = here.entry(p).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = match next {
            toml::Value::Table(inner) => inner,
            _ => return Err(format!("`{path}`: `{p}` is a value in the base file, not a section")),
        };
    }
    here.insert(key.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[sweep]
name = "t"
base = "site.toml"
chunk_cases = 4

[axes]
"solar.capital_cost_per_mw_year" = [1, 2, 3]
"gas.marginal_cost_per_mwh" = [10, 20]

[locations]
lat = [10, 40]
solar_cf = [0.2, 0.15]
wind_cf = [0.3, 0.35]
"#;

    #[test]
    fn cases_are_the_product_in_a_stable_order() {
        let m = parse_manifest("m.toml", MANIFEST).unwrap();
        assert_eq!((case_count(&m), chunk_count(&m)), (12, 3));
        let c = case(&m, 7);
        // Axes in order of path (gas, solar): 7 = ((gas 1) * 3 + (solar 0)) * 2 + location 1.
        assert_eq!(c.params[0], ("gas.marginal_cost_per_mwh".to_string(), toml::Value::Integer(20)));
        assert_eq!(c.params[1], ("solar.capital_cost_per_mw_year".to_string(), toml::Value::Integer(1)));
        assert_eq!(c.location, Some([40.0, 0.15, 0.35]));
        let all: std::collections::BTreeSet<String> =
            (0..12).map(|i| format!("{:?}", (case(&m, i).params, case(&m, i).location))).collect();
        assert_eq!(all.len(), 12);
        assert_eq!(chunk_range(&m, 2), 8..12);
        // Every axis value and location appears among the covering cases.
        let cover: Vec<Case> = covering_cases(&m).into_iter().map(|i| case(&m, i)).collect();
        for (path, values) in &m.axes {
            for v in values {
                assert!(
                    cover.iter().any(|c| c.params.iter().any(|(p, x)| p == path && x == v)),
                    "{path} {v}"
                );
            }
        }
        assert!(cover.iter().any(|c| c.location == Some([10.0, 0.2, 0.3])));
    }

    #[test]
    fn values_are_set_by_path_and_locations_replace_profiles() {
        let m = parse_manifest("m.toml", MANIFEST).unwrap();
        let base: toml::Table =
            "[site]\nname = \"s\"\nprofiles = \"p.csv\"\n[solar]\ncapital_cost_per_mw_year = 9\n"
                .parse()
                .unwrap();
        let text = case_text(&base, &case(&m, 5)).unwrap();
        let t: toml::Table = text.parse().unwrap();
        // 5 = ((gas 0) * 3 + (solar 2)) * 2 + location 1.
        assert_eq!(t["solar"]["capital_cost_per_mw_year"].as_integer(), Some(3));
        assert_eq!(t["gas"]["marginal_cost_per_mwh"].as_integer(), Some(10));
        assert_eq!(t["site"]["profiles"].as_str(), Some(SYNTHETIC_PROFILES));
    }

    #[test]
    fn bad_manifests_name_line_and_column() {
        let e = parse_manifest("m.toml", "[sweep]\nname = \"t\"\nbase = \"s.toml\"\n[axes]\nsolar = [1]\n")
            .unwrap_err();
        assert!(e.starts_with("m.toml:5:1:") && e.contains("section.key"), "{e}");
        let e =
            parse_manifest("m.toml", "[sweep]\nname = \"t\"\nbase = \"s.toml\"\nextra = 1\n").unwrap_err();
        assert!(e.starts_with("m.toml:4:1:"), "{e}");
        let e = parse_manifest("m.toml", "[sweep]\nname = \"t\"\nbase = \"s.toml\"\n[axes]\n\"a.b\" = []\n")
            .unwrap_err();
        assert!(e.contains("non-empty"), "{e}");
    }
}
