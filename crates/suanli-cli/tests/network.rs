//! End-to-end tests of `suanli network plan`.

mod common;

use common::{stderr, suanli};

/// Two sites with gas and solar; site b's sun is weaker and its gas dearer, so the line
/// from a to b is worth building.
const NETWORK: &str = r#"[network]
name = "pair"
profiles = "p.csv"
[defaults.load]
firm_mw = 100
[defaults.solar]
capital_cost_per_mw_year = 50000
[defaults.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 60
[sites.a]
[sites.b]
[sites.b.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 120
[links.a-b]
from = "a"
to = "b"
capital_cost_per_mw_year = 20000
efficiency = 0.95
"#;

fn profiles() -> String {
    let mut s = String::from("hour,a_solar_cf,a_wind_cf,b_solar_cf,b_wind_cf\n");
    for h in 0..8760 {
        let sun = (((h % 24) as f64 - 6.0) / 12.0 * std::f64::consts::PI).sin().max(0.0);
        s.push_str(&format!("{h},{:.4},0,{:.4},0\n", sun, 0.5 * sun));
    }
    s
}

#[test]
fn a_pair_of_sites_plans_through_the_cli_with_a_certified_gap_and_hourly_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("net.toml"), NETWORK).unwrap();
    std::fs::write(dir.path().join("p.csv"), profiles()).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--format", "json", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (objective, bound) =
        (v["objective_per_year"].as_f64().unwrap(), v["lower_bound_per_year"].as_f64().unwrap());
    assert!(bound <= objective * (1.0 + 1e-12) && (objective - bound) / bound < 1e-6, "{objective} {bound}");
    for site in ["a", "b"] {
        for key in ["solar_mw", "wind_mw", "gas_mw", "battery_mw", "battery_mwh", "training_mw"] {
            assert!(v["sites"][site]["capacities"][key].is_f64(), "{site} {key}");
        }
    }
    let line = v["links"]["a-b"]["capacity_mw"].as_f64().unwrap();
    assert!(line > 1.0, "the line is worth building: {line} MW");
    // The sites' own costs and the line's add up to the objective.
    let sites: f64 = ["a", "b"].iter().map(|s| v["sites"][s]["objective_per_year"].as_f64().unwrap()).sum();
    let total = sites + v["links"]["a-b"]["cost_per_year"].as_f64().unwrap();
    assert!((total / objective - 1.0).abs() < 1e-6, "{total} against {objective}");

    let links = std::fs::read_to_string(dir.path().join("out/links.csv")).unwrap();
    assert!(links.starts_with("hour,a-b_mw\n0,"));
    assert_eq!(links.lines().count(), 8761);
    let b = std::fs::read_to_string(dir.path().join("out/site-b.csv")).unwrap();
    assert!(b.lines().next().unwrap().ends_with(",import_mw"));

    let o = suanli(dir.path(), &["network", "plan", "net.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("proven lower bound") && table.contains("a-b"), "{table}");
}
