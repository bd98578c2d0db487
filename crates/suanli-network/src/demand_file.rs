//! The demand side of a network file: demand centres, their fibre routes to the sites,
//! and the bandwidth and cost of fibre. Part of [`crate::file`].
//!
//! ```toml
//! [demand.shanghai]                  # users whose inference runs at sites within reach
//! lat = 31.2
//! lon = 121.5
//! inference_mw = 300                 # MW of IT, flat; or inference_column = "shanghai_mw"
//! # max_latency_ms = 20              # round trip
//! [fibre]
//! # cost_per_gbps_km_year = 0.5      # money per Gbit/s per route-km per year
//! # route_factor = 1.4               # route length / great circle
//! # gbps_per_mw_inference = 1
//! # gbps_per_mw_training = 1         # to the training home, per MW of training capacity
//! # training_home = "shanghai"       # demand centre that training sends its data to
//! [routes.shanghai-zhongwei]         # optional: a route's own length or latency
//! demand = "shanghai"
//! site = "zhongwei"
//! length_km = 2400
//! # latency_ms = 25
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use suanli_site::file::{Ctx, FileError};
use toml::Spanned;

use crate::file::great_circle_km;
use crate::input::{DemandCentre, Route};

type Num = Spanned<f64>;

/// Round-trip latency target between hubs, ms: 20 ms, China's "East Data West Computing"
/// hub-to-hub target (MIIT 2025; CAICT's 20 ms latency circles; network ANCHORS §1).
const MAX_LATENCY_MS: f64 = 20.0;
/// One-way delay of light in standard single-mode fibre, ms per km (4.9 µs/km,
/// n = 1.468 for SMF-28; network ANCHORS §3).
const FIBRE_MS_PER_KM: f64 = 4.9e-3;
/// Fibre route length over great-circle distance (planning rule, network ANCHORS §3; it
/// reproduces the measured 39.5 ms Chicago-Seattle round trip within 3 %).
const FIBRE_ROUTE_FACTOR: f64 = 1.4;
/// Leased long-haul bandwidth, money per Gbit/s per route-km per year: 0.5, within the
/// US$0.2-1.2 of 100G waves at US$3-10k a month over ~1,000 km (TeleGeography price
/// trends; network ANCHORS §3 [E]). In US$: set it in the file's currency.
const COST_PER_GBPS_KM_YEAR: f64 = 0.5;
/// Bandwidth per MW of inference IT, Gbit/s: 1, the geometric middle of 0.1 (text) to 10
/// (multimodal) Gbit/s per MW (network ANCHORS §3 [E]).
const GBPS_PER_MW_INFERENCE: f64 = 1.0;
/// Bandwidth per MW of training capacity to the training home, Gbit/s: 1, enough for a
/// 100 MW cluster to move a 16 TB checkpoint in about 21 minutes and its corpus in hours
/// (network ANCHORS §3 [E]); synchronous training across sites needs far more.
const GBPS_PER_MW_TRAINING: f64 = 1.0;
const BIG: f64 = 1e12;

/// A `[demand.NAME]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemandEntry {
    lat: Option<Num>,
    lon: Option<Num>,
    inference_mw: Option<Num>,
    inference_column: Option<Spanned<String>>,
    max_latency_ms: Option<Num>,
}

/// The `[fibre]` table as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FibreSection {
    cost_per_gbps_km_year: Option<Num>,
    route_factor: Option<Num>,
    gbps_per_mw_inference: Option<Num>,
    gbps_per_mw_training: Option<Num>,
    training_home: Option<Spanned<String>>,
}

/// A `[routes.NAME]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RouteEntry {
    demand: Spanned<String>,
    site: Spanned<String>,
    length_km: Option<Num>,
    latency_ms: Option<Num>,
}

/// The demand side, checked.
pub(crate) struct DemandSide {
    pub demands: Vec<DemandCentre>,
    /// Each centre's (degrees north, degrees east), where given.
    pub places: Vec<Option<(f64, f64)>>,
    pub routes: Vec<Route>,
    pub gbps_per_mw_inference: f64,
    pub gbps_per_mw_training: f64,
}

/// What the demand side needs to know of the sites: names and coordinates.
pub(crate) struct SitePlaces<'a> {
    pub names: &'a [&'a String],
    pub coordinates: &'a [Option<(f64, f64)>],
}

/// Checks the demand centres, fibre and routes.
pub(crate) fn demand_side(
    cx: &Ctx<'_>,
    demand: &BTreeMap<String, Spanned<DemandEntry>>,
    fibre: &FibreSection,
    explicit: &BTreeMap<String, Spanned<RouteEntry>>,
    places: &SitePlaces<'_>,
    columns: &[(String, Vec<f64>)],
    hours: usize,
) -> Result<DemandSide, FileError> {
    let cost_per_km =
        cx.opt(&fibre.cost_per_gbps_km_year, "cost_per_gbps_km_year", 0.0, BIG, COST_PER_GBPS_KM_YEAR)?;
    let route_factor = cx.opt(&fibre.route_factor, "route_factor", 1.0, 5.0, FIBRE_ROUTE_FACTOR)?;
    let gbps_per_mw_inference =
        cx.opt(&fibre.gbps_per_mw_inference, "gbps_per_mw_inference", 0.0, 1e6, GBPS_PER_MW_INFERENCE)?;
    let gbps_per_mw_training =
        cx.opt(&fibre.gbps_per_mw_training, "gbps_per_mw_training", 0.0, 1e6, GBPS_PER_MW_TRAINING)?;
    let centre_names: Vec<&String> = demand.keys().collect();
    let home = match &fibre.training_home {
        Some(h) => Some(centre_names.iter().position(|n| *n == h.get_ref()).ok_or_else(|| {
            cx.at(
                h.span(),
                format!(
                    "training_home `{}` is not a demand centre; hint: demand centres are {}",
                    h.get_ref(),
                    list(&centre_names)
                ),
            )
        })?),
        None => None,
    };
    // Explicit routes by (centre, site), checked first so that their errors point at them.
    let mut given: BTreeMap<(usize, usize), (Option<f64>, Option<f64>)> = BTreeMap::new();
    for (name, entry) in explicit {
        let e = entry.get_ref();
        let find = |names: &[&String], what: &Spanned<String>, kind: &str| {
            names.iter().position(|n| *n == what.get_ref()).ok_or_else(|| {
                cx.at(
                    what.span(),
                    format!(
                        "route `{name}` names {kind} `{}`, which does not exist; hint: {kind}s are {}",
                        what.get_ref(),
                        list(names)
                    ),
                )
            })
        };
        let d = find(&centre_names, &e.demand, "demand centre")?;
        let k = find(places.names, &e.site, "site")?;
        let length = e.length_km.as_ref().map(|l| cx.num(l, "length_km", 0.0, 40000.0)).transpose()?;
        let latency = e.latency_ms.as_ref().map(|l| cx.num(l, "latency_ms", 0.0, 10000.0)).transpose()?;
        if given.insert((d, k), (length, latency)).is_some() {
            return Err(cx.at(
                entry.span(),
                format!(
                    "route `{name}` repeats the route from `{}` to `{}`",
                    e.demand.get_ref(),
                    e.site.get_ref()
                ),
            ));
        }
    }
    let mut demands = Vec::with_capacity(demand.len());
    let mut centre_places = Vec::with_capacity(demand.len());
    let mut routes = Vec::new();
    for (d, (name, entry)) in demand.iter().enumerate() {
        let e = entry.get_ref();
        let inference_mw = match (&e.inference_mw, &e.inference_column) {
            (Some(v), None) => vec![cx.num(v, "inference_mw", 0.0, BIG)?; hours],
            (None, Some(c)) => {
                let found = columns.iter().find(|(n, _)| n == c.get_ref()).ok_or_else(|| {
                    let names: Vec<&String> = columns.iter().map(|(n, _)| n).collect();
                    cx.at(
                        c.span(),
                        format!(
                            "demand centre `{name}`: no column `{}` in the profiles; hint: columns are {}",
                            c.get_ref(),
                            list(&names)
                        ),
                    )
                })?;
                if let Some(t) = found.1.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                    return Err(cx.at(
                        c.span(),
                        format!(
                            "demand centre `{name}`: column `{}` is {} in hour {t}, expected MW >= 0",
                            c.get_ref(),
                            found.1[t]
                        ),
                    ));
                }
                found.1.clone()
            }
            _ => {
                return Err(cx.at(
                    entry.span(),
                    format!("demand centre `{name}` needs `inference_mw` or `inference_column` (not both)"),
                ))
            }
        };
        let max_latency_ms = cx.opt(&e.max_latency_ms, "max_latency_ms", 0.0, 10000.0, MAX_LATENCY_MS)?;
        let place = match (&e.lat, &e.lon) {
            (Some(lat), Some(lon)) => {
                Some((cx.num(lat, "lat", -90.0, 90.0)?, cx.num(lon, "lon", -180.0, 180.0)?))
            }
            (None, None) => None,
            _ => {
                return Err(cx.at(
                    entry.span(),
                    format!("demand centre `{name}` needs both `lat` and `lon`, or neither"),
                ))
            }
        };
        let mut nearest: Option<(f64, usize)> = None;
        let mut serves_any = false;
        for (k, site_place) in places.coordinates.iter().enumerate() {
            let (length, latency) = given.get(&(d, k)).copied().unwrap_or((None, None));
            let length_km = match (length, place, site_place) {
                (Some(l), _, _) => Some(l),
                (None, Some(a), Some(b)) => Some(great_circle_km(a, *b) * route_factor),
                _ => None,
            };
            // A route given only its latency is as long as light in fibre goes in that time.
            let length_km = length_km.or(latency.map(|ms| ms / (2.0 * FIBRE_MS_PER_KM)));
            let Some(length_km) = length_km else { continue };
            let latency_ms = latency.unwrap_or(2.0 * length_km * FIBRE_MS_PER_KM);
            if nearest.is_none_or(|(best, _)| latency_ms < best) {
                nearest = Some((latency_ms, k));
            }
            let serves_inference = latency_ms <= max_latency_ms;
            serves_any |= serves_inference;
            let carries_training = home == Some(d);
            if serves_inference || carries_training {
                routes.push(Route {
                    demand: d,
                    site: k,
                    length_km,
                    latency_ms,
                    capital_cost_per_gbps_year: cost_per_km * length_km,
                    serves_inference,
                    carries_training,
                });
            }
        }
        let needs_serving = inference_mw.iter().any(|v| *v > 0.0);
        if needs_serving && !serves_any {
            let msg = match nearest {
                Some((ms, k)) => format!(
                    "demand centre `{name}`: no site within its {max_latency_ms} ms latency bound; the nearest is `{}` at {ms:.1} ms; hint: raise max_latency_ms or add a site nearer",
                    places.names[k]
                ),
                None => format!("demand centre `{name}` has no route to any site; hint: give it and the sites lat and lon, or add [routes.NAME] tables"),
            };
            return Err(cx.at(entry.span(), msg));
        }
        demands.push(DemandCentre { name: name.clone(), inference_mw });
        centre_places.push(place);
    }
    Ok(DemandSide { demands, places: centre_places, routes, gbps_per_mw_inference, gbps_per_mw_training })
}

fn list(names: &[&String]) -> String {
    names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
}
