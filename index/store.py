"""The record store: an embedded SQLite database at ``<data_dir>/jixiao.db``.

Documents are keyed by ``doc``, the document key :mod:`index.ingest` derives
(the file's path relative to the folder that was ingested, or its name, or a
name the user chose). :meth:`Store.replace_document` swaps a whole document in
one transaction, so a failure part-way leaves the store exactly as it was.
Records read back are the same frozen dataclasses that went in
(:mod:`nlp.records`). The database runs in WAL mode, so readers keep working
while an ingest writes.

Every write bumps the store's *generation* (a counter) and stamps the documents
it wrote with it; the search index records the generation of each document it
holds, which is how a stale index is noticed (:mod:`index.sync`).

The schema is versioned (``PRAGMA user_version``). A new store is created at
version 1 and brought up to :data:`SCHEMA_VERSION` by the steps of
:data:`MIGRATIONS`, the same steps an existing store of an older version runs;
each step is one function, and all pending steps run in one transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Iterator, Sequence

from nlp.errors import JixiaoError
from nlp.records import (
    DeptTarget,
    Document,
    Indicator,
    Layout,
    ParsedDocument,
    ParseIssue,
    Project,
    Severity,
    Value,
    project_id,
)

__all__ = [
    "DB_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StoreDamagedError",
    "describe_database_error",
    "EXPORT_FIELDS",
    "DocumentInfo",
    "ProjectRow",
    "Store",
    "StoreError",
    "writable_data_dir",
]

DB_NAME = "jixiao.db"
#: the version :data:`MIGRATIONS` brings a store to; a store written by a newer version is refused
#: (2: document sources and store generations; 3: readers, self-evaluation and kept cells)
SCHEMA_VERSION = 3

#: the fields of one exported indicator record, in order (documented in README.md)
EXPORT_FIELDS: tuple[str, ...] = (
    "doc",
    "department",
    "year",
    "section",
    "project_seq",
    "project_name",
    "project_code",
    "budget_wan",
    "tier",
    "tier_raw",
    "sub",
    "sub_raw",
    "name",
    "desc",
    "value",
    "value_op",
    "value_num",
    "value_unit",
    "value_text",
    "basis",
    "line",
    "line_end",
    "uncertain",
    "project_id",
    "actual",
    "extra",
)

#: (table, column, declaration) of the columns schema 3 adds: the reader that found a document's tables,
#: a project's own department and year, an indicator's self-evaluation (实际完成值), the cells kept beside
#: the known columns, and the value as printed before normalisation
_ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("documents", "reader", "TEXT NOT NULL DEFAULT ''"),
    ("projects", "department", "TEXT"),
    ("projects", "year", "INTEGER"),
    ("indicators", "actual", "TEXT NOT NULL DEFAULT ''"),
    ("indicators", "extra", "TEXT NOT NULL DEFAULT '[]'"),
    ("indicators", "value_op_raw", "TEXT"),
    ("indicators", "value_num_raw", "TEXT"),
    ("indicators", "value_unit_raw", "TEXT"),
)

#: version 1 of the schema; later versions are reached through :data:`MIGRATIONS`
_SCHEMA_V1 = """
CREATE TABLE documents (
    doc TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    department TEXT,
    year INTEGER,
    layout TEXT NOT NULL,
    encoding TEXT NOT NULL,
    n_projects INTEGER NOT NULL,
    n_indicators INTEGER NOT NULL,
    n_issues INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE projects (
    project_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    seq INTEGER,
    section TEXT NOT NULL,
    title TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT,
    budget_wan REAL,
    budget_source TEXT,
    funds_use TEXT NOT NULL,
    spending_plan TEXT NOT NULL,
    targets TEXT NOT NULL,
    line INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    n_indicators INTEGER NOT NULL
);
CREATE INDEX projects_doc ON projects (doc, ordinal);
CREATE TABLE indicators (
    project_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    pos INTEGER NOT NULL,
    tier TEXT,
    tier_raw TEXT NOT NULL,
    sub TEXT,
    sub_raw TEXT NOT NULL,
    name TEXT NOT NULL,
    desc TEXT NOT NULL,
    value TEXT NOT NULL,
    value_op TEXT,
    value_num REAL,
    value_unit TEXT,
    value_text TEXT,
    basis TEXT NOT NULL,
    line INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    uncertain TEXT NOT NULL,
    PRIMARY KEY (project_id, pos)
);
CREATE INDEX indicators_doc ON indicators (doc);
CREATE TABLE dept_targets (
    doc TEXT NOT NULL,
    pos INTEGER NOT NULL,
    kind TEXT NOT NULL,
    heading TEXT NOT NULL,
    target TEXT NOT NULL,
    indicators TEXT NOT NULL,
    line INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    PRIMARY KEY (doc, pos)
);
CREATE TABLE issues (
    doc TEXT NOT NULL,
    pos INTEGER NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    message TEXT NOT NULL,
    severity TEXT NOT NULL,
    field TEXT,
    PRIMARY KEY (doc, pos)
);
"""

_TABLES = ("documents", "projects", "indicators", "dept_targets", "issues")


def _to_v2(conn: sqlite3.Connection) -> None:
    """Where each document was read from, and the store generation that wrote it."""
    conn.execute("ALTER TABLE documents ADD COLUMN source TEXT")  # absolute path; NULL when unknown
    conn.execute("ALTER TABLE documents ADD COLUMN generation INTEGER NOT NULL DEFAULT 1")
    conn.execute("CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    conn.execute("INSERT INTO store_meta VALUES ('generation', 1)")


def _to_v3(conn: sqlite3.Connection) -> None:
    """The columns of :data:`_ADDED_COLUMNS`, with their defaults (an older store's rows read as before)."""
    for table, column, decl in _ADDED_COLUMNS:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


#: schema version N → the step that brings a store from N to N + 1 (run inside one transaction)
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _to_v2,
    2: _to_v3,
}


class StoreError(JixiaoError):
    """The store cannot be opened or written (not a database, newer schema, locked)."""


class _NotCreatedYet(Exception):
    """The database file exists but holds nothing yet (read as an empty store)."""


class StoreDamagedError(StoreError):
    """The database file is corrupt: SQLite cannot read it."""


_DAMAGED = "the store is damaged: restore a backup or re-ingest into a new data directory ({why})"


def describe_database_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    """A one-line :class:`StoreError` for an SQLite error met while using the store at ``path``."""
    why = str(exc) or type(exc).__name__
    low = why.lower()
    if "locked" in low or "busy" in low:
        return StoreError(f"{path}: another jixiao process holds the store ({why}); wait for it to finish, then try again")
    if "readonly" in low or "read-only" in low:
        return StoreError(f"{path}: the store is read-only ({why}); make the data directory writable")
    if "disk i/o" in low or "unable to open" in low:
        return StoreError(f"{path}: cannot read or write the store ({why}); check the disk and the permissions")
    if "full" in low:
        return StoreError(f"{path}: the disk is full ({why}); free some space and run the command again")
    return StoreDamagedError(f"{path}: " + _DAMAGED.format(why=why))


@dataclass(frozen=True)
class DocumentInfo:
    """One stored document and its counts."""

    doc: str
    sha256: str
    department: str | None
    year: int | None
    layout: Layout
    encoding: str
    n_projects: int
    n_indicators: int
    n_issues: int
    ingested_at: str  #: ISO 8601, UTC
    source: str | None = None  #: absolute path the document was read from (None: unknown)
    generation: int = 0  #: store generation of the write that stored it


@dataclass(frozen=True)
class ProjectRow:
    """One project as listed by ``jixiao projects`` (no table)."""

    project_id: str
    doc: str
    department: str | None
    year: int | None
    section: str
    seq: int | None
    ordinal: int
    name: str
    code: str | None
    budget_wan: float | None
    n_indicators: int


class Store:
    """The SQLite record store. Open with :meth:`Store.open`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, write: bool = True) -> Store:
        """Open the store under ``data_dir``.

        With ``write`` (the default) the directory and the database are created when missing and an
        older schema is upgraded. Without it nothing is created: a missing store reads as an empty
        one, and a store in a read-only directory is opened read-only.
        """
        path = data_dir / DB_NAME
        readonly = False
        if write:
            writable_data_dir(data_dir)
            target = str(path)
        elif data_dir.exists() and not data_dir.is_dir():
            raise StoreError(f"{data_dir}: is a file, not a data directory; choose another data directory")
        elif not path.exists():
            target, readonly = ":memory:", True  # nothing stored yet: an empty store, and nothing written
        elif path.is_dir():
            raise StoreError(f"{path}: is a folder, not a jixiao store; move it away or choose another data directory")
        elif os.access(data_dir, os.W_OK) and os.access(path, os.W_OK):
            target = str(path)
        else:  # a read-only data directory: nobody can write it, so read the file as it is
            target, readonly = f"{path.resolve().as_uri()}?immutable=1", True
        try:
            conn = sqlite3.connect(target, isolation_level=None, timeout=30.0, uri=target.startswith("file:"))
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the store ({exc}); check the permissions of the data directory") from None
        store = cls(conn, path)
        store.readonly = readonly
        try:
            store._prepare(create=target == ":memory:" or write)
        except _NotCreatedYet:
            conn.close()
            empty = cls(sqlite3.connect(":memory:", isolation_level=None), path)
            empty.readonly = True
            empty._prepare(create=True)
            return empty
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc) and path.exists() and path.stat().st_size and not _sqlite_header(path):
                raise StoreError(
                    f"{path}: not a jixiao store ({exc}); move it away or choose another data directory"
                ) from None
            raise describe_database_error(exc, path) from None
        except StoreError:
            conn.close()
            raise
        return store

    readonly: bool = False  #: opened without write access (a read-only data directory, or no store yet)

    def _prepare(self, *, create: bool) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer jixiao (schema {version}, this one reads {SCHEMA_VERSION});"
                " upgrade jixiao or choose another data directory"
            )
        if version == SCHEMA_VERSION:
            conn.execute("SELECT count(*) FROM documents").fetchone()  # reads a page: a damaged file fails here
            return
        if self.readonly and self.path.exists() and version:
            raise StoreError(
                f"{self.path}: written by an older jixiao (schema {version}); this one upgrades it to schema "
                f"{SCHEMA_VERSION} on opening, which needs write access; make the data directory writable once"
            )
        if version == 0 and not create:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                raise _NotCreatedYet  # an empty file: a first writer is creating the store right now
            raise StoreError(
                f"{self.path}: an SQLite database that is not a jixiao store; move it away or choose another"
                " data directory"
            )
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal" and not self.readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # read again under the write lock: another process may have created or upgraded it meanwhile
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise StoreError(
                        f"{self.path}: an SQLite database that is not a jixiao store; move it away or choose another"
                        " data directory"
                    )
                for statement in _SCHEMA_V1.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version = 1
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def _begin(self) -> int:
        """Start a write transaction; return the generation it writes (the store's, plus one)."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise describe_database_error(exc, self.path) from None
        generation = self.generation() + 1
        self._conn.execute("UPDATE store_meta SET value = ? WHERE key = 'generation'", (generation,))
        return generation

    def replace_document(self, parsed: ParsedDocument, *, source: str | None = None) -> int:
        """Store ``parsed``, replacing any document with the same key, in one transaction.

        :param source: where the document was read from (an absolute path), kept with it.
        :returns: the store generation of this write.
        """
        conn = self._conn
        doc = parsed.document.file
        generation = self._begin()
        try:
            self._delete(doc)
            self._insert_document(parsed, source=source, generation=generation)
            self._insert_projects(parsed)
            self._insert_indicators(parsed)
            self._insert_dept_targets(parsed)
            self._insert_issues(parsed)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return generation

    def delete_document(self, doc: str) -> bool:
        """Remove a document and everything read from it; return whether it was there."""
        conn = self._conn
        self._begin()
        try:
            found = self._delete(doc)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return found

    def _delete(self, doc: str) -> bool:
        found = self._conn.execute("SELECT 1 FROM documents WHERE doc = ?", (doc,)).fetchone() is not None
        for table in _TABLES:
            self._conn.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,))
        return found

    def _insert_document(self, parsed: ParsedDocument, *, source: str | None, generation: int) -> None:
        d = parsed.document
        self._conn.execute(
            "INSERT INTO documents (doc, sha256, department, year, layout, encoding, n_projects, n_indicators,"
            " n_issues, ingested_at, source, generation, reader) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                d.file,
                d.sha256,
                d.department,
                d.year,
                Layout(d.layout).value,
                d.encoding,
                len(parsed.projects),
                parsed.n_indicators,
                len(parsed.issues),
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                source,
                generation,
                d.reader,
            ),
        )

    def _insert_projects(self, parsed: ParsedDocument) -> None:
        doc = parsed.document.file
        self._conn.executemany(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    project_id(doc, p.ordinal),
                    doc,
                    p.ordinal,
                    p.seq,
                    p.section,
                    p.title,
                    p.name,
                    p.code,
                    p.budget_wan,
                    p.budget_source,
                    p.funds_use,
                    json.dumps([list(pair) for pair in p.spending_plan], ensure_ascii=False),
                    p.targets,
                    p.line,
                    p.line_end,
                    len(p.indicators),
                    p.department,
                    p.year,
                )
                for p in parsed.projects
            ),
        )

    def _insert_indicators(self, parsed: ParsedDocument) -> None:
        doc = parsed.document.file
        self._conn.executemany(
            "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    project_id(doc, p.ordinal),
                    doc,
                    pos,
                    i.tier,
                    i.tier_raw,
                    i.sub,
                    i.sub_raw,
                    i.name,
                    i.desc,
                    i.value,
                    i.parsed.op,
                    i.parsed.num,
                    i.parsed.unit,
                    i.parsed.text,
                    i.basis,
                    i.line,
                    i.line_end,
                    _json_list(i.uncertain),
                    i.actual,
                    _json_list([list(pair) for pair in i.extra]),
                    i.value_op_raw,
                    i.value_num_raw,
                    i.value_unit_raw,
                )
                for p in parsed.projects
                for pos, i in enumerate(p.indicators)
            ),
        )

    def _insert_dept_targets(self, parsed: ParsedDocument) -> None:
        doc = parsed.document.file
        self._conn.executemany(
            "INSERT INTO dept_targets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (doc, pos, t.kind, t.heading, t.target, t.indicators, t.line, t.line_end)
                for pos, t in enumerate(parsed.dept_targets)
            ),
        )

    def _insert_issues(self, parsed: ParsedDocument) -> None:
        doc = parsed.document.file
        self._conn.executemany(
            "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (doc, pos, s.file, s.line, s.message, Severity(s.severity).value, s.field)
                for pos, s in enumerate(parsed.issues)
            ),
        )

    # -- reading -----------------------------------------------------------------------------

    def generation(self) -> int:
        """The store's generation: how many writes it has seen (documents stored or removed)."""
        return int(self._conn.execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()[0])

    def document_generations(self) -> dict[str, int]:
        """Each stored document's key → the generation of the write that stored it."""
        return dict(self._conn.execute("SELECT doc, generation FROM documents").fetchall())

    def document(self, doc: str) -> DocumentInfo | None:
        """The stored document ``doc`` and its counts; None if there is none."""
        return next((d for d in self._infos("WHERE doc = ?", (doc,))), None)

    def documents(self) -> list[DocumentInfo]:
        """Every stored document, by key."""
        return self._infos("", ())

    def _infos(self, where: str, params: Sequence[Any]) -> list[DocumentInfo]:
        rows = self._conn.execute(
            "SELECT doc, sha256, department, year, layout, encoding, n_projects, n_indicators, n_issues,"
            f" ingested_at, source, generation FROM documents {where} ORDER BY doc", params
        ).fetchall()
        return [
            DocumentInfo(
                doc=r[0],
                sha256=r[1],
                department=r[2],
                year=r[3],
                layout=Layout(r[4]),
                encoding=r[5],
                n_projects=r[6],
                n_indicators=r[7],
                n_issues=r[8],
                ingested_at=r[9],
                source=r[10],
                generation=r[11],
            )
            for r in rows
        ]

    def iter_documents(self) -> Iterator[ParsedDocument]:
        """Every stored document, rebuilt record by record, one at a time (bounded memory)."""
        for (doc,) in self._conn.execute("SELECT doc FROM documents ORDER BY doc").fetchall():
            parsed = self.get_document(doc)
            if parsed is not None:
                yield parsed

    def get_document(self, doc: str) -> ParsedDocument | None:
        """The document stored under file name ``doc``, rebuilt exactly as it was stored; None if absent."""
        document = self._document(doc)
        if document is None:
            return None
        conn = self._conn
        indicators: dict[str, list[Indicator]] = {}
        for row in conn.execute(
            f"SELECT project_id, {_INDICATOR_COLUMNS} FROM indicators WHERE doc = ? ORDER BY project_id, pos",
            (doc,),
        ):
            indicators.setdefault(row[0], []).append(_indicator(row[1:]))
        projects = tuple(
            _project(row, tuple(indicators.get(row[0], ())))
            for row in conn.execute(
                f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE doc = ? ORDER BY ordinal", (doc,)
            )
        )
        dept_targets = tuple(
            DeptTarget(kind=r[0], heading=r[1], target=r[2], indicators=r[3], line=r[4], line_end=r[5])
            for r in conn.execute(
                "SELECT kind, heading, target, indicators, line, line_end FROM dept_targets"
                " WHERE doc = ? ORDER BY pos",
                (doc,),
            )
        )
        issues = tuple(
            ParseIssue(file=r[0], line=r[1], message=r[2], severity=Severity(r[3]), field=r[4])
            for r in conn.execute(
                "SELECT file, line, message, severity, field FROM issues WHERE doc = ? ORDER BY pos", (doc,)
            )
        )
        return ParsedDocument(document=document, projects=projects, dept_targets=dept_targets, issues=issues)

    def _document(self, doc: str) -> Document | None:
        row = self._conn.execute(
            "SELECT doc, sha256, department, year, layout, encoding, reader FROM documents WHERE doc = ?", (doc,)
        ).fetchone()
        if row is None:
            return None
        return Document(
            file=row[0],
            sha256=row[1],
            department=row[2],
            year=row[3],
            layout=Layout(row[4]),
            encoding=row[5],
            reader=row[6],
        )

    def projects(self, *, department: str | None = None, year: int | None = None) -> list[ProjectRow]:
        """Projects in document order; ``department`` matches a substring of the department name."""
        where, params = [], []
        if department is not None:
            where.append("instr(d.department, ?) > 0")
            params.append(department)
        if year is not None:
            where.append("d.year = ?")
            params.append(year)
        return self._project_rows(" AND ".join(where), params)

    def find_projects(self, text: str) -> list[ProjectRow]:
        """Projects whose name contains ``text``."""
        return self._project_rows("instr(p.name, ?) > 0", [text])

    def _project_rows(self, where: str, params: Sequence[Any]) -> list[ProjectRow]:
        sql = (
            "SELECT p.project_id, p.doc, d.department, d.year, p.section, p.seq, p.ordinal, p.name, p.code,"
            " p.budget_wan, p.n_indicators FROM projects p JOIN documents d ON d.doc = p.doc"
        )
        if where:
            sql += " WHERE " + where
        sql += " ORDER BY p.doc, p.ordinal"
        return [ProjectRow(*row) for row in self._conn.execute(sql, params)]

    def get_project(self, project_id_: str) -> tuple[Document, Project] | None:
        """The project with this id and its document; None if there is none."""
        row = self._conn.execute(
            f"SELECT doc, {_PROJECT_COLUMNS} FROM projects WHERE project_id = ?", (project_id_,)
        ).fetchone()
        if row is None:
            return None
        document = self._document(row[0])
        assert document is not None  # rows of a document are written and deleted with it
        indicators = tuple(
            _indicator(r)
            for r in self._conn.execute(
                f"SELECT {_INDICATOR_COLUMNS} FROM indicators WHERE project_id = ? ORDER BY pos", (project_id_,)
            )
        )
        return document, _project(row[1:], indicators)

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One dict per indicator with the fields of :data:`EXPORT_FIELDS`, streamed in document order."""
        cursor = self._conn.execute(
            "SELECT i.doc, d.department, d.year, p.section, p.seq, p.name, p.code, p.budget_wan,"
            " i.tier, i.tier_raw, i.sub, i.sub_raw, i.name, i.desc, i.value, i.value_op, i.value_num,"
            " i.value_unit, i.value_text, i.basis, i.line, i.line_end, i.uncertain, i.project_id, i.actual, i.extra"
            " FROM indicators i JOIN projects p ON p.project_id = i.project_id"
            " JOIN documents d ON d.doc = i.doc ORDER BY i.doc, p.ordinal, i.pos"
        )
        for row in cursor:
            record = dict(zip(EXPORT_FIELDS, row))
            record["uncertain"] = json.loads(record["uncertain"])
            record["extra"] = {k or f"col{n}": v for n, (k, v) in enumerate(json.loads(record["extra"]))}
            yield record

    def counts(self) -> dict[str, int]:
        """Numbers of documents, projects, indicators and parse issues stored."""
        return {
            table: self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("documents", "projects", "indicators", "issues")
        }


_PROJECT_COLUMNS = (
    "project_id, ordinal, seq, section, title, name, code, budget_wan, budget_source, funds_use,"
    " spending_plan, targets, line, line_end, department, year"
)
_INDICATOR_COLUMNS = (
    "tier, tier_raw, sub, sub_raw, name, desc, value, value_op, value_num, value_unit, value_text,"
    " basis, line, line_end, uncertain, actual, extra, value_op_raw, value_num_raw, value_unit_raw"
)


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts like an SQLite database (a damaged store) rather than something else."""
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def writable_data_dir(data_dir: Path) -> None:
    """Make sure ``data_dir`` exists as a folder this process can write (created when missing).

    Raises:
        StoreError: it is a file, cannot be created, or is read-only.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreError(f"{data_dir}: is a file, not a data directory; choose another data directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"{data_dir}: cannot create the data directory ({exc.strerror or exc}); choose another data directory"
        ) from None
    if not os.access(data_dir, os.W_OK):
        raise StoreError(f"{data_dir}: the data directory is read-only; make it writable or choose another one")


def _json_list(items: Sequence[Any]) -> str:
    """A list as stored JSON; most rows have none, and ``[]`` needs no encoder."""
    return json.dumps(list(items), ensure_ascii=False) if items else "[]"


def _project(row: Sequence[Any], indicators: tuple[Indicator, ...]) -> Project:
    return Project(
        ordinal=row[1],
        seq=row[2],
        section=row[3],
        title=row[4],
        name=row[5],
        code=row[6],
        budget_wan=row[7],
        budget_source=row[8],
        funds_use=row[9],
        spending_plan=tuple((a, b) for a, b in json.loads(row[10])),
        targets=row[11],
        line=row[12],
        line_end=row[13],
        indicators=indicators,
        department=row[14],
        year=row[15],
    )


def _indicator(row: Sequence[Any]) -> Indicator:
    return Indicator(
        tier=row[0],
        tier_raw=row[1],
        sub=row[2],
        sub_raw=row[3],
        name=row[4],
        desc=row[5],
        value=row[6],
        parsed=Value(op=row[7], num=row[8], unit=row[9], text=row[10]),
        basis=row[11],
        line=row[12],
        line_end=row[13],
        uncertain=tuple(json.loads(row[14])),
        actual=row[15],
        extra=tuple((a, b) for a, b in json.loads(row[16])),
        value_op_raw=row[17],
        value_num_raw=row[18],
        value_unit_raw=row[19],
    )
