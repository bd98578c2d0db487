"""The Python API against the CLI's JSON on the same inputs, and its errors.

The CLI binary is taken from $SUANLI_BIN, else target/release or target/debug of the
workspace (`cargo build` first).
"""

import json
import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import suanli

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


def cli_binary() -> str:
    if os.environ.get("SUANLI_BIN"):
        return os.environ["SUANLI_BIN"]
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "suanli"
        if p.exists():
            return str(p)
    pytest.fail("no suanli binary: run `cargo build` or set SUANLI_BIN")


def cli_json(*args: str) -> dict:
    out = subprocess.run([cli_binary(), *args, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_race_equals_the_cli_json_column_for_column():
    df = suanli.race()
    rows = cli_json("race")["rows"]
    assert len(df) == len(rows)
    cli = pd.DataFrame(rows)
    assert list(df.columns[:2]) == ["region", "year"]
    assert set(df.columns) == set(cli.columns)
    for column in cli.columns:
        if pd.api.types.is_numeric_dtype(cli[column]) and not pd.api.types.is_bool_dtype(cli[column]):
            np.testing.assert_allclose(df[column].astype(float), cli[column].astype(float), rtol=1e-12, err_msg=column)
        else:
            assert df[column].tolist() == cli[column].tolist(), column
    # Whole columns with numeric dtypes, not Python objects.
    assert df["effective_flops"].dtype == np.float64 and df["year"].dtype == np.int64


def test_race_takes_a_year_range_and_scenarios_by_name_path_or_dict(tmp_path):
    df = suanli.race("export-controls-tight", from_year=2024, to_year=2026)
    assert sorted(df["year"].unique()) == [2024, 2025, 2026]
    scenario = tmp_path / "mine.toml"
    scenario.write_text('name = "mine"\nextends = "baseline"\n[regions.united_states]\ninterconnect_gw_per_year = 30\n')
    from_file = suanli.race(scenario)
    from_dict = suanli.race({"name": "mine", "extends": "baseline", "regions": {"united_states": {"interconnect_gw_per_year": 30}}})
    pd.testing.assert_frame_equal(from_file, from_dict)
    cli = pd.DataFrame(cli_json("race", "--scenario", str(scenario))["rows"])
    np.testing.assert_allclose(from_file["effective_flops"], cli["effective_flops"], rtol=1e-12)


def test_site_plan_equals_the_cli():
    plan = suanli.site_plan(EXAMPLES / "site" / "dc1.toml")
    cli = cli_json("site", "plan", str(EXAMPLES / "site" / "dc1.toml"))
    assert plan.objective_per_year == pytest.approx(cli["objective_per_year"], rel=1e-9)
    assert plan.capacities == pytest.approx(cli["capacities"], rel=1e-9, abs=1e-6)
    assert len(plan.dispatch) == 8760
    # Energy balance of the dispatch, hour by hour (MW).
    d = plan.dispatch
    supply = d.solar_mw + d.wind_mw + d.gas_mw + d.grid_mw + d.discharge_mw + d.unserved_mw
    demand = d.firm_mw + d.training_mw + d.charge_mw
    assert (supply - demand).abs().max() < 1e-3
    assert plan.to_dict()["name"] == "dc1"


def test_mc_percentiles_equal_the_cli():
    r = suanli.mc(draws=400, seed=3)
    cli = pd.DataFrame(cli_json("mc", "--draws", "400", "--seed", "3", "--quiet")["percentiles"])
    assert len(r.percentiles) == len(cli)
    np.testing.assert_allclose(r.percentiles["p50"], cli["p50"], rtol=1e-12)
    assert r.factors > 0 and not r.lead_probability.empty


def test_claims_and_scenario_helpers():
    claims = suanli.claims()
    assert {"id", "verdict", "statement"} <= set(claims.columns)
    assert "china-3x-us-generation" in claims["id"].tolist()
    assert "baseline" in suanli.scenario_list()["name"].tolist()
    params = suanli.scenario_show("baseline")
    assert {"scope", "param", "unit", "value", "source"} <= set(params.columns)
    assert suanli.ATTRIBUTION.startswith("Data:")


def test_a_bad_dict_names_the_key():
    with pytest.raises(suanli.InputError) as e:
        suanli.race({"extends": "baseline", "regions": {"china": {"pue": 9}}})
    assert e.value.file == "<dict>[regions][china][pue]"
    assert isinstance(e.value, ValueError) and e.value.line is not None


def test_a_bad_file_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nextends = "baseline"\n[regions.china]\npue = "high"\n')
    with pytest.raises(suanli.InputError) as e:
        suanli.race(bad)
    assert (e.value.file, e.value.line, e.value.column) == (str(bad), 4, 7)
    site = tmp_path / "s.toml"
    site.write_text('[site]\nname = "s"\nprofiles = "p.csv"\n[load]\nfirm_mw = "lots"\n')
    with pytest.raises(suanli.InputError) as e:
        suanli.site_plan(site)
    assert (e.value.line, e.value.column) == (5, 11)
    with pytest.raises(suanli.InputError):
        suanli.site_plan(tmp_path / "missing.toml")
    with pytest.raises(TypeError):
        suanli.race(42)


def test_an_infeasible_site_raises_infeasible_error(tmp_path):
    (tmp_path / "p.csv").write_text("hour,solar_cf,wind_cf\n" + "".join(f"{h},0.5,0.5\n" for h in range(8760)))
    site = tmp_path / "d.toml"
    site.write_text('[site]\nname = "d"\nprofiles = "p.csv"\n[load]\nfirm_mw = 100\n')
    with pytest.raises(suanli.InfeasibleError, match="no source of energy"):
        suanli.site_plan(site)


def test_exceptions_survive_pickling():
    e = suanli.InputError("bad value", "f.toml", 3, 7, "use a number")
    back = pickle.loads(pickle.dumps(e))
    assert (back.file, back.line, back.column, back.hint) == ("f.toml", 3, 7, "use a number")
    assert str(back) == str(e)
    assert isinstance(pickle.loads(pickle.dumps(suanli.InfeasibleError("x"))), suanli.SuanliError)


def test_network_plan_matches_the_cli():
    path = EXAMPLES / "network" / "three-hubs.toml"
    plan = suanli.network_plan(path)
    cli = cli_json("network", "plan", str(path), "--quiet")
    assert plan.objective_per_year == pytest.approx(cli["objective_per_year"], rel=1e-9)
    assert plan.lower_bound_per_year <= plan.objective_per_year
    assert set(plan.dispatch) == set(cli["sites"])


def test_sensitivity_equals_the_cli():
    s = suanli.sensitivity(output="effective_flops:china:2030", samples=64, seed=2)
    cli = cli_json("sensitivity", "--output", "effective_flops:china:2030", "--samples", "64", "--seed", "2", "--quiet")
    a = cli["analyses"][0]
    assert s.output == a["output"]
    assert s.tornado["factor"].tolist() == [b["factor"] for b in a["tornado"]["bars"]]
    np.testing.assert_allclose(s.sobol["total"], [i["total"] for i in a["sobol"]["indices"]], rtol=1e-12)
    with pytest.raises(suanli.InputError, match="atlantis"):
        suanli.sensitivity(output="effective_flops:atlantis:2030")


def test_a_long_call_gives_way_to_other_threads():
    # The GIL is released while Rust works: a Python thread keeps counting meanwhile.
    import threading

    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.01)

    t = threading.Thread(target=count)
    t.start()
    suanli.site_plan(EXAMPLES / "site" / "dc1.toml")
    stop.set()
    t.join()
    assert len(ticks) > 10


def test_ctrl_c_interrupts_a_long_plan():
    import signal
    import sys

    code = f"import suanli; print('start', flush=True); suanli.network_plan({str(EXAMPLES / 'network' / 'three-hubs.toml')!r}); print('finished')"
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "start"
    import time

    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    # The plan takes tens of seconds; the interrupt is seen within a tenth of a second.
    out, err = p.communicate(timeout=15)
    assert "KeyboardInterrupt" in err and "finished" not in out, err


def test_hindcast_validate_and_projections_equal_the_cli():
    h = suanli.hindcast([2020], to=2024)
    cli = pd.DataFrame(cli_json("hindcast", "--base-year", "2020", "--to", "2024")["rows"])
    assert len(h.rows) == len(cli)
    np.testing.assert_allclose(h.rows["modelled"], cli["modelled"], rtol=1e-12)
    assert {"model", "naive_last", "naive_trend", "score"} <= set(h.skill.columns)
    assert h.later_data
    v = suanli.validate(draws=200)
    cv = pd.DataFrame(cli_json("validate", "--draws", "200")["comparisons"])
    assert v["verdict"].tolist() == cv["verdict"].tolist()
    np.testing.assert_allclose(v["p95"], cv["p95"], rtol=1e-12)
    p = suanli.projections()
    assert len(p) == len(cli_json("data", "projections")) and p["source"].str.len().min() > 0
    with pytest.raises(suanli.InputError, match="outside"):
        suanli.hindcast([2010])


def test_demand_equals_the_cli_and_errors_name_the_key():
    example = str(ROOT / "examples" / "demand" / "ai-manufacturing.toml")
    d = suanli.demand(example, draws=200, seed=3)
    cli = cli_json("demand", example)
    assert len(d.rows) == len(cli["rows"])
    np.testing.assert_allclose(d.rows["h100e"], [r["h100e"] for r in cli["rows"]], rtol=1e-12)
    assert d.items["item"].tolist() == [i["item"] for i in cli["items_last_year"]]
    cover = cli_json("race", "--demand", example, "--draws", "200", "--seed", "3")
    np.testing.assert_allclose(d.cover["supply_h100e"], [r["supply_h100e"] for r in cover["rows"]], rtol=1e-12)
    np.testing.assert_allclose(d.odds["probability"], [o["probability"] for o in cover["odds"]], rtol=0, atol=0)
    assert d.first_shortfall == cover["first_shortfall"]
    assert suanli.demand(example).odds is None
    built_in = suanli.demand("ai-manufacturing")
    np.testing.assert_allclose(built_in.rows["h100e"], d.rows["h100e"], rtol=1e-12)
    small = {
        "programme": {"name": "p", "region": "china", "first_year": 2026, "last_year": 2027},
        "training": {"t": {"runs_per_year": 1, "flop_per_run": 1e24}},
    }
    one = suanli.demand(small, scenario="export-controls-tight")
    assert one.rows.query("category == 'training'")["flop_per_year"].tolist() == [2e24, 2e24]
    small["training"]["t"]["utilisaton"] = 0.5
    with pytest.raises(suanli.InputError, match="did you mean `utilisation`") as e:
        suanli.demand(small)
    assert e.value.file == "<dict>[training][t][utilisaton]"
    small["training"]["t"].pop("utilisaton")
    small["programme"]["region"] = "atlantis"
    with pytest.raises(suanli.InputError, match="unknown region `atlantis`"):
        suanli.demand(small)


HUBS = """[network]
name = "hubs"
profiles = "p.csv"
h100_hours_quota = 1.0e6
[defaults.solar]
capital_cost_per_mw_year = 50000
[defaults.battery]
power_cost_per_mw_year = 5000
energy_cost_per_mwh_year = 10000
round_trip_efficiency = 0.9
[defaults.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 60
[defaults.training]
it_capacity_cost_per_mw_year = 100000
[sites.a]
lat = 37.5
lon = 105.2
zone = "west"
[sites.b]
lat = 31.0
lon = 115.0
zone = "east"
pue = 1.3
[sites.b.gas]
capital_cost_per_mw_year = 80000
marginal_cost_per_mwh = 120
[demand.city]
lat = 31.2
lon = 115.5
inference_mw = 50
[links.a-b]
from = "a"
to = "b"
capital_cost_per_mw_km_year = 25
"""


def test_network_compare_equals_the_cli(tmp_path):
    import math

    rows = []
    for h in range(8760):
        sun = max(0.0, math.sin(((h % 24) - 6.0) / 12.0 * math.pi))
        rows.append(f"{h},{sun:.4f},0,{0.5 * sun:.4f},0\n")
    (tmp_path / "p.csv").write_text("hour,a_solar_cf,a_wind_cf,b_solar_cf,b_wind_cf\n" + "".join(rows))
    (tmp_path / "net.toml").write_text(HUBS)
    df = suanli.network_compare(tmp_path / "net.toml")
    cli = cli_json("network", "compare", str(tmp_path / "net.toml"), "--quiet")
    assert df["design"].tolist() == [d["design"] for d in cli["designs"]]
    for (_, row), d in zip(df.iterrows(), cli["designs"]):
        if d["cost_per_year"] is None:
            assert row["infeasible"]
        else:
            assert row["cost_per_year"] == pytest.approx(d["cost_per_year"], rel=1e-9)
            assert row["lower_bound_per_year"] <= row["cost_per_year"]
    # The optimum is never dearer than a restricted design.
    costs = dict(zip(df["design"], df["cost_per_year"]))
    assert all(costs["optimum"] <= c * (1 + 1e-6) for c in costs.values() if c == c and c is not None)
