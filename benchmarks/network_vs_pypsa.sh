#!/usr/bin/env bash
# Times `suanli network plan` against PyPSA + HiGHS on the dc10 reference network
# truncated to its first HOURS hours (capital costs scaled by HOURS/8760; PyPSA does not
# solve the full year on this machine in minutes), in one run: wall time end to end and
# peak memory, median of 3. Not part of CI (it installs PyPSA from PyPI into a virtual
# environment). Run from the repository root: bash benchmarks/network_vs_pypsa.sh [HOURS...]
set -euo pipefail
venv="${VENV:-${TMPDIR:-/tmp}/suanli-pypsa-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pypsa==1.4.0" highspy
fi
cargo build --release -q -p suanli-cli
suanli="$PWD/target/release/suanli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints "seconds peak_kb" of a command, median of 3 runs (by time).
measure() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | sed -n 2p
}

printf "%-6s %-22s %9s %10s %18s\n" hours tool "wall s" "peak MB" objective
for hours in "${@:-168 720}"; do
  # The truncated case: the first HOURS rows, and every capital cost times HOURS/8760.
  head -n $((hours + 1)) examples/network/profiles_dc10.csv > "$work/profiles_dc10.csv"
  "$venv/bin/python" - "$hours" > "$work/dc10.toml" <<'PY'
import re, sys
k = int(sys.argv[1]) / 8760
text = open("examples/network/dc10.toml").read()
print(re.sub(r"(capital_cost_per_mw_year|power_cost_per_mw_year|energy_cost_per_mwh_year) = (\d+)",
             lambda m: f"{m.group(1)} = {int(m.group(2)) * k!r}", text))
PY
  read -r pt pm < <(measure "$venv/bin/python" benchmarks/pypsa_network.py examples/network/profiles_dc10.csv "$hours")
  pobj=$("$venv/bin/python" benchmarks/pypsa_network.py examples/network/profiles_dc10.csv "$hours" 2>/dev/null | awk '/^objective/ {print $2}')
  read -r st sm < <(measure "$suanli" network plan "$work/dc10.toml" --format json --quiet)
  sobj=$("$suanli" network plan "$work/dc10.toml" --format json --quiet | "$venv/bin/python" -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["objective_per_year"])')
  printf "%-6s %-22s %9.2f %10.0f %18s\n" "$hours" "PyPSA + HiGHS" "$pt" "$((pm / 1024))" "$pobj"
  printf "%-6s %-22s %9.2f %10.0f %18s\n" "$hours" "suanli network plan" "$st" "$((sm / 1024))" "$sobj"
  "$venv/bin/python" -c "print('%6s speed-up %.1fx, memory %.1fx less, objective difference %.1e relative' % ('', $pt / $st, $pm / $sm, abs($sobj / $pobj - 1)))"
done
