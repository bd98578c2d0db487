//! The figure of a site plan: capacity mix, cost breakdown, dispatch heat maps (hour of
//! day by day of year) and the battery's state of charge.

use suanli_site::plan::SitePlan;

use crate::chart::{Bars, Figure, HeatMap, Line, Panel, XyPanel};

/// The figure of a plan.
pub fn site_figure(plan: &SitePlan, source: &str) -> Figure {
    let c = &plan.capacities;
    let mut capacity = vec![
        ("solar".to_string(), c.solar_mw, "#E69F00".to_string()),
        ("wind".to_string(), c.wind_mw, "#56B4E9".to_string()),
        ("gas".to_string(), c.gas_mw, "#4d4d4d".to_string()),
        ("battery power".to_string(), c.battery_mw, "#009E73".to_string()),
    ];
    if c.training_mw > 0.0 {
        capacity.push(("training IT".to_string(), c.training_mw, "#CC79A7".to_string()));
    }
    let k = &plan.cost_breakdown;
    // Colours as in the capacity bars.
    let costs = [
        ("solar", k.solar, "#E69F00"),
        ("wind", k.wind, "#56B4E9"),
        ("gas capacity", k.gas_capacity, "#4d4d4d"),
        ("gas fuel", k.gas_fuel, "#7F7F7F"),
        ("battery", k.battery, "#009E73"),
        ("grid", k.grid, "#882255"),
        ("training IT", k.training_capacity, "#CC79A7"),
        ("unserved energy", k.unserved, "#D55E00"),
    ];
    let d = &plan.dispatch;
    let renewables: Vec<f64> = d.solar_mw.iter().zip(&d.wind_mw).map(|(s, w)| s + w).collect();
    let mut panels = vec![
        Panel::Bars(Bars { title: "Capacity built".into(), unit: "MW".into(), items: capacity }),
        Panel::Bars(Bars {
            title: format!(
                "Cost per year (battery energy {} MWh)",
                crate::scale::label(c.battery_mwh, false)
            ),
            unit: "USD/yr".into(),
            items: costs
                .iter()
                .filter(|c| c.1 > 0.0)
                .map(|(n, v, c)| (n.to_string(), *v, c.to_string()))
                .collect(),
        }),
        Panel::HeatMap(HeatMap {
            title: "Solar and wind output used (hour of day by day of year)".into(),
            unit: "MW".into(),
            hourly: renewables,
        }),
    ];
    if d.gas_mw.iter().any(|g| *g > 0.0) {
        panels.push(Panel::HeatMap(HeatMap {
            title: "Gas output (hour of day by day of year)".into(),
            unit: "MW".into(),
            hourly: d.gas_mw.clone(),
        }));
    }
    if d.training_mw.iter().any(|t| *t > 0.0) {
        panels.push(Panel::HeatMap(HeatMap {
            title: "Flexible training load (hour of day by day of year)".into(),
            unit: "MW".into(),
            hourly: d.training_mw.clone(),
        }));
    }
    if c.battery_mwh > 0.0 {
        // Daily mean with the day's range as a band: 365 points instead of 8760.
        let days = d.soc_mwh.len() / 24;
        let day = |k: usize| &d.soc_mwh[k * 24..(k + 1) * 24];
        panels.push(Panel::Xy(XyPanel {
            title: "Battery state of charge (daily mean; band: daily range)".into(),
            y_label: "MWh".into(),
            x_label: "day of year".into(),
            lines: vec![Line {
                name: "state of charge".into(),
                color: "#009E73".into(),
                points: (0..days).map(|k| ((k + 1) as f64, day(k).iter().sum::<f64>() / 24.0)).collect(),
                band: (0..days)
                    .map(|k| {
                        let (lo, hi) = day(k)
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
                        ((k + 1) as f64, lo, hi)
                    })
                    .collect(),
                dashed_from: None,
            }],
            ..Default::default()
        }));
    }
    Figure {
        title: format!("suanli site plan: {}", plan.name),
        subtitle: format!(
            "{} USD per year, LCOE {} USD/MWh, gas {:.1} % and grid {:.1} % of energy, curtailment {:.1} %",
            crate::scale::label(plan.objective_per_year, false),
            crate::scale::label(plan.lcoe_per_mwh, false),
            plan.gas_share * 100.0,
            plan.grid_share * 100.0,
            plan.curtailment_share * 100.0
        ),
        source: source.to_string(),
        panels,
    }
}
