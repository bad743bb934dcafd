"""Evaluation that does not flatter: documents held out whole, baselines in the same run.

:func:`cross_validate` fits each estimator once per group (source document) with that group
held out and scores the out-of-fold predictions, so no indicator is ever scored by a
model that saw its own document (documents that are copies of each other are held out together,
:func:`fold_groups`). Scores are also given per sector and per origin (bundled samples, corpus). It reports, for tier and sub-tier: macro-F1,
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
from models.features import fold_text
from models.labels import CORPUS_GROUP_PREFIX, REFERENCE_GROUP_PREFIX, Correction, LabelledIndicator, apply_corrections, load_bundled_training
from models.unionfind import UnionFind
from nlp.normalize import SUB_TIERS

#: what ``jixiao evaluate`` compares: the keyword rules, a plain character TF-IDF SVM, our SVM
#: alone and the shipped stack
EVALUATION_ESTIMATORS: tuple[str, ...] = ("baseline", "char-svm", "svm", "svm+stack")

__all__ = [
    "EVALUATION_ESTIMATORS",
    "ClassMetrics",
    "LevelReport",
    "Disagreement",
    "SubsetScore",
    "fold_groups",
    "EstimatorResult",
    "CrossValidation",
    "cross_validate",
    "evaluate_model",
    "score_predictions",
    "bootstrap_worse_share",
    "level_scores",
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
class SubsetScore:
    """Macro-F1 and accuracy on a subset of the scored rows (one sector, or one origin)."""

    name: str
    n_rows: int  #: rows with a tier label
    n_sub_rows: int  #: of which with a sub-tier label
    tier_macro_f1: float
    sub_macro_f1: float | None  #: None when no row of the subset has a sub-tier label
    tier_accuracy: float
    sub_accuracy: float | None


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
    by_sector: tuple[SubsetScore, ...] = ()  #: largest sector first
    by_origin: tuple[SubsetScore, ...] = ()  #: ``samples`` (the bundled disclosures), ``corpus``, ``documents``
    n_uncertain: int = 0  #: rows whose prediction is flagged uncertain
    uncertain_tier_accuracy: float | None = None  #: tier accuracy on those rows
    certain_tier_accuracy: float | None = None  #: tier accuracy on the others


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


def _origin(group: str, samples: frozenset[str]) -> str:
    if group.startswith(CORPUS_GROUP_PREFIX):
        return "corpus"
    return "samples" if group in samples else "documents"


def _bundled_sample_groups() -> frozenset[str]:
    return frozenset(r.group for r in load_bundled_training())


def _macro(labels: Sequence[str], y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    return _level("", tuple(labels), y_true, y_pred).macro_f1


def bootstrap_worse_share(
    labels: Sequence[str], y_true: Sequence[str], pred_a: Sequence[str], pred_b: Sequence[str],
    *, resamples: int = 1000, seed: int = 0,
) -> float:
    """In what share of paired bootstrap resamples of the rows model A's macro-F1 is below model B's.

    Each resample weighs every row by a Poisson(1) count (the same counts for both models, so the
    comparison is paired); macro-F1 as :func:`score_predictions` computes it (the classes present in the
    resample's truth). Seeded: the same inputs give the same share. 0.0 for no rows.
    """
    n = len(y_true)
    if n == 0:
        return 0.0
    index = {lab: k for k, lab in enumerate(labels)}
    k = len(labels)

    def onehot(ys: Sequence[str]) -> np.ndarray:
        m = np.zeros((n, k), dtype=np.float32)
        m[np.arange(n), [index[y] for y in ys]] = 1.0
        return m

    t, a, b = onehot(y_true), onehot(pred_a), onehot(pred_b)
    ta, tb = t * a, t * b
    rng = np.random.default_rng(seed)
    worse = 0
    chunk = max(1, min(resamples, 20_000_000 // n))
    for lo in range(0, resamples, chunk):
        w = rng.poisson(1.0, size=(min(chunk, resamples - lo), n)).astype(np.float32)
        true_k = w @ t

        def macro(tp: np.ndarray, pred_k: np.ndarray) -> np.ndarray:
            denom = true_k + pred_k
            f1 = np.divide(2 * tp, denom, out=np.zeros_like(denom), where=denom > 0)
            present = true_k > 0
            return (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)

        worse += int((macro(w @ ta, w @ a) < macro(w @ tb, w @ b) - 1e-9).sum())
    return worse / resamples


def _subset_scores(
    keys: Sequence[str], tier_true: Sequence[str], tier_pred: Sequence[str], sub_true: Sequence[str | None], sub_pred: Sequence[str]
) -> tuple[SubsetScore, ...]:
    order: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        order.setdefault(k, []).append(i)
    out = []
    for name, idx in sorted(order.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        with_sub = [i for i in idx if sub_true[i] is not None]
        tt, tp = [tier_true[i] for i in idx], [tier_pred[i] for i in idx]
        st, sp = [str(sub_true[i]) for i in with_sub], [sub_pred[i] for i in with_sub]
        out.append(SubsetScore(
            name=name, n_rows=len(idx), n_sub_rows=len(with_sub),
            tier_macro_f1=_macro(TIER_LABELS, tt, tp),
            sub_macro_f1=_macro(SUB_TIERS, st, sp) if with_sub else None,
            tier_accuracy=round(float(np.mean([a == b for a, b in zip(tt, tp)])), 4),
            sub_accuracy=round(float(np.mean([a == b for a, b in zip(st, sp)])), 4) if with_sub else None,
        ))
    return tuple(out)


def level_scores(rows: Sequence[LabelledIndicator], tier_pred: Sequence[str],
                 sub_pred: Sequence[str]) -> tuple[LevelReport, LevelReport]:
    """The ``tier`` report over every row and the ``sub`` report over the rows with a sub-tier label, for
    predicted tiers and sub-tiers: the part of :func:`score_predictions` comparing two models needs."""
    labelled = [i for i, r in enumerate(rows) if r.sub is not None]
    return (_level("tier", TIER_LABELS, [r.tier for r in rows], tier_pred),
            _level("sub", tuple(SUB_TIERS), [str(rows[i].sub) for i in labelled], [sub_pred[i] for i in labelled]))


def score_predictions(
    estimator: str, rows: Sequence[LabelledIndicator], sub_proba: np.ndarray, *, n_examples: int = 25
) -> EstimatorResult:
    """Score sub-tier probabilities (``SUB_TIERS`` columns) against the labels of ``rows``.

    Tier-level scores count every row; sub-tier scores the rows with a sub-tier label.
    """
    preds = predictions_from_proba(sub_proba)
    tier_true = [r.tier for r in rows]
    sub_true = [r.sub for r in rows]
    tier_pred = [p.tier for p in preds]
    sub_pred = [p.sub for p in preds]
    labelled = [i for i, r in enumerate(rows) if r.sub is not None]
    conf = np.array([p.tier_confidence for p in preds])
    correct = np.array([a == b for a, b in zip(tier_true, tier_pred)], dtype=float)
    wrong = [
        Disagreement(r.group, r.text.name, r.text.value or "", r.tier, r.sub or "", p.tier, p.sub, p.confidence)
        for r, p in zip(rows, preds)
        if (r.sub is not None and r.sub != p.sub) or r.tier != p.tier
    ]
    wrong.sort(key=lambda d: (d.label_tier == d.tier, -d.confidence))
    unsure = np.array([p.uncertain for p in preds], dtype=bool)
    samples = _bundled_sample_groups()
    tier, sub = level_scores(rows, tier_pred, sub_pred)
    return EstimatorResult(
        estimator=estimator,
        n_rows=len(rows),
        tier=tier,
        sub=sub,
        tier_ece=_ece(conf, correct),
        tier_disagreements=int(len(rows) - correct.sum()),
        sub_disagreements=sum(1 for i in labelled if sub_true[i] != sub_pred[i]),
        examples=tuple(wrong[:n_examples]),
        by_sector=_subset_scores([r.sector or "(unknown)" for r in rows], tier_true, tier_pred, sub_true, sub_pred),
        by_origin=_subset_scores([_origin(r.group, samples) for r in rows], tier_true, tier_pred, sub_true, sub_pred),
        n_uncertain=int(unsure.sum()),
        uncertain_tier_accuracy=round(float(correct[unsure].mean()), 4) if unsure.any() else None,
        certain_tier_accuracy=round(float(correct[~unsure].mean()), 4) if (~unsure).any() else None,
    )


def fold_groups(rows: Sequence[LabelledIndicator], *, overlap: float = 0.5) -> list[str]:
    """The cross-validation fold of each row: its group, with groups that are copies of each other joined.

    Two groups are joined when at least ``overlap`` of the distinct (name, value) pairs of the smaller
    one also occur in the other: the same table published twice (under two file names, or copied into
    another document) must be held out together, or the copy would score itself. A pair shared by
    more than 20 groups (boilerplate such as 服务对象满意度 ≥90%) is no evidence of copying. A fold is
    named after its first group in sorted order.
    """
    names = sorted({r.group for r in rows})
    gi = {g: i for i, g in enumerate(names)}
    keys: list[set[tuple[str, str]]] = [set() for _ in names]
    for r in rows:
        keys[gi[r.group]].add((fold_text(r.text.name), (r.text.value or "").strip()))
    holders: dict[tuple[str, str], list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            holders.setdefault(k, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for hs in holders.values():
        if len(hs) > 20:
            continue
        for a in range(len(hs)):
            for b in range(a + 1, len(hs)):
                shared[(hs[a], hs[b])] = shared.get((hs[a], hs[b]), 0) + 1
    uf = UnionFind(len(names))
    for (a, b), n in shared.items():
        if n >= overlap * min(len(keys[a]), len(keys[b])):
            uf.union(a, b)
    return [names[uf.find(gi[r.group])] for r in rows]


def _fold_proba(rows: Sequence[LabelledIndicator], train: np.ndarray, test: np.ndarray, est: str,
                words: bool, C: float | None) -> tuple[np.ndarray, int]:
    """Sub-tier probabilities of the ``test`` rows by ``est`` fitted on the ``train`` rows (one fold), and
    how many ConvergenceWarnings the fit raised (a worker process cannot pass its warnings on)."""
    fit_rows = [rows[i] for i in train]
    if not any(r.sub is not None for r in fit_rows):
        return np.full((len(test), len(SUB_TIERS)), 1.0 / len(SUB_TIERS)), 0
    kwargs = {} if C is None else {"C": C}
    with _convergence_warnings_counted() as stopped:
        model = fit_tier_model(fit_rows, estimator=est, words=words, **kwargs)
    return model.sub_proba([rows[i].text for i in test]), stopped[0]


def cross_validate(
    rows: Sequence[LabelledIndicator],
    *,
    estimators: Sequence[str] = ESTIMATORS,
    C: float | None = None,
    words: bool = True,
    on_fit: Callable[[str], None] | None = None,
    n_jobs: int = 1,
) -> CrossValidation:
    """Leave-one-source-out cross-validation of each estimator on the same folds.

    Folds are the ``group`` field of the rows (the source document), copies joined
    (:func:`fold_groups`); at least two are needed. Reference rows (group ``docs:…``, the reviewer's
    examples) are fitted on in every fold and never scored. Tier-only rows are scored at tier level and never
    fitted on. ``on_fit`` is called after each model fitted (with the estimator's name), for progress.
    ``n_jobs`` > 1 fits the folds in that many worker processes (same results: every fit is deterministic).
    """
    groups = np.array(fold_groups(rows), dtype=object)
    reference = np.array([r.group.startswith(REFERENCE_GROUP_PREFIX) for r in rows], dtype=bool)
    names = tuple(sorted(set(groups[~reference])))
    if len(names) < 2:
        raise ValueError("cross-validation needs labelled rows from at least two groups (documents)")
    # reference rows (the reviewer's examples) are fitted on in every fold and never scored
    folds = [(np.flatnonzero(groups != g), np.flatnonzero(groups == g)) for g in names]
    results = []
    for est in estimators:
        proba = np.zeros((len(rows), len(SUB_TIERS)))
        if n_jobs > 1 and est != "baseline":
            from joblib import Parallel, delayed

            jobs = (delayed(_fold_proba)(rows, train, test, est, words, C) for train, test in folds)
            outputs = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
        else:
            outputs = (_fold_proba(rows, train, test, est, words, C) for train, test in folds)
        for (_, test), (p, stopped) in zip(folds, outputs):
            proba[test] = p
            for _ in range(stopped):  # passed on to the caller's warning filters
                warnings.warn("a solver stopped at its iteration limit", ConvergenceWarning)
            if on_fit is not None:
                on_fit(est)
        scored = np.flatnonzero(~reference)
        results.append(score_predictions(est, [rows[i] for i in scored], proba[scored]))
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
    """How many models :func:`evaluation_run` fits (one per estimator per held-out fold per CV, plus the held-out set)."""
    groups = len({g for g, r in zip(fold_groups(training), training) if not r.group.startswith(REFERENCE_GROUP_PREFIX)})
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
    n_jobs: int = 1,
) -> EvaluationRun:
    """Document-held-out CV of every estimator against the filed labels and, with
    ``corrections``, against the adjudicated labels; plus (if given) scores on a separate labelled set.

    ``on_fit`` is called after each model fitted (:func:`evaluation_fits` of them in all), for progress.
    scikit-learn's ConvergenceWarnings (solver runs that stopped at their iteration limit, in the
    logistic comparison fits) are counted in ``not_converged`` instead of being printed; any other
    warning goes through. ``n_jobs`` worker processes fit the folds (see :func:`cross_validate`).
    """
    with _convergence_warnings_counted() as stopped:
        cv = cross_validate(training, estimators=estimators, on_fit=on_fit, n_jobs=n_jobs)
        adjudicated = adjudication = None
        fit_rows = training
        if corrections:
            fit_rows = apply_corrections(training, corrections, source=corrections_name)
            adjudicated = cross_validate(fit_rows, estimators=estimators, on_fit=on_fit, n_jobs=n_jobs)
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
