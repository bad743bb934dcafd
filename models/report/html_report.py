"""HTML report: one self-contained file (inline CSS, no scripts or links) a reviewer can open and send.

A summary per document, then each project's table as printed, offending cells highlighted by
severity and the findings listed beside each row; project-level findings above the table.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from models.audit import AuditResult, Finding, Severity
from models.audit.findings import SEVERITY_RANK

__all__ = ["to_html"]

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
td,th{border:1px solid #999;padding:3px 6px;vertical-align:top;font-size:13px}
th{background:#eee}.error{background:#f8cbad}.warning{background:#ffe699}.info{background:#ddebf7}
.f{font-size:12px}.f li{margin-bottom:3px}.sev{font-weight:bold}.grade{font-size:18px;font-weight:bold}
h2{border-bottom:2px solid #444}h3{margin-bottom:.2em}
"""
_COLS = (("tier", "一级指标", "tier_raw"), ("sub", "二级指标", "sub_raw"), ("name", "三级指标", "name"),
         ("desc", "绩效指标描述", "desc"), ("value", "指标值", "value"), ("basis", "指标值确定依据", "basis"))
_SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _finding_li(f: Finding) -> str:
    ev = "；".join(f"{escape(str(k))}={escape(str(v))}" for k, v in f.evidence)
    sug = f"<br>建议：{escape(f.suggestion)}" if f.suggestion else ""
    return (f'<li class="{f.severity.value}"><span class="sev">{f.rule} {_SEV_ZH[f.severity.value]}</span> '
            f"{escape(f.message)}{sug}<br><small>依据：{ev}</small></li>")


def to_html(result: AuditResult) -> str:
    out = [f"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>绩效目标审核报告</title>"
           f"<style>{_CSS}</style></head><body><h1>绩效目标审核报告</h1><p>审核方案：{escape(result.profile)}</p>"]
    for f in result.run_findings:
        out.append(f"<ul class=\"f\">{_finding_li(f)}</ul>")
    out.append("<h2>汇总</h2>")
    for s in result.summaries:
        out.append(f"<h3>{escape(s.doc)} {escape(s.department or '')} {s.year or ''}</h3>"
                   f"<p>项目 {s.projects} 个，指标 {s.indicators} 个，问题 {s.findings} 条（"
                   + "，".join(f"{_SEV_ZH[k]} {n}" for k, n in s.by_severity) + "）；评级："
                   + "，".join(f"{g} {n}" for g, n in s.grades) + "</p>")
        out.append("<table><tr><th>规则</th><th>问题类型</th><th>问题数</th><th>涉及项目</th></tr>")
        for rule, topic, n, k in s.by_rule:
            out.append(f"<tr><td>{rule}</td><td>{escape(topic)}</td><td>{n}</td><td>{k}</td></tr>")
        out.append("</table>")
    out.append("<h2>各项目</h2>")
    for ap in result.projects:
        p, d = ap.context.project, ap.context.document
        out.append(f"<h3>{escape(d.file)} · {escape(p.title or p.name)}</h3>"
                   f"<p>预算 {p.budget_wan if p.budget_wan is not None else '—'} 万元 · "
                   f"评级 <span class=\"grade\">{ap.grade}</span>（{ap.score:g} 分）</p>")
        project_level = [f for f in ap.findings if f.line is None]
        if project_level:
            out.append("<ul class=\"f\">" + "".join(_finding_li(f) for f in project_level) + "</ul>")
        by_line: dict[int, list[Finding]] = defaultdict(list)
        for f in ap.findings:
            if f.line is not None:
                by_line[f.line].append(f)
        out.append("<table><tr>" + "".join(f"<th>{h}</th>" for _, h, _ in _COLS) + "<th>审核意见</th></tr>")
        for ind in p.indicators:
            fs = by_line.get(ind.line, [])
            worst: dict[str, Severity] = {}
            for f in fs:
                for cell in f.cells:
                    if cell not in worst or SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst[cell]]:
                        worst[cell] = f.severity
            tds = "".join(
                f"<td class=\"{worst[key].value}\">{escape(getattr(ind, attr))}</td>" if key in worst
                else f"<td>{escape(getattr(ind, attr))}</td>"
                for key, _, attr in _COLS
            )
            notes = "<ul class=\"f\">" + "".join(_finding_li(f) for f in fs) + "</ul>" if fs else ""
            out.append(f"<tr>{tds}<td>{notes}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)

