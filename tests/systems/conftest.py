"""Shared fixtures for the system tests: one spaCy pipeline per test session."""

from __future__ import annotations

from typing import Any

import pytest

from systems import _spacy_model


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The default small English pipeline, loaded once."""
    model = _spacy_model.default_model()
    if not _spacy_model.availability(model).ok:
        pytest.skip(f"spaCy pipeline {model} is not installed")
    return _spacy_model.load(model)
