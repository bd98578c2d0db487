//! Assembling an LP row by row, so that several formulations (a site, a network of
//! sites) can write into one problem and add terms to each other's rows.

use ::clarabel::algebra::CscMatrix;
use ::clarabel::solver::SupportedConeT;

/// A row of a [`Builder`]: an equality or an inequality, by its place among its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The i-th equality row.
    Equality(usize),
    /// The i-th inequality (`<=`) row.
    AtMost(usize),
}

/// Rows of one kind as triplets (row, column, coefficient) and right sides.
#[derive(Debug, Default, Clone)]
struct Rows {
    triplets: Vec<(usize, usize, f64)>,
    b: Vec<f64>,
}

impl Rows {
    fn push(&mut self, terms: &[(usize, f64)], rhs: f64) -> usize {
        let row = self.b.len();
        self.triplets.extend(terms.iter().filter(|(_, v)| *v != 0.0).map(|&(c, v)| (row, c, v)));
        self.b.push(rhs);
        row
    }
}

/// Columns with their costs, and rows, of an LP under construction.
#[derive(Debug, Default, Clone)]
pub struct Builder {
    q: Vec<f64>,
    eq: Rows,
    le: Rows,
    border: Vec<usize>,
}

impl Builder {
    /// Adds `count` columns of zero cost and returns the index of the first.
    pub fn columns(&mut self, count: usize) -> usize {
        let first = self.q.len();
        self.q.resize(first + count, 0.0);
        first
    }

    /// Marks a column that couples many hours (a capacity): the interior point may
    /// eliminate such columns last, through a small dense Schur complement, so that they
    /// do not fill the sparse factor.
    pub fn mark_border(&mut self, column: usize) {
        self.border.push(column);
    }

    /// Sets the cost of a column.
    pub fn set_cost(&mut self, column: usize, cost: f64) {
        self.q[column] = cost;
    }

    /// Adds the row `sum coef * x[col] = rhs`.
    pub fn equality(&mut self, terms: &[(usize, f64)], rhs: f64) -> Row {
        Row::Equality(self.eq.push(terms, rhs))
    }

    /// Adds the row `sum coef * x[col] <= rhs`.
    pub fn at_most(&mut self, terms: &[(usize, f64)], rhs: f64) -> Row {
        Row::AtMost(self.le.push(terms, rhs))
    }

    /// Adds `coef * x[column]` to an existing row (repeated terms add up).
    pub fn add_term(&mut self, row: Row, column: usize, coef: f64) {
        match row {
            Row::Equality(r) => self.eq.triplets.push((r, column, coef)),
            Row::AtMost(r) => self.le.triplets.push((r, column, coef)),
        }
    }

    /// The problem, equality rows first.
    pub fn finish(self) -> Problem {
        let n = self.q.len();
        let equalities = self.eq.b.len();
        let mut triplets = self.eq.triplets;
        triplets.extend(self.le.triplets.into_iter().map(|(r, c, v)| (r + equalities, c, v)));
        let mut b = self.eq.b;
        b.extend(self.le.b);
        let a = csc(b.len(), n, triplets);
        let mut border = self.border;
        border.sort_unstable();
        border.dedup();
        Problem { q: self.q, a, b, equalities, border }
    }
}

/// `min q'x  s.t.  A x + s = b`, `s = 0` on the first `equalities` rows, `s >= 0` on the
/// rest.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Cost of each column.
    pub q: Vec<f64>,
    /// Constraint matrix, compressed columns.
    pub a: CscMatrix<f64>,
    /// Right sides.
    pub b: Vec<f64>,
    /// Number of equality rows (they come first).
    pub equalities: usize,
    /// Columns that couple many hours (sorted), see [`Builder::mark_border`].
    pub border: Vec<usize>,
}

impl Problem {
    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.q.len()
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.b.len()
    }

    /// Index of a builder's row in `A`.
    pub fn row_index(&self, row: Row) -> usize {
        match row {
            Row::Equality(r) => r,
            Row::AtMost(r) => self.equalities + r,
        }
    }

    /// The cones in Clarabel's terms.
    pub fn cones(&self) -> Vec<SupportedConeT<f64>> {
        let mut cones = Vec::new();
        if self.equalities > 0 {
            cones.push(SupportedConeT::ZeroConeT(self.equalities));
        }
        if self.rows() > self.equalities {
            cones.push(SupportedConeT::NonnegativeConeT(self.rows() - self.equalities));
        }
        cones
    }
}

/// Compressed sparse columns from triplets; entries at the same place add up.
fn csc(m: usize, n: usize, mut triplets: Vec<(usize, usize, f64)>) -> CscMatrix<f64> {
    triplets.sort_unstable_by_key(|&(r, c, _)| (c, r));
    let mut colptr = vec![0usize; n + 1];
    let mut rowval = Vec::with_capacity(triplets.len());
    let mut nzval: Vec<f64> = Vec::with_capacity(triplets.len());
    let mut last = None;
    for (r, c, v) in triplets {
        if last == Some((r, c)) {
            *nzval.last_mut().expect("an entry before") += v;
        } else {
            colptr[c + 1] += 1;
            rowval.push(r);
            nzval.push(v);
            last = Some((r, c));
        }
    }
    for c in 0..n {
        colptr[c + 1] += colptr[c];
    }
    CscMatrix::new(m, n, colptr, rowval, nzval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_added_later_land_in_their_row_and_repeats_add_up() {
        let mut lp = Builder::default();
        let x = lp.columns(2);
        let le = lp.at_most(&[(x, 1.0)], 4.0);
        let eq = lp.equality(&[(x + 1, 2.0)], 1.0);
        lp.add_term(le, x + 1, 3.0);
        lp.add_term(le, x + 1, 0.5);
        let p = lp.finish();
        assert_eq!((p.rows(), p.columns(), p.equalities), (2, 2, 1));
        assert_eq!(p.row_index(eq), 0);
        assert_eq!(p.row_index(le), 1);
        assert_eq!(p.b, vec![1.0, 4.0]);
        // Column 1: row 0 (2.0), row 1 (3.5).
        assert_eq!(p.a.colptr, vec![0, 1, 3]);
        assert_eq!(p.a.rowval, vec![1, 0, 1]);
        assert_eq!(p.a.nzval, vec![1.0, 2.0, 3.5]);
    }
}
