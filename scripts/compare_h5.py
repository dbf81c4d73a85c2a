#!/usr/bin/env python3
"""Bit-for-bit comparison of nuspin output files, apart from when and how they were made.

    compare_h5.py BEFORE AFTER            two files
    compare_h5.py BEFORE_DIR AFTER_DIR    every *.h5 of BEFORE_DIR against its namesake

Every group, dataset and attribute must exist in both files with the same dtype, shape and
bytes (NaN payloads included); only the root attributes `created_utc` and `command` may
differ. Exit status 1 on any difference, each one printed. Needs h5py (CI's venv has it).
Used with scripts/example_outputs.sh to check that a refactor leaves every example scenario's
output unchanged.
"""
import pathlib
import sys

import h5py
import numpy as np

# When the run started and the command line: differ from run to run by design.
IGNORED_ROOT_ATTRS = {"created_utc", "command"}


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "O":
        return a.tolist() == b.tolist()
    return a.tobytes() == b.tobytes()


def attrs_diff(name, a, b, ignored):
    out = []
    keys = (set(a.keys()) | set(b.keys())) - ignored
    for k in sorted(keys):
        if k not in a or k not in b:
            out.append(f"{name}: attribute {k} only in {'after' if k not in a else 'before'}")
        elif not same_value(a[k], b[k]):
            out.append(f"{name}: attribute {k} differs: {str(a[k])[:80]!r} vs {str(b[k])[:80]!r}")
    return out


def walk(f):
    items = {}
    f.visititems(lambda name, obj: items.__setitem__(name, obj))
    return items


def compare(before, after):
    diffs = []
    with h5py.File(before, "r") as a, h5py.File(after, "r") as b:
        diffs += attrs_diff("/", a.attrs, b.attrs, IGNORED_ROOT_ATTRS)
        ia, ib = walk(a), walk(b)
        for name in sorted(set(ia) | set(ib)):
            if name not in ia or name not in ib:
                diffs.append(f"/{name}: only in {'after' if name not in ia else 'before'}")
                continue
            x, y = ia[name], ib[name]
            if type(x) is not type(y):
                diffs.append(f"/{name}: a {type(x).__name__} before, a {type(y).__name__} after")
                continue
            diffs += attrs_diff(f"/{name}", x.attrs, y.attrs, set())
            if isinstance(x, h5py.Dataset):
                if x.dtype != y.dtype or x.shape != y.shape:
                    diffs.append(f"/{name}: {x.dtype}{x.shape} before, {y.dtype}{y.shape} after")
                elif not same_value(x[()], y[()]):
                    diffs.append(f"/{name}: values differ")
    return diffs


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    if before.is_dir():
        pairs = [(p, after / p.name) for p in sorted(before.glob("*.h5"))]
        if not pairs:
            print(f"no .h5 files in {before}", file=sys.stderr)
            return 2
    else:
        pairs = [(before, after)]
    failed = 0
    for x, y in pairs:
        if not y.exists():
            print(f"{y}: missing")
            failed += 1
            continue
        diffs = compare(x, y)
        print(f"{x.name}: {'identical' if not diffs else f'{len(diffs)} difference(s)'}")
        for d in diffs[:20]:
            print(f"  {d}")
        failed += bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
