//! A symmetric positive definite banded matrix and its LDL' factorisation, the kernel of
//! the structured interior-point solver. Written by hand because the site problem's normal
//! equations are banded in time (hours couple only to neighbours), which general sparse
//! solvers do not exploit as directly; factorising costs O(n * bandwidth^2).

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

    /// Size.
    pub fn n(&self) -> usize {
        self.n
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

    /// Factorises in place into L D L' (unit lower L in the band, D on the diagonal).
    /// Pivots that are not clearly positive are replaced by a huge value, which sets the
    /// matching solution component to zero: the usual safeguard of interior-point codes
    /// when a row's variables have all reached their bounds.
    pub fn factor(&mut self) {
        let (n, bw) = (self.n, self.bw);
        let max_diag = (0..n).map(|i| self.data[self.idx(i, i)].abs()).fold(0.0, f64::max).max(1e-300);
        let w = bw + 1;
        for j in 0..n {
            let jd = j * w + bw;
            let mut d = self.data[jd];
            let lo = j.saturating_sub(bw);
            for k in lo..j {
                let ljk = self.data[j * w + (bw - (j - k))];
                d -= ljk * ljk * self.data[k * w + bw];
            }
            if !(d > 1e-30 * max_diag) {
                d = 1e128;
            }
            self.data[jd] = d;
            let hi = (j + bw).min(n - 1);
            for i in j + 1..=hi {
                let mut v = self.data[i * w + (bw - (i - j))];
                let lo_i = i.saturating_sub(bw).max(lo);
                for k in lo_i..j {
                    v -= self.data[i * w + (bw - (i - k))]
                        * self.data[j * w + (bw - (j - k))]
                        * self.data[k * w + bw];
                }
                self.data[i * w + (bw - (i - j))] = v / d;
            }
        }
    }

    /// Solves `L D L' x = rhs` in place after [`Band::factor`].
    pub fn solve(&self, x: &mut [f64]) {
        let (n, bw) = (self.n, self.bw);
        let w = bw + 1;
        for i in 0..n {
            let lo = i.saturating_sub(bw);
            let mut v = x[i];
            for k in lo..i {
                v -= self.data[i * w + (bw - (i - k))] * x[k];
            }
            x[i] = v;
        }
        for (i, xi) in x.iter_mut().enumerate() {
            *xi /= self.data[i * w + bw];
        }
        for i in (0..n).rev() {
            let hi = (i + bw).min(n - 1);
            let mut v = x[i];
            for k in i + 1..=hi {
                v -= self.data[k * w + (bw - (k - i))] * x[k];
            }
            x[i] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
