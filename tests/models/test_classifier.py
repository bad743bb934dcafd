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
