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


def run() -> None:  # pragma: no cover - console entry for `python -m cli`
    try:
        app()
    except JixiaoError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    run()
