"""Specs for the label and script side of nlp.normalize: printed tier/sub-tier labels in every
form the catalogue lists (scores, numbering, spacing, traditional script with pinyin, OCR
anagrams, 值/目标 for 指标, fused tier+sub), and the value forms of dates, OCR ≥, masks and
compound units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.normalize import (
    SUB_PARENT,
    canonical_sub,
    canonical_tier,
    excel_serial_date,
    fold_script,
    is_score_only,
    label_key,
    parse_time,
    parse_value,
    read_label,
    strip_pinyin,
    to_simplified,
)
from nlp.records import Value

INDICATORS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "indicators.jsonl"


# ---------------------------------------------------------------- script


def test_strip_pinyin_drops_toned_glosses_only() -> None:
    assert strip_pinyin("經(jīng)費使用(yòng)率") == "經費使用率"
    assert strip_pinyin("維護(hù)長度(km)") == "維護長度(km)"
    assert strip_pinyin("年初目标值(A)") == "年初目标值(A)"
    assert strip_pinyin("綠(lǜ)化") == "綠化"


def test_fold_script_reads_a_mirror_label() -> None:
    assert fold_script("質(zhì)量指標(biāo)") == "质量指标"
    assert fold_script("１、數(shù)量指標(biāo)") == "1、数量指标"
    assert to_simplified("plain ascii") == "plain ascii"


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("printed", "tier"),
    [
        ("产出指标(40分)", "产出"),
        ("产出 指标 (50分 )", "产出"),
        ("效益指 标(30 分)", "效益"),
        ("产 出 指 标", "产出"),
        ("產(chǎn)出指標(biāo)", "产出"),
        ("效益指標(biāo)", "效益"),
        ("(一)產(chǎn)出指標(biāo)", "产出"),
        ("2.效益指标。", "效益"),
        ("(3)满意度指标(服务对象满意度指标)", "满意度"),
        ("二、效益指标", "效益"),
        ("3.满意度指标完成情况", "满意度"),
        ("三、产出目标", "产出"),
        ("预期产出指标", "产出"),
        ("效益值", "效益"),
        ("产出数量指标", "产出"),
        ("出产标指", "产出"),
        ("指效标益", "效益"),
        ("标意满度指", "满意度"),
        ("成本指标", "成本"),
        ("效   果(20分)", "效益"),
        ("投   入(20分)", None),
        ("二、管理目标", None),
        ("过程管理指标", None),
        ("实施效果指标", None),
        ("社会效益指标", None),
        ("指标产出完成率", None),
    ],
)
def test_canonical_tier_reads_printed_forms(printed: str, tier: str | None) -> None:
    assert canonical_tier(printed) == tier


@pytest.mark.parametrize(
    ("printed", "sub"),
    [
        ("數(shù)量指標(biāo)", "数量"),
        ("1、數(shù)量指標(biāo)", "数量"),
        ("①时效指标", "时效"),
        ("(一)数量指标", "数量"),
        ("质量指标:", "质量"),
        ("数量指标。", "数量"),
        ("数量值", "数量"),
        ("经济效益值", "经济效益"),
        ("数量指标(或建筑规模指标)", "数量"),
        ("时效指标(工期指标、形象进度指标)", "时效"),
        ("预算(或投资规模)控制指标", "成本"),
        ("经济成本指标", "成本"),
        ("社会成本", "成本"),
        ("生态环境成本指标", "成本"),
        ("2、产出时效指标", "时效"),
        ("项目的社会效益", "社会效益"),
        ("环境效益指标", "生态效益"),
        ("可持续影\n响指标", "可持续影响"),
        ("服务对象\n满意度指标", "服务对象满意度"),
        ("社会公众或服务对象满意度指标", "服务对象满意度"),
        ("社会、经济、生态效益 指标", None),
        ("计划管理指标", None),
        ("产出指标", None),
    ],
)
def test_canonical_sub_reads_printed_forms(printed: str, sub: str | None) -> None:
    assert canonical_sub(printed) == sub


def test_read_label_tells_labels_from_names() -> None:
    assert read_label("(50分)").score_only and read_label("(50分)").is_tier
    assert read_label("投   入(20分)") == read_label("过   程") and read_label("过   程").tier is None
    wrapper = read_label("实施效果指标")
    assert wrapper.is_tier and wrapper.wrapper
    fused = read_label("1、产出成本指标")
    assert (fused.is_tier, fused.is_sub, fused.tier, fused.sub) == (True, True, "产出", "成本")
    assert read_label("资金管理指标").is_sub and read_label("资金管理指标").sub is None
    cost = read_label("成本指标")
    assert cost.is_tier and cost.is_sub  # a 一级 in libraries, a 二级 of 产出 elsewhere
    for not_label in ("一级指标", "三级指标", "指标名称", "巡查次数", "受益群众满意度", "社会公众满意度",
                      "年度指标值", "指标1:巡查次数", "项目完成率", "指标解释", ""):
        assert read_label(not_label) is None, not_label


def test_score_only() -> None:
    assert is_score_only("(50分)") and is_score_only("( 30 分 )") and is_score_only("（10分）")
    assert not is_score_only("产出指标(50分)") and not is_score_only("50")


_TIER_LABELS = ["产出指标", "效益指标", "满意度指标", "成本指标", "效果指标"]
_NUMBERING = ["", "1.", "1、", "(1)", "（一）", "一、", "①", "第一、"]
_SCORES = ["", "(50分)", "(10 分)", "（30分）", "(50分 )"]


@given(
    st.sampled_from(_TIER_LABELS),
    st.sampled_from(_NUMBERING),
    st.sampled_from(_SCORES),
    st.booleans(),
    st.sampled_from(["", "。", ":", "："]),
)
def test_decorated_tier_labels_keep_their_tier(label: str, num: str, score: str, spaced: bool, end: str) -> None:
    printed = num + (" ".join(label) if spaced else label) + score + end
    assert canonical_tier(printed) == canonical_tier(label)
    assert read_label(printed).is_tier


@given(st.sampled_from(["产出指标", "效益指标", "满意度指标"]), st.randoms(use_true_random=False))
def test_any_permutation_of_a_tier_label_is_that_tier(label: str, rnd) -> None:
    chars = list(label)
    rnd.shuffle(chars)
    assert canonical_tier("".join(chars)) == canonical_tier(label)


@given(st.sampled_from(sorted(SUB_PARENT)), st.sampled_from(["指标", "值", "目标", ""]), st.sampled_from(_NUMBERING))
def test_fused_tier_and_sub_reads_both(sub: str, suffix: str, num: str) -> None:
    tier = SUB_PARENT[sub]
    if sub.startswith(tier) or tier == "满意度":
        return  # 满意度服务对象满意度 is not a printed form
    printed = f"{num}{tier}{sub}{suffix}"
    assert canonical_sub(printed) == sub
    assert canonical_tier(printed) == tier


@given(st.text(alphabet="产出效益满意度指标值数量质量时效成本社会经济生态可持续影响的率完成人次1.、()分 ", max_size=12))
def test_label_functions_never_raise_and_are_stable(text: str) -> None:
    assert label_key(label_key(text)) == label_key(label_key(label_key(text)))
    tier = canonical_tier(text)
    assert tier is None or tier in {"产出", "效益", "满意度", "成本"}
    label = read_label(text)
    assert label is None or label.is_tier or label.is_sub


@pytest.mark.skipif(not INDICATORS.exists(), reason="the shared corpus of real rows is not beside this checkout")
def test_no_real_indicator_name_reads_as_a_label_and_printed_labels_map_as_filed() -> None:
    rows = [json.loads(line) for line in INDICATORS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [r["name"] for r in rows if read_label(r["name"]) is not None] == []
    # every printed tier that the real rows file with a canonical tier and that does not need its
    # context (a lost label, a wrapper, a central 业务指标) maps to it
    context = {"实施效果指标", "业务指标"}
    for r in rows:
        raw = r["tier_raw"]
        if raw and raw not in context and not is_score_only(raw):
            assert canonical_tier(raw) == r["tier"], raw


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("二95%", Value("≥", 95.0, "%", None)),
        ("295%", Value("≥", 95.0, "%", None)),
        ("2100%", Value("≥", 100.0, "%", None)),
        ("200%", Value(None, 200.0, "%", None)),  # 00 is no percentage: a real 200%
        ("95%", Value(None, 95.0, "%", None)),
        ("≧90%", Value("≥", 90.0, "%", None)),
        ("≦1.4万元/座", Value("≤", 1.4, "万元/座", None)),
        ("大于等于 120 户", Value("≥", 120.0, "户", None)),
        ("小于3%", Value("<", 3.0, "%", None)),
        ("不少于600例", Value("≥", 600.0, "例", None)),
        ("1900 人/元/月", Value(None, 1900.0, "人/元/月", None)),
        ("200元/人/月", Value(None, 200.0, "元/人/月", None)),
        ("1200元/生/年", Value(None, 1200.0, "元/生/年", None)),
        ("≤9**000元", Value("≤", None, None, "9**000元")),
        ("****", Value(None, None, None, "****")),
        ("2025年10月前完工", Value("≤", None, None, "2025年10月前完工")),
        ("2024年12月31日", Value(None, None, None, "2024年12月31日")),
        ("2023年底之前", Value("≤", None, None, "2023年底之前")),
        ("4月底前", Value("≤", None, None, "4月底前")),
        ("2025年9月30日前", Value("≤", None, None, "2025年9月30日前")),
        ("30日内", Value("≤", 30.0, "日", None)),
        ("10个工作日内", Value("≤", 10.0, "个工作日", None)),
        ("12个月", Value(None, 12.0, "个月", None)),
        ("≥3年", Value("≥", 3.0, "年", None)),
        ("年底前", Value(None, None, None, "年底前")),
    ],
)
def test_parse_value_reads_ocr_words_masks_dates_and_compound_units(printed: str, expected: Value) -> None:
    assert parse_value(printed) == expected


def test_excel_serial_dates_only_where_the_caller_says_date() -> None:
    assert excel_serial_date("45,657") == "2024-12-31"
    assert excel_serial_date("46022") == "2025-12-31"
    assert excel_serial_date("1500") is None and excel_serial_date("99999") is None
    assert parse_value("45,657", date_column=True) == Value(None, None, None, "2024-12-31")
    assert parse_value("45,657") == Value(None, 45657.0, None, None)
    assert parse_value("95%", date_column=True) == Value(None, 95.0, "%", None)


@given(
    st.integers(min_value=1990, max_value=2040),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.sampled_from(["", "日"]),
    st.sampled_from(["", "前", "之前", "以前", "前完成", "底前"]),
    st.sampled_from(["", "≤"]),
)
def test_any_date_or_deadline_is_a_time_value_never_a_number(
    year: int, month: int, day: int, day_mark: str, tail: str, op: str
) -> None:
    if tail == "底前":
        printed = f"{year}年{month}月底前"
    elif day_mark:
        printed = f"{year}年{month}月{day}日{tail}"
    else:
        printed = f"{year}年{month}月{tail}"
    v = parse_value(op + printed)
    assert v.num is None and v.unit is None and v.text == printed
    t = parse_time(printed)
    assert (t.year, t.month) == (year, month)
    assert t.deadline == (tail != "")
    assert v.op == ("≤" if tail or op else None)


@given(
    st.integers(min_value=1, max_value=99999),
    st.sampled_from(["元", "万元", "人", "次", "平米", "户", "km"]),
    st.lists(st.sampled_from(["元", "人", "月", "次", "年", "生", "平米", "座", "户"]), min_size=1, max_size=2),
)
def test_compound_units_are_kept_whole(num: int, first: str, parts: list[str]) -> None:
    unit = "/".join([first, *parts])
    v = parse_value(f"{num}{unit}")
    assert v == Value(None, float(num), unit, None)


@given(st.integers(min_value=0, max_value=100), st.sampled_from(["二", "≥", "≧", ">=", "不低于"]))
def test_every_spelling_of_at_least_reads_as_ge(num: int, op: str) -> None:
    assert parse_value(f"{op}{num}%") == Value("≥", float(num), "%", None)


@given(st.integers(min_value=10, max_value=100))
def test_ocr_two_before_a_percentage_reads_as_ge(num: int) -> None:
    assert parse_value(f"2{num}%") == Value("≥", float(num), "%", None)
    assert parse_value(f"2{num % 10}%").op is None  # 20%..29% are ordinary percentages


def test_label_word_keeps_everything_but_numbering_weight_and_one_label_suffix():
    from nlp.normalize import OTHER_SUBS, OTHER_TIERS, label_word

    assert label_word("(一)產(chǎn)出指標(biāo)(50分)") == "产出"
    assert label_word("1.产出指标完成情况") == "产出指标完成情况"
    assert label_word("预期产出指标") == "预期产出"
    assert label_word("过程管理指标") in OTHER_TIERS and label_word("项目管理指标") in OTHER_SUBS
    assert read_label("项目管理指标").is_sub and not read_label("项目管理指标").is_tier
