"""R21 (indicator unrelated to its project) and R23 (copy-paste within a department), on rows of samples/003."""

from __future__ import annotations

from models.audit import load_settings
from models.audit.findings import ProjectContext
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
