"""jixiao command line. Parses arguments, calls one library function, prints the result.

Only this module imports typer. Library errors (:class:`nlp.errors.JixiaoError`)
become one-line messages and exit code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterator, Optional

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
    from nlp.tokenize import use_cache_dir

    use_cache_dir(state.data_dir / "cache")  # jieba's prefix-dict cache stays inside the data dir


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
    s = _dupes_summary(records, n_rows)
    typer.echo(
        f"{s['clusters']} clusters over {n_rows} indicator rows: {s['copied']} copied, "
        f"{s['shared_wording']} shared wording; {s['misfit_rows']} rows do not fit their project"
    )
    for r in records[:limit]:
        f = r["first_seen"]
        typer.echo(
            f"\n#{r['cluster']} {r['kind']}, {r['n_projects']} projects in {r['n_documents']} document(s), "
            f"similarity ≥ {r['similarity']:g}\n   {f['name']} | {f['desc']} | {f['value']}"
        )
        for m in r["members"]:
            flag = "" if m["fits_project"] else f"   <- does not fit this project (fit {m['fit']:.2f})"
            typer.echo(f"   {m['doc']}:{m['line']}  {m['year'] or ''}  {m['project_name']}{flag}")
    if len(records) > limit:
        typer.echo(f"\n… {len(records) - limit} more clusters (raise --limit, or use --format json)")


# ---------------------------------------------------------------- ingest / projects / show / export / demo (issue 2)

if TYPE_CHECKING:
    from index.ingest import IngestOutcome, IngestSummary
    from index.store import Store
    from nlp.records import Document, Project


def _outcome_json(o: IngestOutcome) -> dict[str, Any]:
    return {
        "doc": o.doc,
        "path": str(o.path),
        "ok": o.ok,
        "reason": o.reason,
        "layout": o.layout.value if o.layout else None,
        "reader": o.reader,
        "department": o.department,
        "year": o.year,
        "encoding": o.encoding,
        "projects": o.n_projects,
        "indicators": o.n_indicators,
        "warnings": o.n_warnings,
        "replaced": o.replaced,
        "issues": [
            {"file": i.file, "line": i.line, "severity": i.severity.value, "field": i.field, "message": i.message}
            for i in o.issues
        ],
    }


def _ingest_with_progress(paths: list[Path], data_dir: Path) -> list[IngestOutcome]:
    """Run :func:`index.ingest.ingest_paths` with a rich progress bar on stderr (only on a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from index.ingest import ingest_paths
    from index.store import Store

    console = Console(stderr=True)
    with Store.open(data_dir) as store, Progress(
        TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=console, transient=True, disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)

        def on_progress(outcome: IngestOutcome, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=outcome.doc)

        return ingest_paths(paths, store, on_progress=on_progress)


def _print_outcomes(outcomes: list[IngestOutcome], *, show_warnings: bool) -> None:
    from index.ingest import summarize

    for o in outcomes:
        if not o.ok:
            continue
        where = " ".join(x for x in (o.department or "(department unknown)", str(o.year or "(year unknown)")))
        typer.echo(
            f"{o.doc}  {o.reader or o.layout.value}  {where}  {o.n_projects} projects  {o.n_indicators} indicators"
            f"  {o.n_warnings} warnings{'  (replaced)' if o.replaced else ''}"
        )
        if show_warnings:
            for issue in o.issues:
                if issue.severity.value != "info":
                    typer.echo(f"  {issue}")
    s = summarize(outcomes)
    typer.echo(
        f"{s.n_files - s.n_failed} documents ingested, {s.n_failed} failed: {s.n_projects} projects,"
        f" {s.n_indicators} indicators, {s.n_warnings} warnings"
        + ("" if show_warnings or not s.n_warnings else " (list them with --show-warnings)")
    )


def _report_failures(outcomes: list[IngestOutcome]) -> None:
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        typer.echo(f"Error: {o.reason}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files (.txt .html .docx .doc .xlsx .xls .csv .pdf), or folders whose files of those formats are read."),
    ],
    show_warnings: Annotated[bool, typer.Option("--show-warnings", help="List each parse warning with file:line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Read disclosures into the store (re-ingesting a file replaces it). Exit 1 if any file failed.

    Example: jixiao ingest samples/
    """
    with reported():
        outcomes = _ingest_with_progress(paths, state.data_dir)
    if as_json:
        from dataclasses import asdict

        from index.ingest import summarize

        print_json({"documents": [_outcome_json(o) for o in outcomes], "summary": asdict(summarize(outcomes))})
    else:
        _print_outcomes(outcomes, show_warnings=show_warnings)
    _update_search_index(outcomes)
    _report_failures(outcomes)


@app.command()
def projects(
    dept: Annotated[Optional[str], typer.Option("--dept", help="Only departments whose name contains TEXT.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Only this budget year.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the projects as JSON.")] = False,
) -> None:
    """List stored projects (id, document, department, year, name, budget, indicator count).

    Example: jixiao projects --dept 邯郸 --year 2024
    """
    from dataclasses import asdict

    from index.store import Store

    with reported():
        with Store.open(state.data_dir) as store:
            rows = store.projects(department=dept, year=year)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    doc = None
    for r in rows:
        if r.doc != doc:
            doc = r.doc
            typer.echo(f"{r.doc}  {r.department or '(department unknown)'}  {r.year or '(year unknown)'}")
        budget = "—" if r.budget_wan is None else f"{r.budget_wan:g} 万元"
        typer.echo(f"  {r.project_id:<26} {budget:>12} {r.n_indicators:>3} indicators  {r.section} {r.seq or '?'}. {r.name}")
    typer.echo(f"{len(rows)} projects")


def _resolve_project(store: Store, query: str) -> tuple[Document, Project]:
    found = store.get_project(query)
    if found is not None:
        return found
    matches = store.find_projects(query)
    if not matches:
        fail(f"no project id or name matches {query!r}; list them with 'jixiao projects'")
    if len(matches) > 1:
        shown = ", ".join(f"{m.project_id} {m.name}" for m in matches[:5])
        more = f", … ({len(matches) - 5} more)" if len(matches) > 5 else ""
        fail(f"{query!r} matches {len(matches)} projects ({shown}{more}); give a project id")
    found = store.get_project(matches[0].project_id)
    assert found is not None  # just listed
    return found


@app.command()
def show(
    project: Annotated[str, typer.Argument(help="A project id (e.g. 001_269e4af91333dcae:3) or a unique part of its name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the project and its indicators as JSON.")] = False,
) -> None:
    """Show one project: its header and its performance-target table.

    Example: jixiao show 就业补助
    """
    from dataclasses import asdict

    from index.store import Store
    from nlp.records import project_id

    with reported():
        with Store.open(state.data_dir) as store:
            document, proj = _resolve_project(store, project)
    pid = project_id(document.file, proj.ordinal)
    if as_json:
        print_json({"project_id": pid, "document": asdict(document), "project": asdict(proj)})
        return
    from rich.console import Console
    from rich.table import Table

    budget = "—" if proj.budget_wan is None else f"{proj.budget_wan:g} 万元 (from {proj.budget_source})"
    typer.echo(f"{pid}  {proj.title}")
    typer.echo(f"项目名称: {proj.name}    项目编码: {proj.code or '—'}    预算: {budget}")
    typer.echo(
        f"部门: {proj.department or document.department or '—'}    年度: {proj.year or document.year or '—'}    "
        f"来源: {document.file}:{proj.line}-{proj.line_end}    {proj.section}"
    )
    if proj.funds_use:
        typer.echo(f"资金用途: {proj.funds_use}")
    if proj.spending_plan:
        typer.echo("支出计划: " + "  ".join(f"{when} {share}" for when, share in proj.spending_plan))
    if proj.targets:
        typer.echo(f"绩效目标: {proj.targets}")
    table = Table()
    with_actual = any(i.actual for i in proj.indicators)
    with_extra = any(i.extra for i in proj.indicators)
    columns = ["一级", "二级", "三级指标", "指标描述", "指标值", "确定依据"]
    columns += ["实际完成值"] if with_actual else []
    columns += ["其他列"] if with_extra else []
    for column in columns + ["行"]:
        table.add_column(column, overflow="fold")
    for i in proj.indicators:
        flag = f" ?{','.join(i.uncertain)}" if i.uncertain else ""
        lines = str(i.line) if i.line == i.line_end else f"{i.line}-{i.line_end}"
        cells = [i.tier_raw, i.sub_raw, i.name, i.desc, i.value, i.basis]
        cells += [i.actual] if with_actual else []
        cells += ["; ".join(f"{k}: {v}" if k else v for k, v in i.extra)] if with_extra else []
        table.add_row(*cells, lines + flag)
    console = Console()
    Console(width=None if console.is_terminal else 160).print(table)
    if any(i.uncertain for i in proj.indicators):
        typer.echo("?field: the parser could not assign that cell with confidence")


def _write_export(records: Iterator[dict[str, Any]], stream: Any, *, fmt: str, fields: tuple[str, ...]) -> int:
    """Write export records as CSV or JSON lines; return how many."""
    import csv

    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {
                    **record,
                    "uncertain": ";".join(record["uncertain"]),
                    "extra": json.dumps(record["extra"], ensure_ascii=False) if record["extra"] else "",
                }
            )
            n += 1
    else:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    stream.flush()
    return n


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl (one JSON object per line) or csv.")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """Export every stored indicator, one record per row (fields listed in README.md).

    Example: jixiao export --format csv -o indicators.csv
    """
    from index.store import EXPORT_FIELDS, Store

    if fmt not in {"jsonl", "csv"}:
        fail(f"--format must be jsonl or csv (got {fmt!r})")
    with reported():
        with Store.open(state.data_dir) as store:
            if not store.counts()["indicators"]:
                fail(f"the store in {state.data_dir} holds no indicators; run 'jixiao ingest PATH' first")
            try:
                sink = open(output, "w", encoding="utf-8", newline="") if output else None
            except OSError as exc:
                fail(f"{output}: cannot write ({exc.strerror or exc}); check the path")
            stream = sink if sink is not None else sys.stdout
            try:
                n = _write_export(store.export_rows(), stream, fmt=fmt, fields=EXPORT_FIELDS)
            finally:
                if sink is not None:
                    sink.close()
    if output:
        typer.echo(f"wrote {n} indicators to {output}", err=True)


def bundled_samples_dir() -> Path:
    """The sample disclosures shipped with the sources (``samples/`` next to ``cli.py``)."""
    import nlp

    candidates = [Path(__file__).resolve().parent / "samples", Path(nlp.__file__).resolve().parent.parent / "samples"]
    for candidate in candidates:
        if any(candidate.glob("*.txt")):
            return candidate
    fail(
        f"bundled samples not found (looked in {candidates[0]}); install from a source checkout"
        " with 'pip install -e .', or ingest your own files with 'jixiao ingest PATH'"
    )
    raise AssertionError  # unreachable: fail() exits


DEMO_QUERY = "创业担保贷款"


@dataclass(frozen=True)
class DemoSummary:
    """What ``jixiao demo`` did: the ingest, an audit of what was stored and one search."""

    samples: Path
    data_dir: Path
    outcomes: tuple[IngestOutcome, ...]  #: one per sample file
    totals: IngestSummary
    audit: Any  #: models.audit.AuditResult over the stored samples (default profile)
    search: Any  #: index.search.SearchResult of :data:`DEMO_QUERY`


def demo_summary(data_dir: Path, *, query: str = DEMO_QUERY) -> DemoSummary:
    """Ingest the bundled samples into ``data_dir``, audit them and run one search (no printing)."""
    from index.ingest import summarize
    from index.search import search_projects
    from index.store import Store
    from models.audit import audit_documents, load_settings, load_tier_model

    samples = bundled_samples_dir()
    outcomes = _ingest_with_progress([samples], data_dir)
    _update_search_index(outcomes)
    stems = {o.doc for o in outcomes if o.ok}
    with Store.open(data_dir) as store:
        docs = [d for d in store.iter_documents() if d.document.file in stems]
    settings = load_settings("default", None)
    result = audit_documents(docs, settings, model=load_tier_model(data_dir))
    hits = search_projects(data_dir / "index", query, limit=3)
    return DemoSummary(samples=samples, data_dir=data_dir, outcomes=tuple(outcomes), totals=summarize(outcomes),
                       audit=result, search=hits)


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest the bundled sample disclosures, audit them and run one search; print a summary.

    Example: jixiao --data-dir /tmp/jx demo
    """
    from dataclasses import asdict

    from models.report import audit_to_dict

    with reported():
        summary = demo_summary(state.data_dir)
    audit_summary = audit_to_dict(summary.audit)["summary"]
    if as_json:
        print_json({
            "samples": str(summary.samples),
            "data_dir": str(summary.data_dir),
            "documents": [_outcome_json(o) for o in summary.outcomes],
            "summary": asdict(summary.totals),
            "audit": audit_summary,
            "search": _search_json(summary.search),
        })
    else:
        typer.echo(f"1. ingested the bundled samples ({summary.samples}) into {summary.data_dir}")
        _print_outcomes(list(summary.outcomes), show_warnings=False)
        typer.echo("")
        typer.echo(f"2. audit (profile default): {len(summary.audit.findings)} findings on {len(summary.audit.projects)} projects")
        _print_demo_audit(summary.audit)
        typer.echo("")
        typer.echo(f"3. jixiao search {summary.search.query} --limit {summary.search.limit}")
        _print_search(summary.search)
        typer.echo("")
        typer.echo("next: jixiao audit --format html -o audit.html · jixiao search QUERY · jixiao dupes · "
                   "jixiao show PROJECT · jixiao export --format csv")
    _report_failures(list(summary.outcomes))


def _print_demo_audit(result: Any) -> None:
    """One line per document (findings by severity, grades), then the most frequent problems overall."""
    from collections import Counter

    problems: Counter[tuple[str, str]] = Counter()
    for s in result.summaries:
        sev = ", ".join(f"{k} {n}" for k, n in s.by_severity if n)
        grades = " ".join(f"{g}{n}" for g, n in s.grades if n)
        typer.echo(f"  {s.doc}  {s.department or '?'} {s.year or '?'}: {s.projects} projects, {s.findings} findings ({sev}); grades {grades}")
        for rule, topic, n, _k in s.by_rule:
            problems[(rule, topic)] += n
    typer.echo("  most frequent problems: " + "; ".join(f"{r} {t} ×{n}" for (r, t), n in problems.most_common(5)))


# ---------------------------------------------------------------- audit (issue 5)

AUDIT_FORMATS = ("table", "json", "csv", "html", "xlsx")


def _audit_inputs(path: Optional[Path], doc: Optional[str], data_dir: Path) -> list[Any]:
    """ParsedDocuments to audit: parsed from PATH (file or folder), one stored --doc, or everything stored."""
    from index.ingest import expand_paths, load_document
    from index.store import Store

    if path is not None:
        files = expand_paths([path])
        if not files:
            fail(f"{path}: no files to read in this folder; give a disclosure file or a folder of them")
        return [load_document(f) for f in files]
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


# ---------------------------------------------------------------- search / index rebuild (issue 4)

index_app = typer.Typer(help="Maintain the full-text search index (<data-dir>/index).", no_args_is_help=True)
app.add_typer(index_app, name="index")


def _index_dir() -> Path:
    return state.data_dir / "index"


def _findings_counter(data_dir: Path) -> Callable[[Any], dict[str, int]]:
    """``n_findings`` for the index: each project's findings in a default-profile audit of its document
    (what ``jixiao audit --doc DOC`` reports); the classifier for M01 is loaded on first use."""
    from models.audit import audit_documents, load_settings, load_tier_model

    settings = load_settings("default", None)
    model: list[Any] = []

    def count(parsed: Any) -> dict[str, int]:
        if not model:
            model.append(load_tier_model(data_dir) if settings.is_enabled("M01") else None)
        result = audit_documents([parsed], settings, model=model[0])
        return {ap.context.pid: len(ap.findings) for ap in result.projects}

    return count


def _update_search_index(outcomes: list[Any]) -> None:
    """After an ingest: add or replace the projects of the ingested documents in the search index."""
    from index.build import update_index
    from index.store import Store

    ok = [o.doc for o in outcomes if o.ok]
    if not ok:
        return
    with reported():
        with Store.open(state.data_dir) as store:
            docs = [d for d in (store.get_document(doc) for doc in ok) if d is not None]
        try:
            update_index(_index_dir(), docs, findings=_findings_counter(state.data_dir))
        except JixiaoError as exc:
            raise JixiaoError(f"{exc} (the store is updated; the search index is not: run 'jixiao index rebuild')")


@index_app.command("rebuild")
def index_rebuild(
    procs: Annotated[int, typer.Option(min=1, max=8, help="Writer processes (2 helps on large stores).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Rebuild the search index from the store (built aside, then swapped in).

    Example: jixiao index rebuild
    """
    import time

    from rich.progress import Progress

    from index.build import rebuild_index
    from index.store import Store

    started = time.perf_counter()
    with reported():
        with Store.open(state.data_dir) as store:
            total = len(store.documents())
            with Progress(transient=True, disable=as_json or not sys.stderr.isatty()) as progress:
                task = progress.add_task("indexing", total=total)
                info = rebuild_index(_index_dir(), store.iter_documents(), total=total, procs=procs,
                                     findings=_findings_counter(state.data_dir),
                                     on_progress=lambda done, _total: progress.update(task, completed=done),
                                     on_phase=lambda what: progress.update(task, description=what))
    seconds = round(time.perf_counter() - started, 3)
    if as_json:
        print_json({"path": str(info.path), "analyzer_version": info.analyzer_version,
                    "documents": info.n_documents, "projects": info.n_projects, "seconds": seconds})
    else:
        typer.echo(f"indexed {info.n_projects} projects from {info.n_documents} documents in {seconds:.1f} s")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (AND by default), OR, NOT, "exact phrase", field:word.')],
    year: Annotated[Optional[str], typer.Option(help="A year (2021) or a range (2021-2024).")] = None,
    dept: Annotated[Optional[str], typer.Option(help="Only departments whose name contains TEXT.")] = None,
    tier: Annotated[Optional[str], typer.Option(help="Only projects with an indicator of this tier: 产出|效益|满意度|成本.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option(min=1, help="Page number (1 = best hits).")] = 1,
    sort: Annotated[str, typer.Option(help="score | year | budget")] = "score",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (fields in README 'Search').")] = False,
) -> None:
    """Full-text search over the indexed projects: ranked hits with highlighted snippets.

    Example: jixiao search "创业担保贷款" --year 2021-2025 --limit 5
    """
    from index.search import SortKey, parse_years, search_projects

    if sort not in {s.value for s in SortKey}:
        fail(f"--sort must be one of score, year, budget (got {sort!r})")
    with reported():
        years = parse_years(year) if year else None
        result = search_projects(_index_dir(), query, years=years, dept=dept, tier=tier, limit=limit, page=page,
                                 sort=SortKey(sort))
    if as_json:
        print_json(_search_json(result))
    else:
        _print_search(result)


def _search_json(result: Any) -> dict[str, Any]:
    keys = ("project_id", "doc", "department", "year", "section", "project_seq", "project_name", "project_code",
            "budget_wan", "score", "n_findings")
    return {
        "query": result.query,
        "total": result.total,
        "total_exact": result.total_exact,
        "hits": [
            {**{k: getattr(h, k) for k in keys}, "highlights": [{"field": x.field, "text": x.text} for x in h.highlights]}
            for h in result.hits
        ],
    }


def _print_search(result: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    from index.search import HIGHLIGHT_END, HIGHLIGHT_START

    console = Console(highlight=False)
    first = (result.page - 1) * result.limit
    if not result.hits:
        console.print(f"no projects match {result.query!r}" if result.total == 0 else
                      f"{result.total} projects match; page {result.page} is past the last one")
        return
    total = result.total if result.total_exact else f"up to {result.total}"
    console.print(f"{total} projects match {result.query!r}; showing {first + 1}-{first + len(result.hits)}")
    for n, h in enumerate(result.hits, start=first + 1):
        budget = f"{h.budget_wan:g} 万元" if h.budget_wan is not None else "budget ?"
        console.print(f"[bold]{n}. {escape(h.project_name)}[/bold]  {h.project_id}  {escape(h.department or '?')} "
                      f"{h.year or '?'}  {budget}  score {h.score:.2f}  findings {h.n_findings}")
        for x in h.highlights:
            text = escape(x.text.replace("\n", " ")).replace(HIGHLIGHT_START, "[reverse]").replace(HIGHLIGHT_END, "[/reverse]")
            console.print(f"    {x.field}: {text}")


# ---------------------------------------------------------------- classify / train / evaluate (issue 3)

CLASSIFY_FORMATS = ("jsonl", "csv", "table")


def _prediction_record(text: Any, p: Any) -> dict[str, Any]:
    return {
        "name": text.name,
        "tier": p.tier,
        "sub": p.sub,
        "confidence": p.confidence,
        "tier_confidence": p.tier_confidence,
        "alternatives": [{"sub": s, "p": prob} for s, prob in p.alternatives],
    }


def _print_predictions(records: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for r in records:
            typer.echo(json.dumps(r, ensure_ascii=False))
        return
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["name", "tier", "sub", "confidence", "tier_confidence", "alternatives"])
        for r in records:
            alts = ";".join(f"{a['sub']}:{a['p']}" for a in r["alternatives"])
            w.writerow([r["name"], r["tier"], r["sub"], r["confidence"], r["tier_confidence"], alts])
        typer.echo(buf.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table("name", "tier", "sub", "confidence", "alternatives")
    for r in records:
        alts = ", ".join(f"{a['sub']} {a['p']:.2f}" for a in r["alternatives"])
        t.add_row(escape(r["name"]), r["tier"], r["sub"], f"{r['confidence']:.2f}", alts)
    Console().print(t)


@app.command()
def classify(
    text: Annotated[Optional[str], typer.Argument(help="An indicator name (三级指标), e.g. 学生抽样调查满意度.")] = None,
    desc: Annotated[Optional[str], typer.Option("--desc", help="Its description (指标解释).")] = None,
    value: Annotated[Optional[str], typer.Option("--value", help="Its value as printed, e.g. ≥90%.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="A CSV or JSONL file with fields name, desc, value.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or table (default: table for TEXT, jsonl for --file).")] = "",
) -> None:
    """Predict the tier (产出/效益/满意度) and sub-tier of indicators, with confidence and alternatives.

    Example: jixiao classify 学生抽样调查满意度 --value "≥98百分比"
    """
    from models.classifier import IndicatorText, load_default
    from models.labels import read_indicator_texts

    if (text is None) == (file is None):
        fail("give either an indicator TEXT or --file FILE")
    if file is not None and (desc is not None or value is not None):
        fail("--desc and --value go with TEXT; in a --file they are columns")
    fmt = fmt or ("table" if text is not None else "jsonl")
    if fmt not in CLASSIFY_FORMATS:
        fail(f"unknown --format '{fmt}'; use one of {', '.join(CLASSIFY_FORMATS)}")
    with reported():
        texts = read_indicator_texts(file) if file is not None else [IndicatorText(text or "", desc, value)]
        if not texts[0].name.strip():
            fail("the indicator TEXT is empty")
        model = load_default(state.data_dir)
        preds = model.predict(texts)
    _print_predictions([_prediction_record(t, p) for t, p in zip(texts, preds)], fmt)


def _training_rows(labels: Optional[Path], *, use_store: bool) -> tuple[list[Any], str]:
    """Labelled rows from the store (if it has documents) and/or a label file, and a description of the source."""
    from models.labels import labels_from_documents, read_labels

    rows: list[Any] = []
    sources = []
    if labels is not None:
        rows.extend(read_labels(labels))  # raises on any bad row: nothing is trained
        sources.append(str(labels))
    if use_store and (state.data_dir / "jixiao.db").exists():
        from index.store import Store

        store = Store.open(state.data_dir)
        from_store = labels_from_documents(store.iter_documents())
        if from_store:
            rows.extend(from_store)
            sources.append(f"store {state.data_dir} ({len({r.group for r in from_store})} documents)")
    return rows, " + ".join(sources)


@app.command()
def train(
    labels: Annotated[Optional[Path], typer.Option("--labels", help="A labelled CSV/JSONL file (name, desc, value, tier, sub[, group]).")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not use the indicators of ingested documents.")] = False,
    corrections: Annotated[Optional[Path], typer.Option("--corrections", help="Reviewer-adjudicated labels (doc, line, name, filed_sub, sub, verdict, reason) applied to the training rows first.")] = None,
    estimator: Annotated[str, typer.Option("--estimator", help="svm+stack (default), logistic+stack, svm+rules, logistic+rules, svm, logistic.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the saved model's metadata as JSON.")] = False,
) -> None:
    """Train the classifier on ingested documents (tier/sub-tier as filed) and/or --labels; save it under <data-dir>/models.

    Example: jixiao ingest samples/ && jixiao train
    """
    from dataclasses import asdict

    from models.classifier import DEFAULT_ESTIMATOR, ESTIMATORS, train_and_save
    from models.persist import read_metadata

    estimator = estimator or DEFAULT_ESTIMATOR
    if estimator not in ESTIMATORS or estimator == "baseline":
        fail(f"unknown --estimator '{estimator}'; use one of {', '.join(e for e in ESTIMATORS if e != 'baseline')}")
    with reported():
        rows, source = _training_rows(labels, use_store=not no_store)
        if not rows:
            fail(f"nothing to train on: no documents in {state.data_dir} and no --labels; run 'jixiao ingest PATH' or give --labels FILE")
        if corrections is not None:
            from models.labels import apply_corrections, read_corrections

            rows = apply_corrections(rows, read_corrections(corrections), source=str(corrections))
            source += f", corrected by {corrections}"
        model, path = train_and_save(rows, state.data_dir, estimator=estimator)
        meta = read_metadata(path)
    if as_json:
        print_json(asdict(meta) | {"path": str(path)})
        return
    typer.echo(f"trained {estimator} on {len(rows)} indicators from {source}; "
               f"{len(model.dropped)} left out as label noise; saved {path}")


def _level_json(level: Any) -> dict[str, Any]:
    return {
        "macro_f1": level.macro_f1,
        "accuracy": level.accuracy,
        "per_class": [{"label": c.label, "precision": c.precision, "recall": c.recall, "f1": c.f1, "support": c.support}
                      for c in level.per_class],
        "confusion": {"labels": list(level.labels), "matrix": [list(r) for r in level.confusion]},
    }


def _result_json(r: Any) -> dict[str, Any]:
    return {
        "estimator": r.estimator,
        "n_rows": r.n_rows,
        "tier": _level_json(r.tier),
        "sub": _level_json(r.sub),
        "tier_ece": r.tier_ece,
        "tier_disagreements": r.tier_disagreements,
        "sub_disagreements": r.sub_disagreements,
        "examples": [{"group": d.group, "name": d.name, "value": d.value, "label_tier": d.label_tier, "label_sub": d.label_sub,
                      "tier": d.tier, "sub": d.sub, "confidence": d.confidence} for d in r.examples],
    }


def _print_evaluation(run_: Any, source: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"[bold]Document-held-out cross-validation[/bold] on {source}: "
                  f"{run_.cv.results[0].n_rows} indicators, {len(run_.cv.groups)} documents (one held out per fold)")
    blocks = [("cross-validation, labels AS FILED (trained and scored on filed labels)", run_.cv.results)]
    if run_.adjudicated is not None:
        blocks.append(("cross-validation, ADJUDICATED labels (training folds' adjudicated labels; scored on the "
                       "held-out document's adjudicated labels)", run_.adjudicated.results))
    if run_.heldout:
        fitted = "adjudicated" if run_.adjudicated is not None else "filed"
        blocks.append((f"held-out set {run_.heldout_name} (fitted on all training rows, {fitted} labels)", run_.heldout))
    for title, results in blocks:
        t = Table("estimator", "tier macro-F1", "sub macro-F1", "tier acc", "sub acc", "tier ECE", "tier disagree", "sub disagree",
                  title=title)
        for r in results:
            mark = " (shipped)" if r.estimator == run_.shipped else ""
            t.add_row(r.estimator + mark, f"{r.tier.macro_f1:.3f}", f"{r.sub.macro_f1:.3f}", f"{r.tier.accuracy:.3f}",
                      f"{r.sub.accuracy:.3f}", f"{r.tier_ece:.3f}", str(r.tier_disagreements), str(r.sub_disagreements))
        console.print(t)
        shipped_r = next((r for r in results if r.estimator == run_.shipped), None)
        base_r = next((r for r in results if r.estimator == "baseline"), None)
        if shipped_r is not None and base_r is not None:
            console.print(f"  {run_.shipped} minus keyword baseline: tier macro-F1 {shipped_r.tier.macro_f1 - base_r.tier.macro_f1:+.3f}, "
                          f"sub macro-F1 {shipped_r.sub.macro_f1 - base_r.sub.macro_f1:+.3f}")
    if run_.adjudication is not None:
        a = run_.adjudication
        console.print(f"Adjudication: {a.n_adjudicated} rows judged by a reviewer ({a.n_disagree} where the out-of-fold model "
                      f"disagreed with the filed label, {a.n_agree_sample} random rows where it agreed); "
                      f"{a.n_corrected} filed labels corrected ({a.n_agree_sample_corrected} of them among the random agreeing rows).")
    cv = run_.adjudicated if run_.adjudicated is not None else run_.cv
    which = "adjudicated labels" if run_.adjudicated is not None else "filed labels"
    shipped = next(r for r in cv.results if r.estimator == run_.shipped)
    for level in (shipped.tier, shipped.sub):
        t = Table("true \\ predicted", *level.labels, title=f"{run_.shipped}: {level.level} confusion (cross-validation, {which})")
        for lab, row in zip(level.labels, level.confusion):
            t.add_row(lab, *[str(v) for v in row])
        console.print(t)
        t = Table("class", "precision", "recall", "F1", "support", title=f"{run_.shipped}: per-class {level.level} ({which})")
        for c in level.per_class:
            t.add_row(c.label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
        console.print(t)
    filed = next(r for r in run_.cv.results if r.estimator == run_.shipped)
    console.print(f"Filed labels the out-of-fold model disagrees with: {filed.tier_disagreements} at tier level, "
                  f"{filed.sub_disagreements} at sub-tier level. Most confident tier disagreements:")
    for d in filed.examples[:10]:
        console.print(f"  {escape(d.group)}  {escape(d.name)} {escape(d.value)}: filed {d.label_tier}/{d.label_sub}, "
                      f"model {d.tier}/{d.sub} ({d.confidence:.2f})")


@app.command()
def evaluate(
    labels: Annotated[Optional[Path], typer.Option("--labels", help="A labelled CSV/JSONL file to score on, never trained on (default: samples/labels/other_sectors.csv if present).")] = None,
    corrections: Annotated[Optional[Path], typer.Option("--corrections", help="Reviewer-adjudicated labels (doc, line, name, filed_sub, sub, verdict, reason) for the training rows (default: the bundled ones when training on the bundled samples).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Document-held-out CV of every estimator (keyword baseline included) against filed and adjudicated labels, and scores on a held-out labelled set.

    Trains on the ingested documents, or on the bundled samples when the store is empty.
    Example: jixiao evaluate --labels samples/labels/other_sectors.csv
    """
    from dataclasses import asdict

    from rich.progress import Progress

    from models.evaluate import evaluation_fits, evaluation_run
    from models.labels import load_bundled_corrections, load_bundled_training, read_corrections, read_labels

    with reported():
        rows, source = _training_rows(None, use_store=True)
        fixes = read_corrections(corrections) if corrections is not None else None
        if not rows:
            rows, source = load_bundled_training(), "the bundled samples"
            if fixes is None:
                fixes = load_bundled_corrections()
        if labels is None:
            default = Path(__file__).resolve().parent / "samples" / "labels" / "other_sectors.csv"
            labels = default if default.exists() else None
        heldout = read_labels(labels) if labels is not None else None
        fits = evaluation_fits(rows, heldout=bool(heldout), corrections=bool(fixes))
        try:
            with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
                task = progress.add_task("fitting models", total=fits)
                run_ = evaluation_run(rows, heldout=heldout, heldout_name=str(labels) if labels else None,
                                      corrections=fixes,
                                      corrections_name=str(corrections) if corrections else "bundled corrections",
                                      on_fit=lambda est: progress.update(task, advance=1, description=est))
        except ValueError as exc:
            fail(f"{exc}; ingest more documents or label rows with a 'group' column")
        if run_.not_converged:
            typer.echo(f"note: {run_.not_converged} solver runs stopped at their iteration limit (scikit-learn "
                       "ConvergenceWarning, in the logistic comparison fits); the figures are those of the models "
                       "as fitted", err=True)
    if as_json:
        adjudicated = None if run_.adjudicated is None else [_result_json(r) for r in run_.adjudicated.results]
        print_json({"training": source, "groups": list(run_.cv.groups), "shipped": run_.shipped,
                    "not_converged": run_.not_converged,
                    "cross_validation": [_result_json(r) for r in run_.cv.results],
                    "adjudicated_cross_validation": adjudicated,
                    "adjudication": None if run_.adjudication is None else asdict(run_.adjudication),
                    "heldout": {"file": run_.heldout_name, "results": [_result_json(r) for r in run_.heldout]}})
        return
    _print_evaluation(run_, source)


def run() -> None:  # pragma: no cover - console entry for `python -m cli`
    try:
        app()
    except JixiaoError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    run()
