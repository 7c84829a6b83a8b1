"""Summed counts → the metric dictionary of the score JSON (a pure function).

The ``main`` F1 per layer is what the leaderboard ranks by; ``secondary`` is the
more forgiving companion reported beside it:

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

from collections.abc import Mapping
from typing import Any

from bench.schema import Layer
from bench.score.entities import Mode
from bench.score.sums import ScoreCounts

#: The metric each layer is ranked by, and its more forgiving companion.
MAIN_METRIC: Mapping[Layer, str] = {Layer.ENTITIES: "strict", Layer.NUMBERS: "value", Layer.ATTRIBUTIONS: "strict"}
SECONDARY_METRIC: Mapping[Layer, str] = {Layer.ENTITIES: "partial", Layer.NUMBERS: "full", Layer.ATTRIBUTIONS: "lenient"}


def f1_of(counts: ScoreCounts, layer: Layer, metric: str) -> float | None:
    """F1 of ``metric`` in ``layer`` (``None`` when the layer was not scored)."""
    if layer is Layer.ENTITIES:
        entities = counts.entities
        if entities is None:
            return None
        mode = Mode(metric)
        return entities.overall(mode).prf(partial_weight=mode.strategy.partial_weight).f1
    if layer is Layer.NUMBERS:
        numbers = counts.numbers
        if numbers is None:
            return None
        if numbers.span_free_documents:  # span-free gold: the span-free mode of the same metric ranks
            return {"value": numbers.span_free_value, "full": numbers.span_free_full}[metric].prf().f1
        return numbers.metric(metric).prf().f1
    attributions = counts.attributions
    if attributions is None:
        return None
    relation = attributions.relation
    return {"strict": relation.strict, "lenient": relation.lenient}[metric].prf().f1


def main_f1(counts: ScoreCounts) -> dict[Layer, float | None]:
    """The leaderboard F1 of each layer (:data:`MAIN_METRIC`)."""
    return {layer: f1_of(counts, layer, MAIN_METRIC[layer]) for layer in Layer}


def metric_dict(counts: ScoreCounts) -> dict[str, Any]:
    """Every metric of summed ``counts`` as plain JSON data (keys in the module docstring)."""
    return {
        "documents": counts.documents,
        "main": {layer.value: f1_of(counts, layer, MAIN_METRIC[layer]) for layer in Layer},
        "secondary": {
            layer.value: f1_of(counts, layer, SECONDARY_METRIC[layer]) for layer in Layer
        },
        "entities": None if counts.entities is None else counts.entities.to_dict(),
        "numbers": None if counts.numbers is None else counts.numbers.to_dict(),
        "attributions": None if counts.attributions is None else counts.attributions.to_dict(),
    }
