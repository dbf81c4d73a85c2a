"""Shared pieces of the Python tests: the repository, the `nuspin` binary they compare
against, and the bit-for-bit comparison of output files (scripts/compare_h5.py)."""
import importlib.util
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def _load_script(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare_h5 = _load_script("compare_h5")


@pytest.fixture(scope="session")
def cli():
    """The release `nuspin` binary of this checkout (`cargo build --release` first; CI has
    built it with `cargo test --release`), or $NUSPIN_BIN."""
    binary = pathlib.Path(os.environ.get("NUSPIN_BIN", REPO / "target" / "release" / "nuspin"))
    if not binary.is_file():
        pytest.fail(f"no nuspin binary at {binary}: run `cargo build --release` first")
    return str(binary)


def run_cli(cli, *args, check=True):
    """Runs the CLI from the repository root; returns the CompletedProcess."""
    done = subprocess.run([cli, *args], cwd=REPO, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"nuspin {' '.join(args)} failed:\n{done.stderr}")
    return done


def assert_same_file(before, after):
    """Every group, dataset and attribute the same bytes, apart from created_utc/command."""
    diffs = compare_h5.compare(str(before), str(after))
    assert not diffs, "\n".join(diffs[:20])


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch):
    """Every test runs from the repository root, as the CLI comparisons do."""
    monkeypatch.chdir(REPO)
