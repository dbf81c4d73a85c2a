#!/usr/bin/env python3
"""Time Magnus (the `magnuspy` package) on the solar 3-flavour benchmark of BENCHMARKS.md.

Computes P(nu_e -> nu_e) at the solar surface with `magnus.oscprob.osc_prob_3nu_sun` for a
grid of energies, starting at a production radius r0 and going radially out to R_sun, with
nuspin's preset nufit-5.2-no (theta12 33.41, theta13 8.54, theta23 49.1, delta 197 deg,
dm21 7.41e-5, dm31 2.511e-3 eV^2). The first call of the process (which loads, and on a
machine's first run compiles, Magnus's numba kernels) is timed separately from the
`--repeat` calls after it; the median of those is the number to quote.

Usage (from the repository root, in an environment with magnuspy, numpy and h5py):

    python scripts/bench_magnus.py                       # 200 log energies 1-20 MeV, exp Sun
    python scripts/bench_magnus.py --repeat 5 --json out.json
    python scripts/bench_magnus.py --energies-from out/solar.h5 --compare out/solar.h5 \\
        --compare out/truth.h5 --constants nuspin      # nuspin's grid, |dP| against its files
    python scripts/bench_magnus.py --average            # Magnus's phase-averaged probability

Options worth knowing:
  --profile exp | BS05-OP | ...   Magnus's `density_profile` ('exp' = 245 N_A exp(-10.54 r/R_sun),
                                  the same formula as nuspin's `model = "exponential"`).
  --constants magnus | nuspin     'nuspin' overwrites Magnus's km -> 1/eV conversion
                                  (5.06773e9 -> 1/1.973269804e-10) and G_F (1.1663787e-23 ->
                                  1.1663788e-23 eV^-2) with nuspin's before the calls. The surface
                                  probability carries ~1e5-1e6 rad of oscillation phase, so the
                                  1.4e-7 relative difference in the conversion alone moves P_ee by
                                  up to ~1e-2; without aligning them the two codes cannot be
                                  compared below that level (see BENCHMARKS.md). Checked only
                                  with --profile exp.
  --rtol/--atol                   Magnus's stopping rule (its default is 1e-3/1e-3).
  --strategy auto|hybrid|magnus   Magnus's engine choice (default auto).
  --compare FILE.h5               a nuspin output (1 initial state nu_e, record = "end"): reports
                                  max |P_Magnus - P_file| over the energies both have.

Prints a JSON object (timings in seconds, probabilities, comparisons) to stdout, or to --json.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np

NUFIT52_NO = dict(s12=33.41, s23=49.1, s13=8.54, dCP=197.0, D21=7.41e-5, D31=2.511e-3,
                  angles='deg')
NUSPIN_HBARC_EV_KM = 1.973269804e-10
NUSPIN_GF_EV2 = 1.1663788e-23


def align_constants_with_nuspin(gd):
    """Overwrite the Magnus constants the solar wrappers read at call time with nuspin's."""
    gd.CONV_KM_TO_INV_EV = 1.0 / NUSPIN_HBARC_EV_KM
    gd.UNIT_KM = gd.CONV_KM_TO_INV_EV
    gd.CONV_CM_TO_INV_EV = gd.CONV_KM_TO_INV_EV * 1.0e-5
    gd.UNIT_PER_CM3 = 1.0 / gd.CONV_CM_TO_INV_EV**3
    gd.NUM_DENSITY_E_SUN_CENTRAL = 245.0 * gd.N_AV * gd.UNIT_PER_CM3
    gd.L_SCALE_SUN = gd.SUN_RADIUS / 10.54 * gd.UNIT_KM
    gd.GF = NUSPIN_GF_EV2


def read_nuspin(path):
    import h5py
    with h5py.File(path, 'r') as f:
        e = f['energy_mev'][:]
        states = [s.decode() if isinstance(s, bytes) else str(s) for s in f['final_states'][:]]
        p = f['probability'][:, -1, 0, states.index('nu_e')]
        done = f['energy_done'][:] if 'energy_done' in f else np.ones_like(e)
    return e[done == 1], p[done == 1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--emin', type=float, default=1.0, help='MeV (default 1)')
    ap.add_argument('--emax', type=float, default=20.0, help='MeV (default 20)')
    ap.add_argument('--points', type=int, default=200, help='log-spaced energies (default 200)')
    ap.add_argument('--energies-from', metavar='H5', help="use a nuspin file's energy grid")
    ap.add_argument('--r0', type=float, default=0.05, help='production radius, R_sun (0.05)')
    ap.add_argument('--profile', default='exp', help="Magnus density_profile (default 'exp')")
    ap.add_argument('--constants', choices=('magnus', 'nuspin'), default='magnus')
    ap.add_argument('--rtol', type=float, default=None)
    ap.add_argument('--atol', type=float, default=None)
    ap.add_argument('--strategy', default='auto')
    ap.add_argument('--average', action='store_true', help='phase-averaged P (average=True)')
    ap.add_argument('--repeat', type=int, default=3, help='timed calls after the first (3)')
    ap.add_argument('--compare', action='append', default=[], metavar='H5')
    ap.add_argument('--json', metavar='FILE', help='write the JSON here instead of stdout')
    a = ap.parse_args(argv)

    t_import = time.perf_counter()
    import magnus.globaldefs as gd
    import magnus.oscprob as op
    t_import = time.perf_counter() - t_import

    if a.constants == 'nuspin':
        align_constants_with_nuspin(gd)
    if a.energies_from:
        e_mev, _ = read_nuspin(a.energies_from)
    else:
        e_mev = np.logspace(np.log10(a.emin), np.log10(a.emax), a.points)
        e_mev[0], e_mev[-1] = a.emin, a.emax   # end points exact, as nuspin writes them
    r_sun = gd.SUN_RADIUS * gd.UNIT_KM
    kw = dict(NUFIT52_NO, nu_i=gd.NUE, nu_f=gd.NUE, strategy=a.strategy,
              density_profile=a.profile)
    if a.rtol is not None:
        kw['rtol'] = a.rtol
    if a.atol is not None:
        kw['atol'] = a.atol
    if a.average:
        kw['average'] = True

    def call():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            t0, c0 = time.perf_counter(), time.process_time()
            p = op.osc_prob_3nu_sun(e_mev * gd.UNIT_MEV, r_sun, a.r0 * r_sun, **kw)
            t1, c1 = time.perf_counter(), time.process_time()
        kinds = sorted({type(x.message).__name__ for x in w})
        return np.asarray(p, dtype=float), t1 - t0, c1 - c0, len(w), kinds

    p, first_wall, first_cpu, nwarn, kinds = call()
    walls, cpus = [], []
    for _ in range(a.repeat):
        p2, wall, cpu, _, _ = call()
        walls.append(wall)
        cpus.append(cpu)
        assert np.array_equal(p, p2), 'Magnus gave different answers on repeated calls'

    out = {
        'magnus_version': getattr(__import__('magnus.version', fromlist=['x']),
                                  '__version__', None),
        'settings': {'points': len(e_mev), 'emin_mev': float(e_mev.min()),
                     'emax_mev': float(e_mev.max()), 'r0_rsun': a.r0, 'profile': a.profile,
                     'constants': a.constants, 'rtol': a.rtol, 'atol': a.atol,
                     'strategy': a.strategy, 'average': a.average},
        'env': {'NUMBA_NUM_THREADS': os.environ.get('NUMBA_NUM_THREADS'),
                'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS'),
                'cpu_count': os.cpu_count()},
        'import_s': t_import,
        'first_call_wall_s': first_wall,
        'first_call_cpu_s': first_cpu,
        'wall_s': walls,
        'cpu_s': cpus,
        'median_wall_s': statistics.median(walls) if walls else None,
        'median_cpu_s': statistics.median(cpus) if cpus else None,
        'warnings': nwarn,
        'warning_kinds': kinds,
        'energy_mev': e_mev.tolist(),
        'p_ee': p.tolist(),
        'compare': {},
    }
    for path in a.compare:
        e2, p_ref = read_nuspin(path)
        idx = [int(np.argmin(np.abs(e_mev - e))) for e in e2]
        ok = [i for i, e in zip(idx, e2) if abs(e_mev[i] - e) <= 1e-9 * e]
        ref = [pr for i, e, pr in zip(idx, e2, p_ref) if abs(e_mev[i] - e) <= 1e-9 * e]
        if ok:
            d = np.abs(p[ok] - np.asarray(ref))
            out['compare'][path] = {'n': len(ok), 'max_abs_dp': float(d.max()),
                                    'median_abs_dp': float(np.median(d)),
                                    'energy_of_max_mev': float(e_mev[ok][int(np.argmax(d))])}
        else:
            out['compare'][path] = {'n': 0}

    text = json.dumps(out, indent=1)
    if a.json:
        with open(a.json, 'w') as f:
            f.write(text + '\n')
        brief = {k: out[k] for k in ('first_call_wall_s', 'median_wall_s', 'median_cpu_s',
                                     'warnings', 'compare')}
        print(json.dumps(brief, indent=1))
    else:
        print(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
