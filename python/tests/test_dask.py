"""examples/dask_scan.py on a LocalCluster of 2 workers gives the file of the unsharded CLI
run (the same bits apart from created_utc and command); shards merge in any order."""
import importlib.util
import tomllib

import pytest

import nuspin
from nuspin._source import dumps

from conftest import REPO, assert_same_file, run_cli

distributed = pytest.importorskip("distributed")


def dask_scan():
    spec = importlib.util.spec_from_file_location("dask_scan", REPO / "examples" / "dask_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def scan_scenario(tmp_path):
    """sn-moment-scan with 5 energies (10 × 5 grid points), in the scenarios folder."""
    table = tomllib.loads((REPO / "scenarios" / "sn-moment-scan.toml").read_text())
    table["energy"]["points"] = 5
    path = REPO / "scenarios" / f".pytest-dask-{tmp_path.name}.toml"
    path.write_text(dumps(table))
    yield path
    path.unlink()


def test_dask_scan_equals_the_unsharded_run(cli, tmp_path, scan_scenario):
    rel = f"scenarios/{scan_scenario.name}"
    whole = tmp_path / "whole.h5"
    run_cli(cli, "run", rel, "-o", str(whole), "--quiet")
    out = tmp_path / "dask.h5"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask_scan().scan_on_cluster(client, rel, str(out), shards=3)
    assert_same_file(whole, out)


def test_merge_of_shard_results_in_any_order(cli, tmp_path, scan_scenario):
    rel = f"scenarios/{scan_scenario.name}"
    whole = tmp_path / "whole.h5"
    run_cli(cli, "run", rel, "-o", str(whole), "--quiet")
    shards = [nuspin.run(rel, shard=f"{k}/3") for k in (3, 1, 2)]
    assert [s.attrs["shard"] for s in shards] == ["3/3", "1/3", "2/3"]
    nuspin.merge(shards, tmp_path / "merged.h5")
    assert_same_file(whole, tmp_path / "merged.h5")
    # Two of three shards: what finished, complete = 0.
    nuspin.merge(shards[:2], tmp_path / "two.h5")
    ds = nuspin.load(tmp_path / "two.h5")
    assert ds.attrs["complete"] == 0
    assert 0 < int(ds.energy_done.sum()) < ds.energy_done.size
