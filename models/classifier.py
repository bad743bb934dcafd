"""The tier / sub-tier classifier: one scikit-learn Pipeline, tier derived from sub-tier.

One model predicts the nine canonical sub-tiers (docs/domain.md §3.2) with
probabilities; the probability of a tier is the sum over its sub-tiers. The
predicted tier is the most probable tier and the predicted sub-tier the most probable
sub-tier *inside* that tier, so a prediction never pairs a sub-tier with a foreign
tier (R04) by construction.

>>> model = fit_default_model()                                # doctest: +SKIP
>>> model.predict([IndicatorText("学生抽样调查满意度", value="≥98百分比")])[0].tier  # doctest: +SKIP
'满意度'
"""

from __future__ import annotations

from nlp.errors import JixiaoError

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from models.baseline import KeywordBaseline
from models.blend import RULE_WEIGHT, RuleBlend, blend
from models.distinct import distinct
from models.fast_tfidf import accelerate
from models.features import IndicatorText, fold_text, make_features
from models.knowledge import cost_kind
from models.labels import (
    REFERENCE_GROUP_PREFIX,
    LabelledIndicator,
    load_default_training,
    training_sha256,
    with_default_training,
)
from models.stacking import RuleStack
from nlp.normalize import SUB_PARENT, SUB_TIERS

__all__ = [
    "ESTIMATORS",
    "TIER_LABELS",
    "COST_TIER_LABELS",
    "IndicatorText",
    "Prediction",
    "TierModel",
    "UNCERTAIN_MARGIN",
    "make_pipeline",
    "predictions_from_proba",
    "fit_tier_model",
    "fit_default_model",
    "source_weights",
    "choose_rule_weight",
    "blend",
    "noisy_rows",
    "load_default",
]

log = logging.getLogger(__name__)

#: the three tiers a prediction can carry (成本 as a sub-tier belongs to 产出)
TIER_LABELS: tuple[str, ...] = ("产出", "效益", "满意度")

_SUB_INDEX = {s: i for i, s in enumerate(SUB_TIERS)}
_TIER_OF_SUB = np.array([TIER_LABELS.index(SUB_PARENT[s]) for s in SUB_TIERS])

#: the tiers of the national structure where 成本 is a 一级 of its own (docs/classification.md)
COST_TIER_LABELS: tuple[str, ...] = ("产出", "效益", "满意度", "成本")
_COST_TIER_OF_SUB = np.array([3 if s == "成本" else COST_TIER_LABELS.index(SUB_PARENT[s]) for s in SUB_TIERS])

#: estimator names accepted by :func:`make_pipeline`; ``+rules`` blends in the keyword rules
ESTIMATORS: tuple[str, ...] = (
    "baseline", "char-svm", "logistic", "svm", "logistic+rules", "svm+rules", "logistic+stack", "svm+stack"
)

#: the estimator the shipped model uses (chosen by ``jixiao evaluate``, see README "Model quality")
DEFAULT_ESTIMATOR = "svm+stack"

#: a prediction whose most probable tier leads the second by less than this is flagged ``uncertain``
#: (e.g. 产出 0.58 / 效益 0.40); fixed in advance, not tuned on the evaluation folds
UNCERTAIN_MARGIN = 0.2

#: rule weights :func:`choose_rule_weight` tries; from 0.5 on the rules decide and the model breaks no ties
RULE_WEIGHT_GRID: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6)

@dataclass(frozen=True)
class Prediction:
    """What the model says about one indicator.

    ``confidence`` is the probability of the predicted sub-tier; ``alternatives`` are
    the next most probable sub-tiers, best first, as ``(sub, probability)``;
    ``tier_confidence`` is the probability of the predicted tier (the sum over its
    sub-tiers, so it is at least ``confidence``); ``tier_margin`` how far it is ahead of the
    second most probable tier; ``uncertain`` is true when that margin is below
    ``UNCERTAIN_MARGIN``: a close call between two tiers, which a reviewer should decide.
    ``reviewed`` is true when a reviewer labelled this very text (name, description and value) and
    the model was trained on that label: the prediction is the reviewer's, with probability 1.
    """

    tier: str
    sub: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    tier_confidence: float = 1.0
    tier_margin: float = 1.0
    uncertain: bool = False
    reviewed: bool = False


def make_pipeline(estimator: str = DEFAULT_ESTIMATOR, *, C: float = 4.0, words: bool = True) -> Pipeline | RuleBlend:
    """An unfitted sub-tier Pipeline: features then a linear model with probabilities.

    ``logistic`` is a multinomial logistic regression (its probabilities are
    calibrated by its loss); ``svm`` is a linear SVM wrapped in temperature-scaling calibration
    (3-fold); ``baseline`` is the keyword rules (no features). The SVM is solved in the dual when there
    are fewer (distinct) rows than features — the bundled set: 971 rows, ~14,000 features, where the
    primal solver takes a hundred times longer — and in the primal otherwise (large trained sets);
    the dual's coordinate descent shuffles with a fixed seed, so fits are deterministic.
    """
    if estimator.endswith("+stack"):
        return RuleStack(make_pipeline(estimator[: -len("+stack")], C=C, words=words), fit_base=fit_weighted)
    if estimator.endswith("+rules"):
        return RuleBlend(make_pipeline(estimator[: -len("+rules")], C=C, words=words), rule_weight=RULE_WEIGHT)
    if estimator == "baseline":
        return Pipeline([("clf", KeywordBaseline())])
    if estimator == "char-svm":  # the plain comparison: character TF-IDF of name and description, nothing else
        features = make_features(words=False, knowledge=False, value_shape=False)
        clf = CalibratedClassifierCV(LinearSVC(C=C / 8, class_weight="balanced", dual="auto", tol=1e-3, max_iter=5000, random_state=0), method="temperature", cv=3)
        return Pipeline([("features", features), ("clf", clf)])
    if estimator == "logistic":
        clf = LogisticRegression(C=C, solver="saga", tol=5e-3, max_iter=1000, class_weight="balanced", random_state=0)
    elif estimator == "svm":
        clf = CalibratedClassifierCV(LinearSVC(C=C / 8, class_weight="balanced", dual="auto", tol=1e-3, max_iter=5000, random_state=0), method="temperature", cv=3)
    else:
        raise ValueError(f"unknown estimator {estimator!r}; expected one of {', '.join(ESTIMATORS)}")
    return Pipeline([("features", make_features(words=words)), ("clf", clf)])



class TierModel:
    """A fitted sub-tier pipeline plus the rule that turns its probabilities into predictions.

    ``reviewed`` maps the text key (:attr:`IndicatorText.key`) of every reviewer-labelled training
    row to the reviewer's sub-tier: such a text is predicted as the reviewer labelled it (and so is
    its name given alone, see :meth:`reviewed_subs`). The
    pipeline learns from those rows like from any other (which carries the judgement over to similar
    texts, as far as the rest of the data agrees); the text itself keeps the verdict even where the
    rest of the training data outvotes it. Reviewer rows are not weighted up: a reviewer confirming
    thirty cost rows does not say that costs matter more, and a weight of two on such a set already
    cost the held-out documents two points of tier macro-F1 (the class balance shifts).
    """

    def __init__(self, pipeline: Any, *, estimator: str = DEFAULT_ESTIMATOR, dropped: tuple[int, ...] = (),
                 reviewed: dict[tuple[str, str, str], str] | None = None) -> None:
        self.pipeline = pipeline
        self.estimator = estimator
        self.dropped = dropped  #: indices of training rows left out as label noise
        self.reviewed = dict(reviewed or {})

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a model pickled before models.fast_tfidf holds plain TfidfVectorizers: same state, give them the fast transform
        state.setdefault("reviewed", {})  # and one pickled before reviewer labels were remembered has none
        self.__dict__.update(state)
        accelerate(self.pipeline)

    def reviewed_subs(self, records: Sequence[IndicatorText]) -> list[str | None]:
        """For each record, the sub-tier a reviewer gave its text in training, or None. A record of a
        name alone (no description, no value: ``classify NAME``) takes the label of that name when every
        reviewed text of the name has the same one."""
        if not self.reviewed:
            return [None] * len(records)
        by_name: dict[str, str | None] = {}
        for (name, _desc, _value), sub in self.reviewed.items():
            by_name[name] = sub if by_name.get(name, sub) == sub else None
        return [self.reviewed.get(r.key) or (by_name.get(r.name) if not r.desc and not r.value else None)
                for r in records]

    def sub_proba(self, records: Sequence[IndicatorText]) -> np.ndarray:
        """Probabilities over all nine sub-tiers, columns in ``SUB_TIERS`` order; a reviewed text
        (see the class) has probability 1 on the reviewer's sub-tier.

        Identical records (tables copy indicators across projects, R23) are scored once.
        """
        return self._proba_reviewed(records)[0]

    def _proba_reviewed(self, records: Sequence[IndicatorText]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`sub_proba`, and for each record whether its probabilities are a reviewer's label."""
        unique, inverse = distinct(records)
        proba = self.pipeline.predict_proba(unique)
        out = np.zeros((proba.shape[0], len(SUB_TIERS)))
        for j, cls in enumerate(self.pipeline.classes_):
            out[:, _SUB_INDEX[str(cls)]] = proba[:, j]
        by_reviewer = np.zeros(len(unique), dtype=bool)
        if self.reviewed:  # most models have no reviewer labels: no pass over the rows for them
            for i, sub in enumerate(self.reviewed_subs(unique)):
                if sub is not None:
                    out[i] = 0.0
                    out[i, _SUB_INDEX[sub]] = 1.0
                    by_reviewer[i] = True
        return out[inverse], by_reviewer[inverse]

    def predict(self, records: Sequence[IndicatorText], *, n_alternatives: int = 3, cost_tier: bool = False) -> list[Prediction]:
        """One :class:`Prediction` per record, in input order.

        ``cost_tier``: the records come from a table with 成本 as a 一级 (经济成本 / 社会成本 /
        生态环境成本 under it); cost rows are then predicted under that tier.
        """
        if len(records) == 0:
            return []
        kinds = [cost_kind(r) for r in records] if cost_tier else None
        proba, reviewed = self._proba_reviewed(records)
        return predictions_from_proba(proba, n_alternatives=n_alternatives, cost_kinds=kinds, reviewed=reviewed.tolist())


def source_weights(rows: Sequence[LabelledIndicator]) -> np.ndarray:
    """Per-row weights so that no large document dominates: each row of a group (source document)
    of ``n`` rows weighs ``1 / sqrt(n)``, so a group's total weight grows as ``sqrt(n)``; scaled to average 1.

    A 180-row disclosure then counts about as much as five 7-row tables of other sectors, instead of
    twenty-five of them. Each reference row (group ``docs:…``, the reviewer's examples of
    docs/domain.md §3.3) weighs like a one-row document: it stands for a definition, not for a table.
    """
    size: dict[str, int] = {}
    for r in rows:
        size[r.group] = 1 if r.group.startswith(REFERENCE_GROUP_PREFIX) else size.get(r.group, 0) + 1
    w = 1.0 / np.sqrt(np.array([size[r.group] for r in rows], dtype=np.float64))  # the same numbers as row by row
    return w * (len(w) / w.sum()) if len(w) else w


def _collapse(
    rows: Sequence[LabelledIndicator], row_weights: np.ndarray | None = None
) -> tuple[list[LabelledIndicator], np.ndarray, list[list[int]]]:
    """Distinct ``(text, sub)`` rows, their sample weights, and the input indices of each.

    The weight of a distinct row is the sum of its copies' row weights (1 each by default) scaled so
    that the weights average 1: copies keep their relative weight, while the regularisation strength (C)
    stays that of the distinct rows, so a corpus of copy-pasted tables neither
    over-fits nor slows the solver down; the IDF is counted over distinct texts.
    """
    index: dict[tuple[str, str | None, str | None, str | None], int] = {}
    members: list[list[int]] = []
    distinct: list[LabelledIndicator] = []
    for i, r in enumerate(rows):
        t = r.text  # keyed by its fields: IndicatorText equality, without its Python-level __hash__ per row
        k = index.setdefault((t.name, t.desc, t.value, r.sub), len(index))
        if k == len(members):
            members.append([])
            distinct.append(r)
        members[k].append(i)
    rw = np.ones(len(rows)) if row_weights is None else np.asarray(row_weights, dtype=np.float64)
    sums = np.array([rw[m].sum() for m in members], dtype=np.float64)
    return distinct, sums * (len(sums) / max(rw.sum(), 1e-12)), members


def _double_singletons(
    X: Sequence[IndicatorText], y: Sequence[str], weights: np.ndarray
) -> tuple[list[IndicatorText], list[str], np.ndarray, int]:
    """A class with a single row gets that row twice at half the weight each (the same loss),
    so that the SVM calibration finds it in each of its folds; also returns the rarest class's count."""
    X, y, weights = list(X), list(y), np.asarray(weights, dtype=np.float64)
    counts: dict[str, int] = {}
    for label in y:
        counts[label] = counts.get(label, 0) + 1
    single = [i for i, label in enumerate(y) if counts[label] == 1]
    if single:
        weights = weights.copy()
        weights[single] /= 2
        X += [X[i] for i in single]
        y += [y[i] for i in single]
        weights = np.concatenate([weights, weights[single]])
    return X, y, weights, min(counts.values())


def _set_calibration_folds(pipeline: Any, rarest: int) -> None:
    if isinstance(pipeline, Pipeline) and isinstance(pipeline.named_steps.get("clf"), CalibratedClassifierCV):
        pipeline.set_params(clf__cv=min(3, max(2, rarest)))


def fit_weighted(pipeline: Any, X: Sequence[IndicatorText], y: Sequence[str], weights: np.ndarray) -> Any:
    """Fit a plain feature Pipeline from :func:`make_pipeline` with per-row sample weights.

    The calibration of the SVM needs every class in each of its folds: it uses
    ``min(3, rows of the rarest class)`` folds (see :func:`_double_singletons`).
    """
    X, y, weights, rarest = _double_singletons(X, y, weights)
    _set_calibration_folds(pipeline, rarest)
    return pipeline.fit(X, y, clf__sample_weight=weights)


def _fit(pipeline: Any, rows: Sequence[LabelledIndicator], weights: np.ndarray) -> Any:
    """Fit a pipeline from :func:`make_pipeline` on labelled rows with per-row sample weights (see :func:`fit_weighted`)."""
    X, y = [r.text for r in rows], [r.sub for r in rows]
    if isinstance(pipeline, RuleStack):
        return pipeline.fit(X, y, sample_weight=weights, groups=[r.group for r in rows])
    if isinstance(pipeline, RuleBlend):
        X, y, weights, rarest = _double_singletons(X, y, weights)
        _set_calibration_folds(pipeline.estimator, rarest)
        return pipeline.fit(X, y, sample_weight=weights)
    return fit_weighted(pipeline, X, y, weights)


def predictions_from_proba(
    sub_p: np.ndarray, *, n_alternatives: int = 3, cost_kinds: Sequence[str] | None = None,
    reviewed: Sequence[bool] | None = None,
) -> list[Prediction]:
    """Turn sub-tier probabilities (columns in ``SUB_TIERS`` order) into consistent predictions.

    The tier is the most probable tier (sum over its sub-tiers); the sub-tier is the
    most probable sub-tier inside that tier. With ``cost_kinds`` (one per row, see
    :func:`models.knowledge.cost_kind`) the tiers are those of the national structure where 成本
    is a 一级 (:data:`COST_TIER_LABELS`): a row predicted there gets tier 成本 and its cost kind
    (经济成本 / 社会成本 / 生态环境成本) as sub-tier. ``reviewed`` marks the rows whose probabilities
    are a reviewer's label (:class:`TierModel`); they have no alternatives.
    """
    labels, tier_of_sub = (COST_TIER_LABELS, _COST_TIER_OF_SUB) if cost_kinds is not None else (TIER_LABELS, _TIER_OF_SUB)
    tier_p = np.zeros((sub_p.shape[0], len(labels)))
    for t in range(len(labels)):
        tier_p[:, t] = sub_p[:, tier_of_sub == t].sum(axis=1)
    tiers = tier_p.argmax(axis=1)
    two = np.sort(tier_p, axis=1)[:, -2:]
    margins = (two[:, 1] - two[:, 0]).tolist()
    inside = np.where(tier_of_sub[None, :] == tiers[:, None], sub_p, -1.0)
    subs = inside.argmax(axis=1)
    # the n + 1 most probable sub-tiers hold the n alternatives (the predicted sub-tier left out)
    top = n_alternatives + 1 if n_alternatives >= 0 else None
    order = np.argsort(-sub_p, axis=1, kind="stable")[:, :top].tolist()
    tier_best = tier_p[np.arange(len(tiers)), tiers].tolist()
    out = []
    for i, (p, o, t, s, tc, m) in enumerate(zip(sub_p.tolist(), order, tiers.tolist(), subs.tolist(), tier_best, margins)):
        by_reviewer = bool(reviewed[i]) if reviewed is not None else False
        alts = () if by_reviewer else tuple((SUB_TIERS[j], round(p[j], 4)) for j in o if j != s)
        sub = SUB_TIERS[s]
        if cost_kinds is not None and labels[t] == "成本":
            sub = cost_kinds[i]
        out.append(
            Prediction(
                tier=labels[t],
                sub=sub,
                confidence=round(p[s], 4),
                alternatives=alts[:n_alternatives],
                tier_confidence=round(tc, 4),
                tier_margin=round(m, 4),
                uncertain=m < UNCERTAIN_MARGIN,
                reviewed=by_reviewer,
            )
        )
    return out


#: a training row whose out-of-fold tier prediction contradicts its filed tier with at least
#: this probability is treated as label noise and left out of the final fit
NOISE_CONFIDENCE = 0.8

#: each fold's model in :func:`noisy_rows` is fitted on at most this many distinct rows of the other
#: folds (a seeded sample): five full-size fits made the 1M-row training miss its 2-minute budget
NOISE_FIT_MAX_ROWS = 10_000


def noisy_rows(
    rows: Sequence[LabelledIndicator], *, estimator: str = DEFAULT_ESTIMATOR, C: float = 4.0, words: bool = True, folds: int = 5
) -> list[int]:
    """Indices of rows whose filed tier the model confidently contradicts when it has not seen them.

    Out-of-fold probabilities come from ``folds`` folds grouped by the normalised
    name, so copies of an indicator (common: one table copied across projects) never
    vote for themselves. A row counts as noisy when the predicted tier differs from
    the filed one with ``tier_confidence >= NOISE_CONFIDENCE`` (e.g. 学生抽样调查满意度
    filed under 效益). Above ``NOISE_FIT_MAX_ROWS`` distinct rows per fold the fold's model is
    fitted on a seeded sample of them; every row is still voted on.
    """
    if estimator == "baseline" or len(rows) < 2 * folds:
        return []
    distinct, weights, members = _collapse(rows, source_weights(rows))
    names = np.array([fold_text(r.text.name) for r in distinct], dtype=object)
    n_groups = len(set(names))
    if n_groups < folds:
        return []
    sub_p = np.zeros((len(distinct), len(SUB_TIERS)))
    rng = np.random.default_rng(0)
    for train, test in GroupKFold(n_splits=folds).split(names, groups=names):
        if len(train) > NOISE_FIT_MAX_ROWS:  # a vote, not the model: a seeded sample of the other folds fits it
            train = np.sort(rng.choice(train, NOISE_FIT_MAX_ROWS, replace=False))
        if len({distinct[i].sub for i in train}) < 2:
            continue
        pipeline = _fit(make_pipeline(estimator, C=C, words=words), [distinct[i] for i in train], weights[train])
        sub_p[test] = TierModel(pipeline).sub_proba([distinct[i].text for i in test])
    preds = predictions_from_proba(sub_p, n_alternatives=0)
    noisy = [k for k, (r, p) in enumerate(zip(distinct, preds)) if p.tier != r.tier and p.tier_confidence >= NOISE_CONFIDENCE]
    return sorted(i for k in noisy for i in members[k])


#: above this many rows :func:`choose_rule_weight` works on a seeded sample of whole groups of about this size
CHOOSE_MAX_ROWS = 50_000


def _macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    labels = sorted(set(y_true))
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


def choose_rule_weight(
    rows: Sequence[LabelledIndicator], *, estimator: str = DEFAULT_ESTIMATOR, C: float = 4.0, words: bool = True, folds: int = 5
) -> float:
    """The weight of the rules in a ``+rules`` blend, chosen on ``rows`` alone.

    Out-of-fold predictions over the rows' own groups (documents, at most ``folds``
    folds) are blended with each weight of ``RULE_WEIGHT_GRID``; the weight with the best
    mean of tier and sub-tier macro-F1 wins (the smallest on ties). Inside a
    cross-validation this sees the training documents only, so the held-out document
    never tunes it. ``RULE_WEIGHT`` when there are fewer than two groups. Above
    ``CHOOSE_MAX_ROWS`` rows a seeded sample of whole groups is used.
    """
    if len(rows) > CHOOSE_MAX_ROWS:  # one scalar: a seeded sample of whole groups estimates it well enough
        order = sorted({r.group for r in rows})
        np.random.default_rng(0).shuffle(order)
        size: dict[str, int] = {}
        for r in rows:
            size[r.group] = size.get(r.group, 0) + 1
        picked, total = set(), 0
        for g in order:
            if total >= CHOOSE_MAX_ROWS:
                break
            picked.add(g)
            total += size[g]
        rows = [r for r in rows if r.group in picked]
    groups = np.array([r.group for r in rows], dtype=object)
    n_groups = len(set(groups))
    if not estimator.endswith("+rules") or n_groups < 2:
        return RULE_WEIGHT
    blended = {w: np.zeros((len(rows), len(SUB_TIERS))) for w in RULE_WEIGHT_GRID}
    for train, test in GroupKFold(n_splits=min(folds, n_groups)).split(groups, groups=groups):
        distinct, weights, _ = _collapse([rows[i] for i in train])
        fitted = _fit(make_pipeline(estimator, C=C, words=words), distinct, weights)
        parts = fitted.parts([rows[i].text for i in test])
        for w in RULE_WEIGHT_GRID:
            blended[w][test] = blend(*parts, w)
    tier_true, sub_true = [r.tier for r in rows], [r.sub for r in rows]
    scores = {}
    for w, proba in blended.items():
        preds = predictions_from_proba(proba, n_alternatives=0)
        scores[w] = _macro_f1(tier_true, [p.tier for p in preds]) + _macro_f1(sub_true, [p.sub for p in preds])
    best = max(scores.values())
    return min(w for w, v in scores.items() if v >= best - 1e-9)


def fit_tier_model(
    rows: Sequence[LabelledIndicator],
    *,
    estimator: str = DEFAULT_ESTIMATOR,
    C: float = 4.0,
    words: bool = True,
    drop_noise: bool = True,
    rule_weight: float | None = None,
    weigh_sources: bool = True,
    reviewed: Sequence[bool] | None = None,
) -> TierModel:
    """Fit a :class:`TierModel` on labelled indicators (the label is the sub-tier).

    Tier-only rows (``sub`` None) are not fitted on. With ``weigh_sources`` each row weighs
    ``1/sqrt(rows of its group)`` (:func:`source_weights`), so one large document does not dominate.
    With ``drop_noise`` the rows :func:`noisy_rows` finds are left out of the fit;
    their indices (among the rows with a sub-tier) are kept in ``TierModel.dropped``. For a ``+rules``
    estimator the rule weight is ``rule_weight`` or, if None, :func:`choose_rule_weight` on the kept rows.
    ``reviewed[i]`` says that row i carries a reviewer's label: such rows are never dropped as noise
    and the model remembers their texts (:class:`TierModel`).
    """
    flags = [False] * len(rows) if reviewed is None else list(reviewed)
    if len(flags) != len(rows):
        raise ValueError(f"{len(flags)} reviewed flags for {len(rows)} rows")
    flags = [f for f, r in zip(flags, rows) if r.sub is not None]
    rows = [r for r in rows if r.sub is not None]
    if not rows:
        raise ValueError("no rows with a sub-tier label to train on")
    # the noise vote of a +stack model is its base model's (the stack's own out-of-fold pass inside
    # each of noisy_rows' folds would cost five times the fits for a filter of confident contradictions)
    noise_estimator = estimator[: -len("+stack")] if estimator.endswith("+stack") else estimator
    dropped = noisy_rows(rows, estimator=noise_estimator, C=C, words=words) if drop_noise else []
    skip = {i for i in dropped if not flags[i]}
    dropped = [i for i in dropped if i in skip]
    kept = [r for i, r in enumerate(rows) if i not in skip]
    kept_flags = [f for i, f in enumerate(flags) if i not in skip]
    pipeline = make_pipeline(estimator, C=C, words=words)
    if isinstance(pipeline, RuleBlend):
        w = choose_rule_weight(kept, estimator=estimator, C=C, words=words) if rule_weight is None else rule_weight
        pipeline.set_params(rule_weight=w)
    distinct, weights, _ = _collapse(kept, source_weights(kept) if weigh_sources else None)
    pipeline = _fit(pipeline, distinct, weights)
    memory = {r.text.key: str(r.sub) for r, f in zip(kept, kept_flags) if f}
    return TierModel(pipeline, estimator=estimator, dropped=tuple(dropped), reviewed=memory)


def fit_default_model(extra_rows: Sequence[LabelledIndicator] = (), *, estimator: str = DEFAULT_ESTIMATOR) -> TierModel:
    """The default model: fitted on the bundled training set (:func:`models.labels.load_default_training`:
    the sample disclosures with the reviewers' corrections + the multi-sector corpus) plus ``extra_rows``
    (e.g. the filed labels of ingested documents; a bundled document they contain again is taken from
    them, see :func:`models.labels.with_default_training`), sources weighted, label noise filtered.
    Deterministic."""
    return fit_tier_model(with_default_training(extra_rows), estimator=estimator)


def load_default(data_dir: Path | None) -> TierModel:
    """The model ``classify`` uses: the active version of ``<data_dir>/models/`` (see
    :mod:`models.registry`), or the default model fitted from the bundled sample indicators with
    the reviewers' corrections applied (a few seconds, deterministic; kept and registered under
    ``<data_dir>/models/``). Only files the registry records, with a matching SHA-256, are loaded.
    With ``data_dir=None`` nothing is read or written.
    """
    from models.registry import load_active

    return load_active(data_dir).model
