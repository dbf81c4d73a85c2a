#!/usr/bin/env python3
"""Day and night solar P_ee at a detector site and its day-night asymmetry, and (with a
[detector] flux) the observed electron-scattering spectra day and night with A_DN per recoil
energy and for the rate, from a run with [arrival] site (e.g. scenarios/solar-8b-sk.toml):

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
        det = None
        if "detector/observed_spectrum_day" in f:
            t = f["detector/recoil_mev"][:]
            rate = f["detector/rate_day"]
            det = dict(
                t=t,
                day=f["detector/observed_spectrum_day"][0],
                night=f["detector/observed_spectrum_night"][0],
                adn=f["detector/day_night_asymmetry"][0],
                rate_adn=f["detector/rate_day_night_asymmetry"][0],
                lo=rate.attrs["threshold_mev"],
                hi=rate.attrs["max_mev"],
                energy=str(rate.attrs["energy"]),
                res=str(rate.attrs["resolution"]).split(":")[0],
            )
    rows = 4 if det is not None else 2
    fig = plt.figure(figsize=(7, 3.5 * rows / 1.0 * 0.75))
    a = fig.add_subplot(rows, 1, 1)
    b = fig.add_subplot(rows, 1, 2, sharex=a)
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
    if det is not None:
        c = fig.add_subplot(rows, 1, 3)
        d = fig.add_subplot(rows, 1, 4, sharex=c)
        kton_day = 86400.0
        c.plot(det["t"], kton_day * det["day"], color="k", label="day")
        c.plot(det["t"], kton_day * det["night"], color="C3", label="night")
        c.set_ylabel("events / (kton day MeV)")
        c.set_title(f"ν–e scattering, {det['res']} resolution, observed kinetic energy")
        c.legend(fontsize=8)
        sel = det["day"] > 1e-3 * det["day"].max()
        d.plot(det["t"][sel], 100 * det["adn"][sel], color="C0")
        d.axhline(100 * det["rate_adn"], color="C1", ls="--",
                  label=f"rate, {det['lo']:g}–{det['hi']:g} MeV ({det['energy']}): "
                        f"{100 * det['rate_adn']:.2f} %")
        d.axhline(0, color="grey", lw=0.5)
        d.set_xlabel("T_e [MeV]")
        d.set_ylabel("A_DN of the spectrum [%]")
        d.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:3])
