"""``newsbench import``: turn annotated corpora into gold folders (``documents/<id>.txt`` + ``.json``).

Each sub-command reads a local copy and writes a gold folder atomically (default
``data/<corpus>/``, git-ignored); the result loads with :func:`bench.gold.load_gold` and
passes ``newsbench validate``. Bad input is one line naming file and line (exit 2).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from bench.importers.gold_folder import ImportedDocument, write_gold_folder

import_app = typer.Typer(help="Import an annotated corpus as gold (entities, numbers or attributions).",
                         no_args_is_help=True)


def _written(corpus: str, documents: list[ImportedDocument], out: Path, started: float) -> None:
    count = write_gold_folder(documents, out)
    splits: dict[str, int] = {}
    for doc in documents:
        splits[doc.split] = splits.get(doc.split, 0) + 1
    entities = sum(len(d.entities) for d in documents)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(splits.items()))
    typer.echo(f"{corpus}: {count} documents ({shown}), {entities} entities → {out} "
               f"({time.perf_counter() - started:.1f} s)")


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
