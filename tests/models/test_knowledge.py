"""The reviewer's cues as features (docs/classification.md)."""

from __future__ import annotations

from models.features import IndicatorText
from models.knowledge import KnowledgeFeatures, core_name, cost_kind, knowledge_tokens, name_head, value_kind


def test_the_core_name_drops_enumerations_and_bracketed_notes() -> None:
    assert core_name("指标1:租车次数(次)") == "租车次数"
    assert core_name("任务2：特殊人群健康管理率") == "特殊人群健康管理率"
    assert core_name("(1)工程质量达标率(%)") == "工程质量达标率"
    assert core_name("(目标)") == "(目标)"  # nothing but a note: kept rather than emptied


def test_the_head_of_the_name_names_the_measure() -> None:
    heads = {n: name_head(n) for n in ("受益农户数", "验收合格率", "项目完成时间", "人均培训成本", "群众满意度",
                                        "农业产值", "长效管理机制", "基本公共服务水平", "补助资金发放及时率")}
    assert heads == {"受益农户数": "count", "验收合格率": "rate", "项目完成时间": "time", "人均培训成本": "cost",
                     "群众满意度": "satisfaction", "农业产值": "econ", "长效管理机制": "mechanism",
                     "基本公共服务水平": "level", "补助资金发放及时率": "timely"}


def test_the_value_shape() -> None:
    kinds = [value_kind(v) for v in ("≥95%", "≥300人", "≤5万元", "2021年9月", "12月底前", "≤20工作日", "是", "有所提高",
                                     "按计划实施", "6475", "")]
    assert kinds == ["percent", "count", "money", "date", "date", "duration", "graded", "change", "text", "bare", "empty"]


def test_cues_and_their_pairs_with_the_value_are_tokens() -> None:
    t = set(knowledge_tokens(IndicatorText("带动农户增收", "项目带动周边农户增加收入", "≥2000元")))
    assert {"cue=change", "cue=beneficiary", "cue=econ", "value=money", "value=money&cue=beneficiary",
            "desc_cue=econ"} <= t
    assert "cue=none" in knowledge_tokens(IndicatorText("施工材料"))


def test_features_are_a_fixed_vocabulary_with_unit_rows() -> None:
    X = [IndicatorText("受益农户数", None, "≥120户"), IndicatorText("验收合格率", None, "100%")]
    f = KnowledgeFeatures().fit(X)
    m = f.transform(X + [IndicatorText("完全不同的名称")])
    assert m.shape == (3, len(f.vocabulary_))
    norms = (m.multiply(m)).sum(axis=1).A.ravel()
    assert abs(norms[0] - 1) < 1e-6 and abs(norms[1] - 1) < 1e-6  # rows scaled to unit length
    assert set(f.get_feature_names_out()) == set(f.vocabulary_)


def test_the_kind_of_a_cost() -> None:
    assert cost_kind(IndicatorText("人均培训成本")) == "经济成本"
    assert cost_kind(IndicatorText("施工扬尘污染治理成本")) == "生态环境成本"
    assert cost_kind(IndicatorText("征地拆迁安置成本")) == "社会成本"
