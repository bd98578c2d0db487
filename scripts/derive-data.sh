#!/usr/bin/env bash
# Rebuild suanli's built-in tables from the raw public files (not committed; see
# ../shared/data/SOURCES.md). Run from the repository root:
#   bash scripts/derive-data.sh [RAW_DATA_DIR]
set -euo pipefail
raw="${1:-../shared/data}"
out=crates/suanli-data/data
# Electricity: the same aggregation users get from `suanli data update electricity`,
# newest OWID vintage first.
cargo run --quiet --release -p suanli-cli -- data update electricity \
  --from "$raw/electricity-prod-source-stacked-2025.csv" \
  --from "$raw/electricity-prod-source-stacked.csv" \
  --out "$out/electricity.csv"
# Accelerator catalogue and fleet calibration from Epoch AI data.
python3 scripts/derive_hardware.py "$raw"
