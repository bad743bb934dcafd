from nlp.parse.meta import read_department, read_year, year_from_code


def test_department_from_a_bare_unit_name_at_the_top():
    assert read_department(["", "巨鹿县人力资源和社会保障局", "", "2021 年度部门预算信息"]) == "巨鹿县人力资源和社会保障局"


def test_department_from_unit_lines_strips_the_unit_code():
    lines = ["2024 年部门预算信息公开目录", "805 霸州市人力资源和社会保障局", "805 霸州市人力资源和社会保障局"]
    assert read_department(lines) == "霸州市人力资源和社会保障局"


def test_department_prefers_the_own_level_unit_over_more_frequent_subordinate_units():
    lines = ["第一部分"] + ["\t323012昌黎县农村养老保险服务中心"] * 3 + ["\t323001昌黎县人力资源和社会保障局本级"]
    assert read_department(lines) == "昌黎县人力资源和社会保障局"


def test_no_department_found():
    assert read_department(["第一部分", "部门整体绩效目标"]) is None


def test_year_printed_as_budget_year():
    assert read_year(["预算年度：2024"]) == 2024


def test_year_from_document_heading():
    assert read_year(["2021 年度部门预算信息"]) == 2021


def test_year_inferred_from_project_codes():
    assert read_year(["无年份"], codes=["13043425P00000110011H", "13043425P004443100017", None]) == 2025


def test_year_inferred_from_early_allocation_names():
    assert read_year(["无年份"], codes=["000-9999-JSN-VZ82"], names=["提前下达2021年省级就业补助资金"]) == 2021


def test_year_from_code_needs_letters_after_the_digits():
    assert year_from_code("130322213SZKS0GW5XY3D") == 2021
    assert year_from_code("000-9999-JSN-VZ82") is None


def test_no_year_found():
    assert read_year(["部门整体绩效目标"]) is None
