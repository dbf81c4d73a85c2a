"""`nuspin.load`: any nuspin HDF5 file, finished or `.partial`, as an `xarray.Dataset`.

A `.partial` file is first written in the finished layout by the nuspin library itself
(`_core.final_copy`), so there is one reader here, of one layout (docs/output.md)."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Dict, List, Tuple, Union

import h5py
import numpy as np

from . import _core

# The trailing dimensions (after the scan axes) of each dataset of the layout, by path.
_PER_GRID: Dict[str, Tuple[str, ...]] = {
    "probability": ("energy", "x", "initial", "final"),
    "amplitude": ("energy", "x", "initial", "final"),
    "energy_done": ("energy",),
    "solver/steps": ("energy",),
    "solver/rejected": ("energy",),
    "solver/unitarity_error": ("energy",),
    "observables/mass_population": ("energy", "x", "initial", "final"),
    "observables/arrival_day": ("energy", "initial", "final"),
    "observables/arrival_night": ("energy", "initial", "final"),
    "observables/arrival_night_zenith": ("energy", "zenith", "initial", "final"),
    "observables/day_night_asymmetry": ("energy", "initial", "active_flavour"),
    "observables/averaged_probability": ("energy", "initial", "final"),
    "observables/averaged_min_phase_spread_rad": ("energy", "initial"),
    "detector/mu_eff_sq_mu_b2": ("energy", "x", "initial"),
    "detector/mu_eff_sq_active_mu_b2": ("energy", "x", "initial"),
    "detector/composition": ("energy", "x", "initial", "component"),
    "detector/dsigma_dt_cm2_per_mev": ("energy", "x", "initial", "recoil"),
    "detector/dsigma_dt_sm_cm2_per_mev": ("energy", "x", "initial", "recoil"),
}
# Per scan point: the track of each point (a scan over the Earth's zenith angle).
_PER_SCAN: Dict[str, Tuple[str, ...]] = {
    "track/start_km": (),
    "track/end_km": (),
    "track/x_km": ("x",),
}
# Whole-run datasets: their dimensions, the scan axes in front when the rank says so.
_WHOLE_RUN: Dict[str, Tuple[str, ...]] = {
    "detector/recoil_mev": ("recoil",),
    "detector/flux_energy_mev": ("flux_row",),
    "detector/flux": ("flux_row",),
    "detector/recoil_spectrum": ("x", "initial", "recoil"),
    "detector/recoil_spectrum_sm": ("x", "initial", "recoil"),
    "detector/recoil_ratio_to_sm": ("x", "initial", "recoil"),
    "observables/energy_resolution": ("one",),
    "observables/arrival_night_chord_weight": ("zenith",),
}
_COMPONENTS = ["nu_e", "nu_mu", "nu_tau", "nubar_e", "nubar_mu", "nubar_tau"]
# Coordinates, not data variables.
_COORDS = {
    "energy_mev",
    "x_km",
    "initial_states",
    "final_states",
    "detector/recoil_mev",
    "observables/arrival_night_cos_zenith",
}


def _text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return [_text(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _var_name(path: str, taken: set) -> str:
    group, _, base = path.rpartition("/")
    if group in ("solver", "medium", "track"):
        name = f"{group}_{base}"
    else:
        name = base
    return name if name not in taken else path.replace("/", "_")


def _attrs(obj) -> dict:
    out = {}
    for k, v in obj.attrs.items():
        v = _text(v)
        if k == "unit":
            out["units"] = v
        else:
            out[k] = v
    return out


def _walk(f: h5py.File) -> List[Tuple[str, h5py.Dataset]]:
    items: List[Tuple[str, h5py.Dataset]] = []
    f.visititems(lambda name, obj: items.append((name, obj)) if isinstance(obj, h5py.Dataset) else None)
    return items


def _read_final(path: str):
    import xarray as xr

    with h5py.File(path, "r") as f:
        attrs = _attrs(f)
        scan_dims: List[str] = []
        coords: dict = {}
        if "scan" in f:
            fields = _text(f["scan"].attrs["fields"])
            fields = [fields] if isinstance(fields, str) else list(fields)
            for field in fields:
                ds = f["scan"][field]
                scan_dims.append(field)
                coords[field] = (field, ds[()], _attrs(ds))
        for name, dim in (("energy_mev", "energy"), ("x_km", "x")):
            coords[name] = (dim, f[name][()], _attrs(f[name]))
        coords["initial"] = ("initial", np.array(_text(f["initial_states"][()]), dtype=object))
        coords["final"] = ("final", np.array(_text(f["final_states"][()]), dtype=object))
        if "detector/recoil_mev" in f:
            ds = f["detector/recoil_mev"]
            coords["recoil_mev"] = ("recoil", ds[()], _attrs(ds))
        if "observables/arrival_night_cos_zenith" in f:
            # The chords' cos zenith: per scan point when a scan moves them (a site's latitude).
            ds = f["observables/arrival_night_cos_zenith"]
            dims = tuple(scan_dims[: ds.ndim - 1]) + ("zenith",)
            coords["cos_zenith"] = (dims, ds[()], _attrs(ds))
        if "detector/composition" in f:
            coords["component"] = ("component", np.array(_COMPONENTS, dtype=object))
        data_vars: dict = {}
        taken: set = set()
        for name, ds in _walk(f):
            if name in _COORDS or name.startswith("scan/") or name.startswith("steps/"):
                continue
            if name == "medium/x_km":
                coords["medium_x_km"] = ("medium_sample", ds[()], _attrs(ds))
                continue
            value = ds[()]
            if name in _PER_GRID:
                dims = tuple(scan_dims) + _PER_GRID[name]
            elif name in _PER_SCAN:
                dims = tuple(scan_dims) + _PER_SCAN[name]
            elif name in _WHOLE_RUN:
                tail = _WHOLE_RUN[name]
                dims = tuple(scan_dims[: max(0, value.ndim - len(tail))]) + tail
            elif name.startswith("medium/"):
                dims = ("medium_sample",)
            else:
                dims = tuple(f"{name.replace('/', '_')}_dim{i}" for i in range(value.ndim))
            if len(dims) != value.ndim:
                dims = tuple(f"{name.replace('/', '_')}_dim{i}" for i in range(value.ndim))
            var = _var_name(name, taken)
            taken.add(var)
            var_attrs = _attrs(ds)
            var_attrs["hdf5_path"] = "/" + name
            data_vars[var] = (dims, value, var_attrs)
        if "solver" in f:
            attrs.update({f"solver_{k}": v for k, v in _attrs(f["solver"]).items()})
        # Steps of record = "all-steps" are ragged: one group per energy, read them with h5py.
        if "steps" in f:
            attrs["steps_groups"] = len(f["steps"])
    ds = xr.Dataset(data_vars=data_vars, coords=coords, attrs=attrs)
    # `.sel(energy_mev=...)` and `.sel(x_km=...)` select along the energy and x dimensions.
    return ds.set_xindex("energy_mev").set_xindex("x_km")


def is_partial(path: Union[str, "os.PathLike[str]"]) -> bool:
    """Whether `path` is a `.partial` file (one with the `/partial` records). Opened without
    HDF5's file lock: the run writing a partial file holds one."""
    with h5py.File(path, "r", locking=False) as f:
        return "partial" in f


def load(path: Union[str, "os.PathLike[str]"]):
    """Any nuspin output file, finished or ``.partial``, as an :class:`xarray.Dataset`.

    Dimensions: the scan axes (named by their scenario field, outermost first), ``energy``,
    ``x``, ``initial``, ``final`` (and ``recoil``, ``zenith``, ``component``,
    ``medium_sample`` … where the file has them). Coordinates: ``energy_mev``, ``x_km``,
    ``initial``, ``final``, the scan values, and ``cos_zenith`` (on ``zenith``) with night
    chords. Every variable carries ``units`` and ``description`` from the file; the root
    attributes (``scenario_toml``, ``complete``, …) are the Dataset's. Energies a partial or interrupted run did not finish are NaN, with
    ``energy_done`` 0. The per-step records of ``record = "all-steps"`` are ragged and stay in
    the file (``/steps/<iE>``, read them with h5py).
    """
    path = os.fspath(path)
    if not is_partial(path):
        return _read_final(path)
    folder = tempfile.mkdtemp(prefix="nuspin-load-")
    try:
        copy = os.path.join(folder, "final.h5")
        _core.final_copy(path, copy)
        ds = _read_final(copy)
        ds.attrs["partial_file"] = 1
        return ds
    finally:
        shutil.rmtree(folder, ignore_errors=True)
