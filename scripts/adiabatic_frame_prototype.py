#!/usr/bin/env python3
"""Feasibility prototype (not used by nuspin): the adiabatic-frame Magnus step for the
single-angle bulb, two flavours, no matter, no moment, in polarisation-vector form.

Every system s (the nu and the nubar of each bin) obeys v_s' = (eps_s b + g(r) d) x v_s with
d = sum_s v_s (nu: v = Bloch vector of rho_LL, eps = +omega_E; nubar: v = -Bloch vector of
rho_RR^T, eps = -omega_E). This is the collective problem of docs/collective.md with the
identity parts dropped (they do not act without a moment).

Step of the prototype ("AFM"), fixed h:
  1. predict d(t) on [0, h] from d' = b x S, S = sum eps_s v_s (S at a few nodes, Chebyshev fit),
     iterated with the states of step 3;
  2. frame R(t) with R(t) z = n(t) = d/|d| (minimal rotation from n(0)), phase Phi = int g|d|;
  3. in the frame rotating with R and Phi every generator is eps_s B(t) - W(t) with two COMMON
     vectors (B = frame image of b, W = frame angular velocity), both O(omega) with the fast
     factor e^{i Phi}: the Magnus terms Omega_1 + Omega_2 of every system are combinations
     (eps, eps^2) of a few common single and double integrals, taken once per step on a fine
     grid that resolves Phi; each system then turns by one rotation.
Compared with fixed-step CF4 (vector form) against a converged CF4 reference.
"""
import sys
import numpy as np
from numpy.polynomial import chebyshev as C

RNU = 10.0
THETA = 0.1
DM2 = -3e-3


def bulb_d(r):
    y = 1.0 / (r / RNU) ** 2
    q = y / (1.0 + np.sqrt(np.maximum(1.0 - y, 0.0)))
    return 0.5 * q * q


def fd(e, mean):
    t = mean / 3.15137
    return e * e / (1.0 + np.exp(e / t))


def setup(nbins, emax=80.0):
    e = (np.arange(nbins) + 0.5) * emax / nbins
    mu0 = lambda mean: 2.128220e5 * 10.0 / mean
    w = {}
    for k, mean in [("e", 10.0), ("eb", 15.0), ("x", 20.0), ("xb", 20.0)]:
        f = fd(e, mean)
        w[k] = mu0(mean) * f / f.sum()
    omega = DM2 / (2 * e * 1e6) * 5.067730716156e9
    v = np.zeros((2 * nbins, 3))
    v[:nbins, 2] = w["e"] - w["x"]
    v[nbins:, 2] = -(w["eb"] - w["xb"])
    eps = np.concatenate([omega, -omega])
    tr = np.concatenate([w["e"] + w["x"], w["eb"] + w["xb"]])
    b = np.array([np.sin(2 * THETA), 0.0, -np.cos(2 * THETA)])
    return v, eps, tr, b


def rot(axis_angle, v):
    """Rotates each v by its rotation vector (Rodrigues); axis_angle broadcastable to v."""
    th = np.linalg.norm(axis_angle, axis=-1, keepdims=True)
    safe = np.where(th > 0, th, 1.0)
    k = axis_angle / safe
    c, s = np.cos(th), np.sin(th)
    kv = np.sum(k * v, axis=-1, keepdims=True)
    out = v * c + np.cross(k, v) * s + k * kv * (1 - c)
    return np.where(th > 0, out, v)


def field(r, v, eps, b):
    d = v.sum(axis=0)
    return eps[:, None] * b[None, :] + bulb_d(r) * d[None, :]


def cf4_step(r, h, v, eps, b):
    f1 = field(r, v, eps, b)
    y2 = rot(0.5 * h * f1, v)
    f2 = field(r + h / 2, y2, eps, b)
    y3 = rot(0.5 * h * f2, v)
    f3 = field(r + h / 2, y3, eps, b)
    y4 = rot(h * (f3 - 0.5 * f1), y2)
    f4 = field(r + h, y4, eps, b)
    a = (3 * f1 + 2 * (f2 + f3) - f4) / 12
    bb = (-f1 + 2 * (f2 + f3) + 3 * f4) / 12
    return rot(h * bb, rot(h * a, v))


def run_cf4(r0, r1, n, v, eps, b):
    h = (r1 - r0) / n
    for i in range(n):
        v = cf4_step(r0 + i * h, h, v, eps, b)
    return v


# ---------------------------------------------------------------- adiabatic-frame step
GL_X, GL_W = np.polynomial.legendre.leggauss(4)
GL_X = 0.5 * (GL_X + 1)  # on [0, 1]
GL_W = 0.5 * GL_W
# INT[j, k]: integral from 0 to GL_X[j] of the Lagrange basis polynomial k (panel of length 1).
_V = np.vander(GL_X, 4, increasing=True)
_coef = np.linalg.inv(_V)  # columns: basis polynomials' coefficients
INT = np.array([[sum(_coef[m, k] * x ** (m + 1) / (m + 1) for m in range(4)) for k in range(4)]
                for x in GL_X])


def rot_min(n0, n):
    """Rotation matrices (..., 3, 3) taking n0 to n along the great circle."""
    ax = np.cross(n0, n)
    s = np.linalg.norm(ax, axis=-1)
    c = np.sum(n0 * n, axis=-1)
    k = ax / np.where(s > 0, s, 1.0)[..., None]
    K = np.zeros(n.shape[:-1] + (3, 3))
    K[..., 0, 1], K[..., 0, 2], K[..., 1, 2] = -k[..., 2], k[..., 1], -k[..., 0]
    K[..., 1, 0], K[..., 2, 0], K[..., 2, 1] = k[..., 2], -k[..., 1], k[..., 0]
    eye = np.eye(3)
    return eye + s[..., None, None] * K + (1 - c)[..., None, None] * (K @ K)


def frame0(n0):
    """A rotation with R z = n0."""
    z = np.array([0.0, 0.0, 1.0])
    return rot_min(z, n0)


def cum(x, panels, dt):
    """Integrals of samples x (fine nodes, (panels*4, 3)) from 0: at panel ends and nodes."""
    xp = x.reshape(panels, 4, 3)
    pan = dt * np.einsum("j,pjk->pk", GL_W, xp)
    start = np.concatenate([np.zeros((1, 3)), np.cumsum(pan, axis=0)])
    inner = start[:-1, None, :] + dt * np.einsum("jk,pkc->pjc", INT, xp)
    return start, inner.reshape(-1, 3)


def afm_step(r, h, v, eps, b, iters=4, nodes=13, per_rad=0.5, filtered=True):
    d0 = v.sum(axis=0)
    s0 = (eps[:, None] * v).sum(axis=0)
    lam0 = bulb_d(r) * np.linalg.norm(d0)
    panels = int(np.ceil(lam0 * h / per_rad)) + 4
    edges = np.linspace(0.0, h, panels + 1)
    dt = h / panels
    tf = (edges[:-1, None] + dt * GL_X[None, :]).ravel()
    xf = 2 * tf / h - 1
    # coarse nodes: Chebyshev points of [0, h] moved to the nearest panel ends
    tc = 0.5 * h * (1 - np.cos(np.pi * np.arange(nodes) / (nodes - 1)))
    ks = np.unique(np.rint(tc / dt).astype(int))
    tc = ks * dt
    xc = 2 * tc / h - 1
    n0 = d0 / np.linalg.norm(d0)
    R0 = frame0(n0)
    u0 = v @ R0  # rows: R0^T v
    S_f = np.repeat(s0[None, :], len(tf), axis=0)
    for it in range(iters):
        # d(t) = d0 + int b x S on the fine grid
        ddf = np.cross(b, S_f)
        d_start, d_in = cum(ddf, panels, dt)
        d_start, df = d0 + d_start, d0 + d_in
        nrm = np.linalg.norm(df, axis=-1)
        nf = df / nrm[:, None]
        lam = bulb_d(r + tf) * nrm
        lam_p = lam.reshape(panels, 4)
        phi_start = np.concatenate([[0.0], np.cumsum(dt * lam_p @ GL_W)])
        phi_f = (phi_start[:-1, None] + dt * lam_p @ INT.T).ravel()
        Rf = rot_min(n0, nf) @ R0
        ndot = (ddf - nf * np.sum(nf * ddf, axis=-1, keepdims=True)) / nrm[:, None]
        twist = -np.sum(n0 * np.cross(nf, ndot), axis=-1) / (1 + nf @ n0)
        wlab = np.cross(nf, ndot) + twist[:, None] * nf
        Bf = np.einsum("tji,j->ti", Rf, b)
        Wf = np.einsum("tji,tj->ti", Rf, wlab)
        cph, sph = np.cos(phi_f), np.sin(phi_f)

        def rzm(x):  # Rz(-Phi) x
            return np.stack([cph * x[:, 0] + sph * x[:, 1], -sph * x[:, 0] + cph * x[:, 1],
                             x[:, 2]], axis=-1)

        Bt, Wt = rzm(Bf), rzm(Wf)
        B1s, B1f = cum(Bt, panels, dt)
        W1s, W1f = cum(Wt, panels, dt)
        # double integrals int_{t2<t1} X(t1) x Y(t2)
        BB_s, _ = cum(np.cross(Bt, B1f), panels, dt)
        BW_s, _ = cum(np.cross(Bt, W1f), panels, dt)
        WB_s, _ = cum(np.cross(Wt, B1f), panels, dt)
        WW_s, _ = cum(np.cross(Wt, W1f), panels, dt)

        def frame_at(k):
            nk = d_start[k] / np.linalg.norm(d_start[k])
            Rk = rot_min(n0, nk) @ R0
            cz, sz = np.cos(phi_start[k]), np.sin(phi_start[k])
            return Rk, np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1.0]])

        def state_at(k):
            e = eps[:, None]
            om = e * B1s[k] - W1s[k] + 0.5 * (e * e * BB_s[k] - e * (BW_s[k] + WB_s[k])
                                              + WW_s[k])
            Rk, rz = frame_at(k)
            return rot(om, u0) @ (Rk @ rz).T

        if it == iters - 1:
            return state_at(panels)
        # S at the coarse nodes, in the frame R (not Phi): a slow part plus e^{i Phi} x slow
        Su = []
        for k in ks:
            Rk, _ = frame_at(k)
            Su.append(Rk.T @ (eps[:, None] * state_at(k)).sum(axis=0))
        Su = np.array(Su)
        m = (len(ks) - 1) // 2 - 1 if filtered else len(ks) - 1
        T = C.chebvander(xc, m)
        zc = Su[:, 0] + 1j * Su[:, 1]
        if filtered:
            ph = np.exp(1j * phi_start[ks])
            coef = np.linalg.lstsq(np.hstack([T, ph[:, None] * T]), zc, rcond=None)[0]
            Tf = C.chebvander(xf, m)
            zf = Tf @ coef[: m + 1] + np.exp(1j * phi_f) * (Tf @ coef[m + 1:])
        else:
            zf = C.chebvander(xf, m) @ np.linalg.lstsq(T, zc, rcond=None)[0]
        zz = C.chebval(xf, C.chebfit(xc, Su[:, 2], len(ks) - 1))
        S_f = np.einsum("tij,tj->ti", Rf, np.stack([zf.real, zf.imag, zz], axis=-1))


def run_afm(r0, r1, n, v, eps, b, **kw):
    h = (r1 - r0) / n
    for i in range(n):
        v = afm_step(r0 + i * h, h, v, eps, b, **kw)
    return v


def pop_err(v, ref, tr):
    return np.max(np.abs(v[:, 2] - ref[:, 2]) / (2 * tr))


def from_dump(path):
    """Initial vectors and the final reference vectors from examples/collective_dump.rs JSON."""
    import json
    j = json.load(open(path))
    e = np.array(j["energies_mev"])
    dg = np.array(j["diag"])
    nb = len(e)
    omega = DM2 / (2 * e * 1e6) * 5.067730716156e9
    v = np.zeros((2 * nb, 3))
    v[:nb, 2] = dg[:, 0] - dg[:, 1]
    v[nb:, 2] = -(dg[:, 2] - dg[:, 3])
    eps = np.concatenate([omega, -omega])
    tr = np.concatenate([dg[:, 0] + dg[:, 1], dg[:, 2] + dg[:, 3]])
    b = np.array([np.sin(2 * THETA), 0.0, -np.cos(2 * THETA)])
    rho = np.array(j["rho"])  # (bins, 16, 2)
    z = (rho[..., 0] + 1j * rho[..., 1]).reshape(nb, 4, 4)
    bloch = lambda m: np.stack([2 * m[:, 0, 1].real, -2 * m[:, 0, 1].imag,
                                (m[:, 0, 0] - m[:, 1, 1]).real], axis=-1)
    nu = bloch(z[:, :2, :2])
    nubar = bloch(np.transpose(z[:, 2:, 2:], (0, 2, 1)))
    ref = np.concatenate([nu, -nubar])
    return v, eps, tr, b, ref, j["steps"]


if __name__ == "__main__" and sys.argv[1] == "--dump":
    # adiabatic_frame_prototype.py --dump REF.json r0 r1 N1,N2,... [CF4.json]: AFM fixed steps
    # against REF (and a CF4 dump against REF), REF/CF4 written by examples/collective_dump.rs
    v, eps, tr, b, ref, steps = from_dump(sys.argv[2])
    r0, r1 = float(sys.argv[3]), float(sys.argv[4])
    # passes of the d(r) iteration per step: AFM_ITERS (default 4; 10 is converged)
    import os
    iters = int(os.environ.get("AFM_ITERS", "4"))
    for n in [int(x) for x in sys.argv[5].split(",")]:
        x = run_afm(r0, r1, n, v, eps, b, iters=iters)
        print(f"AFM {n} steps (h = {(r1 - r0) / n:.2e} km): max |dP| {pop_err(x, ref, tr):.2e}"
              f", max |d rho| {np.max(np.abs(x - ref) / tr[:, None]) / 2:.2e}")
    if len(sys.argv) > 6:
        c, _, _, _, cref, csteps = from_dump(sys.argv[6])
        print(f"CF4 dump ({csteps} steps): max |dP| {pop_err(cref, ref, tr):.2e}")
elif __name__ == "__main__":
    nbins = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    r0, r1 = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0, float(sys.argv[3]) if len(sys.argv) > 3 else 10.5
    v, eps, tr, b = setup(nbins)
    ref = None
    for n in [int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "40000,80000").split(",")]:
        x = run_cf4(r0, r1, n, v, eps, b)
        if ref is not None:
            print(f"CF4 reference {n} steps: change {pop_err(x, ref, tr):.2e}")
        ref = x
    for n in [int(x) for x in (sys.argv[5] if len(sys.argv) > 5 else "1000,2000,4000").split(",")]:
        x = run_cf4(r0, r1, n, v, eps, b)
        print(f"CF4 {n} steps (h = {(r1 - r0) / n:.2e} km): max |dP| {pop_err(x, ref, tr):.2e}")
    for n in [int(x) for x in (sys.argv[6] if len(sys.argv) > 6 else "5,10,20,40").split(",")]:
        x = run_afm(r0, r1, n, v, eps, b)
        print(f"AFM {n} steps (h = {(r1 - r0) / n:.2e} km): max |dP| {pop_err(x, ref, tr):.2e}")
