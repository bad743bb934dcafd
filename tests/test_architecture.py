"""Imports flow one way: front ends (cli.py, web/) → service/ → index/, models/ → nlp/; each
third-party engine lives in one place.

Checked on the package code (nlp/, index/, models/, service/, web/, cli.py) by parsing every
module's import statements; bench/ scripts and tests are outside the rule. The HTTP layer (web/)
reaches the library only through service/ (it may name nlp's error types); the command line
starts the HTTP layer (``jixiao serve``) but the HTTP layer never imports the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nlp", "index", "models", "service", "web")


def package_modules() -> list[Path]:
    files = [ROOT / "cli.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (absolute imports only; relative stay inside)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def owner(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


#: for each third-party engine, the only files allowed to import it
ENGINES = {
    "jieba": {"nlp/tokenize.py"},
    "rjieba": {"nlp/tokenize.py"},
    "jieba_fast": {"nlp/tokenize.py"},
    "whoosh": None,  # anywhere inside index/
    "typer": {"cli.py"},
    "click": set(),
    "fastapi": "web",  # anywhere inside web/
    "starlette": "web",
    "uvicorn": "web",
    "multipart": "web",
    "jinja2": {"models/report/render.py", "web/pages.py"},
    # document formats: each parser library only in its reader
    "lxml": {"nlp/readers/html.py"},
    "docx": {"nlp/readers/docx.py"},
    "xlrd": {"nlp/readers/sheet.py"},
    "pdfplumber": {"nlp/readers/pdf.py"},
    "pdfminer": {"nlp/readers/pdf.py"},
}

#: for each layer, the project layers it must not import
FORBIDDEN = {
    "nlp": {"index", "models", "service", "web", "cli"},
    "index": {"models", "service", "web", "cli"},
    "models": {"index", "service", "web", "cli"},
    "service": {"web", "cli", "typer", "fastapi", "starlette", "uvicorn"},
    "web": {"cli", "index", "models", "typer"},
}


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_respects_the_layers(path: Path) -> None:
    layer = owner(path)
    bad = imported_roots(path) & FORBIDDEN.get(layer, set())
    assert bad == set(), f"{path.relative_to(ROOT)} ({layer}) imports {sorted(bad)}"


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_engines_are_imported_only_where_they_belong(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    roots = imported_roots(path)
    for engine, allowed in ENGINES.items():
        if engine not in roots:
            continue
        if allowed is None:
            assert owner(path) == "index", f"{rel} imports {engine}; only index/ may"
        elif isinstance(allowed, str):
            assert owner(path) == allowed, f"{rel} imports {engine}; only {allowed}/ may"
        else:
            assert rel in allowed, f"{rel} imports {engine}; only {sorted(allowed) or 'no module'} may"


def test_the_checker_sees_imports() -> None:
    """Guard against a checker that passes because it reads nothing."""
    assert {"jieba", "rjieba"} <= imported_roots(ROOT / "nlp" / "tokenize.py")
    assert "typer" in imported_roots(ROOT / "cli.py")
    assert {"fastapi", "service"} <= imported_roots(ROOT / "web" / "app.py")
    assert "index" in imported_roots(ROOT / "service" / "ingest.py")


def test_every_layer_is_checked() -> None:
    """A new top-level package must be placed in the layers before its code can pass unchecked."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= set(PACKAGES) | {"bench", "tests", "docs"}, packages - set(PACKAGES)


def imported_modules(path: Path) -> set[str]:
    """Full dotted names of the modules ``path`` imports (absolute imports only)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "nlp" / "interpret").rglob("*.py")), ids=lambda p: p.name)
def test_the_interpreter_knows_no_reader(path: Path) -> None:
    """The interpreter reads any table model; the physical forms live in the readers only."""
    bad = {m for m in imported_modules(path) if m == "nlp.readers" or m.startswith("nlp.readers.")}
    assert bad == set(), f"{path.relative_to(ROOT)} imports {sorted(bad)}"
