//! A map-like panel: places at their latitude and longitude (equirectangular, x shrunk by
//! the cosine of the mean latitude so that shapes keep their proportions), joined by edges
//! whose widths scale with a value. No basemap: coastlines would need a dataset; the
//! places and their labels carry the geography.

use crate::svg::{Anchor, Svg};

/// A place on the map.
#[derive(Debug, Clone)]
pub struct MapNode {
    /// Label.
    pub name: String,
    /// Degrees north, degrees east.
    pub at: (f64, f64),
    /// Area-scaled size value (0: smallest marker).
    pub size: f64,
    /// Fill colour.
    pub color: String,
    /// Square marker (else a circle).
    pub square: bool,
}

/// An edge between two places.
#[derive(Debug, Clone)]
pub struct MapEdge {
    /// Ends, (degrees north, degrees east).
    pub from: (f64, f64),
    /// Other end.
    pub to: (f64, f64),
    /// Width value (widths scale with it, per colour group of the same unit).
    pub value: f64,
    /// Stroke colour.
    pub color: String,
    /// Dashed stroke.
    pub dashed: bool,
}

/// A map panel.
#[derive(Debug, Clone, Default)]
pub struct MapPanel {
    /// Panel title.
    pub title: String,
    /// Places.
    pub nodes: Vec<MapNode>,
    /// Edges (drawn under the places).
    pub edges: Vec<MapEdge>,
    /// Legend lines: (colour, dashed, text).
    pub legend: Vec<(String, bool, String)>,
    /// What node sizes mean, with unit, and the largest value (may hold line breaks).
    pub size_note: String,
}

/// Panel height, px.
pub const MAP_HEIGHT: f64 = 460.0;

/// Draws the map in a `width` x `MAP_HEIGHT` area.
pub fn draw_map(svg: &mut Svg, m: &MapPanel, width: f64) {
    svg.text(78.0, 20.0, &m.title, 15.0, Anchor::Start, true, "#222222");
    let points: Vec<(f64, f64)> =
        m.nodes.iter().map(|n| n.at).chain(m.edges.iter().flat_map(|e| [e.from, e.to])).collect();
    if points.is_empty() {
        return;
    }
    let (lat_min, lat_max) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (lon_min, lon_max) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let shrink = ((lat_min + lat_max) / 2.0).to_radians().cos();
    let (left, right, top, bottom) = (110.0, width - 260.0, 50.0, MAP_HEIGHT - 40.0);
    let span_x = ((lon_max - lon_min) * shrink).max(1e-6);
    let span_y = (lat_max - lat_min).max(1e-6);
    let px = ((right - left) / span_x).min((bottom - top) / span_y);
    let x0 = left + ((right - left) - span_x * px) / 2.0;
    let y0 = top + ((bottom - top) - span_y * px) / 2.0;
    let project = |(lat, lon): (f64, f64)| (x0 + (lon - lon_min) * shrink * px, y0 + (lat_max - lat) * px);
    // Widths: 1.5 to 12 px, each colour scaled to its own largest value (MW and Gbit/s differ).
    for e in &m.edges {
        let largest = m.edges.iter().filter(|o| o.color == e.color).map(|o| o.value).fold(0.0, f64::max);
        if e.value <= 0.0 || largest <= 0.0 {
            continue;
        }
        let (a, b) = (project(e.from), project(e.to));
        let w = 1.5 + 10.5 * e.value / largest;
        svg.line(a.0, a.1, b.0, b.1, &e.color, w, e.dashed.then_some("7 5"));
    }
    let largest = m.nodes.iter().map(|n| n.size).fold(0.0, f64::max);
    for n in &m.nodes {
        let (x, y) = project(n.at);
        let r = 4.0 + if largest > 0.0 { 18.0 * (n.size / largest).sqrt() } else { 0.0 };
        if n.square {
            svg.rect(x - 6.0, y - 6.0, 12.0, 12.0, &n.color, r##"stroke="#222222""##);
        } else {
            svg.circle(x, y, r, &n.color, 0.85);
        }
        svg.text(x + r.max(6.0) + 4.0, y + 4.0, &n.name, 11.5, Anchor::Start, false, "#222222");
    }
    let lx = width - 240.0;
    for (k, (color, dashed, text)) in m.legend.iter().enumerate() {
        let y = 60.0 + 22.0 * k as f64;
        svg.line(lx, y, lx + 30.0, y, color, 4.0, dashed.then_some("7 5"));
        svg.text(lx + 38.0, y + 4.0, text, 11.5, Anchor::Start, false, "#222222");
    }
    let y = 60.0 + 22.0 * m.legend.len() as f64 + 10.0;
    for (k, line) in m.size_note.lines().enumerate() {
        svg.text(lx, y + 15.0 * k as f64, line, 11.0, Anchor::Start, false, "#555555");
    }
}
