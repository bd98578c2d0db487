#!/usr/bin/env python3
"""Derive suanli's accelerator catalogue and fleet calibration from Epoch AI data.

Inputs (not committed; see ../shared/data/SOURCES.md): ml_hardware.csv and
gpu_clusters.csv, both Epoch AI, CC BY 4.0. Outputs (committed, compact):
crates/suanli-data/data/accelerators.csv and crates/suanli-data/data/fleets.csv.

Run from the repository root: python3 scripts/derive_hardware.py [RAW_DATA_DIR]
"""
import csv
import os
import sys
from collections import defaultdict

RAW = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data")
OUT = os.path.join("crates", "suanli-data", "data")

# Vendor -> region of origin (region ids of suanli). Vendors not listed: rest_of_world.
ORIGIN = {
    "NVIDIA": "united_states", "AMD": "united_states", "Google": "united_states",
    "Intel": "united_states", "Amazon": "united_states", "AWS": "united_states",
    "Microsoft": "united_states", "Meta": "united_states", "Cerebras": "united_states",
    "Groq": "united_states", "Tesla": "united_states", "SambaNova": "united_states",
    "Huawei": "china", "Cambricon": "china", "Hygon": "china", "Biren": "china",
    "Moore Threads": "china", "Tianshu": "china", "Baidu": "china", "Alibaba": "china",
    "Enflame": "china", "Iluvatar": "china", "MetaX": "china", "T-Head": "china",
    "Rebellions": "south_korea", "FuriosaAI": "south_korea", "Samsung": "south_korea",
    "Preferred Networks": "japan", "Fujitsu": "japan",
}


def origin_of(vendor):
    for key, region in ORIGIN.items():
        if vendor.lower().startswith(key.lower()):
            return region
    return "rest_of_world"


def number(cell):
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if value > 0 else None


def catalogue():
    fills = {}
    with open(os.path.join(OUT, "accelerator_fills.csv"), newline="") as f:
        for row in csv.DictReader(f):
            fills[(row["name"], row["field"])] = (float(row["value"]), row["source"])
    rows = []
    with open(os.path.join(RAW, "ml_hardware.csv"), newline="") as f:
        for r in csv.DictReader(f):
            name = r["Hardware name"].strip()
            flops = number(r["Tensor-FP16/BF16 performance (FLOP/s)"]) or number(
                r["FP16 (half precision) performance (FLOP/s)"])
            tdp = number(r["TDP (W)"])
            filled = []
            for field in ("flops_16bit", "tdp_w"):
                if (name, field) in fills and (flops if field == "flops_16bit" else tdp) is None:
                    value, source = fills[(name, field)]
                    if field == "flops_16bit":
                        flops = value
                    else:
                        tdp = value
                    filled.append(f"{field}: {source}")
            if flops is None:
                continue  # Not usable for a FLOP/s model (e.g. INT8-only or roadmap parts).
            rows.append({
                "name": name,
                "vendor": r["Manufacturer"].strip(),
                "origin": origin_of(r["Manufacturer"].strip()),
                "release_date": r["Release date"].strip(),
                "flops_16bit": f"{flops:.6g}",
                "tdp_w": f"{tdp:.6g}" if tdp else "",
                "price_usd": f"{number(r['Release price (USD)']):.6g}" if number(r["Release price (USD)"]) else "",
                "filled": "; ".join(filled),
            })
    rows.sort(key=lambda x: (x["release_date"] or "9999", x["name"]))
    with open(os.path.join(OUT, "accelerators.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


# Epoch country names -> suanli region ids (everything else: rest_of_world).
EU27 = {"Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Czech Republic",
        "Denmark", "Estonia", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland",
        "Italy", "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland",
        "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden"}
COUNTRY = {"China": "china", "Hong Kong": "china", "United States of America": "united_states",
           "India": "india", "Japan": "japan", "Korea (Republic of)": "south_korea",
           "Taiwan": "taiwan", "Saudi Arabia": "gulf_states", "United Arab Emirates": "gulf_states",
           "Qatar": "gulf_states", "Kuwait": "gulf_states", "Oman": "gulf_states", "Bahrain": "gulf_states"}

# Epoch AI: "our dataset covers an estimated 10-20% of existing global aggregate AI
# supercomputer performance as of March 2025" (epoch.ai/data/ai-supercomputers). Midpoint.
COVERAGE = 0.15

# Years of the fleet table: the calibration year of the baseline (2024) and of the hindcasts
# (`suanli hindcast`, base years from 2018), and 2025 as an observation.
FLEET_YEARS = list(range(2018, 2026))

# Split of China's fleet (by H100-equivalents) between chip lines. The Epoch data anonymises
# Chinese systems (no chip type), so this is a suanli estimate from press reports: about
# 1 million NVIDIA H20 shipped to China in 2024 (0.15 H100e each), several hundred thousand
# Huawei Ascend 910B/910C (0.38-0.8 H100e each), and the A100/H100/H800 stock bought before
# the October 2022 and 2023 export rules. Before the October 2022 rules there were no
# China-compliant parts (A800 from late 2022, H800 in 2023), and NVIDIA GPUs held about
# 89 % of China's AI accelerator market in 2021 (IDC China, 2022); Ascend 910 shipped from
# 2019.
CHINA_SPLIT = {year: {"us_frontier": 0.88, "us_china_compliant": 0.0, "china_domestic": 0.12}
               for year in range(FLEET_YEARS[0], 2022)}
CHINA_SPLIT.update({
    2022: {"us_frontier": 0.83, "us_china_compliant": 0.05, "china_domestic": 0.12},
    2023: {"us_frontier": 0.65, "us_china_compliant": 0.17, "china_domestic": 0.18},
    2024: {"us_frontier": 0.50, "us_china_compliant": 0.25, "china_domestic": 0.25},
    2025: {"us_frontier": 0.40, "us_china_compliant": 0.25, "china_domestic": 0.35},
})


def fleets():
    totals = defaultdict(float)
    with open(os.path.join(RAW, "gpu_clusters.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["Status"] == "Planned":
                continue
            date = r["First Operational Date"].strip()
            h100e = number(r["H100 equivalents"])
            if not date or h100e is None:
                continue
            first = int(date.split("/")[-1])
            end = r["Decommissioned Date (if applicable)"].strip()
            # Decommissioning dates come as M/D/YYYY or YYYY-MM.
            last = int(end.split("/")[-1][:4] if "/" in end else end[:4]) - 1 if end else 9999
            region = "european_union" if r["Country"] in EU27 else COUNTRY.get(r["Country"], "rest_of_world")
            for year in FLEET_YEARS:
                if first <= year <= last:
                    totals[(region, year)] += h100e
    rows = []
    for (region, year), h100e in sorted(totals.items()):
        split = CHINA_SPLIT[year] if region == "china" else {"us_frontier": 1.0}
        for line, share in split.items():
            if share == 0.0:
                continue
            rows.append({"region": region, "year": year, "line": line,
                         "clusters_h100e": f"{h100e * share:.0f}", "coverage": COVERAGE,
                         "h100e": f"{h100e * share / COVERAGE:.0f}"})
    with open(os.path.join(OUT, "fleets.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    for year in FLEET_YEARS:
        world = sum(v for (_, y), v in totals.items() if y == year) / COVERAGE
        print(f"fleet {year}: world {world / 1e6:.2f} M H100e", file=sys.stderr)


if __name__ == "__main__":
    print(f"accelerators: {catalogue()} rows", file=sys.stderr)
    fleets()
