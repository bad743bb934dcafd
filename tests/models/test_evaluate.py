"""Evaluation: whole documents held out, baseline scored in the same run."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifier import IndicatorText
from models.evaluate import cross_validate, score_predictions
from models.labels import LabelledIndicator
from nlp.normalize import SUB_PARENT, SUB_TIERS


def _row(name: str, sub: str, group: str, value: str | None = None) -> LabelledIndicator:
    return LabelledIndicator(IndicatorText(name, None, value), SUB_PARENT[sub], sub, group)


ROWS = [
    _row(f"{who}满意度", "服务对象满意度", g, "≥90%") for g, who in (("a", "群众"), ("b", "学生"), ("c", "患者"))
] + [
    _row(f"{what}人数", "数量", g, "≥100人") for g, what in (("a", "培训"), ("b", "资助"), ("c", "体检"))
] + [
    _row(f"{what}及时率", "时效", g, "100%") for g, what in (("a", "发放"), ("b", "拨付"), ("c", "报告"))
]


def test_cross_validation_scores_every_row_once_per_estimator() -> None:
    cv = cross_validate(ROWS, estimators=("baseline", "logistic"))
    assert cv.groups == ("a", "b", "c")
    assert [r.estimator for r in cv.results] == ["baseline", "logistic"]
    for r in cv.results:
        assert sum(map(sum, r.sub.confusion)) == len(ROWS)
        assert sum(c.support for c in r.tier.per_class) == len(ROWS)
        assert 0.0 <= r.tier.macro_f1 <= 1.0


def test_cross_validation_needs_two_documents() -> None:
    with pytest.raises(ValueError, match="at least two groups"):
        cross_validate([_row("培训人数", "数量", "a")] * 3, estimators=("baseline",))


def test_disagreements_count_rows_the_model_contradicts() -> None:
    rows = ROWS[:2]
    proba = np.zeros((2, len(SUB_TIERS)))
    proba[0, SUB_TIERS.index("服务对象满意度")] = 1.0  # agrees
    proba[1, SUB_TIERS.index("社会效益")] = 1.0  # contradicts tier and sub
    r = score_predictions("x", rows, proba)
    assert (r.tier_disagreements, r.sub_disagreements) == (1, 1)
    assert r.examples[0].name == "学生满意度" and r.examples[0].tier == "效益"
    assert r.tier.confusion[2][1] == 1  # true 满意度 predicted 效益
