"""Domain exceptions. Each names what went wrong and, where there is one, the remedy.

The library raises these; only ``cli.py`` turns them into one-line messages.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """Base class of every error jixiao reports to a user (never a bug)."""


class InputError(JixiaoError):
    """A source document cannot be read: binary, empty, undecodable, unreadable path, no tables."""

    def __init__(self, file: str, reason: str, *, line: int | None = None) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")
