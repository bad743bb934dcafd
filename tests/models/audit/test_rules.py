"""Each done-when case of issue 5 on a real row cut from the samples, plus the rules' edge cases."""

from __future__ import annotations

import pytest

from models.audit import Severity, audit_documents, load_settings
from models.audit.findings import ProjectContext
from models.audit import rules_structure as rs
from models.audit import rules_values as rv
from tests.models.audit.helpers import document, project, row

DEFAULT = load_settings("default")

# samples/004 lines 262-293: 公办技工院校建档立卡“三免”资金市级配套（人社口）-扶贫, budget 2.56万元
SANMIAN = [
    row("产出指标", "数量指标", "受助学生数", "按照政策要求符合享受资助的学生人数", "≥95百分比", "工作职责", 262),
    row("", "质量指标", "资金应补尽补率", "实际发放资金数占应发放资金数的比例", "100百分比", "工作职责", 269),
    row("效果指标", "社会效益指标", "学生抽样调查满意度", "学生抽样调查满意度", "≥98百分比", "工作职责", 282),
    row("", "社会效益指标", "因贫辍学率", "因贫辍学学生数占总资助学生数的比例", "≤0百分比", "工作职责", 289),
]


def ctx_of(rows, **kw) -> ProjectContext:
    doc = document("004_test.txt", [project("公办技工院校建档立卡“三免”资金市级配套（人社口）-扶贫", rows, **kw)])
    return ProjectContext(doc.document, doc.projects[0])


def rules_hit(findings, line):
    return sorted({f.rule for f in findings if f.line == line})


def test_satisfaction_filed_under_effect_tier_is_flagged():
    found = rs.r05_satisfaction_placement(ctx_of(SANMIAN), DEFAULT)
    assert [(f.rule, f.line, f.severity) for f in found] == [("R05", 282, Severity.ERROR)]
    assert found[0].message == "满意度指标「学生抽样调查满意度」放在了「效果指标」下，应放在满意度指标下。"


def test_description_equal_to_name_is_flagged():
    found = rv.r09_description(ctx_of(SANMIAN), DEFAULT)
    assert [(f.rule, f.line) for f in found] == [("R09", 282)]
    assert found[0].message == "指标描述重复了指标名称，没有说明统计口径或计算方法。"
    assert found[0].evidence_dict()["similarity"] == 1.0


def test_count_with_percent_is_flagged():
    found = rv.r16_units(ctx_of(SANMIAN), DEFAULT)
    assert [(f.rule, f.line) for f in found] == [("R16", 262)]
    assert found[0].message == "「受助学生数」是人数/数量，指标值却用了百分比（≥95百分比）。"


def test_satisfaction_at_or_above_100_percent_is_an_error():
    # samples/001 line 699
    r = row("满意度指标", "服务对象满意度指标", "公共就业服务满意度",
            "受补助人数满意和比较满意占受补助人数总人数的满意度", "≥100%", "历史标准， 参照上年历史数据估算", 699)
    found = rv.r14_rates(ctx_of([r]), DEFAULT)
    assert [(f.rule, f.severity) for f in found] == [("R14", Severity.ERROR)]
    assert found[0].evidence_dict()["number"] == 100.0


def test_satisfaction_of_exactly_100_percent_is_a_warning_and_98_only_in_strict():
    r100 = row("满意度指标", "服务对象满意度指标", "群众满意度", "满意人数占调查人数的比例", "100%", "问卷调查", 10)
    r98 = SANMIAN[2]
    assert [f.severity for f in rv.r14_rates(ctx_of([r100]), DEFAULT)] == [Severity.WARNING]
    assert rv.r14_rates(ctx_of([r98]), DEFAULT) == []
    assert [f.rule for f in rv.r14_rates(ctx_of([r98]), load_settings("strict"))] == ["R14"]


def test_project_without_effect_tier_is_flagged():
    # samples/004 lines 188-209: 城乡养老市级配套资金 has 产出 and 满意度 only
    rows = [
        row("产出指标", "时效指标", "到位率", "按照要求和计划完成到位资金项目在所有立项项目中的比例（百分比）", "≥90%", "工作职责", 188),
        row("产出指标", "质量指标", "确保参保人员权益", "确保养老金按时足额发放，防范基金风险", "≥90%", "工作职责", 195),
        row("产出指标", "数量指标", "发放人数比率", "确保养老金的保障人数", "100%", "", 202),
        row("满意度指标", "服务对象满意度指标", "满意率", "确保养老金按时足额发放的满意率", "≥90%", "工作职责", 209),
    ]
    found = rs.r01_required_tiers(ctx_of(rows, budget=2333.0), DEFAULT)
    assert [(f.rule, f.line, f.evidence_dict()["missing_tier"]) for f in found] == [("R01", None, "效益")]
    assert found[0].message == "缺少「效益指标」一级指标。"


def test_cost_equal_to_budget_is_info_and_above_budget_is_error():
    # samples/003 line 262: 劳动监察大队车辆更新, budget 6.00万元
    car = row("", "成本指标", "公车成本", "不超过财政支持经费", "≤60000元", "全年工作计划", 262)
    found = rv.r19_cost_budget(ctx_of([car], budget=6.0), DEFAULT)
    assert [(f.rule, f.severity) for f in found] == [("R19", Severity.INFO)]
    assert found[0].message == "成本指标「公车成本」只是重复了项目预算（6万元），没有反映单位成本或成本控制。"
    over = rv.r19_cost_budget(ctx_of([car], budget=5.0), DEFAULT)
    assert [(f.severity, f.evidence_dict()["cost_wan"]) for f in over] == [(Severity.ERROR, 6.0)]


def test_unit_rate_costs_are_not_compared_with_the_budget():
    unit = row("", "成本指标", "基本养老保险费", "县级负担基本养老保险费标准", "5元/人/月", "全年工作计划", 3646)
    assert rv.r19_cost_budget(ctx_of([unit], budget=5.0), DEFAULT) == []


def test_vague_value_and_long_term_value():
    vague = row("", "社会效益指标", "保证劳动监察工作稳定有序开展", "保证劳动监察业务工作顺利开展",
                "保证劳动监察业务工作顺利开展", "全年工作计划", 283)
    long = row("", "可持续影响指标", "可持续期限", "机关综合事务管理工作可持续期限", "长期", "全年工作计划", 397)
    graded = row("", "质量指标", "购置车辆质量合格率", "所购置车辆的质量情况", "所购置的车辆的质量合格", "全年工作计划", 250)
    ctx = ctx_of([vague, long, graded])
    assert [(f.rule, f.line) for f in rv.r08_vague_values(ctx, DEFAULT)] == [("R08", 283)]
    assert [(f.rule, f.line) for f in rv.r25_long_term(ctx, DEFAULT)] == [("R25", 397)]


def test_operator_against_polarity():
    wrong = row("", "质量指标", "档案存储设施稳定运行率", "稳定运行天数占全年天数的比例", "≤99%", "计划标准", 5)
    right = row("", "经济效益指标", "城镇登记失业率", "失业人数占劳动力的比例", "≤4.5%", "计划标准", 12)
    found = rv.r13_polarity(ctx_of([wrong, right]), DEFAULT)
    assert [(f.line, f.evidence_dict()["expected_operator"]) for f in found] == [(5, "≥")]


def test_invalid_pair_and_cost_tier_depend_on_profile():
    bad = row("产出指标", "社会效益指标", "就业人数", "新增就业人数", "≥100人", "计划标准", 7)
    cost_tier = row("成本指标", "经济成本指标", "人均培训成本", "培训总成本除以人数", "≤500元/人", "预算支出标准", 14)
    ctx = ctx_of([bad, cost_tier])
    default = rs.r04_valid_pairs(ctx, DEFAULT)
    assert [(f.line, f.evidence_dict().get("expected_tier")) for f in default] == [(7, "效益")]
    hebei = rs.r04_valid_pairs(ctx, load_settings("hebei"))
    assert [f.line for f in hebei] == [7, 14]


def test_missing_basis_is_a_row_warning():
    no_basis = row("产出指标", "数量指标", "发放人数比率", "确保养老金的保障人数", "100%", "", 202)
    found = rv.r17_basis(ctx_of([no_basis]), DEFAULT)
    assert [(f.rule, f.line, f.severity) for f in found] == [("R17", 202, Severity.WARNING)]


def test_every_rule_result_carries_location_and_message():
    result = audit_documents([document("004_test.txt", [project("三免资金", SANMIAN, budget=2.56)])], DEFAULT)
    for f in result.findings:
        assert f.message and f.rule
        if f.doc is not None:
            assert f.doc == "004_test.txt" and f.project_seq == 1
    assert {f.rule for f in result.findings} >= {"R05", "R09", "R16", "R03", "M01"}


@pytest.mark.parametrize("profile", ["default", "strict", "hebei", "central"])
def test_packaged_profiles_resolve(profile):
    s = load_settings(profile)
    assert s.profile == profile and s.is_enabled("R01") and s.threshold("table_similarity") > 0


def test_money_per_person_printed_the_wrong_way_round_is_still_money():
    # samples/001 line 1065: 「2200 人/元/月」 has a money unit, only in the wrong order
    r = row("", "成本指标", "就业见习补贴发放标准", "就业见习发放标准", "2200 人/元/月", "历史标准 (霸人社 [2023]63 号)", 1065)
    assert rv.r16_units(ctx_of([r]), DEFAULT) == []


def test_document_number_with_spaces_is_evidence_for_the_basis():
    # samples/000 table 21: 「冀财社 2020 年（67）号文」 cites a document; only 「调查问卷」 rows would be weak
    rows = [row("产出指标", "数量指标", "享受保险基金补助人数(人)", "享受保险基金补助人数", "≥500 人", "冀财社 2020 年（67）号文", 2446),
            row("满意度指标", "服务对象满意度指标", "服务对象满意度指标", "服务对象满意度", "≥98%", "调查问卷", 2535)]
    assert rv.r17_basis(ctx_of(rows), DEFAULT) == []


def test_satisfaction_name_split_by_a_garbled_layout_is_not_misplaced():
    # samples/000 line 1622: 「领取补贴人员的满意」 + 「度」 wrapped into the row above the 满意度 tier
    from dataclasses import replace

    split = replace(row("效果指标", "可持续影响指标", "领取补贴人员的满意", "就业服务工作长期稳定性", "", "", 1622),
                    uncertain=("name", "desc", "value", "basis"))
    assert rs.r05_satisfaction_placement(ctx_of([split]), DEFAULT) == []
    assert rs.r05_satisfaction_placement(ctx_of([replace(split, uncertain=())]), DEFAULT) != []


def test_lowest_band_of_a_graded_scale_is_not_an_operator_error():
    # samples/004 lines 341-355: 资助单位数量 ≥95优 / ≥85良 / <70差
    bands = [row("产出指标", "数量指标", "资助单位数量", "毛入学率（%）在校生数占相应学龄人口总数比", v, "", line)
             for v, line in (("≥95优", 341), ("≥85良", 348), ("<70差", 355))]
    assert rv.r13_polarity(ctx_of(bands), DEFAULT) == []


def test_counting_word_the_value_parser_does_not_know_is_a_unit_but_a_grade_is_not():
    # samples/001 line 1192 (≥5 卷) and samples/004 line 369 (≤5良)
    rolls = row("产出指标", "数量指标", "向廊坊人社局组卷数量", "向廊坊人社局组卷数量", "≥5 卷", "历史标准", 1192)
    band = row("效果指标", "可持续影响指标", "长期使用性", "辍学学生人数占应在校学生人数", "≤5良", "", 369)
    assert [f.line for f in rv.r16_units(ctx_of([rolls, band]), DEFAULT)] == [369]


def test_satisfaction_value_of_a_garbled_row_is_not_judged():
    # samples/000 line 1684: 「领取补贴人员的满意」 with 100% read from a neighbouring cell
    from dataclasses import replace

    r = replace(row("效果指标", "社会效益指标", "领取补贴人员的满意", "实际领取补贴占领取补贴的比例", "100%", "冀财社【2018】21号文件", 1684),
                uncertain=("name", "desc", "value", "basis"))
    assert rv.r14_rates(ctx_of([r]), DEFAULT) == []
    assert rv.r14_rates(ctx_of([replace(r, uncertain=())]), DEFAULT) != []


def test_a_count_of_faults_is_a_quality_indicator():
    # samples/001 line 760: 故障次数 0 次 under 质量指标; a count of people under 质量 stays misfiled
    faults = row("产出指标", "质量指标", "故障次数", "单位办理业务故障次数", "0 次", "历史标准", 760)
    people = row("", "质量指标", "培训人数", "参加培训的人数", "≥100人", "计划标准", 761)
    assert [f.line for f in rv.r10_sub_fit(ctx_of([faults, people]), DEFAULT)] == [761]


def test_one_name_for_two_contribution_grades_is_reported_as_a_naming_problem():
    # samples/001 lines 1275 and 1279: 政府对参保缴费人员缴费补贴, 20元/人 (100元档次) and 50元/人 (1000元档次)
    a = row("产出指标", "成本指标", "政府对参保缴费人员缴费补贴", "省级政府对参保缴费100元档次缴费补贴标准", "20元/人", "预算支出标准", 1275)
    b = row("", "成本指标", "政府对参保缴费人员缴费补贴", "省级政府对参保缴费1000元档次缴费补贴标准", "50元/人", "预算支出标准", 1279)
    found = rs.r24_duplicates(ctx_of([a, b]), DEFAULT)
    assert [f.message for f in found] == [
        "指标「政府对参保缴费人员缴费补贴」在同一张表中重名，只有描述（「省级政府对参保缴费1000元档次缴费补贴标准」）说明它与第1275行衡量的对象不同。"]
