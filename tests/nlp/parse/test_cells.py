"""One-cell-per-line layout (samples 002/003/004) on fixtures cut from the real text."""

from nlp.parse.cells import parse_cells
from nlp.parse.cleanup import split_lines


def _parse(fixture_text, name):
    return parse_cells(split_lines(fixture_text(name)), file=name)


def _row(ind):
    return (ind.tier_raw, ind.sub_raw, ind.name, ind.desc, ind.value, ind.basis, ind.line, ind.line_end)


def test_field_code_is_stripped_from_the_title(fixture_text):
    (p,) = _parse(fixture_text, "cells_blank_in_row.txt").projects
    assert p.title == "1.事业单位工作人员年度考核奖励资金绩效目标表"
    assert (p.seq, p.name, p.code, p.budget_wan) == (1, "事业单位工作人员年度考核奖励资金", "130322213SZKS0GW5XY3D", 288.0)
    assert p.spending_plan == (("3月底", "0.00%"), ("6月底", "0.00%"), ("10月底", "0.00%"), ("12月底", "100.00%"))


def test_untabbed_line_continues_the_cell_above_without_separator(fixture_text):
    (p,) = _parse(fixture_text, "cells_blank_in_row.txt").projects
    assert p.targets == "1.激励广大事业单位工作人员担当作为、干事创业。2.加强高素质专业化事业单位人才队伍建设。"


def test_blank_line_between_description_and_value_stays_in_the_row(fixture_text):
    result = _parse(fixture_text, "cells_blank_in_row.txt")
    (p,) = result.projects
    assert len(p.indicators) == 9
    assert _row(p.indicators[-1]) == (
        "满意度指标", "服务对象满意度指标", "受服务群体满意度（%）",
        "服务群体调查中，满意和较满意的人数占调查人数的比率", "≥90百分比", "历史经验", 103, 109,
    )
    assert p.indicators[-1].parsed.unit == "%"
    assert [i.message for i in result.issues] == ["blank line inside the row starting on line 103; cells joined"]


def test_leading_space_in_a_cell_is_trimmed(fixture_text):
    (p,) = _parse(fixture_text, "cells_blank_in_row.txt").projects
    assert p.indicators[1].name == "考核完成率"


def test_row_with_empty_tier_and_blank_lines_inside(fixture_text):
    (p,) = _parse(fixture_text, "cells_tier_empty_blank.txt").projects
    assert p.title == "12.劳务派遣人员工资绩效目标表"
    assert len(p.indicators) == 8
    basis = "县长办公会议纪要十六届【2020】62号、2025年度工作计划"
    assert _row(p.indicators[1]) == ("产出指标", "质量指标", "工资足额发放率", "工资应发放额/工资实际发放额", "100%", basis, 52, 58)
    assert _row(p.indicators[3]) == ("产出指标", "时效指标", "工资社保发放缴纳及时率", "按计划每月月底完成发放", "≥90%", basis, 67, 73)


def test_description_continued_on_untabbed_lines(fixture_text):
    (p,) = _parse(fixture_text, "cells_untabbed_continuation.txt").projects
    ind = next(i for i in p.indicators if i.name == "考务规范性")
    assert _row(ind) == (
        "效果指标", "社会效益指标", "考务规范性",
        "严格按照招聘方案实施考试考务工作。包含如下三项内容：1、严格培训考务人员2、试卷安全管理3、考点考场设置规范",
        "考前考务培训率达90%以上；试卷管理安全无事故；考点考场设置符合标准", "市本级编制的考试方案", 66, 74,
    )
    assert ind.tier == "效益"


def test_graded_values_are_kept_as_three_rows(fixture_text):
    (p,) = _parse(fixture_text, "cells_graded_values.txt").projects
    assert [i.value for i in p.indicators] == ["≥95优", "≥85良", "<70差", "≤2优", "≤5良", "≤10差", "≥95优", "≥85良", "<70差"]
    assert all(i.basis == "" for i in p.indicators)
    assert [i.tier_raw for i in p.indicators[3:6]] == ["效果指标"] * 3


def test_two_numbering_series_set_section_and_restart_seq(fixture_text):
    projects = _parse(fixture_text, "cells_two_series.txt").projects
    assert [(p.section, p.seq, p.ordinal) for p in projects] == [("专项资金", 1, 1), ("预算项目", 1, 2)]
    assert projects[0].name == "城乡养老市级配套资金"  # column 专项资金名称
    assert projects[0].code == "000-9999-JSN-VZ82"
    assert projects[1].name == "办公楼租金"


def test_empty_value_cell_keeps_the_row_and_is_reported():
    text = "\n".join([
        "1、X绩效目标表 TC 1、X绩效目标表 \\f C \\l 1 ",
        "\t项目编码", "\tC", "\t项目名称", "\tX", "",
        "\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t指标值确定依据", "",
        "\t效果指标", "\t社会效益指标", "\t社会影响力", "\t得到认可。", "\t", "\t", "",
    ])
    result = parse_cells(split_lines(text), file="t.txt")
    (ind,) = result.projects[0].indicators
    assert (ind.name, ind.value, ind.basis) == ("社会影响力", "", "")
    assert [str(i) for i in result.issues] == ["t.txt:14: info [value]: 指标值 cell empty"]


def test_row_missing_cells_is_kept_and_reported():
    text = "\n".join([
        "1、X绩效目标表",
        "\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t指标值确定依据", "",
        "\t产出指标", "\t数量指标", "\t人数", "",
        "\t产出指标", "\t质量指标", "\t合格率", "\t合格率", "\t100%", "\t计划", "",
    ])
    result = parse_cells(split_lines(text), file="t.txt")
    assert [i.name for i in result.projects[0].indicators] == ["人数", "合格率"]
    assert "t.txt:9: warning: row has 3 of 6 cells; the missing cells at its end are left empty" in [str(i) for i in result.issues]
