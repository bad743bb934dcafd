"""jixiao command line. Parses arguments, calls one library function, prints the result.

Only this module imports typer. Every command runs inside one error boundary
(:func:`reported`, applied to each command at the end of this module): library errors
(:class:`nlp.errors.JixiaoError`), operating-system errors, a damaged SQLite store and
running out of memory become one line on stderr and an exit status (see ``EXIT_*``);
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import json
from enum import Enum
import sqlite3
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


class Choice(str, Enum):
    """A fixed set of option values: help lists them and the parser rejects anything else."""

    def __str__(self) -> str:
        return self.value


#: the value sets below mirror the library's own (tests/test_cli_choices.py checks that they agree);
#: they live here so that parsing a command line does not import the library
Fmt3 = Choice("Fmt3", {"table": "table", "json": "json", "csv": "csv"})
ExportFmt = Choice("ExportFmt", {"jsonl": "jsonl", "csv": "csv"})
AuditFmt = Choice("AuditFmt", {k: k for k in ("table", "json", "csv", "html", "xlsx")})
ClassifyFmt = Choice("ClassifyFmt", {k: k for k in ("jsonl", "csv", "table")})
Severity = Choice("Severity", {k: k for k in ("info", "warning", "error")})
DupeScope = Choice("DupeScope", {k: k for k in ("document", "year", "all")})
DupeKind = Choice("DupeKind", {"copied": "copied", "shared_wording": "shared-wording"})
Tier = Choice("Tier", {k: k for k in ("产出", "效益", "满意度", "成本")})
SortBy = Choice("SortBy", {k: k for k in ("score", "year", "budget")})
Estimator = Choice("Estimator", {k: k for k in (
    "svm+stack", "logistic+stack", "svm+rules", "logistic+rules", "svm", "logistic", "char-svm")})
LabelFmt = Choice("LabelFmt", {k: k for k in ("csv", "xlsx", "jsonl")})

def _readable_help() -> None:
    """Help shows an argument by its metavar (``PATH...``) rather than ``{paths}...`` and ``<list[Path]>``,
    and a flag (``--json``) without a ``<bool>`` value it does not take."""
    from typer import core

    argument, option = getattr(core, "TyperArgument", None), getattr(core, "TyperOption", None)
    if argument is None or option is None or not hasattr(argument, "_usage_display_name"):
        return
    option_type = option.display_type_rich
    option.display_type_rich = lambda self, ctx: None if getattr(self, "is_flag", False) else option_type(self, ctx)

    def usage_name(self: Any) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")

    original = argument.display_type_rich
    argument._usage_display_name = usage_name
    argument.display_type_rich = lambda self, ctx: None if self.metavar is not None else original(self, ctx)


_readable_help()


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
    if state.data_dir.exists() and not state.data_dir.is_dir():
        fail(f"{state.data_dir}: is a file, not a data directory; choose another --data-dir")
    from nlp.tokenize import use_cache_dir

    use_cache_dir(state.data_dir / "cache")  # jieba's prefix-dict cache stays inside the data dir


#: exit statuses: a reported error (bad input, damaged or busy store, I/O, memory); command-line
#: usage (typer's own); documents stored but the search index could not follow; interrupted
EXIT_ERROR, EXIT_USAGE, EXIT_INDEX, EXIT_INTERRUPTED = 1, 2, 3, 130


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _with_flag(message: str) -> str:
    """Library messages say "data directory"; here the remedy can name the option that sets it."""
    return (message.replace("into a new data directory", "into a new --data-dir")
            .replace("choose another data directory", "choose another --data-dir"))


def _os_message(exc: OSError) -> str:
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    why = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return f"{where}{why}; free some space and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}{why}; check the permissions, or choose another --data-dir"
    return f"{where}{why}; check the path"


@contextmanager
def reported() -> Iterator[None]:
    """The error boundary: one line on stderr and the exit status, never a traceback for these."""
    from index.store import DB_NAME, describe_database_error
    from index.sync import IndexOutOfStepError

    try:
        yield
    except IndexOutOfStepError as exc:
        fail(_with_flag(str(exc)), EXIT_INDEX)
    except JixiaoError as exc:
        fail(_with_flag(str(exc)))
    except sqlite3.DatabaseError as exc:
        fail(_with_flag(str(describe_database_error(exc, state.data_dir / DB_NAME))))
    except MemoryError:
        fail("out of memory; close other programs, or work on fewer documents at a time")
    except OSError as exc:
        fail(_os_message(exc))
    except KeyboardInterrupt:
        fail("interrupted; what was stored before stays stored (the next ingest brings the search index in step)",
             EXIT_INTERRUPTED)


def _check_output(output: Optional[Path]) -> None:
    """Fail before any work when ``-o FILE`` cannot be written."""
    if output is None:
        return
    if output.is_dir():
        fail(f"{output}: is a folder; give a file name for -o")
    parent = output.parent
    if not parent.is_dir():
        fail(f"{output}: folder {parent} does not exist; create it or write elsewhere")


def _need_data() -> None:
    """Before a command that only reads: a data directory without a store is a mistyped one, not an empty store."""
    from index.store import DB_NAME

    if not (state.data_dir / DB_NAME).exists():
        fail(f"no jixiao data in {state.data_dir} (run jixiao ingest PATH to add documents, or give the right --data-dir)")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))

# ---------------------------------------------------------------- dupes (copy-paste clusters)


@app.command()
def dupes(
    scope: Annotated[DupeScope, typer.Option(help="Compare rows within one document, one year, or all.")] = DupeScope("year"),
    threshold: Annotated[float, typer.Option(min=50, max=100, help="Minimum fuzz.ratio (0-100) of two rows.")] = 90.0,
    kind: Annotated[Optional[DupeKind], typer.Option(help="Only clusters of this kind.")] = None,
    fmt: Annotated[Fmt3, typer.Option("--format", help="Output format.")] = Fmt3("table"),
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
    limit: Annotated[int, typer.Option(help="Table format: show at most N clusters.")] = 20,
) -> None:
    """Find copy-pasted indicator rows across projects (near-duplicate clusters) in the store.

    Example: jixiao dupes --scope year --threshold 90 --format json
    """
    from index.store import Store
    from models.dupes import Scope, cluster_records, find_clusters, rows_from_documents

    _need_data()
    _check_output(output)
    with reported():
        with Store.open(state.data_dir, write=False) as store:
            rows = rows_from_documents(store.iter_documents())
        if not rows:
            fail(f"the store in {state.data_dir} holds no indicators; run 'jixiao ingest PATH' first")
        clusters = find_clusters(rows, scope=Scope(scope.value), threshold=threshold)
        if kind:
            clusters = [c for c in clusters if c.kind == kind.value]
        records = cluster_records(clusters)
    if fmt == "json":
        text = json.dumps({"clusters": records, "summary": _dupes_summary(records, len(rows))}, ensure_ascii=False, indent=2)
    elif fmt == "csv":
        text = _dupes_csv(records)
    else:
        text = _dupes_table(records, len(rows), limit)
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
    from service.export import CSV_BOM

    buf = io.StringIO()
    buf.write(CSV_BOM)
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for r in records:
        for m in r["members"]:
            w.writerow({**m, "cluster": r["cluster"], "kind": r["kind"], "similarity": r["similarity"]})
    return buf.getvalue().rstrip("\n")


def _dupes_table(records: list[dict], n_rows: int, limit: int) -> str:
    s = _dupes_summary(records, n_rows)
    lines = [
        f"{s['clusters']} clusters over {n_rows} indicator rows: {s['copied']} copied, "
        f"{s['shared_wording']} shared wording; {s['misfit_rows']} rows do not fit their project"
    ]
    for r in records[:limit]:
        f = r["first_seen"]
        lines.append(
            f"\n#{r['cluster']} {r['kind']}, {r['n_projects']} projects in {r['n_documents']} document(s), "
            f"similarity ≥ {r['similarity']:g}\n   {f['name']} | {f['desc']} | {f['value']}"
        )
        for m in r["members"]:
            flag = "" if m["fits_project"] else f"   <- does not fit this project (fit {m['fit']:.2f})"
            lines.append(f"   {m['doc']}:{m['line']}  {m['year'] or ''}  {m['project_name']}{flag}")
    if len(records) > limit:
        lines.append(f"\n… {len(records) - limit} more clusters (raise --limit, or use --format json)")
    return "\n".join(lines)


# ---------------------------------------------------------------- ingest / projects / show / export / demo (issue 2)

if TYPE_CHECKING:
    from index.ingest import IngestOutcome
    from service.ingest import IngestRun


@contextmanager
def _ingest_progress() -> Iterator[dict[str, Callable[..., None]]]:
    """Rich progress bars on stderr (only on a terminal) for an ingest and the index step that follows;
    yields the workflow's ``on_progress`` and ``on_index_progress`` callbacks."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.fields[step]}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=console, transient=True, disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None, step="ingest")

        def on_progress(outcome: IngestOutcome, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=outcome.doc)

        def on_index(done: int, total: Optional[int]) -> None:
            progress.update(task, completed=done, total=total, description="", step="index")

        yield {"on_progress": on_progress, "on_index_progress": on_index}


def _change(o: IngestOutcome) -> str:
    """What an ingest did to the stored document, for people."""
    if o.renamed_from:
        return f"  (a document of its own: another file is also called {o.renamed_from})"
    if not o.replaced or o.previous is None:
        return ""
    if o.unchanged:
        return "  (replaced, unchanged)"
    p = o.previous
    return (f"  (replaced: {p.projects} → {o.n_projects} projects, {p.indicators} → {o.n_indicators} indicators)")


def _print_outcomes(outcomes: list[IngestOutcome], *, show_warnings: bool) -> None:
    from index.ingest import summarize

    for o in outcomes:
        if not o.ok:
            continue
        where = " ".join(x for x in (o.department or "(department unknown)", str(o.year or "(year unknown)")))
        typer.echo(
            f"{o.doc}  {o.reader or o.layout.value}  {where}  {o.n_projects} projects  {o.n_indicators} indicators"
            f"  {o.n_warnings} warnings{_change(o)}"
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


def _report_failures(outcomes: list[IngestOutcome], sync_error: Any = None) -> None:
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        hint = "; give --replace to replace it anyway" if o.refused else ""
        typer.echo(f"Error: {o.reason}{hint}", err=True)
    if sync_error is not None:
        fail(_with_flag(str(sync_error)), EXIT_INDEX)
    if failed:
        raise typer.Exit(EXIT_ERROR)


def _sync_note(run_: IngestRun) -> None:
    """One line on stderr for each repair the ingest also made to what an earlier run left out of the index."""
    from service.ingest import sync_notes

    for note in sync_notes(run_):
        typer.echo(f"note: {note}", err=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Files (.txt .html .docx .doc .xlsx .xls .csv .pdf), or folders whose files of those formats (sub-folders too) are read.")],
    as_name: Annotated[Optional[str], typer.Option("--as", help="Store a single file under this document name.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a stored document even by a version with under half its projects or indicators.")] = False,
    show_warnings: Annotated[bool, typer.Option("--show-warnings", help="List each parse warning with file:line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Read disclosures into the store and the search index. Exit 1 if any file failed, 3 if the index could not follow.

    Example: jixiao ingest samples/
    """
    from service.ingest import run_record

    from service.ingest import ingest_and_index

    with _ingest_progress() as callbacks:
        run_ = ingest_and_index(paths, state.data_dir, as_name=as_name, replace=replace, **callbacks)
    if as_json:
        print_json(run_record(run_))
    else:
        _print_outcomes(list(run_.outcomes), show_warnings=show_warnings)
    _sync_note(run_)
    _report_failures(list(run_.outcomes), run_.sync_error)


@app.command()
def remove(
    doc: Annotated[str, typer.Argument(metavar="DOC", help="The stored document (its name as 'jixiao projects' shows it).")],
) -> None:
    """Delete a document from the store and the search index.

    Example: jixiao remove 魏县/2025年部门预算.txt
    """
    from service.ingest import remove_document

    _need_data()
    removed = remove_document(state.data_dir, doc)
    typer.echo(f"removed {removed.doc}: {removed.n_projects} projects, {removed.n_indicators} indicators")


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

    from service.projects import list_projects

    _need_data()
    with reported():
        rows = list_projects(state.data_dir, dept=dept, year=year)
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


@app.command()
def show(
    project: Annotated[str, typer.Argument(metavar="PROJECT", help="A project id (e.g. 001_269e4af91333dcae:3) or a unique part of its name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the project and its indicators as JSON.")] = False,
) -> None:
    """Show one project: its header and its performance-target table.

    Example: jixiao show 就业补助
    """
    from service.projects import project_record, resolve_project

    _need_data()
    with reported():
        document, proj = resolve_project(state.data_dir, project)
    record = project_record(document, proj)
    pid = record["project_id"]
    if as_json:
        print_json(record)
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
        cells += [i.extra_text] if with_extra else []
        table.add_row(*cells, lines + flag)
    console = Console()
    Console(width=None if console.is_terminal else 160).print(table)
    if any(i.uncertain for i in proj.indicators):
        typer.echo("?field: the parser could not assign that cell with confidence")


@app.command()
def export(
    fmt: Annotated[ExportFmt, typer.Option("--format", help="jsonl (one JSON object per line) or csv (with a byte-order mark).")] = ExportFmt("jsonl"),
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """Export every stored indicator, one record per row (fields listed in README.md).

    Example: jixiao export --format csv -o indicators.csv
    """
    from service.export import export_store

    _need_data()
    _check_output(output)
    with reported():
        try:
            sink = open(output, "w", encoding="utf-8", newline="") if output else None
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror or exc}); check the path")
        try:
            n = export_store(state.data_dir, sink if sink is not None else sys.stdout, fmt=fmt.value)
        finally:
            if sink is not None:
                sink.close()
    if output:
        typer.echo(f"wrote {n} indicators to {output}", err=True)


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    into_store: Annotated[bool, typer.Option("--into-store", help="Ingest the samples into the data directory's own store instead of <data-dir>/demo.")] = False,
) -> None:
    """Ingest the bundled sample disclosures into <data-dir>/demo, audit them and run one search; print a summary.

    Example: jixiao demo && jixiao --data-dir data/demo search 就业
    """
    from dataclasses import asdict

    from models.report import audit_to_dict
    from service.demo import demo_data_dir, demo_summary
    from service.ingest import outcome_record
    from service.search import search_record

    with _ingest_progress() as callbacks:
        summary = demo_summary(demo_data_dir(state.data_dir, into_store=into_store), models_dir=state.data_dir,
                               on_progress=callbacks["on_progress"])
    audit_summary = audit_to_dict(summary.audit)["summary"]
    if as_json:
        print_json({
            "samples": str(summary.samples),
            "data_dir": str(summary.data_dir),
            "documents": [outcome_record(o) for o in summary.outcomes],
            "summary": asdict(summary.totals),
            "audit": audit_summary,
            "search": search_record(summary.search),
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

#: projects the default audit table lists (lowest score first); ``--all`` lists every project and finding
AUDIT_WORST = 10


def _print_audit_table(result: Any, *, everything: bool = False) -> None:
    from collections import Counter

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
    if not everything:
        worst = sorted(result.projects, key=lambda ap: (ap.score, -len(ap.findings)))[:AUDIT_WORST]
        t = Table(title=f"得分最低的 {len(worst)} 个项目（共 {len(result.projects)} 个）")
        for col in ("doc", "项目", "问题数", "得分", "评级", "主要问题"):
            t.add_column(col, overflow="fold")
        for ap in worst:
            p = ap.context.project
            rules = Counter(f.rule for f in ap.findings).most_common(3)
            t.add_row(ap.context.document.file.split("_")[0], f"{p.seq or ''} {p.name}", str(len(ap.findings)),
                      f"{ap.score:g}", ap.grade, " ".join(f"{r}×{n}" for r, n in rules))
        console.print(t)
        console.print(f"{len(result.findings)} findings in all: --all lists every one (page with: jixiao audit --all | less); "
                      "--format html -o FILE writes the full report")
        return
    t = Table(title="findings")
    for col in ("doc", "项目", "行", "规则", "级别", "指标", "问题"):
        t.add_column(col, overflow="fold")
    for f in result.findings:
        if f.doc is None:
            continue
        t.add_row(f.doc.split("_")[0], f"{f.project_seq or ''} {f.project_name or ''}",
                  str(f.line or ""), f.rule, f.severity.value, f.indicator or "", f.message)
    console.print(t)
    t = Table(title="项目评级")
    for col in ("doc", "项目", "问题数", "得分", "评级"):
        t.add_column(col, overflow="fold")
    for ap in result.projects:
        p = ap.context.project
        t.add_row(ap.context.document.file.split("_")[0], f"{p.seq or ''} {p.name}", str(len(ap.findings)),
                  f"{ap.score:g}", ap.grade)
    console.print(t)


@app.command()
def audit(
    path: Annotated[Optional[Path], typer.Argument(metavar="PATH", help="A disclosure file or folder to parse and audit (not stored).")] = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Audit one stored document (its file name).")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="Only this project: id (doc:ordinal), seq or name.")] = None,
    profile: Annotated[str, typer.Option("--profile", metavar="NAME", help="Settings profile: default, strict, hebei, central (or one of the --settings file).")] = "default",
    settings_file: Annotated[Optional[Path], typer.Option("--settings", help="A TOML settings file instead of the packaged one.")] = None,
    min_severity: Annotated[Severity, typer.Option("--min-severity", help="Leave out findings below this severity.")] = Severity("info"),
    fmt: Annotated[AuditFmt, typer.Option("--format", help="Report format (xlsx needs -o).")] = AuditFmt("table"),
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Table format: list every finding and project, not only the lowest-scored projects.")] = False,
) -> None:
    """Audit performance-target tables against rules R01–R25 and grade each project 优/良/中/差.

    Example: jixiao audit samples/003_33721d9d2b44b90e.txt --format html -o audit.html
    """
    from service.audit import audit_inputs, render_report, run_audit

    fmt, min_severity = fmt.value, min_severity.value  # type: ignore[assignment]
    if fmt == "xlsx" and output is None:
        fail("--format xlsx writes a binary workbook; give the file with -o FILE")
    if path is not None and doc is not None:
        fail("give either a PATH or --doc, not both")
    if path is None:
        _need_data()
    _check_output(output)
    with reported():
        docs = audit_inputs(state.data_dir, path=path, doc=doc)
        result = run_audit(state.data_dir, docs, profile=profile, settings_file=settings_file, project=project,
                           min_severity=min_severity)
        data = None if fmt == "table" else render_report(result, fmt)
    if data is None:
        _print_audit_table(result, everything=everything)
        return
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

    from service.ingest import rebuild_search_index

    _need_data()
    started = time.perf_counter()
    with reported():
        with Progress(transient=True, disable=as_json or not sys.stderr.isatty()) as progress:
            task = progress.add_task("indexing", total=None)
            info = rebuild_search_index(state.data_dir, procs=procs,
                                        on_progress=lambda done, total: progress.update(task, completed=done, total=total),
                                        on_phase=lambda what: progress.update(task, description=what))
    seconds = round(time.perf_counter() - started, 3)
    if as_json:
        print_json({"path": str(info.path), "analyzer_version": info.analyzer_version,
                    "documents": info.n_documents, "projects": info.n_projects, "seconds": seconds})
    else:
        typer.echo(f"indexed {info.n_projects} projects from {info.n_documents} documents in {seconds:.1f} s")


@app.command()
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help='Words (AND by default), OR, NOT, "exact phrase", field:word.')],
    year: Annotated[Optional[str], typer.Option(help="A year (2021) or a range (2021-2024).")] = None,
    dept: Annotated[Optional[str], typer.Option(help="Only departments whose name contains TEXT.")] = None,
    tier: Annotated[Optional[Tier], typer.Option(help="Only projects with an indicator of this tier (一级).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option(min=1, help="Page number (1 = best hits).")] = 1,
    sort: Annotated[SortBy, typer.Option(help="Order of the hits: best match, newest, largest budget.")] = SortBy("score"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (fields in README 'Search').")] = False,
) -> None:
    """Full-text search over the indexed projects: ranked hits with highlighted snippets.

    Example: jixiao search "创业担保贷款" --year 2021-2025 --limit 5
    """
    from service.search import explain_empty, make_searchable, search as run_search, search_record

    _need_data()
    with reported():
        note = make_searchable(state.data_dir)
        if note is not None:
            typer.echo(note, err=True)
        result = run_search(state.data_dir, query, year=year, dept=dept, tier=tier.value if tier else None, limit=limit,
                            page=page, sort=sort.value)
        why = (explain_empty(state.data_dir, query, year=year, dept=dept, tier=tier.value if tier else None)
               if result.total == 0 and not as_json else None)
    if as_json:
        print_json(search_record(result))
    elif why is not None:
        with_ = ", ".join(f"{name} {value}" for name, value, _n in why.removed)
        matches = why.unfiltered if why.unfiltered_exact else f"up to {why.unfiltered}"
        removed = ", ".join(f"{name} {value} removed {n}" for name, value, n in why.removed)
        typer.echo(f"no projects match {query!r} with {with_} ({matches} match without the filters: {removed})")
    else:
        _print_search(result)


def _print_search(result: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    from index.search import HIGHLIGHT_END, HIGHLIGHT_START

    console = Console(highlight=False)
    first = (result.page - 1) * result.limit
    if not result.hits:
        console.print(f"no projects match {escape(repr(result.query))}" if result.total == 0 else
                      f"{result.total} projects match; page {result.page} is past the last one")
        return
    total = result.total if result.total_exact else f"up to {result.total}"
    console.print(f"{total} projects match {escape(repr(result.query))}; showing {first + 1}-{first + len(result.hits)}")
    for n, h in enumerate(result.hits, start=first + 1):
        budget = f"{h.budget_wan:g} 万元" if h.budget_wan is not None else "budget ?"
        console.print(f"[bold]{n}. {escape(h.project_name)}[/bold]  {h.project_id}  {escape(h.department or '?')} "
                      f"{h.year or '?'}  {budget}  score {h.score:.2f}  findings {h.n_findings}")
        for x in h.highlights:
            text = escape(x.text.replace("\n", " ")).replace(HIGHLIGHT_START, "[reverse]").replace(HIGHLIGHT_END, "[/reverse]")
            console.print(f"    {x.field}: {text}")


# ---------------------------------------------------------------- classify / train / evaluate (issue 3)

CLASSIFY_FORMATS = ("jsonl", "csv", "table")


def _print_predictions(records: list[dict[str, Any]], fmt: str) -> None:
    from service.export import CSV_BOM

    if fmt == "jsonl":
        for r in records:
            typer.echo(json.dumps(r, ensure_ascii=False))
        return
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["name", "tier", "sub", "confidence", "tier_confidence", "tier_margin", "uncertain", "reviewed",
                    "alternatives"])
        for r in records:
            alts = ";".join(f"{a['sub']}:{a['p']}" for a in r["alternatives"])
            w.writerow([r["name"], r["tier"], r["sub"], r["confidence"], r["tier_confidence"], r["tier_margin"],
                        "true" if r["uncertain"] else "false", "true" if r["reviewed"] else "false", alts])
        typer.echo(CSV_BOM + buf.getvalue(), nl=False)  # like every CSV jixiao writes: Excel reads it as UTF-8
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table("name", "tier", "sub", "confidence", "alternatives")
    for column in t.columns:
        column.overflow = "fold"  # wrap long names rather than cut them
    for r in records:
        alts = ", ".join(f"{a['sub']} {a['p']:.2f}" for a in r["alternatives"])
        conf = f"{r['confidence']:.2f}" + (" uncertain" if r["uncertain"] else "") + (" reviewed" if r["reviewed"] else "")
        t.add_row(escape(r["name"]), r["tier"], r["sub"], conf, alts)
    Console().print(t)


@app.command()
def classify(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="An indicator name (三级指标), e.g. 学生抽样调查满意度.")] = None,
    desc: Annotated[Optional[str], typer.Option("--desc", help="Its description (指标解释).")] = None,
    value: Annotated[Optional[str], typer.Option("--value", help="Its value as printed, e.g. ≥90%.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="A CSV or JSONL file with fields name, desc, value.")] = None,
    fmt: Annotated[Optional[ClassifyFmt], typer.Option("--format", help="Output format (default: table for TEXT, jsonl for --file).")] = None,
    cost_tier: Annotated[bool, typer.Option("--cost-tier", help="The table has 成本 as a 一级 (经济成本/社会成本/生态环境成本 under it).")] = False,
) -> None:
    """Predict the tier (产出/效益/满意度) and sub-tier of indicators, with confidence, alternatives and an uncertain flag.

    Example: jixiao classify 学生抽样调查满意度 --value "≥98百分比"
    """
    from models.classifier import IndicatorText
    from models.labels import read_indicator_texts
    from service.classify import classify as run_classify

    if (text is None) == (file is None):
        fail("give either an indicator TEXT or --file FILE")
    if file is not None and (desc is not None or value is not None):
        fail("--desc and --value go with TEXT; in a --file they are columns")
    fmt = fmt.value if fmt else ("table" if text is not None else "jsonl")  # type: ignore[assignment]
    with reported():
        texts = read_indicator_texts(file) if file is not None else [IndicatorText(text or "", desc, value)]
        if not texts[0].name.strip():
            fail("the indicator TEXT is empty")
        records = run_classify(texts, state.data_dir, cost_tier=cost_tier)
    _print_predictions(records, fmt)


def _reviewer() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _score_cells(score: Any) -> tuple[str, str, str]:
    if score is None:
        return ("—", "—", "—")
    return (f"{score.tier_macro_f1:.3f}", f"{score.sub_macro_f1:.3f}", str(score.n_rows))


@app.command()
def train(
    labels: Annotated[Optional[Path], typer.Option("--labels", help="Extra labelled rows for this training (CSV/JSONL: name, desc, value, tier, sub[, group]).")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not train on the indicators of ingested documents.")] = False,
    corrections: Annotated[Optional[Path], typer.Option("--corrections", help="A corrections file (doc, line, name, filed_sub, sub, verdict, reason): imported as reviewer labels first.")] = None,
    estimator: Annotated[Optional[Estimator], typer.Option("--estimator", help="The model recipe (default: svm+stack).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Make the new model active even if it scores worse than the active one.")] = False,
    by: Annotated[Optional[str], typer.Option("--by", help="Reviewer name recorded with --corrections labels (default: your user name).")] = None,
    no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Train on your rows only, without the bundled training set (samples + corpus + reviewer's examples).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON (promoted, both scores).")] = False,
) -> None:
    """Fit a new model version on the bundled training set, the store's filed labels and reviewer labels; promote it only if not worse.

    Candidate and active model are scored on the same held-out documents and shown side by side.
    Example: jixiao label import reviewed.xlsx && jixiao train
    """
    from dataclasses import asdict

    from rich.console import Console
    from rich.table import Table

    from service.labelling import train_record, train_versioned

    console = Console(stderr=True)
    with reported(), console.status("training", spinner="dots") if console.is_terminal else _nothing() as status:
        def on_phase(what: str) -> None:
            if status is not None:
                status.update(what)

        outcome, imported = train_versioned(
            state.data_dir, labels_file=labels, corrections=corrections, use_store=not no_store,
            estimator=estimator.value if estimator else None, force=force, bundled=not no_bundled, by=by or _reviewer(), on_phase=on_phase)
    if as_json:
        print_json(train_record(outcome, imported))
        return
    if imported is not None:
        typer.echo(f"imported {imported.applied} labels from {imported.file}")
    t = outcome.training
    typer.echo(f"trained {outcome.version} ({t['estimator']}) on {t['n_rows']} indicators from {t['n_documents']} "
               f"groups, {t['n_reviewer_labels']} with reviewer labels; {t['n_dropped_as_noise']} filed labels left out as noise")
    table = Table("model", "tier macro-F1", "sub macro-F1", "held-out rows",
                  title=f"held-out documents: {', '.join(outcome.heldout_documents) or 'none'}")
    table.add_row(f"candidate {outcome.version}", *_score_cells(outcome.candidate))
    table.add_row(f"active {outcome.active_before}", *_score_cells(outcome.active))
    Console().print(table)
    if outcome.promoted:
        typer.echo(f"promoted {outcome.version}: {outcome.reason}" + (" (forced)" if outcome.forced else ""))
    else:
        typer.echo(f"not promoted: {outcome.reason}; {outcome.active_before} stays active "
                   f"('jixiao models promote {outcome.version}' or train --force to use it anyway)")


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


# ---------------------------------------------------------------- labels (reviewer loop) and model versions

label_app = typer.Typer(help="The reviewer's labels: export rows to review, import labels, list them.", no_args_is_help=True)
app.add_typer(label_app, name="label")
models_app = typer.Typer(help="Model versions: list, show, promote, roll back.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@label_app.command("export")
def label_export(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N rows.")] = 200,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Only this stored document.")] = None,
    fmt: Annotated[Optional[LabelFmt], typer.Option("--format", help="Output format (default: from the -o suffix, else csv).")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE (needed for xlsx).")] = None,
) -> None:
    """Export the indicators worth labelling first (model-vs-filed disagreements, least confident predictions).

    Fill in tier, sub (and note), then: jixiao label import FILE.
    Example: jixiao label export --limit 100 --format xlsx -o review.xlsx
    """
    from service.labelling import export_review

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = LabelFmt(suffix) if suffix in LabelFmt._value2member_map_ else LabelFmt("csv")
    fmt = fmt.value  # type: ignore[assignment]
    if fmt == "xlsx" and output is None:
        fail("--format xlsx writes a binary workbook; give the file with -o FILE")
    with reported():
        data, n = export_review(state.data_dir, limit=limit, doc=doc, fmt=fmt)
        if output is None:
            typer.echo(data.decode("utf-8-sig"), nl=False)
            return
        try:
            output.write_bytes(data)
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror or exc}); check the path")
    typer.echo(f"wrote {n} indicators to review to {output}", err=True)


@label_app.command("import")
def label_import(
    file: Annotated[Path, typer.Argument(help="A filled-in review file (.csv, .xlsx or .jsonl).")],
    by: Annotated[Optional[str], typer.Option("--by", help="Reviewer name stored with the labels (default: your user name).")] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Store the good rows even if some rows are bad (they are listed).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Import reviewer labels (indicator_id, tier, sub — or name, desc, value, tier, sub). Every row is checked
    first; any bad row and nothing is stored (unless --skip-bad).

    Example: jixiao label import review.xlsx --by 张三
    """
    from service.labelling import import_labels, import_record

    with reported():
        out = import_labels(state.data_dir, file, by=by or _reviewer(), skip_bad=skip_bad)
    if as_json:
        print_json(import_record(out))
        return
    for line, why in out.skipped:
        typer.echo(f"skipped {file}:{line}: {why}", err=True)
    typer.echo(f"imported {out.applied} labels from {file} ({out.superseded} replace earlier labels; "
               f"{out.blank} rows left empty; {len(out.skipped)} bad rows skipped)")


@label_app.command("list")
def label_list(
    history: Annotated[bool, typer.Option("--history", help="Every label ever given, superseded ones included.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List the reviewer labels in force (latest label of each indicator).

    Example: jixiao label list --json
    """
    from service.labelling import list_labels

    with reported():
        labels = list_labels(state.data_dir, history=history)
    if as_json:
        print_json(labels)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table("indicator_id", "doc:line", "name", "filed", "label", "by", "at", "note")
    for lab in labels:
        where = f"{lab['doc']}:{lab['line']}" if lab["doc"] else "(not in store)"
        filed = f"{lab['filed_tier'] or '?'}/{lab['filed_sub'] or '?'}" if lab["in_store"] else ""
        t.add_row(lab["indicator_id"], escape(where), escape(lab["name"]), filed, f"{lab['tier']}/{lab['sub']}",
                  escape(lab["by"]), lab["at"], escape(lab["note"]))
    Console().print(t)
    typer.echo(f"{len(labels)} labels")


@label_app.command("stats")
def label_stats_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Counts of reviewer labels: in force, superseded, corrections vs confirmations, by sub-tier and reviewer.

    Example: jixiao label stats
    """
    from service.labelling import label_stats

    with reported():
        stats = label_stats(state.data_dir)
    if as_json:
        print_json(stats)
        return
    typer.echo(f"{stats['labels']} labels in force ({stats['labels_given']} given in {stats['imports']} imports, "
               f"{stats['superseded']} superseded); {stats['corrections']} correct the filed label, "
               f"{stats['confirmations']} confirm it, {stats['not_in_store']} are not in the store; "
               f"{stats['documents']} documents; last import {stats['last_import_at'] or '—'}")
    typer.echo("by sub-tier: " + (", ".join(f"{k} {v}" for k, v in stats["by_sub"].items()) or "—"))
    typer.echo("by reviewer: " + (", ".join(f"{k} {v}" for k, v in stats["by_reviewer"].items()) or "—"))


def _metrics_line(m: dict[str, Any]) -> str:
    c, a = m.get("candidate"), m.get("active")
    if not c:
        return m.get("reason", "") or ""
    vs = f" vs {a['version']} {a['tier_macro_f1']:.3f}/{a['sub_macro_f1']:.3f}" if a else ""
    return f"held-out tier/sub macro-F1 {c['tier_macro_f1']:.3f}/{c['sub_macro_f1']:.3f}{vs}"


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list (version, created_at, active, training, metrics).")] = False,
) -> None:
    """List the model versions; * marks the active one.

    Example: jixiao models list
    """
    from models.registry import list_versions

    with reported():
        versions = list_versions(state.data_dir)
    if as_json:
        print_json(versions)
        return
    for v in versions:
        t = v["training"] or {}
        what = t.get("source") or f"{t.get('n_rows')} rows, {t.get('n_reviewer_labels')} reviewer labels"
        typer.echo(f"{'*' if v['active'] else ' '} {v['version']:<8} {v['created_at'] or '(not built yet)':<26} "
                   f"{what}  {_metrics_line(v['metrics'])}")


@models_app.command("show")
def models_show(version: Annotated[str, typer.Argument(help="A version (v3) or default.")]) -> None:
    """Show one model version as JSON (training, held-out metrics, file and SHA-256).

    Example: jixiao models show v2
    """
    from models.registry import get_version

    with reported():
        print_json(get_version(state.data_dir, version))


@models_app.command("promote")
def models_promote(version: Annotated[str, typer.Argument(help="A version (v3) or default.")]) -> None:
    """Make a version the active model.

    Example: jixiao models promote v2
    """
    from models.registry import promote

    with reported():
        before = promote(state.data_dir, version)
    typer.echo(f"active model: {version} (was {before})")


@models_app.command("rollback")
def models_rollback() -> None:
    """Go back to the previously active model version.

    Example: jixiao models rollback
    """
    from models.registry import rollback

    with reported():
        left, back = rollback(state.data_dir)
    typer.echo(f"active model: {back} (was {left})")


def _level_json(level: Any) -> dict[str, Any]:
    return {
        "macro_f1": level.macro_f1,
        "accuracy": level.accuracy,
        "per_class": [{"label": c.label, "precision": c.precision, "recall": c.recall, "f1": c.f1, "support": c.support}
                      for c in level.per_class],
        "confusion": {"labels": list(level.labels), "matrix": [list(r) for r in level.confusion]},
    }


def _result_json(r: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "estimator": r.estimator,
        "n_rows": r.n_rows,
        "tier": _level_json(r.tier),
        "sub": _level_json(r.sub),
        "tier_ece": r.tier_ece,
        "by_origin": [asdict(x) for x in r.by_origin],
        "by_sector": [asdict(x) for x in r.by_sector],
        "n_uncertain": r.n_uncertain,
        "uncertain_tier_accuracy": r.uncertain_tier_accuracy,
        "certain_tier_accuracy": r.certain_tier_accuracy,
        "tier_disagreements": r.tier_disagreements,
        "sub_disagreements": r.sub_disagreements,
        "examples": [{"group": d.group, "name": d.name, "value": d.value, "label_tier": d.label_tier, "label_sub": d.label_sub,
                      "tier": d.tier, "sub": d.sub, "confidence": d.confidence} for d in r.examples],
    }


def _f(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _print_evaluation(run_: Any, source: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    first = run_.cv.results[0]
    n_sub = sum(c.support for c in first.sub.per_class)
    console.print(f"[bold]Leave-one-source-out cross-validation[/bold] on {source}: {first.n_rows} indicators "
                  f"({n_sub} with a sub-tier label), {len(run_.cv.groups)} folds (one source document held out per fold; "
                  "copies of a document held out with it)")
    blocks = [("labels AS FILED" + (" (the bundled samples with the reviewers' corrections)" if "bundled" in source else ""),
               run_.cv.results)]
    if run_.adjudicated is not None:
        blocks.append(("ADJUDICATED labels (training folds' adjudicated labels; scored on the held-out document's)",
                       run_.adjudicated.results))
    for title, results in blocks:
        origins = [o.name for o in results[0].by_origin]
        t = Table("estimator", "tier macro-F1", "sub macro-F1", *[f"{o}: tier / sub" for o in origins], "tier ECE",
                  "uncertain (tier acc)", title=title)
        for r in results:
            mark = " (shipped)" if r.estimator == run_.shipped else ""
            by = {o.name: o for o in r.by_origin}
            t.add_row(r.estimator + mark, f"{r.tier.macro_f1:.3f}", f"{r.sub.macro_f1:.3f}",
                      *[f"{by[o].tier_macro_f1:.3f} / {_f(by[o].sub_macro_f1)}" for o in origins], f"{r.tier_ece:.3f}",
                      f"{r.n_uncertain} ({_f(r.uncertain_tier_accuracy)} vs {_f(r.certain_tier_accuracy)})")
        console.print(t)
        shipped_r = next((r for r in results if r.estimator == run_.shipped), None)
        base_r = next((r for r in results if r.estimator == "baseline"), None)
        if shipped_r is not None and base_r is not None:
            console.print(f"  {run_.shipped} minus keyword baseline: tier macro-F1 {shipped_r.tier.macro_f1 - base_r.tier.macro_f1:+.3f}, "
                          f"sub macro-F1 {shipped_r.sub.macro_f1 - base_r.sub.macro_f1:+.3f}")
    results = run_.cv.results
    sectors = [x.name for x in results[0].by_sector]
    t = Table("sector", "rows (with sub)", *[f"{r.estimator}: tier / sub" for r in results],
              title="per sector (macro-F1 over the classes present in the sector; small sectors are noisy)")
    for name in sectors:
        cells = []
        for r in results:
            x = next(x for x in r.by_sector if x.name == name)
            cells.append(f"{x.tier_macro_f1:.3f} / {_f(x.sub_macro_f1)}")
        x0 = next(x for x in results[0].by_sector if x.name == name)
        t.add_row(escape(name), f"{x0.n_rows} ({x0.n_sub_rows})", *cells)
    console.print(t)
    if run_.heldout:
        t = Table("estimator", "tier macro-F1", "sub macro-F1", "tier acc", "sub acc",
                  title=f"held-out set {run_.heldout_name} (fitted on all training rows)")
        for r in run_.heldout:
            t.add_row(r.estimator, f"{r.tier.macro_f1:.3f}", f"{r.sub.macro_f1:.3f}", f"{r.tier.accuracy:.3f}", f"{r.sub.accuracy:.3f}")
        console.print(t)
    if run_.adjudication is not None:
        a = run_.adjudication
        console.print(f"Adjudication: {a.n_adjudicated} rows judged by a reviewer ({a.n_disagree} where the out-of-fold model "
                      f"disagreed with the filed label, {a.n_agree_sample} random rows where it agreed); "
                      f"{a.n_corrected} filed labels corrected ({a.n_agree_sample_corrected} of them among the random agreeing rows).")
    shipped = next(r for r in run_.cv.results if r.estimator == run_.shipped)
    for level in (shipped.tier, shipped.sub):
        t = Table("true \\ predicted", *level.labels, title=f"{run_.shipped}: {level.level} confusion")
        for lab, row in zip(level.labels, level.confusion):
            t.add_row(lab, *[str(v) for v in row])
        console.print(t)
        t = Table("class", "precision", "recall", "F1", "support", title=f"{run_.shipped}: per-class {level.level}")
        for c in level.per_class:
            t.add_row(c.label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
        console.print(t)
    console.print(f"Labels the out-of-fold model disagrees with: {shipped.tier_disagreements} at tier level, "
                  f"{shipped.sub_disagreements} at sub-tier level. Most confident tier disagreements:")
    for d in shipped.examples[:10]:
        console.print(f"  {escape(d.group)}  {escape(d.name)} {escape(d.value)}: filed {d.label_tier}/{d.label_sub or '?'}, "
                      f"model {d.tier}/{d.sub} ({d.confidence:.2f})")


@app.command()
def evaluate(
    labels: Annotated[Optional[Path], typer.Option("--labels", help="A labelled CSV/JSONL file to score on as well, never trained on.")] = None,
    corrections: Annotated[Optional[Path], typer.Option("--corrections", help="Reviewer-adjudicated labels (doc, line, name, filed_sub, sub, verdict, reason) for the ingested documents' rows: adds a cross-validation against them.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", help="Worker processes fitting the folds.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Leave-one-source-out CV of the shipped model beside the keyword baseline and a plain character TF-IDF SVM: tier and sub-tier macro-F1, per origin, per sector, per class.

    Trains on the bundled training set (samples with the reviewers' corrections + the multi-sector
    corpus) plus the ingested documents' filed labels, as `jixiao train` does.
    Example: jixiao evaluate --json
    """
    from dataclasses import asdict

    from rich.progress import Progress

    from models.evaluate import evaluation_fits, evaluation_run
    from models.labels import load_bundled_corrections, load_bundled_training, read_corrections, read_labels
    from service.evaluation import training_rows

    with reported():
        rows, source = training_rows(state.data_dir, None, use_store=True)
        fixes = read_corrections(corrections) if corrections is not None else None
        if fixes and not store_rows:
            fail(f"--corrections applies to ingested documents' rows, and {state.data_dir} has none; run 'jixiao ingest PATH' first")
        rows = with_default_training(store_rows)
        source = "the bundled training set (samples + corpus)" + (f" + {store_source}" if store_rows else "")
        heldout = read_labels(labels) if labels is not None else None
        fits = evaluation_fits(rows, heldout=bool(heldout), corrections=bool(fixes), estimators=EVALUATION_ESTIMATORS)
        try:
            with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
                task = progress.add_task("fitting models", total=fits)
                run_ = evaluation_run(rows, heldout=heldout, heldout_name=str(labels) if labels else None,
                                      estimators=EVALUATION_ESTIMATORS, corrections=fixes,
                                      corrections_name=str(corrections) if corrections else "corrections",
                                      on_fit=lambda est: progress.update(task, advance=1, description=est), n_jobs=jobs)
        except ValueError as exc:
            fail(f"{exc}; ingest more documents or label rows with a 'group' column")
        if run_.not_converged:
            typer.echo(f"note: {run_.not_converged} solver runs stopped at their iteration limit (scikit-learn "
                       "ConvergenceWarning); the figures are those of the models as fitted", err=True)
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


# ---------------------------------------------------------------- serve (HTTP API and pages)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    token: Annotated[Optional[str], typer.Option(envvar="JIXIAO_TOKEN", help="Bearer token required by every write endpoint (env JIXIAO_TOKEN).")] = None,
    max_upload_mb: Annotated[float, typer.Option(min=0.001, help="Largest accepted upload, in MB.")] = 50.0,
) -> None:
    """Serve the JSON API (/api/…, schema at /openapi.json) and the reviewers' pages over the data directory.

    Example: jixiao serve --port 8000
    """
    from web.server import check_bind, serve as run_server

    with reported():
        check_bind(host, token)
        typer.echo(f"jixiao: serving {state.data_dir} on http://{host}:{port}/ (API schema: /openapi.json"
                   f"{'; writes need the token' if token else ''})", err=True)
        run_server(state.data_dir, host=host, port=port, token=token, max_upload_bytes=int(max_upload_mb * 1024 * 1024))


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback`` inside the error boundary (typer reads the signature through ``functools.wraps``)."""

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reported():
            return callback(*args, **kwargs)

    return wrapper


def _guard_commands(typer_app: typer.Typer) -> None:
    """Put every command of ``typer_app`` and of its sub-apps inside :func:`_guarded`."""
    for info in typer_app.registered_commands:
        if info.callback is not None and not hasattr(info.callback, "__wrapped__"):
            info.callback = _guarded(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _guard_commands(group.typer_instance)


_guard_commands(app)


def run() -> None:  # pragma: no cover - console entry for `python -m cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
