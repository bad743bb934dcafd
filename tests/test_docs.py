"""The README stays honest: its test command is what CI runs, and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_names() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd ", ".ci/install-"))]
    assert len(ci) == 1, ci
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    test_commands = [line for block in blocks for line in block.splitlines() if "pytest" in line]
    assert test_commands == [ci[0]]


def test_readme_first_screen_has_the_demo_command() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "jixiao demo" in first_screen


@pytest.mark.parametrize("name", _command_names())
def test_command_has_help_text(name: str) -> None:
    [command] = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]  # type: ignore[union-attr]
    assert (command.help or (command.callback.__doc__ or "")).strip(), f"command {name!r} has no help text"


@pytest.mark.parametrize("name", _command_names())
def test_command_is_mentioned_in_readme(name: str) -> None:
    assert re.search(rf"\bjixiao(?: --data-dir \S+)? {re.escape(name)}\b", README), (
        f"README.md does not mention 'jixiao {name}'"
    )
