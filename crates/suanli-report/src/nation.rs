//! The figure of a nation-model run: effective compute by region (with Monte Carlo bands
//! when given), generation by source, data-centre share of generation, the binding
//! constraint over time and self-sufficiency.

use suanli_data::electricity::{ElectricityTable, SOURCES};
use suanli_mc::run::McResult;
use suanli_nation::{Binding, Outcome};
use suanli_scenario::model::NationInput;

use crate::chart::{Figure, Line, Panel, Timeline, XyPanel, PALETTE};

/// Colours of generation sources, in [`SOURCES`] order: fossil greys and browns, nuclear
/// purple, renewables blue, green and yellow.
const SOURCE_COLORS: [&str; 9] =
    ["#4d4d4d", "#E69F00", "#8C564B", "#CC79A7", "#0072B2", "#56B4E9", "#F0E442", "#009E73", "#7FBFB0"];

/// Colours of the binding constraints (power, chips, capital).
pub const BINDING_COLORS: [&str; 3] = ["#D55E00", "#0072B2", "#BBBBBB"];

/// What a nation figure shows.
pub struct NationChart<'a> {
    /// The run.
    pub outcome: &'a Outcome,
    /// Its input (region ids for the generation table).
    pub input: &'a NationInput,
    /// Generation by source.
    pub electricity: &'a ElectricityTable,
    /// Monte Carlo percentiles, for bands.
    pub mc: Option<&'a McResult>,
    /// First year shown.
    pub from: i32,
    /// Last year shown.
    pub to: i32,
    /// Attribution line.
    pub source: &'a str,
}

impl NationChart<'_> {
    fn years(&self) -> impl Iterator<Item = i32> + Clone {
        self.from..=self.to
    }

    fn region_line(&self, r: usize, values: impl Fn(usize) -> f64) -> Line {
        let o = self.outcome;
        Line {
            name: o.regions[r].clone(),
            color: if r == o.world() { "#000000".into() } else { PALETTE[r % PALETTE.len()].into() },
            points: self.years().map(|y| (f64::from(y), values(o.at(r, y)))).collect(),
            band: Vec::new(),
            dashed_from: Some(f64::from(o.calibration_year)),
        }
    }

    fn marker(&self) -> Option<(f64, String)> {
        let cal = self.outcome.calibration_year;
        (self.from..self.to).contains(&cal).then(|| (f64::from(cal), format!("data to {cal} | projection")))
    }

    fn compute_panel(&self) -> Panel {
        let o = self.outcome;
        let lines = (0..o.regions.len())
            .map(|r| {
                let mut line = self.region_line(r, |i| o.effective_flops[i] / 1e18);
                if let Some(mc) = self.mc {
                    line.band = mc
                        .percentiles
                        .iter()
                        .filter(|p| p.region == o.regions[r] && p.metric == "effective_flops")
                        .filter(|p| p.year > o.calibration_year && (self.from..=self.to).contains(&p.year))
                        .map(|p| (f64::from(p.year), p.p5 / 1e18, p.p95 / 1e18))
                        .collect();
                }
                line
            })
            .collect();
        let band = if self.mc.is_some() { " (bands: 5th-95th percentile)" } else { "" };
        Panel::Xy(XyPanel {
            title: format!("Effective AI compute by region{band}"),
            y_label: "EFLOP/s: powered 16-bit x utilisation (log)".into(),
            y_log: true,
            lines,
            marker: self.marker(),
            ..Default::default()
        })
    }

    fn generation_panel(&self, r: usize) -> Panel {
        let o = self.outcome;
        let id = &self.input.regions[r].id;
        let rows: Vec<_> =
            self.electricity.region(id).filter(|row| (self.from..=self.to).contains(&row.year)).collect();
        let areas = SOURCES
            .iter()
            .enumerate()
            .map(|(k, s)| Line {
                name: s.replace('_', " "),
                color: SOURCE_COLORS[k].into(),
                points: rows.iter().map(|row| (f64::from(row.year), row.by_source_twh[k])).collect(),
                ..Default::default()
            })
            .collect();
        let last = rows.last().map_or(self.from, |row| row.year);
        let total = Line {
            name: "total (projected)".into(),
            color: "#000000".into(),
            points: self
                .years()
                .filter(|y| *y >= last)
                .map(|y| (f64::from(y), o.generation_twh[o.at(r, y)]))
                .collect(),
            dashed_from: Some(f64::from(last)),
            ..Default::default()
        };
        Panel::Xy(XyPanel {
            title: format!(
                "Electricity generation by source, {} (reported to {last}, then projected)",
                o.regions[r]
            ),
            y_label: "TWh per year".into(),
            areas,
            lines: vec![total],
            ..Default::default()
        })
    }

    fn share_panel(&self) -> Panel {
        let o = self.outcome;
        Panel::Xy(XyPanel {
            title: "Data-centre electricity as a share of generation".into(),
            y_label: "share of generation".into(),
            percent: true,
            lines: (0..o.regions.len()).map(|r| self.region_line(r, |i| o.dc_share(i))).collect(),
            marker: self.marker(),
            ..Default::default()
        })
    }

    fn binding_panel(&self) -> Panel {
        let o = self.outcome;
        let from = self.from.max(o.calibration_year + 1);
        let columns: Vec<i32> = (from..=self.to).collect();
        let rows = o.regions.clone();
        let cells = (0..rows.len())
            .flat_map(|r| columns.iter().map(move |&y| (r, y)))
            .map(|(r, y)| match o.binding[o.at(r, y)] {
                Binding::Power => 0,
                Binding::Chips => 1,
                Binding::Capital => 2,
            })
            .collect();
        Panel::Timeline(Timeline {
            title: "Which limit binds (projected years)".into(),
            rows,
            columns,
            cells,
            categories: ["power", "chips (supply caps)", "capital"]
                .iter()
                .zip(BINDING_COLORS)
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect(),
        })
    }

    fn self_sufficiency_panel(&self) -> Panel {
        let o = self.outcome;
        let lines = (0..o.world())
            .filter(|&r| self.input.lines.iter().any(|l| l.origin == Some(r)))
            .map(|r| self.region_line(r, |i| o.self_sufficiency(i).unwrap_or(f64::NAN)))
            .collect();
        Panel::Xy(XyPanel {
            title: "Self-sufficiency: domestic share of the year's accelerator shipments (by FLOP/s)".into(),
            y_label: "domestic share".into(),
            percent: true,
            lines,
            marker: self.marker(),
            ..Default::default()
        })
    }

    /// The figure.
    pub fn figure(&self) -> Figure {
        let mut panels = vec![self.compute_panel(), self.binding_panel()];
        for id in ["china", "united_states"] {
            if let Some(r) = self.input.regions.iter().position(|x| x.id == id) {
                panels.push(self.generation_panel(r));
            }
        }
        panels.push(self.share_panel());
        panels.push(self.self_sufficiency_panel());
        let draws =
            self.mc.map(|m| format!(", {} Monte Carlo draws (seed {})", m.draws, m.seed)).unwrap_or_default();
        Figure {
            title: "suanli: AI compute, chips and electricity by region".into(),
            subtitle: format!(
                "scenario {}, {}-{}{draws}; dashed: projection after the calibration year {}",
                self.outcome.scenario, self.from, self.to, self.outcome.calibration_year
            ),
            source: self.source.to_string(),
            panels,
        }
    }
}
