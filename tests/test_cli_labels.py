"""The reviewer's label loop through the CLI: export, fill, import, train, promote, roll back;
model files are only loaded when the registry records their hash."""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

EXPORT_FIELDS = ["indicator_id", "doc", "line", "project_name", "name", "desc", "value", "filed_tier", "filed_sub",
                 "pred_tier", "pred_sub", "confidence", "tier", "sub", "note"]


def _run(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def _ok(data_dir: Path, *args: str) -> str:
    result = _run(data_dir, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the five bundled samples (default model built)."""
    d = tmp_path_factory.mktemp("ingested") / "data"
    _ok(d, "ingest", str(ROOT / "samples"))
    return d


@pytest.fixture
def store(ingested: Path, tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ingested, d)
    return d


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write_csv(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _classify(data_dir: Path, rows: list[dict[str, str]], tmp_path: Path) -> list[dict]:
    f = tmp_path / "to_classify.csv"
    _write_csv(f, rows, ["name", "desc", "value"])
    return [json.loads(line) for line in _ok(data_dir, "classify", "--file", str(f)).splitlines()]


def _labels_count(data_dir: Path) -> int:
    return json.loads(_ok(data_dir, "label", "stats", "--json"))["labels"]


def test_review_cycle(store: Path, tmp_path: Path) -> None:
    # 1. export: the rows worth reviewing, every field, empty reviewer columns, spread over the documents
    review = tmp_path / "review.csv"
    _ok(store, "label", "export", "--limit", "1000", "-o", str(review))
    assert review.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens it as UTF-8
    rows = _read_csv(review)
    assert list(rows[0]) == EXPORT_FIELDS
    assert all(r["tier"] == r["sub"] == r["note"] == "" for r in rows)
    assert len({r["doc"] for r in rows[:5]}) == 5
    assert len({r["indicator_id"] for r in rows}) == len(rows)

    # 2. the reviewer corrects satisfaction rows filed outside 满意度 (R05), 学生抽样调查满意度 among them, and
    #    confirms that rows whose target is a money ceiling (≤ N 元) are costs, as filed — including one the
    #    active model reads otherwise
    fixes = [r for r in rows if "满意" in r["name"] and r["filed_tier"] != "满意度"]
    assert "学生抽样调查满意度" in {r["name"] for r in fixes}
    for r in fixes:
        r["tier"], r["sub"], r["note"] = "满意度", "服务对象满意度", "R05: a satisfaction indicator"
    ceilings = [r for r in rows if r not in fixes and re.fullmatch(r"[≤<]\s*[\d.]+\s*万?元", r["value"].strip())]
    assert ceilings
    for r in ceilings:
        r["tier"], r["sub"], r["note"] = "产出", "成本", "a money ceiling: a cost"
    labelled = fixes + ceilings
    before = _classify(store, labelled, tmp_path)
    wrong_before = [r["name"] for r, p in zip(labelled, before) if p["sub"] != r["sub"]]
    assert wrong_before, "the active model already predicts every label: the test would prove nothing"
    assert not any(p["reviewed"] for p in before)
    _write_csv(review, rows, EXPORT_FIELDS)
    out = json.loads(_ok(store, "label", "import", str(review), "--by", "审核员甲", "--json"))
    assert out["applied"] == len(labelled) and out["blank"] == len(rows) - len(labelled) and out["skipped"] == []
    listed = json.loads(_ok(store, "label", "list", "--json"))
    assert {x["indicator_id"] for x in listed} == {r["indicator_id"] for r in labelled}
    given = {r["indicator_id"]: r["sub"] for r in labelled}
    assert all(x["by"] == "审核员甲" and x["source"] == str(review) and x["at"] and x["sub"] == given[x["indicator_id"]]
               for x in listed)

    # 3. train: a candidate compared with the active model on held-out documents, promoted, predicting the corrections
    trained = json.loads(_ok(store, "train", "--json"))
    assert trained["promoted"] is True and trained["active_version"] == trained["version"] == "v1"
    assert trained["candidate"]["n_rows"] == trained["active"]["n_rows"] > 0
    assert trained["candidate"]["version"] == "v1" and trained["active"]["version"] == "default"
    assert trained["heldout_documents"]
    assert trained["training"]["n_reviewer_labels"] >= len(labelled)
    after = _classify(store, labelled, tmp_path)
    assert [(p["tier"], p["sub"]) for p in after] == [(r["tier"], r["sub"]) for r in labelled]
    assert all(p["reviewed"] and p["confidence"] == 1.0 for p in after)
    # a text no reviewer labelled is still the model's call
    unlabelled = [r for r in rows if r not in labelled][:50]
    assert not any(p["reviewed"] for p in _classify(store, unlabelled, tmp_path))
    # the next export leaves out what the reviewer decided, copies of the decided texts included
    _ok(store, "label", "export", "--limit", "1000", "-o", str(tmp_path / "next.csv"))
    decided = {(r["name"], r["desc"], r["value"]) for r in labelled}
    assert not decided & {(r["name"], r["desc"], r["value"]) for r in _read_csv(tmp_path / "next.csv")}
    v1_predictions = _classify(store, rows[:200], tmp_path)

    # 4. a second import with one bad row applies nothing and names the row
    again = tmp_path / "again.csv"
    good = [r for r in rows if r not in labelled][:3]
    for r in good:
        r["tier"], r["sub"] = r["filed_tier"], r["filed_sub"]
    good[1]["tier"], good[1]["sub"] = "产出", "服务对象满意度"
    _write_csv(again, good, EXPORT_FIELDS)
    n_labels = _labels_count(store)
    result = _run(store, "label", "import", str(again))
    assert result.exit_code == 1
    assert f"{again}:3: {good[1]['indicator_id']} 「{good[1]['name']}」: sub-tier 服务对象满意度 does not belong to tier 产出" in result.output
    assert "nothing was used" in result.output and "Traceback" not in result.output
    assert _labels_count(store) == n_labels

    # 5. a model of a two-row label file (and the reviewer's labels) alone does not replace the good model. It is
    #    fitted by the plain logistic regression: the default estimator stacks the keyword rules, which know the
    #    samples' 人社 vocabulary well enough to score on them like a trained model, so that a few dozen rows
    #    under them are not worse on these documents (it is on others); without the rules the gate has to act
    two = tmp_path / "two.csv"
    two.write_text("name,value,tier,sub\n培训人数,≥50人,产出,时效\n群众满意度,≥90%,满意度,服务对象满意度\n", encoding="utf-8")
    weak_args = ("train", "--labels", str(two), "--no-store", "--no-bundled", "--estimator", "logistic", "--json")
    weak = json.loads(_ok(store, *weak_args))
    assert weak["promoted"] is False and weak["active_version"] == "v1"
    assert weak["candidate"]["sub_macro_f1"] < weak["active"]["sub_macro_f1"]
    assert weak["reason"].startswith("worse than the active model") and weak["worse_share"]["sub"] >= 0.95
    assert _classify(store, rows[:200], tmp_path) == v1_predictions

    # 6. forced in anyway, it changes predictions; rollback restores v1's exactly
    forced = json.loads(_ok(store, *weak_args, "--force"))
    assert forced["promoted"] is True and forced["forced"] is True
    assert _classify(store, rows[:200], tmp_path) != v1_predictions
    assert "active model: v1" in _ok(store, "models", "rollback")
    assert _classify(store, rows[:200], tmp_path) == v1_predictions
    listing = json.loads(_ok(store, "models", "list", "--json"))
    assert [v["version"] for v in listing] == ["default", "v1", "v2", "v3"]
    assert [v["version"] for v in listing if v["active"]] == ["v1"]
    assert all({"version", "created_at", "active", "training", "metrics"} <= set(v) for v in listing)
    assert json.loads(_ok(store, "models", "show", "v1"))["metrics"]["promoted"] is True

    # 7. the audit names the model version behind its M01 findings
    report = json.loads(_ok(store, "audit", "--format", "json"))
    assert report["summary"]["model_version"] == "v1"
    assert {f["evidence"]["model_version"] for f in report["findings"] if f["rule"] == "M01"} == {"v1"}
    # the reviewer's corrections come back as M01 findings that say whose judgement they are
    by_reviewer = [f for f in report["findings"] if f["rule"] == "M01" and f["evidence"]["reviewed"]]
    assert "学生抽样调查满意度" in {f["evidence"].get("name") or f["message"] for f in by_reviewer} or any(
        "「学生抽样调查满意度」" in f["message"] for f in by_reviewer)
    assert all(f["message"].startswith("审核员已将") for f in by_reviewer)


def test_xlsx_export_opens_with_chinese_headers_frozen_row_and_drop_downs(store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "review.xlsx"
    _ok(store, "label", "export", "--limit", "20", "-o", str(out))
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["指标ID", "文件", "行", "项目名称", "三级指标"] and "审核二级" in header
    assert ws.freeze_panes == "A2" and ws.max_row == 21
    formulas = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert formulas == ['"产出,效益,满意度,成本"', '"数量,质量,时效,成本,经济效益,社会效益,生态效益,可持续影响,服务对象满意度"']
    # filled in with the Chinese headers and imported back
    ws.cell(row=2, column=header.index("审核一级") + 1, value="满意度")
    ws.cell(row=2, column=header.index("审核二级") + 1, value="服务对象满意度")
    iid = ws.cell(row=2, column=1).value
    ws.parent.save(out)
    imported = json.loads(_ok(store, "label", "import", str(out), "--json"))
    assert imported["applied"] == 1 and imported["blank"] == 19
    assert [x["indicator_id"] for x in json.loads(_ok(store, "label", "list", "--json"))] == [iid]


def test_import_lists_every_bad_row_and_skip_bad_keeps_the_good_ones(store: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in _ok(store, "label", "export", "--limit", "5", "--format", "jsonl").splitlines()]
    f = tmp_path / "labels.jsonl"
    lines = [
        {"indicator_id": rows[0]["indicator_id"], "tier": "产出", "sub": "数量"},
        {"indicator_id": "0123456789abcdef0123", "tier": "产出", "sub": "数量"},
        {"indicator_id": rows[1]["indicator_id"], "tier": "产出", "sub": "好的"},
        {"name": "新指标：街道办培训次数", "desc": "", "value": "≥4次", "tier": "产出", "sub": "数量"},
        {"indicator_id": rows[0]["indicator_id"], "sub": "质量"},
    ]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n", encoding="utf-8")
    result = _run(store, "label", "import", str(f))
    assert result.exit_code == 1
    for needle in (f"{f}:2: unknown indicator_id '0123456789abcdef0123'",
                   f"{f}:3: {rows[1]['indicator_id']}: unknown sub-tier '好的'",
                   f"{f}:5: indicator {rows[0]['indicator_id']} is already labelled on line 1", f"{f}:6: not valid JSON"):
        assert needle in result.output
    assert _labels_count(store) == 0
    out = json.loads(_ok(store, "label", "import", str(f), "--skip-bad", "--json"))
    assert out["applied"] == 2 and [s["line"] for s in out["skipped"]] == [2, 3, 5, 6]
    listed = json.loads(_ok(store, "label", "list", "--json"))
    assert {x["in_store"] for x in listed} == {True, False}


def test_later_label_supersedes_and_history_is_kept(store: Path, tmp_path: Path) -> None:
    row = json.loads(_ok(store, "label", "export", "--limit", "1", "--format", "jsonl"))
    for n, sub in enumerate(("数量", "质量")):
        f = tmp_path / f"l{n}.csv"
        f.write_text(f"indicator_id,tier,sub\n{row['indicator_id']},产出,{sub}\n", encoding="utf-8")  # no BOM
        _ok(store, "label", "import", str(f), "--by", f"r{n}")
    current = json.loads(_ok(store, "label", "list", "--json"))
    assert [(x["sub"], x["by"]) for x in current] == [("质量", "r1")]
    history = json.loads(_ok(store, "label", "list", "--history", "--json"))
    assert [(x["sub"], x["by"]) for x in history] == [("数量", "r0"), ("质量", "r1")]
    stats = json.loads(_ok(store, "label", "stats", "--json"))
    assert stats["labels"] == 1 and stats["labels_given"] == 2 and stats["superseded"] == 1 and stats["imports"] == 2
    # the next export leaves the labelled row out
    ids = [json.loads(x)["indicator_id"] for x in _ok(store, "label", "export", "--format", "jsonl").splitlines()]
    assert row["indicator_id"] not in ids


def test_gb18030_csv_as_excel_saves_it_is_read(store: Path, tmp_path: Path) -> None:
    row = json.loads(_ok(store, "label", "export", "--limit", "1", "--format", "jsonl"))
    f = tmp_path / "gbk.csv"
    f.write_bytes(f"indicator_id,审核一级,审核二级,备注\n{row['indicator_id']},效益,社会效益,复核\n".encode("gb18030"))
    assert json.loads(_ok(store, "label", "import", str(f), "--json"))["applied"] == 1
    assert json.loads(_ok(store, "label", "list", "--json"))[0]["note"] == "复核"


def test_indicator_id_survives_reingest_of_the_same_content(store: Path, tmp_path: Path) -> None:
    first = {json.loads(x)["indicator_id"] for x in _ok(store, "label", "export", "--limit", "1000", "--format", "jsonl").splitlines()}
    copy = tmp_path / "again"
    copy.mkdir()
    for p in (ROOT / "samples").glob("*.txt"):
        shutil.copy(p, copy / p.name)
    _ok(store, "ingest", str(copy))
    again = {json.loads(x)["indicator_id"] for x in _ok(store, "label", "export", "--limit", "1000", "--format", "jsonl").splitlines()}
    assert again == first


def test_corrections_file_is_a_way_to_import_labels(store: Path, tmp_path: Path) -> None:
    row = next(json.loads(x) for x in _ok(store, "label", "export", "--limit", "50", "--format", "jsonl").splitlines()
               if json.loads(x)["filed_sub"] == "社会效益")
    corr = tmp_path / "corrections.csv"
    corr.write_text("doc,line,name,filed_sub,sub,verdict,reason\n"
                    f"{row['doc']},{row['line']},{row['name']},社会效益,可持续影响,corrected,§3.3\n", encoding="utf-8")
    out = json.loads(_ok(store, "train", "--corrections", str(corr), "--json"))
    assert out["imported"]["applied"] == 1
    listed = json.loads(_ok(store, "label", "list", "--json"))
    assert [(x["indicator_id"], x["sub"], x["note"]) for x in listed] == [(row["indicator_id"], "可持续影响", "§3.3")]
    stale = tmp_path / "stale.csv"
    stale.write_text("doc,line,name,filed_sub,sub,verdict,reason\n"
                     f"{row['doc']},{row['line']},{row['name']},数量,质量,corrected,x\n", encoding="utf-8")
    result = _run(store, "label", "import", str(stale))
    assert result.exit_code == 1 and f"{stale}:2:" in result.output and "stale" in result.output


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.write_text, (self.marker, "executed"))


def test_a_planted_pickle_is_never_executed(tmp_path: Path) -> None:
    d = tmp_path / "data"
    marker = tmp_path / "marker"
    (d / "models").mkdir(parents=True)
    for name in ("default.joblib", "classifier.joblib", "v1.joblib"):
        (d / "models" / name).write_bytes(pickle.dumps(_Planted(marker)))
    assert json.loads(_ok(d, "classify", "培训人数", "--format", "jsonl"))["sub"] == "数量"
    _ok(d, "audit", str(ROOT / "samples" / "003_33721d9d2b44b90e.txt"), "--format", "json")
    _ok(d, "ingest", str(ROOT / "samples" / "003_33721d9d2b44b90e.txt"))
    _ok(d, "demo", "--json")
    assert not marker.exists()


def test_a_corrupted_registered_model_is_an_error_with_the_remedy(store: Path) -> None:
    registry = json.loads((store / "models" / "registry.json").read_text(encoding="utf-8"))
    path = store / "models" / registry["default"]["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = _run(store, "classify", "培训人数")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not the one jixiao saved" in result.output and "remove the file" in result.output


def test_a_killed_train_leaves_active_model_and_labels_untouched(store: Path, tmp_path: Path) -> None:
    row = json.loads(_ok(store, "label", "export", "--limit", "1", "--format", "jsonl"))
    f = tmp_path / "l.csv"
    f.write_text(f"indicator_id,tier,sub\n{row['indicator_id']},效益,社会效益\n", encoding="utf-8")
    _ok(store, "label", "import", str(f))
    registry_before = (store / "models" / "registry.json").read_bytes()
    labels_before = _ok(store, "label", "list", "--history", "--json")
    # the process kills itself (SIGKILL) right after the new model file is written, before the registry
    script = (
        "import os, signal, sys\n"
        "import models.registry as r\n"
        "real = r._commit\n"
        "def commit(data_dir, state):\n"
        "    if any(v['version'] == 'v1' for v in state['versions']):\n"
        "        assert (data_dir / 'models' / 'v1.joblib').exists()\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    real(data_dir, state)\n"
        "r._commit = commit\n"
        "from cli import app\n"
        f"sys.argv = ['jixiao', '--data-dir', {str(store)!r}, 'train']\n"
        "app()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=600)
    assert proc.returncode == -9, proc.stderr.decode()
    assert (store / "models" / "v1.joblib").exists()
    assert (store / "models" / "registry.json").read_bytes() == registry_before
    assert _ok(store, "label", "list", "--history", "--json") == labels_before
    assert [v["version"] for v in json.loads(_ok(store, "models", "list", "--json"))] == ["default"]
    assert json.loads(_ok(store, "classify", "培训人数", "--format", "jsonl"))["sub"] == "数量"
    # the next train takes the version name again and works
    assert json.loads(_ok(store, "train", "--json"))["version"] == "v1"


def test_train_on_a_single_sub_tier_is_an_error_not_a_traceback(data_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "one.csv"
    f.write_text("name,tier,sub\n培训人数,产出,数量\n培训次数,产出,数量\n", encoding="utf-8")
    result = _run(data_dir, "train", "--labels", str(f), "--no-store", "--no-bundled")
    assert result.exit_code == 1 and "needs at least two sub-tiers" in result.output
    assert "Traceback" not in result.output


def test_the_active_models_heldout_fit_is_reused_when_its_rows_are_unchanged(store: Path, monkeypatch) -> None:
    import models.retrain as retrain

    first = json.loads(_ok(store, "train", "--json"))
    assert (store / "models" / f"{first['version']}.heldout.joblib").exists()
    fits: list[int] = []
    real = retrain.fit_training_set

    def counting(ts, **kw):  # type: ignore[no-untyped-def]
        fits.append(len(ts.rows))
        return real(ts, **kw)

    monkeypatch.setattr(retrain, "fit_training_set", counting)
    second = json.loads(_ok(store, "train", "--json"))
    assert (store / "models" / f"{first['version']}.heldout5.joblib").exists()  # one per fold of a small store
    # the candidate without each fold's documents, and the final fit: v1's held-out fits are loaded, not refitted
    assert len(fits) == 5 + 1
    assert second["active"]["version"] == first["version"]
    assert second["active"]["sub_macro_f1"] == second["candidate"]["sub_macro_f1"]  # same rows, same fit


def test_export_of_one_document_and_of_an_unknown_one(store: Path) -> None:
    rows = [json.loads(x) for x in _ok(store, "label", "export", "--doc", "003_33721d9d2b44b90e.txt", "--limit", "7",
                                       "--format", "jsonl").splitlines()]
    assert len(rows) == 7 and {r["doc"] for r in rows} == {"003_33721d9d2b44b90e.txt"}
    assert list(rows[0]) == EXPORT_FIELDS
    result = _run(store, "label", "export", "--doc", "nope.txt")
    assert result.exit_code == 1 and "no stored document 'nope.txt'" in result.output
    result = _run(store, "label", "export", "--format", "xlsx")
    assert result.exit_code == 1 and "give the file with -o FILE" in result.output


@pytest.mark.parametrize("max_cv_rows", [None, 0], ids=["five-folds", "one-split"])
def test_training_in_several_processes_saves_the_same_models_as_in_one(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_cv_rows: int | None
) -> None:
    import models.retrain as retrain_module
    from models.registry import load_heldout_fit, load_version, read_registry
    from models.retrain import retrain
    from service.labelling import _records

    if max_cv_rows is not None:  # one held-out split, as in a large store: the active model is scored in a third process
        monkeypatch.setattr(retrain_module, "CROSS_VALIDATE_MAX_ROWS", max_cv_rows)
    records = _records(store)
    texts = [r.text for r in records]
    outcomes, predictions = [], []
    for parallel in (False, True):
        d = tmp_path / f"parallel-{parallel}"
        shutil.copytree(store, d)
        out = retrain(d, records=records, labels=[], labels_upto=lambda n: [], label_upto=0, parallel=parallel)
        entry = next(v for v in read_registry(d)["versions"] if v["version"] == out.version)
        prints = [f["fingerprint"] for f in entry["heldout_fits"]]
        assert len(prints) == (5 if max_cv_rows is None else 1)
        heldout = [load_heldout_fit(d, out.version, fp) for fp in prints]
        outcomes.append((out.candidate, out.active, out.promoted, out.training, entry["data_sha256"], prints))
        predictions.append((load_version(d, out.version).predict(texts), [h.predict(texts) for h in heldout]))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] is not None
    assert predictions[0] == predictions[1]
