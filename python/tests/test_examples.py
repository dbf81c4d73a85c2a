"""Every example scenario through `nuspin.run` gives the file `nuspin run` writes (the same
bytes apart from `created_utc` and `command`), and `nuspin.load` reads it back."""
import os
import pathlib
import tomllib

import h5py
import numpy as np
import pytest

import nuspin
from nuspin._source import dumps

from conftest import REPO, assert_same_file, run_cli

SCENARIOS = [p.name for p in sorted((REPO / "scenarios").glob("*.toml"))]
# Those that take over ten seconds on a loaded 2-core machine run with 6 energies here (the
# same reduced file through both; two realisations of a turbulence ensemble);
# NUSPIN_PY_FULL=1 runs them whole.
SLOW = {"rotating-star-spin.toml", "sn-dirac-spin-flip.toml", "sn-majorana-sfp.toml",
        "sn-moment-scan.toml", "sn-turbulence.toml", "collective-bulb.toml"}


def scenario_path(name, tmp_path):
    """The scenario to compare with, relative to the repository (a reduced copy beside the
    original for the slow ones, so relative table paths still resolve)."""
    path = REPO / "scenarios" / name
    if name not in SLOW or os.environ.get("NUSPIN_PY_FULL"):
        return f"scenarios/{name}", None
    table = tomllib.loads(path.read_text())
    table["energy"]["points"] = 6
    if "turbulence" in table:
        table["turbulence"]["realisations"] = 2
    reduced = REPO / "scenarios" / f".pytest-{os.getpid()}-{name}"
    reduced.write_text(dumps(table))
    return f"scenarios/{reduced.name}", reduced


@pytest.mark.parametrize("name", SCENARIOS)
def test_example_equals_cli(name, cli, tmp_path):
    scenario, reduced = scenario_path(name, tmp_path)
    try:
        cli_file = tmp_path / "cli.h5"
        run_cli(cli, "run", scenario, "-o", str(cli_file), "--quiet")
        result = nuspin.run(scenario, threads=2)
        py_file = result.write(tmp_path / "py.h5")
        assert_same_file(cli_file, py_file)
        # The arrays of the result are the file's.
        with h5py.File(cli_file, "r") as f:
            np.testing.assert_array_equal(result.probability, f["probability"][()])
            np.testing.assert_array_equal(result.energy_mev, f["energy_mev"][()])
            np.testing.assert_array_equal(result.steps, f["solver/steps"][()])
            assert list(result.final_states) == [s.decode() for s in f["final_states"][()]]
            assert (result.amplitude is None) == ("amplitude" not in f)
            for group, values in (("observables", result.observables), ("detector", result.detector)):
                for key, value in values.items():
                    np.testing.assert_array_equal(value, f[f"{group}/{key}"][()])
        # load round trip: every variable of the Dataset is the file's dataset.
        ds = nuspin.load(cli_file)
        with h5py.File(cli_file, "r") as f:
            for var in ds.data_vars.values():
                np.testing.assert_array_equal(var.values, f[var.attrs["hdf5_path"]][()])
                assert "units" in var.attrs
            assert ds.attrs["scenario_toml"] == f.attrs["scenario_toml"]
        assert ds.probability.dims[-4:] == ("energy", "x", "initial", "final")
    finally:
        if reduced is not None:
            reduced.unlink()


def test_dict_and_string_scenarios_equal_the_file(cli, tmp_path):
    """A TOML string and a dict, validated as if read from the file, give the same file."""
    path = REPO / "scenarios" / "reactor-gemma.toml"
    text = path.read_text()
    cli_file = tmp_path / "cli.h5"
    run_cli(cli, "run", str(path), "-o", str(cli_file), "--quiet")
    from_text = nuspin.run(text, path=str(path))
    assert_same_file(cli_file, from_text.write(tmp_path / "text.h5"))
    # A dict keeps the values but not the text (comments, layout): the physics is the same.
    from_dict = nuspin.run(tomllib.loads(text), path=str(path))
    np.testing.assert_array_equal(from_dict.probability, from_text.probability)
    for key, value in from_text.detector.items():
        np.testing.assert_array_equal(from_dict.detector[key], value)


def test_to_xarray_selects_and_has_units():
    r = nuspin.run("scenarios/lab-2nu.toml")
    ds = r.to_xarray()
    p = ds.probability.sel(initial="nu_e", final="nu_mu").isel(x=-1)
    assert p.dims == ("energy",)
    np.testing.assert_array_equal(p.values, r.probability[:, -1, 0, 1])
    assert ds.energy_mev.attrs["units"] == "MeV"
    assert ds.x_km.attrs["units"] == "km"
    assert float(ds.sel(energy_mev=r.energy_mev[3]).energy_mev) == r.energy_mev[3]


def test_scan_dims_are_named(tmp_path):
    text = (REPO / "scenarios" / "lab-2nu.toml").read_text()
    table = tomllib.loads(text)
    table["energy"] = {"values_mev": [2.0, 5.0]}
    table["scan"] = {"medium.rho_g_cm3": [1.0, 2.0, 3.0]}
    r = nuspin.run(table)
    ds = r.to_xarray()
    assert ds.probability.dims[:2] == ("medium.rho_g_cm3", "energy")
    np.testing.assert_array_equal(ds["medium.rho_g_cm3"].values, [1.0, 2.0, 3.0])
    assert r.probability.shape[:2] == (3, 2)


def test_night_chords_are_the_zenith_coordinate():
    """`/observables/arrival_night_cos_zenith` labels the `zenith` axis of the per-chord night
    arrival, and the chords' weights (equal when [arrival] earth gives none) add up to 1."""
    table = tomllib.loads((REPO / "scenarios" / "solar-8b-earth.toml").read_text())
    table["energy"] = {"values_mev": [5.0, 10.0]}
    cos_zenith = [-0.2, -0.6, -0.9]
    table["arrival"] = {"earth": {"cos_zenith": cos_zenith}}
    table["output"] = {"observables": ["earth"]}
    ds = nuspin.run(table).to_xarray()
    night = ds["arrival_night_zenith"]
    assert night.dims == ("energy", "zenith", "initial", "final")
    np.testing.assert_array_equal(night.cos_zenith.values, cos_zenith)
    np.testing.assert_allclose(ds["arrival_night_chord_weight"].values, [1 / 3] * 3, rtol=1e-15)
    deep = night.where(night.cos_zenith < -0.8, drop=True)
    assert deep.sizes["zenith"] == 1
