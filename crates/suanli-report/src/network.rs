//! The figure of a network plan: a map of sites, demand centres, lines and fibre; the
//! cost by kind; compute delivered by site; and where training runs hour by hour.

use suanli_network::{NetworkInput, NetworkPlan};

use crate::chart::{Bars, Figure, Line, Panel, XyPanel, PALETTE};
use crate::map::{MapEdge, MapNode, MapPanel};
use crate::scale::label;

const WEST: &str = "#D55E00";
const EAST: &str = "#0072B2";
const OTHER: &str = "#7F7F7F";
const LINE: &str = "#E69F00";
const FIBRE: &str = "#009E73";
/// Longest hourly series drawn hour by hour; longer ones are drawn as daily means.
const MAX_HOURLY_POINTS: usize = 2000;

/// Where things are, from the network file: each site's and each demand centre's (degrees
/// north, degrees east) where given, and each site's zone.
pub struct Places<'a> {
    /// Per site.
    pub sites: &'a [Option<(f64, f64)>],
    /// Per demand centre.
    pub demands: &'a [Option<(f64, f64)>],
    /// Per site: `west`, `east` or another label.
    pub zones: &'a [Option<String>],
}

fn zone_colour(zone: Option<&str>) -> &'static str {
    match zone {
        Some("west") => WEST,
        Some("east") => EAST,
        _ => OTHER,
    }
}

/// The map, when every site has coordinates.
fn map(plan: &NetworkPlan, net: &NetworkInput, places: &Places<'_>, compute: &[f64]) -> Option<MapPanel> {
    let sites: Vec<(f64, f64)> = places.sites.iter().copied().collect::<Option<_>>()?;
    let mut nodes: Vec<MapNode> = plan
        .sites
        .iter()
        .enumerate()
        .map(|(k, s)| MapNode {
            name: s.name.clone(),
            at: sites[k],
            size: compute[k],
            color: zone_colour(places.zones.get(k).and_then(|z| z.as_deref())).into(),
            square: false,
        })
        .collect();
    for (d, centre) in net.demands.iter().enumerate() {
        if let Some(at) = places.demands.get(d).copied().flatten() {
            nodes.push(MapNode {
                name: centre.name.clone(),
                at,
                size: 0.0,
                color: "#222222".into(),
                square: true,
            });
        }
    }
    let mut edges: Vec<MapEdge> = net
        .links
        .iter()
        .zip(&plan.links)
        .map(|(l, p)| MapEdge {
            from: sites[l.from],
            to: sites[l.to],
            value: p.capacity_mw,
            color: LINE.into(),
            dashed: false,
        })
        .collect();
    for (r, p) in net.routes.iter().zip(&plan.routes) {
        if let Some(from) = places.demands.get(r.demand).copied().flatten() {
            edges.push(MapEdge {
                from,
                to: sites[r.site],
                value: p.capacity_gbps,
                color: FIBRE.into(),
                dashed: true,
            });
        }
    }
    let largest = |c: &str| edges.iter().filter(|e| e.color == c).map(|e| e.value).fold(0.0, f64::max);
    let mut legend = vec![
        (WEST.to_string(), false, "western site".to_string()),
        (EAST.to_string(), false, "eastern site".to_string()),
    ];
    if !net.links.is_empty() {
        legend.push((LINE.into(), false, format!("power line (widest {} MW)", label(largest(LINE), false))));
    }
    if !net.routes.is_empty() {
        legend.push((FIBRE.into(), true, format!("fibre (widest {} Gbit/s)", label(largest(FIBRE), false))));
        legend.push(("#222222".into(), false, "demand centre (square)".into()));
    }
    Some(MapPanel {
        title: "Sites, demand centres, power lines and fibre built".into(),
        nodes,
        edges,
        legend,
        size_note: format!(
            "circle area: compute delivered\n(largest {} H100-hours a year)",
            label(compute.iter().copied().fold(0.0, f64::max), false)
        ),
    })
}

/// Training load of every site that trains, stacked, hour by hour (or daily means).
fn training_panel(plan: &NetworkPlan) -> Option<XyPanel> {
    let training: Vec<(&str, &[f64])> = plan
        .sites
        .iter()
        .filter(|s| s.capacities.training_mw > 0.0)
        .map(|s| (s.name.as_str(), s.dispatch.training_mw.as_slice()))
        .collect();
    let hours = training.first()?.1.len();
    let step = if hours > MAX_HOURLY_POINTS { 24 } else { 1 };
    let areas = training
        .iter()
        .enumerate()
        .map(|(k, (name, mw))| {
            // Stacked by the panel, bottom first.
            let points = (0..hours / step)
                .map(|i| ((i * step) as f64, mw[i * step..(i + 1) * step].iter().sum::<f64>() / step as f64))
                .collect();
            Line {
                name: name.to_string(),
                color: PALETTE[k % PALETTE.len()].into(),
                points,
                ..Default::default()
            }
        })
        .collect();
    Some(XyPanel {
        title: format!(
            "Where training runs ({})",
            if step == 1 { "each profile hour" } else { "daily means" }
        ),
        y_label: "MW".into(),
        x_label: "profile hour".into(),
        areas,
        ..Default::default()
    })
}

/// The figure of a network plan; `source` is the attribution line.
pub fn network_figure(plan: &NetworkPlan, net: &NetworkInput, places: &Places<'_>, source: &str) -> Figure {
    let compute = plan.h100_hours_by_site();
    let mut panels = Vec::new();
    if let Some(m) = map(plan, net, places, &compute) {
        panels.push(Panel::Map(m));
    }
    let c = &plan.costs;
    let costs = [
        ("power supply", c.sites - c.training_it, PALETTE[4]),
        ("training IT", c.training_it, PALETTE[3]),
        ("inference IT", c.inference, PALETTE[7]),
        ("power lines", c.lines, LINE),
        ("fibre", c.fibre, FIBRE),
    ];
    panels.push(Panel::Bars(Bars {
        title: "Cost per year by kind".into(),
        unit: "per yr".into(),
        items: costs
            .iter()
            .filter(|c| c.1 > 0.0)
            .map(|(n, v, col)| (n.to_string(), *v, col.to_string()))
            .collect(),
    }));
    if compute.iter().any(|c| *c > 0.0) {
        panels.push(Panel::Bars(Bars {
            title: "Compute delivered by site (training and inference)".into(),
            unit: "H100-h/yr".into(),
            items: plan
                .sites
                .iter()
                .zip(&compute)
                .enumerate()
                .map(|(k, (s, v))| {
                    (
                        s.name.clone(),
                        *v,
                        zone_colour(places.zones.get(k).and_then(|z| z.as_deref())).to_string(),
                    )
                })
                .collect(),
        }));
    }
    if let Some(t) = training_panel(plan) {
        panels.push(Panel::Xy(t));
    }
    let d = &plan.delivered;
    Figure {
        title: format!("suanli network plan: {}", plan.name),
        subtitle: format!(
            "{} per year (proven bound {}, gap {:.0e}); {} H100-hours at {} each; {} TWh over lines, {} PB over fibre",
            label(plan.objective_per_year, false),
            label(plan.lower_bound_per_year, false),
            plan.relative_gap.max(0.0),
            label(d.h100_hours, false),
            label(d.cost_per_h100_hour, false),
            label(d.lines_twh, false),
            label(d.fibre_pb, false)
        ),
        source: source.to_string(),
        panels,
    }
}
