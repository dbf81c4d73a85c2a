#!/usr/bin/env python3
"""Plot what reaches a detector: day and night arrival, resolution-averaged and surface
probabilities from a nuspin file written with [output] observables = [..., "earth", ...].

    python3 scripts/plot_arrival.py FILE.h5 [--initial nu_e] [--final nu_e] [-o out.png]
                                    [--no-formula]

Top panel: P(initial -> final) against energy: the decoherent arrival without the Earth (day,
/observables/arrival_day) and through the Earth chords (night, /observables/arrival_night),
the resolution-averaged probability at the end of the track (/observables/averaged_probability,
if present), the instantaneous probability at the end of the track (/probability, as points),
and for a solar file with initial = final = nu_e the adiabatic formula of
docs/physics.md ("Built-in media"),
P_ee = s13^4 + c13^4 (1/2 + 1/2 cos 2th12 cos 2th12m(r0)), at the first sampled point of
the track (the production radius). Bottom panel: A_DN = 2(D - N)/(D + N) in per cent
(/observables/day_night_asymmetry), when the file has night chords.
Energies not finished (energy_done = 0) are skipped. Exit status 1 with a message for
unusable input. Needs h5py, numpy and matplotlib (scripts/requirements.txt).
"""

import argparse
import math
import sys

import numpy as np

from plot_probability import as_str  # the h5py string decoding of the other plots

try:  # Python >= 3.11
    import tomllib
except ImportError:  # pragma: no cover
    tomllib = None

HBARC_EV_CM = 1.973269804e-5
G_F_EV2 = 1.1663788e-23
PRESETS = {
    "nufit-5.2-no": {"theta12_deg": 33.41, "theta13_deg": 8.54, "dm21_ev2": 7.41e-5},
    "nufit-5.2-io": {"theta12_deg": 33.41, "theta13_deg": 8.57, "dm21_ev2": 7.41e-5},
}


def die(msg):
    print(f"plot_arrival.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def mixing_of(scenario_toml):
    """theta12, theta13 (deg) and dm21 (eV^2) of the scenario's [mixing] table."""
    params = dict(PRESETS["nufit-5.2-no"])
    if tomllib is None:
        return params
    mixing = tomllib.loads(scenario_toml).get("mixing", {})
    params.update(PRESETS.get(mixing.get("preset", "nufit-5.2-no"), {}))
    for key in params:
        if key in mixing:
            params[key] = float(mixing[key])
    return params


def adiabatic_pee(energy_mev, ne_cm3, p):
    """docs/physics.md, "Built-in media": s13^4 + c13^4 (1/2 + 1/2 cos 2th12 cos 2th12m)."""
    t12, t13 = math.radians(p["theta12_deg"]), math.radians(p["theta13_deg"])
    v_cc_ev = math.sqrt(2.0) * G_F_EV2 * ne_cm3 * HBARC_EV_CM**3
    beta = 2.0 * v_cc_ev * energy_mev * 1e6 * math.cos(t13) ** 2 / p["dm21_ev2"]
    c2, s2 = math.cos(2 * t12), math.sin(2 * t12)
    cos2m = (c2 - beta) / np.sqrt((c2 - beta) ** 2 + s2**2)
    return math.sin(t13) ** 4 + math.cos(t13) ** 4 * (0.5 + 0.5 * c2 * cos2m)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--initial", default=None)
    ap.add_argument("--final", default=None)
    ap.add_argument("-o", "--output", default=None)
    ap.add_argument("--no-formula", action="store_true")
    args = ap.parse_args()
    try:
        import h5py
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        die(f"{e}; install scripts/requirements.txt")
    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        die(f"cannot open {args.file}: {e}")
    with f:
        if "observables" not in f or "arrival_day" not in f["observables"]:
            die(f"{args.file} has no /observables/arrival_day (run with observables = [\"earth\"])")
        energy = f["energy_mev"][()]
        done = f["energy_done"][()].astype(bool)
        if done.ndim != 1:
            die("scans are not supported by this script (pick one scan point first)")
        initial = [as_str(s) for s in f["initial_states"][()]]
        final = [as_str(s) for s in f["final_states"][()]]
        i = initial.index(args.initial) if args.initial else 0
        fin = args.final or initial[i]
        if fin not in final:
            die(f"--final {fin} is not one of {', '.join(final)}")
        j = final.index(fin)
        obs = f["observables"]
        day = obs["arrival_day"][()][:, i, j]
        night = obs["arrival_night"][()][:, i, j] if "arrival_night" in obs else None
        averaged = (
            obs["averaged_probability"][()][:, i, j] if "averaged_probability" in obs else None
        )
        a_dn = obs["day_night_asymmetry"][()][:, i, j] if "day_night_asymmetry" in obs else None
        surface = f["probability"][()][:, -1, i, j]
        sigma = obs["energy_resolution"][()][0] if "energy_resolution" in obs else None
        scenario = as_str(f.attrs.get("scenario_toml", ""))
        ne0 = f["medium/ne_cm3"][()][0] if "medium" in f and "ne_cm3" in f["medium"] else None
        solar = "kind = \"solar\"" in scenario.replace("'", '"')
        name = as_str(f.attrs.get("scenario_name", args.file))
    e = energy[done]
    rows = 2 if a_dn is not None else 1
    fig, axes = plt.subplots(
        rows, 1, figsize=(7, 5.5 if rows == 2 else 4), sharex=True,
        gridspec_kw={"height_ratios": [3, 1.3][:rows]}, squeeze=False,
    )
    ax = axes[0][0]
    label = f"P({initial[i]} → {fin})"
    ax.plot(e, surface[done], "o", ms=3, color="0.6", label="surface, instantaneous")
    ax.plot(e, day[done], "-", color="C0", lw=2, label="detector, day")
    if night is not None:
        ax.plot(e, night[done], "-", color="C1", lw=2, label="detector, night")
    if averaged is not None:
        ax.plot(e, averaged[done], ":", color="C2", lw=2,
                label=f"surface, averaged (σ_E/E = {sigma:g})")
    if solar and fin == "nu_e" and initial[i] == "nu_e" and ne0 is not None and not args.no_formula:
        p = mixing_of(scenario)
        grid = np.geomspace(e.min(), e.max(), 200) if e.min() > 0 else e
        ax.plot(grid, [adiabatic_pee(x, ne0, p) for x in grid], "k--", lw=1,
                label="adiabatic formula (r₀)")
    ax.set_ylabel(label)
    ax.set_title(name)
    ax.legend(fontsize=8)
    if e.size > 1 and np.allclose(np.diff(np.log(e)), np.diff(np.log(e))[0]):
        ax.set_xscale("log")
    if a_dn is not None:
        bx = axes[1][0]
        bx.plot(e, 100 * a_dn[done], "-", color="C3")
        bx.axhline(0, color="0.7", lw=0.8)
        bx.set_ylabel("A_DN [%]")
    axes[-1][0].set_xlabel("E [MeV]")
    fig.tight_layout()
    out = args.output or args.file.rsplit(".", 1)[0] + "-arrival.png"
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
