"""`ScenarioError`, raised by the compiled extension (python/src/lib.rs) on bad input."""


class ScenarioError(ValueError):
    """An invalid scenario: the message names the file, the ``[table] field``, what was
    expected and what was found (with the line when known), exactly as the ``nuspin``
    command line prints it after ``error:``. Raised before any work or file is made."""
