"""Keyword-rule baseline for the sub-tier: what a reviewer's regular expressions would do.

It reads the indicator name (and the value's unit class) with the keyword heuristics of
docs/domain.md R05 and R10 and needs no training. It exists so that the evaluation can
say by how much the learned model beats plain rules, in the same run.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from models.features import IndicatorText, unit_class
from nlp.normalize import SUB_TIERS

__all__ = ["KeywordBaseline", "keyword_sub"]

#: (sub-tier, pattern on the name), first match wins; order matters (满意 before 率…)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("服务对象满意度", re.compile(r"满意")),
    ("成本", re.compile(r"成本|费用|经费|单价|标准.*元|资金.*(控制|节约)|预算")),
    ("时效", re.compile(r"及时|时间|时限|按时|按期|进度|月底|年底|期限|周期|天数|时长")),
    ("生态效益", re.compile(r"生态|环境|环保|节能|能耗|排放|绿色|污染|节约")),
    ("经济效益", re.compile(r"经济|收入|增收|产值|税|效益.*元|创收|就业.*增长")),
    ("可持续影响", re.compile(r"可持续|长期|长效|机制|制度|持续")),
    ("质量", re.compile(r"合格|达标|准确|正确|规范|质量|验收|完好|合规|差错|通过率|覆盖率|到位率|发放率")),
    ("社会效益", re.compile(r"提升|提高|改善|促进|保障|稳定|水平|能力|影响|效果|带动|减少|降低")),
    ("数量", re.compile(r"数量|人数|次数|个数|场次|项目数|户数|人次|场|次|批|家|所|件|册")),
)

#: sub-tier implied by the unit class when no keyword matched
_BY_UNIT = {"money": "成本", "time": "时效", "count": "数量", "percent": "质量", "qualitative": "社会效益"}


def keyword_sub(x: IndicatorText) -> str:
    """The sub-tier the keyword rules give for one indicator (社会效益 when nothing matches)."""
    for sub, pattern in _RULES:
        if pattern.search(x.name):
            return sub
    return _BY_UNIT.get(unit_class((x.value or "").strip()), "社会效益")


class KeywordBaseline(ClassifierMixin, BaseEstimator):
    """Sub-tier classifier made of keyword rules; ``fit`` learns nothing but the label set."""

    def fit(self, X: Sequence[IndicatorText], y: Sequence[str]) -> "KeywordBaseline":
        self.classes_ = np.array(SUB_TIERS, dtype=object)
        return self

    def predict(self, X: Sequence[IndicatorText]) -> np.ndarray:
        return np.array([keyword_sub(x) for x in X], dtype=object)

    def predict_proba(self, X: Sequence[IndicatorText]) -> np.ndarray:
        """One-hot probabilities: the rules are certain of what they say (not calibrated)."""
        index = {c: i for i, c in enumerate(self.classes_)}
        out = np.zeros((len(X), len(self.classes_)))
        for i, sub in enumerate(self.predict(X)):
            out[i, index[sub]] = 1.0
        return out

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
