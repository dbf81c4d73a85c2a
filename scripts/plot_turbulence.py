#!/usr/bin/env python3
"""Plot the turbulence ensemble of a nuspin run: the 5-95 % quantile band, the median and the
mean of P(initial -> final) against energy over the realisations of `[turbulence]
realisations = K`, beside the run without turbulence when given.

    python3 scripts/plot_turbulence.py FILE.h5 [--initial nu_e] [--final nu_e]
                                       [--smooth SMOOTH.h5] [-o out.png]

Reads /turbulence/probability_{mean,q05,q50,q95} (shape [nE, nI, 2N] without other scan axes)
and /energy_mev; --smooth adds P at the end of the track of a run without turbulence (its
/probability [nE, nX, nI, 2N]). Exit status 1 with a message for unusable input.
Needs h5py, numpy and matplotlib (scripts/requirements.txt).
"""

import argparse
import sys

import numpy as np


def die(msg):
    print(f"plot_turbulence.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def labels(h, name):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in h[name][()]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--initial", default=None)
    ap.add_argument("--final", default="nu_e")
    ap.add_argument("--smooth", default=None)
    ap.add_argument("-o", "--output", default="turbulence.png")
    a = ap.parse_args()
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with h5py.File(a.file, "r") as h:
        if "turbulence" not in h or "probability_q50" not in h["turbulence"]:
            die(f"{a.file} has no /turbulence summary (run a scenario with [turbulence] realisations > 1)")
        t = h["turbulence"]
        get = {k: t[f"probability_{k}"][()] for k in ("mean", "q05", "q50", "q95")}
        if get["mean"].ndim != 3:
            die("a scan besides the realisation axis: pick one scan point first (expected [nE, nI, 2N])")
        energy = h["energy_mev"][()]
        initial, final = labels(h, "initial_states"), labels(h, "final_states")
        k = int(h["turbulence/probability_end"].shape[0])
    i = initial.index(a.initial) if a.initial else 0
    if a.final not in final:
        die(f"--final {a.final}: not one of {final}")
    f = final.index(a.final)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.fill_between(energy, get["q05"][:, i, f], get["q95"][:, i, f], color="C0", alpha=0.3,
                    label="5-95 % of realisations")
    ax.plot(energy, get["q50"][:, i, f], "C0-", label="median")
    ax.plot(energy, get["mean"][:, i, f], "C0--", label="mean")
    if a.smooth:
        with h5py.File(a.smooth, "r") as h:
            p = h["probability"][()]
            ax.plot(h["energy_mev"][()], p[:, -1, i, f], "k:", label="no turbulence")
    ax.set_xscale("log")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("E (MeV)")
    ax.set_ylabel(f"P({initial[i]} -> {a.final})")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"turbulence ensemble, {k} realisations")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
