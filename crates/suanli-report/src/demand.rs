//! The report's section on a demand programme (`suanli demand`, `suanli race --demand`):
//! what it needs by category, and that need beside the share of supply it may use, with
//! the odds of a shortfall when Monte Carlo draws were run.

use std::fmt::Write;

use suanli_mc::demand::ShortfallOdds;
use suanli_nation::demand::cover::{CoverRow, FirstShortfall};
use suanli_nation::demand::{Category, DemandRow, ItemRow};

use crate::chart::{Figure, Line, Panel, XyPanel, PALETTE};
use crate::scale::label;
use crate::svg::escape;

/// What the section shows.
pub struct DemandSection<'a> {
    /// Programme name.
    pub programme: &'a str,
    /// Programme description.
    pub description: &'a str,
    /// Scenario it runs under.
    pub scenario: &'a str,
    /// Demand by region, year and category (`suanli demand`).
    pub rows: &'a [DemandRow],
    /// Demand beside supply by region and year (`suanli race --demand`).
    pub cover: &'a [CoverRow],
    /// Each region's first shortfall.
    pub first: &'a [FirstShortfall],
    /// Odds of a shortfall, in the order of `cover`, when draws were run.
    pub odds: Option<&'a [ShortfallOdds]>,
    /// Every item in the programme's last year, largest first.
    pub items: &'a [ItemRow],
}

impl DemandSection<'_> {
    fn regions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.cover {
            if !out.contains(&r.region.as_str()) {
                out.push(&r.region);
            }
        }
        out
    }

    /// Per region: accelerators needed by category (stacked), then need beside supply.
    pub fn figure(&self, source: &str) -> Figure {
        let mut panels = Vec::new();
        for region in self.regions() {
            let areas = Category::ALL
                .iter()
                .enumerate()
                .map(|(k, c)| Line {
                    name: c.as_str().replace('_', " "),
                    color: PALETTE[k].into(),
                    points: self
                        .rows
                        .iter()
                        .filter(|r| r.region == region && r.category == c.as_str())
                        .map(|r| (f64::from(r.year), r.h100e))
                        .collect(),
                    ..Default::default()
                })
                .filter(|l| !l.points.is_empty())
                .collect();
            panels.push(Panel::Xy(XyPanel {
                title: format!("Accelerators the programme needs, {region}"),
                y_label: "H100-equivalents".into(),
                areas,
                ..Default::default()
            }));
            // With draws, each line carries its 5-95 % band.
            let series = |name: &str,
                          color: &str,
                          f: &dyn Fn(&CoverRow) -> f64,
                          band: &dyn Fn(&ShortfallOdds) -> (f64, f64)| {
                let rows = self.cover.iter().enumerate().filter(|(_, r)| r.region == region);
                Line {
                    name: name.into(),
                    color: color.into(),
                    points: rows.clone().map(|(_, r)| (f64::from(r.year), f(r))).collect(),
                    band: rows
                        .filter_map(|(i, r)| {
                            let (lo, hi) = band(self.odds?.get(i)?);
                            Some((f64::from(r.year), lo, hi))
                        })
                        .collect(),
                    ..Default::default()
                }
            };
            let band = if self.odds.is_some() { " (5-95 % bands)" } else { "" };
            panels.push(Panel::Xy(XyPanel {
                title: format!("Need beside the share of supply it may use, {region}{band}"),
                y_label: "H100-equivalents (log)".into(),
                y_log: true,
                lines: vec![
                    series("demand", PALETTE[1], &|r| r.demand_h100e, &|o| {
                        (o.demand_h100e_p5, o.demand_h100e_p95)
                    }),
                    series("supply share", PALETTE[0], &|r| r.supply_h100e, &|o| {
                        (o.supply_h100e_p5, o.supply_h100e_p95)
                    }),
                ],
                ..Default::default()
            }));
        }
        Figure {
            title: format!("Demand programme: {}", self.programme),
            subtitle: format!(
                "scenario {}; accelerators at peak hardware FLOP/s (useful / utilisation)",
                self.scenario
            ),
            source: source.into(),
            panels,
        }
    }
}

/// The section as HTML.
pub fn demand_section(d: &DemandSection<'_>, figure: &Figure) -> String {
    let mut h = format!("<h2>Demand programme: {}</h2>\n", escape(d.programme));
    if !d.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", escape(d.description));
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">Useful FLOP from 6 N D per training token and 2 N per inference token; accelerators at peak hardware FLOP/s (useful over utilisation); power at the watts per FLOP/s of the region's fleet in scenario <code>{}</code>; supply is the region's powered fleet times the programme's share (<code>suanli demand</code>, <code>suanli race --demand</code>; the method: docs/demand.md).</p>",
        escape(d.scenario)
    );
    h.push_str(&figure.to_svg());
    let odds = d.odds.is_some();
    h.push_str("<table><tr><th>region</th><th>year</th><th>FLOP per year</th><th>demand H100e</th><th>GW</th><th>TWh</th><th>supply H100e</th><th>demand / supply</th>");
    if odds {
        h.push_str("<th>P(shortfall)</th>");
    }
    h.push_str("<th>binds</th></tr>\n");
    for (i, c) in d.cover.iter().enumerate() {
        let total = d.rows.iter().find(|r| r.region == c.region && r.year == c.year && r.category == "total");
        let (flop, gw, twh) = total.map_or((0.0, 0.0, 0.0), |t| (t.flop_per_year, t.power_gw, t.energy_twh));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{flop:.2e}</td><td class=\"n\">{}</td><td class=\"n\">{gw:.2}</td><td class=\"n\">{twh:.1}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} %</td>",
            escape(&c.region),
            c.year,
            label(c.demand_h100e, false),
            label(c.supply_h100e, false),
            c.demand_over_supply * 100.0,
        );
        if let Some(o) = d.odds.and_then(|o| o.get(i)) {
            let _ = write!(h, "<td class=\"n\">{:.1} %</td>", o.probability * 100.0);
        }
        let _ = writeln!(h, "<td>{}</td></tr>", c.binding.as_str());
    }
    h.push_str("</table>\n<ul>\n");
    for f in d.first {
        match (f.year, f.limit) {
            (Some(y), Some(l)) => {
                let _ = writeln!(
                    h,
                    "<li>{}: first shortfall in {y}; the region's supply is limited by {} then.</li>",
                    escape(&f.region),
                    l.as_str()
                );
            }
            _ => {
                let _ =
                    writeln!(h, "<li>{}: covered in every year of the programme.</li>", escape(&f.region));
            }
        }
    }
    h.push_str("</ul>\n");
    if let Some(year) = d.items.first().map(|i| i.year) {
        let total: f64 = d.items.iter().map(|i| i.h100e).sum();
        let _ = writeln!(
            h,
            "<table><tr><th>item, {year}</th><th>region</th><th>for</th><th>FLOP per year</th><th>H100e</th><th>share</th></tr>"
        );
        for i in d.items {
            let share = if total > 0.0 { i.h100e / total * 100.0 } else { 0.0 };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2e}</td><td class=\"n\">{}</td><td class=\"n\">{share:.1} %</td></tr>",
                escape(&i.item),
                escape(&i.region),
                i.category,
                i.flop_per_year,
                label(i.h100e, false),
            );
        }
        h.push_str("</table>\n");
    }
    h
}
