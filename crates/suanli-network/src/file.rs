//! The network TOML file (`suanli network plan FILE`): sites that use the site file's
//! sections unchanged, defaults for every site, power lines between them, and one
//! profiles CSV in which each site names its columns. Errors name file, line and column.
//!
//! ```toml
//! [network]
//! name = "dc10"
//! profiles = "profiles_dc10.csv"     # hour plus one column per site and technology
//! [defaults.load]                    # any site section; a site's own section replaces it
//! firm_mw = 1000
//! [sites.s0]                         # columns default to s0_solar_cf and s0_wind_cf
//! lat = 37.5                         # optional, degrees; lengths come from them
//! lon = 105.2
//! [links.s0-s1]
//! from = "s0"
//! to = "s1"
//! capital_cost_per_mw_year = 20000   # or capital_cost_per_mw_km_year with a length
//! ```
//!
//! Pure: the text of the file and of the profiles come from the caller, through a loader.

use std::collections::BTreeMap;

use serde::Deserialize;
use suanli_data::profiles::{read_columns, Profiles};
use suanli_site::file::{
    BatterySection, Ctx, FileError, GasSection, GridSection, LoadSection, ProfileLoader, ReliabilitySection,
    RenewableSection, Sections, TrainingSection,
};
use suanli_site::plan::Settings;
use toml::Spanned;

use crate::demand_file::{demand_side, DemandEntry, FibreSection, RouteEntry, SitePlaces};
use crate::input::{Link, NetworkInput};

type Num = Spanned<f64>;

/// Mean Earth radius, km (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0;
/// Line route length over great-circle distance when a line's length comes from its
/// ends' coordinates: 1.2, within the 1.06-1.27 of China's built UHV lines
/// (Changji-Guquan 1.06, Zhongning-Hengyang 1.22, Jiuquan-Hunan 1.27; network ANCHORS §2).
const LINE_ROUTE_FACTOR: f64 = 1.2;
/// Efficiency of a DC line's converter pair, and per 1000 km of line: 0.98 and 0.977,
/// PyPSA-Eur's `transmission_efficiency` defaults for DC links (network ANCHORS §2).
const CONVERTER_EFFICIENCY: f64 = 0.98;
const EFFICIENCY_PER_1000_KM: f64 = 0.977;
const BIG: f64 = 1e12;
/// Default relative gap and feasibility tolerance of a network plan.
const NETWORK_TOLERANCE: f64 = 1e-8;
/// A site's PUE when not given: 1.2, as a site's training default (Uptime Institute 2024;
/// new AI halls 1.1-1.3); China's hub caps are 1.2 in the west and 1.25 in the east
/// (network ANCHORS §1).
const SITE_PUE: f64 = 1.2;
/// Hours in a year, for `scale_to_year`.
const HOURS_PER_YEAR: f64 = 8760.0;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkFile {
    network: NetworkSection,
    defaults: Option<Sections>,
    sites: BTreeMap<String, Spanned<SiteEntry>>,
    links: Option<BTreeMap<String, Spanned<LinkEntry>>>,
    demand: Option<BTreeMap<String, Spanned<DemandEntry>>>,
    fibre: Option<FibreSection>,
    routes: Option<BTreeMap<String, Spanned<RouteEntry>>>,
    inference: Option<InferenceSection>,
    solver: Option<SolverSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InferenceSection {
    /// Annualised cost of inference IT capacity, money per MW of IT per year.
    it_capacity_cost_per_mw_year: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkSection {
    name: String,
    /// CSV `hour,...` relative to the network file.
    profiles: Spanned<String>,
    /// Training energy for the sites' training loads together, MWh per year.
    training_quota_mwh: Option<Num>,
    /// The quota in H100-hours, each site's training counted at its own kW per H100.
    h100_hours_quota: Option<Num>,
    /// Whether the profile hours stand for a whole year (each weighs 8760 / hours).
    scale_to_year: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteEntry {
    solar_column: Option<Spanned<String>>,
    wind_column: Option<Spanned<String>>,
    lat: Option<Num>,
    lon: Option<Num>,
    pue: Option<Num>,
    /// A label such as `west` or `east`, for `network compare`.
    zone: Option<String>,
    load: Option<LoadSection>,
    solar: Option<RenewableSection>,
    wind: Option<RenewableSection>,
    battery: Option<BatterySection>,
    gas: Option<GasSection>,
    grid: Option<GridSection>,
    training: Option<TrainingSection>,
    reliability: Option<ReliabilitySection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkEntry {
    from: Spanned<String>,
    to: Spanned<String>,
    capital_cost_per_mw_year: Option<Num>,
    capital_cost_per_mw_km_year: Option<Num>,
    length_km: Option<Num>,
    efficiency: Option<Num>,
    max_mw: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverSection {
    tolerance: Option<Num>,
}

/// A checked network file.
pub struct LoadedNetwork {
    /// What the planner takes.
    pub input: NetworkInput,
    /// Solver settings from `[solver]`.
    pub settings: Settings,
    /// Display name of the profiles file.
    pub profiles_file: String,
    /// Each site's zone label, if given (in site order).
    pub zones: Vec<Option<String>>,
    /// Each site's (degrees north, degrees east), where given (for maps).
    pub site_places: Vec<Option<(f64, f64)>>,
    /// Each demand centre's (degrees north, degrees east), where given.
    pub demand_places: Vec<Option<(f64, f64)>>,
}

/// Checks the network file `text` (named `file` in messages); `load` reads the profiles
/// file it names.
pub fn parse_network(
    file: &str,
    text: &str,
    load: &mut ProfileLoader<'_>,
) -> Result<LoadedNetwork, FileError> {
    let cx = Ctx { file, text };
    let f: NetworkFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        cx.at(span, format!("failed to read network: {}", e.message().trim()))
    })?;
    let p = &f.network.profiles;
    let (profiles_file, profiles_text) = load(p.get_ref())
        .map_err(|e| cx.at(p.span(), format!("cannot read profiles `{}`: {e}", p.get_ref())))?;
    let columns = read_columns(&profiles_file, &profiles_text).map_err(|e| e.to_string())?;
    if f.sites.is_empty() {
        return Err(format!("{file}: the network has no sites: add a [sites.NAME] table"));
    }
    let defaults = f.defaults.unwrap_or_default();
    let shared_quota = f.network.training_quota_mwh.is_some() || f.network.h100_hours_quota.is_some();
    let names: Vec<&String> = f.sites.keys().collect();
    let mut sites = Vec::with_capacity(f.sites.len());
    // Each site's (degrees north, degrees east), where given: line lengths come from them.
    let mut coordinates = Vec::with_capacity(f.sites.len());
    let mut pue = Vec::with_capacity(f.sites.len());
    for (name, entry) in &f.sites {
        let span = entry.span();
        let e = entry.get_ref();
        let column = |given: &Option<Spanned<String>>, kind: &str| -> Result<Vec<f64>, FileError> {
            let (wanted, at) = match given {
                Some(c) => (c.get_ref().clone(), c.span()),
                None => (format!("{name}_{kind}_cf"), span.clone()),
            };
            let found = columns.iter().find(|(n, _)| *n == wanted).ok_or_else(|| {
                let list: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                cx.at(
                    at.clone(),
                    format!(
                        "site `{name}`: no column `{wanted}` in {profiles_file}; hint: set {kind}_column to one of {}",
                        list.join(", ")
                    ),
                )
            })?;
            if let Some(t) = found.1.iter().position(|v| !(0.0..=1.0).contains(v)) {
                return Err(format!(
                    "{profiles_file}: column `{wanted}` is {} in hour {t}, expected a capacity factor from 0 to 1",
                    found.1[t]
                ));
            }
            Ok(found.1.clone())
        };
        let profiles = Profiles {
            solar_cf: column(&e.solar_column, "solar")?,
            wind_cf: column(&e.wind_column, "wind")?,
            extra: columns.clone(),
        };
        let sections = Sections {
            load: e.load.clone().or_else(|| defaults.load.clone()),
            solar: e.solar.clone().or_else(|| defaults.solar.clone()),
            wind: e.wind.clone().or_else(|| defaults.wind.clone()),
            battery: e.battery.clone().or_else(|| defaults.battery.clone()),
            gas: e.gas.clone().or_else(|| defaults.gas.clone()),
            grid: e.grid.clone().or_else(|| defaults.grid.clone()),
            training: e.training.clone().or_else(|| defaults.training.clone()).map(|mut t| {
                if let Some(p) = &e.pue {
                    t.or_pue(p);
                }
                t
            }),
            reliability: e.reliability.clone().or_else(|| defaults.reliability.clone()),
        };
        pue.push(cx.opt(&e.pue, "pue", 1.0, 5.0, SITE_PUE)?);
        sites.push(suanli_site::file::site_input(file, text, name, &sections, profiles, shared_quota)?);
        coordinates.push(match (&e.lat, &e.lon) {
            (Some(lat), Some(lon)) => {
                Some((cx.num(lat, "lat", -90.0, 90.0)?, cx.num(lon, "lon", -180.0, 180.0)?))
            }
            (None, None) => None,
            _ => return Err(cx.at(span, format!("site `{name}` needs both `lat` and `lon`, or neither"))),
        });
    }
    let mut links = Vec::new();
    for (name, entry) in f.links.iter().flatten() {
        let e = entry.get_ref();
        let site = |end: &Spanned<String>| -> Result<usize, FileError> {
            names.iter().position(|n| *n == end.get_ref()).ok_or_else(|| {
                cx.at(
                    end.span(),
                    format!(
                        "link `{name}` joins `{}`, which is not a site; hint: sites are {}",
                        end.get_ref(),
                        names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        };
        let (from, to) = (site(&e.from)?, site(&e.to)?);
        if from == to {
            return Err(cx.at(e.to.span(), format!("link `{name}` joins `{}` to itself", e.to.get_ref())));
        }
        let length_km = match (&e.length_km, coordinates[from], coordinates[to]) {
            (Some(l), _, _) => Some(cx.num(l, "length_km", 0.0, 40000.0)?),
            (None, Some(a), Some(b)) => Some(great_circle_km(a, b) * LINE_ROUTE_FACTOR),
            _ => None,
        };
        let cost = match (&e.capital_cost_per_mw_year, &e.capital_cost_per_mw_km_year) {
            (Some(c), None) => cx.num(c, "capital_cost_per_mw_year", 0.0, BIG)?,
            (None, Some(c)) => {
                let per_km = cx.num(c, "capital_cost_per_mw_km_year", 0.0, BIG)?;
                let km = length_km.ok_or_else(|| {
                    cx.at(c.span(), format!("link `{name}` is priced per km but has no length; hint: set length_km, or lat and lon on both sites"))
                })?;
                per_km * km
            }
            _ => {
                return Err(cx.at(
                    entry.span(),
                    format!("link `{name}` needs `capital_cost_per_mw_year` or `capital_cost_per_mw_km_year` (not both)"),
                ))
            }
        };
        let efficiency = match (&e.efficiency, length_km) {
            (Some(v), _) => cx.num(v, "efficiency", 1e-3, 1.0)?,
            (None, Some(km)) => CONVERTER_EFFICIENCY * EFFICIENCY_PER_1000_KM.powf(km / 1000.0),
            (None, None) => 1.0,
        };
        let max_mw = e.max_mw.as_ref().map_or(Ok(f64::INFINITY), |m| cx.num(m, "max_mw", 0.0, BIG))?;
        links.push(Link { name: name.clone(), from, to, capital_cost_per_mw_year: cost, efficiency, max_mw });
    }
    // 1e-8 rather than the site's 1e-10: near the optimum of the larger networks the
    // factorisations can meet zero pivots (dc10 cut to 720 hours at 1e-10), and the
    // interior point then returns a point within 100x of the tolerance. The full dc10
    // reaches 1e-8 (gap 8.7e-11, 103 iterations); `tolerance = 1e-6` in a file stops at
    // the issue's gap, 96 iterations (measured in performance.md).
    let mut settings = Settings { tolerance: NETWORK_TOLERANCE, ..Settings::default() };
    if let Some(tol) = f.solver.as_ref().and_then(|s| s.tolerance.as_ref()) {
        settings.tolerance = cx.num(tol, "tolerance", 1e-14, 1e-2)?;
    }
    let (training_quota_mwh, training_quota_h100_hours) =
        match (&f.network.training_quota_mwh, &f.network.h100_hours_quota) {
            (Some(q), None) => (cx.num(q, "training_quota_mwh", 0.0, BIG)?, 0.0),
            (None, Some(q)) => {
                if !sites.iter().any(|s| s.training.is_some()) {
                    return Err(cx.at(
                        q.span(),
                        "an H100-hour quota needs a site with a [training] section (its kW per H100)",
                    ));
                }
                (0.0, cx.num(q, "h100_hours_quota", 0.0, BIG)?)
            }
            (None, None) => (0.0, 0.0),
            (Some(q), Some(_)) => {
                return Err(cx.at(q.span(), "give `training_quota_mwh` or `h100_hours_quota`, not both"))
            }
        };
    let hours = sites[0].hours();
    let places = SitePlaces { names: &names, coordinates: &coordinates };
    let side = demand_side(
        &cx,
        &f.demand.unwrap_or_default(),
        &f.fibre.unwrap_or_default(),
        &f.routes.unwrap_or_default(),
        &places,
        &columns,
        hours,
    )?;
    let inference_cost_per_mw_year =
        match f.inference.as_ref().and_then(|i| i.it_capacity_cost_per_mw_year.as_ref()) {
            Some(c) => cx.num(c, "it_capacity_cost_per_mw_year", 0.0, BIG)?,
            None => 0.0,
        };
    let hour_weight = if f.network.scale_to_year == Some(true) { HOURS_PER_YEAR / hours as f64 } else { 1.0 };
    let zones = f.sites.values().map(|e| e.get_ref().zone.clone()).collect();
    let demand_places = side.places;
    let input = NetworkInput {
        training_quota_mwh,
        training_quota_h100_hours,
        demands: side.demands,
        routes: side.routes,
        pue,
        inference_cost_per_mw_year,
        gbps_per_mw_inference: side.gbps_per_mw_inference,
        gbps_per_mw_training: side.gbps_per_mw_training,
        hour_weight,
        ..NetworkInput::new(f.network.name, sites, links)
    };
    Ok(LoadedNetwork { input, settings, profiles_file, zones, site_places: coordinates, demand_places })
}

/// Great-circle distance between two points given as (degrees north, degrees east), km
/// (haversine on a sphere of the mean Earth radius).
pub fn great_circle_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_distances_match_the_anchors() {
        // Network ANCHORS §1 [E]: Zhongwei-Beijing 1,007 km, Horinger-Beijing 395 km
        // (Beijing at 39.9 N, 116.4 E).
        let beijing = (39.9, 116.4);
        assert!((great_circle_km((37.5, 105.2), beijing) - 1007.0).abs() < 15.0);
        assert!((great_circle_km((40.4, 111.8), beijing) - 395.0).abs() < 10.0);
        assert_eq!(great_circle_km(beijing, beijing), 0.0);
    }
}
