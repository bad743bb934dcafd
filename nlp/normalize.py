"""Pure normalisation functions: cell text, tier / sub-tier names and indicator values.

Nothing here touches files or global state; every function is idempotent on its
own output (see ``tests/nlp/test_normalize.py``).
"""

from __future__ import annotations

import re
import unicodedata

from nlp.records import Value

__all__ = [
    "TIERS",
    "SUB_TIERS",
    "SUB_PARENT",
    "clean_cell",
    "canonical_tier",
    "canonical_sub",
    "parse_value",
    "to_halfwidth",
]

#: canonical 一级 names (without the 指标 suffix)
TIERS: tuple[str, ...] = ("产出", "效益", "满意度", "成本")

#: canonical 二级 names, docs/domain.md §3.2 (without the 指标 suffix)
SUB_TIERS: tuple[str, ...] = (
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "服务对象满意度",
)

#: the tier each canonical sub-tier belongs to (成本 under 产出, the 河北 convention)
SUB_PARENT: dict[str, str] = {
    "数量": "产出",
    "质量": "产出",
    "时效": "产出",
    "成本": "产出",
    "经济效益": "效益",
    "社会效益": "效益",
    "生态效益": "效益",
    "可持续影响": "效益",
    "服务对象满意度": "满意度",
}

_TIER_SYNONYMS: dict[str, str] = {
    "产出": "产出",
    "产出目标": "产出",
    "效益": "效益",
    "效果": "效益",
    "效益目标": "效益",
    "效果目标": "效益",
    "满意度": "满意度",
    "服务对象满意度": "满意度",
    "社会公众或服务对象满意度": "满意度",
    "满意度目标": "满意度",
    "成本": "成本",
}

_SUB_SYNONYMS: dict[str, str] = {
    "数量": "数量",
    "产出数量": "数量",
    "质量": "质量",
    "产出质量": "质量",
    "时效": "时效",
    "进度": "时效",
    "产出进度": "时效",
    "产出时效": "时效",
    "成本": "成本",
    "产出成本": "成本",
    "经济成本": "成本",
    "社会成本": "成本",
    "生态环境成本": "成本",
    "经济效益": "经济效益",
    "社会效益": "社会效益",
    "生态效益": "生态效益",
    "环境效益": "生态效益",
    "生态环境效益": "生态效益",
    "可持续影响": "可持续影响",
    "可持续发展": "可持续影响",
    "服务对象满意度": "服务对象满意度",
    "满意度": "服务对象满意度",
    "社会公众满意度": "服务对象满意度",
    "受益对象满意度": "服务对象满意度",
    "社会公众或服务对象满意度": "服务对象满意度",
}

_WS = re.compile(r"\s+")


#: full-width forms that are ordinary Chinese punctuation and stay as printed
_CJK_PUNCT = frozenset("，；：！？（）")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII variants (Ｂ, ＞, ％, １) to their half-width forms; Chinese punctuation (，：（）…) kept."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in _CJK_PUNCT:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def clean_cell(text: str) -> str:
    """Trim a cell and fold internal runs of white space (tabs, NBSP, ideographic space) to one space.

    Chinese text wrapped over lines is joined by the caller *before* this, without a
    separator; here only the white space already inside the cell is folded.
    """
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    return _WS.sub(" ", text).strip()


def _key(raw: str) -> str:
    key = _WS.sub("", to_halfwidth(raw))
    key = key.strip("：:、.。")
    if key.endswith("指标"):
        key = key[: -len("指标")]
    return key


def canonical_tier(raw: str) -> str | None:
    """Canonical 一级 name (产出 / 效益 / 满意度 / 成本) for a printed one, or None.

    >>> canonical_tier("效果指标")
    '效益'
    """
    return _TIER_SYNONYMS.get(_key(raw))


def canonical_sub(raw: str) -> str | None:
    """Canonical 二级 name for a printed one, or None.

    >>> canonical_sub("进度指标"), canonical_sub("环境效益")
    ('时效', '生态效益')
    """
    key = _key(raw)
    if key in _SUB_SYNONYMS:
        return _SUB_SYNONYMS[key]
    if "满意" in key:  # GH-pmkpi: any 二级 containing 满意度 maps to 服务对象满意度
        return "服务对象满意度"
    return None


# ---------------------------------------------------------------- values

_LATEX = [
    (re.compile(r"\\geqslant|\\geq|\\ge(?![a-z])"), "≥"),
    (re.compile(r"\\leqslant|\\leq|\\le(?![a-z])"), "≤"),
    (re.compile(r"\\gt(?![a-z])"), ">"),
    (re.compile(r"\\lt(?![a-z])"), "<"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times"), "×"),
    (re.compile(r"\\mathrm\{([^}]*)\}|\\text\{([^}]*)\}"), r"\1\2"),
    (re.compile(r"\$"), ""),
]

_OP_SYMBOLS = [
    (">=", "≥"),
    ("=>", "≥"),
    ("≧", "≥"),
    ("<=", "≤"),
    ("=<", "≤"),
    ("≦", "≤"),
]

_PREFIX_WORDS = [
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("大于等于", "≥"),
    ("大于或等于", "≥"),
    ("达到", "≥"),
    ("至少", "≥"),
    ("不超过", "≤"),
    ("不高于", "≤"),
    ("不多于", "≤"),
    ("小于等于", "≤"),
    ("小于或等于", "≤"),
    ("控制在", "≤"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("等于", "="),
]

_SUFFIX_WORDS = [
    ("及以上", "≥"),
    ("以上", "≥"),
    ("以内", "≤"),
    ("及以下", "≤"),
    ("以下", "≤"),
]

_UNIT_MAP = {
    "百分比": "%",
    "百分之": "%",
    "％": "%",
    "万": "万元",
    "元/人": "元/人",
}

#: units recognised after a number, longest first
_UNITS = sorted(
    [
        "百分比", "%", "‰", "万元", "亿元", "千元", "元", "万",
        "人次", "万人", "人", "户", "次", "场", "期", "项", "件", "台", "套", "辆", "册",
        "份", "篇", "所", "处", "座", "亩", "平方米", "㎡", "公里", "千米", "米", "吨",
        "立方米", "课时", "学时", "个工作日", "工作日", "个月", "小时", "天", "日", "周",
        "月底", "月份", "月", "年底", "年", "家", "个", "名", "批", "条", "张", "本", "部",
        "步", "分", "单", "班", "校", "类", "季度", "盏", "间", "栋", "株", "棵", "头", "只",
    ],
    key=len,
    reverse=True,
)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_VALUE_RE = re.compile(
    rf"^(?P<op>[≥≤><=])?\s*(?P<num>{_NUM})\s*(?P<unit>(?:{_UNIT_ALT})(?:/(?:{_UNIT_ALT}))?)?\s*(?P<rest>.*)$"
)


def _normalise_value_text(value: str) -> str:
    text = to_halfwidth(unicodedata.normalize("NFC", value))
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    for a, b in _OP_SYMBOLS:
        text = text.replace(a, b)
    return clean_cell(text)


def parse_value(value: str) -> Value:
    """Split a printed 指标值 into operator, number, unit and qualitative text.

    Operators come from symbols (≥ ＞＝ >= ≤ < …), LaTeX leftovers (``$\\geq 4\\%$``)
    or words (不低于 → ≥, 不超过 → ≤, 以上 → ≥, 以内 → ≤). The unit 百分比 is
    canonicalised to ``%`` and a bare 万 after a number to 万元. A value with
    no number is kept whole as ``text``.

    >>> parse_value("≥90百分比")
    Value(op='≥', num=90.0, unit='%', text=None)
    >>> parse_value("有效保障")
    Value(op=None, num=None, unit=None, text='有效保障')
    """
    text = _normalise_value_text(value)
    if not text:
        return Value()
    op: str | None = None
    for word, sym in _PREFIX_WORDS:
        if text.startswith(word):
            op, text = sym, text[len(word):].lstrip()
            break
    for word, sym in _SUFFIX_WORDS:
        if text.endswith(word) and re.search(r"\d", text):
            op = op or sym
            text = text[: -len(word)].rstrip()
            break
    m = _VALUE_RE.match(text)
    if not m:
        return Value(op=op, text=text or None)
    op = m.group("op") or op
    num = float(m.group("num").replace(",", ""))
    unit = m.group("unit")
    if unit is not None:
        unit = _UNIT_MAP.get(unit, unit)
    rest = m.group("rest").strip() or None
    return Value(op=op, num=num, unit=unit, text=rest)
