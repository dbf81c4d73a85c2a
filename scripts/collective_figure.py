#!/usr/bin/env python3
"""Spectra before and after the single-angle bulb, with and without a transition moment, as an
SVG (no plotting library needed).

Usage:
  cargo run --release --example collective_bulb -- 20 1e-8 0 0 2       > base.txt
  cargo run --release --example collective_bulb -- 20 1e-8 1e-15 1e15 2 > moment.txt
  python3 scripts/collective_figure.py base.txt moment.txt docs/figures/collective-spectra.svg
"""
import sys


def table(path):
    rows, on = [], False
    for line in open(path):
        if line.startswith("E_MeV"):
            on = True
            continue
        if on and line.strip():
            rows.append([float(x) for x in line.split()])
    return rows


def main():
    base, mom, out = table(sys.argv[1]), table(sys.argv[2]), sys.argv[3]
    w, h, pad = 900, 360, 55
    panel_w = (w - 3 * pad) / 2
    ymax = max(max(r[3], r[4], r[5], r[6]) for r in base + mom) * 1.08
    xmax = 80.0

    def xy(panel, e, v):
        x0 = pad + panel * (panel_w + pad)
        return x0 + e / xmax * panel_w, h - pad - v / ymax * (h - 2 * pad)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>']
    series = [  # (panel, column, rows, colour, dash, label)
        (0, 3, base, "#888", "5,4", "emitted"),
        (0, 4, base, "#1f77b4", "", "after, μ = 0"),
        (0, 4, mom, "#d62728", "", "after, μ = 1e-15 μ_B, B₀ = 1e15 G"),
        (1, 5, base, "#888", "5,4", "emitted"),
        (1, 6, base, "#1f77b4", "", "after, μ = 0"),
        (1, 6, mom, "#d62728", "", "after, μ = 1e-15 μ_B, B₀ = 1e15 G"),
    ]
    for panel, title in [(0, "ν_e at 1000 km"), (1, "ν̄_e at 1000 km")]:
        x0, y0 = xy(panel, 0, 0)
        x1, y1 = xy(panel, xmax, ymax)
        svg.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" '
                   'fill="none" stroke="black"/>')
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{y1 - 8}" text-anchor="middle">{title}</text>')
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{h - 15}" text-anchor="middle">E (MeV)</text>')
        for e in range(0, 81, 20):
            x, _ = xy(panel, e, 0)
            svg.append(f'<text x="{x}" y="{y0 + 15}" text-anchor="middle">{e}</text>')
    svg.append(f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" '
               'text-anchor="middle">weight per 4-MeV bin (km⁻¹)</text>')
    for panel, col, rows, colour, dash, _ in series:
        pts = " ".join("%.1f,%.1f" % xy(panel, r[0], r[col]) for r in rows)
        d = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{d}/>')
    for k, (_, _, _, colour, dash, label) in enumerate(series[:3]):
        x, y = w - pad - 250, pad + 10 + 16 * k
        d = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f'<line x1="{x}" y1="{y}" x2="{x + 25}" y2="{y}" stroke="{colour}" '
                   f'stroke-width="2"{d}/>')
        svg.append(f'<text x="{x + 30}" y="{y + 4}">{label}</text>')
    svg.append("</svg>")
    open(out, "w").write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
