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


def run() -> None:  # pragma: no cover - console entry for `python -m cli`
    try:
        app()
    except JixiaoError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    run()
