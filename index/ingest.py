"""Ingest orchestration: paths → text → parsed records → the store.

The core is pure (:func:`expand_paths` lists files, :func:`load_document` reads
and parses one); :func:`ingest_paths` is the adapter that writes each parsed
document to a :class:`~index.store.Store`. One bad file yields a failed
:class:`IngestOutcome` with a one-line reason; the other files still ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from index.store import Store
from nlp.errors import JixiaoError
from nlp.io import SUPPORTED_SUFFIXES, read_document
from nlp.load import parse_document
from nlp.parse import parse_text
from nlp.records import Layout, ParsedDocument, ParseIssue, Severity

__all__ = [
    "IngestOutcome",
    "IngestSummary",
    "Parser",
    "ProgressFn",
    "expand_paths",
    "load_document",
    "ingest_paths",
    "summarize",
]


class Parser(Protocol):
    """The signature of :func:`nlp.parse.parse_text`."""

    def __call__(self, text: str, *, file: str, sha256: str = "", encoding: str = "utf-8") -> ParsedDocument: ...


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one input path."""

    path: Path
    doc: str  #: the file name, the document's key in the store
    ok: bool
    reason: str | None = None  #: one-line reason when not ok (``<path>: <why>``)
    layout: Layout | None = None
    reader: str | None = None  #: the reader that found the tables (``pipe``, ``celllines``, ``tabbed`` …)
    department: str | None = None
    year: int | None = None
    encoding: str | None = None
    n_projects: int = 0
    n_indicators: int = 0
    issues: tuple[ParseIssue, ...] = ()
    replaced: bool = False  #: an earlier version of the document was replaced

    @property
    def n_warnings(self) -> int:
        """Parse issues of severity warning or error (info-level repairs are not counted)."""
        return sum(1 for i in self.issues if i.severity is not Severity.INFO)


@dataclass(frozen=True)
class IngestSummary:
    """Totals over a batch of outcomes."""

    n_files: int
    n_failed: int
    n_projects: int
    n_indicators: int
    n_warnings: int


#: called after each path with (outcome, number done, total)
ProgressFn = Callable[[IngestOutcome, int, int], None]

#: the reason given for a folder without any file to ingest
NO_FILES = "folder has no files to ingest (.txt .html .docx .doc .xlsx .xls .csv .pdf); nothing to ingest"


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: folders become their files of a supported format (sorted), duplicates are dropped.

    Paths that do not exist are kept, so that reading them reports the error.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        found = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file())
            if path.is_dir()
            else [path]
        )
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


def load_document(path: Path, *, parse: Parser = parse_text) -> ParsedDocument:
    """Read and parse one file (pure apart from reading it). Raises :class:`JixiaoError` on bad input."""
    raw = read_document(path)
    if raw.format != "text":
        return parse_document(raw)
    return parse(raw.text, file=raw.file, sha256=raw.sha256, encoding=raw.encoding)


def ingest_paths(
    paths: Iterable[Path],
    store: Store,
    *,
    on_progress: ProgressFn | None = None,
    parse: Parser = parse_text,
) -> list[IngestOutcome]:
    """Read, parse and store every file under ``paths``; one outcome per file, in order.

    A folder with no supported file gives one failed outcome. Each document is
    written in its own transaction, so a failure leaves earlier documents stored
    and the failed one as it was before.
    """
    paths = list(paths)
    files = expand_paths(paths)
    empty_dirs = [p for p in paths if p.is_dir() and not expand_paths([p])]
    outcomes = [
        IngestOutcome(path=d, doc=d.name, ok=False, reason=f"{d}: {NO_FILES}")
        for d in empty_dirs
    ]
    known = {info.doc for info in store.documents()}
    total = len(files) + len(outcomes)
    for done, outcome in enumerate(outcomes, start=1):
        if on_progress is not None:
            on_progress(outcome, done, total)
    for path in files:
        outcome = _ingest_one(path, store, parse=parse, known=known)
        outcomes.append(outcome)
        if outcome.ok:
            known.add(outcome.doc)
        if on_progress is not None:
            on_progress(outcome, len(outcomes), total)
    return outcomes


def _ingest_one(path: Path, store: Store, *, parse: Parser, known: set[str]) -> IngestOutcome:
    try:
        parsed = load_document(path, parse=parse)
        store.replace_document(parsed)
    except JixiaoError as exc:
        reason = str(exc).splitlines()[0]
        if reason.startswith(f"{path.name}:"):  # the parser names the file; show the path as given
            reason = f"{path}{reason[len(path.name):]}"
        elif not reason.startswith(f"{path}:"):
            reason = f"{path}: {reason}"
        return IngestOutcome(path=path, doc=path.name, ok=False, reason=reason)
    d = parsed.document
    return IngestOutcome(
        path=path,
        doc=d.file,
        ok=True,
        layout=Layout(d.layout),
        reader=d.reader or None,
        department=d.department,
        year=d.year,
        encoding=d.encoding,
        n_projects=len(parsed.projects),
        n_indicators=parsed.n_indicators,
        issues=parsed.issues,
        replaced=d.file in known,
    )


def summarize(outcomes: Iterable[IngestOutcome]) -> IngestSummary:
    """Totals over the outcomes of one ingest run."""
    outcomes = list(outcomes)
    ok = [o for o in outcomes if o.ok]
    return IngestSummary(
        n_files=len(outcomes),
        n_failed=len(outcomes) - len(ok),
        n_projects=sum(o.n_projects for o in ok),
        n_indicators=sum(o.n_indicators for o in ok),
        n_warnings=sum(o.n_warnings for o in ok),
    )
