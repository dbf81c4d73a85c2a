"""A scenario argument (a path, a TOML string or a dict) as what the Rust side validates:
a display path and, unless the file is to be read from that path, the TOML text."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Tuple, Union

import numpy as np

from . import _core

ScenarioLike = Union[str, "os.PathLike[str]", Mapping[str, Any]]


def plain(value: Any) -> Any:
    """`value` with NumPy arrays and scalars turned into lists and Python numbers, and
    mappings into dicts, so that it converts to TOML."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def dumps(table: Mapping[str, Any]) -> str:
    """A dict of the scenario schema as TOML text."""
    return _core.toml_dumps(plain(table))


def looks_like_toml(text: str) -> bool:
    """A str holding TOML rather than a file name: it has a line break or a `=`."""
    return "\n" in text or "=" in text


def resolve(scenario: ScenarioLike, path: Optional[str] = None) -> Tuple[str, Optional[str]]:
    """`(display path, text or None)` for the Rust side. `path` names a TOML string or dict
    (error messages and the output's `scenario_file` use it; relative table paths resolve
    against its folder); without it they are `<string>` and `<dict>` in the working
    directory."""
    if isinstance(scenario, Mapping):
        return (path or "<dict>"), dumps(scenario)
    if isinstance(scenario, os.PathLike):
        if path is not None:
            raise TypeError("path= names a TOML string or dict, not a scenario file")
        return os.fspath(scenario), None
    if isinstance(scenario, str):
        if looks_like_toml(scenario):
            return (path or "<string>"), scenario
        if path is not None:
            raise TypeError("path= names a TOML string or dict, not a scenario file")
        return scenario, None
    raise TypeError(
        "scenario must be a path, a TOML string or a dict, got " + type(scenario).__name__
    )
