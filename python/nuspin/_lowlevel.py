"""The lower level: a :class:`Model`, a :class:`Medium` and :func:`propagate`.

Each is a table of the scenario schema (docs/scenario.md) and is validated by the same code
as a scenario file: `propagate` builds a one-track scenario from them and solves it on the
run layer's parallel driver, so the propagators are the ones ``nuspin run`` computes."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Mapping, Optional

import numpy as np

from . import _core
from ._source import dumps, plain

# The quantity columns of a medium table (docs/scenario.md, [medium]) and the interpolation
# names, as the Rust table reader knows them.
COLUMNS = tuple(_core.TABLE_COLUMNS)
INTERPOLATIONS = tuple(_core.INTERPOLATIONS)


class Model:
    """The neutrinos and their physics: ``[neutrino]`` (flavours, nature, particle),
    ``[mixing]`` (a dict of its fields; ``lightest_mass_ev`` sets the absolute masses) and
    ``[moments]`` (a dict: ``basis``, ``magnetic_mu_b``, ``electric_mu_b``).

    Validated at construction by the scenario validation; bad values raise
    :class:`ScenarioError` naming the field (the file is ``<model>``).

    >>> m = Model(2, "dirac", mixing={"theta_deg": 33.0, "dm2_ev2": 7.5e-5})
    >>> m.labels
    ['nu_e', 'nu_mu', 'nuR_e', 'nuR_mu']
    """

    def __init__(
        self,
        flavours: int,
        nature: str,
        particle: str = "neutrino",
        mixing: Optional[Mapping[str, Any]] = None,
        moments: Optional[Mapping[str, Any]] = None,
        *,
        lightest_mass_ev: Optional[float] = None,
    ):
        self.flavours = int(flavours)
        self.nature = nature
        self.particle = particle
        self.mixing: Dict[str, Any] = plain(dict(mixing or {}))
        if lightest_mass_ev is not None:
            self.mixing["lightest_mass_ev"] = float(lightest_mass_ev)
        self.moments: Dict[str, Any] = plain(dict(moments or {}))
        probe = _scenario(self, Medium("constant"), np.array([10.0]), 0.0, 1.0)
        self.labels = list(_core.validate("<model>", dumps(probe))["labels"])

    def to_dict(self) -> Dict[str, Any]:
        """The model as the ``[neutrino]``, ``[mixing]`` and ``[moments]`` tables."""
        out: Dict[str, Any] = {
            "neutrino": {
                "flavours": self.flavours,
                "nature": self.nature,
                "particle": self.particle,
            }
        }
        if self.mixing:
            out["mixing"] = dict(self.mixing)
        if self.moments:
            out["moments"] = dict(self.moments)
        return out

    @classmethod
    def from_dict(cls, tables: Mapping[str, Any]) -> "Model":
        """The inverse of :meth:`to_dict` (a scenario dict's tables work too)."""
        n = tables["neutrino"]
        return cls(
            n["flavours"],
            n["nature"],
            n.get("particle", "neutrino"),
            tables.get("mixing"),
            tables.get("moments"),
        )

    def __reduce__(self):
        return (Model.from_dict, (self.to_dict(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Model({self.to_dict()!r})"


class Medium:
    """The matter and fields along the path: a built-in medium by ``kind`` with its
    parameters (``Medium("supernova", b0_gauss=1e12)``, ``Medium("constant",
    rho_g_cm3=3.0)``; fields as in docs/scenario.md ``[medium]``), or a table from NumPy
    arrays (:meth:`from_arrays`).
    """

    def __init__(self, kind: str, **params: Any):
        self.kind = kind
        self.params: Dict[str, Any] = plain(params)
        self._columns: Optional[Dict[str, np.ndarray]] = None

    @classmethod
    def from_arrays(
        cls, x_km: Any, *, interpolation: str = "linear", **columns: Any
    ) -> "Medium":
        """A tabulated medium: ``x_km`` and any of the quantity columns (``rho_g_cm3``,
        ``ye``, ``ne_cm3``, ``nn_cm3``, ``b_par_gauss``, ``b_perp_gauss``, ``b_phi_rad``,
        ``v_par``, ``v_perp``, ``v_phi_rad``, ``pol_par``, ``pol_perp``, ``pol_phi_rad``), all
        of the same length, with ``interpolation`` ``"linear"``, ``"log-linear"``,
        ``"pchip"`` or ``"steps"``. A repeated x (two rows) is a discontinuity. Checked
        by the scenario validation of ``kind = "table"`` at construction (bad values raise
        :class:`ScenarioError` with the row and column)."""
        m = cls("table", interpolation=interpolation)
        x = np.asarray(x_km, dtype=float).ravel()
        cols = {"x_km": x}
        for name, values in columns.items():
            if name not in COLUMNS:
                raise ValueError(
                    f"unknown medium column {name!r}: expected one of {', '.join(COLUMNS)}"
                )
            v = np.broadcast_to(np.asarray(values, dtype=float), x.shape)
            cols[name] = np.array(v)
        m._columns = cols
        if x.size >= 2:
            probe = _scenario(
                Model(2, "dirac", mixing={"theta_deg": 30.0, "dm2_ev2": 7.5e-5}),
                m,
                np.array([10.0]),
                float(x[0]),
                float(x[-1]),
            )
            with m.table() as table:
                probe["medium"] = table
                _core.validate("<medium>", dumps(probe))
        else:
            raise ValueError(f"x_km needs at least 2 rows, got {x.size}")
        return m

    @property
    def columns(self) -> Optional[Dict[str, np.ndarray]]:
        """The arrays of a tabulated medium (None for a built-in one)."""
        return None if self._columns is None else dict(self._columns)

    @contextmanager
    def table(self) -> Iterator[Dict[str, Any]]:
        """The ``[medium]`` table; for arrays, with ``file`` a CSV written for the duration
        of the ``with`` block (exact decimal round trip of every value)."""
        if self._columns is None:
            yield {"kind": self.kind, **self.params}
            return
        folder = tempfile.mkdtemp(prefix="nuspin-medium-")
        try:
            path = os.path.join(folder, "medium.csv")
            names = list(self._columns)
            with open(path, "w") as f:
                f.write(",".join(names) + "\n")
                for row in zip(*(self._columns[n].tolist() for n in names)):
                    f.write(",".join(repr(v) for v in row) + "\n")
            yield {"kind": "table", "file": path, **self.params}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def to_dict(self) -> Dict[str, Any]:
        """The medium as a dict: its ``[medium]`` table, or for arrays ``kind``,
        ``interpolation`` and ``columns`` (lists)."""
        if self._columns is None:
            return {"kind": self.kind, **self.params}
        return {
            "kind": "table",
            **self.params,
            "columns": {k: v.tolist() for k, v in self._columns.items()},
        }

    @classmethod
    def from_dict(cls, table: Mapping[str, Any]) -> "Medium":
        """The inverse of :meth:`to_dict`."""
        table = dict(table)
        if "columns" in table:
            cols = dict(table.pop("columns"))
            return cls.from_arrays(cols.pop("x_km"), **table_params(table), **cols)
        return cls(table.pop("kind"), **table)

    def __reduce__(self):
        return (Medium.from_dict, (self.to_dict(),))

    def __repr__(self) -> str:
        if self._columns is None:
            return f"Medium({self.kind!r}, **{self.params!r})"
        return f"Medium.from_arrays(<{len(self._columns['x_km'])} rows>, {self.params!r})"


def table_params(table: Dict[str, Any]) -> Dict[str, Any]:
    """The keyword arguments of :meth:`Medium.from_arrays` in a table dict."""
    table.pop("kind", None)
    return {"interpolation": table.pop("interpolation", "linear")}


def _scenario(
    model: Model, medium: Medium, energies_mev: np.ndarray, start_km: float, end_km: float
) -> Dict[str, Any]:
    """The one-track scenario `propagate` solves (all 2N initial states, amplitudes at the end
    of the track, no medium samples)."""
    tables = model.to_dict()
    tables["neutrino"]["initial"] = "all"
    out: Dict[str, Any] = {"name": "propagate", **tables}
    out["energy"] = {"values_mev": [float(e) for e in energies_mev]}
    out["medium"] = {"kind": medium.kind, **medium.params}
    out["track"] = {"start_km": float(start_km), "end_km": float(end_km)}
    out["output"] = {"amplitudes": True, "profile_samples": 0}
    return out


def propagate(
    model: Model,
    medium: Medium,
    energies_mev: Any,
    start_km: float,
    end_km: float,
    method: str = "magnus",
    rtol: float = 1e-6,
    *,
    atol: Optional[float] = None,
    max_step_km: Optional[float] = None,
    threads: Optional[int] = None,
) -> np.ndarray:
    """The propagators S(end, start) of ``model`` through ``medium`` at each energy:
    complex ndarray [nE, 2N, 2N], ``S[e, j, i]`` the amplitude of state j after starting in
    state i (states in ``model.labels`` order), so ``abs(S)**2`` is P(i → j) at ``[e, j, i]``.

    Solved in parallel over the energies (``threads``, default one per core) with the GIL
    released, by the same code as ``nuspin run`` (``method`` ``"magnus"``, ``"dop853"`` or
    ``"layers"``; ``rtol``, ``atol``, ``max_step_km`` as in ``[solver]``), so it agrees with a
    scenario run to the last bit. Energies must be distinct. Ctrl-C raises
    ``KeyboardInterrupt``; a bad argument raises :class:`ScenarioError` naming the field.
    """
    energies = np.asarray(energies_mev, dtype=float).ravel()
    scenario = _scenario(model, medium, energies, start_km, end_km)
    solver: Dict[str, Any] = {"method": method, "rtol": float(rtol)}
    if atol is not None:
        solver["atol"] = float(atol)
    if max_step_km is not None:
        solver["max_step_km"] = float(max_step_km)
    scenario["solver"] = solver
    with medium.table() as table:
        scenario["medium"] = table
        data, n_e, dim, _steps = _core.solve_amplitudes(
            "<propagate>", dumps(scenario), threads=threads
        )
    a = np.frombuffer(data, dtype=np.complex128).reshape(n_e, dim, dim)
    return np.ascontiguousarray(a.transpose(0, 2, 1))
