//! Chart panels (lines with uncertainty bands, stacked areas, category timelines, heat
//! maps, bars) and figures that stack panels into one SVG with a title and a source line.

use crate::scale::{label, Scale};
use crate::svg::{Anchor, Svg};

/// Colour-blind-safe palette (Okabe and Ito, 2008, without its yellow, which fades in
/// print, and its black, kept for totals), then darker extras.
pub const PALETTE: [&str; 10] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999933", "#882255", "#8C564B",
    "#7F7F7F",
];

const INK: &str = "#222222";
const GRID: &str = "#dddddd";
const WIDTH: f64 = 960.0;
const MARGIN_LEFT: f64 = 78.0;
const LEGEND_WIDTH: f64 = 170.0;
const TITLE_SIZE: f64 = 15.0;
const LABEL_SIZE: f64 = 11.5;

/// A series of an x-y panel.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// Stroke or fill colour.
    pub color: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Uncertainty band (x, low, high), drawn behind the line.
    pub band: Vec<(f64, f64, f64)>,
    /// Draw the line dashed from this x on (projections).
    pub dashed_from: Option<f64>,
}

/// An x-y panel: lines (with bands) over stacked areas.
#[derive(Debug, Clone, Default)]
pub struct XyPanel {
    /// Panel title.
    pub title: String,
    /// Vertical axis title, with unit.
    pub y_label: String,
    /// Horizontal axis title (empty: years, obvious from the ticks).
    pub x_label: String,
    /// Logarithmic vertical axis.
    pub y_log: bool,
    /// Vertical values are shares, labelled as percent.
    pub percent: bool,
    /// Stacked areas (bottom first).
    pub areas: Vec<Line>,
    /// Lines.
    pub lines: Vec<Line>,
    /// A vertical marker (x, label), e.g. the calibration year.
    pub marker: Option<(f64, String)>,
}

/// A grid of categories: rows (e.g. regions) by columns (e.g. years).
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Panel title.
    pub title: String,
    /// Row names.
    pub rows: Vec<String>,
    /// Column labels (years).
    pub columns: Vec<i32>,
    /// Category index of each cell, row-major.
    pub cells: Vec<usize>,
    /// Categories: name and colour.
    pub categories: Vec<(String, String)>,
}

/// A heat map of hourly values: hour of day (rows) by day of year (columns).
#[derive(Debug, Clone, Default)]
pub struct HeatMap {
    /// Panel title.
    pub title: String,
    /// Unit of the values, for the colour bar.
    pub unit: String,
    /// Hourly values, hour 0 first.
    pub hourly: Vec<f64>,
}

/// Horizontal bars.
#[derive(Debug, Clone, Default)]
pub struct Bars {
    /// Panel title.
    pub title: String,
    /// Unit of the values.
    pub unit: String,
    /// (label, value, colour).
    pub items: Vec<(String, f64, String)>,
}

/// One panel of a figure.
#[derive(Debug, Clone)]
pub enum Panel {
    /// Lines and areas.
    Xy(XyPanel),
    /// Categories over time.
    Timeline(Timeline),
    /// Hour-of-day by day-of-year heat map.
    HeatMap(HeatMap),
    /// Horizontal bars.
    Bars(Bars),
    /// Places and the edges between them.
    Map(crate::map::MapPanel),
}

impl Panel {
    fn height(&self) -> f64 {
        match self {
            Panel::Xy(_) => 330.0,
            Panel::Timeline(t) => 70.0 + 20.0 * t.rows.len() as f64,
            Panel::HeatMap(_) => 250.0,
            Panel::Bars(b) => 60.0 + 24.0 * b.items.len() as f64,
            Panel::Map(_) => crate::map::MAP_HEIGHT,
        }
    }
}

/// Panels stacked vertically under a title, with a source line at the bottom.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    /// Title.
    pub title: String,
    /// Line under the title (scenario, units).
    pub subtitle: String,
    /// Source and attribution, at the bottom.
    pub source: String,
    /// Panels, top to bottom.
    pub panels: Vec<Panel>,
}

impl Figure {
    /// The figure as an SVG document.
    pub fn to_svg(&self) -> String {
        let header = 62.0;
        let footer = 40.0;
        let height = header + self.panels.iter().map(Panel::height).sum::<f64>() + footer;
        let mut svg = Svg::new(WIDTH, height);
        svg.title(&self.title);
        svg.text(20.0, 28.0, &self.title, 19.0, Anchor::Start, true, INK);
        svg.text(20.0, 48.0, &self.subtitle, 12.5, Anchor::Start, false, "#555555");
        let mut y = header;
        for p in &self.panels {
            svg.group(0.0, y);
            match p {
                Panel::Xy(x) => draw_xy(&mut svg, x, p.height()),
                Panel::Timeline(t) => draw_timeline(&mut svg, t),
                Panel::HeatMap(h) => draw_heat_map(&mut svg, h, p.height()),
                Panel::Bars(b) => draw_bars(&mut svg, b),
                Panel::Map(m) => crate::map::draw_map(&mut svg, m, WIDTH),
            }
            svg.end_group();
            y += p.height();
        }
        for (k, line) in wrap(&self.source, 150).iter().enumerate() {
            svg.text(20.0, y + 16.0 + 13.0 * k as f64, line, 10.5, Anchor::Start, false, "#555555");
        }
        svg.finish()
    }
}

/// Splits text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn legend(svg: &mut Svg, entries: &[(&str, &str, bool)], x: f64, y: f64) {
    for (k, (name, color, area)) in entries.iter().enumerate() {
        let yy = y + 18.0 * k as f64;
        if *area {
            svg.rect(x, yy - 9.0, 14.0, 10.0, color, "");
        } else {
            svg.line(x, yy - 4.0, x + 16.0, yy - 4.0, color, 2.5, None);
        }
        svg.text(x + 22.0, yy, name, LABEL_SIZE, Anchor::Start, false, INK);
    }
}

fn draw_xy(svg: &mut Svg, p: &XyPanel, height: f64) {
    let (top, bottom) = (34.0, height - 34.0);
    let (left, right) = (MARGIN_LEFT, WIDTH - LEGEND_WIDTH);
    svg.text(left, 20.0, &p.title, TITLE_SIZE, Anchor::Start, true, INK);
    let all = p.lines.iter().chain(&p.areas);
    let xs: Vec<f64> = all.clone().flat_map(|l| l.points.iter().map(|q| q.0)).collect();
    let (x_lo, x_hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let (x_lo, x_hi) = if x_lo < x_hi { (x_lo, x_hi) } else { (0.0, 1.0) };
    let x = Scale::linear(x_lo, x_hi, left, right);
    // Stack the areas.
    let mut stacked: Vec<Vec<(f64, f64, f64)>> = Vec::new();
    for (k, a) in p.areas.iter().enumerate() {
        let layer = a
            .points
            .iter()
            .enumerate()
            .map(|(i, &(px, v))| {
                let base = if k == 0 { 0.0 } else { stacked[k - 1].get(i).map_or(0.0, |q| q.2) };
                (px, base, base + v.max(0.0))
            })
            .collect();
        stacked.push(layer);
    }
    let ys = p
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|q| q.1).chain(l.band.iter().flat_map(|b| [b.1, b.2])))
        .chain(stacked.iter().flatten().map(|q| q.2));
    let ys: Vec<f64> = ys.collect();
    let mut y = Scale::fit(ys.iter().copied(), p.y_log, bottom, top);
    // Shares run to 100 %, not to the next round tick above it.
    if p.percent && !p.y_log && ys.iter().all(|v| !v.is_finite() || *v <= 1.0) {
        y.hi = y.hi.min(1.0);
    }
    // Grid and axes.
    for t in y.ticks() {
        let py = y.map(t);
        svg.line(left, py, right, py, GRID, 1.0, None);
        svg.text(left - 6.0, py + 4.0, &label(t, p.percent), LABEL_SIZE, Anchor::End, false, INK);
    }
    let span = (x_hi - x_lo).max(1.0);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0].into_iter().find(|s| span / s <= 10.0).unwrap_or(100.0);
    let mut t = (x_lo / step).ceil() * step;
    while t <= x_hi + 1e-9 {
        let px = x.map(t);
        svg.line(px, bottom, px, bottom + 4.0, INK, 1.0, None);
        svg.text(px, bottom + 17.0, &format!("{t}"), LABEL_SIZE, Anchor::Middle, false, INK);
        t += step;
    }
    svg.line(left, bottom, right, bottom, INK, 1.0, None);
    svg.vertical_text(18.0, (top + bottom) / 2.0, &p.y_label, LABEL_SIZE);
    if !p.x_label.is_empty() {
        svg.text(right, bottom + 30.0, &p.x_label, LABEL_SIZE, Anchor::End, false, INK);
    }
    if let Some((mx, text)) = &p.marker {
        let px = x.map(*mx);
        svg.line(px, top, px, bottom, "#888888", 1.0, Some("3 3"));
        svg.text(px + 4.0, top + 10.0, text, 10.5, Anchor::Start, false, "#555555");
    }
    // Areas, bands, lines.
    for (a, layer) in p.areas.iter().zip(&stacked) {
        let mut poly: Vec<(f64, f64)> = layer.iter().map(|q| (x.map(q.0), y.map(q.2))).collect();
        poly.extend(layer.iter().rev().map(|q| (x.map(q.0), y.map(q.1))));
        svg.polygon(&poly, &a.color, 0.85);
    }
    for l in &p.lines {
        if l.band.len() > 1 {
            let mut poly: Vec<(f64, f64)> = l.band.iter().map(|b| (x.map(b.0), y.map(b.2))).collect();
            poly.extend(l.band.iter().rev().map(|b| (x.map(b.0), y.map(b.1))));
            svg.polygon(&poly, &l.color, 0.18);
        }
    }
    for l in &p.lines {
        let pts: Vec<(f64, f64)> = l
            .points
            .iter()
            .filter(|q| q.1.is_finite() && (!p.y_log || q.1 > 0.0))
            .map(|&(a, b)| (a, b))
            .collect();
        let split =
            l.dashed_from.map_or(pts.len(), |d| pts.iter().position(|q| q.0 >= d).unwrap_or(pts.len()));
        let px = |q: &(f64, f64)| (x.map(q.0), y.map(q.1));
        let solid: Vec<_> = pts[..(split + 1).min(pts.len())].iter().map(px).collect();
        svg.polyline(&solid, &l.color, 2.0, None);
        if split < pts.len() {
            let dashed: Vec<_> = pts[split..].iter().map(px).collect();
            svg.polyline(&dashed, &l.color, 2.0, Some("6 3"));
        }
    }
    let entries: Vec<(&str, &str, bool)> = p
        .lines
        .iter()
        .map(|l| (l.name.as_str(), l.color.as_str(), false))
        .chain(p.areas.iter().rev().map(|a| (a.name.as_str(), a.color.as_str(), true)))
        .collect();
    legend(svg, &entries, right + 16.0, top + 10.0);
}

fn draw_timeline(svg: &mut Svg, t: &Timeline) {
    let (left, right, top) = (MARGIN_LEFT + 40.0, WIDTH - LEGEND_WIDTH, 34.0);
    svg.text(MARGIN_LEFT, 20.0, &t.title, TITLE_SIZE, Anchor::Start, true, INK);
    let cols = t.columns.len().max(1) as f64;
    let cw = (right - left) / cols;
    for (r, name) in t.rows.iter().enumerate() {
        let y = top + 20.0 * r as f64;
        svg.text(left - 6.0, y + 14.0, name, LABEL_SIZE, Anchor::End, false, INK);
        for c in 0..t.columns.len() {
            let cat = t.cells.get(r * t.columns.len() + c).copied().unwrap_or(0);
            let color = t.categories.get(cat).map_or("#ffffff", |k| k.1.as_str());
            svg.rect(left + cw * c as f64, y + 2.0, cw - 1.0, 17.0, color, "");
        }
    }
    let bottom = top + 20.0 * t.rows.len() as f64;
    for (c, year) in t.columns.iter().enumerate() {
        if year % 5 == 0 {
            svg.text(
                left + cw * (c as f64 + 0.5),
                bottom + 16.0,
                &year.to_string(),
                LABEL_SIZE,
                Anchor::Middle,
                false,
                INK,
            );
        }
    }
    let entries: Vec<(&str, &str, bool)> =
        t.categories.iter().map(|(n, c)| (n.as_str(), c.as_str(), true)).collect();
    legend(svg, &entries, right + 16.0, top + 14.0);
}

/// A sequential colour scale (dark blue to yellow, after viridis) at `t` in 0..1.
pub fn sequential(t: f64) -> String {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 } * (STOPS.len() - 1) as f64;
    let k = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn draw_heat_map(svg: &mut Svg, h: &HeatMap, height: f64) {
    let (left, right, top, bottom) = (MARGIN_LEFT, WIDTH - LEGEND_WIDTH, 34.0, height - 30.0);
    svg.text(left, 20.0, &h.title, TITLE_SIZE, Anchor::Start, true, INK);
    let days = h.hourly.len() / 24;
    if days == 0 {
        return;
    }
    let max = h.hourly.iter().copied().filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let (cw, ch) = ((right - left) / days as f64, (bottom - top) / 24.0);
    // Colours in 40 steps (finer than the eye separates), and runs of equal colour within
    // a day drawn as one rectangle: a year of hours in a few hundred kilobytes.
    let level = |v: f64| if max > 0.0 { ((v / max).clamp(0.0, 1.0) * 40.0).round() as u32 } else { 0 };
    for d in 0..days {
        let mut start = 0;
        while start < 24 {
            let k = level(h.hourly[d * 24 + start]);
            let mut end = start + 1;
            while end < 24 && level(h.hourly[d * 24 + end]) == k {
                end += 1;
            }
            // Overlap cells slightly so that no seams show between them.
            let (x, y) = (left + cw * d as f64, top + ch * start as f64);
            svg.rect(x, y, cw + 0.3, ch * (end - start) as f64 + 0.3, &sequential(f64::from(k) / 40.0), "");
            start = end;
        }
    }
    for hour in [0, 6, 12, 18] {
        svg.text(
            left - 6.0,
            top + ch * (hour as f64 + 0.8),
            &format!("{hour:02}h"),
            LABEL_SIZE,
            Anchor::End,
            false,
            INK,
        );
    }
    for (k, month) in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .enumerate()
    {
        let d = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][k] as f64;
        svg.text(left + cw * (d + 15.0), bottom + 16.0, month, LABEL_SIZE, Anchor::Middle, false, INK);
    }
    // Colour bar.
    let (bx, by, bh) = (right + 20.0, top + 10.0, bottom - top - 30.0);
    for k in 0..50 {
        let t = 1.0 - k as f64 / 49.0;
        svg.rect(bx, by + bh * k as f64 / 50.0, 14.0, bh / 50.0 + 0.5, &sequential(t), "");
    }
    svg.text(
        bx + 20.0,
        by + 10.0,
        &format!("{} {}", label(max, false), h.unit),
        LABEL_SIZE,
        Anchor::Start,
        false,
        INK,
    );
    svg.text(bx + 20.0, by + bh, &format!("0 {}", h.unit), LABEL_SIZE, Anchor::Start, false, INK);
}

fn draw_bars(svg: &mut Svg, b: &Bars) {
    let (left, right, top) = (MARGIN_LEFT + 110.0, WIDTH - LEGEND_WIDTH, 34.0);
    svg.text(MARGIN_LEFT, 20.0, &b.title, TITLE_SIZE, Anchor::Start, true, INK);
    let max = b.items.iter().map(|i| i.1).filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let x = Scale::linear(0.0, if max > 0.0 { max } else { 1.0 }, left, right);
    for (k, (name, v, color)) in b.items.iter().enumerate() {
        let y = top + 24.0 * k as f64;
        svg.text(left - 8.0, y + 15.0, name, LABEL_SIZE, Anchor::End, false, INK);
        svg.rect(left, y + 3.0, x.map(*v) - left, 17.0, color, "");
        svg.text(
            x.map(*v) + 6.0,
            y + 15.0,
            &format!("{} {}", label(*v, false), b.unit),
            LABEL_SIZE,
            Anchor::Start,
            false,
            INK,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_has_every_panel_title_legend_and_source() {
        let line = Line {
            name: "China".into(),
            color: PALETTE[0].into(),
            points: vec![(2020.0, 1.0), (2025.0, 2.0), (2030.0, 4.0)],
            band: vec![(2025.0, 1.5, 2.5), (2030.0, 3.0, 6.0)],
            dashed_from: Some(2025.0),
        };
        let fig = Figure {
            title: "Compute".into(),
            subtitle: "baseline".into(),
            source: "Source: test data (CC BY 4.0)".into(),
            panels: vec![
                Panel::Xy(XyPanel {
                    title: "Effective compute".into(),
                    y_label: "EFLOP/s".into(),
                    y_log: true,
                    lines: vec![line],
                    ..Default::default()
                }),
                Panel::Timeline(Timeline {
                    title: "Binding".into(),
                    rows: vec!["China".into()],
                    columns: vec![2025, 2026],
                    cells: vec![0, 1],
                    categories: vec![("power".into(), "#D55E00".into()), ("chips".into(), "#0072B2".into())],
                }),
                Panel::HeatMap(HeatMap {
                    title: "Dispatch".into(),
                    unit: "MW".into(),
                    hourly: (0..48).map(f64::from).collect(),
                }),
                Panel::Bars(Bars {
                    title: "Capacity".into(),
                    unit: "MW".into(),
                    items: vec![("solar".into(), 100.0, PALETTE[4].into())],
                }),
            ],
        };
        let svg = fig.to_svg();
        for needle in [
            "Effective compute",
            "EFLOP/s",
            "Binding",
            "power",
            "Dispatch",
            "Capacity",
            "CC BY 4.0",
            "stroke-dasharray",
            "fill-opacity=\"0.18\"",
        ] {
            assert!(svg.contains(needle), "missing {needle}");
        }
        assert_eq!(svg, fig.to_svg(), "deterministic");
    }

    #[test]
    fn colours_run_from_dark_to_light() {
        assert_eq!(sequential(0.0), "#440154");
        assert_eq!(sequential(1.0), "#fde725");
        assert_eq!(sequential(f64::NAN), "#440154");
    }
}
