"""The FastAPI application: JSON endpoints, authentication of writes, errors as 4xx with the CLI's message."""

from __future__ import annotations

import hmac
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from nlp.errors import JixiaoError
from service import audit as audit_service
from service import labels as label_service
from service.classify import ModelCache, classify, texts_from_items
from service.errors import TooLarge, error_kind
from service.ingest import remove_document, removed_record, run_record
from service.projects import document_record, list_documents, project_record, resolve_project
from service.search import Searchers, search, search_record
from service.train import train, train_record
from service.uploads import DEFAULT_MAX_UPLOAD_BYTES, ingest_upload

__all__ = ["ServiceConfig", "create_app", "STATUS"]

#: HTTP status for each kind of failure (:func:`service.errors.error_kind`)
STATUS = {"not_found": 404, "ambiguous": 409, "too_large": 413, "unsupported": 415, "busy": 503,
          "refused": 409, "out_of_step": 500, "unreadable": 422, "invalid": 400}
#: most items one classify request may carry
MAX_CLASSIFY_ITEMS = 10_000
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ServiceConfig:
    data_dir: Path
    token: str | None = None  #: when set, write endpoints need ``Authorization: Bearer <token>``
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES


class ClassifyItem(BaseModel):
    name: str = Field(description="三级指标 (indicator name)")
    desc: Optional[str] = Field(None, description="指标解释 (description)")
    value: Optional[str] = Field(None, description="指标值 as printed, e.g. ≥90%")


class ClassifyRequest(BaseModel):
    items: list[ClassifyItem]


class CorrectionRequest(BaseModel):
    doc: str = Field(description="stored document (file name)")
    line: int = Field(description="first source line of the indicator row")
    sub: str = Field(description="the right sub-tier (二级指标), canonical or as printed")
    reason: str = Field(description="which definition the verdict rests on")


class TrainRequest(BaseModel):
    estimator: Optional[str] = None
    use_store: bool = True


def token_matches(config: ServiceConfig, presented: str | None) -> bool:
    return config.token is None or (presented is not None and hmac.compare_digest(presented.encode(), config.token.encode()))


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def error_response(exc: JixiaoError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=STATUS[error_kind(exc)])


def upload_chunks(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(_CHUNK):
        yield chunk


def check_declared_size(request: Request, max_bytes: int) -> None:
    """Refuse a body whose declared length is far above the limit before reading it."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise TooLarge(f"upload of {int(declared) / 1024 / 1024:.1f} MB is larger than the upload limit of "
                       f"{max_bytes / 1024 / 1024:g} MB; split the document or ask the administrator to raise the limit")


def create_app(config: ServiceConfig) -> FastAPI:
    # no /docs page: FastAPI's would load its scripts from a CDN; the schema itself is served
    app = FastAPI(title="jixiao", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Search, audit and classify Chinese budget performance-target tables (项目支出绩效目标表).")
    app.state.config = config
    app.state.searchers = Searchers(config.data_dir)
    app.state.models = ModelCache(config.data_dir)
    data_dir = config.data_dir

    @app.exception_handler(JixiaoError)
    async def library_error(request: Request, exc: JixiaoError) -> Response:
        from web.pages import error_page

        if request.url.path.startswith("/api/"):
            return error_response(exc)
        return error_page(request, str(exc), STATUS[error_kind(exc)])

    def require_token(request: Request) -> None:
        if not token_matches(config, bearer(request)):
            raise HTTPException(401, "this endpoint changes data: send the header 'Authorization: Bearer <token>' "
                                     "with the token the server was started with",
                                headers={"WWW-Authenticate": "Bearer"})

    writer = [Depends(require_token)]

    @app.get("/api/search", tags=["search"])
    def api_search(q: str = Query(..., description='words (AND), OR, NOT, "phrase", field:word'),
                   year: Optional[str] = Query(None, description="2021 or 2021-2024"),
                   dept: Optional[str] = Query(None, description="department name contains"),
                   tier: Optional[str] = Query(None, description="产出 | 效益 | 满意度 | 成本"),
                   limit: int = Query(10, ge=1, le=1000), page: int = Query(1, ge=1),
                   sort: str = Query("score", description="score | year | budget")) -> dict[str, Any]:
        """Ranked projects with highlighted snippets: the same JSON as `jixiao search --json`."""
        result = search(data_dir, q, year=year, dept=dept, tier=tier, limit=limit, page=page, sort=sort,
                        searcher=app.state.searchers.get())
        return search_record(result)

    @app.get("/api/projects/{project_id}", tags=["projects"])
    def api_project(project_id: str) -> dict[str, Any]:
        """One project and its indicator table: the same JSON as `jixiao show --json`."""
        return project_record(*resolve_project(data_dir, project_id))

    @app.post("/api/classify", tags=["classify"])
    def api_classify(body: ClassifyRequest) -> dict[str, Any]:
        """Tier and sub-tier of each indicator, in input order: records as `jixiao classify` prints them."""
        if len(body.items) > MAX_CLASSIFY_ITEMS:
            raise JixiaoError(f"{len(body.items)} items in one request; send at most {MAX_CLASSIFY_ITEMS}")
        texts = texts_from_items([item.model_dump() for item in body.items])
        return {"items": classify(texts, data_dir, model=app.state.models.get() if texts else None)}

    @app.get("/api/documents", tags=["documents"])
    def api_documents() -> dict[str, Any]:
        """Every stored document with its department, year, counts and ingest time (UTC)."""
        return {"documents": [document_record(i) for i in list_documents(data_dir)]}

    @app.get("/api/documents/{doc:path}/audit", tags=["documents"])
    def api_audit(doc: str, format: str = Query("json", description="json | html | xlsx | csv")) -> Response:
        """The default-profile audit of one stored document: `jixiao audit --doc DOC --format json`;
        `format=html|xlsx|csv` downloads the report."""
        if format not in audit_service.REPORT_FORMATS:
            raise JixiaoError(f"unknown report format '{format}'; use one of {', '.join(audit_service.REPORT_FORMATS)}")
        result = audit_service.audit_document(data_dir, doc)
        if format == "json":
            return JSONResponse(audit_service.audit_record(result))
        body = audit_service.render_report(result, format)
        name = audit_service.report_file_name(doc, format)
        return Response(body, media_type=audit_service.REPORT_MEDIA[format],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/api/documents", tags=["documents"], dependencies=writer)
    def api_upload(request: Request, file: UploadFile = File(..., description="a disclosure in a format ingest reads"),
                   replace: bool = Query(False, description="replace the stored document of that name even by a "
                                                            "version with under half its projects or indicators")) -> dict[str, Any]:
        """Store, audit and index one uploaded document under its file name: the outcome as
        `jixiao ingest FILE --as NAME --json` prints it. A malformed upload is refused (4xx) and changes nothing."""
        check_declared_size(request, config.max_upload_bytes)
        run = ingest_upload(data_dir, file.filename, upload_chunks(file.file), max_bytes=config.max_upload_bytes,
                            replace=replace)
        return run_record(run)

    @app.delete("/api/documents/{doc:path}", tags=["documents"], dependencies=writer)
    def api_delete(doc: str) -> dict[str, Any]:
        """Remove a stored document and its projects from the store and the search index (`jixiao remove DOC`)."""
        return removed_record(remove_document(data_dir, doc))

    @app.get("/api/labels/export", tags=["labels"], response_class=PlainTextResponse)
    def api_labels_export() -> Response:
        """The recorded corrections as CSV (doc, line, name, filed_sub, sub, verdict, reason)."""
        return Response(label_service.export_corrections(data_dir), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="corrections.csv"'})

    @app.post("/api/labels/import", tags=["labels"], dependencies=writer)
    def api_labels_import(file: UploadFile = File(..., description="a corrections file, .csv or .jsonl")) -> dict[str, Any]:
        """Add reviewer corrections; any bad or stale row rejects the whole file and nothing changes."""
        return asdict(import_upload(data_dir, file))

    @app.post("/api/labels", tags=["labels"], dependencies=writer)
    def api_label_row(body: CorrectionRequest) -> dict[str, Any]:
        """Record a reviewer's verdict on one row's sub-tier."""
        c = label_service.correct_row(data_dir, body.doc, body.line, body.sub, body.reason)
        return label_service.correction_records([c])[0]

    @app.post("/api/train", tags=["labels"], dependencies=writer)
    def api_train(body: TrainRequest) -> dict[str, Any]:
        """Retrain the classifier on the stored documents with the recorded corrections applied."""
        run = train(data_dir, use_store=body.use_store, corrections=label_service.stored_corrections(data_dir),
                    corrections_name="recorded corrections", estimator=body.estimator)
        return train_record(run)

    from web.pages import add_pages

    add_pages(app)

    return app


def import_upload(data_dir: Path, file: UploadFile) -> label_service.ImportResult:
    """Import a corrections file received over HTTP (kept in a temporary file while it is read)."""
    from service.uploads import display_name

    shown = display_name(file.filename)
    suffix = Path(shown).suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise JixiaoError(f"{shown}: unknown file type {suffix or '(none)'}; use .csv or .jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"corrections{suffix}"
        with open(path, "wb") as out:
            for chunk in upload_chunks(file.file):
                out.write(chunk)
                if out.tell() > 20 * 1024 * 1024:
                    raise TooLarge(f"{shown}: a corrections file above 20 MB; split it")
        return label_service.import_corrections(data_dir, path, name=shown)
