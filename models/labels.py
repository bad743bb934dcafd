"""Labelled indicators: reading CSV/JSONL files row by row, and turning parsed documents into labels.

A labelled row has ``name`` (required), ``desc`` and ``value`` (optional, may be null or
absent), ``sub`` (a sub-tier, canonical or a printed synonym such as 进度指标) and
optionally ``tier`` and ``group`` (``doc`` is accepted for ``group``: cross-validation
holds out one group at a time). A file with any bad row is rejected as a whole: the
error lists every bad row with its line number, and nothing is trained on it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from models.features import IndicatorText
from nlp.errors import JixiaoError
from nlp.normalize import SUB_PARENT, canonical_sub, canonical_tier
from nlp.records import ParsedDocument

T = TypeVar("T")

__all__ = [
    "LabelFileError",
    "LabelledIndicator",
    "read_labels",
    "jsonl_rows",
    "read_indicator_texts",
    "labels_from_documents",
    "load_bundled_training",
    "training_sha256",
    "write_labels_csv",
    "BUNDLED_TRAINING",
    "BUNDLED_CORRECTIONS",
    "BUNDLED_CORPUS",
    "SAMPLE_SECTOR",
    "CORPUS_GROUP_PREFIX",
    "read_corpus",
    "load_bundled_corpus",
    "load_default_training",
    "load_reviewer_examples",
    "with_default_training",
    "REVIEWER_EXAMPLES",
    "REFERENCE_GROUP_PREFIX",
    "Correction",
    "read_corrections",
    "apply_corrections",
    "load_bundled_corrections",
]

#: file name of the bundled training set (indicators of samples/*.txt, as filed) in models/data/
BUNDLED_TRAINING = "sample_indicators.csv"

#: file name of the reviewer-adjudicated labels of the bundled training rows (a copy of
#: labels/sample_corrections.csv made by models/data/regenerate.py)
BUNDLED_CORRECTIONS = "sample_corrections.csv"

#: file name of the multi-sector corpus of real indicators (filed labels, noise included) in models/data/,
#: written by models/data/regenerate.py; columns ``group, line, sector, name, desc, value, tier, sub``
BUNDLED_CORPUS = "corpus_indicators.csv"

#: the sector of the five bundled sample disclosures (人力资源和社会保障)
SAMPLE_SECTOR = "人社"

#: prefix of the group (source document) of every corpus row, so that a corpus source never shares a
#: group name with a sample document or an ingested file
CORPUS_GROUP_PREFIX = "corpus:"

#: file name of the reviewer's examples in models/data/: the typical names of each sub-tier as
#: docs/domain.md §3.3 lists them (with a typical value), columns ``name, value, sub, source``
REVIEWER_EXAMPLES = "reviewer_examples.csv"

#: group prefix of rows that are reference knowledge, not a document: always fitted on, never scored
REFERENCE_GROUP_PREFIX = "docs:"

#: how many bad rows an error message lists before it says "… and N more"
MAX_LISTED = 20


class LabelFileError(JixiaoError):
    """A labelled (or to-classify) file has bad rows; lists them as ``file:line: reason``."""

    def __init__(self, file: str, problems: Sequence[tuple[int, str]], *, what: str = "label file") -> None:
        self.file = file
        self.problems = tuple(problems)
        listed = [f"  {file}:{line}: {reason}" for line, reason in self.problems[:MAX_LISTED]]
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            listed.append(f"  … and {more} more")
        n = len(self.problems)
        super().__init__(
            f"{file}: {n} bad row{'s' if n != 1 else ''} in {what}, nothing was used; fix them and retry:\n"
            + "\n".join(listed)
        )


@dataclass(frozen=True)
class LabelledIndicator:
    """An indicator with its sub-tier label; ``tier`` is always ``SUB_PARENT[sub]``.

    A *tier-only* row (``sub`` None) knows its tier but not its sub-tier (a table that printed
    产出指标 without a 二级 column): it is scored at tier level only and never fitted on.
    """

    text: IndicatorText
    tier: str
    sub: str | None
    group: str = ""  #: the document (or sector) it comes from; CV holds out one group at a time
    line: int | None = None  #: first line of the row in its source document, when known (joins reviewer corrections)
    sector: str = ""  #: the policy sector of its document, when known (evaluation reports per sector)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row dict) per data row of a CSV or JSONL file; a str instead of a dict is a parse error."""
    suffix = path.suffix.lower()
    if path.exists() and not path.is_dir() and not path.is_file():
        raise JixiaoError(f"{path}: not a regular file; give the path of a .csv or .jsonl file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JixiaoError(f"{path}: no such file; give the path of a .csv or .jsonl file") from None
    except IsADirectoryError:
        raise JixiaoError(f"{path}: is a folder; give the path of a .csv or .jsonl file") from None
    except PermissionError:
        raise JixiaoError(f"{path}: permission denied; make the file readable") from None
    except UnicodeDecodeError:
        raise JixiaoError(f"{path}: not UTF-8 text; save it as UTF-8 and retry") from None
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
            raise LabelFileError(str(path), [(1, "header must name the columns, including 'name'")])
        start = 2
        for row in reader:
            clean = {(k or "").strip(): v for k, v in row.items()}
            if None in row:  # more cells than header columns
                yield start, f"{len(row[None]) + len(reader.fieldnames)} cells for {len(reader.fieldnames)} columns"
            else:
                yield start, clean
            start = reader.line_num + 1
    elif suffix in (".jsonl", ".ndjson"):
        yield from jsonl_rows(text)
    else:
        raise JixiaoError(f"{path}: unknown file type {suffix or '(none)'}; use .csv or .jsonl")


def jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object) per non-blank line of JSON-lines text; a str instead of an object is the
    problem with that line (not valid JSON, not a JSON object)."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, f"not valid JSON ({exc.msg})"
            continue
        yield lineno, obj if isinstance(obj, dict) else "not a JSON object"


def _text_field(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"'{key}' must be text, not {type(value).__name__}")
    value = str(value).strip()
    return value or None


def _indicator_text(row: dict[str, Any]) -> IndicatorText:
    name = _text_field(row, "name")
    if not name:
        raise ValueError("'name' is empty")
    return IndicatorText(name=name, desc=_text_field(row, "desc"), value=_text_field(row, "value"))


def _read_valid(path: Path, parse: Callable[[dict[str, Any]], T]) -> tuple[list[T], list[tuple[int, str]]]:
    """Every row of ``path`` through ``parse``, in file order, and the (line, why) of each row that failed."""
    out: list[T] = []
    problems: list[tuple[int, str]] = []
    for line, row in _rows(path):
        if isinstance(row, str):
            problems.append((line, row))
            continue
        try:
            out.append(parse(row))
        except ValueError as exc:
            problems.append((line, str(exc)))
    return out, problems


def read_indicator_texts(path: Path) -> list[IndicatorText]:
    """Indicators to classify from a CSV/JSONL file (fields name, desc, value), in file order."""
    out, problems = _read_valid(path, _indicator_text)
    if problems:
        raise LabelFileError(str(path), problems, what="input file")
    if not out:
        raise JixiaoError(f"{path}: no indicators to classify (the file has no data rows); add one row per indicator")
    return out


def _labelled(row: dict[str, Any]) -> LabelledIndicator:
    text = _indicator_text(row)
    sub_raw = _text_field(row, "sub")
    if not sub_raw:
        raise ValueError("'sub' is empty")
    sub = canonical_sub(sub_raw)
    if sub is None:
        raise ValueError(f"unknown sub-tier {sub_raw!r} (expected one of {', '.join(SUB_PARENT)})")
    tier_raw = _text_field(row, "tier")
    if tier_raw:
        tier = canonical_tier(tier_raw)
        if tier is None:
            raise ValueError(f"unknown tier {tier_raw!r} (expected 产出, 效益 or 满意度)")
        if tier != SUB_PARENT[sub] and not (tier == "成本" and sub == "成本"):
            raise ValueError(f"sub-tier {sub} does not belong to tier {tier} (it belongs to {SUB_PARENT[sub]})")
    group = _text_field(row, "group") or _text_field(row, "doc") or ""
    line_raw = _text_field(row, "line")
    if line_raw is not None and not line_raw.isdigit():
        raise ValueError(f"'line' must be a line number, not {line_raw!r}")
    return LabelledIndicator(text=text, tier=SUB_PARENT[sub], sub=sub, group=group, line=int(line_raw) if line_raw else None)


def read_labels(path: Path) -> list[LabelledIndicator]:
    """Labelled indicators from a CSV/JSONL file; any bad row rejects the whole file (:class:`LabelFileError`)."""
    out, problems = _read_valid(path, _labelled)
    if problems:
        raise LabelFileError(str(path), problems)
    if not out:
        raise LabelFileError(str(path), [(1, "no labelled rows")])
    return out


def labels_from_documents(documents: Iterable[ParsedDocument]) -> list[LabelledIndicator]:
    """The indicators of parsed documents, labelled with the sub-tier AS FILED.

    Rows whose sub-tier is unknown, or whose filed tier contradicts the filed sub-tier
    (an R04 error, so the label itself is in doubt), are left out.
    """
    out = []
    for doc in documents:
        for project in doc.projects:
            for ind in project.indicators:
                if ind.sub is None or not ind.name:
                    continue
                if ind.tier is not None and ind.tier != SUB_PARENT[ind.sub] and ind.tier != "成本":
                    continue
                text = IndicatorText(name=ind.name, desc=ind.desc or None, value=ind.value or None)
                out.append(
                    LabelledIndicator(text=text, tier=SUB_PARENT[ind.sub], sub=ind.sub, group=doc.document.file, line=ind.line)
                )
    return out


_CSV_FIELDS = ("group", "line", "name", "desc", "value", "tier", "sub")


def write_labels_csv(rows: Iterable[LabelledIndicator], out: io.TextIOBase | Any) -> None:
    """Write labelled rows as CSV (the format :func:`read_labels` reads)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_FIELDS)
    for r in rows:
        line = "" if r.line is None else str(r.line)
        writer.writerow([r.group, line, r.text.name, r.text.desc or "", r.text.value or "", r.tier, r.sub])


def load_bundled_training(*, adjudicated: bool = False) -> list[LabelledIndicator]:
    """The bundled training set: indicators of the five sample disclosures, labelled as filed,
    or with the reviewers' corrections applied (``adjudicated=True``)."""
    ref = resources.files("models") / "data" / BUNDLED_TRAINING
    with resources.as_file(ref) as path:
        rows = read_labels(Path(path))
    if adjudicated:
        rows = apply_corrections(rows, load_bundled_corrections(), source=BUNDLED_CORRECTIONS)
    return rows


def read_corpus(path: Path) -> list[LabelledIndicator]:
    """Rows of a corpus file as written by models/data/regenerate.py (``group, line, sector, name, desc,
    value, tier, sub``; ``sub`` empty on tier-only rows). Any bad row rejects the file."""

    def parse(row: dict[str, Any]) -> LabelledIndicator:
        text = _indicator_text(row)
        sub_raw = _text_field(row, "sub")
        tier_raw = _text_field(row, "tier") or ""
        sub = canonical_sub(sub_raw) if sub_raw else None
        tier = canonical_tier(tier_raw)
        if sub_raw and sub is None:
            raise ValueError(f"unknown sub-tier {sub_raw!r}")
        if tier is None:
            raise ValueError(f"unknown tier {tier_raw!r}")
        if tier == "成本":  # the national structure with 成本 as a 一级: its rows are the canonical 成本 sub-tier
            sub = sub or "成本"
        if sub is not None:
            tier = SUB_PARENT[sub]
        line_raw = _text_field(row, "line")
        return LabelledIndicator(text=text, tier=tier, sub=sub, group=_text_field(row, "group") or "",
                                 line=int(line_raw) if line_raw and line_raw.isdigit() else None,
                                 sector=_text_field(row, "sector") or "")

    out, problems = _read_valid(path, parse)
    if problems:
        raise LabelFileError(str(path), problems, what="corpus file")
    return out


def load_bundled_corpus() -> list[LabelledIndicator]:
    """The bundled multi-sector corpus (real indicators of many provinces and sectors, labels as filed)."""
    ref = resources.files("models") / "data" / BUNDLED_CORPUS
    with resources.as_file(ref) as path:
        return read_corpus(Path(path))


def load_reviewer_examples() -> list[LabelledIndicator]:
    """The typical names of each sub-tier from docs/domain.md §3.3, as one reference group: they teach
    the model what the definitions say where the real tables have no example (受益人数 is 社会效益,
    节约资金 经济效益); weighted like one small document."""
    ref = resources.files("models") / "data" / REVIEWER_EXAMPLES
    with resources.as_file(ref) as path:
        rows = read_labels(Path(path))
    return [replace(r, group=REFERENCE_GROUP_PREFIX + "reviewer-examples", sector="(docs)") for r in rows]


def load_default_training() -> list[LabelledIndicator]:
    """The default model's training set: the five sample disclosures with the reviewers' corrections
    (sector 人社), the multi-sector corpus, and the reviewer's examples; deterministic (file order)."""
    samples = [replace(r, sector=r.sector or SAMPLE_SECTOR) for r in load_bundled_training(adjudicated=True)]
    return samples + load_bundled_corpus() + load_reviewer_examples()


def with_default_training(rows: Sequence[LabelledIndicator]) -> list[LabelledIndicator]:
    """The default training set followed by ``rows``; where ``rows`` hold a document of the default
    set (the same group, e.g. a sample disclosure ingested into the store), that document's bundled
    rows are left out: the caller's labels for it win."""
    mine = {r.group for r in rows}
    return [r for r in load_default_training() if r.group not in mine] + list(rows)


def training_sha256(rows: Sequence[LabelledIndicator]) -> str:
    """sha256 of the training rows in a canonical serialisation (order-sensitive)."""
    h = hashlib.sha256()
    for start in range(0, len(rows), _SHA_BATCH):  # each row is json.dumps(..., ensure_ascii=False) + "\n", hashed in batches
        h.update("".join([_ROW_JSON([r.group, r.text.name, r.text.desc, r.text.value, r.sub or r.tier]) + "\n"
                          for r in rows[start:start + _SHA_BATCH]]).encode("utf-8"))
    return h.hexdigest()


#: ``json.dumps(row, ensure_ascii=False)`` without building an encoder per call
_ROW_JSON = json.JSONEncoder(ensure_ascii=False).encode
_SHA_BATCH = 65536


@dataclass(frozen=True)
class Correction:
    """A reviewer's verdict on one labelled row, found by ``(doc, line)``.

    ``verdict`` is ``kept`` (the filed label stands) or ``corrected`` (``sub`` replaces
    ``filed_sub``); ``reason`` cites the definition it rests on (docs/domain.md §3).
    """

    doc: str
    line: int
    name: str
    filed_sub: str
    sub: str
    verdict: str
    reason: str
    selected_by: str = ""  #: why the row was adjudicated (``disagree``: the out-of-fold model disagreed; ``agree_sample``: random check)


_VERDICTS = ("kept", "corrected")


def _correction(row: dict[str, Any]) -> Correction:
    doc = _text_field(row, "doc")
    line_raw = _text_field(row, "line")
    name = _text_field(row, "name")
    if not doc or not line_raw or not name:
        raise ValueError("'doc', 'line' and 'name' are required")
    if not line_raw.isdigit():
        raise ValueError(f"'line' must be a line number, not {line_raw!r}")
    subs = []
    for key in ("filed_sub", "sub"):
        raw = _text_field(row, key) or ""
        sub = canonical_sub(raw)
        if sub is None:
            raise ValueError(f"unknown sub-tier {raw!r} in '{key}' (expected one of {', '.join(SUB_PARENT)})")
        subs.append(sub)
    tier_raw = _text_field(row, "tier")
    if tier_raw and canonical_tier(tier_raw) != SUB_PARENT[subs[1]]:
        raise ValueError(f"sub-tier {subs[1]} does not belong to tier {tier_raw} (it belongs to {SUB_PARENT[subs[1]]})")
    verdict = _text_field(row, "verdict") or ""
    if verdict not in _VERDICTS:
        raise ValueError(f"verdict must be kept or corrected, not {verdict!r}")
    if (verdict == "kept") != (subs[0] == subs[1]):
        raise ValueError(f"verdict {verdict} but filed {subs[0]} and adjudicated {subs[1]}")
    reason = _text_field(row, "reason")
    if not reason:
        raise ValueError("'reason' is empty: say which definition the verdict rests on")
    return Correction(doc, int(line_raw), name, subs[0], subs[1], verdict, reason, _text_field(row, "selected_by") or "")


def read_corrections(path: Path) -> list[Correction]:
    """Reviewer verdicts from a CSV/JSONL file; any bad row rejects the whole file (:class:`LabelFileError`)."""
    out: list[Correction] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for lineno, row in _rows(path):
        if isinstance(row, str):
            problems.append((lineno, row))
            continue
        try:
            c = _correction(row)
        except ValueError as exc:
            problems.append((lineno, str(exc)))
            continue
        if (c.doc, c.line) in seen:
            problems.append((lineno, f"{c.doc}:{c.line} already adjudicated on line {seen[(c.doc, c.line)]}"))
            continue
        seen[(c.doc, c.line)] = lineno
        out.append(c)
    if problems:
        raise LabelFileError(str(path), problems, what="corrections file")
    return out


def apply_corrections(
    rows: Sequence[LabelledIndicator], corrections: Sequence[Correction], *, source: str = "corrections"
) -> list[LabelledIndicator]:
    """``rows`` with the adjudicated sub-tier (and its tier) wherever a correction names the row.

    Every correction must match a row by ``(group, line)`` with the same name and filed
    sub-tier; otherwise the corrections are stale (the data was re-parsed) and a
    :class:`LabelFileError` lists them, so no label is silently moved onto another row.
    """
    index = {(r.group, r.line): i for i, r in enumerate(rows) if r.line is not None}
    out = list(rows)
    problems: list[tuple[int, str]] = []
    for k, c in enumerate(corrections):
        i = index.get((c.doc, c.line))
        if i is None:
            problems.append((k + 2, f"no labelled row at {c.doc}:{c.line}"))
            continue
        row = rows[i]
        if row.text.name != c.name or row.sub != c.filed_sub:
            problems.append((k + 2, f"{c.doc}:{c.line} is {row.text.name!r} filed {row.sub}, not {c.name!r} filed {c.filed_sub}"))
            continue
        if c.verdict == "corrected":
            out[i] = replace(row, tier=SUB_PARENT[c.sub], sub=c.sub)
    if problems:
        raise LabelFileError(source, problems, what="corrections file (stale: re-adjudicate or regenerate)")
    return out


def load_bundled_corrections() -> list[Correction]:
    """The reviewer verdicts on the bundled training rows (see labels/sample_corrections.csv)."""
    ref = resources.files("models") / "data" / BUNDLED_CORRECTIONS
    with resources.as_file(ref) as path:
        return read_corrections(Path(path))
