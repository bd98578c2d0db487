"""Plan a 1 GW AI campus at four latitudes and three solar costs (12 site plans), read the
Parquet results back and plot the cost against latitude.

    pip install ./crates/suanli-py distributed pyarrow   # matplotlib too, for the chart
    python examples/python/latitude_sweep.py [--workers 2] [--out sweep-out]

The profiles are synthetic (rough capacity factors per latitude band, not measured weather):
the point is the workflow, not the numbers.
"""

import argparse
from pathlib import Path

import suanli
import suanli.sweep

MANIFEST = Path(__file__).resolve().parents[1] / "sweeps" / "latitude-costs.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes (0: run here, one after another)")
    ap.add_argument("--out", default="sweep-out", help="directory for the Parquet files")
    args = ap.parse_args()

    print(suanli.sweep.info(MANIFEST))
    if args.workers > 0:
        from dask.distributed import Client, LocalCluster

        # One thread per worker: each case is one solver run; Dask's dashboard shows progress.
        with LocalCluster(n_workers=args.workers, threads_per_worker=1) as cluster, Client(cluster) as client:
            print("Dask dashboard:", client.dashboard_link)
            result = suanli.sweep.run(MANIFEST, args.out, client=client)
    else:
        result = suanli.sweep.run(MANIFEST, args.out)
    print(f"planned {len(result.ran)} chunks, {len(result.skipped)} already written, {result.failed_cases} cases failed")

    df = suanli.sweep.read(args.out)
    df["cost_bn_per_year"] = df["objective_per_year"] / 1e9
    table = df.pivot(index="lat", columns="solar.capital_cost_per_mw_year", values="cost_bn_per_year")
    print("cost of supply, bn per year, by latitude (rows) and solar capital cost per MW-year (columns):")
    print(table.round(3).to_string())
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(install matplotlib for the chart)")
        return
    ax = table.plot(marker="o", xlabel="latitude (degrees north)", ylabel="cost of supply (bn per year)")
    ax.set_title("1 GW campus: least-cost supply by latitude and solar cost\n(synthetic profiles)")
    ax.legend(title="solar cost per MW-year")
    chart = Path(args.out) / "cost_by_latitude.png"
    plt.savefig(chart, dpi=120, bbox_inches="tight")
    print("chart:", chart)


if __name__ == "__main__":
    main()
