"""The dc10 reference network (../shared/reference/site-lp/README.md) truncated to its first
HOURS hours (capital costs scaled by HOURS/8760), in PyPSA + HiGHS, for timing against
`suanli network plan`. Usage: python pypsa_network.py PROFILES_DC10.csv HOURS
Prints the objective (EUR per truncated year) and the solver time."""
import sys
import time

import pandas as pd
import pypsa

profiles, hours = sys.argv[1], int(sys.argv[2])
cf = pd.read_csv(profiles).iloc[:hours]
k = hours / 8760
eta = 0.9 ** 0.5
n = pypsa.Network()
n.set_snapshots(range(hours))
for s in range(10):
    bus = f"s{s}"
    n.add("Bus", bus)
    n.add("Load", f"{bus} campus", bus=bus, p_set=1000.0)
    n.add("Generator", f"{bus} solar", bus=bus, p_nom_extendable=True, capital_cost=50_000.0 * k,
          p_max_pu=cf[f"{bus}_solar_cf"].values)
    n.add("Generator", f"{bus} wind", bus=bus, p_nom_extendable=True, capital_cost=100_000.0 * k,
          p_max_pu=cf[f"{bus}_wind_cf"].values)
    n.add("Generator", f"{bus} gas", bus=bus, p_nom_extendable=True, capital_cost=80_000.0 * k, marginal_cost=60.0)
    n.add("Bus", f"{bus} battery")
    n.add("Store", f"{bus} battery", bus=f"{bus} battery", e_nom_extendable=True, e_cyclic=True,
          capital_cost=15_000.0 * k)
    n.add("Link", f"{bus} charger", bus0=bus, bus1=f"{bus} battery", efficiency=eta, p_nom_extendable=True,
          capital_cost=20_000.0 * k)
    n.add("Link", f"{bus} discharger", bus0=f"{bus} battery", bus1=bus, efficiency=eta, p_nom_extendable=True)
pairs = [(s, (s + 1) % 10) for s in range(10)] + [(s, s + 5) for s in range(5)]
for a, b in pairs:
    n.add("Link", f"s{a}-s{b}", bus0=f"s{a}", bus1=f"s{b}", p_min_pu=-1.0, p_nom_extendable=True,
          capital_cost=20_000.0 * k)


def same_rating(n, snapshots):
    p_nom = n.model["Link-p_nom"]
    for s in range(10):
        n.model.add_constraints(p_nom.loc[f"s{s} discharger"] * eta == p_nom.loc[f"s{s} charger"],
                                name=f"battery-rating-s{s}")


t = time.perf_counter()
n.optimize(solver_name="highs", extra_functionality=same_rating)
print(f"objective {n.objective:.2f} solve+build {time.perf_counter() - t:.2f} s")
