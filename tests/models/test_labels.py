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
    rows = read_labels(Path(__file__).resolve().parents[2] / "samples" / "labels" / "other_sectors.csv")
    assert 150 <= len(rows) <= 300
    assert len({r.sub for r in rows}) == 9
    assert {"教育", "卫生", "农业", "交通", "环保", "文化"} <= {r.group for r in rows}
