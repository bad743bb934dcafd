"""End to end in a real headless Chromium: search, open a project, upload a document, download its report.

Needs Debian's chromium (``apt-get install chromium``; ``.ci/run`` installs it) and Playwright's Python
package, which drives it through ``executable_path`` (Playwright's own browser download is not used).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_FILES

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium executable on PATH (apt-get install chromium)")


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, locale="zh-CN")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def test_search_open_upload_download(browser_page, service_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    from web.app import ServiceConfig
    from web.server import BackgroundServer

    page = browser_page
    with BackgroundServer(ServiceConfig(data_dir=service_dir)) as server:
        page.goto(server.url + "/")
        page.fill("input[name=q]", "创业担保贷款")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("div.hit")
        marks = page.locator("div.hit mark").all_inner_texts()
        assert marks and all(any(w in m for w in ("创业", "担保", "贷款")) for m in marks)
        first = page.locator("div.hit h3 a").first
        name = first.inner_text()
        first.click()
        page.wait_for_selector("table.indicators")
        assert page.inner_text("h1").startswith(name)
        assert page.locator("table.indicators tr").count() > 1

        page.click("text=上传")
        page.set_input_files("input[type=file]", str(SAMPLE_FILES["000"]))
        page.click("form button[type=submit]")
        page.wait_for_selector("p.msg.ok")
        assert "已收录并审核：巨鹿县人力资源和社会保障局" in page.inner_text("p.msg.ok")
        assert f"/documents/{SAMPLE_FILES['000'].name}" in page.url

        with page.expect_download() as html_download:
            page.click("text=HTML 报告")
        html_path = tmp_path / "report.html"
        html_download.value.save_as(html_path)
        text = html_path.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and "巨鹿县人力资源和社会保障局" in text and "目录" in text
        with page.expect_download() as xlsx_download:
            page.click("text=Excel 表格")
        xlsx_path = tmp_path / "report.xlsx"
        xlsx_download.value.save_as(xlsx_path)
        assert xlsx_path.read_bytes()[:2] == b"PK"
        assert xlsx_download.value.suggested_filename.endswith(".audit.xlsx")
