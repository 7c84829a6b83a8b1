"""Phenomenon slices: how a system does on the gold items showing each phenomenon (pure).

A *slice* is one phenomenon of :data:`bench.phenomena.PHENOMENA`, or one annotator tag found
in the gold that no phenomenon reads (named ``tag: NAME``; left out when it marks exactly the gold
items of a phenomenon, e.g. ``in_words`` and "numeral in words"), on its layer. Definitions:

* An item's *credit* in a metric is what that metric gives the pair the error list aligns
  it with (:meth:`bench.score.result.DocumentScore.items`: the strict alignment for entities
  and attributions, the value-optimal one for numbers), 0 when it is aligned to nothing:

  - entities: ``strict`` 1 for identical span and label; ``partial`` 1 for identical span,
    0.5 for an overlapping one (label ignored);
  - numbers: ``value`` / ``full`` 1 when :func:`bench.score.numbers.credits` has the metric;
  - attributions: ``strict`` / ``lenient`` 1 when the pair, scored alone by
    :func:`bench.score.attributions.score_attributions`, is correct in it.

* **recall** of a slice in a metric = Σ credit of the gold items showing the phenomenon /
  the number of those gold items (``gold``).
* **precision** = Σ credit of the predicted items showing it / their number (``predicted``),
  only for phenomena derived from record fields (a predicted number in words, a predicted
  direct quote); a tag-based slice is *recall only* (predictions carry no annotator tags),
  and its precision is ``None``. Predicted spans are given their text from the document first.
* The main metric's slice recall over *all* gold items of the layer equals the scorer's
  main recall (the error list's alignment is optimal for it); the secondary metric has its
  own alignment in the scorer, so the slice figure can be slightly lower than its recall.
* Intervals: 95% percentile bootstrap with documents resampled (:func:`bench.stats.bootstrap_intervals`,
  its seed and resample count), over the documents where the layer is scored. A slice with
  fewer than :data:`MIN_ITEMS` gold items (predicted items, for precision) gets its count and
  no interval.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bench import stats
from bench.phenomena import PHENOMENA, Phenomenon, has_tag
from bench.schema import Attribution, Entity, Layer, Number, Span
from bench.score.attributions import score_attributions
from bench.score.entities import Mode
from bench.score.items import Record, ScoredItem
from bench.score.keys import AttributionMetric
from bench.score.metrics import MAIN_METRIC, SECONDARY_METRIC
from bench.score.numbers import NumberMetric, credits
from bench.score.result import CorpusScore

#: Below this many gold (or predicted) items a slice is shown with its count and no interval.
MIN_ITEMS = 5
TOO_FEW_ITEMS = f"fewer than {MIN_ITEMS} items: no interval"
RECALL_ONLY = "recall only"
#: Name prefix of a slice read from a gold tag no phenomenon reads.
TAG = "tag: "


@dataclass(frozen=True, slots=True)
class Slice:
    """One phenomenon's scores for one system.

    ``recall[metric]`` / ``precision[metric]`` for the layer's main and secondary metric
    (``precision`` empty when ``recall_only``); ``overall_recall`` is the main-metric recall
    over every gold item of the layer, so ``gap`` says how much worse the slice is.
    """

    name: str
    layer: Layer
    gold: int
    predicted: int | None
    recall: dict[str, stats.Interval]
    precision: dict[str, stats.Interval]
    overall_recall: float | None

    @property
    def recall_only(self) -> bool:
        return self.predicted is None

    @property
    def main(self) -> str:
        return MAIN_METRIC[self.layer]

    @property
    def secondary(self) -> str:
        return SECONDARY_METRIC[self.layer]

    @property
    def gap(self) -> float | None:
        """Main-metric slice recall minus the layer's overall main recall (negative: worse than overall)."""
        value = self.recall[self.main].value
        if value is None or self.overall_recall is None:
            return None
        return value - self.overall_recall

    def to_dict(self) -> dict[str, Any]:
        """The slice as JSON: ``{name, layer, gold, predicted, recall_only, overall_recall, gap,
        recall: {METRIC: interval}, precision: {METRIC: interval} | null}`` (intervals as in
        :class:`bench.stats.Interval`: ``{value, low, high, documents, level, note}``)."""
        return {
            "name": self.name, "layer": self.layer.value, "gold": self.gold, "predicted": self.predicted,
            "recall_only": self.recall_only, "overall_recall": self.overall_recall, "gap": self.gap,
            "recall": {m: dataclasses.asdict(i) for m, i in self.recall.items()},
            "precision": None if self.recall_only else {m: dataclasses.asdict(i) for m, i in self.precision.items()},
        }


def with_text(record: Record, text: str) -> Record:
    """The record with each span's ``text`` taken from the document (predictions may omit it)."""
    if isinstance(record, Attribution):
        def fill(span: Span | None) -> Span | None:
            return None if span is None else dataclasses.replace(span, text=text[span.start : span.end])

        return dataclasses.replace(record, source=fill(record.source), cue=fill(record.cue),
                                   content=tuple(Span(s.start, s.end, text[s.start : s.end]) for s in record.content))
    return dataclasses.replace(record, text=text[record.start : record.end])


def pair_credits(item: ScoredItem, metrics: Sequence[str], text: str) -> list[float]:
    """The credit each of ``metrics`` gives the item's aligned pair (0 for a missed or spurious item),
    judged by the scorer's own rules: an entity mode's :class:`~bench.score.entities.Strategy`, the
    number :func:`credits`, the attribution pair scored alone (once for all metrics)."""
    gold, pred = item.gold, item.pred
    if gold is None or pred is None:
        return [0.0] * len(metrics)
    if isinstance(gold, Entity) and isinstance(pred, Entity):
        exact = np.array([(gold.start, gold.end) == (pred.start, pred.end)])
        same = np.array([gold.label == pred.label])
        return [float(Mode(m).strategy.credit(exact, same)[0]) / 2 for m in metrics]  # the pair overlaps (aligned)
    if isinstance(gold, Number) and isinstance(pred, Number):
        found = credits(gold, pred)
        return [float(NumberMetric(m) in found) for m in metrics]
    assert isinstance(gold, Attribution) and isinstance(pred, Attribution)
    relation = score_attributions([gold], [pred], text=text).counts.relation
    return [float(relation.metric(AttributionMetric(m)).correct) for m in metrics]


@dataclass(frozen=True, slots=True)
class _Test:
    """A slice's name, layer, membership test and whether it is defined on predictions."""

    name: str
    layer: Layer
    test: Callable[[object], bool]
    on_predictions: bool


def _tests(tags: Iterable[tuple[Layer, str]], phenomena: Sequence[Phenomenon]) -> list[_Test]:
    """Every phenomenon, then each gold tag (sorted) that no phenomenon reads."""
    read = {(p.layer, p.tag) for p in phenomena if p.tag is not None}
    out = [_Test(p.name, p.layer, p.test, p.tag is None) for p in phenomena]
    out += [_Test(f"{TAG}{tag}", layer, has_tag(tag), False)
            for layer, tag in sorted(set(tags), key=lambda t: (list(Layer).index(t[0]), t[1])) if (layer, tag) not in read]
    return out


#: Per document and slice: [credit_p main, predicted, credit_r main, gold, credit_p secondary, predicted,
#: credit_r secondary, gold].
_K = 8


def _statistic(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Recall main, recall secondary, precision main, precision secondary of summed slice counts."""
    main, secondary = counts[..., :4], counts[..., 4:]
    return np.stack([stats.recall_statistic(main), stats.recall_statistic(secondary),
                     stats.precision_statistic(main), stats.precision_statistic(secondary)], axis=-1)


def _few(interval: stats.Interval) -> stats.Interval:
    return dataclasses.replace(interval, low=None, high=None, note=TOO_FEW_ITEMS) if interval.value is not None else interval


def phenomenon_slices(score: CorpusScore, phenomena: Sequence[Phenomenon] = PHENOMENA) -> tuple[Slice, ...]:
    """Every slice of every layer ``score`` scored, in :data:`PHENOMENA` order then tags (module docstring)."""
    out: list[Slice] = []
    for layer in Layer:
        docs = [(d, score.per_document[d]) for d in sorted(score.per_document)
                if score.per_document[d].layer(layer) is not None]
        if not docs:
            continue
        items = [(doc.text, list(doc.items(layer))) for _, doc in docs]
        tags = {(layer, t) for _, its in items for item in its if item.gold is not None for t in item.gold.tags}
        tests = [t for t in _tests(tags, phenomena) if t.layer is layer]
        metrics = (MAIN_METRIC[layer], SECONDARY_METRIC[layer])
        counts = np.zeros((len(tests), len(docs), _K), dtype=np.float64)
        members: list[set[tuple[int, int | None]]] = [set() for _ in tests]
        overall = [0.0, 0.0]
        for d, (text, its) in enumerate(items):
            for item in its:
                credit = pair_credits(item, metrics, text)
                if item.gold is not None:
                    overall[0] += credit[0]
                    overall[1] += 1
                pred = None if item.pred is None else with_text(item.pred, text)
                for s, test in enumerate(tests):
                    if item.gold is not None and test.test(item.gold):
                        counts[s, d, [2, 3, 6, 7]] += [credit[0], 1, credit[1], 1]
                        members[s].add((d, item.gold_index))
                    if pred is not None and test.on_predictions and test.test(pred):
                        counts[s, d, [0, 1, 4, 5]] += [credit[0], 1, credit[1], 1]
        overall_recall = overall[0] / overall[1] if overall[1] else None
        phenomena_members = [frozenset(m) for m, t in zip(members, tests) if not t.name.startswith(TAG)]
        for s, test in enumerate(tests):
            if test.name.startswith(TAG) and frozenset(members[s]) in phenomena_members:
                continue  # the tag marks exactly the gold items of a phenomenon: not repeated
            out.append(_slice(test, counts[s], metrics, overall_recall))
    return tuple(out)


def _slice(test: _Test, counts: npt.NDArray[np.float64], metrics: tuple[str, str],
           overall_recall: float | None) -> Slice:
    gold, predicted = int(counts[:, 3].sum()), int(counts[:, 1].sum())
    r_main, r_sec, p_main, p_sec = stats.bootstrap_intervals(counts, _statistic)
    recall = {metrics[0]: r_main, metrics[1]: r_sec}
    if gold < MIN_ITEMS:
        recall = {m: _few(i) for m, i in recall.items()}
    precision: dict[str, stats.Interval] = {}
    if test.on_predictions:
        precision = {metrics[0]: p_main, metrics[1]: p_sec}
        if predicted < MIN_ITEMS:
            precision = {m: _few(i) for m, i in precision.items()}
    return Slice(test.name, test.layer, gold, predicted if test.on_predictions else None, recall, precision,
                 overall_recall)
