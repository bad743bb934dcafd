"""Rows on one line whose cells are separated by runs of spaces (placeholder, see read_spaced)."""

from __future__ import annotations

from nlp.table import Sheet

__all__ = ["read_spaced"]


def read_spaced(lines: list[str]) -> Sheet | None:
    return None
