"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

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
