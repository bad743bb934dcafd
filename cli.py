"""jixiao command line. Parses arguments, calls one library function, prints the result.

Only this module imports typer. Library errors (:class:`nlp.errors.JixiaoError`)
become one-line messages and exit code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

from nlp.errors import JixiaoError

app = typer.Typer(
    help="jixiao (绩效): read, classify, audit and search budget performance-target tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


class State:
    data_dir: Path = Path("data")


state = State()


@app.callback()
def main(
    data_dir: Annotated[
        Optional[Path],
        typer.Option(
            "--data-dir",
            envvar="JIXIAO_HOME",
            help="Where jixiao keeps everything it writes (store, index, models, caches). Default ./data.",
        ),
    ] = None,
) -> None:
    """Global options shared by every command."""
    state.data_dir = data_dir if data_dir is not None else Path("data")


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn library errors into a one-line message and exit code 1 (tracebacks are for bugs)."""
    try:
        yield
    except JixiaoError as exc:
        fail(str(exc))


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))

# ---------------------------------------------------------------- dupes (copy-paste clusters)


@app.command()
def dupes(
    scope: Annotated[str, typer.Option(help="Compare rows within one document, one year, or all.")] = "year",
    threshold: Annotated[float, typer.Option(min=50, max=100, help="Minimum fuzz.ratio (0-100) of two rows.")] = 90.0,
    kind: Annotated[Optional[str], typer.Option(help="Only clusters of this kind: copied | shared-wording.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
    limit: Annotated[int, typer.Option(help="Table format: show at most N clusters.")] = 20,
) -> None:
    """Find copy-pasted indicator rows across projects (near-duplicate clusters) in the store.

    Example: jixiao dupes --scope year --threshold 90 --format json
    """
    from index.store import Store
    from models.dupes import Scope, cluster_records, find_clusters, rows_from_documents

    if scope not in {s.value for s in Scope}:
        fail(f"--scope must be one of document, year, all (got {scope!r})")
    if fmt not in {"table", "json", "csv"}:
        fail(f"--format must be one of table, json, csv (got {fmt!r})")
    with reported():
        with Store.open(state.data_dir) as store:
            rows = rows_from_documents(store.iter_documents())
        if not rows:
            fail(f"the store in {state.data_dir} holds no indicators; run 'jixiao ingest PATH' first")
        clusters = find_clusters(rows, scope=Scope(scope), threshold=threshold)
        if kind:
            clusters = [c for c in clusters if c.kind == kind]
        records = cluster_records(clusters)
    if fmt == "json":
        text = json.dumps({"clusters": records, "summary": _dupes_summary(records, len(rows))}, ensure_ascii=False, indent=2)
    elif fmt == "csv":
        text = _dupes_csv(records)
    else:
        _print_dupes_table(records, len(rows), limit)
        return
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {len(records)} clusters to {output}", err=True)
    else:
        typer.echo(text)


def _dupes_summary(records: list[dict], n_rows: int) -> dict:
    return {
        "rows": n_rows,
        "clusters": len(records),
        "copied": sum(r["kind"] == "copied" for r in records),
        "shared_wording": sum(r["kind"] == "shared-wording" for r in records),
        "rows_in_clusters": sum(len(r["members"]) for r in records),
        "misfit_rows": sum(r["n_misfit"] for r in records),
    }


def _dupes_csv(records: list[dict]) -> str:
    import csv
    import io

    cols = ["cluster", "kind", "similarity", "doc", "department", "year", "project_id", "project_name", "line",
            "tier", "sub", "name", "desc", "value", "fit", "fits_project"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for r in records:
        for m in r["members"]:
            w.writerow({**m, "cluster": r["cluster"], "kind": r["kind"], "similarity": r["similarity"]})
    return buf.getvalue().rstrip("\n")


def _print_dupes_table(records: list[dict], n_rows: int, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    s = _dupes_summary(records, n_rows)
    console.print(
        f"{s['clusters']} clusters over {n_rows} indicator rows: {s['copied']} copied, "
        f"{s['shared_wording']} shared wording; {s['misfit_rows']} rows do not fit their project"
    )
    for r in records[:limit]:
        f = r["first_seen"]
        t = Table(title=f"#{r['cluster']} {r['kind']}  {f['name']} | {f['value']}  (similarity ≥ {r['similarity']}, "
                  f"{r['n_projects']} projects)", title_justify="left")
        for col in ("doc:line", "department", "year", "project", "fits"):
            t.add_column(col)
        for m in r["members"]:
            t.add_row(f"{m['doc']}:{m['line']}", m["department"] or "", str(m["year"] or ""), m["project_name"],
                      "yes" if m["fits_project"] else f"NO (fit {m['fit']:.2f})")
        console.print(t)
    if len(records) > limit:
        console.print(f"… {len(records) - limit} more clusters (--limit, or --format json)")


# ---------------------------------------------------------------- audit (issue 5)

AUDIT_FORMATS = ("table", "json", "csv", "html", "xlsx")


def _audit_inputs(path: Optional[Path], doc: Optional[str], data_dir: Path) -> list[Any]:
    """ParsedDocuments to audit: parsed from PATH (file or folder), one stored --doc, or everything stored."""
    from index.store import Store
    from nlp.io import read_document
    from nlp.parse import parse_text

    if path is not None:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        if not files:
            fail(f"{path}: no .txt files in this folder; give a disclosure file or a folder of them")
        parsed = []
        for f in files:
            raw = read_document(f)
            parsed.append(parse_text(raw.text, file=raw.file, sha256=raw.sha256, encoding=raw.encoding))
        return parsed
    with Store.open(data_dir) as store:
        if doc is not None:
            one = store.get_document(doc)
            if one is None:
                fail(f"no stored document '{doc}' in {data_dir}; see 'jixiao projects' or ingest it first")
            return [one]
        docs = list(store.iter_documents())
    if not docs:
        fail(f"no documents stored in {data_dir}; run 'jixiao ingest PATH' first, or give a PATH to audit")
    return docs


def _print_audit_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for f in result.run_findings:
        console.print(f"[{f.severity.value}] {f.rule}: {f.message}")
    for s in result.summaries:
        t = Table(title=f"{s.doc} {s.department or ''} {s.year or ''} — {s.projects} 项目, {s.findings} 问题")
        for col in ("规则", "问题类型", "问题数", "涉及项目"):
            t.add_column(col)
        for rule, topic, n, k in s.by_rule:
            t.add_row(rule, topic, str(n), str(k))
        console.print(t)
        console.print("评级: " + "  ".join(f"{g} {n}" for g, n in s.grades))
    t = Table(title="findings")
    for col in ("doc", "项目", "行", "规则", "级别", "指标", "问题"):
        t.add_column(col, overflow="fold")
    for f in result.findings:
        if f.doc is None:
            continue
        t.add_row(f.doc.split("_")[0], f"{f.project_seq or ''} {f.project_name or ''}"[:24],
                  str(f.line or ""), f.rule, f.severity.value, f.indicator or "", f.message)
    console.print(t)
    t = Table(title="项目评级")
    for col in ("doc", "项目", "问题数", "得分", "评级"):
        t.add_column(col)
    for ap in result.projects:
        p = ap.context.project
        t.add_row(ap.context.document.file.split("_")[0], f"{p.seq or ''} {p.name}", str(len(ap.findings)),
                  f"{ap.score:g}", ap.grade)
    console.print(t)


@app.command()
def audit(
    path: Annotated[Optional[Path], typer.Argument(help="A disclosure file or folder to parse and audit (not stored).")] = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Audit one stored document (its file name).")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="Only this project: id (doc:ordinal), seq or name.")] = None,
    profile: Annotated[str, typer.Option("--profile", help="Settings profile: default, strict, hebei, central.")] = "default",
    settings_file: Annotated[Optional[Path], typer.Option("--settings", help="A TOML settings file instead of the packaged one.")] = None,
    min_severity: Annotated[str, typer.Option("--min-severity", help="info, warning or error.")] = "info",
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, html or xlsx.")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the report to this file.")] = None,
) -> None:
    """Audit performance-target tables against rules R01–R25 and grade each project 优/良/中/差.

    Example: jixiao audit samples/003_33721d9d2b44b90e.txt --format html -o audit.html
    """
    from models.audit import Severity, audit_documents, filter_result, load_settings, load_tier_model
    from models.report import audit_to_dict, to_csv, to_html, to_xlsx

    if fmt not in AUDIT_FORMATS:
        fail(f"unknown --format '{fmt}'; use one of {', '.join(AUDIT_FORMATS)}")
    if min_severity not in ("info", "warning", "error"):
        fail(f"unknown --min-severity '{min_severity}'; use info, warning or error")
    if fmt == "xlsx" and output is None:
        fail("--format xlsx writes a binary workbook; give the file with -o FILE")
    if path is not None and doc is not None:
        fail("give either a PATH or --doc, not both")
    with reported():
        settings = load_settings(profile, settings_file)
        docs = _audit_inputs(path, doc, state.data_dir)
        model = load_tier_model(state.data_dir) if settings.is_enabled("M01") else None
        result = audit_documents(docs, settings, model=model, project=project)
        if project is not None and not result.projects:
            fail(f"no project matches '{project}'; see 'jixiao projects' for ids and names")
        result = filter_result(result, Severity(min_severity))
    if fmt == "table":
        _print_audit_table(result)
        return
    if fmt == "xlsx":
        data: bytes | str = to_xlsx(result)
    elif fmt == "json":
        data = json.dumps(audit_to_dict(result), ensure_ascii=False, indent=2)
    elif fmt == "csv":
        data = to_csv(result)
    else:
        data = to_html(result)
    if output is None:
        typer.echo(data)
        return
    if isinstance(data, bytes):
        output.write_bytes(data)
    else:
        output.write_text(data, encoding="utf-8")
    typer.echo(f"wrote {len(result.findings)} findings on {len(result.projects)} projects to {output}", err=True)


def run() -> None:  # pragma: no cover - console entry for `python -m cli`
    try:
        app()
    except JixiaoError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    run()
