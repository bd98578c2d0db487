//! End-to-end tests of `suanli mc` and `suanli sensitivity`.

mod common;

use std::process::Command;

use common::*;

fn run_with_threads(dir: &std::path::Path, threads: &str, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_suanli"))
        .args(args)
        .current_dir(dir)
        .env("SUANLI_DATA_DIR", dir.join("data"))
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs");
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn mc_json_has_the_documented_shape_and_sane_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["mc", "--draws", "2000", "--seed", "7", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["draws"], 2000);
    assert_eq!(v["seed"], 7);
    let rows = v["percentiles"].as_array().unwrap();
    // 10 regions (World included) x 41 years x 3 metrics.
    assert_eq!(rows.len(), 10 * 41 * 3);
    for r in rows {
        let p: Vec<f64> = ["p5", "p25", "p50", "p75", "p95"].iter().map(|k| r[k].as_f64().unwrap()).collect();
        assert!(p.windows(2).all(|w| w[0] <= w[1]), "{r}");
        assert!(r["region"].is_string() && r["year"].is_i64() && r["metric"].is_string());
    }
    let china_2030 = rows
        .iter()
        .find(|r| r["region"] == "China" && r["year"] == 2030 && r["metric"] == "effective_flops")
        .unwrap();
    assert!(china_2030["p5"].as_f64().unwrap() < china_2030["p95"].as_f64().unwrap());
    // History is data: no spread.
    let china_2020 = rows
        .iter()
        .find(|r| r["region"] == "China" && r["year"] == 2020 && r["metric"] == "generation_twh")
        .unwrap();
    assert_eq!(china_2020["p5"], china_2020["p95"]);
    let leads = v["lead_probability"].as_array().unwrap();
    for pair in [("China", "United States"), ("China", "Rest of World")] {
        let years: Vec<_> =
            leads.iter().filter(|l| l["leader"] == pair.0 && l["follower"] == pair.1).collect();
        assert_eq!(years.len(), 16, "{pair:?}");
        assert!(years.iter().all(|l| (0.0..=1.0).contains(&l["p"].as_f64().unwrap())));
    }
    let claims = v["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 4);
    for c in claims {
        let sum: f64 = ["holds", "partly", "fails"].iter().map(|k| c[k].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12 && c["id"].is_string(), "{c}");
    }
    for b in v["binding_probability"].as_array().unwrap() {
        let sum: f64 = ["power", "chips", "capital"].iter().map(|k| b[k].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{b}");
    }
}

#[test]
fn mc_output_is_byte_identical_across_thread_counts_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["mc", "--draws", "5000", "--seed", "3", "--format", "json", "--quiet"];
    let one = run_with_threads(dir.path(), "1", &args);
    let two = run_with_threads(dir.path(), "2", &args);
    let three = run_with_threads(dir.path(), "3", &args);
    assert_eq!(one, two);
    assert_eq!(one, three);
    let other_seed =
        run_with_threads(dir.path(), "2", &["mc", "--draws", "5000", "--seed", "4", "--format", "json"]);
    assert_ne!(one, other_seed);
}

#[test]
fn mc_refuses_a_scenario_without_uncertainty_and_bad_uncertain_entries() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["mc", "--scenario", "china-3x-power", "--draws", "10"]);
    // Built-in variants extend the baseline and keep its uncertainty.
    assert!(o.status.success(), "{}", stderr(&o));

    std::fs::write(
        dir.path().join("bad.toml"),
        "extends = \"baseline\"\n[regions.all]\npue = { value = 1.3, uncertain = { dist = \"triangular\", min = 1.5, mode = 1.3, max = 1.4 } }\nutilisation = { value = 0.4, uncertain = { dist = \"gamma\", k = 2 } }\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["mc", "--scenario", "bad.toml", "--draws", "10", "--out", "out.json"]);
    assert_user_error(
        &o,
        &["bad.toml:3:", "min <= mode <= max", "bad.toml:4:", "unknown distribution `gamma`"],
    );
    assert!(!dir.path().join("out.json").exists());

    std::fs::write(
        dir.path().join("certain.toml"),
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../suanli-scenario/scenarios/baseline.toml"
        ))
        .unwrap()
        .lines()
        .map(|l| match l.find(", uncertain = {") {
            Some(i) => format!("{} }}", &l[..i]),
            None if l.starts_with("generation_growth_per_year = { uncertain") => String::new(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n"),
    )
    .unwrap();
    let o = suanli(dir.path(), &["mc", "--scenario", "certain.toml", "--draws", "10"]);
    assert_user_error(&o, &["has no uncertain parameter"]);
}

#[test]
fn sensitivity_ranks_factors_for_both_headline_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["sensitivity", "--samples", "256", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let analyses = v["analyses"].as_array().unwrap();
    assert_eq!(analyses.len(), 2);
    for a in analyses {
        let bars = a["tornado"]["bars"].as_array().unwrap();
        assert_eq!(bars.len(), 20);
        let swings: Vec<f64> = bars.iter().map(|b| b["swing"].as_f64().unwrap()).collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(a["sobol"]["indices"].as_array().unwrap().len(), 20);
    }
    let o = suanli(dir.path(), &["sensitivity", "--output", "effective_flops:atlantis:2030"]);
    assert_user_error(&o, &["unknown region `atlantis`"]);
    let o = suanli(dir.path(), &["sensitivity", "--output", "effective_flops:china:2020"]);
    assert_user_error(&o, &["projected year"]);
}

#[test]
fn claims_report_their_probability_under_the_uncertain_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["claims", "--format", "json", "--draws", "500"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for c in v.as_array().unwrap() {
        let p = &c["probability"];
        assert_eq!(p["draws"], 500);
        assert_eq!(p["scenario"], "baseline");
        let sum: f64 = ["holds", "partly", "fails"].iter().map(|k| p[k].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{p}");
    }
    // 3x US generation by 2026 fails in every draw: China's 2026 growth would have to be ~30 %.
    let gen = v.as_array().unwrap().iter().find(|c| c["id"] == "china-3x-us-generation").unwrap();
    assert_eq!(gen["probability"]["fails"], 1.0);
    let o = suanli(dir.path(), &["claims", "--draws", "0", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0].get("probability").is_none());
}

#[test]
fn race_chart_has_every_panel_with_bands_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["race", "--chart", "race.svg", "--bands", "300", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.path().join("race.svg")).unwrap();
    for needle in [
        "Effective AI compute by region (bands: 5th-95th percentile)",
        "Which limit binds",
        "Electricity generation by source, China",
        "Electricity generation by source, United States",
        "Data-centre electricity as a share of generation",
        "Self-sufficiency",
        "CC BY 4.0",
        "fill-opacity=\"0.18\"",
    ] {
        assert!(svg.contains(needle), "chart lacks {needle}");
    }
    let o = suanli(dir.path(), &["race", "--chart", "missing/race.svg"]);
    assert_user_error(&o, &["does not exist"]);
}

#[test]
fn report_is_one_self_contained_html_file() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["report", "--draws", "300", "--out", "report.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for needle in [
        "<h2>Key figures</h2>",
        "<h2>Charts</h2>",
        "<svg",
        "<h2>Claims from the public debate</h2>",
        "Over the Monte Carlo draws",
        "<h2>Beside published projections</h2>",
        "IEA, Energy and AI (2025)",
        "<h2>Assumptions</h2>",
        "Uptime Institute",
        "<h2>Data and attribution</h2>",
        "CC BY 4.0",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    // Nothing to fetch: no scripts, stylesheets, images or fonts from elsewhere.
    for banned in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(banned), "report contains {banned}");
    }
    let o = suanli(dir.path(), &["report", "--site", "nope.toml", "--out", "r2.html"]);
    assert_user_error(&o, &["nope.toml"]);
    assert!(!dir.path().join("r2.html").exists());
}
