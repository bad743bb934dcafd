"""Audit reports: rows for the terminal table, JSON, CSV, self-contained HTML and XLSX."""

from models.report.csv_report import to_csv
from models.report.html_report import to_html
from models.report.rows import audit_to_dict, finding_row
from models.report.xlsx_report import to_xlsx

__all__ = ["audit_to_dict", "finding_row", "to_csv", "to_html", "to_xlsx"]
