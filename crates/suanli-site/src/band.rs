//! A symmetric positive definite banded matrix and its LDL' factorisation, the kernel of
//! the structured interior-point solver. Written by hand because the site problem's normal
//! equations are banded in time (hours couple only to neighbours), which general sparse
//! solvers do not exploit as directly; factorising costs O(n * bandwidth^2).

// Index loops mirror the textbook algorithm; iterator chains would hide it.
#![allow(clippy::needless_range_loop)]

/// Lower band of a symmetric matrix: `at(i, j)` for `i - bw <= j <= i`.
#[derive(Debug, Clone)]
pub struct Band {
    n: usize,
    bw: usize,
    /// Row-major: row i holds columns i-bw ..= i.
    data: Vec<f64>,
}

impl Band {
    /// A zero matrix of size `n` with half-bandwidth `bw`.
    pub fn zeros(n: usize, bw: usize) -> Self {
        Band { n, bw, data: vec![0.0; n * (bw + 1)] }
    }

    /// Sets every entry to zero.
    pub fn clear(&mut self) {
        self.data.iter_mut().for_each(|v| *v = 0.0);
    }

    #[inline]
    fn idx(&self, i: usize, j: usize) -> usize {
        debug_assert!(j <= i && i - j <= self.bw);
        i * (self.bw + 1) + (self.bw - (i - j))
    }

    /// Adds `v` to entry (i, j) with `j <= i`.
    #[inline]
    pub fn add(&mut self, i: usize, j: usize, v: f64) {
        let k = self.idx(i, j);
        self.data[k] += v;
    }

    /// Adds `v` to the diagonal.
    pub fn add_diagonal(&mut self, v: f64) {
        for i in 0..self.n {
            let k = self.idx(i, i);
            self.data[k] += v;
        }
    }

    /// Factorises in place into L D L' (unit lower L in the band, D on the diagonal),
    /// row by row so that the inner loops are dot products of contiguous slices.
    /// Pivots that are not clearly positive are replaced by a huge value, which sets the
    /// matching solution component to zero: the usual safeguard of interior-point codes
    /// when a row's variables have all reached their bounds.
    pub fn factor(&mut self) {
        let (n, bw) = (self.n, self.bw);
        let w = bw + 1;
        let max_diag = (0..n).map(|i| self.data[i * w + bw].abs()).fold(0.0, f64::max).max(1e-300);
        // t[k - lo] = L[i][k] * D[k] for the row being factorised.
        let mut t = vec![0.0; w];
        for i in 0..n {
            let lo = i.saturating_sub(bw);
            let row = i * w + bw - (i - lo); // index of L[i][lo]
            for j in lo..i {
                // L[i][j] = (M[i][j] - sum_{k in klo..j} L[i][k] D[k] L[j][k]) / D[j]
                let klo = lo.max(j.saturating_sub(bw));
                let ti = &t[klo - lo..j - lo];
                let rj = j * w + bw - (j - klo); // index of L[j][klo]
                let lj = &self.data[rj..rj + (j - klo)];
                let dot: f64 = ti.iter().zip(lj).map(|(a, b)| a * b).sum();
                let d_j = self.data[j * w + bw];
                let idx = row + (j - lo);
                let v = self.data[idx] - dot;
                t[j - lo] = v; // L[i][j] * D[j]
                self.data[idx] = v / d_j;
            }
            let li = &self.data[row..row + (i - lo)];
            let dot: f64 = li.iter().zip(&t[..i - lo]).map(|(a, b)| a * b).sum();
            let mut d = self.data[i * w + bw] - dot;
            if d.is_nan() || d <= 1e-30 * max_diag {
                d = 1e128;
            }
            self.data[i * w + bw] = d;
        }
    }

    /// Solves `L D L' x = rhs` in place after [`Band::factor`].
    pub fn solve(&self, x: &mut [f64]) {
        let (n, bw) = (self.n, self.bw);
        let w = bw + 1;
        for i in 0..n {
            let lo = i.saturating_sub(bw);
            let row = i * w + bw - (i - lo);
            let dot: f64 = self.data[row..row + (i - lo)].iter().zip(&x[lo..i]).map(|(a, b)| a * b).sum();
            x[i] -= dot;
        }
        for (i, xi) in x.iter_mut().enumerate() {
            *xi /= self.data[i * w + bw];
        }
        for i in (0..n).rev() {
            let lo = i.saturating_sub(bw);
            let row = i * w + bw - (i - lo);
            let xi = x[i];
            for (xk, l) in x[lo..i].iter_mut().zip(&self.data[row..row + (i - lo)]) {
                *xk -= l * xi;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_wider_band_like_a_dense_solve() {
        // A random SPD banded matrix (bw 3), checked by multiplying back.
        let n = 9;
        let bw = 3;
        let mut m = Band::zeros(n, bw);
        let mut dense = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in i.saturating_sub(bw)..=i {
                let v = if i == j { 10.0 + i as f64 } else { ((i * 7 + j * 3) % 5) as f64 - 2.0 };
                m.add(i, j, v);
                dense[i][j] = v;
                dense[j][i] = v;
            }
        }
        m.factor();
        let rhs: Vec<f64> = (0..n).map(|i| i as f64 - 4.0).collect();
        let mut x = rhs.clone();
        m.solve(&mut x);
        for i in 0..n {
            let ax: f64 = (0..n).map(|j| dense[i][j] * x[j]).sum();
            assert!((ax - rhs[i]).abs() < 1e-12, "row {i}: {ax} vs {}", rhs[i]);
        }
    }

    #[test]
    fn solves_a_tridiagonal_system() {
        // [4 1 0; 1 4 1; 0 1 4] x = [1 2 3]
        let mut m = Band::zeros(3, 1);
        for i in 0..3 {
            m.add(i, i, 4.0);
        }
        m.add(1, 0, 1.0);
        m.add(2, 1, 1.0);
        m.factor();
        let mut x = vec![1.0, 2.0, 3.0];
        m.solve(&mut x);
        let r = [4.0 * x[0] + x[1] - 1.0, x[0] + 4.0 * x[1] + x[2] - 2.0, x[1] + 4.0 * x[2] - 3.0];
        assert!(r.iter().all(|v| v.abs() < 1e-14), "{r:?}");
    }
}
