"""The reviewer's label loop and versioned training, as workflows over a data directory.

Each function opens what it needs under ``data_dir`` (store, label tables, model registry),
calls the pure functions of :mod:`models.labelling` and :mod:`models.retrain`, and returns data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from index.labels_store import LabelStore, NewLabel, StoredLabel
from index.store import Store
from models import labelling, registry
from models.labels import LabelFileError, read_labels
from models.retrain import TrainOutcome, retrain
from nlp.errors import JixiaoError

__all__ = ["ImportOutcome", "export_review", "import_labels", "import_record", "label_indicator", "list_labels",
           "label_stats", "train_versioned", "train_record", "project_label_rows", "LabelRow", "LABEL_FIELDS",
           "REVIEW_MEDIA"]

#: the media type of each review file format (for a download)
REVIEW_MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

#: the fields of ``jixiao label list --json`` records (documented in README.md "Labels")
LABEL_FIELDS: tuple[str, ...] = ("indicator_id", "in_store", "doc", "line", "name", "desc", "value", "filed_tier",
                                 "filed_sub", "tier", "sub", "note", "by", "at", "source")


def _records(data_dir: Path, *, doc: str | None = None) -> list[labelling.IndicatorRecord]:
    with Store.open(data_dir, write=False) as store:
        if doc is not None:
            parsed = store.get_document(doc)
            if parsed is None:
                raise JixiaoError(f"no stored document '{doc}' in {data_dir}; see 'jixiao projects' for the documents")
            return labelling.indicator_records([parsed])
        return labelling.indicator_records(store.iter_documents())


def export_review(data_dir: Path, *, limit: int = 200, doc: str | None = None, fmt: str = "csv") -> tuple[bytes, int]:
    """The rows worth reviewing first as a ``csv`` (UTF-8 with BOM), ``xlsx`` or ``jsonl`` file; and how many."""
    if fmt not in labelling.REVIEW_FORMATS:
        raise JixiaoError(f"unknown review file format {fmt!r}; use one of {', '.join(labelling.REVIEW_FORMATS)}")
    records = _records(data_dir, doc=doc)
    if not records:
        raise JixiaoError(f"the store in {data_dir} holds no indicators; ingest documents first")
    active = registry.load_active(data_dir)
    named = [r for r in records if r.name]
    preds = active.model.predict([r.text for r in named], n_alternatives=0)
    with LabelStore.open(data_dir) as labels:
        done = [lab.key for lab in labels.current()]
    rows = labelling.review_candidates(named, preds, labelled=done, limit=limit)
    if fmt == "xlsx":
        return labelling.review_xlsx(rows), len(rows)
    if fmt == "jsonl":
        return labelling.review_jsonl(rows).encode("utf-8"), len(rows)
    return labelling.review_csv(rows).encode("utf-8-sig"), len(rows)


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    import_id: int | None  #: None when nothing was stored
    applied: int  #: labels stored
    superseded: int  #: of them, labels that replace an earlier label of the same indicator
    blank: int  #: rows left without tier and sub (not labels)
    skipped: tuple[tuple[int, str], ...]  #: bad rows left out (only with skip_bad)


def import_labels(data_dir: Path, path: Path, *, by: str, skip_bad: bool = False, now: str | None = None,
                  name: str | None = None) -> ImportOutcome:
    """Validate every row of a review file, then store its labels as one import.

    Any bad row raises :class:`LabelFileError` listing every bad row (line and reason) and stores
    nothing — unless ``skip_bad``, which stores the good rows and returns the bad ones. ``name`` is
    what the file is called in messages and in the stored source (default: its path).
    """
    shown = name or str(path)
    try:
        rows = labelling.read_review_file(path)
    except LabelFileError as exc:
        raise LabelFileError(shown, exc.problems, what="review file") from None
    return _store_rows(data_dir, rows, source=shown, by=by, skip_bad=skip_bad, now=now)


def _store_rows(data_dir: Path, rows: Sequence[tuple[int, dict[str, Any] | str]], *, source: str, by: str,
                skip_bad: bool = False, now: str | None = None) -> ImportOutcome:
    path = source
    records = _records(data_dir)
    checked = labelling.validate_review_rows(rows, records, NewLabel)
    if checked.problems and not skip_bad:
        raise LabelFileError(str(path), checked.problems, what="review file")
    at = now or datetime.now(timezone.utc).isoformat(timespec="seconds")
    import_id = None
    superseded = 0
    if checked.labels:
        with LabelStore.open(data_dir) as store:
            before = {lab.key for lab in store.current()}
            superseded = sum(1 for lab in checked.labels if lab.key in before)
            import_id = store.add(checked.labels, source=str(path), by=by, at=at)
    return ImportOutcome(str(path), import_id, len(checked.labels), superseded, checked.n_blank, tuple(checked.problems))


def import_record(out: ImportOutcome) -> dict[str, Any]:
    """What ``label import --json`` prints and ``POST /api/labels/import`` returns."""
    return {"file": out.file, "import_id": out.import_id, "applied": out.applied, "superseded": out.superseded,
            "blank": out.blank, "skipped": [{"line": ln, "reason": why} for ln, why in out.skipped]}


def label_indicator(data_dir: Path, *, indicator_id: str, tier: str = "", sub: str = "", note: str = "",
                    by: str, source: str = "web") -> dict[str, Any]:
    """Label one stored indicator (``tier``/``sub`` as in a review file; either may be left to the other),
    checked exactly as a row of an imported review file; returns the label now in force."""
    row = {"indicator_id": indicator_id, "tier": tier, "sub": sub, "note": note}
    if not (tier or "").strip() and not (sub or "").strip():
        raise JixiaoError(f"{indicator_id}: give the tier or the sub-tier (审核一级/审核二级)")
    try:
        _store_rows(data_dir, [(1, row)], source=source, by=by)
    except LabelFileError as exc:
        raise JixiaoError("; ".join(why for _line, why in exc.problems)) from None
    with LabelStore.open(data_dir) as store:
        label = next(lab for lab in store.current() if lab.key == indicator_id)
    return _label_record(label)


def _label_record(lab: StoredLabel) -> dict[str, Any]:
    d = asdict(lab)
    d["indicator_id"] = d.pop("key")
    return {k: d[k] for k in LABEL_FIELDS}


def list_labels(data_dir: Path, *, history: bool = False) -> list[dict[str, Any]]:
    """The labels in force (or, with ``history``, every label ever given), oldest first."""
    with LabelStore.open(data_dir) as store:
        labels = store.history() if history else store.current()
    return [_label_record(lab) for lab in labels]


def label_stats(data_dir: Path) -> dict[str, Any]:
    with LabelStore.open(data_dir) as store:
        return labelling.label_stats(store.current(), store.history(), len(store.imports()))


def train_versioned(
    data_dir: Path,
    *,
    labels_file: Path | None = None,
    corrections: Path | None = None,
    use_store: bool = True,
    estimator: str | None = None,
    force: bool = False,
    bundled: bool = True,
    by: str = "",
    parallel: bool | None = None,
    on_phase: Callable[[str], None] = lambda what: None,
) -> tuple[TrainOutcome, ImportOutcome | None]:
    """``jixiao train``: import a corrections file as labels (if given), then :func:`models.retrain.retrain`.

    The labels file (``name, desc, value, tier, sub[, group]``) adds rows to this training only; it is
    read and checked before anything is fitted or written. ``bundled``: fit on the bundled training set
    as well (:func:`models.labels.load_default_training`), as the default model does. ``parallel``: as
    :func:`models.retrain.retrain` (a multi-threaded caller, such as the HTTP server, passes False: a
    process forked from it could inherit a lock another thread holds).
    """
    from models.classifier import DEFAULT_ESTIMATOR, ESTIMATORS

    if estimator and (estimator not in ESTIMATORS or estimator == "baseline"):
        raise JixiaoError(f"unknown estimator '{estimator}'; use one of {', '.join(e for e in ESTIMATORS if e != 'baseline')}")
    extra = read_labels(labels_file) if labels_file is not None else []
    imported = None
    if corrections is not None:
        imported = import_labels(data_dir, corrections, by=by or "corrections file")
    records = _records(data_dir)
    with LabelStore.open(data_dir) as store:
        labels: Sequence[StoredLabel] = store.current()
        upto = store.last_label_id()

        def labels_upto(n: int) -> list[StoredLabel]:
            return store.current(upto=n)

        outcome = retrain(data_dir, records=records, labels=labels, labels_upto=labels_upto, label_upto=upto,
                          extra=extra, extra_source=str(labels_file) if labels_file else None, use_store=use_store,
                          estimator=estimator or DEFAULT_ESTIMATOR, force=force, bundled=bundled,
                          parallel=parallel, on_phase=on_phase)
    return outcome, imported


def train_record(outcome: TrainOutcome, imported: ImportOutcome | None = None) -> dict[str, Any]:
    """What ``train --json`` prints and ``POST /api/train`` returns."""
    return {"version": outcome.version, "promoted": outcome.promoted, "forced": outcome.forced,
            "reason": outcome.reason, "active_before": outcome.active_before,
            "active_version": outcome.active_after, "heldout_documents": list(outcome.heldout_documents),
            "candidate": None if outcome.candidate is None else {**asdict(outcome.candidate), "version": outcome.version},
            "active": None if outcome.active is None else asdict(outcome.active),
            "worse_share": outcome.worse_share,
            "training": outcome.training,
            "imported": None if imported is None else {"applied": imported.applied, "file": imported.file}}


@dataclass(frozen=True)
class LabelRow:
    """One indicator of a project as a reviewer labels it."""

    indicator_id: str
    doc: str
    line: int
    name: str
    desc: str
    value: str
    filed_tier: str | None
    filed_sub: str | None
    label: dict[str, Any] | None  #: the reviewer label in force (``label list`` record), if any


def project_label_rows(data_dir: Path, project_id: str) -> list[LabelRow]:
    """The indicators of one stored project (``doc:ordinal``) with their ids and the labels in force."""
    with Store.open(data_dir, write=False) as store:
        found = store.get_project(project_id)
    if found is None:
        raise JixiaoError(f"no project {project_id!r} in {data_dir}; list them with 'jixiao projects'")
    records = [r for r in _records(data_dir, doc=found[0].file) if r.project_id == project_id]
    with LabelStore.open(data_dir) as store:
        current = {lab.key: _label_record(lab) for lab in store.current()}
    return [LabelRow(r.indicator_id, r.doc, r.line, r.name, r.desc, r.value, r.filed_tier, r.filed_sub,
                     current.get(r.indicator_id)) for r in records]
