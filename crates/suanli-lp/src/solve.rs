//! The solver choice: the augmented interior point first, Clarabel when it does not
//! converge (Clarabel also certifies infeasibility and unboundedness).

use std::time::Instant;

use crate::{augmented, clarabel, Problem};

/// Which method solves a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// [`augmented`], falling back to Clarabel when it does not converge.
    #[default]
    Augmented,
    /// Clarabel's general sparse interior point alone.
    Clarabel,
}

/// Settings of a solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Method. By default the augmented interior point with Clarabel as fallback.
    pub method: Method,
    /// Relative gap and feasibility tolerance, in the problem's units. By default 1e-10.
    pub tolerance: f64,
    /// Iteration limit of each method. By default 400.
    pub max_iterations: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { method: Method::default(), tolerance: 1e-10, max_iterations: 400 }
    }
}

/// An optimal solution and how it was found.
#[derive(Debug, Clone)]
pub struct Solved {
    /// Primal variables.
    pub x: Vec<f64>,
    /// Primal objective, in the problem's units.
    pub primal_objective: f64,
    /// Dual objective: a proven lower bound on the optimum, in the problem's units.
    pub dual_objective: f64,
    /// Iterations of every attempt.
    pub iterations: u32,
    /// Name of the method that found the solution.
    pub solver: &'static str,
    /// Why the augmented interior point handed over to Clarabel, if it did.
    pub fallback: Option<String>,
    /// Whether Clarabel solved a second time with iterative refinement.
    pub retried_with_refinement: bool,
    /// Time spent solving, s.
    pub solve_time_s: f64,
}

/// Why no optimum was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unsolved {
    /// Certified (or almost) infeasible by Clarabel.
    #[error("infeasible")]
    Infeasible,
    /// Certified (or almost) unbounded by Clarabel.
    #[error("unbounded")]
    Unbounded,
    /// The solver stopped without an answer.
    #[error("the solver stopped with status {status} after {iterations} iterations")]
    Stopped {
        /// The solver's status.
        status: String,
        /// Iterations run.
        iterations: u32,
    },
    /// The solver refused the problem or the settings.
    #[error("{0}")]
    Rejected(String),
}

/// Solves `problem` with the method of `options`.
pub fn solve(problem: &Problem, options: &Options) -> Result<Solved, Unsolved> {
    let t0 = Instant::now();
    let mut fallback = None;
    if options.method == Method::Augmented {
        match augmented::solve(problem, options.tolerance, options.max_iterations) {
            Ok(s) => {
                return Ok(Solved {
                    x: s.x,
                    primal_objective: s.primal_objective,
                    dual_objective: s.dual_objective,
                    iterations: s.iterations,
                    solver: "suanli augmented interior point",
                    fallback: None,
                    retried_with_refinement: false,
                    solve_time_s: t0.elapsed().as_secs_f64(),
                })
            }
            Err(failure) => {
                fallback = Some(format!(
                    "the augmented interior point stopped: {failure} after {:.2} s",
                    t0.elapsed().as_secs_f64()
                ))
            }
        }
    }
    let answer =
        clarabel::solve(problem, options.tolerance, options.max_iterations).map_err(Unsolved::Rejected)?;
    match answer.status {
        clarabel::Status::Solved => Ok(Solved {
            x: answer.x,
            primal_objective: answer.primal_objective,
            dual_objective: answer.dual_objective,
            iterations: answer.iterations,
            solver: "clarabel",
            fallback,
            retried_with_refinement: answer.retried_with_refinement,
            solve_time_s: t0.elapsed().as_secs_f64(),
        }),
        clarabel::Status::Infeasible => Err(Unsolved::Infeasible),
        clarabel::Status::Unbounded => Err(Unsolved::Unbounded),
        clarabel::Status::Stopped(status) => Err(Unsolved::Stopped { status, iterations: answer.iterations }),
    }
}
