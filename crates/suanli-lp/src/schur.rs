//! `K_IB' K_II^-1 K_IB` — the border's Schur complement update (`bordered.rs`) — with a
//! simplicial interior factor and a block of border columns solved for at once, their
//! right sides stored by row (`x[i * k + c]`) so that each entry of L updates k adjacent
//! values.
//!
//! The forward solve reads L by rows: row i of the solution is the right side's row less
//! the rows of L's columns in row i (its descendants in the elimination tree, worked out
//! just before it), written once. Reading L by columns instead pushes each column into
//! rows far ahead, a read and a write of distant memory per entry, and needs the block
//! cleared first (196 MB a thread on the ten-site year). faer's simplicial solve takes
//! right sides by column, four at a time; no library solves with a sparse triangular
//! factor by rows into right sides stored by row, hence this file.

use rayon::prelude::*;

/// The strictly lower part of a simplicial factor (stored by column, diagonal first) by
/// row, its values gathered after each factorisation.
pub(crate) struct RowsOfL {
    row_ptr: Vec<usize>,
    /// Column of each entry, increasing within a row.
    col: Vec<u32>,
    /// Position of each entry in the factor's values.
    from: Vec<u32>,
    values: Vec<f64>,
}

impl RowsOfL {
    /// The rows of the factor with pattern `col_ptr`/`row_idx`, or `None` when its indices
    /// do not fit in 32 bits.
    pub(crate) fn new(col_ptr: &[usize], row_idx: &[usize]) -> Option<Self> {
        let n = col_ptr.len() - 1;
        if n > u32::MAX as usize || row_idx.len() > u32::MAX as usize {
            return None;
        }
        let (row_ptr, col, at) = by_rows(col_ptr, row_idx, n, 1);
        let from: Vec<u32> = at.into_iter().map(|p| p as u32).collect();
        let values = vec![0.0; from.len()];
        Some(RowsOfL { row_ptr, col, from, values })
    }

    /// Takes the values of the factor just computed.
    pub(crate) fn gather(&mut self, factor_values: &[f64]) {
        const CHUNK: usize = 1 << 16;
        self.values.par_chunks_mut(CHUNK).zip(self.from.par_chunks(CHUNK)).for_each(|(values, from)| {
            values.iter_mut().zip(from).for_each(|(v, &p)| *v = factor_values[p as usize]);
        });
    }
}

/// The entries of a pattern stored by column (`col_ptr`/`row_idx`, `rows` rows), the first
/// `skip` of each column left out, by row: row pointers, and each entry's column (fewer
/// than 2^32 columns) and position among the column-wise entries.
fn by_rows(
    col_ptr: &[usize],
    row_idx: &[usize],
    rows: usize,
    skip: usize,
) -> (Vec<usize>, Vec<u32>, Vec<usize>) {
    let columns = |j: usize| col_ptr[j] + skip..col_ptr[j + 1];
    let n = col_ptr.len() - 1;
    let mut row_ptr = vec![0; rows + 1];
    for j in 0..n {
        row_idx[columns(j)].iter().for_each(|&i| row_ptr[i + 1] += 1);
    }
    for i in 0..rows {
        row_ptr[i + 1] += row_ptr[i];
    }
    let entries = row_ptr[rows];
    let (mut col, mut at) = (vec![0; entries], vec![0; entries]);
    let mut next = row_ptr.clone();
    for j in 0..n {
        for (p, &i) in columns(j).zip(&row_idx[columns(j)]) {
            col[next[i]] = j as u32;
            at[next[i]] = p;
            next[i] += 1;
        }
    }
    (row_ptr, col, at)
}

/// `K_IB` (border columns coupled to interior rows) by interior row: each entry's border
/// column and its position in `K_IB`'s values.
pub(crate) struct CouplingByRows {
    row_ptr: Vec<usize>,
    border: Vec<u32>,
    at: Vec<usize>,
}

impl CouplingByRows {
    /// The rows of `K_IB` given by border column (`colptr`/`rowval`, `ni` interior rows).
    pub(crate) fn new(colptr: &[usize], rowval: &[usize], ni: usize) -> Self {
        let (row_ptr, border, at) = by_rows(colptr, rowval, ni, 0);
        CouplingByRows { row_ptr, border, at }
    }

    /// `out = K_IB x` (`x` by border column), by row: each value written once.
    pub(crate) fn product(&self, ib_values: &[f64], x: &[f64], out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = (self.row_ptr[i]..self.row_ptr[i + 1])
                .map(|q| ib_values[self.at[q]] * x[self.border[q] as usize])
                .sum();
        }
    }
}

/// A simplicial interior factor by column and by row, and `K_IB` by column and by row.
pub(crate) struct Simplicial<'a> {
    /// L by column (diagonal first, holding D).
    pub columns: (&'a [usize], &'a [usize], &'a [f64]),
    /// L's strictly lower part by row.
    pub rows: &'a RowsOfL,
    /// `K_IB` by border column: interior rows and values.
    pub ib: (&'a [usize], &'a [usize], &'a [f64]),
    /// `K_IB` by interior row.
    pub ib_rows: &'a CouplingByRows,
}

impl Simplicial<'_> {
    /// `K_IB' K_II^-1 K_IB` for the `k` border columns from `first` on, as
    /// `product[a * k + c]` = entry (a, first + c); `block` holds interior size x `k`
    /// values (overwritten).
    pub(crate) fn coupled_block(&self, first: usize, k: usize, block: &mut [f64]) -> Vec<f64> {
        let nb = self.ib.0.len() - 1;
        let ni = self.rows.row_ptr.len() - 1;
        let block = &mut block[..ni * k];
        self.forward(first, k, block);
        let mut product = vec![0.0; nb * k];
        self.backward(k, block, &mut product);
        product
    }

    /// `x = L^-1 K_IB[:, first..first + k]`, row by row. (Not inlined, here and below, so
    /// that profiles tell the two sweeps apart; measured so.)
    #[inline(never)]
    fn forward(&self, first: usize, k: usize, x: &mut [f64]) {
        let (rows, coupling) = (self.rows, self.ib_rows);
        let ib_values = self.ib.2;
        for i in 0..rows.row_ptr.len() - 1 {
            let (done, rest) = x.split_at_mut(i * k);
            let xi = &mut rest[..k];
            xi.iter_mut().for_each(|v| *v = 0.0);
            for q in coupling.row_ptr[i]..coupling.row_ptr[i + 1] {
                if let Some(c) = (coupling.border[q] as usize).checked_sub(first).filter(|&c| c < k) {
                    xi[c] += ib_values[coupling.at[q]];
                }
            }
            for q in rows.row_ptr[i]..rows.row_ptr[i + 1] {
                let (l, j) = (rows.values[q], rows.col[q] as usize);
                let xj = &done[j * k..(j + 1) * k];
                xi.iter_mut().zip(xj).for_each(|(xi, xj)| *xi -= l * xj);
            }
        }
    }

    /// `x = L'^-1 D^-1 x`, column by column (each reads the rows of its ancestors, solved
    /// before it), and `product = K_IB' x` as each row is solved (while it is at hand:
    /// gathering the rows of `K_IB` afterwards was a tenth of the time).
    #[inline(never)]
    fn backward(&self, k: usize, x: &mut [f64], product: &mut [f64]) {
        let (col_ptr, row_idx, values) = self.columns;
        let (coupling, ib_values) = (self.ib_rows, self.ib.2);
        for j in (0..col_ptr.len() - 1).rev() {
            let (head, tail) = x.split_at_mut((j + 1) * k);
            let xj = &mut head[j * k..];
            let d = values[col_ptr[j]];
            xj.iter_mut().for_each(|v| *v /= d);
            for p in col_ptr[j] + 1..col_ptr[j + 1] {
                let (l, i) = (values[p], row_idx[p]);
                let xi = &tail[(i - j - 1) * k..(i - j) * k];
                xj.iter_mut().zip(xi).for_each(|(xj, xi)| *xj -= l * xi);
            }
            for q in coupling.row_ptr[j]..coupling.row_ptr[j + 1] {
                let (a, v) = (coupling.border[q] as usize, ib_values[coupling.at[q]]);
                let out = &mut product[a * k..(a + 1) * k];
                out.iter_mut().zip(&*xj).for_each(|(o, x)| *o += v * x);
            }
        }
    }
}
