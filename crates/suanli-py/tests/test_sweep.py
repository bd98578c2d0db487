"""Sweeps: serial, resumed, on a Dask LocalCluster with two worker processes, and with a
worker killed in the middle. Dask tests need `distributed` and `pyarrow`; scripts/test.sh
installs them and sets SUANLI_TEST_DASK=1 so that their absence fails rather than skips."""

import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import suanli
import suanli.sweep as sw

if os.environ.get("SUANLI_TEST_DASK") == "1":
    import distributed  # noqa: F401
    import pyarrow  # noqa: F401
else:
    pytest.importorskip("distributed")
    pytest.importorskip("pyarrow")

from dask.distributed import Client, LocalCluster  # noqa: E402

SITE = """[site]
name = "s"
profiles = "p.csv"
[load]
firm_mw = 100
[solar]
capital_cost_per_mw_year = 50000
[battery]
power_cost_per_mw_year = 20000
energy_cost_per_mwh_year = 15000
round_trip_efficiency = 0.9
[gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 60
"""

MANIFEST = """[sweep]
name = "t"
base = "site.toml"
chunk_cases = 1
[axes]
"gas.marginal_cost_per_mwh" = [40, 80]
[locations]
lat = [10, 25, 40, 55]
solar_cf = [0.24, 0.21, 0.16, 0.12]
wind_cf = [0.3, 0.3, 0.3, 0.3]
"""

CASES = 8


@pytest.fixture
def manifest(tmp_path: Path) -> str:
    rows = "".join(f"{h},{0.6 if h % 24 < 12 else 0.0},0.3\n" for h in range(8760))
    (tmp_path / "p.csv").write_text("hour,solar_cf,wind_cf\n" + rows)
    (tmp_path / "site.toml").write_text(SITE)
    (tmp_path / "m.toml").write_text(MANIFEST)
    return str(tmp_path / "m.toml")


def parts(out: Path):
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def test_a_serial_sweep_writes_every_case_once_and_resumes(manifest, tmp_path):
    assert sw.info(manifest) == {"name": "t", "cases": CASES, "chunks": CASES, "chunk_cases": 1}
    out = tmp_path / "out"
    r = sw.run(manifest, out)
    assert [x["chunk"] for x in r.ran] == list(range(CASES)) and r.failed_cases == 0
    df = sw.read(out)
    assert df["case"].tolist() == list(range(CASES))
    assert (df["status"] == "ok").all()
    assert {"gas.marginal_cost_per_mwh", "lat", "objective_per_year", "solar_mw"} <= set(df.columns)
    # Dearer gas never lowers the cost at the same location.
    for lat, group in df.groupby("lat"):
        cost = group.sort_values("gas.marginal_cost_per_mwh")["objective_per_year"].tolist()
        assert cost[0] <= cost[1] * (1 + 1e-9), lat
    # Resume: only the lost chunks are planned again.
    os.remove(sw.part_path(out, 2))
    os.remove(sw.part_path(out, 5))
    again = sw.run(manifest, out)
    assert [x["chunk"] for x in again.ran] == [2, 5] and len(again.skipped) == CASES - 2
    pd.testing.assert_frame_equal(sw.read(out), df)


def test_a_local_cluster_equals_the_serial_sweep_even_when_a_worker_dies(manifest, tmp_path):
    serial = sw.run(manifest, tmp_path / "serial")
    expected = sw.read(serial.out)
    out = tmp_path / "dask"
    killed = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:

        def kill_one_worker():
            time.sleep(1.5)
            nanny = list(cluster.workers.values())[0]
            pid = nanny.process.process.pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        result = sw.run(manifest, out, client=client, retries=3)
        killer.join()
    assert killed, "the worker was not killed"
    assert parts(out) == [f"part-{k:05d}.parquet" for k in range(CASES)]
    got = sw.read(out)
    assert got["case"].tolist() == list(range(CASES))
    pd.testing.assert_frame_equal(got, expected)
    assert sorted(x["chunk"] for x in result.ran) == list(range(CASES))


def test_errors_reach_the_client_typed(manifest, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MANIFEST.replace("[40, 80]", "[40, -5]"))
    with pytest.raises(suanli.InputError, match="marginal_cost_per_mwh = -5"):
        sw.info(bad)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        future = client.submit(sw.run_chunk, str(bad), 99, str(tmp_path))
        with pytest.raises(suanli.InputError, match="past the last"):
            future.result(timeout=120)


def test_a_scenario_sweep_equals_the_model_run_case_by_case(tmp_path):
    (tmp_path / "s.toml").write_text('name = "s"\nextends = "baseline"\n')
    (tmp_path / "m.toml").write_text(
        '[sweep]\nname = "grid"\nbase = "s.toml"\nkind = "scenario"\nchunk_cases = 2\n'
        'outputs = ["effective_flops:united_states:2030", "dc_electricity_twh:world:2030"]\n'
        '[axes]\n"regions.united_states.interconnect_gw_per_year" = [2, 10, 40]\n'
    )
    sw.run(tmp_path / "m.toml", tmp_path / "out")
    df = sw.read(tmp_path / "out")
    assert len(df) == 3 and (df["status"] == "ok").all()
    for _, row in df.iterrows():
        g = row["regions.united_states.interconnect_gw_per_year"]
        direct = suanli.race({"name": "s", "extends": "baseline", "regions": {"united_states": {"interconnect_gw_per_year": g}}})
        us = direct.query("region == 'United States' and year == 2030")["effective_flops"].item()
        world = direct.query("region == 'World' and year == 2030")["dc_electricity_twh"].item()
        assert row["effective_flops:united_states:2030"] == pytest.approx(us, rel=1e-12)
        assert row["dc_electricity_twh:world:2030"] == pytest.approx(world, rel=1e-12)
