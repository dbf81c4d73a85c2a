"""Every class of bad input of tests/data/scenario_errors.toml (the cases
tests/suite/scenario_errors.rs and tests/cli.rs check too) raises `nuspin.ScenarioError` (a
`ValueError`) with exactly the message `nuspin run` prints after `error: `, before any file is
made; from a file, from a TOML string validated as that file, and (where TOML can hold the
mistake) from a dict."""
import re
import tomllib

import pytest

import nuspin

from conftest import REPO, run_cli


def load_cases():
    """tests/data/scenario_errors.toml: the cases tests/suite/scenario_errors.rs and tests/cli.rs
    check too; each is the base scenario with edits applied, and the parts of its message."""
    table = tomllib.loads((REPO / "tests" / "data" / "scenario_errors.toml").read_text())
    cases = []
    for case in table["case"]:
        text = table["base"]
        for old, new in case.get("edits", []):
            assert old in text, (case["id"], old)
            text = text.replace(old, new, 1)
        text += case.get("append", "")
        cases.append((case["id"], text, case["parts"]))
    return cases


CASES = load_cases()


def cli_message(cli, path):
    done = run_cli(cli, "run", str(path), "-o", str(path.with_suffix(".h5")), check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: "), done.stderr
    lines = [l for l in done.stderr.splitlines() if not l.startswith("  caused by: ")]
    return "\n".join(lines)[len("error: "):]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_cli_message(case, cli, tmp_path):
    _, text, parts = case
    path = tmp_path / "t.toml"
    path.write_text(text)
    expected = cli_message(cli, path)
    for part in parts:
        assert part in expected, (part, expected)
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
        return re.sub(r"^(:\d+){0,2}: ", "", message[len(str(path)):])

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
