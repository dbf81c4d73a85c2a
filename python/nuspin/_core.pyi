"""Type stubs of the compiled extension `nuspin._core` (python/src/lib.rs)."""

from typing import Any, Dict, List, Optional, Tuple

__version__: str
# Medium table columns besides x_km (src/medium/table_parse.rs), and interpolation names.
TABLE_COLUMNS: List[str]
INTERPOLATIONS: List[str]

def validate(display: str, text: Optional[str] = None) -> Dict[str, Any]: ...
def run_to_file(
    display: str,
    text: Optional[str],
    out: str,
    threads: Optional[int] = None,
    shard: Optional[Tuple[int, int]] = None,
    progress: bool = False,
    command: str = "",
    force: bool = False,
) -> Dict[str, Any]: ...
def solve_amplitudes(
    display: str, text: str, threads: Optional[int] = None
) -> Tuple[bytes, int, int, List[int]]: ...
def merge(
    files: List[str], out: str, force: bool = False, command: str = ""
) -> Tuple[int, int, int]: ...
def final_copy(path: str, out: str) -> bool: ...
def toml_dumps(table: Dict[str, Any]) -> str: ...
