"""The leaderboard chart is a real, deterministic PNG."""

from __future__ import annotations

import io

import numpy as np
from matplotlib import image

from bench.report.chart import chart_png
from bench.report.model import BenchResult


def test_chart_is_a_png_with_content(result: BenchResult) -> None:
    data = chart_png(result)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[0] > 600 and pixels.shape[1] > 800  # three panels: overall, seed, challenge
    colours = np.unique(pixels.reshape(-1, pixels.shape[-1]).round(2), axis=0)
    assert len(colours) > 20  # bars, text, grid: not a blank canvas


def test_chart_bytes_are_identical_across_renders(result: BenchResult) -> None:
    assert chart_png(result) == chart_png(result)


def test_chart_has_no_timestamp_or_software_metadata(result: BenchResult) -> None:
    data = chart_png(result)
    assert b"tIME" not in data and b"Software" not in data and b"matplotlib" not in data


def test_legend_names_every_system_even_one_that_skips_the_first_metric() -> None:
    from bench.gold import load_gold
    from bench.predictions import read_predictions
    from bench.report.build import ScoredSystem, build_result
    from bench.report.chart import chart_figure
    from bench.schema import Layer
    from bench.score import score_corpus
    from tests.report.conftest import FIXTURE

    gold = load_gold(FIXTURE / "gold.jsonl")
    alpha = read_predictions(FIXTURE / "alpha.jsonl").by_doc
    systems = [
        ScoredSystem(score_corpus(gold, alpha, system="numbers-only", attempted=frozenset({Layer.NUMBERS})), "1"),
        ScoredSystem(score_corpus(gold, alpha, system="alpha"), "1"),
    ]
    figure = chart_figure(build_result(gold, systems))
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["alpha", "numbers-only"]
