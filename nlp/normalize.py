"""Pure normalisation functions: cell text, tier / sub-tier labels and indicator values.

Nothing here touches files or global state; every function is idempotent on its
own output (see ``tests/nlp/test_normalize.py``). Callers keep every string as
printed: these functions give the *key* by which a label or value is classified
and searched.

Script: pinyin glosses that some mirror sites insert after characters
(``產(chǎn)出``) are dropped, then traditional characters are mapped to simplified
ones with OpenCC's ``t2s`` dictionaries (phrase-aware: 乾淨 → 干净 while 乾隆
stays) — see :func:`fold_script`.

Labels: :func:`label_key` strips what printed tier/sub-tier labels carry around
the vocabulary word (numbering ``1.`` ``(一)`` ``①``, scores ``(50分)``,
letter spacing, parentheticals, trailing ``。``/``:``, the suffixes 指标 / 目标 /
值 / 完成情况); :func:`canonical_tier` / :func:`canonical_sub` map the key to the
canonical vocabulary; :func:`read_label` tells whether a cell is a label at all.

Values: :func:`parse_value` splits a printed target into operator, number,
unit and remaining text (see its docstring for the forms it reads).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.records import Value

__all__ = [
    "TIERS",
    "SUB_TIERS",
    "SUB_PARENT",
    "Label",
    "TimeValue",
    "UNIT_PATTERN",
    "canonical_sub",
    "canonical_tier",
    "clean_cell",
    "excel_serial_date",
    "fold_script",
    "fold_script_map",
    "is_score_only",
    "label_key",
    "parse_time",
    "parse_value",
    "read_label",
    "strip_pinyin",
    "to_halfwidth",
    "to_simplified",
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

#: the tier each canonical sub-tier belongs to (成本 under 产出, the 河北 convention;
#: where 成本 is printed as a 一级 of its own the printed tier wins)
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
    "效益": "效益",
    "效果": "效益",
    "满意度": "满意度",
    "服务对象满意度": "满意度",
    "社会公众或服务对象满意度": "满意度",
    "成本": "成本",
}

#: printed 一级 labels outside the canonical set (old 投入/过程 frameworks, management
#: blocks of 部门整体 tables, the NDRC 过程管理 block): labels, but with no canonical tier
#: (label keys, see :func:`label_key`)
OTHER_TIERS = frozenset(
    {"投入", "过程", "管理", "过程管理", "决策", "业务", "项目预算管理", "预算执行", "履职效能", "职责履行", "履职效益"}
)

#: printed 二级 labels outside the canonical set: management items (资金下达, 项目管理指标) and the
#: combined 社会、经济、生态效益 (label keys)
OTHER_SUBS = frozenset(
    {"计划管理", "资金管理", "项目管理", "监督检查", "资金投入", "资金下达", "资金使用", "资金执行", "预算编审管理",
     "社会、经济、生态效益", "社会经济生态效益", "社会、经济生态效益", "社会经济、生态效益"}
)

#: one-level wrappers whose real tier is printed in the 二级 column
WRAPPER_TIERS = frozenset({"实施效果"})

_SUB_SYNONYMS: dict[str, str] = {
    "数量": "数量",
    "质量": "质量",
    "时效": "时效",
    "进度": "时效",
    "成本": "成本",
    "经济成本": "成本",
    "社会成本": "成本",
    "生态环境成本": "成本",
    "生态成本": "成本",
    "环境成本": "成本",
    "预算控制": "成本",
    "投资规模控制": "成本",
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

#: labels whose characters OCR of a vertical cell may return in any order (出标产指)
_ANAGRAM_TIERS: dict[str, str] = {
    "产出指标": "产出",
    "效益指标": "效益",
    "效果指标": "效益",
    "满意度指标": "满意度",
    "成本指标": "成本",
}

_WS = re.compile(r"\s+")


#: full-width forms that are ordinary Chinese punctuation and stay as printed
_CJK_PUNCT = frozenset("，；：！？（）")


#: full-width ASCII variants → half-width, ideographic space → space; Chinese punctuation kept
_HALFWIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in _CJK_PUNCT}
_HALFWIDTH[0x3000] = " "


def to_halfwidth(text: str) -> str:
    """Full-width ASCII variants (Ｂ, ＞, ％, １) to their half-width forms; Chinese punctuation (，：（）…) kept."""
    return text.translate(_HALFWIDTH)


def clean_cell(text: str) -> str:
    """Trim a cell and fold internal runs of white space (tabs, NBSP, ideographic space) to one space.

    Chinese text wrapped over lines is joined by the caller *before* this, without a
    separator; here only the white space already inside the cell is folded.
    """
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    return _WS.sub(" ", text).strip()


# ---------------------------------------------------------------- script

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
#: a pinyin syllable in brackets right after a Han character: at least one tone
#: mark (or ü) so that units and codes in brackets (``(km)``, ``(A)``) never match
_PINYIN_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（](?=[a-z{_TONED}ü]*[{_TONED}ü])[a-z{_TONED}ü]{{1,7}}[)）]"
)


def strip_pinyin(text: str) -> str:
    """Drop pinyin glosses inserted after characters: ``產(chǎn)出指標(biāo)`` → ``產出指標``.

    Only a bracketed run of lower-case Latin letters with a tone mark (or ü) that
    follows a Han character is a gloss; ``长度(km)`` and ``(A)`` stay.
    """
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN_GLOSS.sub("", text)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified ones (OpenCC ``t2s``); ASCII-only text is returned as is."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def fold_script(text: str) -> str:
    """The key form of any printed text: full-width ASCII folded, pinyin glosses dropped, simplified script.

    >>> fold_script("（一）產(chǎn)出指標(biāo)")
    '（一）产出指标'
    """
    return to_simplified(strip_pinyin(to_halfwidth(text)))


def fold_script_map(text: str) -> tuple[str, list[int]]:
    """:func:`fold_script` and, for each position of the result (and its end), the position in ``text``.

    Lets a reader match vocabulary on the folded text and cut the printed text:
    ``text[offsets[i]:offsets[j]]`` is what ``folded[i:j]`` was printed as.
    """
    half = to_halfwidth(text)
    keep: list[int] = []
    last = 0
    for m in _PINYIN_GLOSS.finditer(half) if ("(" in half or "（" in half) else ():
        keep.extend(range(last, m.start()))
        last = m.end()
    keep.extend(range(last, len(half)))
    stripped = "".join(half[i] for i in keep)
    simple = to_simplified(stripped)
    if len(simple) != len(stripped):  # a phrase conversion changed the length: convert per character
        simple = "".join(to_simplified(ch) for ch in stripped)
    return simple, [*keep, len(text)]


# ---------------------------------------------------------------- labels

_NUMERAL = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:[(（]\s*(?:\d{{1,2}}|[{_NUMERAL}]{{1,3}})\s*[)）]"
    rf"|\d{{1,2}}\s*[.、．]"
    rf"|[{_NUMERAL}]{{1,3}}\s*[、.．]"
    rf"|[\u2460-\u2473\u2776-\u277f]"
    rf"|第[{_NUMERAL}]{{1,3}}\s*[、,，:：.]?)"
)
_PARENS = re.compile(r"[(（][^()（）]*[)）]")
_OPEN_PAREN_TAIL = re.compile(r"[(（][^()（）]*$")
_SCORE_TAIL = re.compile(r"\d+(?:\.\d+)?分$")
_SCORE_ONLY = re.compile(r"^[(（]?\s*\d+(?:\.\d+)?\s*分\s*[)）]?$")
_EDGE_PUNCT = ":：、.。;；,，!！-—_ "
_LABEL_PREFIXES = ("预期", "项目的", "年度")
_LABEL_SUFFIXES = ("完成情况", "指标", "目标", "值")


def is_score_only(text: str) -> bool:
    """A cell that holds nothing but a weight, ``(50分)`` / ``50分`` (a tier label whose text was lost)."""
    return bool(_SCORE_ONLY.match(_WS.sub("", to_halfwidth(text))))


_SCORE_NOTE = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")


def label_core(raw: str, *, edges: bool = True) -> str:
    """A printed label folded (script, white space) without its numbering and weight
    (``(一)產(chǎn)出指標(biāo)(50分)`` → ``产出指标``); other bracketed notes are kept, and the
    punctuation at its edges unless ``edges`` is false."""
    key = _SCORE_NOTE.sub("", _WS.sub("", fold_script(raw)))
    for _ in range(2):
        m = _NUMBERING.match(key)
        if not m or m.end() == len(key):
            break
        key = key[m.end():]
    return key.strip(_EDGE_PUNCT) if edges else key


def label_word(raw: str) -> str:
    """:func:`label_core` without one trailing 指标 / 目标 / 值: the word a label is printed
    with (``产出指标(50分)`` → ``产出``, ``1.产出指标完成情况`` → ``产出指标完成情况``). Unlike
    :func:`label_key` it keeps prefixes, notes and 完成情况, so it says whether a cell is
    nothing but the label."""
    core = label_core(raw)
    for suffix in ("指标", "目标", "值"):
        if core.endswith(suffix) and len(core) > len(suffix):
            return core[: -len(suffix)]
    return core


def label_text(raw: str) -> str:
    """A printed label folded, without numbering, weight and bracketed notes
    (``数量指标(或建筑规模指标)`` → ``数量指标``); the suffix 指标 is kept (see :func:`label_key`)."""
    return _strip_decorations(raw)


def _strip_decorations(raw: str) -> str:
    """Script folded, white space, numbering, scores and parentheticals removed; edges trimmed."""
    key = _WS.sub("", fold_script(raw))
    for _ in range(2):
        m = _NUMBERING.match(key)
        if not m or m.end() == len(key):
            break
        key = key[m.end():]
    prev = None
    while prev != key:
        prev = key
        key = _PARENS.sub("", key)
    key = _OPEN_PAREN_TAIL.sub("", key)
    key = _SCORE_TAIL.sub("", key)
    return key.strip(_EDGE_PUNCT)


@functools.lru_cache(maxsize=8192)
def label_key(raw: str) -> str:
    """The vocabulary word of a printed tier/sub-tier label.

    >>> label_key("(一)產(chǎn)出指標(biāo)(50分)"), label_key("产 出 指 标"), label_key("数量值")
    ('产出', '产出', '数量')
    """
    key = _strip_decorations(raw)
    for prefix in _LABEL_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    for _ in range(2):
        for suffix in _LABEL_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
        else:
            break
    return key.strip(_EDGE_PUNCT)


def _anagram_tier(raw: str) -> str | None:
    """The tier of a label whose characters came out of OCR in another order (``出标产指``).

    Only a text made of the label's characters counts: exactly them for a
    4-character label; for 满意度指标 one may be lost and two strays added
    (``意指斥满度打``) as long as 满意度 is not printed in order (then it is text).
    """
    compact = _strip_decorations(raw)
    if not compact or not all("\u4e00" <= ch <= "\u9fff" for ch in compact):
        return None
    have = Counter(compact)
    for label, tier in _ANAGRAM_TIERS.items():
        missing = sum((Counter(label) - have).values())
        extra = len(compact) - len(label) + missing
        if missing == 0 and extra == 0:
            return tier
        if len(label) >= 5 and missing <= 1 and extra <= 2 and label[:-2] not in compact:
            # a longer label read from a vertical cell may lose one character and gain two strays
            return tier
    return None


def _fused(key: str) -> tuple[str, str] | None:
    """A tier word fused with a sub-tier word (产出数量 → (产出, 数量))."""
    for tier in ("产出", "效益", "满意度", "成本"):
        if key.startswith(tier) and len(key) > len(tier):
            sub = _SUB_SYNONYMS.get(key[len(tier):])
            if sub is not None and (SUB_PARENT[sub] == tier or tier == "成本" == sub):
                return tier, sub
    return None


@functools.lru_cache(maxsize=8192)
def canonical_tier(raw: str) -> str | None:
    """Canonical 一级 name (产出 / 效益 / 满意度 / 成本) for a printed one, or None.

    Reads scores, numbering, letter spacing, traditional script with pinyin,
    ``值`` / ``目标`` for 指标, labels fused with their sub-tier (产出数量指标) and
    OCR anagrams (出标产指). Labels outside the set (投入, 过程, 管理) and the
    wrapper 实施效果 give None.

    >>> canonical_tier("效果指标"), canonical_tier("产出指标(50分)"), canonical_tier("标益效指")
    ('效益', '产出', '效益')
    """
    key = label_key(raw)
    if key in _TIER_SYNONYMS:
        return _TIER_SYNONYMS[key]
    fused = _fused(key)
    if fused is not None:
        return fused[0]
    return _anagram_tier(raw)


@functools.lru_cache(maxsize=8192)
def canonical_sub(raw: str) -> str | None:
    """Canonical 二级 name for a printed one, or None.

    >>> canonical_sub("进度指标"), canonical_sub("环境效益"), canonical_sub("1、產(chǎn)出數(shù)量指標(biāo)")
    ('时效', '生态效益', '数量')
    """
    key = label_key(raw)
    if key in _SUB_SYNONYMS:
        return _SUB_SYNONYMS[key]
    fused = _fused(key)
    if fused is not None:
        return fused[1]
    if "满意" in key and len(key) <= 16:  # any 二级 naming a satisfaction is 服务对象满意度
        return "服务对象满意度"
    return None


def is_tier_word(raw: str) -> bool:
    """A printed label that is nothing but one of the tier words (产出指标, 效果, 满意度指标), as
    printed in the 二级 column under a wrapper or as a satisfaction 二级."""
    return label_word(raw) in _TIER_SYNONYMS


@dataclass(frozen=True)
class Label:
    """What a cell is as a tier/sub-tier label (see :func:`read_label`).

    ``is_tier``: printed as a 一级 (canonical or not, including the wrapper);
    ``is_sub``: printed as a 二级 (canonical or not). A fused label (产出数量指标)
    is both. ``tier``/``sub``: canonical names or None. ``wrapper``: a 一级 whose
    real tier is in the 二级 (实施效果指标). ``score_only``: only ``(50分)`` survived.
    """

    is_tier: bool
    is_sub: bool
    tier: str | None = None
    sub: str | None = None
    wrapper: bool = False
    score_only: bool = False


_HEADER_KEYS = re.compile(r"^(?:[一二三]级|绩效|年度绩效|分解|三级指标|指标)$|名称|内容|解释|说明|描述|依据|性质|方向|单位")
#: a printed 二级 outside the vocabulary still reads as a label when it ends in 指标 and is short
_GENERIC_SUB = re.compile(r"^[\u4e00-\u9fff、或]{2,12}指标$")


@functools.lru_cache(maxsize=8192)
def read_label(text: str) -> Label | None:
    """Whether a cell is a tier or sub-tier label, and which; None for anything else.

    >>> read_label("投   入(20分)")
    Label(is_tier=True, is_sub=False, tier=None, sub=None, wrapper=False, score_only=False)
    >>> read_label("产出数量指标").tier, read_label("产出数量指标").sub
    ('产出', '数量')
    >>> read_label("巡查次数") is None
    True
    """
    if not text or not text.strip():
        return None
    if is_score_only(text):
        return Label(is_tier=True, is_sub=False, score_only=True)
    key = label_key(text)
    if not key or _HEADER_KEYS.search(key):
        return None
    if key in WRAPPER_TIERS:
        return Label(is_tier=True, is_sub=False, wrapper=True)
    if key in OTHER_TIERS:
        return Label(is_tier=True, is_sub=False)
    if key in OTHER_SUBS:
        return Label(is_tier=False, is_sub=True)
    fused = _fused(key)
    if fused is not None:
        return Label(is_tier=True, is_sub=True, tier=fused[0], sub=fused[1])
    if key in _TIER_SYNONYMS:
        tier = _TIER_SYNONYMS[key]
        sub = _SUB_SYNONYMS.get(key)
        return Label(is_tier=True, is_sub=sub is not None, tier=tier, sub=sub)
    if key in _SUB_SYNONYMS:
        if "满意" in key and key not in _TIER_SYNONYMS and not _strip_decorations(text).endswith("指标"):
            return None  # 社会公众满意度 without 指标 is an indicator name as often as a 二级
        return Label(is_tier=False, is_sub=True, sub=_SUB_SYNONYMS[key])
    tier = _anagram_tier(text)
    if tier is not None:
        return Label(is_tier=True, is_sub=False, tier=tier)
    if _GENERIC_SUB.match(_strip_decorations(text)):
        # a 二级 printed with its 指标 suffix; names that merely mention 满意度 are not labels
        return Label(is_tier=False, is_sub=True, sub=canonical_sub(text))
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
    ("⩾", "≥"),
    ("<=", "≤"),
    ("=<", "≤"),
    ("≦", "≤"),
    ("⩽", "≤"),
]

_PREFIX_WORDS = [
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("大于等于", "≥"),
    ("大于或等于", "≥"),
    ("高于等于", "≥"),
    ("达到", "≥"),
    ("至少", "≥"),
    ("不超过", "≤"),
    ("不高于", "≤"),
    ("不多于", "≤"),
    ("不大于", "≤"),
    ("小于等于", "≤"),
    ("小于或等于", "≤"),
    ("低于等于", "≤"),
    ("控制在", "≤"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("等于", "="),
]

_SUFFIX_WORDS = [
    ("及以上", "≥"),
    ("以上", "≥"),
    ("之内", "≤"),
    ("以内", "≤"),
    ("及以下", "≤"),
    ("以下", "≤"),
]

_UNIT_MAP = {
    "百分比": "%",
    "百分之": "%",
    "％": "%",
    "万": "万元",
}

#: units recognised after a number, longest first
_UNITS = sorted(
    [
        "百分比", "%", "‰", "万元", "亿元", "千元", "元", "万",
        "万人次", "人次", "万人", "人", "户", "次", "场", "期", "项", "件", "台", "套", "辆", "册",
        "份", "篇", "所", "处", "座", "亩", "万亩", "公顷", "平方米", "平米", "㎡", "平方公里",
        "公里", "千米", "米", "万吨", "吨", "公斤", "千克", "立方米", "方",
        "课时", "学时", "个工作日", "工作日", "个月", "小时", "分钟", "天", "日", "周",
        "月底", "月份", "月", "年底", "年", "家", "个", "名", "批", "条", "张", "本", "部",
        "步", "分", "单", "班", "校", "类", "季度", "盏", "间", "栋", "株", "棵", "头", "只",
        "例", "宗", "块", "根", "眼", "门", "节", "趟", "架次", "辆次", "床", "村", "镇",
        "km", "KM", "TB", "GB", "MB", "kg", "kW", "kWh", "MW",
    ],
    key=len,
    reverse=True,
)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
#: a unit, possibly compound (元/人/月, 元/生/年, 人/次): a known unit, then ``/`` parts
_UNIT_RE = rf"(?:{_UNIT_ALT})(?:/(?:{_UNIT_ALT}|[\u4e00-\u9fff]{{1,2}}|[A-Za-z]{{1,3}}))*"
#: the regex of a printed unit (for readers that find values inside running text)
UNIT_PATTERN = _UNIT_RE
_VALUE_RE = re.compile(rf"^(?P<op>[≥≤><=])?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT_RE})?\s*(?P<rest>.*)$")
_LEAD_OP = re.compile(r"^[≥≤><=]")
#: ``≥`` read by OCR as ``二`` in front of a number
_OCR_GE_WORD = re.compile(r"^二\s*(?=\d)")
#: a duration followed by 内 (30日内, 10个工作日内): within
_WITHIN = re.compile(r"(?<=\d)\s*(个工作日|工作日|个月|小时|天|日|周|月|年)内$")
#: a value that may start with a date (parse_time is only tried on these)
_DATE_HINT = re.compile(r"[年月]|\d[-./]\d+[-./]\d")
#: digits masked by a repost site (9**000元, ****)
_MASKED = re.compile(r"\d\s*\*|\*\s*\d|^\*{2,}$|^[*\s]+$")


def _normalise_value_text(value: str) -> str:
    text = to_halfwidth(unicodedata.normalize("NFC", value))
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    for a, b in _OP_SYMBOLS:
        text = text.replace(a, b)
    return clean_cell(text)


# -- time values

@dataclass(frozen=True)
class TimeValue:
    """A calendar date or deadline read from a value: parts that were printed, and whether it is a deadline (…前)."""

    year: int | None
    month: int | None
    day: int | None
    deadline: bool

    def iso(self) -> str:
        """``2025``, ``2025-10``, ``2025-10-31`` or ``--10`` (month without a year)."""
        if self.year is None:
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out


_YEAR = r"(?:19|20)\d\d"
_DATE_ISO = re.compile(rf"^(?P<y>{_YEAR})[-./](?P<m>1[0-2]|0?[1-9])(?:[-./](?P<d>3[01]|[12]\d|0?[1-9]))?(?P<tail>.*)$")
_DATE_ZH = re.compile(
    rf"^(?:(?P<y>{_YEAR})\s*年)?\s*(?:(?P<m>1[0-2]|0?[1-9])\s*月)?"
    rf"\s*(?:(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号])?(?P<tail>.*)$"
)
_DEADLINE = re.compile(r"^(?:年?底|末|中旬|上旬|下旬|初|份)?\s*(?:之前|以前|前)")


def parse_time(text: str) -> TimeValue | None:
    """A calendar date or deadline: ``2025年10月前完工``, ``2024年12月31日``, ``4月底前``, ``2023年底之前``, ``2024-12-31``.

    A 4-digit year needs 年 or a date separator after it and a month needs 月, so
    ``12个月``, ``3年`` and plain numbers are not dates. None when the text does not
    start with a date (an operator in front is allowed).

    >>> parse_time("2025年10月前完工")
    TimeValue(year=2025, month=10, day=None, deadline=True)
    """
    text = _LEAD_OP.sub("", _normalise_value_text(text)).strip()
    if not text[:1].isdigit():
        return None
    m = _DATE_ISO.match(text)
    if m is None or m.group("tail")[:1].isdigit():
        m = _DATE_ZH.match(text)
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    tail = m.group("tail").strip()
    if (y is None and mo is None) or (d and not mo) or tail[:1].isdigit() or tail.startswith("/"):
        return None  # more digits, or a rate per month (1月/元)
    return TimeValue(int(y) if y else None, int(mo) if mo else None, int(d) if d else None, bool(_DEADLINE.match(tail)))


#: Excel stores dates as days since 1899-12-30; serials of 1990-01-01 … 2049-12-31 are plausible
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 32874, 54788
_SERIAL_RE = re.compile(r"^\d{2},?\d{3}(?:\.0+)?$")


def excel_serial_date(text: str) -> str | None:
    """An Excel serial date (``45,657`` → ``2024-12-31``) as an ISO date, or None.

    Call it only where the column or the row's shape says the cell is a date:
    45657 is also an ordinary number.
    """
    text = _normalise_value_text(text)
    if not _SERIAL_RE.match(text):
        return None
    serial = int(float(text.replace(",", "")))
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return (_EXCEL_EPOCH + timedelta(days=serial)).isoformat()


def _ocr_percent(num_text: str, unit: str | None) -> float | None:
    """``295%`` is ``≥95%`` read by OCR (``≥`` → ``2``): a percentage above 100 that starts with 2
    and whose remaining digits are a percentage of at most 100 without a leading zero."""
    if unit != "%" or "," in num_text or not num_text.startswith("2"):
        return None
    rest = num_text[1:]
    if not rest or rest[0] in "0." or float(num_text) <= 100:
        return None
    if float(rest) > 100:
        return None
    return float(rest)


def parse_value(value: str, *, date_column: bool = False) -> Value:
    """Split a printed 指标值 into operator, number, unit and qualitative text.

    - operators from symbols (``≥ ≧ >= ≤ ≦ <=`` …), LaTeX leftovers (``$\\geq 4\\%$``)
      and words (不低于 / 大于等于 → ≥, 不超过 → ≤, 小于 → <; suffixes 以上 → ≥, 以内 → ≤);
    - ``≥`` read by OCR as ``二`` (``二95%``) or as ``2`` where the shape makes it
      near-certain (``295%``: a percentage above 100 whose tail is a percentage);
    - units after the number, compound ones kept whole (``元/人/月``); 百分比 → ``%``,
      a bare 万 → 万元;
    - dates and deadlines (``2025年10月前完工``, ``4月底前``, ``2024年12月31日``) are time
      values: no number, the printed date kept as ``text``, op ``≤`` for a deadline
      (see :func:`parse_time`); a duration (``30日内``) keeps its number and unit;
    - masked digits (``9**000元``) are kept verbatim as ``text`` with no number;
    - ``date_column=True`` (the column or row shape says the cell is a date) reads an
      Excel serial (``45,657``) as the ISO date in ``text``.

    A value with no number is kept whole as ``text``.

    >>> parse_value("≥90百分比")
    Value(op='≥', num=90.0, unit='%', text=None)
    >>> parse_value("有效保障")
    Value(op=None, num=None, unit=None, text='有效保障')
    >>> parse_value("2025年10月前完工")
    Value(op='≤', num=None, unit=None, text='2025年10月前完工')
    """
    return _parse_value(value, date_column)


@functools.lru_cache(maxsize=65536)
def _parse_value(value: str, date_column: bool) -> Value:
    """:func:`parse_value` on a cleaned cache key (values repeat across documents)."""
    text = _normalise_value_text(value)
    if not text:
        return Value()
    if date_column:
        iso = excel_serial_date(text)
        if iso is not None:
            return Value(text=iso)
    text = _OCR_GE_WORD.sub("≥", text)
    op: str | None = None
    m_op = _LEAD_OP.match(text)
    if m_op:
        op, text = m_op.group(), text[1:].lstrip()
    for word, sym in _PREFIX_WORDS:
        if text.startswith(word):
            op, text = op or sym, text[len(word):].lstrip()
            break
    if _MASKED.search(text):
        return Value(op=op, text=text)
    time = parse_time(text) if text[:1].isdigit() and _DATE_HINT.search(text) else None
    if time is not None:
        return Value(op=op or ("≤" if time.deadline else None), text=text)
    within = _WITHIN.search(text)
    if within:
        op = op or "≤"
        text = text[: within.start()] + within.group(1)
    for word, sym in _SUFFIX_WORDS:
        if text.endswith(word) and re.search(r"\d", text):
            op = op or sym
            text = text[: -len(word)].rstrip()
            break
    m = _VALUE_RE.match(text)
    if not m:
        return Value(op=op, text=text or None)
    op = m.group("op") or op
    num_text = m.group("num")
    num = float(num_text.replace(",", ""))
    unit = m.group("unit")
    if unit is not None:
        unit = _UNIT_MAP.get(unit, unit)
    if op is None:
        ocr = _ocr_percent(num_text, unit)
        if ocr is not None:
            op, num = "≥", ocr
    rest = m.group("rest").strip() or None
    return Value(op=op, num=num, unit=unit, text=rest)
