#!/usr/bin/env bash
# The test suite: the Rust workspace, then the Python package built from
# crates/suanli-py into a virtual environment and tested with pytest against the CLI.
# README's test command; .ci/run runs it after fmt and clippy. Needs python3 (>= 3.9) with
# venv, and the crates and Python package registries for a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test --workspace --locked"
cargo test --workspace --locked

echo "== Python package (crates/suanli-py) and its tests"
venv="${SUANLI_VENV:-target/py-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q ./crates/suanli-py pytest distributed pyarrow
# The tests compare with the CLI that `cargo test` built.
cargo build --locked -q -p suanli-cli
set +e
SUANLI_TEST_DASK=1 SUANLI_BIN="$PWD/target/debug/suanli" "$venv/bin/python" -m pytest -q crates/suanli-py/tests
status=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here.
[ "$status" -eq 5 ] && echo "pytest collected no tests" >&2
exit "$status"
