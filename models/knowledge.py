"""What a reviewer knows about tiers, as features (docs/classification.md): cues, not overrides.

A reviewer sorts an indicator by the *head* of its name (…人数 counts, …率 rates, …时间 dates,
…成本 money, …满意度 satisfaction, …产值/…收入 economic results), by the *shape* of its value
(a percent, a count with its unit, money, a date or deadline, a duration, a graded word, a word of
change, nothing), by *verbs of change* (提升/改善/降低/带动/促进: an effect, not an output) and by
*who benefits* (受益/群众/农户: a consequence for people). Each of these becomes a binary feature
token; the linear model learns how much each one weighs from the training data, so a cue that
does not hold in some sector is outweighed there instead of forcing a label.

:func:`knowledge_tokens` gives the tokens of one indicator; :class:`KnowledgeFeatures` is the
scikit-learn transformer (binary one-hot over the tokens seen in training). Tokens are computed
once per distinct name, value kind and description. :func:`knowledge_vote` reads the same cues
together into the one sub-tier they point at, evidence for the stack of :mod:`models.stacking`.
:func:`cost_kind` names the kind of a cost under a 成本 一级.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from models.features import IndicatorText, fold_text, unit_class
from nlp.normalize import parse_value

__all__ = ["COST_KINDS", "cost_kind", "knowledge_vote", "HEADS", "CUES", "VALUE_KINDS", "core_name", "name_head", "value_kind", "knowledge_tokens", "KnowledgeFeatures"]

#: leading enumerations of a printed name (指标1： 任务2: 1. (1) 1、 ①) and trailing bracketed
#: units or notes ((%) (个) (目标)); they say nothing about what the indicator measures
_LEAD = re.compile(r"^(?:(?:指标|任务|目标)\s*\d+\s*[:：、.]?|\d+\s*[.、．)）]|[(（]\s*\d+\s*[)）]|[①-⑳])\s*")
_TRAIL = re.compile(r"\s*[(（][^()（）]{0,8}[)）]\s*$")


def core_name(name: str) -> str:
    """The name without enumerations in front and bracketed notes at the end, numbers folded to 0.

    >>> core_name("指标1:租车次数(次)"), core_name("工程质量达标率(%)")
    ('租车次数', '工程质量达标率')
    """
    text = fold_text(name.strip())
    for _ in range(2):
        text = _LEAD.sub("", text)
    for _ in range(2):
        stripped = _TRAIL.sub("", text)
        if not stripped:
            break
        text = stripped
    return text.strip()


#: name heads, docs/domain.md §3.3 "typical names": (head class, pattern anchored at the end of the core name)
HEADS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("satisfaction", re.compile(r"满意[度率]?$")),
    ("timely", re.compile(r"(?:及时|按时|按期)[性率]?$|及时[^率]{0,6}率$")),
    ("time", re.compile(r"(?:时间|时限|时长|期限|日期|进度|周期|工期|用时|完成时)$")),
    ("cost", re.compile(r"(?:成本|费用|[^消]费|经费|单价|价格|标准|定额|补助|补贴|资金|投资|租金|金额|[^就]业?金|报酬|薪酬)$")),
    ("econ", re.compile(r"(?:产值|收入|增收|利润|税收|销售额|营业额|总额|产量|效益|经济)$")),
    ("coverage", re.compile(r"(?:覆盖率|知晓率|普及率|参与率|入学率|就业率|治愈率|受益率|参保率|巩固率|使用率|利用率)$")),
    ("rate", re.compile(r"(?:率|比例|比率|占比|比重|指数)$")),
    ("count", re.compile(r"(?:数量|人数|人次|户数|次数|个数|场次|班次|件数|天数|面积|长度|里程|规模|数|量)$")),
    ("mechanism", re.compile(r"(?:机制|制度|体系|长效|健全性|健全|完善)$")),
    ("compliance", re.compile(r"(?:合规性|规范性|准确性|合格|达标|完好|安全性|质量)$")),
    ("level", re.compile(r"(?:水平|能力|意识|素质|素养|作用|影响|氛围|环境|条件|效果|程度|情况|形象|秩序|稳定)$")),
)

#: cues anywhere in the name: (cue, pattern), from docs/domain.md §3.3 and R05/R10/R11/R12
CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("change", re.compile(r"提升|提高|改善|降低|减少|下降|增加|增长|增强|带动|促进|推动|优化|巩固|加强|缓解|解决|减轻|拉动")),
    ("received", re.compile(r"受益|受惠|惠及|获益")),
    ("beneficiary", re.compile(r"受益|群众|农户|农民|居民|村民|学生|患者|病人|残疾人|贫困|困难|脱贫|老年|儿童|妇女|职工|游客|读者|市民|公众|人民|对象|家庭|受助|受训|学员")),
    ("employment", re.compile(r"就业|岗位|创业|务工")),
    ("econ", re.compile(r"经济|增收|收入|产值|节约|节支|节省|税|利润|投资|致富|产业|销售|营收|效益")),
    ("eco", re.compile(r"生态|环境|环保|绿色|节能|减排|排放|污染|绿化|水质|空气|植被|森林|碳|能耗|垃圾|粪污")),
    ("sustain", re.compile(r"可持续|长效|长期|持续|机制|制度|常态|运行维护|管护")),
    ("finance", re.compile(r"执行率|到位率|支付|拨付|结余|结转|合规|预算|资金使用|资金管理|专款专用")),
    ("quality", re.compile(r"合格|达标|验收|准确|优良|完好|正确|规范|质量|标准化|无差错|差错|故障")),
    ("timely", re.compile(r"及时|按时|按期|时限|月底|年底|限期|当年|截至|前完成|当期")),
    ("cost", re.compile(r"成本|费用|经费|单价|人均|生均|补助标准|控制数|控制率|节约率|支出标准")),
    ("satisfaction", re.compile(r"满意")),
    ("social", re.compile(r"社会|公共服务|稳定|安全|健康|教育|文化|就医|出行|生活|民生|公平|均等")),
    ("output", re.compile(r"完成|开展|建设|新建|新增|改造|购置|采购|举办|培训|发放|修缮|维修|资助|支持|建成|实施|编制|印发|配备|安装|聘用|招聘|组织")),
    ("coverage", re.compile(r"覆盖|知晓|普及|参与|入学|治愈|受益")),
)

#: value kinds, see :func:`value_kind`
VALUE_KINDS: tuple[str, ...] = ("percent", "count", "money", "date", "duration", "graded", "change", "text", "bare", "empty")

_DATE = re.compile(r"\d{4}\s*年|\d+\s*月(?:底|份|末|中旬|上旬|下旬|\d+日)?|年底|月底|年内|年末|季度|之前|以前|前完成|截至")
_GRADED = re.compile(r"^(?:好|较好|一般|较差|差|优|良|中|优良|是|否|有|无|合格|达标|健全|完善|有效|良好|显著|及时|按时|全覆盖|达到|基本达到|未达到|高|较高|低|较低|[优良中低差好坏]{2,5})$")
_CHANGE = re.compile(r"提高|提升|改善|增加|增强|增长|降低|减少|下降|持续|明显|显著|有所|逐步|进一步|不断|稳步|促进|优化|巩固|带动")


@lru_cache(maxsize=65536)
def name_head(name: str) -> str:
    """The head class of a name (first matching :data:`HEADS` pattern on its core), or ``other``.

    >>> name_head("受益农户数"), name_head("项目完成及时率"), name_head("人均培训成本")
    ('count', 'timely', 'cost')
    """
    core = core_name(name)
    for head, pattern in HEADS:
        if pattern.search(core):
            return head
    return "other"


@lru_cache(maxsize=65536)
def value_kind(value: str) -> str:
    """What a printed value looks like: percent, count (a number with a unit of things), money, date
    (a deadline), duration, graded (a grade a reviewer can score), change (a word of change: 提高,
    有所改善), text (other words), bare (a number alone) or empty.

    >>> [value_kind(v) for v in ("≥95%", "≥300人", "≤5万元", "2021年9月", "≤20工作日", "是", "持续提高", "")]
    ['percent', 'count', 'money', 'date', 'duration', 'graded', 'change', 'empty']
    """
    value = value.strip()
    if not value:
        return "empty"
    unit = unit_class(value)
    if unit in ("percent", "money", "count"):
        return unit
    if unit == "time":
        parsed = parse_value(value)
        return "date" if parsed.num is None or _DATE.search(value) else "duration"
    if unit == "bare":
        return "bare"
    if _DATE.search(value) and re.search(r"\d", value):
        return "date"
    text = re.sub(r"[\s，,。.;；、]", "", value)
    if _CHANGE.search(text):
        return "change"
    if _GRADED.match(text):
        return "graded"
    return "text"


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    core = core_name(name)
    head = name_head(name)
    out = [f"head={head}", f"end1={core[-1:]}", f"end2={core[-2:]}"]
    cues = [cue for cue, pattern in CUES if pattern.search(core)]
    out += [f"cue={c}" for c in cues]
    out += [f"head={head}&cue={c}" for c in cues]
    if not cues:
        out.append("cue=none")
    return tuple(out)


@lru_cache(maxsize=65536)
def _desc_tokens(desc: str) -> tuple[str, ...]:
    return tuple(f"desc_cue={cue}" for cue, pattern in CUES if pattern.search(desc))


def knowledge_tokens(x: IndicatorText) -> tuple[str, ...]:
    """The feature tokens of one indicator: name head and endings, cues, value kind and their pairs.

    >>> t = knowledge_tokens(IndicatorText("受益农户数", value="≥120户"))
    >>> "head=count" in t and "cue=beneficiary" in t and "value=count&cue=beneficiary" in t
    True
    """
    return _name_value_tokens(x.name or "", value_kind(x.value or "")) + (_desc_tokens(x.desc) if x.desc else ())


@lru_cache(maxsize=65536)
def _name_value_tokens(name: str, kind: str) -> tuple[str, ...]:
    """The tokens that depend on the name and the value's kind only (shared by every row that has both)."""
    name_tokens = _name_tokens(name)
    pairs = tuple(f"value={kind}&{t}" for t in name_tokens if t.startswith(("head=", "cue=")) and "&" not in t)
    return (*name_tokens, f"value={kind}", *pairs, f"vote={_vote(name, kind)}")


class KnowledgeFeatures(TransformerMixin, BaseEstimator):
    """Binary one-hot over :func:`knowledge_tokens` (vocabulary: the tokens seen in ``fit``)."""

    def fit(self, X: Sequence[IndicatorText], y: Any = None) -> "KnowledgeFeatures":
        vocab: dict[str, int] = {}
        for x in X:
            for t in knowledge_tokens(x):
                vocab.setdefault(t, len(vocab))
        self.vocabulary_ = {t: i for i, t in enumerate(sorted(vocab))}  # sorted: independent of row order
        return self

    def transform(self, X: Sequence[IndicatorText]) -> sparse.csr_matrix:
        vocab = self.vocabulary_
        # the columns of a (name, value kind) pair and of a description are looked up once per batch
        by_name: dict[tuple[str, str], list[int]] = {}
        by_desc: dict[str, list[int]] = {}
        indptr = [0]
        indices: list[int] = []
        for x in X:
            key = (x.name or "", value_kind(x.value or ""))
            cols = by_name.get(key)
            if cols is None:
                cols = by_name[key] = sorted({vocab[t] for t in _name_value_tokens(*key) if t in vocab})
            indices.extend(cols)
            if x.desc:
                dcols = by_desc.get(x.desc)
                if dcols is None:
                    dcols = by_desc[x.desc] = sorted({vocab[t] for t in _desc_tokens(x.desc) if t in vocab})
                indices.extend(dcols)
            indptr.append(len(indices))
        counts = np.diff(np.asarray(indptr))
        # each row scaled to unit length, like the TF-IDF blocks it is joined with
        data = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts).astype(np.float32)
        out = sparse.csr_matrix((data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                                shape=(len(X), len(vocab)))
        out.sort_indices()  # name and description columns are disjoint: sorting only orders them
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)


#: the sub-tiers under 一级 成本 in the national structure (docs/classification.md)
COST_KINDS: tuple[str, ...] = ("经济成本", "社会成本", "生态环境成本")

_CUE = dict(CUES)
_SOCIAL_COST = re.compile(r"征地|拆迁|搬迁|安置|社会成本|社会影响|社会风险|群众负担")


def cost_kind(x: IndicatorText) -> str:
    """The kind of a cost indicator under a 成本 tier: 生态环境成本 when its name or description speaks
    of the environment, 社会成本 when of people displaced or burdened, else 经济成本 (money spent,
    the only kind the training data holds).

    >>> cost_kind(IndicatorText("人均培训成本")), cost_kind(IndicatorText("施工扬尘污染治理成本"))
    ('经济成本', '生态环境成本')
    """
    text = f"{x.name or ''} {x.desc or ''}"
    if _CUE["eco"].search(text):
        return "生态环境成本"
    if _SOCIAL_COST.search(text):
        return "社会成本"
    return "经济成本"


_RECEIVED = re.compile(r"受益|受惠|惠及|带动.{0,6}(?:人|户)")
_SPENT = re.compile(r"(?:成本|费用|单价|标准|控制率|节约率)$")
_MONEY_GAINED = re.compile(r"增收|收入|产值|利润|税收|节约(?:资金|财政|开支|成本|经费)|节支|节省|经济效益|销售额|营业额|创收")


@lru_cache(maxsize=65536)
def _vote(name: str, kind: str) -> str | None:
    core = core_name(name)
    head = name_head(name)
    cue = {c for c, pattern in CUES if pattern.search(core)}
    if head == "satisfaction" or "satisfaction" in cue:
        return "服务对象满意度"
    if _MONEY_GAINED.search(core) and not _SPENT.search(core):
        return "经济效益"
    if _RECEIVED.search(core) and (head in ("count", "coverage", "rate") or kind in ("count", "percent")):
        return "社会效益"
    if "sustain" in cue and head in ("mechanism", "time", "other", "level"):
        return "可持续影响"
    if head in ("timely", "time") or (kind == "date" and head == "other" and "output" not in cue):
        return "时效"
    if head == "cost" and kind in ("money", "empty", "bare"):
        return "成本"
    if "eco" in cue and head not in ("count", "cost", "compliance"):
        return "生态效益"
    if head == "mechanism":
        return "可持续影响"
    if "change" in cue and head in ("level", "other") and kind in ("change", "graded", "text", "empty"):
        return "社会效益"
    if head == "compliance" or ("quality" in cue and head == "rate"):
        return "质量"
    if head == "count" and kind in ("count", "bare", "empty"):
        return "数量"
    return None


def knowledge_vote(x: IndicatorText) -> str | None:
    """The sub-tier the reviewer's rules of docs/classification.md point at, when they point at one.

    A single suggestion per indicator, read from the name's head and cues together with the value's
    shape: satisfaction → 服务对象满意度; money gained or saved → 经济效益; a count or share of people
    reached (受益, 就业) → 社会效益; deadlines and timeliness → 时效; money spent → 成本; environment
    words → 生态效益; mechanisms → 可持续影响; a change in a level → 社会效益; standards reached →
    质量; counts of things → 数量. The stack (:mod:`models.stacking`) weighs it like the other rule
    evidence, with a weight learned out of fold: it is evidence, not an override.

    >>> knowledge_vote(IndicatorText("项目受益农户数", value="≥350户")), knowledge_vote(IndicatorText("节约财政资金"))
    ('社会效益', '经济效益')
    """
    return _vote(x.name or "", value_kind(x.value or ""))
