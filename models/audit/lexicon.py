"""Word lists and small text tests the audit rules share (docs/domain.md §2–3).

Pure functions over strings and :class:`nlp.records.Value`; no state.
"""

from __future__ import annotations

import re

from nlp.normalize import to_halfwidth
from nlp.records import Indicator, Value

__all__ = [
    "is_satisfaction",
    "is_rate",
    "is_count_name",
    "polarity",
    "unit_class",
    "money_in_wan",
    "is_vague",
    "is_graded",
    "is_long_term",
    "basis_type",
    "basis_has_evidence",
    "norm_text",
    "unit_in_name",
]

_SATISFACTION = re.compile(r"满意|认可度|好评")
_RATE = re.compile(r"率|比例|比率|占比|百分比|覆盖面")
# a count: the name ends in a counting noun (受助学生数, 培训人次, 举办场次, 购置数量)
_COUNT_NAME = re.compile(r"(人数|人次|次数|场次|户数|个数|件数|家数|册数|份数|数量|总数|名额|[^率比]数)(（[^）]*）|\([^)]*\))?$")
_NEGATIVE = re.compile(
    r"成本|费用|时长|时限|天数|用时|投诉|差错|错误|事故|故障|违规|违纪|能耗|排放|结余|失业率|辍学|拖欠|逾期|代偿率|不良|误差|返贫|流失|案件发生"
)
_NEGATIVE_EXEMPT = re.compile(r"节约|节省|控制率|降低|下降|减少|处理|处置|办结|结案|查处|解决|追回|清欠|化解")
_POSITIVE = re.compile(
    r"满意|合格率|达标率|覆盖率|完成率|及时率|就业率|知晓率|通过率|准确率|完好率|出勤率|优良率|发放率|参保率|到位率|"
    r"执行率|办结率|结案率|受理率|使用率|利用率|人数|人次|数量|次数|场次|户数"
)

_COUNT_UNITS = frozenset(
    "人 人次 万人 户 次 场 期 项 件 台 套 辆 册 份 篇 所 处 座 家 个 名 批 条 张 本 部 班 校 类 盏 间 栋 株 棵 头 只 单 课时 学时".split()
)
_MONEY_UNITS = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "亿元": 10000.0}
_TIME_UNITS = frozenset("天 日 个工作日 工作日 小时 月 个月 年 周 月底 年底 季度 月份".split())
_MEASURE_UNITS = frozenset("亩 平方米 ㎡ 公里 千米 米 吨 立方米".split())

_VAGUE = re.compile(
    r"有效|显著|明显|进一步|不断|逐步|稳步|持续|大幅|较大|良好|提升|提高|改善|促进|保障|加强|推动|确保|长期|基本|积极|稳定|顺利|节约|降低|实现"
)
_GRADED = re.compile(
    r"^(好|较好|一般|较差|差|优|良|中|优秀|优良|合格|不合格|达到|基本达到|未达到|达标|是|否|有|无|完成|已完成|按时完成|按期完成|符合(要求|标准|规定)?|"
    r"及时|按时|全部|全覆盖|无重大(事故|差错|问题)|零(差错|事故|投诉))$"
)
# values that are graded statements or dates even if longer (「符合××标准」, 「年底前完成」, 「12月底前」)
_GRADED_LOOSE = re.compile(r"符合.{0,12}(标准|规定|要求|规范)|合格|达标|[0-9一二三四五六七八九十]+月(底|末)?前?|年底前|年内|按时|按期|及时|足额|到位|全部")
_LONG_TERM = re.compile(r"长期|永久|长效|持续")

_BASIS_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("计划标准", re.compile(r"计划|规划|方案|任务|预算|定额|工作职责|职责|文件|通知|实施意见|办法")),
    ("行业标准", re.compile(r"行业|国家标准|国标|规范|GB|DB")),
    ("历史标准", re.compile(r"历史|上年|往年|以前年度|前三年|近三年|去年|经验")),
    ("预算支出标准", re.compile(r"预算支出标准|支出标准|补助标准|补贴标准|收费标准|标准")),
    ("其他标准", re.compile(r"其他标准|问卷|调查|测算|统计")),
)
_BASIS_EVIDENCE = re.compile(
    r"〔\d{4}〕|\[\d{4}\]|【\d{4}】|（\d{4}）|\(\d{4}\)|\d+号|GB|DB|[冀国人财]\w{0,6}[发规函字]|《|\d{4}年.*\d|\d+(\.\d+)?(%|百分比|人|元|万元|次|户|个)"
)
_UNIT_IN_NAME = re.compile(r"[（(]\s*(%|％|百分比|元|万元|人|人次|户|个|次|天|年|月|小时|件|份)\s*[)）]")
_PUNCT = re.compile(r"[\s，,。.、；;：:（）()“”\"'‘’《》【】\[\]%％-]")


def norm_text(text: str) -> str:
    """Text for equality tests: half-width, without spaces, punctuation or a trailing unit in brackets."""
    return _PUNCT.sub("", to_halfwidth(text))


def is_satisfaction(name: str) -> bool:
    """True for a satisfaction indicator (满意度 / 满意率 / 认可度)."""
    return bool(_SATISFACTION.search(name))


def is_rate(ind: Indicator) -> bool:
    """True when the value is a rate: a percent on a name or description that describes a ratio."""
    if ind.parsed.unit not in ("%", "‰") and not unit_in_name(ind.name) == "%":
        return False
    return bool(_RATE.search(ind.name) or _SATISFACTION.search(ind.name) or _RATE.search(ind.desc))


def is_count_name(name: str) -> bool:
    """True when the name reads as a number of things (受助学生数, 培训人次), not as a rate."""
    if "率" in name or "比例" in name or "占比" in name:
        return False
    return bool(_COUNT_NAME.search(name.strip()))


def polarity(name: str) -> int:
    """+1 when more is better, -1 when less is better, 0 when the name does not say."""
    if _NEGATIVE.search(name) and not _NEGATIVE_EXEMPT.search(name):
        return -1
    if _POSITIVE.search(name) or "率" in name:  # a rate is more-is-better unless the lexicon says otherwise
        return 1
    return 0


def unit_in_name(name: str) -> str | None:
    """A unit printed in brackets after the name (「满意度（%）」), canonicalised, or None."""
    m = _UNIT_IN_NAME.search(to_halfwidth(name))
    if not m:
        return None
    unit = m.group(1)
    return "%" if unit in ("%", "％", "百分比") else unit


def unit_class(unit: str | None) -> str | None:
    """'percent', 'money', 'money_rate' (元/人), 'count', 'time', 'measure', 'other' or None."""
    if unit is None:
        return None
    if unit in ("%", "‰"):
        return "percent"
    parts = unit.split("/")
    head = parts[0]
    if head in _MONEY_UNITS:
        return "money_rate" if "/" in unit else "money"
    if any(p in _MONEY_UNITS for p in parts[1:]):
        return "money_rate"  # printed the wrong way round: 「2200 人/元/月」
    if head in _COUNT_UNITS:
        return "count"
    if head in _TIME_UNITS:
        return "time"
    if head in _MEASURE_UNITS:
        return "measure"
    return "other"


def money_in_wan(value: Value) -> float | None:
    """A total money amount in 万元 (None for non-money values and per-unit amounts like 元/人)."""
    if value.num is None or value.unit is None or "/" in value.unit:
        return None
    factor = _MONEY_UNITS.get(value.unit)
    return None if factor is None else value.num * factor


def is_vague(value: str) -> bool:
    """True when a value without any digit is a slogan (有效保障, 显著提升, 长期…) rather than a measure."""
    return not re.search(r"\d", value) and bool(_VAGUE.search(value))


def is_graded(value: str) -> bool:
    """True for a qualitative value an evaluator can score (优/良/中/差, 达到/未达到, 是/否, 「符合××标准」, a date)."""
    text = norm_text(value)
    return bool(_GRADED.match(text) or _GRADED_LOOSE.search(text))


def is_long_term(value: str) -> bool:
    """True for 「长期」-type values with no horizon (no digit)."""
    return not re.search(r"\d", value) and bool(_LONG_TERM.search(value))


def basis_type(basis: str) -> str | None:
    """Which standard type (计划/行业/历史/预算支出/其他标准) a 指标值确定依据 names, if any."""
    text = to_halfwidth(basis)
    for name, pattern in _BASIS_TYPES:
        if pattern.search(text):
            return name
    return None


def basis_has_evidence(basis: str) -> bool:
    """True when the basis cites something checkable: a 文号, a standard code, a document title or a figure."""
    return bool(_BASIS_EVIDENCE.search(re.sub(r"\s+", "", to_halfwidth(basis))))  # 「冀财社 2020 年（67）号文」
