"""Gold files that annotate only some layers: declared with ``layers``, checked by the validator."""

from __future__ import annotations

from bench.schema import Annotations, Entity, EntityLabel
from bench.validate import check_annotations

TEXT = "EU rejects it."
ENTITY = Entity(0, 2, EntityLabel.ORG, id="e1", text="EU")


def test_a_declared_entities_only_gold_needs_no_other_layer() -> None:
    ann = Annotations("d", entities=(ENTITY,))
    assert check_annotations(ann, TEXT, gold=True, annotated=("entities",)) == []


def test_without_a_declaration_every_layer_is_still_required() -> None:
    ann = Annotations("d", entities=(ENTITY,))
    assert check_annotations(ann, TEXT, gold=True) == [
        ("$.numbers", "missing layer (gold must list every layer, [] when empty)"),
        ("$.attributions", "missing layer (gold must list every layer, [] when empty)"),
    ]


def test_a_layer_present_but_not_declared_and_an_unknown_layer_name_are_defects() -> None:
    ann = Annotations("d", entities=(ENTITY,), numbers=())
    assert check_annotations(ann, TEXT, gold=True, annotated=("entities", "quotes")) == [
        ("$.layers[1]", "'quotes' is not a layer (entities, numbers, attributions)"),
        ("$.numbers", "present, but not listed in $.layers"),
    ]
