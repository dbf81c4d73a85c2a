"""Every object pickles (for multiprocessing and Dask) and comes back equal."""
import pickle

import numpy as np
import pytest

import nuspin


def roundtrip(x):
    return pickle.loads(pickle.dumps(x))


def test_model_and_media():
    model = nuspin.Model(3, "dirac", mixing={"preset": "nufit-5.2-io"}, lightest_mass_ev=0.01,
                         moments={"magnetic_mu_b": {"e_mu": [1e-12, 2e-13]}})
    back = roundtrip(model)
    assert back == model and back.labels == model.labels
    named = nuspin.Medium("supernova", b0_gauss=1e11, shock_km=2e4)
    assert roundtrip(named).to_dict() == named.to_dict()
    x = np.linspace(0, 10, 5)
    table = nuspin.Medium.from_arrays(x, ne_cm3=np.full(5, 1e24), nn_cm3=0.0, interpolation="steps")
    back = roundtrip(table)
    np.testing.assert_array_equal(back.columns["ne_cm3"], table.columns["ne_cm3"])
    assert back.to_dict() == table.to_dict()
    s1 = nuspin.propagate(model, table, [1.0], 0.0, 10.0, method="layers")
    s2 = nuspin.propagate(roundtrip(model), back, [1.0], 0.0, 10.0, method="layers")
    np.testing.assert_array_equal(s1, s2)


def test_result_and_error():
    r = nuspin.run("scenarios/reactor-gemma.toml")
    back = roundtrip(r)
    np.testing.assert_array_equal(back.probability, r.probability)
    assert back.summary == r.summary
    with open(back.file, "rb") as a, open(r.file, "rb") as b:
        assert a.read() == b.read()
    with pytest.raises(nuspin.ScenarioError) as e:
        nuspin.run("name = 1\n")
    err = roundtrip(e.value)
    assert type(err) is nuspin.ScenarioError and str(err) == str(e.value)
