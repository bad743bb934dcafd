"""Specs for nlp.normalize: tier synonyms, cell cleaning and value parsing."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nlp.normalize import (
    SUB_PARENT,
    SUB_TIERS,
    canonical_sub,
    canonical_tier,
    clean_cell,
    parse_value,
    to_halfwidth,
)
from nlp.records import Value


@pytest.mark.parametrize(
    ("raw", "tier"),
    [
        ("产出指标", "产出"),
        ("产出", "产出"),
        ("效果指标", "效益"),
        ("效益指标", "效益"),
        ("效果", "效益"),
        ("满意度指标", "满意度"),
        ("满意度指\n标".replace("\n", ""), "满意度"),
        (" 满意度指标 ", "满意度"),
        ("成本指标", "成本"),
        ("决策指标", None),
        ("", None),
    ],
)
def test_canonical_tier_maps_printed_variants(raw: str, tier: str | None) -> None:
    assert canonical_tier(raw) == tier


@pytest.mark.parametrize(
    ("raw", "sub"),
    [
        ("数量指标", "数量"),
        ("进度指标", "时效"),
        ("进度", "时效"),
        ("环境效益指标", "生态效益"),
        ("环境效益", "生态效益"),
        ("生态效益指标", "生态效益"),
        ("可持续影响指标", "可持续影响"),
        ("服务对象满意度指标", "服务对象满意度"),
        ("受益对象满意度", "服务对象满意度"),
        ("社会公众满意度指标", "服务对象满意度"),
        ("产出数量", "数量"),
        ("投入指标", None),
    ],
)
def test_canonical_sub_maps_printed_variants(raw: str, sub: str | None) -> None:
    assert canonical_sub(raw) == sub


def test_every_canonical_sub_tier_has_a_parent_and_maps_to_itself() -> None:
    for sub in SUB_TIERS:
        assert canonical_sub(sub) == sub
        assert canonical_sub(sub + "指标") == sub
        assert SUB_PARENT[sub] in {"产出", "效益", "满意度"}


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("≥95%", Value("≥", 95.0, "%", None)),
        ("≥90百分比", Value("≥", 90.0, "%", None)),
        ("100百分比", Value(None, 100.0, "%", None)),
        ("＞＝98％", Value("≥", 98.0, "%", None)),
        (">=4%", Value("≥", 4.0, "%", None)),
        ("$\\geq 4\\%$", Value("≥", 4.0, "%", None)),
        ("$\\leq 31$ 天", Value("≤", 31.0, "天", None)),
        ("≤31 天", Value("≤", 31.0, "天", None)),
        ("=24.4 万", Value("=", 24.4, "万元", None)),
        ("≤12.63 万元", Value("≤", 12.63, "万元", None)),
        ("不低于90%", Value("≥", 90.0, "%", None)),
        ("不超过5天", Value("≤", 5.0, "天", None)),
        ("95%以上", Value("≥", 95.0, "%", None)),
        ("10个工作日以内", Value("≤", 10.0, "个工作日", None)),
        ("≥95优", Value("≥", 95.0, None, "优")),
        ("<70差", Value("<", 70.0, None, "差")),
        ("≤11月底", Value("≤", None, None, "11月底")),
        ("≥10000 次", Value("≥", 10000.0, "次", None)),
        ("1,200人", Value(None, 1200.0, "人", None)),
        ("有效保障", Value(None, None, None, "有效保障")),
        ("长期", Value(None, None, None, "长期")),
        ("", Value()),
    ],
)
def test_parse_value_splits_operator_number_unit_and_text(printed: str, expected: Value) -> None:
    assert parse_value(printed) == expected


def test_clean_cell_folds_inner_white_space_and_trims() -> None:
    assert clean_cell("  其中：财政    资金 ") == "其中：财政 资金"
    assert clean_cell("受益人员\u3000满意度\u00a0") == "受益人员 满意度"


def test_to_halfwidth_folds_fullwidth_ascii_only() -> None:
    assert to_halfwidth("＞＝９５％，") == ">=95%，"


@given(st.text())
def test_clean_cell_is_idempotent(text: str) -> None:
    assert clean_cell(clean_cell(text)) == clean_cell(text)


@given(st.text())
def test_to_halfwidth_is_idempotent_and_length_preserving(text: str) -> None:
    once = to_halfwidth(text)
    assert to_halfwidth(once) == once
    assert len(once) == len(text)


@given(st.text())
def test_parse_value_never_raises_and_number_is_non_negative(text: str) -> None:
    v = parse_value(text)
    assert v.op in {None, "≥", ">", "=", "≤", "<"}
    assert v.num is None or v.num >= 0


@given(
    st.sampled_from(["≥", "≤", ">", "<", "=", ""]),
    st.integers(min_value=0, max_value=10**7),
    st.sampled_from(["%", "人", "次", "万元", "天", ""]),
)
def test_parse_value_reads_back_any_well_formed_value(op: str, num: int, unit: str) -> None:
    digits = str(num)
    # 2 in front of a percentage of at most 100 is the OCR reading of ≥ (295% = ≥95%)
    assume(not (not op and unit == "%" and num > 100 and digits[0] == "2" and digits[1] not in "0"
                and int(digits[1:]) <= 100))
    v = parse_value(f"{op}{num}{unit}")
    assert v == Value(op or None, float(num), unit or None, None)


@given(st.text(alphabet="≥≤<>=0123456789.%百分比万元人次天 有效保障长期", max_size=20))
def test_parse_value_is_stable_under_cleaning(text: str) -> None:
    assert parse_value(text) == parse_value(clean_cell(text))
