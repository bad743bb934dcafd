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

__all__ = ["KeywordBaseline", "keyword_sub", "RULES", "BY_UNIT"]

#: (sub-tier, pattern on the name), first match wins; order matters (满意 before 率…).
#: Each pattern follows the "typical names" and "red flags" columns of docs/domain.md §3.3
#: and R05/R10/R11: 就业人数/就业率/受益人数/覆盖率/知晓率 are 社会效益 (checked before the
#: generic 数量 and 质量 words); 节约资金 is 经济效益 while 节约水、电/绿色办公 is 生态效益;
#: 持续年限 is 可持续影响; a plain 完成率 is a quantity-completion ratio (数量, soft).
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("服务对象满意度", re.compile(r"满意")),
    ("成本", re.compile(r"成本|费用|经费|单价|标准.*元|资金.*(控制|节约率)|预算|控制率")),
    ("时效", re.compile(r"及时|时间|时限|按时|按期|进度|月底|年底|期限|周期|天数|时长")),
    ("生态效益", re.compile(r"生态|环境|环保|节能|能耗|排放|减排|绿色|绿化|污染|节约(水|电|能|资源)")),
    ("经济效益", re.compile(r"经济|收入|增收|产值|税|效益.*元|创收|节约(资金|财政|开支)|节支|带动投资")),
    ("可持续影响", re.compile(r"可持续|长期|长效|机制|制度|持续|年限")),
    ("社会效益", re.compile(r"受益.{0,6}(数|人员|率|比例)|就业(人数|人员|率)|就业岗位|覆盖率|知晓率|稳定|上访|辍学")),
    ("质量", re.compile(r"合格|达标|准确|正确|规范|质量|验收|完好|优良|合规|差错|故障|通过率")),
    ("数量", re.compile(r"完成率|数量|人数|次数|个数|场次|项目数|户数|人次|面积|场|次|批|家|所|件|册")),
    ("社会效益", re.compile(r"提升|提高|改善|促进|保障|水平|能力|影响|效果|带动|减少|降低")),
)

#: sub-tier implied by the unit class when no keyword matched
_BY_UNIT = {"money": "成本", "time": "时效", "count": "数量", "percent": "质量", "qualitative": "社会效益"}


#: public names of the rule tables (read by :mod:`models.stacking`)
RULES = _RULES
BY_UNIT = _BY_UNIT


def keyword_sub(x: IndicatorText) -> str:
    """The sub-tier the keyword rules give for one indicator (社会效益 when nothing matches)."""
    for sub, pattern in _RULES:
        if pattern.search(x.name):
            return sub
    return _BY_UNIT.get(unit_class((x.value or "").strip()), "社会效益")


class KeywordBaseline(ClassifierMixin, BaseEstimator):
    """Sub-tier classifier made of keyword rules; ``fit`` learns nothing but the label set."""

    def fit(self, X: Sequence[IndicatorText], y: Sequence[str], sample_weight: Any = None) -> "KeywordBaseline":
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
