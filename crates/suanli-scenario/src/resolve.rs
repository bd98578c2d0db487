//! The "high" step: merge a scenario with what it extends, fill defaults from data, check
//! ranges and completeness, and evaluate every parameter for every year.

use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::{fleet_h100e, FleetRow};
use suanli_data::regions::DEFAULT_REGIONS;

use crate::builtin::builtin_scenario;
use crate::diag::{nearest, Diagnostic, ScenarioError, SourceText};
use crate::model::{LineInput, NationInput, RegionInput};
use crate::params::{self, ParamDef, Scope};
use crate::parse::{parse, Loc, ParamValue, RawScenario};
use crate::series::Series;
use crate::uncertainty::{self, Uncertainty};

/// The data a scenario is resolved against.
#[derive(Debug, Clone, Copy)]
pub struct DataSet<'a> {
    /// Electricity generation by region and year.
    pub electricity: &'a ElectricityTable,
    /// Fleet calibration.
    pub fleets: &'a [FleetRow],
}

/// Where a resolved parameter value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Section, e.g. `regions.china`, `lines.us_frontier`, `world`.
    pub scope: String,
    /// Parameter name.
    pub param: String,
    /// Unit.
    pub unit: String,
    /// The value as written, e.g. `1.3` or `2024: 10, then +5.0 %/yr`.
    pub value: String,
    /// Citation, or where it was set when the file gives none.
    pub source: String,
    /// Distribution in Monte Carlo runs, e.g. `triangular(1.15, 1.3, 1.5) value`.
    pub uncertain: Option<String>,
}

/// A resolved scenario.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// What the engine runs on.
    pub input: NationInput,
    /// Description from the file.
    pub description: String,
    /// Where every value came from.
    pub provenance: Vec<Provenance>,
    /// Uncertain parameters, for Monte Carlo runs (empty when none is uncertain).
    pub uncertainty: Uncertainty,
}

/// Reads the text of a scenario named by `extends` (a path relative to the file that names
/// it). Supplied by the caller so that this crate does no I/O.
pub type Loader<'a> = dyn FnMut(&str, &SourceText) -> Result<SourceText, String> + 'a;

/// Most levels of `extends`.
const MAX_EXTENDS_DEPTH: usize = 16;

/// Parses `src`, follows `extends`, and resolves everything against `data`.
pub fn resolve(src: SourceText, load: &mut Loader<'_>, data: DataSet<'_>) -> Result<Resolved, ScenarioError> {
    let mut diags = Vec::new();
    let root_name = src.name.clone();
    let raw = load_chain(src, load, &mut diags, 0);
    // Resolve even after parse errors so that every problem is reported at once, but drop
    // "missing parameter" errors then: they usually echo a value that failed to parse.
    let root = Loc { file: root_name, line: 1, column: 1 };
    let resolver = Resolver {
        data,
        root,
        diags: Vec::new(),
        provenance: Vec::new(),
        report_missing: diags.is_empty(),
        effective: Default::default(),
    };
    match resolver.run(raw) {
        Ok(r) if diags.is_empty() => Ok(r),
        Ok(_) => Err(ScenarioError { diagnostics: diags }),
        Err(more) => {
            diags.extend(more);
            diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            // A value in [regions.all] is checked once per region: report it once.
            diags.dedup_by(|a, b| {
                (&a.file, a.line, a.column, &a.message) == (&b.file, b.line, b.column, &b.message)
            });
            Err(ScenarioError { diagnostics: diags })
        }
    }
}

fn load_chain(
    src: SourceText,
    load: &mut Loader<'_>,
    diags: &mut Vec<Diagnostic>,
    depth: usize,
) -> RawScenario {
    let (mut raw, d) = parse(&src);
    diags.extend(d);
    let Some((parent, loc)) = raw.extends.clone() else {
        return raw;
    };
    if depth >= MAX_EXTENDS_DEPTH {
        diags.push(
            loc.error(format!("`extends` goes more than {MAX_EXTENDS_DEPTH} levels deep"))
                .with_hint("check for a cycle"),
        );
        return raw;
    }
    let parent_src = match builtin_scenario(&parent) {
        Some(s) => s,
        None => match load(&parent, &src) {
            Ok(s) => s,
            Err(e) => {
                let hint = match nearest(&parent, crate::builtin::BUILTIN_NAMES.iter().copied()) {
                    Some(n) => format!("did you mean the built-in `{n}`?"),
                    None => format!("built-in scenarios are {}", crate::builtin::BUILTIN_NAMES.join(", ")),
                };
                diags.push(
                    loc.error(format!("cannot read extended scenario `{parent}`: {e}")).with_hint(hint),
                );
                return raw;
            }
        },
    };
    let mut base = load_chain(parent_src, load, diags, depth + 1);
    merge(&mut base, &mut raw);
    base
}

/// Lays `child` over `base`: every value the child sets replaces the base's.
fn merge(base: &mut RawScenario, child: &mut RawScenario) {
    if child.name.is_some() {
        base.name = child.name.take();
    }
    if child.description.is_some() {
        base.description = child.description.take();
    }
    base.years.append(&mut child.years);
    base.world.append(&mut child.world);
    for (id, mut line) in std::mem::take(&mut child.lines) {
        let b = base.lines.entry(id).or_default();
        if line.origin.is_some() {
            b.origin = line.origin;
        }
        b.params.append(&mut line.params);
    }
    for (id, mut region) in std::mem::take(&mut child.regions) {
        let b = base.regions.entry(id).or_default();
        b.params.append(&mut region.params);
        b.import_cap_chips.append(&mut region.import_cap_chips);
        b.loc = region.loc.or(b.loc.take());
    }
}

struct Resolver<'a> {
    data: DataSet<'a>,
    /// The start of the user's file, where "missing" errors point.
    root: Loc,
    diags: Vec<Diagnostic>,
    provenance: Vec<Provenance>,
    /// Whether to report missing parameters (off after parse errors).
    report_missing: bool,
    /// The series used for each uncertain parameter, by `scope.name` (scope of the actual
    /// region or line, also when written in `[regions.all]`).
    effective: std::collections::BTreeMap<String, Series>,
}

impl Resolver<'_> {
    fn run(mut self, raw: RawScenario) -> Result<Resolved, Vec<Diagnostic>> {
        let file_loc = self.root.clone();
        let report_missing = self.report_missing;
        let year = |key: &str, diags: &mut Vec<Diagnostic>| match raw.years.get(key) {
            Some((y, l)) => Some((*y, l.clone())),
            None if !report_missing => None,
            None => {
                diags.push(
                    file_loc
                        .error(format!("missing `[years] {key}`"))
                        .with_hint("add it, or `extends = \"baseline\"`"),
                );
                None
            }
        };
        let (first, cal, last) = (
            year("first", &mut self.diags),
            year("calibration", &mut self.diags),
            year("last", &mut self.diags),
        );
        let (Some((first, first_loc)), Some((cal, cal_loc)), Some((last, last_loc))) = (first, cal, last)
        else {
            return Err(self.diags);
        };
        if !(first <= cal && cal < last) {
            // Point at the year that is out of place rather than at the calibration year,
            // which usually comes from the extended scenario.
            let at = if first > cal { &first_loc } else { &last_loc };
            self.diags.push(
                at.error(format!("years are out of order: first {first}, calibration {cal}, last {last}"))
                    .with_hint("first <= calibration < last"),
            );
        }
        let table_first = self.data.electricity.rows.iter().map(|r| r.year).min().unwrap_or(first);
        if first < table_first {
            self.diags.push(
                first_loc
                    .error(format!("`first` is {first}, but reported generation starts in {table_first}")),
            );
        }
        let fleet_years: Vec<i32> = self.data.fleets.iter().map(|r| r.year).collect();
        if !fleet_years.contains(&cal) {
            let mut years = fleet_years.clone();
            years.dedup();
            self.diags.push(
                cal_loc
                    .error(format!("no fleet data for calibration year {cal}"))
                    .with_hint(format!("the fleet table has {years:?}")),
            );
        }
        if !self.diags.is_empty() {
            return Err(self.diags);
        }

        // World parameters.
        let life = self.world(&raw, "accelerator_life_years", first, last);
        let growth = self.world(&raw, "history_fleet_growth_factor", first, last);

        // Chip lines.
        let region_ids: Vec<&str> = DEFAULT_REGIONS.iter().map(|r| r.id).collect();
        let mut lines = Vec::new();
        for (id, line) in &raw.lines {
            let origin = match &line.origin {
                Some((o, loc)) => match region_ids.iter().position(|r| r == o) {
                    Some(i) => Some(i),
                    None => {
                        self.diags.push(suggest(
                            loc.error(format!("unknown origin region `{o}` of line `{id}`")),
                            o,
                            region_ids.iter().copied(),
                        ));
                        None
                    }
                },
                None => None,
            };
            let scope = format!("lines.{id}");
            let get = |name: &str, r: &mut Self| {
                r.series(&scope, name, Scope::Line, line.params.get(name), None, first, last, &file_loc)
            };
            let flops = get("flops_per_chip", &mut self);
            let tdp = get("tdp_w", &mut self);
            let price = get("price_usd", &mut self);
            let cap = get("production_cap_chips_per_year", &mut self);
            let history = get("history_fleet_growth_factor", &mut self);
            lines.push(LineInput {
                id: id.clone(),
                origin,
                flops_per_chip: flops.unwrap_or_default(),
                tdp_w: tdp.unwrap_or_default(),
                price_usd: price.unwrap_or_default(),
                production_cap_chips: cap.unwrap_or_else(|| vec![f64::INFINITY; (last - first + 1) as usize]),
                history_fleet_growth_factor: history.map(|v| v[0]),
            });
        }
        if lines.is_empty() && self.report_missing {
            self.diags.push(
                file_loc
                    .error("the scenario defines no chip lines")
                    .with_hint("add a `[lines.ID]` section or `extends = \"baseline\"`"),
            );
        }

        for (id, region) in &raw.regions {
            if id != "all" && !region_ids.contains(&id.as_str()) {
                let loc = region.loc.clone().unwrap_or(file_loc.clone());
                self.diags.push(suggest(
                    loc.error(format!("unknown region `{id}`")),
                    id,
                    region_ids.iter().copied().chain(["all"]),
                ));
            }
        }

        let empty = Default::default();
        let all = raw.regions.get("all").unwrap_or(&empty);
        let mut regions = Vec::new();
        for def in DEFAULT_REGIONS {
            let own = raw.regions.get(def.id).unwrap_or(&empty);
            let scope = format!("regions.{}", def.id);
            let rows: Vec<_> = self.data.electricity.region(def.id).filter(|r| r.year >= first).collect();
            let last_reported = rows.last().map_or(first, |r| r.year);
            let trailing = trailing_growth(self.data.electricity, def.id, last_reported);
            let get = |name: &str, r: &mut Self| {
                let default = (name == "generation_growth_per_year").then(|| {
                    (
                        Series::constant(trailing),
                        format!("data: trailing five-year growth {}-{last_reported}", last_reported - 5),
                    )
                });
                let written = own.params.get(name).or_else(|| all.params.get(name));
                r.series(
                    &scope,
                    name,
                    Scope::Region,
                    written,
                    default,
                    first,
                    last,
                    own.loc.as_ref().unwrap_or(&file_loc),
                )
                .unwrap_or_default()
            };
            let mut input = RegionInput {
                id: def.id.to_string(),
                name: def.name.to_string(),
                generation_reported_twh: rows.iter().map(|r| r.total_twh()).collect(),
                last_reported_year: last_reported,
                generation_growth_per_year: get("generation_growth_per_year", &mut self),
                dc_share_max: get("dc_share_max", &mut self),
                interconnect_gw_per_year: get("interconnect_gw_per_year", &mut self),
                conventional_dc_gw: get("conventional_dc_gw", &mut self),
                pue: get("pue", &mut self),
                server_overhead: get("server_overhead", &mut self),
                load_factor: get("load_factor", &mut self),
                utilisation: get("utilisation", &mut self),
                max_unpowered_share: get("max_unpowered_share", &mut self),
                capex_usd_bn: get("capex_usd_bn", &mut self),
                import_cap_chips: Vec::new(),
                calibration_fleet_h100e: lines
                    .iter()
                    .map(|l| fleet_h100e(self.data.fleets, def.id, &l.id, cal))
                    .collect(),
            };
            for caps in [&all.import_cap_chips, &own.import_cap_chips] {
                for (line, pv) in caps {
                    if !lines.iter().any(|l| &l.id == line) {
                        self.diags.push(suggest(
                            pv.loc.error(format!("unknown chip line `{line}` in import_cap_chips")),
                            line,
                            lines.iter().map(|l| l.id.as_str()),
                        ));
                    }
                }
            }
            for l in &lines {
                let written = own.import_cap_chips.get(&l.id).or_else(|| all.import_cap_chips.get(&l.id));
                let caps = self.series(
                    &format!("{scope}.import_cap_chips"),
                    &l.id,
                    Scope::RegionLine,
                    written,
                    None,
                    first,
                    last,
                    &file_loc,
                );
                input
                    .import_cap_chips
                    .push(caps.unwrap_or_else(|| vec![f64::INFINITY; (last - first + 1) as usize]));
            }
            regions.push(input);
        }

        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        let input = NationInput {
            name: raw.name.clone().unwrap_or_else(|| "unnamed".into()),
            first_year: first,
            calibration_year: cal,
            last_year: last,
            accelerator_life_years: life.map_or(5, |v| v[0].round() as u32),
            history_fleet_growth_factor: growth.map_or(1.0, |v| v[0]),
            lines,
            regions,
        };
        let uncertainty = uncertainty::collect(&raw, &input, &self.effective)?;
        Ok(Resolved {
            input,
            description: raw.description.unwrap_or_default(),
            provenance: self.provenance,
            uncertainty,
        })
    }

    fn world(&mut self, raw: &RawScenario, name: &str, first: i32, last: i32) -> Option<Vec<f64>> {
        let loc = self.root.clone();
        self.series("world", name, Scope::World, raw.world.get(name), None, first, last, &loc)
    }

    /// Evaluates one parameter over the years, checks its range and records its source.
    /// `None` when it is missing (an error if required) or out of range.
    #[allow(clippy::too_many_arguments)]
    fn series(
        &mut self,
        scope: &str,
        name: &str,
        kind: Scope,
        written: Option<&ParamValue>,
        default: Option<(Series, String)>,
        first: i32,
        last: i32,
        missing_at: &Loc,
    ) -> Option<Vec<f64>> {
        // Import caps are keyed by line, so their definition is the generic one.
        let def: &ParamDef =
            params::param(kind, if kind == Scope::RegionLine { "import_cap_chips" } else { name })?;
        let uncertain = written.and_then(|pv| pv.uncertain.as_ref()).map(|u| {
            let of = u.of.as_str();
            let src = u.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            format!("{} {of}{src}", u.dist.describe())
        });
        let (series, source, loc) = match (written, default) {
            (Some(ParamValue { series: None, loc, .. }), None) => {
                self.diags.push(loc.error(format!(
                    "`{name}` has no default value: write `value` or `years` beside `uncertain`"
                )));
                return None;
            }
            (Some(pv @ ParamValue { series: None, .. }), Some((s, src))) => (s, src, Some(pv.loc.clone())),
            (Some(pv), _) => {
                let src =
                    pv.source.clone().unwrap_or_else(|| format!("set in {}:{}", pv.loc.file, pv.loc.line));
                (pv.series.clone().unwrap_or_else(|| Series::constant(0.0)), src, Some(pv.loc.clone()))
            }
            (None, Some((s, src))) => (s, src, None),
            (None, None) => {
                if def.required && self.report_missing {
                    self.diags.push(missing_at.error(format!("missing parameter `{name}` ({}) for [{scope}]", def.unit)).with_hint(format!(
                        "set it in [{scope}]{} or start from a built-in scenario with `extends = \"baseline\"`",
                        if kind == Scope::Region { " or [regions.all]" } else { "" }
                    )));
                }
                return None;
            }
        };
        let values = series.over(first, last);
        if let Some((i, v)) =
            values.iter().enumerate().find(|(_, v)| !(def.min..=def.max).contains(*v) || v.is_nan())
        {
            let at = loc.unwrap_or_else(|| missing_at.clone());
            let unit = if def.unit == "1" { String::new() } else { format!(" {}", def.unit) };
            self.diags.push(at.error(format!(
                "`{name}` is {} in {}, expected between {} and {}{unit}",
                crate::series::fmt_num(*v),
                first + i as i32,
                crate::series::fmt_num(def.min),
                crate::series::fmt_num(def.max),
            )));
            return None;
        }
        if uncertain.is_some() {
            self.effective.insert(format!("{scope}.{name}"), series.clone());
        }
        self.provenance.push(Provenance {
            scope: scope.to_string(),
            param: name.to_string(),
            unit: def.unit.to_string(),
            value: series.describe(),
            source,
            uncertain,
        });
        Some(values)
    }
}

fn suggest<'a>(d: Diagnostic, word: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> Diagnostic {
    match nearest(word, known.clone()) {
        Some(n) => d.with_hint(format!("did you mean `{n}`?")),
        None => d.with_hint(format!("valid names are {}", known.into_iter().collect::<Vec<_>>().join(", "))),
    }
}

/// Compound growth of a region's generation over the five years to `last`.
pub fn trailing_growth(table: &ElectricityTable, region: &str, last: i32) -> f64 {
    match (table.total_twh(region, last - 5), table.total_twh(region, last)) {
        (Some(a), Some(b)) if a > 0.0 => (b / a).powf(0.2) - 1.0,
        _ => 0.0,
    }
}
