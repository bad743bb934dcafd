"""The reviewers' label loop: corrections to a row's filed sub-tier, kept under ``<data_dir>/labels/``.

Corrections use the format :func:`models.labels.read_corrections` reads (``doc, line, name,
filed_sub, sub, verdict, reason``), found by ``(doc, line)``; a file is accepted only when every
row is valid and matches a stored row (:func:`models.labels.apply_corrections`), so a label is
never moved onto another row. Training applies them (:func:`service.train.train`).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from index.store import Store
from models.labels import Correction, LabelFileError, LabelledIndicator, apply_corrections, labels_from_documents, read_corrections
from nlp.errors import JixiaoError
from nlp.normalize import SUB_PARENT, canonical_sub
from service.errors import NotFound
from index.sync import writing

__all__ = ["CORRECTION_FIELDS", "corrections_file", "stored_corrections", "export_corrections",
           "import_corrections", "correct_row", "ImportResult", "labelled_rows"]

CORRECTION_FIELDS = ("doc", "line", "name", "filed_sub", "sub", "verdict", "reason")


def corrections_file(data_dir: Path) -> Path:
    return data_dir / "labels" / "corrections.csv"


def stored_corrections(data_dir: Path) -> list[Correction]:
    """The corrections recorded so far (none before the first)."""
    path = corrections_file(data_dir)
    return read_corrections(path) if path.exists() else []


def _csv(corrections: Iterable[Correction]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CORRECTION_FIELDS)
    for c in corrections:
        w.writerow([c.doc, c.line, c.name, c.filed_sub, c.sub, c.verdict, c.reason])
    return buf.getvalue()


def export_corrections(data_dir: Path) -> str:
    """The recorded corrections as CSV (the file :func:`import_corrections` and ``train --corrections`` read)."""
    return _csv(stored_corrections(data_dir))


def labelled_rows(data_dir: Path, docs: Sequence[str] | None = None) -> list[LabelledIndicator]:
    """The store's rows as filed (what corrections refer to), of ``docs`` or of every document."""
    with Store.open(data_dir, write=False) as store:
        if docs is None:
            return labels_from_documents(store.iter_documents())
        return labels_from_documents(d for d in (store.get_document(x) for x in docs) if d is not None)


def _save(data_dir: Path, corrections: Sequence[Correction], *, source: str) -> None:
    """Check ``corrections`` against the stored rows, then replace the corrections file atomically."""
    apply_corrections(labelled_rows(data_dir, sorted({c.doc for c in corrections})), corrections, source=source)
    path = corrections_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(_csv(sorted(corrections, key=lambda c: (c.doc, c.line))), encoding="utf-8")
    os.replace(tmp, path)


def _merged(old: Sequence[Correction], new: Sequence[Correction]) -> list[Correction]:
    by_row = {(c.doc, c.line): c for c in old}
    by_row.update({(c.doc, c.line): c for c in new})
    return list(by_row.values())


@dataclass(frozen=True)
class ImportResult:
    imported: int  #: rows in the file
    corrected: int  #: of them, verdict corrected
    total: int  #: corrections recorded after the import


def import_corrections(data_dir: Path, path: Path, *, name: str | None = None) -> ImportResult:
    """Add the corrections of a CSV/JSONL file (replacing earlier verdicts on the same rows).

    Any bad or stale row rejects the whole file and nothing changes (:class:`models.labels.LabelFileError`).
    """
    shown = name or str(path)
    try:
        new = read_corrections(path)
    except LabelFileError as exc:
        raise LabelFileError(shown, exc.problems, what="corrections file") from None
    with writing(data_dir):
        merged = _merged(stored_corrections(data_dir), new)
        _save(data_dir, merged, source=shown)
    return ImportResult(len(new), sum(c.verdict == "corrected" for c in new), len(merged))


def correct_row(data_dir: Path, doc: str, line: int, sub: str, reason: str) -> Correction:
    """Record a reviewer's verdict on one stored row: ``sub`` is the right sub-tier, for ``reason``."""
    canonical = canonical_sub(sub or "")
    if canonical is None:
        raise JixiaoError(f"unknown sub-tier {sub!r}; use one of {', '.join(SUB_PARENT)}")
    if not (reason or "").strip():
        raise JixiaoError("the reason is empty: say which definition the verdict rests on")
    row = next((r for r in labelled_rows(data_dir, [doc]) if r.line == line), None)
    if row is None:
        raise NotFound(f"no labelled row at {doc}:{line} (unknown document or line, or its filed sub-tier is unknown)")
    verdict = "kept" if canonical == row.sub else "corrected"
    c = Correction(doc, line, row.text.name, row.sub, canonical, verdict, reason.strip())
    with writing(data_dir):
        _save(data_dir, _merged(stored_corrections(data_dir), [c]), source=str(corrections_file(data_dir)))
    return c


def correction_records(corrections: Iterable[Correction]) -> list[dict[str, Any]]:
    return [{k: getattr(c, k) for k in CORRECTION_FIELDS} for c in corrections]
