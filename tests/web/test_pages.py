"""The reviewers' pages through the test client: Chinese, no scripts, forms that work without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from fastapi.testclient import TestClient

from tests.conftest import SAMPLE_FILES

DOC_004 = SAMPLE_FILES["004"].name
PID = f"{SAMPLE_FILES['004'].stem}:2"  # 公办技工院校建档立卡“三免”资金市级配套: an R05 error on 学生抽样调查满意度


def page(client: TestClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<script" not in r.text
    return r.text


def test_start_page_lists_documents_by_department(client: TestClient):
    html = page(client, "/")
    assert "邯郸市人力资源和社会保障局" in html and "魏县人力资源和社会保障局" in html
    assert 'href="/documents/004_9ef801cc83c252a6.txt"' in html


def test_search_page_filters_highlights_and_pages(client: TestClient):
    html = page(client, "/search?q=指标&dept=邯郸&sort=budget")  # 23 projects: three pages
    assert "<mark>指标</mark>" in html
    assert 'value="邯郸"' in html and '<option value="budget" selected>' in html
    hits = re.findall(r'<h3><a href="/projects/([^"]+)">', html)
    assert len(hits) == 10
    assert 'href="/search?q=%E6%8C%87%E6%A0%87&amp;dept=%E9%82%AF%E9%83%B8&amp;sort=budget&amp;page=2"' in html
    second = page(client, "/search?q=指标&dept=邯郸&sort=budget&page=2")
    assert set(re.findall(r'<h3><a href="/projects/([^"]+)">', second)).isdisjoint(hits)


def test_search_page_shows_a_bad_query_as_400(client: TestClient):
    html = page(client, "/search?q=养老&year=2025-2021", 400)
    assert "the range ends before it starts" in html


def test_project_page_shows_the_table_findings_and_the_model(client: TestClient):
    html = page(client, f"/projects/{PID}")
    assert "公办技工院校建档立卡“三免”资金市级配套" in html and "邯郸市人力资源和社会保障局" in html
    assert '<td class="error">效果指标</td>' in html  # R05: the satisfaction row filed under 效果指标
    assert "满意度指标「学生抽样调查满意度」放在了「效果指标」下" in html
    assert "模型判断" in html and "满意度/服务对象满意度" in html
    assert "得分 = 100 分减去" in html  # the grade explained
    assert f'href="/api/documents/{DOC_004}/audit?format=xlsx"' in html


def test_unknown_project_is_a_404_page(client: TestClient):
    html = page(client, "/projects/nope:1", 404)
    assert "no project id or name matches &#39;nope:1&#39;" in html


def test_document_pages(client: TestClient):
    html = page(client, "/documents")
    assert "邯郸市人力资源和社会保障局" in html and "UTC" in html
    html = page(client, f"/documents/{DOC_004}")
    assert "邯郸市人力资源和社会保障局 2020 绩效目标审核" in html and "<svg" in html
    for fmt in ("html", "xlsx", "csv"):
        assert f'href="/api/documents/{DOC_004}/audit?format={fmt}"' in html
    assert html.count('class="grade grade-') >= 23


def test_upload_form_ingests_and_redirects_to_the_document(client: TestClient):
    assert 'enctype="multipart/form-data"' in page(client, "/upload")
    r = client.post("/upload", files={"file": ("巨鹿.txt", SAMPLE_FILES["000"].read_bytes(), "text/plain")},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents/%E5%B7%A8%E9%B9%BF.txt?uploaded=1"
    html = page(client, r.headers["location"])
    assert "已收录并审核：巨鹿县人力资源和社会保障局" in html


def test_upload_form_shows_mistakes(client: TestClient, service_dir: Path, store_snapshot):
    before = store_snapshot(service_dir)
    r = client.post("/upload", files={"file": ("scan.txt", b"\x00\x01", "text/plain")})
    assert r.status_code == 422 and "scan.txt: binary file (NUL bytes)" in r.text and "<form" in r.text
    assert store_snapshot(service_dir) == before


def test_forms_carry_the_token_when_one_is_set(make_client: Callable[..., TestClient], service_dir: Path, store_snapshot):
    guarded = make_client(token="s3cret")
    assert 'name="token"' in page(guarded, "/upload")
    before = store_snapshot(service_dir)
    files = {"file": ("a.txt", SAMPLE_FILES["000"].read_bytes(), "text/plain")}
    r = guarded.post("/upload", files=files, data={"token": "wrong"})
    assert r.status_code == 401 and "令牌不正确" in r.text
    r = guarded.post(f"/documents/{DOC_004}/delete", data={})
    assert r.status_code == 401
    assert store_snapshot(service_dir) == before
    r = guarded.post("/upload", files=files, data={"token": "s3cret"}, follow_redirects=False)
    assert r.status_code == 303


def test_labels_page_records_a_label(client: TestClient, service_dir: Path):
    from service.labelling import project_label_rows

    html = page(client, f"/labels?project={PID}")
    assert "学生抽样调查满意度" in html and '<select name="sub"' in html
    row = next(r for r in project_label_rows(service_dir, PID) if r.name == "学生抽样调查满意度")
    assert f'name="indicator_id" value="{row.indicator_id}"' in html
    r = client.post("/labels", data={"indicator_id": row.indicator_id, "sub": "服务对象满意度",
                                     "note": "满意度指标（R05）", "by": "张三", "project": PID}, follow_redirects=False)
    assert r.status_code == 303
    html = page(client, r.headers["location"])
    assert f"已记录指标 {row.indicator_id} 的归类" in html and "满意度/服务对象满意度" in html
    assert [(x["indicator_id"], x["sub"], x["by"]) for x in client.get("/api/labels").json()] == [
        (row.indicator_id, "服务对象满意度", "张三")]


def test_delete_form_removes_the_document(client: TestClient):
    r = client.post(f"/documents/{DOC_004}/delete", follow_redirects=False)
    assert r.status_code == 303
    assert "邯郸市人力资源和社会保障局" not in page(client, "/documents")
    page(client, f"/documents/{DOC_004}", 404)


def test_retrain_form(client: TestClient):
    r = client.post("/labels/train")
    assert r.status_code == 200 and "已训练分类器 v1" in r.text


def test_project_page_of_a_self_evaluation_shows_actual_values_and_other_columns(client: TestClient):
    text = (
        "项目名称：河道巡查保洁\n"
        "年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n"
        "产出指标(50分) | 数量指标 | 巡查次数 | ≥12次 | 14次 | 10 | 10 | |\n"
        "质量指标 | 整改完成率 | 100% | 92% | 10 | 8 | 个别整改延期 |\n"
    )
    r = client.post("/upload", files={"file": ("自评.txt", text.encode("utf-8"), "text/plain")}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    html = page(client, "/projects/%E8%87%AA%E8%AF%84:1")
    assert "<th>实际完成值</th>" in html and "<th>其他列</th>" in html
    assert '<td class="">92%</td>' in html and "偏差原因分析及改进措施: 个别整改延期" in html
    # a disclosure without such columns keeps its six
    assert "实际完成值" not in page(client, f"/projects/{PID}")
