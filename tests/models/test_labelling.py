"""The pure parts of the label loop: ids, which rows to review, validation, training rows, the split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from models.labelling import (
    REVIEW_GROUP,
    IndicatorRecord,
    Label,
    review_candidates,
    training_rows,
    validate_review_rows,
)
from models.retrain import heldout_documents, heldout_folds, promote_tolerance
from nlp.identity import indicator_id, text_id


def _rec(iid: str, doc: str, line: int, name: str, filed: str | None, tier: str | None = None) -> IndicatorRecord:
    from nlp.normalize import SUB_PARENT

    return IndicatorRecord(iid, doc, line, f"{doc}:1", "项目", name, "", "≥1", tier or (SUB_PARENT[filed] if filed else None), filed)


@dataclass
class _Pred:
    tier: str
    sub: str
    confidence: float


def test_indicator_id_depends_on_content_not_on_names_or_paths() -> None:
    a = indicator_id("sha-a", "项目", "培训人数", "", "≥50人", 0)
    assert a == indicator_id("sha-a", "项目", "培训人数", "", "≥50人", 0)
    assert len({a, indicator_id("sha-b", "项目", "培训人数", "", "≥50人", 0),
                indicator_id("sha-a", "项目", "培训人数", "", "≥50人", 1),
                indicator_id("sha-a", "项目", "培训人数", "", "≥60人", 0)}) == 4
    assert text_id("培训人数", None, "≥50人").startswith("t") and not a.startswith("t")


def test_review_candidates_interleave_disagreements_and_unsure_rows_over_documents() -> None:
    recs = [_rec("a1", "a", 1, "x1", "数量"), _rec("a2", "a", 2, "x2", "数量"), _rec("a3", "a", 3, "x3", "数量"),
            _rec("b1", "b", 1, "y1", "数量"), _rec("b2", "b", 2, "x1", "数量")]
    preds = [_Pred("产出", "质量", 0.7), _Pred("产出", "数量", 0.4), _Pred("产出", "质量", 0.9),
             _Pred("产出", "数量", 0.6), _Pred("产出", "质量", 0.7)]
    out = review_candidates(recs, preds, limit=10)
    # doc a: disagreements most confident first (a3, a1) interleaved with agreements least confident first (a2);
    # doc b: y1; b2 is a copy of a1's text and filed label, left out
    assert [r.record.indicator_id for r in out] == ["a3", "b1", "a2", "a1"]
    assert [r.record.indicator_id for r in review_candidates(recs, preds, labelled={"a3"}, limit=2)] == ["a1", "b1"]


def test_validation_accepts_ids_doc_line_and_text_rows_and_lists_problems() -> None:
    from index.labels_store import NewLabel

    recs = [_rec("a1", "a.txt", 10, "培训人数", "数量")]
    rows = [
        (2, {"indicator_id": "a1", "tier": "", "sub": "质量"}),
        (3, {"doc": "a.txt", "line": "10", "tier": "产出", "sub": "数量"}),
        (4, {"name": "新指标", "value": "≥4次", "tier": "产出", "sub": "进度指标"}),
        (5, {"indicator_id": "zz", "tier": "产出", "sub": "数量"}),
        (6, {"indicator_id": "a1", "name": "别的名字", "tier": "产出", "sub": "数量"}),
        (7, {"indicator_id": "a1", "tier": "效益", "sub": ""}),
        (8, {"tier": "产出", "sub": "数量"}),
        (9, {"indicator_id": "a1", "tier": "", "sub": ""}),
        (10, {"name": "群众满意度", "tier": "满意度", "sub": ""}),
    ]
    out = validate_review_rows(rows, recs, NewLabel)
    assert [(x.key, x.tier, x.sub) for x in out.labels] == [("a1", "产出", "质量"), (text_id("新指标", "", "≥4次"), "产出", "时效"),
                                                           (text_id("群众满意度", "", ""), "满意度", "服务对象满意度")]
    assert [line for line, _ in out.problems] == [3, 5, 6, 7, 8]
    assert "already labelled on line 2" in out.problems[0][1] and out.n_blank == 1


def test_training_rows_reviewer_labels_win_and_reach_copies() -> None:
    recs = [_rec("a1", "a", 1, "学生满意度", "社会效益"), _rec("b1", "b", 1, "学生满意度", "社会效益"),
            _rec("b2", "b", 2, "培训人数", "数量"), _rec("b3", "b", 3, "乱码", "数量", tier="满意度")]
    labels = [Label("a1", True, "学生满意度", "", "≥1", "满意度", "服务对象满意度"),
              Label("tX", False, "外来指标", "", "", "产出", "质量")]
    ts = training_rows(recs, labels)
    assert [(r.group, r.text.name, r.sub) for r in ts.rows] == [
        ("a", "学生满意度", "服务对象满意度"), ("b", "学生满意度", "服务对象满意度"), ("b", "培训人数", "数量"),
        (REVIEW_GROUP, "外来指标", "质量")]
    assert ts.reviewed == [True, True, False, True]  # b3: filed tier contradicts its sub-tier, left out


def test_heldout_split_is_fixed_and_a_share_of_documents() -> None:
    docs = [f"d{i}.txt" for i in range(10)]
    held = heldout_documents(docs)
    assert len(held) == 2 and held == heldout_documents(list(reversed(docs)))
    assert heldout_documents(["only.txt"]) == ()
    assert promote_tolerance(100) == 0.02 and promote_tolerance(1_000_000) == 0.001
    assert heldout_folds(docs, n_rows=10**6) == [held]  # a large store: the one split
    assert heldout_folds(["only.txt"], n_rows=10) == []


def test_bootstrap_worse_share_is_paired_and_seeded() -> None:
    from models.evaluate import bootstrap_worse_share

    truth = ["a"] * 50 + ["b"] * 50
    good = list(truth)
    near = ["b"] + truth[1:]  # one row wrong
    bad = ["a"] * 100  # every b wrong
    assert bootstrap_worse_share(("a", "b"), truth, bad, good) == 1.0
    assert bootstrap_worse_share(("a", "b"), truth, good, bad) == 0.0
    one = bootstrap_worse_share(("a", "b"), truth, near, good)
    assert 0.5 < one < 0.7 and one == bootstrap_worse_share(("a", "b"), truth, near, good)  # P(row drawn) = 1 - 1/e


def test_candidate_scored_on_heldout_documents_never_learns_their_labels_through_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.retrain as retrain

    docs = [f"d{i}.txt" for i in range(5)]
    folds = heldout_folds(docs, n_rows=25)
    assert len(folds) == 5 and sorted(d for f in folds for d in f) == docs  # a small store: every document once
    [h] = folds[0]
    other = next(d for d in docs if d != h)
    recs = []
    for n, d in enumerate(docs):
        recs += [_rec(f"{d}-1", d, 1, "培训人数", "数量"), _rec(f"{d}-2", d, 2, "群众满意度", "社会效益"),
                 _rec(f"{d}-3", d, 3, "就业率", "社会效益"), _rec(f"{d}-4", d, 4, "完成时间", "时效"),
                 _rec(f"{d}-5", d, 5, f"独有指标{n}", "质量")]
    # the reviewer labels 群众满意度 in the held-out document (it reaches every copy) and 就业率 in another one
    labels = [Label(f"{h}-2", True, "群众满意度", "", "≥1", "满意度", "服务对象满意度"),
              Label(f"{other}-3", True, "就业率", "", "≥1", "效益", "经济效益")]
    fits = []
    real_fit = retrain.fit_training_set
    monkeypatch.setattr(retrain, "fit_training_set", lambda ts, **kw: fits.append(ts) or real_fit(ts, **kw))
    out = retrain.retrain(tmp_path, records=recs, labels=labels, labels_upto=lambda n: labels[:n], label_upto=2,
                          bundled=False)
    scored, final = fits[0], fits[-1]  # the first fold's candidate, the model saved
    assert len(fits) == 6 and out.heldout_documents == tuple(docs) and h not in {r.group for r in scored.rows}
    sat = {(r.group, r.sub, f) for r, f in zip(scored.rows, scored.reviewed) if r.text.name == "群众满意度"}
    assert sat == {(d, "社会效益", False) for d in docs if d != h}  # as filed: the label is the held-out row's
    emp = {(r.sub, f) for r, f in zip(scored.rows, scored.reviewed) if r.text.name == "就业率"}
    assert emp == {("经济效益", True)}  # a training document's label reaches its copies, as in the final fit
    assert {(r.sub, f) for r, f in zip(final.rows, final.reviewed) if r.text.name == "群众满意度"} == {("服务对象满意度", True)}
