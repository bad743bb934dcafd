"""CSV report: one row per finding, with the department, year and project on every row and the
indicator's printed columns; Chinese headers, evidence in words; UTF-8 with a byte-order mark so Excel reads it."""

from __future__ import annotations

import csv
import io
from typing import Any

from models.audit import AuditResult
from models.report.rows import indicator_at
from models.report.view import FIELD_ZH, finding_view

__all__ = ["to_csv", "flat_rows", "REPORT_COLUMNS"]

#: the columns of the CSV and XLSX reports, in order (documented in README "Audit")
REPORT_COLUMNS = ("部门", "年度", "项目编号", "文件", "项目序号", "项目名称", "行", "规则", "问题类型", "级别", "问题",
                  "依据", "建议", "涉及单元格", "解析存疑", "一级指标", "二级指标", "三级指标", "指标解释", "指标值",
                  "指标值确定依据")


def flat_rows(result: AuditResult) -> list[dict[str, Any]]:
    """One dict per finding keyed by :data:`REPORT_COLUMNS`."""
    documents = {ap.context.document.file: ap.context.document for ap in result.projects}
    rows = []
    for f in result.findings:
        ind = indicator_at(result, f)
        d = documents.get(f.doc or "")
        doubt = set(ind.uncertain) if ind is not None else set()
        v = finding_view(f, {{"tier_raw": "tier", "sub_raw": "sub"}.get(u, u) for u in doubt})
        rows.append({
            "部门": d.department if d else None, "年度": d.year if d else None, "项目编号": f.project_id,
            "文件": f.doc, "项目序号": f.project_seq, "项目名称": f.project_name, "行": f.line, "规则": f.rule,
            "问题类型": v.topic, "级别": v.severity_zh, "问题": f.message, "依据": v.evidence, "建议": f.suggestion,
            "涉及单元格": "、".join(FIELD_ZH.get(c, c) for c in f.cells),
            "解析存疑": ("是：" + "、".join(dict.fromkeys(FIELD_ZH.get(u, u) for u in ind.uncertain))) if doubt and ind else "",
            "一级指标": ind.tier_raw if ind else None, "二级指标": ind.sub_raw if ind else None,
            "三级指标": ind.name if ind else None, "指标解释": ind.desc if ind else None,
            "指标值": ind.value if ind else None, "指标值确定依据": ind.basis if ind else None,
        })
    return rows


def to_csv(result: AuditResult) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(REPORT_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(flat_rows(result))
    return "\ufeff" + buf.getvalue()
