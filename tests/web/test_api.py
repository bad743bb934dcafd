"""The JSON API through FastAPI's test client: every endpoint, the CLI's JSON, and each user mistake as a 4xx."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path
from typing import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app as cli_app
from tests.conftest import SAMPLE_FILES

DOC_004 = SAMPLE_FILES["004"].name
DOC_002 = SAMPLE_FILES["002"].name
runner = CliRunner()


def cli_json(data_dir: Path, *args: str) -> object:
    result = runner.invoke(cli_app, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(data_dir: Path, *args: str) -> str:
    result = runner.invoke(cli_app, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 1
    return result.output.strip().removeprefix("Error: ")


def detail(response) -> str:  # type: ignore[no-untyped-def]
    return response.json()["detail"]


# ---------------------------------------------------------------- reading

def test_openapi_lists_every_endpoint(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/projects/{project_id}", "/api/classify", "/api/documents",
            "/api/documents/{doc}/audit", "/api/documents/{doc}", "/api/labels/export", "/api/labels/import",
            "/api/labels", "/api/train"} <= set(paths)
    assert set(paths["/api/documents"]) == {"get", "post"} and "delete" in paths["/api/documents/{doc}"]


def test_search_is_the_cli_json(client: TestClient, service_dir: Path):
    r = client.get("/api/search", params={"q": "就业", "year": "2020-2025", "limit": 3, "page": 2, "sort": "budget"})
    assert r.status_code == 200
    expected = cli_json(service_dir, "search", "就业", "--year", "2020-2025", "--limit", "3", "--page", "2",
                        "--sort", "budget", "--json")
    assert r.json() == expected and len(expected["hits"]) == 3  # type: ignore[index]
    tier = client.get("/api/search", params={"q": "满意度", "tier": "满意度", "dept": "邯郸"}).json()
    assert tier == cli_json(service_dir, "search", "满意度", "--tier", "满意度", "--dept", "邯郸", "--json")
    assert tier["hits"] and all("邯郸" in h["department"] for h in tier["hits"])


@pytest.mark.parametrize(("params", "cli_args"), [
    ({"q": "养老", "year": "2025-2021"}, ["search", "养老", "--year", "2025-2021"]),
])
def test_search_mistakes_are_400_with_the_cli_message(client: TestClient, service_dir: Path, params, cli_args):
    r = client.get("/api/search", params=params)
    assert r.status_code == 400
    assert detail(r) == cli_error(service_dir, *cli_args)


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "养老", "sort": "name"}, "--sort must be one of score, year, budget (got 'name')"),
    ({"q": "养老", "tier": "绩效"}, "--tier '绩效': use one of 产出, 效益, 满意度, 成本"),
])
def test_search_values_outside_the_choices_are_400(client: TestClient, params, message):
    """The command line rejects these in its parser (exit 2); the API gets the library's message."""
    r = client.get("/api/search", params=params)
    assert r.status_code == 400
    assert detail(r) == message


def test_search_parameter_shapes_are_422(client: TestClient):
    assert client.get("/api/search").status_code == 422  # q missing
    assert client.get("/api/search", params={"q": "就业", "limit": 0}).status_code == 422
    assert client.get("/api/search", params={"q": "就业", "page": "x"}).status_code == 422


def test_search_without_an_index_is_404(tmp_path: Path):
    from web.app import ServiceConfig, create_app

    empty = TestClient(create_app(ServiceConfig(data_dir=tmp_path / "empty")))
    r = empty.get("/api/search", params={"q": "就业"})
    assert r.status_code == 404 and "no search index yet" in detail(r)


def test_project_is_the_cli_json(client: TestClient, service_dir: Path):
    r = client.get(f"/api/projects/{SAMPLE_FILES['004'].stem}:3")
    assert r.status_code == 200
    assert r.json() == cli_json(service_dir, "show", f"{SAMPLE_FILES['004'].stem}:3", "--json")
    assert r.json()["project"]["indicators"]


def test_project_mistakes(client: TestClient, service_dir: Path):
    r = client.get("/api/projects/nope:1")
    assert r.status_code == 404 and detail(r) == cli_error(service_dir, "show", "nope:1")
    r = client.get("/api/projects/资金")  # a name part many projects share
    assert r.status_code == 409 and detail(r) == cli_error(service_dir, "show", "资金")


def test_classify_is_the_cli_records(client: TestClient, service_dir: Path):
    items = [{"name": "学生抽样调查满意度", "value": "≥98百分比"}, {"name": "培训人数", "desc": "参加培训的人数", "value": "≥200人"}]
    r = client.post("/api/classify", json={"items": items})
    assert r.status_code == 200
    csv_file = service_dir.parent / "items.jsonl"
    csv_file.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    result = runner.invoke(cli_app, ["--data-dir", str(service_dir), "classify", "--file", str(csv_file)])
    assert r.json() == {"items": [json.loads(line) for line in result.stdout.splitlines()]}
    assert [x["tier"] for x in r.json()["items"]] == ["满意度", "产出"]
    assert client.post("/api/classify", json={"items": []}).json() == {"items": []}


def test_classify_mistakes(client: TestClient):
    r = client.post("/api/classify", json={"items": [{"name": "培训人数"}, {"name": "  "}]})
    assert r.status_code == 400 and detail(r) == "item 2: 'name' is empty; give the indicator name (三级指标)"
    assert client.post("/api/classify", json={"things": []}).status_code == 422
    assert client.post("/api/classify", content=b"not json", headers={"content-type": "application/json"}).status_code == 422
    assert client.post("/api/classify", json={"items": [{"desc": "no name"}]}).status_code == 422


def test_documents_list(client: TestClient):
    docs = client.get("/api/documents").json()["documents"]
    assert [d["doc"] for d in docs] == sorted([DOC_002, DOC_004])
    d = next(d for d in docs if d["doc"] == DOC_004)
    assert d["department"] == "邯郸市人力资源和社会保障局" and d["year"] == 2020 and d["n_projects"] == 23
    assert d["ingested_at"].endswith("+00:00") and d["layout"] == "cells"


def test_audit_json_is_the_cli_json(client: TestClient, service_dir: Path):
    r = client.get(f"/api/documents/{DOC_004}/audit")
    assert r.status_code == 200
    assert r.json() == cli_json(service_dir, "audit", "--doc", DOC_004, "--format", "json")


def test_audit_downloads(client: TestClient):
    html = client.get(f"/api/documents/{DOC_004}/audit", params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert 'attachment; filename="004_9ef801cc83c252a6.audit.html"' == html.headers["content-disposition"]
    assert "目录" in html.text and "<svg" in html.text and "<script" not in html.text
    csv_r = client.get(f"/api/documents/{DOC_004}/audit", params={"format": "csv"})
    assert csv_r.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(csv_r.content.decode("utf-8-sig"))))
    assert rows and all(r["部门"] == "邯郸市人力资源和社会保障局" and r["年度"] == "2020" for r in rows)
    xlsx = client.get(f"/api/documents/{DOC_004}/audit", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content))["审核意见"]
    assert ws.max_row == len(rows) + 1 and ws["A1"].value == "部门"


def test_audit_mistakes(client: TestClient, service_dir: Path):
    r = client.get("/api/documents/nope.txt/audit")
    assert r.status_code == 404 and detail(r) == cli_error(service_dir, "audit", "--doc", "nope.txt")
    r = client.get(f"/api/documents/{DOC_004}/audit", params={"format": "pdf"})
    assert r.status_code == 400 and "unknown report format 'pdf'" in detail(r)


# ---------------------------------------------------------------- uploads

def upload(client: TestClient, name: str, data: bytes, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/api/documents", files={"file": (name, data, "text/plain")}, headers=headers)


def test_upload_ingests_audits_and_indexes(client: TestClient, service_dir: Path):
    data = SAMPLE_FILES["000"].read_bytes()
    r = upload(client, "巨鹿 2021.txt", data)
    assert r.status_code == 200, r.text
    body = r.json()
    [doc] = body["documents"]
    assert body["summary"]["n_files"] == 1 and body["summary"]["n_failed"] == 0
    assert doc["ok"] and doc["department"] == "巨鹿县人力资源和社会保障局" and doc["projects"] == 21
    assert set(doc) == {"doc", "path", "ok", "reason", "layout", "reader", "department", "year", "encoding", "projects",
                        "indicators", "warnings", "replaced", "previous", "unchanged", "refused", "renamed_from",
                        "issues"}
    assert doc["doc"] == "巨鹿 2021.txt"  # the document is named after the uploaded file
    [saved] = [p for p in (service_dir / "uploads").iterdir() if p.is_file()]
    assert saved.name.startswith("upload-") and saved.read_bytes() == data  # on disk: a generated name
    hits = client.get("/api/search", params={"q": "department:巨鹿"}).json()["hits"]
    assert hits and all(h["doc"] == doc["doc"] for h in hits)
    assert client.get(f"/api/documents/{doc['doc']}/audit").status_code == 200
    again = upload(client, "巨鹿 2021.txt", data).json()["documents"][0]
    assert again["doc"] == doc["doc"] and again["replaced"] and again["unchanged"]  # same name: replaced


@pytest.mark.parametrize(("name", "data", "status", "message"), [
    ("scan.txt", b"\x89\x00\x00binary", 422, "scan.txt: binary file (NUL bytes), not text; export the document as UTF-8 text"),
    ("scan2.txt", b"%PDF-1.4\x00\x00binary", 422, "scan2.txt: damaged or truncated PDF"),  # the content decides the format
    ("empty.txt", b"", 422, "empty.txt: file is empty; nothing to ingest"),
    ("notes.txt", "会议纪要\n今天天气很好。\n".encode(), 422, "notes.txt: no performance-target tables found"),
    ("table.exe", b"MZ\x90\x00", 415, "table.exe: file type .exe is not read by ingest"),
    ("table.pdf", b"%PDF-1.4", 422, "table.pdf: "),
    ("noext", b"abc", 415, "noext: file type (none) is not read by ingest"),
])
def test_malformed_upload_is_refused_and_changes_nothing(client: TestClient, service_dir: Path, store_snapshot,
                                                         name, data, status, message):
    before = store_snapshot(service_dir)
    r = upload(client, name, data)
    assert r.status_code == status and detail(r).startswith(message), r.text
    assert store_snapshot(service_dir) == before
    assert [p.name for p in (service_dir / "uploads").glob("*")] in ([], [".incoming"])
    assert not any((service_dir / "uploads" / ".incoming").glob("*"))


def test_upload_size_limit(make_client: Callable[..., TestClient], service_dir: Path, store_snapshot):
    small = make_client(max_upload_bytes=10_000)
    before = store_snapshot(service_dir)
    r = upload(small, "big.txt", SAMPLE_FILES["000"].read_bytes())
    assert r.status_code == 413 and "larger than the upload limit" in detail(r)
    assert store_snapshot(service_dir) == before


def test_upload_names_never_reach_the_file_system(client: TestClient, service_dir: Path):
    r = upload(client, "../../../etc/evil.txt", SAMPLE_FILES["002"].read_bytes())
    assert r.status_code == 200
    doc = r.json()["documents"][0]["doc"]
    assert doc == "evil.txt"
    assert [p.name.startswith("upload-") for p in (service_dir / "uploads").iterdir() if p.is_file()] == [True]
    assert not (service_dir.parent / "etc").exists()


def test_upload_without_a_file_field_is_422(client: TestClient):
    assert client.post("/api/documents", files={"document": ("a.txt", b"x")}).status_code == 422


def test_concurrent_uploads_keep_store_and_index_consistent(client: TestClient):
    names = ["000", "001", "003"]
    results: dict[str, int] = {}

    def send(key: str) -> None:
        results[key] = upload(client, f"{key}.txt", SAMPLE_FILES[key].read_bytes()).status_code

    threads = [threading.Thread(target=send, args=(k,)) for k in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: 200 for k in names}
    docs = client.get("/api/documents").json()["documents"]
    assert len(docs) == 5
    for d in docs:  # every stored project is in the index, with its document
        hits = client.get("/api/search", params={"q": f"department:{d['department']}", "limit": 100}).json()
        assert sum(h["doc"] == d["doc"] for h in hits["hits"]) == d["n_projects"]


# ---------------------------------------------------------------- delete, labels, train

def test_delete_removes_from_store_and_index(client: TestClient, service_dir: Path):
    assert client.get("/api/search", params={"q": "department:邯郸"}).json()["total"] == 23
    [info] = [d for d in client.get("/api/documents").json()["documents"] if d["doc"] == DOC_004]
    r = client.delete(f"/api/documents/{DOC_004}")
    assert r.status_code == 200 and r.json() == {"doc": DOC_004, "deleted": True, "projects": 23,
                                                 "indicators": info["n_indicators"]}
    assert [d["doc"] for d in client.get("/api/documents").json()["documents"]] == [DOC_002]
    assert client.get("/api/search", params={"q": "department:邯郸"}).json()["total"] == 0
    r = client.delete(f"/api/documents/{DOC_004}")
    assert r.status_code == 404 and "no stored document" in detail(r)


def _row_id(service_dir: Path, name: str) -> tuple[str, dict]:
    """The indicator_id and filed labels of the row ``name`` of project 2 of DOC_004."""
    from service.labelling import project_label_rows

    row = next(r for r in project_label_rows(service_dir, f"{SAMPLE_FILES['004'].stem}:2") if r.name == name)
    return row.indicator_id, {"filed_tier": row.filed_tier, "filed_sub": row.filed_sub, "line": row.line}


def test_label_a_row_list_export_and_import(client: TestClient, service_dir: Path):
    iid, filed = _row_id(service_dir, "学生抽样调查满意度")
    r = client.post("/api/labels", json={"indicator_id": iid, "sub": "服务对象满意度",
                                         "note": "满意度指标属于满意度指标（R05）", "by": "张三"})
    assert r.status_code == 200, r.text
    label = r.json()
    assert (label["indicator_id"], label["tier"], label["sub"], label["by"]) == (iid, "满意度", "服务对象满意度", "张三")
    assert (label["doc"], label["line"], label["filed_sub"]) == (DOC_004, filed["line"], filed["filed_sub"])
    # the same records as `jixiao label list --json` and the same counts as `label stats --json`
    cli = CliRunner().invoke(cli_app, ["--data-dir", str(service_dir), "label", "list", "--json"])
    assert cli.exit_code == 0 and client.get("/api/labels").json() == json.loads(cli.output) == [label]
    assert client.get("/api/labels/stats").json()["labels"] == 1
    # the review file of `jixiao label export`: the labelled row is no longer a candidate
    exported = client.get("/api/labels/export", params={"doc": DOC_004, "limit": 5})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 5 and iid not in {x["indicator_id"] for x in rows}
    assert {"indicator_id", "tier", "sub", "note"} <= set(rows[0])
    xlsx = client.get("/api/labels/export", params={"format": "xlsx", "limit": 3})
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active.max_row == 4
    # a filled-in review file imports through the same validation as `jixiao label import`
    rows[0]["sub"], rows[0]["note"] = "质量", "按定义"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows[:1])
    r = client.post("/api/labels/import", params={"by": "李四"},
                    files={"file": ("review.csv", buf.getvalue().encode(), "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json() == {"file": "review.csv", "import_id": 2, "applied": 1, "superseded": 0, "blank": 0, "skipped": []}
    assert len(client.get("/api/labels").json()) == 2


def test_label_mistakes_change_nothing(client: TestClient, service_dir: Path):
    iid, _ = _row_id(service_dir, "学生抽样调查满意度")
    r = client.post("/api/labels", json={"indicator_id": "nope", "sub": "数量"})
    assert r.status_code == 400 and "unknown indicator_id 'nope'" in detail(r)
    r = client.post("/api/labels", json={"indicator_id": iid, "sub": "好"})
    assert r.status_code == 400 and "unknown sub-tier '好'" in detail(r)
    r = client.post("/api/labels", json={"indicator_id": iid, "tier": "产出", "sub": "服务对象满意度"})
    assert r.status_code == 400 and "does not belong to tier 产出" in detail(r)
    bad = "indicator_id,tier,sub\n" + f"{iid},产出,质量\nnope,产出,数量\n"
    r = client.post("/api/labels/import", files={"file": ("fix.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422 and detail(r).startswith("fix.csv: 1 bad row"), r.text
    r = client.post("/api/labels/import", files={"file": ("fix.xls", b"x", "application/octet-stream")})
    assert r.status_code == 400 and "use .csv, .xlsx or .jsonl" in detail(r)
    assert client.get("/api/labels").json() == []


def test_train_is_the_versioned_training(client: TestClient, service_dir: Path):
    r = client.post("/api/train", json={"estimator": "svm+rules"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == "v1" and body["training"]["estimator"] == "svm+rules"
    assert body["active_version"] == ("v1" if body["promoted"] else body["active_before"])
    listed = CliRunner().invoke(cli_app, ["--data-dir", str(service_dir), "models", "list", "--json"])
    assert listed.exit_code == 0 and "v1" in {v["version"] for v in json.loads(listed.output)}
    r = client.post("/api/train", json={"estimator": "forest"})
    assert r.status_code == 400 and "unknown estimator 'forest'" in detail(r)


# ---------------------------------------------------------------- safety

WRITES = [
    ("post", "/api/documents", {"files": {"file": ("a.txt", b"x")}}),
    ("delete", f"/api/documents/{DOC_004}", {}),
    ("post", "/api/labels", {"json": {"indicator_id": "x", "sub": "数量"}}),
    ("post", "/api/labels/import", {"files": {"file": ("a.csv", b"x")}}),
    ("post", "/api/train", {"json": {}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_writes_need_the_token_when_one_is_set(make_client: Callable[..., TestClient], store_snapshot, service_dir: Path,
                                               method, path, kwargs):
    guarded = make_client(token="s3cret")
    before = store_snapshot(service_dir)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
        r = getattr(guarded, method)(path, headers=headers, **kwargs)
        assert r.status_code == 401 and "Authorization: Bearer" in detail(r)
    assert store_snapshot(service_dir) == before
    assert guarded.get("/api/documents").status_code == 200  # reading needs no token
    r = getattr(guarded, method)(path, headers={"Authorization": "Bearer s3cret"}, **kwargs)
    assert r.status_code != 401


def test_binding_beyond_loopback_needs_a_token(tmp_path: Path):
    from nlp.errors import JixiaoError
    from web.server import check_bind, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
    check_bind("127.0.0.1", None)
    check_bind("0.0.0.0", "t")
    with pytest.raises(JixiaoError, match="refusing to listen on 0.0.0.0 without a token"):
        check_bind("0.0.0.0", None)
    result = runner.invoke(cli_app, ["--data-dir", str(tmp_path), "serve", "--host", "0.0.0.0"], env={"JIXIAO_TOKEN": ""})
    assert result.exit_code == 1
    assert result.output.startswith("Error: refusing to listen on 0.0.0.0 without a token")


def test_upload_that_would_shrink_a_document_is_refused_unless_replace(client: TestClient, service_dir: Path,
                                                                       store_snapshot):
    full = SAMPLE_FILES["000"].read_text(encoding="utf-8")
    lines = full.splitlines(keepends=True)
    part = "".join(lines[: len(lines) // 4]).encode()
    assert upload(client, "巨鹿.txt", full.encode()).status_code == 200
    before = store_snapshot(service_dir)
    r = upload(client, "巨鹿.txt", part)
    assert r.status_code == 409 and "巨鹿.txt: would replace the stored 巨鹿.txt (21 projects" in detail(r), r.text
    assert "the stored version is kept" in detail(r)
    assert store_snapshot(service_dir) == before
    r = client.post("/api/documents", params={"replace": "true"}, files={"file": ("巨鹿.txt", part, "text/plain")})
    assert r.status_code == 200 and r.json()["documents"][0]["replaced"], r.text
    assert r.json()["documents"][0]["projects"] < 21


def test_cli_remove_and_delete_endpoint_share_the_workflow(client: TestClient, service_dir: Path):
    assert upload(client, "巨鹿.txt", SAMPLE_FILES["000"].read_bytes()).status_code == 200
    r = CliRunner().invoke(cli_app, ["--data-dir", str(service_dir), "remove", "巨鹿"])
    assert r.exit_code == 0 and r.output.startswith("removed 巨鹿.txt: 21 projects"), r.output
    assert "巨鹿.txt" not in [d["doc"] for d in client.get("/api/documents").json()["documents"]]
    assert client.get("/api/search", params={"q": "department:巨鹿"}).json()["total"] == 0
    r = client.delete("/api/documents/巨鹿.txt")
    assert r.status_code == 404 and "no stored document '巨鹿.txt'" in detail(r)


def test_upload_of_a_workbook_is_read_as_ingest_reads_it(client: TestClient, service_dir: Path, tmp_path: Path):
    from tests.nlp.readers.samples import SELF_EVAL, formats

    data = formats.write_xlsx(SELF_EVAL, tmp_path / "自评表.xlsx").read_bytes()
    r = client.post("/api/documents", files={"file": ("自评表.xlsx", data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    [doc] = r.json()["documents"]
    assert (doc["doc"], doc["reader"], doc["encoding"], doc["projects"], doc["indicators"]) == (
        "自评表.xlsx", "xlsx", "binary", 1, 6)
    assert [p.suffix for p in (service_dir / "uploads").iterdir() if p.is_file()] == [".xlsx"]
    assert client.get("/api/documents/自评表.xlsx/audit").status_code == 200
