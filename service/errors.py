"""Errors the workflows raise besides the library's own: each one tells a front end how to answer."""

from __future__ import annotations

from nlp.errors import JixiaoError

__all__ = ["NotFound", "Ambiguous", "TooLarge", "Unsupported"]


class NotFound(JixiaoError):
    """A stored document, project or row that is not there."""


class Ambiguous(JixiaoError):
    """A name that matches several projects where one is needed."""


class TooLarge(JixiaoError):
    """An upload above the configured size limit."""


class Unsupported(JixiaoError):
    """An upload of a type ingest does not read."""
