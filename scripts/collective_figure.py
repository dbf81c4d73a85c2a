#!/usr/bin/env python3
"""Spectra before and after the single-angle bulb, with and without a transition moment, as an
SVG (no plotting library needed; h5py reads the run).

Usage (the example scenario scans the moment over [0, 1e-15] mu_B):
  nuspin run scenarios/collective-bulb.toml
  python3 scripts/collective_figure.py out/collective-bulb.h5 out/collective-spectra.svg

It draws, for nu_e and nubar_e, the emitted population of each energy bin (/collective/emitted)
and the evolved one at the last record position (/collective/evolved) of the first scan point
(no moment) and of the last (the largest moment).
"""
import sys

import h5py


def main():
    run, out = sys.argv[1], sys.argv[2]
    with h5py.File(run, "r") as f:
        e = f["energy_mev"][:]
        emitted = f["collective/emitted"][:]  # [scan, nE, system, state]
        evolved = f["collective/evolved"][:]  # [scan, nE, nX, system, state]
        x_end = f["x_km"][-1]
        states = [s.decode() if isinstance(s, bytes) else s for s in f["final_states"][:]]
        mu = f["scan/moments.magnetic_mu_b.e_mu"][:] if "scan" in f else [0.0]
        b0 = None
        if "medium/b_perp_gauss" in f:
            b0 = f["medium/b_perp_gauss"][0]
    if emitted.ndim == 3:  # no scan: one point
        emitted, evolved = emitted[None], evolved[None]
    n = len(states) // 2
    nu_e, nubar_e = 0, n
    w, h, pad = 900, 360, 55
    panel_w = (w - 3 * pad) / 2
    xmax = float(e[-1] + (e[1] - e[0]) / 2)
    ymax = max(emitted[0, :, 0, [nu_e, nubar_e]].max(), evolved[:, :, -1, 0, [nu_e, nubar_e]].max())
    ymax *= 1.08

    def xy(panel, x, v):
        x0 = pad + panel * (panel_w + pad)
        return x0 + x / xmax * panel_w, h - pad - v / ymax * (h - 2 * pad)

    label_mu = f"after, μ = {mu[-1]:g} μ_B" + (f", B₀ = {b0:.0e} G" if b0 else "")
    series = [  # (panel, values, colour, dash, label)
        (0, emitted[0, :, 0, nu_e], "#888", "5,4", "emitted"),
        (0, evolved[0, :, -1, 0, nu_e], "#1f77b4", "", f"after, μ = {mu[0]:g}"),
        (0, evolved[-1, :, -1, 0, nu_e], "#d62728", "", label_mu),
        (1, emitted[0, :, 0, nubar_e], "#888", "5,4", "emitted"),
        (1, evolved[0, :, -1, 0, nubar_e], "#1f77b4", "", ""),
        (1, evolved[-1, :, -1, 0, nubar_e], "#d62728", "", ""),
    ]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>']
    for panel, title in [(0, f"{states[nu_e]} at {x_end:g} km"),
                         (1, f"{states[nubar_e]} at {x_end:g} km")]:
        x0, y0 = xy(panel, 0, 0)
        x1, y1 = xy(panel, xmax, ymax)
        svg.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" '
                   'fill="none" stroke="black"/>')
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{y1 - 8}" text-anchor="middle">{title}</text>')
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{h - 15}" text-anchor="middle">E (MeV)</text>')
        for tick in range(0, int(xmax) + 1, 10):
            x, _ = xy(panel, tick, 0)
            svg.append(f'<text x="{x}" y="{y0 + 15}" text-anchor="middle">{tick}</text>')
    width = e[1] - e[0] if len(e) > 1 else 0.0
    svg.append(f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" '
               f'text-anchor="middle">population per {width:g}-MeV bin (km⁻¹)</text>')
    for panel, values, colour, dash, _ in series:
        pts = " ".join("%.1f,%.1f" % xy(panel, x, v) for x, v in zip(e, values))
        d = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{d}/>')
    for k, (_, _, colour, dash, label) in enumerate(series[:3]):
        x, y = w - pad - 250, pad + 10 + 16 * k
        d = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f'<line x1="{x}" y1="{y}" x2="{x + 25}" y2="{y}" stroke="{colour}" '
                   f'stroke-width="2"{d}/>')
        svg.append(f'<text x="{x + 30}" y="{y + 4}">{label}</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
