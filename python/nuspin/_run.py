"""`nuspin.run`, its `Result`, and `nuspin.merge`.

A run goes through the nuspin library's own run layer into an HDF5 file (the partial file,
then the final file, exactly as ``nuspin run`` writes it) in a private temporary folder the
`Result` owns; the arrays are read from that file, and ``Result.write`` copies it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
import weakref
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple, Union

import h5py
import numpy as np

from . import _core
from ._load import load
from ._source import ScenarioLike, resolve

Shard = Union[Tuple[int, int], str]


def _shard(shard: Optional[Shard]) -> Optional[Tuple[int, int]]:
    """`(k, n)` or `"k/n"` → `(k, n)`, with the CLI's message when malformed."""
    if shard is None:
        return None
    if isinstance(shard, str):
        parts = shard.split("/")
        try:
            k, n = (int(p.strip()) for p in parts)
        except ValueError:
            k, n = 0, 0
        if not 1 <= k <= n or len(parts) != 2:
            raise ValueError(
                f'expected K/N with 1 <= K <= N (e.g. 2/8), got "{shard}"'
            )
        return k, n
    k, n = shard
    return int(k), int(n)


def _command(name: str, args: str) -> str:
    return f"python {sys.executable}: nuspin.{name}({args})"


class Result:
    """A finished (or interrupted) run: the arrays of its output file, and the file itself.

    Arrays (NumPy, read once from the file and cached): ``probability``
    [scan..., nE, nX, nI, 2N], ``amplitude`` (None unless ``[output] amplitudes``),
    ``energy_mev``, ``x_km``, ``initial_states``, ``final_states``, ``energy_done``, the solver
    statistics ``steps``, ``rejected``, ``unitarity_error`` [scan..., nE], and every other
    dataset by its HDF5 path: ``result["observables/arrival_day"]``, ``result.observables``,
    ``result.detector``. ``summary`` is the run's (steps, energies done, warnings, …).
    """

    def __init__(self, file: str, summary: Dict[str, Any], _owned_dir: Optional[str] = None):
        self._file = file
        self.summary = dict(summary)
        self._cache: Dict[str, Any] = {}
        if _owned_dir is not None:
            self._finalizer = weakref.finalize(self, shutil.rmtree, _owned_dir, True)

    # -- the file -----------------------------------------------------------------------
    @property
    def file(self) -> str:
        """The HDF5 file this result reads (private to the result; use :meth:`write`)."""
        return self._file

    def write(self, path: Union[str, "os.PathLike[str]"], *, force: bool = False) -> str:
        """Writes the run's HDF5 file to ``path``: the file ``nuspin run`` writes for the same
        scenario (the same bytes apart from the root attributes ``created_utc`` and
        ``command``). An existing file is replaced only with ``force=True``. Returns the path."""
        path = os.fspath(path)
        if os.path.exists(path) and not force:
            raise FileExistsError(f"{path} exists (pass force=True to replace it)")
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        shutil.copyfile(self._file, tmp)
        os.replace(tmp, path)
        return path

    def to_xarray(self):
        """The run as an :class:`xarray.Dataset` (see :func:`nuspin.load`)."""
        return load(self._file)

    # -- arrays -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        """The dataset at HDF5 path ``name`` (e.g. ``"observables/arrival_day"``)."""
        name = name.lstrip("/")
        if name not in self._cache:
            with h5py.File(self._file, "r") as f:
                if name not in f or not isinstance(f[name], h5py.Dataset):
                    raise KeyError(f"no dataset /{name} in this result")
                value = f[name][()]
                if value.dtype.kind in "OS":
                    value = np.array(
                        [v.decode() if isinstance(v, bytes) else v for v in value.tolist()],
                        dtype=object,
                    )
                self._cache[name] = value
        return self._cache[name]

    def datasets(self) -> Tuple[str, ...]:
        """Every dataset path of the file."""
        names: list = []
        with h5py.File(self._file, "r") as f:
            f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        return tuple(names)

    def _group(self, group: str) -> Dict[str, np.ndarray]:
        return {
            n.split("/", 1)[1]: self[n] for n in self.datasets() if n.startswith(group + "/")
        }

    @property
    def attrs(self) -> Dict[str, Any]:
        """The root attributes (``scenario_name``, ``scenario_toml``, ``complete``, …)."""
        with h5py.File(self._file, "r") as f:
            return {
                k: (v.decode() if isinstance(v, bytes) else v.item() if isinstance(v, np.generic) else v)
                for k, v in f.attrs.items()
            }

    @property
    def complete(self) -> bool:
        """Whether every grid point finished."""
        return bool(self.attrs["complete"])

    @property
    def probability(self) -> np.ndarray:
        """P(initial → final), [scan..., nE, nX, nI, 2N]."""
        return self["probability"]

    @property
    def amplitude(self) -> Optional[np.ndarray]:
        """Complex amplitudes, same shape as ``probability``; None unless recorded."""
        return self["amplitude"] if "amplitude" in self.datasets() else None

    @property
    def energy_mev(self) -> np.ndarray:
        """The energy grid, MeV."""
        return self["energy_mev"]

    @property
    def x_km(self) -> np.ndarray:
        """The record positions, km."""
        return self["x_km"]

    @property
    def initial_states(self) -> np.ndarray:
        """Labels of the initial states."""
        return self["initial_states"]

    @property
    def final_states(self) -> np.ndarray:
        """Labels of all 2N basis states."""
        return self["final_states"]

    @property
    def energy_done(self) -> np.ndarray:
        """1 where a grid point finished."""
        return self["energy_done"]

    @property
    def steps(self) -> np.ndarray:
        """Accepted solver steps per grid point."""
        return self["solver/steps"]

    @property
    def rejected(self) -> np.ndarray:
        """Rejected solver steps per grid point."""
        return self["solver/rejected"]

    @property
    def unitarity_error(self) -> np.ndarray:
        """Largest entry of |S†S − 1| per grid point."""
        return self["solver/unitarity_error"]

    @property
    def observables(self) -> Dict[str, np.ndarray]:
        """The ``/observables`` datasets by name."""
        return self._group("observables")

    @property
    def detector(self) -> Dict[str, np.ndarray]:
        """The ``/detector`` datasets by name."""
        return self._group("detector")

    def __repr__(self) -> str:
        a = self.attrs
        return (
            f"<nuspin.Result {a.get('scenario_name')!r}: probability {self.probability.shape}, "
            f"complete={bool(a.get('complete'))}>"
        )

    # -- pickling: the file's bytes ------------------------------------------------------
    def __reduce__(self):
        with open(self._file, "rb") as f:
            data = f.read()
        return (_result_from_bytes, (data, self.summary))


def _result_from_bytes(data: bytes, summary: Dict[str, Any]) -> Result:
    folder = tempfile.mkdtemp(prefix="nuspin-")
    path = os.path.join(folder, "run.h5")
    with open(path, "wb") as f:
        f.write(data)
    return Result(path, summary, _owned_dir=folder)


def run(
    scenario: ScenarioLike,
    *,
    threads: Optional[int] = None,
    progress: bool = False,
    shard: Optional[Shard] = None,
    path: Optional[str] = None,
) -> Result:
    """Validates and runs a scenario, as ``nuspin run`` does.

    ``scenario`` is a path to a scenario file, a TOML string, or a dict of the same schema
    (docs/scenario.md). A TOML string or dict is validated as if read from ``path`` (error
    messages and the file's ``scenario_file`` name it; relative table paths resolve against
    its folder), by default ``<string>``/``<dict>`` in the working directory. ``[output] file``
    is not written: the result holds the file, :meth:`Result.write` puts it where you want.

    ``threads``: worker threads (default one per core). ``progress``: a progress bar on a
    terminal's stderr. ``shard``: ``(k, n)`` or ``"k/n"``, only every n-th grid point from
    k − 1 (join shard results with :func:`merge`).

    Raises :class:`ScenarioError` (a ``ValueError``) with the CLI's message on bad input,
    before any work; ``KeyboardInterrupt`` on Ctrl-C (within a second; the run stops starting
    new energies); ``RuntimeError`` when an energy fails. Warnings the CLI prints are issued
    as :class:`UserWarning`. The GIL is released while the run works.
    """
    display, text = resolve(scenario, path)
    shard_kn = _shard(shard)
    folder = tempfile.mkdtemp(prefix="nuspin-")
    try:
        out = os.path.join(folder, "run.h5")
        summary = _core.run_to_file(
            display,
            text,
            out,
            threads=threads,
            shard=shard_kn,
            progress=progress,
            command=_command("run", repr(display)),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    result = Result(out, summary, _owned_dir=folder)
    for w in summary.get("warnings", []):
        warnings.warn(w, UserWarning, stacklevel=2)
    if summary.get("failure"):
        raise RuntimeError(
            f"{summary['failure']}; {summary['energies_done']} of {summary['energies_total']} "
            "energies finished"
        )
    return result


def merge(
    files: Iterable[Union[str, "os.PathLike[str]", Result]],
    out: Union[str, "os.PathLike[str]"],
    *,
    force: bool = False,
) -> str:
    """Joins the shard files of one run (``nuspin.run(..., shard=(k, n))`` results or
    ``nuspin run --shard`` files, in any order) into ``out``: the file the unsharded run
    writes, apart from ``created_utc`` and ``command`` (``nuspin merge``). Returns ``out``."""
    paths = [f.file if isinstance(f, Result) else os.fspath(f) for f in files]
    out = os.fspath(out)
    _core.merge(paths, out, force=force, command=_command("merge", repr(out)))
    return out


def validate(scenario: ScenarioLike, *, path: Optional[str] = None) -> Dict[str, Any]:
    """Validates a scenario without running it; raises :class:`ScenarioError` like
    :func:`run`. Returns ``name``, ``labels``, ``initial_states``, ``energy_mev``, ``n_grid``,
    ``output_file`` and ``warnings``."""
    display, text = resolve(scenario, path)
    return dict(_core.validate(display, text))
