//! A primal-dual interior-point method (Mehrotra predictor-corrector with Gondzio's
//! centrality correctors, infeasible start) for the site LP in Clarabel's form,
//!
//! ```text
//! min q'x  s.t.  A x + s = b,  s = 0 on the first `equalities` rows, s >= 0 on the rest,
//! ```
//!
//! Rows that only say `x_j >= bound` become bounds on `x_j` rather than rows. Each Newton
//! system is solved in the quasi-definite augmented form
//!
//! ```text
//! [ Z/G + d     A'      ] [dx]   [r1]      G = x - bound, Z its dual (bounded columns)
//! [   A     -(S/L + d)  ] [dl] = [r2]      S/L = 0 on equality rows
//! ```
//!
//! with Clarabel's sparse LDL' (QDLDL, AMD ordering, signed regularisation).
//!
//! Why a second interior-point method beside Clarabel: on the site LP Clarabel spends half
//! its time outside the factorisation (its homogeneous embedding needs a third solve per
//! iteration, its general cone machinery copies and rescales the whole KKT matrix every
//! iteration, and every bound is a row of the KKT system). For an LP the textbook method
//! needs one factorisation per iteration, a system a quarter smaller, and separate primal
//! and dual steps. It does not certify infeasibility: [`solve`] reports when it does not
//! converge and the planner falls back to Clarabel.

use clarabel::algebra::CscMatrix;
use clarabel::qdldl::{QDLDLFactorisation, QDLDLSettingsBuilder};

/// Static regularisation added to the primal block and subtracted from the dual block
/// (Clarabel's default constant).
const STATIC_REG: f64 = 1e-8;
/// Fraction of the step to the boundary taken.
const STEP_FRACTION: f64 = 0.99;
/// Most centrality correctors per iteration.
fn correctors() -> usize { std::env::var("XG").ok().and_then(|v| v.parse().ok()).unwrap_or(4) }

/// Why the method stopped without an optimum.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Iteration limit reached.
    IterationLimit,
    /// The factorisation failed or the iterates stopped being finite.
    Numerical(String),
    /// The steps became too short to make progress (often an infeasible problem).
    Stalled,
}

/// An optimal solution.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Primal variables.
    pub x: Vec<f64>,
    /// Primal objective q'x.
    pub primal_objective: f64,
    /// Dual objective (a lower bound on the optimum).
    pub dual_objective: f64,
    /// Iterations run.
    pub iterations: u32,
}

/// Solves `min q'x s.t. a x + s = b` with `s = 0` on the first `equalities` rows and
/// `s >= 0` on the others, to a relative gap and relative residuals below `tolerance`.
pub fn solve(
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    equalities: usize,
    tolerance: f64,
    max_iterations: u32,
) -> Result<Solution, Failure> {
    let p = Reduced::new(a, b, equalities);
    let (a, b, at) = (&p.a, &p.b[..], &p.at);
    let (m, n, eqs) = (a.m, a.n, equalities);
    let le = m - eqs;
    let bounded = &p.bounded;
    let pairs = le + bounded.len();
    let mut kkt = Kkt::new(a, at)?;

    // Starting point (as Clarabel and ECOS): least-squares primal and dual points from
    // one factorisation with unit scalings, shifted into the interior.
    let mut diag_x = vec![STATIC_REG; n];
    bounded.iter().for_each(|&j| diag_x[j] += 1.0);
    let mut w = vec![0.0; m];
    w[eqs..].iter_mut().for_each(|v| *v = 1.0);
    kkt.factor(&diag_x, &w)?;
    let mut rhs = vec![0.0; n + m];
    bounded.iter().zip(&p.bound).for_each(|(&j, &lb)| rhs[j] = lb);
    rhs[n..].copy_from_slice(b);
    kkt.solve(&mut rhs);
    let mut x = rhs[..n].to_vec();
    // Primal slacks of the pairs: s on inequality rows, then x - bound on bounded columns.
    let mut sp: Vec<f64> = rhs[n + eqs..].iter().map(|v| -v).collect();
    sp.extend(bounded.iter().zip(&p.bound).map(|(&j, lb)| x[j] - lb));
    rhs[..n].iter_mut().zip(q).for_each(|(r, q)| *r = -q);
    rhs[n..].iter_mut().for_each(|r| *r = 0.0);
    kkt.solve(&mut rhs);
    let mut l = rhs[n..].to_vec();
    // Duals of the pairs: l on inequality rows, then z on bounded columns.
    let mut dp: Vec<f64> = l[eqs..].to_vec();
    dp.extend(bounded.iter().map(|&j| -rhs[j]));
    shift_into_interior(&mut sp);
    shift_into_interior(&mut dp);
    for (k, &j) in bounded.iter().enumerate() {
        x[j] = p.bound[k] + sp[le + k];
    }
    l[eqs..].copy_from_slice(&dp[..le]);

    let norm_b = 1.0 + inf_norm(b);
    let norm_q = 1.0 + inf_norm(q);
    let (mut r_primal, mut r_dual) = (vec![0.0; m], vec![0.0; n]);
    let mut step = Step::new(n, m, pairs);
    let mut trial = Step::new(n, m, pairs);
    let mut c = vec![0.0; pairs];
    let (zero_m, zero_n) = (vec![0.0; m], vec![0.0; n]);
    for iteration in 0..max_iterations {
        // Residuals: r_primal = A x + s - b, r_dual = q + A'l - z.
        r_primal[..eqs].iter_mut().zip(b).for_each(|(r, b)| *r = -b);
        r_primal[eqs..].iter_mut().zip(b[eqs..].iter().zip(&sp[..le])).for_each(|(r, (b, s))| *r = s - b);
        add_product(a, &x, &mut r_primal);
        r_dual.copy_from_slice(q);
        add_product(at, &l, &mut r_dual);
        for (k, &j) in bounded.iter().enumerate() {
            r_dual[j] -= dp[le + k];
        }
        let primal_objective = dot(q, &x);
        let dual_objective =
            -dot(b, &l) + p.bound.iter().zip(&dp[le..]).map(|(lb, z)| lb * z).sum::<f64>();
        let mu = dot(&sp, &dp) / pairs.max(1) as f64;
        let gap = (primal_objective - dual_objective).abs()
            / (1.0 + primal_objective.abs().min(dual_objective.abs()));
        let (primal_res, dual_res) = (inf_norm(&r_primal) / norm_b, inf_norm(&r_dual) / norm_q);
        if !(gap.is_finite() && primal_res.is_finite() && dual_res.is_finite()) {
            return Err(Failure::Numerical(format!("iterates not finite at iteration {iteration}")));
        }
        if gap < tolerance && primal_res < tolerance && dual_res < tolerance {
            return Ok(Solution { x, primal_objective, dual_objective, iterations: iteration });
        }

        diag_x.iter_mut().for_each(|d| *d = STATIC_REG);
        for (k, &j) in bounded.iter().enumerate() {
            diag_x[j] += dp[le + k] / sp[le + k];
        }
        for (w, (s, l)) in w[eqs..].iter_mut().zip(sp[..le].iter().zip(&dp[..le])) {
            *w = s / l;
        }
        kkt.factor(&diag_x, &w)?;

        // Predictor: complementarity target 0.
        c.iter_mut().zip(sp.iter().zip(&dp)).for_each(|(c, (s, d))| *c = -s * d);
        kkt.newton(&p, &r_primal, &r_dual, &c, &sp, &dp, &mut rhs, &mut trial);
        let alpha_p = max_step(&sp, &trial.p).min(1.0);
        let alpha_d = max_step(&dp, &trial.d).min(1.0);
        let mu_aff = sp
            .iter()
            .zip(&trial.p)
            .zip(dp.iter().zip(&trial.d))
            .map(|((s, ds), (d, dd))| (s + alpha_p * ds) * (d + alpha_d * dd))
            .sum::<f64>()
            / pairs.max(1) as f64;
        let sigma = (mu_aff / mu).clamp(0.0, 1.0).powi(3);

        // Corrector: centre and take out the predictor's second-order term.
        let target = sigma * mu;
        for (i, c) in c.iter_mut().enumerate() {
            *c = -sp[i] * dp[i] + target - trial.p[i] * trial.d[i];
        }
        kkt.newton(&p, &r_primal, &r_dual, &c, &sp, &dp, &mut rhs, &mut step);
        let mut alpha_p = max_step(&sp, &step.p).min(1.0);
        let mut alpha_d = max_step(&dp, &step.d).min(1.0);

        // Gondzio's centrality correctors: aim at a longer step, pull the products of the
        // trial point into [0.1, 10] x sigma mu, keep the correction while it lengthens
        // the step.
        for _ in 0..correctors() {
            let (aim_p, aim_d) = ((1.5 * alpha_p + 0.1).min(1.0), (1.5 * alpha_d + 0.1).min(1.0));
            for (i, c) in c.iter_mut().enumerate() {
                let v = (sp[i] + aim_p * step.p[i]) * (dp[i] + aim_d * step.d[i]);
                *c = if v < 0.1 * target {
                    0.1 * target - v
                } else if v > 10.0 * target {
                    (10.0 * target - v).max(-10.0 * target)
                } else {
                    0.0
                };
            }
            kkt.newton(&p, &zero_m, &zero_n, &c, &sp, &dp, &mut rhs, &mut trial);
            trial.add(&step);
            let new_p = max_step(&sp, &trial.p).min(1.0);
            let new_d = max_step(&dp, &trial.d).min(1.0);
            if new_p.min(new_d) < 1.01 * alpha_p.min(alpha_d) + 0.01 {
                break;
            }
            std::mem::swap(&mut step, &mut trial);
            (alpha_p, alpha_d) = (new_p, new_d);
        }
        let (alpha_p, alpha_d) = (STEP_FRACTION * alpha_p, STEP_FRACTION * alpha_d);
        if alpha_p < 1e-8 && alpha_d < 1e-8 {
            return Err(Failure::Stalled);
        }
        x.iter_mut().zip(&step.x).for_each(|(x, d)| *x += alpha_p * d);
        sp.iter_mut().zip(&step.p).for_each(|(s, d)| *s += alpha_p * d);
        l.iter_mut().zip(&step.l).for_each(|(l, d)| *l += alpha_d * d);
        dp.iter_mut().zip(&step.d).for_each(|(z, d)| *z += alpha_d * d);
    }
    Err(Failure::IterationLimit)
}

/// A Newton direction: columns, rows, and the primal slacks and duals of the pairs.
struct Step {
    x: Vec<f64>,
    l: Vec<f64>,
    p: Vec<f64>,
    d: Vec<f64>,
}

impl Step {
    fn new(n: usize, m: usize, pairs: usize) -> Self {
        Step { x: vec![0.0; n], l: vec![0.0; m], p: vec![0.0; pairs], d: vec![0.0; pairs] }
    }

    fn add(&mut self, other: &Step) {
        for (a, b) in [(&mut self.x, &other.x), (&mut self.l, &other.l), (&mut self.p, &other.p), (&mut self.d, &other.d)] {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
    }
}

/// The problem with single-entry `-x_j <= -bound` rows turned into bounds.
struct Reduced {
    a: CscMatrix<f64>,
    at: CscMatrix<f64>,
    b: Vec<f64>,
    equalities: usize,
    /// Bounded columns and their lower bounds.
    bounded: Vec<usize>,
    bound: Vec<f64>,
}

impl Reduced {
    fn new(a: &CscMatrix<f64>, b: &[f64], equalities: usize) -> Self {
        let at = transpose(a);
        let (m, n) = (a.m, a.n);
        let mut lower = vec![f64::NEG_INFINITY; n];
        let mut keep = vec![true; m];
        for r in equalities..m {
            let (s, e) = (at.colptr[r], at.colptr[r + 1]);
            if e - s == 1 && at.nzval[s] < 0.0 {
                let j = at.rowval[s];
                lower[j] = lower[j].max(b[r] / at.nzval[s]);
                keep[r] = false;
            }
        }
        let mut new_row = vec![usize::MAX; m];
        let mut kept_b = Vec::new();
        for r in 0..m {
            if keep[r] {
                new_row[r] = kept_b.len();
                kept_b.push(b[r]);
            }
        }
        let mut colptr = Vec::with_capacity(n + 1);
        let (mut rowval, mut nzval) = (Vec::new(), Vec::new());
        for j in 0..n {
            colptr.push(rowval.len());
            for k in a.colptr[j]..a.colptr[j + 1] {
                let r = new_row[a.rowval[k]];
                if r != usize::MAX {
                    rowval.push(r);
                    nzval.push(a.nzval[k]);
                }
            }
        }
        colptr.push(rowval.len());
        let reduced = CscMatrix::new(kept_b.len(), n, colptr, rowval, nzval);
        let bounded: Vec<usize> = (0..n).filter(|&j| lower[j].is_finite()).collect();
        let bound = bounded.iter().map(|&j| lower[j]).collect();
        Reduced { at: transpose(&reduced), a: reduced, b: kept_b, equalities, bounded, bound }
    }
}

/// The augmented matrix, its factorisation and where its diagonal sits.
struct Kkt {
    n: usize,
    factors: QDLDLFactorisation<f64>,
    /// Indices (into the matrix's values) of the diagonal, primal block then dual block.
    diagonal: Vec<usize>,
    values: Vec<f64>,
}

impl Kkt {
    /// Assembles the upper triangle: the primal block's diagonal, A' above the dual block,
    /// the dual block's diagonal.
    fn new(a: &CscMatrix<f64>, at: &CscMatrix<f64>) -> Result<Self, Failure> {
        let (m, n) = (a.m, a.n);
        let mut colptr = Vec::with_capacity(n + m + 1);
        let mut rowval = Vec::with_capacity(n + a.nnz() + m);
        let mut nzval = Vec::with_capacity(n + a.nnz() + m);
        let mut diagonal = Vec::with_capacity(n + m);
        for j in 0..n {
            colptr.push(rowval.len());
            diagonal.push(rowval.len());
            rowval.push(j);
            nzval.push(STATIC_REG);
        }
        for r in 0..m {
            colptr.push(rowval.len());
            for k in at.colptr[r]..at.colptr[r + 1] {
                rowval.push(at.rowval[k]);
                nzval.push(at.nzval[k]);
            }
            diagonal.push(rowval.len());
            rowval.push(n + r);
            nzval.push(-STATIC_REG);
        }
        colptr.push(rowval.len());
        let matrix = CscMatrix::new(n + m, n + m, colptr, rowval, nzval);
        let signs: Vec<i8> = (0..n + m).map(|i| if i < n { 1 } else { -1 }).collect();
        let settings = QDLDLSettingsBuilder::default()
            .Dsigns(signs)
            .regularize_enable(true)
            .regularize_eps(1e-13)
            .regularize_delta(2e-7)
            .build()
            .map_err(|e| Failure::Numerical(format!("{e:?}")))?;
        let factors = QDLDLFactorisation::new(&matrix, Some(settings))
            .map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
        Ok(Kkt { n, factors, diagonal, values: vec![0.0; n + m] })
    }

    /// Sets the primal block's diagonal to `diag_x` and the dual block's to -(w + reg),
    /// and factorises.
    fn factor(&mut self, diag_x: &[f64], w: &[f64]) -> Result<(), Failure> {
        let n = self.n;
        self.values[..n].copy_from_slice(diag_x);
        self.values[n..].iter_mut().zip(w).for_each(|(v, w)| *v = -(w + STATIC_REG));
        self.factors.update_values(&self.diagonal, &self.values);
        self.factors.refactor().map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
        if self.factors.Dinv.iter().any(|d| !d.is_finite()) {
            return Err(Failure::Numerical("zero pivot".into()));
        }
        Ok(())
    }

    fn solve(&mut self, rhs: &mut [f64]) {
        self.factors.solve(rhs);
    }

    /// One Newton direction: A dx + ds = -r_primal, A'dl - dz = -r_dual, and
    /// d dp + p dd = c on every pair (s, l) of an inequality row and (x - bound, z) of a
    /// bounded column.
    #[allow(clippy::too_many_arguments)]
    fn newton(
        &mut self,
        problem: &Reduced,
        r_primal: &[f64],
        r_dual: &[f64],
        c: &[f64],
        sp: &[f64],
        dp: &[f64],
        rhs: &mut [f64],
        step: &mut Step,
    ) {
        let (n, eqs) = (self.n, problem.equalities);
        let le = r_primal.len() - eqs;
        rhs[..n].iter_mut().zip(r_dual).for_each(|(r, v)| *r = -v);
        // dz = (c - z dx) / g: the primal block gains z/g dx and the right side c/g.
        for (k, &j) in problem.bounded.iter().enumerate() {
            rhs[j] += c[le + k] / sp[le + k];
        }
        // ds = (c - s dl) / l: A dx - (s/l) dl = -r_primal - c/l.
        let (rhs_eq, rhs_le) = rhs[n..].split_at_mut(eqs);
        rhs_eq.iter_mut().zip(&r_primal[..eqs]).for_each(|(r, v)| *r = -v);
        for (i, r) in rhs_le.iter_mut().enumerate() {
            *r = -r_primal[eqs + i] - c[i] / dp[i];
        }
        self.solve(rhs);
        step.x.copy_from_slice(&rhs[..n]);
        step.l.copy_from_slice(&rhs[n..]);
        for i in 0..le {
            step.d[i] = step.l[eqs + i];
            step.p[i] = (c[i] - sp[i] * step.d[i]) / dp[i];
        }
        for (k, &j) in problem.bounded.iter().enumerate() {
            let i = le + k;
            step.p[i] = step.x[j];
            step.d[i] = (c[i] - dp[i] * step.x[j]) / sp[i];
        }
    }
}

/// Largest step in (0, inf) keeping `v + step dv >= 0`.
fn max_step(v: &[f64], dv: &[f64]) -> f64 {
    v.iter().zip(dv).filter(|(_, d)| **d < 0.0).map(|(v, d)| -v / d).fold(f64::INFINITY, f64::min)
}

/// Shifts `v` so that its smallest entry is at least 1 (a positive start).
fn shift_into_interior(v: &mut [f64]) {
    let least = v.iter().copied().fold(f64::INFINITY, f64::min);
    if least < 1.0 {
        let shift = 1.0 - least.min(0.0);
        v.iter_mut().for_each(|x| *x += shift);
    }
}

/// y += A x.
fn add_product(a: &CscMatrix<f64>, x: &[f64], y: &mut [f64]) {
    for (j, &xj) in x.iter().enumerate() {
        for k in a.colptr[j]..a.colptr[j + 1] {
            y[a.rowval[k]] += a.nzval[k] * xj;
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// A' in compressed columns (the rows of A).
fn transpose(a: &CscMatrix<f64>) -> CscMatrix<f64> {
    let (m, n) = (a.m, a.n);
    let mut count = vec![0usize; m + 1];
    for &r in &a.rowval {
        count[r + 1] += 1;
    }
    for r in 0..m {
        count[r + 1] += count[r];
    }
    let mut next = count.clone();
    let mut rowval = vec![0; a.nnz()];
    let mut nzval = vec![0.0; a.nnz()];
    for j in 0..n {
        for k in a.colptr[j]..a.colptr[j + 1] {
            let r = a.rowval[k];
            rowval[next[r]] = j;
            nzval[next[r]] = a.nzval[k];
            next[r] += 1;
        }
    }
    CscMatrix::new(n, m, count, rowval, nzval)
}
