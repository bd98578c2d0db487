//! Reader for Our World in Data's "electricity-prod-source-stacked" CSV export (both the
//! long and the short header styles), and its aggregation to the model's regions.
//!
//! Aggregation rules (documented in `data/SOURCES.md`):
//! * Several vintages may be given, newest first: for each country-year the first vintage
//!   that has it wins; later vintages only fill country-years the newer ones lack.
//! * Rows without a three-letter ISO code (continents, income groups, "(Ember)" regions,
//!   OWID's World) are ignored: regions are always summed from countries. OWID's Kosovo code
//!   `OWID_KOS` is kept.
//! * Cited supplementary anchors (`data/electricity_supplement.csv`) fill countries the
//!   exports lack, interpolated log-linearly between anchors and extended at the anchors'
//!   growth rate.
//! * A region-year is kept while its reporting countries cover at least
//!   [`MIN_REPORTED_SHARE`] of the region's previous-year generation; a member missing such a
//!   year is carried forward at its own trailing five-year growth and counted as estimated.

use std::collections::{BTreeMap, BTreeSet};

use crate::electricity::{ElectricityTable, GenerationRow, SOURCES};
use crate::error::{csv_records, field_column, parse_non_negative, record_line, DataError};
use crate::regions::{region_of_country, DEFAULT_REGIONS};

/// First year of the built-in table: most countries' series start in 2000.
pub const FIRST_YEAR: i32 = 2000;

/// Minimum share of a region's previous-year generation that reporting countries must cover
/// for a year to be kept.
pub const MIN_REPORTED_SHARE: f64 = 0.9;

/// Generation of one country in one year by source, TWh (order of [`SOURCES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CountryYear {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// Calendar year.
    pub year: i32,
    /// Generation by source, TWh.
    pub by_source_twh: [f64; 9],
}

/// Keywords that identify each source column in either header style, in [`SOURCES`] order.
const COLUMN_KEYS: [&str; 9] =
    ["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other renewables"];

/// Reads an OWID export. `file` names it in errors.
pub fn read_owid_csv(file: &str, text: &str) -> Result<Vec<CountryYear>, DataError> {
    let (header, records) = csv_records(file, text)?;
    let find = |key: &str| {
        header.iter().position(|h| h.to_ascii_lowercase().contains(key)).ok_or_else(|| {
            DataError::at(file, 1, 1, format!("missing a column for `{key}`")).with_hint(
                "expected an OWID electricity-prod-source-stacked export: Entity,Code,Year and one TWh column per source",
            )
        })
    };
    let code = header.iter().position(|h| h == "Code").ok_or_else(|| {
        DataError::at(file, 1, 1, "missing the `Code` column").with_hint("expected Entity,Code,Year,...")
    })?;
    let year = find("year")?;
    let mut cols = [0usize; 9];
    for (i, key) in COLUMN_KEYS.iter().enumerate() {
        // "Other renewables" columns also contain "bioenergy" in the long style, so match
        // the more specific key first and skip it when looking for bioenergy.
        cols[i] = if *key == "bioenergy" {
            header
                .iter()
                .position(|h| {
                    let h = h.to_ascii_lowercase();
                    h.contains("bioenergy") && !h.contains("other")
                })
                .ok_or_else(|| DataError::at(file, 1, 1, "missing a column for `bioenergy`"))?
        } else {
            find(key)?
        };
    }
    let mut out = Vec::with_capacity(records.len());
    for rec in &records {
        let iso3 = rec.get(code).unwrap_or("").trim();
        if !(iso3.len() == 3 && iso3.chars().all(|c| c.is_ascii_uppercase())) && iso3 != "OWID_KOS" {
            continue;
        }
        let y = parse_non_negative(file, rec, year, "Year")?;
        if y.fract() != 0.0 || !(1900.0..=2200.0).contains(&y) {
            return Err(DataError::at(
                file,
                record_line(rec),
                field_column(rec, year),
                format!("impossible year `{y}`"),
            ));
        }
        let mut by_source_twh = [0.0; 9];
        for (i, c) in cols.iter().enumerate() {
            // Empty cells mean "no generation reported from this source".
            if !rec.get(*c).unwrap_or("").trim().is_empty() {
                by_source_twh[i] = parse_non_negative(file, rec, *c, SOURCES[i])?;
            }
        }
        out.push(CountryYear { iso3: iso3.to_string(), year: y as i32, by_source_twh });
    }
    if out.is_empty() {
        return Err(DataError::file(file, "no country rows found")
            .with_hint("country rows have a three-letter ISO code"));
    }
    Ok(out)
}

/// A cited total for a country-year, used where the exports have no data.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementAnchor {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// Calendar year.
    pub year: i32,
    /// Total generation, TWh.
    pub total_twh: f64,
    /// Index into [`SOURCES`] under which the total is booked.
    pub source_index: usize,
    /// Where the figure comes from.
    pub citation: String,
}

/// The built-in supplementary anchors.
pub fn builtin_supplement() -> Vec<SupplementAnchor> {
    read_supplement("built-in electricity_supplement.csv", include_str!("../data/electricity_supplement.csv"))
        .expect("built-in supplement is valid (checked by a test)")
}

/// Reads supplementary anchors: `iso3,year,total_twh,booked_as,citation`.
pub fn read_supplement(file: &str, text: &str) -> Result<Vec<SupplementAnchor>, DataError> {
    let (_, records) = csv_records(file, text)?;
    records
        .iter()
        .map(|rec| {
            let booked = rec.get(3).unwrap_or("");
            let source_index = SOURCES.iter().position(|s| *s == booked).ok_or_else(|| {
                DataError::at(
                    file,
                    record_line(rec),
                    field_column(rec, 3),
                    format!("unknown source `{booked}`"),
                )
            })?;
            Ok(SupplementAnchor {
                iso3: rec.get(0).unwrap_or("").to_string(),
                year: parse_non_negative(file, rec, 1, "year")? as i32,
                total_twh: parse_non_negative(file, rec, 2, "total_twh")?,
                source_index,
                citation: rec.get(4).unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// Aggregates country data (vintages newest first) to the default regions.
pub fn aggregate(vintages: &[Vec<CountryYear>], supplement: &[SupplementAnchor]) -> ElectricityTable {
    // country -> year -> generation; the first vintage that has a country-year wins.
    let mut countries: BTreeMap<String, BTreeMap<i32, [f64; 9]>> = BTreeMap::new();
    for vintage in vintages {
        for cy in vintage {
            countries.entry(cy.iso3.clone()).or_default().entry(cy.year).or_insert(cy.by_source_twh);
        }
    }
    let mut supplemented: BTreeSet<(String, i32)> = BTreeSet::new();
    fill_from_supplement(&mut countries, supplement, &mut supplemented);
    let last_data_year =
        countries.values().filter_map(|s| s.keys().next_back()).copied().max().unwrap_or(FIRST_YEAR);

    let mut rows = Vec::new();
    for (ri, region) in DEFAULT_REGIONS.iter().enumerate() {
        let members: Vec<(&String, &BTreeMap<i32, [f64; 9]>)> =
            countries.iter().filter(|(c, _)| region_of_country(c) == ri).collect();
        let mut previous_total = 0.0;
        for year in FIRST_YEAR..=last_data_year {
            let mut by_source = [0.0; 9];
            // `covered` counts reported and cited (supplement) figures; `estimated` counts
            // what was interpolated or carried forward.
            let (mut covered, mut estimated) = (0.0, 0.0);
            for (iso3, series) in &members {
                if let Some(v) = series.get(&year) {
                    let total: f64 = v.iter().sum();
                    covered += total;
                    if supplemented.contains(&((*iso3).clone(), year)) {
                        estimated += total;
                    }
                    add(&mut by_source, v, 1.0);
                } else if let Some((last_year, last)) = series.range(..year).next_back() {
                    let growth = trailing_growth(series, *last_year);
                    let factor = (1.0 + growth).powi(year - last_year);
                    add(&mut by_source, last, factor);
                    estimated += last.iter().sum::<f64>() * factor;
                }
            }
            if year > FIRST_YEAR && covered < MIN_REPORTED_SHARE * previous_total {
                break;
            }
            previous_total = by_source.iter().sum();
            rows.push(GenerationRow {
                region: region.id.to_string(),
                year,
                by_source_twh: by_source,
                estimated_twh: estimated,
            });
        }
    }
    ElectricityTable { rows }
}

fn add(acc: &mut [f64; 9], v: &[f64; 9], factor: f64) {
    for (a, x) in acc.iter_mut().zip(v) {
        *a += x * factor;
    }
}

/// Compound growth of a country's total over the five years up to `last_year`, clamped to
/// ±10 %/yr so that a single odd year cannot run away.
fn trailing_growth(series: &BTreeMap<i32, [f64; 9]>, last_year: i32) -> f64 {
    let total = |y: i32| series.get(&y).map(|v| v.iter().sum::<f64>());
    match (total(last_year - 5), total(last_year)) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => ((b / a).powf(0.2) - 1.0).clamp(-0.1, 0.1),
        _ => 0.0,
    }
}

/// Fills country-years that no vintage has from the anchors: log-linear between anchors,
/// the anchors' own growth rate before the first and after the last.
fn fill_from_supplement(
    countries: &mut BTreeMap<String, BTreeMap<i32, [f64; 9]>>,
    supplement: &[SupplementAnchor],
    supplemented: &mut BTreeSet<(String, i32)>,
) {
    let mut by_country: BTreeMap<&str, Vec<&SupplementAnchor>> = BTreeMap::new();
    for a in supplement {
        by_country.entry(a.iso3.as_str()).or_default().push(a);
    }
    let last_year =
        countries.values().filter_map(|s| s.keys().next_back()).copied().max().unwrap_or(FIRST_YEAR);
    for (iso3, mut anchors) in by_country {
        anchors.sort_by_key(|a| a.year);
        let (first, last) = (anchors[0], anchors[anchors.len() - 1]);
        let growth = if last.year > first.year && first.total_twh > 0.0 {
            (last.total_twh / first.total_twh).powf(1.0 / f64::from(last.year - first.year)) - 1.0
        } else {
            0.0
        };
        let series = countries.entry(iso3.to_string()).or_default();
        for year in FIRST_YEAR..=last_year {
            if series.contains_key(&year) {
                continue;
            }
            let total = match anchors.windows(2).find(|w| w[0].year <= year && year <= w[1].year) {
                Some(w) if w[1].year > w[0].year => {
                    let t = f64::from(year - w[0].year) / f64::from(w[1].year - w[0].year);
                    w[0].total_twh * (w[1].total_twh / w[0].total_twh).powf(t)
                }
                _ if year < first.year => first.total_twh * (1.0 + growth).powi(year - first.year),
                _ => last.total_twh * (1.0 + growth).powi(year - last.year),
            };
            let mut v = [0.0; 9];
            v[first.source_index] = total;
            series.insert(year, v);
            supplemented.insert((iso3.to_string(), year));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: &str =
        "Entity,Code,Year,Other renewables,Bioenergy,Solar,Wind,Hydropower,Nuclear,Oil,Gas,Coal\n\
        Chinaland,CHN,2000,0,0,1,1,1,1,1,1,4\n\
        Chinaland,CHN,2001,0,0,2,1,1,1,1,1,4\n\
        Africa,,2000,1,1,1,1,1,1,1,1,1\n\
        Utopia,USA,2000,0,0,0,0,0,0,0,5,5\n\
        Utopia,USA,2001,0,0,0,0,0,0,0,5,6\n";

    #[test]
    fn reads_short_header_and_skips_aggregates() {
        let rows = read_owid_csv("t.csv", SHORT).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].by_source_twh, [4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn aggregates_with_newest_vintage_first() {
        let new = read_owid_csv("n", SHORT).unwrap();
        let old = vec![CountryYear { iso3: "CHN".into(), year: 2000, by_source_twh: [100.0; 9] }];
        let t = aggregate(&[new, old], &[]);
        assert_eq!(t.total_twh("china", 2000), Some(10.0));
        assert_eq!(t.total_twh("united_states", 2001), Some(11.0));
    }

    #[test]
    fn supplement_interpolates_between_anchors() {
        let anchors = vec![
            SupplementAnchor {
                iso3: "ARE".into(),
                year: 2000,
                total_twh: 100.0,
                source_index: 1,
                citation: String::new(),
            },
            SupplementAnchor {
                iso3: "ARE".into(),
                year: 2002,
                total_twh: 400.0,
                source_index: 1,
                citation: String::new(),
            },
        ];
        let data = vec![CountryYear { iso3: "SAU".into(), year: 2003, by_source_twh: [0.0; 9] }];
        let t = aggregate(&[data], &anchors);
        let gulf: Vec<f64> = t.region("gulf_states").map(GenerationRow::total_twh).collect();
        assert!((gulf[1] - 200.0).abs() < 1e-9, "{gulf:?}");
        assert!((gulf[3] - 800.0).abs() < 1e-9, "extended at anchor growth: {gulf:?}");
    }

    #[test]
    fn bad_number_names_line_and_column() {
        let text = "Entity,Code,Year,Other renewables,Bioenergy,Solar,Wind,Hydropower,Nuclear,Oil,Gas,Coal\nX,CHN,2000,0,0,abc,0,0,0,0,0,0\n";
        let e = read_owid_csv("t.csv", text).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(16)));
        assert!(e.message.contains("`abc`"), "{e}");
    }

    #[test]
    fn builtin_supplement_is_valid() {
        assert!(!builtin_supplement().is_empty());
    }
}
