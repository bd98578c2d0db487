//! Plain-text tables for the terminal: a header, right-aligned numbers, no dependencies.

/// A table being built.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Table { header: header.iter().map(|s| s.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row (as many cells as columns).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders the table: numeric columns right-aligned, text columns left-aligned.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let numeric: Vec<bool> = (0..widths.len())
            .map(|i| i > 0 && self.rows.iter().all(|r| r.get(i).is_none_or(|c| looks_numeric(c))))
            .collect();
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
                let sep = if i == 0 { "" } else { "  " };
                if numeric[i] {
                    s.push_str(&format!("{sep}{c:>w$}"));
                } else {
                    s.push_str(&format!("{sep}{c:<w$}"));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.header);
        out.push_str(&line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>()));
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

/// Whether a cell reads as a number (digits, sign, decimal point, `%`, `*`, or `-` alone).
fn looks_numeric(c: &str) -> bool {
    c == "-"
        || (c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-')
            && c.chars().all(|ch| ch.is_ascii_digit() || ".-+e%*".contains(ch)))
}

/// Formats a number with `digits` decimals.
pub fn num(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

/// Formats a share as a percentage with one decimal.
pub fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}
