//! A primal-dual interior-point method (Mehrotra predictor-corrector, infeasible start)
//! for the site LP in Clarabel's form,
//!
//! ```text
//! min q'x  s.t.  A x + s = b,  s = 0 on the first `equalities` rows, s >= 0 on the rest,
//! ```
//!
//! solving each Newton system in the quasi-definite augmented form
//!
//! ```text
//! [ d I    A'       ] [dx]   [r1]
//! [ A    -(S/Z + d) ] [dl] = [r2]      (S/Z = 0 on equality rows)
//! ```
//!
//! with Clarabel's sparse LDL' (QDLDL with an AMD ordering, signed regularisation).
//!
//! Why a second interior-point method beside Clarabel: on the site LP Clarabel spends half
//! its time outside the factorisation (its homogeneous embedding needs a third solve per
//! iteration, and its general cone machinery copies and rescales the KKT matrix every
//! iteration). For an LP the textbook method needs one factorisation and two solves per
//! iteration, separate primal and dual step lengths, and nothing else, at about the same
//! iteration count. [`solve`] reports when it does not converge; the planner then falls
//! back to Clarabel, which also certifies infeasibility.

use clarabel::algebra::CscMatrix;
use clarabel::qdldl::{QDLDLFactorisation, QDLDLSettingsBuilder};

/// Static regularisation added to the primal block and subtracted from the dual block
/// (Clarabel's default constant).
const STATIC_REG: f64 = 1e-8;
/// Fraction of the step to the boundary taken.
const STEP_FRACTION: f64 = 0.99;

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
    /// Dual objective -b'l.
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
    let (m, n) = (a.m, a.n);
    // Equilibrate: A -> E A D, q -> D q, b -> E b (x = D x~, l = E l~).
    let (col_scale, row_scale) = ruiz(a, ruiz_passes());
    let mut a = a.clone();
    for j in 0..n {
        for k in a.colptr[j]..a.colptr[j + 1] {
            a.nzval[k] *= row_scale[a.rowval[k]] * col_scale[j];
        }
    }
    let a = &a;
    let q: Vec<f64> = q.iter().zip(&col_scale).map(|(q, d)| q * d).collect();
    let b: Vec<f64> = b.iter().zip(&row_scale).map(|(b, e)| b * e).collect();
    let (q, b) = (&q[..], &b[..]);
    let at = transpose(a);
    let mut kkt = Kkt::new(a, &at, equalities)?;

    // Starting point (as Clarabel and ECOS): x, s from min ||s|| s.t. A x + s = b, and
    // l from min ||l|| s.t. A'l + q = 0, shifted into the interior.
    let mut w = vec![1.0; m];
    for w in &mut w[..equalities] {
        *w = 0.0;
    }
    kkt.factor(&w)?;
    let mut rhs = vec![0.0; n + m];
    rhs[n..].copy_from_slice(b);
    kkt.solve(&mut rhs);
    let mut x = rhs[..n].to_vec();
    let mut s: Vec<f64> = rhs[n..].iter().map(|v| -v).collect();
    rhs[..n].iter_mut().zip(q).for_each(|(r, q)| *r = -q);
    rhs[n..].iter_mut().for_each(|r| *r = 0.0);
    kkt.solve(&mut rhs);
    let mut l = rhs[n..].to_vec();
    shift_into_interior(&mut s[equalities..]);
    shift_into_interior(&mut l[equalities..]);
    s[..equalities].iter_mut().for_each(|v| *v = 0.0);

    let norm_b = 1.0 + inf_norm(b);
    let norm_q = 1.0 + inf_norm(q);
    let le = m - equalities;
    let (mut r_primal, mut r_dual) = (vec![0.0; m], vec![0.0; n]);
    let (mut dx, mut dl, mut ds) = (vec![0.0; n], vec![0.0; m], vec![0.0; m]);
    let (mut dx_aff, mut dl_aff, mut ds_aff) = (vec![0.0; n], vec![0.0; m], vec![0.0; m]);
    let mut complementarity = vec![0.0; m];
    let (zero_m, zero_n) = (vec![0.0; m], vec![0.0; n]);
    for iteration in 0..max_iterations {
        // Residuals: r_primal = A x + s - b, r_dual = q + A'l.
        r_primal.iter_mut().zip(b.iter().zip(&s)).for_each(|(r, (b, s))| *r = s - b);
        add_product(a, &x, &mut r_primal);
        r_dual.copy_from_slice(q);
        add_product(&at, &l, &mut r_dual);
        let primal_objective = dot(q, &x);
        let dual_objective = -dot(b, &l);
        let mu = dot(&s[equalities..], &l[equalities..]) / le.max(1) as f64;
        let gap = (primal_objective - dual_objective).abs() / (1.0 + primal_objective.abs().min(dual_objective.abs()));
        let (primal_res, dual_res) = (inf_norm(&r_primal) / norm_b, inf_norm(&r_dual) / norm_q);
        if !(gap.is_finite() && primal_res.is_finite() && dual_res.is_finite()) {
            return Err(Failure::Numerical(format!("iterates not finite at iteration {iteration}")));
        }
        if gap < tolerance && primal_res < tolerance && dual_res < tolerance {
            x.iter_mut().zip(&col_scale).for_each(|(x, d)| *x *= d);
            eprintln!("factor {:.3} s, solves {:.3} s, nnz(L) {}", FACTOR_NS.load(std::sync::atomic::Ordering::Relaxed) as f64 * 1e-9, SOLVE_NS.load(std::sync::atomic::Ordering::Relaxed) as f64 * 1e-9, kkt.factors.nnzL());
            return Ok(Solution { x, primal_objective, dual_objective, iterations: iteration });
        }

        // W = S/Z on inequality rows; factorise once for both solves.
        for (w, (s, l)) in w[equalities..].iter_mut().zip(s[equalities..].iter().zip(&l[equalities..])) {
            *w = s / l;
        }
        kkt.factor(&w)?;

        // Predictor: complementarity target 0.
        complementarity.iter_mut().zip(s.iter().zip(&l)).for_each(|(c, (s, l))| *c = -s * l);
        kkt.newton(&r_primal, &r_dual, &complementarity, &s, &l, equalities, &mut rhs, &mut dx_aff, &mut dl_aff, &mut ds_aff);
        let alpha_p = max_step(&s[equalities..], &ds_aff[equalities..]);
        let alpha_d = max_step(&l[equalities..], &dl_aff[equalities..]);
        let mu_aff = s[equalities..]
            .iter()
            .zip(&ds_aff[equalities..])
            .zip(l[equalities..].iter().zip(&dl_aff[equalities..]))
            .map(|((s, ds), (l, dl))| (s + alpha_p * ds) * (l + alpha_d * dl))
            .sum::<f64>()
            / le.max(1) as f64;
        let sigma = (mu_aff / mu).clamp(0.0, 1.0).powi(3);

        // Corrector: centre and take out the predictor's second-order term.
        for i in equalities..m {
            complementarity[i] = -s[i] * l[i] + sigma * mu - ds_aff[i] * dl_aff[i];
        }
        kkt.newton(&r_primal, &r_dual, &complementarity, &s, &l, equalities, &mut rhs, &mut dx, &mut dl, &mut ds);
        let mut alpha_p = max_step(&s[equalities..], &ds[equalities..]).min(1.0);
        let mut alpha_d = max_step(&l[equalities..], &dl[equalities..]).min(1.0);
        // Gondzio's centrality correctors: aim at a longer step, pull the products s_i l_i
        // of the trial point into [0.1, 10] x sigma mu, keep the correction if it lengthens
        // the step enough.
        let target = sigma * mu;
        for _ in 0..correctors() {
            let (trial_p, trial_d) = ((1.5 * alpha_p + 0.1).min(1.0), (1.5 * alpha_d + 0.1).min(1.0));
            for i in 0..m {
                complementarity[i] = if i < equalities {
                    0.0
                } else {
                    let v = (s[i] + trial_p * ds[i]) * (l[i] + trial_d * dl[i]);
                    if v < 0.1 * target {
                        0.1 * target - v
                    } else if v > 10.0 * target {
                        (10.0 * target - v).max(-10.0 * target)
                    } else {
                        0.0
                    }
                };
            }
            kkt.newton(&zero_m, &zero_n, &complementarity, &s, &l, equalities, &mut rhs, &mut dx_aff, &mut dl_aff, &mut ds_aff);
            for i in 0..n {
                dx_aff[i] += dx[i];
            }
            for i in 0..m {
                dl_aff[i] += dl[i];
                ds_aff[i] += ds[i];
            }
            let new_p = max_step(&s[equalities..], &ds_aff[equalities..]).min(1.0);
            let new_d = max_step(&l[equalities..], &dl_aff[equalities..]).min(1.0);
            if new_p.min(new_d) < 1.01 * alpha_p.min(alpha_d) + 0.01 {
                break;
            }
            std::mem::swap(&mut dx, &mut dx_aff);
            std::mem::swap(&mut dl, &mut dl_aff);
            std::mem::swap(&mut ds, &mut ds_aff);
            (alpha_p, alpha_d) = (new_p, new_d);
        }
        let alpha_p = STEP_FRACTION * alpha_p;
        let alpha_d = STEP_FRACTION * alpha_d;
        if alpha_p < 1e-8 && alpha_d < 1e-8 {
            return Err(Failure::Stalled);
        }
        if std::env::var_os("XLOG").is_some() {
            eprintln!("{iteration:4} {primal_objective:+.6e} {dual_objective:+.6e} gap {gap:.1e} pres {primal_res:.1e} dres {dual_res:.1e} mu {mu:.1e} sigma {sigma:.2e} ap {alpha_p:.3} ad {alpha_d:.3}");
        }
        x.iter_mut().zip(&dx).for_each(|(x, d)| *x += alpha_p * d);
        s.iter_mut().zip(&ds).skip(equalities).for_each(|(s, d)| *s += alpha_p * d);
        l.iter_mut().zip(&dl).for_each(|(l, d)| *l += alpha_d * d);
    }
    Err(Failure::IterationLimit)
}

/// The augmented matrix, its factorisation and where its diagonal sits.
struct Kkt {
    n: usize,
    factors: QDLDLFactorisation<f64>,
    /// Indices (into the matrix's values) of the dual block's diagonal.
    dual_diagonal: Vec<usize>,
    values: Vec<f64>,
}

impl Kkt {
    /// Assembles the upper triangle: the primal block's diagonal, A' above the dual block,
    /// the dual block's diagonal.
    fn new(a: &CscMatrix<f64>, at: &CscMatrix<f64>, equalities: usize) -> Result<Self, Failure> {
        let (m, n) = (a.m, a.n);
        let mut colptr = Vec::with_capacity(n + m + 1);
        let mut rowval = Vec::with_capacity(n + a.nnz() + m);
        let mut nzval = Vec::with_capacity(n + a.nnz() + m);
        let mut dual_diagonal = Vec::with_capacity(m);
        for j in 0..n {
            colptr.push(rowval.len());
            rowval.push(j);
            nzval.push(STATIC_REG);
        }
        for r in 0..m {
            colptr.push(rowval.len());
            for k in at.colptr[r]..at.colptr[r + 1] {
                rowval.push(at.rowval[k]);
                nzval.push(at.nzval[k]);
            }
            dual_diagonal.push(rowval.len());
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
        let _ = equalities;
        Ok(Kkt { n, factors, dual_diagonal, values: vec![0.0; m] })
    }

    /// Sets the dual block's diagonal to -(w + reg) and factorises.
    fn factor(&mut self, w: &[f64]) -> Result<(), Failure> {
        self.values.iter_mut().zip(w).for_each(|(v, w)| *v = -(w + STATIC_REG));
        self.factors.update_values(&self.dual_diagonal, &self.values);
        let t = std::time::Instant::now();
        let r = self.factors.refactor();
        FACTOR_NS.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
        r.map_err(|e| Failure::Numerical(format!("factorisation: {e:?}")))?;
        if self.factors.Dinv.iter().any(|d| !d.is_finite()) {
            return Err(Failure::Numerical("zero pivot".into()));
        }
        Ok(())
    }

    fn solve(&mut self, rhs: &mut [f64]) {
        let t = std::time::Instant::now();
        self.factors.solve(rhs);
        SOLVE_NS.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// One Newton direction: A dx + ds = -r_primal, A' dl = -r_dual,
    /// l ds + s dl = complementarity (inequality rows; ds = 0 on equality rows).
    #[allow(clippy::too_many_arguments)]
    fn newton(
        &mut self,
        r_primal: &[f64],
        r_dual: &[f64],
        complementarity: &[f64],
        s: &[f64],
        l: &[f64],
        equalities: usize,
        rhs: &mut [f64],
        dx: &mut [f64],
        dl: &mut [f64],
        ds: &mut [f64],
    ) {
        let n = self.n;
        rhs[..n].iter_mut().zip(r_dual).for_each(|(r, v)| *r = -v);
        // Eliminating ds = (c - s dl) / l: A dx - (s/l) dl = -r_primal - c / l.
        for (i, (r, rp)) in rhs[n..].iter_mut().zip(r_primal).enumerate() {
            *r = if i < equalities { -rp } else { -rp - complementarity[i] / l[i] };
        }
        self.solve(rhs);
        dx.copy_from_slice(&rhs[..n]);
        dl.copy_from_slice(&rhs[n..]);
        for i in equalities..ds.len() {
            ds[i] = (complementarity[i] - s[i] * dl[i]) / l[i];
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

static FACTOR_NS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static SOLVE_NS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn correctors() -> usize {
    std::env::var("XG").ok().and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn ruiz_passes() -> usize {
    std::env::var("XRUIZ").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
}

/// Ruiz equilibration: column and row scales that bring every row's and column's largest
/// entry of E A D near one (Ruiz 2001).
fn ruiz(a: &CscMatrix<f64>, passes: usize) -> (Vec<f64>, Vec<f64>) {
    let (m, n) = (a.m, a.n);
    let (mut d, mut e) = (vec![1.0; n], vec![1.0; m]);
    let mut row_max = vec![0.0f64; m];
    for _ in 0..passes {
        row_max.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..n {
            let mut col_max = 0.0f64;
            for k in a.colptr[j]..a.colptr[j + 1] {
                let v = (a.nzval[k] * e[a.rowval[k]] * d[j]).abs();
                col_max = col_max.max(v);
                row_max[a.rowval[k]] = row_max[a.rowval[k]].max(v);
            }
            if col_max > 0.0 {
                d[j] /= col_max.sqrt();
            }
        }
        for (e, r) in e.iter_mut().zip(&row_max) {
            if *r > 0.0 {
                *e /= r.sqrt();
            }
        }
    }
    (d, e)
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
