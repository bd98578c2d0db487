//! Hourly capacity-factor profiles: the plain `hour,solar_cf,wind_cf` CSV, the
//! Renewables.ninja export format, and labelled synthetic profiles for users without data.

use crate::error::{csv_records, field_column, record_line, DataError};

/// Hourly capacity factors (0..1) of one year (8760 hours, or 8784 in a leap year).
#[derive(Debug, Clone, PartialEq)]
pub struct Profiles {
    /// Solar capacity factor per hour.
    pub solar_cf: Vec<f64>,
    /// Wind capacity factor per hour.
    pub wind_cf: Vec<f64>,
    /// Other numeric columns of a plain CSV (e.g. a grid price), by header name.
    pub extra: Vec<(String, Vec<f64>)>,
}

/// Valid numbers of hours in a profile year.
pub const YEAR_HOURS: [usize; 2] = [8760, 8784];

fn check_len(file: &str, n: usize) -> Result<(), DataError> {
    if YEAR_HOURS.contains(&n) {
        Ok(())
    } else {
        Err(DataError::file(file, format!("expected 8760 or 8784 hourly rows, found {n}"))
            .with_hint("a profile covers one year, hour by hour, with no gaps"))
    }
}

fn cell(
    file: &str,
    rec: &csv::StringRecord,
    i: usize,
    name: &str,
    unit_interval: bool,
) -> Result<f64, DataError> {
    let raw = rec.get(i).unwrap_or("").trim();
    let at = |m: String| DataError::at(file, record_line(rec), field_column(rec, i), m);
    let v: f64 = raw.parse().map_err(|_| at(format!("expected a number for `{name}`, found `{raw}`")))?;
    if !v.is_finite() {
        return Err(at(format!("expected a finite number for `{name}`, found `{raw}`")));
    }
    if unit_interval && !(0.0..=1.0).contains(&v) {
        return Err(at(format!("`{name}` is {raw}, expected a capacity factor between 0 and 1")));
    }
    Ok(v)
}

/// Checks that the `hour` cell (column `hour`) of the n-th record says n.
fn check_hour(file: &str, rec: &csv::StringRecord, hour: usize, n: usize) -> Result<(), DataError> {
    if cell(file, rec, hour, "hour", false)? != n as f64 {
        return Err(DataError::at(
            file,
            record_line(rec),
            field_column(rec, hour),
            format!("expected hour {n}, found `{}`", rec.get(hour).unwrap_or("")),
        )
        .with_hint("hours run 0, 1, 2, ... with no gaps or repeats"));
    }
    Ok(())
}

/// Splits off leading `#` comment lines; returns the rest and how many lines were skipped.
fn strip_comments(text: &str) -> (String, u64) {
    let skipped = text.lines().take_while(|l| l.starts_with('#')).count();
    (text.lines().skip(skipped).collect::<Vec<_>>().join("\n"), skipped as u64)
}

/// Moves an error's line number past the comment lines that were stripped.
fn shift(mut e: DataError, skipped: u64) -> DataError {
    e.line = e.line.map(|l| l + skipped);
    e
}

/// Reads a plain CSV with columns `hour,solar_cf,wind_cf` (more columns are kept in
/// `extra`), after optional `#` comment lines. Hours must run 0, 1, 2, ... without gaps.
pub fn read_plain(file: &str, text: &str) -> Result<Profiles, DataError> {
    let (body, skipped) = strip_comments(text);
    read_plain_body(file, &body).map_err(|e| shift(e, skipped))
}

fn read_plain_body(file: &str, text: &str) -> Result<Profiles, DataError> {
    let (header, records) = csv_records(file, text)?;
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let find = |n: &str| names.iter().position(|h| *h == n);
    let (Some(hour), Some(solar), Some(wind)) = (find("hour"), find("solar_cf"), find("wind_cf")) else {
        return Err(DataError::at(
            file,
            1,
            1,
            format!("expected columns hour,solar_cf,wind_cf, found `{}`", names.join(",")),
        )
        .with_hint(
            "for a Renewables.ninja export, use `solar_profile` / `wind_profile` with `format = \"ninja\"`",
        ));
    };
    let mut p = Profiles { solar_cf: Vec::new(), wind_cf: Vec::new(), extra: Vec::new() };
    let extra_cols: Vec<usize> = (0..names.len()).filter(|i| ![hour, solar, wind].contains(i)).collect();
    p.extra = extra_cols.iter().map(|&i| (names[i].to_string(), Vec::new())).collect();
    for (n, rec) in records.iter().enumerate() {
        check_hour(file, rec, hour, n)?;
        p.solar_cf.push(cell(file, rec, solar, "solar_cf", true)?);
        p.wind_cf.push(cell(file, rec, wind, "wind_cf", true)?);
        for (k, &i) in extra_cols.iter().enumerate() {
            let v = cell(file, rec, i, names[i], false)?;
            p.extra[k].1.push(v);
        }
    }
    check_len(file, p.solar_cf.len())?;
    Ok(p)
}

/// Reads a CSV of hourly columns, `hour` first or anywhere, every other column a number
/// (after optional `#` comment lines): the profiles file of a network, where each site
/// names its own columns. Hours must run 0, 1, 2, ... without gaps. Unlike a site's
/// profiles, any number of hours is taken (at least one), so that a network can be
/// planned over part of a year (with capital costs scaled to match).
pub fn read_columns(file: &str, text: &str) -> Result<Vec<(String, Vec<f64>)>, DataError> {
    let (body, skipped) = strip_comments(text);
    read_columns_body(file, &body).map_err(|e| shift(e, skipped))
}

fn read_columns_body(file: &str, text: &str) -> Result<Vec<(String, Vec<f64>)>, DataError> {
    let (header, records) = csv_records(file, text)?;
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let Some(hour) = names.iter().position(|h| *h == "hour") else {
        return Err(DataError::at(
            file,
            1,
            1,
            format!("expected a column `hour`, found `{}`", names.join(",")),
        ));
    };
    let cols: Vec<usize> = (0..names.len()).filter(|&i| i != hour).collect();
    let mut out: Vec<(String, Vec<f64>)> = cols.iter().map(|&i| (names[i].to_string(), Vec::new())).collect();
    for (n, rec) in records.iter().enumerate() {
        check_hour(file, rec, hour, n)?;
        for (k, &i) in cols.iter().enumerate() {
            out[k].1.push(cell(file, rec, i, names[i], false)?);
        }
    }
    if records.is_empty() {
        return Err(DataError::file(file, "expected hourly rows after the header, found none"));
    }
    Ok(out)
}

/// Reads one Renewables.ninja export (PV or wind): `#` comment lines (metadata), then a
/// header with `time,local_time,electricity` or `time,electricity`. The `electricity`
/// column is output in kW of a plant whose capacity is given by the metadata's
/// `"capacity": X` (1 kW by default), so the capacity factor is `electricity / X`.
pub fn read_ninja(file: &str, text: &str) -> Result<Vec<f64>, DataError> {
    let mut capacity_kw = 1.0;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(pos) = line.find("\"capacity\":") {
            let rest = line[pos + 11..].trim_start();
            let num: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            if let Ok(v) = num.parse::<f64>() {
                if v > 0.0 {
                    capacity_kw = v;
                }
            }
        }
    }
    let (body, skipped) = strip_comments(text);
    read_ninja_body(file, &body, capacity_kw).map_err(|e| shift(e, skipped))
}

fn read_ninja_body(file: &str, body: &str, capacity_kw: f64) -> Result<Vec<f64>, DataError> {
    let (header, records) = csv_records(file, body)?;
    let Some(col) = header.iter().position(|h| h.trim() == "electricity") else {
        return Err(DataError::at(
            file,
            1,
            1,
            "expected an `electricity` column in the Renewables.ninja header",
        ));
    };
    let mut cf = Vec::with_capacity(records.len());
    for rec in &records {
        let v = cell(file, rec, col, "electricity", false)?;
        let f = v / capacity_kw;
        if !(0.0..=1.0 + 1e-9).contains(&f) {
            return Err(DataError::at(
                file,
                record_line(rec),
                field_column(rec, col),
                format!("output {v} kW is outside 0..{capacity_kw} kW (the plant capacity)"),
            ));
        }
        cf.push(f.min(1.0));
    }
    check_len(file, cf.len())?;
    Ok(cf)
}

/// Settings of a synthetic profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthSettings {
    /// Latitude, degrees north (-66..66 keeps every day with some sun).
    pub latitude_deg: f64,
    /// Target annual mean solar capacity factor (0..1).
    pub solar_cf: f64,
    /// Target annual mean wind capacity factor (0..1).
    pub wind_cf: f64,
    /// Random seed.
    pub seed: u64,
    /// Hours (8760 or 8784).
    pub hours: usize,
}

/// A deterministic pseudo-random generator (SplitMix64): the profile must be the same on
/// every machine for a seed, which a general-purpose RNG crate does not promise across
/// versions.
struct SplitMix(u64);

impl SplitMix {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal by Box-Muller.
    fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(1e-300);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Synthetic profiles: solar from the sun's elevation at the latitude (clear sky, with a
/// day-to-day cloudiness factor), wind from an AR(1) wind speed through a cubic power
/// curve; each scaled to its target mean by bisection on a single factor and clipped to
/// [0, 1]. Good for trying the tool, not for conclusions about a real site.
pub fn synthesize(s: &SynthSettings) -> Profiles {
    let mut rng = SplitMix(s.seed);
    let lat = s.latitude_deg.to_radians();
    let mut solar_shape = Vec::with_capacity(s.hours);
    let mut cloud = 1.0;
    for h in 0..s.hours {
        let day = (h / 24) as f64;
        if h % 24 == 0 {
            // Daily clearness between 0.35 and 1.
            cloud = 0.35 + 0.65 * rng.next_f64().powf(0.5);
        }
        let decl = 23.44f64.to_radians() * (2.0 * std::f64::consts::PI * (284.0 + day + 1.0) / 365.0).sin();
        let hour_angle = (((h % 24) as f64 + 0.5) - 12.0) * 15f64.to_radians();
        let sin_elev = lat.sin() * decl.sin() + lat.cos() * decl.cos() * hour_angle.cos();
        solar_shape.push(sin_elev.max(0.0) * cloud);
    }
    let mut speed = Vec::with_capacity(s.hours);
    let mut x = 0.0;
    for h in 0..s.hours {
        x = 0.97 * x + (1.0f64 - 0.97 * 0.97).sqrt() * rng.normal();
        let diurnal = 0.1 * ((h % 24) as f64 / 24.0 * 2.0 * std::f64::consts::PI).cos();
        speed.push((1.0 + 0.45 * x + diurnal).max(0.0));
    }
    let scale_to = |shape: &dyn Fn(f64, usize) -> f64, target: f64| -> Vec<f64> {
        let mean = |k: f64| (0..s.hours).map(|h| shape(k, h)).sum::<f64>() / s.hours as f64;
        let (mut lo, mut hi) = (0.0, 1e3);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if mean(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (0..s.hours).map(|h| shape(0.5 * (lo + hi), h)).collect()
    };
    let solar_cf = scale_to(&|k, h| (k * solar_shape[h]).min(1.0), s.solar_cf.clamp(0.0, 0.99));
    // Cubic power curve between cut-in (0.3 of the scaled mean speed) and rated output.
    let wind_cf = scale_to(
        &|k, h| {
            let v = k * speed[h];
            if v < 0.3 {
                0.0
            } else {
                ((v - 0.3).powi(3)).min(1.0)
            }
        },
        s.wind_cf.clamp(0.0, 0.99),
    );
    Profiles { solar_cf, wind_cf, extra: Vec::new() }
}

/// Writes profiles as the plain CSV, with `#` comment lines first (a label saying what
/// made them), values to six decimals.
pub fn to_csv(p: &Profiles, label: &[String]) -> String {
    let mut s = String::new();
    for l in label {
        s.push_str(&format!("# {l}\n"));
    }
    s.push_str("hour,solar_cf,wind_cf\n");
    for h in 0..p.solar_cf.len() {
        s.push_str(&format!("{h},{:.6},{:.6}\n", p.solar_cf[h], p.wind_cf[h]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(rows: usize) -> String {
        let mut s = "hour,solar_cf,wind_cf\n".to_string();
        for h in 0..rows {
            s.push_str(&format!("{h},0.5,0.25\n"));
        }
        s
    }

    #[test]
    fn reads_plain_and_rejects_bad_files() {
        assert_eq!(read_plain("p.csv", &plain(8760)).unwrap().solar_cf.len(), 8760);
        assert!(read_plain("p.csv", &plain(8759)).unwrap_err().message.contains("found 8759"));
        let gap = plain(8760).replace("\n5,0.5,0.25\n", "\n6,0.5,0.25\n");
        let e = read_plain("p.csv", &gap).unwrap_err();
        assert_eq!(e.line, Some(7), "{e}");
        let high = plain(8760).replace("\n3,0.5,0.25\n", "\n3,1.5,0.25\n");
        let e = read_plain("p.csv", &high).unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(3)), "{e}");
        let nan = plain(8760).replace("\n3,0.5,0.25\n", "\n3,NaN,0.25\n");
        assert!(read_plain("p.csv", &nan).is_err());
        assert!(read_plain("p.csv", "").is_err());
    }

    #[test]
    fn reads_ninja_exports() {
        let mut s = String::from("# Renewables.ninja Solar PV Point API (1.1)\n# {\"params\": {\"lat\": 38.5, \"capacity\": 2.0}}\ntime,local_time,electricity\n");
        for h in 0..8760 {
            s.push_str(&format!(
                "2019-01-01 {h:02}:00,2019-01-01 {h:02}:00,{}\n",
                if h % 24 == 12 { 1.5 } else { 0.0 }
            ));
        }
        let cf = read_ninja("n.csv", &s).unwrap();
        assert_eq!(cf[12], 0.75);
        let bad = s.replace(",1.5\n", ",3.5\n");
        let e = read_ninja("n.csv", &bad).unwrap_err();
        assert_eq!(e.line, Some(16), "{e}");
    }

    #[test]
    fn synthetic_profiles_hit_their_targets_and_repeat() {
        let s = SynthSettings { latitude_deg: 38.0, solar_cf: 0.2, wind_cf: 0.35, seed: 7, hours: 8760 };
        let p = synthesize(&s);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!((mean(&p.solar_cf) - 0.2).abs() < 1e-6);
        assert!((mean(&p.wind_cf) - 0.35).abs() < 1e-6);
        assert!(p.solar_cf.iter().chain(&p.wind_cf).all(|v| (0.0..=1.0).contains(v)));
        assert_eq!(p, synthesize(&s));
        assert_ne!(p, synthesize(&SynthSettings { seed: 8, ..s }));
        assert_eq!(p.solar_cf[0], 0.0, "no sun at midnight");
        let again = read_plain("s.csv", &to_csv(&p, &["synthetic".into()])).unwrap();
        assert!((again.wind_cf[100] - p.wind_cf[100]).abs() < 1e-6);
    }
}
