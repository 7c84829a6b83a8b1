"""``newsbench import gum``: entity gold from the news part of GUM (CoNLL-U ``Entity=`` annotations).

GUM marks every nominal mention (nested, with coreference); we keep **named** ones and map
their types to OntoNotes labels:

* named (``--named``, default ``propn``): ``linked`` keeps mentions with a Wikipedia identity
  (the 8th field of ``Entity=(id-etype-infstat-salience-centering-minspan-link-identity``);
  ``propn`` keeps mentions whose syntactic head (the word whose head lies outside the mention)
  is a proper noun (UPOS ``PROPN``); ``either`` keeps both.
* types: see :data:`LABELS`; ``abstract``, ``time``, ``substance``, ``plant`` and ``animal``
  have no OntoNotes named counterpart and are dropped (counted in the import summary).
* spans: post-modifiers after the head are cut (at a comma, preposition other than "of" +
  proper noun, clause or conjunction: "Space Shuttle Atlantis, which is being prepped…" →
  "Space Shuttle Atlantis"), and a leading determiner and a trailing possessive ``'s``/``'`` or punctuation are trimmed
  (OntoNotes leaves them out: "the Space Shuttle Program" → "Space Shuttle Program").
* nesting: our entity layer does not nest, so of overlapping kept mentions the longest wins
  ("NASA Administrator Charles Bolden" PERSON keeps, the nested "NASA" ORG is dropped).
* splits from ``splits.md`` (GUM's official list), else the ``partition`` attribute of
  ``xml/<doc>.xml``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.errors import UserError
from bench.importers.conllu import ConlluDocument, Word, misc_value, read_conllu
from bench.importers.gold_folder import ImportedDocument
from bench.schema import Entity, EntityLabel

#: GUM entity type → OntoNotes label; ``None``: no named OntoNotes counterpart (dropped).
LABELS: dict[str, EntityLabel | None] = {
    "person": EntityLabel.PERSON,
    "organization": EntityLabel.ORG,
    "place": EntityLabel.GPE,  # GUM does not split GPE / LOC / FAC; the coarse view merges them
    "event": EntityLabel.EVENT,
    "object": EntityLabel.PRODUCT,
    "abstract": None,
    "time": None,  # dates and times are in our numbers layer, not entities
    "substance": None,
    "plant": None,
    "animal": None,
}
RULES = ("linked", "propn", "either")


@dataclass(frozen=True, slots=True)
class Mention:
    """A GUM mention over words ``first..last`` (indices into the document's words)."""

    eid: str
    etype: str
    identity: str | None
    first: int
    last: int


@dataclass
class ImportStats:
    """What the import kept and dropped, for the summary line and the README."""

    mentions: int = 0
    linked: int = 0
    propn: int = 0
    either: int = 0
    no_counterpart: Counter[str] = field(default_factory=Counter)
    nested_dropped: int = 0
    kept: Counter[str] = field(default_factory=Counter)


def mentions(words: tuple[Word, ...], *, where: str = "") -> list[Mention]:
    """Every mention opened and closed in the ``Entity=`` MISC values of ``words``.

    >>> from bench.importers.conllu import Word
    >>> w = [Word(1, 1, 0, 0, 4, "NASA", "PROPN", "NNP", "Entity=(1-organization-new-s-c-1-coref-NASA)")]
    >>> mentions(tuple(w))
    [Mention(eid='1', etype='organization', identity='NASA', first=0, last=0)]
    """
    open_: dict[str, list[tuple[str, str | None, int]]] = {}
    out: list[Mention] = []
    for index, word in enumerate(words):
        value = misc_value(word.misc, "Entity")
        if value is None:
            continue
        for match in re.finditer(r"\((\d+)[^()]*?-[^()]*?(?=\(|\)|$)\)?|\d+\)", value):
            token = match.group(0)
            if token.startswith("("):
                fields = token[1:].rstrip(")").split("-")
                eid = fields[0].split("[")[0]
                etype = fields[1] if len(fields) > 1 else ""
                identity = "-".join(fields[7:]) if len(fields) > 7 and fields[7] not in ("", "_") else None
                if token.endswith(")"):
                    out.append(Mention(eid, etype, identity, index, index))
                else:
                    open_.setdefault(eid, []).append((etype, identity, index))
            else:
                eid = token[:-1].split("[")[0]
                if not open_.get(eid):
                    raise UserError(f"{where}:{word.line}: MISC: Entity {eid}) closes a mention that is not open",
                                    exit_code=2)
                etype, identity, first = open_[eid].pop()
                out.append(Mention(eid, etype, identity, first, index))
    return sorted(out, key=lambda m: (m.first, -m.last))


def head_word(words: tuple[Word, ...], mention: Mention) -> Word:
    """The mention's syntactic head: its first word whose head is outside the mention (or the root)."""
    span = words[mention.first : mention.last + 1]
    inside = {(w.sentence, w.id) for w in span}
    for word in span:
        if (word.sentence, word.head) not in inside:
            return word
    return span[0]


_STOP = frozenset({"ADP", "PRON", "VERB", "AUX", "SCONJ", "CCONJ"})


def name_end(words: tuple[Word, ...], head: int, last: int) -> int:
    """Cut post-modifiers after the head: stop before a comma, preposition, clause or conjunction,
    except ``of`` followed by a proper noun ("Museum of Flight")."""
    index = head
    while index < last:
        nxt = words[index + 1]
        of_name = nxt.form.lower() == "of" and index + 2 <= last and words[index + 2].upos == "PROPN"
        if (nxt.form in (",", "(") or nxt.upos in _STOP) and not of_name:
            break
        index += 1
    return index


def trimmed(words: tuple[Word, ...], first: int, last: int) -> tuple[int, int] | None:
    """The word range without a leading determiner and trailing possessive or punctuation."""
    while first <= last and words[first].upos == "DET":
        first += 1
    while last >= first and (words[last].xpos == "POS" or words[last].upos == "PUNCT"):
        last -= 1
    while first <= last and words[first].upos == "PUNCT":
        first += 1
    return (first, last) if first <= last else None


def is_named(*, linked: bool, propn: bool, rule: str) -> bool:
    """Whether a mention counts as named under ``rule``: ``linked`` (has a Wikipedia identity),
    ``propn`` (its head is a proper noun) or ``either``.

    >>> is_named(linked=True, propn=False, rule="propn"), is_named(linked=True, propn=False, rule="either")
    (False, True)
    """
    return {"linked": linked, "propn": propn, "either": linked or propn}[rule]


def longest_first(entities: Iterable[Entity]) -> tuple[list[Entity], int]:
    """Drop entities overlapping a longer one (ties: the earlier); return the kept, in text order, and the dropped count."""
    kept: list[Entity] = []
    dropped = 0
    for entity in sorted(entities, key=lambda e: (-(e.end - e.start), e.start)):
        if any(entity.start < k.end and k.start < entity.end for k in kept):
            dropped += 1
            continue
        kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, e.end)), dropped


def convert(doc: ConlluDocument, split: str, *, rule: str, stats: ImportStats, where: str = "") -> ImportedDocument:
    """One GUM document → an imported document with named entities only."""
    words = doc.words
    found: list[Entity] = []
    seen: set[tuple[int, int]] = set()
    for mention in mentions(words, where=where):
        stats.mentions += 1
        linked = mention.identity is not None
        propn = head_word(words, mention).upos == "PROPN"
        stats.linked += linked
        stats.propn += propn
        stats.either += linked or propn
        if not is_named(linked=linked, propn=propn, rule=rule):
            continue
        label = LABELS.get(mention.etype)
        if label is None:
            stats.no_counterpart[mention.etype] += 1
            continue
        head = words.index(head_word(words, mention), mention.first)
        span = trimmed(words, mention.first, name_end(words, head, mention.last))
        if span is None:
            continue
        start, end = words[span[0]].start, words[span[1]].end
        if (start, end) in seen:
            stats.nested_dropped += 1  # same span twice (e.g. an appositive wrapper): keep the outer
            continue
        seen.add((start, end))
        found.append(Entity(start, end, label, text=doc.text[start:end]))
    kept, dropped = longest_first(found)
    stats.nested_dropped += dropped
    entities = tuple(
        Entity(e.start, e.end, e.label, id=f"e{i}", text=e.text) for i, e in enumerate(kept, start=1)
    )
    stats.kept.update(e.label.value for e in entities)
    return ImportedDocument(doc.doc_id, split, doc.text, entities, provenance="GUM (CC BY 4.0 annotations), news genre")


def read_splits(root: Path) -> dict[str, str]:
    """doc_id → split from ``splits.md`` (``## name`` headings, ``* doc`` items), else the xml ``partition``."""
    out: dict[str, str] = {}
    listing = root / "splits.md"
    if listing.is_file():
        split = None
        for line in listing.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                split = line[3:].strip()
            elif line.strip().startswith("* ") and split is not None:
                out[line.strip()[2:].strip()] = split
    for xml in sorted((root / "xml").glob("*.xml")) if (root / "xml").is_dir() else []:
        if xml.stem not in out:
            match = re.search(r'partition="([^"]+)"', xml.read_text(encoding="utf-8")[:2000])
            if match:
                out[xml.stem] = match.group(1)
    return out


def conllu_files(root: Path) -> list[Path]:
    """The news CoNLL-U files under ``root`` (``dep/GUM_news_*.conllu``, or any ``*.conllu`` given directly)."""
    if root.is_file():
        return [root]
    folder = root / "dep" if (root / "dep").is_dir() else root
    files = sorted(folder.glob("GUM_news_*.conllu")) or sorted(folder.glob("*.conllu"))
    if not files:
        raise UserError(f"{root}: no CoNLL-U files (dep/GUM_news_*.conllu) found", exit_code=2)
    return files


def import_gum(root: Path, *, rule: str = "propn") -> tuple[list[ImportedDocument], ImportStats]:
    """Read a GUM copy (folder with ``dep/`` and ``splits.md``/``xml/``) → imported documents and stats."""
    if rule not in RULES:
        raise UserError(f"--named: {rule!r} is not one of {', '.join(RULES)}", exit_code=2)
    if not root.exists():
        raise UserError(f"{root}: no such file or folder", exit_code=2)
    splits = read_splits(root if root.is_dir() else root.parent)
    stats = ImportStats()
    out = []
    for path in conllu_files(root):
        for doc in read_conllu(path):
            out.append(convert(doc, splits.get(doc.doc_id, "default"), rule=rule, stats=stats, where=str(path)))
    return sorted(out, key=lambda d: d.doc_id), stats
