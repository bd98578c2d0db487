//! End-to-end tests of `suanli demand` and `suanli race --demand` on the built-in example
//! and on small programmes whose figures are checked by hand.

mod common;

use common::{assert_user_error, stdout, suanli};
use serde_json::Value;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demand/ai-manufacturing.toml");

fn json(args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), args);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

fn row<'a>(rows: &'a [Value], year: i64, category: &str) -> &'a Value {
    rows.iter().find(|r| r["year"] == year && r["category"] == category).unwrap()
}

#[test]
fn the_example_adds_up() {
    let v = json(&["demand", EXAMPLE, "--format", "json"]);
    assert_eq!(v["programme"], "ai-manufacturing");
    let rows = v["rows"].as_array().unwrap();
    // 2025 pre-training: 3 runs x 1.5e13 tokens x 6 x 3.7e10 parameters x overhead 2.
    let training = row(rows, 2025, "training")["flop_per_year"].as_f64().unwrap();
    assert!((training / (3.0 * 1.5e13 * 6.0 * 3.7e10 * 2.0) - 1.0).abs() < 1e-12, "{training}");
    for year in 2025..=2030 {
        let total = row(rows, year, "total");
        for field in ["flop_per_year", "hardware_flops", "h100e", "power_gw", "energy_twh"] {
            let parts: f64 = rows
                .iter()
                .filter(|r| r["year"] == year && r["category"] != "total")
                .map(|r| r[field].as_f64().unwrap())
                .sum();
            let t = total[field].as_f64().unwrap();
            assert!((parts - t).abs() <= 1e-9 * t, "{year} {field}: {parts} vs {t}");
        }
    }
    // The items of the last year add up to its total, largest first.
    let items = v["items_last_year"].as_array().unwrap();
    let sum: f64 = items.iter().map(|i| i["h100e"].as_f64().unwrap()).sum();
    let t = row(rows, 2030, "total")["h100e"].as_f64().unwrap();
    assert!((sum / t - 1.0).abs() < 1e-12);
    assert!(items.windows(2).all(|w| w[0]["h100e"].as_f64() >= w[1]["h100e"].as_f64()));
    // Demand grows with the plan's adoption.
    let h = |y| row(rows, y, "total")["h100e"].as_f64().unwrap();
    assert!(h(2030) > h(2027) && h(2027) > h(2025));
    let dir = tempfile::tempdir().unwrap();
    let csv = stdout(&suanli(dir.path(), &["demand", EXAMPLE, "--format", "csv"]));
    assert!(csv.starts_with("region,year,category,flop_per_year,"), "{csv}");
    assert_eq!(csv.lines().count(), rows.len() + 1);
    let table = stdout(&suanli(dir.path(), &["demand", EXAMPLE]));
    assert!(table.contains("inference_interactive") && table.contains("k H100e"), "{table}");
}

#[test]
fn race_demand_reports_headroom_and_reproducible_odds() {
    let v = json(&["race", "--demand", EXAMPLE, "--format", "json"]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for r in rows {
        let (d, s, h) = (
            r["demand_h100e"].as_f64().unwrap(),
            r["supply_h100e"].as_f64().unwrap(),
            r["headroom_h100e"].as_f64().unwrap(),
        );
        assert!((s - d - h).abs() <= 1e-9 * s.max(1.0));
        assert_eq!(r["shortfall"], d > s);
    }
    assert!(v.get("odds").is_none());
    let a = json(&["race", "--demand", EXAMPLE, "--format", "json", "--draws", "300", "--seed", "4"]);
    let b = json(&["race", "--demand", EXAMPLE, "--format", "json", "--draws", "300", "--seed", "4"]);
    assert_eq!(a, b);
    let odds = a["odds"].as_array().unwrap();
    assert_eq!(odds.len(), 6);
    assert!(odds.iter().all(|o| (0.0..=1.0).contains(&o["probability"].as_f64().unwrap())));
}

#[test]
fn a_shortfall_names_its_year_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.toml"),
        "[programme]\nname = \"big\"\nregion = \"united_states\"\nfirst_year = 2026\nlast_year = 2030\n\
         [training.huge]\nruns_per_year = { years = { 2026 = 0, 2028 = 1 } }\nflop_per_run = 1e31\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["race", "--demand", "big.toml"]);
    let out = stdout(&o);
    assert!(out.contains("United States: first shortfall in 2027"), "{out}");
    let v = json(&["race", "--demand", dir.path().join("big.toml").to_str().unwrap(), "--format", "json"]);
    assert_eq!(v["first_shortfall"][0]["year"], 2027);
    assert!(v["first_shortfall"][0]["limit"].is_string());
    // Another scenario changes the supply, not the demand's FLOP.
    let base = json(&["demand", dir.path().join("big.toml").to_str().unwrap(), "--format", "json"]);
    let other = json(&[
        "demand",
        dir.path().join("big.toml").to_str().unwrap(),
        "--scenario",
        "us-grid-unlocked",
        "--format",
        "json",
    ]);
    assert_eq!(other["scenario"], "us-grid-unlocked");
    assert_eq!(base["rows"][2]["flop_per_year"], other["rows"][2]["flop_per_year"]);
}

#[test]
fn charts_are_written_by_both_commands() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["demand", EXAMPLE, "--chart", "d.svg"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let svg = std::fs::read_to_string(dir.path().join("d.svg")).unwrap();
    assert!(svg.contains("Accelerators the programme needs, China") && !svg.contains("5-95 % bands"));
    let o = suanli(dir.path(), &["race", "--demand", EXAMPLE, "--draws", "100", "--chart", "c.svg"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let svg = std::fs::read_to_string(dir.path().join("c.svg")).unwrap();
    assert!(svg.contains("Need beside the share of supply it may use, China (5-95 % bands)"));
}

#[test]
fn demand_flags_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    assert_user_error(&suanli(dir.path(), &["race", "--demand", EXAMPLE, "--from", "2025"]), &["--from"]);
    assert_user_error(&suanli(dir.path(), &["race", "--draws", "10"]), &["--demand"]);
    assert_user_error(
        &suanli(dir.path(), &["demand", "nowhere.toml"]),
        &["nowhere.toml", "ai-manufacturing"],
    );
    // The example is built in: the same rows by name, from any directory.
    let by_name = json(&["demand", "ai-manufacturing", "--format", "json"]);
    assert_eq!(by_name["rows"], json(&["demand", EXAMPLE, "--format", "json"])["rows"]);
}

#[test]
fn the_report_shows_the_programme() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["report", "--draws", "50", "--demand", EXAMPLE, "--out", "r.html"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    for needle in [
        "<h2>Demand programme: ai-manufacturing</h2>",
        "Accelerators the programme needs, China",
        "Need beside the share of supply it may use, China",
        "P(shortfall)",
        "covered in every year",
        "<th>item, 2030</th>",
        "applications.agents",
    ] {
        assert!(html.contains(needle), "{needle} missing from the report");
    }
}
