//! Mutation fuzzing of the parsers, bounded in time: scenario files (parsed, resolved,
//! run, and one Monte Carlo draw applied), demand programmes (read, tied to the baseline, run
//! with and without a draw), site files, network files and hourly profiles (plain CSV and
//! Renewables.ninja exports). Inputs start from the corpus in `tests/fuzz-corpus/` and are
//! mutated (byte flips, inserted tokens such as `nan`, `inf`, `[[`, deleted and duplicated
//! spans and lines, splices of two files). Nothing may panic.
//!
//! Each target runs for `SUANLI_FUZZ_SECONDS` (default 3; `.ci/run` sets 60). A failing
//! input is written to `target/tmp/fuzz-crashes/` and named in the failure.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use suanli_data::profiles::{read_columns, read_ninja, read_plain};
use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_nation::demand::cover::cover;
use suanli_nation::demand::{demand_rows, prepare};
use suanli_nation::History;
use suanli_network::file::parse_network;
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::programme::parse_programme;
use suanli_scenario::resolve::{resolve, DataSet};
use suanli_scenario::SourceText;
use suanli_site::file::parse_site;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-corpus");

/// SplitMix64: a tiny deterministic generator, so that a failure can be replayed from its
/// seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: [&str; 24] = [
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "-0",
    "1e308",
    "1e-320",
    "99999999999999999999",
    "2024.5",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "\"",
    "\n",
    ",",
    "\r\n",
    "# c\n",
    "[regions.all]\n",
    "uncertain = { dist = \"normal\" }",
    "years = {}",
    "\u{feff}",
];

/// One to four random edits of `input`, sometimes spliced with `other`.
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 if !v.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                let span: Vec<u8> = v[at.min(end)..end].to_vec();
                v.splice(at..at, span);
            }
            4 => {
                // Replace the next number with an interesting one.
                if let Some(start) = v[at..].iter().position(u8::is_ascii_digit).map(|p| p + at) {
                    let end = v[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit() && *b != b'.')
                        .map_or(v.len(), |p| p + start);
                    let t = ["nan", "-1", "0", "1e308", "3000", "1.5", "-0.5"][rng.below(7)];
                    v.splice(start..end, t.bytes());
                }
            }
            5 if !other.is_empty() => {
                let cut = rng.below(other.len());
                v.truncate(at);
                v.extend_from_slice(&other[cut..]);
            }
            _ => {
                // Duplicate or drop a line.
                let lines: Vec<&[u8]> = v.split(|b| *b == b'\n').collect();
                if lines.len() > 1 {
                    let k = rng.below(lines.len());
                    let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                    if rng.below(2) == 0 {
                        out.insert(k, lines[k].to_vec());
                    } else {
                        out.remove(k);
                    }
                    v = out.join(&b'\n');
                }
            }
        }
    }
    v
}

fn corpus(kind: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(CORPUS).join(kind)).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn budget() -> Duration {
    let default = if std::env::var_os("CI").is_some() { 60.0 } else { 3.0 };
    let secs = std::env::var("SUANLI_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
    Duration::from_secs_f64(secs)
}

/// Runs `target` on mutated corpus inputs until the time budget is spent; returns the
/// number of inputs tried.
fn fuzz(kind: &str, seed: u64, target: impl Fn(&str)) -> u64 {
    let seeds = corpus(kind);
    assert!(!seeds.is_empty(), "corpus {kind} is empty");
    // The corpus itself must pass.
    for s in &seeds {
        target(&String::from_utf8_lossy(s));
    }
    let mut rng = Rng(seed);
    let (start, limit) = (Instant::now(), budget());
    let mut tried = 0;
    while start.elapsed() < limit {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, a, b);
        let text = String::from_utf8_lossy(&input).into_owned();
        if catch_unwind(AssertUnwindSafe(|| target(&text))).is_err() {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{kind}-{seed}-{tried}"));
            std::fs::write(&path, &input).unwrap();
            panic!("{kind}: input {tried} (seed {seed}) panicked; saved to {}", path.display());
        }
        tried += 1;
    }
    eprintln!("fuzz {kind}: {tried} inputs in {:.0?}, no panic", start.elapsed());
    tried
}

#[test]
fn scenario_files_never_panic() {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let tried = fuzz("scenario", 1, |text| {
        let src = SourceText { name: "fuzz.toml".into(), text: text.to_string() };
        if let Ok(r) = resolve(src, &mut |_, _| Err("no files".into()), data) {
            // A scenario that resolves must also run, with and without a draw.
            let _ = suanli_nation::simulate(&r.input);
            if !r.uncertainty.is_empty() {
                let mut x = r.input.clone();
                r.uncertainty.apply(&vec![0.999; r.uncertainty.dimension()], &mut x);
                let history = History::new(&r.input);
                let _ = history.project(&x, &mut history.scratch());
            }
        }
    });
    assert!(tried > 0);
}

#[test]
fn site_files_never_panic() {
    let profiles = String::from_utf8(corpus("profiles").remove(1)).unwrap();
    let tried = fuzz("site", 2, |text| {
        let _ = parse_site("fuzz.toml", text, &mut |name| Ok((name.to_string(), profiles.clone())));
    });
    assert!(tried > 0);
}

#[test]
fn network_files_never_panic() {
    let mut profiles = String::from("hour,a_solar_cf,a_wind_cf,b_solar_cf,b_wind_cf\n");
    for h in 0..8760 {
        profiles.push_str(&format!("{h},0.2,0.3,0.1,0.4\n"));
    }
    let tried = fuzz("network", 4, |text| {
        let loaded = parse_network("fuzz.toml", text, &mut |name| Ok((name.to_string(), profiles.clone())));
        if let Ok(net) = loaded {
            let _ = suanli_network::check::validate(&net.input);
        }
    });
    assert!(tried > 0);
}

#[test]
fn demand_programmes_never_panic() {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let baseline = resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("".into()), data).unwrap();
    let outcome = suanli_nation::simulate(&baseline.input);
    let tried = fuzz("demand", 5, |text| {
        let src = SourceText { name: "fuzz.toml".into(), text: text.to_string() };
        // A programme that reads and fits the scenario must also run, with and without a draw.
        if let Ok(prog) = parse_programme(&src) {
            if let Ok(p) = prepare(&prog, &baseline.input) {
                for u in [vec![], vec![0.999; prog.factors.len()]] {
                    let _ = demand_rows(&p, &baseline.input, &outcome, &u);
                    let _ = cover(&p, &baseline.input, &outcome, &u);
                }
            }
        }
    });
    assert!(tried > 0);
}

#[test]
fn profiles_never_panic() {
    let tried = fuzz("profiles", 3, |text| {
        let _ = read_plain("fuzz.csv", text);
        let _ = read_ninja("fuzz.csv", text);
        let _ = read_columns("fuzz.csv", text);
    });
    assert!(tried > 0);
}
