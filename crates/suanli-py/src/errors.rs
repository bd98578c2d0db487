//! Rust errors as the Python exceptions of `suanli.exceptions` (defined in Python so that
//! they can be pickled across Dask workers and carry two bases, e.g. `InputError` is also a
//! `ValueError`).

use pyo3::prelude::*;
use suanli_scenario::diag::ScenarioError;
use suanli_site::plan::SiteError;

/// An exception of `suanli.exceptions` by class name, built with `args`.
fn raise<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = py.import("suanli.exceptions").and_then(|m| m.getattr(class)).and_then(|c| c.call1(args));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// `suanli.InputError(message, file, line, column, hint)`.
pub fn input_error(
    py: Python<'_>,
    message: &str,
    file: Option<&str>,
    line: Option<usize>,
    column: Option<usize>,
    hint: Option<&str>,
) -> PyErr {
    raise(py, "InputError", (message, file, line, column, hint))
}

/// An error message of the form `file:line:column: message` (what the file parsers
/// return), split into its parts where it has them.
pub fn located_input_error(py: Python<'_>, text: &str) -> PyErr {
    let first = text.lines().next().unwrap_or(text);
    let mut parts = first.splitn(4, ':');
    let (file, line, column, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
    let number = |s: Option<&str>| s.and_then(|s| s.trim().parse::<usize>().ok());
    let hint = text.lines().find_map(|l| l.trim().strip_prefix("hint:").map(str::trim));
    match (number(line), number(column), rest) {
        (Some(l), Some(c), Some(message)) => input_error(py, message.trim(), file, Some(l), Some(c), hint),
        _ => {
            let message: Vec<&str> = text.lines().filter(|l| !l.trim().starts_with("hint:")).collect();
            input_error(py, message.join(" ").trim(), None, None, None, hint)
        }
    }
}

/// A scenario's first diagnostic as an `InputError` (the message lists all of them).
pub fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
    let Some(d) = e.diagnostics.first() else {
        return input_error(py, &e.to_string(), None, None, None, None);
    };
    let message = if e.diagnostics.len() > 1 {
        format!("{} (and {} more: {})", d.message, e.diagnostics.len() - 1, e)
    } else {
        d.message.clone()
    };
    input_error(py, &message, Some(&d.file), Some(d.line), Some(d.column), d.hint.as_deref())
}

/// A planner's error: bad input, infeasible, solver or check failure.
pub fn site_error(py: Python<'_>, name: &str, e: SiteError) -> PyErr {
    match e {
        SiteError::Input(m) => input_error(py, &m, Some(name), None, None, None),
        SiteError::Infeasible(m) => {
            raise(py, "InfeasibleError", (format!("{name}: the plan is infeasible: {m}"),))
        }
        SiteError::NotSolved { status, iterations, hint } => raise(
            py,
            "SolverError",
            (format!(
                "{name}: the solver stopped with status {status} after {iterations} iterations: {hint}"
            ),),
        ),
        SiteError::Check(m) => raise(py, "CheckError", (format!("{name}: {m}"),)),
    }
}

/// Any other failure (`suanli.SuanliError`).
pub fn suanli_error(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "SuanliError", (message,))
}
