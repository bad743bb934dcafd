"""A model fitted once on the bundled sample indicators (a few seconds), shared by the model tests."""

from __future__ import annotations

import pytest

from models.classifier import TierModel, fit_tier_model
from models.labels import LabelledIndicator, load_bundled_training


@pytest.fixture(scope="session")
def sample_rows() -> list[LabelledIndicator]:
    return load_bundled_training()


@pytest.fixture(scope="session")
def sample_model(sample_rows: list[LabelledIndicator]) -> TierModel:
    return fit_tier_model(sample_rows)


@pytest.fixture(scope="session")
def default_model() -> TierModel:
    """The shipped default model: samples with the reviewers' corrections + the multi-sector corpus."""
    from models.classifier import fit_default_model

    return fit_default_model()
