"""README.md as executable documentation: every ``jixiao …`` command of its code blocks runs, in order,
on the bundled samples, and prints what the README says it prints; every command's help reads well.

Commands are run in a temporary working directory (``samples/`` there is the bundled folder) against
one temporary data directory. Files a README line names without creating (``a.txt``, ``b.txt``,
``scan.txt``, ``new.txt``: copies of bundled samples; ``indicators.csv``: three indicators) are made
by the test beforehand. ``jixiao serve`` blocks until stopped: it is run with the server function
replaced by a recorder, which checks that its options parse into the address, port, token and upload
limit the README describes. ``jixiao evaluate`` (leave-one-source-out cross-validation of the shipped model
 with its baselines, several minutes on two cores) is not run here: its check is that the command line
parses (the report itself is tested in tests/models).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

import cli
from cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TOKEN = "s3cret-token"


def readme_commands() -> list[str]:
    """Every line of a README code block that runs jixiao, without its trailing comment, in order."""
    commands, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if inside and line.startswith("jixiao "):
            commands.append(line.split("  #")[0].split(" #")[0].strip())
    return commands


def _ok(r: Any) -> str:
    assert r.exit_code == 0, r.output
    return r.stdout


def _json(r: Any) -> Any:
    return json.loads(_ok(r))


def _check_ingest(r: Any) -> None:
    assert re.fullmatch(r"5 documents ingested, 0 failed: 122 projects, \d+ indicators, \d+ warnings"
                        r"( \(list them with --show-warnings\))?", _ok(r).splitlines()[-1])


def _check_ingest_warnings(r: Any) -> None:
    out = _ok(r)
    assert "(list them with --show-warnings)" not in out
    assert re.search(r"^  \S+:\d+: ", out, re.M), "each warning is listed as file:line: …"


def _check_ingest_json(r: Any) -> None:
    data = _json(r)
    assert [d["doc"] for d in data["documents"]] == ["a.txt", "b.txt"]


def _check_ingest_as(r: Any) -> None:
    assert _ok(r).startswith("邯郸/2024.txt  ")


def _check_replace(r: Any) -> None:
    assert _ok(r).startswith("new.txt  ")


def _check_remove(r: Any) -> None:
    assert re.fullmatch(r"removed 邯郸/2024\.txt: \d+ projects, \d+ indicators\n", _ok(r))


def _check_projects(r: Any) -> None:
    out = _ok(r)
    assert out.startswith("004_9ef801cc83c252a6.txt  邯郸市人力资源和社会保障局  2020\n")
    assert out.endswith(" projects\n") and not out.endswith("\n0 projects\n")


def _check_show(r: Any) -> None:
    assert _ok(r).startswith("001_269e4af91333dcae:22  22、就业专项资金绩效目标表\n项目名称: 就业专项资金")


def _check_export(r: Any) -> None:
    assert r.exit_code == 0, r.output
    data = Path("out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    documented = re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)? \|", README.read_text(encoding="utf-8").split(
        "### Export fields")[1].split("\n## ")[0], re.M)
    assert header == [name for pair in documented for name in pair if name]


def _check_demo(r: Any) -> None:
    out = _ok(r)
    assert out.startswith("1. ingested the bundled samples")
    assert "\n2. audit (profile default): " in out and "\n3. jixiao search " in out


def _check_search(r: Any) -> None:
    assert re.match(r"\d+ projects match '创业担保贷款'; showing 1-5\n", _ok(r))


def _check_search_json(r: Any) -> None:
    data = _json(r)
    assert data["query"] == '"≥95%" 满意度' and data["total"] > 0
    assert set(data) == {"query", "total", "total_exact", "hits"}


def _check_rebuild(r: Any) -> None:
    assert re.fullmatch(r"indexed \d+ projects from \d+ documents in [\d.]+ s\n", _ok(r))


def _check_classify(r: Any) -> None:
    cells = [line.split("│")[1:-1] for line in _ok(r).splitlines() if line.startswith("│")]
    name = "".join(c[0].strip() for c in cells)
    assert name == "学生抽样调查满意度"  # the whole name, wrapped rather than cut
    assert [c.strip() for c in cells[0][1:3]] == ["满意度", "服务对象满意度"]


def _check_classify_file(r: Any) -> None:
    lines = [json.loads(x) for x in _ok(r).splitlines()]
    assert [x["name"] for x in lines] == ["培训人数", "群众满意度", "带动就业人数"]


def _check_train(r: Any) -> None:
    assert _ok(r).startswith("trained ")


def _check_cost_tier(r: Any) -> None:
    rows = [json.loads(x) for x in _ok(r).splitlines()]
    assert [(x["name"], x["tier"], x["sub"]) for x in rows] == [("单位面积改造成本", "成本", "经济成本"), ("培训人数", "产出", "数量")]


def _check_label_export(r: Any) -> None:
    import openpyxl

    _ok(r)
    assert re.search(r"^wrote \d+ indicators to review to review\.xlsx$", r.output, re.M)  # a note on stderr
    sheet = openpyxl.load_workbook("review.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["指标ID", "文件", "行"] and sheet.max_row > 10


def _fill_review() -> None:
    """What the README asks of the reviewer between export and import: fill 审核一级/审核二级 of some rows."""
    import openpyxl

    book = openpyxl.load_workbook("review.xlsx")
    sheet = book.active
    head = [c.value for c in sheet[1]]
    pred_tier, pred_sub, tier, sub = (head.index(h) + 1 for h in ("模型一级", "模型二级", "审核一级", "审核二级"))
    for row in range(2, 12):
        sheet.cell(row, tier).value = sheet.cell(row, pred_tier).value
        sheet.cell(row, sub).value = sheet.cell(row, pred_sub).value
    book.save("review.xlsx")


def _check_label_import(r: Any) -> None:
    assert _ok(r).startswith("imported 10 labels from review.xlsx (")


def _check_label_list(r: Any) -> None:
    rows = _json(r)
    assert len(rows) == 10 and {"indicator_id", "doc", "line", "name", "tier", "sub"} <= set(rows[0])


def _check_label_stats(r: Any) -> None:
    assert _ok(r).startswith("10 labels in force (10 given in 1 imports, 0 superseded)")


def _check_models_list(r: Any) -> None:
    out = _ok(r)
    assert re.search(r"^[* ] default ", out, re.M) and re.search(r"^[* ] v2 ", out, re.M), out


def _check_models_show(r: Any) -> None:
    assert "v2" in _ok(r)


def _check_models_ok(r: Any) -> None:
    _ok(r)


def _check_evaluate(r: Any) -> None:
    assert "Leave-one-source-out CV of the shipped model" in " ".join(_ok(r).split())


#: README commands run with --help only (see the module docstring)
NOT_RUN = {"jixiao evaluate"}


def _serve_check(host: str, port: int, token: str | None, max_mb: float) -> Callable[[Any], None]:
    def check(r: Any) -> None:
        assert r.exit_code == 0, r.output
        assert SERVED[-1] == {"host": host, "port": port, "token": token, "max_upload_bytes": int(max_mb * 1024 * 1024)}

    return check


SERVED: list[dict[str, Any]] = []

#: what each README command must print (the README's comment says it); a new README example needs an entry
CHECKS: dict[str, Callable[[Any], None]] = {
    "jixiao ingest samples/": _check_ingest,
    "jixiao ingest samples/ --show-warnings": _check_ingest_warnings,
    "jixiao ingest a.txt b.txt --json": _check_ingest_json,
    "jixiao ingest scan.txt --as 邯郸/2024.txt": _check_ingest_as,
    "jixiao ingest new.txt --replace": _check_replace,
    "jixiao remove 邯郸/2024.txt": _check_remove,
    "jixiao projects --dept 邯郸 --year 2020": _check_projects,
    "jixiao show 001_269e4af91333dcae:22": _check_show,
    "jixiao export --format csv -o out.csv": _check_export,
    "jixiao demo": _check_demo,
    "jixiao search 创业担保贷款 --year 2021-2025 --limit 5": _check_search,
    "jixiao search '\"≥95%\" 满意度' --tier 满意度 --json": _check_search_json,
    "jixiao index rebuild": _check_rebuild,
    "jixiao serve": _serve_check("127.0.0.1", 8000, None, 50),
    'jixiao serve --host 0.0.0.0 --token "$T"': _serve_check("0.0.0.0", 8000, TOKEN, 50),
    "jixiao serve --port 8080 --max-upload-mb 20": _serve_check("127.0.0.1", 8080, None, 20),
    'jixiao classify 学生抽样调查满意度 --value "≥98百分比"': _check_classify,
    "jixiao classify --file indicators.csv --format jsonl": _check_classify_file,
    "jixiao classify --file cost_table.csv --cost-tier": _check_cost_tier,
    "jixiao train": _check_train,
    "jixiao evaluate": _check_evaluate,
    "jixiao label export --limit 200 -o review.xlsx": _check_label_export,
    "jixiao label import review.xlsx --by 张三": _check_label_import,
    "jixiao label list --json": _check_label_list,
    "jixiao label stats": _check_label_stats,
    "jixiao models list": _check_models_list,
    "jixiao models show v2": _check_models_show,
    "jixiao models promote v2": _check_models_ok,
    "jixiao models rollback": _check_models_ok,
}

#: what the reader does by hand before a README command (see the README's text around it)
BEFORE: dict[str, Callable[[], None]] = {"jixiao label import review.xlsx --by 张三": _fill_review}


def test_every_readme_command_has_a_check() -> None:
    commands = readme_commands()
    assert set(commands) == set(CHECKS)
    assert [c for c in dict.fromkeys(commands)] == list(CHECKS)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "samples").symlink_to(ROOT / "samples")
    for name, sample in (("a.txt", "000"), ("b.txt", "001"), ("scan.txt", "004"), ("new.txt", "003")):
        shutil.copyfile(next((ROOT / "samples").glob(f"{sample}_*.txt")), work / name)
    (work / "cost_table.csv").write_text("name,desc,value\n单位面积改造成本,,≤300元/平方米\n培训人数,,≥100人\n", encoding="utf-8")
    (work / "indicators.csv").write_text("name,desc,value\n培训人数,参加培训的人数,≥100人\n群众满意度,,≥90%\n带动就业人数,,≥50人\n",
                                         encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("T", TOKEN)
    monkeypatch.delenv("JIXIAO_TOKEN", raising=False)

    import web.server

    monkeypatch.setattr(web.server, "serve", lambda data_dir, **kw: SERVED.append(kw))
    return work


def test_readme_commands_run_as_written(workdir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    for command in readme_commands():
        words = shlex.split(command.replace('"$T"', TOKEN))[1:]
        if command in NOT_RUN:
            words.append("--help")
        if command in BEFORE:
            BEFORE[command]()
        r = runner.invoke(app, ["--data-dir", str(data), *words])
        assert r.exception is None or isinstance(r.exception, SystemExit), (command, r.exception)
        try:
            CHECKS[command](r)
        except AssertionError as exc:
            raise AssertionError(f"README example `{command}`: {exc}\n{r.output[-2000:]}") from None


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            out += _commands(command, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


def test_help_of_every_command_reads_well(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.main

    monkeypatch.setenv("COLUMNS", "200")  # one line per option, so that the choices are not wrapped

    root = typer.main.get_command(app)
    names = _commands(root)
    assert ("ingest",) in names and ("index", "rebuild") in names
    runner = CliRunner()
    for name in [(), *names]:
        r = runner.invoke(app, [*name, "--help"], terminal_width=200)
        assert r.exit_code == 0, name
        text = r.stdout
        for bad in ("<bool>", "{", "<list[", "<Path>"):
            assert bad not in text, (name, bad, text)
    dupes = runner.invoke(app, ["dupes", "--help"], terminal_width=200).stdout
    for choices in ("<document|year|all>", "<copied|shared-wording>", "<table|json|csv>"):
        assert choices in dupes
    search = runner.invoke(app, ["search", "--help"], terminal_width=200).stdout
    assert "<产出|效益|满意度|成本>" in search and "<score|year|budget>" in search
    audit = runner.invoke(app, ["audit", "--help"], terminal_width=200).stdout
    assert "<info|warning|error>" in audit and "<table|json|csv|html|xlsx>" in audit
    assert "<jsonl|csv>" in runner.invoke(app, ["export", "--help"], terminal_width=200).stdout
    assert "Usage: root ingest [OPTIONS] PATH..." in runner.invoke(app, ["ingest", "--help"], terminal_width=200).stdout


def test_the_choices_in_cli_are_the_librarys() -> None:
    from index.search import TIERS, SortKey
    from models.dupes import Scope
    from service.audit import AUDIT_FORMATS
    from service.export import EXPORT_FORMATS

    assert [c.value for c in cli.Tier] == list(TIERS)
    assert [c.value for c in cli.SortBy] == [s.value for s in SortKey]
    assert [c.value for c in cli.DupeScope] == [s.value for s in Scope]
    assert [c.value for c in cli.AuditFmt] == list(AUDIT_FORMATS)
    assert [c.value for c in cli.ExportFmt] == list(EXPORT_FORMATS)
    assert [c.value for c in cli.ClassifyFmt] == list(cli.CLASSIFY_FORMATS)
    from models.classifier import ESTIMATORS
    from models.labelling import REVIEW_FORMATS

    assert sorted(c.value for c in cli.Estimator) == sorted(e for e in ESTIMATORS if e != "baseline")
    assert [c.value for c in cli.LabelFmt] == list(REVIEW_FORMATS)
