//! Linear programs for suanli, independent of what they model.
//!
//! A formulation writes its columns and rows into a [`Builder`] and gets a [`Problem`]:
//! minimise `q'x` subject to `A x + s = b`, `s = 0` on the first `equalities` rows and
//! `s >= 0` on the others (Clarabel's form, with only zero and non-negative cones).
//! [`augmented::solve`] solves it with a primal-dual interior point on the augmented
//! system and returns a primal objective and a dual bound; [`clarabel::solve`] runs
//! Clarabel on the same problem as a fallback that also certifies infeasibility;
//! [`solve`] chooses between them.
//!
//! ```
//! use suanli_lp::Builder;
//!
//! // min x0 + 2 x1  s.t.  x0 + x1 = 3,  x0 <= 1,  x >= 0  ->  x = (1, 2), cost 5.
//! let mut lp = Builder::default();
//! let x = lp.columns(2);
//! lp.set_cost(x, 1.0);
//! lp.set_cost(x + 1, 2.0);
//! lp.equality(&[(x, 1.0), (x + 1, 1.0)], 3.0);
//! lp.at_most(&[(x, 1.0)], 1.0);
//! lp.at_most(&[(x, -1.0)], 0.0);
//! lp.at_most(&[(x + 1, -1.0)], 0.0);
//! let problem = lp.finish();
//! let s = suanli_lp::augmented::solve(&problem, 1e-10, 100).unwrap();
//! assert!((s.primal_objective - 5.0).abs() < 1e-8);
//! ```
#![deny(missing_docs)]

pub mod augmented;
mod bordered;
mod builder;
pub mod clarabel;
mod ldl;
mod schur;
mod solve;
mod split;

pub use builder::{Builder, Problem, Row};
pub use solve::{solve, Method, Options, Solved, Unsolved};
