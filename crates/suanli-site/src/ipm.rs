//! A primal-dual interior-point method (Mehrotra predictor-corrector) for linear programs
//! whose normal equations are banded:
//!
//! ```text
//! min c'x  s.t.  A x = b,  l <= x <= u   (u may be infinite)
//! ```
//!
//! Each iteration solves `A Θ A' Δy = r`. When every column's nonzeros lie within a narrow
//! band of rows — as in the site problem written hour by hour, with capacities carried
//! from hour to hour by chains of copies (`crate::structured`) — `A Θ A'` is banded and
//! [`crate::band::Band`] factorises it in O(rows x bandwidth^2): each Newton step is linear
//! in the number of hours. Rows whose variables have all reached their bounds give zero
//! pivots, which the factorisation sets aside (their dual step is zero), the usual
//! safeguard of normal-equation interior-point codes.
//!
//! Bounds are bounds here (no rows), as the reference notes recommend.

// Index loops over columns and rows mirror the algorithm's notation.
#![allow(clippy::needless_range_loop)]

use crate::band::Band;

/// Added to each column's barrier term before inverting it (keeps Θ below 1e10).
const PRIMAL_REG: f64 = 1e-10;
/// Added to the diagonal of A Θ A' before factorising.
const DUAL_REG: f64 = 1e-12;
/// Iterative-refinement steps per Newton solve.
const REFINEMENT_STEPS: usize = 1;

/// Mehrotra's starting point: the least-norm primal point and least-squares dual, shifted
/// into the interior and balanced (Mehrotra 1992, section 7).
fn mehrotra_start(
    lp: &BoundedLp,
    has_upper: &[bool],
    band: &mut Band,
    x: &mut [f64],
    y: &mut [f64],
    z: &mut [f64],
    w: &mut [f64],
) {
    let n = lp.columns();
    band.clear();
    for j in 0..n {
        let (s, e) = (lp.col_start[j], lp.col_start[j + 1]);
        for a in s..e {
            for b in s..e {
                let (ra, rb) = (lp.row_index[a], lp.row_index[b]);
                if rb <= ra {
                    band.add(ra, rb, lp.value[a] * lp.value[b]);
                }
            }
        }
    }
    band.add_diagonal(1e-8);
    band.factor();
    let mut r = lp.b.clone();
    for j in 0..n {
        for (row, a) in lp.col(j) {
            r[row] -= a * lp.lower[j];
        }
    }
    band.solve(&mut r);
    let mut ac = vec![0.0; lp.rows];
    for j in 0..n {
        for (row, a) in lp.col(j) {
            ac[row] += a * lp.c[j];
        }
    }
    band.solve(&mut ac);
    y.copy_from_slice(&ac);
    let mut xs: Vec<f64> = (0..n).map(|j| lp.col(j).map(|(row, a)| a * r[row]).sum()).collect();
    let mut zs: Vec<f64> =
        (0..n).map(|j| lp.c[j] - lp.col(j).map(|(row, a)| a * y[row]).sum::<f64>()).collect();
    let dx = (-1.5 * xs.iter().copied().fold(f64::INFINITY, f64::min)).max(0.0);
    let dz = (-1.5 * zs.iter().copied().fold(f64::INFINITY, f64::min)).max(0.0);
    xs.iter_mut().for_each(|v| *v += dx);
    zs.iter_mut().for_each(|v| *v += dz);
    let xz: f64 = xs.iter().zip(&zs).map(|(a, b)| a * b).sum();
    let (sx, sz): (f64, f64) = (xs.iter().sum(), zs.iter().sum());
    let dx2 = if sz > 0.0 { 0.5 * xz / sz } else { 1.0 };
    let dz2 = if sx > 0.0 { 0.5 * xz / sx } else { 1.0 };
    for j in 0..n {
        let mut xj = lp.lower[j] + xs[j] + dx2.max(1e-8);
        if has_upper[j] && xj >= lp.upper[j] {
            xj = lp.lower[j] + 0.5 * (lp.upper[j] - lp.lower[j]);
        }
        x[j] = xj;
        z[j] = (zs[j] + dz2).max(1e-8);
        if has_upper[j] {
            w[j] = z[j];
        }
    }
}

/// A linear program in column-compressed form, with bounds.
#[derive(Debug, Clone, Default)]
pub struct BoundedLp {
    /// Number of rows.
    pub rows: usize,
    /// Column starts into `row_index`/`value` (length columns + 1).
    pub col_start: Vec<usize>,
    /// Row of each nonzero.
    pub row_index: Vec<usize>,
    /// Value of each nonzero.
    pub value: Vec<f64>,
    /// Right-hand side of `A x = b`.
    pub b: Vec<f64>,
    /// Objective.
    pub c: Vec<f64>,
    /// Lower bounds (finite).
    pub lower: Vec<f64>,
    /// Upper bounds (`f64::INFINITY` where none).
    pub upper: Vec<f64>,
}

impl BoundedLp {
    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.c.len()
    }

    /// Adds a column with its objective coefficient, bounds and nonzeros; returns its index.
    pub fn column(&mut self, cost: f64, lower: f64, upper: f64, entries: &[(usize, f64)]) -> usize {
        if self.col_start.is_empty() {
            self.col_start.push(0);
        }
        for &(r, v) in entries {
            if v != 0.0 {
                self.row_index.push(r);
                self.value.push(v);
            }
        }
        self.col_start.push(self.row_index.len());
        self.c.push(cost);
        self.lower.push(lower);
        self.upper.push(upper);
        self.c.len() - 1
    }

    fn col(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        (self.col_start[j]..self.col_start[j + 1]).map(move |k| (self.row_index[k], self.value[k]))
    }
}

/// How the method ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpmStatus {
    /// Converged to the tolerances.
    Optimal,
    /// Hit the iteration limit.
    IterationLimit,
    /// Residuals grew without bound: likely infeasible or unbounded.
    Diverged,
}

/// Result of the method.
#[derive(Debug, Clone)]
pub struct IpmSolution {
    /// Final status.
    pub status: IpmStatus,
    /// Primal solution.
    pub x: Vec<f64>,
    /// Primal objective.
    pub primal_objective: f64,
    /// Dual objective (a lower bound at a dual-feasible point).
    pub dual_objective: f64,
    /// Iterations run.
    pub iterations: u32,
}

/// Solves a bounded LP. `tolerance` bounds the relative residuals and duality gap.
pub fn solve(lp: &BoundedLp, tolerance: f64, max_iterations: u32) -> IpmSolution {
    let n = lp.columns();
    let m = lp.rows;
    // Half-bandwidth of A A'.
    let bw = (0..n)
        .map(|j| {
            let rows: Vec<usize> = lp.col(j).map(|(r, _)| r).collect();
            rows.iter().max().copied().unwrap_or(0) - rows.iter().min().copied().unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    let has_upper: Vec<bool> = lp.upper.iter().map(|u| u.is_finite()).collect();
    let n_bounds = n + has_upper.iter().filter(|h| **h).count();

    let mut x: Vec<f64> =
        (0..n)
            .map(|j| {
                if has_upper[j] {
                    lp.lower[j] + 0.5 * (lp.upper[j] - lp.lower[j])
                } else {
                    lp.lower[j] + 1.0
                }
            })
            .collect();
    let mut z = vec![1.0; n];
    let mut w: Vec<f64> = has_upper.iter().map(|&h| if h { 1.0 } else { 0.0 }).collect();
    let mut y = vec![0.0; m];

    let norm_b = 1.0 + lp.b.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let norm_c = 1.0 + lp.c.iter().map(|v| v.abs()).fold(0.0, f64::max);

    let mut band = Band::zeros(m, bw);
    mehrotra_start(lp, &has_upper, &mut band, &mut x, &mut y, &mut z, &mut w);
    let mut theta = vec![0.0; n];
    let (mut rp, mut rd) = (vec![0.0; m], vec![0.0; n]);
    let mut status = IpmStatus::IterationLimit;
    let mut iterations = 0;
    let mut first_infeasibility = f64::NAN;

    for iter in 0..max_iterations {
        iterations = iter;
        // Residuals.
        rp.copy_from_slice(&lp.b);
        for j in 0..n {
            for (r, v) in lp.col(j) {
                rp[r] -= v * x[j];
            }
        }
        for j in 0..n {
            let aty: f64 = lp.col(j).map(|(r, v)| v * y[r]).sum();
            rd[j] = lp.c[j] - aty - z[j] + w[j];
        }
        let mut comp = 0.0;
        for j in 0..n {
            comp += (x[j] - lp.lower[j]) * z[j];
            if has_upper[j] {
                comp += (lp.upper[j] - x[j]) * w[j];
            }
        }
        let mu = comp / n_bounds as f64;
        let pobj: f64 = (0..n).map(|j| lp.c[j] * x[j]).sum();
        let dobj: f64 = (0..m).map(|i| lp.b[i] * y[i]).sum::<f64>()
            + (0..n)
                .map(|j| lp.lower[j] * z[j] - if has_upper[j] { lp.upper[j] * w[j] } else { 0.0 })
                .sum::<f64>();
        let p_inf = rp.iter().map(|v| v.abs()).fold(0.0, f64::max) / norm_b;
        let d_inf = rd.iter().map(|v| v.abs()).fold(0.0, f64::max) / norm_c;
        let gap = (pobj - dobj).abs() / (1.0 + pobj.abs());
        if iter == 0 {
            first_infeasibility = p_inf.max(d_inf);
        }

        if p_inf < tolerance && d_inf < tolerance && gap < tolerance {
            status = IpmStatus::Optimal;
            break;
        }
        let worst = p_inf.max(d_inf);
        if worst.is_nan() || worst >= 1e12 * first_infeasibility.max(1.0) || !mu.is_finite() {
            status = IpmStatus::Diverged;
            break;
        }

        // Scaling Θ = 1 / (z / (x - l) + w / (u - x)).
        for j in 0..n {
            let mut d = z[j] / (x[j] - lp.lower[j]);
            if has_upper[j] {
                d += w[j] / (lp.upper[j] - x[j]);
            }
            // Primal regularisation keeps Θ finite for variables far from their bounds.
            theta[j] = 1.0 / (d + PRIMAL_REG);
        }
        // M = A Θ A', banded.
        band.clear();
        for j in 0..n {
            let (s, e) = (lp.col_start[j], lp.col_start[j + 1]);
            for a in s..e {
                for bb in s..e {
                    let (ra, rb) = (lp.row_index[a], lp.row_index[bb]);
                    if rb <= ra {
                        band.add(ra, rb, theta[j] * lp.value[a] * lp.value[bb]);
                    }
                }
            }
        }
        band.add_diagonal(DUAL_REG);
        band.factor();
        let solve_newton = |r_zl: &[f64],
                            r_wu: &[f64],
                            dx: &mut Vec<f64>,
                            dy: &mut Vec<f64>,
                            dz: &mut Vec<f64>,
                            dw: &mut Vec<f64>| {
            // r̂ = r_d - r_zl / xl + r_wu / xu ; rhs = r_p + A Θ r̂.
            let mut rhat = vec![0.0; n];
            for j in 0..n {
                let mut v = rd[j] - r_zl[j] / (x[j] - lp.lower[j]);
                if has_upper[j] {
                    v += r_wu[j] / (lp.upper[j] - x[j]);
                }
                rhat[j] = v;
            }
            let mut rhs = rp.clone();
            for j in 0..n {
                let t = theta[j] * rhat[j];
                for (r, a) in lp.col(j) {
                    rhs[r] += a * t;
                }
            }
            // Solve A Θ A' Δy = rhs with the (regularised) factors, then refine against the
            // exact matrix: ill-conditioning near the optimum would otherwise stall the
            // primal residual.
            let mut sol = rhs.clone();
            band.solve(&mut sol);
            for _ in 0..REFINEMENT_STEPS {
                let mut resid = rhs.clone();
                for j in 0..n {
                    let t = theta[j] * lp.col(j).map(|(r, a)| a * sol[r]).sum::<f64>();
                    for (r, a) in lp.col(j) {
                        resid[r] -= a * t;
                    }
                }
                band.solve(&mut resid);
                sol.iter_mut().zip(&resid).for_each(|(s, r)| *s += r);
            }
            *dy = sol;
            for j in 0..n {
                let aty: f64 = lp.col(j).map(|(r, a)| a * dy[r]).sum();
                dx[j] = theta[j] * (aty - rhat[j]);
                dz[j] = (r_zl[j] - z[j] * dx[j]) / (x[j] - lp.lower[j]);
                dw[j] = if has_upper[j] { (r_wu[j] + w[j] * dx[j]) / (lp.upper[j] - x[j]) } else { 0.0 };
            }
        };
        let step = |dx: &[f64], dz: &[f64], dw: &[f64]| -> (f64, f64) {
            let (mut ap, mut ad) = (1.0f64, 1.0f64);
            for j in 0..n {
                if dx[j] < 0.0 {
                    ap = ap.min(-(x[j] - lp.lower[j]) / dx[j]);
                }
                if has_upper[j] && dx[j] > 0.0 {
                    ap = ap.min((lp.upper[j] - x[j]) / dx[j]);
                }
                if dz[j] < 0.0 {
                    ad = ad.min(-z[j] / dz[j]);
                }
                if has_upper[j] && dw[j] < 0.0 {
                    ad = ad.min(-w[j] / dw[j]);
                }
            }
            (ap, ad)
        };

        // Predictor (affine scaling).
        let (mut dx, mut dy, mut dz, mut dw) = (vec![0.0; n], vec![0.0; m], vec![0.0; n], vec![0.0; n]);
        let r_zl: Vec<f64> = (0..n).map(|j| -(x[j] - lp.lower[j]) * z[j]).collect();
        let r_wu: Vec<f64> =
            (0..n).map(|j| if has_upper[j] { -(lp.upper[j] - x[j]) * w[j] } else { 0.0 }).collect();
        solve_newton(&r_zl, &r_wu, &mut dx, &mut dy, &mut dz, &mut dw);
        let (ap, ad) = step(&dx, &dz, &dw);
        let mut comp_aff = 0.0;
        for j in 0..n {
            comp_aff += (x[j] + ap * dx[j] - lp.lower[j]) * (z[j] + ad * dz[j]);
            if has_upper[j] {
                comp_aff += (lp.upper[j] - x[j] - ap * dx[j]) * (w[j] + ad * dw[j]);
            }
        }
        let sigma = (comp_aff / n_bounds as f64 / mu).clamp(0.0, 1.0).powi(3);
        // Corrector.
        let r_zl: Vec<f64> =
            (0..n).map(|j| sigma * mu - (x[j] - lp.lower[j]) * z[j] - dx[j] * dz[j]).collect();
        let r_wu: Vec<f64> = (0..n)
            .map(
                |j| if has_upper[j] { sigma * mu - (lp.upper[j] - x[j]) * w[j] + dx[j] * dw[j] } else { 0.0 },
            )
            .collect();
        let (mut cx, mut cy, mut cz, mut cw) = (vec![0.0; n], vec![0.0; m], vec![0.0; n], vec![0.0; n]);
        solve_newton(&r_zl, &r_wu, &mut cx, &mut cy, &mut cz, &mut cw);
        let (ap, ad) = step(&cx, &cz, &cw);
        let eta = 0.99;
        let (ap, ad) = ((eta * ap).min(1.0), (eta * ad).min(1.0));
        for j in 0..n {
            x[j] += ap * cx[j];
            z[j] += ad * cz[j];
            if has_upper[j] {
                w[j] += ad * cw[j];
            }
        }
        for i in 0..m {
            y[i] += ad * cy[i];
        }
        iterations = iter + 1;
    }
    let pobj = (0..n).map(|j| lp.c[j] * x[j]).sum();
    let dobj = (0..m).map(|i| lp.b[i] * y[i]).sum::<f64>()
        + (0..n)
            .map(|j| lp.lower[j] * z[j] - if has_upper[j] { lp.upper[j] * w[j] } else { 0.0 })
            .sum::<f64>();
    IpmSolution { status, x, primal_objective: pobj, dual_objective: dobj, iterations }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_lp_with_a_shared_column() {
        // min 2a + b + 3c  s.t.  a + c = 1 (row 0), b + c = 1 (row 1), 0 <= a, b <= 1;
        // c is in both rows. Optimum: a = b = 1, c = 0, objective 3.
        let mut lp = BoundedLp { rows: 2, b: vec![1.0, 1.0], ..Default::default() };
        lp.column(2.0, 0.0, 1.0, &[(0, 1.0)]);
        lp.column(1.0, 0.0, 1.0, &[(1, 1.0)]);
        let c = lp.column(3.0, 0.0, f64::INFINITY, &[(0, 1.0), (1, 1.0)]);
        let s = solve(&lp, 1e-10, 100);
        assert_eq!(s.status, IpmStatus::Optimal);
        assert!((s.primal_objective - 3.0).abs() < 1e-8, "{}", s.primal_objective);
        // With c cheaper it takes over: min 2a + b + 0.5c -> c = 1, objective 0.5.
        lp.c[c] = 0.5;
        let s = solve(&lp, 1e-10, 100);
        assert_eq!(s.status, IpmStatus::Optimal, "{s:?}");
        assert!((s.primal_objective - 0.5).abs() < 1e-8, "{}", s.primal_objective);
        assert!((s.dual_objective - 0.5).abs() < 1e-8);
    }
}
