"""Property tests: tables generated at random, printed in an unseparated form, read back row by row.

The generated names avoid only what the forms themselves make ambiguous (a name ending in
digits, or starting with a character that is also a unit, glued after a bare score); the
values and labels cover the vocabulary.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.errors import InputError
from nlp.parse import parse_text

#: name characters: no unit characters, no label words (效益 指标 满意 成本 影响), no digits
_NAME_CHARS = "建设改造培训服务管理道路设施农系统平护巡查检测覆盖资金饮水污理率及时合格完好生产技术推广应用"
_NAMES = st.text(alphabet=_NAME_CHARS, min_size=3, max_size=10)
_UNITS = ["%", "个", "次", "公里", "万元", "户", "人次"]
_SUBS = {"产出": ["数量指标", "质量指标", "时效指标"], "效益": ["社会效益指标", "经济效益指标"], "满意度": ["服务对象满意度指标"]}


@st.composite
def _tables(draw):
    rows = []
    names = draw(st.lists(_NAMES, min_size=2, max_size=8, unique=True))
    for name in names:
        tier = draw(st.sampled_from(sorted(_SUBS)))
        sub = draw(st.sampled_from(_SUBS[tier]))
        unit = draw(st.sampled_from(_UNITS))
        op = draw(st.sampled_from(["", "≥", "≤"]))
        value = f"{op}{draw(st.integers(1, 999))}{unit}"
        actual = f"{draw(st.integers(1, 999))}{unit}"
        rows.append((tier, sub, name, value, actual))
    order = {"产出": 0, "效益": 1, "满意度": 2}
    return sorted(rows, key=lambda r: (order[r[0]], r[1]))


@settings(max_examples=60, deadline=None)
@given(_tables(), st.sampled_from([5, 10, 15, 20]))
def test_a_glued_self_evaluation_reads_back(rows, score) -> None:
    parts = ["项目名称随机项目主管部门随机局二级指标三级指标年初目标值(A)实际完成值(B)得分"]
    last_tier = last_sub = None
    for tier, sub, name, value, actual in rows:
        if tier != last_tier:
            parts.append(tier + "指标")
            last_tier, last_sub = tier, None
        if sub != last_sub:
            parts.append(sub)
            last_sub = sub
        parts.append(f"{name}{value}{actual}{score}")
    text = "2023年度随机项目自评表\n" + "".join(parts) + "总分100\n"
    doc = parse_text(text, file="random.txt")
    got = [(i.tier, i.sub_raw, i.name, i.value, i.actual) for p in doc.projects for i in p.indicators]
    assert got == [(t, s, n, v, a) for t, s, n, v, a in rows]


@settings(max_examples=60, deadline=None)
@given(_tables(), st.sampled_from(["connective", "symbol"]))
def test_a_prose_report_reads_back(rows, style) -> None:
    lines = ["随机项目绩效自评报告", "二、绩效指标完成情况"]
    last_tier = last_sub = None
    k = 0
    for tier, sub, name, value, actual in rows:
        if tier != last_tier:
            k += 1
            lines.append(f"{k}.{tier}指标。")
            last_tier, last_sub = tier, None
        if sub != last_sub:
            lines.append(f"{sub}:")
            last_sub = sub
        if style == "connective" or not value[0] in "≥≤":
            lines[-1] += f"{name}年初指标值为{value},全年实际完成值{actual};"
        else:
            lines[-1] += f"{name}{value},实际完成{actual};"
    lines.append("三、存在问题")
    doc = parse_text("\n".join(lines) + "\n", file="random.txt")
    got = [(i.tier, i.sub_raw, i.name, i.value, i.actual) for p in doc.projects for i in p.indicators]
    assert got == [(t, s, n, v, a) for t, s, n, v, a in rows]


_PIECES = st.sampled_from(
    ["产出指标", "效益指标(30分)", "满意度指标", "数量指标", "社会效益", "出标产指", "三级指标", "二级指标", "指标值",
     "年初目标值(A)", "实际完成值(B)", "得分", "指标1:", "≥", "≤", "二", "95%", "2020", "3310", "12个", "2、", "1.",
     "(一)", "一、", "年初任务数", "全年完成值", "指标为", "实际完成值为", ",", ";", "。", "|", " ", "\n", "\n\n",
     "反映", "是/否", "东澳镇", "项目名称", "主管部门", "(10分", ")", "年度目标值", "实施周期目标值", "巡查次数", "提高"]
)


_STARTS = st.sampled_from(
    ["", "二级指标三级指标年初目标值(A)实际完成值(B)得分", "三级指标指标解释指标方向东澳镇石湖镇",
     "项目类型绩效指标指标解释一级指标二级指标三级指标内容性质单位", "1.产出指标。\n数量指标:",
     "三级指标 培训人数 合格率\n年度目标值\n", "一级\n\n指标\n\n二级指标\n\n三级指标\n\n自评分\n\n指标解释\n\n",
     "x " * 80 + "三级指标 数量指标 指标1:"]
)


@settings(max_examples=300, deadline=None)
@given(_STARTS, st.lists(_PIECES, max_size=80))
def test_no_reader_of_unseparated_text_raises_on_any_mix_of_its_vocabulary(start, pieces) -> None:
    from nlp.readers import colmajor, flattened, framework, glued, prose

    lines = (start + "".join(pieces)).split("\n")
    for reader in (glued, flattened, colmajor, framework, prose):
        score = reader.looks_like(lines)
        assert 0.0 <= score <= 1.0
        reader.read(lines, "fuzz.txt")
    try:
        parse_text("\n".join(lines), file="fuzz.txt")
    except InputError:
        pass  # no table found: the one clear error
