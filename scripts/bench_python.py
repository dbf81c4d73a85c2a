#!/usr/bin/env python3
"""nuspin.run against `nuspin run` on one scenario, side by side in interleaved rounds.

    bench_python.py SCENARIO.toml [--bin target/release/nuspin] [--rounds 5] [--threads 1]

Each round runs, as child processes (and a third child timing only its nuspin.run call) (whole process: start-up, validation, solve, HDF5):
the CLI (`nuspin run SCENARIO -o ... --quiet`) and Python (`python -c "import nuspin;
nuspin.run(SCENARIO).write(...)"`, the import included). Prints the median wall and CPU
(user + sys) time of each and their ratio; CPU is the figure to trust on a loaded machine.
Needs the nuspin Python package installed in this interpreter.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario")
    p.add_argument("--bin", default="target/release/nuspin")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    out = tempfile.mkdtemp(prefix="nuspin-bench-")
    cli = [a.bin, "run", a.scenario, "-o", os.path.join(out, "cli.h5"), "--quiet", "--force",
           "--threads", str(a.threads)]
    py = [sys.executable, "-c",
          "import nuspin; nuspin.run(%r, threads=%d).write(%r, force=True)"
          % (a.scenario, a.threads, os.path.join(out, "py.h5"))]
    # The nuspin.run call alone, timed inside the Python process (import excluded).
    call = [sys.executable, "-c",
            "import time, nuspin; w, c = time.perf_counter(), time.process_time(); "
            "nuspin.run(%r, threads=%d).write(%r, force=True); "
            "print(time.perf_counter() - w, time.process_time() - c)"
            % (a.scenario, a.threads, os.path.join(out, "call.h5"))]
    times = {"cli": [], "python": [], "nuspin.run call": []}
    timed(cli), timed(py)  # warm-up (page cache, imports)
    for _ in range(a.rounds):
        times["cli"].append(timed(cli))
        times["python"].append(timed(py))
        done = subprocess.run(call, check=True, capture_output=True, text=True)
        times["nuspin.run call"].append(tuple(float(x) for x in done.stdout.split()))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in times.items()}
    for k, (w, c) in med.items():
        print(f"{k:15s} wall {w:.3f} s  cpu {c:.3f} s  (cpu per round: "
              + ", ".join(f"{c:.3f}" for _, c in times[k]) + ")")
    for k in ("python", "nuspin.run call"):
        print(f"{k} / cli: wall {med[k][0] / med['cli'][0]:.3f}, "
              f"cpu {med[k][1] / med['cli'][1]:.3f}")


if __name__ == "__main__":
    main()
