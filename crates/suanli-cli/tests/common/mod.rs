//! Helpers shared by the end-to-end tests: run the real binary in a directory with its own
//! data directory, and check user errors.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `suanli` in `dir`, with `dir/data` as its data directory.
pub fn suanli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_suanli"))
        .args(args)
        .current_dir(dir)
        .env("SUANLI_DATA_DIR", dir.join("data"))
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("binary runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a user error: exit status 2, no panic, the expected text on stderr.
pub fn assert_user_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in:\n{err}");
    }
}
