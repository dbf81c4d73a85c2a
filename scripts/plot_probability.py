#!/usr/bin/env python3
"""Plot transition probabilities P(initial -> final) from a nuspin output file.

    python3 scripts/plot_probability.py FILE.h5 --vs energy [--x-km X] [--initial nu_e]
                                                [--final nu_e nu_mu ...] [-o out.png]
    python3 scripts/plot_probability.py FILE.h5 --vs x [--energy-mev E] ...
    python3 scripts/plot_probability.py FILE.h5 --vs map [--final nubar_mu] ...

--vs energy  P against energy at the recorded position nearest --x-km (default: the last one,
             i.e. the end of the track); a log energy axis when the grid is log-spaced.
--vs x       P against position along the track at the energy nearest --energy-mev (default:
             the middle of the grid).
--vs map     colour map of P over energy x position, one panel per final state.

--initial picks one of /initial_states (default: the first); --final any of /final_states
(default: all of them). Energies whose result is not final (energy_done = 0) are skipped.
The file may also be a `<out>.partial` file of an unfinished run, a `record = "all-steps"`
file (/steps/<iE>, used by --vs x) or a scan with leading axes before the energy axis
(pick a point with --scan-index). Exit status 1 with a message for unusable input.
Needs h5py, numpy and matplotlib (scripts/requirements.txt).
"""

import argparse
import os
import re
import sys

import numpy as np

# Colours per flavour; the line style tells the helicity block (see style()).
FLAVOUR_COLOURS = {"e": "C0", "mu": "C1", "tau": "C2"}
LABEL_RE = re.compile(r"^nu(bar)?(R|L)?_(e|mu|tau)$")


def die(msg):
    print(f"plot_probability.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def as_str(v):
    """h5py returns variable-length strings as bytes or str depending on the version."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.shape == ():
        return as_str(v[()])
    if isinstance(v, np.generic):
        return as_str(v.item())
    return str(v)


def tex_label(label):
    """nu_e -> $\\nu_e$, nubar_mu -> $\\bar\\nu_\\mu$, nuR_tau -> $\\nu_{\\tau R}$."""
    m = LABEL_RE.match(label)
    if not m:
        return label
    bar, hel, flav = m.groups()
    flav_tex = {"e": "e", "mu": r"\mu", "tau": r"\tau"}[flav]
    nu = r"\bar\nu" if bar else r"\nu"
    sub = f"{{{flav_tex} {hel}}}" if hel else f"{{{flav_tex}}}"
    return f"${nu}_{sub}$"


def style(label, j, n_final):
    """Colour by flavour, solid for the first (active) helicity block, dashed for the second."""
    dashed = n_final % 2 == 0 and j >= n_final // 2
    m = LABEL_RE.match(label)
    colour = FLAVOUR_COLOURS[m.group(3)] if m else f"C{j % 10}"
    return {"color": colour, "linestyle": "--" if dashed else "-"}


def is_log_spaced(v):
    v = np.asarray(v, dtype=float)
    if v.size < 3 or np.any(v <= 0):
        return False
    d = np.diff(np.log(v))
    if np.any(d <= 0):
        return False
    lin = np.diff(v)
    log_ok = np.allclose(d, d[0], rtol=1e-6, atol=0)
    lin_ok = np.allclose(lin, lin[0], rtol=1e-6, atol=0)
    if log_ok and not lin_ok:
        return True
    if lin_ok:
        return False
    # irregular grid (values_mev = [...]): log axis when it spans more than a decade
    return v[-1] / v[0] > 10


def edges(v, log):
    """Cell edges around the points v for pcolormesh (geometric midpoints on a log axis)."""
    v = np.asarray(v, dtype=float)
    if v.size == 1:
        return np.array([v[0] * 0.9, v[0] * 1.1]) if log else np.array([v[0] - 0.5, v[0] + 0.5])
    w = np.log(v) if log else v
    mid = 0.5 * (w[1:] + w[:-1])
    e = np.concatenate([[w[0] - (mid[0] - w[0])], mid, [w[-1] + (w[-1] - mid[-1])]])
    return np.exp(e) if log else e


class Run:
    """What the plots need from one output file, whatever its variant."""

    def __init__(self, path, scan_index):
        import h5py

        if not os.path.exists(path):
            die(f"{path}: no such file")
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            die(f"{path}: cannot open as HDF5 ({e})")
        with f:
            for name in ("energy_mev", "x_km", "initial_states", "final_states"):
                if name not in f:
                    die(f"{path}: no /{name} dataset; is this a nuspin output file?")
            self.path = path
            self.name = as_str(f.attrs.get("scenario_name", os.path.basename(path)))
            self.complete = int(f.attrs.get("complete", 0))
            self.energy = np.asarray(f["energy_mev"][()], dtype=float)
            self.x = np.asarray(f["x_km"][()], dtype=float)
            self.e_unit = as_str(f["energy_mev"].attrs.get("unit", "MeV"))
            self.x_unit = as_str(f["x_km"].attrs.get("unit", "km"))
            self.initial = [as_str(s) for s in f["initial_states"][()]]
            self.final = [as_str(s) for s in f["final_states"][()]]
            n_e, n_x, n_i, n_f = len(self.energy), len(self.x), len(self.initial), len(self.final)
            self.scan_note = ""
            if "probability" in f:
                prob = f["probability"]
                lead = prob.shape[:-4]
                if lead:
                    idx = list(scan_index or [])
                    if len(idx) > len(lead):
                        die(f"{path}: --scan-index has {len(idx)} values, the file has {len(lead)} leading axes {lead}")
                    idx += [0] * (len(lead) - len(idx))
                    for i, n in zip(idx, lead):
                        if not 0 <= i < n:
                            die(f"{path}: --scan-index {idx} outside the leading axes {lead}")
                    self.scan_note = f" [scan index {','.join(map(str, idx))}]"
                    if not scan_index:
                        print(f"note: {path} has leading scan axes {lead}; plotting index {tuple(idx)}"
                              " (choose with --scan-index)", file=sys.stderr)
                    self.prob = np.asarray(prob[tuple(idx)], dtype=float)
                else:
                    self.prob = np.asarray(prob[()], dtype=float)
                if "energy_done" in f:
                    done = np.asarray(f["energy_done"][()])
                    if done.ndim > 1:
                        done = done[tuple(idx)]
                    self.done = done.astype(bool)
                else:
                    self.done = np.ones(n_e, dtype=bool)
            elif "partial/probability" in f:
                # an unfinished run: rank-1 appended slabs, one [nX, nI, 2N] slab per energy
                self.prob = np.full((n_e, n_x, n_i, n_f), np.nan)
                self.done = np.zeros(n_e, dtype=bool)
                flat = np.asarray(f["partial/probability"][()], dtype=float)
                index = np.asarray(f["partial/energy_index"][()], dtype=np.int64)
                slab = n_x * n_i * n_f
                for k, ie in enumerate(index[: flat.size // slab]):
                    self.prob[ie] = flat[k * slab:(k + 1) * slab].reshape(n_x, n_i, n_f)
                    self.done[ie] = True
                self.complete = 0
                print(f"note: {path} is a partial file: {self.done.sum()} of {n_e} energies finished",
                      file=sys.stderr)
            else:
                die(f"{path}: neither /probability nor /partial/probability")
            if self.prob.shape != (n_e, n_x, n_i, n_f):
                die(f"{path}: /probability has shape {self.prob.shape}, expected {(n_e, n_x, n_i, n_f)}")
            self.steps = {}
            if "steps" in f:
                for key in f["steps"]:
                    g = f["steps"][key]
                    if scan_index or self.scan_note:
                        continue  # step groups of scans are not described by output.md
                    self.steps[int(key)] = (np.asarray(g["x_km"][()], dtype=float),
                                            np.asarray(g["probability"][()], dtype=float))
        if not self.done.any():
            die(f"{path}: no energy has finished (energy_done is 0 everywhere)")

    def initial_index(self, label):
        if label is None:
            return 0
        if label not in self.initial:
            die(f"unknown initial state {label!r}; this file has initial states: {' '.join(self.initial)}")
        return self.initial.index(label)

    def final_indices(self, labels):
        if not labels:
            return list(range(len(self.final)))
        out = []
        for label in labels:
            if label not in self.final:
                die(f"unknown final state {label!r}; this file has final states: {' '.join(self.final)}")
            out.append(self.final.index(label))
        return out


def plain_log_ticks(axis, values):
    """Tick labels 1, 10, 100 (and 2, 3, 5 ... on short ranges) instead of 10^0, 2x10^0."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    axis.set_major_formatter(fmt)
    v = np.asarray(values, dtype=float)
    v = v[v > 0]
    if v.size and v.max() / v.min() < 30:
        axis.set_minor_formatter(fmt)
    else:
        axis.set_minor_formatter(NullFormatter())


def energy_axis(run, unit):
    """Energies in the unit asked for ('auto': GeV when the whole grid is >= 1 GeV)."""
    if unit == "auto":
        unit = "GeV" if run.energy.min() >= 1000.0 else "MeV"
    scale = 1e-3 if unit == "GeV" else 1.0
    return run.energy * scale, unit


def check_sums(run, i_idx):
    p = run.prob[run.done, :, i_idx, :]
    worst = np.nanmax(np.abs(p.sum(axis=-1) - 1.0)) if p.size else 0.0
    bad = np.isnan(p).any()
    if bad:
        print(f"warning: NaN probabilities in finished energies of {run.path}", file=sys.stderr)
    if worst > 1e-4:
        print(f"warning: probabilities of {run.initial[i_idx]} sum to 1 only within {worst:.2g}", file=sys.stderr)
    lo, hi = np.nanmin(p), np.nanmax(p)
    if lo < -1e-6 or hi > 1 + 1e-6:
        print(f"warning: probabilities outside [0, 1]: min {lo:.3g}, max {hi:.3g}", file=sys.stderr)


def finish_lines(ax, args, run, f_idx):
    if len(f_idx) == 1:
        ax.set_ylabel(f"P({tex_label(args._initial)} $\\to$ {tex_label(run.final[f_idx[0]])})")
    else:
        ax.set_ylabel(f"P({tex_label(args._initial)} $\\to$ final state)")
    if args.logy:
        ax.set_yscale("log")
        ax.set_ylim(args.ymin if args.ymin is not None else 1e-6, 1.5)
    else:
        ax.set_ylim(-0.02, 1.02)
    ax.grid(True, alpha=0.3, which="both" if args.logy else "major")
    if ax.get_xscale() == "linear":
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 5), useMathText=True)
    n_lines = len(f_idx) + bool(args.sum)
    if n_lines == 1:
        return
    if n_lines <= 3:
        ax.legend(loc="best", fontsize="small", framealpha=0.85)
    else:  # many channels: keep the legend off the data
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", borderaxespad=0.0,
                  title="final state", title_fontsize="small")


def plot_lines(ax, t, run, i_idx, f_idx, series, show_sum):
    """series(j) -> y values along t for final state j."""
    for j in f_idx:
        ax.plot(t, series(j), label=tex_label(run.final[j]), lw=1.4, **style(run.final[j], j, len(run.final)))
    if show_sum:
        ax.plot(t, series(None), color="k", lw=0.8, ls=":", label="sum")


def vs_energy(run, args, ax):
    i_idx = run.initial_index(args.initial)
    f_idx = run.final_indices(args.final)
    ix = len(run.x) - 1 if args.x_km is None else int(np.argmin(np.abs(run.x - args.x_km)))
    e, unit = energy_axis(run, args.energy_unit)
    keep = run.done
    # unfinished energies stay NaN, so lines break there instead of bridging the gap
    p = np.where(keep[:, None], run.prob[:, ix, i_idx, :], np.nan)

    def series(j):
        return p[:, f_idx].sum(axis=1) if j is None else p[:, j]

    plot_lines(ax, e, run, i_idx, f_idx, series, args.sum)
    if not keep.all() or keep.sum() < 2:
        for line in ax.get_lines():
            line.set_marker(".")
            line.set_markersize(4)
    if args.xscale == "log" or (args.xscale == "auto" and is_log_spaced(run.energy)):
        ax.set_xscale("log")
        plain_log_ticks(ax.xaxis, e)
    if len(e) > 1:
        pad = (e[-1] / e[0]) ** 0.02 if ax.get_xscale() == "log" else None
        ax.set_xlim((e[0] / pad, e[-1] * pad) if pad else (e[0] - 0.02 * (e[-1] - e[0]), e[-1] + 0.02 * (e[-1] - e[0])))
    ax.set_xlabel(f"energy E [{unit}]")
    skipped = int((~keep).sum())
    where = f"x = {run.x[ix]:.6g} {run.x_unit}"
    if ix == len(run.x) - 1:
        where += " (end of track)"
    note = f"; {skipped} unfinished energies skipped" if skipped else ""
    return f"at {where}{note}", f_idx


def vs_x(run, args, ax):
    i_idx = run.initial_index(args.initial)
    f_idx = run.final_indices(args.final)
    done_idx = np.flatnonzero(run.done)
    if args.energy_mev is None:
        target = np.sqrt(run.energy[0] * run.energy[-1]) if is_log_spaced(run.energy) \
            else 0.5 * (run.energy[0] + run.energy[-1])
    else:
        target = args.energy_mev
    ie = int(done_idx[np.argmin(np.abs(run.energy[done_idx] - target))])
    if args.energy_mev is not None and not run.done[int(np.argmin(np.abs(run.energy - target)))]:
        print(f"note: the energy nearest {target:g} MeV is unfinished; using the nearest finished one",
              file=sys.stderr)
    if ie in run.steps:
        x, p = run.steps[ie][0], run.steps[ie][1][:, i_idx, :]
    else:
        x, p = run.x, run.prob[ie, :, i_idx, :]
    if len(x) < 2:
        print(f"warning: only {len(x)} recorded position(s) (record = \"end\"?); the plot is a single point",
              file=sys.stderr)

    def series(j):
        return p[:, f_idx].sum(axis=1) if j is None else p[:, j]

    plot_lines(ax, x, run, i_idx, f_idx, series, args.sum)
    if len(x) < 2:
        for line in ax.get_lines():
            line.set_marker("o")
    if args.xscale == "log" or (args.xscale == "auto" and is_log_spaced(x)):
        ax.set_xscale("log")
        plain_log_ticks(ax.xaxis, x)
    ax.set_xlabel(f"position along the track x [{run.x_unit}]")
    e, unit = energy_axis(run, args.energy_unit)
    return f"at E = {e[ie]:.4g} {unit}", f_idx


def vs_map(run, args, plt):
    i_idx = run.initial_index(args.initial)
    f_idx = run.final_indices(args.final)
    if len(run.x) < 2:
        die(f"{run.path}: only {len(run.x)} recorded position(s); --vs map needs record = {{ points = N }}"
            " (use --vs energy)")
    e, unit = energy_axis(run, args.energy_unit)
    log_e = args.xscale == "log" or (args.xscale == "auto" and is_log_spaced(run.energy))
    e_edges = edges(e, log_e)
    x_edges = edges(run.x, False)
    n = len(f_idx)
    ncol = 1 if n == 1 else (2 if n <= 4 else 3)
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, sharex=True, sharey=True, squeeze=False, layout="constrained",
                             figsize=(3.3 * ncol + 1.2, 2.7 * nrow + 0.5))
    if args.logy:
        from matplotlib.colors import LogNorm
        norm = LogNorm(vmin=args.ymin if args.ymin is not None else 1e-6, vmax=1.0)
    else:
        from matplotlib.colors import Normalize
        norm = Normalize(vmin=0.0, vmax=1.0)
    mesh = None
    for k, j in enumerate(f_idx):
        ax = axes.flat[k]
        z = np.where(run.done[:, None], run.prob[:, :, i_idx, j], np.nan)  # [nE, nX]
        z = np.ma.masked_invalid(z.T)
        if args.logy:
            z = np.ma.masked_less_equal(z, 0)
        mesh = ax.pcolormesh(e_edges, x_edges, z, cmap="viridis", norm=norm, shading="flat",
                             rasterized=True)
        ax.set_title(f"P({tex_label(run.initial[i_idx])} $\\to$ {tex_label(run.final[j])})", fontsize="medium")
        if log_e:
            ax.set_xscale("log")
            plain_log_ticks(ax.xaxis, e)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 5), useMathText=True)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1, :]:
        ax.set_xlabel(f"energy E [{unit}]")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"x [{run.x_unit}]")
    fig.colorbar(mesh, ax=axes, label="probability", shrink=0.9)
    skipped = int((~run.done).sum())
    note = f" ({skipped} unfinished energies blank)" if skipped else ""
    fig.suptitle(f"{run.name}{run.scan_note}{note}")
    return fig


def save(fig, path, dpi):
    """Save; PNGs are stored with a 256-colour palette (a third of the size, same look)."""
    if not path.lower().endswith(".png"):
        fig.savefig(path, dpi=dpi)
        return
    import io

    try:
        from PIL import Image  # a dependency of matplotlib
    except ImportError:
        fig.savefig(path, dpi=dpi)
        return
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png")
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    mediancut = getattr(getattr(Image, "Quantize", Image), "MEDIANCUT")  # enums since Pillow 9.1
    no_dither = getattr(getattr(Image, "Dither", Image), "NONE")
    img.quantize(colors=256, method=mediancut, dither=no_dither).save(path, optimize=True)



def require_display(output):
    """Without -o the figure is shown in a window; when matplotlib has no display (a
    non-interactive backend, e.g. over ssh without X) nothing would be drawn, so stop with a
    message instead of exiting 0 with nothing drawn. Call after importing pyplot."""
    if output:
        return
    import matplotlib

    backend = matplotlib.get_backend()
    if backend.lower() in ("agg", "cairo", "pdf", "pgf", "ps", "svg", "template"):
        sys.exit(f"error: no display to show the figure (matplotlib backend {backend}); "
                 "give -o FILE.png to write it to a file")

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("file", help="nuspin output .h5 (or <out>.partial)")
    parser.add_argument("--vs", choices=("energy", "x", "map"), default="energy",
                        help="horizontal axis (default: energy)")
    parser.add_argument("--x-km", type=float, help="--vs energy: record position nearest this (default: last)")
    parser.add_argument("--energy-mev", type=float, help="--vs x: energy nearest this (default: grid middle)")
    parser.add_argument("--initial", help="initial state label (default: the first in the file)")
    parser.add_argument("--final", nargs="+", metavar="LABEL", help="final state labels (default: all)")
    parser.add_argument("--sum", action="store_true", help="also draw the sum of the shown channels")
    parser.add_argument("--logy", action="store_true", help="log probability axis / colour scale")
    parser.add_argument("--ymin", type=float, help="lower limit of the log probability axis (default 1e-6)")
    parser.add_argument("--xscale", choices=("auto", "linear", "log"), default="auto",
                        help="horizontal axis scale (auto: log when the grid is log-spaced)")
    parser.add_argument("--energy-unit", choices=("auto", "MeV", "GeV"), default="auto",
                        help="unit shown on energy axes (auto: GeV when every energy is >= 1 GeV)")
    parser.add_argument("--scan-index", type=int, nargs="+", metavar="I",
                        help="index along leading scan axes, if the file has any (default: 0 ...)")
    parser.add_argument("--title", help="figure title (default: the scenario_name attribute)")
    parser.add_argument("--dpi", type=int, default=100, help="resolution of the saved figure")
    parser.add_argument("-o", "--output", help="save the figure here instead of showing it")
    args = parser.parse_args()

    run = Run(args.file, args.scan_index)
    i_idx = run.initial_index(args.initial)
    run.final_indices(args.final)  # validate labels before any drawing
    args._initial = run.initial[i_idx]
    check_sums(run, i_idx)

    import matplotlib

    if args.output:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    require_display(args.output)
    if args.vs == "map":
        fig = vs_map(run, args, plt)
        if args.title:
            fig.suptitle(args.title)
    else:
        fig, ax = plt.subplots(figsize=(8.0, 4.6))
        where, f_idx = (vs_energy if args.vs == "energy" else vs_x)(run, args, ax)
        finish_lines(ax, args, run, f_idx)
        ax.set_title(args.title or f"{run.name}{run.scan_note}: {where}", fontsize="medium")
        if not run.complete:
            fig.text(0.99, 0.01, "incomplete run", ha="right", va="bottom", fontsize="small", color="C3")
        fig.tight_layout()
    if args.output:
        save(fig, args.output, args.dpi)
        print(f"wrote {args.output}")
    else:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
