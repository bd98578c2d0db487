//! A minimal SVG writer.
//!
//! Written by hand rather than with plotters: plotters measures text with a font backend
//! (system fonts or a bundled TTF) to lay out labels, while an SVG viewer renders text
//! itself; our charts need only rectangles, paths and text, placed by fixed rules.
//! Output is deterministic: coordinates are printed with two decimals.

// The primitives take geometry and style as plain arguments, one per SVG attribute.
#![allow(clippy::too_many_arguments)]

use std::fmt::Write;

/// Font stack for all text: generic families, so no font is needed to write the file.
const FONT: &str = "Helvetica, Arial, sans-serif";

/// An SVG document being written.
pub struct Svg {
    out: String,
}

/// Horizontal text anchor.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

/// Formats a coordinate.
pub fn n(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Escapes text for XML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Svg {
    /// A document of `width` x `height` pixels with a white background.
    pub fn new(width: f64, height: f64) -> Self {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
            w = n(width),
            h = n(height)
        );
        out.push('\n');
        let mut svg = Svg { out };
        svg.rect(0.0, 0.0, width, height, "#ffffff", "");
        svg
    }

    /// A rectangle; `extra` is appended inside the element (e.g. `stroke="#000"`).
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" {extra}/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        );
    }

    /// A circle with a thin dark outline.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, opacity: f64) {
        let _ = writeln!(
            self.out,
            r##"<circle cx="{}" cy="{}" r="{}" fill="{fill}" fill-opacity="{}" stroke="#222222" stroke-width="0.8"/>"##,
            n(cx),
            n(cy),
            n(r.max(0.0)),
            n(opacity)
        );
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64, dash: Option<&str>) {
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"{dash}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width)
        );
    }

    /// A polyline through `points` (pixels).
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dash: Option<&str>) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = writeln!(
            self.out,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{}" stroke-linejoin="round"{dash}/>"#,
            pts.join(" "),
            n(width)
        );
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: &str, opacity: f64) {
        if points.len() < 3 {
            return;
        }
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let _ = writeln!(
            self.out,
            r#"<polygon points="{}" fill="{fill}" fill-opacity="{}" stroke="none"/>"#,
            pts.join(" "),
            n(opacity)
        );
    }

    /// Text at (x, y) (baseline).
    pub fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor, bold: bool, fill: &str) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="{fill}"{weight}>{}</text>"#,
            n(x),
            n(y),
            n(size),
            escape(s)
        );
    }

    /// Text rotated by -90 degrees around (x, y) (for vertical axis titles).
    pub fn vertical_text(&mut self, x: f64, y: f64, s: &str, size: f64) {
        let _ = writeln!(
            self.out,
            r##"<text x="{x}" y="{y}" font-size="{}" text-anchor="middle" fill="#333333" transform="rotate(-90 {x} {y})">{}</text>"##,
            n(size),
            escape(s),
            x = n(x),
            y = n(y)
        );
    }

    /// Starts a group translated by (dx, dy).
    pub fn group(&mut self, dx: f64, dy: f64) {
        let _ = writeln!(self.out, r#"<g transform="translate({},{})">"#, n(dx), n(dy));
    }

    /// Ends a group.
    pub fn end_group(&mut self) {
        self.out.push_str("</g>\n");
    }

    /// A `<title>` (tooltip in browsers, accessible name).
    pub fn title(&mut self, s: &str) {
        let _ = writeln!(self.out, "<title>{}</title>", escape(s));
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_deterministic_svg() {
        let mut s = Svg::new(100.0, 50.0);
        s.text(1.0 / 3.0, 10.0, "a < b & \"c\"", 12.0, Anchor::Start, false, "#000");
        s.line(0.0, -0.0001, 1.5, 2.0, "#000", 1.0, Some("4 2"));
        let out = s.finish();
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(out.contains("x=\"0.33\"") && out.contains("a &lt; b &amp; &quot;c&quot;"));
        assert!(out.contains("y1=\"0\"") && out.trim_end().ends_with("</svg>"));
    }
}
