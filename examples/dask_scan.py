#!/usr/bin/env python3
"""A nuspin scan split over a Dask cluster, merged into the file the single-process run writes.

    python examples/dask_scan.py SCENARIO.toml -o OUT.h5 [--shards N] [--threads T]
        [--workers W | --scheduler tcp://HOST:8786 | --slurm [--jobs J --cores C ...]]

One Dask task per `--shard`-style slice: task k runs ``nuspin.run(scenario, shard=(k, N))``
(every N-th point of the scan × energy grid from k − 1) and hands back its `nuspin.Result`
(which pickles as its HDF5 file); the client joins them with `nuspin.merge` into OUT.h5, the
file ``nuspin run SCENARIO.toml`` writes — the same bits apart from `created_utc` and
`command`. Workers read the scenario text from the client, but its table files (a medium,
flux or production table) must be readable by them at the same path (a shared file system on
a cluster).

Where the work runs:
- default: a `dask.distributed.LocalCluster` of `--workers` processes on this machine;
- `--scheduler ADDR`: an existing cluster;
- `--slurm`: a `dask_jobqueue.SLURMCluster` of `--jobs` Slurm jobs (`--cores`, `--memory`,
  `--walltime`, `--queue`, `--account` are passed to it), one worker per job.

Needs `pip install ./python dask distributed` (and `dask_jobqueue` for `--slurm`).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

import nuspin


def scan_on_cluster(
    client,
    scenario: str,
    out: str,
    shards: int,
    *,
    threads: Optional[int] = None,
    force: bool = False,
) -> str:
    """Runs `scenario` (a file) as `shards` Dask tasks on `client` and merges them into
    `out`. Returns `out`."""
    path = os.path.abspath(scenario)
    with open(path) as f:
        text = f.read()
    # Validated here, before any task starts: bad input fails fast with the CLI's message.
    nuspin.validate(text, path=path)
    # nuspin.run itself is the task (importable on every worker); pure=False because a run
    # is not a pure function of its arguments (it records when it ran).
    futures = [
        client.submit(
            nuspin.run, text, path=path, shard=(k, shards), threads=threads, pure=False,
            key=f"nuspin-shard-{k}-of-{shards}",
        )
        for k in range(1, shards + 1)
    ]
    results = client.gather(futures)
    return nuspin.merge(results, out, force=force)


def _cluster(args):
    if args.scheduler:
        return None, args.scheduler
    if args.slurm:
        from dask_jobqueue import SLURMCluster

        cluster = SLURMCluster(
            cores=args.cores,
            processes=1,
            memory=args.memory,
            walltime=args.walltime,
            queue=args.queue,
            account=args.account,
        )
        cluster.scale(jobs=args.jobs)
        return cluster, cluster
    from dask.distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=args.threads or 1, processes=True
    )
    return cluster, cluster


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario")
    p.add_argument("-o", "--output", required=True, help="the merged output file")
    p.add_argument("--shards", type=int, default=None, help="tasks (default: 4 x workers)")
    p.add_argument("--threads", type=int, default=None, help="threads per task")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    where.add_argument("--scheduler", help="address of an existing Dask scheduler")
    where.add_argument("--slurm", action="store_true", help="a dask_jobqueue.SLURMCluster")
    p.add_argument("--jobs", type=int, default=4, help="Slurm jobs (one worker each)")
    p.add_argument("--cores", type=int, default=2, help="cores per Slurm job")
    p.add_argument("--memory", default="4GB", help="memory per Slurm job")
    p.add_argument("--walltime", default="01:00:00")
    p.add_argument("--queue", default=None)
    p.add_argument("--account", default=None)
    args = p.parse_args(argv)

    from dask.distributed import Client

    cluster, address = _cluster(args)
    n_workers = args.jobs if args.slurm else args.workers
    shards = args.shards or 4 * n_workers
    try:
        with Client(address) as client:
            out = scan_on_cluster(
                client, args.scenario, args.output, shards, threads=args.threads, force=args.force
            )
    except nuspin.ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if cluster is not None:
            cluster.close()
    print(f"merged {shards} shards into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
