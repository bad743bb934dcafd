"""R21 (indicator unrelated to its project) and R23 (copy-paste within a department), on rows of samples/003."""

from __future__ import annotations

from models.audit import load_settings
from models.audit.findings import ProjectContext
from models.audit.programmes import same_programme
from models.audit.rules_relevance import r21_relevance, r23_copy_paste
from tests.models.audit.helpers import document, project, row

DEFAULT = load_settings("default")

# samples/003 table 33 (lines 3580-3690): the village-agent subsidy filled with pension indicators
AGENT = project(
    "提前下达2021年省级财政城乡居民养老、就业公共服务村级代办员补助资金", seq=33, budget=14.0,
    funds="城乡居民养老、就业公共服务村级代办员补助资金",
    targets="1.确保城乡居民养老保险、就业公共服务等基层经办工作顺利开展。2.促进基层做好城乡居民基本养老保险、就业公共服务工作",
    rows=[
        row("产出指标", "数量指标", "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数", "≥108000人", "全年工作计划", 3625),
        row("", "时效指标", "业务处理及时性", "及时处理业务数占总处理数的比率", "≥95百分比", "全年工作计划", 3639),
        row("效益指标", "经济效益指标", "基础养老金不低于全省平均水平", "促进居民收入稳步提高月人均基础养老金不低于全省平均水平", "113元", "全年工作计划", 3653),
    ],
)
# samples/003 table 29: the pension project those rows fit
PENSION = project(
    "城乡居民养老保险基础养老金县级配套", seq=29, budget=1900.0, funds="城乡居民基础养老金发放",
    targets="1.确保城乡居民基础养老金按时足额发放。2.促进居民收入稳步提高。",
    rows=[
        row("产出指标", "数量指标", "60周岁以上领取基础养老金人数", "60周岁以上符合领取基础养老金条件人数", "≥108000人", "全年工作计划", 3200),
        row("效益指标", "经济效益指标", "基础养老金不低于全省平均水平", "促进居民收入稳步提高月人均基础养老金不低于全省平均水平", "113元", "全年工作计划", 3230),
    ],
)
# samples/003 table 3: an office project with its own rows
OFFICE = project(
    "机关综合事务管理经费", seq=3, budget=43.0, funds="保障机关正常运转",
    targets="1.构建和谐劳动关系，促进社会稳定。2.全面落实社会保障法规，构建全覆盖社会保障体系。",
    rows=[
        row("产出指标", "时效指标", "退休手续办理及时率", "在规定的时限内办理退休手续及时办理情况", "≥95百分比", "全年工作计划", 340),
        row("效益指标", "生态效益指标", "节约成本", "节约水、电等资源，降低能耗，实现绿色办公", "节约水、电等资源，降低能耗，实现绿色办公", "全年工作计划", 380),
    ],
)


def contexts(*projects):
    doc = document("003_test.txt", [p for p in projects])
    return [ProjectContext(doc.document, p) for p in doc.projects]


def test_pension_indicators_in_the_village_agent_project_are_flagged_as_not_fitting():
    found = r21_relevance(contexts(OFFICE, PENSION, AGENT), DEFAULT)
    assert [(f.project_seq, f.line) for f in found] == [(33, 3625), (33, 3653)]
    first = found[0]
    assert first.message == (
        "指标「60周岁以上领取基础养老金人数」涉及「养老金」，与本项目（提前下达2021年省级财政城乡居民养老、就业公共服务村级代办员补助资金）"
        "的资金用途和目标无关，更像是项目「城乡居民养老保险基础养老金县级配套」的指标。"
    )
    ev = first.evidence_dict()
    assert ev["similarity_other"] > ev["similarity_own"] + 0.1


def test_relevance_needs_a_project_that_the_programme_belongs_to():
    # alone, the agent project has no neighbour funded for 养老金: nothing is claimed
    assert r21_relevance(contexts(AGENT), DEFAULT) == []


def test_same_name_and_value_in_three_projects_is_copy_paste_but_satisfaction_is_exempt():
    green = row("效益指标", "生态效益指标", "节约成本", "节约水、电等资源，降低能耗，实现绿色办公",
                "节约水、电等资源，降低能耗，实现绿色办公", "全年工作计划", 0)
    sat = row("满意度指标", "服务对象满意度指标", "受服务群体满意度（%）", "服务群体调查中，满意和较满意的人数占调查人数的比率",
              "≥90百分比", "历史经验", 0)
    projects = [project(f"项目{i}", [row("产出指标", "数量指标", f"指标{i}", "d", "1人", "b", 100 * i),
                                     row("效益指标", "生态效益指标", green.name, green.desc, green.value, green.basis, 100 * i + 1),
                                     row("满意度指标", "服务对象满意度指标", sat.name, sat.desc, sat.value, sat.basis, 100 * i + 2)],
                        seq=i) for i in (1, 2, 3)]
    found = r23_copy_paste(contexts(*projects), DEFAULT)
    assert sorted((f.project_seq, f.line) for f in found) == [(1, 101), (2, 201), (3, 301)]
    first = min(found, key=lambda f: f.line)
    assert first.message == "指标「节约成本：节约水、电等资源，降低能耗，实现绿色办公」在本部门3个项目中完全相同，属于照搬套用（本行是最早出现处）。"
    later = max(found, key=lambda f: f.line)
    assert later.message.endswith("属于照搬套用（最早见于「项目1」第101行）。")


def test_whole_table_copied_between_two_projects():
    rows = lambda base: [row("产出指标", "数量指标", f"指标{k}", "d", f"{k}人", "b", base + k) for k in range(5)]  # noqa: E731
    found = r23_copy_paste(contexts(project("劳动监察办案经费", rows(10), seq=4),
                                    project("干部人事档案整理专项经费", rows(50), seq=6)), DEFAULT)
    tables = [f for f in found if f.line is None]
    assert [(f.project_seq, f.evidence_dict()["other_project"]) for f in tables] == [
        (4, "干部人事档案整理专项经费"), (6, "劳动监察办案经费")]
    assert tables[0].evidence_dict()["jaccard"] == 1.0


def test_funding_streams_of_one_programme_may_share_a_table():
    # samples/003 tables 11 and 13: the provincial and the central 就业补助资金
    rows = lambda base: [row("产出指标", "数量指标", f"指标{k}", "d", f"{k}人", "b", base + k) for k in range(5)]  # noqa: E731
    found = r23_copy_paste(contexts(project("提前下达2021年省级就业补助资金", rows(10), seq=11),
                                    project("提前下达2021年中央就业补助资金", rows(50), seq=13),
                                    project("就业补助资金县级配套", rows(90), seq=14)), DEFAULT)
    assert found == []


LOAN_TARGETS_13 = ("1. 目标内容 1 发放小微企业贷款 4 笔，扶持小微企业 4 个，带动就业 160 人 2. 目标内容 2 "
                   "全年发放个人创业担保贷款 46 笔，促进 46 人创业，实现 210 人就业")
LOAN_TARGETS_14 = ("1. 发放小微企业贷款 3 笔，扶持小微企业 3 个，带动就业 90 人 2. 全年发放个人创业担保贷款 30 笔，"
                   "促进 30 人创业，实现 150 人就业")

# samples/003 tables 12, 24 and 25: one indicator type, its description written for each subsidy
SUBSIDY = [
    ("建档立卡人员就业扶贫公益岗资金", "建档立卡贫困劳动力公益岗人员发放待遇",
     "1.为顺利脱贫和防返贫提供了有力的收入保障2.为确保公益岗人员按时足额领取工资待遇。", 12, 1338,
     "贫困劳动力对象认定准确人数占全部贫困劳动力对象人数的比率"),
    ("计划生育特困家庭生活补助", "计划生育特困家庭生活补贴",
     "1.进一步完善人口和计划生育利益导向政策体系，深化“计划生育惠民工程”。2.保持社会稳定。", 24, 2643,
     "计划生育特困家庭保障对象认定准确人数占全部保障对象人数的比率"),
    ("生活困难人员财政代缴城乡居民基本养老保险费县级配套", "生活困难人员财政代缴城乡居民基本养老保险费",
     "1.提高社会保险待遇水平，助力参保贫困人员精准脱贫，有效巩固脱贫攻坚成果，全面推进社会保险扶贫工作。", 25, 2752,
     "生活困难人员保障对象认定准确人数占全部保障对象人数的比率"),
]


def test_shared_indicator_type_with_a_description_written_for_each_project_is_not_copy_paste():
    projects = [project(name, [row("产出指标", "质量指标", "补贴对象认定准确率", desc, "100百分比", "全年工作计划", line)],
                        seq=seq, funds=funds, targets=targets)
                for name, funds, targets, seq, line, desc in SUBSIDY]
    assert r23_copy_paste(contexts(*projects), DEFAULT) == []


def test_vague_shared_value_is_copy_paste_even_with_a_tailored_description():
    # samples/003 tables 3, 4 and 22: 「可持续期限：长期」, each description prefixed with its project's subject
    subjects = [("机关综合事务管理经费", "机关综合事务管理工作可持续期限", 3, 399), ("劳动监察办案经费", "劳动监察办案可持续期限", 4, 508),
                ("清偿失地保险欠费", "清偿失地保险费可持续期限", 22, 2467)]
    projects = [project(name, [row("效益指标", "可持续影响指标", "可持续期限", desc, "长期", "全年工作计划", line)], seq=seq)
                for name, desc, seq, line in subjects]
    found = r23_copy_paste(contexts(*projects), DEFAULT)
    assert [(f.project_seq, f.line) for f in found] == [(3, 399), (4, 508), (22, 2467)]


def test_targets_with_the_same_tasks_and_their_own_figures_are_one_programme():
    # samples/001 tables 13 and 14: the county's 创业担保贷款贴息资金 and the province's 普惠金融 money for it
    county = project("创业担保贷款贴息资金", [], seq=13,
                     funds="根据冀人社规[2019]1号文等相关规定，为符合条件的创业者或者小微企业申请的创业担保贷款进行贴息。",
                     targets=LOAN_TARGETS_13)
    province = project("关于提前下达 2023 年省级普惠金融发展专项资金预算的通知（冀财金[2022]55 号）", [], seq=14,
                       funds="2023 年度共计发放创业担保贷款 1000 万元", targets=LOAN_TARGETS_14)
    a, b = contexts(county, province)
    assert same_programme(a, b)
    # generic targets without figures, copied between unrelated projects, prove nothing (samples/003 tables 5 and 15)
    c, d = contexts(project("创业贷款担保基金", [], seq=5,
                            targets="1.确保我县各项就业创业政策的落实，促进全县就业形势稳定。2.做好促进创业就业工作。"),
                    project("公共就业服务经费", [], seq=15,
                            targets="1.确保我县各项就业创业政策的落实，促进全县就业形势稳定。2.做好促进就业工作。"))
    assert not same_programme(c, d)


def test_county_province_and_central_streams_named_by_document_number_are_one_programme():
    # samples/001 tables 25 and 27: the same 城乡居民养老保险 money from two levels of government
    county, province = contexts(
        project("城乡居民养老保险县级补贴资金", [], seq=25),
        project("关于提前下达 2024 年省级城乡居民养老保险补助资金预算指标的通知(冀财社[2023]219 号)", [], seq=27))
    assert same_programme(county, province)
    # samples/003 tables 9 and 21: two insurance schemes' expansion work are different programmes
    pension, injury = contexts(project("推进企业职工基本养老保险扩面工作经费", [], seq=9),
                               project("推进工伤保险扩面工作经费", [], seq=21))
    assert not same_programme(pension, injury)


def test_archive_count_with_each_projects_own_figure_is_not_copy_paste():
    # samples/003 tables 6, 7 and 8: three archive projects, each with its own number of files
    archives = [("干部人事档案整理专项经费", "干部人事档案的整理", 6, 677, "≥3000份"),
                ("社会保险业务档案整理资金", "社会保险业务档案的整理", 7, 786, ">30000份"),
                ("流动档案管理专项经费", "流动人事档案的整理及相关设备购置", 8, 895, "≥4000份")]
    projects = [project(name, [row("产出指标", "数量指标", "整理档案的数量", "反映档案整理完成的数量", value, "全年工作计划", line)],
                        seq=seq, funds=funds) for name, funds, seq, line, value in archives]
    assert r23_copy_paste(contexts(*projects), DEFAULT) == []



def test_copied_table_pairs_by_prefix_filter_are_exactly_the_exhaustive_pairs():
    import random

    from models.audit.rules_relevance import _table_pairs

    rng = random.Random(7)
    for _ in range(300):
        n, t, min_rows = rng.randint(2, 30), rng.choice([0.5, 0.7, 0.8, 0.9, 1.0]), rng.randint(1, 4)
        pool = [f"g{i}" for i in range(rng.randint(3, 15))]
        sets = [frozenset(rng.sample(pool, rng.randint(0, min(8, len(pool)))) + [f"u{j}:{i}" for i in range(rng.randint(0, 2))])
                for j in range(n)]
        exhaustive = [(a, b) for a in range(n) for b in range(a + 1, n)
                      if len(sets[a]) >= min_rows and len(sets[b]) >= min_rows
                      and len(sets[a] & sets[b]) / len(sets[a] | sets[b]) >= t]
        assert _table_pairs(sets, t, min_rows) == exhaustive
