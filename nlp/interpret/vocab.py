"""The vocabulary the interpreter reads tables by: header words, tier labels, value shapes.

Everything here looks at one cell's text; nothing knows where the cell came from.
Labels are compared on a *key*: white space removed (letter-spaced labels such as
``产 出 指 标``) after :func:`nlp.normalize.fold_script` (pinyin glosses of mirror sites
dropped, ``指標(biāo)`` → ``指标``, traditional script simplified, full-width forms folded).
Tier and sub-tier labels are classified by :mod:`nlp.normalize`; this module decides
whether a cell *is* a label in its place (a name ending in 满意度 is not).
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp import normalize
from nlp.normalize import canonical_sub, canonical_tier, fold_script

__all__ = [
    "HEADER_ROLES",
    "META_LABELS",
    "key",
    "header_role",
    "tier_label",
    "sub_label",
    "is_label",
    "op_cell",
    "polarity_cell",
    "is_value_like",
    "is_number",
]

_WS = re.compile(r"\s+")


_PARENS = str.maketrans({"\uff08": "(", "\uff09": ")", "\uff1a": ":"})


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The comparison key of a label: :func:`nlp.normalize.fold_script` (half-width, no pinyin
    glosses, simplified script), no white space, full-width brackets and colon as ASCII.

    Cached (bounded): cells repeat across a table (labels, header words, common values).
    """
    return _WS.sub("", fold_script(text)).translate(_PARENS)


# ------------------------------------------------------------------ tier and sub-tier labels


@lru_cache(maxsize=1 << 16)
def tier_label(text: str) -> tuple[bool, str | None]:
    """(is this cell a 一级 label, its canonical tier or None).

    The vocabulary is :mod:`nlp.normalize`'s: canonical tiers, the printed 一级 outside the
    canonical set (:data:`nlp.normalize.OTHER_TIERS`, the wrapper 实施效果) and a weight alone
    (``(50分)``: the label text was lost).
    """
    if not text.strip():
        return False, None
    canon = canonical_tier(text)
    if canon is not None:
        return True, canon
    if not normalize.label_core(text):
        return normalize.is_score_only(text), None  # ``(50分)`` alone: the label text was lost
    word = normalize.label_word(text)
    return word in normalize.OTHER_TIERS or word in normalize.WRAPPER_TIERS, None


#: satisfaction 二级 labels printed without 指标 (other short ``…满意度`` cells are names)
_SATISFACTION_LABELS = frozenset(
    {"满意度", "服务对象满意度", "社会公众或服务对象满意度", "服务对象满意"}
)


@lru_cache(maxsize=1 << 16)
def sub_label(text: str) -> tuple[bool, str | None]:
    """(is this cell a 二级 label, its canonical sub-tier or None)."""
    if not text.strip():
        return False, None
    core = normalize.label_core(text)
    if len(core) > 24 or re.search(r"\d", core):
        return False, None
    bare = normalize.label_text(text)
    canon = canonical_sub(text)
    labelled = bare.endswith(("指标", "目标", "值"))
    if canon is not None and (labelled or len(bare) <= 8):
        if canon == "服务对象满意度" and not labelled and bare not in _SATISFACTION_LABELS:
            return False, None  # 群众满意度, 学员满意度 …: a name, not the label
        return True, canon
    return normalize.label_word(text) in normalize.OTHER_SUBS or normalize.is_tier_word(text), None


@lru_cache(maxsize=1 << 16)
def ambiguous_cost(text: str) -> bool:
    """A label that is both a 一级 and a 二级 (成本指标, 满意度指标, 服务对象满意度指标): its place decides."""
    return tier_label(text)[1] is not None and sub_label(text)[1] is not None


@lru_cache(maxsize=1 << 16)
def is_wrapper(tier_raw: str) -> bool:
    """A printed 一级 outside the canonical set under which the 二级 names the real tier (实施效果指标)."""
    ok, canon = tier_label(tier_raw)
    return ok and canon is None and "效果" in key(tier_raw)


@lru_cache(maxsize=1 << 16)
def tierish(text: str) -> bool:
    """A 一级 label in its bare form (满意度指标, 成本指标(10分)), not a 二级 that names the same tier
    more precisely (服务对象满意度指标)."""
    ok, canon = tier_label(text)
    if not ok or canon is None:
        return False
    return normalize.label_word(text) == canon


def is_label(text: str) -> bool:
    return tier_label(text)[0] or sub_label(text)[0]


# ------------------------------------------------------------------ header words

#: column roles by header word (on the key); the first match wins, so longer words come first
HEADER_ROLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), role)
    for p, role in (
        (r"^(?:一级指标|一级目标|一级|级指标|一级指标名称)$", "tier"),
        (r"^二级(?:指标|目标)?(?:名称)?(?:\(.*\))?$", "sub"),
        (r"^(?:三级指标内容|三级指标名称|三级(?:指标)?(?:\(.*\))?|指标内容|指标名称|目标名称|名称|具体指标|指标项|"
         r"绩效指标名称)$", "name"),
        (r"^(?:指标值确定依据|确定依据)$", "basis"),
        (r"^(?:三级指标简要说明|简要说明|绩效指标描述|指标描述|指标解释|指标说明|评价指标|指标涵义|自评内容|内容)$", "desc"),
        (r"^(?:指标性质|性质|指标方向|方向|指标方向性|计算符号|符号)$", "opdir"),
        (r"^(?:度量单位|计量单位|单位)$", "unit"),
        (r"^(?:实施周期目标值|中期指标值|指标值\(长期\)|中期目标值|长期目标值)$", "value_long"),
        (r"^(?:全年实际完成值|实际完成值|实际完成值\(B\)|全年完成值|目标完成值|实际值|完成值|实际完成情况|"
         r"完成情况|评价指标值|实际完成|记录|(?:全年|年度)?实际(?:完成)?(?:值|数|数值|情况)(?:\(.*\))?)$", "actual"),
        (r"^(?:.*指标值.*|年度数值|.*目标值.*|年初目标值.*|标准值|计划水平|年度目标指标值|(?:年度)?计划值|预期值|"
         r"绩效标准|评价标准)$", "value"),
        (r"^(?:得分|自评得分|指标得分.*|分值|权重.*|指标权重.*|自评分|自评权重|分数|评分)$", "score"),
        (r"^(?:.*原因.*|.*改进措施.*|说明|备注|评分规则|需提供的支撑材料|支撑材料)$", "note"),
        (r"^(?:绩效指标|年度绩效指标|专项年度绩效指标|年度绩效指标完成情况|年度绩效目标\d*.*|绩效项目指标表|"
         r"分解目标|绩|绩效目标|绩效指标完成情况)$", "group"),
        (r"^(?:序号|编号|序|行次|No\.?)$", "index"),
        (r"^(?:项目名称|专项名称|资金名称)$", "project"),
        (r"^(?:单位名称|项目单位|预算单位|部门名称)$", "unit_name"),
        (r"^(?:预算数|预算金额|金额|资金总额|预算数\(万元\)|预算数\(元\))$", "budget"),
        (r"^(?:年度目标|年度绩效目标|绩效目标|总体目标)$", "goal"),
        (r"^(?:项目类别|项目类型|项目属性)$", "kind"),
    )
)


@lru_cache(maxsize=1 << 16)
def header_role(text: str) -> str | None:
    """The column role a header cell names, or None."""
    k = key(text)
    if not k or len(k) > 30:
        return None
    k = re.sub(r"\([A-Za-z]\)$", "", k) if not k.startswith("实际") else k
    for pattern, role in HEADER_ROLES:
        if pattern.match(k):
            return role
    return None


#: project fields of metadata blocks, by label key
META_LABELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), field)
    for p, field in (
        (r"^(?:申报)?(?:项目名称|专项名称|资金名称|转移支付\(项目\)名称|项目\(资金\)名称)[::]?$", "name"),
        (r"^(?:地方)?主管部门(?:及代码|及编码|\(单位\)名称|名称)?[::]?$", "department"),
        (r"^(?:部门名称|预算单位|编报单位(?:\(印章\))?|部门\(单位\)名称|下达地方或单位)[::]?$", "department"),
        (r"^(?:单位名称|项目单位|项目单位\(盖章\))[::]?$", "unit"),
        (r"^(?:实施单位|项目实施单位|资金使用单位|实施单位\(盖章\))[::]?$", "implementer"),
        (r"^(?:项目编码|项目代码)[::]?$", "code"),
        (r"^(?:年度目标|总体目标|年度绩效目标|绩效目标|项目年度目标)[::]?$", "goal"),
        (r"^(?:实施主体|项目主管部门)[::]?$", "owner"),
        (r"^(?:年度资金总额|资金总额|预算数|年度预算安排|本次下达中央预算内投资)(?:\((?:万元|元)\))?[::]?$", "budget"),
    )
)


#: page furniture that ends a table: attachments, sharing and printing links, subject words
FURNITURE = re.compile(
    r"^(?:相关附件|附件下载|附件[::]|主题词|扫一扫|扫码|qrcode|打印|关闭|返回顶部|分享到|责任编辑|上一篇|下一篇|"
    r"相关链接|相关文章|【打印|【关闭|在手机上浏览)"
)


@lru_cache(maxsize=1 << 16)
def meta_label(text: str) -> str | None:
    k = key(normalize.label_core(text, edges=False))
    if len(k) > 24:
        return None
    for pattern, field in META_LABELS:
        if pattern.match(k):
            return field
    return None


# ------------------------------------------------------------------ value shapes

_OPS = re.compile(
    r"^(?:[≥≤><=≧≦]|>=|<=|=>|=<|＞|＜|＝|大于等于|小于等于|等于|大于|小于|不低于|不高于|不少于|不超过|定性|定量|是/否)$"
)
_POLARITY = re.compile(r"^(?:正向|反向|中性)(?:指标)?$")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_VALUE = re.compile(
    r"^(?:[≥≤><=≧≦＞＜＝±]|>=|<=|大于|小于|不低于|不高于|不少于|不超过|不多于|达到|约)?\s*[+-]?\d[\d,.]*\s*\S{0,8}$"
    r"|\d[\d,.]*\s*(?:%|‰|以上|以内|以下)|^(?:[≥≤><=≧≦]|>=|<=)"
)


@lru_cache(maxsize=1 << 16)
def op_cell(text: str) -> bool:
    """A cell holding only an operator: ``≥`` / ``大于等于`` / ``定性`` …"""
    return bool(_OPS.match(key(text)))


@lru_cache(maxsize=1 << 16)
def polarity_cell(text: str) -> bool:
    """A cell holding only a polarity word: 正向 / 反向(指标)."""
    return bool(_POLARITY.match(key(text)))


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


@lru_cache(maxsize=1 << 16)
def is_value_like(text: str) -> bool:
    """A cell that reads as a target value: a number with operator/unit, a date, a percentage."""
    t = text.strip()
    if not t:
        return False
    if _VALUE.search(t):
        return True
    return bool(re.search(r"\d{4}\s*年|\d+\s*月(?:底|份|\d+日)|[≥≤≧≦]", t)) and len(t) <= 20


def parsed_value(text: str):
    """The canonical parse of a printed value (delegates to :func:`nlp.normalize.parse_value`)."""
    return normalize.parse_value(text)
