//! LDL' of an augmented matrix whose few "border" columns (capacities) couple every hour.
//!
//! Ordered among the others, a border column fills the sparse factor: every column it
//! touches gains an entry for it, and its own row of L becomes dense (the ten-site
//! reference network: 23 M nonzeros in L with its 65 capacities, 5 M without, and 80 %
//! of the time of each iteration in the factorisation). Here the border is eliminated
//! last, by hand, through its Schur complement:
//!
//! ```text
//! [ K_II  K_IB ]      S = K_BB - K_IB' K_II^-1 K_IB        (dense, border x border)
//! [ K_IB' K_BB ]      solve: y = K_II^-1 r_I,  x_B = S^-1 (r_B - K_IB' y),
//!                            x_I = y - K_II^-1 K_IB x_B
//! ```
//!
//! `K_II` is put in its approximate-minimum-degree order once and factorised by faer's
//! sparse LDL' (it has the sparsity of the hours alone); `K_II^-1 K_IB` is formed in one
//! block of border columns per thread, stored by row when faer's factor is simplicial
//! (`schur.rs`); and `S` — positive definite, since the border columns are primal
//! unknowns of a quasi-definite matrix — is factorised by a small dense LDL' that skips
//! pivots lost to cancellation. No library offers a sparse LDL' with a dense trailing
//! Schur complement of chosen columns, hence this file.

use clarabel::algebra::CscMatrix;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::ldlt::factor::LdltParams;
use faer::sparse::linalg::cholesky::{LdltRef, SymbolicCholesky, SymbolicCholeskyRaw, SymmetricOrdering};
use faer::{Conj, MatMut, Par, Spec};
use rayon::prelude::*;

use crate::augmented::Failure;
use crate::ldl::{amd_positions, faer_factor, symbolic as analyse, REGULARIZE_DELTA, REGULARIZE_EPS};
use crate::schur::{CouplingByRows, RowsOfL, Simplicial};
use crate::split::{factor_split, solve_split, split_order, FactorWork, Halves, Pivots};

/// Where an entry of the full matrix goes.
#[derive(Debug, Clone, Copy)]
enum Dest {
    /// Position in the interior matrix's values.
    Interior(usize),
    /// Position in `K_IB`'s values.
    Coupling(usize),
    /// Row and column of the dense border block.
    Border(usize, usize),
}

/// Interior unknowns fewer than which the solves stay on one core.
const SPLIT_MIN_UNKNOWNS: usize = 20_000;

/// Where the full matrix's entries go, for one order of the interior.
struct Layout {
    /// Destination of each entry of the full matrix's values.
    dest: Vec<Dest>,
    /// Interior index of each full index (`usize::MAX` for the border).
    interior_of: Vec<usize>,
    /// Full index of each interior index.
    full_of_interior: Vec<usize>,
    /// Interior matrix pattern (upper triangle, sorted rows).
    ii_colptr: Vec<usize>,
    ii_rowval: Vec<usize>,
    /// `K_IB` by border column: interior rows.
    ib_colptr: Vec<usize>,
    ib_rowval: Vec<usize>,
}

impl Layout {
    /// The layout with interior unknown `i` (the `i`-th non-border column `full_of[i]`)
    /// at `position[i]`.
    fn new(matrix: &CscMatrix<f64>, border_of: &[usize], full_of: &[usize], position: &[usize]) -> Self {
        let (n, ni, nb) = (matrix.n, full_of.len(), matrix.n - full_of.len());
        let mut interior_of = vec![usize::MAX; n];
        let mut full_of_interior = vec![0; ni];
        for (i, &j) in full_of.iter().enumerate() {
            interior_of[j] = position[i];
            full_of_interior[position[i]] = j;
        }
        let mut dest = vec![Dest::Interior(0); matrix.nzval.len()];
        let mut interior: Vec<(usize, usize, usize)> = Vec::new(); // (column, row, full entry)
        let mut coupling: Vec<(usize, usize, usize)> = Vec::new(); // (border, interior row, full entry)
        for j in 0..n {
            for (k, dest) in dest.iter_mut().enumerate().take(matrix.colptr[j + 1]).skip(matrix.colptr[j]) {
                let i = matrix.rowval[k];
                match (border_of[i], border_of[j]) {
                    (usize::MAX, usize::MAX) => {
                        let (r, c) = (interior_of[i], interior_of[j]);
                        interior.push((r.max(c), r.min(c), k));
                    }
                    (usize::MAX, b) => coupling.push((b, interior_of[i], k)),
                    (b, usize::MAX) => coupling.push((b, interior_of[j], k)),
                    (a, b) => *dest = Dest::Border(a, b),
                }
            }
        }
        let mut compressed =
            |entries: &mut Vec<(usize, usize, usize)>, columns: usize, wrap: fn(usize) -> Dest| {
                entries.sort_unstable();
                let mut colptr = vec![0; columns + 1];
                let mut rowval = Vec::with_capacity(entries.len());
                for (pos, &(c, r, k)) in entries.iter().enumerate() {
                    colptr[c + 1] = pos + 1;
                    rowval.push(r);
                    dest[k] = wrap(pos);
                }
                for c in 0..columns {
                    colptr[c + 1] = colptr[c + 1].max(colptr[c]);
                }
                (colptr, rowval)
            };
        let (ii_colptr, ii_rowval) = compressed(&mut interior, ni, Dest::Interior);
        let (ib_colptr, ib_rowval) = compressed(&mut coupling, nb, Dest::Coupling);
        Layout { dest, interior_of, full_of_interior, ii_colptr, ii_rowval, ib_colptr, ib_rowval }
    }
}

/// Where the interior's elimination tree splits in two (`split.rs`), the top's updates
/// gathered from each half during a solve, and the factorisation's work vectors.
struct TwoCores {
    halves: Halves,
    gathered: [Vec<f64>; 2],
    work: FactorWork,
}

/// The factorisation.
pub struct BorderedLdl {
    /// Full matrix (upper triangle), whose values the interior point updates.
    matrix: CscMatrix<f64>,
    /// Full index of each border column.
    border: Vec<usize>,
    layout: Layout,
    /// Interior matrix values (upper triangle).
    ii_values: Vec<f64>,
    signs: Vec<i8>,
    symbolic: SymbolicCholesky<usize>,
    factor_values: Vec<f64>,
    /// The interior's factorisation and solves on two cores, where its elimination tree
    /// splits evenly and faer's factor is simplicial.
    two_cores: Option<TwoCores>,
    /// `K_IB`'s values by border column (`layout.ib_colptr`).
    ib_values: Vec<f64>,
    /// `K_IB` by interior row.
    ib_rows: CouplingByRows,
    /// The interior factor by row, where it is simplicial, for the Schur complement's
    /// forward solves (`schur.rs`).
    rows_of_l: Option<RowsOfL>,
    /// Dense border block, then its Schur complement's LDL' (unit lower L below the
    /// diagonal, D on it), column-major.
    schur: Vec<f64>,
    work: MemBuffer,
    /// Per thread: right sides of a block of border columns, and solve scratch.
    workspaces: Vec<(Vec<f64>, MemBuffer)>,
    /// An interior vector for the solves.
    interior_work: Vec<f64>,
    interior_rhs: Vec<f64>,
}

impl BorderedLdl {
    /// Analyses `matrix` (upper triangle, sorted rows) with `border` (sorted full indices,
    /// primal, +1 signs) eliminated last.
    pub fn new(matrix: CscMatrix<f64>, signs: &[i8], border: &[usize]) -> Result<Self, Failure> {
        Self::with_split_from(matrix, signs, border, SPLIT_MIN_UNKNOWNS)
    }

    /// [`BorderedLdl::new`], splitting the interior's solves from `split_min` interior
    /// unknowns on.
    fn with_split_from(
        matrix: CscMatrix<f64>,
        signs: &[i8],
        border: &[usize],
        split_min: usize,
    ) -> Result<Self, Failure> {
        let n = matrix.n;
        let nb = border.len();
        let mut border_of = vec![usize::MAX; n];
        for (b, &j) in border.iter().enumerate() {
            border_of[j] = b;
        }
        let full_of: Vec<usize> = (0..n).filter(|&j| border_of[j] == usize::MAX).collect();
        let ni = full_of.len();
        // The interior in its elimination order: faer then needs no permutation of the
        // right sides, which on the full ten-site year was a quarter of the solve time.
        let natural = Layout::new(&matrix, &border_of, &full_of, &(0..ni).collect::<Vec<_>>());
        let mut position = amd_positions(ni, &natural.ii_colptr, &natural.ii_rowval)?;
        let mut layout = Layout::new(&matrix, &border_of, &full_of, &position);
        let mut symbolic = analyse(ni, &layout.ii_colptr, &layout.ii_rowval, SymmetricOrdering::Identity)?;
        // Then, where the elimination tree splits evenly, the halves first (`split.rs`).
        let mut halves = None;
        if let (SymbolicCholeskyRaw::Simplicial(factor), true) =
            (symbolic.raw(), ni >= split_min && rayon::current_num_threads() > 1)
        {
            if let Some((place, split)) = split_order(factor.col_ptr(), factor.row_idx()) {
                position.iter_mut().for_each(|p| *p = place[*p]);
                layout = Layout::new(&matrix, &border_of, &full_of, &position);
                symbolic = analyse(ni, &layout.ii_colptr, &layout.ii_rowval, SymmetricOrdering::Identity)?;
                halves = Some(split);
            }
        }
        let par = Par::Seq;
        // One block of border columns per thread (the ten-site year: 33 columns, 196 MB
        // each; blocks of 8 and 16 columns shared among the threads were 1.6 and 1.1 times
        // slower, as each block is a pass over L).
        let threads = rayon::current_num_threads().clamp(1, nb.max(1));
        let width = nb.div_ceil(threads).max(1);
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_ldlt_scratch::<f64>(par, Spec::<LdltParams, f64>::default()),
            symbolic.solve_in_place_scratch::<f64>(width, par),
        ]);
        let factor_values = vec![0.0; symbolic.len_val()];
        let block_scratch = symbolic.solve_in_place_scratch::<f64>(width, par);
        let mut interior_signs = vec![0; ni];
        for (i, &j) in full_of.iter().enumerate() {
            interior_signs[position[i]] = signs[j];
        }
        let two_cores = match (symbolic.raw(), halves) {
            (SymbolicCholeskyRaw::Simplicial(s), Some(halves)) => Some(TwoCores {
                halves,
                gathered: [vec![0.0; ni - halves.top], vec![0.0; ni - halves.top]],
                work: FactorWork::new(s.col_ptr(), s.row_idx()),
            }),
            _ => None,
        };
        let rows_of_l = match symbolic.raw() {
            SymbolicCholeskyRaw::Simplicial(s) => RowsOfL::new(s.col_ptr(), s.row_idx()),
            SymbolicCholeskyRaw::Supernodal(_) => None,
        };
        Ok(BorderedLdl {
            ib_rows: CouplingByRows::new(&layout.ib_colptr, &layout.ib_rowval, ni),
            rows_of_l,
            signs: interior_signs,
            border: border.to_vec(),
            ii_values: vec![0.0; layout.ii_rowval.len()],
            ib_values: vec![0.0; layout.ib_rowval.len()],
            layout,
            symbolic,
            factor_values,
            two_cores,
            schur: vec![0.0; nb * nb],
            work: MemBuffer::new(req),
            workspaces: (0..threads)
                .map(|_| (vec![0.0; ni * width], MemBuffer::new(block_scratch)))
                .collect(),
            interior_work: vec![0.0; ni],
            interior_rhs: vec![0.0; ni],
            matrix,
        })
    }

    /// The full matrix (upper triangle) with its current values.
    pub fn matrix(&self) -> &CscMatrix<f64> {
        &self.matrix
    }

    /// Sets the values at positions `index` of the full matrix's value array.
    pub fn update_values(&mut self, index: &[usize], values: &[f64]) {
        index.iter().zip(values).for_each(|(&i, &v)| self.matrix.nzval[i] = v);
    }

    /// Factorises the interior, forms the Schur complement and factorises it.
    pub fn refactor(&mut self) -> Result<(), Failure> {
        let nb = self.border.len();
        self.schur.iter_mut().for_each(|v| *v = 0.0);
        for (k, &v) in self.matrix.nzval.iter().enumerate() {
            match self.layout.dest[k] {
                Dest::Interior(p) => self.ii_values[p] = v,
                Dest::Coupling(p) => self.ib_values[p] = v,
                Dest::Border(a, b) => {
                    self.schur[a + b * nb] = v;
                    self.schur[b + a * nb] = v;
                }
            }
        }
        let interior = (&self.layout.ii_colptr[..], &self.layout.ii_rowval[..], &self.ii_values[..]);
        match (self.symbolic.raw(), &mut self.two_cores) {
            (SymbolicCholeskyRaw::Simplicial(s), Some(two)) => {
                let pivots = Pivots { signs: &self.signs, epsilon: REGULARIZE_EPS, delta: REGULARIZE_DELTA };
                let pattern = (s.col_ptr(), s.row_idx());
                factor_split(interior, pattern, two.halves, pivots, &mut self.factor_values, &mut two.work)
                    .map_err(|k| Failure::Numerical(format!("factorisation: zero pivot in column {k}")))?
            }
            _ => faer_factor(&self.symbolic, &mut self.factor_values, interior, &self.signs, &mut self.work)?,
        }
        // S = K_BB - K_IB' K_II^-1 K_IB, the border columns split into one block per
        // thread, each block solved for at once (one pass over L per block).
        let ib = (&self.layout.ib_colptr[..], &self.layout.ib_rowval[..], &self.ib_values[..]);
        let simplicial = match (self.symbolic.raw(), &mut self.rows_of_l) {
            (SymbolicCholeskyRaw::Simplicial(s), Some(rows)) => {
                rows.gather(&self.factor_values);
                let columns = (s.col_ptr(), s.row_idx(), &self.factor_values[..]);
                Some(Simplicial { columns, rows: &*rows, ib, ib_rows: &self.ib_rows })
            }
            _ => None,
        };
        let interior = Interior { ldlt: LdltRef::new(&self.symbolic, &self.factor_values), simplicial, ib };
        let width = nb.div_ceil(self.workspaces.len());
        let parts: Vec<(usize, Vec<f64>)> = self
            .workspaces
            .par_iter_mut()
            .enumerate()
            .map(|(t, (block, work))| {
                let first = (t * width).min(nb);
                (first, interior.coupled_block(first, width.min(nb - first), block, work))
            })
            .collect();
        let diagonal: Vec<f64> = (0..nb).map(|j| self.schur[j + j * nb]).collect();
        for (first, product) in parts {
            let k = product.len() / nb.max(1);
            for (i, v) in product.iter().enumerate() {
                self.schur[(first + i % k) * nb + i / k] -= v;
            }
        }
        dense_ldl(&mut self.schur, nb, &diagonal)
    }

    /// Solves with the factors in place (`rhs` in full indices).
    pub fn solve(&mut self, rhs: &mut [f64]) {
        let nb = self.border.len();
        let ni = self.interior_rhs.len();
        let full = &*rhs;
        let full_of_interior = &self.layout.full_of_interior;
        self.interior_rhs.iter_mut().zip(full_of_interior).for_each(|(y, &j)| *y = full[j]);
        let ldlt = LdltRef::new(&self.symbolic, &self.factor_values);
        let values = &self.factor_values[..];
        let mut two_cores = match (self.symbolic.raw(), &mut self.two_cores) {
            (SymbolicCholeskyRaw::Simplicial(s), Some(two)) => Some((s.col_ptr(), s.row_idx(), two)),
            _ => None,
        };
        let mut solve_interior = |v: &mut [f64], work: &mut MemBuffer| match &mut two_cores {
            Some((col_ptr, row_idx, two)) => {
                solve_split((col_ptr, row_idx, values), two.halves, v, &mut two.gathered)
            }
            None => {
                let m = MatMut::from_column_major_slice_mut(v, ni, 1);
                ldlt.solve_in_place_with_conj(Conj::No, m, Par::Seq, MemStack::new(work));
            }
        };
        solve_interior(&mut self.interior_rhs, &mut self.work);
        // x_B = S^-1 (r_B - K_IB' y).
        let (ib_colptr, ib_rowval, ib_values, y) =
            (&self.layout.ib_colptr, &self.layout.ib_rowval, &self.ib_values, &self.interior_rhs);
        let mut xb: Vec<f64> = (0..nb)
            .map(|b| {
                let dot: f64 = (ib_colptr[b]..ib_colptr[b + 1]).map(|p| ib_values[p] * y[ib_rowval[p]]).sum();
                full[self.border[b]] - dot
            })
            .collect();
        dense_solve(&self.schur, nb, &mut xb);
        // x_I = y - K_II^-1 K_IB x_B.
        let w = &mut self.interior_work;
        self.ib_rows.product(&self.ib_values, &xb, w);
        solve_interior(w, &mut self.work);
        let (y, w) = (&self.interior_rhs, &self.interior_work);
        for (x, &i) in rhs.iter_mut().zip(&self.layout.interior_of) {
            if i != usize::MAX {
                *x = y[i] - w[i];
            }
        }
        for (b, &j) in self.border.iter().enumerate() {
            rhs[j] = xb[b];
        }
    }
}

/// The interior's factors and its coupling to the border, for forming the Schur complement.
struct Interior<'a> {
    ldlt: LdltRef<'a, usize, f64>,
    /// The factor by column and by row when faer's factor is simplicial.
    simplicial: Option<Simplicial<'a>>,
    /// `K_IB` by border column: interior rows and values.
    ib: (&'a [usize], &'a [usize], &'a [f64]),
}

impl Interior<'_> {
    /// `K_IB' K_II^-1 K_IB` for the `k` border columns from `first` on, as
    /// `product[a * k + c]` = entry (a, first + c); `block` holds interior size x `k` values.
    fn coupled_block(&self, first: usize, k: usize, block: &mut [f64], work: &mut MemBuffer) -> Vec<f64> {
        if let Some(simplicial) = &self.simplicial {
            return simplicial.coupled_block(first, k, block);
        }
        let (colptr, rowval, values) = self.ib;
        let (nb, ni) = (colptr.len() - 1, block.len() / k.max(1));
        let block = &mut block[..ni * k];
        block.iter_mut().for_each(|v| *v = 0.0);
        for c in 0..k {
            for p in colptr[first + c]..colptr[first + c + 1] {
                block[c * ni + rowval[p]] += values[p];
            }
        }
        let rhs = MatMut::from_column_major_slice_mut(block, ni, k);
        self.ldlt.solve_in_place_with_conj(Conj::No, rhs, Par::Seq, MemStack::new(work));
        let mut product = vec![0.0; nb * k];
        for c in 0..k {
            let column = &block[c * ni..(c + 1) * ni];
            for a in 0..nb {
                product[a * k + c] = (colptr[a]..colptr[a + 1]).map(|p| values[p] * column[rowval[p]]).sum();
            }
        }
        product
    }
}

/// Share of a border column's own diagonal entry (before the interior's part is taken
/// off) below which its pivot in the Schur complement is rounding error: near the
/// optimum `K_BB` and `K_IB' K_II^-1 K_IB` grow large and nearly equal.
const SCHUR_PIVOT_SHARE: f64 = 1e-12;
/// What such a pivot becomes: in effect infinite, so that its unknown takes no part in
/// this factorisation's solves (the "Cholesky-infinity" of PCx and LIPSOL) and the
/// refinement against the matrix recovers what it can. Regularised to a small pivot
/// instead, it divided the rest of its column into overflow and ended the full dc10.
const SKIPPED_PIVOT: f64 = 1e128;

/// In-place LDL' of a symmetric positive (semi)definite matrix (column-major, n x n):
/// L below the diagonal (unit diagonal implied), D on it; a pivot below
/// `SCHUR_PIVOT_SHARE` of `diagonal` (or below `REGULARIZE_EPS`) is skipped.
fn dense_ldl(s: &mut [f64], n: usize, diagonal: &[f64]) -> Result<(), Failure> {
    for j in 0..n {
        let mut d = s[j + j * n];
        for k in 0..j {
            d -= s[j + k * n] * s[j + k * n] * s[k + k * n];
        }
        if !d.is_finite() {
            return Err(Failure::Numerical("zero pivot in the border's Schur complement".into()));
        }
        if d < REGULARIZE_EPS.max(SCHUR_PIVOT_SHARE * diagonal[j].abs()) {
            d = SKIPPED_PIVOT;
        }
        s[j + j * n] = d;
        for i in j + 1..n {
            let mut v = s[i + j * n];
            for k in 0..j {
                v -= s[i + k * n] * s[j + k * n] * s[k + k * n];
            }
            s[i + j * n] = v / d;
        }
    }
    Ok(())
}

/// Solves with the factors of [`dense_ldl`].
fn dense_solve(s: &[f64], n: usize, x: &mut [f64]) {
    for j in 0..n {
        for i in j + 1..n {
            x[i] -= s[i + j * n] * x[j];
        }
    }
    for j in 0..n {
        x[j] /= s[j + j * n];
    }
    for j in (0..n).rev() {
        for i in j + 1..n {
            x[j] -= s[i + j * n] * x[i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dense_factorisation_solves_a_small_positive_definite_system() {
        // S = [4 2 0; 2 5 1; 0 1 3], x = (1, -2, 3)  ->  S x = (0, -5, 7).
        let mut s = vec![4.0, 2.0, 0.0, 2.0, 5.0, 1.0, 0.0, 1.0, 3.0];
        dense_ldl(&mut s, 3, &[4.0, 5.0, 3.0]).unwrap();
        let mut x = vec![0.0, -5.0, 7.0];
        dense_solve(&s, 3, &mut x);
        for (got, want) in x.iter().zip([1.0, -2.0, 3.0]) {
            assert!((got - want).abs() < 1e-12, "{got} against {want}");
        }
    }

    #[test]
    fn a_pivot_lost_to_cancellation_is_skipped_not_blown_up() {
        // S = [1 1; 1 1], its second diagonal entry left after taking ~1e15 off ~1e15: the
        // second pivot is 0, far below 1e-12 of that column's diagonal, so it is skipped
        // and the solve of a consistent right side stays finite and exact.
        let mut s = vec![1.0, 1.0, 1.0, 1.0];
        dense_ldl(&mut s, 2, &[1.0, 1e15]).unwrap();
        assert_eq!(s[0], 1.0);
        assert_eq!(s[3], SKIPPED_PIVOT);
        let mut x = vec![2.0, 2.0];
        dense_solve(&s, 2, &mut x);
        assert!((x[0] + x[1] - 2.0).abs() < 1e-12 && x.iter().all(|v| v.is_finite()), "{x:?}");
    }

    #[test]
    fn a_border_eliminated_last_gives_the_same_solution_as_the_whole_matrix() {
        // Quasi-definite 4 x 4 (upper triangle): primal 0, 1 (border), 2; dual 3.
        //   [ 2  1  0  1 ]
        //   [ 1  3  1  1 ]
        //   [ 0  1  2  1 ]
        //   [ 1  1  1 -1 ]
        let colptr = vec![0, 1, 3, 5, 9];
        let rowval = vec![0, 0, 1, 1, 2, 0, 1, 2, 3];
        let nzval = vec![2.0, 1.0, 3.0, 1.0, 2.0, 1.0, 1.0, 1.0, -1.0];
        let full = [[2.0, 1.0, 0.0, 1.0], [1.0, 3.0, 1.0, 1.0], [0.0, 1.0, 2.0, 1.0], [1.0, 1.0, 1.0, -1.0]];
        let matrix = CscMatrix::new(4, 4, colptr, rowval, nzval);
        let mut ldl = BorderedLdl::new(matrix, &[1, 1, 1, -1], &[1]).unwrap();
        ldl.refactor().unwrap();
        let want = [0.5, -1.0, 2.0, 1.5];
        let mut rhs: Vec<f64> =
            full.iter().map(|row| row.iter().zip(&want).map(|(a, x)| a * x).sum()).collect();
        ldl.solve(&mut rhs);
        for (got, want) in rhs.iter().zip(want) {
            assert!((got - want).abs() < 1e-10, "{got} against {want}");
        }
    }

    /// A quasi-definite matrix shaped like a network's: per site and hour three primal
    /// unknowns and one balance row, each site's hours chained by a storage term, and
    /// `nb` border columns each coupled to one unknown of every site and hour. Returns
    /// the matrix (upper triangle), its dense form, the signs and the border.
    fn network_like(
        sites: usize,
        hours: usize,
        nb: usize,
    ) -> (CscMatrix<f64>, Vec<Vec<f64>>, Vec<i8>, Vec<usize>) {
        let n = 4 * sites * hours + nb;
        let mut upper = vec![Vec::new(); n]; // column -> (row, value), row <= column
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut signs = vec![1i8; n];
        for h in 0..sites * hours {
            let base = 4 * h;
            for u in 0..3 {
                upper[base + u].push((base + u, 1.0 + next()));
                upper[base + 3].push((base + u, next() - 0.5));
            }
            upper[base + 3].push((base + 3, -1e-3));
            signs[base + 3] = -1;
            if h % hours > 0 {
                upper[base + 3].push((base - 4, 0.5)); // last hour's storage
            }
        }
        let border: Vec<usize> = (n - nb..n).collect();
        for (b, &j) in border.iter().enumerate() {
            upper[j].push((j, 2.0 + next()));
            for h in 0..sites * hours {
                upper[j].push((4 * h + b % 3, 0.1 * (next() - 0.5)));
            }
        }
        let mut dense = vec![vec![0.0; n]; n];
        let (mut colptr, mut rowval, mut nzval) = (vec![0], Vec::new(), Vec::new());
        for (j, column) in upper.iter_mut().enumerate() {
            column.sort_by_key(|&(i, _)| i);
            for &(i, v) in column.iter() {
                rowval.push(i);
                nzval.push(v);
                dense[i][j] += v;
                if i != j {
                    dense[j][i] += v;
                }
            }
            colptr.push(rowval.len());
        }
        (CscMatrix::new(n, n, colptr, rowval, nzval), dense, signs, border)
    }

    /// Solves `dense x = b` for a known x with `ldl` and checks x.
    fn solves_exactly(ldl: &mut BorderedLdl, dense: &[Vec<f64>]) {
        let want: Vec<f64> = (0..dense.len()).map(|i| (i as f64 * 0.37).sin()).collect();
        let mut rhs: Vec<f64> =
            dense.iter().map(|row| row.iter().zip(&want).map(|(a, x)| a * x).sum()).collect();
        ldl.refactor().unwrap();
        ldl.solve(&mut rhs);
        for (got, want) in rhs.iter().zip(&want) {
            assert!((got - want).abs() < 1e-9, "{got} against {want}");
        }
    }

    #[test]
    fn hours_chained_by_storage_and_many_capacities_are_solved_exactly() {
        let (matrix, dense, signs, border) = network_like(1, 60, 20);
        let mut ldl = BorderedLdl::new(matrix, &signs, &border).unwrap();
        assert!(ldl.two_cores.is_none(), "one chain has no even split");
        solves_exactly(&mut ldl, &dense);
    }

    #[test]
    fn two_sites_solved_in_halves_are_solved_exactly() {
        let (matrix, dense, signs, border) = network_like(2, 40, 18);
        let mut ldl = BorderedLdl::with_split_from(matrix, &signs, &border, 0).unwrap();
        if rayon::current_num_threads() > 1 {
            assert!(ldl.two_cores.is_some(), "two sites split into halves");
        }
        solves_exactly(&mut ldl, &dense);
    }
}
