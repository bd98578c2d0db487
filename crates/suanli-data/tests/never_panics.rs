//! The readers of user files (OWID exports, profiles) return a value or a located error for
//! any input, never a panic.

use proptest::prelude::*;
use suanli_data::owid::read_owid_csv;
use suanli_data::profiles::{read_ninja, read_plain};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn readers_never_panic(text in "\\PC{0,300}") {
        let _ = read_owid_csv("f.csv", &text);
        let _ = read_plain("f.csv", &text);
        let _ = read_ninja("f.csv", &text);
    }

    #[test]
    fn csv_shaped_input_never_panics(rows in proptest::collection::vec("[0-9a-zA-Z.,#\\- ]{0,40}", 0..30)) {
        let text = rows.join("\n");
        let _ = read_owid_csv("f.csv", &format!("Entity,Code,Year,Coal,Gas,Oil,Nuclear,Hydro,Wind,Solar,Bioenergy,Other renewables\n{text}"));
        let _ = read_plain("f.csv", &format!("hour,solar_cf,wind_cf\n{text}"));
        let _ = read_ninja("f.csv", &format!("# x\ntime,electricity\n{text}"));
    }
}
