"""Blending the keyword rules into a probabilistic classifier: ``(1 - w) * P_model + w * onehot(rules)``.

The ``+rules`` estimators of :mod:`models.classifier` (shipped before the stack of
:mod:`models.stacking`; kept for comparison in ``jixiao evaluate``). The weight is chosen on the
training documents by :func:`models.classifier.choose_rule_weight`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from models.baseline import KeywordBaseline
from models.features import IndicatorText
from nlp.normalize import SUB_TIERS

__all__ = ["RULE_WEIGHT", "RuleBlend", "blend"]

_SUB_INDEX = {s: i for i, s in enumerate(SUB_TIERS)}

#: weight of the keyword rules in a ``+rules`` blend when it cannot be chosen on the training
#: data (fewer than two documents); see :func:`models.classifier.choose_rule_weight`
RULE_WEIGHT = 0.35


class RuleBlend(ClassifierMixin, BaseEstimator):
    """A probabilistic classifier blended with the keyword rules: ``(1 - w) * P_model + w * onehot(rules)``.

    The rules (:mod:`models.baseline`, from docs/domain.md R05/R10) carry domain
    knowledge the samples cannot teach: a sub-tier seen in one document only (生态效益)
    has no training example when that document is held out.
    """

    def __init__(self, estimator: Any = None, rule_weight: float = RULE_WEIGHT) -> None:
        self.estimator = estimator
        self.rule_weight = rule_weight

    def fit(self, X: Sequence[IndicatorText], y: Sequence[str], sample_weight: Any = None) -> "RuleBlend":
        if not 0.0 <= self.rule_weight <= 1.0:
            raise ValueError(f"rule_weight must be in [0, 1], not {self.rule_weight}")
        self.estimator_ = clone(self.estimator)
        if sample_weight is None:
            self.estimator_.fit(X, y)
        else:
            self.estimator_.fit(X, y, clf__sample_weight=sample_weight)
        self.rules_ = KeywordBaseline().fit(X, y)
        self.classes_ = np.array(SUB_TIERS, dtype=object)
        return self

    def parts(self, X: Sequence[IndicatorText]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Model probabilities and rule one-hots (``SUB_TIERS`` columns), and which sub-tiers the model saw in training."""
        model_p = np.zeros((len(X), len(SUB_TIERS)))
        raw = self.estimator_.predict_proba(X)
        seen = np.zeros(len(SUB_TIERS), dtype=bool)
        for j, cls in enumerate(self.estimator_.classes_):
            model_p[:, _SUB_INDEX[str(cls)]] = raw[:, j]
            seen[_SUB_INDEX[str(cls)]] = True
        return model_p, self.rules_.predict_proba(X), seen

    def predict_proba(self, X: Sequence[IndicatorText]) -> np.ndarray:
        """The blend (see :func:`blend`)."""
        return blend(*self.parts(X), self.rule_weight)

    def predict(self, X: Sequence[IndicatorText]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def blend(model_p: np.ndarray, rules_p: np.ndarray, seen: np.ndarray, rule_weight: float) -> np.ndarray:
    """``(1 - w) * model + w * rules``; where the rules name a sub-tier the model never saw in training, the rules alone.

    A model gives probability 0 to a class absent from its training data by
    construction, which is no evidence against it; e.g. 生态效益 occurs in one sample
    document only, so with that document held out only the rules know it.
    """
    out = (1.0 - rule_weight) * model_p + rule_weight * rules_p
    unseen = rules_p[:, ~seen].sum(axis=1) > 0
    out[unseen] = rules_p[unseen]
    return out
