"""Specs for copy-paste detection (models.dupes, models.minhash)."""

from __future__ import annotations

import random

import numpy as np

from models.dupes import (
    DupeRow,
    Scope,
    exact_pairs_cdist,
    find_clusters,
    find_pairs,
    match_text,
    pair_recall,
)
from models.minhash import lsh_candidate_pairs, minhash_signatures


def row(doc: str, pid: str, pname: str, name: str, desc: str, value: str, *, year: int = 2021, line: int = 1,
        dept: str = "甲县人社局", sub: str | None = "数量", tier: str | None = "产出", ptext: str | None = None) -> DupeRow:
    return DupeRow(doc=doc, department=dept, year=year, project_id=pid, project_name=pname,
                   project_text=ptext if ptext is not None else pname, line=line, tier=tier, sub=sub,
                   name=name, desc=desc, value=value)


# rows cut from samples/003 (昌黎县 2021): project 26 pays basic pensions; project 33 subsidises village agents
PENSION_PROJECT = "提前下达2021年城乡居民基本养老保险中央财政补助资金"
AGENT_PROJECT = "提前下达2021年省级财政城乡居民养老、就业公共服务村级代办员补助资金"
PENSION_TEXT = PENSION_PROJECT + " 60周岁以上领取基础养老金人员按月足额发放基础养老金"
AGENT_TEXT = AGENT_PROJECT + " 城乡居民养老、就业公共服务村级代办员补助资金 确保基层经办工作顺利开展"


def test_identical_row_in_two_projects_forms_one_cluster_with_first_seen() -> None:
    rows = [
        row("003.txt", "003:26", PENSION_PROJECT, "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数",
            "≥108000人", line=2856, ptext=PENSION_TEXT),
        row("003.txt", "003:33", AGENT_PROJECT, "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数",
            "≥108000人", line=3627, ptext=AGENT_TEXT),
        row("003.txt", "003:1", "事业单位工作人员年度考核奖励资金", "考核人数", "按计划应参加年终考核人数", "≥13000人", line=143),
    ]
    [cluster] = find_clusters(rows, scope=Scope.DOCUMENT)
    assert cluster.kind == "copied"
    assert cluster.similarity == 100.0
    assert cluster.n_projects == 2
    assert cluster.first_seen.line == 2856


def test_copied_row_that_does_not_fit_the_village_agent_project_is_marked() -> None:
    rows = [
        row("003.txt", "003:26", PENSION_PROJECT, "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数",
            "≥108000人", line=2856, ptext=PENSION_TEXT),
        row("003.txt", "003:33", AGENT_PROJECT, "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数",
            "≥108000人", line=3627, ptext=AGENT_TEXT),
    ]
    [cluster] = find_clusters(rows)
    fits = {m.row.project_id: m.fits_project for m in cluster.members}
    assert fits == {"003:26": True, "003:33": False}
    assert cluster.n_misfit == 1


def test_satisfaction_row_every_project_needs_is_shared_wording_not_a_copy() -> None:
    sat = dict(name="受服务群体满意度（%）", desc="服务群体调查中，满意和较满意的人数占调查人数的比率", value="≥90百分比",
               sub="服务对象满意度", tier="满意度")
    rows = [row("003.txt", f"003:{i}", f"项目{i}", line=i * 100, **sat) for i in range(1, 6)]
    [cluster] = find_clusters(rows)
    assert cluster.kind == "shared-wording"
    assert cluster.n_misfit == 0
    assert cluster.n_projects == 5


def test_near_duplicate_with_a_changed_number_joins_the_cluster() -> None:
    rows = [
        row("a.txt", "a:1", "P1", "养老保险扩面征缴人数", "养老保险扩面征缴人数", "≥1200人"),
        row("a.txt", "a:2", "P2", "养老保险扩面征缴人数", "养老保险扩面征缴人数", "≥1300人"),
    ]
    [cluster] = find_clusters(rows, threshold=90)
    assert cluster.similarity < 100
    assert find_clusters(rows, threshold=99) == []


def test_rows_of_one_project_only_are_not_a_cross_project_cluster() -> None:
    rows = [row("a.txt", "a:1", "P1", "考核人数", "考核人数", "≥10人", line=n) for n in (1, 2)]
    assert find_clusters(rows) == []


def test_scope_document_keeps_documents_apart_and_scope_all_joins_them() -> None:
    rows = [
        row("a.txt", "a:1", "P1", "参保宣传次数", "全年参保宣传次数", "≥3次", year=2021),
        row("b.txt", "b:1", "P1", "参保宣传次数", "全年参保宣传次数", "≥3次", year=2024, dept="乙县人社局"),
    ]
    assert find_clusters(rows, scope=Scope.DOCUMENT) == []
    assert find_clusters(rows, scope=Scope.YEAR) == []
    [c] = find_clusters(rows, scope=Scope.ALL)
    assert (c.n_documents, c.n_departments, c.first_seen.doc) == (2, 2, "a.txt")


def test_match_text_ignores_white_space_and_width() -> None:
    assert match_text("结案率 (%)", "办结案件", "≥９６％") == match_text("结案率(%)", "办结 案件", "≥96%")


def test_minhash_signatures_are_deterministic_and_equal_for_equal_texts() -> None:
    texts = ["城乡居民参保覆盖率≥95%", "城乡居民参保覆盖率≥95%", "受益人员满意度"]
    a, b = minhash_signatures(texts), minhash_signatures(texts)
    assert np.array_equal(a, b)
    assert np.array_equal(a[0], a[1]) and not np.array_equal(a[0], a[2])


def test_lsh_candidates_never_pair_a_row_with_itself_and_are_sorted_unique() -> None:
    texts = ["参保宣传次数≥3次"] * 30 + ["生存认证宣传次数2次"] * 3
    pairs = lsh_candidate_pairs(minhash_signatures(texts), max_bucket=10)
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)


def test_lsh_method_recalls_the_exact_all_pairs_on_perturbed_rows() -> None:
    rng = random.Random(7)
    base = ["城乡居民养老保险参保覆盖率|已参保人数占应参保人数的比率|≥95%", "劳动保障监察案件结案率|办结案件占受理案件的比例|≥96%",
            "创业担保贷款发放数额|当年发放创业担保贷款数额|≥100万元", "受益人员满意度|受益人员满意度|≥85%"]
    texts = []
    for _ in range(300):
        t = list(rng.choice(base))
        for _ in range(rng.randint(0, 3)):
            t[rng.randrange(len(t))] = rng.choice("一二三四五六七八九十")
        texts.append("".join(t))
    exact = exact_pairs_cdist(texts, threshold=90)
    found = find_pairs(texts, threshold=90)
    assert found <= exact  # every pair reported is a true pair (verified by fuzz.ratio)
    assert pair_recall(found, exact) >= 0.95


def test_a_row_its_own_project_partly_supports_still_fits_even_if_another_fits_better() -> None:
    """Rows cut from samples/001: the rights-protection row is about pensions in both projects."""
    name, desc = "保障参保人合法权益，维护社会稳定", "反映财政资金保障城乡居民养老保险参保人合法权益，维护社会稳定程度。"
    rows = [
        row("001.txt", "001:1", "城乡居民养老保险经费", name, desc, "有效保障", line=672,
            ptext="城乡居民养老保险经费 资金用于城乡居民养老保险政策宣传及参保扩面、生存认证等工作"),
        row("001.txt", "001:26", "城乡居民基本养老保险补助经费", name, desc, "有效保障", line=1302,
            ptext="城乡居民基本养老保险补助经费 保障参保人合法权益，维护社会稳定 确保基础养老金按时足额发放"),
    ]
    [cluster] = find_clusters(rows)
    assert all(m.fits_project for m in cluster.members)
