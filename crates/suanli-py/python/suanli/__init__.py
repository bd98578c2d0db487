"""suanli (算力): watts into FLOPs.

How much AI compute a nation, a region or a campus can run given its electricity and its
chips, and the least-cost power supply that makes it real. The models run in Rust; this
package hands their results to pandas as whole columns.

    >>> import suanli
    >>> race = suanli.race()                       # the built-in baseline, every region-year
    >>> race.query("region == 'China' and year == 2030")["effective_flops"]
    >>> plan = suanli.site_plan("examples/site/dc1.toml")
    >>> plan.capacities["solar_mw"], plan.dispatch["gas_mw"].sum()

Inputs are a built-in scenario name, a path, or a dict in the shape of the TOML file.
Bad input raises :class:`suanli.InputError` with file, line, column and hint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Union

import pandas as pd

from . import _suanli, sweep
from .exceptions import CheckError, InfeasibleError, InputError, SolverError, SuanliError

__version__: str = _suanli.__version__

#: Attribution of the built-in data; show it with any result built on it.
ATTRIBUTION: str = _suanli.attribution()

#: A scenario, site or network: built-in name (scenarios only), path, or dict.
Input = Union[str, "os.PathLike[str]", Mapping[str, Any]]

__all__ = [
    "ATTRIBUTION",
    "CheckError",
    "InfeasibleError",
    "InputError",
    "McResult",
    "NetworkPlan",
    "Sensitivity",
    "SitePlan",
    "SolverError",
    "SuanliError",
    "Hindcast",
    "Demand",
    "claims",
    "demand",
    "hindcast",
    "projections",
    "validate",
    "mc",
    "network_compare",
    "network_plan",
    "race",
    "scenario_list",
    "scenario_show",
    "sensitivity",
    "site_plan",
    "sweep",
]


def _frame(columns: Dict[str, Any], first: tuple = ("region", "year")) -> pd.DataFrame:
    """A frame from whole columns, with the key columns first."""
    df = pd.DataFrame(columns)
    keys = [c for c in first if c in df.columns]
    return df[keys + [c for c in df.columns if c not in keys]]


def _spec(x: Input) -> Union[str, Dict[str, Any]]:
    if isinstance(x, Mapping):
        return dict(x)
    if isinstance(x, (str, os.PathLike)):
        return os.fspath(x)
    raise TypeError(f"expected a name, a path or a dict, not {type(x).__name__}")


def race(scenario: Input = "baseline", *, from_year: int | None = None, to_year: int | None = None) -> pd.DataFrame:
    """The nation model: one row per region and year (World included), with the columns of
    ``suanli race --format json`` (generation_twh, dc_electricity_twh, fleet_h100e,
    effective_flops in FLOP/s, binding, self-sufficiency on every basis, ...)."""
    return _frame(_suanli.race(_spec(scenario), from_year, to_year))


@dataclass(frozen=True)
class McResult:
    """A Monte Carlo run (``suanli mc``)."""

    #: Percentiles (p5, p25, p50, p75, p95) by region, year and metric.
    percentiles: pd.DataFrame
    #: Probability that a leader has more effective compute than a follower, by year.
    lead_probability: pd.DataFrame
    #: Probability of each binding constraint by region and year.
    binding_probability: pd.DataFrame
    #: When each pair's leader passes its follower (distribution and median year).
    passing_year: List[Dict[str, Any]]
    #: Independent uncertain factors drawn.
    factors: int

    def to_dict(self) -> Dict[str, Any]:
        """Plain Python values (lists of row dicts for the frames)."""
        return {
            "percentiles": self.percentiles.to_dict("records"),
            "lead_probability": self.lead_probability.to_dict("records"),
            "binding_probability": self.binding_probability.to_dict("records"),
            "passing_year": self.passing_year,
            "factors": self.factors,
        }


def mc(scenario: Input = "baseline", *, draws: int = 10_000, seed: int = 1) -> McResult:
    """Monte Carlo over the scenario's uncertain parameters, on all cores."""
    r = _suanli.mc(_spec(scenario), draws, seed)
    return McResult(
        percentiles=_frame(r["percentiles"], ("region", "year", "metric")),
        lead_probability=_frame(r["lead_probability"], ("leader", "follower", "year")),
        binding_probability=_frame(r["binding_probability"]),
        passing_year=r["passing_year"],
        factors=r["factors"],
    )


@dataclass(frozen=True)
class Sensitivity:
    """What drives one output (``suanli sensitivity``)."""

    #: The output, e.g. ``effective_flops of China in 2030``.
    output: str
    #: The output with every factor at its median.
    tornado_base: float
    #: Each factor's swing between its p10 and p90, largest first (factor, low, high, swing).
    tornado: pd.DataFrame
    #: Mean and variance of the output over the Sobol samples.
    sobol_mean: float
    sobol_variance: float
    #: First-order and total Sobol indices by factor.
    sobol: pd.DataFrame

    def to_dict(self) -> Dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["tornado"] = self.tornado.to_dict("records")
        d["sobol"] = self.sobol.to_dict("records")
        return d


def sensitivity(
    scenario: Input = "baseline", *, output: str = "effective_flops:china:2030", samples: int = 4096, seed: int = 1
) -> Sensitivity:
    """Tornado (one factor at a time, p10 to p90) and Sobol indices of one output:
    ``METRIC:REGION:YEAR`` (METRIC: effective_flops, generation_twh, dc_electricity_twh) or
    ``passing-year:LEADER:FOLLOWER``. The model runs ``samples x (factors + 2)`` times."""
    r = _suanli.sensitivity(_spec(scenario), output, samples, seed)
    return Sensitivity(
        output=r["output"],
        tornado_base=r["tornado_base"],
        tornado=_frame(r["tornado"], ("factor",)),
        sobol_mean=r["sobol_mean"],
        sobol_variance=r["sobol_variance"],
        sobol=_frame(r["sobol"], ("factor",)),
    )


@dataclass(frozen=True)
class Hindcast:
    """The model rebuilt as of earlier base years and scored (``suanli hindcast``)."""

    #: base_year, region, year, quantity, modelled, observed, relative_error, naive_last, naive_trend.
    rows: pd.DataFrame
    #: Mean absolute log error of the model and the two naive forecasts, and the skill score.
    skill: pd.DataFrame
    #: Inputs set from data published after the base years.
    later_data: List[str]

    def to_dict(self) -> Dict[str, Any]:
        return {"rows": self.rows.to_dict("records"), "skill": self.skill.to_dict("records"), "later_data": self.later_data}


def hindcast(base_years: "List[int] | None" = None, *, to: int | None = None) -> Hindcast:
    """Rebuilds the baseline as of each base year (default 2019-2022), projects it to ``to``
    (default the last observed year) and scores it against what was observed since."""
    r = _suanli.hindcast(list(base_years or [2019, 2020, 2021, 2022]), to)
    return Hindcast(
        rows=_frame(r["rows"], ("base_year", "region", "year", "quantity")),
        skill=_frame(r["skill"], ("base_year", "quantity")),
        later_data=r["later_data"],
    )


@dataclass(frozen=True)
class Demand:
    """A demand programme run against its scenario (``suanli demand``, ``suanli race --demand``)."""

    #: region, year, category (or total), flop_per_year, mean_flops, peak_flops, hardware_flops,
    #: h100e, it_power_gw, power_gw, energy_twh.
    rows: pd.DataFrame
    #: Every item in the programme's last year, largest first: item, region, category, flop_per_year, h100e.
    items: pd.DataFrame
    #: region, year, demand_h100e, supply_h100e, headroom_h100e, demand_over_supply, shortfall, binding.
    cover: pd.DataFrame
    #: Each region's first year of shortfall and the limit binding its supply then (None: covered).
    first_shortfall: List[Dict[str, Any]]
    #: With draws: probability of a shortfall, demand and supply percentiles, limit shares; else None.
    odds: "pd.DataFrame | None" = None

    def to_dict(self) -> Dict[str, Any]:
        out = {k: getattr(self, k).to_dict("records") for k in ("rows", "items", "cover")}
        out["first_shortfall"] = self.first_shortfall
        if self.odds is not None:
            out["odds"] = self.odds.to_dict("records")
        return out


def demand(programme: Input, *, scenario: "Input | None" = None, draws: int = 0, seed: int = 1) -> Demand:
    """What a demand programme (a built-in name such as ``"ai-manufacturing"``, a path, or a
    dict shaped like the file) needs by year,
    region and category, beside the supply of its scenario (``scenario``, else the one the
    programme names); with ``draws``, the odds of a shortfall by year."""
    r = _suanli.demand(_spec(programme), None if scenario is None else _spec(scenario), draws, seed)
    return Demand(
        rows=_frame(r["rows"], ("region", "year", "category")),
        items=_frame(r["items"], ("item",)),
        cover=_frame(r["cover"]),
        first_shortfall=r["first_shortfall"],
        odds=_frame(r["odds"]) if "odds" in r else None,
    )


def projections() -> pd.DataFrame:
    """The published projections built in: value or range, case, basis, source, date."""
    return _frame(_suanli.projections())


def validate(scenario: Input = "baseline", *, draws: int = 2000, seed: int = 1) -> pd.DataFrame:
    """The scenario, its Monte Carlo 5-95 % band and the verdict (inside, above, below)
    beside each published projection (``suanli validate``)."""
    return _frame(_suanli.validate(_spec(scenario), draws, seed))


def claims(scenario: Input = "baseline") -> pd.DataFrame:
    """The built-in claims from the public debate under ``scenario`` and every built-in
    scenario: verdict, numbers, what would have to be true (``suanli claims``)."""
    return pd.DataFrame(_suanli.claims(_spec(scenario)))


def scenario_list() -> pd.DataFrame:
    """The built-in scenarios and their descriptions."""
    return pd.DataFrame(_suanli.scenario_list(), columns=["name", "description"])


def scenario_show(scenario: Input = "baseline") -> pd.DataFrame:
    """Every resolved parameter of a scenario with unit, value and source."""
    return _frame(_suanli.scenario_show(_spec(scenario)), ("scope", "param"))


@dataclass(frozen=True)
class SitePlan:
    """A site's least-cost plan (``suanli site plan``). Money is in the file's currency per
    year; capacities in MW (batteries also MWh)."""

    name: str
    objective_per_year: float
    capacities: Dict[str, float]
    cost_breakdown: Dict[str, float]
    lcoe_per_mwh: float
    gas_share: float
    grid_share: float
    curtailment_share: float
    emissions_t_per_year: float
    unserved_mwh: float
    training: Dict[str, Any] | None
    solver: Dict[str, Any]
    #: Hourly dispatch, MW (``soc_mwh`` in MWh), one row per hour of the profiles.
    dispatch: pd.DataFrame = field(repr=False)

    def to_dict(self) -> Dict[str, Any]:
        """The plan as ``suanli site plan --format json`` writes it, plus the dispatch as lists."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "dispatch"}
        d["dispatch"] = {c: self.dispatch[c].tolist() for c in self.dispatch.columns}
        return d


def site_plan(site: Input) -> SitePlan:
    """Plans a site file (or a dict in its shape; profiles named in a dict are read from the
    working directory). Raises :class:`InfeasibleError` when no plan can meet the load."""
    r = _suanli.site_plan(_spec(site))
    return SitePlan(**r["plan"], dispatch=pd.DataFrame(r["dispatch"]))


@dataclass(frozen=True)
class NetworkPlan:
    """A network's least-cost plan (``suanli network plan``): every field of its JSON in
    ``plan``, and each site's hourly dispatch."""

    plan: Dict[str, Any]
    #: Hourly dispatch by site name.
    dispatch: Dict[str, pd.DataFrame] = field(repr=False)

    @property
    def objective_per_year(self) -> float:
        return self.plan["objective_per_year"]

    @property
    def lower_bound_per_year(self) -> float:
        return self.plan["lower_bound_per_year"]

    def to_dict(self) -> Dict[str, Any]:
        return {"plan": self.plan, "dispatch": {s: {c: f[c].tolist() for c in f.columns} for s, f in self.dispatch.items()}}


def network_plan(network: Input) -> NetworkPlan:
    """Plans a network file (or a dict in its shape)."""
    r = _suanli.network_plan(_spec(network))
    return NetworkPlan(plan=r["plan"], dispatch={s: pd.DataFrame(c) for s, c in r["dispatch"].items()})


def network_compare(network: Input) -> pd.DataFrame:
    """Move bits or move watts (``suanli network compare``): the network planned as each
    design — ``bits`` (compute only at sites of zone ``west``, no power lines), ``watts``
    (compute only in the ``east``, lines allowed) and ``optimum`` — one row each with its
    cost, proven bound, cost per H100-hour, TWh over lines, PB over fibre, and the full plan
    (``plan``, a dict) or why it has none (``infeasible``)."""
    rows = []
    for r in _suanli.network_compare(_spec(network)):
        p = r.get("plan")
        rows.append(
            {
                "design": r["design"],
                "cost_per_year": p["objective_per_year"] if p else None,
                "lower_bound_per_year": p["lower_bound_per_year"] if p else None,
                "cost_per_h100_hour": p["delivered"]["cost_per_h100_hour"] if p else None,
                "lines_twh": p["delivered"]["lines_twh"] if p else None,
                "fibre_pb": p["delivered"]["fibre_pb"] if p else None,
                "infeasible": r.get("infeasible"),
                "plan": p,
            }
        )
    return pd.DataFrame(rows)
