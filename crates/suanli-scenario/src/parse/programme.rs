//! Parsing of demand programme files (see [`crate::programme`]): the scenario parser's
//! value forms and diagnostics, with the programme's own keys, ranges and cited defaults.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Loc, ParamValue, Parser};
use crate::diag::{ScenarioError, SourceText};
use crate::programme::{
    Application, Latency, Programme, Quantity, RunCompute, RunItem, RunKind, TokenCompute, DEFAULT_SCENARIO,
};
use crate::series::fmt_num;

/// A numeric key of a programme item.
struct Key {
    name: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
    /// Value used when neither the item nor `[defaults.*]` sets it (cited at its constant).
    default: Option<f64>,
}

const fn key(name: &'static str, unit: &'static str, min: f64, max: f64) -> Key {
    Key { name, unit, min, max, default: None }
}

/// Training utilisation: Meta, "The Llama 3 Herd of Models" (2024): 38-43 % model FLOP
/// utilisation on 16k H100 (the scenario's fleet utilisation uses the same figure).
const TRAINING_UTILISATION: f64 = 0.4;
/// Experiments, ablations and repeated runs per final run: 2, a suanli estimate [E].
/// DeepSeek-V3's report (2024) counts 2.788 M H800-hours for the final run "excluding the
/// costs associated with prior research and ablation experiments"; labs' compute budgets
/// put most of their training compute outside final runs (Epoch AI, 2024).
const RUN_OVERHEAD: f64 = 2.0;
/// Inference utilisation at the busiest hour: 0.3, a suanli estimate [E] between the
/// 76 % MFU of large-batch prompt processing and the far lower MFU of token-by-token
/// generation reported for PaLM 540B (Pope et al. 2022, "Efficiently Scaling Transformer
/// Inference").
const INFERENCE_UTILISATION: f64 = 0.3;
/// Busiest hour over mean hour of interactive requests: 2, a suanli estimate [E] for a
/// daytime working pattern (factories on one or two shifts).
const PEAK_TO_MEAN: f64 = 2.0;

const RUN_KEYS: [Key; 7] = [
    key("runs_per_year", "runs/yr", 0.0, 1e9),
    key("parameters", "parameters", 1.0, 1e16),
    key("tokens", "tokens", 0.0, 1e18),
    key("flop_per_token", "FLOP/token", 0.0, 1e20),
    key("flop_per_run", "FLOP", 0.0, 1e32),
    Key { default: Some(RUN_OVERHEAD), ..key("overhead", "1", 1.0, 100.0) },
    Key { default: Some(TRAINING_UTILISATION), ..key("utilisation", "1", 0.01, 1.0) },
];

const APP_KEYS: [Key; 8] = [
    key("users", "users", 0.0, 1e12),
    Key { default: Some(1.0), ..key("adoption", "1", 0.0, 1.0) },
    key("requests_per_day", "requests/day", 0.0, 1e9),
    key("tokens_per_request", "tokens", 0.0, 1e9),
    key("parameters", "parameters", 1.0, 1e16),
    key("flop_per_token", "FLOP/token", 0.0, 1e20),
    Key { default: Some(PEAK_TO_MEAN), ..key("peak_to_mean", "1", 1.0, 100.0) },
    Key { default: Some(INFERENCE_UTILISATION), ..key("utilisation", "1", 0.01, 1.0) },
];

const RUN_TEXT_KEYS: [&str; 3] = ["region", "source", "description"];
const APP_TEXT_KEYS: [&str; 4] = ["region", "latency", "source", "description"];
const TOP_KEYS: [&str; 5] = ["programme", "defaults", "training", "finetuning", "applications"];
const PROGRAMME_KEYS: [&str; 7] =
    ["name", "description", "scenario", "region", "first_year", "last_year", "supply_share"];
const SECTIONS: [&str; 3] = ["training", "finetuning", "applications"];

/// An item's keys as written.
#[derive(Default, Clone)]
struct RawItem {
    numbers: BTreeMap<&'static str, ParamValue>,
    text: BTreeMap<&'static str, (String, Loc)>,
}

/// Parses and checks a programme file. Returns every problem at once.
pub fn parse_programme(src: &SourceText) -> Result<Programme, ScenarioError> {
    let mut p = Parser { src, diags: Vec::new() };
    let programme = match DeTable::parse(&src.text) {
        Ok(doc) => read(&mut p, doc.get_ref()),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            p.diags.push(src.error(span, format!("invalid TOML: {}", super::lowercase_first(&msg))));
            None
        }
    };
    p.diags.sort_by_key(|d| (d.line, d.column));
    match programme {
        Some(prog) if p.diags.is_empty() => Ok(prog),
        _ => Err(ScenarioError { diagnostics: p.diags }),
    }
}

fn read(p: &mut Parser<'_>, doc: &DeTable<'_>) -> Option<Programme> {
    let start = Loc { file: p.src.name.clone(), line: 1, column: 1 };
    let mut head: BTreeMap<&str, (Spanned<DeValue<'_>>, Loc)> = BTreeMap::new();
    let mut defaults: BTreeMap<&str, RawItem> = BTreeMap::new();
    let mut items: Vec<(&str, String, Loc, RawItem)> = Vec::new();
    for (k, v) in doc {
        match k.get_ref().as_ref() {
            "programme" => {
                let Some(t) = p.table(v, "[programme]") else { continue };
                for (pk, pv) in t {
                    match PROGRAMME_KEYS.iter().find(|n| **n == pk.get_ref().as_ref()) {
                        Some(n) => {
                            head.insert(n, (pv.clone(), p.loc(pv.span())));
                        }
                        None => p.unknown(pk, pk.get_ref(), PROGRAMME_KEYS, "in [programme]"),
                    }
                }
            }
            "defaults" => {
                let Some(t) = p.table(v, "[defaults]") else { continue };
                for (sk, sv) in t {
                    let Some(section) = SECTIONS.iter().find(|n| **n == sk.get_ref().as_ref()) else {
                        p.unknown(sk, sk.get_ref(), SECTIONS, "in [defaults]");
                        continue;
                    };
                    if let Some(st) = p.table(sv, &format!("[defaults.{section}]")) {
                        let raw = item(p, st, section, &format!("[defaults.{section}]"));
                        defaults.insert(section, raw);
                    }
                }
            }
            section @ ("training" | "finetuning" | "applications") => {
                let section = SECTIONS.iter().find(|n| **n == section).copied().unwrap_or("training");
                p.sections(v, section, |p, id, span, t| {
                    let raw = item(p, t, section, &format!("[{section}.{id}]"));
                    items.push((section, id.to_string(), p.loc(span), raw));
                });
            }
            other => p.unknown(k, other, TOP_KEYS, "at the top level"),
        }
    }
    // Tables iterate in key order; keep the file's.
    items.sort_by_key(|(_, _, loc, _)| (loc.line, loc.column));
    let mut b = Builder { p, factors: Vec::new(), groups: BTreeMap::new() };
    let text = |b: &mut Builder<'_, '_>, name: &str| -> Option<(String, Loc)> {
        let (v, loc) = head.get(name)?;
        b.p.string(v).map(|s| (s, loc.clone()))
    };
    let name = text(&mut b, "name");
    let description = text(&mut b, "description").map(|(s, _)| s).unwrap_or_default();
    let scenario = text(&mut b, "scenario").map_or_else(|| DEFAULT_SCENARIO.to_string(), |(s, _)| s);
    let region = text(&mut b, "region");
    let first_year = b.year(head.get("first_year"));
    let last_year = b.year(head.get("last_year"));
    let supply_share = match head.get("supply_share") {
        Some((v, _)) => {
            let pv = b.p.value(v, "supply_share", "1");
            pv.and_then(|pv| b.quantity("programme.supply_share", pv, 1e-6, 1.0))
        }
        None => Some(Quantity::constant(1.0)),
    };
    let mut missing = |what: &str, hint: &str| {
        b.p.diags.push(start.error(format!("[programme] needs `{what}`")).with_hint(hint.to_string()));
    };
    if name.is_none() {
        missing("name", "add `name = \"my-programme\"`");
    }
    if region.is_none() && items.iter().any(|(_, _, _, raw)| !raw.text.contains_key("region")) {
        missing(
            "region",
            "add `region = \"china\"` (a region id of the scenario), or set `region` in every item",
        );
    }
    if !head.contains_key("first_year") || !head.contains_key("last_year") {
        missing("first_year` and `last_year", "add `first_year = 2025` and `last_year = 2030`");
    }
    if items.is_empty() {
        b.p.diags.push(
            start
                .error("the programme has no items")
                .with_hint("add a [training.NAME], [finetuning.NAME] or [applications.NAME] section"),
        );
    }
    if let (Some(f), Some(l)) = (first_year, last_year) {
        if f > l {
            b.p.diags.push(head["last_year"].1.error(format!("`last_year` {l} is before `first_year` {f}")));
        }
    }
    let mut runs = Vec::new();
    let mut applications = Vec::new();
    let default_region = region.as_ref().map(|(r, _)| r.clone()).unwrap_or_default();
    for (section, id, loc, raw) in items {
        let mut merged = defaults.get(section).cloned().unwrap_or_default();
        merged.numbers.extend(raw.numbers);
        merged.text.extend(raw.text);
        let region = merged.text.get("region").map_or(default_region.clone(), |(r, _)| r.clone());
        let label = format!("{section}.{id}");
        if section == "applications" {
            if let Some(a) = b.application(&label, id, region, loc, merged) {
                applications.push(a);
            }
        } else {
            let kind = if section == "training" { RunKind::Training } else { RunKind::FineTuning };
            if let Some(r) = b.run(&label, id, kind, region, loc, merged) {
                runs.push(r);
            }
        }
    }
    let factors = b.factors;
    Some(Programme {
        name: name?.0,
        loc: start,
        description,
        scenario,
        first_year: first_year?,
        last_year: last_year?,
        supply_share: supply_share?,
        runs,
        applications,
        factors,
    })
}

/// Reads one item (or a `[defaults.*]` section): numeric keys as values, text keys as
/// strings, anything else an error naming the keys the section knows.
fn item(p: &mut Parser<'_>, t: &DeTable<'_>, section: &str, place: &str) -> RawItem {
    let (keys, text_keys): (&[Key], &[&'static str]) =
        if section == "applications" { (&APP_KEYS, &APP_TEXT_KEYS) } else { (&RUN_KEYS, &RUN_TEXT_KEYS) };
    let mut raw = RawItem::default();
    for (k, v) in t {
        let name = k.get_ref().as_ref();
        if let Some(def) = keys.iter().find(|d| d.name == name) {
            if let Some(pv) = p.value(v, def.name, def.unit) {
                raw.numbers.insert(def.name, pv);
            }
        } else if let Some(tk) = text_keys.iter().find(|n| **n == name) {
            if let Some(s) = p.string(v) {
                raw.text.insert(tk, (s, p.loc(v.span())));
            }
        } else {
            let known: Vec<&str> = keys.iter().map(|d| d.name).chain(text_keys.iter().copied()).collect();
            p.unknown(k, name, known.iter().copied(), &format!("in {place}"));
        }
    }
    raw
}

struct Builder<'p, 'a> {
    p: &'p mut Parser<'a>,
    factors: Vec<String>,
    groups: BTreeMap<String, usize>,
}

impl Builder<'_, '_> {
    fn year(&mut self, v: Option<&(Spanned<DeValue<'_>>, Loc)>) -> Option<i32> {
        let (v, _) = v?;
        let x = self.p.number(v)?;
        self.p.year(v.span(), x)
    }

    /// A checked quantity: a value over the years within `[min, max]`; its distribution,
    /// if any, gets a uniform number of its own or its group's.
    fn quantity(&mut self, label: &str, pv: ParamValue, min: f64, max: f64) -> Option<Quantity> {
        let Some(series) = pv.series else {
            self.p.diags.push(
                pv.loc
                    .error(format!("`{label}` has a distribution but no value"))
                    .with_hint("add `value = ...` beside `uncertain`: the value is the deterministic run's"),
            );
            return None;
        };
        let mut ok = true;
        for (year, v) in &series.points {
            if !(min..=max).contains(v) {
                let when = if *year == 0 { String::new() } else { format!(" in {year}") };
                self.p.diags.push(
                    pv.loc
                        .error(format!(
                            "`{label}` is {v}{when}, outside its range {}..{}",
                            fmt_num(min),
                            fmt_num(max)
                        ))
                        .with_hint("check the value and its unit"),
                );
                ok = false;
            }
        }
        let draw = match &pv.uncertain {
            Some(un) => {
                if un.of == crate::uncertainty::Of::Value && series.points.len() > 1 {
                    self.p.diags.push(
                        un.loc
                            .error(format!("`{label}` is a per-year table: a draw cannot replace its value"))
                            .with_hint(
                                "use `of = \"scale\"` to scale the table, or `of = \"growth_per_year\"`",
                            ),
                    );
                    ok = false;
                }
                if un.draw != crate::uncertainty::DrawScope::Shared {
                    self.p.diags.push(
                        un.loc
                            .error("programme values take one draw for every year and region")
                            .with_hint("remove `draw`; use `group` to share a draw between values"),
                    );
                    ok = false;
                }
                let key = un.group.as_ref().map_or_else(|| label.to_string(), |g| format!("group {g}"));
                let next = self.factors.len();
                let k = *self.groups.entry(key.clone()).or_insert(next);
                if k == next {
                    self.factors.push(key);
                }
                Some(k)
            }
            None => None,
        };
        ok.then_some(Quantity { series, uncertain: pv.uncertain, draw, min, max, source: pv.source })
    }

    /// The item's value of `key`, its `[defaults.*]` value, or the built-in default;
    /// `None` (and no error) when the key is optional and unset.
    fn get(&mut self, label: &str, raw: &mut RawItem, keys: &[Key], name: &str) -> Option<Quantity> {
        let def = keys.iter().find(|k| k.name == name)?;
        match raw.numbers.remove(name) {
            Some(pv) => self.quantity(&format!("{label}.{name}"), pv, def.min, def.max),
            None => def.default.map(|v| Quantity { min: def.min, max: def.max, ..Quantity::constant(v) }),
        }
    }

    fn require(&mut self, loc: &Loc, label: &str, what: &str, hint: &str) {
        self.p.diags.push(loc.error(format!("[{label}] needs {what}")).with_hint(hint.to_string()));
    }

    fn per_token(
        &mut self,
        label: &str,
        raw: &mut RawItem,
        keys: &[Key],
        loc: &Loc,
        factor: &str,
    ) -> Option<TokenCompute> {
        let has = (raw.numbers.contains_key("parameters"), raw.numbers.contains_key("flop_per_token"));
        match has {
            (true, true) => {
                self.p.diags.push(
                    loc.error(format!("[{label}] sets both `parameters` and `flop_per_token`"))
                        .with_hint(format!("keep one: FLOP per token is {factor} x parameters unless given")),
                );
                None
            }
            (true, false) => self.get(label, raw, keys, "parameters").map(TokenCompute::Parameters),
            (false, true) => self.get(label, raw, keys, "flop_per_token").map(TokenCompute::FlopPerToken),
            (false, false) => {
                self.require(loc, label, "`parameters` or `flop_per_token`", &format!("add `parameters = 7e10` (active parameters; FLOP per token is then {factor} x parameters)"));
                None
            }
        }
    }

    fn run(
        &mut self,
        label: &str,
        id: String,
        kind: RunKind,
        region: String,
        loc: Loc,
        mut raw: RawItem,
    ) -> Option<RunItem> {
        if !raw.numbers.contains_key("runs_per_year") {
            self.require(
                &loc,
                label,
                "`runs_per_year`",
                "add `runs_per_year = 1` or `{ years = { 2025 = 1, 2027 = 3 } }`",
            );
        }
        let runs_per_year = self.get(label, &mut raw, &RUN_KEYS, "runs_per_year");
        let compute = if raw.numbers.contains_key("flop_per_run") {
            if raw.numbers.contains_key("tokens")
                || raw.numbers.contains_key("parameters")
                || raw.numbers.contains_key("flop_per_token")
            {
                self.p.diags.push(
                    loc.error(format!("[{label}] sets `flop_per_run` and also tokens or parameters"))
                        .with_hint(
                            "give either `flop_per_run`, or `tokens` with `parameters` or `flop_per_token`",
                        ),
                );
                None
            } else {
                self.get(label, &mut raw, &RUN_KEYS, "flop_per_run").map(RunCompute::Flop)
            }
        } else {
            if !raw.numbers.contains_key("tokens") {
                self.require(&loc, label, "`tokens` (per run) or `flop_per_run`", "add `tokens = 1.5e13`");
            }
            let tokens = self.get(label, &mut raw, &RUN_KEYS, "tokens");
            let per_token = self.per_token(label, &mut raw, &RUN_KEYS, &loc, "6");
            tokens
                .zip(per_token)
                .map(|(tokens, per_token)| RunCompute::Tokens { tokens, per_token: Box::new(per_token) })
        };
        let overhead = self.get(label, &mut raw, &RUN_KEYS, "overhead");
        let utilisation = self.get(label, &mut raw, &RUN_KEYS, "utilisation");
        Some(RunItem {
            id,
            kind,
            region,
            loc,
            runs_per_year: runs_per_year?,
            compute: compute?,
            overhead: overhead?,
            utilisation: utilisation?,
        })
    }

    fn application(
        &mut self,
        label: &str,
        id: String,
        region: String,
        loc: Loc,
        mut raw: RawItem,
    ) -> Option<Application> {
        let latency = match raw.text.get("latency") {
            None => Some(Latency::Interactive),
            Some((s, _)) if s == "interactive" => Some(Latency::Interactive),
            Some((s, _)) if s == "batch" => Some(Latency::Batch),
            Some((s, at)) => {
                self.p.diags.push(
                    at.error(format!("unknown latency `{s}`"))
                        .with_hint("`latency` is `interactive` (the default) or `batch`"),
                );
                None
            }
        };
        let need = |b: &mut Self, name: &str, example: &str| {
            if !raw.numbers.contains_key(name) {
                b.require(&loc, label, &format!("`{name}`"), &format!("add `{name} = {example}`"));
            }
        };
        need(self, "users", "{ years = { 2025 = 1000, 2030 = 20000 } }");
        need(self, "requests_per_day", "5000");
        need(self, "tokens_per_request", "1500");
        let users = self.get(label, &mut raw, &APP_KEYS, "users");
        let adoption = self.get(label, &mut raw, &APP_KEYS, "adoption");
        let requests_per_day = self.get(label, &mut raw, &APP_KEYS, "requests_per_day");
        let tokens_per_request = self.get(label, &mut raw, &APP_KEYS, "tokens_per_request");
        let per_token = self.per_token(label, &mut raw, &APP_KEYS, &loc, "2");
        let peak_to_mean = self.get(label, &mut raw, &APP_KEYS, "peak_to_mean");
        let utilisation = self.get(label, &mut raw, &APP_KEYS, "utilisation");
        Some(Application {
            id,
            region,
            loc,
            latency: latency?,
            users: users?,
            adoption: adoption?,
            requests_per_day: requests_per_day?,
            tokens_per_request: tokens_per_request?,
            per_token: per_token?,
            peak_to_mean: peak_to_mean?,
            utilisation: utilisation?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Programme, Vec<String>> {
        parse_programme(&SourceText { name: "p.toml".into(), text: text.into() })
            .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect())
    }

    const HEAD: &str = "[programme]\nname = \"t\"\nregion = \"china\"\nfirst_year = 2025\nlast_year = 2030\n";

    #[test]
    fn reads_items_defaults_and_groups() {
        let p = run(&format!(
            "{HEAD}[defaults.training]\nutilisation = 0.35\n\
             [training.a]\nruns_per_year = {{ years = {{ 2025 = 1, 2027 = 3 }} }}\nparameters = 7e10\ntokens = 1e13\n\
             overhead = {{ value = 2, uncertain = {{ dist = \"uniform\", min = 1.5, max = 3, group = \"o\" }} }}\n\
             [finetuning.b]\nregion = \"united_states\"\nruns_per_year = 10\nflop_per_run = 1e21\n\
             overhead = {{ value = 1.2, uncertain = {{ dist = \"uniform\", min = 1, max = 1.5, group = \"o\" }} }}\n\
             [applications.c]\nlatency = \"batch\"\nusers = 5\nrequests_per_day = 1\ntokens_per_request = 1\nflop_per_token = 1e9\n"
        ))
        .unwrap();
        assert_eq!(p.runs.len(), 2);
        assert_eq!(p.runs[0].utilisation.at(2025, &[]), 0.35);
        // The default section is per section: fine-tuning keeps the built-in 0.4.
        assert_eq!(p.runs[1].utilisation.at(2025, &[]), 0.4);
        assert_eq!(p.runs[0].runs_per_year.at(2026, &[]), 2.0);
        assert_eq!(p.runs[1].region, "united_states");
        assert_eq!(p.applications[0].latency, Latency::Batch);
        assert_eq!(p.factors, vec!["group o".to_string()]);
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let e = run(&format!(
            "{HEAD}[training.a]\nrun_per_year = 1\nparameters = 7e10\n\
             [applications.b]\nusers = -5\nrequests_per_day = 1\ntokens_per_request = 1\nparameters = 1\n\
             flop_per_token = 2\nlatency = \"soon\"\n"
        ))
        .unwrap_err();
        let all = e.join("\n");
        assert!(all.contains("p.toml:7:1: error: unknown key `run_per_year`"), "{all}");
        assert!(all.contains("did you mean `runs_per_year`?"), "{all}");
        assert!(all.contains("p.toml:6:11: error: [training.a] needs `runs_per_year`"), "{all}");
        assert!(all.contains("needs `tokens` (per run) or `flop_per_run`"), "{all}");
        assert!(all.contains("p.toml:10:9: error: `applications.b.users` is -5, outside its range"), "{all}");
        assert!(all.contains("sets both `parameters` and `flop_per_token`"), "{all}");
        assert!(all.contains("unknown latency `soon`"), "{all}");
    }

    #[test]
    fn the_programme_section_is_checked() {
        let e = run("[training.a]\nruns_per_year = 1\nflop_per_run = 1\n").unwrap_err().join("\n");
        assert!(
            e.contains("needs `name`") && e.contains("needs `region`") && e.contains("first_year"),
            "{e}"
        );
        let e = run(&HEAD.replace("2030", "2020")).unwrap_err().join("\n");
        assert!(e.contains("before `first_year`") && e.contains("no items"), "{e}");
        let e = run("[programme\n").unwrap_err().join("\n");
        assert!(e.starts_with("p.toml:1:"), "{e}");
        let e = run(&format!("{HEAD}[training.a]\nruns_per_year = {{ uncertain = {{ dist = \"uniform\", min = 0, max = 1 }} }}\nflop_per_run = 1\n"))
            .unwrap_err()
            .join("\n");
        assert!(e.contains("has a distribution but no value"), "{e}");
        let e = run(&format!("{HEAD}[training.a]\nruns_per_year = {{ years = {{ 2025 = 1, 2030 = 2 }}, uncertain = {{ dist = \"uniform\", min = 0, max = 1 }} }}\nflop_per_run = 1\n"))
            .unwrap_err()
            .join("\n");
        assert!(e.contains("per-year table"), "{e}");
    }

    #[test]
    fn a_drawn_value_keeps_the_growth() {
        let p = run(&format!(
            "{HEAD}[training.a]\nflop_per_run = 1\n\
             runs_per_year = {{ value = 2, base_year = 2025, growth_per_year = 1.0, uncertain = {{ dist = \"uniform\", min = 2, max = 4 }} }}\n"
        ))
        .unwrap();
        let q = &p.runs[0].runs_per_year;
        assert_eq!(q.at(2027, &[]), 8.0);
        // The draw sets the base-year value (3 at u = 0.5); the growth applies after it.
        assert_eq!(q.at(2027, &[0.5]), 12.0);
    }
}
