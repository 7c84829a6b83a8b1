"""Entities for the rules baseline: capitalised word sequences, trimmed and labelled by small heuristics.

1. Candidates are maximal runs of capitalised words (lower-case connectors such as "of" may
   join two capitalised words: "Bank of England"). A possessive ending is cut off.
2. Leading function words and titles are dropped ("The", "President"), which also handles
   sentence-initial capitals; a title marks the rest as a PERSON.
3. In title-case lines (headlines) a candidate is kept only if the same string also occurs
   capitalised in ordinary prose, or is a known country or region.
4. Labels: known country → GPE, known region → LOC, organisation / facility / place / event /
   law head word → ORG / FAC / LOC / EVENT / LAW, nationality ending → NORP, acronym → ORG,
   a lone word after "in", "from", … → GPE, the surname of a PERSON seen earlier → PERSON,
   otherwise PERSON.
"""

from __future__ import annotations

import re

from bench.schema import Entity, EntityLabel
from systems._rules.lexicon import (
    COUNTRIES,
    EVENT_WORDS,
    FAC_WORDS,
    FUNCTION_WORDS,
    LAW_WORDS,
    LOC_WORDS,
    MONTHS,
    NAME_CONNECTORS,
    NORP_ENDINGS,
    NORP_WORDS,
    ORG_WORDS,
    PLACE_PREPOSITIONS,
    REGIONS,
    TITLES,
    _words,
)
from systems._rules.text import Word, sentences, words

_POSSESSIVE = re.compile(r"[’']s?$")
#: "the town of X", "the capital, X": a lone name after these is a place.
_PLACE_OF = frozenset(f"{noun} of" for noun in _words("town city village province state region county district capital port"))
_DAYS = _words("monday tuesday wednesday thursday friday saturday sunday")


def _is_name_word(word: Word) -> bool:
    """Capitalised, and not a month or weekday (which end a name: "Marlow on Tuesday")."""
    lower = word.text.lower()
    return word.capitalised and not word.text.isdigit() and lower not in MONTHS and lower not in _DAYS


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Headlines: short lines without end punctuation where most longer words are capitalised."""
    ranges = []
    for line in re.finditer(r"[^\n]+", text):
        content = line.group().rstrip()
        if not content or content[-1] in ".,;:!?\"”’)" or len(content.split()) > 20:
            continue
        tokens = [w for w in words(text, line.start(), line.end()) if len(w.text) > 3 and w.text[0].isalpha()]
        if len(tokens) >= 3 and sum(w.capitalised for w in tokens) / len(tokens) >= 0.7:
            ranges.append((line.start(), line.end()))
    return ranges


def _in_headlines(text: str, headlines: list[tuple[int, int]], names: dict[str, EntityLabel]) -> list[Entity]:
    """Occurrences of names already found in the prose inside headline lines (longest names first)."""
    found: list[Entity] = []
    for start, end in headlines:
        taken: list[tuple[int, int]] = []
        for name in sorted(names, key=len, reverse=True):
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text[start:end]):
                s, e = start + match.start(), start + match.end()
                if all(e <= ts or te <= s for ts, te in taken):
                    taken.append((s, e))
                    found.append(Entity(s, e, names[name], text=name))
    return found


def _candidates(text: str) -> list[list[Word]]:
    tokens = words(text)
    runs: list[list[Word]] = []
    current: list[Word] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        gap = text[current[-1].end : word.start] if current else ""
        joined = not current or gap in (" ", "-")
        if _is_name_word(word) and joined:
            current.append(word)
            if _POSSESSIVE.search(word.text) and not word.text.endswith("’") and len(word.text) > 2:
                runs.append(current)
                current = []
        elif (
            current
            and word.text.lower() in NAME_CONNECTORS
            and gap == " "
            and i + 1 < len(tokens)
            and _is_name_word(tokens[i + 1])
            and text[word.end : tokens[i + 1].start] == " "
            and word.text.lower() != "and"
        ):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = [word] if _is_name_word(word) else []
        i += 1
    if current:
        runs.append(current)
    return runs


def _key(word: Word) -> str:
    return word.text.lower().rstrip(".")


_HEAD_WORDS = ORG_WORDS | FAC_WORDS | LOC_WORDS | EVENT_WORDS | LAW_WORDS


def _trim(run: list[Word]) -> list[tuple[list[Word], bool]]:
    """Split a run into names: drop leading function words and trailing connectors, and cut at titles.

    "German Chancellor Olaf Scholz" gives "German" and the titled "Olaf Scholz"; a title is only
    cut when the words after it look like a personal name (1–3 words, no organisation head word).
    Each name comes with whether a title preceded it.
    """
    while run and _key(run[0]) in FUNCTION_WORDS and _key(run[0]) not in TITLES:
        run = run[1:]
    while run and run[-1].text.lower() in NAME_CONNECTORS:
        run = run[:-1]
    if not run:
        return []
    # "Ana Lopes of Brazil" is two names; "Bank of England" (a head word before "of") is one.
    for i, word in enumerate(run):
        if word.text == "of" and 0 < i < len(run) - 1 and not any(_key(w) in _HEAD_WORDS for w in run[:i]):
            return _trim(run[:i]) + _trim(run[i + 1 :])
    rest_has_head = any(_key(w) in _HEAD_WORDS for w in run)
    if not rest_has_head:
        last_title = max((i for i, w in enumerate(run[:-1]) if _key(w) in TITLES), default=-1)
        person = run[last_title + 1 :]
        if last_title >= 0 and len(person) <= 3:
            first_title = min(i for i, w in enumerate(run) if _key(w) in TITLES)
            prefix = [w for w in run[:first_title] if _key(w) not in FUNCTION_WORDS]
            return ([(prefix, False)] if prefix else []) + [(person, True)]
    while run and _key(run[0]) in TITLES | FUNCTION_WORDS and len(run) > 1 and not rest_has_head:
        run = run[1:]
    if len(run) == 1 and _key(run[0]) in TITLES | FUNCTION_WORDS:
        return []
    return [(run, False)]


def _strip_possessive(text: str, start: int, end: int) -> int:
    match = _POSSESSIVE.search(text[start:end])
    if match and end - start - len(match.group()) > 1:
        return start + match.start()
    return end


def _label(name: str, tokens: list[str], *, titled: bool, before: str, persons: set[str]) -> EntityLabel | None:
    lower = name.lower()
    last = tokens[-1].lower()
    lowered = {t.lower() for t in tokens}
    if lower in COUNTRIES:
        return EntityLabel.GPE
    if lower in REGIONS:
        return EntityLabel.LOC
    if titled:
        return EntityLabel.PERSON
    if lowered & ORG_WORDS:
        return EntityLabel.ORG
    if last in FAC_WORDS:
        return EntityLabel.FAC
    if last in LOC_WORDS or tokens[0].lower() in ("mount", "lake", "river"):
        return EntityLabel.LOC
    if last in EVENT_WORDS:
        return EntityLabel.EVENT
    if last in LAW_WORDS:
        return EntityLabel.LAW
    if len(tokens) == 1:
        word = tokens[0]
        if word.isupper() and len(word) >= 2:
            return EntityLabel.ORG
        if lower in NORP_WORDS or lower.endswith(NORP_ENDINGS):
            return EntityLabel.NORP
        if lower in persons:
            return EntityLabel.PERSON
        if before.split()[-1:] and before.split()[-1] in PLACE_PREPOSITIONS or before in _PLACE_OF:
            return EntityLabel.GPE
        return EntityLabel.PERSON
    return EntityLabel.PERSON


Candidate = tuple[int, int, list[str], bool, str]


def _candidate(text: str, trimmed: list[Word], titled: bool) -> list[Candidate]:
    """(start, end, tokens, titled, word before) for one trimmed name, or nothing."""
    start = trimmed[0].start
    end = _strip_possessive(text, start, trimmed[-1].end)
    name = text[start:end]
    tokens = [t.text for t in trimmed]
    tokens[-1] = text[trimmed[-1].start : end]
    if not tokens[-1] or name.lower() in MONTHS or name.lower() in _DAYS:
        return []
    previous = re.findall(r"[\w’']+", text[max(0, start - 30) : start])
    before = " ".join(previous[-2:]).lower()
    return [(start, end, tokens, titled, before)]


def find_entities(text: str) -> tuple[Entity, ...]:
    """Entities in ``text`` (spans never overlap; document order)."""
    headlines = _title_case_lines(text)

    def in_headline(pos: int) -> bool:
        return any(start <= pos < end for start, end in headlines)

    sentence_starts = {first[0].start for s in sentences(text) if (first := words(text, s.start, s.end))}
    found: list[Candidate] = []
    for run in _candidates(text):
        for trimmed, titled in _trim(run):
            found.extend(_candidate(text, trimmed, titled))
    # A lone capitalised word at a sentence start may just be a capitalised common word: keep it only
    # if the text also capitalises it mid-sentence, or it is a known country or region.
    mid_sentence = {token for s, _, tokens, _, _ in found if s not in sentence_starts for token in tokens}

    def plausible(candidate: Candidate) -> bool:
        start, end, tokens, _, _ = candidate
        if start not in sentence_starts or len(tokens) > 1:
            return True
        lower = text[start:end].lower()
        return (
            tokens[0] in mid_sentence or lower in COUNTRIES | REGIONS | NORP_WORDS or lower.endswith(NORP_ENDINGS)
        )

    found = [f for f in found if plausible(f)]

    persons: set[str] = set()
    entities: list[Entity] = []
    for start, end, tokens, titled, before in found:
        if in_headline(start):
            continue
        name = text[start:end]
        label = _label(name, tokens, titled=titled, before=before, persons=persons)
        if label is None:
            continue
        if label is EntityLabel.PERSON and len(tokens) > 1:
            persons.add(tokens[-1].lower())
        entities.append(Entity(start, end, label, text=name))
    names: dict[str, EntityLabel] = {}
    for entity in entities:
        names.setdefault(entity.text or "", entity.label)
    names.update({c.title(): EntityLabel.GPE for c in COUNTRIES if c.title() not in names})
    entities += _in_headlines(text, headlines, names)
    return tuple(sorted(entities, key=lambda e: (e.start, e.end)))
