#!/usr/bin/env python3
"""Day and night solar P_ee at a detector site and the day-night asymmetry, from a run with
[arrival] site (e.g. scenarios/solar-8b-sk.toml):

    python3 scripts/plot_solar_sk.py out/solar-8b-sk.h5 docs/figures/solar-8b-sk.png
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(path, png):
    with h5py.File(path, "r") as f:
        e = f["energy_mev"][:]
        day = f["observables/arrival_day"][:, 0, 0]
        night = f["observables/arrival_night"][:, 0, 0]
        adn = f["observables/day_night_asymmetry"][:, 0, 0]
        bins = f.get("observables/arrival_night_bins")
        names = bins.attrs["bins"]
        names = names.decode() if isinstance(names, bytes) else str(names)
        names = [n.split(" [")[0] for n in names.split("; ")]
        per_bin = bins[:, :, 0, 0]
        model = f["solar/total_flux"].attrs["solar_model"]
        model = model.decode() if isinstance(model, bytes) else str(model)
    fig, (a, b) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    a.plot(e, day, label="day", color="k")
    a.plot(e, night, label="night (exposure average)", color="C3")
    for k, name in enumerate(names):
        a.plot(e, per_bin[:, k], lw=0.7, ls="--", label=f"night, {name}")
    a.set_ylabel("P(ν_e → ν_e) at the detector")
    a.set_title(f"⁸B ν_e from the {model} Sun at latitude 36.43° N")
    a.legend(fontsize=7, ncol=2)
    b.plot(e, 100 * adn, color="C0")
    b.axhline(0, color="grey", lw=0.5)
    b.set_xscale("log")
    b.set_xlabel("E_ν [MeV]")
    b.set_ylabel("A_DN of P_ee [%]")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:3])
