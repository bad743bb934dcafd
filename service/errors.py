"""Errors the workflows raise besides the library's own: each one tells a front end how to answer."""

from __future__ import annotations

from nlp.errors import JixiaoError

__all__ = ["NotFound", "Ambiguous", "TooLarge", "Unsupported", "Unreadable", "Refused", "error_kind"]


class NotFound(JixiaoError):
    """A stored document, project or row that is not there."""


class Ambiguous(JixiaoError):
    """A name that matches several projects where one is needed."""


class TooLarge(JixiaoError):
    """An upload above the configured size limit."""


class Unsupported(JixiaoError):
    """An upload of a type ingest does not read."""


class Unreadable(JixiaoError):
    """An upload whose content ingest cannot use (not text, empty, no tables found)."""


class Refused(JixiaoError):
    """A new version that would shrink the stored document of that name by more than half."""


def error_kind(exc: JixiaoError) -> str:
    """What kind of failure ``exc`` is, for a front end to choose its answer:

    ``not_found`` (no such document/project, no index yet), ``ambiguous``, ``too_large``, ``unsupported``,
    ``busy`` (another writer holds the lock; retry later), ``refused`` (a replacement that would shrink a
    stored document; send it again with replace), ``out_of_step`` (stored, but the search index could not
    follow), ``unreadable`` (a file's content or a label file
    cannot be used), or ``invalid`` (any other bad request).
    """
    from index.build import IndexMissingError
    from index.lock import DataBusyError, IndexBusyError
    from index.sync import IndexOutOfStepError
    from models.labels import LabelFileError
    from nlp.errors import InputError

    if isinstance(exc, (NotFound, IndexMissingError)):
        return "not_found"
    if isinstance(exc, Ambiguous):
        return "ambiguous"
    if isinstance(exc, TooLarge):
        return "too_large"
    if isinstance(exc, Unsupported):
        return "unsupported"
    if isinstance(exc, (IndexBusyError, DataBusyError)):
        return "busy"
    if isinstance(exc, Refused):
        return "refused"
    if isinstance(exc, IndexOutOfStepError):
        return "out_of_step"
    if isinstance(exc, (InputError, LabelFileError, Unreadable)):
        return "unreadable"
    return "invalid"
