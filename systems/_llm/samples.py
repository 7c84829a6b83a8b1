"""What the ``llm`` system keeps per document for ``--log-samples`` (its :meth:`sample_detail`).

Per document, every request in the order sent (one per chunk, or one per chunk and layer with
``requests=per-layer``): the chunk's index and offset, the lists asked for, the chat messages
exactly as sent, the raw reply text and ``finish_reason`` (None when no reply came), whether the
reply came from the reply cache, its response format, and the grounding of each returned item:
its layer, the method (``exact``, ``normalised``, ``fuzzy``; ``truncated`` when the reply was cut
off) and the offsets in the document, or ``unfound`` with the string that could not be located.
``unfound`` counts those strings per layer over the document's requests. A request that failed for
good has ``error`` (the document's failure reason) and, as ``reply``, the last reply's text if any came.

The messages carry the document text and the prompt, never the API key (it travels only in the
``Authorization`` header), and the client scrubs the key from the raw reply.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from bench.registry import JSONValue
from bench.schema import Attribution, Span
from systems._llm.client import Completion
from systems._llm.prompt import LISTS, Grounded

#: Documents whose detail is held until asked for (a run asks right after each prediction; without
#: ``--log-samples`` nobody asks, and the oldest are dropped so memory stays bounded).
KEEP = 256


def _method(tags: tuple[str, ...], component: str) -> str:
    """The grounding method a record's tags name for ``component`` (``grounding``, ``content``, ``source``, ``cue``).

    >>> _method(("content:fuzzy", "source:exact", "truncated"), "content")
    'fuzzy'
    """
    prefix = f"{component}:"
    return next((tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix)), "")


def _span(span: Span | None, method: str) -> dict[str, JSONValue] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": span.text, "method": method}


def _attribution(item: Attribution) -> dict[str, JSONValue]:
    return {
        "layer": "attributions", "method": _method(item.tags, "content"),
        "content": [{"start": s.start, "end": s.end, "text": s.text} for s in item.content],
        "source": _span(item.source, _method(item.tags, "source")),
        "cue": _span(item.cue, _method(item.tags, "cue")),
        **({"truncated": True} if "truncated" in item.tags else {}),
    }


def grounding(grounded: Grounded) -> list[dict[str, JSONValue]]:
    """Each returned item's grounding: entities, numbers, attributions, then the strings not found."""
    items: list[dict[str, JSONValue]] = []
    annotations = grounded.annotations
    for layer, records in (("entities", annotations.entities or ()), ("numbers", annotations.numbers or ())):
        for record in records:
            items.append({"layer": layer, "text": record.text, "start": record.start, "end": record.end,
                          "method": _method(record.tags, "grounding"),
                          **({"truncated": True} if "truncated" in record.tags else {})})
    items.extend(_attribution(a) for a in annotations.attributions or ())
    for layer in LISTS:
        items.extend({"layer": layer, "method": "unfound", "string": s} for s in grounded.unfound.get(layer, ()))
    return items


class SampleLog:
    """The requests of the documents predicted lately, by document id (thread-safe, bounded by :data:`KEEP`)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._docs: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"keep": self.keep}  # a worker starts empty; locks do not pickle

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["keep"])  # type: ignore[misc]

    def start(self, doc_id: str) -> None:
        """A new prediction of ``doc_id``: forget any earlier one."""
        with self._lock:
            self._docs.pop(doc_id, None)
            self._docs[doc_id] = []
            while len(self._docs) > self.keep:
                self._docs.popitem(last=False)

    def sent(self, doc_id: str, offset: int, lists: tuple[str, ...], messages: list[dict[str, str]]) -> None:
        """A request is about to be sent for the chunk at ``offset``, asking for ``lists``."""
        with self._lock:
            requests = self._docs.setdefault(doc_id, [])
            offsets = list(dict.fromkeys(r["offset"] for r in requests))
            chunk = offsets.index(offset) if offset in offsets else len(offsets)
            requests.append({"chunk": chunk, "offset": offset, "lists": list(lists),
                             "messages": [dict(m) for m in messages], "reply": None, "finish_reason": None})

    def replied(self, doc_id: str, reply: Completion, grounded: Grounded) -> None:
        """The reply to the latest request of ``doc_id``, and how its items were grounded."""
        with self._lock:
            requests = self._docs.get(doc_id)
            if not requests:
                return
            requests[-1].update({
                "reply": reply.raw or None, "finish_reason": reply.finish_reason or None, "cached": reply.cached,
                "format": reply.response_format, "truncated": reply.truncated, "dropped": grounded.dropped,
                "grounding": grounding(grounded),
            })

    def failed(self, doc_id: str, error: str, raw: str = "") -> None:
        """The prediction of ``doc_id`` raised ``error``: noted on its latest request, with the last reply's text."""
        with self._lock:
            requests = self._docs.get(doc_id)
            if requests and requests[-1]["reply"] is None:
                requests[-1].update({"reply": raw or None, "error": error})

    def detail(self, doc_id: str) -> dict[str, JSONValue] | None:
        """The document's requests and unfound counts per layer, handed over once (None: not predicted here)."""
        with self._lock:
            requests = self._docs.pop(doc_id, None)
        if requests is None:
            return None
        unfound: dict[str, JSONValue] = {
            layer: sum(1 for r in requests for item in r.get("grounding", ())
                       if item["layer"] == layer and item["method"] == "unfound") for layer in LISTS}
        sent: list[JSONValue] = list(requests)
        return {"requests": sent, "unfound": unfound}
