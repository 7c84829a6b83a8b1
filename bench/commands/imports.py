"""``newsbench import``: turn annotated corpora into gold folders (``documents/<id>.txt`` + ``.json``).

Each sub-command reads a local copy and writes a gold folder atomically (default
``data/<corpus>/``, git-ignored); the result loads with :func:`bench.gold.load_gold` and
passes ``newsbench validate``. Bad input is one line naming file and line (exit 2).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from bench.atomic import write_text
from bench.errors import UserError
from bench.importers.brat import Conversion
from bench.importers.gold_folder import ImportedDocument, write_gold_folder

import_app = typer.Typer(help="Import an annotated corpus as gold (entities, numbers or attributions).",
                         no_args_is_help=True)


def _written(corpus: str, documents: list[ImportedDocument], out: Path, started: float) -> None:
    count = write_gold_folder(documents, out)
    splits: dict[str, int] = {}
    for doc in documents:
        splits[doc.split] = splits.get(doc.split, 0) + 1
    entities = sum(len(d.entities) for d in documents)
    attributions = sum(len(d.attributions) for d in documents)
    numbers = sum(len(d.numbers) for d in documents)
    items = f"{attributions} attributions" if attributions and not entities else f"{entities} entities"
    if numbers and not entities:
        items = f"{numbers} numbers (no offsets)"
    shown = ", ".join(f"{k} {v}" for k, v in sorted(splits.items()))
    typer.echo(f"{corpus}: {count} documents ({shown}), {items} → {out} "
               f"({time.perf_counter() - started:.1f} s)")


def _conversion_summary(conversion: Conversion) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(conversion.kinds.items()))
    share = conversion.ambiguous_kind / conversion.events if conversion.events else 0.0
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(conversion.skipped_types.items())) or "none"
    return (f"attributions {conversion.events}: no source {conversion.no_source}, discontinuous content "
            f"{conversion.discontinuous_content}, discontinuous source/cue joined {conversion.joined_source_or_cue}, "
            f"brat text differs from the .txt {conversion.text_mismatches}, edge white space trimmed "
            f"{conversion.trimmed}, left out with no content {conversion.no_content}, duplicates left out {conversion.duplicates}; kind {kinds}; kind ambiguous "
            f"{conversion.ambiguous_kind} ({100 * share:.1f}%); other event types skipped: {skipped}")


@import_app.command("polnear")
def polnear(
    path: Annotated[Path, typer.Argument(help="PolNeAR copy: the repository folder (with data/) or its data/ folder.")],
    out: Annotated[Path, typer.Option(help="Gold folder to write.")] = Path("data/polnear"),
    split: Annotated[list[str] | None, typer.Option("--split", help="Split(s) to import: train, dev, test "
                                                    "(default all three) or annotator-training.")] = None,
    agreement: Annotated[Path | None, typer.Option("--agreement", help="Also write the inter-annotator agreement "
                                                   "of multiply annotated documents to this JSON file.")] = None,
) -> None:
    """PolNeAR → attribution gold (source, cue, content, kind; other layers not annotated), with agreement."""
    from bench.importers.polnear import import_polnear
    from bench.importers.polnear_agreement import agreement_report, agreement_text

    started = time.perf_counter()
    imported = import_polnear(path, splits=split or None)
    typer.echo(_conversion_summary(imported.conversion))
    _written("polnear", imported.documents, out, started)
    report = agreement_report(imported)
    typer.echo(agreement_text(report))
    if agreement is not None:
        write_text(agreement, json.dumps(report, indent=2, sort_keys=True) + "\n")


@import_app.command("brat")
def brat(
    path: Annotated[Path, typer.Argument(help="A brat project folder: <doc>.txt beside <doc>.ann (searched recursively).")],
    out: Annotated[Path, typer.Option(help="Gold folder to write.")] = Path("data/brat"),
    role_map: Annotated[str, typer.Option("--map", help="brat role → component, e.g. "
                                          "Source=source,Cue=cue,Content=content (the default).")] = "",
    event: Annotated[list[str] | None, typer.Option("--event", help="Event type(s) that are attributions "
                                                    "(default Attribution, Attribution-no-source).")] = None,
    no_source: Annotated[list[str] | None, typer.Option("--no-source", help="Event type(s) without a source "
                                                        "(default Attribution-no-source).")] = None,
    split: Annotated[str, typer.Option(help="Split name for every document.")] = "default",
) -> None:
    """A brat standoff project → attribution gold (one document per .ann with its .txt)."""
    from bench.gold import read_text
    from bench.importers.brat import DEFAULT_EVENTS, DEFAULT_NO_SOURCE, attributions, parse_role_map, read_ann
    from bench.schema import Layer

    started = time.perf_counter()
    roles = parse_role_map(role_map)
    total = Conversion()
    documents: list[ImportedDocument] = []
    files = sorted(path.rglob("*.ann")) if path.is_dir() else [path]
    if not files:
        raise UserError(f"{path}: no .ann files", exit_code=2)
    for ann_path in files:
        text_path = ann_path.with_suffix(".txt")
        if not text_path.is_file():
            raise UserError(f"{ann_path}: no text file {text_path}", exit_code=2)
        text = read_text(text_path)
        found, stats = attributions(read_ann(ann_path), text,
                                    event_types=event or DEFAULT_EVENTS, no_source=no_source or DEFAULT_NO_SOURCE,
                                    roles=roles)
        total.add(stats)
        documents.append(ImportedDocument(ann_path.stem, split, text, provenance=f"brat {ann_path.name}",
                                          attributions=found, layers=(Layer.ATTRIBUTIONS,)))
    typer.echo(_conversion_summary(total))
    _written("brat", documents, out, started)


@import_app.command("newsquant")
def newsquant(
    path: Annotated[Path, typer.Argument(help="NewsQuant.json (or a folder holding it), or one of the four "
                                         "Recognizers-Text sets in the same format (age-model.json, ...).")],
    out: Annotated[Path, typer.Option(help="Gold folder to write.")] = Path("data/newsquant"),
) -> None:
    """NewsQuant → span-free number gold, one document per sentence (value, unit, qualifier; no offsets)."""
    from bench.importers.newsquant import import_newsquant
    from bench.schema import Layer

    started = time.perf_counter()
    sentences, stats = import_newsquant(path)
    typer.echo(f"quantities {stats.quantities}: ranges {stats.ranges} (reversed, stored low to high: "
               f"{stats.reversed_ranges}); change {dict(sorted(stats.changes.items()))}")
    documents = [ImportedDocument(s.doc_id, "test", s.text, provenance=f"newsquant {path.name}", numbers=s.numbers,
                                  layers=(Layer.NUMBERS,), offsets=False) for s in sentences]
    _written("newsquant", documents, out, started)


@import_app.command("gum")
def gum(
    path: Annotated[Path, typer.Argument(help="GUM copy: a folder with dep/*.conllu and splits.md or xml/.")],
    out: Annotated[Path, typer.Option(help="Gold folder to write.")] = Path("data/gum"),
    named: Annotated[str, typer.Option(help="Which mentions are names: propn (proper-noun head), "
                                       "linked (Wikipedia identity) or either.")] = "propn",
) -> None:
    """GUM news → entity gold (named mentions, OntoNotes labels; other layers not annotated)."""
    from bench.importers.gum import import_gum

    started = time.perf_counter()
    documents, stats = import_gum(path, rule=named)
    typer.echo(f"mentions {stats.mentions}: linked {stats.linked}, proper-noun head {stats.propn}, either "
               f"{stats.either}; rule {named}: dropped without OntoNotes type "
               f"{sum(stats.no_counterpart.values())} ({dict(sorted(stats.no_counterpart.items()))}), "
               f"nested or duplicate {stats.nested_dropped}")
    _written("gum", documents, out, started)


@import_app.command("conll")
def conll(
    path: Annotated[Path, typer.Argument(help="A CoNLL BIO/IOB file or a folder of them (*.conll, *.txt, *.bio).")],
    out: Annotated[Path, typer.Option(help="Gold folder to write.")] = Path("data/conll"),
    text: Annotated[Path | None, typer.Option("--text", help="Folder of raw texts <doc_id>.txt to align tokens to; "
                                              "without it the text is the tokens joined by spaces.")] = None,
    label_map: Annotated[str, typer.Option("--label-map", help="Tag types to OntoNotes labels, e.g. "
                                           "PER=PERSON,LOC=GPE,MISC=- (- drops the type).")] = "",
    split: Annotated[str, typer.Option(help="Split name for every document.")] = "default",
    column: Annotated[int, typer.Option(help="Tag column (0-based; default: the last).")] = -1,
) -> None:
    """CoNLL BIO/IOB files (token + tag columns, -DOCSTART-, blank-line sentences) → entity gold."""
    from bench.importers.conll import import_conll
    from bench.labels import parse_label_map

    started = time.perf_counter()
    documents = import_conll(path, text_dir=text, labels=parse_label_map(label_map), split=split, column=column)
    _written("conll", documents, out, started)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
