"""Summed counts → the metric dictionary of the score JSON (a pure function), and F1 by typed key.

The ``main`` F1 per layer is what the leaderboard ranks by; ``secondary`` is the
more forgiving companion reported beside it (declared once, as typed keys, in :mod:`bench.score.keys`;
renderers read :mod:`bench.score.rows`, not this dictionary):

=============  ==========================  ======================
layer          main                        secondary
=============  ==========================  ======================
entities       strict F1                   partial F1
numbers        value F1                    full F1
attributions   strict F1                   lenient F1
=============  ==========================  ======================

Keys of :func:`metric_dict` (``null`` for a layer not scored — not attempted by the
system or not annotated in the gold — never 0):

* ``documents`` — number of documents summed.
* ``main`` / ``secondary`` — ``{layer: F1 or null}`` as in the table above.
* ``entities`` — ``strict``, ``exact``, ``partial``, ``type``: ``{precision, recall,
  f1, correct, incorrect, partial, missed, spurious, possible, actual}`` (micro,
  SemEval-2013 9.1); ``macro``: ``{mode: {precision, recall, f1}}``; ``by_label``:
  ``{label: {mode: {...}}}``; ``coarse``: the same three for PER/ORG/LOC/MISC;
  ``errors``: ``{missed, spurious, wrong_type, wrong_boundary}`` in the strict
  alignment; and, from :meth:`bench.score.result.CorpusScore.to_dict` only, ``confusion``:
  ``{labels, matrix}`` (rows gold, columns predicted, aligned pairs).
* ``numbers`` — ``span`` (identical span), ``value`` (overlapping span, equal value),
  ``value_unit`` (and equal unit), ``value_qualifier`` (and equal qualifier), ``full``
  (value, unit and qualifier), ``strict`` (identical span and full), each under its own
  best alignment of overlapping pairs: ``{precision, recall, f1, correct, predicted,
  gold}``; ``span_free``: ``{value, full}`` of the same shape (matched by value, offsets
  ignored); ``errors``: ``{missed, spurious, wrong_boundary, wrong_value, wrong_unit,
  wrong_qualifier}``; ``kind``: ``{accuracy, correct, pairs, labels, matrix}`` (number
  kind over aligned pairs whose gold has a kind; matrix rows gold, columns predicted,
  label ``none`` = no kind).
* ``attributions`` — ``strict``, ``lenient``: ``{precision, recall, f1, correct,
  predicted, gold}``; ``source``, ``cue``, ``content``: ``{exact: {...}, overlap:
  {precision, recall, f1, overlap, predicted, gold}, overlap_jm: {precision, recall, f1,
  predicted, gold}}`` (overlap in tokens, pooled over aligned pairs; overlap_jm the mean
  coverage per item), and ``source.resolved`` (exact shape); ``kind``: ``{accuracy, correct,
  pairs, labels, matrix}`` (rows gold, columns predicted); ``by_kind``:
  ``{direct|indirect|mixed|unspecified: {strict, lenient}}``; ``errors``: ``{missed, spurious,
  wrong_source, source_resolved, wrong_cue, content_boundary}``. Definitions and which
  alignment each count uses: :mod:`bench.score.attributions`.

Ratios with a zero denominator are not applicable, ``null`` (:mod:`bench.division`); ``main``/``secondary``
are ``null`` both for a layer not scored and for an F1 that is not applicable (no gold and no predictions).
"""

from __future__ import annotations

from typing import Any

from bench.schema import Layer
from bench.score.keys import MAIN, SECONDARY, MetricKey
from bench.score.rows import metric_row
from bench.score.sums import ScoreCounts

#: The metric each layer is ranked by, and its more forgiving companion (declared in :mod:`bench.score.keys`).
MAIN_METRIC = MAIN
SECONDARY_METRIC = SECONDARY


def f1_of(counts: ScoreCounts, key: MetricKey) -> float | None:
    """F1 of ``key`` (``None`` when its layer was not scored)."""
    row = metric_row(counts, key)
    return None if row is None else row.prf.f1


def main_f1(counts: ScoreCounts) -> dict[Layer, float | None]:
    """The leaderboard F1 of each layer (:data:`MAIN_METRIC`)."""
    return {layer: f1_of(counts, MAIN[layer]) for layer in Layer}


def secondary_f1(counts: ScoreCounts) -> dict[Layer, float | None]:
    """The companion F1 of each layer (:data:`SECONDARY_METRIC`)."""
    return {layer: f1_of(counts, SECONDARY[layer]) for layer in Layer}


def metric_dict(counts: ScoreCounts) -> dict[str, Any]:
    """Every metric of summed ``counts`` as plain JSON data (keys in the module docstring)."""
    return {
        "documents": counts.documents,
        "main": {layer.value: f1 for layer, f1 in main_f1(counts).items()},
        "secondary": {layer.value: f1 for layer, f1 in secondary_f1(counts).items()},
        "entities": None if counts.entities is None else counts.entities.to_dict(),
        "numbers": None if counts.numbers is None else counts.numbers.to_dict(),
        "attributions": None if counts.attributions is None else counts.attributions.to_dict(),
    }
