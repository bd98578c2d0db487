//! Determinism and atomicity end to end: the same inputs give byte-identical files, and a
//! run interrupted with SIGINT leaves no output and no temporary file behind.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{stderr, suanli};

/// Every file under `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn same_inputs_give_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    for (args, file) in [
        (
            vec!["race", "--format", "json", "--out", "a.json", "--chart", "a.svg", "--bands", "500"],
            ["a.json", "a.svg"],
        ),
        (
            vec!["mc", "--draws", "3000", "--format", "json", "--out", "m.json", "--quiet"],
            ["m.json", "m.json"],
        ),
        (vec!["report", "--draws", "500", "--out", "r.html"], ["r.html", "r.html"]),
    ] {
        let first = suanli(dir.path(), &args);
        assert!(first.status.success(), "{}", stderr(&first));
        let before: Vec<Vec<u8>> = file.iter().map(|f| std::fs::read(dir.path().join(f)).unwrap()).collect();
        let again = Command::new(env!("CARGO_BIN_EXE_suanli"))
            .args(&args)
            .current_dir(dir.path())
            .env("SUANLI_DATA_DIR", dir.path().join("data"))
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .unwrap();
        assert!(again.status.success(), "{}", stderr(&again));
        for (f, b) in file.iter().zip(before) {
            assert!(std::fs::read(dir.path().join(f)).unwrap() == b, "{f} differs between runs");
        }
    }
}

/// Starts `args`, sends SIGINT after `after`, and returns the exit status.
fn interrupt(dir: &Path, args: &[&str], after: Duration) -> std::process::ExitStatus {
    interrupt_with(dir, args, after, &[])
}

fn interrupt_with(
    dir: &Path,
    args: &[&str],
    after: Duration,
    env: &[(&str, &str)],
) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_suanli"))
        .args(args)
        .current_dir(dir)
        .env("SUANLI_DATA_DIR", dir.join("data"))
        .envs(env.iter().copied())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    child.wait().unwrap()
}

#[test]
fn an_interrupted_run_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    // Monte Carlo of ten million draws takes over a minute: interrupted after a second.
    let status = interrupt(
        dir.path(),
        &["mc", "--draws", "10000000", "--format", "json", "--out", "out/mc.json", "--quiet"],
        Duration::from_millis(1500),
    );
    assert!(!status.success());
    assert!(listing(&dir.path().join("out")).is_empty(), "{:?}", listing(&dir.path().join("out")));
    // A site plan of the 1 GW reference campus solves in about a second; with each write
    // held open for 3 s (debug builds), the interrupt lands in the solve or in a write.
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/site/dc1.toml");
    let status = interrupt_with(
        dir.path(),
        &["site", "plan", site.to_str().unwrap(), "--out-dir", "out", "--chart", "out/site.svg"],
        Duration::from_millis(1500),
        &[("SUANLI_TEST_WRITE_PAUSE_MS", "3000")],
    );
    assert!(!status.success());
    assert!(listing(&dir.path().join("out")).is_empty(), "{:?}", listing(&dir.path().join("out")));
    let stray: Vec<String> = listing(dir.path()).into_iter().filter(|f| f.contains(".tmp")).collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn an_interrupt_in_the_middle_of_a_write_removes_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    // The debug build holds the write for 3 s after creating the temporary file.
    let status = interrupt_with(
        dir.path(),
        &["race", "--chart", "out/race.svg"],
        Duration::from_millis(1000),
        &[("SUANLI_TEST_WRITE_PAUSE_MS", "3000")],
    );
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(listing(&dir.path().join("out")).is_empty(), "{:?}", listing(&dir.path().join("out")));
}
