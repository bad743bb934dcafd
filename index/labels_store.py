"""Reviewer labels, kept in the record store's database (``<data_dir>/jixiao.db``).

This module owns two tables of its own, created on first use and independent of the
document tables (deleting or re-ingesting a document never touches a label):

* ``label_imports``: one row per import (who, when, source file, how many labels);
* ``labels``: one row per label ever given, never updated or deleted. ``key`` is the
  indicator's ``indicator_id`` (see :mod:`nlp.identity`) or, for an indicator that is not
  in the store, the id of its text. The label in force for a key is its latest row (highest
  ``label_id``); earlier rows are the history.

Each import is one transaction: all of its labels are stored, or none.
"""

from __future__ import annotations

import sqlite3
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from types import TracebackType
from typing import Sequence

from index.store import DB_NAME, Store, StoreError

__all__ = ["LabelStore", "NewLabel", "StoredLabel", "LabelImport"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS label_imports (
    import_id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    n_labels INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
    label_id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES label_imports (import_id),
    key TEXT NOT NULL,
    in_store INTEGER NOT NULL,
    doc TEXT,
    line INTEGER,
    name TEXT NOT NULL,
    desc TEXT NOT NULL,
    value TEXT NOT NULL,
    filed_tier TEXT,
    filed_sub TEXT,
    tier TEXT NOT NULL,
    sub TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS labels_key ON labels (key, label_id);
"""


@dataclass(frozen=True)
class NewLabel:
    """A validated label about to be stored."""

    key: str  #: indicator_id, or the text id of an indicator not in the store
    in_store: bool
    doc: str | None
    line: int | None
    name: str
    desc: str
    value: str
    filed_tier: str | None
    filed_sub: str | None
    tier: str
    sub: str
    note: str = ""


@dataclass(frozen=True)
class StoredLabel(NewLabel):
    """A label as stored: the validated label, with who gave it, when, and from which file."""

    _: KW_ONLY
    label_id: int
    by: str
    at: str
    source: str
    import_id: int


@dataclass(frozen=True)
class LabelImport:
    import_id: int
    source: str
    by: str
    at: str
    n_labels: int


_COLUMNS = ("l.label_id, l.key, l.in_store, l.doc, l.line, l.name, l.desc, l.value, l.filed_tier, l.filed_sub,"
            " l.tier, l.sub, l.note, i.by, i.at, i.source, l.import_id")


def _label(row: Sequence) -> StoredLabel:
    label_id, key, in_store, *fields, by, at, source, import_id = row
    return StoredLabel(key, bool(in_store), *fields, label_id=label_id, by=by, at=at, source=source, import_id=import_id)


class LabelStore:
    """The label tables. Open with :meth:`LabelStore.open`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, data_dir: Path) -> LabelStore:
        """Open the label tables of the store under ``data_dir`` (creating store and tables if needed)."""
        Store.open(data_dir).close()  # the store's own checks and schema come first
        path = data_dir / DB_NAME
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'labels'").fetchone()[0] == 0:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the label tables ({exc}); choose another --data-dir") from None
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> LabelStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def add(self, labels: Sequence[NewLabel], *, source: str, by: str, at: str) -> int:
        """Store ``labels`` as one import (one transaction); return its ``import_id``."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc}); is another jixiao writing?") from None
        try:
            cur = conn.execute("INSERT INTO label_imports (source, by, at, n_labels) VALUES (?, ?, ?, ?)",
                               (source, by, at, len(labels)))
            import_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO labels (import_id, key, in_store, doc, line, name, desc, value, filed_tier, filed_sub,"
                " tier, sub, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(import_id, x.key, int(x.in_store), x.doc, x.line, x.name, x.desc, x.value, x.filed_tier, x.filed_sub,
                  x.tier, x.sub, x.note) for x in labels],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return import_id

    def current(self, *, upto: int | None = None) -> list[StoredLabel]:
        """The label in force for each key (its latest), oldest first; with ``upto``, as it was
        when the latest label was ``label_id == upto``."""
        bound = "" if upto is None else " WHERE label_id <= ?"
        params: tuple = () if upto is None else (upto,)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM labels l JOIN label_imports i ON i.import_id = l.import_id"
            f" WHERE l.label_id IN (SELECT max(label_id) FROM labels{bound} GROUP BY key) ORDER BY l.label_id",
            params,
        ).fetchall()
        return [_label(r) for r in rows]

    def history(self) -> list[StoredLabel]:
        """Every label ever stored, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM labels l JOIN label_imports i ON i.import_id = l.import_id ORDER BY l.label_id"
        ).fetchall()
        return [_label(r) for r in rows]

    def imports(self) -> list[LabelImport]:
        rows = self._conn.execute("SELECT import_id, source, by, at, n_labels FROM label_imports ORDER BY import_id")
        return [LabelImport(*r) for r in rows]

    def last_label_id(self) -> int:
        """The id of the latest label (0 if none): a model records it to know which labels it saw."""
        return int(self._conn.execute("SELECT coalesce(max(label_id), 0) FROM labels").fetchone()[0])
