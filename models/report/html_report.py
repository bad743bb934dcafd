"""HTML report: one self-contained file (inline CSS and SVG, no scripts or links) a reviewer can open and send.

A contents list and a summary chart per document at the top, then each project's table as printed,
offending cells highlighted by severity and the findings beside each row (rendered by the same
templates as the service's pages: :mod:`models.report.view`, ``templates/report_macros.html``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping

from models.audit import AuditResult
from models.report.render import environment, report_css
from models.report.view import report_view

__all__ = ["to_html"]


def to_html(result: AuditResult, *, predictions: Mapping[str, Mapping[int, Mapping[str, Any]]] | None = None,
            generated: datetime | None = None) -> str:
    view = report_view(result, predictions)
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    names = sorted({d.department for d in view.documents if d.department})
    title = "绩效目标审核报告" + (f"：{'、'.join(names)}" if 0 < len(names) <= 3 else "")
    return environment().get_template("report.html").render(view=view, css=report_css(), generated=when, title=title)
