from nlp.parse.cleanup import split_lines
from nlp.parse.dept import parse_dept_targets


def test_labelled_target_and_indicator_pairs_under_a_heading(fixture_text):
    targets, issues = parse_dept_targets(split_lines(fixture_text("dept_labelled_pairs.txt")), file="d.txt")
    assert issues == ()
    assert targets[0].kind == "总体" and targets[0].heading == "一、总体绩效目标"
    assert targets[0].target.startswith("县人力资源和社会保障局在县委、县政府的正确领导下")
    pair = targets[2]
    assert (pair.kind, pair.heading, pair.target, pair.indicators, pair.line, pair.line_end) == (
        "分项", "（一）公共就业创业", "确保当年城镇新增就业。", "就业不低于8200人。", 11, 13,
    )
    assert targets[1].target.startswith("保持就业局势总体稳定") and targets[1].indicators == ""
    assert len(targets) == 15


def test_wrapped_lines_are_joined_and_section_ends_at_safeguards():
    lines = [
        "(一）总体绩效目标", "", "坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻", "", "党的精神。",
        "（二）分项绩效目标", "", "1、是突出提升就业质量，全力做好就业创业工作", "",
        "绩效目标：减轻困难人员负担。", "", "绩效指标：我单位预计登记失业人员500人；为创业孵化基地的130户入驻项目提供房租租赁和物业水",
        "", "电补贴。", "（三）工作保障措施", "1、加强组织领导", "统一思想认识。",
    ]
    targets, _ = parse_dept_targets(lines, file="d.txt")
    assert [(t.kind, t.heading, t.target, t.indicators) for t in targets] == [
        ("总体", "(一）总体绩效目标", "坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻党的精神。", ""),
        ("分项", "1、是突出提升就业质量，全力做好就业创业工作", "减轻困难人员负担。",
         "我单位预计登记失业人员500人；为创业孵化基地的130户入驻项目提供房租租赁和物业水电补贴。"),
    ]


def test_heading_and_label_on_one_line():
    lines = ["总体绩效目标：", "（一）坚持就业优先战略。", "分项绩效目标：", "", "（一）就业工作绩效目标：实现全年城镇新增就业11.255万人。", "工作保障措施："]
    targets, _ = parse_dept_targets(lines, file="d.txt")
    assert [(t.kind, t.heading, t.target) for t in targets] == [
        ("总体", "总体绩效目标：", "（一）坚持就业优先战略。"),
        ("分项", "（一）就业工作", "实现全年城镇新增就业11.255万人。"),
    ]


def test_sentence_heading_without_body_is_its_own_target():
    lines = ["一、总体绩效目标", "总体。", "二、分项绩效目标", "（二）围绕人社主责主业，做实四个业务板块", "1.聚力引人才，助推经济高质量发展。", "三、工作保障措施"]
    targets, _ = parse_dept_targets(split_lines("\n".join(lines)), file="d.txt")
    assert [(t.heading, t.target) for t in targets[1:]] == [("1.聚力引人才，助推经济高质量发展。", "1.聚力引人才，助推经济高质量发展。")]


def test_document_without_department_targets_is_reported():
    targets, issues = parse_dept_targets(["1、X绩效目标表"], file="d.txt")
    assert targets == ()
    assert [str(i) for i in issues] == ["d.txt:1: info: no 部门整体绩效目标 / 总体绩效目标 section found"]
