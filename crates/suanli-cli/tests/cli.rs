//! End-to-end tests of the `suanli` binary, each in its own temporary directory with its
//! own data directory.

mod common;

use std::io::{Read, Write};

use common::{assert_user_error, stderr, stdout, suanli};

#[test]
fn race_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["race", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "baseline");
    let rows = v["rows"].as_array().unwrap();
    let regions: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["region"].as_str().unwrap()).collect();
    for name in [
        "China",
        "United States",
        "European Union",
        "India",
        "Japan",
        "South Korea",
        "Taiwan",
        "Gulf states",
        "Rest of World",
        "World",
    ] {
        assert!(regions.contains(name), "{name}");
    }
    assert_eq!(rows.len(), 10 * 41, "2000..2040 for ten regions");
    for r in rows {
        for key in [
            "generation_twh",
            "dc_power_gw",
            "dc_electricity_twh",
            "fleet_h100e",
            "installed_flops",
            "effective_flops",
            "stranded_flops",
            "world_share",
        ] {
            assert!(r[key].is_f64(), "{key} in {r}");
        }
        assert!(["power", "chips", "capital"].contains(&r["binding"].as_str().unwrap()));
        assert!(r["self_sufficiency"].is_f64() || r["self_sufficiency"].is_null());
    }
    assert!(rows.iter().any(|r| r["year"] == 2000 && r["history"] == true));
    for c in v["crossings"].as_array().unwrap() {
        assert!(c["leader"].is_string() && c["follower"].is_string() && c["year"].is_i64());
    }
}

#[test]
fn race_writes_csv_atomically_and_table_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(
        dir.path(),
        &["race", "--format", "csv", "--from", "2024", "--to", "2026", "--out", "out.csv"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(csv.starts_with("region,year,history,generation_twh"));
    assert_eq!(csv.lines().count(), 1 + 10 * 3);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let t = suanli(dir.path(), &["race", "--scenario", "us-grid-unlocked", "--from", "2030", "--to", "2030"]);
    assert!(t.status.success());
    let text = stdout(&t);
    assert!(
        text.contains("scenario: us-grid-unlocked")
            && text.contains("United States")
            && text.contains("CC BY 4.0"),
        "{text}"
    );
}

#[test]
fn bad_scenario_names_file_line_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "extends = \"baseline\"\n[regions.china]\npeu = 1.2\nload_factor = nan\n[regions.atlantis]\npue = 1.1\n[regions.all]\ninterconnect_gw_per_year = -3\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["race", "--scenario", "bad.toml", "--format", "json", "--out", "out.json"]);
    assert_user_error(
        &o,
        &[
            "bad.toml:3:1: error: unknown key `peu`",
            "did you mean `pue`?",
            "bad.toml:4:15",
            "finite",
            "bad.toml:5:10: error: unknown region `atlantis`",
            "bad.toml:8:28",
            "`interconnect_gw_per_year` is -3",
        ],
    );
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn impossible_years_and_garbage_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("years.toml"),
        "extends = \"baseline\"\n[years]\nfirst = 2030\nlast = 2020\n",
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["race", "--scenario", "years.toml"]),
        &["years.toml:", "out of order"],
    );
    std::fs::write(dir.path().join("far.toml"), "extends = \"baseline\"\n[years]\nlast = 99999\n").unwrap();
    assert_user_error(
        &suanli(dir.path(), &["race", "--scenario", "far.toml"]),
        &["far.toml:3:8", "impossible year"],
    );
    std::fs::write(dir.path().join("junk.toml"), [0xffu8, 0x00, 0x13, 0x37, b'[', b'[']).unwrap();
    assert_user_error(&suanli(dir.path(), &["race", "--scenario", "junk.toml"]), &["junk.toml"]);
    std::fs::write(dir.path().join("syntax.toml"), "[world\n").unwrap();
    assert_user_error(
        &suanli(dir.path(), &["race", "--scenario", "syntax.toml"]),
        &["syntax.toml:1:", "invalid TOML"],
    );
    assert_user_error(
        &suanli(dir.path(), &["race", "--scenario", "no-such"]),
        &["neither a built-in scenario"],
    );
    assert_user_error(&suanli(dir.path(), &["race", "--from", "1990"]), &["covers 2000..2040"]);
}

#[test]
fn a_user_scenario_extends_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("more.toml"), "name = \"more\"\nextends = \"baseline\"\n[regions.china]\ncapex_usd_bn = { value = 500, source = \"test\" }\nimport_cap_chips = { us_frontier = 1e7 }\n").unwrap();
    let run = |s: &str| -> serde_json::Value {
        let o = suanli(
            dir.path(),
            &["race", "--scenario", s, "--format", "json", "--from", "2030", "--to", "2030"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let china = |v: &serde_json::Value| {
        v["rows"].as_array().unwrap().iter().find(|r| r["region"] == "China").unwrap()["effective_flops"]
            .as_f64()
            .unwrap()
    };
    let (base, more) = (run("baseline"), run("more.toml"));
    assert_eq!(more["scenario"], "more");
    assert!(china(&more) > china(&base));
    let show = suanli(dir.path(), &["scenario", "show", "more.toml"]);
    assert!(stdout(&show).contains("test"), "{}", stdout(&show));
}

#[test]
fn scenario_show_new_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let show = suanli(dir.path(), &["scenario", "show", "baseline"]);
    let text = stdout(&show);
    assert!(
        text.contains("regions.china") && text.contains("import_cap_chips") && text.contains("BIS"),
        "{text}"
    );
    assert!(suanli(dir.path(), &["scenario", "new", "mine.toml"]).status.success());
    let again = suanli(dir.path(), &["scenario", "show", "mine.toml"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_user_error(&suanli(dir.path(), &["scenario", "new", "mine.toml"]), &["exists"]);
    let list = stdout(&suanli(dir.path(), &["scenario", "list"]));
    for name in
        ["baseline", "export-controls-tight", "us-grid-unlocked", "china-self-sufficiency", "china-3x-power"]
    {
        assert!(list.contains(name), "{name}");
    }
}

#[test]
fn claims_json_lists_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["claims", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let claims = v.as_array().unwrap();
    assert!(claims.len() >= 4);
    for c in claims {
        for key in ["id", "statement", "verdict", "value", "detail", "by_scenario"] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
    }
    let three_x = claims.iter().find(|c| c["id"] == "china-3x-us-generation").unwrap();
    assert_eq!(three_x["verdict"], "fails");
    assert!(three_x["needed_value"].as_f64().unwrap() > 0.2, "the growth needed is solved for");
    let scen = three_x["by_scenario"].as_array().unwrap();
    assert!(scen.iter().any(|s| s["scenario"] == "china-3x-power" && s["verdict"] == "holds"));
}

#[test]
fn claims_file_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[[claim]]\nid = \"x\"\nstatement = \"s\"\nkind = \"ratio\"\nmetrik = \"generation_twh\"\n",
    )
    .unwrap();
    assert_user_error(&suanli(dir.path(), &["claims", "--claims", "c.toml"]), &["c.toml:5:1", "metrik"]);
}

#[test]
fn claims_a_scenario_does_not_cover_are_left_out_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("short.toml"),
        "name = \"short\"\nextends = \"baseline\"\n[years]\nlast = 2028\n",
    )
    .unwrap();
    // Built-in claims about 2040 are left out with a note; the others are evaluated.
    let o = suanli(dir.path(), &["claims", "--scenario", "short.toml", "--draws", "0", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("left out") && stderr(&o).contains("china-far-exceeds-rest-of-world-compute")
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"china-3x-us-generation") && !ids.contains(&"china-far-exceeds-rest-of-world-compute")
    );
    // A claim of the user's own about a year outside the scenario is an error, named.
    std::fs::write(
        dir.path().join("c.toml"),
        "[[claim]]\nid = \"mine\"\nstatement = \"s\"\nsaid_by = \"me\"\nkind = \"exceeds\"\nmetric = \"effective_flops\"\nregion = \"china\"\nversus = \"united_states\"\nfactor = 1.0\nby_year = 2035\n",
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["claims", "--scenario", "short.toml", "--claims", "c.toml"]),
        &["mine", "2035"],
    );
}

#[test]
fn data_sources_show_licences() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&suanli(dir.path(), &["data", "sources"]));
    for needle in [
        "electricity",
        "accelerators",
        "fleets",
        "CC BY 4.0",
        "Our World in Data",
        "Epoch AI",
        "built-in table",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

/// Serves `body` once over HTTP on 127.0.0.1 and returns the URL.
fn serve_once(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}/electricity.csv")
}

#[test]
fn data_update_downloads_an_owid_export_and_race_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    // A tiny export in OWID's short-header format: every country of the default regions
    // has 1 TWh of coal in 2000-2001 (Rest of World: Brazil).
    let mut csv = String::from(
        "Entity,Code,Year,Other renewables,Bioenergy,Solar,Wind,Hydropower,Nuclear,Oil,Gas,Coal\n",
    );
    for code in ["CHN", "USA", "DEU", "IND", "JPN", "KOR", "TWN", "SAU", "BRA"] {
        for year in [2000, 2001] {
            csv.push_str(&format!("{code},{code},{year},0,0,0,0,0,0,0,0,1\n"));
        }
    }
    let url = serve_once(csv);
    let o = suanli(dir.path(), &["data", "update", "electricity", "--from", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = std::fs::read_to_string(dir.path().join("data/electricity.csv")).unwrap();
    assert!(table.contains("\nchina,2001,1.00,"), "{table}");
    let sources = stdout(&suanli(dir.path(), &["data", "sources"]));
    assert!(sources.contains("refreshed table"), "{sources}");
    // The refreshed table reaches only 2001, so the scenario's calibration year (2024)
    // now lies in projected generation; the model still runs.
    let race = suanli(dir.path(), &["race", "--format", "json", "--from", "2001", "--to", "2002"]);
    assert!(race.status.success(), "{}", stderr(&race));
    let v: serde_json::Value = serde_json::from_slice(&race.stdout).unwrap();
    let china_2001 =
        v["rows"].as_array().unwrap().iter().find(|r| r["region"] == "China" && r["year"] == 2001).unwrap();
    assert_eq!(china_2001["generation_twh"], 1.0);
}

#[test]
fn data_update_rejects_a_bad_file_and_keeps_the_old_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), "Entity,Code,Year,Other renewables,Bioenergy,Solar,Wind,Hydropower,Nuclear,Oil,Gas,Coal\nX,CHN,2000,0,0,-1,0,0,0,0,0,0\n").unwrap();
    let o = suanli(dir.path(), &["data", "update", "electricity", "--from", "bad.csv"]);
    assert_user_error(&o, &["bad.csv:2:16", "non-negative"]);
    assert!(!dir.path().join("data/electricity.csv").exists());
}

#[test]
fn negative_capacities_and_infinities_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("neg.toml"),
        "extends = \"baseline\"\n[regions.china]\nconventional_dc_gw = -2\npue = +inf\n",
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["race", "--scenario", "neg.toml"]),
        &["neg.toml:3:22", "neg.toml:4:7", "finite"],
    );
    // A growth rate that drives a capacity negative in a later year is caught too.
    std::fs::write(dir.path().join("decay.toml"), "extends = \"baseline\"\n[regions.india]\ninterconnect_gw_per_year = { value = 1, base_year = 2025, growth_per_year = -2 }\n").unwrap();
    assert_user_error(&suanli(dir.path(), &["race", "--scenario", "decay.toml"]), &["decay.toml:3:28"]);
}

#[test]
fn hindcast_json_has_rows_skill_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        suanli(dir.path(), &["hindcast", "--base-year", "2020", "--base-year", "2022", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let find = |base: i64, region: &str, year: i64, q: &str| {
        rows.iter()
            .find(|r| {
                r["base_year"] == base && r["region"] == region && r["year"] == year && r["quantity"] == q
            })
            .unwrap_or_else(|| panic!("no row {base} {region} {year} {q}"))
    };
    let world = find(2020, "World", 2024, "fleet_h100e");
    let (m, ob) = (world["modelled"].as_f64().unwrap(), world["observed"].as_f64().unwrap());
    assert!((world["relative_error"].as_f64().unwrap() - (m / ob - 1.0)).abs() < 1e-9);
    // Nothing observed: null.
    assert!(find(2022, "India", 2025, "dc_electricity_twh")["observed"].is_null());
    assert_eq!(find(2022, "China", 2024, "dc_electricity_twh")["observed"], 102.0);
    assert!(!rows.iter().any(|r| r["base_year"] == 2020 && r["year"].as_i64().unwrap() <= 2020));
    assert!(v["skill"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["base_year"].is_null() && s["quantity"] == "fleet_h100e"));
    assert!(v["observations"].as_array().unwrap().iter().all(|o| !o["source"].as_str().unwrap().is_empty()));
    assert!(!v["later_data"].as_array().unwrap().is_empty());
    let table = suanli(dir.path(), &["hindcast", "--base-year", "2021"]);
    assert!(stdout(&table).contains("from 2021") && stdout(&table).contains("Skill"), "{}", stdout(&table));
}

#[test]
fn hindcast_refuses_base_years_it_cannot_build() {
    let dir = tempfile::tempdir().unwrap();
    assert_user_error(&suanli(dir.path(), &["hindcast", "--base-year", "2015"]), &["outside 2018-2023"]);
    assert_user_error(
        &suanli(dir.path(), &["hindcast", "--base-year", "2022", "--to", "2021"]),
        &["--to 2021"],
    );
}

#[test]
fn projections_and_validation_list_sources_and_bands() {
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(dir.path(), &["data", "projections", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let all = all.as_array().unwrap();
    assert!(all.len() >= 15);
    assert!(all
        .iter()
        .all(|p| !p["source"].as_str().unwrap().is_empty() && !p["published"].as_str().unwrap().is_empty()));

    let o = suanli(dir.path(), &["validate", "--draws", "200", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let comparisons = v["comparisons"].as_array().unwrap();
    assert!(comparisons.len() >= 15);
    for c in comparisons {
        let (p5, model, p95) =
            (c["p5"].as_f64().unwrap(), c["model"].as_f64().unwrap(), c["p95"].as_f64().unwrap());
        assert!(p5 <= p95, "{c}");
        let (low, high) = (c["published_low"].as_f64().unwrap(), c["published_high"].as_f64().unwrap());
        let expected = if p5 > high {
            "above"
        } else if p95 < low {
            "below"
        } else {
            "inside"
        };
        assert_eq!(c["verdict"], expected, "{c}");
        assert!(model.is_finite());
    }
    // The IEA Base case for the world in 2030 is among them.
    assert!(comparisons
        .iter()
        .any(|c| c["region"] == "World" && c["year"] == 2030 && c["published_central"] == 945.0));
    let table = suanli(dir.path(), &["validate", "--draws", "100"]);
    assert!(stdout(&table).contains("5-95 % band"), "{}", stdout(&table));
}
