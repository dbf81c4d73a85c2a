#!/usr/bin/env python3
"""Why an unresolved turbulence mode needs the second Magnus term (docs/physics-extensions.md,
"Turbulent media", cost): a two-level toy, numpy only.

H(t) = H0 + a cos(k t + psi) P on [0, h], with H0 = W diag(-w/2, w/2) W^T (mixing angle 0.4)
and P = diag(1, 0) (a density perturbation: diagonal in the flavour basis, not in H0's
eigenbasis). In the interaction picture of H0, the first Magnus term Omega1 of a mode with
k >> w is bounded (~ a/k), but the second, Omega2, grows linearly with h: it is the secular
effect of the mode, of size ~ a^2 w h / k^2 (times a factor of the mixing angle). The script
compares U = exp(-i H0 h) exp(Omega) with the propagator from a fine exponential-midpoint
integration, for Omega = Omega1 and Omega = Omega1 + Omega2 (both by quadrature on the fine
grid), over steps spanning 50-200 wavelengths.

    python3 scripts/turbulence_secular_check.py
"""
import numpy as np


def expm_h(h_mat, t):
    """exp(-i H t) for Hermitian H."""
    w, v = np.linalg.eigh(h_mat)
    return (v * np.exp(-1j * w * t)) @ v.conj().T


def errors(a, k, om, h, theta=0.4, psi=0.3):
    c, s = np.cos(theta), np.sin(theta)
    w_mat = np.array([[c, -s], [s, c]])
    h0 = w_mat @ np.diag([-om / 2, om / 2]) @ w_mat.T
    p = np.diag([1.0, 0.0])
    n = int(max(2000, 60 * h * max(k, om, a)))
    dt = h / n
    ts = (np.arange(n) + 0.5) * dt
    u = np.eye(2, dtype=complex)
    for t in ts:
        u = expm_h(h0 + a * np.cos(k * t + psi) * p, dt) @ u
    # A(t) = -i e^{i H0 t} V(t) e^{-i H0 t}; Omega2 = 1/2 int [A(t1), int^{t1} A].
    amat = np.array([-1j * expm_h(h0, -t) @ (a * np.cos(k * t + psi) * p) @ expm_h(h0, t) for t in ts])
    omega1 = amat.sum(0) * dt
    running = np.cumsum(amat, 0) * dt - 0.5 * amat * dt
    omega2 = 0.5 * sum(amat[i] @ running[i] - running[i] @ amat[i] for i in range(n)) * dt
    free = expm_h(h0, h)
    first = np.abs(free @ expm_h(1j * omega1, 1.0) - u).max()
    second = np.abs(free @ expm_h(1j * (omega1 + omega2), 1.0) - u).max()
    return first, second, np.abs(omega2).max()


def main():
    print("    a     k    w     h | error: Omega1 only  Omega1+Omega2 |  |Omega2|  a^2 w h/k^2")
    for a, k, om, h in [
        (7e-3, 6, 0.5, 50),
        (7e-3, 6, 0.5, 100),
        (7e-3, 6, 0.5, 200),
        (7e-3, 12, 0.5, 100),
        (1.4e-2, 6, 0.5, 100),
        (7e-3, 6, 1.0, 100),
        (7e-2, 6, 0.5, 100),
    ]:
        e1, e2, o2 = errors(a, k, om, h)
        print(f"{a:7.1e} {k:3} {om:4} {h:5} | {e1:17.2e}  {e2:13.2e} | {o2:9.2e}  {a * a * om * h / k**2:9.2e}")


if __name__ == "__main__":
    main()
