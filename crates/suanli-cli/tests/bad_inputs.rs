//! The bad-input battery (`tests/bad-inputs/`, listed in `expect.txt`): every file must
//! give exit status 2, a message naming the file (with line and column where the file
//! has lines) and saying what is wrong, no panic or backtrace, and no output file.

mod common;

use std::path::Path;

use common::{stderr, suanli};

const BATTERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad-inputs");

/// A site file using `profiles` (a file beside it) and only gas, so it plans in no time.
fn site_with(profiles: &str) -> String {
    format!("[site]\nname = \"t\"\nprofiles = \"{profiles}\"\n[load]\nfirm_mw = 100\n[gas]\ncapital_cost_per_mw_year = 80000\nmarginal_cost_per_mwh = 60\n")
}

fn good_profiles() -> String {
    let mut s = String::from("hour,solar_cf,wind_cf\n");
    for h in 0..8760 {
        s.push_str(&format!("{h},0.2,0.3\n"));
    }
    s
}

/// Profiles of two network sites, `a` and `b`.
fn good_network_profiles() -> String {
    let mut s = String::from("hour,a_solar_cf,a_wind_cf,b_solar_cf,b_wind_cf\n");
    for h in 0..8760 {
        s.push_str(&format!("{h},0.2,0.3,0.1,0.4\n"));
    }
    s
}

/// Files in `dir` (recursively), as relative paths.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(
                files(&p).into_iter().map(|f| format!("{}/{f}", p.file_name().unwrap().to_string_lossy())),
            );
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn every_bad_input_is_refused_cleanly() {
    let expect = std::fs::read_to_string(Path::new(BATTERY).join("expect.txt")).unwrap();
    let mut checked = 0;
    for line in expect.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut parts = line.split('\t');
        let (path, fragment, at) =
            (parts.next().unwrap(), parts.next().unwrap_or(""), parts.next().unwrap_or("0"));
        let at: usize = at.parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        std::fs::copy(Path::new(BATTERY).join(path), dir.path().join(name)).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let o = match path.split('/').next().unwrap() {
            "scenario" => suanli(
                dir.path(),
                &[
                    "race",
                    "--scenario",
                    name,
                    "--format",
                    "json",
                    "--out",
                    "out/race.json",
                    "--chart",
                    "out/race.svg",
                ],
            ),
            "demand" => {
                let o = suanli(
                    dir.path(),
                    &[
                        "demand",
                        name,
                        "--format",
                        "json",
                        "--out",
                        "out/demand.json",
                        "--chart",
                        "out/demand.svg",
                    ],
                );
                let cover = suanli(
                    dir.path(),
                    &[
                        "race",
                        "--demand",
                        name,
                        "--draws",
                        "20",
                        "--format",
                        "csv",
                        "--out",
                        "out/cover.csv",
                        "--chart",
                        "out/c.svg",
                    ],
                );
                assert_eq!(stderr(&o), stderr(&cover), "{path}: demand and race --demand disagree");
                o
            }
            "network" => {
                std::fs::write(dir.path().join("good.csv"), good_network_profiles()).unwrap();
                suanli(dir.path(), &["network", "plan", name, "--out-dir", "out"])
            }
            "site" => {
                std::fs::write(dir.path().join("good.csv"), good_profiles()).unwrap();
                suanli(dir.path(), &["site", "plan", name, "--out-dir", "out", "--chart", "out/site.svg"])
            }
            _ => {
                std::fs::write(dir.path().join("site.toml"), site_with(name)).unwrap();
                suanli(
                    dir.path(),
                    &["site", "plan", "site.toml", "--out-dir", "out", "--chart", "out/site.svg"],
                )
            }
        };
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{path}: exit status; stderr:\n{err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE") && !err.contains("stack backtrace"),
            "{path}: {err}"
        );
        assert!(err.contains(name), "{path}: the message names the file:\n{err}");
        assert!(err.contains(fragment), "{path}: expected `{fragment}` in:\n{err}");
        if at > 0 {
            assert!(err.contains(&format!("{name}:{at}:")), "{path}: expected line {at} in:\n{err}");
        }
        let written = files(&dir.path().join("out"));
        assert!(written.is_empty(), "{path}: wrote {written:?}");
        let stray: Vec<String> = files(dir.path()).into_iter().filter(|f| f.contains(".tmp")).collect();
        assert!(stray.is_empty(), "{path}: left {stray:?}");
        checked += 1;
    }
    assert!(checked >= 30, "the battery has {checked} cases");
}
