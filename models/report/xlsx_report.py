"""XLSX report: one row per finding with the indicator's columns, for reviewers' spreadsheets."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from models.audit import AuditResult
from models.report.csv_report import flat_rows
from models.report.rows import FINDING_FIELDS, INDICATOR_FIELDS

__all__ = ["to_xlsx"]

_FILL = {"error": PatternFill("solid", fgColor="F8CBAD"), "warning": PatternFill("solid", fgColor="FFE699"),
         "info": PatternFill("solid", fgColor="DDEBF7")}


def to_xlsx(result: AuditResult) -> bytes:
    """The workbook as bytes: sheet 「审核意见」 (findings) and sheet 「项目评级」 (grades)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "审核意见"
    fields = list(FINDING_FIELDS) + [f"indicator_{f}" for f in INDICATOR_FIELDS]
    ws.append(fields)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in flat_rows(result):
        ws.append([row.get(f) for f in fields])
        ws.cell(ws.max_row, 2).fill = _FILL[str(row["severity"])]
    ws.freeze_panes = "A2"
    grades = wb.create_sheet("项目评级")
    grades.append(["doc", "project_seq", "project_name", "findings", "score", "grade"])
    for ap in result.projects:
        p = ap.context.project
        grades.append([ap.context.document.file, p.seq, p.name, len(ap.findings), ap.score, ap.grade])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
