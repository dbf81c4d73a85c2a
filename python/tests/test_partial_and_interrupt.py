"""`nuspin.load` reads a `.partial` file (what a killed run leaves), and Ctrl-C during
`nuspin.run` raises KeyboardInterrupt promptly instead of waiting for the run."""
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

import nuspin

from conftest import REPO

import pytest

BASE = REPO / "scenarios" / "rotating-star-spin.toml"


@pytest.fixture(scope="module")
def slow():
    """rotating-star-spin with 20x its energies (about a minute on one quiet core), so that the
    signal and the partial-file read land mid-run however fast the solver gets."""
    text = BASE.read_text()
    assert "points = 60\n" in text
    path = REPO / "scenarios" / f".pytest-{os.getpid()}-slow.toml"
    path.write_text(text.replace("points = 60\n", "points = 1200\n", 1))
    yield str(path.relative_to(REPO))
    path.unlink()


def wait_for(predicate, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_load_reads_a_partial_file(cli, slow, tmp_path):
    out = tmp_path / "run.h5"
    partial = tmp_path / "run.h5.partial"
    proc = subprocess.Popen([cli, "run", slow, "-o", str(out), "--quiet", "--threads", "1"],
                            cwd=REPO)
    try:
        # The partial file is synced once a second: wait until it holds some energies.
        def some_done():
            if not partial.exists():
                return False
            try:
                # The running writer holds HDF5's file lock.
                with h5py.File(partial, "r", locking=False) as f:
                    return f["partial/energy_index"].shape[0] > 0
            except OSError:
                return False
        assert wait_for(some_done, 120), "no energy reached the partial file"
        time.sleep(1.5)
        # nuspin.load reads the partial file while the run still writes it.
        assert nuspin.load(partial).energy_done.values.sum() > 0
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert partial.exists() and not out.exists()
    ds = nuspin.load(partial)
    assert ds.attrs["complete"] == 0
    done = ds.energy_done.values.astype(bool)
    assert 0 < done.sum() < done.size
    assert np.isnan(ds.probability.values[~done]).all()
    # The finished energies are those of a run of just them.
    with h5py.File(partial, "r") as f:
        text = f.attrs["scenario_toml"]
        text = text.decode() if isinstance(text, bytes) else text
    import tomllib
    table = tomllib.loads(text)
    table["energy"] = {"values_mev": ds.energy_mev.values[done].tolist()}
    again = nuspin.run(table, path=slow)
    np.testing.assert_array_equal(ds.probability.values[done], again.probability)


def test_ctrl_c_raises_keyboard_interrupt(slow, tmp_path):
    code = (
        "import nuspin, sys\n"
        "print('started', flush=True)\n"
        f"nuspin.run({slow!r}, threads=1)\n"
        "print('finished', flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    # A hang guard, not a timing assertion: the whole run takes far longer on one thread.
    out, err = proc.communicate(timeout=120)
    assert "KeyboardInterrupt" in err, err
    assert "finished" not in out
    assert proc.returncode != 0
