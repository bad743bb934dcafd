"""Evaluation that does not flatter: documents held out whole, baseline in the same run.

:func:`cross_validate` fits each estimator once per group (document) with that group
held out and scores the out-of-fold predictions, so no indicator is ever scored by a
model that saw its own document. It reports, for tier and sub-tier: macro-F1,
accuracy, per-class precision/recall/F1 and the confusion matrix; the expected
calibration error of the tier confidence; and how many filed labels the
out-of-fold model disagrees with (label noise or model error: the examples say which).
:func:`evaluate_model` scores an already fitted model on a labelled file in the same terms.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from models.classifier import DEFAULT_ESTIMATOR, ESTIMATORS, TIER_LABELS, TierModel, fit_tier_model, predictions_from_proba
from models.labels import Correction, LabelledIndicator, apply_corrections
from nlp.normalize import SUB_TIERS

__all__ = [
    "ClassMetrics",
    "LevelReport",
    "Disagreement",
    "EstimatorResult",
    "CrossValidation",
    "cross_validate",
    "evaluate_model",
    "score_predictions",
    "Adjudication",
    "EvaluationRun",
    "evaluation_fits",
    "evaluation_run",
]


@dataclass(frozen=True)
class ClassMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class LevelReport:
    """Scores at one level (tier or sub-tier). ``confusion[i][j]`` = true ``labels[i]`` predicted ``labels[j]``."""

    level: str
    labels: tuple[str, ...]
    macro_f1: float
    accuracy: float
    per_class: tuple[ClassMetrics, ...]
    confusion: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Disagreement:
    """A labelled row whose (out-of-fold) prediction differs from its label."""

    group: str
    name: str
    value: str
    label_tier: str
    label_sub: str
    tier: str
    sub: str
    confidence: float


@dataclass(frozen=True)
class EstimatorResult:
    estimator: str
    n_rows: int
    tier: LevelReport
    sub: LevelReport
    tier_ece: float  #: expected calibration error of tier_confidence (10 bins); lower is better
    tier_disagreements: int
    sub_disagreements: int
    examples: tuple[Disagreement, ...]  #: tier disagreements first, most confident first


@dataclass(frozen=True)
class CrossValidation:
    """Result of :func:`cross_validate`: one result per estimator, same folds."""

    groups: tuple[str, ...]
    results: tuple[EstimatorResult, ...]

    @property
    def best(self) -> EstimatorResult:
        """The estimator with the highest mean of tier and sub-tier macro-F1."""
        return max(self.results, key=lambda r: r.tier.macro_f1 + r.sub.macro_f1)


def _level(level: str, labels: tuple[str, ...], y_true: Sequence[str], y_pred: Sequence[str]) -> LevelReport:
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
    true_labels = [lab for lab in present if lab in set(y_true)]
    idx = [present.index(lab) for lab in true_labels]
    macro = float(np.mean(f[idx])) if idx else 0.0  # classes absent from the truth do not count
    cm = confusion_matrix(y_true, y_pred, labels=list(labels))
    per = tuple(
        ClassMetrics(lab, round(float(p[i]), 4), round(float(r[i]), 4), round(float(f[i]), 4), int(s[i]))
        for i, lab in enumerate(present)
    )
    acc = float(np.mean(np.asarray(y_true, dtype=object) == np.asarray(y_pred, dtype=object))) if len(y_true) else 0.0
    return LevelReport(
        level=level,
        labels=labels,
        macro_f1=round(macro, 4),
        accuracy=round(acc, 4),
        per_class=per,
        confusion=tuple(tuple(int(v) for v in row) for row in cm),
    )


def _ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return round(float(total), 4)


def score_predictions(
    estimator: str, rows: Sequence[LabelledIndicator], sub_proba: np.ndarray, *, n_examples: int = 25
) -> EstimatorResult:
    """Score sub-tier probabilities (``SUB_TIERS`` columns) against the labels of ``rows``."""
    preds = predictions_from_proba(sub_proba)
    tier_true = [r.tier for r in rows]
    sub_true = [r.sub for r in rows]
    tier_pred = [p.tier for p in preds]
    sub_pred = [p.sub for p in preds]
    conf = np.array([p.tier_confidence for p in preds])
    correct = np.array([a == b for a, b in zip(tier_true, tier_pred)], dtype=float)
    wrong = [
        Disagreement(r.group, r.text.name, r.text.value or "", r.tier, r.sub, p.tier, p.sub, p.confidence)
        for r, p in zip(rows, preds)
        if r.sub != p.sub
    ]
    wrong.sort(key=lambda d: (d.label_tier == d.tier, -d.confidence))
    return EstimatorResult(
        estimator=estimator,
        n_rows=len(rows),
        tier=_level("tier", TIER_LABELS, tier_true, tier_pred),
        sub=_level("sub", tuple(SUB_TIERS), sub_true, sub_pred),
        tier_ece=_ece(conf, correct),
        tier_disagreements=int(len(rows) - correct.sum()),
        sub_disagreements=len(wrong),
        examples=tuple(wrong[:n_examples]),
    )


def cross_validate(
    rows: Sequence[LabelledIndicator],
    *,
    estimators: Sequence[str] = ESTIMATORS,
    C: float | None = None,
    words: bool = True,
    on_fit: Callable[[str], None] | None = None,
) -> CrossValidation:
    """Leave-one-group-out cross-validation of each estimator on the same folds.

    Groups are the ``group`` field of the rows (the source document); at least two are needed.
    ``on_fit`` is called after each model fitted (with the estimator's name), for progress.
    """
    groups = np.array([r.group for r in rows], dtype=object)
    names = tuple(sorted(set(groups)))
    if len(names) < 2:
        raise ValueError("cross-validation needs labelled rows from at least two groups (documents)")
    results = []
    for est in estimators:
        proba = np.zeros((len(rows), len(SUB_TIERS)))
        for g in names:
            test = np.flatnonzero(groups == g)
            train = np.flatnonzero(groups != g)
            kwargs = {} if C is None else {"C": C}
            model = fit_tier_model([rows[i] for i in train], estimator=est, words=words, **kwargs)
            proba[test] = model.sub_proba([rows[i].text for i in test])
            if on_fit is not None:
                on_fit(est)
        results.append(score_predictions(est, rows, proba))
    return CrossValidation(groups=names, results=tuple(results))


def evaluate_model(model: TierModel, rows: Sequence[LabelledIndicator], *, name: str | None = None) -> EstimatorResult:
    """Score a fitted model on labelled rows it was not trained on."""
    return score_predictions(name or model.estimator, rows, model.sub_proba([r.text for r in rows]))


@dataclass(frozen=True)
class Adjudication:
    """The reviewers' verdicts used by an evaluation run and what they changed."""

    n_adjudicated: int  #: rows a reviewer judged
    n_corrected: int  #: of which the filed label was replaced
    n_disagree: int  #: rows judged because the out-of-fold model disagreed with the filed label
    n_agree_sample: int  #: rows judged as a random check among rows where model and label agreed
    n_agree_sample_corrected: int  #: of which corrected (estimates the error rate on the agreeing side)


@dataclass(frozen=True)
class EvaluationRun:
    """What ``jixiao evaluate`` reports.

    ``cv`` scores against the labels AS FILED (models trained on filed labels);
    ``adjudicated`` (if corrections were given) trains each fold on the adjudicated
    labels of the training documents and scores against the adjudicated labels of the
    held-out document. ``heldout`` scores models fitted on all training rows (adjudicated
    ones when corrections were given) on a separate labelled set.
    """

    not_converged: int  #: solver runs that stopped at their iteration limit (scikit-learn ConvergenceWarning)
    cv: CrossValidation
    shipped: str  #: the estimator the default model uses
    heldout_name: str | None
    heldout: tuple[EstimatorResult, ...]  #: every estimator fitted on all training rows, scored on the held-out set
    adjudicated: CrossValidation | None = None
    adjudication: Adjudication | None = None


def evaluation_fits(training: Sequence[LabelledIndicator], *, heldout: bool, corrections: bool,
                    estimators: Sequence[str] = ESTIMATORS) -> int:
    """How many models :func:`evaluation_run` fits (one per estimator per held-out group per CV, plus the held-out set)."""
    groups = len({r.group for r in training})
    return len(estimators) * (groups * (2 if corrections else 1) + (1 if heldout else 0))


@contextmanager
def _convergence_warnings_counted() -> Iterator[list[int]]:
    """Count scikit-learn's ConvergenceWarnings raised inside (into the yielded one-item list) instead of
    printing them; every other warning is re-issued."""
    count = [0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield count
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            count[0] += 1
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def evaluation_run(
    training: Sequence[LabelledIndicator],
    *,
    heldout: Sequence[LabelledIndicator] | None = None,
    heldout_name: str | None = None,
    estimators: Sequence[str] = ESTIMATORS,
    corrections: Sequence[Correction] | None = None,
    corrections_name: str = "corrections",
    on_fit: Callable[[str], None] | None = None,
) -> EvaluationRun:
    """Document-held-out CV of every estimator against the filed labels and, with
    ``corrections``, against the adjudicated labels; plus (if given) scores on a separate labelled set.

    ``on_fit`` is called after each model fitted (:func:`evaluation_fits` of them in all), for progress.
    scikit-learn's ConvergenceWarnings (solver runs that stopped at their iteration limit, in the
    logistic comparison fits) are counted in ``not_converged`` instead of being printed; any other
    warning goes through.
    """
    with _convergence_warnings_counted() as stopped:
        cv = cross_validate(training, estimators=estimators, on_fit=on_fit)
        adjudicated = adjudication = None
        fit_rows = training
        if corrections:
            fit_rows = apply_corrections(training, corrections, source=corrections_name)
            adjudicated = cross_validate(fit_rows, estimators=estimators, on_fit=on_fit)
            sample = [c for c in corrections if c.selected_by == "agree_sample"]
            adjudication = Adjudication(
                n_adjudicated=len(corrections),
                n_corrected=sum(c.verdict == "corrected" for c in corrections),
                n_disagree=sum(c.selected_by == "disagree" for c in corrections),
                n_agree_sample=len(sample),
                n_agree_sample_corrected=sum(c.verdict == "corrected" for c in sample),
            )
        scored: list[EstimatorResult] = []
        if heldout:
            for est in estimators:
                scored.append(evaluate_model(fit_tier_model(fit_rows, estimator=est), heldout, name=est))
                if on_fit is not None:
                    on_fit(est)
    return EvaluationRun(
        not_converged=stopped[0],
        cv=cv,
        shipped=DEFAULT_ESTIMATOR,
        heldout_name=heldout_name,
        heldout=tuple(scored),
        adjudicated=adjudicated,
        adjudication=adjudication,
    )
