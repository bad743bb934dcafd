"""Versioned training: fit a candidate, compare it with the active model on held-out documents,
promote it only if it is not worse.

:func:`retrain` is one ``jixiao train`` run:

1. the candidate's training rows: the bundled training set the default model is fitted on
   (:func:`models.labels.load_default_training`; left out with ``bundled=False``), the store's
   indicators labelled as filed, reviewer labels winning (:func:`models.labelling.training_rows`),
   plus any extra labelled rows;
2. a held-out split of the store's documents (:func:`heldout_documents`: a fixed share, chosen by a
   hash of the document names, so every run over the same documents holds out the same ones). Its
   truth is the same merge of filed and reviewer labels, so reviewer-labelled rows of held-out
   documents are scored too;
3. the candidate is fitted without the held-out documents and scored on them; so is the active
   model — refitted the way it was made (its recipe: the same data sources, the reviewer labels it
   had seen) without the held-out documents whenever it was trained on one of them, so neither side
   is scored on documents it saw. Each version keeps its own held-out fit; when the active model's
   recipe gives exactly the rows of that fit (same store, same split), it is loaded instead of
   fitted again — the usual case after a review session, which so costs two fits, not three;
4. the candidate is promoted when its tier and sub-tier macro-F1 are both at least the active
   model's less a noise allowance (:func:`promote_tolerance`; or when forced); then the model saved is fitted on all rows, held-out documents included.
   It is saved as a new version either way (``jixiao models promote`` can still make it active).

When the store holds the bundled sample documents, the adjudication shipped with them counts as
reviewer labels given before the user's own (:func:`models.labelling.shipped_labels`), for the
candidate, the truth and every recipe alike: it is what the default model was trained on.

Steps 3 and 4 fit twice, independently: the candidate without the held-out documents, and the model
saved, on all rows (it is saved whether or not it is promoted). On a large training set (at least
:data:`PARALLEL_MIN_ROWS` rows) with a second core, the final model is fitted and the active model
scored in two forked child processes (:mod:`models.forking`) while this process fits and scores the
candidate; the outcome is the same as one after the other, only sooner.

Reviewer labels are exempt from the label-noise filter: the filter exists to drop doubtful
*filed* labels, and a reviewer's judgement is what the model must learn.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass, field
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any, Callable, Sequence

from models import persist, registry
from models.classifier import DEFAULT_ESTIMATOR, TierModel, fit_tier_model, noisy_rows
from models.evaluate import level_scores
from models.forking import Forked, InProcess, can_fork
from models.labelling import IndicatorRecord, LabelLike, TrainingSet, shipped_labels, training_rows
from models.labels import LabelledIndicator, load_default_training, read_labels, training_sha256, write_labels_csv
from nlp.errors import JixiaoError

__all__ = ["HELDOUT_SHARE", "PARALLEL_MIN_ROWS", "Score", "TrainOutcome", "TrainingError", "heldout_documents", "fit_training_set", "retrain"]

#: share of the store's documents held out to compare candidate and active model (at least one)
HELDOUT_SHARE = 0.2

#: "not worse" allows a macro-F1 lower by at most ``min(PROMOTE_TOLERANCE, 1 / sqrt(held-out rows))``:
#: two fits on nearly the same rows differ by a few held-out rows (one changed prediction moves a
#: small class's F1, and so the macro mean, by a point or more on a few hundred rows), which is noise,
#: not a worse model; on large held-out sets the allowance shrinks towards zero
PROMOTE_TOLERANCE = 0.02

#: from this many training rows on, :func:`retrain` fits the final model and scores the active one in two
#: forked processes while it fits the candidate (below it a fit takes seconds and a fork would not pay for itself)
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


def heldout_documents(docs: Sequence[str]) -> tuple[str, ...]:
    """The documents held out: ``HELDOUT_SHARE`` of them (at least one), ordered by a hash of the
    name; none when there are fewer than two documents."""
    names = sorted(set(docs), key=lambda d: hashlib.sha256(d.encode("utf-8")).hexdigest())
    if len(names) < 2:
        return ()
    n = max(1, round(len(names) * HELDOUT_SHARE))
    return tuple(sorted(names[:n]))


def _noise_estimator(estimator: str) -> str:
    return estimator[: -len("+stack")] if estimator.endswith("+stack") else estimator


def fit_training_set(ts: TrainingSet, *, estimator: str = DEFAULT_ESTIMATOR) -> TierModel:
    """Fit on a training set; the label-noise filter drops doubtful filed labels, never a reviewer's."""
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
    noisy = set(noisy_rows(ts.rows, estimator=_noise_estimator(estimator)))
    dropped = tuple(i for i in sorted(noisy) if not ts.reviewed[i])
    skip = set(dropped)
    kept = [r for i, r in enumerate(ts.rows) if i not in skip]
    model = fit_tier_model(kept, estimator=estimator, drop_noise=False)
    model.dropped = dropped
    return model


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


def _score(version: str, model: Any, truth: Sequence[LabelledIndicator]) -> Score:
    tier, sub = level_scores(truth, model.sub_proba([t.text for t in truth]))
    return Score(version, len(truth), tier.macro_f1, sub.macro_f1, tier.accuracy, sub.accuracy)


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


def _recipe_rows(data_dir: Path, recipe: dict[str, Any], records: Sequence[IndicatorRecord],
                 labels_upto: Callable[[int], Sequence[LabelLike]], shipped: Sequence[LabelLike]) -> TrainingSet:
    """The rows ``recipe`` fits on; ``shipped`` = :func:`models.labelling.shipped_labels` of ``records``."""
    used = records if recipe.get("store") else []
    ts = training_rows(used, [*(shipped if used else []), *labels_upto(int(recipe.get("label_upto", 0)))])
    if recipe.get("extra"):
        ts = _join(ts, read_labels(_extra_path(data_dir, recipe["extra"])))
    return _with_bundled(ts) if recipe.get("bundled") else ts


def _active_on_split(data_dir: Path, version: str, held: set[str], records: Sequence[IndicatorRecord],
                     labels_upto: Callable[[int], Sequence[LabelLike]], shipped: Sequence[LabelLike],
                     on_phase: Callable[[str], None]) -> Any:
    """The active model as it would be without the held-out documents (itself if it never saw them)."""
    names = held | {Path(h).name for h in held}
    if version == registry.DEFAULT_VERSION:
        bundled = load_default_training()
        if not any(r.group in names for r in bundled):
            return registry.default_model(data_dir)
        on_phase("refitting the active model without the held-out documents")
        kept = [r for r in bundled if r.group not in names]
        return fit_training_set(TrainingSet(kept, [False] * len(kept)))
    recipe = registry.version_recipe(data_dir, version) or {}
    ts = _recipe_rows(data_dir, recipe, records, labels_upto, shipped)
    if not any(r.group in names for r in ts.rows):
        return registry.load_version(data_dir, version)
    estimator = recipe.get("estimator", DEFAULT_ESTIMATOR)
    kept = _without(ts, names)
    cached = registry.load_heldout_fit(data_dir, version, fingerprint(kept, estimator))
    if cached is not None:  # the same rows were fitted when this version was trained
        return cached
    on_phase("refitting the active model without the held-out documents")
    return fit_training_set(kept, estimator=estimator)


def _fit_final(candidate: TrainingSet, cand_rows: TrainingSet | None, estimator: str) -> tuple[TierModel, str, str | None]:
    """The model saved, fitted on all rows, with :func:`models.labels.training_sha256` of its rows and of the
    candidate's (``cand_rows``), which saving and the held-out fit's fingerprint need: hashed here, where
    the rows are fitted anyway, rather than on the candidate's side."""
    model = fit_training_set(candidate, estimator=estimator)
    return model, training_sha256(candidate.rows), None if cand_rows is None else training_sha256(cand_rows.rows)


def _recipe_labels(data_dir: Path, version: str, labels_upto: Callable[[int], Sequence[LabelLike]]) -> list[LabelLike]:
    """The reviewer labels ``version`` was fitted with (none for the default model)."""
    if version == registry.DEFAULT_VERSION:
        return []
    recipe = registry.version_recipe(data_dir, version) or {}
    return list(labels_upto(int(recipe.get("label_upto", 0))))


def _active_score(data_dir: Path, version: str, held: set[str], records: Sequence[IndicatorRecord],
                  recipe_labels: Sequence[LabelLike], shipped: Sequence[LabelLike], truth: Sequence[LabelledIndicator],
                  on_phase: Callable[[str], None]) -> Score:
    """The active model's score on the held-out rows, as it would be without the held-out documents
    (:func:`_active_on_split`; ``recipe_labels`` from :func:`_recipe_labels`)."""
    model = _active_on_split(data_dir, version, held, records, lambda n: recipe_labels, shipped, on_phase)
    on_phase("scoring both on the held-out documents")
    return _score(version, model, truth)


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

    ``parallel``: fit the final model and score the active one in two forked processes while this one
    fits and scores the candidate (None:
    when the training set has at least ``PARALLEL_MIN_ROWS`` rows and a second core and ``fork``
    are available). The two fits are independent — the final model is fitted on all rows and saved
    whether or not the candidate wins — so the outcome is the same either way; only the wall clock differs."""
    shipped = shipped_labels(records)
    labelled = training_rows(records, [*shipped, *labels])  # the store's rows, reviewer labels winning: fitted and scored
    candidate = _join(labelled if use_store else training_rows([], labels), extra)
    if not candidate.rows:
        raise TrainingError("nothing to train on: no stored documents, reviewer labels or label file; "
                            "ingest documents or import labels first")
    n_own = len(candidate.rows)
    if bundled:
        candidate = _with_bundled(candidate)
    held = heldout_documents([r.doc for r in records])
    held_set = set(held)  # a set: held is a tuple of hundreds of names, looked up once per row
    held_names = held_set | {Path(h).name for h in held}
    truth = [r for r in labelled.rows if r.group in held_set]
    before = registry.active_version(data_dir)
    cand_score = act_score = None
    heldout_fit = heldout_sha = None
    if parallel is None:
        parallel = len(candidate.rows) >= PARALLEL_MIN_ROWS and can_fork()
    parallel = parallel and bool(truth)
    cand_rows = _without(candidate, held_names) if truth else None
    fit_final = partial(_fit_final, candidate, cand_rows, estimator)
    with Forked.start(fit_final) if parallel else InProcess(fit_final) as final_job:
        if truth:
            # the active model's side needs the labels it had seen: read here (the store is not used in a child)
            recipe_labels = _recipe_labels(data_dir, before, labels_upto)
            score_active = partial(_active_score, data_dir, before, held_names, records, recipe_labels, shipped, truth)
            with Forked.start(partial(score_active, lambda what: None)) if parallel else \
                    InProcess(partial(score_active, on_phase)) as active_job:
                on_phase("fitting the candidate without the held-out documents"
                         + (" (the active model's score and the model on all rows in two more processes)"
                            if parallel else ""))
                assert cand_rows is not None
                cand_eval = fit_training_set(cand_rows, estimator=estimator)
                cand_score = _score("(candidate)", cand_eval, truth)
                if parallel:
                    on_phase("waiting for the active model's score")
                try:
                    act_score = active_job.result()
                except persist.ModelVersionError as exc:
                    act_score, reason = None, f"the active model {before} cannot be used ({exc})"
            if act_score is not None:
                tol = promote_tolerance(len(truth))
                better = (cand_score.tier_macro_f1 >= act_score.tier_macro_f1 - tol
                          and cand_score.sub_macro_f1 >= act_score.sub_macro_f1 - tol)
                reason = ("not worse than the active model on tier and sub-tier macro-F1" if better else
                          "worse than the active model on " + " and ".join(
                              w for w, c, a in (("tier", cand_score.tier_macro_f1, act_score.tier_macro_f1),
                                                ("sub-tier", cand_score.sub_macro_f1, act_score.sub_macro_f1))
                              if c < a - tol)
                          + " macro-F1")
            else:
                better = True
        else:
            better = False
            reason = ("no held-out documents to compare on (the store needs at least two documents with labelled "
                      "indicators)")
        on_phase("waiting for the model on all rows" if parallel else "fitting the model on all rows")
        final, final_sha, heldout_sha = final_job.result()
    if cand_rows is not None and heldout_sha is not None:
        heldout_fit = (cand_eval, cand_rows.rows, fingerprint(cand_rows, estimator, heldout_sha))
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
        "n_heldout_rows": len(truth),
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
                                  recipe=recipe, activate=promoted, heldout_fit=heldout_fit,
                                  data_sha256=final_sha, heldout_data_sha256=heldout_sha)
    return TrainOutcome(version=entry["version"], promoted=promoted, forced=force and not better, reason=reason,
                        active_before=before, active_after=entry["version"] if promoted else before,
                        candidate=cand_score, active=act_score, heldout_documents=held, training=training)
