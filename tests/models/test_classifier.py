"""The tier / sub-tier classifier trained on the five samples, labels as filed."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.classifier import IndicatorText, TierModel, load_default
from models.labels import LabelledIndicator
from nlp.normalize import SUB_PARENT


def test_satisfaction_indicator_filed_under_benefit_is_predicted_satisfaction(
    sample_rows: list[LabelledIndicator], sample_model: TierModel
) -> None:
    # 004 files 学生抽样调查满意度 under 效果指标 / 社会效益 — and it is in the training data as filed
    filed = [r for r in sample_rows if r.text.name == "学生抽样调查满意度"]
    assert filed and all(r.tier == "效益" for r in filed)
    [p] = sample_model.predict([filed[0].text])
    assert (p.tier, p.sub) == ("满意度", "服务对象满意度")


def test_the_noisy_row_is_left_out_of_the_fit(sample_rows: list[LabelledIndicator], sample_model: TierModel) -> None:
    dropped = {sample_rows[i].text.name for i in sample_model.dropped}
    assert "学生抽样调查满意度" in dropped
    assert len(sample_model.dropped) < len(sample_rows) // 10


def test_predicted_sub_tier_always_belongs_to_predicted_tier(
    sample_rows: list[LabelledIndicator], sample_model: TierModel
) -> None:
    texts = [r.text for r in sample_rows] + [IndicatorText("x"), IndicatorText("率", None, "≥90%")]
    for p in sample_model.predict(texts):
        assert SUB_PARENT[p.sub] == p.tier
        assert p.tier_confidence >= p.confidence


def test_alternatives_are_other_sub_tiers_best_first(sample_model: TierModel) -> None:
    [p] = sample_model.predict([IndicatorText("培训合格率", "培训考核合格人数占比", "≥90%")], n_alternatives=3)
    assert len(p.alternatives) == 3
    assert p.sub not in [s for s, _ in p.alternatives]
    probs = [q for _, q in p.alternatives]
    assert probs == sorted(probs, reverse=True) and probs[0] <= p.confidence


def test_predictions_come_back_in_input_order(sample_model: TierModel) -> None:
    texts = [
        IndicatorText("参保群众满意度", None, "≥90%"),
        IndicatorText("发放及时率", "按时发放比例", "100%"),
        IndicatorText("举办招聘会场次", None, "≥6场"),
    ]
    preds = sample_model.predict(texts)
    assert [p.sub for p in preds] == ["服务对象满意度", "时效", "数量"]
    assert sample_model.predict([]) == []


def test_default_model_without_data_dir_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    model = load_default(None)
    assert model.predict([IndicatorText("受益群众满意度")])[0].tier == "满意度"
    assert list(tmp_path.iterdir()) == []


def test_rules_decide_a_sub_tier_the_model_never_saw() -> None:
    # no 生态效益 row in training (as when the only document with one is held out):
    # the model gives it probability 0 by construction, so the rules (R10 / §3.3) decide
    from models.classifier import fit_tier_model

    rows = [
        LabelledIndicator(IndicatorText(n, None, v), SUB_PARENT[s], s, g)
        for g in ("a", "b")
        for n, v, s in [("培训人数", "≥50人", "数量"), ("群众满意度", "≥90%", "服务对象满意度"), ("受益人数", "≥100人", "社会效益"),
                        ("项目成本", "≤5万元", "成本"), ("发放及时率", "100%", "时效")] * 3
    ]
    model = fit_tier_model(rows, drop_noise=False)
    [p] = model.predict([IndicatorText("二氧化碳减排量", None, "≥50吨")])
    assert (p.tier, p.sub) == ("效益", "生态效益")


def test_copying_the_whole_training_set_does_not_change_the_model(sample_rows: list[LabelledIndicator]) -> None:
    from models.classifier import fit_tier_model

    rows = sample_rows[::3]
    texts = [r.text for r in sample_rows[1::7]]
    once = fit_tier_model(rows, drop_noise=False).sub_proba(texts)
    thrice = fit_tier_model(list(rows) * 3, drop_noise=False).sub_proba(texts)
    assert abs(once - thrice).max() < 1e-6


def test_default_model_is_trained_on_the_reviewers_corrections_and_the_corpus(tmp_path: Path) -> None:
    from models.labels import (
        CORPUS_GROUP_PREFIX,
        load_bundled_corpus,
        load_bundled_training,
        load_default_training,
        training_sha256,
    )
    from models.persist import DEFAULT, model_path, read_metadata

    load_default(tmp_path)
    meta = read_metadata(model_path(tmp_path, DEFAULT))
    rows = load_default_training()
    assert meta.data_sha256 == training_sha256(rows) and meta.n_rows == len(rows)
    samples = load_bundled_training(adjudicated=True)
    assert [(r.text, r.sub) for r in rows[: len(samples)]] == [(r.text, r.sub) for r in samples]  # corrected labels
    assert [(r.text, r.sub) for r in load_bundled_training()] != [(r.text, r.sub) for r in samples]
    corpus = load_bundled_corpus()
    assert len({r.group for r in corpus}) >= 50 and all(r.group.startswith(CORPUS_GROUP_PREFIX) for r in corpus)
    assert len({r.sector for r in corpus}) >= 20
    assert training_sha256(load_default_training()) == meta.data_sha256  # deterministic build


def test_rule_weight_is_chosen_on_the_training_documents() -> None:
    from models.classifier import choose_rule_weight

    def rows(pairs: list[tuple[str, str, str]]) -> list[LabelledIndicator]:
        return [LabelledIndicator(IndicatorText(n, None, v), SUB_PARENT[s], s, g) for g in "abc" for n, v, s in pairs * 2]

    # labels that contradict the keyword rules everywhere: the rules must get no weight
    contrary = rows([("培训人数", "≥50人", "时效"), ("群众满意度", "≥90%", "成本"), ("项目成本", "≤5万元", "数量")])
    assert choose_rule_weight(contrary, estimator="logistic+rules") == 0.0
    # one document only: nothing to choose on, the fixed default
    one_doc = [r for r in contrary if r.group == "a"]
    assert choose_rule_weight(one_doc, estimator="logistic+rules") == 0.35


def test_stack_evidence_marks_the_first_name_rule_and_description_rules() -> None:
    import numpy as np

    from models.stacking import EVIDENCE, evidence
    from nlp.normalize import SUB_TIERS

    x = IndicatorText("节约成本", "节约水、电等资源，降低能耗，实现绿色办公", "有效")
    seen = np.ones(len(SUB_TIERS), dtype=bool)
    F = evidence([x], np.full((1, len(SUB_TIERS)), 1 / len(SUB_TIERS)), seen)
    col = {name: k for k, name in enumerate(EVIDENCE)}
    assert F.shape == (1, len(SUB_TIERS), len(EVIDENCE))
    assert [SUB_TIERS[c] for c in np.flatnonzero(F[0, :, col["name_first"]])] == ["成本"]
    assert [SUB_TIERS[c] for c in np.flatnonzero(F[0, :, col["desc_first"]])] == ["生态效益"]


def test_stack_gives_a_class_the_model_never_saw_an_uninformative_model_score() -> None:
    import numpy as np

    from models.stacking import evidence
    from nlp.normalize import SUB_TIERS

    seen = np.array([s != "生态效益" for s in SUB_TIERS])
    p = np.where(seen, 1.0 / seen.sum(), 0.0)[None, :]
    F = evidence([IndicatorText("x")], p, seen)
    assert F[0, SUB_TIERS.index("生态效益"), 0] == np.log(1 / len(SUB_TIERS))


def test_conditional_logit_learns_to_trust_the_evidence_that_predicts_the_label() -> None:
    import numpy as np

    from models.stacking import fit_conditional_logit

    rng = np.random.default_rng(0)
    n, s = 400, 4
    y = rng.integers(0, s, n)
    F = np.zeros((n, s, 2))
    F[np.arange(n), y, 0] = 1.0  # feature 0 always points at the label
    F[np.arange(n), rng.integers(0, s, n), 1] = 1.0  # feature 1 points anywhere
    theta = fit_conditional_logit(F, y, np.ones(n), alpha=1e-3)
    assert theta[0] > 2.0 and abs(theta[1]) < 0.5


def test_stack_weights_are_fitted_out_of_fold_on_the_training_groups() -> None:
    from models.classifier import fit_tier_model
    from models.stacking import EVIDENCE

    # labels that contradict the keyword rules in every document: the stack must learn to distrust them
    pairs = [("培训人数", "≥50人", "时效"), ("群众满意度", "≥90%", "成本"), ("项目成本", "≤5万元", "数量"), ("发放及时率", "100%", "质量")]
    rows = [LabelledIndicator(IndicatorText(n, None, v), SUB_PARENT[s], s, g) for g in "abc" for n, v, s in pairs * 2]
    model = fit_tier_model(rows, estimator="svm+stack", drop_noise=False)
    theta = dict(zip(EVIDENCE, model.pipeline.theta_))
    assert theta["name_first"] < 0
    assert theta["log_p_model"] > 0


def test_default_model_cache_of_another_estimator_is_rebuilt(tmp_path: Path) -> None:
    from models.classifier import DEFAULT_ESTIMATOR, fit_tier_model
    from models.labels import load_bundled_training
    from models.persist import DEFAULT, model_path, read_metadata, save_model

    rows = load_bundled_training(adjudicated=True)
    # what an older jixiao left in the data directory: a default model of the keyword baseline
    save_model(fit_tier_model(rows, estimator="baseline"), model_path(tmp_path, DEFAULT), rows=rows)
    model = load_default(tmp_path)
    assert model.estimator == DEFAULT_ESTIMATOR
    assert read_metadata(model_path(tmp_path, DEFAULT)).estimator == DEFAULT_ESTIMATOR


def test_reviewed_texts_keep_the_reviewers_label_and_are_never_dropped_as_noise(
    sample_rows: list[LabelledIndicator], sample_model: TierModel
) -> None:
    from models.classifier import fit_tier_model

    # the reviewer keeps 学生抽样调查满意度 under 效益/社会效益 (a judgement the rest of the data outvotes) and
    # files 人均补贴水平 as a cost; everything else is as filed
    reviewed_label = {"学生抽样调查满意度": "社会效益", "人均补贴水平": "成本"}
    rows, flags = [], []
    for r in sample_rows:
        sub = reviewed_label.get(r.text.name)
        rows.append(r if sub is None else LabelledIndicator(r.text, SUB_PARENT[sub], sub, group=r.group, line=r.line))
        flags.append(sub is not None)
    assert sum(flags) >= 2
    model = fit_tier_model(rows, reviewed=flags)
    assert not {i for i in model.dropped if flags[i]}  # the noise filter never drops a reviewer's label
    texts = [r.text for r, f in zip(rows, flags) if f]
    for t, p in zip(texts, model.predict(texts)):
        assert (p.tier, p.sub, p.confidence, p.reviewed, p.alternatives) == (
            SUB_PARENT[reviewed_label[t.name]], reviewed_label[t.name], 1.0, True, ())
    # a text that differs in its value is the model's call again, and so is every text of a model without reviews
    other = IndicatorText(texts[0].name, texts[0].desc, (texts[0].value or "") + "以上")
    assert not model.predict([other])[0].reviewed
    # the name alone (classify NAME) takes the reviewer's label when every reviewed text of the name agrees
    [alone] = model.predict([IndicatorText("人均补贴水平")])
    assert alone.reviewed and alone.sub == "成本"
    split = TierModel(model.pipeline, reviewed={("甲指标", "", "≥1"): "数量", ("甲指标", "", "≥2"): "质量"})
    assert not split.predict([IndicatorText("甲指标")])[0].reviewed
    assert not any(p.reviewed for p in sample_model.predict(texts))
    assert sample_model.predict([t for t in texts if t.name == "学生抽样调查满意度"])[0].tier == "满意度"


def test_a_model_pickled_without_reviewed_texts_loads_with_none(sample_model: TierModel) -> None:
    import pickle

    state = dict(sample_model.__dict__)
    del state["reviewed"]
    old = TierModel.__new__(TierModel)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.reviewed == {} and not old.predict([IndicatorText("培训人数", value="≥50人")])[0].reviewed
