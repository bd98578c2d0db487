"""Exceptions raised by suanli.

They live in Python (not in the compiled module) so that they can be pickled and sent back
from Dask workers, and so that ``InputError`` can also be a ``ValueError``.
"""

from __future__ import annotations

from typing import Optional


class SuanliError(Exception):
    """Any error from suanli."""


class InputError(SuanliError, ValueError):
    """Bad input: a scenario, site or network file (or dict) that cannot be read.

    ``file``, ``line`` and ``column`` say where (1-based; for a dict, ``file`` names the
    key, e.g. ``<dict>[regions][china][pue]``), ``hint`` what to do about it.
    """

    def __init__(
        self,
        message: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        hint: Optional[str] = None,
    ) -> None:
        where = ":".join(str(x) for x in (file, line, column) if x is not None)
        text = f"{where}: {message}" if where else message
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)
        self.message, self.file, self.line, self.column, self.hint = message, file, line, column, hint

    def __reduce__(self):
        return (type(self), (self.message, self.file, self.line, self.column, self.hint))


class InfeasibleError(SuanliError):
    """No plan can meet a requirement; the message says which."""


class SolverError(SuanliError):
    """The solver stopped without an optimal solution."""


class CheckError(SuanliError):
    """A solution failed its independent check."""
