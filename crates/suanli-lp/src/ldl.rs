//! Sparse LDL' factorisations of the quasi-definite augmented matrix, behind one face:
//! Clarabel's QDLDL (simplicial, one column at a time) where the factor stays sparse,
//! and faer's supernodal LDL' (dense blocks) where fill-in is heavy and QDLDL's
//! column-by-column updates become the whole cost (dc10 at 720 hours: 88 % of the time
//! in QDLDL's factorisation; faer takes half as long). faer runs on one thread: with the
//! small supernodes of these systems its parallel scheduling cost more than it gained
//! (dc10 at 168 hours: 37.7 s against 1.5 s).

use clarabel::algebra::CscMatrix;
use clarabel::qdldl::{QDLDLFactorisation, QDLDLSettingsBuilder};
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::ldlt::factor::{LdltParams, LdltRegularization};
use faer::sparse::linalg::amd;
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, CholeskySymbolicParams, LdltRef, SymbolicCholesky, SymmetricOrdering,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par, Side, Spec};

use crate::augmented::Failure;
use crate::bordered::BorderedLdl;

/// Smallest pivot magnitude before dynamic regularisation replaces it (every back-end).
pub(crate) const REGULARIZE_EPS: f64 = 1e-13;
/// The value a pivot below `REGULARIZE_EPS` becomes, with the sign it should have.
pub(crate) const REGULARIZE_DELTA: f64 = 2e-7;

/// Border columns from which they are eliminated last through a dense Schur complement
/// (`bordered.rs`). Measured: a site (dc1, 5 capacities) 2.3 s with QDLDL against 3.0 s
/// bordered; the ten-site network cut to 720 hours (65 capacities and lines) 10.2 s with
/// faer's factorisation of the whole matrix against 3.7 s bordered.
const BORDER_MIN_COLUMNS: usize = 16;

/// Refinement steps at most, and the residual (relative to the right side) below which
/// none is needed. Measured on the full ten-site year: 1e-10 took 5.5 solves per
/// iteration and 98.7-102.8 s, 1e-9 took 88.8 s to a gap of 6e-7 (the planners' target
/// is 1e-6).
const REFINEMENT_STEPS: usize = 3;
const REFINEMENT_TOLERANCE: f64 = 1e-9;

/// faer's symbolic analysis (AMD ordering) of the upper triangle `colptr`/`rowval` of an
/// `n` x `n` symmetric matrix.
pub(crate) fn amd_symbolic(
    n: usize,
    colptr: &[usize],
    rowval: &[usize],
) -> Result<SymbolicCholesky<usize>, Failure> {
    symbolic(n, colptr, rowval, SymmetricOrdering::Amd)
}

/// faer's symbolic analysis of the upper triangle `colptr`/`rowval` (sorted rows) of an
/// `n` x `n` symmetric matrix, in the given elimination order.
pub(crate) fn symbolic(
    n: usize,
    colptr: &[usize],
    rowval: &[usize],
    ordering: SymmetricOrdering<'_, usize>,
) -> Result<SymbolicCholesky<usize>, Failure> {
    let pattern = SymbolicSparseColMatRef::new_checked(n, n, colptr, None, rowval);
    factorize_symbolic_cholesky(pattern, Side::Upper, ordering, CholeskySymbolicParams::default())
        .map_err(|e| Failure::Numerical(format!("symbolic factorisation: {e:?}")))
}

/// The approximate-minimum-degree elimination order of the symmetric matrix whose upper
/// triangle has the pattern `colptr`/`rowval` (sorted rows): the position in the order of
/// each index.
pub(crate) fn amd_positions(n: usize, colptr: &[usize], rowval: &[usize]) -> Result<Vec<usize>, Failure> {
    let pattern = SymbolicSparseColMatRef::new_checked(n, n, colptr, None, rowval);
    let mut order = vec![0usize; n];
    let mut position = vec![0usize; n];
    let mut work = MemBuffer::new(amd::order_scratch::<usize>(n, rowval.len()));
    amd::order(&mut order, &mut position, pattern, amd::Control::default(), MemStack::new(&mut work))
        .map_err(|e| Failure::Numerical(format!("ordering: {e:?}")))?;
    Ok(position)
}

/// faer's numeric LDL' (one thread) of the upper triangle `(colptr, rowval, nzval)` into
/// `values`, with pivots of the wrong sign or below `REGULARIZE_EPS` regularised.
pub(crate) fn faer_factor(
    symbolic: &SymbolicCholesky<usize>,
    values: &mut [f64],
    (colptr, rowval, nzval): (&[usize], &[usize], &[f64]),
    signs: &[i8],
    work: &mut MemBuffer,
) -> Result<(), Failure> {
    let n = colptr.len() - 1;
    let pattern = SymbolicSparseColMatRef::new_checked(n, n, colptr, None, rowval);
    let regularization = LdltRegularization {
        dynamic_regularization_signs: Some(signs),
        dynamic_regularization_delta: REGULARIZE_DELTA,
        dynamic_regularization_epsilon: REGULARIZE_EPS,
    };
    symbolic
        .factorize_numeric_ldlt(
            values,
            SparseColMatRef::new(pattern, nzval),
            Side::Upper,
            regularization,
            Par::Seq,
            MemStack::new(work),
            Spec::default(),
        )
        .map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
    Ok(())
}

/// `y -= K x` for K symmetric given by its upper triangle.
fn subtract_symmetric_product(k: &CscMatrix<f64>, x: &[f64], y: &mut [f64]) {
    for j in 0..k.n {
        for p in k.colptr[j]..k.colptr[j + 1] {
            let (i, v) = (k.rowval[p], k.nzval[p]);
            y[i] -= v * x[j];
            if i != j {
                y[j] -= v * x[i];
            }
        }
    }
}

/// The vectors iterative refinement works in, kept from one solve to the next (allocated
/// per solve, their pages were cleared anew each time: 12 MB a solve on the ten-site year).
#[derive(Default)]
pub struct Refinement {
    b: Vec<f64>,
    residual: Vec<f64>,
}

/// Average nonzeros per column of L above which faer's supernodal factorisation is used.
/// Measured: dc1 (5 per column) 2.5 s with QDLDL, 2.9 s with faer; dc10 at 720 hours
/// (29 per column) 20-24 s with QDLDL, 11.4 s with faer.
const SUPERNODAL_FILL_PER_COLUMN: usize = 16;

/// A factorisation of a symmetric matrix given by its upper triangle, whose values
/// change between factorisations but whose pattern does not.
pub enum Ldl {
    /// Clarabel's QDLDL with AMD ordering.
    Qdldl(Box<QDLDLFactorisation<f64>>),
    /// faer's sparse LDL' with its AMD ordering.
    Faer(Box<FaerLdl>),
    /// faer's sparse LDL' of all but the border columns, which are eliminated last
    /// through a dense Schur complement.
    Bordered(Box<BorderedLdl>),
}

/// faer's factorisation and what it works in.
pub struct FaerLdl {
    matrix: CscMatrix<f64>,
    signs: Vec<i8>,
    symbolic: SymbolicCholesky<usize>,
    values: Vec<f64>,
    work: MemBuffer,
}

impl Ldl {
    /// Analyses the pattern of `matrix` (upper triangle, sorted rows in each column);
    /// `signs` are the signs the pivots must have (+1 primal, -1 dual). Both back-ends
    /// order the elimination by approximate minimum degree; faer's symbolic analysis
    /// (cheap) tells how much fill there will be, and so which to use.
    pub fn new(matrix: CscMatrix<f64>, signs: Vec<i8>, border: &[usize]) -> Result<Self, Failure> {
        let n = matrix.n;
        if border.len() >= BORDER_MIN_COLUMNS {
            return Ok(Ldl::Bordered(Box::new(BorderedLdl::new(matrix, &signs, border)?)));
        }
        let symbolic = amd_symbolic(n, &matrix.colptr, &matrix.rowval)?;
        match symbolic.len_val() > SUPERNODAL_FILL_PER_COLUMN * n {
            false => {
                let settings = QDLDLSettingsBuilder::default()
                    .Dsigns(signs)
                    .regularize_enable(true)
                    .regularize_eps(REGULARIZE_EPS)
                    .regularize_delta(REGULARIZE_DELTA)
                    .build()
                    .map_err(|e| Failure::Numerical(format!("{e:?}")))?;
                let factors = QDLDLFactorisation::new(&matrix, Some(settings))
                    .map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
                Ok(Ldl::Qdldl(Box::new(factors)))
            }
            true => {
                let par = Par::Seq;
                let req = StackReq::any_of(&[
                    symbolic.factorize_numeric_ldlt_scratch::<f64>(par, Spec::<LdltParams, f64>::default()),
                    symbolic.solve_in_place_scratch::<f64>(1, par),
                ]);
                let values = vec![0.0; symbolic.len_val()];
                Ok(Ldl::Faer(Box::new(FaerLdl {
                    matrix,
                    signs,
                    symbolic,
                    values,
                    work: MemBuffer::new(req),
                })))
            }
        }
    }

    /// Sets the values at positions `index` of the matrix's value array.
    pub fn update_values(&mut self, index: &[usize], values: &[f64]) {
        match self {
            Ldl::Qdldl(f) => f.update_values(index, values),
            Ldl::Faer(f) => index.iter().zip(values).for_each(|(&i, &v)| f.matrix.nzval[i] = v),
            Ldl::Bordered(f) => f.update_values(index, values),
        }
    }

    /// Factorises the matrix with its current values.
    pub fn refactor(&mut self) -> Result<(), Failure> {
        match self {
            Ldl::Qdldl(f) => {
                f.refactor().map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
                if f.Dinv.iter().any(|d| !d.is_finite()) {
                    return Err(Failure::Numerical("zero pivot".into()));
                }
                Ok(())
            }
            Ldl::Faer(f) => {
                let m = &f.matrix;
                faer_factor(
                    &f.symbolic,
                    &mut f.values,
                    (&m.colptr, &m.rowval, &m.nzval),
                    &f.signs,
                    &mut f.work,
                )
            }
            Ldl::Bordered(f) => f.refactor(),
        }
    }

    /// Solves with the factors in place, then refines the solution against the matrix
    /// (where the factorisation keeps it: faer's back-ends) while that lowers the
    /// residual: a pivot replaced by dynamic regularisation perturbs the factors, and the
    /// unrefined Newton directions near the optimum then stall the interior point.
    pub fn solve_refined(&mut self, rhs: &mut [f64], work: &mut Refinement) {
        if self.matrix().is_none() {
            return self.solve(rhs);
        }
        let Refinement { b, residual } = work;
        b.clear();
        b.extend_from_slice(rhs);
        residual.resize(rhs.len(), 0.0);
        self.solve(rhs);
        let scale = 1.0 + b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut last = f64::INFINITY;
        for _ in 0..REFINEMENT_STEPS {
            residual.copy_from_slice(b);
            if let Some(matrix) = self.matrix() {
                subtract_symmetric_product(matrix, rhs, residual);
            }
            let norm = residual.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if norm <= REFINEMENT_TOLERANCE * scale || norm >= 0.5 * last {
                break;
            }
            last = norm;
            self.solve(residual);
            rhs.iter_mut().zip(residual.iter()).for_each(|(x, d)| *x += d);
        }
    }

    /// The matrix as factorised, where the back-end keeps it.
    fn matrix(&self) -> Option<&CscMatrix<f64>> {
        match self {
            Ldl::Qdldl(_) => None,
            Ldl::Faer(f) => Some(&f.matrix),
            Ldl::Bordered(f) => Some(f.matrix()),
        }
    }

    /// Solves with the factors in place.
    pub fn solve(&mut self, rhs: &mut [f64]) {
        match self {
            Ldl::Qdldl(f) => f.solve(rhs),
            Ldl::Faer(f) => {
                let n = rhs.len();
                let ldlt = LdltRef::new(&f.symbolic, &f.values);
                let rhs = MatMut::from_column_major_slice_mut(rhs, n, 1);
                ldlt.solve_in_place_with_conj(Conj::No, rhs, Par::Seq, MemStack::new(&mut f.work));
            }
            Ldl::Bordered(f) => f.solve(rhs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_with_an_upper_triangle_is_the_symmetric_product() {
        // A 7 x 7 symmetric matrix, its upper triangle with every other entry.
        let n = 7;
        let value = |i: usize, j: usize| if (i + j) % 2 == 0 { 1.0 + (i * n + j) as f64 * 0.1 } else { 0.0 };
        let (mut colptr, mut rowval, mut nzval) = (vec![0], Vec::new(), Vec::new());
        for j in 0..n {
            for i in (0..=j).filter(|&i| value(i, j) != 0.0) {
                rowval.push(i);
                nzval.push(value(i, j));
            }
            colptr.push(rowval.len());
        }
        let k = CscMatrix::new(n, n, colptr, rowval, nzval);
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).cos()).collect();
        let mut y = vec![1.0; n];
        subtract_symmetric_product(&k, &x, &mut y);
        for (i, y) in y.iter().enumerate() {
            let want = 1.0 - (0..n).map(|j| value(i.min(j), i.max(j)) * x[j]).sum::<f64>();
            assert!((y - want).abs() < 1e-12, "row {i}: {y} against {want}");
        }
    }
}
