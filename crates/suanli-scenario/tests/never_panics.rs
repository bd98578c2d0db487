//! Whatever text a user gives, parsing and resolving a scenario returns a value or
//! diagnostics, never a panic: random text, and the baseline with random edits.

use proptest::prelude::*;
use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::resolve::{resolve, DataSet};
use suanli_scenario::SourceText;

fn run(text: String) {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let src = SourceText { name: "fuzz.toml".into(), text };
    if let Err(e) = resolve(src, &mut |_, _| Err("no files".into()), data) {
        for d in &e.diagnostics {
            assert!(d.line >= 1 && d.column >= 1, "{d}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        run(text);
    }

    #[test]
    fn edited_baseline_never_panics(at in 0usize..20_000, len in 0usize..40, insert in "[ -~]{0,12}") {
        let base = builtin_scenario("baseline").unwrap().text;
        let mut start = at.min(base.len());
        while !base.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(base.len());
        while !base.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &base[..start], insert, &base[end..]);
        run(text);
    }
}
