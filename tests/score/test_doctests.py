"""The examples in the scorer's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["align", "attribution_credits", "attribution_match", "attributions", "entity_batch", "units", "counts", "entities", "items", "numbers", "tokens", "markdown"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"bench.score.{name}")
    failures, _ = doctest.testmod(module)
    assert failures == 0
