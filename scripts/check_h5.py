#!/usr/bin/env python3
"""Check a nuspin output file against output.md with h5py.

Usage: check_h5.py FILE.h5 [--tol 1e-6] [--compare VALUES.json]

Checks that every item of output.md exists with the right dtype and shape, that every
dataset carries `unit` and `description` attributes, that /amplitude reads as complex128,
and that for every finished energy the probabilities of each initial state sum to 1 within
--tol (rows of unfinished energies, energy_done = 0, must be NaN and are skipped).

--compare VALUES.json compares values bit for bit against an export written by the Rust
tests: {"datasets": {path: {"kind": "f64"|"u64"|"u8"|"str"|"c128", "shape": [...],
"values": [...]}}, "attrs": {group: {name: {"kind": "str"|"int"|"f64", "value": ...}}}},
where f64 values are given as the integers of their IEEE-754 bits and c128 values as
[re_bits, im_bits] pairs.

Exit status 0 when everything holds, 1 with one line per failure otherwise.
"""

import argparse
import json
import re
import sys

import h5py
import numpy as np

failures = []


def fail(msg):
    failures.append(msg)


def as_str(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.shape == ():
        return as_str(v[()])
    return v if isinstance(v, str) else None


def check_described(f):
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            for a in ("unit", "description"):
                if a not in obj.attrs:
                    fail(f"/{name}: no {a} attribute")
                elif not as_str(obj.attrs[a]):
                    fail(f"/{name}: {a} attribute is not a non-empty string")

    f.visititems(visit)


def dataset(f, path, kind, shape):
    if path not in f:
        fail(f"/{path}: missing")
        return None
    ds = f[path]
    if not isinstance(ds, h5py.Dataset):
        fail(f"/{path}: not a dataset")
        return None
    if tuple(ds.shape) != tuple(shape):
        fail(f"/{path}: shape {ds.shape}, expected {tuple(shape)}")
    dt = ds.dtype
    ok = {
        "f64": dt == np.dtype("<f8"),
        "u64": dt == np.dtype("<u8"),
        "u8": dt == np.dtype("u1"),
        "c128": dt == np.dtype("<c16"),
        "str": h5py.check_string_dtype(dt) is not None,
    }[kind]
    if not ok:
        fail(f"/{path}: dtype {dt}, expected {kind}")
    return ds


def check_layout(f, tol):
    root = f.attrs
    for name in ("nuspin_version", "scenario_name", "scenario_toml", "created_utc", "command"):
        if name not in root or as_str(root[name]) is None:
            fail(f"/: attribute {name} missing or not a string")
    created = as_str(root.get("created_utc", b""))
    if created is not None and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created):
        fail(f"/: created_utc {created!r} is not ISO 8601 UTC")
    complete = root.get("complete")
    if complete is None or not np.issubdtype(np.asarray(complete).dtype, np.integer) or int(complete) not in (0, 1):
        fail(f"/: complete {complete!r} is not an integer 0/1")

    n_e = f["energy_mev"].shape[0] if "energy_mev" in f else 0
    n_x = f["x_km"].shape[0] if "x_km" in f else 0
    n_i = f["initial_states"].shape[0] if "initial_states" in f else 0
    n_f = f["final_states"].shape[0] if "final_states" in f else 0
    dataset(f, "energy_mev", "f64", [n_e])
    dataset(f, "x_km", "f64", [n_x])
    dataset(f, "initial_states", "str", [n_i])
    dataset(f, "final_states", "str", [n_f])
    prob = dataset(f, "probability", "f64", [n_e, n_x, n_i, n_f])
    done = dataset(f, "energy_done", "u8", [n_e])
    if "amplitude" in f:
        amp = dataset(f, "amplitude", "c128", [n_e, n_x, n_i, n_f])
        if amp is not None and prob is not None and done is not None:
            a = amp[()]
            d = np.asarray(done[()], dtype=bool)
            if not np.allclose(np.abs(a[d]) ** 2, prob[()][d], rtol=0, atol=max(tol, 1e-12)):
                fail("/amplitude: |amplitude|^2 differs from /probability")
    if "solver" not in f:
        fail("/solver: missing")
    else:
        for name in ("method", "rtol", "atol"):
            if name not in f["solver"].attrs:
                fail(f"/solver: attribute {name} missing")
        dataset(f, "solver/steps", "u64", [n_e])
        dataset(f, "solver/rejected", "u64", [n_e])
        dataset(f, "solver/unitarity_error", "f64", [n_e])
    if "medium" in f:
        n_s = f["medium/x_km"].shape[0] if "medium/x_km" in f else 0
        dataset(f, "medium/x_km", "f64", [n_s])
        for q in f["medium"]:
            dataset(f, f"medium/{q}", "f64", [n_s])

    if prob is None or done is None:
        return
    d = np.asarray(done[()], dtype=bool)
    if int(complete or 0) == 1 and not d.all():
        fail("/: complete = 1 but some energy_done = 0")
    p = prob[()]
    if not np.isnan(p[~d]).all():
        fail("/probability: rows of unfinished energies are not NaN")
    check_sums("/probability", p[d], tol)
    if "steps" in f:
        for e in f["steps"]:
            g = f["steps"][e]
            n = g["x_km"].shape[0] if "x_km" in g else 0
            dataset(f, f"steps/{e}/x_km", "f64", [n])
            sp = dataset(f, f"steps/{e}/probability", "f64", [n, n_i, n_f])
            if not d[int(e)]:
                fail(f"/steps/{e}: present but energy_done = 0")
            if sp is not None:
                check_sums(f"/steps/{e}/probability", sp[()], tol)


def check_sums(path, p, tol):
    if p.size == 0:
        return
    sums = p.sum(axis=-1)
    worst = np.max(np.abs(sums - 1.0))
    if not worst <= tol:
        fail(f"{path}: probabilities of an initial state sum to 1 within {worst:.3g} > tol {tol:g}")


def bits(a):
    return np.ascontiguousarray(a, dtype="<f8").view("<u8").ravel()


def compare(f, spec):
    for path, want in spec.get("datasets", {}).items():
        if path not in f:
            fail(f"/{path}: missing (compare)")
            continue
        ds = f[path]
        if list(ds.shape) != want["shape"]:
            fail(f"/{path}: shape {ds.shape} != {want['shape']} (compare)")
            continue
        kind, values = want["kind"], want["values"]
        if kind == "f64":
            same = np.array_equal(bits(ds[()]), np.array(values, dtype=np.uint64))
        elif kind == "c128":
            got = np.ascontiguousarray(ds[()], dtype="<c16").view("<u8").ravel()
            same = np.array_equal(got, np.array(values, dtype=np.uint64).ravel())
        elif kind in ("u64", "u8"):
            same = np.array_equal(ds[()].ravel(), np.array(values, dtype=np.uint64))
        elif kind == "str":
            same = [as_str(v) for v in ds[()]] == values
        else:
            fail(f"/{path}: unknown kind {kind} in compare file")
            continue
        if not same:
            fail(f"/{path}: values differ from the export (compare)")
    for group, attrs in spec.get("attrs", {}).items():
        node = f[group]
        for name, want in attrs.items():
            if name not in node.attrs:
                fail(f"{group}: attribute {name} missing (compare)")
                continue
            got = node.attrs[name]
            kind, value = want["kind"], want["value"]
            if kind == "str":
                same = as_str(got) == value
            elif kind == "int":
                same = int(got) == value
            else:
                same = int(bits(np.float64(got))[0]) == value
            if not same:
                fail(f"{group}: attribute {name} = {got!r} differs from the export (compare)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--tol", type=float, default=1e-6, help="probability sum tolerance")
    ap.add_argument("--compare", help="JSON export to compare bit for bit")
    args = ap.parse_args()
    with h5py.File(args.file, "r") as f:
        check_described(f)
        check_layout(f, args.tol)
        if args.compare:
            with open(args.compare, encoding="utf-8") as fh:
                compare(f, json.load(fh))
    for msg in failures:
        print(f"{args.file}: {msg}")
    if not failures:
        print(f"{args.file}: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
