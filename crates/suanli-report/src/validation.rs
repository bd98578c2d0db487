//! The report's section setting the scenario beside published projections
//! (`suanli validate`): each figure with its source and date, the model's value and its
//! Monte Carlo 5-95 % band, and whether the band meets the published range.

use std::fmt::Write;

use suanli_mc::validate::{Comparison, Verdict};

use crate::scale::label;
use crate::svg::escape;

fn value(quantity: &str, v: f64) -> String {
    if quantity.contains("self_sufficiency") || quantity.contains("share") {
        format!("{:.1} %", v * 100.0)
    } else {
        label(v, false)
    }
}

/// The section as HTML (empty without comparisons).
pub fn validation_section(all: &[Comparison]) -> String {
    if all.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<h2>Beside published projections</h2>\n<p class=\"muted\">The model's value, its 5-95 % band over the Monte Carlo draws, and the published value or range (<code>suanli validate</code>; the figures: <code>suanli data projections</code>). <em>inside</em>: the band meets the range. Why the model differs where it does: docs/calibration.md.</p>\n<table><tr><th>region</th><th>year</th><th>quantity</th><th>model (5-95 %)</th><th>published</th><th>case</th><th>verdict</th><th>source</th></tr>\n",
    );
    for c in all {
        let q = c.quantity.as_str();
        let published = match c.published_central {
            Some(central) if c.published_low == c.published_high => value(q, central),
            Some(central) => format!(
                "{} ({}-{})",
                value(q, central),
                value(q, c.published_low),
                value(q, c.published_high)
            ),
            None => format!("{}-{}", value(q, c.published_low), value(q, c.published_high)),
        };
        let (class, word) = match c.verdict {
            Verdict::Inside => ("holds", "inside"),
            Verdict::Above => ("partly", "above"),
            Verdict::Below => ("fails", "below"),
        };
        let basis = if c.basis.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"muted\">basis: {}</span>", escape(&c.basis))
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{} <span class=\"muted\">({}-{})</span></td><td class=\"n\">{}</td><td>{}</td><td><span class=\"verdict {class}\">{word}</span></td><td>{} ({}){basis}</td></tr>",
            escape(&c.region),
            c.year,
            escape(q),
            value(q, c.model),
            value(q, c.p5),
            value(q, c.p95),
            published,
            escape(&c.case),
            escape(&c.source),
            escape(&c.published)
        );
    }
    h.push_str("</table>\n");
    h
}
