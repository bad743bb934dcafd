"""Versioned training: fit a candidate, compare it with the active model on held-out documents,
promote it only if it is not worse.

:func:`retrain` is one ``jixiao train`` run:

1. the candidate's training rows: the bundled training set the default model is fitted on
   (:func:`models.labels.load_default_training`; left out with ``bundled=False``), the store's
   indicators labelled as filed, reviewer labels winning (:func:`models.labelling.training_rows`),
   plus any extra labelled rows;
2. held-out splits of the store's documents (:func:`heldout_folds`): in a store of up to
   :data:`CROSS_VALIDATE_MAX_ROWS` labelled rows every document is held out once, in five folds;
   above, one split holds out a fixed share (:func:`heldout_documents`). Documents are ordered by a
   hash of their names, so every run over the same documents holds out the same ones. The truth is
   the same merge of filed and reviewer labels, so reviewer-labelled rows of held-out documents are
   scored too;
3. for each split the candidate is fitted without the held-out documents (and without the labels
   given to their rows) and scored on them, the scores pooled over the splits; so is the active
   model — refitted the way it was made (its recipe: the same data sources, the reviewer labels it
   had seen) without the held-out documents whenever it was trained on one of them, so neither side
   is scored on documents it saw. Each version keeps its own held-out fit; when the active model's
   recipe gives exactly the rows of that fit (same store, same split), it is loaded instead of
   fitted again — the usual case after a review session, which so costs two fits, not three;
4. the candidate is promoted unless it is worse on tier or sub-tier macro-F1 (or when forced):
   worse means lower than the active model's by more than a noise allowance
   (:func:`promote_tolerance`) *and* lower in at least :data:`WORSE_CONFIDENCE` of paired bootstrap
   resamples of the held-out rows (:func:`worse_on`); then the model saved is fitted on all rows,
   held-out documents included.
   It is saved as a new version either way (``jixiao models promote`` can still make it active).

When the store holds the bundled sample documents, the adjudication shipped with them counts as
reviewer labels given before the user's own (:func:`models.labelling.shipped_labels`), for the
candidate, the truth and every recipe alike: it is what the default model was trained on.

The final fit (step 4) does not depend on the comparison: the model on all rows is saved whether or
not it is promoted. With a large training set (at least :data:`PARALLEL_MIN_ROWS` rows) and a second
core it is fitted in a forked child process (:mod:`models.forking`) while this process fits and
compares the candidate, and with a single held-out split the active model is scored in a third;
the outcome is the same as one after the other, only sooner.

Reviewer labels are exempt from the label-noise filter (it exists to drop doubtful *filed* labels,
and a reviewer's judgement is what the model must learn) and the model remembers the texts they
label: a reviewed text is predicted as the reviewer labelled it. A held-out document's own reviewer
labels are not in the candidate it is scored against, so what is remembered never scores itself.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass, field
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from models import persist, registry
from models.classifier import DEFAULT_ESTIMATOR, TIER_LABELS, TierModel, fit_tier_model, predictions_from_proba
from models.evaluate import bootstrap_worse_share, level_scores
from models.forking import Forked, InProcess, can_fork
from models.labelling import IndicatorRecord, LabelLike, TrainingSet, shipped_labels, training_rows
from models.labels import LabelledIndicator, load_default_training, read_labels, training_sha256, write_labels_csv
from nlp.errors import JixiaoError
from nlp.normalize import SUB_TIERS

__all__ = ["HELDOUT_SHARE", "PARALLEL_MIN_ROWS", "Score", "TrainOutcome", "TrainingError", "heldout_documents", "fit_training_set", "retrain"]

#: share of the store's documents held out to compare candidate and active model (at least one)
HELDOUT_SHARE = 0.2

#: "not worse" allows a macro-F1 lower by at most ``min(PROMOTE_TOLERANCE, 1 / sqrt(held-out rows))``:
#: two fits on nearly the same rows differ by a few held-out rows (one changed prediction moves a
#: small class's F1, and so the macro mean, by a point or more on a few hundred rows), which is noise,
#: not a worse model; on large held-out sets the allowance shrinks towards zero
PROMOTE_TOLERANCE = 0.02


#: the candidate counts as worse on a macro-F1 when, beyond the allowance, it is also below the active
#: model in at least this share of :data:`RESAMPLES` paired bootstrap resamples of the held-out rows: a
#: difference of a handful of rows on one held-out document (near-ties that any change of the training
#: rows flips either way) is not evidence of a worse model, a two-row label file's model is
WORSE_CONFIDENCE = 0.95
RESAMPLES = 1000

#: from this many training rows on, :func:`retrain` fits the final model in a second process while it
#: fits and compares the candidate (below it a fit takes seconds and a second process would not pay for itself)
PARALLEL_MIN_ROWS = 20_000


def promote_tolerance(n_heldout: int) -> float:
    return min(PROMOTE_TOLERANCE, 1 / math.sqrt(max(n_heldout, 1)))


class TrainingError(JixiaoError):
    """The training data cannot make a model (e.g. a single sub-tier)."""


@dataclass(frozen=True)
class Score:
    """A model's scores on the held-out rows."""

    version: str
    n_rows: int
    tier_macro_f1: float
    sub_macro_f1: float
    tier_accuracy: float
    sub_accuracy: float


@dataclass(frozen=True)
class TrainOutcome:
    version: str  #: the version saved
    promoted: bool
    forced: bool
    reason: str  #: why it was (not) promoted, one sentence
    active_before: str
    active_after: str
    candidate: Score | None
    active: Score | None
    heldout_documents: tuple[str, ...]
    training: dict[str, Any] = field(default_factory=dict)
    #: per level (``tier``, ``sub``), the share of bootstrap resamples with the candidate below the active
    #: model, where its score is lower beyond the allowance (else None); None when nothing was compared
    worse_share: dict[str, float | None] | None = None


#: up to this many labelled rows every document is held out once (:func:`heldout_folds`): fits are a few
#: seconds, and one held-out document of a hundred rows is too few to tell two models apart — dropping ten
#: random training rows of the samples moves its tier accuracy by up to four rows
CROSS_VALIDATE_MAX_ROWS = 50_000


def heldout_folds(docs: Sequence[str], *, n_rows: int) -> list[tuple[str, ...]]:
    """The held-out splits candidate and active model are compared on: up to
    :data:`CROSS_VALIDATE_MAX_ROWS` labelled rows, every document once, in ``1 / HELDOUT_SHARE`` folds
    of documents (ordered by a hash of the name, as :func:`heldout_documents`); above, the single split
    of :func:`heldout_documents`. None when there are fewer than two documents."""
    names = sorted(set(docs), key=lambda d: hashlib.sha256(d.encode("utf-8")).hexdigest())
    if len(names) < 2:
        return []
    if n_rows > CROSS_VALIDATE_MAX_ROWS:
        return [heldout_documents(names)]
    k = min(len(names), round(1 / HELDOUT_SHARE))
    return [tuple(sorted(names[i::k])) for i in range(k)]


def heldout_documents(docs: Sequence[str]) -> tuple[str, ...]:
    """The documents held out: ``HELDOUT_SHARE`` of them (at least one), ordered by a hash of the
    name; none when there are fewer than two documents."""
    names = sorted(set(docs), key=lambda d: hashlib.sha256(d.encode("utf-8")).hexdigest())
    if len(names) < 2:
        return ()
    n = max(1, round(len(names) * HELDOUT_SHARE))
    return tuple(sorted(names[:n]))


def fit_training_set(ts: TrainingSet, *, estimator: str = DEFAULT_ESTIMATOR) -> TierModel:
    """Fit on a training set: reviewer labels are never dropped as label noise and are remembered for
    their texts (:func:`models.classifier.fit_tier_model`)."""
    with_sub = [i for i, r in enumerate(ts.rows) if r.sub is not None]  # tier-only rows are scored, never fitted
    ts = TrainingSet([ts.rows[i] for i in with_sub], [ts.reviewed[i] for i in with_sub])
    subs = {r.sub for r in ts.rows if r.sub}
    if len(subs) < 2:
        what = f"only {next(iter(subs))}" if subs else "no labelled rows"
        raise TrainingError(f"the training data has {what}: a classifier needs at least two sub-tiers; "
                            "ingest documents or label more rows")
    tiers = sorted({r.tier for r in ts.rows})
    if len(tiers) < 2:
        names = "、".join(sorted({r.sub for r in ts.rows if r.sub}))
        raise TrainingError(f"the {len(ts.rows)} training rows all carry one tier ({tiers[0]}: {names}); the classifier"
                            " needs labelled examples of at least two tiers (产出, 效益, 满意度)")
    return fit_tier_model(ts.rows, estimator=estimator, reviewed=ts.reviewed)


def _without(ts: TrainingSet, groups: set[str]) -> TrainingSet:
    keep = [i for i, r in enumerate(ts.rows) if r.group not in groups]
    return TrainingSet([ts.rows[i] for i in keep], [ts.reviewed[i] for i in keep])


def _join(a: TrainingSet, extra: Sequence[LabelledIndicator]) -> TrainingSet:
    return TrainingSet(list(a.rows) + list(extra), list(a.reviewed) + [False] * len(extra))


def _with_bundled(ts: TrainingSet) -> TrainingSet:
    """The bundled training set (:func:`models.labels.load_default_training`) followed by ``ts``; a
    bundled document that ``ts`` holds again (a sample disclosure ingested into the store) is taken
    from ``ts`` only, as :func:`models.labels.with_default_training` does.

    A document of ``ts`` takes the place of the bundled one in the bundled order, so that the store
    of the bundled samples alone gives the default model's rows in the default model's order (the
    same fit: the solver and the noise filter's folds depend on the order).
    """
    by_group: dict[str, list[int]] = {}
    for i, r in enumerate(ts.rows):
        by_group.setdefault(r.group, []).append(i)
    rows: list[LabelledIndicator] = []
    reviewed: list[bool] = []
    placed: set[str] = set()
    for r in load_default_training():
        if r.group not in by_group:
            rows.append(r)
            reviewed.append(False)
        elif r.group not in placed:
            placed.add(r.group)
            rows.extend(ts.rows[i] for i in by_group[r.group])
            reviewed.extend(ts.reviewed[i] for i in by_group[r.group])
    rest = [i for i, r in enumerate(ts.rows) if r.group not in placed]
    return TrainingSet(rows + [ts.rows[i] for i in rest], reviewed + [ts.reviewed[i] for i in rest])


def fingerprint(ts: TrainingSet, estimator: str, data_sha256: str | None = None) -> str:
    """What a fit depends on: the rows, which of them are reviewer labels, the estimator.
    ``data_sha256``: :func:`models.labels.training_sha256` of ``ts.rows`` when the caller has it already."""
    h = hashlib.sha256((training_sha256(ts.rows) if data_sha256 is None else data_sha256).encode("ascii"))
    h.update(bytes(ts.reviewed))
    h.update(estimator.encode("utf-8"))
    return h.hexdigest()


def _scored(version: str, proba: np.ndarray, truth: Sequence[LabelledIndicator]) -> tuple[Score, list[Any]]:
    """A model's scores on the held-out rows from its probabilities, and its predictions (for the paired
    comparison)."""
    preds = predictions_from_proba(proba, n_alternatives=0)
    tier, sub = level_scores(truth, [p.tier for p in preds], [p.sub for p in preds])
    return Score(version, len(truth), tier.macro_f1, sub.macro_f1, tier.accuracy, sub.accuracy), preds


def worse_on(truth: Sequence[LabelledIndicator], cand: tuple[Score, list[Any]],
             active: tuple[Score, list[Any]]) -> dict[str, float | None]:
    """For tier and sub-tier macro-F1, the share of paired bootstrap resamples of the held-out rows in
    which the candidate scores below the active model, when its score is lower by more than the noise
    allowance; None when it is not (:func:`models.evaluate.bootstrap_worse_share`)."""
    tol = promote_tolerance(len(truth))
    (cs, cp), (as_, ap) = cand, active
    out: dict[str, float | None] = {"tier": None, "sub": None}
    if cs.tier_macro_f1 < as_.tier_macro_f1 - tol:
        out["tier"] = bootstrap_worse_share(TIER_LABELS, [t.tier for t in truth], [p.tier for p in cp],
                                            [p.tier for p in ap], resamples=RESAMPLES)
    if cs.sub_macro_f1 < as_.sub_macro_f1 - tol:
        subs = [i for i, t in enumerate(truth) if t.sub is not None]
        out["sub"] = bootstrap_worse_share(SUB_TIERS, [str(truth[i].sub) for i in subs], [cp[i].sub for i in subs],
                                           [ap[i].sub for i in subs], resamples=RESAMPLES)
    return out


def _extra_path(data_dir: Path, name: str) -> Path:
    return data_dir / "models" / name


def _save_extra(data_dir: Path, extra: Sequence[LabelledIndicator]) -> str | None:
    """Keep extra labelled rows next to the models (content-addressed), so the version can be refitted."""
    if not extra:
        return None
    name = f"labels-{training_sha256(extra)[:16]}.csv"
    buf = StringIO()
    write_labels_csv(extra, buf)
    persist.write_atomic(_extra_path(data_dir, name), buf.getvalue().encode("utf-8"))
    return name


def _outside(labels: Sequence[LabelLike], held_ids: frozenset[str]) -> list[LabelLike]:
    """The labels not given to an indicator of a held-out document. A label also applies to the copies
    of its text in other documents (:func:`models.labelling.training_rows`); a fit that is scored on
    the held-out documents must not learn their labels through those copies."""
    return [lab for lab in labels if not (lab.in_store and lab.key in held_ids)]


def _recipe_rows(data_dir: Path, recipe: dict[str, Any], records: Sequence[IndicatorRecord],
                 labels_upto: Callable[[int], Sequence[LabelLike]], shipped: Sequence[LabelLike],
                 held_ids: frozenset[str] = frozenset()) -> TrainingSet:
    """The rows ``recipe`` fits on, without the labels of ``held_ids``; ``shipped`` =
    :func:`models.labelling.shipped_labels` of ``records``."""
    used = records if recipe.get("store") else []
    given = [*(shipped if used else []), *labels_upto(int(recipe.get("label_upto", 0)))]
    ts = training_rows(used, _outside(given, held_ids))
    if recipe.get("extra"):
        ts = _join(ts, read_labels(_extra_path(data_dir, recipe["extra"])))
    return _with_bundled(ts) if recipe.get("bundled") else ts


def _held_ids(records: Sequence[IndicatorRecord], held: set[str]) -> frozenset[str]:
    return frozenset(r.indicator_id for r in records if r.doc in held)


def _active_on_split(data_dir: Path, version: str, held: set[str], held_ids: frozenset[str],
                     records: Sequence[IndicatorRecord], labels_upto: Callable[[int], Sequence[LabelLike]],
                     shipped: Sequence[LabelLike], on_phase: Callable[[str], None]) -> Any:
    """The active model as it would be without the held-out documents and the labels of their rows
    (``held_ids``: :func:`_held_ids`); itself if it never saw them."""
    names = held | {Path(h).name for h in held}
    if version == registry.DEFAULT_VERSION:
        bundled = load_default_training()
        if not any(r.group in names for r in bundled):
            return registry.default_model(data_dir)
        on_phase("refitting the active model without the held-out documents")
        kept = [r for r in bundled if r.group not in names]
        return fit_training_set(TrainingSet(kept, [False] * len(kept)))
    recipe = registry.version_recipe(data_dir, version) or {}
    ts = _recipe_rows(data_dir, recipe, records, labels_upto, shipped, held_ids)
    given = labels_upto(int(recipe.get("label_upto", 0)))
    saw_labels = len(_outside(given, held_ids)) < len(given)
    if not saw_labels and not any(r.group in names for r in ts.rows):
        return registry.load_version(data_dir, version)
    estimator = recipe.get("estimator", DEFAULT_ESTIMATOR)
    kept = _without(ts, names)
    cached = registry.load_heldout_fit(data_dir, version, fingerprint(kept, estimator))
    if cached is not None:  # the same rows were fitted when this version was trained
        return cached
    on_phase("refitting the active model without the held-out documents")
    return fit_training_set(kept, estimator=estimator)


def _fit_final(candidate: TrainingSet, cand_rows: Sequence[TrainingSet], estimator: str) -> tuple[TierModel, str, list[str]]:
    """The model saved, fitted on all rows, with :func:`models.labels.training_sha256` of its rows and of
    each held-out fit's rows (``cand_rows``), which saving and the held-out fits' fingerprints need:
    hashed here, where the rows are fitted anyway (in a second process when there is one)."""
    model = fit_training_set(candidate, estimator=estimator)
    return model, training_sha256(candidate.rows), [training_sha256(c.rows) for c in cand_rows]


def _recipe_labels(data_dir: Path, version: str, labels_upto: Callable[[int], Sequence[LabelLike]]) -> list[LabelLike]:
    """The reviewer labels ``version`` was fitted with (none for the default model)."""
    if version == registry.DEFAULT_VERSION:
        return []
    recipe = registry.version_recipe(data_dir, version) or {}
    return list(labels_upto(int(recipe.get("label_upto", 0))))


def _active_proba(data_dir: Path, version: str, held: set[str], held_ids: frozenset[str],
                  records: Sequence[IndicatorRecord], recipe_labels: Sequence[LabelLike], shipped: Sequence[LabelLike],
                  truth: Sequence[LabelledIndicator], on_phase: Callable[[str], None]) -> np.ndarray:
    """The active model's probabilities on the held-out rows ``truth``, as it would be without the
    held-out documents (:func:`_active_on_split`; ``recipe_labels`` from :func:`_recipe_labels`, read
    before: a forked child does not use the label store)."""
    model = _active_on_split(data_dir, version, held, held_ids, records, lambda n: recipe_labels, shipped, on_phase)
    return model.sub_proba([t.text for t in truth])


def _candidate_rows(candidate: TrainingSet, fold: Sequence[str], held_ids: frozenset[str],
                    records: Sequence[IndicatorRecord], shipped: Sequence[LabelLike], labels: Sequence[LabelLike],
                    extra: Sequence[LabelledIndicator], *, use_store: bool, bundled: bool) -> TrainingSet:
    """The candidate's rows without the documents of ``fold`` and without the labels given to their rows
    (``held_ids``: :func:`_held_ids`)."""
    source = candidate
    given = [*(shipped if use_store else []), *labels]
    kept = _outside(given, held_ids)
    if len(kept) < len(given):
        source = _join(training_rows(records if use_store else [], kept), extra)
        source = _with_bundled(source) if bundled else source
    return _without(source, set(fold) | {Path(h).name for h in fold})


def retrain(
    data_dir: Path,
    *,
    records: Sequence[IndicatorRecord],
    labels: Sequence[LabelLike],
    labels_upto: Callable[[int], Sequence[LabelLike]],
    label_upto: int,
    extra: Sequence[LabelledIndicator] = (),
    extra_source: str | None = None,
    use_store: bool = True,
    estimator: str = DEFAULT_ESTIMATOR,
    force: bool = False,
    bundled: bool = True,
    parallel: bool | None = None,
    on_phase: Callable[[str], None] = lambda what: None,
) -> TrainOutcome:
    """One versioned training run (see the module docstring). ``labels`` are the reviewer labels in
    force, the latest having id ``label_upto``; ``labels_upto(n)`` gives them as they were at id n.
    With ``bundled`` the candidate is fitted on the bundled training set as well (the default model's).

    ``parallel``: fit the final model in a forked process (and, with a single held-out split, score
    the active one in another) while this one fits and scores the candidate (None: when the training
    set has at least ``PARALLEL_MIN_ROWS`` rows and a second core and ``fork`` are available). The
    fits are independent, so the outcome is the same either way; only the wall clock differs."""
    shipped = shipped_labels(records)
    labelled = training_rows(records, [*shipped, *labels])  # the store's rows, reviewer labels winning: fitted and scored
    candidate = _join(labelled if use_store else training_rows([], labels), extra)
    if not candidate.rows:
        raise TrainingError("nothing to train on: no stored documents, reviewer labels or label file; "
                            "ingest documents or import labels first")
    n_own = len(candidate.rows)
    if bundled:
        candidate = _with_bundled(candidate)
    truth_all = labelled.rows
    folds = heldout_folds([r.doc for r in records], n_rows=len(truth_all))
    held = tuple(sorted(d for fold in folds for d in fold))
    fold_truth = [[r for r in truth_all if r.group in held_set] for held_set in (set(f) for f in folds)]
    truth = [r for rows in fold_truth for r in rows]  # fold by fold, as scored
    before = registry.active_version(data_dir)
    cand_score = act_score = None
    worse_share: dict[str, float | None] | None = None
    if parallel is None:
        parallel = len(candidate.rows) >= PARALLEL_MIN_ROWS and can_fork()
    splits = [(fold, rows, _held_ids(records, set(fold))) for fold, rows in zip(folds, fold_truth) if rows]
    cand_rows = [_candidate_rows(candidate, fold, held_ids, records, shipped, labels, extra, use_store=use_store,
                                 bundled=bundled) for fold, _, held_ids in splits]
    # the active model's side needs the labels it had seen: read here (the store is not used in a child)
    recipe_labels = _recipe_labels(data_dir, before, labels_upto) if splits else []
    cand_fits: list[TierModel] = []
    reason = ""
    fit_final = partial(_fit_final, candidate, cand_rows, estimator)
    with Forked.start(fit_final) if parallel else InProcess(fit_final) as final_job:
        if splits:
            cand_proba, act_proba = [], []
            active_usable = True
            for k, ((fold, rows, held_ids), fold_rows) in enumerate(zip(splits, cand_rows)):
                score_active = partial(_active_proba, data_dir, before, set(fold), held_ids, records, recipe_labels,
                                       shipped, rows)
                fork_active = parallel and len(splits) == 1
                with Forked.start(partial(score_active, lambda what: None)) if fork_active else \
                        InProcess(partial(score_active, on_phase)) as active_job:
                    on_phase("fitting the candidate without the held-out documents"
                             + (f" ({k + 1}/{len(splits)})" if len(splits) > 1 else "")
                             + (" (the model on all rows in another process)" if parallel else ""))
                    cand_eval = fit_training_set(fold_rows, estimator=estimator)
                    cand_fits.append(cand_eval)
                    cand_proba.append(cand_eval.sub_proba([t.text for t in rows]))
                    if not active_usable:
                        continue
                    if fork_active:
                        on_phase("waiting for the active model's score")
                    try:
                        act_proba.append(active_job.result())
                    except persist.ModelVersionError as exc:
                        active_usable, reason = False, f"the active model {before} cannot be used ({exc})"
            on_phase("scoring both on the held-out documents")
            cand_scored = _scored("(candidate)", np.vstack(cand_proba), truth)
            cand_score = cand_scored[0]
            if active_usable:
                act_scored = _scored(before, np.vstack(act_proba), truth)
                act_score = act_scored[0]
                worse_share = worse_on(truth, cand_scored, act_scored)
                worse = [(what, share) for what, share in (("tier", worse_share["tier"]), ("sub-tier", worse_share["sub"]))
                         if share is not None and share >= WORSE_CONFIDENCE]
                better = not worse
                lower = [what for what, share in (("tier", worse_share["tier"]), ("sub-tier", worse_share["sub"]))
                         if share is not None]
                if worse:
                    reason = "worse than the active model on " + " and ".join(
                        f"{what} macro-F1 (lower in {share:.0%} of {RESAMPLES} resamples of the held-out rows)"
                        for what, share in worse)
                elif lower:
                    reason = ("not worse than the active model: its " + " and ".join(lower) + " macro-F1 is lower, "
                              f"but not in {WORSE_CONFIDENCE:.0%} of {RESAMPLES} resamples of the held-out rows")
                else:
                    reason = "not worse than the active model on tier and sub-tier macro-F1"
            else:
                better = True
        else:
            better = False
            reason = ("no held-out documents to compare on (the store needs at least two documents with labelled "
                      "indicators)")
        on_phase("waiting for the model on all rows" if parallel else "fitting the model on all rows")
        final, final_sha, heldout_shas = final_job.result()
    heldout_fits = [(fitted, rows.rows, fingerprint(rows, estimator, sha), sha)
                    for fitted, rows, sha in zip(cand_fits, cand_rows, heldout_shas)]
    promoted = better or force
    extra_name = _save_extra(data_dir, extra)
    training = {
        "store": use_store,
        "n_rows": len(candidate.rows),
        "bundled": bundled,
        "n_bundled_rows": len(candidate.rows) - n_own,
        "n_reviewer_labels": sum(candidate.reviewed),
        "n_shipped_labels": len(shipped) if use_store else 0,
        "n_documents": len({r.group for r in candidate.rows}),
        "n_dropped_as_noise": len(final.dropped),
        "label_upto": label_upto,
        "extra": extra_source,
        "estimator": estimator,
    }
    metrics = {
        "heldout_documents": list(held),
        "tolerance": round(promote_tolerance(len(truth)), 4) if truth else None,
        "worse_share": worse_share,
        "n_heldout_rows": len(truth),
        "folds": len(folds),
        "candidate": None if cand_score is None else asdict(cand_score),
        "active": None if act_score is None else asdict(act_score),
        "promoted": promoted,
        "forced": force and not better,
        "reason": reason,
    }
    recipe = {"store": use_store, "label_upto": label_upto, "extra": extra_name, "estimator": estimator,
              "bundled": bundled}
    on_phase("saving")
    entry = registry.save_version(data_dir, final, rows=candidate.rows, training=training, metrics=metrics,
                                  recipe=recipe, activate=promoted, heldout_fits=heldout_fits, data_sha256=final_sha)
    return TrainOutcome(version=entry["version"], promoted=promoted, forced=force and not better, reason=reason,
                        active_before=before, active_after=entry["version"] if promoted else before,
                        candidate=cand_score, active=act_score, heldout_documents=held, training=training,
                        worse_share=worse_share)
