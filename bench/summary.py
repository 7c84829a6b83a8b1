"""Counts of gold annotations per split, layer and label (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bench.schema import GoldDocument, Layer


def label_of(layer: Layer, record: object) -> str:
    """The label an annotation is counted under: entity type, number kind, attribution kind."""
    attribute = {"entities": "label", "numbers": "kind", "attributions": "kind"}[layer.value]
    value = getattr(record, attribute)
    return "?" if value is None else str(value)


def counts(documents: Iterable[GoldDocument]) -> Counter[tuple[str, str, str]]:
    """``(split, layer, label) → number of annotations``, plus ``(split, "documents", "")``.

    >>> from bench.schema import Annotations, Entity, EntityLabel
    >>> doc = GoldDocument("d", "seed", "Paris", "", Annotations("d", (Entity(0, 5, EntityLabel.GPE),), (), ()))
    >>> sorted(counts([doc]).items())
    [(('seed', 'documents', ''), 1), (('seed', 'entities', 'GPE'), 1)]
    """
    out: Counter[tuple[str, str, str]] = Counter()
    for doc in documents:
        out[(doc.split, "documents", "")] += 1
        for layer in Layer:
            for record in doc.annotations.layer(layer) or ():
                out[(doc.split, layer.value, label_of(layer, record))] += 1
    return out


def table_markdown(documents: Iterable[GoldDocument]) -> str:
    """Documents and annotations per layer and label, one column per split (Markdown)."""
    docs = list(documents)
    tally = counts(docs)
    splits = sorted({d.split for d in docs})
    lines = ["| layer | label | " + " | ".join(splits) + " | total |", "|---|---|" + "---:|" * (len(splits) + 1)]
    keys = [("documents", "")] + sorted({(layer, label) for _, layer, label in tally if layer != "documents"},
                                        key=lambda k: ([lay.value for lay in Layer].index(k[0]), k[1]))
    for layer, label in keys:
        values = [tally[(split, layer, label)] for split in splits]
        lines.append(f"| {layer} | {label} | " + " | ".join(map(str, values)) + f" | {sum(values)} |")
    return "\n".join(lines) + "\n"
