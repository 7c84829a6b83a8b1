"""Hypothesis strategies and small builders shared by the scorer tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from bench.schema import Entity, EntityLabel

#: A few labels, so that equal and different labels both occur often.
FEW_LABELS = (EntityLabel.PERSON, EntityLabel.ORG, EntityLabel.GPE)
#: Width of a slot; gold spans stay far below nervaluate's 1 % overlap threshold (100 units).
WIDTH = 30

Doc = tuple[list[Entity], list[Entity]]


@st.composite
def _interval(draw: Any, lo: int, hi: int) -> tuple[int, int]:
    start = draw(st.integers(lo, hi - 1))
    end = draw(st.integers(start + 1, hi))
    return start, end


@st.composite
def slotted_doc(draw: Any, *, label_consistent: bool = False, max_slots: int = 8) -> Doc:
    """Gold and predicted entities confined to slots, at most one of each per slot.

    Every cluster of overlaps is therefore one gold and one prediction at most,
    so any one-to-one matching (greedy or optimal, in any order) is the same one.
    With ``label_consistent`` an overlapping prediction has its gold's label.
    """
    gold: list[Entity] = []
    pred: list[Entity] = []
    for slot in range(draw(st.integers(0, max_slots))):
        base = slot * WIDTH
        g: Entity | None = None
        if draw(st.booleans()):
            s, e = draw(_interval(base, base + WIDTH))
            g = Entity(s, e, draw(st.sampled_from(FEW_LABELS)))
            gold.append(g)
        how = draw(st.sampled_from(["none", "same", "relabel", "free", "free"]))
        if how == "none":
            continue
        if g is not None and how == "same":
            pred.append(g)
            continue
        if g is not None and how == "relabel":
            label = g.label if label_consistent else draw(st.sampled_from([x for x in FEW_LABELS if x != g.label]))
            pred.append(Entity(g.start, g.end, label))
            continue
        s, e = draw(_interval(base, base + WIDTH))
        label = draw(st.sampled_from(FEW_LABELS))
        if label_consistent and g is not None and min(e, g.end) > max(s, g.start):
            label = g.label
        pred.append(Entity(s, e, label))
    return gold, pred


@st.composite
def disjoint_entities(draw: Any, *, limit: int = 120, max_items: int = 6) -> list[Entity]:
    """Non-overlapping entities (a side may still overlap several of the other side's)."""
    n = draw(st.integers(0, max_items))
    cuts = sorted(draw(st.sets(st.integers(0, limit), min_size=2 * n, max_size=2 * n)))
    return [Entity(cuts[2 * i], cuts[2 * i + 1], draw(st.sampled_from(FEW_LABELS))) for i in range(n)]


def shuffled(draw_list: Sequence[Any], permutation: Sequence[int]) -> list[Any]:
    return [draw_list[i] for i in permutation]


def nervaluate_results(docs: Sequence[Doc]) -> dict[str, Any]:
    """nervaluate 1.2.1 on the same data (its spans have inclusive ends: ``end - 1``)."""
    from nervaluate import Evaluator

    def side(entities: Sequence[Entity]) -> list[dict[str, Any]]:
        return [{"label": str(e.label), "start": e.start, "end": e.end - 1} for e in entities]

    true = [side(g) for g, _ in docs]
    pred = [side(p) for _, p in docs]
    result: dict[str, Any] = Evaluator(true, pred, tags=[str(x) for x in EntityLabel], loader="dict").evaluate()
    return result


#: Our mode name → nervaluate's strategy name.
NERVALUATE_NAME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
