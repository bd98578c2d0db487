//! End-to-end tests of `suanli site plan` and `suanli profiles synth`.

mod common;

use std::path::Path;

use common::{assert_user_error, stderr, suanli};

const SITE: &str = "[site]\nname = \"t\"\nprofiles = \"p.csv\"\n[load]\nfirm_mw = 100\n[solar]\ncapital_cost_per_mw_year = 50000\n[wind]\ncapital_cost_per_mw_year = 100000\n[battery]\npower_cost_per_mw_year = 20000\nenergy_cost_per_mwh_year = 15000\nround_trip_efficiency = 0.9\n[gas]\ncapital_cost_per_mw_year = 80000\nmarginal_cost_per_mwh = 60\n";

fn synth(dir: &Path) {
    let o = suanli(
        dir,
        &[
            "profiles",
            "synth",
            "--lat",
            "38.5",
            "--solar-cf",
            "0.2",
            "--wind-cf",
            "0.3",
            "--seed",
            "3",
            "--out",
            "p.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn reference_case_dc1_firm_through_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/site");
    let dir = tempfile::tempdir().unwrap();
    let o = suanli(
        dir.path(),
        &["site", "plan", root.join("dc1-firm.toml").to_str().unwrap(), "--format", "json", "--out-dir", "."],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let objective = v["objective_per_year"].as_f64().unwrap();
    assert!((objective / 1_028_861_134.36 - 1.0).abs() < 1e-6, "{objective}");
    for key in ["solar_mw", "wind_mw", "gas_mw", "battery_mw", "battery_mwh"] {
        assert!(v["capacities"][key].is_f64(), "{key}");
    }
    for key in ["lcoe_per_mwh", "gas_share", "curtailment_share"] {
        assert!(v[key].is_f64(), "{key}");
    }
    assert_eq!(v["solver"]["status"], "Solved");
    assert!(v["solver"]["iterations"].as_u64().unwrap() > 0);
    let csv = std::fs::read_to_string(dir.path().join("dispatch.csv")).unwrap();
    assert_eq!(csv.lines().count(), 8761);
    assert!(csv.starts_with("hour,solar_mw,wind_mw,curtailed_mw"));
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(dir.path().join("dispatch.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 8760);
    assert_eq!(meta.file_metadata().schema_descr().num_columns(), 12);
}

#[test]
fn synthetic_profiles_feed_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path());
    let text = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    assert!(text.starts_with("# SYNTHETIC"), "labelled");
    std::fs::write(dir.path().join("s.toml"), SITE).unwrap();
    let o = suanli(dir.path(), &["site", "plan", "s.toml", "--chart", "plan.svg"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("total (objective)") && out.contains(" Solved in "), "{out}");
    let svg = std::fs::read_to_string(dir.path().join("plan.svg")).unwrap();
    for needle in
        ["Capacity built", "Cost per year", "hour of day by day of year", "Profiles: p.csv", "</svg>"]
    {
        assert!(svg.contains(needle), "chart lacks {needle}");
    }
}

#[test]
fn bad_profiles_are_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SITE).unwrap();
    let mut good = String::from("hour,solar_cf,wind_cf\n");
    for h in 0..8760 {
        good.push_str(&format!("{h},0.2,0.3\n"));
    }
    let cases: Vec<(String, Vec<&str>)> = vec![
        (good.replace("\n8759,0.2,0.3\n", "\n"), vec!["p.csv", "8759"]),
        (good.clone() + "8760,0.2,0.3\n", vec!["p.csv", "8761"]),
        (good.replace("\n17,0.2,0.3\n", "\n17,NaN,0.3\n"), vec!["p.csv:19:4", "finite"]),
        (good.replace("\n17,0.2,0.3\n", "\n17,1.2,0.3\n"), vec!["p.csv:19:4", "between 0 and 1"]),
        (good.replace("\n17,0.2,0.3\n", "\n18,0.2,0.3\n"), vec!["p.csv:19:1", "expected hour 17"]),
        (good.replace("hour,solar_cf,wind_cf", "h,s,w"), vec!["p.csv:1:1", "hour,solar_cf,wind_cf"]),
        (String::new(), vec!["p.csv"]),
    ];
    for (text, needles) in cases {
        std::fs::write(dir.path().join("p.csv"), &text).unwrap();
        assert_user_error(&suanli(dir.path(), &["site", "plan", "s.toml", "--out-dir", "."]), &needles);
        assert!(!dir.path().join("dispatch.csv").exists());
    }
    std::fs::write(dir.path().join("p.csv"), [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]).unwrap();
    assert_user_error(&suanli(dir.path(), &["site", "plan", "s.toml"]), &["p.csv"]);
}

#[test]
fn bad_site_files_are_refused_with_position() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path());
    std::fs::write(dir.path().join("a.toml"), SITE.replace("firm_mw = 100", "firm_mw = 100\nfirm_mv = 3"))
        .unwrap();
    assert_user_error(&suanli(dir.path(), &["site", "plan", "a.toml"]), &["a.toml:6:1", "firm_mv"]);
    std::fs::write(
        dir.path().join("b.toml"),
        SITE.replace("round_trip_efficiency = 0.9", "round_trip_efficiency = 1.5"),
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["site", "plan", "b.toml"]),
        &["b.toml:13:25", "round_trip_efficiency"],
    );
    std::fs::write(dir.path().join("c.toml"), SITE.replace("firm_mw = 100", "firm_mw = \"lots\"")).unwrap();
    assert_user_error(&suanli(dir.path(), &["site", "plan", "c.toml"]), &["c.toml:5:11"]);
    std::fs::write(
        dir.path().join("d.toml"),
        "[site]\nname = \"d\"\nprofiles = \"p.csv\"\n[load]\nfirm_mw = 100\n",
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["site", "plan", "d.toml"]),
        &["infeasible", "no source of energy"],
    );
}

/// The README's western-China comparison: flexible training is cheaper per H100-hour than
/// flat training at the same compute. Pins the figures the README quotes.
#[test]
fn readme_example_flexible_training_is_cheaper() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/site");
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| -> serde_json::Value {
        let o = suanli(dir.path(), &["site", "plan", root.join(name).to_str().unwrap(), "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let (firm, flexible) = (run("western-china-firm.toml"), run("western-china-flexible.toml"));
    let objective = |v: &serde_json::Value| v["objective_per_year"].as_f64().unwrap();
    assert!((objective(&firm) / 4_466_786_445.0 - 1.0).abs() < 1e-6, "{}", objective(&firm));
    assert!((objective(&flexible) / 3_890_041_190.0 - 1.0).abs() < 1e-6, "{}", objective(&flexible));
    let per_hour = |v: &serde_json::Value| v["training"]["cost_per_h100_hour"].as_f64().unwrap();
    assert!((per_hour(&firm) - 0.842).abs() < 5e-4 && (per_hour(&flexible) - 0.754).abs() < 5e-4);
    let h100_hours = |v: &serde_json::Value| v["training"]["h100_hours"].as_f64().unwrap();
    assert!((h100_hours(&firm) / h100_hours(&flexible) - 1.0).abs() < 1e-6, "same compute delivered");
}

#[test]
fn the_solver_can_be_chosen_and_a_wrong_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path());
    let plan = |solver: &str| {
        std::fs::write(dir.path().join("s.toml"), format!("{SITE}[solver]\n{solver}\n")).unwrap();
        suanli(dir.path(), &["site", "plan", "s.toml", "--format", "json"])
    };
    let mut objectives = Vec::new();
    for (line, name) in [("", "suanli augmented interior point"), ("name = \"clarabel\"", "clarabel")] {
        let o = plan(line);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["solver"]["name"], name);
        assert!(v["solver"]["fallback"].is_null());
        objectives.push(v["objective_per_year"].as_f64().unwrap());
    }
    assert!((objectives[0] / objectives[1] - 1.0).abs() < 1e-7, "{objectives:?}");
    let o = plan("name = \"simplex\"");
    assert_user_error(&o, &["s.toml:", "unknown solver `simplex`", "`augmented`, `clarabel`"]);
}
