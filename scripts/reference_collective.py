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

Moments: H_LR = Λ† μ_B b with Λ = M − iE the flavour-basis magnetic and electric moments
(Dirac ν̄: −Λᵀ μ_B b*), physics.md's convention, which nuspin follows. The design notes wrote
the Majorana H_LR as M μ_B b: the same up to the sign of block R for a real or imaginary M,
but not for complex entries of different phases (three flavours); the fixed case
majorana-3f-complex-moments shows the difference ("moves without: spec_lr").

Randomised mode: `--random N --seed S` replaces the fixed cases by N cases drawn over what a
user can write (docs/scenario.md):
- 2 flavours (3 in 3.5 cases of 10); Majorana, Dirac ν or Dirac ν̄ (the system /probability
  reports); angles over [0°, 90°], δ over [0°, 360°), |Δm²| (Δm²₃₁) 3e-4 … 3e-2 eV² of either sign,
  Δm²₂₁ = |Δm²₃₁|/(3 … 30);
- R_ν 8 … 20 km; per species a Fermi–Dirac (η −3 … 5, or η = 0) or pinched (α 0.5 … 5) spectrum,
  ⟨E⟩ ν_e 8–14, ν̄_e 11–18, ν_x and ν̄_x 13–24 MeV; ν_e- or ν̄_e-dominated (luminosity ratio
  1.3 … 4), L ~ 1e47 … 1e48 erg/s (R_ν/10 km)² (collective rate g μ₀ ~ 10–100 km⁻¹ at R_ν);
- 2 … 8 bins from 1 … 10 MeV, 5 … 60 MeV wide;
- the `supernova` medium with r0 = R_ν or 0.5 … 1 R_ν: matter in 6 cases of 10 (ρ₀ N_A √2 G_F
  1 … 300 km⁻¹ at r0, index 2, 3 or 1 … 4, Y_e uniform, ½, 0 or 1); in 7 of 10 a moment (μB₀ =
  0.1 … 10 km⁻¹ at r0, B₀ 1e13 … 1e16 G, b_index 2, 3 or 1 … 4, a twist of ±3 rad/km in half,
  b_angle_deg 20° … 160° in 3 of 10 (B∥ must drop out)), magnetic entries each on with
  probability 0.7, real or complex, Dirac diagonals, electric moments in one in four, the flavour
  or (3 in 10) the mass basis; without a moment sometimes a field alone (it must do nothing);
- start at R_ν or up to 1.3 R_ν, 0.3 … 3 R_ν long (shorter where the fastest vacuum rate would
  turn > 200 rad), 1–4 recorded radii (sometimes the start itself);
- `method` "cf4", "auto", absent, or (two-flavour Majorana, also with a moment) "afm", which
  must then start with the adiabatic-frame stepper (`/solver` method `afm+cf4`).
Each case is first run by the reference (rtol `--ref-rtol`, 1e-10) with μ_B and Δm² changed
by 1e-6: a case that amplifies more than `--max-amplification` (1e3) gets its moments and
luminosities halved (three times at most, else it is skipped). nuspin runs at `[solver] rtol`
`--nuspin-rtol` (1e-12); the tolerance is `--tol`. Each case also drops the self-interaction,
the trace term, the moment, the NC term, the twist and the matter (where present) in the
reference and counts how often that moved the result by > 100 tol; with N ≥ 20 a term that
never did fails the run (the seed checks nothing of it). `--only K` reruns case K of a seed,
`--dump DIR` writes the scenario of every failing case, `--verbose` prints every case.
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

# Constants: docs/physics.md, "Units and constants", which nuspin follows (mu_B of
# CODATA 2018). CODATA 2022's mu_B = 5.7883817982e-9 eV/G is 1.3e-9 smaller, and a strongly
# amplifying bulb magnifies such a change ~1e4 times (3 flavours with larger moments: 2.5e-5
# in P), so the reference uses the same digits as nuspin.
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
    """The flavour-basis coupling Lambda = M - i E (magnetic and electric moments, units of mu_B;
    physics.md 6): each antisymmetric (Majorana) or Hermitian (Dirac), given in the flavour or
    the mass basis (X_f = U^* X_m U^dag for Majorana, U X_m U^dag for Dirac)."""
    n = case["flavours"]
    mass = case.get("moment_basis", "flavour") == "mass"
    keys = ["1", "2", "3"][:n] if mass else ["e", "mu", "tau"][:n]

    def mat(entries):
        m = np.zeros((n, n), complex)
        for key, val in entries.items():
            a, b = key.split("_")
            i, j = keys.index(a), keys.index(b)
            val = complex(val[0], val[1]) if isinstance(val, list) else complex(val)  # [re, im]
            m[i, j] = val
            m[j, i] = -val if case["nature"] == "majorana" else np.conj(val)
        if mass:
            u = mixing_matrix(case)[0]
            m = (u.conj() if case["nature"] == "majorana" else u) @ m @ u.conj().T
        return m

    return mat(case.get("moments", {})) - 1j * mat(case.get("electric", {}))


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
    if "b_angle_deg" in med:  # B_par = B cos a drops out (O(m/E)); B_perp = B sin a
        b_gauss *= np.sin(np.radians(med["b_angle_deg"]))
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
            # H_LR = Lambda^dag mu_B b (= -M^* mu_B b for magnetic moments): physics.md's
            # H_BA = U^*[mu_B lambda B_c]U^dag with lambda = U^T Lambda U is Lambda mu_B B_c, and
            # H_LR = H_BA^dag. collective.md 3.3 writes M mu_B b; the two agree up to the sign
            # of block R (a phase convention) for a real or an imaginary M, but not for complex
            # entries of different phases (3 flavours): nuspin follows physics.md.
            lam_h = self.mom.conj().T
            lr = lam_h * mub if not self.sw.get("spec_lr") else -lam_h.conj() * mub
            h[0, :, :n, :n] = k + v + a
            h[0, :, n:, n:] = k.conj() - v - a.T
            h[0, :, :n, n:] = lr
            h[0, :, n:, :n] = lr.conj().T
        else:
            h[0, :, :n, :n] = k + v + a
            h[0, :, n:, n:] = k
            # physics.md: H_LR = Lambda^dag mu_B b (= M mu_B b for Hermitian magnetic M); the
            # antineutrinos' H_AS = mu_B mubar B_c with mubar = -Lambda^T (= -M^* mu_B b^*).
            h[0, :, :n, n:] = self.mom.conj().T * mub
            h[0, :, n:, :n] = self.mom * np.conj(mub)
            h[1, :, :n, :n] = k.conj() - v - a.T
            h[1, :, n:, n:] = k.conj()
            h[1, :, :n, n:] = -self.mom.T * np.conj(mub)
            h[1, :, n:, :n] = -self.mom.conj() * mub
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
    lines += ["[moments]", f'basis = "{case.get("moment_basis", "flavour")}"',
              "magnetic_mu_b = { " + ", ".join(f"{k} = {v!r}" for k, v in case.get("moments", {}).items()) + " }",
              "electric_mu_b = { " + ", ".join(f"{k} = {v!r}" for k, v in case.get("electric", {}).items()) + " }"]
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
    # Majorana, three flavours, complex moments of different phases: the one case where
    # physics.md's H_LR = -M^* mu_B b and collective.md's M mu_B b differ in more than the sign
    # of block R (nuspin follows physics.md; "moves without: spec_lr" shows the difference).
    c = copy.deepcopy(cases[-1][1])
    c["moments"] = {"e_mu": [5e-17, 3e-17], "mu_tau": [-3e-17, 5e-17]}
    cases.append(("majorana-3f-complex-moments", c))
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
        "spec_lr": (None, {"spec_lr": True}),
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
         "majorana-3f-complex-moments": ["nunu", "trace", "moment", "spec_lr"],
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


# ---------------------------------------------------------------- random cases (--random N --seed S)
# Drawn over what a user can write in [collective], [neutrino], [mixing], [moments], [energy],
# the supernova [medium] and [track] (docs/scenario.md), on scales chosen so that every term can
# matter and the reference stays at seconds per case: the collective rate g mu0 at R_nu is
# ~10-100 km^-1 (L ~ 1e47-1e48 erg/s at R_nu = 10 km instead of 1e51), the vacuum, matter and moment rates are
# drawn relative to it, and the track is short enough that the fastest vacuum rate turns <~ 200 rad.
MU_B_G_PER_KM = MU_B_EV_PER_G * INV_KM_PER_EV  # mu B = (mu/mu_B)(B/G) x 29.33 km^-1


def log_uniform(rng, lo, hi):
    return float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))


def random_species(rng, mean_lo, mean_hi):
    s = {"luminosity_erg_s": 1.0, "mean_energy_mev": round(float(rng.uniform(mean_lo, mean_hi)), 3)}
    u = rng.random()
    if u < 0.3:
        s["eta"] = round(float(rng.uniform(-3.0, 5.0)), 3)  # Fermi-Dirac, degenerate or not
    elif u < 0.6:
        s["alpha"] = round(float(rng.uniform(0.5, 5.0)), 3)  # pinched
    return s  # else Fermi-Dirac with eta = 0 (neither key)


def random_emission(rng, r_nu_km):
    """Four species; nu- or nubar-dominated (nu_e against nubar_e luminosity 1.3-4 either way)."""
    col = dict(r_nu_km=r_nu_km, nu_e=random_species(rng, 8.0, 14.0), nubar_e=random_species(rng, 11.0, 18.0),
               nu_x=random_species(rng, 13.0, 24.0), nubar_x=random_species(rng, 13.0, 24.0))
    scale = log_uniform(rng, 1e47, 1e48) * (r_nu_km / 10.0) ** 2  # the same mu0 for any R_nu
    ratio = log_uniform(rng, 1.3, 4.0)
    nu_dominated = rng.random() < 0.5
    col["nu_e"]["luminosity_erg_s"] = scale * (ratio if nu_dominated else 1.0)
    col["nubar_e"]["luminosity_erg_s"] = scale * (1.0 if nu_dominated else ratio)
    for s in ("nu_x", "nubar_x"):
        col[s]["luminosity_erg_s"] = scale * log_uniform(rng, 0.3, 1.5)
    for s in ("nu_e", "nubar_e", "nu_x", "nubar_x"):
        col[s]["luminosity_erg_s"] = float(f"{col[s]['luminosity_erg_s']:.4g}")
    return col, nu_dominated


def random_mixing(rng, c):
    """Angles over [0, 90] deg (delta over [0, 360)), either ordering; |Delta m^2| 3e-4 ... 3e-2 eV^2."""
    sign = float(rng.choice([1.0, -1.0]))
    if c["flavours"] == 2:
        c["theta_deg"] = round(float(rng.uniform(0.0, 90.0)), 4)
        c["dm2_ev2"] = sign * float(f"{log_uniform(rng, 3e-4, 3e-2):.4g}")
    else:
        for k in ("theta12_deg", "theta13_deg", "theta23_deg"):
            c[k] = round(float(rng.uniform(0.0, 90.0)), 4)
        c["delta_cp_deg"] = round(float(rng.uniform(0.0, 360.0)), 3)
        dm31 = log_uniform(rng, 3e-4, 3e-2)
        c["dm21_ev2"] = float(f"{dm31 / log_uniform(rng, 3.0, 30.0):.4g}")
        c["dm31_ev2"] = sign * float(f"{dm31:.4g}")


def random_entries(rng, c, keys, size_mu_b):
    """Majorana: antisymmetric, off-diagonal entries only; Dirac: Hermitian, diagonal entries
    (real) allowed. Each entry on with probability 0.7 (at least one), real or [re, im]."""
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i:] if a != b or c["nature"] == "dirac"]
    on = [p for p in pairs if rng.random() < 0.7] or [pairs[rng.integers(len(pairs))]]
    m = {}
    for a, b in on:
        x = size_mu_b * log_uniform(rng, 0.3, 1.0) * float(rng.choice([1.0, -1.0]))
        if a != b and rng.random() < 0.4:
            ph = rng.uniform(-np.pi, np.pi)
            m[f"{a}_{b}"] = [float(f"{x * np.cos(ph):.4g}"), float(f"{x * np.sin(ph):.4g}")]
        else:
            m[f"{a}_{b}"] = float(f"{x:.4g}")
    return m


def random_moments(rng, c, size_mu_b):
    """Magnetic moments, electric ones in one case in four, in the flavour or (3 in 10) the mass
    basis."""
    c["moment_basis"] = "mass" if rng.random() < 0.3 else "flavour"
    keys = (["1", "2", "3"] if c["moment_basis"] == "mass" else ["e", "mu", "tau"])[: c["flavours"]]
    c["moments"] = random_entries(rng, c, keys, size_mu_b)
    if rng.random() < 0.25:
        c["electric"] = random_entries(rng, c, keys, size_mu_b)


def random_case(rng):
    c = {"flavours": 3 if rng.random() < 0.35 else 2}
    c["nature"], particle = [("majorana", None), ("dirac", "neutrino"), ("dirac", "antineutrino")][rng.integers(3)]
    if particle:
        c["particle"] = particle
    random_mixing(rng, c)
    r_nu = round(float(rng.uniform(8.0, 20.0)), 3)
    c["collective"], nu_dom = random_emission(rng, r_nu)
    n_bins = int(rng.integers(2, 9))
    e_min = round(float(rng.uniform(1.0, 10.0)), 3)
    c["energy"] = dict(min_mev=e_min, max_mev=round(e_min + float(rng.uniform(5.0, 60.0)), 3), points=n_bins)
    # The medium's r0 at or inside R_nu (its profiles start there).
    r0 = r_nu if rng.random() < 0.6 else round(r_nu * float(rng.uniform(0.5, 1.0)), 3)
    med = dict(rho0_g_cm3=0.0, r0_km=r0, index=3, ye=0.5, b0_gauss=0.0, b_index=2)
    if rng.random() < 0.6:
        # rho N_A sqrt2 G_F at r0: 1-300 km^-1
        v_km = log_uniform(rng, 1.0, 300.0)
        med["rho0_g_cm3"] = float(f"{v_km / (N_A * SQRT2GF_EV_CM3 * INV_KM_PER_EV):.4g}")
        med["index"] = float(rng.choice([2.0, 3.0, round(float(rng.uniform(1.0, 4.0)), 3)]))
        u = rng.random()
        med["ye"] = 0.5 if u < 0.15 else 0.0 if u < 0.25 else 1.0 if u < 0.3 else round(float(rng.uniform(0, 1)), 4)
    has_moment = rng.random() < 0.7
    if has_moment:
        # mu B0 x 29.33 km^-1 at r0 of 0.1-10 km^-1; B0 itself 1e13-1e16 G.
        rate_km = log_uniform(rng, 0.1, 10.0)
        med["b0_gauss"] = float(f"{log_uniform(rng, 1e13, 1e16):.4g}")
        med["b_index"] = float(rng.choice([2.0, 3.0, round(float(rng.uniform(1.0, 4.0)), 3)]))
        if rng.random() < 0.5:
            med["twist_rad_per_km"] = round(float(rng.uniform(-3.0, 3.0)), 4)
        if rng.random() < 0.3:
            med["b_angle_deg"] = round(float(rng.uniform(20.0, 160.0)), 3)  # B_par must drop out
        random_moments(rng, c, rate_km / (MU_B_G_PER_KM * med["b0_gauss"]))
    else:
        c["moments"] = {}
        if rng.random() < 0.3:  # a field without moment: must do nothing
            med["b0_gauss"] = 1e15
    c["medium"] = med
    start = r_nu if rng.random() < 0.7 else round(r_nu * float(rng.uniform(1.0, 1.3)), 3)
    # The end where the fastest single-particle rate (vacuum at the lowest energy, matter and the
    # moment at r0; upper bounds) has turned <~ 200 rad, and 1.3-4 R_nu at most.
    en = c["energy"]
    dm2_max = abs(c.get("dm2_ev2", c.get("dm31_ev2")))
    omega_km = dm2_max / (2e6 * en["min_mev"]) * INV_KM_PER_EV
    length = min(r_nu * float(rng.uniform(0.3, 3.0)), 200.0 / omega_km)
    end = round(start + max(length, 0.5), 3)
    n_rec = int(rng.integers(1, 5))
    rec = sorted({round(float(x), 3) for x in rng.uniform(start, end, n_rec - 1)} | {end})
    if rng.random() < 0.1:
        rec = [start] + rec  # a record at the start: the emitted state
    c["track"] = dict(start_km=start, values_km=rec)
    methods = ["cf4", "auto", None]
    if c["flavours"] == 2 and c["nature"] == "majorana":
        methods += ["afm", "afm"]
    m = methods[rng.integers(len(methods))]
    if m:
        c["method"] = m
    c["nu_dominated"] = nu_dom
    return c


def random_terms(c):
    """The switches that can move this case (the trace and NC terms only with a moment)."""
    t = ["nunu"]
    if c["moments"]:
        t += ["trace", "moment"]
        if c["medium"]["rho0_g_cm3"] > 0:
            t.append("nc")
        if c["medium"].get("twist_rad_per_km"):
            t.append("twist")
    if c["medium"]["rho0_g_cm3"] > 0:
        t.append("matter")
    return t


def describe(c):
    med, col = c["medium"], c["collective"]
    mix = (f"th {c['theta_deg']} dm2 {c['dm2_ev2']:.3g}" if c["flavours"] == 2 else
           f"dm21 {c['dm21_ev2']:.3g} dm31 {c['dm31_ev2']:.3g}")
    return (f"{c['flavours']}f {c['nature']}{'/' + c['particle'] if 'particle' in c else ''} {mix}; "
            f"{c['energy']['points']} bins {c['energy']['min_mev']}-{c['energy']['max_mev']} MeV; "
            f"{'nu' if c['nu_dominated'] else 'nubar'}-dom L_nue {col['nu_e']['luminosity_erg_s']:.2g}; "
            f"R_nu {col['r_nu_km']} r0 {med['r0_km']} track {c['track']['start_km']}->{c['track']['values_km'][-1]}; "
            f"rho0 {med['rho0_g_cm3']:.3g} ye {med['ye']}; B0 {med['b0_gauss']:.3g} twist "
            f"{med.get('twist_rad_per_km', 0)} angle {med.get('b_angle_deg', 90)}; moments {c['moments']} "
            f"electric {c.get('electric', {})} basis {c.get('moment_basis', 'flavour')}; method {c.get('method', '-')}")


def quick_amplification(case, base, rel=1e-6):
    """amplification(case) at the reference's own rtol 1e-10 with a 1e-6 change (cheap enough for
    every random case; the rtol-1e-10 noise ~3e-8 is ~3e-2 of a 1e-6 change, so this resolves
    amplifications from ~0.1 on)."""
    global MU_B_EV_PER_G
    amp = 0.0
    if case["moments"] and case["medium"]["b0_gauss"] > 0:
        mu_b = MU_B_EV_PER_G
        MU_B_EV_PER_G = mu_b * (1.0 + rel)
        try:
            amp = max(distances(base, reference(case)).values()) / rel
        finally:
            MU_B_EV_PER_G = mu_b
    c2 = copy.deepcopy(case)
    for k in ("dm2_ev2", "dm21_ev2", "dm31_ev2"):
        if k in c2:
            c2[k] *= 1.0 + rel
    return max(amp, max(distances(base, reference(c2)).values()) / rel)


def shrink(case):
    """Reshape an amplifying case: half the moments, half the luminosities."""
    for k, v in case["moments"].items():
        case["moments"][k] = [x / 2 for x in v] if isinstance(v, list) else v / 2
    for s in ("nu_e", "nubar_e", "nu_x", "nubar_x"):
        case["collective"][s]["luminosity_erg_s"] /= 2


def random_mode(args):
    rng = np.random.default_rng(args.seed)
    failures, worst, seen, skipped, done, methods = [], 0.0, {}, 0, 0, {}
    ref_rtol = args.ref_rtol
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.random):
            case = random_case(rng)
            if args.only is not None and k not in args.only:
                continue
            t0 = time.process_time()
            for attempt in range(4):
                ref = reference(case, rtol=ref_rtol)
                amp = quick_amplification(case, ref)
                if amp <= args.max_amplification:
                    break
                shrink(case)
            else:
                skipped += 1
                print(f"case {k:4d} skipped: amplifies x{amp:.0f} after 3 halvings; {describe(case)}", flush=True)
                continue
            t_ref = time.process_time() - t0
            if args.nuspin_rtol:
                case["nuspin_rtol"] = args.nuspin_rtol
            try:
                nus = nuspin_run(case, args.nuspin, tmp)
            except RuntimeError as e:
                failures.append(f"case {k}: nuspin failed: {str(e).strip()[:400]}")
                print(f"case {k:4d} nuspin failed: {str(e).strip()[:400]}", flush=True)
                continue
            d = distances(ref, nus)
            sys_rep = 1 if case.get("particle") == "antineutrino" else 0
            d["probability"] = np.abs(nus["probability"] - ref["channel"][:, :, sys_rep]).max()
            d["emitted"] = np.abs(nus["emitted"] - ref["emitted"]).max() / ref["emitted"].max()
            dmax = max(d.values())
            worst = max(worst, dmax)
            done += 1
            methods[nus["method"]] = methods.get(nus["method"], 0) + 1
            afm_ok = True
            if case.get("method") == "afm" and nus["method"] != "afm+cf4":
                afm_ok = False  # 2-flavour Majorana: "afm" must start with the AFM stepper
            moved = []
            for term in random_terms(case):
                edit, sw = without(term)
                c2 = copy.deepcopy(case)
                if edit:
                    edit(c2)
                if max(distances(ref, reference(c2, sw, rtol=1e-6)).values()) > 100 * args.tol:
                    moved.append(term)
                    seen[term] = seen.get(term, 0) + 1
            bad = dmax > args.tol or not afm_ok
            if bad or args.verbose:
                print(f"case {k:4d} max|d| {dmax:.2e} ({max(d, key=d.get)}) amp {amp:.0f} ref {t_ref:.1f} s "
                      f"{nus['method']} moves: {' '.join(moved)}\n    {describe(case)}", flush=True)
            if dmax > args.tol:
                failures.append(f"case {k}: differs by {dmax:.2e} > {args.tol:g} in "
                                + ", ".join(f"{n} {v:.1e}" for n, v in d.items() if v > args.tol))
            if not afm_ok:
                failures.append(f"case {k}: method afm but the file says {nus['method']}")
            if bad and args.dump:
                with open(os.path.join(args.dump, f"seed{args.seed}-case{k}.toml"), "w") as f:
                    f.write(toml_of(case, "out.h5"))
    print(f"{done} random cases (seed {args.seed}, {skipped} skipped as amplifying > {args.max_amplification:g}); "
          f"worst difference {worst:.2e} (tol {args.tol:g}); steppers: "
          + ", ".join(f"{m} {n}" for m, n in methods.items()))
    print("cases in which switching a term off moved the result by > 100 tol: "
          + ", ".join(f"{t} {seen.get(t, 0)}" for t in ("nunu", "trace", "moment", "nc", "twist", "matter")))
    if args.random >= 20 and args.only is None:
        failures += [f"no case of seed {args.seed} moved the result through {t}"
                     for t in ("nunu", "trace", "moment", "nc", "twist", "matter") if not seen.get(t)]
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nuspin", default="target/release/nuspin")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--no-nuspin", action="store_true", help="the reference and its sensitivities only")
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--amplification", action="store_true",
                    help="only print each case's amplification of a 1e-8 change of mu_B and Delta m^2")
    ap.add_argument("--random", type=int, help="N random cases instead of the fixed ones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int, action="append", help="with --random: run only these case numbers")
    ap.add_argument("--nuspin-rtol", type=float, default=1e-12, help="with --random: nuspin's [solver] rtol")
    ap.add_argument("--ref-rtol", type=float, default=1e-10, help="with --random: the reference's DOP853 rtol")
    ap.add_argument("--max-amplification", type=float, default=1e3,
                    help="with --random: halve moments and luminosities (3 times at most) while a case amplifies more")
    ap.add_argument("--dump", help="with --random: write the scenario of every failing case here")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.random:
        return random_mode(args)
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
