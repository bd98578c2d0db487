//! Where the draws of uncertain parameters are written: a scenario's input, or an
//! engine's own copy of its per-year values.

use super::{LineField, RegionField, Slot};
use crate::model::NationInput;

/// The values of one slot by year, inside some storage: year `i` is
/// `data[start + i * stride]`. A scenario's input holds each slot as its own vector
/// (stride 1); an engine may keep the years of all slots interleaved in rows.
pub struct Column<'a> {
    data: &'a mut [f64],
    start: usize,
    stride: usize,
}

impl<'a> Column<'a> {
    /// Year `i` at `data[start + i * stride]` (a stride of zero is taken as one).
    pub fn new(data: &'a mut [f64], start: usize, stride: usize) -> Self {
        Column { data, start, stride: stride.max(1) }
    }

    /// The values from year index `i` on (none if `i` is past the end).
    pub fn from_year(self, i: usize) -> impl Iterator<Item = &'a mut f64> {
        let stride = self.stride;
        self.data.get_mut(self.start + i * stride..).unwrap_or_default().iter_mut().step_by(stride)
    }
}

/// Storage that draws of uncertain parameters can be written into.
pub trait Columns {
    /// The values of `slot` by year index.
    fn column(&mut self, slot: Slot) -> Column<'_>;
}

impl Columns for NationInput {
    fn column(&mut self, slot: Slot) -> Column<'_> {
        Column::new(slot_vec!(self, slot, mut), 0, 1)
    }
}

impl NationInput {
    /// The values of `slot` by year index.
    pub fn series(&self, slot: Slot) -> &[f64] {
        slot_vec!(self, slot,)
    }
}
