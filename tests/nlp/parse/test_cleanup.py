from nlp.parse.cleanup import split_lines, strip_field_code, strip_html


def test_word_toc_field_code_is_removed_from_a_title():
    line = "1.事业单位工作人员年度考核奖励资金绩效目标表 TC 1、事业单位工作人员年度考核奖励资金绩效目标表 \\f C \\l 1 "
    assert strip_field_code(line) == "1.事业单位工作人员年度考核奖励资金绩效目标表"


def test_field_code_of_a_heading_without_number_is_removed():
    assert strip_field_code("一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1 ") == "一、总体绩效目标"


def test_bookmark_marker_is_removed():
    assert strip_field_code("[bookmark: _Toc_4_4_0000000004]1.社会保障工作经费绩效目标表") == "1.社会保障工作经费绩效目标表"


def test_html_tags_are_removed_but_a_less_than_value_is_kept():
    assert strip_html("<p>1. 通过落实</p> <p>2. 被征地</p>") == "1. 通过落实 2. 被征地"
    assert strip_html('<ol style="list-style-type: none"> 1. 确保') == " 1. 确保"
    assert strip_html("<70差") == "<70差"
    assert strip_html("<30 天") == "<30 天"


def test_split_lines_keeps_line_numbers_and_drops_bom_and_cr():
    assert split_lines("\ufeffa\r\n\r\nb\n") == ["a", "", "b", ""]
