#!/usr/bin/env python3
"""An independent reference for constant media, written from docs/physics.md
(its sections "Units and constants" to "Moments") alone.

It builds the 2N×2N Hamiltonian of docs/physics.md ("The Hamiltonian") with numpy (every
term at once: vacuum
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

Randomised mode: `--random N --seed S` (tolerance default 1e-9) replaces the fixed cases by N
configurations drawn within the documented limits, each run with every `[solver] method`
(layers exact; magnus at rtol 1e-9 and dop853 at rtol 1e-10, compared with 10 × and 3e4 ×
their rtol, docs/scenario.md), plus N/5 random mass matrices and N/10 wave-packet cases:
- Majorana, Dirac ν, Dirac ν̄; 2 and 3 flavours with every angle over [0°, 90°] (sometimes
  exactly 0 or 90°), δ and Majorana phases over [0°, 360°), Δm²₂₁ 1e-6 … 1e-3 eV², |Δm²₃₁| 1.5 …
  300 × Δm²₂₁ of either sign (2 flavours: Δm² 1e-6 … 0.1 eV²), lightest mass 0 or 1e-4 … 1 eV;
- E log-uniform over 1 keV … 1 GeV (raised to the documented 10 × the heaviest mass);
- every medium term scaled to the vacuum term |Δm²|/2E times 10^(−2 … 2) (one case in five
  10^(−5 … 5)), so that it can matter: ρ (≤ 1e14 g/cm³) or n_e, n_n, Y_e over [0, 1]; B⊥ with
  azimuth; B∥ of either sign; velocity in any direction up to 1 − |v| = 1e-15; polarization
  |ζ| ≤ 1 in any direction; magnetic and electric moments 1e-13 … 1e-10 μ_B, real or complex,
  flavour or mass basis, Dirac diagonals; NSI (|ε| ≤ 0.5, complex off the diagonal) where
  the medium allows them;
- a random subset of initial states in random order; three cases in ten with a grid of 2 … 4
  energies (up to 30 × the first), every energy compared; track lengths of 1e-6 … 3e3
  radians of the largest eigenvalue splitting;
- three cases in ten are piecewise-constant: 2 … 5 layers of independent random media in a
  `steps` table, against the product of the layers' exponentials;
- mass matrices (`[mixing] mass_matrix_ev`, complex symmetric for Majorana, general for Dirac,
  sometimes real or of rank 2, entries 1e-3 … 0.3 eV) in matter with B⊥ and flavour-basis
  moments: masses against numpy's singular values (1e-12 of the largest), |U| against the
  eigenvectors of M†M or MM† ordered by the documented rule (1e-8), and P against a
  Hamiltonian built from M itself, with no factorisation;
- wave packets in vacuum (`[arrival] wave_packet`): /observables/decoherent_probability
  against the closed form of docs/physics-extensions.md with L/L_coh from 1e-2 to 10 (1e-8).
It prints how often each term moved P by more than 1e-3 (what the comparison could see) and,
with N ≥ 20, fails when a term never did (then the seed exercises nothing of it).
`--case K` reruns one case of a seed; `--dump DIR` writes the scenario of every failure.
"""
import argparse
import copy
import os
import subprocess
import tempfile
from decimal import Decimal, localcontext
from fractions import Fraction

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


def gamma_one_minus_vpar(vpar, vperp):
    """γ(1 − v∥) in 40-digit decimal arithmetic (the inputs are exact binary floats), so an
    ultra-relativistic flow (1 − |v| down to 1e-15) loses nothing to cancellation."""
    with localcontext() as ctx:
        ctx.prec = 40
        vp, vt = Decimal(vpar), Decimal(vperp)
        return float((1 - vp) / (1 - vp * vp - vt * vt).sqrt())


def potential(ne, nn, vpar, vperp, vphi, zpar, zperp, zphi):
    """(f⁰_α − f∥_α, f⊥_α) for α = e, μ straight from the definitions of docs/physics.md
    ("Matter as an effective 4-potential")
    (u^μ = γ(1, v), λ^μ = n_e(γζ·v, ζ + γ²/(γ+1)(ζ·v)v)). The time-minus-parallel parts,
    where an ultra-relativistic flow cancels, are evaluated in 40-digit decimals; nuspin
    rewrites them algebraically instead, so the two do not share a formula."""
    to_ev = np.sqrt(2) * GF * HBARC_CM**3
    ne_ev, nn_ev = ne * to_ev, nn * to_ev
    vx, vy = vperp * np.cos(vphi), vperp * np.sin(vphi)
    zx, zy = zperp * np.cos(zphi), zperp * np.sin(zphi)
    with localcontext() as ctx:
        ctx.prec = 40
        D = Decimal
        vp, vt, zp = D(vpar), D(vperp), D(zpar)
        zt_vt = D(float(zx * vx + zy * vy))
        g = 1 / (1 - vp * vp - vt * vt).sqrt()
        zv = zp * vp + zt_vt
        # λ⁰ − λ∥ per unit n_e, and the vector part's γ(1 − v∥).
        lam_tpar = float(g * zv - (zp + g * g / (g + 1) * zv * vp))
        u_tpar = float(g * (1 - vp))
        gf, kf = float(g), float(g * g / (g + 1) * zv)
    lam_x, lam_y = zx + kf * vx, zy + kf * vy
    Nvec = {"e": ne_ev - nn_ev / 2, "mu": -nn_ev / 2}
    gA = {"e": 0.5, "mu": -0.5}
    out = {}
    for a in ("e", "mu"):
        fx = Nvec[a] * gf * vx - gA[a] * ne_ev * lam_x
        fy = Nvec[a] * gf * vy - gA[a] * ne_ev * lam_y
        out[a] = (Nvec[a] * u_tpar - gA[a] * ne_ev * lam_tpar, fx - 1j * fy)
    return out


def hamiltonian(cfg):
    n = cfg["flavours"]
    E = cfg["energy_mev"] * 1e6
    if n == 2:
        th = np.radians(cfg["theta_deg"])
        U = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]], complex)
        if cfg["nature"] == "majorana":
            # One Majorana phase for two flavours: U · diag(1, e^{iα₂₁/2})
            # (docs/physics.md, "Mixing and masses").
            a21 = cfg.get("majorana_phases_deg", [0.0])[0]
            U = U @ np.diag([1.0, np.exp(1j * np.radians(a21) / 2)])
        dm = np.array([0.0, cfg["dm2_ev2"]])
        m = masses(2, cfg["dm2_ev2"], 0, cfg.get("lightest_mass_ev", 0.0))
    else:
        p = dict(PRESETS[cfg["preset"]], **cfg.get("params3", {}))
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
    # physics-extensions.md: V_NSI carries the same γ(1 − v∥) as the vector potential.
    nsi_boost = gamma_one_minus_vpar(g("v_par"), g("v_perp"))
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
            Vnsi[i, j] += nf[f] * to_ev * nsi_boost * v
            if i != j:
                Vnsi[j, i] += nf[f] * to_ev * nsi_boost * np.conj(v)
    fperp = np.diag([pot[a][1] for a in fl])
    Bpar = g("b_par_gauss")
    Bc = g("b_perp_gauss") * np.exp(-1j * g("b_phi_rad"))
    # moments
    keys = ["e", "mu", "tau"] if cfg.get("moment_basis", "flavour") == "flavour" else ["1", "2", "3"]
    nature = cfg["nature"]

    def mat(entries):
        X = moment_matrix(entries, nature, keys, n)
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
    """|S_ba|² with S the product of the layers' exact exponentials (one layer: the constant
    medium of cfg["medium"]; or cfg["layers"], a list of (medium, length_km))."""
    layers = cfg.get("layers", [(cfg["medium"], cfg["length_km"])])
    S = np.eye(2 * cfg["flavours"], dtype=complex)
    for med, length_km in layers:
        S = expm(-1j * hamiltonian(dict(cfg, medium=med)) * length_km) @ S
    return np.abs(S) ** 2  # [final, initial]


TABLE_COLUMNS = ["rho_g_cm3", "ye", "b_par_gauss", "b_perp_gauss", "b_phi_rad", "v_par", "v_perp",
                 "v_phi_rad", "pol_par", "pol_perp", "pol_phi_rad"]


def write_layer_table(cfg, path):
    """The CSV of cfg["layers"] (x from 0, summed exactly as random_case did; the last row
    closes the last layer)."""
    rows, x = [], 0.0
    for med, length_km in cfg["layers"] + [(cfg["layers"][-1][0], None)]:
        row = [x] + [med.get(k, 0.5 if k == "ye" else 0.0) for k in TABLE_COLUMNS]
        rows.append(",".join(repr(float(v)) for v in row))
        x = float(Fraction(x) + Fraction(length_km)) if length_km is not None else x
    with open(path, "w") as f:
        f.write("x_km," + ",".join(TABLE_COLUMNS) + "\n" + "\n".join(rows) + "\n")


def toml_of(cfg, out):
    n = cfg["flavours"]
    lines = [f'name = "ref"', "[neutrino]", f"flavours = {n}", f'nature = "{cfg["nature"]}"']
    if cfg["nature"] == "dirac":
        lines.append(f'particle = "{cfg.get("particle", "neutrino")}"')
    initial = cfg.get("initial")
    lines.append("initial = " + ('"all"' if initial is None else repr([labels(cfg)[i] for i in initial])))
    lines.append("[mixing]")
    if "mass_matrix" in cfg:
        rows = [[[float(x.real), float(x.imag)] for x in row] for row in cfg["mass_matrix"]]
        lines.append(f"mass_matrix_ev = {rows!r}")
    elif n == 2:
        lines += [f'theta_deg = {cfg["theta_deg"]!r}', f'dm2_ev2 = {cfg["dm2_ev2"]!r}']
        if cfg["nature"] == "majorana" and "majorana_phases_deg" in cfg:
            lines.append(f'majorana_phases_deg = [{cfg["majorana_phases_deg"][0]!r}]')
    else:
        lines.append(f'preset = "{cfg["preset"]}"')
        names = dict(t12="theta12_deg", t13="theta13_deg", t23="theta23_deg", d="delta_cp_deg",
                     dm21="dm21_ev2", dm31="dm31_ev2")
        lines += [f"{names[k]} = {v!r}" for k, v in cfg.get("params3", {}).items()]
        if cfg["nature"] == "majorana":
            lines.append(f'majorana_phases_deg = {cfg.get("majorana_phases_deg", [0.0, 0.0])!r}')
    if "mass_matrix" not in cfg:
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
    lines.append(f'values_mev = {cfg.get("energies_mev", [cfg["energy_mev"]])!r}')
    lines.append("[medium]")
    if "layers" in cfg:
        # A `steps` table: row i holds layer i from its x to the next row's x.
        lines += ['kind = "table"', f'file = "{cfg["table_file"]}"', 'interpolation = "steps"']
    else:
        lines.append('kind = "constant"')
        for k, v in cfg["medium"].items():
            lines.append(f"{k} = {v!r}")
    lines.append("[track]")
    lines.append("start_km = 0.0")
    lines.append(f'end_km = {cfg["length_km"]!r}')
    lines.append("[solver]")
    lines.append(f'method = "{cfg.get("method", "layers")}"')
    for k in ("rtol", "atol"):
        if k in cfg:
            lines.append(f"{k} = {cfg[k]!r}")
    if "arrival" in cfg:
        lines += ["[arrival]", cfg["arrival"]]
    lines.append("[output]")
    lines.append(f'file = "{out}"')
    lines.append("profile_samples = 0")
    return "\n".join(lines) + "\n"


def nuspin_probs(cfg, exe, tmp):
    path = os.path.join(tmp, "ref.toml")
    out = os.path.join(tmp, "ref.h5")
    if "layers" in cfg:
        cfg = dict(cfg, table_file=os.path.join(tmp, "layers.csv"))
        write_layer_table(cfg, cfg["table_file"])
    with open(path, "w") as f:
        f.write(toml_of(cfg, out))
    r = subprocess.run([exe, "run", path, "-o", out, "--force", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    with h5py.File(out) as h:
        p = h["probability"][:, -1]  # [nE, nI, 2N]
    if "energies_mev" in cfg:
        return np.transpose(p, (0, 2, 1))  # [energy, final, initial]
    return p[0].T  # [final, initial]; the initial states in cfg["initial"] order when given


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


# ---------------------------------------------------------------------------------------------
# Randomised mode (--random N --seed S): configurations drawn within the documented limits.

FLAVOURS = ["e", "mu", "tau"]


def labels(cfg):
    """The 2N state labels in block order (docs/scenario.md, State labels)."""
    fl = FLAVOURS[: cfg["flavours"]]
    if cfg["nature"] == "majorana":
        a, b = "nu_", "nubar_"
    elif cfg.get("particle", "neutrino") == "neutrino":
        a, b = "nu_", "nuR_"
    else:
        a, b = "nubar_", "nubarL_"
    return [a + f for f in fl] + [b + f for f in fl]


def log_uniform(rng, lo, hi):
    return float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))


def random_direction(rng):
    """(parallel, transverse magnitude, azimuth) of an isotropic unit vector."""
    c = rng.uniform(-1, 1)
    return c, float(np.sqrt(1 - c * c)), float(rng.uniform(-np.pi, np.pi))


def random_mixing(rng, c):
    """Angles over their whole range (sometimes exactly 0 or 90°), splittings over decades,
    both orderings, Majorana phases, lightest mass 0 or 1e-4 … 1 eV."""
    angle = lambda: float(rng.choice([0.0, 90.0])) if rng.random() < 0.08 else float(rng.uniform(0, 90))
    if c["flavours"] == 2:
        c["theta_deg"], c["dm2_ev2"] = angle(), log_uniform(rng, 1e-6, 1e-1)
        c["majorana_phases_deg"] = [float(rng.uniform(0, 360))]
    else:
        dm21 = log_uniform(rng, 1e-6, 1e-3)
        dm31 = dm21 * log_uniform(rng, 1.5, 300) * float(rng.choice([1, -1]))
        c["preset"] = "nufit-5.2-io" if dm31 < 0 else "nufit-5.2-no"
        c["params3"] = dict(t12=angle(), t13=angle(), t23=angle(), d=float(rng.uniform(0, 360)),
                            dm21=dm21, dm31=dm31)
        c["majorana_phases_deg"] = [float(rng.uniform(0, 360)), float(rng.uniform(0, 360))]
    c["lightest_mass_ev"] = 0.0 if rng.random() < 0.3 else log_uniform(rng, 1e-4, 1.0)


def random_moments(rng, c, mu_scale):
    """Magnetic and electric moments of size mu_scale (μ_B), real or complex, in the flavour
    or the mass basis; Dirac diagonals too."""
    n, dirac = c["flavours"], c["nature"] == "dirac"
    c["moment_basis"] = str(rng.choice(["flavour", "mass"]))
    keys = FLAVOURS[:n] if c["moment_basis"] == "flavour" else ["1", "2", "3"][:n]
    for kind, p_on in (("magnetic", 0.7), ("electric", 0.4)):
        entries = {}
        for i in range(n):
            for j in range(i, n):
                if (i == j and not dirac) or rng.random() > p_on:
                    continue
                size = mu_scale * log_uniform(rng, 0.1, 1.0) * float(rng.choice([1, -1]))
                if i != j and rng.random() < 0.6:
                    ph = rng.uniform(-np.pi, np.pi)
                    entries[f"{keys[i]}_{keys[j]}"] = [size * float(np.cos(ph)), size * float(np.sin(ph))]
                else:
                    entries[f"{keys[i]}_{keys[j]}"] = size
        c[kind] = entries


def random_flow(rng, med):
    """A velocity up to the documented |v| < 1 (1 − |v| down to 1e-15) and a polarization
    |ζ| ≤ 1, both in arbitrary directions."""
    if rng.random() < 0.5:
        speed = float(rng.uniform(0, 0.99)) if rng.random() < 0.5 else 1 - log_uniform(rng, 1e-15, 1e-1)
        par, perp, phi = random_direction(rng)
        med.update(v_par=speed * par, v_perp=speed * perp, v_phi_rad=phi)
    if rng.random() < 0.4:
        size = 1.0 if rng.random() < 0.2 else float(rng.uniform(0, 1))
        par, perp, phi = random_direction(rng)
        med.update(pol_par=size * par, pol_perp=size * perp, pol_phi_rad=phi)


def random_medium(rng, c, w_ev, mu_scale, m_max):
    """Each term scaled to the vacuum term w_ev = |Δm²|/2E times 10^(−2 … 2) so that it can
    matter, within the documented limits (ρ ≤ 1e14 g/cm³, 0 ≤ Y_e ≤ 1)."""
    med = {}
    e_ev = c["energy_mev"] * 1e6
    wide = 10.0 ** (3 * (rng.random() < 0.2))  # one case in five: terms 1e-5 … 1e5 of vacuum
    if rng.random() < 0.85:
        v_target = w_ev * log_uniform(rng, 1e-2 / wide, 1e2 * wide)
        ye = float(rng.choice([0.0, 1.0])) if rng.random() < 0.1 else float(rng.uniform(0, 1))
        rho = min(v_target / (7.6325e-14 * max(ye, 0.05)), 1e14)
        if rng.random() < 0.7:
            med.update(rho_g_cm3=rho, ye=ye)
        else:
            med.update(ne_cm3=rho * ye * NA, nn_cm3=rho * (1 - ye) * NA)
    mu_ev = mu_scale * MUB
    if rng.random() < 0.7:
        med["b_perp_gauss"] = w_ev * log_uniform(rng, 1e-2 / wide, 1e1 * wide) / mu_ev
        med["b_phi_rad"] = float(rng.uniform(-np.pi, np.pi))
    if rng.random() < 0.5:
        # B∥ acts through μ m B∥/E; with m = 0 draw it as if m were 0.05 eV.
        med["b_par_gauss"] = w_ev * log_uniform(rng, 1e-2 / wide, 1e1 * wide) * e_ev / (mu_ev * max(m_max, 0.05))
        med["b_par_gauss"] *= float(rng.choice([1, -1]))
    if "rho_g_cm3" in med or "ne_cm3" in med:
        random_flow(rng, med)
    return med


def as_rho_ye(med):
    """A layer for the table, whose columns are ρ and Y_e (n_e, n_n converted)."""
    med = dict(med)
    if "ne_cm3" in med:
        ne, nn = med.pop("ne_cm3"), med.pop("nn_cm3")
        med["rho_g_cm3"], med["ye"] = (ne + nn) / NA, ne / (ne + nn) if ne + nn > 0 else 0.5
    return med


def total_phase(c):
    """Σ over layers of (λ_max − λ_min) L: the accumulated phase that sets the round-off."""
    phase = 0.0
    for med, length_km in c.get("layers", [(c["medium"], c["length_km"])]):
        ev = np.linalg.eigvalsh(hamiltonian(dict(c, medium=med)))
        phase += (ev[-1] - ev[0]) * length_km
    return phase


def random_nsi(rng, c):
    """ε^f for f = e, u, d, complex off the diagonal, |ε| ≤ 0.5."""
    fl = FLAVOURS[: c["flavours"]]
    keys = [a + b for i, a in enumerate(fl) for b in fl[i:]]
    nsi = {}
    for f in ("e", "u", "d"):
        entries = {}
        for k in keys:
            if rng.random() < 0.5:
                continue
            x = float(rng.uniform(-0.5, 0.5))
            diag = k[: len(k) // 2] == k[len(k) // 2:]
            entries[k] = x if diag or rng.random() < 0.3 else [x, float(rng.uniform(-0.5, 0.5))]
        if entries:
            nsi[f] = entries
    if nsi:
        c["nsi"] = nsi


def plain(x):
    """numpy scalars to Python ones, so that repr() writes TOML numbers."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x.item() if isinstance(x, np.generic) else x


def random_case(rng):
    c = {}
    c["nature"], particle = [("majorana", None), ("dirac", "neutrino"), ("dirac", "antineutrino")][rng.integers(3)]
    if particle:
        c["particle"] = particle
    c["flavours"] = int(rng.choice([2, 3]))
    random_mixing(rng, c)
    dm = [0.0, c["dm2_ev2"]] if c["flavours"] == 2 else [0.0, c["params3"]["dm21"], c["params3"]["dm31"]]
    m = masses(c["flavours"], dm[1], dm[-1] if c["flavours"] == 3 else 0, c["lightest_mass_ev"])
    # keV … GeV, at least the documented 10 × the heaviest mass.
    c["energy_mev"] = max(log_uniform(rng, 1e-3, 1e3), 10.5 * m.max() * 1e-6)
    w_ev = max(abs(x) for x in dm) / (2 * c["energy_mev"] * 1e6)
    mu_scale = log_uniform(rng, 1e-13, 1e-10)
    random_moments(rng, c, mu_scale)
    n_layers = int(rng.integers(2, 6)) if rng.random() < 0.3 else 1
    meds = [random_medium(rng, c, w_ev, mu_scale, m.max()) for _ in range(n_layers)]
    if n_layers > 1:
        meds = [as_rho_ye(med) for med in meds]
    no_flow = all(med.get(k, 0.0) == 0.0 for med in meds for k in ("v_perp", "pol_par", "pol_perp"))
    if no_flow and rng.random() < 0.4:
        random_nsi(rng, c)
    if rng.random() < 0.3:
        # An energy grid (unsorted, as `values_mev` allows): the layers fast path shares work
        # across energies; every energy is compared.
        extra = [c["energy_mev"] * log_uniform(rng, 1.0, 30.0) for _ in range(int(rng.integers(1, 4)))]
        c["energies_mev"] = [c["energy_mev"]] + [e for e in extra if e != c["energy_mev"]]
    n2 = 2 * c["flavours"]
    if rng.random() < 0.5:
        c["initial"] = [int(i) for i in rng.permutation(n2)[: rng.integers(1, n2 + 1)]]
    # Each layer (or the track): 1e-6 … 3e3 radians of its largest eigenvalue splitting.
    lengths = []
    for med in meds:
        ev = np.linalg.eigvalsh(hamiltonian(dict(c, medium=med)))
        lengths.append(log_uniform(rng, 1e-6, 3e3 / n_layers) / max(ev[-1] - ev[0], 1e-300))
    c["medium"] = meds[0]
    if n_layers == 1:
        c["length_km"] = lengths[0]
    else:
        # The table's x column is the input: each layer is as long as the exact difference of
        # its rows' x (a thin layer after a long one is not the length drawn), and end_km is
        # the last row.
        xs = [0.0]
        for length_km in lengths:
            xs.append(xs[-1] + length_km)
        c["layers"] = [(med, float(Fraction(b) - Fraction(a))) for med, a, b in zip(meds, xs, xs[1:])]
        c["length_km"] = xs[-1]
    return plain(c)


def describe(c):
    med = c["medium"]
    kind = c["nature"] + ("-" + c["particle"] if "particle" in c else "")
    terms = [k for k in ("rho_g_cm3", "ne_cm3", "b_perp_gauss", "b_par_gauss", "v_perp", "pol_par") if k in med]
    terms += [k for k in ("nsi",) if c.get(k)] + [k for k in ("magnetic", "electric") if c.get(k)]
    if "layers" in c:
        kind += f" {len(c['layers'])} layers"
    return f"{kind}-{c['flavours']} E={c['energy_mev']:.2e} MeV L={c['length_km']:.2e} km [{' '.join(terms)}]"


# Tolerances per method: `layers` is exact (round-off grows with the accumulated phase);
# magnus and dop853 are compared with a multiple of their rtol (docs/scenario.md: magnus's
# whole-track error is a fraction of rtol, dop853's roughly 3e4 × rtol on long tracks).
METHOD_RTOL = {"layers": None, "magnus": 1e-9, "dop853": 1e-10}
METHOD_FACTOR = {"layers": 0.0, "magnus": 10.0, "dop853": 3e4}


def moved_terms(c, pr):
    """The terms of TERMS (and the magnetic moments) whose removal moves P by more than 1e-3
    in this case: what the comparison could see."""
    moved = []
    terms = dict(TERMS, magnetic=lambda x: x.__setitem__("magnetic", {}))
    for t, off in terms.items():
        c2 = copy.deepcopy(c)
        if t in ("electric", "maj_phase", "mass", "nsi", "magnetic"):
            off(c2)
        else:  # a medium term: off in every layer (deepcopy kept layer 0 shared with "medium")
            for med in [c2["medium"]] + [m for m, _ in c2.get("layers", [])]:
                off({"medium": med})
        if np.abs(probs(c2)[:, c.get("initial", slice(None))] - pr).max() > 1e-3:
            moved.append(t)
    return moved


def random_mode(args):
    rng = np.random.default_rng(args.seed)
    failures, worst, count = [], {m: 0.0 for m in METHOD_RTOL}, 0
    seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.random):
            c = random_case(rng)
            if args.case is not None and k != args.case:
                continue
            phase = total_phase(c)
            pr = probs(c)
            cols = c.get("initial", list(range(2 * c["flavours"])))
            pr = pr[:, cols]
            for t in moved_terms(c, pr):
                seen[t] = seen.get(t, 0) + 1
            if "energies_mev" in c:
                pr = np.array([probs(dict(c, energy_mev=e))[:, cols] for e in c["energies_mev"]])
                phase = max(total_phase(dict(c, energy_mev=e)) for e in c["energies_mev"])
            for method, rtol in METHOD_RTOL.items():
                cm = dict(c, method=method)
                if rtol:
                    cm["rtol"], cm["atol"] = rtol, 1e-16
                tol = args.tol + 1e-14 * phase + METHOD_FACTOR[method] * (rtol or 0.0)
                try:
                    d = float(np.abs(pr - nuspin_probs(cm, args.nuspin, tmp)).max())
                except RuntimeError as e:
                    failures.append(f"case {k} {method}: nuspin failed: {str(e).strip()[:300]}")
                    continue
                count += 1
                worst[method] = max(worst[method], d / tol)
                if d > tol or args.verbose:
                    print(f"case {k:4d} {method:7s} max|dP| = {d:.2e} (tol {tol:.1e}, phase {phase:.1e}) {describe(c)}")
                if d > tol:
                    failures.append(f"case {k} {method}: max|dP| = {d:.3e} > {tol:.1e}: {describe(c)}")
                    if args.dump:
                        stem = os.path.join(args.dump, f"case{k}-{method}")
                        if "layers" in cm:
                            cm = dict(cm, table_file=stem + ".csv")
                            write_layer_table(cm, cm["table_file"])
                        with open(stem + ".toml", "w") as f:
                            f.write(toml_of(cm, "out.h5"))
        mm_failures, mm_worst = mass_matrix_mode(rng, max(1, args.random // 5), args, tmp)
        wp_failures, wp_worst = decoherence_mode(rng, max(1, args.random // 10), args, tmp)
    print(f"{count} random runs ({args.random} cases x {len(METHOD_RTOL)} methods, seed {args.seed}); "
          "worst max|dP|/tol: " + ", ".join(f"{m} {v:.1e}" for m, v in worst.items()))
    failures += mm_failures + wp_failures
    print(f"{max(1, args.random // 10)} random wave-packet cases in vacuum: worst max|dP| {wp_worst:.1e} (tol 1e-8)")
    print(f"{max(1, args.random // 5)} random mass matrices: worst max|dP|/tol {mm_worst[0]:.1e}, "
          f"masses {mm_worst[1]:.1e} of m_max, |U| {mm_worst[2]:.1e}")
    print("cases in which each term moved P by > 1e-3: "
          + ", ".join(f"{t} {seen.get(t, 0)}" for t in list(TERMS) + ["magnetic"]))
    if args.random >= 20 and args.case is None:
        # A seed whose cases never exercise a term checks nothing about it: pick another.
        failures += [f"no case of seed {args.seed} moved P by > 1e-3 through {t}"
                     for t in list(TERMS) + ["magnetic"] if not seen.get(t)]
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


# ---------------------------------------------------------------------------------------------
# Random mass matrices ([mixing] mass_matrix_ev; docs/physics-extensions.md): masses and |U|
# against numpy's SVD / eigenvectors, P against a Hamiltonian built from M itself.


def moment_matrix(entries, nature, keys, n):
    """The n×n moment matrix from "a_b" entries over `keys` (numbers or [re, im]): the upper
    entries as given, the lower ones antisymmetric (Majorana) or Hermitian (Dirac)."""
    X = np.zeros((n, n), complex)
    for k, val in entries.items():
        a, b = k.split("_")
        i, j = keys.index(a), keys.index(b)
        v = complex(val[0], val[1]) if isinstance(val, list) else complex(val)
        X[i, j] = v
        if i != j:
            X[j, i] = -v if nature == "majorana" else np.conj(v)
    return X


def hamiltonian_from_mass_matrix(c):
    """docs/physics.md's Hamiltonian written with M instead of U and masses, so that no
    factorisation enters:
    Majorana M = U* D U† gives U D² U† = M†M; Dirac M = U D W† gives U D² U† = MM†; the
    B⊥ flip with flavour-basis moments and unpolarised matter at rest needs U only through
    U λ_m U† = λ_f (Dirac) or U* λ_m U† = λ_f (Majorana)."""
    M, E = np.array(c["mass_matrix"]), c["energy_mev"] * 1e6
    med = c["medium"]
    pot = potential(med["rho_g_cm3"] * med["ye"] * NA, med["rho_g_cm3"] * (1 - med["ye"]) * NA, 0, 0, 0, 0, 0, 0)
    V = np.diag([pot["e"][0], pot["mu"][0], pot["mu"][0]]).astype(complex)
    lam = MUB * moment_matrix(c["magnetic"], c["nature"], FLAVOURS, 3) * med["b_perp_gauss"] * np.exp(-1j * med["b_phi_rad"])
    if c["nature"] == "majorana":
        vac = M.conj().T @ M / (2 * E)
        HAA, HBB, HBA = vac + V, vac.conj() - V, lam
        HAB = HBA.conj().T
    elif c["particle"] == "neutrino":
        vac = M @ M.conj().T / (2 * E)
        HAA, HBB, HBA = vac + V, vac, lam
        HAB = HBA.conj().T
    else:
        vac = (M @ M.conj().T / (2 * E)).conj()
        HAA, HBB, HAB = vac - V, vac, -lam.T
        HBA = HAB.conj().T
    H = np.block([[HAA, HAB], [HBA, HBB]]) / HBARC
    return H - np.trace(H).real / 6 * np.eye(6)


def mass_ordering_reference(M, nature):
    """Masses and |U| from numpy: singular values of M (= Takagi values for symmetric M) and
    the eigenvectors of M†M (Majorana) or MM† (Dirac), ordered by the documented rule: ν₁, ν₂
    the pair with the smaller splitting of m², m₂ ≥ m₁, ν₃ the remaining one."""
    K = M.conj().T @ M if nature == "majorana" else M @ M.conj().T
    w, vecs = np.linalg.eigh(K)  # ascending m²
    order = [0, 1, 2] if w[1] - w[0] < w[2] - w[1] else [1, 2, 0]
    return np.linalg.svd(M, compute_uv=False)[::-1][order], np.abs(vecs[:, order])


def random_mass_matrix_case(rng):
    """A random complex symmetric (Majorana) or general (Dirac) M, sometimes of rank 2, with
    entries 1e-3 … 0.3 eV, in matter with B⊥ and flavour-basis magnetic moments."""
    nature, particle = [("majorana", None), ("dirac", "neutrino"), ("dirac", "antineutrino")][rng.integers(3)]
    scale = log_uniform(rng, 1e-3, 0.3)
    A = (rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))) * scale
    if rng.random() < 0.2:  # rank 2: one massless state
        u, sv, vh = np.linalg.svd(A)
        A = u @ np.diag([sv[0], sv[1], 0.0]) @ vh
    M = (A + A.T) / 2 if nature == "majorana" else A
    if rng.random() < 0.2:
        M = M.real.astype(complex)
    c = dict(flavours=3, nature=nature, mass_matrix=M.tolist(), moment_basis="flavour", electric={})
    if particle:
        c["particle"] = particle
    sv = np.linalg.svd(M, compute_uv=False)
    c["energy_mev"] = max(log_uniform(rng, 1e-3, 1e2), 10.5 * sv.max() * 1e-6)
    w2 = np.sort(sv**2)
    w_ev = (w2[2] - w2[0]) / (2 * c["energy_mev"] * 1e6)
    mu = log_uniform(rng, 1e-13, 1e-10)
    c["magnetic"] = {"e_mu": [mu, -0.3 * mu], "mu_tau": 0.7 * mu}
    if nature == "dirac":
        c["magnetic"]["e_e"] = 0.5 * mu
    c["medium"] = dict(rho_g_cm3=w_ev * log_uniform(rng, 1e-2, 1e2) / 7.6325e-14 / 0.5, ye=float(rng.uniform(0, 1)),
                       b_perp_gauss=w_ev * log_uniform(rng, 1e-2, 1e1) / (mu * MUB),
                       b_phi_rad=float(rng.uniform(-np.pi, np.pi)))
    ev = np.linalg.eigvalsh(hamiltonian_from_mass_matrix(c))
    c["length_km"] = log_uniform(rng, 1e-3, 3e3) / (ev[-1] - ev[0])
    return plain(c)


def mass_matrix_mode(rng, n_cases, args, tmp):
    """Returns (failures, worst |ΔP|/tol, worst mass error relative to m_max, worst |Δ|U||)."""
    failures, worst = [], [0.0, 0.0, 0.0]
    for k in range(n_cases):
        c = random_mass_matrix_case(rng)
        c["mass_matrix"] = np.array(c["mass_matrix"])
        H = hamiltonian_from_mass_matrix(c)
        ev = np.linalg.eigvalsh(H)
        tol = args.tol + 1e-14 * (ev[-1] - ev[0]) * c["length_km"]
        pr = np.abs(expm(-1j * H * c["length_km"])) ** 2
        m_ref, absU_ref = mass_ordering_reference(c["mass_matrix"], c["nature"])
        p_nu = nuspin_probs(c, args.nuspin, tmp)
        with h5py.File(os.path.join(tmp, "ref.h5")) as h:
            m = h["mixing/masses_ev"][()]
            U = h["mixing/pmns"][()]
        absU = np.abs(U[..., 0] + 1j * U[..., 1])
        dm, dU = float(np.abs(m - m_ref).max() / m_ref.max()), float(np.abs(absU - absU_ref).max())
        dP = float(np.abs(p_nu - pr).max())
        worst = [max(worst[0], dP / tol), max(worst[1], dm), max(worst[2], dU)]
        bad = dP > tol or dm > 1e-12 or dU > 1e-8
        if bad or args.verbose:
            print(f"mass matrix {k:3d} {c['nature']}-{c.get('particle', '')}: max|dP| = {dP:.2e} (tol {tol:.1e}), "
                  f"masses {dm:.1e} of m_max, |U| {dU:.1e}")
        if bad:
            failures.append(f"mass matrix case {k}: dP {dP:.2e}, masses {dm:.1e}, |U| {dU:.1e}")
    return failures, worst


# ---------------------------------------------------------------------------------------------
# Wave-packet decoherence in vacuum ([arrival] wave_packet) against the closed form of
# docs/physics-extensions.md: each interference term damped by exp(−(L/L_coh,ij)²),
# L_coh = 4√2 E² σ_x/|Δm²_ij|.


def decoherent_closed_form(c, sigma_x_km):
    """P(α → β) of the active block, [final, initial], Dirac or Majorana neutrinos."""
    n, E, L = c["flavours"], c["energy_mev"] * 1e6, c["length_km"]
    if n == 2:
        th = np.radians(c["theta_deg"])
        U = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]], complex)
        m2 = np.array([0.0, c["dm2_ev2"]])
    else:
        p = c["params3"]
        U = pmns(p["t12"], p["t13"], p["t23"], p["d"])
        m2 = np.array([0.0, p["dm21"], p["dm31"]])
    P = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            tot = sum(abs(U[a, i]) ** 2 * abs(U[b, i]) ** 2 for i in range(n))
            for i in range(n):
                for j in range(i):
                    dm2 = m2[i] - m2[j]
                    phi = dm2 * L / (2 * E) / HBARC
                    lcoh = 4 * np.sqrt(2) * E**2 * sigma_x_km / abs(dm2)  # E²/Δm² is dimensionless
                    w = U[a, i].conj() * U[b, i] * U[a, j] * U[b, j].conj()
                    tot += 2 * (w * np.exp(-1j * phi)).real * np.exp(-((L / lcoh) ** 2))
            P[b, a] = tot
    return P


def decoherence_mode(rng, n_cases, args, tmp):
    """Random vacuum cases (2 and 3 flavours, random angles, splittings, energies) with a
    packet width that puts L/L_coh of the largest splitting between 1e-2 and 10."""
    failures, worst = [], 0.0
    for k in range(n_cases):
        c = dict(nature="dirac", particle="neutrino", flavours=int(rng.choice([2, 3])), magnetic={}, electric={},
                 medium=dict(rho_g_cm3=0.0), method="magnus", rtol=1e-11, atol=1e-16)
        random_mixing(rng, c)
        c["lightest_mass_ev"], c["majorana_phases_deg"] = 0.0, [0.0] * (c["flavours"] - 1)
        m2 = [c["dm2_ev2"]] if c["flavours"] == 2 else [c["params3"]["dm21"], c["params3"]["dm31"]]
        c["energy_mev"] = log_uniform(rng, 1e-1, 1e3)
        E = c["energy_mev"] * 1e6
        c["length_km"] = log_uniform(rng, 1, 3e3) * 2 * E * HBARC / max(abs(x) for x in m2)
        lcoh_km = c["length_km"] / log_uniform(rng, 1e-2, 10)
        sigma_x_km = lcoh_km * max(abs(x) for x in m2) / (4 * np.sqrt(2) * E**2)
        c = plain(c)
        c["arrival"] = f"wave_packet = {{ sigma_x_nm = {float(sigma_x_km) * 1e12!r} }}"
        c["initial"] = list(range(c["flavours"]))
        nuspin_probs(c, args.nuspin, tmp)
        with h5py.File(os.path.join(tmp, "ref.h5")) as h:
            pd = h["observables/decoherent_probability"][0]  # [nI, 2N]
        ref = decoherent_closed_form(c, sigma_x_km)
        d = float(np.abs(pd[:, : c["flavours"]].T - ref).max())
        worst = max(worst, d)
        if d > 1e-8 or args.verbose:
            print(f"wave packet {k:3d} {c['flavours']} flavours E={c['energy_mev']:.2e} MeV: max|dP| = {d:.2e}")
        if d > 1e-8:
            failures.append(f"wave packet case {k}: max|dP| = {d:.2e}")
    return failures, worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nuspin", default="target/release/nuspin")
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--random", type=int, default=0, metavar="N",
                    help="instead of the fixed cases, N random cases, each run with every method")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--magnus-rtol", type=float, default=1e-9, help="with --random: magnus's rtol")
    ap.add_argument("--dop853-rtol", type=float, default=1e-10, help="with --random: dop853's rtol")
    ap.add_argument("--case", type=int, help="with --random: run only this case (to reproduce one)")
    ap.add_argument("--verbose", action="store_true", help="print every random run")
    ap.add_argument("--dump", help="write the scenario of every failing random run into this folder")
    args = ap.parse_args()
    if args.random:
        METHOD_RTOL.update(magnus=args.magnus_rtol, dop853=args.dop853_rtol)
        if args.tol == 1e-8:
            args.tol = 1e-9
        return random_mode(args)
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
