"""Terminal and file output of the read commands: audit's default summary, dupes -o in every format,
CSV byte-order marks, options outside their choices."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import AUDIT_WORST, app
from tests.conftest import SAMPLES

runner = CliRunner()


def jx(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def flat(text: str) -> str:
    """A usage error's text without rich's box and line breaks."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("data")
    assert jx(d, "ingest", str(SAMPLES)).exit_code == 0
    return d


def test_default_audit_table_is_summaries_and_the_lowest_scored_projects(data: Path) -> None:
    report = json.loads(jx(data, "audit", "--format", "json").stdout)
    n_findings, n_projects = len(report["findings"]), len(report["projects"])
    r = jx(data, "audit")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) < 400 < n_findings
    assert f"得分最低的 {AUDIT_WORST} 个项目（共 {n_projects} 个）" in r.stdout
    assert flat(r.stdout).endswith(f"{n_findings} findings in all: --all lists every one (page with: jixiao audit "
                                   "--all | less); --format html -o FILE writes the full report")
    full = jx(data, "audit", "--all")
    assert full.exit_code == 0 and len(full.stdout.splitlines()) > n_findings


def test_dupes_writes_every_format_to_o(data: Path, tmp_path: Path) -> None:
    screen = jx(data, "dupes")
    for fmt in ("table", "json", "csv"):
        out = tmp_path / f"dupes.{fmt}"
        r = jx(data, "dupes", "--format", fmt, "-o", str(out))
        assert r.exit_code == 0 and r.stdout == ""
        assert re.fullmatch(rf"wrote \d+ clusters to {re.escape(str(out))}\n", r.stderr)
        assert out.stat().st_size > 0
    assert (tmp_path / "dupes.table").read_text(encoding="utf-8") == screen.stdout
    assert (tmp_path / "dupes.csv").read_bytes().startswith(b"\xef\xbb\xbfcluster,kind,similarity,doc,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["dupes", "--kind", "foo"], "Invalid value for '--kind': Value error, 'foo' is not one of 'copied', 'shared-wording'."),
        (["dupes", "--scope", "yaer"], "Invalid value for '--scope': Value error, 'yaer' is not one of 'document', 'year', 'all'."),
        (["audit", "--min-severity", "warn"], "Invalid value for '--min-severity': Value error, 'warn' is not one of 'info', 'warning', 'error'."),
        (["audit", "--format", "pdf"], "Invalid value for '--format': Value error, 'pdf' is not one of 'table', 'json', 'csv', 'html', 'xlsx'."),
        (["classify", "x", "--format", "xml"], "Invalid value for '--format': Value error, 'xml' is not one of 'jsonl', 'csv', 'table'."),
        (["projects", "--json", "true"], "Got unexpected extra argument(s) (true)"),
    ],
)
def test_the_parser_rejects_values_outside_the_choices(data: Path, args: list[str], message: str) -> None:
    r = jx(data, *args)
    assert r.exit_code == 2 and message in flat(r.stderr), r.stderr


def test_a_mistyped_data_dir_is_named_and_not_created(tmp_path: Path) -> None:
    d = tmp_path / "dta"
    r = jx(d, "projects")
    assert (r.exit_code, r.stderr) == (
        1, f"Error: no jixiao data in {d} (run jixiao ingest PATH to add documents, or give the right --data-dir)\n")
    assert not d.exists()
