//! The default regions of the nation model and the countries each one holds.

/// A region of the nation model: an identifier used in scenario files, the name used in
/// outputs, and the ISO 3166-1 alpha-3 codes of its member countries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionDef {
    /// Identifier used in scenario files, e.g. `united_states`.
    pub id: &'static str,
    /// Name used in tables and JSON, e.g. `United States`.
    pub name: &'static str,
    /// ISO 3166-1 alpha-3 codes of member countries. Empty for the catch-all region.
    pub members: &'static [&'static str],
}

/// The 27 member states of the European Union (since 2020).
const EU27: &[&str] = &[
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA",
    "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
];

/// The default regions, in output order. `rest_of_world` takes every country not listed
/// elsewhere; `World` is not a region here but the sum of all of them.
pub const DEFAULT_REGIONS: &[RegionDef] = &[
    // Hong Kong and Macao are counted with China: their data centres serve the same market.
    RegionDef { id: "china", name: "China", members: &["CHN", "HKG", "MAC"] },
    RegionDef { id: "united_states", name: "United States", members: &["USA"] },
    RegionDef { id: "european_union", name: "European Union", members: EU27 },
    RegionDef { id: "india", name: "India", members: &["IND"] },
    RegionDef { id: "japan", name: "Japan", members: &["JPN"] },
    RegionDef { id: "south_korea", name: "South Korea", members: &["KOR"] },
    RegionDef { id: "taiwan", name: "Taiwan", members: &["TWN"] },
    // The Gulf Cooperation Council states.
    RegionDef {
        id: "gulf_states",
        name: "Gulf states",
        members: &["SAU", "ARE", "QAT", "KWT", "OMN", "BHR"],
    },
    RegionDef { id: "rest_of_world", name: "Rest of World", members: &[] },
];

/// Name of the sum of all regions in outputs.
pub const WORLD: &str = "World";

/// Index into [`DEFAULT_REGIONS`] of the region that holds the country `iso3`.
pub fn region_of_country(iso3: &str) -> usize {
    DEFAULT_REGIONS.iter().position(|r| r.members.contains(&iso3)).unwrap_or(DEFAULT_REGIONS.len() - 1)
}

/// Looks a default region up by identifier or output name (case-insensitive).
pub fn find_region(key: &str) -> Option<&'static RegionDef> {
    DEFAULT_REGIONS.iter().find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_belongs_to_exactly_one_region() {
        let mut seen = std::collections::HashSet::new();
        for r in DEFAULT_REGIONS {
            for m in r.members {
                assert!(seen.insert(*m), "{m} is in two regions");
            }
        }
        assert_eq!(EU27.len(), 27);
        assert_eq!(DEFAULT_REGIONS[region_of_country("BRA")].id, "rest_of_world");
        assert_eq!(DEFAULT_REGIONS[region_of_country("DEU")].id, "european_union");
        assert_eq!(find_region("Gulf states").unwrap().id, "gulf_states");
    }
}
