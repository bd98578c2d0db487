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
    // `--out-dir` is created, with its parents, once the plan is made.
    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--format", "json", "--out-dir", "out/year"]);
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

    let links = std::fs::read_to_string(dir.path().join("out/year/links.csv")).unwrap();
    assert!(links.starts_with("hour,a-b_mw\n0,"));
    assert_eq!(links.lines().count(), 8761);
    let b = std::fs::read_to_string(dir.path().join("out/year/site-b.csv")).unwrap();
    assert!(b.lines().next().unwrap().ends_with(",import_mw"));

    // Bad input creates no directory.
    let o = suanli(dir.path(), &["network", "plan", "missing.toml", "--out-dir", "fresh"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("fresh").exists());
    // A file where the directory should be is refused before the solve.
    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--out-dir", "out/year/links.csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));

    let o = suanli(dir.path(), &["network", "plan", "net.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("proven lower bound") && table.contains("a-b"), "{table}");
}

/// A western site with cheap sun and an eastern one with dear gas, a city beside the
/// eastern one and within 20 ms of both, and a training quota.
const HUBS: &str = r#"[network]
name = "hubs"
profiles = "p.csv"
h100_hours_quota = 1.0e6
[defaults.solar]
capital_cost_per_mw_year = 50000
[defaults.battery]
power_cost_per_mw_year = 5000
energy_cost_per_mwh_year = 10000
round_trip_efficiency = 0.9
[defaults.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 60
[defaults.training]
it_capacity_cost_per_mw_year = 100000
[sites.a]
lat = 37.5
lon = 105.2
zone = "west"
[sites.b]
lat = 31.0
lon = 115.0
zone = "east"
pue = 1.3
[sites.b.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 120
[demand.city]
lat = 31.2
lon = 115.5
inference_mw = 50
[links.a-b]
from = "a"
to = "b"
capital_cost_per_mw_km_year = 25
"#;

#[test]
fn demand_centres_and_the_three_designs_come_out_of_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("net.toml"), HUBS).unwrap();
    std::fs::write(dir.path().join("p.csv"), profiles()).unwrap();
    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The city's 50 MW of IT for a year are served, over routes within 20 ms.
    let served: f64 =
        v["routes"].as_object().unwrap().values().map(|r| r["inference_mwh"].as_f64().unwrap()).sum();
    assert!((served / (50.0 * 8760.0) - 1.0).abs() < 1e-6, "{served}");
    for r in v["routes"].as_object().unwrap().values() {
        assert!(r["latency_ms"].as_f64().unwrap() <= 20.0);
    }
    let h100: f64 = ["a", "b"].iter().filter_map(|s| v["sites"][s]["training"]["h100_hours"].as_f64()).sum();
    assert!((h100 / 1.0e6 - 1.0).abs() < 1e-6, "{h100}");
    let costs = &v["costs"];
    let sum: f64 = ["sites", "lines", "fibre", "inference"].iter().map(|k| costs[k].as_f64().unwrap()).sum();
    assert!((sum / v["objective_per_year"].as_f64().unwrap() - 1.0).abs() < 1e-6);

    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--quiet", "--chart", "net.svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.path().join("net.svg")).unwrap();
    for needle in [
        "Sites, demand centres, power lines and fibre built",
        "city",
        "Cost per year by kind",
        "fibre (widest",
    ] {
        assert!(svg.contains(needle), "{needle} missing from the chart");
    }

    let o = suanli(dir.path(), &["network", "compare", "net.toml", "--format", "json", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let designs = c["designs"].as_array().unwrap();
    let cost = |i: usize| designs[i]["cost_per_year"].as_f64().unwrap();
    // The optimum may do all either design does: it never costs more.
    assert!(cost(2) <= cost(0) * (1.0 + 1e-7) && cost(2) <= cost(1) * (1.0 + 1e-7));
    assert_eq!(designs[0]["west_share_of_compute"].as_f64().unwrap(), 1.0);
    assert!(designs[1]["west_share_of_compute"].as_f64().unwrap() < 1e-9);
    assert_eq!(designs[0]["lines_twh"].as_f64().unwrap(), 0.0);
    assert!(c["cheapest"].is_string());

    let o = suanli(dir.path(), &["report", "--draws", "0", "--network", "net.toml", "--out", "r.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.contains("<h2>Network plan: hubs</h2>") && html.contains("proven lower bound"));

    // Without zones there is nothing to compare: a clear error, exit 2.
    std::fs::write(dir.path().join("plain.toml"), HUBS.replace("zone = \"west\"\n", "")).unwrap();
    let o = suanli(dir.path(), &["network", "compare", "plain.toml", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("zone = \"west\""), "{}", stderr(&o));
}

#[test]
fn a_network_sweep_plans_each_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("net.toml"), HUBS).unwrap();
    std::fs::write(dir.path().join("p.csv"), profiles()).unwrap();
    std::fs::write(
        dir.path().join("m.toml"),
        "[sweep]\nname = \"lines\"\nbase = \"net.toml\"\nkind = \"network\"\n[axes]\n\"links.a-b.capital_cost_per_mw_km_year\" = [5, 500]\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 cases in 1 chunks") && stderr(&o).contains("0 cases failed"),
        "{}",
        stderr(&o)
    );
    let part = std::fs::read(dir.path().join("out/part-00000.parquet")).unwrap();
    assert!(part.starts_with(b"PAR1"));
    // The columns of a network case are in the file's schema.
    for column in
        ["lower_bound_per_year", "cost_lines", "h100_hours", "links.a-b.capital_cost_per_mw_km_year"]
    {
        assert!(part.windows(column.len()).any(|w| w == column.as_bytes()), "{column}");
    }
}

#[test]
fn a_demand_programme_is_the_networks_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("net.toml"), HUBS).unwrap();
    std::fs::write(dir.path().join("p.csv"), profiles()).unwrap();
    std::fs::write(
        dir.path().join("prog.toml"),
        "[programme]\nname = \"prog\"\nregion = \"china\"\nfirst_year = 2026\nlast_year = 2028\n\
         [training.t]\nruns_per_year = 1\nflop_per_run = 3e23\n\
         [applications.a]\nusers = 1e5\nrequests_per_day = 100\ntokens_per_request = 2000\nparameters = 3e10\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["demand", "prog.toml", "--format", "json"]);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = |cat: &str| {
        d["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["year"] == 2027 && r["category"] == cat)
            .cloned()
            .unwrap()
    };
    let (a, t) = (row("inference_interactive"), row("training"));
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();
    let inference_mw = f(&a, "it_power_gw") * 1e3 * f(&a, "mean_flops") / f(&a, "peak_flops");
    let h100_hours = f(&t, "h100e") * 8760.0;

    let args = ["network", "plan", "net.toml", "--format", "json", "--demand", "prog.toml", "--year", "2027"];
    let o = suanli(dir.path(), &[&args[..], &["--demand-share", "0.5"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("programme prog in China 2027 (share 50.0%)"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let served: f64 =
        v["routes"].as_object().unwrap().values().map(|r| r["inference_mwh"].as_f64().unwrap()).sum();
    assert!((served / (0.5 * inference_mw * 8760.0) - 1.0).abs() < 1e-6, "{served} vs {inference_mw}");
    let h100: f64 = ["a", "b"].iter().filter_map(|s| v["sites"][s]["training"]["h100_hours"].as_f64()).sum();
    assert!((h100 / (0.5 * h100_hours) - 1.0).abs() < 1e-6, "{h100} vs {h100_hours}");

    let o = suanli(dir.path(), &[&args[..8], &["2031"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("covers 2026..2028"), "{}", stderr(&o));
    let o = suanli(dir.path(), &["network", "plan", "net.toml", "--demand", "prog.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--year"), "{}", stderr(&o));
}
