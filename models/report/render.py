"""The Jinja2 environment of the reports; the service's pages load the same templates and macros."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["environment", "report_css", "TEMPLATE_PACKAGE"]

TEMPLATE_PACKAGE = ("models.report", "templates")


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=PackageLoader(*TEMPLATE_PACKAGE), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def report_css() -> str:
    """The reports' style sheet, inlined into each HTML report (so it is one self-contained file)."""
    return (resources.files("models.report") / "templates" / "report.css").read_text(encoding="utf-8")
