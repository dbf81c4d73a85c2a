#!/usr/bin/env python3
"""An independent reference for constant media, written from physics.md §1–§6 alone.

It builds the 2N×2N Hamiltonian of physics.md §5 with numpy (every term at once: vacuum
mixing, matter through the 4-potential with moving and polarized electrons, B∥ through P±,
B⊥ with azimuth, the transverse-current flips with absolute masses, magnetic and electric
moments in the flavour or the mass basis, Majorana phases), exponentiates it with scipy, and
compares P(a → b) with `nuspin run` on the same constant-medium scenario for Majorana, Dirac
neutrinos and Dirac antineutrinos, 2 and 3 flavours, both orderings, and with non-standard
interactions ([nsi]: V_NSI = √2 G_F Σ_f n_f ε^f, n_u = 2n_p + n_n, n_d = n_p + 2n_n; ν blocks
+V_NSI, ν̄ blocks −V_NSI*; in matter at rest and unpolarised, the only matter NSI are accepted with). It shares no code with
nuspin. For every case it also switches each term off and checks that P moves by more than
1e-3, so agreement cannot come from a term that does nothing.

Usage: python scripts/reference_constant.py [--nuspin target/release/nuspin] [--tol 1e-8]
(needs numpy, scipy, h5py). Exit code 1 on any disagreement.
"""
import argparse
import copy
import os
import subprocess
import tempfile

import h5py
import numpy as np
from scipy.linalg import expm

HBARC = 1.973269804e-10  # eV km
GF = 1.1663788e-23
NA = 6.02214076e23
MUB = 5.7883818060e-9
HBARC_CM = 1.973269804e-5

PRESETS = {
    "nufit-5.2-no": dict(t12=33.41, t13=8.54, t23=49.1, d=197.0, dm21=7.41e-5, dm31=2.511e-3),
    "nufit-5.2-io": dict(t12=33.41, t13=8.57, t23=49.5, d=286.0, dm21=7.41e-5, dm31=-2.498e-3 + 7.41e-5),
}


def pmns(t12, t13, t23, d, a21=0.0, a31=0.0):
    r = np.radians
    c12, s12 = np.cos(r(t12)), np.sin(r(t12))
    c13, s13 = np.cos(r(t13)), np.sin(r(t13))
    c23, s23 = np.cos(r(t23)), np.sin(r(t23))
    dl = r(d)
    R12 = np.array([[c12, s12, 0], [-s12, c12, 0], [0, 0, 1]], complex)
    U13 = np.array([[c13, 0, s13 * np.exp(-1j * dl)], [0, 1, 0], [-s13 * np.exp(1j * dl), 0, c13]])
    R23 = np.array([[1, 0, 0], [0, c23, s23], [0, -s23, c23]], complex)
    P = np.diag([1, np.exp(1j * r(a21) / 2), np.exp(1j * r(a31) / 2)])
    return R23 @ U13 @ R12 @ P


def masses(n, dm21, dm31, mmin):
    if n == 2:
        return np.array([mmin, np.sqrt(mmin**2 + dm21)])
    if dm31 > 0:
        m1 = mmin
        return np.sqrt(np.array([m1**2, m1**2 + dm21, m1**2 + dm31]))
    m3 = mmin
    m1sq = m3**2 - dm31
    return np.sqrt(np.array([m1sq, m1sq + dm21, m3**2]))


def potential(ne, nn, vpar, vperp, vphi, zpar, zperp, zphi):
    to_ev = np.sqrt(2) * GF * HBARC_CM**3
    ne_ev, nn_ev = ne * to_ev, nn * to_ev
    v = np.array([vperp * np.cos(vphi), vperp * np.sin(vphi), vpar])
    z = np.array([zperp * np.cos(zphi), zperp * np.sin(zphi), zpar])
    g = 1 / np.sqrt(1 - v @ v)
    u = g * np.array([1, *v])
    zv = z @ v
    lam = ne_ev * np.array([g * zv, *(z + g * g / (g + 1) * zv * v)])
    Nvec = {"e": ne_ev - nn_ev / 2, "mu": -nn_ev / 2}
    gA = {"e": 0.5, "mu": -0.5}
    out = {}
    for a in ("e", "mu"):
        f = Nvec[a] * u - gA[a] * lam
        out[a] = (f[0] - f[3], f[1] - 1j * f[2])
    return out


def hamiltonian(cfg):
    n = cfg["flavours"]
    E = cfg["energy_mev"] * 1e6
    if n == 2:
        th = np.radians(cfg["theta_deg"])
        U = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]], complex)
        dm = np.array([0.0, cfg["dm2_ev2"]])
        m = masses(2, cfg["dm2_ev2"], 0, cfg.get("lightest_mass_ev", 0.0))
    else:
        p = PRESETS[cfg["preset"]]
        a21, a31 = cfg.get("majorana_phases_deg", [0.0, 0.0]) if cfg["nature"] == "majorana" else (0.0, 0.0)
        U = pmns(p["t12"], p["t13"], p["t23"], p["d"], a21, a31)
        dm = np.array([0.0, p["dm21"], p["dm31"]])
        m = masses(3, p["dm21"], p["dm31"], cfg.get("lightest_mass_ev", 0.0))
    med = cfg["medium"]
    if "rho_g_cm3" in med:
        ye = med.get("ye", 0.5)
        ne = med["rho_g_cm3"] * ye * NA
        nn = med["rho_g_cm3"] * (1 - ye) * NA
    else:
        ne, nn = med.get("ne_cm3", 0.0), med.get("nn_cm3", 0.0)
    g = lambda k: med.get(k, 0.0)
    pot = potential(ne, nn, g("v_par"), g("v_perp"), g("v_phi_rad"), g("pol_par"), g("pol_perp"), g("pol_phi_rad"))
    fl = ["e", "mu", "mu"][:n]
    V = np.diag([pot[a][0] for a in fl]).astype(complex)
    # NSI (unpolarised matter at rest only): V_NSI = sqrt2 G_F sum_f n_f eps^f with
    # n_u = 2 n_p + n_n, n_d = n_p + 2 n_n, n_p = n_e; entries "ab" (and the conjugate "ba").
    Vnsi = np.zeros((n, n), complex)
    to_ev = np.sqrt(2) * GF * HBARC_CM**3
    nf = {"e": ne, "u": 2 * ne + nn, "d": ne + 2 * nn}
    fls = ["e", "mu", "tau"]
    for f, entries in cfg.get("nsi", {}).items():
        for key, val in entries.items():
            a, b = next((x, key[len(x):]) for x in fls if key.startswith(x) and key[len(x):] in fls)
            i, j = fls.index(a), fls.index(b)
            v = complex(val[0], val[1]) if isinstance(val, list) else complex(val)
            Vnsi[i, j] += nf[f] * to_ev * v
            if i != j:
                Vnsi[j, i] += nf[f] * to_ev * np.conj(v)
    fperp = np.diag([pot[a][1] for a in fl])
    Bpar = g("b_par_gauss")
    Bc = g("b_perp_gauss") * np.exp(-1j * g("b_phi_rad"))
    # moments
    keys = ["e", "mu", "tau"] if cfg.get("moment_basis", "flavour") == "flavour" else ["1", "2", "3"]
    nature = cfg["nature"]

    def mat(entries):
        X = np.zeros((n, n), complex)
        for k, val in entries.items():
            a, b = k.split("_")
            i, j = keys.index(a), keys.index(b)
            v = complex(val[0], val[1]) if isinstance(val, list) else complex(val)
            X[i, j] = v
            if i != j:
                X[j, i] = -v if nature == "majorana" else np.conj(v)
        if cfg.get("moment_basis", "flavour") == "flavour":
            X = (U.T @ X @ U) if nature == "majorana" else (U.conj().T @ X @ U)
        return X

    mu = mat(cfg.get("magnetic", {}))
    eps = mat(cfg.get("electric", {}))
    lam = mu - 1j * eps
    D = np.diag(m)
    M2 = np.diag(dm) / (2 * E)
    Ud = U.conj().T
    F = Ud @ fperp @ U
    Pm = (D @ lam + lam.conj().T @ D) * Bpar / (2 * E)
    Pp = (lam @ D + D @ lam.conj().T) * Bpar / (2 * E)
    if nature == "majorana":
        HAA = U @ M2 @ Ud + V + Vnsi + U @ (MUB * Pm) @ Ud
        HBB = U.conj() @ M2 @ U.T - V - Vnsi.conj() - U.conj() @ (MUB * Pp) @ U.T
        # (m_i F_ij + m_j F_ji): D@F gives m_i F_ij; m_j F_ji = (F.T @ D)_ij
        flip = MUB * lam * Bc - (D @ F + F.T @ D) / (2 * E)
        HBA = U.conj() @ flip @ Ud
        HAB = HBA.conj().T
    elif cfg.get("particle", "neutrino") == "neutrino":
        HAA = U @ M2 @ Ud + V + Vnsi + U @ (MUB * Pm) @ Ud
        HBB = U @ M2 @ Ud - U @ (MUB * Pp) @ Ud
        HBA = U @ (MUB * lam * Bc - (D @ F) / (2 * E)) @ Ud
        HAB = HBA.conj().T
    else:
        mb = U.conj() @ D @ U.T
        lf = U @ lam @ Ud
        mub = -lf.T
        vac = U.conj() @ M2 @ U.T  # = (m̄ m̄† − m_1² 1)/2E, computed from Δm² without round-off
        HAA = vac - V - Vnsi.conj() - MUB * (mb @ mub.conj().T + mub @ mb.conj().T) * Bpar / (2 * E)
        HBB = vac + MUB * (mb.conj().T @ mub + mub.conj().T @ mb) * Bpar / (2 * E)
        HAB = MUB * mub * Bc - fperp @ mb / (2 * E)
        HBA = HAB.conj().T
    H = np.block([[HAA, HAB], [HBA, HBB]]) / HBARC
    H = H - np.trace(H).real / len(H) * np.eye(len(H))
    return H


def probs(cfg):
    H = hamiltonian(cfg)
    S = expm(-1j * H * cfg["length_km"])
    return np.abs(S) ** 2  # [final, initial]


def toml_of(cfg, out):
    n = cfg["flavours"]
    lines = [f'name = "ref"', "[neutrino]", f"flavours = {n}", f'nature = "{cfg["nature"]}"']
    if cfg["nature"] == "dirac":
        lines.append(f'particle = "{cfg.get("particle", "neutrino")}"')
    lines.append('initial = "all"')
    lines.append("[mixing]")
    if n == 2:
        lines += [f'theta_deg = {cfg["theta_deg"]!r}', f'dm2_ev2 = {cfg["dm2_ev2"]!r}']
    else:
        lines.append(f'preset = "{cfg["preset"]}"')
        if cfg["nature"] == "majorana":
            lines.append(f'majorana_phases_deg = {cfg.get("majorana_phases_deg", [0.0, 0.0])!r}')
    lines.append(f'lightest_mass_ev = {cfg.get("lightest_mass_ev", 0.0)!r}')
    lines.append("[moments]")
    lines.append(f'basis = "{cfg.get("moment_basis", "flavour")}"')

    def tbl(d):
        items = []
        for k, v in d.items():
            items.append(f"{k} = {v!r}")
        return "{ " + ", ".join(items) + " }"

    lines.append(f'magnetic_mu_b = {tbl(cfg.get("magnetic", {}))}')
    lines.append(f'electric_mu_b = {tbl(cfg.get("electric", {}))}')
    if cfg.get("nsi"):
        lines.append("[nsi]")
        for f, entries in cfg["nsi"].items():
            lines.append(f"{f} = {tbl(entries)}")
    lines.append("[energy]")
    lines.append(f'values_mev = [{cfg["energy_mev"]!r}]')
    lines.append("[medium]")
    lines.append('kind = "constant"')
    for k, v in cfg["medium"].items():
        lines.append(f"{k} = {v!r}")
    lines.append("[track]")
    lines.append("start_km = 0.0")
    lines.append(f'end_km = {cfg["length_km"]!r}')
    lines.append("[solver]")
    lines.append(f'method = "{cfg.get("method", "layers")}"')
    lines.append("[output]")
    lines.append(f'file = "{out}"')
    lines.append("profile_samples = 0")
    return "\n".join(lines) + "\n"


def nuspin_probs(cfg, exe, tmp):
    path = os.path.join(tmp, "ref.toml")
    out = os.path.join(tmp, "ref.h5")
    with open(path, "w") as f:
        f.write(toml_of(cfg, out))
    r = subprocess.run([exe, "run", path, "-o", out, "--force", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    with h5py.File(out) as h:
        p = h["probability"][0, -1]  # [nI, 2N]
    return p.T  # [final, initial]


# Every term on at once, each at a size where it moves P at order 0.1 (checked below).
FULL_MEDIUM = dict(rho_g_cm3=3e5, ye=0.45, b_par_gauss=4e13, b_perp_gauss=3e11, b_phi_rad=0.6,
                   v_par=0.35, v_perp=0.4, v_phi_rad=1.1, pol_par=0.3, pol_perp=0.5, pol_phi_rad=-0.8)
BASE = dict(flavours=3, preset="nufit-5.2-no", lightest_mass_ev=0.3, majorana_phases_deg=[40.0, 110.0],
            energy_mev=1e-4, length_km=30.0, medium=FULL_MEDIUM,
            magnetic={"e_mu": [1e-11, 3e-12], "mu_tau": 2e-11, "e_tau": [-5e-12, 1e-12]},
            electric={"e_mu": [2e-12, -1e-12], "mu_tau": 4e-12})


NSI_MEDIUM = dict(rho_g_cm3=3e5, ye=0.45, b_par_gauss=4e13, b_perp_gauss=3e11, b_phi_rad=0.6)
NSI = {"e": {"ee": 0.4, "emu": [0.05, -0.12]},
       "u": {"mutau": [-0.08, 0.03], "tautau": 0.25},
       "d": {"etau": [0.1, 0.07], "mumu": -0.15}}
NSI_2 = {"e": {"ee": -0.3, "emu": [0.1, 0.2]}, "d": {"mumu": 0.2}}


def make_cases():
    cases = []
    for nature, particle in [("majorana", None), ("dirac", "neutrino"), ("dirac", "antineutrino")]:
        for n in (2, 3):
            c = copy.deepcopy(BASE)
            c["nature"] = nature
            if particle:
                c["particle"] = particle
            if n == 2:
                c.update(flavours=2, theta_deg=33.0, dm2_ev2=7.5e-5)
                c["magnetic"] = {"e_mu": [1e-11, 3e-12]}
                c["electric"] = {"e_mu": [2e-12, -1e-12]}
                c["energy_mev"] = 1e-5
            if nature == "dirac":
                c["magnetic"]["e_e"] = 3e-12
                c["magnetic"]["mu_mu"] = -2e-12
                c["electric"]["e_e"] = 1e-12
            cases.append((f"{nature}-{particle}-{n}", c))
        # mass-basis moments and IO
        c = copy.deepcopy(cases[-1][1])
        c["preset"] = "nufit-5.2-io"
        c["moment_basis"] = "mass"
        c["magnetic"] = {"1_2": [1e-11, 2e-12], "2_3": 7e-12}
        if nature == "dirac":
            c["magnetic"]["1_1"] = 2e-12
        c["electric"] = {"1_3": 3e-12}
        cases.append((f"{nature}-{particle}-3-io-mass", c))
        # NSI: matter at rest and unpolarised (the only matter NSI are accepted with), with
        # the fields and moments on, 3 and 2 flavours.
        for n in (3, 2):
            c = copy.deepcopy(cases[-2 if n == 3 else -4][1])  # the plain 3- and 2-flavour cases
            c["medium"] = dict(NSI_MEDIUM)
            c["nsi"] = copy.deepcopy(NSI if n == 3 else NSI_2)
            cases.append((f"{nature}-{particle}-{n}-nsi", c))
    return cases


# Each term switched off, to show that the comparison sees it.
TERMS = {
  "b_par": lambda c: c["medium"].__setitem__("b_par_gauss", 0.0),
  "b_perp": lambda c: c["medium"].__setitem__("b_perp_gauss", 0.0),
  "v_perp": lambda c: c["medium"].__setitem__("v_perp", 0.0),
  "v_par": lambda c: c["medium"].__setitem__("v_par", 0.0),
  "pol_par": lambda c: c["medium"].__setitem__("pol_par", 0.0),
  "pol_perp": lambda c: c["medium"].__setitem__("pol_perp", 0.0),
  "electric": lambda c: c.__setitem__("electric", {}),
  "maj_phase": lambda c: c.__setitem__("majorana_phases_deg", [0.0, 0.0]),
  "mass": lambda c: c.__setitem__("lightest_mass_ev", 0.0),
  "nsi": lambda c: c.__setitem__("nsi", {}),
}


def relevant(term, cfg):
    """Terms that must move P in this case (Majorana phases only act for 3ν Majorana)."""
    if term == "maj_phase":
        return cfg["nature"] == "majorana" and cfg["flavours"] == 3
    if term == "nsi":
        return bool(cfg.get("nsi"))
    if term in ("v_perp", "v_par", "pol_par", "pol_perp"):
        return not cfg.get("nsi")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nuspin", default="target/release/nuspin")
    ap.add_argument("--tol", type=float, default=1e-8)
    args = ap.parse_args()
    worst, failures = 0.0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name, c in make_cases():
            pr = probs(c)
            d = float(np.abs(pr - nuspin_probs(c, args.nuspin, tmp)).max())
            worst = max(worst, d)
            sens = {}
            for t, off in TERMS.items():
                c2 = copy.deepcopy(c)
                off(c2)
                sens[t] = float(np.abs(probs(c2) - pr).max())
            print(f"{name:30s} max|dP| = {d:.2e}; P moves without: "
                  + " ".join(f"{k} {v:.0e}" for k, v in sens.items()))
            if d > args.tol:
                failures.append(f"{name}: max|dP| = {d:.3e} > {args.tol:g}")
            failures += [f"{name}: switching off {t} moves P by only {v:.1e}"
                         for t, v in sens.items() if relevant(t, c) and v < 1e-3]
    print(f"worst max|dP| = {worst:.2e} over {len(make_cases())} cases")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
