#!/usr/bin/env python3
"""Plot the electron-recoil spectra of a nuspin run with a [detector] flux table.

    python3 scripts/plot_recoil.py FILE.h5 [--x-index I] [--initial-index J]
                                   [--scan-index K ...] [-o out.png]

Top panel: dN/dT with the scenario's moments (/detector/recoil_spectrum) and the Standard
Model alone (/detector/recoil_spectrum_sm), log-log; bottom panel: their ratio
(/detector/recoil_ratio_to_sm) against the recoil energy T. --x-index picks a record point
(default: the last, the detector), --initial-index an initial state (default: the first),
--scan-index one index per scan axis (default: 0 each). Exit status 1 with a message for a
file without the folded spectra. Needs h5py, numpy and matplotlib (scripts/requirements.txt).
"""

import argparse
import sys

import numpy as np


def die(msg):
    print(f"plot_recoil.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.shape == ():
        return text(v[()])
    return str(v)


def main():
    ap = argparse.ArgumentParser(description="Plot nuspin /detector recoil spectra.")
    ap.add_argument("file")
    ap.add_argument("--x-index", type=int, default=-1)
    ap.add_argument("--initial-index", type=int, default=0)
    ap.add_argument("--scan-index", type=int, nargs="*", default=None)
    ap.add_argument("-o", "--output", default=None, help="write a PNG instead of showing")
    args = ap.parse_args()

    import h5py
    import matplotlib

    if args.output:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from plot_probability import require_display

    require_display(args.output)

    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        die(f"{args.file}: {e}")
    for need in ("detector/recoil_mev", "detector/recoil_spectrum", "detector/recoil_ratio_to_sm"):
        if need not in f:
            die(f"{args.file} has no /{need} (a [detector] table with flux_file is needed)")
    t = f["detector/recoil_mev"][:]
    full = f["detector/recoil_spectrum"]
    sm = f["detector/recoil_spectrum_sm"]
    ratio = f["detector/recoil_ratio_to_sm"]
    n_scan = full.ndim - 3
    scan = tuple(args.scan_index) if args.scan_index else (0,) * n_scan
    if len(scan) != n_scan:
        die(f"--scan-index needs {n_scan} indices for this file")
    at = scan + (args.x_index, args.initial_index)
    initial = text(f["initial_states"][args.initial_index])
    name = text(f.attrs.get("scenario_name", args.file))
    unit = text(full.attrs.get("unit", ""))

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6.4, 6.4))
    top.loglog(t, full[at], label="with the scenario's moments")
    top.loglog(t, sm[at], "--", label="Standard Model only")
    top.set_ylabel(f"dN/dT [{unit}]")
    top.set_title(f"{name}: electron recoil spectrum ({initial})")
    top.legend()
    top.grid(True, which="both", alpha=0.3)
    bottom.semilogx(t, ratio[at], color="C3")
    bottom.axhline(1.0, color="k", lw=0.8)
    bottom.set_xlabel("electron recoil T [MeV]")
    bottom.set_ylabel("ratio to Standard Model")
    bottom.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    if args.output:
        fig.savefig(args.output, dpi=120)
        print(f"wrote {args.output}")
    else:
        plt.show()


if __name__ == "__main__":
    main()
