"""Type stubs of the public nuspin API."""

import os
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import xarray

from ._errors import ScenarioError as ScenarioError

__version__: str

_Path = Union[str, "os.PathLike[str]"]
_Scenario = Union[str, "os.PathLike[str]", Mapping[str, Any]]
_Shard = Union[Tuple[int, int], str]

class Result:
    summary: Dict[str, Any]
    @property
    def file(self) -> str: ...
    def write(self, path: _Path, *, force: bool = False) -> str: ...
    def to_xarray(self) -> xarray.Dataset: ...
    def __getitem__(self, name: str) -> np.ndarray: ...
    def datasets(self) -> Tuple[str, ...]: ...
    @property
    def attrs(self) -> Dict[str, Any]: ...
    @property
    def complete(self) -> bool: ...
    @property
    def probability(self) -> np.ndarray: ...
    @property
    def amplitude(self) -> Optional[np.ndarray]: ...
    @property
    def energy_mev(self) -> np.ndarray: ...
    @property
    def x_km(self) -> np.ndarray: ...
    @property
    def initial_states(self) -> np.ndarray: ...
    @property
    def final_states(self) -> np.ndarray: ...
    @property
    def energy_done(self) -> np.ndarray: ...
    @property
    def steps(self) -> np.ndarray: ...
    @property
    def rejected(self) -> np.ndarray: ...
    @property
    def unitarity_error(self) -> np.ndarray: ...
    @property
    def observables(self) -> Dict[str, np.ndarray]: ...
    @property
    def detector(self) -> Dict[str, np.ndarray]: ...

def run(
    scenario: _Scenario,
    *,
    threads: Optional[int] = None,
    progress: bool = False,
    shard: Optional[_Shard] = None,
    path: Optional[str] = None,
) -> Result: ...
def load(path: _Path) -> xarray.Dataset: ...
def merge(files: Iterable[Union[_Path, Result]], out: _Path, *, force: bool = False) -> str: ...
def validate(scenario: _Scenario, *, path: Optional[str] = None) -> Dict[str, Any]: ...

class Model:
    flavours: int
    nature: str
    particle: str
    mixing: Dict[str, Any]
    moments: Dict[str, Any]
    labels: list
    def __init__(
        self,
        flavours: int,
        nature: str,
        particle: str = "neutrino",
        mixing: Optional[Mapping[str, Any]] = None,
        moments: Optional[Mapping[str, Any]] = None,
        *,
        lightest_mass_ev: Optional[float] = None,
    ) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @classmethod
    def from_dict(cls, tables: Mapping[str, Any]) -> "Model": ...

class Medium:
    kind: str
    params: Dict[str, Any]
    def __init__(self, kind: str, **params: Any) -> None: ...
    @classmethod
    def from_arrays(
        cls, x_km: Any, *, interpolation: str = "linear", **columns: Any
    ) -> "Medium": ...
    @property
    def columns(self) -> Optional[Dict[str, np.ndarray]]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @classmethod
    def from_dict(cls, table: Mapping[str, Any]) -> "Medium": ...

def propagate(
    model: Model,
    medium: Medium,
    energies_mev: Union[Sequence[float], np.ndarray],
    start_km: float,
    end_km: float,
    method: str = "magnus",
    rtol: float = 1e-6,
    *,
    atol: Optional[float] = None,
    max_step_km: Optional[float] = None,
    threads: Optional[int] = None,
) -> np.ndarray: ...
