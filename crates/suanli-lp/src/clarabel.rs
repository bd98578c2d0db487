//! Clarabel on a [`Problem`]: the fallback when the augmented interior point does not
//! converge, and the solver that certifies infeasibility and unboundedness.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus};

use crate::Problem;

/// How Clarabel ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Optimal to the tolerance.
    Solved,
    /// No point satisfies every row (certified, or almost).
    Infeasible,
    /// The objective decreases without limit (certified, or almost).
    Unbounded,
    /// Anything else (iteration limit, numerical trouble), in Clarabel's words.
    Stopped(String),
}

/// Clarabel's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// How it ended; the other fields mean something only when [`Status::Solved`].
    pub status: Status,
    /// Primal variables.
    pub x: Vec<f64>,
    /// Primal objective.
    pub primal_objective: f64,
    /// Dual objective (a lower bound on the optimum).
    pub dual_objective: f64,
    /// Iterations of both attempts.
    pub iterations: u32,
    /// Whether a second attempt refined every Newton step iteratively.
    pub retried_with_refinement: bool,
}

/// Solves with Clarabel to `tolerance` (gap and feasibility, in the problem's units).
///
/// Iterative refinement of every Newton system costs a third of the solve time on the
/// site LP (dc1: 3.8 s with it, 2.4 s without, same objective to 1e-10) and these LPs
/// rarely need it: solve without, and again with it only if that does not end in an
/// optimum. Termination checks the residuals either way, so a solution is as exact.
pub fn solve(problem: &Problem, tolerance: f64, max_iterations: u32) -> Result<Answer, String> {
    let mut solver = solver(problem, tolerance, max_iterations, false)?;
    solver.solve();
    let mut iterations = solver.solution.iterations;
    let retried_with_refinement = solver.solution.status != SolverStatus::Solved;
    if retried_with_refinement {
        solver = self::solver(problem, tolerance, max_iterations, true)?;
        solver.solve();
        iterations += solver.solution.iterations;
    }
    let sol = &solver.solution;
    let status = match sol.status {
        SolverStatus::Solved => Status::Solved,
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => Status::Infeasible,
        SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => Status::Unbounded,
        other => Status::Stopped(format!("{other:?}")),
    };
    Ok(Answer {
        status,
        x: sol.x.clone(),
        primal_objective: sol.obj_val,
        dual_objective: sol.obj_val_dual,
        iterations,
        retried_with_refinement,
    })
}

fn solver(
    problem: &Problem,
    tolerance: f64,
    max_iterations: u32,
    refine: bool,
) -> Result<DefaultSolver<f64>, String> {
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .max_iter(max_iterations)
        .tol_gap_abs(tolerance)
        .tol_gap_rel(tolerance)
        .tol_feas(tolerance)
        .tol_ktratio(tolerance.sqrt())
        .iterative_refinement_enable(refine)
        .build()
        .map_err(|e| format!("bad solver settings: {e:?}"))?;
    let n = problem.columns();
    let p = CscMatrix::<f64>::zeros((n, n));
    DefaultSolver::new(&p, &problem.q, &problem.a, &problem.b, &problem.cones(), settings)
        .map_err(|e| format!("the solver rejected the problem: {e:?}"))
}
