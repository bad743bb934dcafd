"""CSV report: one row per finding with the indicator's columns (UTF-8 with BOM so Excel reads it)."""

from __future__ import annotations

import csv
import io
import json

from models.audit import AuditResult
from models.report.rows import FINDING_FIELDS, INDICATOR_FIELDS, finding_row, indicator_at

__all__ = ["to_csv", "flat_rows"]


def flat_rows(result: AuditResult) -> list[dict[str, object]]:
    """Finding fields plus the indicator's printed columns; evidence as compact JSON, cells joined by ','."""
    rows = []
    for f in result.findings:
        row = finding_row(f)
        row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
        row["cells"] = ",".join(f.cells)
        ind = indicator_at(result, f)
        for field in INDICATOR_FIELDS:
            row[f"indicator_{field}"] = getattr(ind, field) if ind is not None else None
        rows.append(row)
    return rows


def to_csv(result: AuditResult) -> str:
    buf = io.StringIO()
    fields = list(FINDING_FIELDS) + [f"indicator_{f}" for f in INDICATOR_FIELDS]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat_rows(result))
    return "\ufeff" + buf.getvalue()
