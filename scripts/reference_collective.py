#!/usr/bin/env python3
"""An independent reference for `[collective]` runs, written from the collective specification.

It builds the single-angle bulb equations with numpy — per energy bin the 2N×2N amplitude matrix
Ψ of every system (Majorana: one system holding ν and ν̄; Dirac: a neutrino system (ν_L; ν_R)
and an antineutrino system (ν̄_R; ν̄_L)), ρ = Ψ diag(w) Ψ†, vacuum in both helicities, matter
with the charged and the neutral current, the transition-moment term μ B⊥(r) e^{iφ_B(r)}, and the
self-interaction H_νν = D(r/R_ν) blockdiag(A, −Aᵀ) with A = P + Tr(P) 1 (Dirac: A on the
active blocks only) — and the emission weights from luminosity, mean energy and spectral shape
(Fermi–Dirac with degeneracy η, or pinched with α). It integrates i dΨ/dr = H Ψ − Ψ diag(H)
with scipy's DOP853 (rtol 1e-10) and compares with `nuspin run` on the scenario file it writes:
the emitted weights, P(s → j) of every system (/collective/channel_probability and
/probability), the evolved spectra, Tr P, and the helicity-flip fractions per bin and overall.

Cases: Majorana 2 flavours with a transition moment in B⊥ ∝ r⁻²; Dirac 2 flavours with a
moment (both systems); three flavours, Majorana, with two moments; matter with Y_e ≠ ½ and a
moment (the neutral-current term matters once helicities mix); antineutrino-dominated emission;
a pinched ν_e and a degenerate ν̄_e spectrum; and five two-flavour Majorana bulbs without moment
that nuspin runs with the adiabatic-frame stepper (`[collective] method = "afm"`, one with 32
bins under the default "auto"), in vacuum and in matter, both orderings, through the swap (the
script checks that the file says the stepper ran). For every case it also switches terms off in the
reference (the self-interaction, its trace term, the moment, the matter NC term, the field's
twist or its sign, the emission details that distinguish the case, the matter, the ordering) and checks that the result moves by more than 100 × tol, so
agreement cannot come from a term that does nothing. It shares no code with nuspin.

Usage: python scripts/reference_collective.py [--nuspin target/release/nuspin] [--tol 1e-6]
(needs numpy, scipy, h5py). Exit code 1 on any disagreement.
"""
import os

# One BLAS thread: the arrays are small (≤ 32 bins of 4×4), and on a shared 2-core machine
# OpenBLAS's spinning worker threads made scipy's DOP853 step 20× dearer (32 bins: 8 s of CPU
# against 0.5 s for the same 3 543 right-hand sides). Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import copy  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from scipy.integrate import quad, solve_ivp  # noqa: E402

# Constants: physics.md § 1, which nuspin follows (mu_B of CODATA 2018). CODATA 2022's
# mu_B = 5.7883817982e-9 eV/G is 1.3e-9 smaller, and a strongly amplifying bulb magnifies such a
# change ~1e4 times (3 flavours with larger moments: 2.5e-5 in P), so the reference uses the
# same digits as nuspin.
HBARC_EV_KM = 1.973269804e-10
INV_KM_PER_EV = 1.0 / HBARC_EV_KM
HBARC_EV_CM = HBARC_EV_KM * 1e5
GF_EV2 = 1.1663788e-23
SQRT2GF_EV_CM3 = np.sqrt(2.0) * GF_EV2 * HBARC_EV_CM**3  # 1.2674009432e-37 eV cm^3
MU_B_EV_PER_G = 5.7883818060e-9
N_A = 6.02214076e23
ERG_PER_MEV = 1.602176634e-6
C_CM_S = 2.99792458e10


# ---------------------------------------------------------------- emission (spec section 4)
def fermi_integral(k, eta):
    """F_k(eta) = int_0^inf x^k / (e^{x - eta} + 1) dx."""
    f = lambda x: x**k / (np.exp(x - eta) + 1.0) if x - eta < 700 else 0.0
    top = max(eta, 0.0) + 200.0
    return quad(f, 0.0, top, points=[max(eta, 0.0)] if eta > 0 else None, limit=200, epsabs=0, epsrel=1e-13)[0]


def spectrum(species, e_mev):
    """The normalised shape f(E) up to a constant (constants cancel in the bin weights)."""
    mean = species["mean_energy_mev"]
    if "alpha" in species:
        a = species["alpha"]
        return e_mev**a * np.exp(-(a + 1.0) * e_mev / mean)
    eta = species.get("eta", 0.0)
    temp = mean * fermi_integral(2, eta) / fermi_integral(3, eta)  # <E> = T F3/F2
    return e_mev**2 / (np.exp(e_mev / temp - eta) + 1.0)


def mu0_km(species, r_nu_km):
    """Per-species strength (N1): sqrt2 G_F (hbar c)^3 Ndot / (2 pi R_nu^2 c), in km^-1."""
    ndot_per_s = species["luminosity_erg_s"] / (species["mean_energy_mev"] * ERG_PER_MEV)
    r_cm = r_nu_km * 1e5
    return SQRT2GF_EV_CM3 * ndot_per_s / (2.0 * np.pi * r_cm**2 * C_CM_S) * INV_KM_PER_EV


def weights(case, energies_mev):
    """w[s][i]: each species' bins sum to its mu0 exactly (weights proportional to f(E_i))."""
    col = case["collective"]
    out = {}
    for name in ("nu_e", "nubar_e", "nu_x", "nubar_x"):
        f = spectrum(col[name], energies_mev)
        out[name] = mu0_km(col[name], col["r_nu_km"]) * f / f.sum()
    return out


# ---------------------------------------------------------------- single-particle terms
def mixing_matrix(case):
    n = case["flavours"]
    if n == 2:
        th = np.radians(case["theta_deg"])
        u = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]], complex)
        return u, np.array([0.0, case["dm2_ev2"]])
    t12, t13, t23, d = (np.radians(case[k]) for k in ("theta12_deg", "theta13_deg", "theta23_deg", "delta_cp_deg"))
    c12, s12, c13, s13, c23, s23 = np.cos(t12), np.sin(t12), np.cos(t13), np.sin(t13), np.cos(t23), np.sin(t23)
    r23 = np.array([[1, 0, 0], [0, c23, s23], [0, -s23, c23]], complex)
    u13 = np.array([[c13, 0, s13 * np.exp(-1j * d)], [0, 1, 0], [-s13 * np.exp(1j * d), 0, c13]])
    r12 = np.array([[c12, s12, 0], [-s12, c12, 0], [0, 0, 1]], complex)
    return r23 @ u13 @ r12, np.array([0.0, case["dm21_ev2"], case["dm31_ev2"]])


def moment_matrix(case):
    """Flavour-basis moment (units of mu_B): antisymmetric (Majorana) or Hermitian (Dirac)."""
    n = case["flavours"]
    keys = ["e", "mu", "tau"][:n]
    m = np.zeros((n, n), complex)
    for key, val in case.get("moments", {}).items():
        a, b = key.split("_")
        i, j = keys.index(a), keys.index(b)
        val = complex(val[0], val[1]) if isinstance(val, list) else complex(val)  # [re, im]
        m[i, j] = val
        m[j, i] = -val if case["nature"] == "majorana" else np.conj(val)
    return m


def medium_at(case, r_km, switches):
    """Matter potentials V (flavour diagonal, km^-1) and mu_B b = mu_B B_perp e^{i phi_B}
    (km^-1 per mu_B; spec 3.3), phi_B = twist (r - r0) (physics.md 8, supernova)."""
    med = case["medium"]
    n = case["flavours"]
    rho = med["rho0_g_cm3"] * (med["r0_km"] / r_km) ** med["index"]
    ne, nn = rho * med["ye"] * N_A, rho * (1.0 - med["ye"]) * N_A
    nc = 0.0 if switches.get("no_nc") else -0.5 * nn
    to_km = SQRT2GF_EV_CM3 * INV_KM_PER_EV
    v = np.full(n, nc * to_km)
    v[0] += ne * to_km
    b_gauss = med["b0_gauss"] * (med["r0_km"] / r_km) ** med["b_index"]
    phase = np.exp(1j * med.get("twist_rad_per_km", 0.0) * (r_km - med["r0_km"]))
    return np.diag(v).astype(complex), MU_B_EV_PER_G * b_gauss * INV_KM_PER_EV * phase


def geometric_factor(r_km, r_nu_km):
    """D(x) = (1/2)[1 - sqrt(1 - 1/x^2)]^2, written without cancellation for large x."""
    y = (r_nu_km / r_km) ** 2
    return 0.5 * (y / (1.0 + np.sqrt(max(1.0 - y, 0.0)))) ** 2


# ---------------------------------------------------------------- the coupled system
class Bulb:
    """Systems x bins of amplitude matrices, the weights, and the right-hand side."""

    def __init__(self, case, switches):
        self.case, self.sw = case, switches
        self.n = n = case["flavours"]
        self.majorana = case["nature"] == "majorana"
        en = case["energy"]
        self.e_mev = np.linspace(en["min_mev"], en["max_mev"], en["points"])
        self.w = weights(case, self.e_mev)
        u, m2 = mixing_matrix(case)
        # U m^2 U^dag / 2E for every bin (km^-1); the antineutrino blocks use its conjugate.
        k = (u * m2) @ u.conj().T
        self.kin = np.array([k / (2.0 * e * 1e6) * INV_KM_PER_EV for e in self.e_mev])
        self.mom = 0 * moment_matrix(case) if switches.get("no_moment") else moment_matrix(case)
        w = self.w
        nx = [w["nu_x"]] * (n - 1)
        nxb = [w["nubar_x"]] * (n - 1)
        if self.majorana:
            self.wdiag = np.array([np.stack([w["nu_e"], *nx, w["nubar_e"], *nxb], axis=1)])
        else:
            z = [np.zeros_like(w["nu_e"])] * n
            self.wdiag = np.array([np.stack([w["nu_e"], *nx, *z], axis=1),
                                   np.stack([w["nubar_e"], *nxb, *z], axis=1)])
        self.nsys, self.ne, self.d = self.wdiag.shape[0], len(self.e_mev), 2 * n
        self.calls = 0

    def rho(self, psi):
        return np.einsum("sbij,sbj,sbkj->sbik", psi, self.wdiag, psi.conj())

    def self_interaction(self, rho, r_km):
        """g(r) A with A = P + Tr(P) 1 (spec E2/E3); rho_LR never enters."""
        n = self.n
        if self.sw.get("no_nunu"):
            return np.zeros((n, n), complex)
        if self.majorana:
            p = (rho[0, :, :n, :n] - np.swapaxes(rho[0, :, n:, n:], 1, 2)).sum(axis=0)
        else:
            p = (rho[0, :, :n, :n] - np.swapaxes(rho[1, :, :n, :n], 1, 2)).sum(axis=0)
        a = p if self.sw.get("no_trace") else p + np.trace(p) * np.eye(n)
        return geometric_factor(r_km, self.case["collective"]["r_nu_km"]) * a

    def hamiltonians(self, psi, r_km):
        """H[s, bin] (2N x 2N, km^-1) of every system and bin at r."""
        n = self.n
        a = self.self_interaction(self.rho(psi), r_km)
        v, mub = medium_at(self.case, r_km, self.sw)
        h = np.zeros((self.nsys, self.ne, 2 * n, 2 * n), complex)
        k = self.kin
        if self.majorana:
            h[0, :, :n, :n] = k + v + a
            h[0, :, n:, n:] = k.conj() - v - a.T
            h[0, :, :n, n:] = self.mom * mub
            h[0, :, n:, :n] = (self.mom * mub).conj().T
        else:
            h[0, :, :n, :n] = k + v + a
            h[0, :, n:, n:] = k
            h[0, :, :n, n:] = self.mom * mub
            h[0, :, n:, :n] = (self.mom * mub).conj().T
            h[1, :, :n, :n] = k.conj() - v - a.T
            h[1, :, n:, n:] = k.conj()
            h[1, :, :n, n:] = -self.mom.conj() * np.conj(mub)
            h[1, :, n:, :n] = (-self.mom.conj() * np.conj(mub)).conj().T
        return h

    def rhs(self, r_km, y):
        self.calls += 1
        psi = y.reshape(self.nsys, self.ne, self.d, self.d)
        h = self.hamiltonians(psi, r_km)
        diag = np.diagonal(h, axis1=2, axis2=3)
        # i dPsi/dr = H Psi - Psi diag(H): the column phases removed (spec 2.1), |Psi|^2 unchanged.
        return (-1j * (h @ psi - psi * diag[:, :, None, :])).ravel()


def observables(bulb, psi):
    """The quantities of output.md's /collective group for one recorded radius."""
    n = bulb.n
    rho = bulb.rho(psi)
    pops = np.real(np.diagonal(rho, axis1=2, axis2=3))  # [S, nE, 2N]
    chan = np.swapaxes(np.abs(psi) ** 2, 2, 3)  # [S, nE, s, j] = |Psi[j, s]|^2
    total = pops.sum(axis=(0, 2))  # all particles of each bin
    if bulb.majorana:
        left0 = bulb.wdiag[0, :, :n].sum(axis=1)
        change = pops[0, :, :n].sum(axis=1) - left0
        flip = np.abs(change) / total
        flip_all = flip @ total / total.sum()  # the particle-weighted mean of the bins' fractions
        trace_p = pops[0, :, :n].sum() - pops[0, :, n:].sum()
    else:
        sterile = pops[:, :, n:].sum(axis=(0, 2))
        flip, flip_all = sterile / total, sterile.sum() / total.sum()
        trace_p = pops[0, :, :n].sum() - pops[1, :, :n].sum()
    unitarity = np.abs(np.conj(np.swapaxes(psi, 2, 3)) @ psi - np.eye(2 * n)).max()
    return dict(evolved=np.swapaxes(pops, 0, 1), channel=np.swapaxes(chan, 0, 1), flip=flip,
                flip_all=flip_all, trace_p=trace_p, unitarity=unitarity)


def reference(case, switches=None, rtol=1e-10):
    """Integrate the case with DOP853 from the track start through every recorded radius."""
    bulb = Bulb(case, switches or {})
    tr = case["track"]
    psi = np.broadcast_to(np.eye(bulb.d, dtype=complex), (bulb.nsys, bulb.ne, bulb.d, bulb.d)).copy()
    r, out = tr["start_km"], []
    for r_rec in tr["values_km"]:
        if r_rec > r:
            # D'(x) is singular at x = 1 (spec pitfall 8): a small first step from R_nu.
            sol = solve_ivp(bulb.rhs, (r, r_rec), psi.ravel(), method="DOP853", rtol=rtol,
                            atol=rtol * 1e-2, first_step=1e-7)
            if not sol.success:
                raise RuntimeError(sol.message)
            psi, r = sol.y[:, -1].reshape(psi.shape), r_rec
        out.append(observables(bulb, psi))
    res = {k: np.array([o[k] for o in out]) for k in out[0]}
    # record axis second, as in the file: [nE, nX, ...]
    for k in ("evolved", "channel", "flip"):
        res[k] = np.swapaxes(res[k], 0, 1)
    res["emitted"] = np.swapaxes(bulb.wdiag, 0, 1)
    res["calls"] = bulb.calls
    return res


# ---------------------------------------------------------------- the scenario file
def toml_of(case, out):
    n = case["flavours"]
    lines = ['name = "reference-collective"', "[neutrino]", f"flavours = {n}",
             f'nature = "{case["nature"]}"', 'initial = "all"']
    if case["nature"] == "dirac":
        lines.append(f'particle = "{case.get("particle", "neutrino")}"')
    lines.append("[mixing]")
    keys = ["theta_deg", "dm2_ev2"] if n == 2 else [
        "theta12_deg", "theta13_deg", "theta23_deg", "delta_cp_deg", "dm21_ev2", "dm31_ev2"]
    lines += [f"{k} = {case[k]!r}" for k in keys]
    lines += ["[moments]", 'basis = "flavour"',
              "magnetic_mu_b = { " + ", ".join(f"{k} = {v!r}" for k, v in case.get("moments", {}).items()) + " }"]
    en = case["energy"]
    lines += ["[energy]", 'scale = "linear"', f"min_mev = {en['min_mev']!r}", f"max_mev = {en['max_mev']!r}",
              f"points = {en['points']}"]
    lines += ["[medium]", 'kind = "supernova"', "r_max_km = 1e6"]
    lines += [f"{k} = {v!r}" for k, v in case["medium"].items()]
    col = case["collective"]
    lines += ["[collective]", f"r_nu_km = {col['r_nu_km']!r}"]
    if "method" in case:
        lines.append(f'method = "{case["method"]}"')
    for s in ("nu_e", "nubar_e", "nu_x", "nubar_x"):
        lines.append(f"{s} = {{ " + ", ".join(f"{k} = {v!r}" for k, v in col[s].items()) + " }")
    tr = case["track"]
    lines += ["[track]", f"start_km = {tr['start_km']!r}", f"end_km = {tr['values_km'][-1]!r}",
              f"record = {{ values_km = {list(tr['values_km'])!r} }}"]
    lines += ["[solver]", f"rtol = {case.get('nuspin_rtol', 1e-11)!r}"]
    lines += ["[output]", f'file = "{out}"', "profile_samples = 0"]
    return "\n".join(lines) + "\n"


def nuspin_run(case, exe, tmp):
    path, out = os.path.join(tmp, "ref.toml"), os.path.join(tmp, "ref.h5")
    with open(path, "w") as f:
        f.write(toml_of(case, out))
    r = subprocess.run([exe, "run", path, "-o", out, "--force", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"nuspin run failed:\n{r.stderr}\n--- scenario ---\n{toml_of(case, out)}")
    with h5py.File(out) as h:
        c = h["collective"]
        method = h["solver"].attrs["method"]
        return dict(emitted=c["emitted"][()], evolved=c["evolved"][()], channel=c["channel_probability"][()],
                    flip=c["flip"][()], flip_all=c["flip_fraction"][()], trace_p=c["trace_p"][()],
                    probability=h["probability"][()], afm_steps=c["afm_steps"][()],
                    handover_km=c["handover_km"][()],
                    method=method.decode() if isinstance(method, bytes) else str(method))


# ---------------------------------------------------------------- cases
SPECIES = {"nu_e": {"luminosity_erg_s": 1e48, "mean_energy_mev": 10.0},
           "nubar_e": {"luminosity_erg_s": 1e48, "mean_energy_mev": 15.0},
           "nu_x": {"luminosity_erg_s": 1e48, "mean_energy_mev": 20.0},
           "nubar_x": {"luminosity_erg_s": 1e48, "mean_energy_mev": 20.0}}
# Majorana, 2 flavours, inverted ordering, no matter; a transition moment mu_e_mu in
# B_perp = B0 (R_nu/r)^2 large enough that a few per cent of the particles flip helicity.
BASE = dict(flavours=2, nature="majorana", theta_deg=5.7296, dm2_ev2=-3e-2, moments={"e_mu": 3e-16},
            energy=dict(min_mev=5.0, max_mev=35.0, points=4),
            medium=dict(rho0_g_cm3=0.0, r0_km=10.0, index=3, ye=0.5, b0_gauss=1e15, b_index=2),
            collective=dict(r_nu_km=10.0, **copy.deepcopy(SPECIES)),
            track=dict(start_km=10.0, values_km=[12.0, 15.0, 25.0]))


def make_cases():
    # The field's azimuth turns along the track (phi_B = 1 rad/km (r - r0)): its sign is fixed
    # by the convention H_LR = M mu_B B e^{i phi_B} (Dirac nubar: -M* mu_B B e^{-i phi_B}).
    c = copy.deepcopy(BASE)
    c["medium"]["twist_rad_per_km"] = 1.0
    cases = [("majorana-2f-moment", c)]
    c = copy.deepcopy(c)
    c.update(nature="dirac", particle="antineutrino")
    cases.append(("dirac-2f-moment", c))
    c = copy.deepcopy(BASE)
    c.update(flavours=3, theta12_deg=33.41, theta13_deg=8.54, theta23_deg=49.1, delta_cp_deg=197.0,
             dm21_ev2=7.41e-4, dm31_ev2=-2.5e-2, moments={"e_mu": 1e-16, "mu_tau": 1.5e-16})
    del c["theta_deg"], c["dm2_ev2"]
    cases.append(("majorana-3f-moments", c))
    c = copy.deepcopy(BASE)
    c["medium"].update(rho0_g_cm3=1e6, ye=0.4)
    c["moments"] = {"e_mu": 1e-16}
    cases.append(("majorana-2f-matter-ye0.4", c))
    # Dirac in matter: the active block is shifted against the sterile one by V_e, which
    # holds the NC term (-n_n/2); R_nu = 12 km differs from the medium's r0 = 10 km, so
    # D(r/R_nu) and the field B0 (r0/r)^2 are normalised at different radii.
    c = copy.deepcopy(BASE)
    c.update(nature="dirac", particle="neutrino", moments={"e_mu": 1e-16})
    c["medium"].update(rho0_g_cm3=1e6, ye=0.3)
    c["collective"]["r_nu_km"] = 12.0
    c["track"] = dict(start_km=12.0, values_km=[13.0, 16.0, 25.0])
    cases.append(("dirac-2f-matter-ye0.3", c))
    # Dirac, three flavours, normal ordering, in the same matter: a Hermitian moment with a
    # diagonal entry and a complex one (the antineutrinos see -M*).
    c = copy.deepcopy(c)
    c.update(flavours=3, theta12_deg=33.41, theta13_deg=8.54, theta23_deg=49.1, delta_cp_deg=197.0,
             dm21_ev2=7.41e-4, dm31_ev2=2.5e-2, moments={"e_mu": 1e-16, "mu_tau": [5e-17, 3e-17], "e_e": 1e-16})
    del c["theta_deg"], c["dm2_ev2"]
    cases.append(("dirac-3f-matter-complex-moment", c))
    c = copy.deepcopy(BASE)
    c["collective"]["nubar_e"]["luminosity_erg_s"] = 3e48
    c["collective"]["nu_e"]["luminosity_erg_s"] = 5e47
    cases.append(("majorana-2f-nubar-dominated", c))
    c = copy.deepcopy(BASE)
    c["collective"]["nu_e"]["alpha"] = 4.0
    c["collective"]["nubar_e"]["eta"] = 3.0
    c["moments"] = {"e_mu": 1e-16}
    cases.append(("majorana-2f-pinched-degenerate", c))
    return cases + afm_cases()


# The adiabatic-frame stepper (`[collective] method = "afm"`, and "auto" from 32 bins) applies
# to two-flavour Majorana bulbs without a helicity-flip term; it runs from R_nu while the
# collective rate g|P| is at least 10 times the largest vacuum rate, then hands over to CF4.
# These bulbs are scaled so that both parts and the swap fit a short, cheap track: g|P| ~ 1e2
# km^-1 at R_nu against omega <= 0.15 km^-1 (AFM to ~20 km), the swap near g|P| ~ omega
# (~40 km). No field, no moment: the matter term is then the same for nu and nubar.
AFM_BASE = dict(flavours=2, nature="majorana", theta_deg=5.7296, dm2_ev2=-3e-4, moments={},
                energy=dict(min_mev=5.0, max_mev=35.0, points=6),
                medium=dict(rho0_g_cm3=0.0, r0_km=10.0, index=3, ye=0.5, b0_gauss=0.0, b_index=2),
                collective=dict(r_nu_km=10.0, **copy.deepcopy(SPECIES)),
                track=dict(start_km=10.0, values_km=[15.0, 30.0, 80.0]), method="afm")
for _s in AFM_BASE["collective"].values():
    if isinstance(_s, dict):
        _s["luminosity_erg_s"] = 3e48


def afm_cases():
    cases = [("afm-vacuum-inverted", copy.deepcopy(AFM_BASE))]
    c = copy.deepcopy(AFM_BASE)
    c["dm2_ev2"] = 3e-4
    cases.append(("afm-vacuum-normal", c))
    # Matter rho0 (10 km/r)^3: 19 km^-1 at R_nu, an MSW resonance for the normal ordering
    # near 50 km; Y_e != 1/2 (the NC term is common to flavours and cancels without a moment).
    c = copy.deepcopy(AFM_BASE)
    c["medium"].update(rho0_g_cm3=1e5, ye=0.45)
    cases.append(("afm-matter-inverted", c))
    c = copy.deepcopy(c)
    c["dm2_ev2"] = 3e-4
    cases.append(("afm-matter-normal", c))
    # Many bins under the default method: "auto" picks AFM from 32 bins.
    c = copy.deepcopy(AFM_BASE)
    c["energy"] = dict(min_mev=2.0, max_mev=50.0, points=32)
    del c["method"]
    cases.append(("auto-32-bins-inverted", c))
    return cases


def without(term):
    """(case edit, reference-only switches) that remove one term."""
    edits = {
        "nunu": (None, {"no_nunu": True}),
        "trace": (None, {"no_trace": True}),
        "moment": (None, {"no_moment": True}),
        "nc": (None, {"no_nc": True}),
        "ye": (lambda c: c["medium"].__setitem__("ye", 0.5), {}),
        "asymmetry": (lambda c: [c["collective"][s].__setitem__("luminosity_erg_s", 1e48)
                                 for s in ("nu_e", "nubar_e")], {}),
        "shape": (lambda c: [c["collective"][s].pop(k, None) for s, k in (("nu_e", "alpha"), ("nubar_e", "eta"))], {}),
        "third": (lambda c: c.__setitem__("moments", {"e_mu": 1e-16}), {}),
        "imaginary": (lambda c: c["moments"].__setitem__("mu_tau", c["moments"]["mu_tau"][0]), {}),
        "twist": (lambda c: c["medium"].__setitem__("twist_rad_per_km", 0.0), {}),
        "twist_sign": (lambda c: c["medium"].__setitem__("twist_rad_per_km", -c["medium"]["twist_rad_per_km"]), {}),
        "matter": (lambda c: c["medium"].__setitem__("rho0_g_cm3", 0.0), {}),
        "ordering": (lambda c: c.__setitem__("dm2_ev2", -c["dm2_ev2"]), {}),
    }
    return edits[term]


TERMS = {"majorana-2f-moment": ["nunu", "trace", "moment", "twist", "twist_sign"],
         "dirac-2f-moment": ["nunu", "trace", "moment", "twist", "twist_sign"],
         "majorana-3f-moments": ["nunu", "trace", "moment", "third"],
         "majorana-2f-matter-ye0.4": ["nunu", "trace", "moment", "nc", "ye"],
         "dirac-2f-matter-ye0.3": ["nunu", "trace", "moment", "nc", "ye"],
         "dirac-3f-matter-complex-moment": ["nunu", "trace", "moment", "nc", "imaginary"],
         "majorana-2f-nubar-dominated": ["nunu", "trace", "moment", "asymmetry"],
         "majorana-2f-pinched-degenerate": ["nunu", "trace", "moment", "shape"],
         # Without a moment the trace term and the NC term cancel (multiples of 1 per helicity).
         "afm-vacuum-inverted": ["nunu", "ordering"],
         "afm-vacuum-normal": ["nunu", "ordering"],
         "afm-matter-inverted": ["nunu", "ordering", "matter", "ye"],
         "afm-matter-normal": ["nunu", "ordering", "matter", "ye"],
         "auto-32-bins-inverted": ["nunu", "ordering"]}


def distances(a, b):
    """Largest differences, each normalised: populations by the bin's particles, Tr P by all."""
    tot = a["emitted"].sum(axis=(1, 2))  # particles of each bin
    d = dict(channel=np.abs(a["channel"] - b["channel"]).max(),
             evolved=(np.abs(a["evolved"] - b["evolved"]).sum(axis=3).max(axis=2) / tot[:, None]).max(),
             flip=np.abs(a["flip"] - b["flip"]).max(),
             trace_p=np.abs(a["trace_p"] - b["trace_p"]).max() / tot.sum(),
             flip_all=np.abs(a["flip_all"] - b["flip_all"]).max())
    return d


def amplification(case):
    """How much the case amplifies a relative 1e-8 change of mu_B and of the Delta m^2 (both
    runs rtol 1e-12): a measure of how closely two correct codes can agree on it."""
    base = reference(case, rtol=1e-12)
    global MU_B_EV_PER_G
    mu_b = MU_B_EV_PER_G
    MU_B_EV_PER_G = mu_b * (1.0 + 1e-8)
    try:
        by_mu_b = max(distances(base, reference(case, rtol=1e-12)).values()) / 1e-8
    finally:
        MU_B_EV_PER_G = mu_b
    c2 = copy.deepcopy(case)
    for k in ("dm2_ev2", "dm21_ev2", "dm31_ev2"):
        if k in c2:
            c2[k] *= 1.0 + 1e-8
    return by_mu_b, max(distances(base, reference(c2, rtol=1e-12)).values()) / 1e-8


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nuspin", default="target/release/nuspin")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--no-nuspin", action="store_true", help="the reference and its sensitivities only")
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--amplification", action="store_true",
                    help="only print each case's amplification of a 1e-8 change of mu_B and Delta m^2")
    args = ap.parse_args()
    if args.amplification:
        for name, case in make_cases():
            if not args.case or name in args.case:
                print(f"{name:32s} amplification: mu_B %.0f, Delta m^2 %.0f" % amplification(case), flush=True)
        return 0
    failures, worst = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in make_cases():
            if args.case and name not in args.case:
                continue
            t0 = time.process_time()
            ref = reference(case)
            t_ref = time.process_time() - t0
            line = (f"{name:32s} ref {ref['calls']:6d} calls {t_ref:5.1f} s; unitarity {ref['unitarity'].max():.0e}; "
                    f"flip {ref['flip_all'][-1]:.3f}, Tr P {ref['trace_p'][-1]:.4g} km^-1")
            if not args.no_nuspin:
                nus = nuspin_run(case, args.nuspin, tmp)
                d = distances(ref, nus)
                rel_emit = np.abs(nus["emitted"] - ref["emitted"]).max() / ref["emitted"].max()
                sys_rep = 1 if case.get("particle") == "antineutrino" else 0
                d["probability"] = np.abs(nus["probability"] - ref["channel"][:, :, sys_rep]).max()
                d["emitted"] = rel_emit
                worst = max(worst, max(d.values()))
                line += "\n    vs nuspin: " + " ".join(f"{k} {v:.1e}" for k, v in d.items())
                if name.startswith(("afm-", "auto-")):
                    # These cases exist to check the adiabatic-frame stepper: it must have run.
                    steps, hand = int(np.min(nus["afm_steps"])), float(np.max(nus["handover_km"]))
                    line += f"\n    {nus['method']}: AFM steps >= {steps}, hand-over at <= {hand:.2f} km"
                    if nus["method"] != "afm+cf4" or steps <= 0:
                        failures.append(f"{name}: AFM did not run (method {nus['method']}, {steps} AFM steps)")
                failures += [f"{name}: {k} differs by {v:.2e} > {args.tol:g}" for k, v in d.items() if v > args.tol]
            sens = {}
            for term in TERMS[name]:
                edit, sw = without(term)
                c2 = copy.deepcopy(case)
                if edit:
                    edit(c2)
                sens[term] = max(distances(ref, reference(c2, sw, rtol=1e-6)).values())
            line += "\n    moves without: " + " ".join(f"{k} {v:.1e}" for k, v in sens.items())
            failures += [f"{name}: switching off {k} moves the result by only {v:.1e}"
                         for k, v in sens.items() if v < 100 * args.tol]
            print(line, flush=True)
    if not args.no_nuspin:
        print(f"worst difference {worst:.2e} (tol {args.tol:g})")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
