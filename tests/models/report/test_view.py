"""The reviewers' view of an audit: evidence in words, parser doubts marked, the report's contents and chart."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from models.audit import audit_documents, load_settings
from models.report import to_csv, to_html
from models.report.view import evidence_in_words, grade_explanation, report_view
from tests.models.audit.helpers import document, project, row
from tests.models.audit.test_rules import SANMIAN

DEFAULT = load_settings("default")


def test_evidence_reads_as_words():
    text = evidence_in_words((("name", "受助学生数"), ("similarity", 0.93), ("basis", ""), ("count", 3),
                              ("evidence", "wording"), ("flag", True)))
    assert text == "三级指标「受助学生数」；相似度 0.93；确定依据（空）；数量 3；判断依据 用语属于其他项目；flag 是"
    assert "=" not in text


def test_grade_explanation_states_the_rule():
    text = grade_explanation(DEFAULT.grade)
    assert text.startswith("得分 = 100 分减去各问题的扣分") and "优 ≥ 90 分" in text and "评级最高为中" in text


def _garbled_result():
    rows = list(SANMIAN)
    i = next(k for k, r in enumerate(rows) if r.name == "学生抽样调查满意度")
    rows[i] = replace(rows[i], uncertain=("tier_raw",))
    return audit_documents([document("004_test.txt", [project("三免资金", rows, budget=2.56)])], DEFAULT), rows[i]


def test_findings_on_doubtful_cells_are_marked_as_parser_doubts():
    result, garbled = _garbled_result()
    view = report_view(result)
    [p] = view.projects
    r = next(r for r in p.rows if r.line == garbled.line)
    assert r.uncertain == ("一级指标",)
    assert [c.uncertain for c in r.cells] == [True, False, False, False, False, False]
    r05 = next(f for f in r.findings if f.rule == "R05")
    assert r05.uncertain_parse and r05.severity_zh == "错误"
    clean = next(r for r in p.rows if r.line != garbled.line and r.findings)
    assert not any(f.uncertain_parse for f in clean.findings)
    rows = list(csv.DictReader(io.StringIO(to_csv(result).lstrip("\ufeff"))))
    assert next(x for x in rows if x["规则"] == "R05")["解析存疑"] == "是：一级指标"
    assert all(x["解析存疑"] == "" for x in rows if x["行"] and int(x["行"]) != garbled.line)


def test_html_report_has_contents_chart_and_doubts():
    result, _ = _garbled_result()
    html = to_html(result)
    assert '<h2 id="contents">目录</h2>' in html and '<svg class="chart"' in html
    assert "解析存疑" in html and "问题可能来自版面解析而非申报单位" in html
    assert "测试县人力资源和社会保障局" in html and "项目编号 004_test:" in html
    assert "<script" not in html and "http" not in html and "<link" not in html
