//! Uncertain parameters: what a scenario says about its values' distributions, resolved
//! into factors (independent uniform draws) and effects (which input vector a factor sets,
//! and how).
//!
//! A draw is a vector of uniform numbers in (0, 1), one per factor (or one per projected
//! year for `draw = "per_year"`). [`Uncertainty::apply`] maps it through each effect's
//! quantile function into the years after the calibration year; the years up to it are
//! calibrated to data and never change, so a Monte Carlo run only projects.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::dist::Dist;
use crate::model::NationInput;
use crate::params::{self, ParamDef, Scope};
use crate::parse::{Loc, ParamValue, RawScenario};
use crate::series::Series;

/// The input vector a slot names; `$($m)*` is `mut` or nothing.
macro_rules! slot_vec {
    ($input:expr, $slot:expr, $($m:tt)*) => {
        match $slot {
            Slot::ImportCap(r, l) => &$($m)* $input.regions[r].import_cap_chips[l],
            Slot::Line(l, field) => {
                let line = &$($m)* $input.lines[l];
                match field {
                    LineField::FlopsPerChip => &$($m)* line.flops_per_chip,
                    LineField::TdpW => &$($m)* line.tdp_w,
                    LineField::PriceUsd => &$($m)* line.price_usd,
                    LineField::ProductionCap => &$($m)* line.production_cap_chips,
                }
            }
            Slot::Region(r, field) => {
                let region = &$($m)* $input.regions[r];
                match field {
                    RegionField::GenerationGrowth => &$($m)* region.generation_growth_per_year,
                    RegionField::DcShareMax => &$($m)* region.dc_share_max,
                    RegionField::Interconnect => &$($m)* region.interconnect_gw_per_year,
                    RegionField::ConventionalDc => &$($m)* region.conventional_dc_gw,
                    RegionField::Pue => &$($m)* region.pue,
                    RegionField::ServerOverhead => &$($m)* region.server_overhead,
                    RegionField::LoadFactor => &$($m)* region.load_factor,
                    RegionField::Utilisation => &$($m)* region.utilisation,
                    RegionField::MaxUnpoweredShare => &$($m)* region.max_unpowered_share,
                    RegionField::Capex => &$($m)* region.capex_usd_bn,
                }
            }
        }
    };
}

mod columns;
pub use columns::{Column, Columns};

/// A per-year parameter of a chip line that a draw may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineField {
    /// `flops_per_chip`.
    FlopsPerChip,
    /// `tdp_w`.
    TdpW,
    /// `price_usd`.
    PriceUsd,
    /// `production_cap_chips_per_year`.
    ProductionCap,
}

/// A per-year parameter of a region that a draw may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionField {
    /// `generation_growth_per_year`.
    GenerationGrowth,
    /// `dc_share_max`.
    DcShareMax,
    /// `interconnect_gw_per_year`.
    Interconnect,
    /// `conventional_dc_gw`.
    ConventionalDc,
    /// `pue`.
    Pue,
    /// `server_overhead`.
    ServerOverhead,
    /// `load_factor`.
    LoadFactor,
    /// `utilisation`.
    Utilisation,
    /// `max_unpowered_share`.
    MaxUnpoweredShare,
    /// `capex_usd_bn`.
    Capex,
}

impl LineField {
    /// Every field, in declaration order (`field as usize` is its position here).
    pub const ALL: [LineField; 4] =
        [LineField::FlopsPerChip, LineField::TdpW, LineField::PriceUsd, LineField::ProductionCap];

    /// The field of a parameter name.
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "flops_per_chip" => LineField::FlopsPerChip,
            "tdp_w" => LineField::TdpW,
            "price_usd" => LineField::PriceUsd,
            "production_cap_chips_per_year" => LineField::ProductionCap,
            _ => return None,
        })
    }
}

impl RegionField {
    /// Every field, in declaration order (`field as usize` is its position here).
    pub const ALL: [RegionField; 10] = [
        RegionField::GenerationGrowth,
        RegionField::DcShareMax,
        RegionField::Interconnect,
        RegionField::ConventionalDc,
        RegionField::Pue,
        RegionField::ServerOverhead,
        RegionField::LoadFactor,
        RegionField::Utilisation,
        RegionField::MaxUnpoweredShare,
        RegionField::Capex,
    ];

    /// The field of a parameter name.
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "generation_growth_per_year" => RegionField::GenerationGrowth,
            "dc_share_max" => RegionField::DcShareMax,
            "interconnect_gw_per_year" => RegionField::Interconnect,
            "conventional_dc_gw" => RegionField::ConventionalDc,
            "pue" => RegionField::Pue,
            "server_overhead" => RegionField::ServerOverhead,
            "load_factor" => RegionField::LoadFactor,
            "utilisation" => RegionField::Utilisation,
            "max_unpowered_share" => RegionField::MaxUnpoweredShare,
            "capex_usd_bn" => RegionField::Capex,
            _ => return None,
        })
    }
}

/// What a draw of an uncertain parameter sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    /// The value itself (a constant, or the base-year value of a growing series).
    Value,
    /// A factor multiplying every value of the series.
    Scale,
    /// The growth rate after the series' last point.
    Growth,
}

impl Of {
    /// The name written in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Of::Value => "value",
            Of::Scale => "scale",
            Of::Growth => "growth_per_year",
        }
    }
}

/// Which draws a distribution shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawScope {
    /// One draw per run, used by every year (and every region, in `[regions.all]`).
    Shared,
    /// In `[regions.all]`: an independent draw for each region.
    PerRegion,
    /// An independent draw for each projected year.
    PerYear,
}

/// An `uncertain = { ... }` entry as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// The distribution.
    pub dist: Dist,
    /// What it sets.
    pub of: Of,
    /// Which draws it shares.
    pub draw: DrawScope,
    /// Correlation group: entries of one group share one uniform draw (rank correlation 1).
    pub group: Option<String>,
    /// Citation for the range.
    pub source: Option<String>,
    /// Where it was written.
    pub loc: Loc,
}

/// An independent random input of the model: one uniform number per draw (per projected
/// year if `per_year`).
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Name, e.g. `regions.china.capex_usd_bn` or `group chip_progress`.
    pub label: String,
    /// Distribution(s) and citation, for reports.
    pub description: String,
    /// Whether each projected year draws anew.
    pub per_year: bool,
}

/// Which input vector an effect writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A chip-line parameter (index into `lines`).
    Line(usize, LineField),
    /// A region parameter (index into `regions`).
    Region(usize, RegionField),
    /// An import cap (region, line).
    ImportCap(usize, usize),
}

/// How an effect turns a drawn number `x` into the values of projected year `i`.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// `x * m[i]`: for `of = "value"`, `m` is the series with its value set to one; for
    /// `of = "scale"`, the series itself.
    Multiply(Vec<f64>),
    /// `anchor_value * (1 + x)^(year - anchor_year)` from index `from` on.
    Grow { anchor_year: i32, anchor_value: f64, from: usize },
}

/// One uncertain parameter applied to one input vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// Index into [`Uncertainty::factors`].
    pub factor: usize,
    /// Distribution of the drawn number.
    pub dist: Dist,
    /// The vector written.
    pub slot: Slot,
    rule: Rule,
    /// Valid range of the parameter: draws beyond it are clamped to it.
    min: f64,
    max: f64,
}

/// Every uncertain parameter of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Uncertainty {
    /// Independent random inputs.
    pub factors: Vec<Factor>,
    /// What each factor sets.
    pub effects: Vec<Effect>,
    /// Offset of each factor in a draw's vector of uniforms.
    offsets: Vec<usize>,
    /// Index of the first projected year (after calibration).
    first_index: usize,
    /// Number of years.
    years: usize,
    /// Year of index 0.
    first_year: i32,
}

impl Uncertainty {
    /// Whether the scenario has no uncertain parameter.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    /// Uniform numbers per draw.
    pub fn dimension(&self) -> usize {
        self.offsets.last().map_or(0, |&o| o + self.width(self.factors.len() - 1))
    }

    /// Uniform numbers used by factor `f`.
    pub fn width(&self, f: usize) -> usize {
        if self.factors[f].per_year {
            self.years - self.first_index
        } else {
            1
        }
    }

    /// Range of factor `f` in a draw's vector of uniforms.
    pub fn range(&self, f: usize) -> std::ops::Range<usize> {
        self.offsets[f]..self.offsets[f] + self.width(f)
    }

    /// Writes the draw `u` (uniforms in (0, 1), [`Uncertainty::dimension`] of them) into
    /// the projected years of `input`, which must be the input this uncertainty was
    /// resolved with (or a copy that earlier calls changed: every touched value is
    /// rewritten).
    pub fn apply(&self, u: &[f64], input: &mut NationInput) {
        self.apply_to(u, input);
    }

    /// [`Uncertainty::apply`] into any storage of the same slots, such as an engine's own
    /// copy of the input's per-year values.
    pub fn apply_to<C: Columns + ?Sized>(&self, u: &[f64], target: &mut C) {
        let first = self.first_index;
        for e in &self.effects {
            let us = &u[self.range(e.factor)];
            let values = target.column(e.slot);
            match &e.rule {
                Rule::Multiply(m) => {
                    let pairs = values.from_year(first).zip(&m[first..]);
                    if let [u] = us {
                        let x = e.dist.quantile(*u);
                        pairs.for_each(|(v, m)| *v = (x * m).clamp(e.min, e.max));
                    } else {
                        for ((v, m), u) in pairs.zip(us) {
                            *v = (e.dist.quantile(*u) * m).clamp(e.min, e.max);
                        }
                    }
                }
                Rule::Grow { anchor_year, anchor_value, from } => {
                    // Growth is never drawn per year.
                    let x = e.dist.quantile(us[0]);
                    let year = self.first_year + *from as i32;
                    let mut v = anchor_value * (1.0 + x).powi(year - anchor_year);
                    for value in values.from_year(*from) {
                        *value = v.clamp(e.min, e.max);
                        v *= 1.0 + x;
                    }
                }
            }
        }
    }
}

/// Collects the uncertain parameters of a resolved scenario. `input` is what `raw`
/// resolved to; region and line indices follow it.
pub(crate) fn collect(
    raw: &RawScenario,
    input: &NationInput,
    effective: &BTreeMap<String, Series>,
) -> Result<Uncertainty, Vec<Diagnostic>> {
    let mut b = Builder {
        input,
        effective,
        u: Uncertainty {
            first_index: input.calibration_index() + 1,
            years: input.years(),
            first_year: input.first_year,
            ..Default::default()
        },
        keys: BTreeMap::new(),
        diags: Vec::new(),
    };
    for (name, pv) in &raw.world {
        if let Some(un) = &pv.uncertain {
            b.diags.push(un.loc.error(format!("`{name}` cannot be uncertain: it shapes the calibrated history")).with_hint(
                "uncertainty applies to the years after the calibration year; try a scenario per value instead",
            ));
        }
    }
    for (l, (id, line)) in raw.lines.iter().enumerate() {
        for (name, pv) in &line.params {
            if name == "history_fleet_growth_factor" {
                if let Some(un) = &pv.uncertain {
                    b.diags
                        .push(un.loc.error(format!(
                            "`{name}` cannot be uncertain: it shapes the calibrated history"
                        )));
                }
                continue;
            }
            let (Some(def), Some(field)) = (params::param(Scope::Line, name), LineField::of(name)) else {
                continue;
            };
            let label = format!("lines.{id}.{name}");
            b.add(&label, &label, pv, Slot::Line(l, field), def, false, None);
        }
    }
    let empty = Default::default();
    let all = raw.regions.get("all").unwrap_or(&empty);
    for (r, region) in input.regions.iter().enumerate() {
        let own = raw.regions.get(&region.id).unwrap_or(&empty);
        for def in params::PARAMS.iter().filter(|p| p.scope == Scope::Region) {
            let (pv, from_all) = match (own.params.get(def.name), all.params.get(def.name)) {
                (Some(pv), _) => (pv, false),
                (None, Some(pv)) => (pv, true),
                (None, None) => continue,
            };
            let scope = if from_all { "regions.all" } else { &format!("regions.{}", region.id) };
            let label = format!("{scope}.{}", def.name);
            let key = format!("regions.{}.{}", region.id, def.name);
            let Some(field) = RegionField::of(def.name) else { continue };
            b.add(&label, &key, pv, Slot::Region(r, field), def, from_all, Some(&region.name));
        }
        for (l, line) in input.lines.iter().enumerate() {
            let (pv, from_all) =
                match (own.import_cap_chips.get(&line.id), all.import_cap_chips.get(&line.id)) {
                    (Some(pv), _) => (pv, false),
                    (None, Some(pv)) => (pv, true),
                    (None, None) => continue,
                };
            let scope = if from_all { "regions.all" } else { &format!("regions.{}", region.id) };
            let label = format!("{scope}.import_cap_chips.{}", line.id);
            let key = format!("regions.{}.import_cap_chips.{}", region.id, line.id);
            let def = params::param(Scope::RegionLine, "import_cap_chips").expect("declared");
            b.add(&label, &key, pv, Slot::ImportCap(r, l), def, from_all, Some(&region.name));
        }
    }
    if b.diags.is_empty() {
        Ok(b.u)
    } else {
        Err(b.diags)
    }
}

struct Builder<'a> {
    input: &'a NationInput,
    /// The series each uncertain parameter resolved to, by `scope.name`.
    effective: &'a BTreeMap<String, Series>,
    u: Uncertainty,
    /// Factor index by key (label, group, or label and region).
    keys: BTreeMap<String, usize>,
    diags: Vec<Diagnostic>,
}

impl Builder<'_> {
    /// Adds the uncertainty of `pv` (written at `label`) on `slot`, whose resolved series
    /// is `effective[series_key]`.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        label: &str,
        series_key: &str,
        pv: &ParamValue,
        slot: Slot,
        def: &ParamDef,
        from_all: bool,
        region: Option<&str>,
    ) {
        let Some(un) = &pv.uncertain else { return };
        // Absent when resolution already reported the parameter as invalid.
        let Some(series) = self.effective.get(series_key) else { return };
        let input = self.input;
        let name = def.name;
        if un.draw == DrawScope::PerRegion && !from_all {
            self.diags.push(un.loc.error("`draw = \"per_region\"` only applies in [regions.all]"));
            return;
        }
        if un.group.is_some() && un.draw != DrawScope::Shared {
            self.diags
                .push(un.loc.error(
                    "a correlation `group` shares one draw; it cannot also be per region or per year",
                ));
            return;
        }
        let first_year = input.first_year;
        let first_index = self.u.first_index;
        let rule = match un.of {
            Of::Scale => {
                let base: &Vec<f64> = slot_vec!(input, slot,);
                Rule::Multiply(base.clone())
            }
            Of::Value if series.points.len() > 1 => {
                self.diags.push(
                    un.loc
                        .error(format!("`{name}` is a per-year table: a draw cannot replace its value"))
                        .with_hint("use `of = \"scale\"` to scale the table, or `of = \"growth_per_year\"`"),
                );
                return;
            }
            Of::Value => {
                let unit = Series {
                    points: vec![(series.points[0].0, 1.0)],
                    growth_per_year: series.growth_per_year,
                };
                let median = un.dist.quantile(0.5);
                if !(def.min..=def.max).contains(&median) {
                    self.diags.push(un.loc.error(format!(
                        "the median draw of `{name}` is {}, outside its valid range {} to {} {}",
                        crate::series::fmt_num(median),
                        crate::series::fmt_num(def.min),
                        crate::series::fmt_num(def.max),
                        def.unit
                    )));
                    return;
                }
                Rule::Multiply(unit.over(first_year, input.last_year))
            }
            Of::Growth if un.draw == DrawScope::PerYear => {
                self.diags.push(un.loc.error("a growth rate cannot be drawn per year").with_hint(
                    "draw one growth rate (`draw = \"shared\"`) or use `of = \"scale\"` per year",
                ));
                return;
            }
            Of::Growth => {
                let (anchor_year, anchor_value) = series.points[series.points.len() - 1];
                let from = if series.points.len() == 1 {
                    first_index
                } else {
                    ((anchor_year - first_year + 1).max(0) as usize).max(first_index)
                };
                // A table may end after the last simulated year: then nothing grows.
                let from = from.min(input.years());
                Rule::Grow { anchor_year, anchor_value, from }
            }
        };
        let key = match (&un.group, un.draw, region) {
            (Some(g), _, _) => format!("group {g}"),
            (None, DrawScope::PerRegion, Some(r)) => format!("{label} [{r}]"),
            _ => label.to_string(),
        };
        let of = un.of.as_str();
        let source = un.source.as_deref().map(|s| format!("; {s}")).unwrap_or_default();
        let description = match &un.group {
            Some(_) => format!("{label}: {} {of}{source}", un.dist.describe()),
            None => format!("{} {of}{source}", un.dist.describe()),
        };
        let factor = match self.keys.get(&key) {
            Some(&f) => {
                if un.group.is_some() && !self.u.factors[f].description.contains(label) {
                    self.u.factors[f].description.push_str(&format!(" | {description}"));
                }
                f
            }
            None => {
                let f = self.u.factors.len();
                let offset = if f == 0 { 0 } else { self.u.offsets[f - 1] + self.u.width(f - 1) };
                self.u.factors.push(Factor {
                    label: key.clone(),
                    description,
                    per_year: un.draw == DrawScope::PerYear,
                });
                self.u.offsets.push(offset);
                self.keys.insert(key, f);
                f
            }
        };
        self.u.effects.push(Effect { factor, dist: un.dist.clone(), slot, rule, min: def.min, max: def.max });
    }
}

#[cfg(test)]
mod tests {
    use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};

    use crate::resolve::{resolve, DataSet, Resolved};
    use crate::SourceText;

    fn resolved(extra: &str) -> Result<Resolved, String> {
        let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
        let data = DataSet { electricity: &electricity, fleets: &fleets };
        let text = format!("name = \"t\"\nextends = \"baseline\"\n{extra}");
        resolve(SourceText { name: "t.toml".into(), text }, &mut |_, _| Err("no files".into()), data)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn draws_set_values_scales_and_growth_in_projected_years_only() {
        let r = resolved(
            r#"
[regions.all]
pue = { value = 1.3, uncertain = { dist = "uniform", min = 1.1, max = 1.5, draw = "per_region" } }
utilisation = { value = 0.4, uncertain = { dist = "uniform", min = 0.2, max = 0.6, draw = "per_year" } }
[regions.china]
capex_usd_bn = { years = { 2025 = 20, 2027 = 40 }, growth_per_year = 0.1, uncertain = { of = "growth_per_year", dist = "uniform", min = 0.0, max = 0.2, group = "g" } }
interconnect_gw_per_year = { value = 10, uncertain = { of = "scale", dist = "uniform", min = 0.5, max = 1.5, group = "g" } }
"#,
        )
        .unwrap();
        let (input, u) = (&r.input, &r.uncertainty);
        let labels: Vec<&str> = u.factors.iter().map(|f| f.label.as_str()).collect();
        assert!(
            labels.contains(&"regions.all.pue [United States]") && labels.contains(&"group g"),
            "{labels:?}"
        );
        // China keeps its own pue (and its distribution) from the baseline.
        assert!(labels.contains(&"regions.china.pue") && !labels.contains(&"regions.all.pue [China]"));
        let mut x = input.clone();
        let mut draw = vec![0.5; u.dimension()];
        let cal = input.calibration_index();
        let g = labels.iter().position(|l| *l == "group g").unwrap();
        draw[u.range(g)].fill(1.0);
        u.apply(&draw, &mut x);
        let china = &x.regions[0];
        let year = |y: i32| (y - input.first_year) as usize;
        // The group draws its maximum for both members.
        assert!((china.capex_usd_bn[year(2029)] - 40.0 * 1.2f64.powi(2)).abs() < 1e-9);
        assert_eq!(china.capex_usd_bn[year(2026)], 30.0);
        assert!((china.interconnect_gw_per_year[year(2030)] - 15.0).abs() < 1e-12);
        // Medians elsewhere; history untouched.
        let us = &x.regions[1];
        assert!((us.pue[year(2030)] - 1.3).abs() < 1e-12);
        assert_eq!(us.pue[..=cal], input.regions[1].pue[..=cal]);
        assert_eq!(china.interconnect_gw_per_year[..=cal], input.regions[0].interconnect_gw_per_year[..=cal]);
        // Per-year draws differ by year.
        let uti = labels.iter().position(|l| *l == "regions.all.utilisation").unwrap();
        assert_eq!(u.range(uti).len(), input.years() - cal - 1);
        let mut draw = vec![0.5; u.dimension()];
        draw[u.range(uti)].iter_mut().enumerate().for_each(|(k, v)| *v = k as f64 / 20.0 + 0.01);
        u.apply(&draw, &mut x);
        assert!(x.regions[0].utilisation[year(2025)] < x.regions[0].utilisation[year(2030)]);
    }

    #[test]
    fn bad_uncertainty_is_located() {
        let e = resolved("[world]\naccelerator_life_years = { value = 5, uncertain = { dist = \"choice\", values = [4, 5, 6] } }\n").unwrap_err();
        assert!(e.contains("t.toml:4:") && e.contains("calibrated history"), "{e}");
        let e = resolved("[lines.us_frontier]\nhistory_fleet_growth_factor = { value = 2, uncertain = { dist = \"uniform\", min = 1.5, max = 3 } }\n").unwrap_err();
        assert!(e.contains("t.toml:4:") && e.contains("calibrated history"), "{e}");
        let e = resolved("[regions.china]\ncapex_usd_bn = { years = { 2025 = 1, 2030 = 2 }, uncertain = { dist = \"normal\", mean = 1, sd = 0.1 } }\n").unwrap_err();
        assert!(e.contains("per-year table") && e.contains("of = \"scale\""), "{e}");
        let e = resolved(
            "[regions.china]\npue = { value = 1.3, uncertain = { dist = \"normal\", mean = 130, sd = 1 } }\n",
        )
        .unwrap_err();
        assert!(e.contains("median draw of `pue` is 130"), "{e}");
        let e = resolved("[regions.china]\npue = { value = 1.3, uncertain = { dist = \"uniform\", min = 1, max = 2, draw = \"per_region\" } }\n").unwrap_err();
        assert!(e.contains("only applies in [regions.all]"), "{e}");
        let e = resolved(
            "[regions.china]\ndc_share_max = { uncertain = { dist = \"uniform\", min = 0.1, max = 0.2 } }\n",
        )
        .unwrap_err();
        assert!(e.contains("no default value"), "{e}");
    }
}
