//! Demand programme files: an AI deployment plan (models to train, fine-tunes, deployed
//! applications, adoption by year) as typed input of the demand engine.
//!
//! ```toml
//! [programme]
//! name = "ai-manufacturing"
//! region = "china"                    # where items run unless they say otherwise
//! first_year = 2025
//! last_year = 2030
//! # scenario = "baseline"             # whose chips, PUE and load factor turn compute into power
//! # supply_share = 0.1                # share of the region's powered compute the programme may use
//!
//! [defaults.training]                 # any item key; an item's own value replaces it
//! utilisation = 0.4
//!
//! [training.general]                  # pre-training runs of general models
//! runs_per_year = { years = { 2025 = 1, 2027 = 3 } }
//! parameters = 7e10                   # N; FLOP per token defaults to 6 N
//! tokens = 1.5e13                     # D per run
//!
//! [finetuning.industry]               # same keys as [training.*]
//! runs_per_year = 100
//! parameters = 7e10
//! tokens = 2e9
//!
//! [applications.inspection]           # deployed inference
//! users = { years = { 2025 = 1000, 2030 = 20000 } }
//! requests_per_day = 5000             # per user
//! tokens_per_request = 1500
//! parameters = 7e10                   # FLOP per token defaults to 2 N
//! # latency = "batch"                 # interactive (default) or batch
//! ```
//!
//! Every number takes the scenario forms (`1.5`, `{ value, source }`, `{ years = {...} }`,
//! `growth_per_year`) and may carry `uncertain = { ... }` as scenario values do.
//! [`parse_programme`] reports every problem at once with file, line and column.

use crate::diag::SourceText;
use crate::parse::Loc;
use crate::series::Series;
use crate::uncertainty::{Of, Uncertain};

pub use crate::parse::programme::parse_programme;

/// Scenario a programme runs under when it names none.
pub const DEFAULT_SCENARIO: &str = "baseline";

/// Names of the built-in programmes (the examples of `examples/demand/`).
pub const BUILTIN_PROGRAMMES: [&str; 1] = ["ai-manufacturing"];

const BUILTIN_TEXTS: [&str; 1] = [include_str!("../../../examples/demand/ai-manufacturing.toml")];

/// The text of a built-in programme, named `built-in NAME` in diagnostics.
pub fn builtin_programme(name: &str) -> Option<SourceText> {
    BUILTIN_PROGRAMMES
        .iter()
        .position(|n| *n == name)
        .map(|i| SourceText { name: format!("built-in {name}"), text: BUILTIN_TEXTS[i].to_string() })
}

/// A number of a programme: its value over the years and, optionally, its distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Value by year (the deterministic run).
    pub series: Series,
    /// Distribution in Monte Carlo runs.
    pub uncertain: Option<Uncertain>,
    /// Index of its uniform number in a draw (shared by a correlation group).
    pub draw: Option<usize>,
    /// Valid range: draws beyond it are clamped to it.
    pub min: f64,
    /// Upper end of the valid range.
    pub max: f64,
    /// Citation written beside the value, if any.
    pub source: Option<String>,
}

impl Quantity {
    /// A constant without a distribution (for defaults and tests).
    pub fn constant(value: f64) -> Self {
        Quantity {
            series: Series::constant(value),
            uncertain: None,
            draw: None,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            source: None,
        }
    }

    /// The value in `year` under the uniforms `u` of a draw (empty: the deterministic value).
    pub fn at(&self, year: i32, u: &[f64]) -> f64 {
        let (Some(un), Some(k)) = (&self.uncertain, self.draw) else {
            return self.series.at(year);
        };
        let Some(&uk) = u.get(k) else {
            return self.series.at(year);
        };
        let q = un.dist.quantile(uk);
        let v = match un.of {
            // The base-year value of a growing series, or the constant.
            Of::Value => Series {
                points: vec![(self.series.points[0].0, q)],
                growth_per_year: self.series.growth_per_year,
            }
            .at(year),
            Of::Scale => self.series.at(year) * q,
            Of::Growth => Series { points: self.series.points.clone(), growth_per_year: Some(q) }.at(year),
        };
        v.clamp(self.min, self.max)
    }
}

/// Whether a run trains a model from scratch or adapts one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `[training.NAME]`: pre-training.
    Training,
    /// `[finetuning.NAME]`: fine-tuning (per industry, per task).
    FineTuning,
}

impl RunKind {
    /// Section name in the file and category in results.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Training => "training",
            RunKind::FineTuning => "finetuning",
        }
    }
}

/// How each token's compute is given.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenCompute {
    /// From the active parameters: `factor * parameters` FLOP per token (6 for training,
    /// 2 for inference; Kaplan et al. 2020, "Scaling Laws for Neural Language Models").
    Parameters(Quantity),
    /// FLOP per token as written.
    FlopPerToken(Quantity),
}

/// A kind of training or fine-tuning run, repeated `runs_per_year` times.
#[derive(Debug, Clone, PartialEq)]
pub struct RunItem {
    /// Item name (the key after `training.` or `finetuning.`).
    pub id: String,
    /// Training or fine-tuning.
    pub kind: RunKind,
    /// Region id where it runs.
    pub region: String,
    /// Where the item starts in the file.
    pub loc: Loc,
    /// Runs started per year, runs/yr.
    pub runs_per_year: Quantity,
    /// Compute of one final run.
    pub compute: RunCompute,
    /// Compute of experiments, ablations and failed or repeated runs, as a multiple of
    /// the final runs (>= 1).
    pub overhead: Quantity,
    /// Model FLOP utilisation: useful FLOP over peak FLOP of the hardware (0..1].
    pub utilisation: Quantity,
}

/// Compute of one run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunCompute {
    /// Tokens times compute per token.
    Tokens {
        /// Tokens per run.
        tokens: Quantity,
        /// FLOP per token (boxed: the variants would differ much in size).
        per_token: Box<TokenCompute>,
    },
    /// FLOP per run as written.
    Flop(Quantity),
}

/// How soon an application's answers are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Answers within a user's wait: served near its users at its hourly peak.
    Interactive,
    /// Answers within hours: can run anywhere and any hour, so sized at its mean.
    Batch,
}

impl Latency {
    /// Name in the file and in results.
    pub fn as_str(self) -> &'static str {
        match self {
            Latency::Interactive => "interactive",
            Latency::Batch => "batch",
        }
    }
}

/// A deployed application: users sending requests to a served model.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Item name (the key after `applications.`).
    pub id: String,
    /// Region id where its users are.
    pub region: String,
    /// Where the item starts in the file.
    pub loc: Loc,
    /// Latency class.
    pub latency: Latency,
    /// Users, plants or sites that could use it, count.
    pub users: Quantity,
    /// Share of them using it (0..1).
    pub adoption: Quantity,
    /// Requests per user per day.
    pub requests_per_day: Quantity,
    /// Tokens processed per request (prompt and answer), tokens.
    pub tokens_per_request: Quantity,
    /// FLOP per token of the served model.
    pub per_token: TokenCompute,
    /// Busiest hour's requests over the mean hour's (>= 1); batch work ignores it.
    pub peak_to_mean: Quantity,
    /// Useful FLOP over peak FLOP of the serving hardware at the busiest hour (0..1].
    pub utilisation: Quantity,
}

/// A demand programme as written, checked and with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// Name.
    pub name: String,
    /// The file's start, for diagnostics about the programme as a whole.
    pub loc: Loc,
    /// Description.
    pub description: String,
    /// Scenario (built-in name, or a path relative to the programme file) whose chips,
    /// PUE and load factor turn compute into accelerators and power.
    pub scenario: String,
    /// First year reported.
    pub first_year: i32,
    /// Last year reported.
    pub last_year: i32,
    /// Share of each region's powered compute the programme may use (0..1].
    pub supply_share: Quantity,
    /// Training and fine-tuning runs.
    pub runs: Vec<RunItem>,
    /// Deployed applications.
    pub applications: Vec<Application>,
    /// Label of each uniform number of a draw (`training.general.parameters` or
    /// `group NAME`): the dimension of a Monte Carlo draw is its length.
    pub factors: Vec<String>,
}
