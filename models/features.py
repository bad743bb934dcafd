"""Features of an indicator for the tier classifier, as scikit-learn transformers.

The input of every transformer here is a sequence of :class:`IndicatorText`
(name, description, printed value). The filed tier and sub-tier are labels and
never reach these transformers.

Features (joined by :func:`make_features`, a ``FeatureUnion``):

* TF-IDF over word tokens of the name (:func:`nlp.tokenize.tokenize_zh`, uni- and bigrams);
* TF-IDF over character 1–3-grams of the name and 1–2-grams of the description;
* the shape of the value: operator (≥ > = ≤ < none) and unit class
  (percent / count / money / time / qualitative / bare number / empty).

Digits in names and descriptions are folded to ``0`` so that 举办6场 and 举办12场 look alike.
Every step is a module-level class or function, so a fitted pipeline pickles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion, Pipeline

from models.fast_tfidf import FastTfidfVectorizer
from nlp.normalize import parse_value, to_halfwidth

__all__ = [
    "IndicatorText",
    "text_key",
    "FieldText",
    "MISSING",
    "ValueShape",
    "UNIT_CLASSES",
    "OPERATORS",
    "unit_class",
    "fold_text",
    "word_tokens",
    "make_features",
]


@dataclass(frozen=True)
class IndicatorText:
    """What the classifier sees of an indicator: 三级指标 name, description and printed value."""

    name: str
    desc: str | None = None
    value: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the text of an indicator: name, description and value, an absent field as
        ``""`` (copies of an indicator in other projects share it; a reviewer's label is about it)."""
        return text_key(self.name, self.desc, self.value)


def text_key(name: str, desc: str | None, value: str | None) -> tuple[str, str, str]:
    """:attr:`IndicatorText.key` of the fields as stored or labelled (an empty field and an absent one alike)."""
    return (name, desc or "", value or "")


#: value operators, in the order of the one-hot columns ("" = none printed)
OPERATORS: tuple[str, ...] = ("≥", ">", "=", "≤", "<", "")

#: unit classes, in the order of the one-hot columns
UNIT_CLASSES: tuple[str, ...] = ("percent", "count", "money", "time", "qualitative", "bare", "empty")

_PERCENT = frozenset({"%", "‰"})
_MONEY = frozenset({"元", "万元", "亿元", "千元", "元/人"})
_TIME = frozenset(
    {"天", "日", "周", "月", "个月", "月底", "月份", "年", "年底", "季度", "小时", "工作日", "个工作日"}
)
_TIME_WORDS = re.compile(r"月底|年底|年内|月内|之前|以前|前完成|按时|按期|及时|当年|全年")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=65536)
def unit_class(value: str) -> str:
    """The unit class of a printed value: percent, count, money, time, qualitative, bare or empty.

    >>> unit_class("≥90百分比"), unit_class("≤31天"), unit_class("=24.4万"), unit_class("有效保障")
    ('percent', 'time', 'money', 'qualitative')
    """
    parsed = parse_value(value)
    if parsed.num is None:
        if parsed.text is None:
            return "empty"
        return "time" if _TIME_WORDS.search(parsed.text) else "qualitative"
    unit = parsed.unit
    if unit is None:
        return "bare"
    if unit in _PERCENT:
        return "percent"
    base = unit.split("/", 1)[0]
    if unit in _MONEY or base in _MONEY:
        return "money"
    if base in _TIME:
        return "time"
    return "count"


@lru_cache(maxsize=65536)
def _operator(value: str) -> str:
    return parse_value(value).op or ""


#: :func:`nlp.normalize.to_halfwidth` as a ``str.translate`` table (the same mapping, built from that
#: function, several times faster per call; the classifier folds every name two or three times)
_HALFWIDTH = str.maketrans(
    {chr(c): to_halfwidth(chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000) if to_halfwidth(chr(c)) != chr(c)}
)


#: any character :data:`_HALFWIDTH` may map (most texts have none, and a search is cheaper than a translate)
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def fold_text(text: str) -> str:
    """Preprocessor of the TF-IDF steps: half-width forms and every number folded to ``0``.

    >>> fold_text("举办１２场招聘会")
    '举办0场招聘会'
    """
    if _WIDE.search(text):
        text = text.translate(_HALFWIDTH)
    return _DIGITS.sub("0", text)


def word_tokens(text: str) -> list[str]:
    """Word tokens of a (folded) text: :func:`nlp.tokenize.tokenize_zh`, white space dropped."""
    from nlp.tokenize import tokenize_zh  # imported here so that models import without the jieba start-up

    return [t for t in tokenize_zh(text) if t.strip()]


#: what a missing (None or blank) field becomes: a token of its own, so "no description" is a feature
#: and a batch without any description still has a vocabulary
MISSING = "∅"


class FieldText(TransformerMixin, BaseEstimator):
    """Select one text field (``name`` or ``desc``) of each :class:`IndicatorText`; a missing one becomes ``MISSING``."""

    def __init__(self, field: str = "name") -> None:
        self.field = field

    def fit(self, X: Sequence[IndicatorText], y: Any = None) -> "FieldText":
        if self.field not in ("name", "desc", "value"):
            raise ValueError(f"field must be name, desc or value, not {self.field!r}")
        return self

    def transform(self, X: Sequence[IndicatorText]) -> list[str]:
        return [(getattr(x, self.field) or "").strip() or MISSING for x in X]


class ValueShape(TransformerMixin, BaseEstimator):
    """One-hot operator and unit class of the value (13 columns, see OPERATORS and UNIT_CLASSES)."""

    def fit(self, X: Sequence[IndicatorText], y: Any = None) -> "ValueShape":
        self.n_features_out_ = len(OPERATORS) + len(UNIT_CLASSES)
        return self

    def transform(self, X: Sequence[IndicatorText]) -> sparse.csr_matrix:
        n = len(X)
        ops = np.empty(n, dtype=np.int64)
        units = np.empty(n, dtype=np.int64)
        op_index = {op: i for i, op in enumerate(OPERATORS)}
        unit_index = {u: i + len(OPERATORS) for i, u in enumerate(UNIT_CLASSES)}
        for i, x in enumerate(X):
            value = (x.value or "").strip()
            ops[i] = op_index[_operator(value)] if value else op_index[""]
            units[i] = unit_index[unit_class(value)] if value else unit_index["empty"]
        rows = np.repeat(np.arange(n), 2)
        cols = np.column_stack([ops, units]).ravel()
        data = np.ones(2 * n, dtype=np.float64)
        return sparse.csr_matrix((data, (rows, cols)), shape=(n, len(OPERATORS) + len(UNIT_CLASSES)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"op={o or 'none'}" for o in OPERATORS] + [f"unit={u}" for u in UNIT_CLASSES], dtype=object)


def _tfidf(**kwargs: Any) -> FastTfidfVectorizer:
    return FastTfidfVectorizer(preprocessor=fold_text, sublinear_tf=True, dtype=np.float32, **kwargs)


#: weight of the reviewer-knowledge block (:mod:`models.knowledge`) in the feature union
KNOWLEDGE_WEIGHT = 1.0


def make_features(
    *, words: bool = True, value_weight: float = 1.0, knowledge: bool = True, value_shape: bool = True
) -> FeatureUnion:
    """The feature union of the classifier (unfitted).

    ``words=False`` leaves out the word tokens (character n-grams only); ``knowledge=False`` leaves
    out the reviewer-knowledge block of :mod:`models.knowledge` (name head, value kind, cues);
    ``value_shape=False`` the value's operator and unit class.
    """
    parts: list[tuple[str, Any]] = [
        ("name_chars", Pipeline([("field", FieldText("name")), ("tfidf", _tfidf(analyzer="char", ngram_range=(1, 3)))])),
        ("desc_chars", Pipeline([("field", FieldText("desc")), ("tfidf", _tfidf(analyzer="char", ngram_range=(1, 2)))])),
    ]
    weights = {"name_chars": 1.0, "desc_chars": 0.5}
    if value_shape:
        parts.append(("value_shape", ValueShape()))
        weights["value_shape"] = value_weight
    if words:
        parts.insert(
            0,
            (
                "name_words",
                Pipeline(
                    [
                        ("field", FieldText("name")),
                        ("tfidf", _tfidf(analyzer="word", tokenizer=word_tokens, token_pattern=None, lowercase=False, ngram_range=(1, 2))),
                    ]
                ),
            ),
        )
        weights["name_words"] = 1.0
    if knowledge:
        from models.knowledge import KnowledgeFeatures  # models.knowledge builds on this module

        parts.append(("knowledge", KnowledgeFeatures()))
        weights["knowledge"] = KNOWLEDGE_WEIGHT
    return FeatureUnion(parts, transformer_weights=weights)
