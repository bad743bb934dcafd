"""The audit over the bundled disclosures as parsed: done-when cases of issue 5 that need a whole document."""

from __future__ import annotations

import pytest

from models.audit import AuditResult, Severity, audit_documents, load_settings
from nlp.parse import parse_text
from tests.conftest import SAMPLE_FILES


@pytest.fixture(scope="module")
def audited() -> AuditResult:
    docs = [parse_text(p.read_text(encoding="utf-8"), file=p.name) for p in SAMPLE_FILES.values()]
    return audit_documents(docs, load_settings("default"))


def findings(result: AuditResult, doc: str, rule: str, seq: int | None = None):
    return [f for f in result.findings
            if f.doc and f.doc.startswith(doc) and f.rule == rule and (seq is None or f.project_seq == seq)]


def test_all_four_pension_rows_of_the_village_agent_project_are_flagged(audited: AuditResult):
    # samples/003 table 33: 村级代办员补助资金 filled with the pension programme's indicators
    found = findings(audited, "003", "R21", seq=33)
    assert [(f.line, f.indicator) for f in found] == [
        (3625, "60周岁以上领取基础养老金人数"), (3632, "养老保险待遇足额发放率"),
        (3646, "基本养老保险费"), (3653, "基础养老金不低于全省平均水平"),
    ]
    assert all(f.severity == Severity.WARNING for f in found)


def test_cost_indicator_equal_to_the_budget_is_info(audited: AuditResult):
    # samples/001 table 3: 项目总预算 ≤12.63 万元 with a budget of 12.63万元
    found = [f for f in findings(audited, "001", "R19", seq=3)]
    assert [(f.line, f.severity, f.evidence_dict()["budget_wan"]) for f in found] == [(719, Severity.INFO, 12.63)]


def test_target_figures_no_indicator_carries_in_sample_001(audited: AuditResult):
    # the 普惠金融 / 贴息 tables promise loans and jobs (「全年发放个人创业担保贷款 46 笔」) that no indicator counts;
    # the other tables' promises (95%, 6场, 400件, 96%, 700 人) are all carried by an indicator
    found = findings(audited, "001", "R22")
    assert sorted((f.project_seq, f.severity) for f in found) == [(s, Severity.INFO) for s in (13, 14, 17, 19, 20)]


def test_streams_of_one_programme_do_not_lend_their_rows_to_each_other(audited: AuditResult):
    # samples/001 tables 14 and 20 (普惠金融 money for 贴息) carry the 贴息 rows of table 13 (the county's 贴息 money):
    # one programme, so neither R21 (belongs elsewhere) nor a copied-table R23 is reported for them
    assert findings(audited, "001", "R21", seq=14) == findings(audited, "001", "R21", seq=20) == []
    assert [f for f in findings(audited, "001", "R23", seq=13) if f.line is None] == []
