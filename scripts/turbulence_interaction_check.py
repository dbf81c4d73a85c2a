#!/usr/bin/env python3
"""Feasibility of a step over unresolved turbulence in the interaction picture of the whole
flavour-diagonal part (docs/physics-extensions.md, "Turbulent media"; BENCHMARKS.md, stop 26).
numpy only, ~3 min.

Problem: the e-x two-level block of a 10 MeV neutrino (dm2 = 2.5e-3 eV^2, theta13 = 8.6 deg,
w = dm2/2E = 0.633 /km, off-diagonal kappa = (w/2) sin 2theta = 0.094 /km) on a window
x in [-L/2, L/2] with the smooth potential V0(x) = f Vres (R/(R + x))^3 (R = 2e4 km, the
r^-3 envelope; f = 1 puts the H resonance Vres = w cos 2theta at the centre, f = 3 and 0.3
put the window on the dense and on the dilute side) plus density turbulence
V(x) = V0(x) + f Vres C* delta(x), delta the randomisation-method field (100 modes,
E(k) ~ k^-5/3 between 2pi/lambda* and 2pi/10 km). The turbulence amplitude is taken constant
over the window (not V0(x) C*) so that the diagonal phase below is an exact closed form; this
changes nothing in the conclusion and keeps the method's own quadrature error out of it.

Method (the "all orders in the phase modulation" step): with H = d(x) + kappa sigma_x,
d = diag(V - w cos2theta/2, w cos2theta/2), write psi = exp(-i int d) phi. Then
i phi' = kappa (s(x) sigma_+ + conj(s(x)) sigma_-) phi with s = exp(i theta(x)),
theta(x) = int (V - w cos 2theta) dx a closed-form sum of sines: the density, at every
amplitude, is only in the scalar s. One step of length h is the fourth-order Magnus step
exp(Omega1 + Omega2) with the exact moments of s over the step:
  Omega1 = -i kappa [[0, I], [conj I, 0]],   I = int s,
  Omega2 = -i kappa^2 J sigma_z,             J = int Im(s(x) conj(S(x))) dx, S(x) = int_0^x s,
computed by a composite Simpson rule with nodes 0.1 km apart (resolving every mode: scalar
work only). P = |phi_e|^2 (the diagonal phase does not change flavour probabilities).

Reference: fourth-order Magnus (two Gauss points) in the flavour basis with steps of 0.01 km;
its difference from steps of 0.02 km is printed (< 1e-11).

Output: the largest |Delta P| over the window (P at every step end) against h.

With --region (~30 min): the whole turbulent region of nuspin::reference::turbulence
(1.2e4-4e4 km, V0 = 19.34 (1e4 km / r)^3 /km between the shocks, the tanh envelope with
edge min(lambda*, 2800 km), turbulence V0 (1 + C* F delta)), fixed steps, nu_e at the region's
start; theta by composite Simpson of V on a 0.005 km grid; the same flavour-basis reference
with 0.01 and 0.02 km steps.

With --dressed (~5 min): the frame that keeps the smooth medium in its eigenbasis and strips
only the fast modes' phase w(x) = int V C* delta (the "what is left" idea of the docs). On the
constant window at the resonance of scripts/turbulence_filon_check.py (modes 10-50 km only),
psi = exp(-i w P) phi gives i phi' = (Hm + W) phi with Hm the constant Hamiltonian whose
off-diagonal is kappa m, m = <exp(i w)> over the window, and W = kappa ((exp(i w) - m) sigma_+ +
h.c.); the step is exp(Omega1 + Omega2) of W in the interaction picture of Hm, the moments by
composite Simpson (nodes 0.05 km apart), against the same flavour-basis reference.

    python3 scripts/turbulence_interaction_check.py [--region | --dressed]
"""
import sys

import numpy as np

TAU = 2 * np.pi
W_OSC = 0.633
THETA = np.radians(8.6)
C2, S2 = np.cos(2 * THETA), np.sin(2 * THETA)
KAPPA = W_OSC * S2 / 2
R_KM = 2e4
V_RES = W_OSC * C2


def modes(long_km, short_km, n, seed):
    """Wavenumbers from E(k) ~ k^-5/3 (inverse CDF) and uniform phases."""
    rng = np.random.default_rng(seed)
    e = 1 - 5 / 3
    k0, k1 = TAU / long_km, TAU / short_km
    k = (k0**e + rng.random(n) * (k1**e - k0**e)) ** (1 / e)
    return k, rng.random(n) * TAU


def medium(f, c_star, k, phase):
    """(V(x), theta(x)) for the window: potential and closed-form diagonal phase difference."""
    v_bar = f * V_RES
    amp = v_bar * c_star * np.sqrt(2 / len(k))

    def potential(x):
        return v_bar * (R_KM / (R_KM + x)) ** 3 + amp * np.cos(np.outer(x, k) + phase).sum(1)

    def theta(x):
        smooth = -v_bar * R_KM**3 / (2 * (R_KM + x) ** 2) - W_OSC * C2 * x
        return smooth + amp * (np.sin(np.outer(x, k) + phase) / k).sum(1)

    return potential, theta


def expm2(om):
    """exp of a batch of 2x2 matrices (closed form)."""
    a = (om[:, 0, 0] + om[:, 1, 1]) / 2
    b = om.copy()
    b[:, 0, 0] -= a
    b[:, 1, 1] -= a
    q = np.sqrt(b[:, 0, 0] ** 2 + b[:, 0, 1] * b[:, 1, 0] + 0j)
    sinhc = np.where(q == 0, 1.0, np.sinh(q) / np.where(q == 0, 1, q))
    return np.exp(a)[:, None, None] * (np.cosh(q)[:, None, None] * np.eye(2) + sinhc[:, None, None] * b)


def reference(x0, length, dx, potential):
    """P_ee at every dx along the window, fourth-order Magnus in the flavour basis."""
    n = int(round(length / dx))
    xs = x0 + dx * np.arange(n)
    g = 0.5 / np.sqrt(3)

    def generator(v):
        h = np.zeros((len(v), 2, 2), complex)
        h[:, 0, 0] = v - W_OSC * C2 / 2
        h[:, 1, 1] = W_OSC * C2 / 2
        h[:, 0, 1] = h[:, 1, 0] = KAPPA
        return -1j * h

    a1 = generator(potential(xs + (0.5 - g) * dx))
    a2 = generator(potential(xs + (0.5 + g) * dx))
    steps = expm2(dx * (a1 + a2) / 2 + np.sqrt(3) / 12 * dx**2 * (a2 @ a1 - a1 @ a2))
    psi, p = np.array([1, 0], complex), np.empty(n)
    for i, u in enumerate(steps):
        psi = u @ psi
        p[i] = abs(psi[0]) ** 2
    return p


def moments(theta, a, h, dq):
    """I = int s and J = int Im(s conj S) over [a, a + h], composite Simpson, nodes dq apart."""
    m = max(1, int(round(h / dq)))
    dq = h / m
    xn = a + dq * np.arange(m + 1)
    return simpson_moments(np.exp(1j * theta(xn)), np.exp(1j * theta(xn[:-1] + dq / 2)), dq)


def simpson_moments(sn, sm, dq):
    """(I, J) from s at the nodes (sn) and at the midpoints (sm) of sub-intervals dq long."""
    big_s = np.concatenate([[0], np.cumsum(dq / 6 * (sn[:-1] + 4 * sm + sn[1:]))])
    s_mid = big_s[:-1] + dq / 24 * (5 * sn[:-1] + 8 * sm - sn[1:])
    fn, fm = np.imag(sn * np.conj(big_s)), np.imag(sm * np.conj(s_mid))
    return big_s[-1], np.sum(dq / 6 * (fn[:-1] + 4 * fm + fn[1:]))


def magnus_step(psi, i1, j2):
    """exp(Omega1 + Omega2) psi for the moments (I, J)."""
    om = np.zeros((1, 2, 2), complex)
    om[0, 0, 1], om[0, 1, 0] = -1j * KAPPA * i1, -1j * KAPPA * np.conj(i1)
    om[0, 0, 0], om[0, 1, 1] = -1j * KAPPA**2 * j2, 1j * KAPPA**2 * j2
    return expm2(om)[0] @ psi


def interaction_steps(x0, length, h, theta, dq=0.1):
    """P_ee at every step end of the interaction-picture Magnus step."""
    n = int(round(length / h))
    psi, p = np.array([1, 0], complex), np.empty(n)
    for j in range(n):
        psi = magnus_step(psi, *moments(theta, x0 + j * h, h, min(dq, h / 2)))
        p[j] = abs(psi[0]) ** 2
    return p


def region_theta(c_star, long_km, dq):
    """(V(x), theta on the grid dq/2 apart) over the region (module docs, --region)."""
    a_km, b_km = 1.2e4, 4e4
    edge_km = min(long_km, (b_km - a_km) / 10)
    k, phase = modes(long_km, 10.0, 100, 1)

    def potential(x):
        out = np.empty_like(x)
        for i in range(0, len(x), 100000):
            xs = x[i : i + 100000]
            f = np.tanh((xs - a_km) / edge_km) * np.tanh((b_km - xs) / edge_km)
            d = np.sqrt(2 / len(k)) * np.cos(np.outer(xs - a_km, k) + phase).sum(1)
            out[i : i + 100000] = 19.34 * (1e4 / xs) ** 3 * (1 + c_star * f * d)
        return out

    n = int(round((b_km - a_km) / dq))
    dv = potential(a_km + dq / 2 * np.arange(2 * n + 1)) - W_OSC * C2
    ve, vm = dv[0::2], dv[1::2]
    th_e = np.concatenate([[0], np.cumsum(dq / 6 * (ve[:-1] + 4 * vm + ve[1:]))])
    th = np.empty(2 * n + 1)
    th[0::2], th[1::2] = th_e, th_e[:-1] + dq / 24 * (5 * ve[:-1] + 8 * vm - ve[1:])
    return potential, th


def region_steps(th, dq, h):
    """P_ee at every step end, the moments taken from theta on the grid."""
    m = int(round(h / dq))
    s = np.exp(1j * th)
    n = (len(th) - 1) // (2 * m)
    psi, p = np.array([1, 0], complex), np.empty(n)
    for j in range(n):
        seg = s[2 * m * j : 2 * m * (j + 1) + 1]
        psi = magnus_step(psi, *simpson_moments(seg[0::2], seg[1::2], dq))
        p[j] = abs(psi[0]) ** 2
    return p


def whole_region():
    dq = 0.01
    print("whole region 1.2e4-4e4 km, 10 MeV; largest |dP| against the fixed step h (km)")
    for c_star, long_km in [(0.0, 1000), (0.1, 1000)]:
        potential, th = region_theta(c_star, long_km, dq)
        p_ref = reference(1.2e4, 2.8e4, dq, potential)
        self_diff = np.max(abs(p_ref[1::2] - reference(1.2e4, 2.8e4, 2 * dq, potential)))
        print(f"C* = {c_star}, lambda* = {long_km} km: reference self-difference {self_diff:.1e}")
        for h in [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]:
            p = region_steps(th, dq, h)
            stride = int(round(h / dq))
            err = np.max(abs(p - p_ref[stride - 1 :: stride][: len(p)]))
            print(f"  h = {h:<5} {len(p):>7} steps  {err:.1e}", flush=True)


def dressed(c_star, seed, length, hs, dq=0.1):
    """(|m|, largest |dP| for each h) of the dressed-frame step (module docs, --dressed)."""
    k, phase = modes(50.0, 10.0, 100, seed)
    v = W_OSC * C2
    amp = v * c_star * np.sqrt(2 / len(k))

    def potential(x):
        return v + amp * np.cos(np.outer(x, k) + phase).sum(1)

    def w_phase(x):
        return amp * ((np.sin(np.outer(x, k) + phase) - np.sin(phase)) / k).sum(1)

    p_ref = reference(0.0, length, 0.01, potential)
    m = np.mean(np.exp(1j * w_phase(np.linspace(0, length, 200001))))
    ev, vec = np.linalg.eigh(np.array([[v - W_OSC * C2 / 2, KAPPA * m], [KAPPA * np.conj(m), W_OSC * C2 / 2]]))

    def frame(x):
        return np.einsum("ij,nj,kj->nik", vec, np.exp(-1j * np.outer(x, ev)), vec.conj())

    errs = []
    for h in hs:
        n, sub = int(round(length / h)), max(1, int(round(h / dq)))
        d = h / sub
        chi, p = np.array([1, 0], complex), np.empty(n)
        for j in range(n):
            xn = j * h + d / 2 * np.arange(2 * sub + 1)
            e = np.exp(1j * w_phase(xn)) - m
            w = np.zeros((len(xn), 2, 2), complex)
            w[:, 0, 1], w[:, 1, 0] = KAPPA * e, KAPPA * np.conj(e)
            f = frame(xn)
            wt = np.conj(np.transpose(f, (0, 2, 1))) @ w @ f
            we, wm = wt[0::2], wt[1::2]
            q = np.concatenate([np.zeros((1, 2, 2)), np.cumsum(d / 6 * (we[:-1] + 4 * wm + we[1:]), 0)])
            q_mid = q[:-1] + d / 24 * (5 * we[:-1] + 8 * wm - we[1:])
            cn, cm = we @ q - q @ we, wm @ q_mid - q_mid @ wm
            om = -1j * q[-1] - 0.5 * np.sum(d / 6 * (cn[:-1] + 4 * cm + cn[1:]), 0)
            chi = expm2(om[None])[0] @ chi
            p[j] = abs((frame(np.array([(j + 1) * h]))[0] @ chi)[0]) ** 2
        stride = int(round(h / 0.01))
        errs.append(np.max(abs(p - p_ref[stride - 1 :: stride][: len(p)])))
    return abs(m), errs


def main():
    if "--dressed" in sys.argv[1:]:
        hs = [2, 10, 50]
        print("dressed frame, constant window at the resonance, modes 10-50 km, 1000 km")
        for c_star in [0.01, 0.03, 0.1]:
            for seed in [1, 2]:
                am, errs = dressed(c_star, seed, 1000.0, hs)
                cells = "  ".join(f"h = {h}: {e:.1e}" for h, e in zip(hs, errs))
                print(f"C* = {c_star:<5} seed {seed}  |m| = {am:.4f}  {cells}", flush=True)
        return
    if "--region" in sys.argv[1:]:
        whole_region()
        return
    length, dx = 1000.0, 0.01
    x0 = -length / 2
    hs = [0.2, 0.5, 1, 2, 5, 20]
    print(f"window {length:.0f} km, kappa = {KAPPA:.4f} /km; largest |dP| against the step h (km)")
    print("V0/Vres  C*    lambda*  ref(dx)-ref(2dx) " + " ".join(f"h={h:<6}" for h in hs))
    for f in [1.0, 3.0, 0.3]:
        for c_star, long_km in [(0.0, 1000), (0.01, 1000), (0.1, 1000), (0.1, 10000)]:
            k, phase = modes(long_km, 10.0, 100, 1)
            potential, theta = medium(f, c_star, k, phase)
            p_ref = reference(x0, length, dx, potential)
            self_diff = abs(p_ref[-1] - reference(x0, length, 2 * dx, potential)[-1])
            errs = []
            for h in hs:
                p = interaction_steps(x0, length, h, theta)
                stride = int(round(h / dx))
                errs.append(np.max(abs(p - p_ref[stride - 1 :: stride][: len(p)])))
            print(
                f"{f:<8} {c_star:<5} {long_km:<8} {self_diff:<16.1e} "
                + " ".join(f"{e:<8.1e}" for e in errs),
                flush=True,
            )


if __name__ == "__main__":
    main()
