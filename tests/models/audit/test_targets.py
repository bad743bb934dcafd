"""R22: indicators carry the figures promised in the targets text (rows and targets cut from the samples)."""

from __future__ import annotations

from dataclasses import replace

from models.audit import Severity, load_settings
from models.audit.findings import ProjectContext
from models.audit.promises import promises_in
from models.audit.rules_targets import r22_target_figures
from nlp.normalize import parse_value
from tests.models.audit.helpers import document, project, row

DEFAULT = load_settings("default")

# samples/001 table 1 (lines 652-674): 城乡居民养老保险经费
PENSION_TARGETS = ("1. 做好生存认证宣传工作，通过人脸识别认证工作，尽可能让群众不用跑就完成认证工作确保居民顺利完成认证； "
                   "2. 通过城乡居民养老保险政策宣传及参保扩面，使得城乡居民养老保险参保覆盖率达到 95%以上； "
                   "3. 有效制止死亡人员冒领养老金现象的发生，保证基金安全。")
PENSION_ROWS = [
    row("产出指标", "数量指标", "参保宣传次数", "2024 年全年参保宣传次数", "≥3 次", "历史标准，参考上年参保宣传次数。", 663),
    row("", "质量指标", "城乡居民参保覆盖率", "已参保人数占应参保人数的比率", "≥95%", "历史标准，参考上年参保覆盖率。", 665),
    row("满意度指标", "服务对象满意度指标", "城乡参保对象满意", "城乡居民参保对象满意人数占调查人数比例", "≥90%",
        "历史标准，参考近上年值，2022年满意度90%", 674),
]
# samples/001 table 2 (lines 676-699): the figures are printed in the indicator names
FAIR_TARGETS = "1. 通过举办6场招聘会、2场直播带岗活动，有效解决我市企业“用工荒”难题，缓解劳动者“就业难”，搭建企业与劳动者之间就业桥梁。"
FAIR_ROWS = [
    row("产出指标", "数量指标", "招聘会吸纳失业人员和就业生人数", "招聘会吸纳失业人员和就业生人数", "≥8000人", "计划标准", 687),
    row("", "质量指标", "举办线下6场招聘会完成率", "实际完成情况", "≥100%", "计划标准", 688),
    row("", "质量指标", "举办2场直播带岗活动完成率", "实际完成情况", "≥100%", "计划标准", 689),
]
# samples/001 table 3 (lines 701-723): 劳动争议仲裁经费
ARBITRATION_TARGETS = ("1. 2024年预计处理案件400件，大力提高劳动争议案件处理能力，保持职工和用人单位劳动关系、工资、社会保险、"
                       "工伤赔偿等争议案件按期结案率达96%以上，努力构建和谐劳动关系，维护社会稳定。")
ARBITRATION_ROWS = [
    row("产出指标", "质量指标", "结案率(%)", "办结案件占受理案件的比例", "≥96%", "计划标准", 713),
    row("", "数量指标", "办理案件数(件)", "当年实际办理案件数", "≥400件", "计划标准", 714),
    row("", "成本指标", "项目总预算", "预算", "≤12.63 万元", "计划标准", 719),
]
# samples/001 table 13 (lines 923-945): 创业担保贷款贴息资金
LOAN_TARGETS = ("1. 目标内容 1 发放小微企业贷款 4 笔，扶持小微企业 4 个，带动就业 160 人 2. 目标内容 2 全年发放个人创业担保贷款 46 笔，"
                "促进 46 人创业，实现 210 人就业")
LOAN_ROWS = [
    row("产出指标", "数量指标", "发放贷款小微企业数量", "扶持小微企业数量", "≥4 个", "历史标准", 935),
    row("", "质量指标", "贷款贴息资金按规定使用率", "贷款贴息资金发放比例", "100%", "历史标准", 936),
    row("", "成本指标", "贴息金额", "贷款贴息总金额", "≤31.91 万元", "历史标准", 942),
    row("效益指标", "社会效益指标", "就业人数增长率", "创业担保贷款带动吸纳就业人数增长率", "≥4%", "历史标准", 944),
]


def ctx_of(name: str, rows, targets: str) -> ProjectContext:
    doc = document("001_test.txt", [project(name, rows, targets=targets)])
    return ProjectContext(doc.document, doc.projects[0])


def with_value(ind, value: str):
    return replace(ind, value=value, parsed=parse_value(value))


def test_promises_skip_list_numbers_years_and_per_unit_standards():
    # samples/004 table 2 (公办技工院校建档立卡“三免”资金): 2020年, 「按每生每学年500元」 and 「1、」 are not promises
    found = promises_in("1、完成2020年技工院校建档立卡学生免住宿费，共32人,按每生每学年500元计算,共需资金1.6万元。")
    assert [(p.text, p.figure.kind, p.figure.amount) for p in found] == [("32人", "count", 32.0), ("1.6万元", "money", 1.6)]
    assert found[0].phrase == "完成2020年技工院校建档立卡学生免住宿费，共32人"  # the topic is the clause before


def test_promises_skip_document_numbers_and_list_markers():
    # samples/001 table 6 and table 13
    assert promises_in("1. 《事业单位工作人员考核规定》的通知 人社部发〔2023〕6 号") == []
    assert [p.text for p in promises_in(LOAN_TARGETS)] == ["4 笔", "4 个", "160 人", "46 笔", "46 人", "210 人"]
    assert promises_in(PENSION_TARGETS)[0].topic == "民养老保险参保覆盖率"


def test_promised_figure_carried_by_an_indicator_is_not_flagged():
    assert r22_target_figures(ctx_of("城乡居民养老保险经费", PENSION_ROWS, PENSION_TARGETS), DEFAULT) == []
    assert r22_target_figures(ctx_of("劳动争议仲裁经费", ARBITRATION_ROWS, ARBITRATION_TARGETS), DEFAULT) == []


def test_figures_printed_in_indicator_names_count():
    assert r22_target_figures(ctx_of("开展招聘会、直播带岗工作经费", FAIR_ROWS, FAIR_TARGETS), DEFAULT) == []


def test_target_text_95_percent_and_indicator_90_percent_is_a_contradiction():
    rows = [PENSION_ROWS[0], with_value(PENSION_ROWS[1], "≥90%"), PENSION_ROWS[2]]  # 665 altered from ≥95%
    found = r22_target_figures(ctx_of("城乡居民养老保险经费", rows, PENSION_TARGETS), DEFAULT)
    assert [(f.rule, f.line, f.severity) for f in found] == [("R22", 665, Severity.WARNING)]
    assert found[0].message == ("绩效目标写明「使得城乡居民养老保险参保覆盖率达到 95%以上」，指标「城乡居民参保覆盖率」的值却是「≥90%」，"
                                "两者不一致（目标95%，指标90%）。")
    ev = found[0].evidence_dict()
    assert ev["sentence"] == "通过城乡居民养老保险政策宣传及参保扩面，使得城乡居民养老保险参保覆盖率达到 95%以上"
    assert (ev["target_number"], ev["indicator_number"], ev["shared_topic"]) == (95.0, 90.0, "参保覆盖率")


def test_count_contradiction_on_a_specific_topic():
    rows = [ARBITRATION_ROWS[0], with_value(ARBITRATION_ROWS[1], "≥300件"), ARBITRATION_ROWS[2]]  # 714 altered from ≥400件
    found = r22_target_figures(ctx_of("劳动争议仲裁经费", rows, ARBITRATION_TARGETS), DEFAULT)
    assert [(f.line, f.evidence_dict()["target_figure"], f.evidence_dict()["indicator_number"]) for f in found] == [
        (714, "400件", 300.0)]


def test_generic_rate_word_is_not_a_clear_topic_match():
    # targets of samples/004 table 12 (「考试完成率100%」) against 报名完成率 of samples/004 table 4:
    # only 「完成率」 is shared, so this is no contradiction — just a promised rate no indicator carries
    rows = [row("产出指标", "数量指标", "报名完成率", "报名完成率", "≥95百分比", "工作职责", 831)]
    found = r22_target_figures(ctx_of("职称考试考务费", rows, "1、围绕安全考试，高标准地完成各项考试任务。2、考试完成率100%"), DEFAULT)
    assert [(f.line, f.severity) for f in found] == [(None, Severity.INFO)]
    assert found[0].message == "绩效目标提出的任务数「考试完成率100%」，在指标表中没有数值相同的指标。"


def test_promised_counts_without_an_indicator_are_one_project_note():
    found = r22_target_figures(ctx_of("创业担保贷款贴息资金", LOAN_ROWS, LOAN_TARGETS), DEFAULT)
    assert [(f.rule, f.line, f.severity) for f in found] == [("R22", None, Severity.INFO)]
    assert found[0].message == ("绩效目标提出的任务数「带动就业 160 人」「全年发放个人创业担保贷款 46 笔」「促进 46 人创业」"
                                "「实现 210 人就业」，在指标表中没有数值相同的指标。")
    assert found[0].evidence_dict()["figures"] == "160人；46笔；46人；210人"  # 4笔 and 4个 are carried (≥4 个)
