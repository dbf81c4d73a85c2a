#!/usr/bin/env python3
"""Largest difference between two `collective_bench_run` state dumps (BENCH_DUMP=FILE).

Prints the largest |Δρ| (absolute, and relative to the largest |ρ| entry: the states are not
normalised), the largest |Δ|Ψ|²| (Ψ's entries carry the phase e^{−i∫m} of the large common
diagonal, ≈ 10⁶ rad by 12 km, which no probability sees, so Ψ itself differs by that phase's
round-off) and the largest |ΔΨ|, so two builds' results can be compared (a refactoring that
keeps the algorithm should differ at round-off).
Usage: compare_dumps.py A B
"""
import sys


def read(path):
    with open(path) as f:
        lines = f.read().split("\n")
    r_km = float(lines[0].split()[1])
    zs = [complex(float(a), float(b)) for a, b in (l.split() for l in lines[1:] if l)]
    return r_km, zs


def main():
    (ra, a), (rb, b) = read(sys.argv[1]), read(sys.argv[2])
    if len(a) != len(b) or ra != rb:
        sys.exit(f"different runs: {len(a)} vs {len(b)} entries, r {ra} vs {rb} km")
    half = len(a) // 2  # ρ entries first, then Ψ
    d = [abs(x - y) for x, y in zip(a, b)]
    scale = max(abs(x) for x in a[:half])
    d_prob = max(abs(abs(x) ** 2 - abs(y) ** 2) for x, y in zip(a[half:], b[half:]))
    print(f"max |drho| {max(d[:half]):.3e} ({max(d[:half]) / scale:.3e} of max |rho|)  "
          f"max |d|psi|^2| {d_prob:.3e}  max |dpsi| {max(d[half:]):.3e}  "
          f"identical entries {sum(x == y for x, y in zip(a, b))}/{len(a)}")


if __name__ == "__main__":
    main()
