"""A data directory with two sample disclosures ingested and indexed, copied fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
from fastapi.testclient import TestClient

from service.ingest import ingest_and_index
from tests.conftest import SAMPLE_FILES
from web.app import ServiceConfig, create_app

#: the two documents every service test starts with
SEEDED = ("002", "004")


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingested and indexed once per session (the default classifier is built and cached there too)."""
    d = tmp_path_factory.mktemp("seeded") / "data"
    run = ingest_and_index([SAMPLE_FILES[k] for k in SEEDED], d)
    assert not run.failed
    return d


@pytest.fixture
def service_dir(seeded_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(seeded_dir, d, ignore=shutil.ignore_patterns("write.lock"))
    return d


@pytest.fixture
def make_client(service_dir: Path) -> Callable[..., TestClient]:
    def make(**config: object) -> TestClient:
        return TestClient(create_app(ServiceConfig(data_dir=service_dir, **config)))  # type: ignore[arg-type]

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
