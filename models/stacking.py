"""Stacking the keyword rules with the learned model: a conditional logit over per-class evidence.

The blend of :mod:`models.classifier` (``(1 - w) * model + w * rules``) had to choose
between the two; its inner-fold weight went to the rules and the model decided nothing.
:class:`RuleStack` instead scores every sub-tier ``c`` of an indicator ``x`` as

    score(x, c) = θ · f(x, c),        P(c | x) = softmax_c score(x, c)

where ``f(x, c)`` is a handful of *class-shared* evidence features (:func:`evidence`):
the log-probability the TF-IDF model gives ``c``, whether the model ever saw ``c`` in
training, whether the name rules / description rules / unit class point at ``c``.
Because θ is shared across classes, what it learns about "a rule on the description
names the class" transfers to a class the model has never seen (生态效益 occurs in one
sample document only, so with that document held out only the rules know it).

θ is fitted on **out-of-fold** model probabilities: the training rows are split into
groups (their documents; copies of a name otherwise) and each group is scored by a model
fitted on the others, so the stacker learns how much to trust the model on documents it
did not see — never on the rows the final model was fitted on. Above ``max_rows`` rows
the out-of-fold pass uses a seeded sample of whole groups (θ is seven numbers).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import GroupKFold

from models.baseline import BY_UNIT, RULES
from models.distinct import distinct
from models.features import IndicatorText, fold_text, unit_class
from models.knowledge import knowledge_vote
from nlp.normalize import SUB_TIERS

__all__ = ["EVIDENCE", "evidence", "RuleStack", "fit_conditional_logit", "model_proba"]

_SUB_INDEX = {s: i for i, s in enumerate(SUB_TIERS)}
_S = len(SUB_TIERS)

#: names of the evidence features, in column order of :func:`evidence`
EVIDENCE: tuple[str, ...] = (
    "log_p_model",  # log(P_model(c) + ε); log(1/9) for a class the model never saw (no evidence either way)
    "name_first",  # the first name rule that matches names c (the keyword baseline without its unit fallback)
    "name_any",  # some name rule of c matches
    "desc_first",  # the first description rule that matches names c
    "desc_any",  # some description rule of c matches
    "unit_default",  # nothing matched the name and the unit class points at c (the baseline's fallback)
    "no_rule_x_log_p",  # log_p_model where no name rule matched at all (the model alone must decide)
    "knowledge",  # the reviewer's rules of docs/classification.md point at c (models.knowledge.knowledge_vote)
)

_EPS = 1e-3

#: the class index of each rule of ``RULES``
_RULE_CLASS = np.array([_SUB_INDEX[sub] for sub, _ in RULES], dtype=np.int64)


def _hits(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each text, the class of its first matching rule (-1 if none) and which classes any rule names;
    each distinct text is matched once."""
    unique, inverse = distinct(texts)
    hit = np.zeros((len(RULES), len(unique)), dtype=bool)  # rule × distinct text
    for r, (_, pattern) in enumerate(RULES):
        hit[r] = [pattern.search(t) is not None for t in unique]
    any_ = np.zeros((len(unique), _S), dtype=bool)
    for r, k in enumerate(_RULE_CLASS):
        any_[:, k] |= hit[r]
    first = np.where(hit.any(axis=0), _RULE_CLASS[hit.argmax(axis=0)], -1)
    return first[inverse], any_[inverse]


def evidence(X: Sequence[IndicatorText], model_p: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Evidence features, shape ``(len(X), n_sub_tiers, len(EVIDENCE))``.

    ``model_p`` are the model's probabilities (``SUB_TIERS`` columns), ``seen`` a boolean
    per class (the model saw it in training), per row or once for all rows.
    """
    n = len(X)
    F = np.zeros((n, _S, len(EVIDENCE)))
    seen = np.broadcast_to(np.asarray(seen, dtype=bool), (n, _S))
    log_p = np.where(seen, np.log(model_p + _EPS), np.log(1.0 / _S))
    F[:, :, 0] = log_p
    first, any_ = _hits([x.name or "" for x in X])
    rows = np.flatnonzero(first >= 0)
    F[rows, first[rows], 1] = 1.0
    none = np.flatnonzero(first < 0)
    F[none, :, 6] = log_p[none]
    for i in none:
        value = (X[i].value or "").strip()
        default = BY_UNIT.get(unit_class(value)) if value else None
        if default is not None:
            F[i, _SUB_INDEX[default], 5] = 1.0
    F[:, :, 2] = any_
    d_first, d_any = _hits([x.desc or "" for x in X])
    rows = np.flatnonzero(d_first >= 0)
    F[rows, d_first[rows], 3] = 1.0
    F[:, :, 4] = d_any
    for i, x in enumerate(X):
        vote = knowledge_vote(x)
        if vote is not None:
            F[i, _SUB_INDEX[vote], 7] = 1.0
    return F


def fit_conditional_logit(F: np.ndarray, y: np.ndarray, weights: np.ndarray, *, alpha: float) -> np.ndarray:
    """θ minimising the weighted softmax loss of ``F @ θ`` against class indices ``y`` plus ``alpha/2 |θ|²``.

    Deterministic (L-BFGS from θ = 0 on a convex loss).
    """
    n, s, k = F.shape
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    rows = np.arange(n)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = F @ theta
        z -= z.max(axis=1, keepdims=True)
        ez = np.exp(z)
        p = ez / ez.sum(axis=1, keepdims=True)
        nll = -np.sum(w * (z[rows, y] - np.log(ez.sum(axis=1))))
        grad = -(w[:, None] * (F[rows, y] - np.einsum("ns,nsk->nk", p, F))).sum(axis=0)
        return nll + 0.5 * alpha * theta @ theta, grad + alpha * theta

    res = minimize(loss, np.zeros(k), jac=True, method="L-BFGS-B")
    return np.asarray(res.x)


def model_proba(fitted: Any, X: Sequence[IndicatorText]) -> tuple[np.ndarray, np.ndarray]:
    """A fitted classifier's probabilities in ``SUB_TIERS`` columns, and which classes it was trained on."""
    out = np.zeros((len(X), _S))
    seen = np.zeros(_S, dtype=bool)
    raw = fitted.predict_proba(X)
    for j, cls in enumerate(fitted.classes_):
        out[:, _SUB_INDEX[str(cls)]] = raw[:, j]
        seen[_SUB_INDEX[str(cls)]] = True
    return out, seen


#: rows (distinct texts) of the out-of-fold pass at most: θ has seven numbers, and each out-of-fold
#: fit costs about what the final fit does, so a large training set uses a seeded sample of whole groups
STACK_MAX_ROWS = 10_000

#: θ when there are too few groups to fit it out of fold: trust the model's probabilities and
#: give the first name rule about the weight of a factor e^1.5 in odds (a prior, not fitted on any scores)
DEFAULT_THETA = np.array([1.0, 1.5, 0.5, 0.5, 0.25, 0.5, 0.0, 1.0])


class RuleStack(ClassifierMixin, BaseEstimator):
    """A sub-tier classifier (``estimator``) stacked with the keyword rules, see the module docstring.

    ``fit_base(estimator, X, y, sample_weight)`` fits a clone of the base estimator
    (the classifier module passes one that copes with rare classes); ``alpha`` is the
    L2 penalty on θ; ``folds`` the most out-of-fold splits; ``max_rows`` caps the rows of
    the out-of-fold pass.
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        fit_base: Callable[..., Any] | None = None,
        alpha: float = 1e-3,
        folds: int = 5,
        max_rows: int = STACK_MAX_ROWS,
    ) -> None:
        self.estimator = estimator
        self.fit_base = fit_base
        self.alpha = alpha
        self.folds = folds
        self.max_rows = max_rows

    def _fit_one(self, X: Sequence[IndicatorText], y: Sequence[str], w: np.ndarray) -> Any:
        est = clone(self.estimator)
        if self.fit_base is not None:
            return self.fit_base(est, X, y, w)
        return est.fit(X, y, clf__sample_weight=w)

    def fit(
        self, X: Sequence[IndicatorText], y: Sequence[str], sample_weight: Any = None, groups: Sequence[str] | None = None
    ) -> "RuleStack":
        X = list(X)
        y_arr = np.asarray(y, dtype=object)
        w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if groups is None or len(set(groups)) < 2:
            groups = [fold_text(x.name) for x in X]
        g = np.asarray(groups, dtype=object)
        idx = _sample_groups(g, self.max_rows)
        n_groups = len(set(g[idx]))
        self.theta_ = DEFAULT_THETA.copy()
        if n_groups >= 2:
            oof = np.zeros((len(idx), _S))
            seen = np.zeros((len(idx), _S), dtype=bool)
            for train, test in GroupKFold(n_splits=min(self.folds, n_groups)).split(idx, groups=g[idx]):
                tr, te = idx[train], idx[test]
                if len(set(y_arr[tr])) < 2:
                    continue
                fitted = self._fit_one([X[i] for i in tr], list(y_arr[tr]), w[tr])
                oof[test], seen[test] = model_proba(fitted, [X[i] for i in te])
            F = evidence([X[i] for i in idx], oof, seen)
            y_idx = np.array([_SUB_INDEX[str(v)] for v in y_arr[idx]])
            self.theta_ = fit_conditional_logit(F, y_idx, w[idx], alpha=self.alpha)
        self.estimator_ = self._fit_one(X, list(y_arr), w)
        self.classes_ = np.array(SUB_TIERS, dtype=object)
        return self

    def predict_proba(self, X: Sequence[IndicatorText]) -> np.ndarray:
        X = list(X)
        model_p, seen = model_proba(self.estimator_, X)
        z = evidence(X, model_p, seen) @ self.theta_
        z -= z.max(axis=1, keepdims=True)
        ez = np.exp(z)
        return ez / ez.sum(axis=1, keepdims=True)

    def predict(self, X: Sequence[IndicatorText]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _sample_groups(groups: np.ndarray, max_rows: int) -> np.ndarray:
    """Row indices of all groups, or of a seeded sample of whole groups of about ``max_rows`` rows."""
    if len(groups) <= max_rows:
        return np.arange(len(groups))
    order = sorted(set(groups))
    np.random.default_rng(0).shuffle(order)
    size: dict[Any, int] = {}
    for v in groups:
        size[v] = size.get(v, 0) + 1
    picked: set[Any] = set()
    total = 0
    for v in order:
        if total >= max_rows:
            break
        picked.add(v)
        total += size[v]
    return np.flatnonzero([v in picked for v in groups])
