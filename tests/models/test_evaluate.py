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


def test_copies_of_a_document_are_held_out_together_and_reference_rows_never_scored() -> None:
    from models.evaluate import fold_groups
    from models.labels import REFERENCE_GROUP_PREFIX

    copy = [LabelledIndicator(r.text, r.tier, r.sub, "a-copy") for r in ROWS if r.group == "a"]
    reference = [_row("受益人数", "社会效益", REFERENCE_GROUP_PREFIX + "examples", "≥1000人")]
    rows = ROWS + copy + reference
    folds = fold_groups(rows)
    assert {f for f, r in zip(folds, rows) if r.group in ("a", "a-copy")} == {"a"}
    assert len(set(folds)) == 4  # a (+ its copy), b, c, the reference group
    cv = cross_validate(rows, estimators=("baseline",))
    assert cv.groups == ("a", "b", "c")
    assert cv.results[0].n_rows == len(ROWS) + len(copy)  # the reference row is never scored


def test_scores_per_sector_and_origin_and_tier_only_rows() -> None:
    rows = [LabelledIndicator(r.text, r.tier, r.sub, "corpus:" + r.group, sector=f"s{r.group}") for r in ROWS]
    rows.append(LabelledIndicator(IndicatorText("居民健康水平"), "效益", None, "corpus:c", sector="sc"))  # a tier-only row
    proba = np.zeros((len(rows), len(SUB_TIERS)))
    for i, r in enumerate(rows):
        proba[i, SUB_TIERS.index(r.sub or "社会效益")] = 1.0
    res = score_predictions("x", rows, proba)
    assert res.tier.macro_f1 == 1.0 and sum(c.support for c in res.sub.per_class) == len(ROWS)
    assert [(o.name, o.n_rows, o.n_sub_rows) for o in res.by_origin] == [("corpus", len(rows), len(ROWS))]
    assert {s.name: (s.n_rows, s.n_sub_rows, s.tier_macro_f1) for s in res.by_sector} == {
        "sa": (3, 3, 1.0), "sb": (3, 3, 1.0), "sc": (4, 3, 1.0)}


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


def test_evaluation_reports_filed_and_adjudicated_scores_side_by_side() -> None:
    from models.evaluate import evaluation_run
    from models.labels import Correction

    # each document files one satisfaction row under 社会效益 (R05 says 服务对象满意度)
    rows = [LabelledIndicator(r.text, r.tier, r.sub, r.group, line) for line, r in enumerate(ROWS)] + [
        LabelledIndicator(IndicatorText(f"{who}调查满意度", None, "≥95%"), "效益", "社会效益", g, 100 + k)
        for k, (g, who) in enumerate((("a", "学生"), ("b", "家长"), ("c", "居民")))
    ]
    fixes = [Correction(r.group, r.line, r.text.name, "社会效益", "服务对象满意度", "corrected", "R05", "disagree") for r in rows[-3:]]
    fixes.append(Correction("a", 0, rows[0].text.name, rows[0].sub, rows[0].sub, "kept", "kept: §3.3", "agree_sample"))
    run = evaluation_run(rows, estimators=("baseline",), corrections=fixes)
    filed, adjudicated = run.cv.results[0], run.adjudicated.results[0]
    # the rules say 满意度 for all three: disagreements against the filed labels, none against the adjudicated ones
    assert (filed.tier_disagreements, adjudicated.tier_disagreements) == (3, 0)
    assert adjudicated.tier.macro_f1 == 1.0 > filed.tier.macro_f1
    a = run.adjudication
    assert (a.n_adjudicated, a.n_corrected, a.n_disagree, a.n_agree_sample, a.n_agree_sample_corrected) == (4, 3, 3, 1, 0)


def test_adjudicated_cross_validation_trains_on_the_corrected_labels() -> None:
    from models.evaluate import evaluation_run
    from models.labels import Correction

    # 培训人数 filed as 时效 everywhere; corrected to 数量 in every document: only a model trained on
    # the corrections (logistic, no rules) can predict 数量 for the held-out document
    # (each document words its rows a little differently: documents that are copies would be held out together)
    rows = [LabelledIndicator(IndicatorText(who + n, None, v), SUB_PARENT[s], s, g, i)
            for i, (g, who, n, v, s) in enumerate([(g, who, n, v, s) for g, who in zip("abc", ("甲", "乙", "丙"))
                                                    for n, v, s in [("培训人数", "≥50人", "时效"), ("群众满意度", "≥90%", "服务对象满意度"),
                                                                    ("项目成本", "≤5万元", "成本")] * 2])]
    fixes = [Correction(r.group, r.line, r.text.name, "时效", "数量", "corrected", "§3.3 数量", "disagree")
             for r in rows if r.sub == "时效"]
    run = evaluation_run(rows, estimators=("logistic",), corrections=fixes)
    assert run.adjudicated.results[0].sub.accuracy == 1.0
    assert run.cv.results[0].sub.accuracy == 1.0  # consistent filed labels are learnt too: each run its own labels


def test_solver_iteration_limits_are_counted_not_printed_and_progress_is_reported(monkeypatch) -> None:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    import models.evaluate as evaluate
    from models.evaluate import evaluation_fits, evaluation_run

    real_fit = evaluate.fit_tier_model

    def fit_that_warns(rows, **kwargs):
        warnings.warn("The max_iter was reached", ConvergenceWarning)
        warnings.warn("something else", UserWarning)
        return real_fit(rows, **kwargs)

    monkeypatch.setattr(evaluate, "fit_tier_model", fit_that_warns)
    fitted: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        run = evaluation_run(ROWS, heldout=ROWS[:3], estimators=("baseline",), on_fit=fitted.append)
    n = evaluation_fits(ROWS, heldout=True, corrections=False, estimators=("baseline",))
    assert n == 3 + 1 and fitted == ["baseline"] * n  # 3 held-out documents + the held-out set
    assert run.not_converged == n
    assert [w.category for w in seen] == [UserWarning] * n  # only the other warnings get through
