#!/usr/bin/env python3
"""Plot what a neutrino meets along its path.

Input is either the CSV written by `nuspin medium sample SCENARIO.toml --csv FILE` (columns
x_km then the scenario.md quantity names; `#` lines are comments), any user table of the same
form (rho_g_cm3/ye columns are accepted too), or an output .h5 file, whose /medium group holds
the sampled profile (one dataset per quantity, x_km among them; needs h5py).

    python3 scripts/plot_medium.py medium.csv [-o medium.png] [--logx]
    python3 scripts/plot_medium.py out/run.h5 -o medium.png

Only quantities that are nonzero somewhere are drawn: densities on a log axis, fields on a log
axis when they keep one sign, velocities, polarizations and angles on linear axes.
Needs numpy and matplotlib.
"""

import argparse
import sys

import numpy as np

GROUPS = [
    ("densities [cm^-3]", ["ne_cm3", "nn_cm3"], "log"),
    ("density [g/cm^3]", ["rho_g_cm3"], "log"),
    ("electron fraction", ["ye"], "linear"),
    ("magnetic field [G]", ["b_par_gauss", "b_perp_gauss"], "log"),
    ("velocity [c]", ["v_par", "v_perp"], "linear"),
    ("polarization", ["pol_par", "pol_perp"], "linear"),
    ("azimuths [rad]", ["b_phi_rad", "v_phi_rad", "pol_phi_rad"], "linear"),
]


def read_csv(path):
    """Columns of a nuspin CSV as {name: array}."""
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
    if not lines:
        sys.exit(f"{path}: no header row")
    names = [n.strip() for n in lines[0].split(",")]
    rows = [[float(v) for v in l.split(",")] for l in lines[1:]]
    data = np.array(rows, dtype=float).reshape(len(rows), len(names))
    return {n: data[:, i] for i, n in enumerate(names)}


def read_h5(path):
    """The /medium group of an output file as {name: array}."""
    import h5py

    with h5py.File(path, "r") as f:
        if "medium" not in f:
            sys.exit(f"{path}: no /medium group (was output.profile_samples = 0?)")
        group = f["medium"]
        return {name: np.asarray(group[name]) for name in group if isinstance(group[name], h5py.Dataset)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="CSV from `nuspin medium sample`, a user table, or an output .h5")
    parser.add_argument("-o", "--output", help="save the figure here instead of showing it")
    parser.add_argument("--logx", action="store_true", help="logarithmic x axis (x > 0)")
    args = parser.parse_args()

    columns = read_h5(args.file) if args.file.endswith((".h5", ".hdf5")) else read_csv(args.file)
    if "x_km" not in columns:
        sys.exit(f"{args.file}: no x_km column")
    x = columns["x_km"]

    import matplotlib

    if args.output:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from plot_probability import require_display

    require_display(args.output)

    panels = []
    for title, names, scale in GROUPS:
        present = [n for n in names if n in columns and np.any(columns[n] != 0)]
        if present:
            panels.append((title, present, scale))
    if not panels:
        sys.exit(f"{args.file}: every quantity is zero")

    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(7, 2.2 * len(panels) + 0.6))
    axes = np.atleast_1d(axes)
    for ax, (title, names, scale) in zip(axes, panels):
        for n in names:
            y = columns[n]
            ax.plot(x, y, label=n, drawstyle="default")
        values = np.concatenate([columns[n] for n in names])
        if scale == "log" and np.all(values >= 0) and np.any(values > 0):
            ax.set_yscale("log")
        ax.set_ylabel(title)
        ax.legend(loc="best", fontsize="small")
        ax.grid(True, alpha=0.3)
    if args.logx and np.all(x > 0):
        axes[-1].set_xscale("log")
    axes[-1].set_xlabel("x [km]")
    fig.suptitle(args.file)
    fig.tight_layout()
    if args.output:
        fig.savefig(args.output, dpi=120)
        print(f"wrote {args.output}")
    else:
        plt.show()


if __name__ == "__main__":
    main()
