"""Labelled files: validated row by row, rejected whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.labels import LabelFileError, read_indicator_texts, read_labels


def test_malformed_label_file_lists_every_bad_row_with_its_line(tmp_path: Path) -> None:
    f = tmp_path / "labels.csv"
    f.write_text(
        "name,desc,value,tier,sub\n"
        "培训人数,,≥50人,产出,数量\n"
        ",无名,≥1,产出,数量\n"
        "满意度,,≥90%,效益,服务对象满意度\n"
        "发放及时率,,100%,产出,速度\n"
        "\"跨行\n名称\",,1,产出,数量,多余\n",
        encoding="utf-8",
    )
    with pytest.raises(LabelFileError) as err:
        read_labels(f)
    assert str(err.value) == (
        f"{f}: 4 bad rows in label file, nothing was used; fix them and retry:\n"
        f"  {f}:3: 'name' is empty\n"
        f"  {f}:4: sub-tier 服务对象满意度 does not belong to tier 效益 (it belongs to 满意度)\n"
        f"  {f}:5: unknown sub-tier '速度' (expected one of 数量, 质量, 时效, 成本, 经济效益, 社会效益, 生态效益, 可持续影响, 服务对象满意度)\n"
        f"  {f}:6: 6 cells for 5 columns"
    )
    assert [line for line, _ in err.value.problems] == [3, 4, 5, 6]


def test_jsonl_labels_accept_synonyms_and_missing_fields(tmp_path: Path) -> None:
    f = tmp_path / "labels.jsonl"
    f.write_text(
        '{"name": "完成时间", "sub": "进度指标", "doc": "d1"}\n\n{"name": "群众满意度", "desc": null, "value": "≥90%", "tier": "满意度指标", "sub": "满意度"}\n',
        encoding="utf-8",
    )
    rows = read_labels(f)
    assert [(r.tier, r.sub, r.group) for r in rows] == [("产出", "时效", "d1"), ("满意度", "服务对象满意度", "")]
    assert rows[1].text.desc is None and rows[1].text.value == "≥90%"


def test_bad_json_line_is_reported_by_number(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text('{"name": "a"}\n{"name": \n["list"]\n', encoding="utf-8")
    with pytest.raises(LabelFileError) as err:
        read_indicator_texts(f)
    assert [line for line, _ in err.value.problems] == [2, 3]
    assert err.value.problems[1][1] == "not a JSON object"


def test_unknown_file_type_names_the_remedy(tmp_path: Path) -> None:
    f = tmp_path / "labels.xlsx"
    f.write_bytes(b"")
    with pytest.raises(LabelFileError.__mro__[1], match=r"unknown file type \.xlsx; use \.csv or \.jsonl"):
        read_labels(f)


def test_other_sector_set_is_valid_and_covers_all_sub_tiers() -> None:
    rows = read_labels(Path(__file__).resolve().parents[2] / "labels" / "other_sectors.csv")
    assert 150 <= len(rows) <= 300
    assert len({r.sub for r in rows}) == 9
    assert {"教育", "卫生", "农业", "交通", "环保", "文化"} <= {r.group for r in rows}


# ---------------------------------------------------------------- reviewer corrections

from models.labels import (  # noqa: E402
    BUNDLED_CORRECTIONS,
    LabelledIndicator,
    apply_corrections,
    load_bundled_corrections,
    load_bundled_training,
    read_corrections,
)
from models.features import IndicatorText  # noqa: E402
from nlp.normalize import SUB_PARENT  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HEADER = "doc,line,name,filed_sub,sub,verdict,reason,selected_by\n"


def test_malformed_corrections_file_lists_every_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "corr.csv"
    f.write_text(
        HEADER
        + "a.txt,10,学生抽样调查满意度,社会效益,服务对象满意度,corrected,R05,disagree\n"
        + "a.txt,x,培训人数,数量,数量,kept,fits §3.3,disagree\n"
        + "a.txt,12,培训人数,数量,质量,kept,fits,disagree\n"
        + "a.txt,13,培训人数,数量,速度,corrected,?,disagree\n"
        + "a.txt,14,培训人数,数量,数量,kept,,agree_sample\n"
        + "a.txt,10,学生抽样调查满意度,社会效益,服务对象满意度,corrected,R05,disagree\n",
        encoding="utf-8",
    )
    with pytest.raises(LabelFileError) as err:
        read_corrections(f)
    assert str(err.value) == (
        f"{f}: 5 bad rows in corrections file, nothing was used; fix them and retry:\n"
        f"  {f}:3: 'line' must be a line number, not 'x'\n"
        f"  {f}:4: verdict kept but filed 数量 and adjudicated 质量\n"
        f"  {f}:5: unknown sub-tier '速度' in 'sub' (expected one of 数量, 质量, 时效, 成本, 经济效益, 社会效益, 生态效益, 可持续影响, 服务对象满意度)\n"
        f"  {f}:6: 'reason' is empty: say which definition the verdict rests on\n"
        f"  {f}:7: a.txt:10 already adjudicated on line 2"
    )


def _lab(name: str, sub: str, line: int) -> LabelledIndicator:
    return LabelledIndicator(IndicatorText(name), SUB_PARENT[sub], sub, "a.txt", line)


def test_corrections_replace_the_sub_tier_and_its_tier(tmp_path: Path) -> None:
    f = tmp_path / "corr.csv"
    f.write_text(HEADER + "a.txt,10,学生抽样调查满意度,社会效益,服务对象满意度,corrected,R05,disagree\n"
                 "a.txt,11,培训人数,数量,数量,kept,fits §3.3,agree_sample\n", encoding="utf-8")
    rows = [_lab("学生抽样调查满意度", "社会效益", 10), _lab("培训人数", "数量", 11), _lab("发放及时率", "时效", 12)]
    fixed = apply_corrections(rows, read_corrections(f))
    assert [(r.tier, r.sub) for r in fixed] == [("满意度", "服务对象满意度"), ("产出", "数量"), ("产出", "时效")]
    assert rows[0].sub == "社会效益"  # the input is not changed


def test_stale_corrections_are_refused_not_moved_onto_other_rows(tmp_path: Path) -> None:
    f = tmp_path / "corr.csv"
    f.write_text(HEADER + "a.txt,10,学生抽样调查满意度,社会效益,服务对象满意度,corrected,R05,disagree\n"
                 "a.txt,99,培训人数,数量,质量,corrected,§3.3,disagree\n", encoding="utf-8")
    rows = [_lab("培训人数", "数量", 10)]
    with pytest.raises(LabelFileError) as err:
        apply_corrections(rows, read_corrections(f), source=str(f))
    assert [p for _, p in err.value.problems] == [
        "a.txt:10 is '培训人数' filed 数量, not '学生抽样调查满意度' filed 社会效益",
        "no labelled row at a.txt:99",
    ]


def test_bundled_corrections_are_the_reviewers_file_and_match_the_bundled_rows() -> None:
    reviewers = ROOT / "labels" / BUNDLED_CORRECTIONS
    bundled = ROOT / "models" / "data" / BUNDLED_CORRECTIONS
    assert reviewers.read_bytes() == bundled.read_bytes(), "run models/data/regenerate.py"
    corrections = load_bundled_corrections()
    filed, adjudicated = load_bundled_training(), load_bundled_training(adjudicated=True)
    changed = [(a, b) for a, b in zip(filed, adjudicated) if a.sub != b.sub]
    assert len(changed) == sum(c.verdict == "corrected" for c in corrections) > 0
    # the brief's audit: every model disagreement plus a random sample of >= 100 agreeing rows
    assert sum(c.selected_by == "agree_sample" for c in corrections) >= 100
    assert all(c.reason.startswith("kept") or "§3" in c.reason or "R0" in c.reason or "R1" in c.reason for c in corrections)
    by_name = {b.text.name: b for a, b in changed}
    assert (by_name["学生抽样调查满意度"].tier, by_name["学生抽样调查满意度"].sub) == ("满意度", "服务对象满意度")


def test_an_ingested_copy_of_a_bundled_document_replaces_its_bundled_rows() -> None:
    from models.labels import load_bundled_training, load_default_training, with_default_training

    sample = load_bundled_training()
    doc = sample[0].group
    mine = [r for r in sample if r.group == doc]  # the same disclosure, ingested: labels as filed
    merged = with_default_training(mine)
    assert [r for r in merged if r.group == doc] == mine
    assert len(merged) == len(load_default_training())  # every other bundled row kept
    assert with_default_training([]) == load_default_training()


def test_training_sha256_is_the_sha256_of_one_json_line_per_row() -> None:
    import hashlib
    import json

    from models.features import IndicatorText
    from models.labels import LabelledIndicator, training_sha256

    rows = [LabelledIndicator(IndicatorText(f'名称"{i}\\\n\t', None if i % 2 else "描述 ∅", None if i % 3 else "≥90%"),
                              "产出", None if i % 5 == 0 else "数量", group=f"doc{i % 7}.txt") for i in range(70_000)]
    reference = hashlib.sha256()
    for r in rows:
        reference.update(json.dumps([r.group, r.text.name, r.text.desc, r.text.value, r.sub or r.tier],
                                    ensure_ascii=False).encode("utf-8") + b"\n")
    assert training_sha256(rows) == reference.hexdigest()
    assert training_sha256([]) == hashlib.sha256().hexdigest()
