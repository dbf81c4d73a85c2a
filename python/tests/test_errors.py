"""Every class of bad input of tests/scenario_errors.rs raises `nuspin.ScenarioError` (a
`ValueError`) with exactly the message `nuspin run` prints after `error: `, before any file is
made; from a file, from a TOML string validated as that file, and (where TOML can hold the
mistake) from a dict."""
import re
import tomllib

import pytest

import nuspin

from conftest import run_cli

GOOD = """
name = "lab"

[neutrino]
flavours = 2
nature = "dirac"

[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5

[energy]
min_mev = 1
max_mev = 10
points = 4

[medium]
kind = "constant"
rho_g_cm3 = 3
ye = 0.5

[track]
start_km = 0
end_km = 1000
"""


def with_(old, new):
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


THREE = with_("flavours = 2", "flavours = 3").replace(
    "theta_deg = 33.0\ndm2_ev2 = 7.5e-5", 'preset = "nufit-9"'
)
# (id, text, a part of the message) — the cases of tests/scenario_errors.rs.
CASES = [
    ("syntax", with_("points = 4", "points = = 4"), "t.toml:15"),
    ("unknown-field", with_('nature = "dirac"', 'nature = "dirac"\nflavor = 2'), "flavor"),
    ("wrong-type", with_("flavours = 2", 'flavours = "two"'), "[neutrino] flavours"),
    ("negative-density", with_("rho_g_cm3 = 3", "rho_g_cm3 = -3"), ">= 0"),
    ("zero-energy", with_("min_mev = 1", "min_mev = 0"), "[energy] min_mev"),
    ("min-above-max", with_("min_mev = 1", "min_mev = 20"), "< max_mev"),
    ("zero-points", with_("points = 4", "points = 0"), "[energy] points"),
    ("backwards-track", with_("end_km = 1000", "end_km = -1"), "[track] end_km"),
    ("superluminal", with_("ye = 0.5", "ye = 0.5\nv_par = 1.0"), "< 1"),
    ("four-flavours", with_("flavours = 2", "flavours = 4"), "2 or 3"),
    ("majorana-diagonal",
     with_('nature = "dirac"', 'nature = "majorana"') + "\n[moments]\nmagnetic_mu_b = { e_e = 1e-12 }\n",
     "diagonal"),
    ("unknown-state", with_('nature = "dirac"', 'nature = "dirac"\ninitial = ["nu_tau"]'), "nu_tau"),
    ("unknown-preset", THREE, "nufit-9"),
    ("antineutrino-majorana",
     with_('nature = "dirac"', 'nature = "majorana"\nparticle = "antineutrino"'), "block B"),
    ("repeated-energy",
     with_("min_mev = 1\nmax_mev = 10\npoints = 4", "values_mev = [5.0, 10, 5.0]"), "repeats"),
    ("negative-energy",
     with_("min_mev = 1\nmax_mev = 10\npoints = 4", "values_mev = [5.0, -1]"), "values_mev[1]"),
    ("record-points", with_("end_km = 1000", "end_km = 1000\nrecord = { points = 0 }"), "record.points"),
    ("record-order",
     with_("end_km = 1000", "end_km = 1000\nrecord = { values_km = [10, 5] }"), "increasing"),
    ("missing-start", GOOD.replace("start_km = 0\n", ""), "[track] start_km"),
    ("missing-kind", GOOD.replace('[medium]\nkind = "constant"\n', "[medium]\n"), "[medium] kind"),
    ("missing-dm2", GOOD.replace("dm2_ev2 = 7.5e-5\n", ""), "[mixing] dm2_ev2"),
    ("dirac-phases",
     with_("dm2_ev2 = 7.5e-5", "dm2_ev2 = 7.5e-5\nmajorana_phases_deg = [30]"), "majorana"),
    ("max-steps", GOOD + "\n[solver]\nmax_steps = 0\n", "must be >= 1, got 0"),
]


def cli_message(cli, path):
    done = run_cli(cli, "run", str(path), "-o", str(path.with_suffix(".h5")), check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: "), done.stderr
    lines = [l for l in done.stderr.splitlines() if not l.startswith("  caused by: ")]
    return "\n".join(lines)[len("error: "):]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_cli_message(case, cli, tmp_path):
    _, text, part = case
    path = tmp_path / "t.toml"
    path.write_text(text)
    expected = cli_message(cli, path)
    assert part in expected
    with pytest.raises(nuspin.ScenarioError) as from_file:
        nuspin.run(path)
    assert str(from_file.value) == expected
    with pytest.raises(nuspin.ScenarioError) as from_text:
        nuspin.run(text, path=str(path))
    assert str(from_text.value) == expected
    with pytest.raises(ValueError):
        nuspin.validate(path)
    assert not path.with_suffix(".h5").exists()
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # a syntax error has no dict form
    with pytest.raises(nuspin.ScenarioError) as from_dict:
        nuspin.run(table, path=str(path))
    # The dict's TOML has its own lines; the file, field and what is wrong are the same.
    def strip(message):
        assert message.startswith(str(path)), message
        return re.sub(r"^(:\d+)?: ", "", message[len(str(path)):])

    assert strip(str(from_dict.value)) == strip(expected)


def test_missing_file_is_the_cli_message(cli, tmp_path):
    path = tmp_path / "absent.toml"
    expected = cli_message(cli, path)
    with pytest.raises(nuspin.ScenarioError) as e:
        nuspin.run(str(path))
    assert str(e.value) == expected


def test_bad_shard_and_threads():
    with pytest.raises(ValueError, match="1 <= K <= N"):
        nuspin.run("scenarios/lab-2nu.toml", shard="3/2")
    with pytest.raises(ValueError, match="threads must be >= 1"):
        nuspin.run("scenarios/lab-2nu.toml", threads=0)
    with pytest.raises(TypeError):
        nuspin.run(42)


def test_lower_level_bad_input_names_the_field():
    with pytest.raises(nuspin.ScenarioError, match=r"\[neutrino\] flavours"):
        nuspin.Model(4, "dirac")
    with pytest.raises(nuspin.ScenarioError, match=r"\[mixing\] dm2_ev2"):
        nuspin.Model(2, "dirac", mixing={"theta_deg": 30.0})
    with pytest.raises(nuspin.ScenarioError, match="ye"):
        nuspin.Medium.from_arrays([0.0, 1.0], rho_g_cm3=[1.0, 1.0], ye=[0.5, 1.5])
    with pytest.raises(ValueError, match="unknown medium column"):
        nuspin.Medium.from_arrays([0.0, 1.0], density=[1.0, 1.0])
