//! `suanli report`: one self-contained HTML file with charts, tables, claims, assumptions
//! and sources.

use std::path::Path;

use suanli_data::sources::TABLE_SOURCES;
use suanli_mc::run::{default_pairs, monte_carlo, McConfig, Model};
use suanli_nation::crossing::crossings;
use suanli_nation::simulate;
use suanli_report::html::{report, Report};
use suanli_report::nation::NationChart;
use suanli_report::site::site_figure;

use crate::claims_cmd::{compile_claims, evaluate_claims, Evaluated};
use crate::demand_cmd::compute;
use crate::error::CliError;
use crate::load::load_data;
use crate::network_cmd::plan_network_figure;
use crate::output::write_atomic;
use crate::race::ATTRIBUTION;
use crate::site_cmd::{plan_file, site_source};

pub fn run(
    scenario: &str,
    site: Option<&Path>,
    network: Option<&Path>,
    demand: Option<&Path>,
    draws: u64,
    seed: u64,
    out: &Path,
) -> Result<(), CliError> {
    let data = load_data()?;
    let Evaluated { claims, results, primary: resolved, .. } = evaluate_claims(scenario, None, &data, true)?;
    let outcome = simulate(&resolved.input);
    let mc = if draws > 0 && !resolved.uncertainty.is_empty() {
        let pairs = default_pairs(&resolved.input);
        let model = Model::new(&resolved.input, &resolved.uncertainty);
        let claims = compile_claims(&claims, &resolved)?;
        Some(monte_carlo(&model, &McConfig { draws, seed, pairs, claims }, &|_| {}))
    } else {
        None
    };
    let site = site.map(plan_file).transpose()?;
    let site_fig = site.as_ref().map(|(s, p)| site_figure(p, &site_source(s)));
    let network = network.map(plan_network_figure).transpose()?;
    // The programme runs under the report's scenario, so that its supply is the one shown.
    let demand =
        demand.map(|f| compute(f, Some(scenario), draws.min(2000), seed, &data, true)).transpose()?;
    let demand_section = demand.as_ref().map(|c| c.section());
    let demand_figure = demand_section.as_ref().map(|d| d.figure(ATTRIBUTION));
    let figure = NationChart {
        outcome: &outcome,
        input: &resolved.input,
        electricity: &data.electricity,
        mc: mc.as_ref(),
        from: outcome.first_year.max(2010),
        to: outcome.last_year(),
        source: ATTRIBUTION,
    }
    .figure();
    let (validation, _) = crate::validate_cmd::comparisons(&resolved, draws.min(2000), seed);
    let found = crossings(&outcome, outcome.calibration_year, outcome.last_year());
    let generator = format!("suanli {}", env!("CARGO_PKG_VERSION"));
    let html = report(&Report {
        outcome: &outcome,
        description: &resolved.description,
        provenance: &resolved.provenance,
        factors: &resolved.uncertainty.factors,
        mc: mc.as_ref(),
        figure: &figure,
        crossings: &found,
        claims: &results,
        claim_odds: mc.as_ref().map_or(&[], |m| &m.claims),
        site: site.as_ref().zip(site_fig.as_ref()).map(|((_, p), f)| (p, f)),
        network: network.as_ref().map(|(p, f)| (p, f)),
        sources: TABLE_SOURCES,
        generator: &generator,
        validation: &validation,
        demand: demand_section.as_ref().zip(demand_figure.as_ref()),
    });
    write_atomic(out, html.as_bytes())
}
