import pytest

from nlp.errors import InputError
from nlp.parse import parse_batch, parse_text
from nlp.records import Layout


def test_text_without_tables_names_the_file_and_what_was_expected():
    with pytest.raises(InputError) as err:
        parse_text("部门预算收支总表\n序号\t收入\n", file="notes.txt")
    assert str(err.value) == (
        "notes.txt: no performance-target tables found (expected 项目支出绩效目标表 with 一级指标/二级指标 columns)"
    )


def test_empty_text_is_an_input_error():
    with pytest.raises(InputError) as err:
        parse_text(" \n\n", file="empty.txt")
    assert str(err.value) == "empty.txt: empty document (no text to read)"


def test_layout_is_detected_from_the_text_not_the_file_name(fixture_text):
    doc = parse_text(fixture_text("tabbed_page_break.txt"), file="cells_layout.txt", sha256="abc")
    assert doc.document.layout is Layout.TABBED
    assert (doc.document.file, doc.document.sha256) == ("cells_layout.txt", "abc")


def test_missing_department_and_year_are_reported(fixture_text):
    doc = parse_text(fixture_text("tabbed_html.txt"), file="t.txt")
    assert doc.document.department is None
    assert doc.document.year == 2024  # from the 项目编码 13108124P…
    assert "t.txt:1: warning [department]: department not found in the text" in [str(i) for i in doc.issues]


def test_parse_batch_keeps_order(fixture_text):
    docs = parse_batch([("a.txt", fixture_text("cells_two_series.txt")), ("b.txt", fixture_text("tabbed_html.txt"))])
    assert [(d.document.file, d.document.layout, len(d.projects)) for d in docs] == [
        ("a.txt", Layout.CELLS, 2),
        ("b.txt", Layout.TABBED, 1),
    ]
