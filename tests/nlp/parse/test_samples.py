"""The bundled disclosures 001–004: table counts and rows checked by hand against the text."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from nlp.parse import parse_text
from nlp.parse.cleanup import split_lines
from nlp.parse.dept import parse_dept_targets
from nlp.parse.meta import read_department, read_year
from nlp.records import Layout, ParsedDocument

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
SAMPLE_FILES = {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}


@functools.cache
def _doc(prefix: str) -> ParsedDocument:
    path = SAMPLE_FILES[prefix]
    return parse_text(path.read_text(encoding="utf-8"), file=path.name)


def _rows(prefix: str) -> dict[int, tuple]:
    return {
        i.line: (p.ordinal, p.section, p.seq, i.tier_raw, i.sub_raw, i.name, i.desc, i.value, i.basis, i.line_end)
        for p in _doc(prefix).projects
        for i in p.indicators
    }


@pytest.mark.parametrize(
    ("prefix", "layout", "n_projects", "department", "year"),
    [
        ("001", Layout.TABBED, 29, "霸州市人力资源和社会保障局", 2024),
        ("002", Layout.CELLS, 14, "魏县人力资源和社会保障局", 2025),
        ("003", Layout.CELLS, 35, "昌黎县人力资源和社会保障局", 2021),
        ("004", Layout.CELLS, 23, "邯郸市人力资源和社会保障局", 2020),
    ],
)
def test_sample_layout_table_count_and_metadata(prefix, layout, n_projects, department, year):
    doc = _doc(prefix)
    assert doc.document.layout is layout
    assert len(doc.projects) == n_projects
    assert [p.ordinal for p in doc.projects] == list(range(1, n_projects + 1))
    assert (doc.document.department, doc.document.year) == (department, year)
    assert all(p.indicators for p in doc.projects)


def test_sample_004_has_two_numbering_series():
    projects = _doc("004").projects
    assert [(p.section, p.seq) for p in projects[:6]] == [("专项资金", n) for n in range(1, 6)] + [("预算项目", 1)]
    assert [p.seq for p in projects[5:]] == list(range(1, 19))


def test_sample_indicator_totals():
    assert [_doc(p).n_indicators for p in ("001", "002", "003", "004")] == [238, 101, 315, 101]


SAMPLE_ROWS = {
    "001": {
        663: (1, "预算项目", 1, "产出指标", "数量指标", "参保宣传次数", "2024 年全年参保宣传次数", "≥3 次",
              "历史标准，参考上年参保宣传次数。", 663),
        # page break inside both the description and the basis cell
        1217: (25, "预算项目", 25, "产出指标", "时效指标", "养老金发放及时率",
               "养老金每月及时发放，该指标考核及时发放养老金月数/12 个月", "100%",
               "历史标准，参考上年值。2022 养老金发放及时率 100%", 1220),
        1331: (29, "预算项目", 29, "满意度指标", "服务对象满意度指标", "城乡参保对象满意度",
               "城乡居民参保对象满意人数占调查人数比例", "≥90%", "历史标准，参考近上年值，2022 年满意度 92%", 1331),
    },
    "002": {
        84: (1, "预算项目", 1, "产出指标", "数量指标", "大楼维修次数", "每年至少一次大楼维修维护", "≥1次", "2025年工作计划", 89),
        1168: (12, "预算项目", 12, "产出指标", "质量指标", "工资足额发放率", "工资应发放额/工资实际发放额", "100%",
               "县长办公会议纪要十六届【2020】62号、2025年度工作计划", 1174),
        1404: (14, "预算项目", 14, "满意度指标", "服务对象满意度指标", "被慰问人员满意度", "被慰问人员满意度", "≥90%",
               "问卷调查结果", 1409),
    },
    "003": {
        132: (1, "预算项目", 1, "产出指标", "数量指标", "考核人数", "按计划应参加年终考核人数", "≥13000人", "全年工作计划", 137),
        188: (1, "预算项目", 1, "满意度指标", "服务对象满意度指标", "受服务群体满意度（%）",
              "服务群体调查中，满意和较满意的人数占调查人数的比率", "≥90百分比", "历史经验", 194),
        3899: (35, "预算项目", 35, "满意度指标", "服务对象满意度指标", "受服务群体满意度（%）",
               "服务群体调查中，满意和较满意的人数占调查人数的比率", "≥90百分比", "历史经验", 3905),
    },
    "004": {
        188: (1, "专项资金", 1, "产出指标", "时效指标", "到位率", "按照要求和计划完成到位资金项目在所有立项项目中的比例（百分比）",
              "≥90%", "工作职责", 193),
        1363: (16, "预算项目", 11, "效果指标", "社会效益指标", "考务规范性",
               "严格按照招聘方案实施考试考务工作。包含如下三项内容：1、严格培训考务人员2、试卷安全管理3、考点考场设置规范",
               "考前考务培训率达90%以上；试卷管理安全无事故；考点考场设置符合标准", "市本级编制的考试方案", 1371),
        1886: (23, "预算项目", 18, "满意度指标", "服务对象满意度指标", "工作人员满意率", "反映工作对办公场所满意度", "≥95百分比",
               "", 1891),
    },
}


@pytest.mark.parametrize(("prefix", "line"), [(p, line) for p, rows in SAMPLE_ROWS.items() for line in rows])
def test_sample_row_exact_as_printed(prefix, line):
    assert _rows(prefix)[line] == SAMPLE_ROWS[prefix][line]


def test_sample_department_targets_present_for_every_sample():
    counts = {p: len(_doc(p).dept_targets) for p in ("001", "002", "003", "004")}
    assert counts == {"001": 5, "002": 7, "003": 15, "004": 6}
    assert _doc("001").dept_targets[1].heading == "（一）做好劳动关系管理工作"


def test_sample_000_department_year_and_targets_without_its_table_parser():
    lines = split_lines(SAMPLE_FILES["000"].read_text(encoding="utf-8"))
    assert (read_department(lines), read_year(lines)) == ("巨鹿县人力资源和社会保障局", 2021)
    targets, _ = parse_dept_targets(lines, file="000")
    assert [(t.kind, t.heading) for t in targets] == [
        ("总体", "(一）总体绩效目标"),
        ("分项", "1、是突出提升就业质量，全力做好就业创业工作"),
        ("分项", "2、完善工作机制，构建和谐劳动关系"),
        ("分项", "3、突出科学规范有序，加强人才队伍建设"),
    ]
    assert targets[1].indicators.endswith("为我县130名灵活就业人员提供社保补贴。")
