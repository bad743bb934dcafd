"""Audit reports: rows for JSON, CSV, self-contained HTML and XLSX, and the view they share with the service's pages."""

from models.report.csv_report import REPORT_COLUMNS, to_csv
from models.report.html_report import to_html
from models.report.rows import audit_to_dict, finding_row
from models.report.xlsx_report import to_xlsx

__all__ = ["REPORT_COLUMNS", "audit_to_dict", "finding_row", "to_csv", "to_html", "to_xlsx"]
