//! `suanli demand FILE` (what a demand programme needs: compute, accelerators, power) and
//! `suanli race --demand FILE` (that demand beside the regions' supply, with the odds of a
//! shortfall under uncertainty).

use std::path::Path;

use serde::Serialize;
use suanli_mc::demand::{shortfall_odds, ShortfallOdds};
use suanli_mc::output::region_index;
use suanli_mc::run::Model;
use suanli_nation::demand::cover::{cover, first_shortfalls, CoverRow, FirstShortfall};
use suanli_nation::demand::{demand_rows, network_load, prepare, DemandRow, ItemRow, Prepared};
use suanli_nation::simulate;
use suanli_network::programme::ProgrammeLoad;
use suanli_report::chart::Figure;
use suanli_report::demand::DemandSection;
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::programme::{builtin_programme, parse_programme, Programme, BUILTIN_PROGRAMMES};
use suanli_scenario::resolve::Resolved;
use suanli_scenario::SourceText;

use crate::error::CliError;
use crate::load::{load_data, load_scenario, read_text, Data};
use crate::mc_cmd::Progress;
use crate::output::{csv_text, emit, json_text, write_atomic};
use crate::race::ATTRIBUTION;
use crate::table::{num, pct, Table};
use crate::Format;

/// A programme and the scenario it runs under.
pub struct Loaded {
    /// The programme as read.
    pub programme: Programme,
    /// The scenario: `--scenario`, else the programme's own (a path relative to the file).
    pub resolved: Resolved,
}

/// Reads a programme (a built-in name, as scenarios are, or a file) and resolves its
/// scenario.
pub fn load(path: &Path, scenario: Option<&str>, data: &Data) -> Result<Loaded, CliError> {
    let src = match path.to_str().and_then(builtin_programme) {
        Some(src) => src,
        None if !path.exists() => {
            return Err(CliError::Usage(format!(
                "failed to find programme `{}`: it is neither a built-in programme ({}) nor a file",
                path.display(),
                BUILTIN_PROGRAMMES.join(", ")
            )))
        }
        None => SourceText { name: path.display().to_string(), text: read_text(path)? },
    };
    let programme = parse_programme(&src)?;
    let spec = match scenario {
        Some(s) => s.to_string(),
        None if builtin_scenario(&programme.scenario).is_some() => programme.scenario.clone(),
        None => path.parent().unwrap_or(Path::new(".")).join(&programme.scenario).display().to_string(),
    };
    let resolved = load_scenario(&spec, data).map_err(|e| match e {
        // The programme named the scenario: say which file did.
        CliError::Usage(m) if scenario.is_none() => CliError::Usage(format!("{}: {m}", path.display())),
        other => other,
    })?;
    Ok(Loaded { programme, resolved })
}

impl Loaded {
    /// The programme tied to the scenario's regions and years.
    pub fn prepare(&self) -> Result<Prepared<'_>, CliError> {
        Ok(prepare(&self.programme, &self.resolved.input)?)
    }
}

/// The load the programme at `path` puts in `year` on a network of `region` (default: its
/// only region), times `share`; and a line saying whose load it is.
pub fn network_load_of(
    path: &Path,
    year: i32,
    share: f64,
    region: Option<&str>,
) -> Result<(ProgrammeLoad, String), CliError> {
    let data = load_data()?;
    let loaded = load(path, None, &data)?;
    let p = loaded.prepare()?;
    let (prog, input) = (&loaded.programme, &loaded.resolved.input);
    if !(prog.first_year..=prog.last_year).contains(&year) {
        return Err(CliError::Usage(format!(
            "--year {year}: programme `{}` covers {}..{}",
            prog.name, prog.first_year, prog.last_year
        )));
    }
    let region = match region {
        Some(r) => region_index(input, r).ok().filter(|k| p.regions.contains(k)),
        None if p.regions.len() == 1 => Some(p.regions[0]),
        None => None,
    }
    .ok_or_else(|| {
        let names: Vec<&str> = p.regions.iter().map(|&r| input.regions[r].id.as_str()).collect();
        CliError::Usage(format!(
            "{}: pass --demand-region, one of the programme's regions: {}",
            path.display(),
            names.join(", ")
        ))
    })?;
    let load = network_load(&p, input, &simulate(input), region, year, &[]).map_err(CliError::Usage)?;
    let load = ProgrammeLoad {
        inference_it_mw: load.inference_it_mw * share,
        flexible_h100_hours: load.flexible_h100_hours * share,
    };
    let what =
        format!("programme {} in {} {year} (share {})", prog.name, input.regions[region].name, pct(share));
    Ok((load, what))
}

#[derive(Serialize)]
struct DemandReport<'a> {
    programme: &'a str,
    description: &'a str,
    scenario: &'a str,
    attribution: &'a str,
    rows: &'a [DemandRow],
    /// Every item in the programme's last year, largest first.
    items_last_year: &'a [ItemRow],
}

/// `suanli demand FILE`.
pub fn run(
    file: &Path,
    scenario: Option<&str>,
    format: Format,
    out: Option<&Path>,
    chart: Option<&Path>,
) -> Result<(), CliError> {
    let data = load_data()?;
    let c = compute(file, scenario, 0, 1, &data, true)?;
    if let Some(path) = chart {
        write_atomic(path, c.figure().to_svg().as_bytes())?;
    }
    let (prog, scenario) = (&c.loaded.programme, &c.loaded.resolved.input.name);
    let text = match format {
        Format::Json => json_text(&DemandReport {
            programme: &prog.name,
            description: &prog.description,
            scenario,
            attribution: ATTRIBUTION,
            rows: &c.rows,
            items_last_year: &c.items,
        })?,
        Format::Csv => csv_text(&c.rows)?,
        Format::Table => render_demand(prog, scenario, &c.rows, &c.items),
    };
    emit(&text, out)
}

fn render_demand(prog: &Programme, scenario: &str, rows: &[DemandRow], items: &[ItemRow]) -> String {
    let mut s = format!(
        "programme: {}   (scenario {scenario}: each region's fleet sets the watts per FLOP/s, its PUE and load factor)\n",
        prog.name
    );
    if !prog.description.is_empty() {
        s.push_str(&format!("{}\n", prog.description));
    }
    let mut region = "";
    let mut t: Option<Table> = None;
    for r in rows {
        if r.region != region {
            if let Some(t) = t.take() {
                s.push('\n');
                s.push_str(&t.render());
            }
            region = &r.region;
            t = Some(Table::new(&[
                &r.region,
                "for",
                "FLOP/yr",
                "mean PFLOP/s",
                "peak PFLOP/s",
                "k H100e",
                "GW",
                "TWh",
            ]));
        }
        if let Some(t) = t.as_mut() {
            t.row(vec![
                r.year.to_string(),
                r.category.to_string(),
                format!("{:.2e}", r.flop_per_year),
                num(r.mean_flops / 1e15, 1),
                num(r.peak_flops / 1e15, 1),
                num(r.h100e / 1e3, 1),
                num(r.power_gw, 2),
                num(r.energy_twh, 1),
            ]);
        }
    }
    if let Some(t) = t {
        s.push('\n');
        s.push_str(&t.render());
    }
    let total: f64 = items.iter().map(|i| i.h100e).sum();
    let mut t = Table::new(&[
        &format!("items in {}", prog.last_year),
        "region",
        "for",
        "FLOP/yr",
        "k H100e",
        "share",
    ]);
    for i in items {
        t.row(vec![
            i.item.clone(),
            i.region.clone(),
            i.category.to_string(),
            format!("{:.2e}", i.flop_per_year),
            num(i.h100e / 1e3, 1),
            pct(if total > 0.0 { i.h100e / total } else { 0.0 }),
        ]);
    }
    s.push('\n');
    s.push_str(&t.render());
    s.push_str(
        "\nuseful FLOP: 6 N D per training token, 2 N per inference token (Kaplan et al. 2020); \
         H100e and GW at peak hardware FLOP/s (useful / utilisation); TWh at the region's load factor\n",
    );
    s.push_str(&format!("\n{ATTRIBUTION}\n"));
    s
}

#[derive(Serialize)]
struct CoverReport<'a> {
    programme: &'a str,
    scenario: &'a str,
    attribution: &'a str,
    rows: &'a [CoverRow],
    first_shortfall: &'a [FirstShortfall],
    draws: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    odds: Option<&'a [ShortfallOdds]>,
}

/// A programme run against its scenario: demand, demand beside supply, and the odds.
pub struct Computed {
    /// The programme and its scenario.
    pub loaded: Loaded,
    /// Demand by region, year and category.
    pub rows: Vec<DemandRow>,
    /// Demand beside supply by region and year.
    pub cover: Vec<CoverRow>,
    /// Each region's first shortfall.
    pub first: Vec<FirstShortfall>,
    /// Odds of a shortfall (in the order of `cover`) when `draws` > 0.
    pub odds: Option<Vec<ShortfallOdds>>,
    /// Every item in the programme's last year, largest first.
    pub items: Vec<ItemRow>,
}

/// Reads the programme, runs it against its scenario and, with `draws`, the Monte Carlo
/// of both (a progress bar unless `quiet`).
pub fn compute(
    file: &Path,
    scenario: Option<&str>,
    draws: u64,
    seed: u64,
    data: &Data,
    quiet: bool,
) -> Result<Computed, CliError> {
    let loaded = load(file, scenario, data)?;
    let p = loaded.prepare()?;
    let input = &loaded.resolved.input;
    let outcome = simulate(input);
    let rows = demand_rows(&p, input, &outcome, &[]).map_err(CliError::Usage)?;
    let cover = cover(&p, input, &outcome, &[]);
    let first = first_shortfalls(&cover);
    let items = p.items(input, loaded.programme.last_year);
    let odds = (draws > 0).then(|| {
        let model = Model::new(input, &loaded.resolved.uncertainty);
        let progress = Progress::new(draws, "draws", quiet);
        let odds = shortfall_odds(&model, &p, draws, seed, &|n| progress.advance(n));
        progress.finish();
        odds
    });
    Ok(Computed { loaded, rows, cover, first, odds, items })
}

impl Computed {
    /// The report's section on the programme.
    pub fn section(&self) -> DemandSection<'_> {
        DemandSection {
            programme: &self.loaded.programme.name,
            description: &self.loaded.programme.description,
            scenario: &self.loaded.resolved.input.name,
            rows: &self.rows,
            cover: &self.cover,
            first: &self.first,
            odds: self.odds.as_deref(),
            items: &self.items,
        }
    }

    /// Its chart: need by category, and need beside supply (bands with draws).
    pub fn figure(&self) -> Figure {
        self.section().figure(ATTRIBUTION)
    }
}

/// `suanli race --demand FILE`: demand beside supply, and with `draws` the odds of a
/// shortfall.
pub fn run_cover(
    file: &Path,
    scenario: Option<&str>,
    draws: u64,
    seed: u64,
    format: Format,
    out: Option<&Path>,
    chart: Option<&Path>,
) -> Result<(), CliError> {
    let data = load_data()?;
    let c = compute(file, scenario, draws, seed, &data, format != Format::Table)?;
    if let Some(path) = chart {
        write_atomic(path, c.figure().to_svg().as_bytes())?;
    }
    let text = match format {
        Format::Json => json_text(&CoverReport {
            programme: &c.loaded.programme.name,
            scenario: &c.loaded.resolved.input.name,
            attribution: ATTRIBUTION,
            rows: &c.cover,
            first_shortfall: &c.first,
            draws,
            odds: c.odds.as_deref(),
        })?,
        Format::Csv => cover_csv(&c.cover, c.odds.as_deref())?,
        Format::Table => render_cover(&c.loaded, &c.cover, &c.first, c.odds.as_deref(), draws),
    };
    emit(&text, out)
}

fn render_cover(
    loaded: &Loaded,
    rows: &[CoverRow],
    first: &[FirstShortfall],
    odds: Option<&[ShortfallOdds]>,
    draws: u64,
) -> String {
    let prog = &loaded.programme;
    let share = prog.supply_share.series.describe();
    let mut s = format!(
        "programme {} beside scenario {}: supply = the region's powered accelerators x {share} (supply_share)\n\n",
        prog.name, loaded.resolved.input.name
    );
    let mut header = vec![
        "region",
        "year",
        "demand k H100e",
        "supply k H100e",
        "headroom",
        "demand/supply",
        "short",
        "binds",
    ];
    if odds.is_some() {
        header.extend(["P(short)", "limit when short"]);
    }
    let mut t = Table::new(&header);
    for (i, r) in rows.iter().enumerate() {
        let mut cells = vec![
            r.region.clone(),
            r.year.to_string(),
            num(r.demand_h100e / 1e3, 1),
            num(r.supply_h100e / 1e3, 1),
            num(r.headroom_h100e / 1e3, 1),
            pct(r.demand_over_supply),
            if r.shortfall { "yes" } else { "no" }.into(),
            r.binding.as_str().into(),
        ];
        if let Some(o) = odds.and_then(|o| o.get(i)) {
            cells.push(pct(o.probability));
            cells.push(limits(o));
        }
        t.row(cells);
    }
    s.push_str(&t.render());
    s.push('\n');
    for f in first {
        match (f.year, f.limit) {
            (Some(y), Some(l)) => s.push_str(&format!(
                "{}: first shortfall in {y}; the region's supply is limited by {} then\n",
                f.region,
                l.as_str()
            )),
            _ => s.push_str(&format!("{}: covered in every year through {}\n", f.region, prog.last_year)),
        }
    }
    if odds.is_some() {
        s.push_str(&format!(
            "\nP(short): share of {draws} draws of the scenario's and the programme's uncertain values in which demand exceeds supply\n"
        ));
    }
    s.push_str(&format!("\n{ATTRIBUTION}\n"));
    s
}

fn limits(o: &ShortfallOdds) -> String {
    let parts: Vec<String> =
        [("power", o.limit_power), ("chips", o.limit_chips), ("capital", o.limit_capital)]
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .map(|(n, v)| format!("{n} {}", pct(*v)))
            .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

/// Cover rows, with the odds' columns (empty without draws).
fn cover_csv(rows: &[CoverRow], odds: Option<&[ShortfallOdds]>) -> Result<String, CliError> {
    #[derive(Serialize)]
    struct Row<'a> {
        region: &'a str,
        year: i32,
        demand_h100e: f64,
        supply_h100e: f64,
        headroom_h100e: f64,
        demand_over_supply: f64,
        shortfall: bool,
        binding: &'a str,
        probability: Option<f64>,
        limit_power: Option<f64>,
        limit_chips: Option<f64>,
        limit_capital: Option<f64>,
    }
    let rows: Vec<Row<'_>> = rows
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let o = odds.and_then(|o| o.get(i));
            Row {
                region: &c.region,
                year: c.year,
                demand_h100e: c.demand_h100e,
                supply_h100e: c.supply_h100e,
                headroom_h100e: c.headroom_h100e,
                demand_over_supply: c.demand_over_supply,
                shortfall: c.shortfall,
                binding: c.binding.as_str(),
                probability: o.map(|o| o.probability),
                limit_power: o.map(|o| o.limit_power),
                limit_chips: o.map(|o| o.limit_chips),
                limit_capital: o.map(|o| o.limit_capital),
            }
        })
        .collect();
    csv_text(&rows)
}
