"""The garbled PDF-extraction layout (sample 000): fixtures cut from the real text."""

from __future__ import annotations

from pathlib import Path

from nlp.parse.garbled import parse_garbled
from nlp.parse.narrative import parse_narrative_budgets
from nlp.records import Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_000 = Path(__file__).resolve().parents[3] / "samples" / "000_85729df7469e5ff4.txt"


def _lines(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


def _row(project, sub_raw):
    return next(i for i in project.indicators if i.sub_raw == sub_raw)


def test_wrapped_sub_tier_label_is_joined_and_its_row_read_in_order():
    result = parse_garbled(_lines("garbled_ordered.txt"), file="f.txt")
    (project,) = result.projects
    assert project.seq == 1 and project.name == "人员经费补助" and project.section == "预算项目"
    assert project.targets == "1、保障我单位自收自支人员正常生活开支需求。2、提高自收自支人员工作热情。"
    assert [i.sub for i in project.indicators] == ["数量", "质量", "时效", "成本", "可持续影响", "社会效益", "服务对象满意度"]
    row = _row(project, "可持续影响指标")  # printed as 可持续影 / 响指标
    assert (row.tier_raw, row.tier) == ("效果指标", "效益")
    assert (row.name, row.desc, row.value, row.basis) == ("促进干部队伍稳定性", "促进干部队伍稳定性", "按时足额发放", "行业标准")
    assert row.uncertain == ("value",)  # no value shape: the third cell was taken positionally
    cost = _row(project, "成本指标")
    assert (cost.name, cost.desc, cost.value, cost.basis) == ("人员工资支出成本", "我单位自收自支人员工资支出成本", "=24.4 万", "行业标准")
    assert cost.uncertain == () and (cost.line, cost.line_end) == (35, 43)


def test_unlearned_basis_is_kept_in_the_row_and_reported():
    # 县委、县政府工 / 作安排 occurs once in this cut: not learnable here, so the row says so
    result = parse_garbled(_lines("garbled_ordered.txt"), file="f.txt")
    row = _row(result.projects[0], "数量指标")
    assert row.value == "=3 人" and row.basis == "" and set(row.uncertain) == {"desc", "basis"}
    assert "县委、县政府工作安排" in row.desc
    messages = {(i.line, i.field, i.message) for i in result.issues}
    assert (14, "basis", "数量指标: no basis found") in messages


def test_glued_value_is_split_from_its_description():
    result = parse_garbled(_lines("garbled_blocks.txt"), file="f.txt")
    (project,) = result.projects
    row = _row(project, "数量指标")  # printed: 标 =7招聘步骤 步
    assert (row.value, row.desc) == ("=7步", "招聘步骤")
    assert row.parsed.op == "=" and row.parsed.num == 7.0 and row.parsed.unit == "步"
    assert _row(project, "成本指标").value == "=20万"


def test_column_blocks_are_zipped_by_order_and_marked_uncertain():
    result = parse_garbled(_lines("garbled_blocks.txt"), file="f.txt")
    (project,) = result.projects
    assert len(project.indicators) == 7
    # the basis column is printed as a block of 县委、县政府工作 / 安排 after the other columns
    assert [i.basis for i in project.indicators] == ["县委、县政府工作安排"] * 6 + ["调查问卷"]
    assert all("basis" in i.uncertain for i in project.indicators)
    first = _row(project, "数量指标")
    assert first.name == "招聘程序步数" and first.uncertain == ("name", "basis")
    assert any(
        i.field == "name" and i.line == 14 and "三级指标 column printed as a block" in i.message
        and i.severity is Severity.WARNING
        for i in result.issues
    )
    # 招聘质量指标 率: one cell split by the label, read whole and still marked uncertain
    quality = _row(project, "质量指标")
    assert (quality.name, quality.desc, quality.value) == ("招聘率", "实际招聘人数占应招聘人数的比例", "≥95%")
    assert {"name", "desc"} <= set(quality.uncertain)


def test_narrative_budget_list_is_read_across_wrapped_lines_and_interleaved_junk():
    nb = parse_narrative_budgets(_lines("garbled_narrative.txt"), file="f.txt")
    assert nb.total_wan == 2666.43 and len(nb.items) == 21
    assert (nb.items[1].name, nb.items[1].budget_wan) == ("人员经费补助（住房公积金单位缴纳）", 2.0)
    assert (nb.items[8].name, nb.items[8].budget_wan, nb.items[8].line) == ("劳动仲裁经费", 15.0, 11)
    last = nb.items[-1]
    assert last.name == "冀财社 2020 年190 号提前下达 2021 年省级财政城乡居民养老、就业公共服务村级代办员补助资金"
    assert last.budget_wan == 10.0
    skipped = [i for i in nb.issues if i.severity is Severity.INFO]
    assert [i.line for i in skipped] == [13, 15, 17, 19, 21, 23]
    assert not [i for i in nb.issues if i.severity is not Severity.INFO]  # the items sum to the total


def test_narrative_sum_mismatch_is_reported():
    lines = ["项目支出 30 万元，主要是：甲经费 10 万元、乙经费 15 万元。"]
    nb = parse_narrative_budgets(lines, file="f.txt")
    assert [str(i) for i in nb.issues] == [
        "f.txt:1: warning [budget_wan]: narrative budget items sum to 25.0 万元 but the printed 项目支出 total is 30.0 万元"
    ]


def test_garbled_sample_000():
    result = parse_garbled(SAMPLE_000.read_text(encoding="utf-8").splitlines(), file="000.txt")
    projects = result.projects
    assert len(projects) == 21
    assert [p.seq for p in projects] == list(range(1, 22))
    assert projects[2].title == "3、劳务派遣人员工资及各类保险资金目标表"
    assert projects[20].title.endswith("村级代办员补助资金经费绩效目标表")  # title wrapped over two lines
    assert all(p.code is None and p.budget_source == "narrative" for p in projects)
    # names differ from the narrative list (机关事业养老经费 vs 机关事业单位养老经费): fuzzy match
    assert [p.budget_wan for p in projects][15:18] == [49.94, 9.32, 20.0]
    assert round(sum(p.budget_wan for p in projects), 2) == 2666.43
    assert sum(len(p.indicators) for p in projects) == 147
    # rows checked by hand against the text
    p15 = projects[14]
    row = _row(p15, "成本指标")
    assert (row.tier, row.name, row.desc, row.value, row.basis, row.uncertain) == (
        "产出", "资金发放到位率", "保险资金待遇按时足额发放人数占应发放人数的比率", "≥90.00%", "冀政【2017】110号", ()
    )
    sat = _row(p15, "服务对象满意度指标")
    assert (sat.name, sat.desc, sat.value, sat.basis) == ("服务对象满意度指标", "满意度", "≥98%", "调查问卷")
    p11 = projects[10]
    assert _row(p11, "数量指标").desc == "全县享受扶贫车间补贴一共 7 家"
    assert _row(p11, "数量指标").value == "=7 家"
    assert _row(p11, "成本指标").value == "1000 元-2000元"
    p18 = projects[17]
    assert _row(p18, "质量指标").basis == "运用现代化手段，防止养老金流失，由领导批示"  # learned from repetition
    p1 = projects[0]
    assert _row(p1, "数量指标").basis == "县委、县政府工作安排"  # learned from the column blocks of other tables
    # every uncertain field is reported with its row's line
    reported = {(i.line, i.field) for i in result.issues if i.field}
    for p in projects:
        for ind in p.indicators:
            for f in ind.uncertain:
                assert any(ln >= ind.line and ln <= ind.line_end and fld == f for ln, fld in reported)


def _sample_000():
    return parse_garbled(SAMPLE_000.read_text(encoding="utf-8").splitlines(), file="000.txt")


def _cells(project):
    return [(i.sub_raw, i.name, i.desc, i.value, i.basis) for i in project.indicators]


_WORK = "县委、县政府工作安排"


def test_block_tables_verified_by_hand():
    """Tables printed as column blocks, every row checked against the text of sample 000."""
    projects = _sample_000().projects
    assert _cells(projects[2]) == [  # 3: names of the last rows printed after the descriptions
        ("数量指标", "发放人数", "劳务派遣人数", "=216 人", _WORK),
        ("质量指标", "工资发放率", "劳务派遣人员工资发放率", "100%", _WORK),
        ("时效指标", "发放时间", "发放劳务派遣工资的时间", "≤31 天", _WORK),
        ("成本指标", "发放劳务派遣人员工资的标准", "劳务派遣人员工资发放标准", "=2520 元", _WORK),
        ("可持续影响指标", "劳动派遣人员在单位的作用", "劳务派遣人员在工作中发挥的作用", "效果显著", _WORK),
        ("社会效益指标", "各项工作开展", "保障业务开展所需要人员，使单位业务正常开展", "效果显著", _WORK),
        ("服务对象满意度指标", "满意率", "满意率", "≥98%", "调查问卷"),  # printed whole on its value's line
    ]
    assert _cells(projects[3])[4:6] == [  # 4: 劳动派遣人/员在单位的/作 … 可持续影响指标 … 用
        ("社会效益指标", "各项工作开展", "保障业务开展所需要人员，使单位业务正常开展", "效果显著", _WORK),
        ("可持续影响指标", "劳动派遣人员在单位的作用", "劳务派遣人员在工作中发挥的作用", "效果显著", _WORK),
    ]
    assert _cells(projects[4]) == [  # 5: 工作任务完成及时时效指标 率, 档案保存完善程 … 度 100档案保存完善程度 %
        ("数量指标", "举办招聘会次数", "举办招聘会次数", "≥3次", _WORK),
        ("成本指标", "档案管理成本", "档案管理成本", "≤10元", _WORK),
        ("质量指标", "毕业学生档案接受率", "实际接受毕业生档案占应接受档案的比例", "≥95 %", _WORK),
        ("时效指标", "工作任务完成及时率", "工作任务完成及时率", "≥98%", _WORK),
        ("社会效益指标", "档案保存完善程度", "档案保存完善程度", "100%", _WORK),
        ("可持续影响指标", "维持人力资源市场服务能力", "维持人力资源市场服务能力", "效果显著", _WORK),
        ("服务对象满意度指标", "满意率", "满意率", "≥98%", "调查问卷"),
    ]
    assert _cells(projects[7]) == [  # 8: the last basis cell is printed around 效果显提高…水平 著
        ("数量指标", "劳动监察案件数量", "办理劳动监察案件数量", "=80 件", _WORK),
        ("成本指标", "案件总成本", "办理案件成本", "=150000 元", _WORK),
        ("时效指标", "案件及时完成率", "案件实际完成时间与应完成时间的比例", "100%", _WORK),
        ("质量指标", "费用核算准确率", "案件实际成本占核算成本的比例", "≥98%", _WORK),
        ("社会效益指标", "劳动监察结案率", "结案案件占宗案件的比例", "≥90%", _WORK),
        ("可持续影响指标", "提高劳动监察执法的水平", "提高劳动监察执法的水平", "效果显著", _WORK),
        ("服务对象满意度指标", "满意率", "满意率", "≥98%", "调查问卷"),
    ]
    # 7: 效果显构建和谐劳动关 / 系 著 — the description printed inside the split value
    assert _cells(projects[6])[4] == ("社会效益指标", "构建和谐劳动关系", "构建和谐劳动关系", "效果显著", _WORK)
    # assigned by order, so still reported as uncertain
    for p in (projects[2], projects[4], projects[7]):
        assert all("basis" in i.uncertain for i in p.indicators[:-1])
        assert all("value" in i.uncertain for i in p.indicators[-3:])


def test_row_without_sub_tier_label_is_split_off_and_marked():
    # 20: after the 成本 row, 效果指标 is followed by 保持社会/稳定 (二级 column width), 农村社会更/加和谐稳定,
    # 使广大参保人员少了后顾之/忧，促进了社会稳定, ≥90%, 政字【2004】23/号 — no 可持续影响指标 label
    result = _sample_000()
    p20 = result.projects[19]
    assert len(p20.indicators) == 7
    cost, lost = p20.indicators[3], p20.indicators[4]
    assert _cells(p20)[3] == ("成本指标", "工伤补助金", "工伤补助金应发尽发", "≥90.00%", "政字【2004】23号")
    assert cost.uncertain == ()
    assert (lost.tier_raw, lost.tier, lost.sub_raw, lost.sub) == ("效果指标", "效益", "保持社会稳定", None)
    assert (lost.name, lost.desc, lost.value, lost.basis) == (
        "农村社会更加和谐稳定", "使广大参保人员少了后顾之忧，促进了社会稳定", "≥90%", "政字【2004】23号"
    )
    assert lost.uncertain == ("sub", "name", "desc") and (lost.line, lost.line_end) == (2378, 2395)
    assert any(i.line == 2378 and i.field == "sub" and "no 二级 label" in i.message for i in result.issues)


def test_short_description_does_not_swallow_the_value_cell():
    # 11: 一次性及时发放 (desc, 7 chars, wider than the 5-char name column) then 一次性申请 / 及时发放 (value)
    row = _row(_sample_000().projects[10], "时效指标")
    assert (row.name, row.desc, row.value) == ("一次性及时发放", "一次性及时发放", "一次性申请及时发放")
    assert row.uncertain == ("value",)
