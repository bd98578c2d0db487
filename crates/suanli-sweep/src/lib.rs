//! Sweeps of site plans: a manifest names a base site file and what to vary; the cases are
//! the product of listed cases, the axes and the locations; each case is the base file with
//! its values set, planned; results go to Parquet, one file per chunk of cases.
//!
//! ```toml
//! [sweep]
//! name = "costs-by-latitude"
//! base = "../site/dc1.toml"        # relative to the manifest
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
use suanli_data::profiles::{synthesize, to_csv, SynthSettings};
use suanli_site::file::ProfileLoader;
use suanli_site::plan::{plan, SiteError, SitePlan};

mod parquet_out;

pub use parquet_out::chunk_parquet;

/// Name given to synthetic profiles in a case's site file.
const SYNTHETIC_PROFILES: &str = "<synthetic profiles>";

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
    chunk_cases: Option<usize>,
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
    /// Base site file, relative to the manifest.
    pub base: String,
    /// Cases per chunk.
    pub chunk_cases: usize,
    /// Axes: parameter path (`section.key`) and its values, in order of path.
    pub axes: Vec<(String, Vec<toml::Value>)>,
    /// Synthetic locations, if any.
    pub locations: Option<Locations>,
    /// Listed cases (parameter path to value).
    pub listed: Vec<Vec<(String, toml::Value)>>,
}

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
    let m = Manifest {
        name: f.sweep.name,
        base: f.sweep.base,
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

/// The site file of a case: the base with the case's values set and, for a location,
/// synthetic profiles in place of the base's.
pub fn case_site_text(base: &toml::Table, c: &Case) -> Result<String, String> {
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

/// What a case came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Planned.
    Planned(Box<SitePlan>),
    /// Not planned: `status` (`input error`, `infeasible`, `solver error`, `check error`)
    /// and why.
    Failed {
        /// Kind of failure.
        status: &'static str,
        /// Message.
        message: String,
    },
}

/// One case and what it came to.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// Its outcome.
    pub outcome: Outcome,
}

/// Reads the profiles a case's site names: synthetic ones for a location, else through
/// `load` (files relative to the base site file).
fn case_loader<'a>(
    c: &Case,
    seed: u64,
    load: &'a mut ProfileLoader<'a>,
) -> impl FnMut(&str) -> Result<(String, String), String> + 'a {
    let location = c.location;
    move |name: &str| match location {
        Some([lat, solar_cf, wind_cf]) if name == SYNTHETIC_PROFILES => {
            let p = synthesize(&SynthSettings { latitude_deg: lat, solar_cf, wind_cf, seed, hours: 8760 });
            Ok((
                format!(
                    "synthetic profiles (lat {lat}, solar CF {solar_cf}, wind CF {wind_cf}, seed {seed})"
                ),
                to_csv(&p, &[]),
            ))
        }
        _ => load(name),
    }
}

/// Checks that a case's site file reads (without planning it).
pub fn check_case(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    c: &Case,
    load: &mut ProfileLoader<'_>,
) -> Result<(), String> {
    let text = case_site_text(base, c)?;
    let seed = m.locations.as_ref().map_or(1, |l| l.seed);
    suanli_site::file::parse_site(
        &format!("{base_name} (case {})", c.id),
        &text,
        &mut case_loader(c, seed, load),
    )
    .map(|_| ())
}

/// Checks that every value the manifest gives reads ([`covering_cases`]), naming the
/// first case that does not and what it sets.
pub fn check_manifest(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    load: &mut ProfileLoader<'_>,
) -> Result<(), String> {
    for id in covering_cases(m) {
        let c = case(m, id);
        check_case(m, base_name, base, &c, load).map_err(|e| {
            let set: Vec<String> = c.params.iter().map(|(p, v)| format!("{p} = {v}")).collect();
            format!("case {id} ({}) does not read: {e}", set.join(", "))
        })?;
    }
    Ok(())
}

/// Plans every case of chunk `k` in order and encodes them as Parquet; also returns how many
/// failed.
pub fn run_chunk(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    k: usize,
    load: &mut ProfileLoader<'_>,
    done: &dyn Fn(),
) -> Result<(Vec<u8>, usize), String> {
    let results: Vec<CaseResult> = chunk_range(m, k)
        .map(|id| {
            let r = run_case(m, base_name, base, case(m, id), load);
            done();
            r
        })
        .collect();
    let failed = results.iter().filter(|r| !matches!(r.outcome, Outcome::Planned(_))).count();
    Ok((chunk_parquet(m, &results)?, failed))
}

/// Plans one case.
pub fn run_case(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    c: Case,
    load: &mut ProfileLoader<'_>,
) -> CaseResult {
    let seed = m.locations.as_ref().map_or(1, |l| l.seed);
    let outcome = case_site_text(base, &c)
        .and_then(|text| {
            suanli_site::file::parse_site(
                &format!("{base_name} (case {})", c.id),
                &text,
                &mut case_loader(&c, seed, load),
            )
        })
        .map_err(|message| Outcome::Failed { status: "input error", message })
        .and_then(|site| {
            plan(&site.input, &site.settings).map_err(|e| {
                let status = match &e {
                    SiteError::Input(_) => "input error",
                    SiteError::Infeasible(_) => "infeasible",
                    SiteError::NotSolved { .. } => "solver error",
                    SiteError::Check(_) => "check error",
                };
                Outcome::Failed { status, message: e.to_string() }
            })
        });
    let outcome = match outcome {
        Ok(p) => Outcome::Planned(Box::new(p)),
        Err(failed) => failed,
    };
    CaseResult { case: c, outcome }
}

/// The output columns of a planned case, in Parquet order: money per year in the base
/// file's currency, MW, MWh, shares 0..1, t CO2 per year.
pub const OUTPUT_COLUMNS: [&str; 13] = [
    "objective_per_year",
    "lcoe_per_mwh",
    "solar_mw",
    "wind_mw",
    "gas_mw",
    "battery_mw",
    "battery_mwh",
    "training_mw",
    "gas_share",
    "grid_share",
    "curtailment_share",
    "emissions_t_per_year",
    "unserved_mwh",
];

/// A planned case's outputs, in the order of [`OUTPUT_COLUMNS`].
pub fn outputs(p: &SitePlan) -> [f64; 13] {
    let c = &p.capacities;
    [
        p.objective_per_year,
        p.lcoe_per_mwh,
        c.solar_mw,
        c.wind_mw,
        c.gas_mw,
        c.battery_mw,
        c.battery_mwh,
        c.training_mw,
        p.gas_share,
        p.grid_share,
        p.curtailment_share,
        p.emissions_t_per_year,
        p.unserved_mwh,
    ]
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
        let text = case_site_text(&base, &case(&m, 5)).unwrap();
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
