"""jixiao classify / train / evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def warm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose default model is already cached (the first classify builds it)."""
    d = tmp_path_factory.mktemp("warm")
    assert runner.invoke(app, ["--data-dir", str(d), "classify", "培训人数"]).exit_code == 0
    assert (d / "models" / "default.joblib").exists()
    return d


def _run(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def test_classify_works_with_an_empty_data_dir(data_dir: Path) -> None:
    result = _run(data_dir, "classify", "学生抽样调查满意度", "--value", "≥98百分比", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rec = json.loads(result.output)
    assert (rec["tier"], rec["sub"]) == ("满意度", "服务对象满意度")
    assert 0 < rec["confidence"] <= 1 and len(rec["alternatives"]) == 3


def test_classify_file_keeps_input_order_and_allows_missing_fields(warm_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"name": "举办招聘会场次", "value": "≥6场"}\n{"name": "参保群众满意度", "desc": null}\n{"name": "补贴发放及时率", "desc": "按时发放比例", "value": "100%"}\n',
        encoding="utf-8",
    )
    result = _run(warm_dir, "classify", "--file", str(f))
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in recs] == ["举办招聘会场次", "参保群众满意度", "补贴发放及时率"]
    assert [r["tier"] for r in recs] == ["产出", "满意度", "产出"]
    for r in recs:
        assert {"tier", "sub", "confidence", "tier_confidence", "tier_margin", "uncertain", "reviewed", "alternatives"} <= set(r)
        assert isinstance(r["uncertain"], bool) and r["uncertain"] == (r["tier_margin"] < 0.2)
        assert r["reviewed"] is False  # the default model has seen no reviewer label


def test_classify_csv_output_has_header_and_one_row_per_input(warm_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("name,desc,value\n培训人数,,≥50人\n群众满意度,,\n", encoding="utf-8")
    result = _run(warm_dir, "classify", "--file", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeff")  # a byte-order mark, as every CSV jixiao writes
    lines = result.output[1:].splitlines()
    assert lines[0] == "name,tier,sub,confidence,tier_confidence,tier_margin,uncertain,reviewed,alternatives" and len(lines) == 3
    assert all(line.split(",")[6] in ("true", "false") for line in lines[1:])


def test_classify_a_cost_tier_table_of_names_without_values(warm_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "cost.csv"
    f.write_text("name\n会议场地租金\n专家咨询费支出标准\n培训班次\n", encoding="utf-8")
    result = _run(warm_dir, "classify", "--file", str(f), "--cost-tier")
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["tier"], r["sub"]) for r in recs] == [("成本", "经济成本"), ("成本", "经济成本"), ("产出", "数量")]


def test_train_rejects_malformed_labels_and_trains_nothing(data_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("name,tier,sub\n培训人数,产出,数量\n,产出,数量\n群众满意度,产出,服务对象满意度\n", encoding="utf-8")
    result = _run(data_dir, "train", "--labels", str(f))
    assert result.exit_code == 1
    assert f"{f}:3: 'name' is empty" in result.output
    assert f"{f}:4: sub-tier 服务对象满意度 does not belong to tier 产出" in result.output
    assert not (data_dir / "models").exists()


def test_incompatible_trained_model_is_refused_with_remedy(data_dir: Path, tmp_path: Path) -> None:
    two = tmp_path / "two.csv"
    two.write_text("name,value,tier,sub\n培训人数,≥50人,产出,时效\n群众满意度,≥90%,满意度,服务对象满意度\n", encoding="utf-8")
    assert _run(data_dir, "train", "--labels", str(two), "--no-store", "--no-bundled", "--force").exit_code == 0
    registry = data_dir / "models" / "registry.json"
    state = json.loads(registry.read_text(encoding="utf-8"))
    state["versions"][0]["sklearn"] = "0.24.2"
    registry.write_text(json.dumps(state), encoding="utf-8")
    result = _run(data_dir, "classify", "培训人数")
    assert result.exit_code == 1
    assert "model v1 was built with scikit-learn 0.24.2" in result.output and "run 'jixiao train' to rebuild it" in result.output


def test_an_unregistered_model_file_is_not_loaded(data_dir: Path) -> None:
    models = data_dir / "models"
    models.mkdir()
    (models / "classifier.joblib").write_bytes(b"x")
    result = _run(data_dir, "classify", "培训人数", "--format", "jsonl")
    assert result.exit_code == 0 and json.loads(result.output)["sub"] == "数量"


def test_train_from_labels_then_classify_uses_it(data_dir: Path, tmp_path: Path) -> None:
    # deliberately unusual labels (培训人数 as 时效): only a model trained on them says so
    rows = ["name,value,sub,group"]
    for i, (name, value, sub) in enumerate(
        [("培训人数", "≥50人", "时效"), ("群众满意度", "≥90%", "服务对象满意度"), ("项目成本", "≤5万元", "成本")] * 4
    ):
        rows.append(f"{name},{value},{sub},g{i % 2}")
    f = tmp_path / "labels.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    # nothing stored to hold out and compare on: saved, not made active
    result = _run(data_dir, "train", "--labels", str(f), "--no-store", "--no-bundled", "--estimator", "logistic", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["promoted"] is False and out["version"] == "v1" and out["active_version"] == "default"
    result = _run(data_dir, "classify", "培训人数", "--value", "≥50人", "--format", "jsonl")
    assert json.loads(result.output)["sub"] == "数量"
    result = _run(data_dir, "models", "promote", "v1")
    assert result.exit_code == 0 and "active model: v1 (was default)" in result.output
    assert (data_dir / "models" / "v1.joblib").exists()
    result = _run(data_dir, "classify", "培训人数", "--value", "≥50人", "--format", "jsonl")
    assert json.loads(result.output)["sub"] == "时效"
    meta = json.loads(_run(data_dir, "models", "show", "v1").output)
    assert meta["training"]["n_rows"] == 12 and meta["estimator"] == "logistic"


def test_classify_needs_text_or_file(data_dir: Path) -> None:
    result = _run(data_dir, "classify")
    assert result.exit_code == 1 and "give either an indicator TEXT or --file FILE" in result.output


def test_evaluate_refuses_a_malformed_corrections_file(data_dir: Path, tmp_path: Path) -> None:
    corr = tmp_path / "corrections.csv"
    corr.write_text("doc,line,name,filed_sub,sub,verdict,reason\na.txt,7,培训人数,数量,质量,maybe,x\n", encoding="utf-8")
    result = _run(data_dir, "evaluate", "--corrections", str(corr))
    assert result.exit_code == 1
    assert f"{corr}:2: verdict must be kept or corrected, not 'maybe'" in result.output


def test_evaluate_report_prints_origins_sectors_and_uncertain_rows(capsys: pytest.CaptureFixture[str]) -> None:
    from cli import _print_evaluation, _result_json
    from models.classifier import IndicatorText
    from models.evaluate import evaluation_run
    from models.labels import LabelledIndicator
    from nlp.normalize import SUB_PARENT

    rows = [LabelledIndicator(IndicatorText(f"{who}{n}", None, v), SUB_PARENT[s], s, f"corpus:{g}", sector=sec)
            for g, who, sec in (("a", "甲", "教育"), ("b", "乙", "卫生健康"), ("c", "丙", "教育"))
            for n, v, s in [("培训人数", "≥50人", "数量"), ("群众满意度", "≥90%", "服务对象满意度"), ("项目成本", "≤5万元", "成本")]]
    run_ = evaluation_run(rows, estimators=("baseline", "char-svm", "svm+stack"))
    _print_evaluation(run_, "test rows")
    out = capsys.readouterr().out
    assert "Leave-one-source-out" in out and "3 folds" in out
    assert "corpus:" in out and "per sector" in out and "教育" in out and "卫生健康" in out
    data = _result_json(run_.cv.results[-1])
    assert [x["name"] for x in data["by_sector"]] == ["教育", "卫生健康"] and data["by_origin"][0]["name"] == "corpus"
    assert {"n_uncertain", "uncertain_tier_accuracy", "certain_tier_accuracy"} <= set(data)
