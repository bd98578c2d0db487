//! Writing results: to stdout, or atomically to a file (a temporary file in the same
//! directory, renamed into place), so that an error never leaves a partial file. An
//! interrupt (Ctrl-C, SIGTERM) while a temporary file exists removes it before the process
//! exits ([`remove_temporary_files_on_interrupt`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::CliError;

/// Writes `text` to `path` atomically, or to stdout when `path` is `None`.
/// Pretty JSON with a final newline.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| CliError::Runtime(format!("failed to write JSON: {e}")))
}

/// CSV with a header from the rows' field names.
pub fn csv_text<T: serde::Serialize>(rows: impl IntoIterator<Item = T>) -> Result<String, CliError> {
    let fail = |e: csv::Error| CliError::Runtime(format!("failed to write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| CliError::Runtime(format!("failed to write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| CliError::Runtime(e.to_string()))
}

pub fn emit(text: &str, path: Option<&Path>) -> Result<(), CliError> {
    match path {
        Some(p) => write_atomic(p, text.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // A closed pipe (`suanli race | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| CliError::Runtime(format!("failed to write to stdout: {e}"))),
            }
        }
    }
}

/// Writes bytes to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::Runtime(format!("failed to write {}: {e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "failed to write {}: directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let created = {
        // Registered and created under the lock: the interrupt handler, which takes the
        // lock and never gives it back, either sees the file or runs before it exists.
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.push(tmp.clone());
        std::fs::File::create(&tmp)
    };
    pause_for_tests();
    let result = created
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != &tmp);
    result.map_err(fail)
}

/// Temporary files being written.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C or SIGTERM, removes the temporary files being written and exits with status
/// 130 (the shell's code for an interrupt). Without it a signal landing between creating a
/// temporary file and renaming it would leave the file behind. Not for `serve`, which
/// shuts down gracefully on Ctrl-C itself.
pub fn remove_temporary_files_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        for p in pending.iter() {
            let _ = std::fs::remove_file(p);
        }
        // Exits holding the lock, so no new temporary file can be created meanwhile.
        std::process::exit(130);
    });
}

/// Tests interrupt a write in the middle: in debug builds `SUANLI_TEST_WRITE_PAUSE_MS`
/// holds each write between creating the temporary file and filling it.
fn pause_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SUANLI_TEST_WRITE_PAUSE_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
