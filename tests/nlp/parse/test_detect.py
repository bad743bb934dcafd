from nlp.parse.detect import detect_layout
from nlp.records import Layout


def test_tab_separated_header_row_means_tabbed():
    assert detect_layout(["x", "一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定依据"]) is Layout.TABBED


def test_one_header_cell_per_line_means_cells():
    assert detect_layout(["\t一级指标", "\t二级指标", "\t三级指标"]) is Layout.CELLS


def test_header_cells_separated_by_spaces_means_garbled():
    assert detect_layout(["一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据"]) is Layout.GARBLED


def test_text_without_indicator_header_has_no_layout():
    assert detect_layout(["部门预算收支总表", "序号\t收入\t支出"]) is None
