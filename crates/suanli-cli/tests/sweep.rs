//! `suanli sweep`: cases planned into Parquet chunks, resumed, sharded; bad manifests
//! refused before any work.

mod common;

use std::path::Path;

use common::{assert_user_error, stderr, suanli};

/// A small site (solar, battery, gas) and a sweep of it: 2 gas prices x 2 latitudes.
fn write_sweep(dir: &Path, extra: &str) {
    let profiles: String =
        (0..8760).map(|h| format!("{h},{},0.3\n", if h % 24 < 12 { 0.6 } else { 0.0 })).collect();
    std::fs::write(dir.join("p.csv"), format!("hour,solar_cf,wind_cf\n{profiles}")).unwrap();
    std::fs::write(
        dir.join("site.toml"),
        "[site]\nname = \"s\"\nprofiles = \"p.csv\"\n[load]\nfirm_mw = 100\n[solar]\ncapital_cost_per_mw_year = 50000\n[battery]\npower_cost_per_mw_year = 20000\nenergy_cost_per_mwh_year = 15000\nround_trip_efficiency = 0.9\n[gas]\ncapital_cost_per_mw_year = 80000\nmarginal_cost_per_mwh = 60\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("m.toml"),
        format!("[sweep]\nname = \"t\"\nbase = \"site.toml\"\nchunk_cases = 1\n[axes]\n\"gas.marginal_cost_per_mwh\" = [40, 80]\n[locations]\nlat = [20, 50]\nsolar_cf = [0.22, 0.12]\nwind_cf = [0.3, 0.3]\n{extra}"),
    )
    .unwrap();
}

fn parts(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sweep_writes_a_chunk_per_file_resumes_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    write_sweep(dir.path(), "");
    let o = suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    assert_eq!(
        parts(&out),
        ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"]
    );
    assert!(stderr(&o).contains("4 cases in 4 chunks"), "{}", stderr(&o));
    // Parquet magic at both ends.
    let bytes = std::fs::read(out.join("part-00003.parquet")).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));

    // A rerun writes nothing; a lost chunk is written again, and only it.
    std::fs::remove_file(out.join("part-00002.parquet")).unwrap();
    let before = std::fs::metadata(out.join("part-00001.parquet")).unwrap().modified().unwrap();
    let o = suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]);
    assert!(
        stderr(&o).contains("planned 1 cases (1 chunks)") && stderr(&o).contains("3 chunks already written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::metadata(out.join("part-00001.parquet")).unwrap().modified().unwrap(), before);
    assert_eq!(parts(&out).len(), 4);

    // Shards split the chunks between them: 1/2 runs chunks 1 and 3.
    let o = suanli(dir.path(), &["sweep", "m.toml", "--out", "sharded", "--shard", "1/2", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(parts(&dir.path().join("sharded")), ["part-00001.parquet", "part-00003.parquet"]);
    assert_eq!(std::fs::read(dir.path().join("sharded/part-00003.parquet")).unwrap(), bytes);
}

#[test]
fn bad_manifests_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    write_sweep(dir.path(), "[sweep2]\n");
    assert_user_error(&suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]), &["m.toml:11:2", "sweep2"]);
    assert!(!dir.path().join("out").exists());
    // A value that does not read names the case and the value.
    std::fs::write(
        dir.path().join("m.toml"),
        "[sweep]\nname = \"t\"\nbase = \"site.toml\"\n[axes]\n\"gas.marginal_cost_per_mwh\" = [40, -5]\n",
    )
    .unwrap();
    assert_user_error(
        &suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]),
        &["case 1", "gas.marginal_cost_per_mwh = -5", "marginal_cost_per_mwh"],
    );
    assert_user_error(
        &suanli(dir.path(), &["sweep", "m.toml", "--out", "o", "--shard", "2/2"]),
        &["--shard"],
    );
    assert_user_error(&suanli(dir.path(), &["sweep", "missing.toml", "--out", "o"]), &["missing.toml"]);
}

#[test]
fn a_scenario_sweep_runs_the_nation_model_per_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), "name = \"s\"\nextends = \"baseline\"\n").unwrap();
    std::fs::write(
        dir.path().join("m.toml"),
        "[sweep]\nname = \"grid\"\nbase = \"s.toml\"\nkind = \"scenario\"\nchunk_cases = 5\noutputs = [\"effective_flops:united_states:2030\", \"dc_electricity_twh:world:2030\"]\n[axes]\n\"regions.united_states.interconnect_gw_per_year\" = [5, 10, 20, 40]\n",
    )
    .unwrap();
    let o = suanli(dir.path(), &["sweep", "m.toml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(parts(&dir.path().join("out")), ["part-00000.parquet"]);
    let bytes = std::fs::read(dir.path().join("out/part-00000.parquet")).unwrap();
    assert!(bytes.windows(32).any(|w| w == b"effective_flops:united_states:20"));

    // Outputs must name what the model has.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[sweep]\nname = \"g\"\nbase = \"s.toml\"\nkind = \"scenario\"\noutputs = [\"effective_flops:atlantis:2030\"]\n",
    )
    .unwrap();
    assert_user_error(&suanli(dir.path(), &["sweep", "bad.toml", "--out", "o"]), &["atlantis"]);
    std::fs::write(
        dir.path().join("bad2.toml"),
        "[sweep]\nname = \"g\"\nbase = \"s.toml\"\nkind = \"scenario\"\n",
    )
    .unwrap();
    assert_user_error(&suanli(dir.path(), &["sweep", "bad2.toml", "--out", "o"]), &["needs `outputs`"]);
}
