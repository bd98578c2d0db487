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
//! `K_II` is factorised by faer's sparse LDL' (it has the sparsity of the hours
//! alone), `K_II^-1 K_IB` is formed in blocks of columns with faer's multi-column solve
//! (dense kernels), and `S` — positive definite, since the border columns are primal
//! unknowns of a quasi-definite matrix — by a small dense LDL'. No library offers a
//! sparse LDL' with a dense trailing Schur complement of chosen columns, hence this file.

use clarabel::algebra::CscMatrix;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::ldlt::factor::LdltParams;
use faer::sparse::linalg::cholesky::{LdltRef, SymbolicCholesky};
use faer::{Conj, MatMut, Par, Spec};
use rayon::prelude::*;

use crate::augmented::Failure;
use crate::ldl::{amd_symbolic, faer_factor, REGULARIZE_DELTA, REGULARIZE_EPS};

/// Border columns solved for at once when forming `K_II^-1 K_IB` (memory: interior size
/// x this many values).
const BLOCK: usize = 16;

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

/// The factorisation.
pub struct BorderedLdl {
    /// Full matrix (upper triangle), whose values the interior point updates.
    matrix: CscMatrix<f64>,
    dest: Vec<Dest>,
    /// Full index of each interior index, and interior index of each full index
    /// (`usize::MAX` for the border).
    interior_of: Vec<usize>,
    /// Full index of each border column.
    border: Vec<usize>,
    /// Interior matrix: pattern and values (upper triangle).
    ii_colptr: Vec<usize>,
    ii_rowval: Vec<usize>,
    ii_values: Vec<f64>,
    signs: Vec<i8>,
    symbolic: SymbolicCholesky<usize>,
    factor_values: Vec<f64>,
    /// `K_IB` by border column: interior rows and values.
    ib_colptr: Vec<usize>,
    ib_rowval: Vec<usize>,
    ib_values: Vec<f64>,
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
        let n = matrix.n;
        let nb = border.len();
        let mut border_of = vec![usize::MAX; n];
        for (b, &j) in border.iter().enumerate() {
            border_of[j] = b;
        }
        let full_of: Vec<usize> = (0..n).filter(|&j| border_of[j] == usize::MAX).collect();
        let mut interior_of = vec![usize::MAX; n];
        for (i, &j) in full_of.iter().enumerate() {
            interior_of[j] = i;
        }
        let mut dest = vec![Dest::Interior(0); matrix.nzval.len()];
        let (mut ii_colptr, mut ii_rowval) = (vec![0], Vec::new());
        let mut coupling: Vec<(usize, usize, usize)> = Vec::new(); // (border, interior row, full entry)
        for j in 0..n {
            for (k, slot) in dest.iter_mut().enumerate().take(matrix.colptr[j + 1]).skip(matrix.colptr[j]) {
                let i = matrix.rowval[k];
                *slot = match (border_of[i], border_of[j]) {
                    (usize::MAX, usize::MAX) => {
                        ii_rowval.push(interior_of[i]);
                        Dest::Interior(ii_rowval.len() - 1)
                    }
                    (usize::MAX, b) => {
                        coupling.push((b, interior_of[i], k));
                        Dest::Coupling(0)
                    }
                    (b, usize::MAX) => {
                        coupling.push((b, interior_of[j], k));
                        Dest::Coupling(0)
                    }
                    (a, b) => Dest::Border(a, b),
                };
            }
            if border_of[j] == usize::MAX {
                ii_colptr.push(ii_rowval.len());
            }
        }
        coupling.sort_unstable();
        let mut ib_colptr = vec![0; nb + 1];
        let mut ib_rowval = Vec::with_capacity(coupling.len());
        for (pos, &(b, i, k)) in coupling.iter().enumerate() {
            ib_colptr[b + 1] = pos + 1;
            ib_rowval.push(i);
            dest[k] = Dest::Coupling(pos);
        }
        for b in 0..nb {
            ib_colptr[b + 1] = ib_colptr[b + 1].max(ib_colptr[b]);
        }
        let ni = full_of.len();
        let symbolic = amd_symbolic(ni, &ii_colptr, &ii_rowval)?;
        let par = Par::Seq;
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_ldlt_scratch::<f64>(par, Spec::<LdltParams, f64>::default()),
            symbolic.solve_in_place_scratch::<f64>(BLOCK, par),
        ]);
        let factor_values = vec![0.0; symbolic.len_val()];
        let symbolic_scratch = symbolic.solve_in_place_scratch::<f64>(BLOCK, par);
        let nz_ii = ii_rowval.len();
        Ok(BorderedLdl {
            signs: full_of.iter().map(|&j| signs[j]).collect(),
            interior_of,
            border: border.to_vec(),
            ii_colptr,
            ii_rowval,
            ii_values: vec![0.0; nz_ii],
            symbolic,
            factor_values,
            ib_values: vec![0.0; ib_rowval.len()],
            ib_colptr,
            ib_rowval,
            schur: vec![0.0; nb * nb],
            work: MemBuffer::new(req),
            workspaces: (0..rayon::current_num_threads().clamp(1, nb.div_ceil(BLOCK).max(1)))
                .map(|_| (vec![0.0; ni * BLOCK.min(nb.max(1))], MemBuffer::new(symbolic_scratch)))
                .collect(),
            interior_work: vec![0.0; ni],
            interior_rhs: vec![0.0; ni],
            dest,
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
            match self.dest[k] {
                Dest::Interior(p) => self.ii_values[p] = v,
                Dest::Coupling(p) => self.ib_values[p] = v,
                Dest::Border(a, b) => {
                    self.schur[a + b * nb] = v;
                    self.schur[b + a * nb] = v;
                }
            }
        }
        let ni = self.ii_colptr.len() - 1;
        let interior = (&self.ii_colptr[..], &self.ii_rowval[..], &self.ii_values[..]);
        faer_factor(&self.symbolic, &mut self.factor_values, interior, &self.signs, &mut self.work)?;
        // S = K_BB - K_IB' K_II^-1 K_IB, BLOCK border columns at a time, the blocks shared
        // among threads (each with its own right sides and scratch).
        let ldlt = LdltRef::new(&self.symbolic, &self.factor_values);
        let (ib_colptr, ib_rowval, ib_values) = (&self.ib_colptr, &self.ib_rowval, &self.ib_values);
        let threads = self.workspaces.len();
        let parts: Vec<Vec<(usize, Vec<f64>)>> = self
            .workspaces
            .par_iter_mut()
            .enumerate()
            .map(|(t, (block, work))| {
                let mut out = Vec::new();
                for first in (t * BLOCK..nb).step_by(threads * BLOCK) {
                    let k = BLOCK.min(nb - first);
                    let block = &mut block[..ni * k];
                    block.iter_mut().for_each(|v| *v = 0.0);
                    for c in 0..k {
                        let b = first + c;
                        for p in ib_colptr[b]..ib_colptr[b + 1] {
                            block[c * ni + ib_rowval[p]] += ib_values[p];
                        }
                    }
                    let rhs = MatMut::from_column_major_slice_mut(block, ni, k);
                    ldlt.solve_in_place_with_conj(Conj::No, rhs, Par::Seq, MemStack::new(work));
                    let mut columns = vec![0.0; nb * k];
                    for c in 0..k {
                        let column = &block[c * ni..(c + 1) * ni];
                        for a in 0..nb {
                            columns[a + c * nb] = (ib_colptr[a]..ib_colptr[a + 1])
                                .map(|p| ib_values[p] * column[ib_rowval[p]])
                                .sum::<f64>();
                        }
                    }
                    out.push((first, columns));
                }
                out
            })
            .collect();
        for (first, columns) in parts.into_iter().flatten() {
            for (i, v) in columns.iter().enumerate() {
                self.schur[first * nb + i] -= v;
            }
        }
        dense_ldl(&mut self.schur, nb)
    }

    /// Solves with the factors in place (`rhs` in full indices).
    pub fn solve(&mut self, rhs: &mut [f64]) {
        let nb = self.border.len();
        let ni = self.interior_rhs.len();
        for (j, &i) in self.interior_of.iter().enumerate() {
            if i != usize::MAX {
                self.interior_rhs[i] = rhs[j];
            }
        }
        let ldlt = LdltRef::new(&self.symbolic, &self.factor_values);
        let solve_interior = |v: &mut [f64], work: &mut MemBuffer| {
            let m = MatMut::from_column_major_slice_mut(v, ni, 1);
            ldlt.solve_in_place_with_conj(Conj::No, m, Par::Seq, MemStack::new(work));
        };
        solve_interior(&mut self.interior_rhs, &mut self.work);
        // x_B = S^-1 (r_B - K_IB' y).
        let mut xb: Vec<f64> = (0..nb)
            .map(|b| {
                let dot: f64 = (self.ib_colptr[b]..self.ib_colptr[b + 1])
                    .map(|p| self.ib_values[p] * self.interior_rhs[self.ib_rowval[p]])
                    .sum();
                rhs[self.border[b]] - dot
            })
            .collect();
        dense_solve(&self.schur, nb, &mut xb);
        // x_I = y - K_II^-1 K_IB x_B.
        let w = &mut self.interior_work;
        w.iter_mut().for_each(|v| *v = 0.0);
        for (b, xb) in xb.iter().enumerate() {
            for p in self.ib_colptr[b]..self.ib_colptr[b + 1] {
                w[self.ib_rowval[p]] += self.ib_values[p] * xb;
            }
        }
        solve_interior(w, &mut self.work);
        for (j, &i) in self.interior_of.iter().enumerate() {
            if i != usize::MAX {
                rhs[j] = self.interior_rhs[i] - w[i];
            }
        }
        for (b, &j) in self.border.iter().enumerate() {
            rhs[j] = xb[b];
        }
    }
}

/// In-place LDL' of a symmetric positive (semi)definite matrix (column-major, n x n):
/// L below the diagonal (unit diagonal implied), D on it; a pivot below `REGULARIZE_EPS`
/// becomes `REGULARIZE_DELTA`, as the sparse factorisations regularise.
fn dense_ldl(s: &mut [f64], n: usize) -> Result<(), Failure> {
    for j in 0..n {
        let mut d = s[j + j * n];
        for k in 0..j {
            d -= s[j + k * n] * s[j + k * n] * s[k + k * n];
        }
        if !d.is_finite() {
            return Err(Failure::Numerical("zero pivot in the border's Schur complement".into()));
        }
        if d < REGULARIZE_EPS {
            d = REGULARIZE_DELTA;
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
        dense_ldl(&mut s, 3).unwrap();
        let mut x = vec![0.0, -5.0, 7.0];
        dense_solve(&s, 3, &mut x);
        for (got, want) in x.iter().zip([1.0, -2.0, 3.0]) {
            assert!((got - want).abs() < 1e-12, "{got} against {want}");
        }
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
}
