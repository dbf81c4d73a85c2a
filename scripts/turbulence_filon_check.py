#!/usr/bin/env python3
"""Feasibility of a Filon (closed-form) Magnus step over unresolved turbulence modes, on the
supernova H resonance (docs/physics-extensions.md, "Turbulent media"; BENCHMARKS.md, stop 25).
numpy only.

Problem: the e-x two-level block at the H resonance of a 10 MeV neutrino (dm2 = 2.5e-3 eV^2,
theta13 = 8.6 deg, so w = dm2/2E = 0.633 /km), on a window of L km where the smooth potential is
constant and equal to the resonance value V = w cos 2theta, with density turbulence
v(x) = V (1 + C* delta(x)), delta the randomisation-method field of src/medium/turbulence.rs
(N modes, E(k) ~ k^-5/3 between 2pi/lambda* and 2pi/lambda_short, envelope F = 1, no clamp:
C* is small enough that 1 + C* delta > 0 on the window, which the script checks).

Filon step of length h: in the interaction picture of the constant Hbar = A + V P, the
perturbation W(t) = V C* delta(x0 + t) P is a finite sum of exponentials, so the first two
Magnus terms are exact closed forms (every mode, every pair of modes):
  Omega1_ab = -i P'_ab sum_j b_j E1(w_ab + kappa_j),
  Omega2 = -1/2 int int_{s<t} [W~(t), W~(s)], with the pair sums
           sum_c P'_ac P'_cb sum_{j,l} b_j b_l E2(w_ac + kappa_j, w_cb + kappa_l),
  E1(nu) = int_0^h e^{i nu t} dt, E2(mu, nu) = int_0^h e^{i mu t} int_0^t e^{i nu s} ds dt,
and U(h) = exp(-i Hbar h) exp(Omega1 + Omega2). The error left is Omega3 and beyond.

Reference: a fine fourth-order Magnus (two-point Gauss) integration with steps dt and dt/2
(their difference bounds the reference's own error, printed).

Output: the largest |Delta P| (P of the two flavours along the window, at every step end)
and |Delta U| at the end, against h, for several C*, lambda*, seeds; and the cost of the
closed forms per step (number of (j, l) pair terms, 4 N^2 D^3).

    python3 scripts/turbulence_filon_check.py
"""
import numpy as np

TAU = 2 * np.pi
W_OSC = 0.633  # dm2/2E in 1/km (2.5e-3 eV^2, 10 MeV)
THETA = np.radians(8.6)


def modes(c_star, long_km, short_km, n, seed):
    """(wavenumbers, phases) drawn as src/medium/turbulence.rs does (distribution, not stream)."""
    rng = np.random.default_rng(seed)
    k0, k1 = TAU / long_km, TAU / short_km
    p = 1 - 5 / 3
    u = rng.random(n)
    k = (k0**p + u * (k1**p - k0**p)) ** (1 / p)
    return k, TAU * rng.random(n)


def hamiltonian_parts():
    c2, s2 = np.cos(2 * THETA), np.sin(2 * THETA)
    a = 0.5 * W_OSC * np.array([[-c2, s2], [s2, c2]], dtype=complex)
    p = np.diag([1.0, 0.0]).astype(complex)
    return a, p, W_OSC * c2


def delta(x, k, phi):
    return np.sqrt(2 / len(k)) * np.cos(np.outer(x, k) + phi).sum(1)


def expm_anti(m):
    """exp(m) for a batch of 2x2 matrices m = -i (Hermitian) (via eigen-decomposition)."""
    h = 1j * m
    h = 0.5 * (h + np.conj(np.swapaxes(h, -1, -2)))
    w, v = np.linalg.eigh(h)
    return (v * np.exp(-1j * w)[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def reference(a, p, v0, c_star, k, phi, length, dt):
    """The propagators at x = 0, dt, 2 dt, ..., length (fourth-order Magnus steps of dt)."""
    n = int(round(length / dt))
    g = 0.5 / np.sqrt(3)
    x0 = np.arange(n) * dt
    h1 = a + (v0 * (1 + c_star * delta(x0 + (0.5 - g) * dt, k, phi)))[:, None, None] * p
    h2 = a + (v0 * (1 + c_star * delta(x0 + (0.5 + g) * dt, k, phi)))[:, None, None] * p
    omega = -0.5j * dt * (h1 + h2) - np.sqrt(3) / 12 * dt**2 * (h2 @ h1 - h1 @ h2)
    steps = expm_anti(omega)
    u = np.eye(2, dtype=complex)
    out = [u]
    for s in steps:
        u = s @ u
        out.append(u)
    return np.array(out)


def phi1(y):
    """(e^{iy} - 1)/(iy), stable for small y."""
    y = np.asarray(y, dtype=float)
    small = np.abs(y) < 1e-8
    ys = np.where(small, 1.0, y)
    val = np.sin(ys) / ys + 1j * 2 * np.sin(ys / 2) ** 2 / ys
    return np.where(small, 1 + 0.5j * y, val)


def filon_step(a, p, v0, c_star, k, phi, x0, h):
    """exp(-i Hbar h) exp(Omega1 + Omega2) over [x0, x0 + h] (module doc)."""
    hbar = a + v0 * p
    lam, q = np.linalg.eigh(hbar)
    pp = np.conj(q.T) @ p @ q
    n = len(k)
    amp = v0 * c_star * np.sqrt(2 / n) / 2
    kappa = np.concatenate([k, -k])
    b = amp * np.exp(1j * np.concatenate([k * x0 + phi, -(k * x0 + phi)]))
    om = lam[:, None] - lam[None, :]
    d = len(lam)
    e1 = lambda nu: h * phi1(nu * h)  # noqa: E731

    def e2(mu, nu):
        # [E1(mu + nu) - E1(mu)] / (i nu); nu = 0 cannot occur for these arguments.
        return (e1(mu + nu) - e1(mu)) / (1j * nu)

    omega1 = np.zeros((d, d), complex)
    for i in range(d):
        for j in range(d):
            omega1[i, j] = -1j * pp[i, j] * (b * e1(om[i, j] + kappa)).sum()
    # I[a, c, b] = sum_{j,l} b_j b_l E2(w_ac + kappa_j, w_cb + kappa_l): int_{s<t} W~(t) W~(s).
    pair = np.zeros((d, d, d), complex)
    bb = np.outer(b, b)
    for i in range(d):
        for c in range(d):
            for j in range(d):
                mu = om[i, c] + kappa[:, None]
                nu = om[c, j] + kappa[None, :]
                pair[i, c, j] = (bb * e2(mu, nu)).sum()
    ww = np.zeros((d, d), complex)  # int int_{s<t} [W~(t) W~(s) - W~(s) W~(t)]
    for i in range(d):
        for j in range(d):
            for c in range(d):
                # W~(s) W~(t): the mode at s is the left factor, so swap the roles.
                mu_t = om[c, j] + kappa[None, :]
                nu_s = om[i, c] + kappa[:, None]
                swapped = (bb * e2(mu_t, nu_s)).sum()
                ww[i, j] += pp[i, c] * pp[c, j] * (pair[i, c, j] - swapped)
    omega2 = -0.5 * ww
    free = q @ np.diag(np.exp(-1j * lam * h)) @ np.conj(q.T)
    inner = expm_anti((omega1 + omega2)[None])[0]
    return free @ q @ inner @ np.conj(q.T), 4 * n * n * d**3


def check(c_star, long_km, short_km, n, seed, length, steps_km, dt=0.02):
    a, p, v0 = hamiltonian_parts()
    k, phi = modes(c_star, long_km, short_km, n, seed)
    xs = np.linspace(0, length, 20001)
    low = (1 + c_star * delta(xs, k, phi)).min()
    assert low > 0, "the clamp would be active: choose a smaller C*"
    ref = reference(a, p, v0, c_star, k, phi, length, dt)
    ref2 = reference(a, p, v0, c_star, k, phi, length, dt / 2)[::2]
    ref_err = np.abs(ref2[-1] - ref[-1]).max()
    rows = []
    for h in steps_km:
        u = np.eye(2, dtype=complex)
        worst_p = 0.0
        cost = 0
        for s in range(int(round(length / h))):
            step, cost = filon_step(a, p, v0, c_star, k, phi, s * h, h)
            u = step @ u
            # ref2 holds the propagator at every multiple of dt.
            r = ref2[int(round((s + 1) * h / dt))]
            worst_p = max(worst_p, np.abs(np.abs(u) ** 2 - np.abs(r) ** 2).max())
        rows.append((h, worst_p, np.abs(u - ref2[-1]).max(), cost))
    return ref_err, low, rows


def phase_rms(c_star, k):
    """The rms phase excursion sigma = V C* sqrt(sum_n (2/N)/(2 k_n^2)) of the modes (rad)."""
    _, _, v0 = hamiltonian_parts()
    return v0 * c_star * np.sqrt((1 / len(k) / k**2).sum())


def main():
    length = 1000.0
    print(f"window {length:.0f} km at the H resonance (V = {hamiltonian_parts()[2]:.3f} /km), N = 100 modes")
    print("fast modes only (wavelengths 10-50 km, all below the 10 km oscillation length x 5):")
    print("   C*    seed  sigma_phase  ref err | max|dP| at h = 10 / 50 / 250 km    (pair terms per step)")
    cases = [(c, 50.0, 10.0, seed) for c in [0.001, 0.003, 0.01, 0.03, 0.1] for seed in (1, 2)]
    cases += [(c, 1000.0, 10.0, 1) for c in (0.001, 0.01, 0.1)]
    for c_star, long_km, short_km, seed in cases:
        if long_km == 1000.0 and c_star == 0.001:
            print("the full spectrum (lambda* = 1000 km: the long modes are resolved, not fast):")
        k, _ = modes(c_star, long_km, short_km, 100, seed)
        ref_err, low, rows = check(c_star, long_km, short_km, 100, seed, length, [10, 50, 250])
        dps = " / ".join(f"{dp:7.1e}" for _, dp, _, _ in rows)
        print(f"  {c_star:<6} {seed:<4} {phase_rms(c_star, k):10.2e}  {ref_err:7.1e} | {dps}    ({rows[0][3]})")


if __name__ == "__main__":
    main()
