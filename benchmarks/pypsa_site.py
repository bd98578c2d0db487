"""The site reference problem (../shared/reference/site-lp/README.md) in PyPSA + HiGHS,
for timing against `suanli site plan`. Usage: python pypsa_site.py PROFILES.csv [--firm]
Prints the objective (EUR/yr) and the solver time."""
import sys
import time

import numpy as np
import pandas as pd
import pypsa

profiles, firm = sys.argv[1], "--firm" in sys.argv
cf = pd.read_csv(profiles)
eta = 0.9 ** 0.5
n = pypsa.Network()
n.set_snapshots(range(len(cf)))
n.add("Bus", "ac")
n.add("Load", "campus", bus="ac", p_set=1000.0)
n.add("Generator", "solar", bus="ac", p_nom_extendable=True, capital_cost=50_000.0, p_max_pu=cf["solar_cf"].values)
n.add("Generator", "wind", bus="ac", p_nom_extendable=True, capital_cost=100_000.0, p_max_pu=cf["wind_cf"].values)
if not firm:
    n.add("Generator", "gas", bus="ac", p_nom_extendable=True, capital_cost=80_000.0, marginal_cost=60.0)
n.add("Bus", "battery")
n.add("Store", "battery", bus="battery", e_nom_extendable=True, e_cyclic=True, capital_cost=15_000.0)
# One AC-side power rating P: charge c <= P and delivered discharge eta*d <= P.
n.add("Link", "charger", bus0="ac", bus1="battery", efficiency=eta, p_nom_extendable=True, capital_cost=20_000.0)
n.add("Link", "discharger", bus0="battery", bus1="ac", efficiency=eta, p_nom_extendable=True)


def same_rating(n, snapshots):
    p_nom = n.model["Link-p_nom"]
    n.model.add_constraints(p_nom.loc["discharger"] * eta == p_nom.loc["charger"], name="battery-rating")


t = time.perf_counter()
n.optimize(solver_name="highs", extra_functionality=same_rating)
print(f"objective {n.objective:.2f} solve+build {time.perf_counter() - t:.2f} s")
