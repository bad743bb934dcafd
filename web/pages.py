"""Server-rendered pages (Jinja2, no scripts): search, project, documents, upload, labels.

Forms post back to the server, so every page works without JavaScript. When the server has a
token, the write forms carry it in a password field (a browser form cannot set a header).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, urlencode

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from nlp.errors import JixiaoError
from service import labelling
from service.errors import error_kind
from service.ingest import remove_document
from service.projects import list_documents
from service.search import SORT_KEYS, search
from service.uploads import UPLOAD_SUFFIXES, ingest_upload
from service.views import SUB_TIERS, TEMPLATE_PACKAGE, document_page, label_rows, project_page

__all__ = ["add_pages", "error_page"]

HIGHLIGHT = ("«", "»")
TIERS = ("产出", "效益", "满意度", "成本")
FIELD_NAMES = {"name": "项目名称", "text": "内容", "department": "部门", "code": "项目编码", "targets": "绩效目标",
               "funds_use": "资金用途", "indicators": "绩效指标"}
PAGE_SIZE = 10


def _highlight(text: str) -> Markup:
    """A snippet with the matched words (between « and ») in <mark>, everything else escaped."""
    out = str(escape(text.replace("\n", " ")))
    return Markup(out.replace(HIGHLIGHT[0], "<mark>").replace(HIGHLIGHT[1], "</mark>"))


def _date(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def _money(wan: float | None) -> str:
    return "—" if wan is None else f"{wan:,.2f} 万元".replace(".00 万元", " 万元")


def _environment() -> Environment:
    env = Environment(loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"), PackageLoader(*TEMPLATE_PACKAGE)]),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(highlight=_highlight, date=_date, money=_money, q=lambda s: quote(str(s), safe=""))
    env.globals.update(field_names=FIELD_NAMES, tiers=TIERS, sub_tiers=SUB_TIERS, sort_keys=SORT_KEYS,
                       upload_suffixes=UPLOAD_SUFFIXES)
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    config = request.app.state.config
    return templates.TemplateResponse(request, name, {"needs_token": config.token is not None, **context},
                                      status_code=status)


def error_page(request: Request, message: str, status: int) -> HTMLResponse:
    return render(request, "error.html", status, message=message, code=status)


def _form_token_ok(request: Request, token: str | None) -> bool:
    from web.app import bearer, token_matches

    config = request.app.state.config
    return token_matches(config, bearer(request)) or token_matches(config, token or None)


_TOKEN_MESSAGE = "令牌不正确：请填写服务启动时设置的访问令牌（--token 或环境变量 JIXIAO_TOKEN）。"


def add_pages(app: FastAPI) -> None:
    data_dir: Path = app.state.config.data_dir

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", year: str = "", dept: str = "", tier: str = "",
                    page: int = 1, sort: str = "score") -> HTMLResponse:
        form = {"q": q, "year": year, "dept": dept, "tier": tier, "sort": sort}
        result, error = None, None
        if q.strip():
            try:
                result = search(data_dir, q, year=year or None, dept=dept or None, tier=tier or None,
                                limit=PAGE_SIZE, page=max(page, 1), sort=sort, searcher=app.state.searchers.get())
            except JixiaoError as exc:
                error = str(exc)
        documents = [] if q.strip() else list_documents(data_dir)
        pages = 0 if result is None else -(-result.total // PAGE_SIZE)

        def page_url(n: int) -> str:
            return "/search?" + urlencode({**{k: v for k, v in form.items() if v}, "page": n})

        status = 200 if error is None else 400
        return render(request, "search.html", status, form=form, result=result, error=error, pages=pages,
                      page_url=page_url, documents=documents)

    @app.get("/projects/{project_id}", response_class=HTMLResponse, include_in_schema=False)
    def project(request: Request, project_id: str) -> HTMLResponse:
        page = project_page(data_dir, project_id, app.state.models)
        return render(request, "project.html", page=page, p=page.view)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents(request: Request) -> HTMLResponse:
        return render(request, "documents.html", documents=list_documents(data_dir))

    @app.get("/documents/{doc:path}", response_class=HTMLResponse, include_in_schema=False)
    def document(request: Request, doc: str) -> HTMLResponse:
        page = document_page(data_dir, doc)
        return render(request, "document.html", page=page, view=page.view, info=page.info,
                      formats=("html", "xlsx", "csv"))

    @app.post("/documents/{doc:path}/delete", include_in_schema=False)
    def document_delete(request: Request, doc: str, token: Optional[str] = Form(None)) -> Response:
        if not _form_token_ok(request, token):
            return error_page(request, _TOKEN_MESSAGE, 401)
        remove_document(data_dir, doc)
        return RedirectResponse("/documents", status_code=303)

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return render(request, "upload.html", error=None)

    @app.post("/upload", include_in_schema=False)
    def upload(request: Request, file: UploadFile = File(...), token: Optional[str] = Form(None)) -> Response:
        from web.app import STATUS, check_declared_size, upload_chunks

        if not _form_token_ok(request, token):
            return render(request, "upload.html", 401, error=_TOKEN_MESSAGE)
        config = request.app.state.config
        try:
            check_declared_size(request, config.max_upload_bytes)
            run = ingest_upload(data_dir, file.filename, upload_chunks(file.file), max_bytes=config.max_upload_bytes)
        except JixiaoError as exc:
            return render(request, "upload.html", STATUS[error_kind(exc)], error=str(exc))
        doc = run.outcomes[0].doc
        return RedirectResponse(f"/documents/{quote(doc)}?uploaded=1", status_code=303)

    @app.get("/labels", response_class=HTMLResponse, include_in_schema=False)
    def labels(request: Request, project: str = "", saved: str = "") -> HTMLResponse:
        rows, document, proj = [], None, None
        if project:
            document, proj, rows = label_rows(data_dir, project, app.state.models)
        return render(request, "labels.html", project_id=project, document=document, proj=proj, rows=rows,
                      labels=labelling.list_labels(data_dir), saved=saved, error=None)

    @app.post("/labels/train", include_in_schema=False)
    def retrain(request: Request, token: Optional[str] = Form(None), force: bool = Form(False)) -> Response:
        if not _form_token_ok(request, token):
            return error_page(request, _TOKEN_MESSAGE, 401)
        # the server runs threads: no forked training processes (see service.labelling.train_versioned)
        outcome, _imported = labelling.train_versioned(data_dir, force=force, by="web", parallel=False)
        return render(request, "labels.html", project_id="", document=None, proj=None, rows=[],
                      labels=labelling.list_labels(data_dir), saved="", error=None, trained=outcome)

    @app.post("/labels", include_in_schema=False)
    def label_row(request: Request, indicator_id: str = Form(...), sub: str = Form(...), note: str = Form(""),
                  by: str = Form(""), project: str = Form(""), token: Optional[str] = Form(None)) -> Response:
        if not _form_token_ok(request, token):
            return error_page(request, _TOKEN_MESSAGE, 401)
        labelling.label_indicator(data_dir, indicator_id=indicator_id, sub=sub, note=note, by=by.strip() or "web")
        return RedirectResponse("/labels?" + urlencode({"project": project, "saved": indicator_id}), status_code=303)
