"""Fixtures shared by every test package."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from index.store import DB_NAME

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

#: the five bundled disclosures, by their three-digit prefix
SAMPLE_FILES = {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty jixiao data directory."""
    d = tmp_path / "data"
    d.mkdir()
    return d


def _snapshot(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the store in ``data_dir``, read through a separate connection."""
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def store_snapshot() -> Callable[[Path], dict[str, list[tuple]]]:
    """Reads the whole store, to show a failed run left it unchanged."""
    return _snapshot
