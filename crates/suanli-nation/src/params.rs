//! The per-year parameters of a run, laid out as the engine reads them.
//!
//! A [`NationInput`] keeps each parameter of each region as its own vector over the years;
//! a year of the engine needs every parameter of every region at that year. Reading them
//! there costs a pointer, a length and a bounds check per value, so the engine reads rows
//! instead: all of a region's (or a line's) parameters of one year side by side. Monte
//! Carlo writes each draw straight into these rows ([`Columns`]), so that a draw is never
//! written into an input only to be copied out again.

use std::ops::Range;

use suanli_scenario::model::NationInput;
use suanli_scenario::uncertainty::{Column, Columns, LineField, RegionField, Slot};

/// Values in a region's row, one per [`RegionField`].
pub(crate) const REGION_FIELDS: usize = RegionField::ALL.len();

/// Values in a line's row, one per [`LineField`].
pub(crate) const LINE_FIELDS: usize = LineField::ALL.len();

/// A region's parameters in one year, indexed by `RegionField as usize`; units as in
/// [`NationInput`]'s regions.
pub(crate) type RegionRow = [f64; REGION_FIELDS];

/// A chip line's parameters in one year, indexed by `LineField as usize`; units as in
/// [`NationInput`]'s lines.
pub(crate) type LineRow = [f64; LINE_FIELDS];

/// Every per-year parameter a draw may set, by year: a row per region, a row per chip line
/// and the import caps (chips per year).
#[derive(Debug, Clone)]
pub struct Parameters {
    regions: usize,
    lines: usize,
    /// `[year][region]`.
    pub(crate) region_rows: Vec<RegionRow>,
    /// `[year][line]`.
    pub(crate) line_rows: Vec<LineRow>,
    /// Import caps, chips per year, `[year][region][line]`.
    pub(crate) import_caps: Vec<f64>,
}

impl Parameters {
    /// The parameters of every year of `input`.
    pub fn new(input: &NationInput) -> Self {
        let (ny, nr, nl) = (input.years(), input.regions.len(), input.lines.len());
        let mut p = Parameters {
            regions: nr,
            lines: nl,
            region_rows: vec![[0.0; REGION_FIELDS]; ny * nr],
            line_rows: vec![[0.0; LINE_FIELDS]; ny * nl],
            import_caps: vec![0.0; ny * nr * nl],
        };
        p.load(input, 0..ny);
        p
    }

    /// Copies the years `years` (indices) of `input`, which must have the shape these
    /// parameters were made for.
    pub fn load(&mut self, input: &NationInput, years: Range<usize>) {
        let (nr, nl) = (self.regions, self.lines);
        // Row by row: each row is written whole, from a vector per field.
        for (r, region) in input.regions.iter().enumerate() {
            let series = RegionField::ALL.map(|f| input.series(Slot::Region(r, f)));
            for i in years.clone() {
                let row = &mut self.region_rows[i * nr + r];
                for (value, s) in row.iter_mut().zip(&series) {
                    *value = s[i];
                }
            }
            for (l, caps) in region.import_cap_chips.iter().enumerate() {
                for i in years.clone() {
                    self.import_caps[(i * nr + r) * nl + l] = caps[i];
                }
            }
        }
        for l in 0..nl {
            let series = LineField::ALL.map(|f| input.series(Slot::Line(l, f)));
            for i in years.clone() {
                let row = &mut self.line_rows[i * nl + l];
                for (value, s) in row.iter_mut().zip(&series) {
                    *value = s[i];
                }
            }
        }
    }
}

impl Columns for Parameters {
    fn column(&mut self, slot: Slot) -> Column<'_> {
        match slot {
            Slot::Region(r, f) => Column::new(
                self.region_rows.as_flattened_mut(),
                r * REGION_FIELDS + f as usize,
                self.regions * REGION_FIELDS,
            ),
            Slot::Line(l, f) => Column::new(
                self.line_rows.as_flattened_mut(),
                l * LINE_FIELDS + f as usize,
                self.lines * LINE_FIELDS,
            ),
            Slot::ImportCap(r, l) => {
                Column::new(&mut self.import_caps, r * self.lines + l, self.regions * self.lines)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use suanli_scenario::builtin::builtin_scenario;
    use suanli_scenario::resolve::{resolve, DataSet};

    #[test]
    fn rows_hold_every_slot_of_every_year_and_columns_write_into_them() {
        let (electricity, fleets) =
            (suanli_data::electricity::ElectricityTable::builtin(), suanli_data::fleets::builtin_fleets());
        let data = DataSet { electricity: &electricity, fleets: &fleets };
        let input = resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data)
            .unwrap()
            .input;
        let (nr, nl) = (input.regions.len(), input.lines.len());
        let mut p = Parameters::new(&input);
        for i in [0, 24, input.years() - 1] {
            let region = &input.regions[nr - 1];
            assert_eq!(p.region_rows[i * nr + nr - 1][RegionField::Pue as usize], region.pue[i]);
            assert_eq!(p.region_rows[i * nr][RegionField::Capex as usize], input.regions[0].capex_usd_bn[i]);
            assert_eq!(p.line_rows[i * nl + 1][LineField::TdpW as usize], input.lines[1].tdp_w[i]);
            assert_eq!(p.import_caps[(i * nr + 2) * nl + 1], input.regions[2].import_cap_chips[1][i]);
        }
        // Writing through a column lands on that slot's years only.
        let before = p.region_rows.clone();
        for (k, v) in p.column(Slot::Region(3, RegionField::LoadFactor)).from_year(30).enumerate() {
            *v = k as f64;
        }
        for (at, (row, old)) in p.region_rows.iter().zip(&before).enumerate() {
            let (i, r) = (at / nr, at % nr);
            for f in RegionField::ALL {
                let want = if r == 3 && f == RegionField::LoadFactor && i >= 30 {
                    (i - 30) as f64
                } else {
                    old[f as usize]
                };
                assert_eq!(row[f as usize], want, "year {i} region {r} {f:?}");
            }
        }
    }
}
