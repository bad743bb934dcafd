"""The table interpreter on our own fixtures: one test per trap of the structured text forms."""

from __future__ import annotations

import pytest

from nlp.errors import InputError
from nlp.parse import parse_text
from nlp.records import Layout


def rows(text: str) -> list[tuple]:
    doc = parse_text(text, file="t.txt")
    return [(i.tier, i.tier_raw, i.sub, i.name, i.value) for p in doc.projects for i in p.indicators]


HEADER = "一级指标 | 二级指标 | 三级指标 | 指标值 | |||\n"


def test_merged_tier_and_sub_cells_are_carried_down_and_the_padding_run_is_not_cells():
    text = (
        "项目名称 | 河道保洁 | ||||\n" + HEADER
        + "产出指标 | 数量指标 | 保洁河道长度 | 42公里 | ||\n"
        "清运漂浮物 | ≥300吨 | |||||\n"
        "时效指标 | 汛前清淤完成时间 | 5月底前 | ||||\n"
        "效益指标 | 生态效益指标 | 断面水质达标率 | ≥90% | ||\n"
    )
    assert rows(text) == [
        ("产出", "产出指标", "数量", "保洁河道长度", "42公里"),
        ("产出", "产出指标", "数量", "清运漂浮物", "≥300吨"),
        ("产出", "产出指标", "时效", "汛前清淤完成时间", "5月底前"),
        ("效益", "效益指标", "生态效益", "断面水质达标率", "≥90%"),
    ]


def test_a_description_cell_after_the_value_is_not_taken_as_the_value():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 指标说明 | |\n"
        "产出指标 | 质量指标 | 设备完好率 | ≥95% | 按月抽检 | ||\n"
        "维修及时率 | 100% | 按报修单统计 | |||\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [(i.name, i.value, i.desc) for i in doc.projects[0].indicators]
    assert got == [("设备完好率", "≥95%", "按月抽检"), ("维修及时率", "100%", "按报修单统计")]


def test_a_row_cut_by_a_page_marker_continues_on_the_next_line():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值 | 得分 |\n"
        "产出指标 | 数量指标 | 培训场次 | 8场\n"
        "第2页\n"
        "| 9场 | 10 |\n"
        "质量指标 | 培训合格率 | ≥90% | 96% | 10 |\n"
    )
    doc = parse_text(text, file="t.txt")
    first, second = doc.projects[0].indicators
    assert (first.name, first.value, first.actual, first.extra) == ("培训场次", "8场", "9场", (("得分", "10"),))
    assert (first.line, first.line_end) == (2, 4)
    assert (second.sub, second.actual) == ("质量", "96%")


def test_a_second_project_in_the_same_text_is_its_own_project():
    block = "项目名称 | {name} | |||\n主管部门 | 606-青禾县农业农村局 | |||\n" + HEADER + (
        "产出指标 | 数量指标 | {ind} | 12个 | ||\n"
    )
    text = "青禾县2025年项目支出绩效目标表\n" + block.format(name="农机补贴", ind="补贴机具") + block.format(
        name="种子储备", ind="储备品种"
    )
    doc = parse_text(text, file="t.txt")
    assert [(p.name, p.department, [i.name for i in p.indicators]) for p in doc.projects] == [
        ("农机补贴", "青禾县农业农村局", ["补贴机具"]),
        ("种子储备", "青禾县农业农村局", ["储备品种"]),
    ]
    assert doc.document.year == 2025


def test_self_evaluation_columns_go_to_actual_and_extra():
    text = (
        "年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n"
        "产出指标(50分) | 数量指标 | 巡查次数 | ≥12次 | 14次 | 10 | 10 | |\n"
        "质量指标 | 整改完成率 | 100% | 92% | 10 | 8 | 个别整改延期 |\n"
    )
    doc = parse_text(text, file="t.txt")
    a, b = doc.projects[0].indicators
    assert (a.tier, a.tier_raw, a.value, a.actual, a.extra) == (
        "产出", "产出指标(50分)", "≥12次", "14次", (("分值", "10"), ("得分", "10"))
    )
    assert (b.actual, b.extra[-1]) == ("92%", ("偏差原因分析及改进措施", "个别整改延期"))


def test_operator_value_and_unit_cells_are_joined_and_kept_apart():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标方向 | 指标值 | 计量单位 | 指标性质 |\n"
        "产出指标 | 数量指标 | 新建便民站点 | 大于等于 | 15 | 个 | 正向 |\n"
        "成本指标 | 单站建设费用 | ≤ | 3.5 | 万元 | 反向 |\n"
        "效益指标 | 社会效益指标 | 群众办事便利度 | 定性 | 明显提升 | | 正向 |\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [
        (i.sub, i.value, i.value_op_raw, i.value_num_raw, i.value_unit_raw, i.parsed.op, i.parsed.num, i.parsed.unit)
        for i in doc.projects[0].indicators
    ]
    assert got == [
        ("数量", "大于等于 15 个", "大于等于", "15", "个", "≥", 15.0, "个"),
        ("成本", "≤ 3.5 万元", "≤", "3.5", "万元", "≤", 3.5, "万元"),
        ("社会效益", "明显提升", "定性", None, None, None, None, None),
    ]
    assert doc.projects[0].indicators[0].extra == (("指标性质", "正向"),)


def test_of_long_term_and_annual_sets_the_annual_set_is_read_and_the_other_kept():
    text = (
        "一级指标 | 二级指标(长期) | 三级指标(长期) | 指标值(长期) | 二级指标(年度) | 三级指标(年度) | 指标值(年度) |\n"
        "产出指标 | 数量指标 | 改造老旧管网 | 60公里 | 数量指标 | 改造老旧管网 | 20公里 |\n"
        "管网漏损率 | ≤12% | 管网漏损率 | ≤15% |\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [(i.sub, i.name, i.value, i.extra) for i in doc.projects[0].indicators]
    assert got == [
        ("数量", "改造老旧管网", "20公里", (("二级指标(长期)", "数量指标"), ("三级指标(长期)", "改造老旧管网"), ("指标值(长期)", "60公里"))),
        ("数量", "管网漏损率", "≤15%", (("三级指标(长期)", "管网漏损率"), ("指标值(长期)", "≤12%"))),
    ]


def test_a_table_cut_mid_row_at_the_end_keeps_a_whole_name_and_drops_a_cut_one():
    body = HEADER + "产出指标 | 数量指标 | 巡检路段 | 18段 | ||\n满意度指标 | 服务对象满意度指标 | "
    doc = parse_text(body + "沿线居民满意度 | ≥9", file="t.txt")
    assert rows(body + "沿线居民满意度 | ≥9")[-1] == ("满意度", "满意度指标", "服务对象满意度", "沿线居民满意度", "")
    assert "t.txt:3: warning [value]: text ends inside the value cell; kept as missing" in [str(i) for i in doc.issues]
    assert [r[3] for r in rows(body + "沿线居民满")] == ["巡检路段"]


def test_header_words_in_another_order_map_by_their_meaning():
    text = (
        "指标名称 | 目标值 | 二级指标 | 一级指标 |\n"
        "义诊活动场次 | 24场 | 数量指标 | 产出指标 |\n"
        "群众满意度 | ≥90% | 服务对象满意度指标 | 满意度指标 |\n"
    )
    assert rows(text) == [
        ("产出", "产出指标", "数量", "义诊活动场次", "24场"),
        ("满意度", "满意度指标", "服务对象满意度", "群众满意度", "≥90%"),
    ]


def test_department_wide_table_without_tier_columns_has_no_tier():
    text = (
        "部门整体绩效目标表\n"
        "三级指标 | 指标值 | 全年实际完成值 |\n"
        "政务信息公开率 | 100% | 100% |\n"
        "档案数字化册数 | ≥5000册 | 5200册 |\n"
    )
    assert rows(text) == [
        (None, "", None, "政务信息公开率", "100%"),
        (None, "", None, "档案数字化册数", "≥5000册"),
    ]


def test_a_fund_management_block_is_not_read_as_indicators():
    text = (
        "资金管理情况 | 情况说明 | 存在问题和改进措施 |\n"
        "分配科学性 | 按因素法分配 | 无 |\n"
        "下达及时性 | 15日内下达 | 无 |\n"
        "绩效指标 | 一级指标 |\n"
        "二级指标 | 三级指标 | 指标值 | 全年实际完成值 |\n"
        "产 出 指 标 |\n"
        "数量指标 | 补助人数 | 300人 | 310人 |\n"
    )
    assert rows(text) == [("产出", "产 出 指 标", "数量", "补助人数", "300人")]


def test_a_table_after_a_long_notice_is_found():
    notice = "".join(f"{k}、请按要求做好项目实施和资金管理工作,加强绩效运行监控。\n" for k in range(1, 80))
    text = notice + HEADER + "产出指标 | 数量指标 | 发放补贴户数 | 1200户 | ||\n"
    doc = parse_text(text, file="t.txt")
    assert [i.name for i in doc.projects[0].indicators] == ["发放补贴户数"]
    assert (doc.document.layout, doc.document.reader) == (Layout.TABLE, "pipe")


def test_text_without_a_table_gets_the_one_line_error():
    with pytest.raises(InputError) as err:
        parse_text("关于做好2025年预算编制工作的通知\n各单位:\n请按时报送。\n", file="notice.txt")
    assert str(err.value).startswith("notice.txt: no performance-target tables found")


def test_one_cell_per_line_with_blank_lines_between_cells():
    cells = ["项目名称", "乡村道路养护", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量指标", "养护里程", "86公里", "路面修补面积", "≥3000平方米",
             "效益指标", "社会效益指标", "群众出行条件", "持续改善"]
    doc = parse_text("\n\n".join(cells) + "\n", file="t.txt")
    assert doc.document.reader == "paragraphs"
    assert doc.projects[0].name == "乡村道路养护"
    assert [(i.tier, i.sub, i.name, i.value) for i in doc.projects[0].indicators] == [
        ("产出", "数量", "养护里程", "86公里"),
        ("产出", "数量", "路面修补面积", "≥3000平方米"),
        ("效益", "社会效益", "群众出行条件", "持续改善"),
    ]


def test_one_cell_per_line_ending_in_a_pipe_with_lone_pipes_for_empty_cells():
    lines = ["一级指标 |", "二级指标 |", "三级指标 |", "指标值 |", "实际完成值 |", "||",
             "|", "数量指标 |", "检测样本数 |", "500份 |", "|", "|||",
             "质量指标 |", "检测准确率 |", "≥98% |", "99% |", "||"]
    doc = parse_text("\n".join(lines) + "\n", file="t.txt")
    assert [(i.tier, i.sub, i.name, i.value, i.actual) for i in doc.projects[0].indicators] == [
        ("产出", "数量", "检测样本数", "500份", ""),
        ("产出", "质量", "检测准确率", "≥98%", "99%"),
    ]


def test_a_value_cut_after_its_operator_is_missing_and_reported_with_file_and_line():
    text = HEADER + "产出指标 | 数量指标 | 新建站点 | ≧ |\n"
    doc = parse_text(text, file="t.txt")
    ind = doc.projects[0].indicators[0]
    assert (ind.value, ind.uncertain) == ("", ("value",))
    assert "t.txt:2: warning [value]: value cut after its operator; kept as missing" in [str(i) for i in doc.issues]


def test_a_grid_table_with_restored_spans_reads_like_printed_rows():
    from nlp.interpret import interpret
    from nlp.table import Cell, Row, Sheet, Table

    def row(line, *cells):
        return Row(tuple(Cell(t, line, col=k, spanned=s) for k, (t, s) in enumerate(cells)))

    own = False
    table = Table(
        rows=(
            row(1, ("项目名称", own), ("乡村道路养护", own), ("乡村道路养护", True), ("乡村道路养护", True), ("乡村道路养护", True), ("乡村道路养护", True)),
            row(2, ("一级指标", own), ("二级指标", own), ("三级指标", own), ("指标值", own), ("实际完成值", own), ("得分", own)),
            row(3, ("产出指标", own), ("数量指标", own), ("养护里程", own), ("86公里", own), ("88公里", own), ("20", own)),
            row(4, ("产出指标", True), ("数量指标", True), ("修补面积", own), ("≥3000平方米", own), ("", own), ("20", True)),
            row(5, ("效益指标", own), ("社会效益指标", own), ("出行条件", own), ("持续改善", own), ("改善", own), ("10", own)),
        ),
        grid=True,
    )
    result = interpret(Sheet(blocks=(table,), reader="html"), file="t.html")
    (project,) = result.projects
    assert project.name == "乡村道路养护"
    assert [(i.tier, i.sub, i.name, i.value, i.actual, i.extra) for i in project.indicators] == [
        ("产出", "数量", "养护里程", "86公里", "88公里", (("得分", "20"),)),
        ("产出", "数量", "修补面积", "≥3000平方米", "", ()),
        ("效益", "社会效益", "出行条件", "持续改善", "改善", (("得分", "10"),)),
    ]


def test_tab_rows_that_are_not_a_bundled_layout_read_through_the_interpreter():
    text = (
        "2025年度项目支出绩效目标表\n项目名称\t社区养老服务补贴\n主管部门\t青禾县民政局\n"
        "三级指标\t一级指标\t二级指标\t指标值\n"
        "服务老人人数\t产出指标\t数量指标\t≥800人\n"
        "老人满意度\t满意度指标\t服务对象满意度指标\t≥90%\n"
    )
    doc = parse_text(text, file="t.txt")
    assert doc.document.reader == "tabs"
    assert [(i.tier, i.sub, i.name, i.value) for i in doc.projects[0].indicators] == [
        ("产出", "数量", "服务老人人数", "≥800人"),
        ("满意度", "服务对象满意度", "老人满意度", "≥90%"),
    ]
    assert (doc.projects[0].name, doc.document.department, doc.document.year) == ("社区养老服务补贴", "青禾县民政局", 2025)


def test_a_tab_table_headed_like_the_bundled_layout_but_without_its_titles_is_still_read():
    text = (
        "项目名称\t河道保洁\n"
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t保洁河道长度\t42公里\n"
        "\t\t清运漂浮物\t≥300吨\n"
    )
    doc = parse_text(text, file="t.txt")
    assert doc.document.reader == "tabs"
    assert [(i.tier, i.sub, i.name, i.value) for i in doc.projects[0].indicators] == [
        ("产出", "数量", "保洁河道长度", "42公里"),
        ("产出", "数量", "清运漂浮物", "≥300吨"),
    ]


def test_a_weight_alone_in_the_tier_cell_takes_the_tier_from_the_sub_tier():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |\n"
        "(40分) | 数量指标 | 指标1:修缮校舍面积 | 1200平方米 | 1250平方米 |\n"
        "(20分) | 社会效益指标 | 指标1:学生安全事故 | 0起 | 0起 |\n"
    )
    assert [(r[0], r[1], r[2]) for r in rows(text)] == [("产出", "(40分)", "数量"), ("效益", "(20分)", "社会效益")]


def test_a_sub_tier_of_another_tier_printed_without_its_tier_ends_the_carried_tier():
    text = (
        HEADER + "产出指标 | 数量指标 | 新建步道长度 | 3公里 | ||\n"
        "社会效益指标 | 群众健身便利程度 | 明显提升 | ||\n"
        "服务对象满意度指标 | 周边居民满意度 | ≥90% | ||\n"
    )
    assert [(r[0], r[1], r[2]) for r in rows(text)] == [
        ("产出", "产出指标", "数量"), ("效益", "", "社会效益"), ("满意度", "", "服务对象满意度")
    ]


def test_satisfaction_printed_as_a_sub_tier_of_benefit_stays_under_benefit():
    text = (
        HEADER + "效益指标 | 社会效益指标 | 政策知晓率 | ≥85% | ||\n"
        "社会公众或服务对象满意度指标 | 政策满意度 | ≥90% | ||\n"
    )
    assert [(r[0], r[2], r[3]) for r in rows(text)] == [("效益", "社会效益", "政策知晓率"), ("效益", "服务对象满意度", "政策满意度")]


def test_a_bare_satisfaction_tier_opens_its_block_even_without_a_sub_tier():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值 |\n"
        "效益指标 | 社会效益指标 | 培训后就业率 | ≥60% | 64% |\n"
        "满意度指标 | 参训学员满意度 | ≥90% | 95% |\n"
    )
    assert [(r[0], r[3]) for r in rows(text)] == [("效益", "培训后就业率"), ("满意度", "参训学员满意度")]


def test_a_sub_tier_cell_printed_in_two_pieces_around_its_row_is_joined():
    cells = ["一级指标", "二级指标", "三级指标", "指标值",
             "效益指标", "社会效益指标", "群众出行时间", "缩短",
             "社会公众或服务", "沿线村民满意度", "≥92%", "对象满意度指标"]
    doc = parse_text("\n\n".join(cells) + "\n", file="t.txt")
    assert [(i.tier, i.sub_raw, i.sub, i.name, i.value) for i in doc.projects[0].indicators] == [
        ("效益", "社会效益指标", "社会效益", "群众出行时间", "缩短"),
        ("效益", "社会公众或服务对象满意度指标", "服务对象满意度", "沿线村民满意度", "≥92%"),
    ]


def test_an_excerpt_that_starts_inside_a_table_is_read_by_columns_inferred_from_its_rows():
    text = (
        "巡查河道长度 | ≥ | 40 | 公里 | 42 | 10 | 10 |\n"
        "| ||\n"
        "清理河道垃圾 | ≥ | 300 | 吨 | 320 | 10 | 10 |\n"
        "质量指标 | 水质达标率 | ≥ | 90 | % | 93 | 10 | 9 |\n"
        "效益指标 | 生态效益指标 | 河道生态状况 | 定性 | 好坏 |\n"
        "| 好 | 10 | 10 |\n"
        "合计 | 100 | 95 |\n"
        "部门预算项目支出绩效自评表(2024年度)\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [(i.tier, i.sub, i.name, i.value, i.actual, i.value_op_raw) for p in doc.projects for i in p.indicators]
    assert got == [
        ("产出", None, "巡查河道长度", "≥ 40 公里", "42", "≥"),
        ("产出", None, "清理河道垃圾", "≥ 300 吨", "320", "≥"),
        ("产出", "质量", "水质达标率", "≥ 90 %", "93", "≥"),
        ("效益", "生态效益", "河道生态状况", "好坏", "好", "定性"),
    ]
    assert doc.projects[0].department is None and doc.projects[0].year is None
    assert any("columns inferred from the rows" in str(i) for i in doc.issues)


def test_a_header_repeated_after_a_page_break_continues_the_same_project():
    text = (
        "项目名称 | 农村饮水安全维修养护 | ||\n" + HEADER
        + "产出指标 | 数量指标 | 维修供水工程处数 | 35处 | ||\n"
        "第1页\n\n共2页\n" + HEADER
        + "水质检测合格率 | ≥95% | ||\n"
        "效益指标 | 社会效益指标 | 受益人口 | 2.1万人 | ||\n"
    )
    doc = parse_text(text, file="t.txt")
    assert len(doc.projects) == 1
    assert [(i.tier, i.sub, i.name) for i in doc.projects[0].indicators] == [
        ("产出", "数量", "维修供水工程处数"), ("产出", "数量", "水质检测合格率"), ("效益", "社会效益", "受益人口")
    ]


@pytest.mark.parametrize(
    "table",
    [
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|\n| 产出指标 | 数量指标 | 培训人次 | 600人次 |\n| | | 结业率 | ≥95% |\n",
        "+------+------+\n｜一级指标｜二级指标｜三级指标｜指标值｜\n+------+------+\n｜产出指标｜数量指标｜培训人次｜600人次｜\n｜结业率｜≥95%｜\n",
        "│一级指标│二级指标│三级指标│指标值│\n├──┼──┼──┼──┤\n│产出指标│数量指标│培训人次│600人次│\n│结业率│≥95%│\n",
    ],
    ids=["markdown", "full-width bars", "box drawing"],
)
def test_text_tables_with_rule_lines_and_other_bars(table):
    assert [(r[0], r[2], r[3], r[4]) for r in rows(table)] == [
        ("产出", "数量", "培训人次", "600人次"), ("产出", "数量", "结业率", "≥95%")
    ]


def test_a_row_number_column_left_of_the_labels_is_not_a_name():
    text = (
        "序号 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
        "1 | 产出指标 | 数量指标 | 新建候车亭 | 24座 |\n"
        "2 | 候车亭验收合格率 | 100% |\n"
        "3 | 效益指标 | 社会效益指标 | 群众候车条件 | 明显改善 |\n"
    )
    assert [(r[0], r[2], r[3], r[4]) for r in rows(text)] == [
        ("产出", "数量", "新建候车亭", "24座"), ("产出", "数量", "候车亭验收合格率", "100%"), ("效益", "社会效益", "群众候车条件", "明显改善")
    ]


def test_a_side_label_printed_on_the_first_row_of_its_block_is_not_a_name():
    text = (
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
        "绩效指标 | 产出指标 | 数量指标 | 发放救助金户数 | 860户 |\n"
        "救助金发放准确率 | 100% |\n"
    )
    assert [(r[0], r[2], r[3]) for r in rows(text)] == [("产出", "数量", "发放救助金户数"), ("产出", "数量", "救助金发放准确率")]


def test_a_name_holding_spaces_in_a_space_separated_row_is_kept_whole():
    text = (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
        "产出指标 数量指标 资助 3-6 岁 困难幼儿人数 ≥1450人 1462人 10 10\n"
        "质量指标 资助对象认定准确率 ≥98% 99% 10 10\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [(i.sub, i.name, i.value, i.actual) for i in doc.projects[0].indicators]
    assert got == [("数量", "资助 3-6 岁 困难幼儿人数", "≥1450人", "1462人"), ("质量", "资助对象认定准确率", "≥98%", "99%")]


def test_an_empty_header_cell_between_named_ones_keeps_its_column():
    text = (
        "项目名称\t社区矫正经费\n"
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定依据\n"
        "产出指标\t数量指标\t矫正对象走访次数\t每月走访\t\t≥12次\t工作方案\n"
        "\t\t教育帮扶人次\t集中教育\t\t≥240人次\t年度计划\n"
    )
    doc = parse_text(text, file="t.txt")
    got = [(i.name, i.desc, i.value, i.basis, i.extra) for i in doc.projects[0].indicators]
    assert got == [
        ("矫正对象走访次数", "每月走访", "≥12次", "工作方案", ()),
        ("教育帮扶人次", "集中教育", "≥240人次", "年度计划", ()),
    ]


def test_the_header_of_another_kind_of_table_ends_the_indicator_table():
    text = (
        HEADER + "产出指标 | 数量指标 | 发放补贴人数 | 1200人 | ||\n"
        "项目名称 | 预算资金 | 合计 | 一般公共预算拨款 |\n"
        "政府采购项目 | 20.5 | 20.5 | 20.5 |\n"
    )
    assert [r[3] for r in rows(text)] == ["发放补贴人数"]


def test_a_grid_header_over_two_rows_is_read_column_by_column():
    from nlp.interpret import interpret
    from nlp.table import Cell, Row, Sheet, Table

    def row(line, *cells):
        return Row(tuple(Cell(t, line, col=k, spanned=s) for k, (t, s) in enumerate(cells)))

    table = Table(
        rows=(
            row(1, ("一级指标", False), ("二级指标", False), ("三级指标", False), ("指标值", False), ("指标值", True)),
            row(2, ("一级指标", True), ("二级指标", True), ("三级指标", True), ("年度目标值", False), ("实际完成值", False)),
            row(3, ("产出指标", False), ("数量指标", False), ("巡查次数", False), ("≥12次", False), ("14次", False)),
        ),
        grid=True,
    )
    (project,) = interpret(Sheet(blocks=(table,), reader="html"), file="t.html").projects
    assert [(i.name, i.value, i.actual, i.extra) for i in project.indicators] == [("巡查次数", "≥12次", "14次", ())]


def test_space_padded_columns_keep_single_spaces_inside_cells():
    text = (
        "一级指标    二级指标    三级指标              指标值      实际完成值\n"
        "产出指标    数量指标    资助 3-6 岁幼儿人数    ≥1450 人    1462 人\n"
        "            质量指标    认定准确率            ≥98%        99%\n"
    )
    doc = parse_text(text, file="t.txt")
    assert doc.document.reader == "spaced"
    assert [(i.sub, i.name, i.value, i.actual) for i in doc.projects[0].indicators] == [
        ("数量", "资助 3-6 岁幼儿人数", "≥1450 人", "1462 人"), ("质量", "认定准确率", "≥98%", "99%")
    ]


def test_a_masked_department_falls_back_to_the_unit_opening_the_project_prose():
    text = (
        "1.“河**堤防巡查经费”项目。\n(1)项目概述:\n****水利局委托专业队伍对辖区堤防开展汛期巡查\n"
        "项目名称 | 堤防巡查经费 | |\n主管部门及代码 | [052]**** | |\n" + HEADER
        + "产出指标 | 数量指标 | 巡查堤防长度 | ≥36公里 | ||\n"
        "2.“河**水毁修复”项目。\n(1)项目概述:\n****水利局组织修复汛期水毁护岸\n"
        "项目名称 | 水毁护岸修复 | |\n主管部门及代码 | [052]**** | |\n" + HEADER
        + "产出指标 | 数量指标 | 修复护岸长度 | ≥800米 | ||\n"
    )
    doc = parse_text(text, file="t.txt")
    assert [(p.name, p.department) for p in doc.projects] == [("堤防巡查经费", "****水利局"), ("水毁护岸修复", "****水利局")]


def test_fields_placed_by_the_row_shape_are_marked_uncertain_and_reported():
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值 |\n"
        "满意度指标(10分) | 患者 | 就诊患者满意度 | ≥90% | 95% |\n"
    )
    doc = parse_text(text, file="t.txt")
    ind = doc.projects[0].indicators[0]
    assert (ind.sub_raw, ind.sub, ind.uncertain) == ("患者", "服务对象满意度", ("sub",))
    assert "t.txt:2: warning [sub]: 二级 placed by the row's cell count (not a label)" in [str(i) for i in doc.issues]


CHECKLIST = """\
鹤岭市2023年度中央对地方转移支付林业草原生态保护恢复资金绩效自评表
指标名称 指标解释 记录 未完成原因及改进措施 需提供的支撑材料
一级指标 二级指标 三级指标 自评内容 完成情况
名称 名称 名称
过程管理指标 资金管理指标 资金拨付进度 林草资金应按项目实施进度拨付至实施单位,无滞留挪用 资金拨付率(%) 96.5
1.资金拨付凭证及拨付文件。
2.项目实施进度台账。
拨付资金说明(文字说明) 按合同进度分三次拨付
资金分配合理性 按各区县造林任务量和管护面积因素法分配资金。
林草资金合计(万元) 年度预算资金总额): 860.00
其中:中央补助 700.00
地方配套 160.00
其中:
监督检查指标 下达时效 省级资金到达后于规定期限内下达到县级财政部门并抄送林业部门 下达文件日期(-年-月-日) 2023年4月18日
项目管理指标 完工验收时间 造林和管护任务于年底前完工并组织县级验收,验收资料齐全 验收日期(-年-月-日) 待省级复核
效益指标 生态效益指标 新增森林覆盖面积 当年完成人工造林和封山育林后新增的有林地面积 新增面积(亩) 1240
社会效益指标 带动护林员就业人数 当年聘用的生态护林员人数,反映带动就业情况 护林员人数(人)
"""


def test_a_checklist_reads_record_answers_and_keeps_record_lines_with_their_row():
    doc = parse_text(CHECKLIST, file="t.txt")
    [p] = doc.projects
    assert p.name == "林业草原生态保护恢复资金"
    assert p.year == 2023
    got = [(i.tier, i.tier_raw, i.sub, i.sub_raw, i.name, i.value or None, i.actual or None) for i in p.indicators]
    assert got == [
        (None, "过程管理指标", None, "资金管理指标", "资金拨付进度", None, "96.5"),
        (None, "过程管理指标", None, "资金管理指标", "资金分配合理性", None, None),
        (None, "过程管理指标", None, "监督检查指标", "下达时效", None, "2023年4月18日"),
        (None, "过程管理指标", None, "项目管理指标", "完工验收时间", None, None),  # a date template answered by a note
        ("效益", "效益指标", "生态效益", "生态效益指标", "新增森林覆盖面积", None, "1240"),
        ("效益", "效益指标", "社会效益", "社会效益指标", "带动护林员就业人数", None, None),
    ]
    assert p.indicators[1].desc == "按各区县造林任务量和管护面积因素法分配资金。"
