"""Ingest orchestration: paths → text → parsed records → the store.

The core is pure (:func:`expand_sources` lists files with their document keys,
:func:`load_document` reads and parses one); :func:`ingest_paths` is the adapter
that writes each parsed document to a :class:`~index.store.Store`. One bad file
yields a failed :class:`IngestOutcome` with a one-line reason; the other files
still ingest. Keeping the search index in step is :mod:`index.sync`'s job.

Document identity. A document's key (``doc``) is its path relative to what the
user ingested — a folder argument gives ``sub/folder/name.txt`` relative to that
folder, a file argument gives its name — or a name the caller chose
(``as_name``). With the file's content hash and the absolute path it was read
from (both stored) that decides what a re-ingest does:

* the same path again, or the same key with the same content: the stored
  document is replaced (and the outcome says what changed);
* the same key read from another path with other content (``魏县/预算.txt``
  after ``邯郸/预算.txt``), or two inputs of one run with the same key: a
  different document, so it gets a longer key with as many parent folders as
  make it unique (``魏县/预算.txt``); nothing stored is replaced;
* a replacement that would leave fewer than half the projects or indicators is
  refused and the stored version kept, unless ``replace`` forces it (a
  truncated or half-exported file must not silently wipe a document).

Project ids are ``<key without extension>:<ordinal>`` (:func:`nlp.records.project_id`),
so ingesting a flat folder gives the ids the file names always gave.
"""

from __future__ import annotations

from collections import defaultdict
import dataclasses
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Protocol

from index.store import DocumentInfo, Store
from nlp.errors import JixiaoError
from nlp.io import SUPPORTED_SUFFIXES, RawDocument, read_document
from nlp.load import parse_document
from nlp.parse import parse_text
from nlp.records import Layout, ParsedDocument, ParseIssue, Severity, document_stem

__all__ = [
    "IngestOutcome",
    "IngestSummary",
    "Parser",
    "ProgressFn",
    "Source",
    "check_key",
    "expand_paths",
    "expand_sources",
    "load_document",
    "ingest_paths",
    "summarize",
]


class Parser(Protocol):
    """The signature of :func:`nlp.parse.parse_text`."""

    def __call__(self, text: str, *, file: str, sha256: str = "", encoding: str = "utf-8") -> ParsedDocument: ...


@dataclass(frozen=True)
class Counts:
    """Projects and indicators of one version of a document."""

    projects: int
    indicators: int


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one input path."""

    path: Path
    doc: str  #: the document key in the store
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
    previous: Counts | None = None  #: the replaced (or, when refused, the kept) version's counts
    unchanged: bool = False  #: the replaced version had the same content
    refused: bool = False  #: not stored because it would shrink the stored document by more than half
    renamed_from: str | None = None  #: the key it would have had, taken by another file

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


@dataclass(frozen=True)
class Source:
    """One file to ingest and the document key it asks for."""

    path: Path
    key: str


def _skip(path: Path, root: Path) -> bool:
    """Hidden files and folders (``.git``, ``.venv``) are never ingested from a folder."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def expand_sources(paths: Iterable[Path]) -> list[Source]:
    """Files to ingest and their keys: a folder gives its files of a supported format (``nlp.io.SUPPORTED_SUFFIXES``),
    also in sub-folders, sorted,
    keyed by their path relative to it; a file is keyed by its name. The same file twice is kept once.

    Paths that do not exist are kept, so that reading them reports the error.
    """
    out: list[Source] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = [(p, p.relative_to(path).as_posix()) for p in sorted(path.rglob("*"))
                     if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file() and not _skip(p, path)]
        else:
            found = [(path, path.name)]
        for p, key in found:
            real = p.resolve()
            if real not in seen:
                seen.add(real)
                out.append(Source(p, key))
    return out


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files :func:`expand_sources` finds."""
    return [s.path for s in expand_sources(paths)]


def check_key(name: str) -> str:
    """A document key chosen by the user, normalised; :class:`JixiaoError` if it cannot be one."""
    key = name.strip().replace("\\", "/").strip("/")
    parts = PurePosixPath(key).parts if key else ()
    if not key or any(p in (".", "..") for p in parts) or any(ord(c) < 32 for c in key) or ":" in key:
        raise JixiaoError(f"{name!r}: not a usable document name; use letters, digits, '_', '-', '.' and '/'"
                          " (no ':', no '..')")
    return "/".join(parts)


def load_document(path: Path, *, parse: Parser = parse_text, key: str | None = None) -> ParsedDocument:
    """Read and parse one file (pure apart from reading it). Raises :class:`JixiaoError` on bad input.

    :param key: the document key (default: the file's name).
    """
    raw = read_document(path)
    return _parse(raw, key or raw.file, parse)


def _parse(raw: RawDocument, key: str, parse: Parser) -> ParsedDocument:
    """Text through ``parse``; the other formats through their reader and the table interpreter."""
    if raw.format != "text":
        return parse_document(dataclasses.replace(raw, file=key))
    return parse(raw.text, file=key, sha256=raw.sha256, encoding=raw.encoding)


def _qualified(path: Path, key: str, level: int) -> str | None:
    """``key`` under the ``level`` nearest parent folders of the file (None when there are not as many)."""
    parents = path.resolve().parent.parts[1:]  # without the root "/"
    rel_parents = len(PurePosixPath(key).parts) - 1  # folders the key already names
    parents = parents[: len(parents) - rel_parents] if rel_parents else parents
    if level > len(parents):
        return None
    return "/".join((*parents[len(parents) - level:], key))


class _Keys:
    """Assigns document keys in one run: the rules of the module docstring."""

    def __init__(self, store: Store, sources: list[Source]) -> None:
        self.by_key: dict[str, DocumentInfo] = {d.doc: d for d in store.documents()}
        self.by_source: dict[str, str] = {d.source: d.doc for d in self.by_key.values() if d.source}
        self.stems: dict[str, str] = {document_stem(k): k for k in self.by_key}
        self.claimed: dict[str, str] = {}  # key → source, within this run
        wanted: dict[str, list[Source]] = defaultdict(list)
        for s in sources:
            wanted[s.key].append(s)
        self.in_run: dict[Path, str] = {}  # inputs of this run that share a key get qualified ones
        for key, group in wanted.items():
            if len(group) > 1:
                for s in group:
                    self.in_run[s.path] = self._free(s, key, lambda k, _s=s: k != key and self._clash(k, _s))

    def _clash(self, key: str, source: Source) -> bool:
        """Is ``key`` (or its project-id stem) taken by another file?"""
        mine = str(source.path.resolve())
        other = self.claimed.get(key)
        if other is not None and other != mine:
            return True
        stored = self.by_key.get(key)
        if stored is not None:
            return stored.source is not None and stored.source != mine
        holder = self.stems.get(document_stem(key))
        return holder is not None and holder != key

    def _free(self, source: Source, key: str, taken: Callable[[str], bool]) -> str:
        level = 1
        while True:
            candidate = _qualified(source.path, key, level)
            if candidate is None:
                n = 2
                while taken(f"{key}~{n}"):
                    n += 1
                return f"{key}~{n}"
            if not taken(candidate):
                return candidate
            level += 1

    def key_for(self, source: Source, sha256: str, *, explicit: bool) -> tuple[str, bool]:
        """The key of ``source`` and whether it had to be qualified (its own was another file's)."""
        mine = str(source.path.resolve())
        if explicit:
            key = source.key
            holder = self.stems.get(document_stem(key))
            if holder is not None and holder != key:
                raise JixiaoError(f"{key}: gives the same project ids as the stored document {holder}; choose"
                                  " another document name")
        elif mine in self.by_source:  # this very file was ingested before: replace it
            self.claimed[self.by_source[mine]] = mine
            return self.by_source[mine], False
        else:
            key = self.in_run.get(source.path, source.key)
            stored = self.by_key.get(key)
            if not (stored is not None and stored.sha256 == sha256) and self._clash(key, source):
                key = self._free(source, source.key, lambda k: self._clash(k, source))
        self.claimed[key] = mine
        return key, key != source.key and not explicit

    def stored(self, key: str, info: DocumentInfo | None, source: Source) -> None:
        if info is not None:
            self.by_key[key] = info
            self.by_source[str(source.path.resolve())] = key
            self.stems[document_stem(key)] = key


def ingest_paths(
    paths: Iterable[Path],
    store: Store,
    *,
    on_progress: ProgressFn | None = None,
    parse: Parser = parse_text,
    as_name: str | None = None,
    replace: bool = False,
) -> list[IngestOutcome]:
    """Read, parse and store every file under ``paths``; one outcome per file, in order.

    A folder with no supported file gives one failed outcome. Each document is
    written in its own transaction, so a failure leaves earlier documents stored
    and the failed one as it was before.

    :param as_name: the document key for a single file (replaces what is stored under it).
    :param replace: store even a version that would shrink the stored document by more than half.
    """
    paths = list(paths)
    sources = expand_sources(paths)
    if as_name is not None:
        if len(sources) != 1 or paths[0].is_dir():
            raise JixiaoError("a document name can only be given for one file")
        sources = [Source(sources[0].path, check_key(as_name))]
    empty_dirs = [p for p in paths if p.is_dir() and not expand_sources([p])]
    outcomes = [
        IngestOutcome(path=d, doc=d.name, ok=False, reason=f"{d}: {NO_FILES}")
        for d in empty_dirs
    ]
    keys = _Keys(store, sources)
    total = len(sources) + len(outcomes)
    for done, outcome in enumerate(outcomes, start=1):
        if on_progress is not None:
            on_progress(outcome, done, total)
    for source in sources:
        outcome = _ingest_one(source, store, parse=parse, keys=keys, explicit=as_name is not None, replace=replace)
        outcomes.append(outcome)
        if on_progress is not None:
            on_progress(outcome, len(outcomes), total)
    return outcomes


def _failed(path: Path, key: str, exc: JixiaoError) -> IngestOutcome:
    reason = str(exc).splitlines()[0]
    for named in (key, path.name):  # the parser names the document; show the path as given
        if reason.startswith(f"{named}:"):
            reason = f"{path}{reason[len(named):]}"
            break
    else:
        if not reason.startswith(f"{path}:"):
            reason = f"{path}: {reason}"
    return IngestOutcome(path=path, doc=key, ok=False, reason=reason)


def _shrinks(new: Counts, old: Counts) -> bool:
    """Fewer than half the projects or the indicators of the stored version."""
    return 2 * new.projects < old.projects or 2 * new.indicators < old.indicators


def _ingest_one(source: Source, store: Store, *, parse: Parser, keys: _Keys, explicit: bool,
                replace: bool) -> IngestOutcome:
    path = source.path
    if path.exists() and not path.is_file():  # a device, a pipe or a socket could be endless
        return IngestOutcome(path=path, doc=source.key, ok=False,
                             reason=f"{path}: not a regular file; give a text file or a folder of them")
    try:
        raw = read_document(path)
    except JixiaoError as exc:
        return _failed(path, source.key, exc)
    key = source.key
    try:
        key, qualified = keys.key_for(source, raw.sha256, explicit=explicit)
        parsed = _parse(raw, key, parse)
    except JixiaoError as exc:
        return _failed(path, key, exc)
    before = store.document(key)
    previous = Counts(before.n_projects, before.n_indicators) if before is not None else None
    new = Counts(len(parsed.projects), parsed.n_indicators)
    d = parsed.document
    common = dict(path=path, doc=key, layout=Layout(d.layout), reader=d.reader or None, department=d.department, year=d.year,
                  encoding=d.encoding, n_projects=new.projects, n_indicators=new.indicators, issues=parsed.issues,
                  previous=previous, renamed_from=source.key if qualified else None)
    if previous is not None and not replace and _shrinks(new, previous):
        reason = (f"{path}: would replace the stored {key} ({previous.projects} projects, {previous.indicators}"
                  f" indicators) with {new.projects} projects, {new.indicators} indicators; the stored version is kept")
        return IngestOutcome(ok=False, reason=reason, refused=True, **common)  # type: ignore[arg-type]
    try:
        store.replace_document(parsed, source=str(path.resolve()))
    except JixiaoError as exc:
        return _failed(path, key, exc)
    keys.stored(key, store.document(key), source)
    return IngestOutcome(ok=True, replaced=before is not None,  # type: ignore[arg-type]
                         unchanged=before is not None and before.sha256 == d.sha256, **common)


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
