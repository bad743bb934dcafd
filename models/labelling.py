"""The reviewer's label loop, as pure functions over records: which rows to export for review,
reading a filled-in review file back, validating it, and the training rows it yields.

* :func:`indicator_records` lists the stored indicators with their ``indicator_id``
  (:mod:`nlp.identity`) and filed labels;
* :func:`review_candidates` picks the rows worth a reviewer's time: confident model-vs-filed
  disagreements (likely filing errors) interleaved with the least confident predictions, one
  copy per distinct text, spread over the documents round-robin;
* :func:`read_review_file` reads CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it),
  XLSX or JSONL, with the English field names or the Chinese headers of the export;
* :func:`validate_review_rows` checks every row before anything is stored;
* :func:`training_rows` merges the filed labels with the reviewer labels (reviewer labels win).

Labels stored by the index layer are read here by attribute (``key``, ``in_store``, ``name``,
``desc``, ``value``, ``tier``, ``sub``), so this module does not depend on the store.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

from models.features import IndicatorText, text_key
from models.labels import LabelFileError, LabelledIndicator, jsonl_rows
from nlp.errors import InputError, JixiaoError
from nlp.identity import document_indicator_ids, text_id
from nlp.io import decode_text
from nlp.normalize import SUB_PARENT, SUB_TIERS, canonical_sub, canonical_tier
from nlp.records import ParsedDocument, project_id

__all__ = [
    "EXPORT_FIELDS",
    "EXPORT_HEADERS",
    "REVIEW_FORMATS",
    "TIER_CHOICES",
    "IndicatorRecord",
    "ReviewRow",
    "ValidatedImport",
    "LabelLike",
    "indicator_records",
    "review_candidates",
    "review_csv",
    "review_jsonl",
    "review_xlsx",
    "read_review_file",
    "validate_review_rows",
    "training_rows",
    "shipped_labels",
    "Label",
    "TrainingSet",
    "label_stats",
    "REVIEW_GROUP",
]

#: the fields of an exported review row, in order (documented in README.md "Labels")
EXPORT_FIELDS: tuple[str, ...] = (
    "indicator_id", "doc", "line", "project_name", "name", "desc", "value",
    "filed_tier", "filed_sub", "pred_tier", "pred_sub", "confidence", "tier", "sub", "note",
)

#: the Chinese column headers of the XLSX export (import accepts these or the field names)
EXPORT_HEADERS: dict[str, str] = {
    "indicator_id": "指标ID", "doc": "文件", "line": "行", "project_name": "项目名称", "name": "三级指标",
    "desc": "指标描述", "value": "指标值", "filed_tier": "填报一级", "filed_sub": "填报二级",
    "pred_tier": "模型一级", "pred_sub": "模型二级", "confidence": "模型置信度",
    "tier": "审核一级", "sub": "审核二级", "note": "备注",
}
_FROM_HEADER = {v: k for k, v in EXPORT_HEADERS.items()}

REVIEW_FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl")

#: the tiers a reviewer can choose (成本 as a tier is the central government's layout; its sub-tier is 成本)
TIER_CHOICES: tuple[str, ...] = ("产出", "效益", "满意度", "成本")

#: the training group of reviewer-labelled indicators that are not in the store
REVIEW_GROUP = "(reviewer labels)"


class LabelLike(Protocol):
    """A stored reviewer label, as the index layer returns it."""

    key: str
    in_store: bool
    name: str
    desc: str
    value: str
    tier: str
    sub: str


@dataclass(frozen=True)
class IndicatorRecord:
    """One stored indicator row with its identity and filed labels."""

    indicator_id: str
    doc: str
    line: int
    project_id: str
    project_name: str
    name: str
    desc: str
    value: str
    filed_tier: str | None
    filed_sub: str | None
    uncertain: tuple[str, ...] = ()

    @cached_property
    def text(self) -> IndicatorText:
        """What the classifier sees (made once per record: training reads it several times per run)."""
        return IndicatorText(self.name, self.desc or None, self.value or None)

    @property
    def filed_label_ok(self) -> bool:
        """The filed sub-tier is known and agrees with the filed tier (else the filed label is in doubt)."""
        if self.filed_sub is None or not self.name:
            return False
        return self.filed_tier is None or self.filed_tier == SUB_PARENT[self.filed_sub] or self.filed_tier == "成本"


def indicator_records(documents: Iterable[ParsedDocument]) -> list[IndicatorRecord]:
    """Every indicator of ``documents`` with its id, in document order."""
    out = []
    for parsed in documents:
        doc = parsed.document.file
        for project, ind, iid in document_indicator_ids(parsed):
            out.append(IndicatorRecord(iid, doc, ind.line, project_id(doc, project.ordinal), project.name, ind.name,
                                       ind.desc, ind.value, ind.tier, ind.sub, tuple(ind.uncertain)))
    return out


@dataclass(frozen=True)
class ReviewRow:
    """One exported row: a stored indicator, its filed and predicted labels, empty reviewer fields."""

    record: IndicatorRecord
    pred_tier: str
    pred_sub: str
    confidence: float

    @property
    def disagrees(self) -> bool:
        return self.record.filed_sub is not None and self.pred_sub != self.record.filed_sub

    def as_dict(self) -> dict[str, Any]:
        r = self.record
        return {"indicator_id": r.indicator_id, "doc": r.doc, "line": r.line, "project_name": r.project_name,
                "name": r.name, "desc": r.desc, "value": r.value, "filed_tier": r.filed_tier, "filed_sub": r.filed_sub,
                "pred_tier": self.pred_tier, "pred_sub": self.pred_sub, "confidence": self.confidence,
                "tier": "", "sub": "", "note": ""}


def review_candidates(
    records: Sequence[IndicatorRecord], predictions: Sequence[Any], *, labelled: Iterable[str] = (), limit: int = 200
) -> list[ReviewRow]:
    """The rows a reviewer should look at first (``predictions[i]`` is the model's for ``records[i]``).

    Rows already labelled (their id in ``labelled``, or a copy of a text the model learnt from a
    reviewer: ``predictions[i].reviewed``) and rows without a name are left out, and
    only the first copy of each distinct (name, desc, value, filed sub-tier) is kept. In each
    document the model-vs-filed disagreements, most confident first (likely filing errors), are
    interleaved with the agreeing rows, least confident first (the model is unsure); documents
    then take turns, so a short export still covers every document.
    """
    done = set(labelled)
    seen: set[tuple[str, str, str, str | None]] = set()
    per_doc: dict[str, tuple[list[ReviewRow], list[ReviewRow]]] = {}
    for rec, pred in zip(records, predictions):
        if not rec.name or rec.indicator_id in done or getattr(pred, "reviewed", False):
            continue
        key = (rec.name, rec.desc, rec.value, rec.filed_sub)
        if key in seen:
            continue
        seen.add(key)
        row = ReviewRow(rec, pred.tier, pred.sub, float(pred.confidence))
        disagree, unsure = per_doc.setdefault(rec.doc, ([], []))
        (disagree if row.disagrees or rec.filed_sub is None else unsure).append(row)
    queues = []
    for doc in sorted(per_doc):
        disagree, unsure = per_doc[doc]
        disagree.sort(key=lambda r: (-r.confidence, r.record.line))
        unsure.sort(key=lambda r: (r.confidence, r.record.line))
        merged = [r for pair in _zip_longest(disagree, unsure) for r in pair if r is not None]
        queues.append(merged)
    out: list[ReviewRow] = []
    depth = 0
    while len(out) < limit and any(depth < len(q) for q in queues):
        for q in queues:
            if depth < len(q) and len(out) < limit:
                out.append(q[depth])
        depth += 1
    return out


def _zip_longest(a: list[ReviewRow], b: list[ReviewRow]) -> list[tuple[ReviewRow | None, ReviewRow | None]]:
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(n)]


# ---------------------------------------------------------------- writing a review file


def review_csv(rows: Sequence[ReviewRow]) -> str:
    """CSV text with the field names as header (write it with a BOM so Excel reads it as UTF-8)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if v is None else v for k, v in r.as_dict().items()})
    return buf.getvalue()


def review_jsonl(rows: Sequence[ReviewRow]) -> str:
    return "".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in rows)


def review_xlsx(rows: Sequence[ReviewRow]) -> bytes:
    """A workbook for Excel: Chinese headers, frozen header row, drop-down lists for the reviewer's
    tier and sub-tier columns, and a second sheet naming the valid tier/sub-tier pairs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "待审核指标"
    ws.append([EXPORT_HEADERS[f] for f in EXPORT_FIELDS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        d = r.as_dict()
        ws.append([d[f] for f in EXPORT_FIELDS])
    ws.freeze_panes = "A2"
    widths = {"indicator_id": 22, "doc": 24, "line": 6, "project_name": 28, "name": 28, "desc": 36, "value": 14,
              "confidence": 10, "note": 30}
    fill = PatternFill("solid", fgColor="FFF2CC")
    last = max(len(rows) + 1, 2)
    for j, f in enumerate(EXPORT_FIELDS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(f, 10)
        if f in ("tier", "sub", "note"):
            for i in range(1, last + 1):
                ws.cell(row=i, column=j).fill = fill
    for f, choices in (("tier", TIER_CHOICES), ("sub", SUB_TIERS)):
        col = get_column_letter(EXPORT_FIELDS.index(f) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="无效取值", error="请从下拉列表中选择")
        dv.add(f"{col}2:{col}{max(last, 1000)}")
        ws.add_data_validation(dv)
    pairs = wb.create_sheet("一级二级对照")
    pairs.append(["二级", "所属一级"])
    for sub in SUB_TIERS:
        pairs.append([sub, SUB_PARENT[sub]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- reading a filled-in review file


def _field(header: Any) -> str:
    h = "" if header is None else str(header).strip().lstrip("\ufeff")
    return _FROM_HEADER.get(h, h.lower())


def read_review_file(path: Path) -> list[tuple[int, dict[str, Any] | str]]:
    """(line, row) per data row of a CSV, XLSX or JSONL review file; a str instead of a row is a
    problem with that line (bad JSON, too many cells). Line = the line (or sheet row) a reviewer sees."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".jsonl", ".ndjson"):
        raise JixiaoError(f"{path}: unknown file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise JixiaoError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise JixiaoError(f"{path}: is a directory; give a .csv, .xlsx or .jsonl file") from None
    except OSError as exc:
        raise JixiaoError(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from None
    if suffix == ".xlsx":
        return _xlsx_rows(path, data)
    try:
        text, _ = decode_text(data, file=str(path))
    except InputError as exc:
        raise JixiaoError(str(exc)) from None
    if suffix == ".csv":
        return _csv_rows(path, text)
    return [(lineno, {_field(k): v for k, v in row.items()} if isinstance(row, dict) else row)
            for lineno, row in jsonl_rows(text)]


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_field(h) for h in next(reader)]
    except StopIteration:
        raise LabelFileError(str(path), [(1, "no header row")]) from None
    out: list[tuple[int, dict[str, Any] | str]] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) > len(header):
                out.append((line, f"{len(cells)} cells for {len(header)} columns"))
            else:
                out.append((line, dict(zip(header, cells))))
        line = reader.line_num + 1
    return out


def _xlsx_rows(path: Path, data: bytes) -> list[tuple[int, dict[str, Any] | str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise JixiaoError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}); save it again from Excel as .xlsx") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [_field(h) for h in next(rows)]
    except StopIteration:
        raise LabelFileError(str(path), [(1, "no header row")]) from None
    out: list[tuple[int, dict[str, Any] | str]] = []
    for i, cells in enumerate(rows, start=2):
        if any(c is not None and str(c).strip() for c in cells):
            out.append((i, {h: c for h, c in zip(header, cells) if h}))
    wb.close()
    return out


@dataclass
class ValidatedImport:
    """The outcome of validating a review file: the labels, the bad rows, the rows left empty."""

    labels: list[Any] = field(default_factory=list)  #: index.labels_store.NewLabel-shaped records (see ``make``)
    problems: list[tuple[int, str]] = field(default_factory=list)
    n_blank: int = 0  #: rows whose tier and sub were left empty (not labelled)


def _text(row: Mapping[str, Any], key: str) -> str:
    v = row.get(key)
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if not isinstance(v, (str, int, float)):
        raise ValueError(f"'{key}' must be text, not {type(v).__name__}")
    return str(v).strip()


def _label_pair(row: Mapping[str, Any]) -> tuple[str, str]:
    tier_raw, sub_raw = _text(row, "tier"), _text(row, "sub")
    if not sub_raw:
        tier = canonical_tier(tier_raw)
        only = [s for s in SUB_TIERS if SUB_PARENT[s] == tier or (tier == "成本" and s == "成本")]
        if len(only) == 1:  # 满意度 has one sub-tier (服务对象满意度), 成本 as a tier one (成本)
            return str(tier), only[0]
        raise ValueError(f"'sub' (审核二级) is empty but tier is {tier_raw!r}: give the sub-tier, one of "
                         f"{', '.join(only or SUB_TIERS)}")
    sub = canonical_sub(sub_raw)
    if sub is None:
        raise ValueError(f"unknown sub-tier {sub_raw!r} (expected one of {', '.join(SUB_TIERS)})")
    if not tier_raw:
        return SUB_PARENT[sub], sub
    tier = canonical_tier(tier_raw)
    if tier is None:
        raise ValueError(f"unknown tier {tier_raw!r} (expected one of {', '.join(TIER_CHOICES)})")
    if tier != SUB_PARENT[sub] and not (tier == "成本" and sub == "成本"):
        raise ValueError(f"sub-tier {sub} does not belong to tier {tier} (it belongs to {SUB_PARENT[sub]})")
    return tier, sub


def validate_review_rows(
    rows: Sequence[tuple[int, dict[str, Any] | str]],
    records: Sequence[IndicatorRecord],
    make: Any,
) -> ValidatedImport:
    """Check every row of a review file against the stored indicators; build a label per good row
    with ``make(**fields)`` (the store's label type).

    A row names its indicator by ``indicator_id``, or by ``doc`` and ``line`` (the corrections files of
    ``jixiao train --corrections``: ``verdict`` kept/corrected and ``reason`` are read too), or gives
    ``name`` (with ``desc``, ``value``) for an indicator that is not in the store. Rows whose ``tier``
    and ``sub`` are both empty are not labels (the reviewer skipped them).
    """
    by_id = {r.indicator_id: r for r in records}
    by_line: dict[tuple[str, int], IndicatorRecord] = {}
    for r in records:
        by_line.setdefault((r.doc, r.line), r)
        by_line.setdefault((Path(r.doc).name, r.line), r)
    out = ValidatedImport()
    seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            out.problems.append((line, row))
            continue
        try:
            if not _text(row, "tier") and not _text(row, "sub"):
                out.n_blank += 1
                continue
            tier, sub = _label_pair(row)
            label = _resolve(row, tier, sub, by_id, by_line, make)
        except ValueError as exc:
            out.problems.append((line, _naming(row, str(exc))))
            continue
        if label.key in seen:
            out.problems.append((line, f"indicator {label.key} is already labelled on line {seen[label.key]}"))
            continue
        seen[label.key] = line
        out.labels.append(label)
    return out


def _naming(row: Mapping[str, Any], reason: str) -> str:
    """``reason`` prefixed with the indicator the row is about, so the reviewer finds it in any view of the file."""
    try:
        iid, name = _text(row, "indicator_id"), _text(row, "name")
    except ValueError:
        return reason
    if iid and iid not in reason:
        return f"{iid}" + (f" 「{name}」" if name else "") + f": {reason}"
    if name and not iid and name not in reason:
        return f"「{name}」: {reason}"
    return reason


def _resolve(row: Mapping[str, Any], tier: str, sub: str, by_id: Mapping[str, IndicatorRecord],
             by_line: Mapping[tuple[str, int], IndicatorRecord], make: Any) -> Any:
    iid, name, doc, line_raw = _text(row, "indicator_id"), _text(row, "name"), _text(row, "doc"), _text(row, "line")
    note = _text(row, "note") or _text(row, "reason")
    rec: IndicatorRecord | None = None
    if iid:
        rec = by_id.get(iid)
        if rec is None:
            raise ValueError(f"unknown indicator_id {iid!r}: no such indicator in the store (its document changed or "
                             "was removed); export again, or clear indicator_id and give name, desc and value")
    elif doc and line_raw:
        if not line_raw.isdigit():
            raise ValueError(f"'line' must be a line number, not {line_raw!r}")
        rec = by_line.get((doc, int(line_raw)))
        if rec is None:
            raise ValueError(f"no stored indicator at {doc}:{line_raw}; check doc and line, or give indicator_id")
    elif not name:
        raise ValueError("the row names no indicator: give indicator_id, or doc and line, or name (with desc and value)")
    if rec is not None and name and name != rec.name:
        raise ValueError(f"indicator {rec.indicator_id} is {rec.name!r} in the store, the row says {name!r}; "
                         "export again (the row belongs to another indicator)")
    if "verdict" in row:
        verdict = _text(row, "verdict")
        if verdict not in ("kept", "corrected"):
            raise ValueError(f"verdict must be kept or corrected, not {verdict!r}")
        filed_raw = _text(row, "filed_sub")
        filed = canonical_sub(filed_raw) if filed_raw else None
        if rec is not None and filed is not None and rec.filed_sub != filed:
            raise ValueError(f"{rec.doc}:{rec.line} is filed {rec.filed_sub}, the row says {filed}: "
                             "the corrections are stale; re-adjudicate")
        if (verdict == "kept") != ((filed or (rec.filed_sub if rec else None)) == sub):
            raise ValueError(f"verdict {verdict} but filed {filed or (rec.filed_sub if rec else '?')} and label {sub}")
    if rec is not None:
        return make(key=rec.indicator_id, in_store=True, doc=rec.doc, line=rec.line, name=rec.name, desc=rec.desc,
                    value=rec.value, filed_tier=rec.filed_tier, filed_sub=rec.filed_sub, tier=tier, sub=sub, note=note)
    desc, value = _text(row, "desc"), _text(row, "value")
    return make(key=text_id(name, desc, value), in_store=False, doc=None, line=None, name=name, desc=desc, value=value,
                filed_tier=None, filed_sub=None, tier=tier, sub=sub, note=note)


# ---------------------------------------------------------------- training rows


@dataclass(frozen=True)
class TrainingSet:
    """Labelled rows to fit on; ``reviewed[i]`` says whether row i's label is the user's reviewers'."""

    rows: list[LabelledIndicator]
    reviewed: list[bool]


def training_rows(records: Sequence[IndicatorRecord], labels: Sequence[LabelLike]) -> TrainingSet:
    """The stored indicators labelled as filed, with the reviewer labels winning.

    A reviewer label applies to its own row and, where a row has no label of its own, to every
    stored row with exactly the same name, description and value (copies of the row: a reviewer
    judges the text). A label whose indicator is not in the store (any more) is a row of its own
    in the group :data:`REVIEW_GROUP`. Unlabelled rows whose filed label is unknown or contradicts
    itself (tier vs sub-tier) are left out.
    """
    own = {lab.key: lab for lab in labels if lab.in_store}
    by_text: dict[tuple[str, str, str], LabelLike] = {}
    for lab in labels:  # oldest first: the latest label of a text wins
        by_text[text_key(lab.name, lab.desc, lab.value)] = lab
    used_texts: set[tuple[str, str, str]] = set()
    present: set[str] = set()  # ids of stored rows that carry a label of their own
    out: list[LabelledIndicator] = []
    reviewed: list[bool] = []
    append, mark = out.append, reviewed.append
    own_get, text_get = own.get, by_text.get
    for rec in records:  # one pass over (up to millions of) stored rows: lookups only, no per-row key unless labels exist
        lab = own_get(rec.indicator_id) if own else None
        if lab is not None:
            present.add(rec.indicator_id)
        if by_text:
            tk = text_key(rec.name, rec.desc, rec.value)
            if lab is None:
                lab = text_get(tk)
            if lab is not None:
                used_texts.add(tk)
        if lab is not None:
            append(LabelledIndicator(rec.text, SUB_PARENT[lab.sub], lab.sub, group=rec.doc, line=rec.line))
            mark(not getattr(lab, "shipped", False))
        elif rec.filed_label_ok:
            assert rec.filed_sub is not None
            append(LabelledIndicator(rec.text, SUB_PARENT[rec.filed_sub], rec.filed_sub, group=rec.doc, line=rec.line))
            mark(False)
    for lab in by_text.values():
        tk = text_key(lab.name, lab.desc, lab.value)
        if tk in used_texts or (lab.in_store and lab.key in present):
            continue
        text = IndicatorText(lab.name, lab.desc or None, lab.value or None)
        out.append(LabelledIndicator(text, SUB_PARENT[lab.sub], lab.sub, group=REVIEW_GROUP))
        reviewed.append(not getattr(lab, "shipped", False))
    return TrainingSet(out, reviewed)


@dataclass(frozen=True)
class Label:
    """A label as training reads it (:class:`LabelLike`), made here rather than read from the label store."""

    key: str
    in_store: bool
    name: str
    desc: str
    value: str
    tier: str
    sub: str
    #: a verdict shipped with jixiao (the adjudication of the bundled samples), not the user's reviewer:
    #: the label-noise filter still applies to the row
    shipped: bool = False


def shipped_labels(records: Sequence[IndicatorRecord]) -> list[Label]:
    """The bundled adjudication (``labels/sample_corrections.csv``) as labels of the stored rows
    it is about: a verdict applies to the row of the same document file name and line whose name and
    filed sub-tier are the ones judged. Empty when the store does not hold the bundled samples.
    Training puts these before the reviewer's own labels, which therefore win."""
    from models.labels import load_bundled_corrections

    corrections = load_bundled_corrections()
    judged = {c.doc for c in corrections}
    names = {d: Path(d).name for d in {r.doc for r in records}}  # file names once per document, not per row
    index = {(names[r.doc], r.line): r for r in records if names[r.doc] in judged}
    out = []
    for c in corrections:
        rec = index.get((c.doc, c.line))
        if rec is None or rec.name != c.name or rec.filed_sub != c.filed_sub:
            continue
        out.append(Label(rec.indicator_id, True, rec.name, rec.desc, rec.value, SUB_PARENT[c.sub], c.sub, shipped=True))
    return out


def label_stats(current: Sequence[Any], history: Sequence[Any], n_imports: int) -> dict[str, Any]:
    """Counts over the labels in force (``current``) and every label given (``history``)."""
    changed = [lab for lab in current if lab.filed_sub is not None and lab.sub != lab.filed_sub]
    return {
        "labels": len(current),
        "labels_given": len(history),
        "superseded": len(history) - len(current),
        "imports": n_imports,
        "in_store": sum(1 for lab in current if lab.in_store),
        "not_in_store": sum(1 for lab in current if not lab.in_store),
        "corrections": len(changed),
        "confirmations": sum(1 for lab in current if lab.filed_sub is not None and lab.sub == lab.filed_sub),
        "by_sub": dict(sorted(Counter(lab.sub for lab in current).items(), key=lambda kv: SUB_TIERS.index(kv[0]))),
        "by_reviewer": dict(Counter(lab.by for lab in current).most_common()),
        "documents": len({lab.doc for lab in current if lab.doc}),
        "last_import_at": max((lab.at for lab in history), default=None),
    }
