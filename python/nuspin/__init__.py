"""nuspin — neutrino spin-flavour evolution, from Python.

The same library as the ``nuspin`` command line (one implementation, compiled into
``nuspin._core``): scenarios validated with the same messages, run by the same parallel
driver, written to the same HDF5 files.

- :func:`run` — a scenario (path, TOML string or dict) → :class:`Result` (NumPy arrays,
  ``.to_xarray()``, ``.write(path)``).
- :func:`load` — any nuspin HDF5 file, finished or ``.partial`` → ``xarray.Dataset``.
- :func:`merge` — shard files/results → the unsharded run's file.
- :func:`validate` — a scenario checked without running it.
- :class:`Model`, :class:`Medium`, :func:`propagate` — propagators S [nE, 2N, 2N] for your own
  analyses.
- :class:`ScenarioError` — bad input (a ``ValueError``), with the command line's message.

Long calls release the GIL; Ctrl-C raises ``KeyboardInterrupt`` within a second; every
object pickles (for multiprocessing and Dask).
"""

from ._core import __version__
from ._errors import ScenarioError
from ._load import load
from ._lowlevel import Medium, Model, propagate
from ._run import Result, merge, run, validate

__all__ = [
    "ScenarioError",
    "Result",
    "Model",
    "Medium",
    "run",
    "load",
    "merge",
    "validate",
    "propagate",
    "__version__",
]
