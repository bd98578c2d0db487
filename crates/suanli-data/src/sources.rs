//! Provenance of every built-in table: origin, licence and the attribution to show.

/// Provenance of one built-in table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSource {
    /// Table name as `suanli data sources` prints it.
    pub table: &'static str,
    /// What the table holds and its units.
    pub contents: &'static str,
    /// Where the raw data comes from.
    pub origin: &'static str,
    /// Licence of the raw data.
    pub licence: &'static str,
    /// Attribution text to show wherever the data is used.
    pub attribution: &'static str,
    /// How the compact table was derived.
    pub derivation: &'static str,
}

/// Every built-in table.
pub const TABLE_SOURCES: &[TableSource] = &[
    TableSource {
        table: "electricity",
        contents: "electricity generation by region, year (2000 to latest) and source, TWh",
        origin: "Our World in Data grapher export 'electricity-prod-source-stacked', 2025 vintage (data to 2024/2025) preferred, 2024 vintage (data to 2023) for country-years the newer one lacks",
        licence: "CC BY 4.0",
        attribution: "Ember (2025); Energy Institute - Statistical Review of World Energy (2025) - with major processing by Our World in Data",
        derivation: "scripts/derive-data.sh: countries summed to regions; UAE from cited anchors (electricity_supplement.csv); missing recent country-years carried forward at trailing growth and counted in estimated_twh",
    },
    TableSource {
        table: "electricity_supplement",
        contents: "United Arab Emirates generation anchors (2013, 2022), TWh, absent from the OWID exports after 1999",
        origin: "UAE Government portal u.ae (2013 demand, FCSA); MEES 2023-02-17 (EWEC 2022 generation); DEWA 2022 demand (HeliosCSP, 2023)",
        licence: "facts from public sources",
        attribution: "UAE Government; EWEC via MEES; DEWA",
        derivation: "typed in by hand with one citation per value",
    },
    TableSource {
        table: "accelerators",
        contents: "accelerator catalogue: vendor, origin, release date, dense 16-bit FLOP/s, TDP (W), release price (USD)",
        origin: "Epoch AI, 'Data on Machine Learning Hardware' (download of 2025-12-16)",
        licence: "CC BY 4.0",
        attribution: "Epoch AI, 'Data on Machine Learning Hardware', epoch.ai/data/machine-learning-hardware",
        derivation: "scripts/derive_hardware.py: rows with a 16-bit figure; gaps filled from accelerator_fills.csv, one cited source per value (column `filled`)",
    },
    TableSource {
        table: "fleets",
        contents: "installed accelerators by region and chip line at the end of each year 2018-2025, H100-equivalents",
        origin: "Epoch AI, 'AI Supercomputers' / GPU clusters data (export of 2025-12-14)",
        licence: "CC BY 4.0",
        attribution: "Konstantin Pilz, Robi Rahman, James Sanders, Lennart Heim, 'Trends in AI Supercomputers', Epoch AI (2025), epoch.ai/data/ai-supercomputers",
        derivation: "scripts/derive_hardware.py: existing clusters by country and first operational year, divided by an assumed coverage of 15 % (Epoch: 10-20 % of global AI supercomputer performance); China split into chip lines by a suanli estimate (Chinese systems are anonymised)",
    },
    TableSource {
        table: "observed",
        contents: "observed data-centre electricity (TWh) and spending on accelerators (bn USD) by region and year, to score hindcasts",
        origin: "IEA (2025) Energy and AI; Shehabi et al. (2024) LBNL United States Data Center Energy Usage Report; NVIDIA 10-K filings FY2016-FY2025 (data-centre revenue)",
        licence: "facts from public sources",
        attribution: "IEA; Lawrence Berkeley National Laboratory; NVIDIA",
        derivation: "typed in by hand with one citation per value (column `source`)",
    },
    TableSource {
        table: "projections",
        contents: "published projections: data-centre electricity, share and capacity, AI power, China's self-sufficiency and generation, by region and year, with case and basis",
        origin: "IEA (2025, 2026); LBNL (2024); EPRI (2024); Goldman Sachs (2024); RAND RR-A3572-1 (2025); Schneider Electric WP110 (2023); Morgan Stanley (2025); GlobalData (2025); China Electricity Council (2015); FERC staff (2024)",
        licence: "facts from public sources",
        attribution: "each row names its publisher, title and date (`suanli data projections`)",
        derivation: "typed in by hand with one citation per row (column `source`)",
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_table_names_licence_and_attribution() {
        for s in super::TABLE_SOURCES {
            assert!(!s.licence.is_empty() && !s.attribution.is_empty(), "{}", s.table);
        }
    }
}
