"""Sweeps: every case of a manifest planned, one Parquet file per chunk of cases.

A manifest (TOML, docs/sweeps.md) names a base site file and the values to vary. Chunks are
independent: :func:`run_chunk` plans one and writes ``out/part-NNNNN.parquet`` atomically,
so a chunk is written once or not at all, and a retried chunk replaces its file whole.
:func:`run` runs the chunks not yet written, here or on a Dask cluster::

    from dask.distributed import Client, LocalCluster
    import suanli.sweep
    with Client(LocalCluster(n_workers=4, threads_per_worker=1)) as client:
        suanli.sweep.run("examples/sweeps/latitude-costs.toml", "out/", client=client)
    df = suanli.sweep.read("out/")

The same manifest runs without Python: ``suanli sweep MANIFEST --out DIR [--shard i/N]``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pandas as pd

from . import _suanli

__all__ = ["SweepResult", "info", "part_path", "read", "run", "run_chunk"]


def info(manifest: "str | os.PathLike[str]") -> Dict[str, Any]:
    """The manifest's name, number of cases and of chunks, after checking that every value
    it gives reads (raises :class:`suanli.InputError` naming the case otherwise)."""
    return _suanli.sweep_info(os.path.abspath(manifest))


def part_path(out: "str | os.PathLike[str]", chunk: int) -> str:
    """The Parquet file of ``chunk`` in ``out``."""
    return os.path.join(os.fspath(out), f"part-{chunk:05d}.parquet")


def run_chunk(manifest: str, chunk: int, out: str) -> Dict[str, Any]:
    """Plans the cases of one chunk and writes its Parquet file atomically; returns the
    chunk, its cases, how many failed (their ``status`` and ``message`` say why) and the path.
    A plain function of plain arguments, so Dask (or Ray) can send it to any worker."""
    return _suanli.sweep_chunk(manifest, chunk, out)


@dataclass(frozen=True)
class SweepResult:
    """What a call of :func:`run` did."""

    #: Chunks planned by this call, with their summaries.
    ran: List[Dict[str, Any]]
    #: Chunks already written before it (skipped).
    skipped: List[int]
    #: The directory of the Parquet files.
    out: str

    @property
    def failed_cases(self) -> int:
        return sum(r["failed"] for r in self.ran)


def run(
    manifest: "str | os.PathLike[str]",
    out: "str | os.PathLike[str]",
    *,
    client: Optional[Any] = None,
    retries: int = 3,
) -> SweepResult:
    """Runs every chunk of ``manifest`` not yet in ``out``: here, one after another, or on a
    Dask cluster when ``client`` (a ``dask.distributed.Client``) is given, where a chunk
    whose worker dies is run again (up to ``retries`` times). Rerun to resume."""
    manifest = os.path.abspath(manifest)
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    chunks = info(manifest)["chunks"]
    todo = [k for k in range(chunks) if not os.path.exists(part_path(out, k))]
    skipped = [k for k in range(chunks) if k not in set(todo)]
    if client is None:
        ran = [run_chunk(manifest, k, out) for k in todo]
    else:
        futures = client.map(run_chunk, [manifest] * len(todo), todo, [out] * len(todo), retries=retries, pure=False)
        ran = client.gather(futures)
    return SweepResult(ran=sorted(ran, key=lambda r: r["chunk"]), skipped=skipped, out=out)


def read(out: "str | os.PathLike[str]") -> pd.DataFrame:
    """Every chunk of ``out`` as one frame, sorted by case (needs pyarrow). DuckDB reads the
    same files: ``SELECT * FROM read_parquet('out/*.parquet')``."""
    return pd.read_parquet(os.fspath(out)).sort_values("case").reset_index(drop=True)
