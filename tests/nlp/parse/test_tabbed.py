"""Tab-row layout (sample 001) on fixtures cut from the real text."""

from nlp.parse.cleanup import split_lines
from nlp.parse.tabbed import parse_tabbed
from nlp.records import Severity


def _parse(fixture_text, name):
    return parse_tabbed(split_lines(fixture_text(name)), file=name)


def _row(ind):
    return (ind.tier_raw, ind.sub_raw, ind.name, ind.desc, ind.value, ind.basis, ind.line, ind.line_end)


def test_project_header_fields_are_read(fixture_text):
    (p,) = _parse(fixture_text, "tabbed_page_break.txt").projects
    assert (p.seq, p.section, p.ordinal) == (2, "预算项目", 1)
    assert p.title == "2、开展招聘会、直播带岗工作经费绩效目标表"
    assert p.name == "开展招聘会、直播带岗工作经费"
    assert p.code == "13108124P00D886100392"
    assert (p.budget_wan, p.budget_source) == (19.79, "table")
    assert p.funds_use.startswith("用于招聘会租用第三方辅助设施：桌椅")
    assert p.spending_plan == (("3月底", "10%"), ("6月底", "50%"), ("10月底", "80%"))
    assert p.targets.startswith("1. 通过举办6场招聘会、2场直播带岗活动")


def test_column_variant_with_empty_column_before_value(fixture_text):
    (p,) = _parse(fixture_text, "tabbed_page_break.txt").projects
    assert _row(p.indicators[0]) == (
        "产出指标", "数量指标", "招聘会吸纳失业人员和就业生人数", "招聘会吸纳失业人员和就业生人数",
        "≥8000人", "计划标准，《关于开展2023春风行动暨就业援助月的通知》霸人社发【2023】6号", 12, 12,
    )


def test_page_break_continuation_is_appended_without_separator(fixture_text):
    result = _parse(fixture_text, "tabbed_page_break.txt")
    (p,) = result.projects
    assert len(p.indicators) == 8
    assert _row(p.indicators[2]) == (
        "产出指标", "质量指标", "举办2场直播带岗活动完成率", "实际完成情况",
        "≥100%", "计划标准，《关于开展2023春风行动暨就业援助月的通知》霸人社发【2023】6号", 14, 17,
    )
    assert [(i.line, i.severity) for i in result.issues] == [(17, Severity.INFO)]


def test_row_after_repeated_header_inherits_the_tier_of_its_group(fixture_text):
    (p,) = _parse(fixture_text, "tabbed_page_break.txt").projects
    ind = p.indicators[6]
    assert (ind.tier_raw, ind.tier, ind.sub, ind.name, ind.line) == ("效益指标", "效益", "可持续影响", "工作能力提升", 23)


def test_spending_plan_repeated_in_targets_cell_is_not_read_as_targets(fixture_text):
    result = _parse(fixture_text, "tabbed_plan_in_targets.txt")
    (p,) = result.projects
    assert p.targets == "1. 确保机关事业单位退休人员基本养老金按时足额发放。"
    assert p.spending_plan == (("3月底", "25%"), ("6月底", "50%"), ("10月底", "75%"))
    assert any("spending plan printed again" in i.message for i in result.issues)
    assert _row(p.indicators[3])[3:] == ("人均每人每月退休费", "≥5615 元", "计划标准：冀财社【2023】199号", 17, 20)


def test_html_in_targets_is_stripped_and_twelfth_month_row_read(fixture_text):
    (p,) = _parse(fixture_text, "tabbed_html.txt").projects
    assert "<" not in p.targets and p.targets.startswith("1. 通过落实被征地农民养老保险政策")
    assert " 2. 被征地农民养老保险基金" in p.targets
    assert p.spending_plan[-1] == ("12月底", "100%")
    assert p.indicators[2].value == "<30 天"


def test_misaligned_month_labels_are_paired_by_column():
    text = "\n".join([
        "9、养老金制作经费绩效目标表",
        "项目编码\tX\t\t项目名称\t养老金制作经费\t\t",
        "资金支出计 划（%）\t3 月底\t\t6 月底\t\t10 月底\t12 月底",
        "\t\t\t\t\t100%\t100%",
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据",
        "产出指标\t数量指标\t养老金发放人数\t养老金发放人数\t≥1 万人\t历史标准",
    ])
    (p,) = parse_tabbed(split_lines(text), file="t.txt").projects
    assert p.spending_plan == (("3月底", ""), ("6月底", ""), ("10月底", "100%"), ("12月底", "100%"))


def test_continuation_row_without_a_row_above_is_reported():
    text = "\n".join([
        "1、X绩效目标表",
        "项目编码\tC\t\t项目名称\tX\t\t",
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据",
        "\t\t\t\t\t号",
    ])
    result = parse_tabbed(split_lines(text), file="t.txt")
    assert result.projects[0].indicators == ()
    messages = [i.message for i in result.issues]
    assert "continuation row with no indicator row above it; dropped: 号" in messages
    assert "indicator header found but no indicator rows" in messages


def test_table_ends_at_body_text_after_the_last_table():
    text = "\n".join([
        "1、X绩效目标表",
        "项目编码\tC\t\t项目名称\tX\t\t",
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据",
        "产出指标\t数量指标\t人数\t人数\t≥1人\t计划标准",
        "",
        "七、政府采购预算情况",
        "项目名称\t预算资金",
    ])
    result = parse_tabbed(split_lines(text), file="t.txt")
    (p,) = result.projects
    assert len(p.indicators) == 1 and p.line_end == 4
    assert result.issues == ()
