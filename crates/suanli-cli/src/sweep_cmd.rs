//! `suanli sweep MANIFEST --out DIR [--shard i/N]`: every case of a sweep manifest run on
//! all local cores, one Parquet file per chunk of cases, written atomically. A rerun skips
//! the chunks already written (resume); `--shard i/N` runs every N-th chunk from the i-th, so
//! that a Slurm array or a Kubernetes Indexed Job can split a sweep without a scheduler.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use suanli_sweep::{chunk_count, chunk_range, parse_manifest, Manifest};

use crate::error::CliError;
use crate::load::read_text;
use crate::output::write_atomic;
use crate::site_file::beside;

/// The Parquet file of chunk `k` in `out`.
pub fn part_path(out: &Path, k: usize) -> PathBuf {
    out.join(format!("part-{k:05}.parquet"))
}

/// A manifest read and checked, with its base site file.
pub struct Loaded {
    /// The manifest.
    pub manifest: Manifest,
    /// The base file's path (relative to the manifest).
    pub base_path: PathBuf,
    /// Its parsed TOML.
    pub base: toml::Table,
}

/// Reads the manifest and its base site, and checks that every value the manifest gives
/// reads (a covering set of cases), before any case is planned.
pub fn load(manifest_path: &Path) -> Result<Loaded, CliError> {
    let name = manifest_path.display().to_string();
    let manifest = parse_manifest(&name, &read_text(manifest_path)?).map_err(CliError::Usage)?;
    let base_path = manifest_path.parent().unwrap_or(Path::new(".")).join(&manifest.base);
    let base_text = read_text(&base_path)?;
    let base: toml::Table = base_text.parse().map_err(|e: toml::de::Error| {
        CliError::Usage(format!(
            "{}: failed to read the base file: {}",
            base_path.display(),
            e.message().trim()
        ))
    })?;
    suanli_sweep::check_manifest(&manifest, &base_path.display().to_string(), &base, &mut beside(&base_path))
        .map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    Ok(Loaded { manifest, base_path, base })
}

/// Parses `i/N` (0-based shard `i` of `N`).
fn parse_shard(s: &str) -> Result<(usize, usize), CliError> {
    let bad = || CliError::Usage(format!("--shard `{s}`: expected i/N with 0 <= i < N, e.g. 0/4"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Plans chunk `k` and writes its Parquet file atomically; returns the cases that failed.
pub fn run_chunk(l: &Loaded, k: usize, out: &Path, done: &dyn Fn()) -> Result<usize, CliError> {
    let base_name = l.base_path.display().to_string();
    let (bytes, failed) =
        suanli_sweep::run_chunk(&l.manifest, &base_name, &l.base, k, &mut beside(&l.base_path), done)
            .map_err(CliError::Runtime)?;
    write_atomic(&part_path(out, k), &bytes)?;
    Ok(failed)
}

pub fn run(manifest_path: &Path, out: &Path, shard: Option<&str>, quiet: bool) -> Result<(), CliError> {
    let shard = shard.map(parse_shard).transpose()?.unwrap_or((0, 1));
    let l = load(manifest_path)?;
    std::fs::create_dir_all(out).map_err(|e| {
        CliError::Usage(format!("failed to create the output directory {}: {e}", out.display()))
    })?;
    let m = &l.manifest;
    let mine: Vec<usize> = (0..chunk_count(m)).filter(|k| k % shard.1 == shard.0).collect();
    let (todo, written): (Vec<usize>, Vec<usize>) = mine.iter().partition(|&&k| !part_path(out, k).exists());
    let cases: usize = todo.iter().map(|&k| chunk_range(m, k).len()).sum();
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(cases as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} cases ({elapsed}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    };
    let started = Instant::now();
    let failed = AtomicUsize::new(0);
    todo.par_iter().try_for_each(|&k| {
        failed.fetch_add(run_chunk(&l, k, out, &|| bar.inc(1))?, Ordering::Relaxed);
        Ok::<_, CliError>(())
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if !quiet {
        eprintln!(
            "sweep {}: {} cases in {} chunks{}; planned {cases} cases ({} chunks) in {seconds:.1} s on {} threads ({:.0} cases per hour), {} chunks already written, {} cases failed (see `status` and `message`); results in {}",
            m.name,
            suanli_sweep::case_count(m),
            chunk_count(m),
            if shard.1 > 1 { format!(", shard {}/{}", shard.0, shard.1) } else { String::new() },
            todo.len(),
            rayon::current_num_threads(),
            if seconds > 0.0 { cases as f64 * 3600.0 / seconds } else { 0.0 },
            written.len(),
            failed.load(Ordering::Relaxed),
            out.display()
        );
    }
    Ok(())
}
