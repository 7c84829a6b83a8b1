"""The examples in the docstrings of the report, statistics and gate modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["bench.stats", "bench.baseline", "bench.report.describe", "bench.report.html", "bench.report.markdown",
           "bench.report.model", "bench.report.viewer"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(name))
    assert failures == 0
