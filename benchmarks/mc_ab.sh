#!/usr/bin/env bash
# Monte Carlo speed of the working tree against an earlier revision, side by side: builds
# the `mc` benchmark at both, runs them alternately (timing on a shared machine drifts by
# 5-10 % within an hour, so only interleaved runs compare fairly), prints each run's
# microseconds per draw and the medians, and checks that both give byte-identical
# `suanli mc` output. Not part of CI. Run from the repository root:
#   bash benchmarks/mc_ab.sh BASE_REV [DRAWS] [ROUNDS] [THREADS]
# (defaults: 100000 draws, 5 rounds, 1 thread).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: bash benchmarks/mc_ab.sh BASE_REV [DRAWS] [ROUNDS] [THREADS]" >&2
  exit 2
fi
base_rev="$1" draws="${2:-100000}" rounds="${3:-5}" threads="${4:-1}"
work="${TMPDIR:-/tmp}/suanli-mc-ab"
# The base build's target directory is kept between runs; the rest starts afresh.
rm -rf "$work/base" "$work/runs"
mkdir -p "$work"
git worktree add -q --detach "$work/base" "$base_rev"
trap 'git worktree remove --force "$work/base"' EXIT

# Builds the benchmark and the CLI of the tree in $1 into target dir $2; copies both to $3.
build() {
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo build --release -q -p suanli-mc --bench mc &&
    CARGO_TARGET_DIR="$2" cargo build --release -q -p suanli-cli)
  cp "$(ls -t "$2"/release/deps/mc-* | grep -v '\.d$' | head -1)" "$3-bench"
  cp "$2/release/suanli" "$3-cli"
}
build "$work/base" "$work/target-base" "$work/base-bin"
build "$PWD" "$PWD/target" "$work/head-bin"

for which in base head; do
  "$work/$which-bin-cli" mc --draws 20000 --seed 7 --format json --quiet >"$work/$which.json"
done
if cmp -s "$work/base.json" "$work/head.json"; then
  echo "suanli mc output: byte-identical"
else
  echo "suanli mc output: DIFFERS (see $work/base.json and $work/head.json)"
fi

for _ in $(seq "$rounds"); do
  for which in base head; do
    us=$(RAYON_NUM_THREADS="$threads" "$work/$which-bin-bench" "$draws" | grep -o '[0-9.]* us per draw' | cut -d' ' -f1)
    echo "$which $us" | tee -a "$work/runs"
  done
done
for which in base head; do
  sorted=$(grep "^$which " "$work/runs" | cut -d' ' -f2 | sort -n)
  median=$(echo "$sorted" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  echo "$which ($( [ $which = base ] && echo "$base_rev" || echo "working tree")): $(echo $sorted) us per draw per thread, median $median"
done
