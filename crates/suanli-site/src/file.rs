//! The site TOML file (`suanli site plan FILE`, the dashboard's site page): check with
//! file:line:column errors and turn into a typed [`SiteInput`]. A missing section means
//! that technology is absent.
//!
//! Pure: the text of the file and of the profiles it names come from the caller, through
//! a loader, so that the command line reads files and the dashboard takes uploads.

use serde::Deserialize;
use suanli_data::catalogue::{builtin_catalogue, find_accelerator, H100_FLOPS_16BIT};
use suanli_data::profiles::{read_ninja, read_plain, Profiles};
use toml::Spanned;

use crate::input::{Battery, Gas, Grid, Reliability, Renewable, SiteInput, Training};
use crate::plan::{Settings, SolverChoice};

/// A problem with a site file or its profiles, as a message naming file, line and column.
pub type FileError = String;

/// Reads a file named in a site file (relative to it): its display name and text.
pub type ProfileLoader<'a> = dyn FnMut(&str) -> Result<(String, String), FileError> + 'a;

type Num = Spanned<f64>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    site: SiteSection,
    load: LoadSection,
    solar: Option<RenewableSection>,
    wind: Option<RenewableSection>,
    battery: Option<BatterySection>,
    gas: Option<GasSection>,
    grid: Option<GridSection>,
    training: Option<TrainingSection>,
    reliability: Option<ReliabilitySection>,
    solver: Option<SolverSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteSection {
    name: String,
    /// Plain CSV `hour,solar_cf,wind_cf[,...]`, relative to the site file.
    profiles: Option<Spanned<String>>,
    /// Renewables.ninja PV export, instead of `profiles`.
    solar_profile: Option<Spanned<String>>,
    /// Renewables.ninja wind export, instead of `profiles`.
    wind_profile: Option<Spanned<String>>,
}

/// A `[load]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LoadSection {
    firm_mw: Num,
}

/// A `[solar]` or `[wind]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RenewableSection {
    capital_cost_per_mw_year: Num,
    max_mw: Option<Num>,
}

/// A `[battery]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct BatterySection {
    power_cost_per_mw_year: Num,
    energy_cost_per_mwh_year: Num,
    round_trip_efficiency: Num,
}

/// A `[gas]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GasSection {
    capital_cost_per_mw_year: Num,
    marginal_cost_per_mwh: Num,
    co2_t_per_mwh: Option<Num>,
}

/// A `[grid]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GridSection {
    price_per_mwh: Option<Num>,
    price_column: Option<String>,
    connection_mw: Option<Num>,
    co2_t_per_mwh: Option<Num>,
}

/// A `[training]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct TrainingSection {
    it_capacity_cost_per_mw_year: Option<Num>,
    accelerator: Option<Spanned<String>>,
    accelerator_price_usd: Option<Num>,
    accelerator_life_years: Option<Num>,
    accelerators: Option<Num>,
    server_overhead: Option<Num>,
    pue: Option<Num>,
    energy_quota_mwh: Option<Num>,
    h100_hours_quota: Option<Num>,
    value_per_mwh: Option<Num>,
    min_load_share: Option<Num>,
    max_mw: Option<Num>,
}

impl TrainingSection {
    /// Uses `pue` where the section gives none (a network site's PUE).
    pub fn or_pue(&mut self, pue: &Num) {
        self.pue.get_or_insert_with(|| pue.clone());
    }
}

/// A `[reliability]` section as written (checked when turned into a [`SiteInput`]).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReliabilitySection {
    max_unserved_share: Option<Num>,
    value_of_lost_load_per_mwh: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverSection {
    /// `augmented` (default), `clarabel` or `highs`.
    name: Option<Spanned<String>>,
    tolerance: Option<Num>,
}

/// Gas CO2 when the file gives none: 0.37 t/MWh, the IPCC AR5 (2014, Annex III) median
/// direct emissions of a combined-cycle gas plant.
const GAS_CO2_T_PER_MWH: f64 = 0.37;
/// Server power per accelerator TDP when not given (NVIDIA DGX H100: 10.2 kW for 8 x 700 W).
const SERVER_OVERHEAD: f64 = 1.7;
/// PUE of an AI campus when not given (Uptime Institute 2024; new AI halls 1.1-1.3).
const PUE: f64 = 1.2;

/// The load and technology sections of a site, as written: a site file's, or a network
/// site's with the network's defaults filled in.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// `[load]`; absent: no firm load.
    pub load: Option<LoadSection>,
    /// `[solar]`.
    pub solar: Option<RenewableSection>,
    /// `[wind]`.
    pub wind: Option<RenewableSection>,
    /// `[battery]`.
    pub battery: Option<BatterySection>,
    /// `[gas]`.
    pub gas: Option<GasSection>,
    /// `[grid]`.
    pub grid: Option<GridSection>,
    /// `[training]`.
    pub training: Option<TrainingSection>,
    /// `[reliability]`.
    pub reliability: Option<ReliabilitySection>,
}

/// A checked site file.
pub struct LoadedSite {
    /// What the planner takes.
    pub input: SiteInput,
    /// Solver settings from `[solver]`.
    pub settings: Settings,
    /// Display name of the (solar) profiles file.
    pub profiles_file: String,
}

/// A file's name and text, to turn spans into `file:line:column` messages and to check
/// numbers where they are written.
pub struct Ctx<'a> {
    /// Display name of the file.
    pub file: &'a str,
    /// Its text, which spans point into.
    pub text: &'a str,
}

impl Ctx<'_> {
    /// `file:line:column: msg` at the start of `span`.
    pub fn at(&self, span: std::ops::Range<usize>, msg: impl Into<String>) -> FileError {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
        format!("{}:{line}:{col}: {}", self.file, msg.into())
    }

    /// A number within `min..=max`, or an error at its position.
    pub fn num(&self, v: &Num, name: &str, min: f64, max: f64) -> Result<f64, FileError> {
        let x = *v.get_ref();
        if !x.is_finite() || x < min || x > max {
            return Err(self.at(v.span(), format!("`{name}` is {x}, expected a number from {min} to {max}")));
        }
        Ok(x)
    }

    /// An optional number: checked like [`Ctx::num`] when given, else `default`.
    pub fn opt(
        &self,
        v: &Option<Num>,
        name: &str,
        min: f64,
        max: f64,
        default: f64,
    ) -> Result<f64, FileError> {
        v.as_ref().map_or(Ok(default), |v| self.num(v, name, min, max))
    }
}

const BIG: f64 = 1e12;

/// Checks the site file `text` (named `file` in messages); `load` reads the profiles it
/// names.
pub fn parse_site(file: &str, text: &str, load: &mut ProfileLoader<'_>) -> Result<LoadedSite, FileError> {
    let cx = Ctx { file, text };
    let f: SiteFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        cx.at(span, format!("failed to read site: {}", e.message().trim()))
    })?;
    let (profiles, profiles_file) = read_profiles(&f.site, load, &cx)?;
    let sections = Sections {
        load: Some(f.load),
        solar: f.solar,
        wind: f.wind,
        battery: f.battery,
        gas: f.gas,
        grid: f.grid,
        training: f.training,
        reliability: f.reliability,
    };
    let input = site_input(file, text, &f.site.name, &sections, profiles, false)?;
    let mut settings = Settings::default();
    if let Some(s) = &f.solver {
        settings.tolerance = cx.opt(&s.tolerance, "tolerance", 1e-14, 1e-2, settings.tolerance)?;
        if let Some(name) = &s.name {
            settings.solver = match name.get_ref().as_str() {
                "augmented" => SolverChoice::Augmented,
                "clarabel" => SolverChoice::Clarabel,
                "highs" => SolverChoice::Highs,
                other => {
                    return Err(cx.at(
                        name.span(),
                        format!("unknown solver `{other}`: expected `augmented`, `clarabel` or `highs`"),
                    ))
                }
            };
        }
    }
    Ok(LoadedSite { input, settings, profiles_file })
}

/// Checks a site's sections (written in `text`, the file `file`, which their spans point
/// into) and turns them with its profiles into a [`SiteInput`] named `name`. With
/// `shared_training_quota` (a network's), a `[training]` section may have neither quota
/// nor value of its own: it serves the network's quota.
pub fn site_input(
    file: &str,
    text: &str,
    name: &str,
    f: &Sections,
    profiles: Profiles,
    shared_training_quota: bool,
) -> Result<SiteInput, FileError> {
    let cx = Ctx { file, text };
    let hours = profiles.solar_cf.len();
    let firm = f.load.as_ref().map_or(Ok(0.0), |l| cx.num(&l.firm_mw, "firm_mw", 0.0, BIG))?;

    let renewable = |s: &Option<RenewableSection>, name: &str| -> Result<Option<Renewable>, FileError> {
        s.as_ref()
            .map(|s| {
                Ok(Renewable {
                    capital_cost_per_mw_year: cx.num(
                        &s.capital_cost_per_mw_year,
                        &format!("{name}.capital_cost_per_mw_year"),
                        0.0,
                        BIG,
                    )?,
                    max_mw: cx.opt(&s.max_mw, &format!("{name}.max_mw"), 0.0, BIG, f64::INFINITY)?,
                })
            })
            .transpose()
    };
    let battery = f
        .battery
        .as_ref()
        .map(|b| -> Result<Battery, FileError> {
            Ok(Battery {
                power_cost_per_mw_year: cx.num(
                    &b.power_cost_per_mw_year,
                    "power_cost_per_mw_year",
                    0.0,
                    BIG,
                )?,
                energy_cost_per_mwh_year: cx.num(
                    &b.energy_cost_per_mwh_year,
                    "energy_cost_per_mwh_year",
                    0.0,
                    BIG,
                )?,
                round_trip_efficiency: cx.num(
                    &b.round_trip_efficiency,
                    "round_trip_efficiency",
                    1e-6,
                    1.0,
                )?,
            })
        })
        .transpose()?;
    let gas = f
        .gas
        .as_ref()
        .map(|g| -> Result<Gas, FileError> {
            Ok(Gas {
                capital_cost_per_mw_year: cx.num(
                    &g.capital_cost_per_mw_year,
                    "capital_cost_per_mw_year",
                    0.0,
                    BIG,
                )?,
                marginal_cost_per_mwh: cx.num(&g.marginal_cost_per_mwh, "marginal_cost_per_mwh", 0.0, BIG)?,
                co2_t_per_mwh: cx.opt(&g.co2_t_per_mwh, "co2_t_per_mwh", 0.0, 10.0, GAS_CO2_T_PER_MWH)?,
            })
        })
        .transpose()?;
    let grid = f.grid.as_ref().map(|g| grid_input(g, &profiles, hours, &cx)).transpose()?;
    let training = f.training.as_ref().map(|t| training_input(t, &cx, shared_training_quota)).transpose()?;
    let reliability = f
        .reliability
        .as_ref()
        .map(|r| -> Result<Reliability, FileError> {
            Ok(Reliability {
                max_unserved_share: cx.opt(&r.max_unserved_share, "max_unserved_share", 0.0, 1.0, 1.0)?,
                value_of_lost_load_per_mwh: cx.opt(
                    &r.value_of_lost_load_per_mwh,
                    "value_of_lost_load_per_mwh",
                    0.0,
                    BIG,
                    f64::INFINITY,
                )?,
            })
        })
        .transpose()?;
    if let Some(r) = &f.reliability {
        if r.max_unserved_share.is_none() && r.value_of_lost_load_per_mwh.is_none() {
            return Err(format!(
                "{file}: [reliability] needs `max_unserved_share` or `value_of_lost_load_per_mwh`"
            ));
        }
    }
    Ok(SiteInput {
        name: name.to_string(),
        solar_cf: profiles.solar_cf,
        wind_cf: profiles.wind_cf,
        firm_load_mw: vec![firm; hours],
        solar: renewable(&f.solar, "solar")?,
        wind: renewable(&f.wind, "wind")?,
        battery,
        gas,
        grid,
        training,
        reliability,
    })
}

fn read_profiles(
    s: &SiteSection,
    load: &mut ProfileLoader<'_>,
    cx: &Ctx<'_>,
) -> Result<(Profiles, String), FileError> {
    // A file that cannot be read is reported where the site file names it.
    let mut read = |name: &Spanned<String>| {
        load(name.get_ref())
            .map_err(|e| cx.at(name.span(), format!("cannot read profiles `{}`: {e}", name.get_ref())))
    };
    match (&s.profiles, &s.solar_profile, &s.wind_profile) {
        (Some(p), None, None) => {
            let (name, text) = read(p)?;
            Ok((read_plain(&name, &text).map_err(|e| e.to_string())?, name))
        }
        (None, Some(sp), Some(wp)) => {
            let (sn, st) = read(sp)?;
            let (wn, wt) = read(wp)?;
            let solar_cf = read_ninja(&sn, &st).map_err(|e| e.to_string())?;
            let wind_cf = read_ninja(&wn, &wt).map_err(|e| e.to_string())?;
            if solar_cf.len() != wind_cf.len() {
                return Err(format!("{sn} has {} hours but {wn} has {}", solar_cf.len(), wind_cf.len()));
            }
            Ok((Profiles { solar_cf, wind_cf, extra: Vec::new() }, sn))
        }
        _ => Err(format!(
            "{}: [site] needs either `profiles` (a CSV hour,solar_cf,wind_cf) or both `solar_profile` and `wind_profile` (Renewables.ninja exports)",
            cx.file
        )),
    }
}

fn grid_input(g: &GridSection, profiles: &Profiles, hours: usize, cx: &Ctx<'_>) -> Result<Grid, FileError> {
    let price_per_mwh = match (&g.price_per_mwh, &g.price_column) {
        (Some(p), None) => vec![cx.num(p, "price_per_mwh", -BIG, BIG)?; hours],
        (None, Some(col)) => {
            profiles.extra.iter().find(|(n, _)| n == col).map(|(_, v)| v.clone()).ok_or_else(|| {
                format!("{}: [grid] price_column `{col}` is not a column of the profiles file", cx.file)
            })?
        }
        _ => return Err(format!("{}: [grid] needs `price_per_mwh` or `price_column`", cx.file)),
    };
    Ok(Grid {
        price_per_mwh,
        connection_mw: cx.opt(&g.connection_mw, "connection_mw", 0.0, BIG, f64::INFINITY)?,
        co2_t_per_mwh: cx.opt(&g.co2_t_per_mwh, "co2_t_per_mwh", 0.0, 10.0, 0.0)?,
    })
}

fn training_input(t: &TrainingSection, cx: &Ctx<'_>, shared_quota: bool) -> Result<Training, FileError> {
    let overhead = cx.opt(&t.server_overhead, "server_overhead", 1.0, 5.0, SERVER_OVERHEAD)?;
    let pue = cx.opt(&t.pue, "pue", 1.0, 5.0, PUE)?;
    // Facility kW per H100-equivalent and the cost of capacity, from the accelerator when
    // one is named, else an H100 at 700 W.
    let (kw_per_h100, cost, max_mw) = match (&t.accelerator, &t.it_capacity_cost_per_mw_year) {
        (Some(name), None) => {
            let catalogue = builtin_catalogue();
            let a = find_accelerator(&catalogue, name.get_ref()).ok_or_else(|| {
                cx.at(
                    name.span(),
                    format!(
                        "unknown accelerator `{}`; see the catalogue (suanli data sources)",
                        name.get_ref()
                    ),
                )
            })?;
            let tdp = a
                .tdp_w
                .ok_or_else(|| cx.at(name.span(), format!("`{}` has no TDP in the catalogue", a.name)))?;
            let chip_kw = tdp * overhead * pue / 1000.0;
            let price = match &t.accelerator_price_usd {
                Some(p) => cx.num(p, "accelerator_price_usd", 0.0, 1e8)?,
                None => a.price_usd.ok_or_else(|| {
                    cx.at(
                        name.span(),
                        format!("`{}` has no price in the catalogue: set accelerator_price_usd", a.name),
                    )
                })?,
            };
            let life = cx.opt(&t.accelerator_life_years, "accelerator_life_years", 0.5, 30.0, 5.0)?;
            // Straight-line annualisation of the chips (no discounting).
            let cost_per_mw_year = price / life / (chip_kw / 1000.0);
            let max = t
                .accelerators
                .as_ref()
                .map(|n| cx.num(n, "accelerators", 0.0, 1e9))
                .transpose()?
                .map(|n| n * chip_kw / 1000.0);
            (chip_kw / (a.flops_16bit / H100_FLOPS_16BIT), cost_per_mw_year, max)
        }
        (None, Some(c)) => (0.7 * overhead * pue, cx.num(c, "it_capacity_cost_per_mw_year", 0.0, BIG)?, None),
        _ => {
            return Err(format!(
                "{}: [training] needs `it_capacity_cost_per_mw_year` or `accelerator` (not both)",
                cx.file
            ))
        }
    };
    let h100_quota =
        t.h100_hours_quota.as_ref().map(|q| cx.num(q, "h100_hours_quota", 0.0, BIG)).transpose()?;
    let energy_quota_mwh = match (&t.energy_quota_mwh, h100_quota) {
        (Some(e), None) => cx.num(e, "energy_quota_mwh", 0.0, BIG)?,
        (None, Some(h)) => h * kw_per_h100 / 1000.0,
        (None, None) => 0.0,
        _ => {
            return Err(format!(
                "{}: [training] takes `energy_quota_mwh` or `h100_hours_quota`, not both",
                cx.file
            ))
        }
    };
    let value_per_mwh = cx.opt(&t.value_per_mwh, "value_per_mwh", 0.0, BIG, 0.0)?;
    if energy_quota_mwh == 0.0 && value_per_mwh == 0.0 && !shared_quota {
        return Err(format!(
            "{}: [training] needs a quota (`energy_quota_mwh` or `h100_hours_quota`) or a `value_per_mwh`, else no training is worth building",
            cx.file
        ));
    }
    let max_mw = match (max_mw, &t.max_mw) {
        (_, Some(m)) => cx.num(m, "max_mw", 0.0, BIG)?,
        (Some(m), None) => m,
        (None, None) => f64::INFINITY,
    };
    Ok(Training {
        it_capacity_cost_per_mw_year: cost,
        energy_quota_mwh,
        value_per_mwh,
        min_load_share: cx.opt(&t.min_load_share, "min_load_share", 0.0, 1.0, 0.0)?,
        max_mw,
        kw_per_h100,
    })
}
