#!/usr/bin/env bash
# Times `suanli site plan` against PyPSA + HiGHS on the reference cases dc1 and dc1-firm,
# in one run on this machine: wall time end to end (process start to exit) and peak
# memory, median of 3. Not part of CI (it installs PyPSA from PyPI into a virtual
# environment). Run from the repository root: bash benchmarks/site_vs_pypsa.sh
set -euo pipefail
venv="${VENV:-${TMPDIR:-/tmp}/suanli-pypsa-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pypsa==1.4.0" highspy
fi
cargo build --release -q -p suanli-cli
suanli="$PWD/target/release/suanli"
profiles="$PWD/examples/site/profiles.csv"

# Prints "seconds peak_kb" of a command, median of 3 runs (by time).
measure() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | sed -n 2p
}

printf "%-9s %-22s %9s %10s %18s\n" case tool "wall s" "peak MB" objective
for case in dc1 dc1-firm; do
  flag=""; [ "$case" = dc1-firm ] && flag="--firm"
  read -r pt pm < <(measure "$venv/bin/python" benchmarks/pypsa_site.py "$profiles" $flag)
  pobj=$("$venv/bin/python" benchmarks/pypsa_site.py "$profiles" $flag 2>/dev/null | awk '/^objective/ {print $2}')
  read -r st sm < <(measure "$suanli" site plan "examples/site/$case.toml" --format json)
  sobj=$("$suanli" site plan "examples/site/$case.toml" --format json | "$venv/bin/python" -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["objective_per_year"])')
  printf "%-9s %-22s %9.2f %10.0f %18s\n" "$case" "PyPSA + HiGHS" "$pt" "$((pm / 1024))" "$pobj"
  printf "%-9s %-22s %9.2f %10.0f %18s\n" "$case" "suanli site plan" "$st" "$((sm / 1024))" "$sobj"
  "$venv/bin/python" -c "print('%9s speed-up %.1fx, memory %.1fx less, objective difference %.1e relative' % ('', $pt / $st, $pm / $sm, abs($sobj / $pobj - 1)))"
done
