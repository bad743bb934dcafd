"""Readers of text without cell separators (glued tables, prose), on fixtures written for each trap.

Every fixture is invented here (places, projects and figures); the shapes are those of the
layout catalogue's families L24–L29. Each test reads through :func:`nlp.parse.parse_text`
(form detection included) and checks what a reviewer sees: name, tier, sub-tier, value,
actual; and that the readers refuse the forms that have separators.
"""

from __future__ import annotations

import pytest

from nlp.parse import parse_text
from nlp.readers import glued, prose
from nlp.readers.unseparated import best_form


def _rows(text: str) -> list[tuple]:
    doc = parse_text(text, file="fixture.txt")
    return [(i.name, i.tier, i.sub, i.value, i.actual) for p in doc.projects for i in p.indicators]


def _reader(text: str) -> str:
    return parse_text(text, file="fixture.txt").document.reader


# ---------------------------------------------------------------- prose

PROSE_REPORT = """标题:柳岸县2024年度农村饮水安全维修养护资金绩效自评报告
发布机构:柳岸县水利局
一、项目基本情况
2024年柳岸县农村饮水安全维修养护资金共计320万元,用于农村供水工程维修养护。
二、绩效指标完成情况分析
(一)产出指标
数量指标:维修养护供水工程年初任务数24处,全年完成值26处;更换老旧管网年初任务数15公里,全年完成值15.5公里。
质量指标。水质检测达标率≥92%,实际检测达标率95%;维修工程验收合格率指标为100%实际完成值为100%水表更换到位率指标为98%,实际完成值为99%
时效指标:第一,维修任务完成时限年初指标值为2024年11月底前,全年实际完成值2024年10月25日。
成本指标:单处工程平均维修费用年初指标值为不高于12万元,实际按批复标准执行。
(二)效益指标
社会效益指标:农村供水保证率有所提高;群众饮水安全意识进一步增强。
可持续影响指标:供水工程管护制度落实,运行稳定。
(三)满意度指标(服务对象满意度指标):受益群众满意度高于年度指标值≥90%。
三、存在问题及改进措施
部分偏远村组管网老化,维修难度较大。
"""


def test_prose_self_evaluation_report_reads_every_connective() -> None:
    rows = _rows(PROSE_REPORT)
    assert _reader(PROSE_REPORT) == "prose"
    assert rows == [
        ("维修养护供水工程", "产出", "数量", "24处", "26处"),
        ("更换老旧管网", "产出", "数量", "15公里", "15.5公里"),
        ("水质检测达标率", "产出", "质量", "≥92%", "95%"),
        ("维修工程验收合格率", "产出", "质量", "100%", "100%"),
        ("水表更换到位率", "产出", "质量", "98%", "99%"),
        ("维修任务完成时限", "产出", "时效", "2024年11月底前", "2024年10月25日"),
        ("单处工程平均维修费用", "产出", "成本", "不高于12万元", "按批复标准执行"),
        ("农村供水保证率", "效益", "社会效益", "有所提高", ""),
        ("群众饮水安全意识", "效益", "社会效益", "进一步增强", ""),
        ("供水工程管护制度落实,运行稳定", "效益", "可持续影响", "", ""),
        ("受益群众满意度", "满意度", "服务对象满意度", "≥90%", ""),
    ]


PROSE_NOTICE = """索 引 号 | 000000000/2025-00001 |
发布机构 | 松岗区农业农村局 |
松岗区2025年高标准农田建设项目绩效目标
区人民政府:
现将2025年高标准农田建设项目绩效目标报告如下:
一、产出指标
(一)数量指标
新建高标准农田≧1.2万亩;
配套建设机耕路,18公里;
(二)质量指标
工程验收合格率≥100%。
(三)时效指标
项目完工时间,2025年11月30日前;
(四)成本指标
亩均建设投入≦3000元/亩;
二、效益指标
(一)经济效益指标
亩均粮食产能,提高;
(二)生态效益指标
节水灌溉面积占比,增加。
三、满意度指标
项目区农户满意度≥92%;
附件:项目区位图
"""


def test_prose_target_notice_splits_name_and_value() -> None:
    rows = _rows(PROSE_NOTICE)
    assert rows == [
        ("新建高标准农田", "产出", "数量", "≧1.2万亩", ""),
        ("配套建设机耕路", "产出", "数量", "18公里", ""),
        ("工程验收合格率", "产出", "质量", "≥100%", ""),
        ("项目完工时间", "产出", "时效", "2025年11月30日前", ""),
        ("亩均建设投入", "产出", "成本", "≦3000元/亩", ""),
        ("亩均粮食产能", "效益", "经济效益", "提高", ""),
        ("节水灌溉面积占比", "效益", "生态效益", "增加", ""),
        ("项目区农户满意度", "满意度", None, "≥92%", ""),
    ]
    doc = parse_text(PROSE_NOTICE, file="fixture.txt")
    assert doc.projects[0].indicators[3].parsed.num is None  # a deadline, not the number 2025


def test_prose_in_traditional_script_with_pinyin_keeps_names_as_printed() -> None:
    text = """七、績(jì)效目標(biāo)
(一)產(chǎn)出指標(biāo) 1、數(shù)量指標(biāo):培訓(xùn)農(nóng)技人員≥300人次;
2、質(zhì)量指標(biāo):培訓合格率≥95%。
(二)效益指標(biāo) 1、社會(huì)效益指標(biāo):農戶技術應用水平,明顯提高。
"""
    rows = _rows(text)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("培訓(xùn)農(nóng)技人員", "产出", "数量", "≥300人次"),
        ("培訓合格率", "产出", "质量", "≥95%"),
        ("農戶技術應用水平", "效益", "社会效益", "明顯提高"),
    ]


def test_prose_fused_tier_and_sub_heading() -> None:
    text = """绩效自评报告
1、产出数量指标:第一,建成村级服务站年初指标值为12个,全年实际完成值12个。第二,培训村级管理员年初指标值为36人,全年实际完成值40人。
2、产出质量指标:服务站验收合格率≥95%,实际完成100%。
3、效益指标:群众办事便利度有所提升。
"""
    rows = _rows(text)
    assert rows[:3] == [
        ("建成村级服务站", "产出", "数量", "12个", "12个"),
        ("培训村级管理员", "产出", "数量", "36人", "40人"),
        ("服务站验收合格率", "产出", "质量", "≥95%", "100%"),
    ]
    assert rows[3][:4] == ("群众办事便利度", "效益", None, "有所提升")


# ---------------------------------------------------------------- glued

GLUED_SELF_EVAL = (
    "项目名称乡村道路养护补助主管部门县交通运输局项目实施单位县公路事务中心"
    "二级指标三级指标年初目标值(A)实际完成值(B)得分"
    "标指出产数量指标养护农村公路里程120公里125公里15新建错车道个数8815"
    "质量指标路面完好率二90%93%10时效指标养护任务完成时间10月底前10月18日10"
    "益效标指社会效益指标群众出行时间缩短率≥10%12%10"
    "度满意指标服务对象满意度沿线群众满意度295%97%10总分100"
)


def test_glued_self_evaluation_with_scrambled_labels_fused_numbers_and_ocr_ge() -> None:
    text = "2023年度乡村道路养护补助项目自评表\n" + GLUED_SELF_EVAL + "\n"
    assert best_form(text.split("\n"))[0] == "glued"
    doc = parse_text(text, file="fixture.txt")
    got = [(i.tier_raw, i.tier, i.sub, i.name, i.value, i.actual) for p in doc.projects for i in p.indicators]
    assert got == [
        ("标指出产", "产出", "数量", "养护农村公路里程", "120公里", "125公里"),
        ("标指出产", "产出", "数量", "新建错车道个数", "8", "8"),
        ("标指出产", "产出", "质量", "路面完好率", "二90%", "93%"),
        ("标指出产", "产出", "时效", "养护任务完成时间", "10月底前", "10月18日"),
        ("益效标指", "效益", "社会效益", "群众出行时间缩短率", "≥10%", "12%"),
        ("度满意指标", "满意度", "服务对象满意度", "沿线群众满意度", "295%", "97%"),
    ]
    by_name = {i.name: i for p in doc.projects for i in p.indicators}
    assert (by_name["路面完好率"].parsed.op, by_name["路面完好率"].parsed.num) == ("≥", 90.0)
    assert (by_name["沿线群众满意度"].parsed.op, by_name["沿线群众满意度"].parsed.num) == ("≥", 95.0)
    assert doc.projects[0].name == "乡村道路养护补助"


def test_glued_rows_one_per_block_value_and_actual_fused() -> None:
    text = "\n".join(
        [
            "转移支付(项目)名称渔港设施维护",
            "绩效指标一级",
            "指标",
            "二级指标三级指标指标值全年实际完成值未完成原因和改进措施",
            "", "", "",
            "数量指标维修码头泊位2.5千米1212",
            "", "", "", "",
            "质量指标维修工程合格88",
            "", "", "",
            "社会效益",
            "指标",
            "保障渔船安全停靠66",
            "", "", "",
            "满意度指标服务对象",
            "满意度指标",
            "渔民满意度1010",
            "", "",
            "说明",
        ]
    )
    rows = _rows(text)
    assert rows == [
        ("维修码头泊位2.5千米", "产出", "数量", "12", "12"),
        ("维修工程合格", "产出", "质量", "8", "8"),
        ("保障渔船安全停靠", "效益", "社会效益", "6", "6"),
        ("渔民满意度", "满意度", "服务对象满意度", "10", "10"),
    ]


def test_glued_page_marker_cutting_a_value_keeps_the_row_without_guessing() -> None:
    text = (
        "1、2022年度森林防火补助自评表项目名称森林防火补助主管部门县林业局"
        "二级指标三级指标年初目标值(A)实际完成值(B)得分"
        "出标产指数量指标巡护里程≥500公里520公里20质量指标火情处置率≥98%9\n\n"
        "2、9%20标益效指社会效益指标森林火灾受害率≤0.9‰0.5‰20总分60\n"
    )
    doc = parse_text(text, file="fixture.txt")
    got = {i.name: (i.value, i.actual) for p in doc.projects for i in p.indicators}
    assert got == {"巡护里程": ("≥500公里", "520公里"), "火情处置率": ("≥98%", ""), "森林火灾受害率": ("≤0.9‰", "0.5‰")}
    assert any("page break" in issue.message for issue in doc.issues)
    uncertain = {i.name: i.uncertain for p in doc.projects for i in p.indicators}
    assert "actual" in uncertain["火情处置率"] and "value" not in uncertain["火情处置率"]
    assert uncertain["巡护里程"] == ()


def test_glued_page_marker_cutting_a_name_leaves_the_row_out() -> None:
    text = (
        "1、共性指标目录项目类型绩效指标指标解释一级指标二级指标三级指标内容性质单位"
        "会议保障类产出指标数量指标参会人数≥人反映会议实际参会规模会议材料印制\n\n"
        "2、份数≥份反映材料印制数量时效指标会议按期召开率≥%反映会议按计划召开的比例\n"
    )
    doc = parse_text(text, file="fixture.txt")
    got = [(i.name, i.sub, i.value, i.value_op_raw, i.value_unit_raw, i.desc) for p in doc.projects for i in p.indicators]
    assert got == [
        ("参会人数", "数量", None or got[0][2], "≥", "人", "反映会议实际参会规模"),
        ("会议按期召开率", "时效", got[1][2], "≥", "%", "反映会议按计划召开的比例"),
    ]
    assert all(not any(ch.isdigit() for ch in (v or "")) for _, _, v, _, _, _ in got)  # no number printed
    assert doc.projects[0].name == "会议保障类"


def test_glued_notice_with_one_value_column_per_recipient_reads_the_first() -> None:
    text = (
        "附件2绩效目标表项目名称美丽乡村示范补助主管部门(单位)名称青屿区农业农村局"
        "绩效指标一级指标二级指标三级指标指标解释指标方向北坑村南坑村西坑村"
        "产出指标数量指标新建村道长度(公里)反映村道建设规模≥3.52.81.2"
        "示范户数量(户)反映示范户创建情况≥302520"
        "质量指标工程是否通过验收当年工程是否通过验收是/否是是是"
        "效益指标社会效益指标村民人居环境改善率(%)反映人居环境改善情况≥90%85%85%\n"
    )
    rows = parse_text(text, file="fixture.txt").projects[0].indicators
    got = [(i.name, i.desc, i.value_op_raw, i.extra) for i in rows]
    assert [g[0] for g in got] == ["新建村道长度(公里)", "示范户数量(户)", "工程是否通过验收", "村民人居环境改善率(%)"]
    assert [g[2] for g in got] == ["≥", "≥", "是/否", "≥"]
    assert got[2][1] == "当年工程是否通过验收"
    assert [i.parsed.num for i in rows] == [3.5, 30.0, None, 90.0]


# ---------------------------------------------------------------- refusing the forms with separators


@pytest.mark.parametrize(
    "text",
    [
        "一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 培训人数 | ≥100人 |\n"
        "效益指标 | 社会效益指标 | 就业率 | ≥90% |\n满意度指标 | 服务对象满意度指标 | 满意度 | ≥90% |\n",
        "一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n产出指标\n\n数量指标\n\n培训人数\n\n≥100人\n\n"
        "效益指标\n\n社会效益指标\n\n就业率\n\n≥90%\n",
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人数\t≥100人\n效益指标\t社会效益指标\t就业率\t≥90%\n",
    ],
)
def test_tables_with_separators_are_not_claimed(text: str) -> None:
    lines = text.split("\n")
    assert glued.looks_like(lines) == 0.0
    assert prose.looks_like(lines) == 0.0


# ---------------------------------------------------------------- column-major, flattened, frameworks


COLUMN_MAJOR = """专项资金绩效目标表
资金名称 主管部门 实施周期
职业技能提升补贴资金
省人力资源和社会保障厅 2023年-2025年
资金需求(万元) 2024年金额 用途范围
三级指标 补贴培训人数(人) 取证率(%)
就业率(%) 学员满意度(%)
年度目标值
8000 85% 70% 90%
实施周期目标值
24000 85% 75% 90% 稳步提高
"""


def test_column_major_names_zip_with_the_years_values_not_the_periods() -> None:
    assert best_form(COLUMN_MAJOR.split("\n"))[0] == "colmajor"
    doc = parse_text(COLUMN_MAJOR, file="fixture.txt")
    got = [(i.name, i.tier, i.sub, i.value) for p in doc.projects for i in p.indicators]
    assert got == [
        ("补贴培训人数(人)", None, None, "8000"),
        ("取证率(%)", None, None, "85%"),
        ("就业率(%)", None, None, "70%"),
        ("学员满意度(%)", None, None, "90%"),
    ]
    assert doc.projects[0].name == "职业技能提升补贴资金"
    assert doc.projects[0].year == 2024  # the year of the annual amounts, not the period's start


FLATTENED = (
    "项目支出绩效自评表 (2023年度) 项目名称 社区养老服务补助 主管部门 河湾区民政局 "
    "年度总 体目标 一级 指标 二级指标 三级指标 数量指标 指标1:助餐服务人次 绩 效 指 标 河湾区养老服务中心 "
    "产出 指标 (60分 ) 实际 指标值 完成值 3万人次 分值 得分 偏差原因分析及改进措 施 3.2万人次 20 20 "
    "质量指标 指标1:服务投诉办结 率 100% 100% 20 18 60元 58元 20 20 95% 96% 30 30 90% 93% 10 10 100 98 "
    "成本指标 指标1:每人次助餐补助标准 效益指 标(30 分) 年度 社会效益 指标1:老年人就餐便利 程度提升率 "
    "满意度 指标 服务对象满 指标1:老年人满意度 (10分 意度指标 ) 总分"
)


def test_flattened_form_zips_names_with_value_groups_and_rebuilds_labels() -> None:
    text = "2023年社区养老服务补助绩效自评表.xlsx\n" + FLATTENED + "\n预览已结束\n"
    assert best_form(text.split("\n"))[0] == "flattened"
    doc = parse_text(text, file="fixture.txt")
    got = [(i.tier_raw, i.tier, i.sub_raw, i.name, i.value, i.actual) for p in doc.projects for i in p.indicators]
    assert got == [
        ("产出指标(60分)", "产出", "数量指标", "指标1:助餐服务人次", "3万人次", "3.2万人次"),
        ("产出指标(60分)", "产出", "质量指标", "指标1:服务投诉办结率", "100%", "100%"),
        ("产出指标(60分)", "产出", "成本指标", "指标1:每人次助餐补助标准", "60元", "58元"),
        ("效益指标(30分)", "效益", "社会效益", "指标1:老年人就餐便利程度提升率", "95%", "96%"),
        ("满意度指标(10分)", "满意度", "服务对象满意度指标", "指标1:老年人满意度", "90%", "93%"),
    ]
    assert doc.projects[0].name == "社区养老服务补助"


FRAMEWORK = """县档案局2019年度部门整体支出绩效评价计分表

一级

指标

二级指标

三级指标

自评分

指标解释

指标说明

投   入(15分)

目标

设定(5分)

绩效目标合理性(5分)

4

部门绩效目标是否依据充分、符合实际,用以反映目标设定的质量。

目标依据充分计3分;与预算匹配计2分。

产   出(40分)

履职

情况(40分)

档案接收进馆完成率(20分)

20

年度实际接收进馆档案与计划数的比率,用以反映接收任务完成情况。

完成率100%计满分。

档案数字化完成率(20分)

18

年度完成数字化的档案与计划数的比率。

每低1个百分点扣1分。

效   果(45分)

社会

效益(45分)

档案查阅利用满意度(45分)
"""


def test_scoring_framework_rows_have_weights_in_names_and_no_values() -> None:
    assert best_form(FRAMEWORK.split("\n"))[0] == "framework"
    doc = parse_text(FRAMEWORK, file="fixture.txt")
    got = [(i.tier_raw, i.tier, i.sub_raw, i.sub, i.name, i.value, i.desc) for p in doc.projects for i in p.indicators]
    assert [g[4] for g in got] == ["绩效目标合理性(5分)", "档案接收进馆完成率(20分)", "档案数字化完成率(20分)", "档案查阅利用满意度(45分)"]
    assert [g[1] for g in got] == [None, "产出", "产出", "效益"]
    assert [g[2] for g in got] == ["目标设定(5分)", "履职情况(40分)", "履职情况(40分)", "社会效益(45分)"]
    assert all(g[5] in ("", None) for g in got)  # a framework prints no targets
    assert got[1][6] == "年度实际接收进馆档案与计划数的比率,用以反映接收任务完成情况。"
    assert got[3][6] in ("", None)  # cut at the end of the text


def test_prose_items_on_their_own_numbered_lines_and_planned_figures() -> None:
    text = """2022年度河口镇污水处理运维经费绩效自评报告
(四)绩效指标完成情况
1.产出指标
(1)污水日处理量计划完成3000吨,实际完成3100吨;
(2)出水水质达标率≥95%,实际达标率98%。
2.满意度指标
(1)周边居民满意度≥90%,实际完成93%。
五、存在的问题
运维人员不足。
"""
    rows = _rows(text)
    assert rows == [
        ("污水日处理量", "产出", None, "3000吨", "3100吨"),
        ("出水水质达标率", "产出", None, "≥95%", "98%"),
        ("周边居民满意度", "满意度", None, "≥90%", "93%"),
    ]


def test_prose_indicators_end_at_the_next_section_of_the_same_level() -> None:
    text = """2023年度乡镇文化站免费开放补助资金绩效自评报告
1.产出指标。
数量指标:举办文化活动年初任务数24场,全年完成值26场;开放天数年初任务数300天,全年完成值305天。
2.效益指标。
社会效益指标:群众文化生活有所改善。
3.存在问题
部分站点设备老化。
4.改进措施
加强设备维护。
"""
    names = [r[0] for r in _rows(text)]
    assert names == ["举办文化活动", "开放天数", "群众文化生活"]


def test_excel_serial_date_repeated_in_the_unit_cell_is_read_as_a_date() -> None:
    text = (
        "项目名称 项目单位 项目类别 预算数 年度绩效目标 一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值\n"
        "林下经济扶持资金 150101-河谷旗林草局 32-专项资金项目 80 完成林下种植示范 产出指标 数量指标 示范基地数量 正向 大于等于 5 个 20\n"
        "产出指标 时效指标 资金拨付完成时间 正向 = 45,657 45,657 10\n"
        "效益指标 经济效益指标 带动农户增收 正向 大于等于 500 元 20\n"
    )
    rows = {i.name: i for p in parse_text(text, file="fixture.txt").projects for i in p.indicators}
    assert rows["资金拨付完成时间"].value == "= 45,657 45,657"  # printed as is
    assert (rows["资金拨付完成时间"].parsed.num, rows["资金拨付完成时间"].parsed.text) == (None, "2024-12-31")
    assert rows["带动农户增收"].parsed.num == 500.0  # an ordinary number stays a number


def test_glued_weight_and_score_fused_split_alike_and_an_unsplittable_run_is_not_guessed() -> None:
    text = (
        "2023年度社区矫正经费项目自评表\n"
        "项目名称社区矫正经费主管部门县司法局二级指标三级指标指标值实际完成值分值得分"
        "产出指标数量指标教育帮扶人次100人次120人次55质量指标矫正对象再犯率≤1%0.5%1010"
        "时效指标帮扶到位天数1520效益指标社会效益指标群众安全感≥90%92%2020总分100\n"
    )
    doc = parse_text(text, file="fixture.txt")
    got = [(i.name, i.value, i.actual) for p in doc.projects for i in p.indicators]
    assert got == [
        ("教育帮扶人次", "100人次", "120人次"),
        ("矫正对象再犯率", "≤1%", "0.5%"),
        ("帮扶到位天数", "", ""),
        ("群众安全感", "≥90%", "92%"),
    ]
    assert any("帮扶到位天数" in i.message and "fused" in i.message for i in doc.issues)
    flagged = {i.name: i.uncertain for p in doc.projects for i in p.indicators}
    assert set(flagged["帮扶到位天数"]) == {"value", "actual"} and flagged["群众安全感"] == ()


def test_glued_name_holding_a_date_keeps_it() -> None:
    text = (
        "2024年度农村公路建设项目自评表\n项目名称农村公路建设主管部门县交通局"
        "二级指标三级指标年初目标值(A)实际完成值(B)得分"
        "产出指标数量指标新建公路里程≥12公里12.5公里20时效指标截至2024年10月底项目完工率≥90%95%20总分40\n"
    )
    got = [(i.name, i.value, i.actual) for p in parse_text(text, file="fixture.txt").projects for i in p.indicators]
    assert got == [("新建公路里程", "≥12公里", "12.5公里"), ("截至2024年10月底项目完工率", "≥90%", "95%")]


def test_prose_target_value_connectives_in_their_common_spellings() -> None:
    text = """2023年度水土保持补助资金绩效自评报告
(一)产出指标
1.数量指标:治理水土流失面积目标值12平方公里,实际值12.4平方公里;栽植水保林计划300亩,实际完成320亩,完成率106.7%。
2.质量指标:苗木成活率年度指标值为85%,实际完成值为88%;淤地坝验收合格率:目标≥95%,实际100%。
(二)满意度指标
项目区群众满意度高于年度指标值≥90%。
"""
    assert _rows(text) == [
        ("治理水土流失面积", "产出", "数量", "12平方公里", "12.4平方公里"),
        ("栽植水保林", "产出", "数量", "300亩", "320亩"),
        ("苗木成活率", "产出", "质量", "85%", "88%"),
        ("淤地坝验收合格率", "产出", "质量", "≥95%", "100%"),
        ("项目区群众满意度", "满意度", None, "≥90%", ""),
    ]
