//! A primal-dual interior-point method (Mehrotra predictor-corrector with Gondzio's
//! centrality correctors, infeasible start) for an LP in Clarabel's form ([`Problem`]),
//!
//! ```text
//! min q'x  s.t.  A x + s = b,  s = 0 on the first `equalities` rows, s >= 0 on the rest,
//! ```
//!
//! Rows that only say `x_j >= bound` become bounds on `x_j` rather than rows, and other
//! inequality rows of one or two entries (`x_t <= capacity`) are eliminated before
//! factorising (each adds a 2x2 block to the primal block; its dual is recovered after
//! the solve). Each Newton system is then solved in the quasi-definite augmented form
//!
//! ```text
//! [ Z/G + d     A'      ] [dx]   [r1]      G = x - bound, Z its dual (bounded columns)
//! [   A     -(S/L + d)  ] [dl] = [r2]      S/L = 0 on equality rows
//! ```
//!
//! with a sparse LDL' (AMD ordering, signed regularisation: Clarabel's QDLDL, faer's
//! supernodal factorisation when fill-in is heavy, or — when the problem marks many
//! border columns, as a network's capacities — faer on the rest with the border
//! eliminated last through a dense Schur complement; see `ldl.rs` and `bordered.rs`).
//!
//! Why a second interior-point method beside Clarabel: on the site LP (suanli-site) Clarabel spends half
//! its time outside the factorisation (its homogeneous embedding needs a third solve per
//! iteration, its general cone machinery copies and rescales the whole KKT matrix every
//! iteration, and every bound is a row of the KKT system). For an LP the textbook method
//! needs one factorisation per iteration of a system half the size (dc1: 61k unknowns
//! against 131k), and takes separate primal and dual steps. It does not certify infeasibility: [`solve`] reports when it does not
//! converge and the planner falls back to Clarabel.

use clarabel::algebra::CscMatrix;

use crate::ldl::{Ldl, Refinement};

use crate::Problem;

/// Static regularisation added to the primal block and subtracted from the dual block
/// (Clarabel's default constant).
const STATIC_REG: f64 = 1e-8;
/// Fraction of the step to the boundary taken.
const STEP_FRACTION: f64 = 0.95;
/// Most centrality correctors per iteration.
const CORRECTORS: usize = 1;
/// How far beyond the tolerance (as a factor on every measure) a point may be and still
/// be returned when numerical trouble stops the method: the planners report the gap
/// they get and check every balance after the solve.
const NEAR_OPTIMUM: f64 = 100.0;
/// Iterations without a tenth of progress after which the method gives up.
const STALL_ITERATIONS: u32 = 30;

/// Why the method stopped without an optimum.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// Iteration limit reached.
    #[error("iteration limit reached")]
    IterationLimit,
    /// The factorisation failed or the iterates stopped being finite.
    #[error("numerical trouble ({0})")]
    Numerical(String),
    /// No progress: steps too short, or the gap and residuals stuck (often an infeasible
    /// or badly scaled problem).
    #[error("no progress (infeasible or badly scaled?)")]
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
pub fn solve(problem: &Problem, tolerance: f64, max_iterations: u32) -> Result<Solution, Failure> {
    let (q, equalities) = (&problem.q[..], problem.equalities);
    let p = Reduced::new(problem);
    let (a, b, at) = (&p.a, &p.b[..], &p.at);
    let (m, n, eqs) = (a.m, a.n, equalities);
    let (le, short, bounded) = (m - eqs, p.short.len(), &p.bounded);
    // Pairs (primal slack, dual): kept inequality rows, short rows, bounded columns.
    let (first_short, first_bound) = (le, le + short);
    let pairs = first_bound + bounded.len();
    let mut kkt = Kkt::new(&p)?;

    // Starting point: least-squares primal and dual points from one factorisation with
    // unit scalings (as Clarabel and ECOS), shifted into the interior as Mehrotra does.
    let mut sp = vec![1.0; pairs];
    let mut dp = vec![1.0; pairs];
    let mut sc = Scaling { inv_s: vec![1.0; pairs], inv_d: vec![1.0; pairs] };
    kkt.factor(&p, (&sp, &dp), &sc)?;
    let mut rhs = vec![0.0; n + m];
    bounded.iter().zip(&p.bound).for_each(|(&j, &lb)| rhs[j] = lb);
    rhs[n..].copy_from_slice(b);
    let mut short_rhs: Vec<f64> = p.short.iter().map(|r| r.b).collect();
    kkt.solve_reduced(&p, (&mut rhs, Refine::Yes), &short_rhs, &mut vec![0.0; short]);
    let mut x = rhs[..n].to_vec();
    for i in 0..le {
        sp[i] = -rhs[n + eqs + i];
    }
    for (k, row) in p.short.iter().enumerate() {
        sp[first_short + k] = row.b - row.dot(&x);
    }
    for (k, (&j, lb)) in bounded.iter().zip(&p.bound).enumerate() {
        sp[first_bound + k] = x[j] - lb;
    }
    rhs[..n].iter_mut().zip(q).for_each(|(r, q)| *r = -q);
    rhs[n..].iter_mut().for_each(|r| *r = 0.0);
    short_rhs.iter_mut().for_each(|r| *r = 0.0);
    let mut short_l = vec![0.0; short];
    kkt.solve_reduced(&p, (&mut rhs, Refine::Yes), &short_rhs, &mut short_l);
    let mut l = rhs[n..].to_vec();
    dp[..le].copy_from_slice(&l[eqs..]);
    dp[first_short..first_bound].copy_from_slice(&short_l);
    for (k, &j) in bounded.iter().enumerate() {
        dp[first_bound + k] = -rhs[j];
    }
    shift_into_interior(&mut sp, &mut dp);
    for (k, &j) in bounded.iter().enumerate() {
        x[j] = p.bound[k] + sp[first_bound + k];
    }
    l[eqs..].copy_from_slice(&dp[..le]);

    let norm_b = 1.0 + inf_norm(b).max(p.short.iter().fold(0.0, |m, r| m.max(r.b.abs())));
    let norm_q = 1.0 + inf_norm(q);
    let (mut r_primal, mut r_short, mut r_dual) = (vec![0.0; m], vec![0.0; short], vec![0.0; n]);
    let mut step = Step::new(n, m, pairs);
    let mut trial = Step::new(n, m, pairs);
    let mut c = vec![0.0; pairs];
    let (zero_m, zero_s, zero_n) = (vec![0.0; m], vec![0.0; short], vec![0.0; n]);
    let mut best = (f64::INFINITY, 0);
    for iteration in 0..max_iterations {
        // Residuals: r_primal = A x + s - b, r_dual = q + A'l - z.
        r_primal[..eqs].iter_mut().zip(b).for_each(|(r, b)| *r = -b);
        r_primal[eqs..].iter_mut().zip(b[eqs..].iter().zip(&sp[..le])).for_each(|(r, (b, s))| *r = s - b);
        add_product(a, &x, &mut r_primal);
        r_dual.copy_from_slice(q);
        add_product(at, &l, &mut r_dual);
        for (k, row) in p.short.iter().enumerate() {
            r_short[k] = row.dot(&x) + sp[first_short + k] - row.b;
            row.add_to(&mut r_dual, dp[first_short + k]);
        }
        for (k, &j) in bounded.iter().enumerate() {
            r_dual[j] -= dp[first_bound + k];
        }
        let primal_objective = dot(q, &x);
        let dual_objective = -dot(b, &l)
            - p.short.iter().zip(&dp[first_short..]).map(|(r, l)| r.b * l).sum::<f64>()
            + p.bound.iter().zip(&dp[first_bound..]).map(|(lb, z)| lb * z).sum::<f64>();
        let mu = dot(&sp, &dp) / pairs.max(1) as f64;
        let gap = (primal_objective - dual_objective).abs()
            / primal_objective.abs().min(dual_objective.abs()).max(1.0);
        let primal_res = inf_norm(&r_primal).max(inf_norm(&r_short)) / norm_b;
        let dual_res = inf_norm(&r_dual) / norm_q;
        if !(gap.is_finite() && primal_res.is_finite() && dual_res.is_finite()) {
            return Err(Failure::Numerical(format!("iterates not finite at iteration {iteration}")));
        }
        if gap < tolerance && primal_res < tolerance && dual_res < tolerance {
            return Ok(Solution { x, primal_objective, dual_objective, iterations: iteration });
        }
        // When numerical trouble ends the method near the optimum (pivots vanish as
        // complementarity goes to zero), the current point is returned if it is within
        // `NEAR_OPTIMUM` of the tolerance on every measure.
        let near = gap < NEAR_OPTIMUM * tolerance
            && primal_res < NEAR_OPTIMUM * tolerance
            && dual_res < NEAR_OPTIMUM * tolerance;
        let near_optimum = |failure: Failure| {
            if near {
                Ok(Solution { x: x.clone(), primal_objective, dual_objective, iterations: iteration })
            } else {
                Err(failure)
            }
        };
        // Give up early when the worst measure has not improved by a tenth in a while
        // (badly scaled problems stall at the limit of precision): Clarabel takes over.
        let worst = gap.max(primal_res).max(dual_res);
        if worst < 0.9 * best.0 {
            best = (worst, iteration);
        } else if iteration - best.1 >= STALL_ITERATIONS {
            return near_optimum(Failure::Stalled);
        }
        sc.set(&sp, &dp, first_short, first_bound);
        if let Err(e) = kkt.factor(&p, (&sp, &dp), &sc) {
            return near_optimum(e);
        }
        let res = Residuals { primal: &r_primal, short: &r_short, dual: &r_dual };

        // Predictor: complementarity target 0.
        c.iter_mut().zip(sp.iter().zip(&dp)).for_each(|(c, (s, d))| *c = -s * d);
        kkt.newton(&p, &res, &c, (&sp, &dp), &sc, (&mut rhs, Refine::No), &mut trial);
        let alpha_p = max_step(&sp, &trial.p);
        let alpha_d = max_step(&dp, &trial.d);
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
        kkt.newton(&p, &res, &c, (&sp, &dp), &sc, (&mut rhs, Refine::Yes), &mut step);
        let mut alpha_p = max_step(&sp, &step.p);
        let mut alpha_d = max_step(&dp, &step.d);

        // Gondzio's centrality correctors: aim at a longer step, pull the products of the
        // trial point into [0.1, 10] x sigma mu, keep the correction while it lengthens
        // the step.
        let zero = Residuals { primal: &zero_m, short: &zero_s, dual: &zero_n };
        for _ in 0..CORRECTORS {
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
            kkt.newton(&p, &zero, &c, (&sp, &dp), &sc, (&mut rhs, Refine::Yes), &mut trial);
            trial.add(&step);
            let new_p = max_step(&sp, &trial.p);
            let new_d = max_step(&dp, &trial.d);
            if new_p.min(new_d) < 1.01 * alpha_p.min(alpha_d) + 0.01 {
                break;
            }
            std::mem::swap(&mut step, &mut trial);
            (alpha_p, alpha_d) = (new_p, new_d);
        }
        let (alpha_p, alpha_d) = (STEP_FRACTION * alpha_p, STEP_FRACTION * alpha_d);
        if alpha_p < 1e-8 && alpha_d < 1e-8 {
            return near_optimum(Failure::Stalled);
        }
        x.iter_mut().zip(&step.x).for_each(|(x, d)| *x += alpha_p * d);
        sp.iter_mut().zip(&step.p).for_each(|(s, d)| *s += alpha_p * d);
        l.iter_mut().zip(&step.l).for_each(|(l, d)| *l += alpha_d * d);
        dp.iter_mut().zip(&step.d).for_each(|(z, d)| *z += alpha_d * d);
    }
    Err(Failure::IterationLimit)
}

/// Reciprocals of the pairs' slacks and duals at the current point, computed once per
/// iteration for the several Newton solves that use them.
struct Scaling {
    inv_s: Vec<f64>,
    inv_d: Vec<f64>,
}

impl Scaling {
    /// 1/d on the rows' pairs (`..first_bound`), 1/s from the short rows on
    /// (`first_short..`): what [`Kkt::factor`] and [`Kkt::newton`] use.
    fn set(&mut self, sp: &[f64], dp: &[f64], first_short: usize, first_bound: usize) {
        for (i, d) in self.inv_d[..first_bound].iter_mut().zip(dp) {
            *i = 1.0 / d;
        }
        for (i, s) in self.inv_s[first_short..].iter_mut().zip(&sp[first_short..]) {
            *i = 1.0 / s;
        }
    }
}

/// Residuals of the current point: kept rows, short rows, columns.
struct Residuals<'a> {
    primal: &'a [f64],
    short: &'a [f64],
    dual: &'a [f64],
}

/// A Newton direction: columns, kept rows, and the primal slacks and duals of the pairs.
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
        for (a, b) in [
            (&mut self.x, &other.x),
            (&mut self.l, &other.l),
            (&mut self.p, &other.p),
            (&mut self.d, &other.d),
        ] {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
    }
}

/// An inequality row with one or two entries, `a x <= b`, eliminated from the KKT system
/// (its dual is recovered after each solve).
struct ShortRow {
    cols: [usize; 2],
    coef: [f64; 2],
    b: f64,
}

impl ShortRow {
    fn dot(&self, x: &[f64]) -> f64 {
        self.coef[0] * x[self.cols[0]] + self.coef[1] * x[self.cols[1]]
    }

    fn add_to(&self, y: &mut [f64], scale: f64) {
        y[self.cols[0]] += self.coef[0] * scale;
        y[self.cols[1]] += self.coef[1] * scale;
    }
}

/// The problem with single-entry `-x_j <= -bound` rows turned into bounds and other
/// inequality rows of at most two entries set aside for elimination.
struct Reduced {
    a: CscMatrix<f64>,
    at: CscMatrix<f64>,
    b: Vec<f64>,
    equalities: usize,
    short: Vec<ShortRow>,
    /// Bounded columns and their lower bounds.
    bounded: Vec<usize>,
    bound: Vec<f64>,
    /// Columns to eliminate last (see `bordered.rs`).
    border: Vec<usize>,
}

impl Reduced {
    fn new(problem: &Problem) -> Self {
        let (a, b, equalities) = (&problem.a, &problem.b[..], problem.equalities);
        let at = transpose(a);
        let (m, n) = (a.m, a.n);
        let mut lower = vec![f64::NEG_INFINITY; n];
        let mut keep = vec![true; m];
        let mut short = Vec::new();
        for r in equalities..m {
            let (s, e) = (at.colptr[r], at.colptr[r + 1]);
            if e - s == 1 && at.nzval[s] < 0.0 {
                let j = at.rowval[s];
                lower[j] = lower[j].max(b[r] / at.nzval[s]);
                keep[r] = false;
            } else if e - s <= 2 && e > s {
                // A single entry repeats its column with a zero coefficient.
                let (k0, k1) = (s, e - 1);
                let coef1 = if k1 > k0 { at.nzval[k1] } else { 0.0 };
                short.push(ShortRow {
                    cols: [at.rowval[k0], at.rowval[k1]],
                    coef: [at.nzval[k0], coef1],
                    b: b[r],
                });
                keep[r] = false;
            }
        }
        let kept_b = b.iter().zip(&keep).filter(|(_, &k)| k).map(|(b, _)| *b).collect();
        let reduced = a.select_rows(&keep);
        let bounded: Vec<usize> = (0..n).filter(|&j| lower[j].is_finite()).collect();
        let bound = bounded.iter().map(|&j| lower[j]).collect();
        let border = problem.border.clone();
        Reduced { at: transpose(&reduced), a: reduced, b: kept_b, equalities, short, bounded, bound, border }
    }
}

/// The augmented matrix, its factorisation and where its diagonal sits.
struct Kkt {
    n: usize,
    factors: Ldl,
    /// Indices (into the matrix's values) of the primal block's entries: diagonal, then
    /// the off-diagonal entry of each two-column short row.
    primal_entries: Vec<usize>,
    /// Indices of the dual block's diagonal.
    dual_diagonal: Vec<usize>,
    /// Position in `primal_values` of each short row's off-diagonal entry.
    short_at: Vec<usize>,
    primal_values: Vec<f64>,
    dual_values: Vec<f64>,
    /// l/s of each short row at the current point.
    short_inv_w: Vec<f64>,
    refinement: Refinement,
}

/// Whether a Newton solve is refined against the matrix. The predictor's is not: it only
/// sets the centring and the corrector's second-order term, and on the full ten-site
/// year leaving it unrefined took the same 96 iterations in 60.7 s instead of 64.3 s.
#[derive(Clone, Copy, PartialEq)]
enum Refine {
    Yes,
    No,
}

impl Kkt {
    /// Assembles the upper triangle: the primal block (diagonal and the short rows'
    /// couplings), A' above the dual block, the dual block's diagonal.
    fn new(p: &Reduced) -> Result<Self, Failure> {
        let (a, at) = (&p.a, &p.at);
        let (m, n) = (a.m, a.n);
        // Off-diagonal couplings (row < column) of the primal block, deduplicated.
        let mut pairs: Vec<(usize, usize)> = p
            .short
            .iter()
            .filter(|r| r.cols[0] != r.cols[1])
            .map(|r| (r.cols[0].max(r.cols[1]), r.cols[0].min(r.cols[1])))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut colptr = Vec::with_capacity(n + m + 1);
        let mut rowval = Vec::new();
        let mut nzval = Vec::new();
        let mut diagonal_at = vec![0; n];
        let mut pair_at = vec![0; pairs.len()];
        let mut next_pair = 0;
        for (j, diagonal) in diagonal_at.iter_mut().enumerate() {
            colptr.push(rowval.len());
            while next_pair < pairs.len() && pairs[next_pair].0 == j {
                pair_at[next_pair] = rowval.len();
                rowval.push(pairs[next_pair].1);
                nzval.push(0.0);
                next_pair += 1;
            }
            *diagonal = rowval.len();
            rowval.push(j);
            nzval.push(STATIC_REG);
        }
        let mut dual_diagonal = Vec::with_capacity(m);
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
        let short_at = p
            .short
            .iter()
            .map(|r| {
                if r.cols[0] == r.cols[1] {
                    usize::MAX
                } else {
                    let key = (r.cols[0].max(r.cols[1]), r.cols[0].min(r.cols[1]));
                    n + pairs.binary_search(&key).expect("pair listed")
                }
            })
            .collect();
        let mut primal_entries = diagonal_at;
        primal_entries.extend(pair_at);
        let matrix = CscMatrix::new(n + m, n + m, colptr, rowval, nzval);
        let signs: Vec<i8> = (0..n + m).map(|i| if i < n { 1 } else { -1 }).collect();
        let factors = Ldl::new(matrix, signs, &p.border)?;
        let primal_values = vec![0.0; primal_entries.len()];
        Ok(Kkt {
            n,
            factors,
            primal_entries,
            dual_diagonal,
            short_at,
            primal_values,
            dual_values: vec![0.0; m],
            short_inv_w: vec![0.0; p.short.len()],
            refinement: Refinement::default(),
        })
    }

    /// Fills in the scalings of the current point (pairs' slacks `sp` and duals `dp`) and
    /// factorises.
    fn factor(&mut self, p: &Reduced, (sp, dp): (&[f64], &[f64]), sc: &Scaling) -> Result<(), Failure> {
        let (n, eqs) = (self.n, p.equalities);
        let le = self.dual_values.len() - eqs;
        let first_bound = le + p.short.len();
        let values = &mut self.primal_values;
        values.iter_mut().for_each(|v| *v = 0.0);
        values[..n].iter_mut().for_each(|v| *v = STATIC_REG);
        for (k, &j) in p.bounded.iter().enumerate() {
            values[j] += dp[first_bound + k] * sc.inv_s[first_bound + k];
        }
        for (k, row) in p.short.iter().enumerate() {
            // Eliminating the row adds a' (l/s) a to the primal block.
            let inv_w = dp[le + k] * sc.inv_s[le + k];
            self.short_inv_w[k] = inv_w;
            let [j0, j1] = row.cols;
            values[j0] += row.coef[0] * row.coef[0] * inv_w;
            values[j1] += row.coef[1] * row.coef[1] * inv_w;
            if self.short_at[k] != usize::MAX {
                values[self.short_at[k]] += row.coef[0] * row.coef[1] * inv_w;
            }
        }
        self.dual_values[..eqs].iter_mut().for_each(|v| *v = -STATIC_REG);
        for (v, (s, inv_l)) in self.dual_values[eqs..].iter_mut().zip(sp[..le].iter().zip(&sc.inv_d[..le])) {
            *v = -(s * inv_l + STATIC_REG);
        }
        self.factors.update_values(&self.primal_entries, &self.primal_values);
        self.factors.update_values(&self.dual_diagonal, &self.dual_values);
        self.factors.refactor()
    }

    /// Solves the full system given the right sides of the kept system (`rhs`) and of the
    /// short rows (`short_rhs`), with the short rows eliminated: `rhs` gets the solution
    /// and `short_l` the short rows' duals.
    fn solve_reduced(
        &mut self,
        p: &Reduced,
        (rhs, refine): (&mut [f64], Refine),
        short_rhs: &[f64],
        short_l: &mut [f64],
    ) {
        let inv_w = &self.short_inv_w;
        // Row k: a dx - w dl = r  =>  dl = (a dx - r) / w, and the primal block's right
        // side gains a' r / w.
        for ((row, r), iw) in p.short.iter().zip(short_rhs).zip(inv_w) {
            row.add_to(rhs, r * iw);
        }
        if refine == Refine::No {
            self.factors.solve(rhs);
        } else {
            self.factors.solve_refined(rhs, &mut self.refinement);
        }
        for (((l, row), r), iw) in short_l.iter_mut().zip(&p.short).zip(short_rhs).zip(inv_w) {
            *l = (row.dot(rhs) - r) * iw;
        }
    }

    /// One Newton direction: A dx + ds = -r_primal, A'dl - dz = -r_dual, and
    /// d dp + p dd = c on every pair (s, l) of an inequality row and (x - bound, z) of a
    /// bounded column.
    #[allow(clippy::too_many_arguments)]
    fn newton(
        &mut self,
        p: &Reduced,
        res: &Residuals,
        c: &[f64],
        (sp, dp): (&[f64], &[f64]),
        sc: &Scaling,
        (rhs, refine): (&mut [f64], Refine),
        step: &mut Step,
    ) {
        let (n, eqs) = (self.n, p.equalities);
        let le = res.primal.len() - eqs;
        let (first_short, first_bound) = (le, le + p.short.len());
        rhs[..n].iter_mut().zip(res.dual).for_each(|(r, v)| *r = -v);
        // dz = (c - z dx) / g: the primal block gains z/g dx and the right side c/g.
        for (k, &j) in p.bounded.iter().enumerate() {
            rhs[j] += c[first_bound + k] * sc.inv_s[first_bound + k];
        }
        // ds = (c - s dl) / l: A dx - (s/l) dl = -r_primal - c/l.
        let (rhs_eq, rhs_le) = rhs[n..].split_at_mut(eqs);
        rhs_eq.iter_mut().zip(&res.primal[..eqs]).for_each(|(r, v)| *r = -v);
        for (((r, rp), c), id) in rhs_le.iter_mut().zip(&res.primal[eqs..]).zip(c).zip(&sc.inv_d) {
            *r = -rp - c * id;
        }
        // The short rows' right sides, kept in step.p until the solve has used them.
        let short_rhs = &mut step.p[first_short..first_bound];
        for (((r, rs), c), id) in
            short_rhs.iter_mut().zip(res.short).zip(&c[first_short..]).zip(&sc.inv_d[first_short..])
        {
            *r = -rs - c * id;
        }
        let (d_le, d_rest) = step.d.split_at_mut(first_short);
        self.solve_reduced(
            p,
            (&mut *rhs, refine),
            &step.p[first_short..first_bound],
            &mut d_rest[..first_bound - first_short],
        );
        step.x.copy_from_slice(&rhs[..n]);
        step.l.copy_from_slice(&rhs[n..]);
        d_le.copy_from_slice(&step.l[eqs..]);
        for i in 0..first_bound {
            step.p[i] = (c[i] - sp[i] * step.d[i]) * sc.inv_d[i];
        }
        for (k, &j) in p.bounded.iter().enumerate() {
            let i = first_bound + k;
            step.p[i] = step.x[j];
            step.d[i] = (c[i] - dp[i] * step.x[j]) * sc.inv_s[i];
        }
    }
}

/// Largest step in (0, 1] keeping `v + step dv >= 0`.
fn max_step(v: &[f64], dv: &[f64]) -> f64 {
    // Capped at 1 and divided only where the cap binds: most entries pass the test.
    let mut alpha = 1.0;
    for (v, d) in v.iter().zip(dv) {
        if v + alpha * d < 0.0 {
            alpha = -v / d;
        }
    }
    alpha
}

/// Shifts the starting slacks `sp` and duals `dp` into the interior.
fn shift_into_interior(sp: &mut [f64], dp: &mut [f64]) {
    // Mehrotra (1992): shift each by 1.5 x its most negative entry, then by half the
    // complementarity over the other's sum. Against shifting both to at least one (as
    // Clarabel and ECOS start): dc1 126 iterations instead of 134, dc10 95 instead of 114.
    let shift = |v: &[f64]| (-1.5 * v.iter().copied().fold(f64::INFINITY, f64::min)).max(0.0);
    let (hs, hd) = (shift(sp), shift(dp));
    sp.iter_mut().for_each(|v| *v += hs);
    dp.iter_mut().for_each(|v| *v += hd);
    let complementarity: f64 = sp.iter().zip(dp.iter()).map(|(s, d)| s * d).sum();
    let (sum_s, sum_d): (f64, f64) = (sp.iter().sum(), dp.iter().sum());
    let (es, ed) = (0.5 * complementarity / sum_d.max(1e-300), 0.5 * complementarity / sum_s.max(1e-300));
    // A floor keeps every entry strictly positive when the least-squares point is exact.
    sp.iter_mut().for_each(|v| *v += es.max(1e-8));
    dp.iter_mut().for_each(|v| *v += ed.max(1e-8));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as (entries, rhs), the first `equalities` of them equalities.
    fn lp(q: &[f64], equalities: usize, rows: &[(&[(usize, f64)], f64)]) -> Problem {
        let (mut i, mut j, mut v) = (Vec::new(), Vec::new(), Vec::new());
        for (r, (entries, _)) in rows.iter().enumerate() {
            for &(c, x) in entries.iter() {
                i.push(r);
                j.push(c);
                v.push(x);
            }
        }
        let a = CscMatrix::new_from_triplets(rows.len(), q.len(), i, j, v);
        Problem { q: q.to_vec(), a, b: rows.iter().map(|r| r.1).collect(), equalities, border: Vec::new() }
    }

    #[test]
    fn solves_a_small_lp_with_bounds_short_rows_and_an_equality() {
        // min x0 + 2 x1 + 3 x2  s.t.  x0 + x1 + x2 = 4,  x0 <= 1,  x1 - x2 >= 1,  x >= 0:
        // x0 = 1, then x1 = 3 (x2 = 0 costs least): 7.
        let problem = lp(
            &[1.0, 2.0, 3.0],
            1,
            &[
                (&[(0, 1.0), (1, 1.0), (2, 1.0)], 4.0),
                (&[(0, 1.0)], 1.0),
                (&[(1, -1.0), (2, 1.0)], -1.0),
                (&[(0, -1.0)], 0.0),
                (&[(1, -1.0)], 0.0),
                (&[(2, -1.0)], 0.0),
            ],
        );
        let s = solve(&problem, 1e-10, 100).unwrap();
        assert!((s.primal_objective - 7.0).abs() < 1e-8, "{}", s.primal_objective);
        assert!((s.dual_objective - 7.0).abs() < 1e-8, "{}", s.dual_objective);
        for (x, want) in s.x.iter().zip([1.0, 3.0, 0.0]) {
            assert!((x - want).abs() < 1e-6, "{:?}", s.x);
        }
    }

    #[test]
    fn an_infeasible_lp_is_reported_not_solved() {
        // x >= 1 and x <= 0.
        let problem = lp(&[1.0], 0, &[(&[(0, -1.0)], -1.0), (&[(0, 1.0)], 0.0)]);
        assert!(solve(&problem, 1e-10, 200).is_err());
    }
}
