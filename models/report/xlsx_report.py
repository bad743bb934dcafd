"""XLSX report: the CSV report's rows in a sheet with set column widths, an auto-filter and frozen headers,
the severity cell coloured; a second sheet with each project's score and grade."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from models.audit import AuditResult
from models.report.csv_report import REPORT_COLUMNS, flat_rows
from models.report.view import SEVERITY_ZH

__all__ = ["to_xlsx", "COLUMN_WIDTHS"]

_FILL = {SEVERITY_ZH["error"]: PatternFill("solid", fgColor="F8CBAD"),
         SEVERITY_ZH["warning"]: PatternFill("solid", fgColor="FFE699"),
         SEVERITY_ZH["info"]: PatternFill("solid", fgColor="DDEBF7")}
#: column widths (in characters) by header; what a reviewer reads most gets the room
COLUMN_WIDTHS = {"部门": 18, "年度": 7, "项目编号": 24, "文件": 22, "项目序号": 8, "项目名称": 30, "行": 6, "规则": 6,
                 "问题类型": 18, "级别": 6, "问题": 50, "依据": 40, "建议": 36, "涉及单元格": 14, "解析存疑": 14,
                 "一级指标": 12, "二级指标": 12, "三级指标": 22, "指标解释": 30, "指标值": 14, "指标值确定依据": 24}
_WRAP = {"项目名称", "问题", "依据", "建议", "三级指标", "指标解释", "指标值确定依据"}
_GRADE_COLUMNS = ("部门", "年度", "项目编号", "文件", "项目序号", "项目名称", "问题数", "错误", "警告", "提示", "得分", "评级")


def _sheet_layout(ws, headers, widths) -> None:  # type: ignore[no-untyped-def]
    for n, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(n)].width = widths.get(h, 12)
        ws.cell(1, n).font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 1)}"


def to_xlsx(result: AuditResult) -> bytes:
    """The workbook as bytes: sheet 「审核意见」 (one row per finding) and sheet 「项目评级」 (grades)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "审核意见"
    ws.append(list(REPORT_COLUMNS))
    level = REPORT_COLUMNS.index("级别") + 1
    wrap = [REPORT_COLUMNS.index(h) + 1 for h in _WRAP]
    for row in flat_rows(result):
        ws.append([row.get(c) for c in REPORT_COLUMNS])
        ws.cell(ws.max_row, level).fill = _FILL[str(row["级别"])]
        for col in wrap:
            ws.cell(ws.max_row, col).alignment = Alignment(wrap_text=True, vertical="top")
    _sheet_layout(ws, REPORT_COLUMNS, COLUMN_WIDTHS)
    grades = wb.create_sheet("项目评级")
    grades.append(list(_GRADE_COLUMNS))
    for ap in result.projects:
        p, d = ap.context.project, ap.context.document
        count = {s: sum(f.severity.value == s for f in ap.findings) for s in SEVERITY_ZH}
        grades.append([d.department, d.year, ap.context.pid, d.file, p.seq, p.name, len(ap.findings), count["error"],
                       count["warning"], count["info"], ap.score, ap.grade])
    _sheet_layout(grades, _GRADE_COLUMNS, COLUMN_WIDTHS | {"问题数": 8, "错误": 6, "警告": 6, "提示": 6, "得分": 7, "评级": 6})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
