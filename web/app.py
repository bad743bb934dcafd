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
from service import labelling
from service.classify import ModelCache, classify, texts_from_items
from service.errors import TooLarge, error_kind
from service.ingest import remove_document, removed_record, run_record
from service.projects import document_record, list_documents, project_record, resolve_project
from service.search import Searchers, search, search_record
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
    cost_tier: bool = Field(False, description="the table has 成本 as a 一级 (经济成本/社会成本/生态环境成本 under it)")


class LabelRequest(BaseModel):
    indicator_id: str = Field(description="the indicator's id (as in `label export` and `label list`)")
    tier: str = Field("", description="审核一级: 产出 | 效益 | 满意度 | 成本 (may be left to the sub-tier)")
    sub: str = Field("", description="审核二级: the right sub-tier, canonical or as printed")
    note: str = Field("", description="备注: which definition the label rests on")
    by: str = Field("web", description="the reviewer's name, stored with the label")


class TrainRequest(BaseModel):
    estimator: Optional[str] = None
    use_store: bool = True
    force: bool = Field(False, description="make the new version active even if it scores worse than the active one")
    by: str = Field("web", description="the reviewer's name")


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
        return {"items": classify(texts, data_dir, model=app.state.models.get() if texts else None,
                                  cost_tier=body.cost_tier)}

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

    @app.get("/api/labels/export", tags=["labels"])
    def api_labels_export(limit: int = Query(200, ge=1, description="at most N rows"),
                          doc: Optional[str] = Query(None, description="only this stored document"),
                          format: str = Query("csv", description="csv | xlsx | jsonl")) -> Response:
        """The indicators worth labelling first, as a review file: `jixiao label export`."""
        data, _n = labelling.export_review(data_dir, limit=limit, doc=doc, fmt=format)
        return Response(data, media_type=labelling.REVIEW_MEDIA[format],
                        headers={"Content-Disposition": f'attachment; filename="review.{format}"'})

    @app.post("/api/labels/import", tags=["labels"], dependencies=writer)
    def api_labels_import(file: UploadFile = File(..., description="a filled-in review file, .csv, .xlsx or .jsonl"),
                          by: str = Query("web", description="the reviewer's name, stored with the labels"),
                          skip_bad: bool = Query(False, description="store the good rows even if some are bad")) -> dict[str, Any]:
        """Import reviewer labels: `jixiao label import FILE --json`. Any bad row rejects the whole file
        (unless skip_bad) and nothing changes."""
        return labelling.import_record(import_upload(data_dir, file, by=by, skip_bad=skip_bad))

    @app.get("/api/labels", tags=["labels"])
    def api_labels(history: bool = Query(False, description="every label ever given")) -> list[dict[str, Any]]:
        """The reviewer labels in force: `jixiao label list --json`."""
        return labelling.list_labels(data_dir, history=history)

    @app.get("/api/labels/stats", tags=["labels"])
    def api_label_stats() -> dict[str, Any]:
        """Counts of reviewer labels: `jixiao label stats --json`."""
        return labelling.label_stats(data_dir)

    @app.post("/api/labels", tags=["labels"], dependencies=writer)
    def api_label_row(body: LabelRequest) -> dict[str, Any]:
        """Label one stored indicator (checked as a review-file row); returns the label in force."""
        return labelling.label_indicator(data_dir, indicator_id=body.indicator_id, tier=body.tier, sub=body.sub,
                                         note=body.note, by=body.by)

    @app.post("/api/train", tags=["labels"], dependencies=writer)
    def api_train(body: TrainRequest) -> dict[str, Any]:
        """Fit a new model version on the store's filed labels plus reviewer labels and promote it only if
        not worse: `jixiao train --json`."""
        # the server runs threads: no forked training processes (see service.labelling.train_versioned)
        outcome, imported = labelling.train_versioned(data_dir, use_store=body.use_store, estimator=body.estimator,
                                                      force=body.force, by=body.by, parallel=False)
        return labelling.train_record(outcome, imported)

    from web.pages import add_pages

    add_pages(app)

    return app


def import_upload(data_dir: Path, file: UploadFile, *, by: str, skip_bad: bool = False) -> labelling.ImportOutcome:
    """Import a review file received over HTTP (kept in a temporary file while it is read)."""
    from service.uploads import display_name

    shown = display_name(file.filename)
    suffix = Path(shown).suffix.lower()
    if suffix not in tuple(f".{f}" for f in labelling.REVIEW_MEDIA):
        raise JixiaoError(f"{shown}: unknown file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"labels{suffix}"
        with open(path, "wb") as out:
            for chunk in upload_chunks(file.file):
                out.write(chunk)
                if out.tell() > 20 * 1024 * 1024:
                    raise TooLarge(f"{shown}: a review file above 20 MB; split it")
        return labelling.import_labels(data_dir, path, by=by, skip_bad=skip_bad, name=shown)
