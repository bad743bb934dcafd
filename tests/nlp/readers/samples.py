"""Sample performance tables written in every format by the reader tests (invented content)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _load_formats():
    spec = importlib.util.spec_from_file_location("bench_formats", ROOT / "bench" / "formats.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_formats"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


formats = _load_formats()
L, U, Doc, Grid, Para = formats.LEFT, formats.UP, formats.Doc, formats.Grid, formats.Para

HEADER = ("一级指标", "二级指标", "三级指标", "指标值", "备注")

#: metadata rows and a title inside the table, a merged 一级 column and merged 二级 cells
TARGET = Doc(
    title="松川市水务局2024年项目支出绩效目标",
    blocks=(
        Para("松川市水务局2024年度项目支出绩效目标表", heading=True),
        Grid(
            rows=(
                ("项目支出绩效目标表(2024年度)", L, L, L, L),
                ("项目名称", "中心城区排涝泵站机组更新改造", L, L, L),
                ("主管部门", "松川市水务局", L, L, L),
                ("年度目标", "完成两座排涝泵站老旧机组更换,主汛期前具备满负荷抽排能力。", L, L, L),
                HEADER,
                ("产出指标", "数量指标", "更换潜水轴流泵机组", "4台", ""),
                (U, U, "改造泵站配电控制柜", "6面", ""),
                (U, "质量指标", "新装机组试运行合格率", "100%", ""),
                (U, U, "泵站主要设备完好率", "≥95%", "汛期逐月巡检"),
                (U, "时效指标", "机组安装调试完成时间", "2024年5月15日前", ""),
                (U, "成本指标", "单台机组采购及安装费用", "≤28万元", ""),
                ("效益指标", "社会效益指标", "城区主要易涝点退水时长", "≤2小时", ""),
                (U, "可持续影响指标", "新装机组设计使用年限", "≥15年", ""),
                ("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥90%", ""),
            ),
            header_rows=0,
        ),
    ),
)

_NAMES = (
    "巡查河道长度", "清理河道垃圾", "维修护岸工程", "疏浚沟渠长度", "更新监测设备", "培训河湖管护员",
    "发放宣传资料", "开展联合执法", "处置违法案件", "补植护岸林木", "建设智慧监控点", "修复破损闸门",
    "整治入河排口", "检测水质断面", "编制一河一策", "更新公示牌", "清理漂浮物", "核查涉河项目",
    "开展应急演练", "采购巡河无人机", "修缮管护用房", "建立问题台账", "开展暗访督查", "组织志愿巡河",
    "发布河长公告", "清退违规养殖", "复核河湖划界", "完善档案资料", "开展入户回访", "维护管理平台",
)


def _long_rows() -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = [HEADER]
    for k, name in enumerate(_NAMES):
        tier = "产出指标" if k < 24 else "效益指标"
        sub = ("数量指标", "质量指标", "时效指标")[k // 8] if k < 24 else ("社会效益指标", "生态效益指标")[(k - 24) // 3]
        first_of_tier = k in (0, 24)
        first_of_sub = k in (0, 8, 16, 24, 27)
        rows.append(
            (
                tier if first_of_tier else U,
                sub if first_of_sub else U,
                name,
                f"≥{k + 3}次" if k % 3 else f"{90 + k % 10}%",
                "按季度统计" if k % 5 == 0 else "",
            )
        )
    rows.append(("满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥85%", ""))
    return tuple(rows)


#: two projects in one document, metadata as paragraphs above each table; the second table
#: is long enough to be printed over two pages (its header row repeats on the second page)
SPLIT = Doc(
    title="云汀区水利局2023年项目绩效目标公开",
    blocks=(
        Para("云汀区水利局2023年部门预算项目绩效目标表", heading=True),
        Para("项目名称:农村饮水安全维修养护"),
        Para("主管部门:云汀区水利局"),
        Grid(
            rows=(
                HEADER,
                ("产出指标", "数量指标", "维修供水管网", "12公里", ""),
                (U, "质量指标", "水质达标率", "≥98%", ""),
                ("效益指标", "社会效益指标", "受益人口", "3.2万人", ""),
                ("满意度指标", "服务对象满意度指标", "用水群众满意度", "≥90%", ""),
            ),
            header_rows=1,
        ),
        *(
            Para(f"{k}、项目实施内容说明:本项目按照年度河湖管护计划分阶段推进,各阶段任务和责任单位明确,资金按进度拨付。")
            for k in "一二三四五六七八"
        ),
        Para("项目名称:河湖长制工作经费"),
        Para("主管部门:云汀区水利局"),
        Grid(rows=_long_rows(), header_rows=1),
    ),
)

SELF_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")

#: a self-evaluation: target vs actual value, weight and score
SELF_EVAL = Doc(
    title="鹿鸣县教育局2022年度项目支出绩效自评表",
    blocks=(
        Para("项目支出绩效自评表", heading=True),
        Para("(2022年度)"),
        Grid(
            rows=(
                ("项目名称", "学前教育发展资金", L, L, L, L, L, L),
                ("主管部门", "鹿鸣县教育局", L, L, "实施单位", "鹿鸣县第一幼儿园", L, L),
                SELF_HEADER,
                ("产出指标(50分)", "数量指标", "资助幼儿人数", "≥320人", "336人", "20", "20", ""),
                (U, U, "购置玩教具套数", "40套", "38套", "10", "9", "供货延迟,已督促"),
                (U, "质量指标", "资助对象识别准确率", "100%", "100%", "10", "10", ""),
                (U, "时效指标", "资金发放及时率", "100%", "96%", "10", "9", "个别批次延迟"),
                ("效益指标(30分)", "社会效益指标", "适龄儿童入园率", "≥90%", "93%", "30", "30", ""),
                ("满意度指标(10分)", "服务对象满意度指标", "家长满意度", "≥90%", "95%", "10", "10", ""),
            ),
            header_rows=3,
        ),
    ),
)

SAMPLES = {"target": TARGET, "split": SPLIT, "selfeval": SELF_EVAL}

#: two projects stacked in one table (metadata rows between them), and a side label merged down the
#: left of the indicator rows, as publishers' workbooks and pages print them
STACKED = Doc(
    blocks=(
        Para("鹿鸣县水利局2024年项目支出绩效目标"),
        Grid(rows=(
            ("项目绩效目标表", L, L, L, L),
            ("项目名称", "渠道修缮", L, L, L),
            ("主管部门", "鹿鸣县水利局", L, L, L),
            ("年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"),
            (U, "产出指标", "数量指标", "修建渠道", "5公里"),
            (U, U, "质量指标", "验收合格率", "100%"),
            (U, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
            ("项目名称", "河道清淤", L, L, L),
            ("主管部门", "鹿鸣县水利局", L, L, L),
            ("年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"),
            (U, "产出指标", "数量指标", "清淤河道", "3公里"),
            (U, "效益指标", "社会效益指标", "受益人口", "2万人"),
        )),  # fmt: skip
    )
)
