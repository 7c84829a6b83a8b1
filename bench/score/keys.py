"""The one typed description of every metric: its key per layer, its title, main and secondary per layer.

A key's ``value`` is at once its name in the score JSON (a section key or, for the nested component
and span-free rows, the ``mode`` column of ``results.csv``) and the word a table shows; renaming a
metric or adding one is a change to an enum here (and the count record that holds its counts).
Renderers select rows (:mod:`bench.score.rows`) by these keys, so mypy catches a wrong name.

* entities — :class:`~bench.score.entities.Mode` (main ``strict``, secondary ``partial``);
* numbers — :class:`~bench.score.numbers.NumberMetric` (main ``value``, secondary ``full``) and
  :class:`~bench.score.numbers.SpanFree`;
* attributions — :class:`AttributionMetric` (main ``strict``, secondary ``lenient``) and
  :class:`ComponentMetric` (a :class:`Component` under a :class:`ComponentView`, or the resolved source).

``Mode`` and ``NumberMetric`` live beside the counts they index (the scorers use them); this module
re-exports them so a renderer needs one import.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bench.schema import Layer
from bench.score.entities import Mode
from bench.score.numbers import NumberMetric, SpanFree

__all__ = [
    "MAIN",
    "SECONDARY",
    "AttributionMetric",
    "Component",
    "ComponentMetric",
    "ComponentView",
    "MetricKey",
    "Mode",
    "NumberMetric",
    "RowKey",
    "SpanFree",
    "layer_of",
    "title",
]


class AttributionMetric(StrEnum):
    """A relation-level attribution metric (:mod:`bench.score.attributions`)."""

    STRICT = "strict"  #: source, cue and content all identical (the main metric)
    LENIENT = "lenient"  #: each identical or sharing a word token (the secondary metric)


class Component(StrEnum):
    """A part of an attribution scored on its own."""

    SOURCE = "source"
    CUE = "cue"
    CONTENT = "content"


class ComponentView(StrEnum):
    """How one component is compared: exact match, pooled token overlap, per-item coverage."""

    EXACT = "exact"
    OVERLAP = "overlap"
    OVERLAP_JM = "overlap_jm"


class ComponentMetric(StrEnum):
    """A component metric as one key: a component and view, or the resolved source."""

    SOURCE_EXACT = "source_exact"
    SOURCE_OVERLAP = "source_overlap"
    SOURCE_OVERLAP_JM = "source_overlap_jm"
    CUE_EXACT = "cue_exact"
    CUE_OVERLAP = "cue_overlap"
    CUE_OVERLAP_JM = "cue_overlap_jm"
    CONTENT_EXACT = "content_exact"
    CONTENT_OVERLAP = "content_overlap"
    CONTENT_OVERLAP_JM = "content_overlap_jm"
    SOURCE_RESOLVED = "source_resolved"  #: source.exact, or a predicted source naming the gold entity

    @property
    def component(self) -> Component:
        return Component(self.value.split("_", 1)[0])

    @property
    def view(self) -> ComponentView | None:
        """The view, ``None`` for :attr:`SOURCE_RESOLVED` (its own count)."""
        rest = self.value.split("_", 1)[1]
        return None if rest == "resolved" else ComponentView(rest)

    @classmethod
    def of(cls, component: Component, view: ComponentView) -> ComponentMetric:
        return cls(f"{component.value}_{view.value}")


#: A leaderboard metric: one whose F1 has a bootstrap interval and can be main or secondary.
MetricKey = Mode | NumberMetric | AttributionMetric
#: Any metric a row of :mod:`bench.score.rows` is about.
RowKey = Mode | NumberMetric | SpanFree | AttributionMetric | ComponentMetric

#: The metric each layer is ranked by (the regression gate watches it).
MAIN: Mapping[Layer, MetricKey] = {Layer.ENTITIES: Mode.STRICT, Layer.NUMBERS: NumberMetric.VALUE,
                                   Layer.ATTRIBUTIONS: AttributionMetric.STRICT}
#: Its more forgiving companion.
SECONDARY: Mapping[Layer, MetricKey] = {Layer.ENTITIES: Mode.PARTIAL, Layer.NUMBERS: NumberMetric.FULL,
                                        Layer.ATTRIBUTIONS: AttributionMetric.LENIENT}


def layer_of(key: RowKey) -> Layer:
    """The layer a key belongs to.

    >>> layer_of(Mode.STRICT), layer_of(SpanFree.FULL), layer_of(ComponentMetric.CUE_EXACT)
    (<Layer.ENTITIES: 'entities'>, <Layer.NUMBERS: 'numbers'>, <Layer.ATTRIBUTIONS: 'attributions'>)
    """
    if isinstance(key, Mode):
        return Layer.ENTITIES
    if isinstance(key, (NumberMetric, SpanFree)):
        return Layer.NUMBERS
    return Layer.ATTRIBUTIONS


def title(key: RowKey) -> str:
    """The words a table shows for a key.

    >>> title(Mode.STRICT), title(SpanFree.VALUE), title(ComponentMetric.SOURCE_OVERLAP_JM)
    ('strict', 'span-free value', 'source overlap jm')
    """
    if isinstance(key, SpanFree):
        return f"span-free {key.metric.value}"
    if isinstance(key, ComponentMetric):
        return key.value.replace("_", " ")
    return key.value
