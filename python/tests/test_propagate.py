"""`nuspin.propagate` against the CLI (the same scenario run by `nuspin run` with amplitudes:
the same bits), against a closed form (two flavours in vacuum), and for tables from arrays."""
import numpy as np
import pytest

import nuspin

from conftest import run_cli

import h5py

MODEL = dict(flavours=3, nature="majorana",
             moments={"magnetic_mu_b": {"e_mu": 1e-12}})


def cli_amplitudes(cli, tmp_path, model, medium_toml, energies, start, end, method):
    text = f"""
name = "p"
[neutrino]
flavours = {model.flavours}
nature = "{model.nature}"
[moments]
magnetic_mu_b = {{ e_mu = 1e-12 }}
[energy]
values_mev = {list(map(float, energies))}
[medium]
{medium_toml}
[track]
start_km = {start!r}
end_km = {end!r}
[solver]
method = "{method}"
[output]
amplitudes = true
"""
    path = tmp_path / "p.toml"
    path.write_text(text)
    out = tmp_path / "p.h5"
    run_cli(cli, "run", str(path), "-o", str(out), "--quiet", "--force")
    with h5py.File(out, "r") as f:
        return f["amplitude"][()][:, -1]  # [nE, nI, 2N]


@pytest.mark.parametrize("method", ["magnus", "dop853"])
def test_agrees_with_the_cli(cli, tmp_path, method):
    model = nuspin.Model(**MODEL)
    medium = nuspin.Medium("supernova", b0_gauss=1e10)
    energies = [3.0, 10.0, 25.0]
    s = nuspin.propagate(model, medium, energies, 1e4, 2e5, method=method)
    a = cli_amplitudes(cli, tmp_path, model, 'kind = "supernova"\nb0_gauss = 1e10',
                       energies, 1e4, 2e5, method)
    # CLI amplitude [e, i, j] is S_ji.
    np.testing.assert_array_equal(s, a.transpose(0, 2, 1))
    unitarity = np.einsum("eji,ejk->eik", s.conj(), s) - np.eye(6)
    if method == "magnus":  # unitary by construction; dop853 is not
        assert np.abs(unitarity).max() < 1e-9


def test_vacuum_two_flavours_closed_form():
    """P(νe→νμ) = sin²2θ sin²(1.267 Δm² L/E) (docs/physics.md, "How the physics is checked")."""
    theta, dm2 = 33.0, 7.5e-5
    model = nuspin.Model(2, "dirac", mixing={"theta_deg": theta, "dm2_ev2": dm2})
    e = np.array([1.0, 3.0, 7.0])
    length = 150.0
    s = nuspin.propagate(model, nuspin.Medium("constant"), e, 0.0, length, method="layers")
    p = np.abs(s[:, 1, 0]) ** 2
    # Δm² L / (4E) with ħc: 1.26693 Δm²[eV²] L[km] / E[GeV].
    phase = 1.2669328 * dm2 * length / (e * 1e-3)
    expected = np.sin(np.radians(2 * theta)) ** 2 * np.sin(phase) ** 2
    np.testing.assert_allclose(p, expected, atol=1e-6)


def test_table_from_arrays_equals_the_csv_scenario(cli, tmp_path):
    """A medium from NumPy arrays is the `kind = "table"` medium of the same CSV."""
    x = np.linspace(0.0, 5000.0, 41)
    rho = 2.0 + 8.0 * np.exp(-x / 1500.0)
    csv = tmp_path / "m.csv"
    csv.write_text("x_km,rho_g_cm3,ye\n" + "".join(f"{a!r},{b!r},0.5\n" for a, b in zip(x.tolist(), rho.tolist())))
    model = nuspin.Model(**MODEL)
    for interpolation in ("linear", "pchip"):
        medium = nuspin.Medium.from_arrays(x, rho_g_cm3=rho, ye=0.5, interpolation=interpolation)
        s = nuspin.propagate(model, medium, [0.5, 2.0], 0.0, 5000.0)
        a = cli_amplitudes(cli, tmp_path, model,
                           f'kind = "table"\nfile = "{csv}"\ninterpolation = "{interpolation}"',
                           [0.5, 2.0], 0.0, 5000.0, "magnus")
        np.testing.assert_array_equal(s, a.transpose(0, 2, 1))


def test_parallel_threads_give_the_same_bits():
    model = nuspin.Model(**MODEL)
    medium = nuspin.Medium("supernova")
    e = np.geomspace(1, 50, 8)
    one = nuspin.propagate(model, medium, e, 1e4, 1e5, threads=1)
    two = nuspin.propagate(model, medium, e, 1e4, 1e5, threads=2)
    np.testing.assert_array_equal(one, two)
