"""What predictions cost: seconds per document, tokens and requests (when a system reports them), and a price.

* :class:`DocumentCost`: one document's figures, measured when its prediction was computed. ``seconds``
  is the runner's time of the system's own ``predict`` call for the document, or its equal share of
  the ``predict_batch`` call it was part of (model loading in ``setup`` and cache look-ups are not
  counted); tokens and requests are what the system's ``run_summary`` reports for the document
  (:func:`document_tokens`). The runner keeps them with the cached prediction, so a cached re-run
  reports the figures of the run that computed it.
* :class:`CostRecord`: a system's figures over the documents it computed (predicted or failed),
  totals and means per document, and the price when one is given (:func:`usd`).
* :func:`parse_prices`: ``--price-in`` / ``--price-out`` (USD per million tokens, ``SYSTEM=USD`` for one system).

None is "not reported", never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bench.errors import UserError

#: Tokens a price is quoted for: USD per million tokens.
PER_TOKENS = 1_000_000


@dataclass(frozen=True, slots=True)
class DocumentCost:
    """One document's prediction: seconds it took and the tokens and requests the system reported (None: unknown)."""

    seconds: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    requests: int | None = None

    @classmethod
    def timed(cls, seconds: float | None) -> DocumentCost:
        """The runner's measured seconds, to the microsecond: exactly what the cache keeps, so a fresh run and a
        cached re-run report the same figures.

        >>> DocumentCost.timed(0.12345678)
        DocumentCost(seconds=0.123457, prompt_tokens=None, completion_tokens=None, requests=None)
        """
        return cls(None if seconds is None else round(seconds, 6))

    @property
    def has_tokens(self) -> bool:
        """Whether both token counts are known."""
        return self.prompt_tokens is not None and self.completion_tokens is not None

    def to_json(self) -> dict[str, float | int]:
        """The known figures (seconds to the microsecond), as the cache keeps them.

        >>> DocumentCost(0.1234567, 100, 20).to_json()
        {'seconds': 0.123457, 'prompt_tokens': 100, 'completion_tokens': 20}
        """
        figures: dict[str, float | int | None] = {
            "seconds": None if self.seconds is None else round(self.seconds, 6),
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "requests": self.requests,
        }
        return {name: value for name, value in figures.items() if value is not None}

    @classmethod
    def from_json(cls, data: object) -> DocumentCost | None:
        """What :meth:`to_json` wrote; None when ``data`` is not an object. A malformed figure is unknown.

        >>> DocumentCost.from_json({"seconds": 0.5, "prompt_tokens": "many"})
        DocumentCost(seconds=0.5, prompt_tokens=None, completion_tokens=None, requests=None)
        """
        if not isinstance(data, Mapping):
            return None
        seconds = data.get("seconds")
        return cls(float(seconds) if isinstance(seconds, (int, float)) and _number(seconds) else None,
                   _count(data.get("prompt_tokens")),
                   _count(data.get("completion_tokens")), _count(data.get("requests")))


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _count(value: object) -> int | None:
    """A count: a non-negative int, or a float that is one (``llm`` sums its figures as floats).

    >>> _count(100), _count(100.0), _count(1.5), _count(True), _count(-1)
    (100, 100, None, None, None)
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def document_tokens(usage: Mapping[str, object] | None) -> dict[str, DocumentCost | None]:
    """Tokens and requests per document from a system's ``run_summary`` (seconds left unknown).

    The summary's ``documents`` list holds one object per document with ``doc_id`` and any of
    ``prompt_tokens``, ``completion_tokens`` and ``requests`` (the ``llm`` system's shape); anything
    else in it is ignored. A document marked ``"measured": false`` (not really computed in this run,
    e.g. answered from the system's own cache) maps to None: its cost is unknown, seconds included.

    >>> document_tokens({"documents": [{"doc_id": "a", "prompt_tokens": 100, "completion_tokens": 20, "requests": 1}]})
    {'a': DocumentCost(seconds=None, prompt_tokens=100, completion_tokens=20, requests=1)}
    >>> document_tokens({"documents": [{"doc_id": "a", "prompt_tokens": 0, "measured": False}]})
    {'a': None}
    >>> document_tokens(None), document_tokens({"totals": {}})
    ({}, {})
    """
    entries = (usage or {}).get("documents")
    found: dict[str, DocumentCost | None] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("doc_id"), str):
            if entry.get("measured") is False:
                found[entry["doc_id"]] = None
                continue
            cost = DocumentCost.from_json({k: v for k, v in entry.items() if k != "seconds"})
            if cost is not None and cost != DocumentCost():
                found[entry["doc_id"]] = cost
    return found


def with_tokens(cost: DocumentCost, reported: DocumentCost | None) -> DocumentCost:
    """``cost`` (the runner's seconds) with the tokens and requests the system ``reported`` for the document;
    nothing known (``DocumentCost()``) when the system said the document was not measured (None).

    >>> with_tokens(DocumentCost(0.5), DocumentCost(None, 100, 20, 1))
    DocumentCost(seconds=0.5, prompt_tokens=100, completion_tokens=20, requests=1)
    >>> with_tokens(DocumentCost(0.001), None)
    DocumentCost(seconds=None, prompt_tokens=None, completion_tokens=None, requests=None)
    """
    if reported is None:
        return DocumentCost()
    return replace(cost, prompt_tokens=reported.prompt_tokens, completion_tokens=reported.completion_tokens,
                   requests=reported.requests)


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million prompt (input) tokens and per million completion (output) tokens."""

    prompt: float
    completion: float


def usd(prompt_tokens: int, completion_tokens: int, price: Price) -> float:
    """What the tokens cost: (prompt tokens × prompt price + completion tokens × completion price) / 1,000,000.

    >>> usd(4000, 800, Price(prompt=0.15, completion=0.60))  # (600 + 480) / 1e6
    0.00108
    """
    return (prompt_tokens * price.prompt + completion_tokens * price.completion) / PER_TOKENS


@dataclass(frozen=True, slots=True)
class CostRecord:
    """A system's cost figures over the documents it computed (predicted or failed; fresh or cached).

    ``documents``: those whose seconds are known, ``seconds`` their total. ``token_documents``: those
    with both token counts; ``prompt_tokens``, ``completion_tokens`` their totals and ``requests``
    theirs when every one of them reports requests. Each ``*_per_document`` figure is a total divided by
    its own count of documents. ``price``: the one given on the command line, if any.
    """

    documents: int = 0
    seconds: float | None = None
    token_documents: int = 0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    requests: int | None = None
    price: Price | None = None

    @property
    def seconds_per_document(self) -> float | None:
        return None if self.seconds is None or not self.documents else self.seconds / self.documents

    @property
    def prompt_tokens_per_document(self) -> float | None:
        return _per(self.prompt_tokens, self.token_documents)

    @property
    def completion_tokens_per_document(self) -> float | None:
        return _per(self.completion_tokens, self.token_documents)

    @property
    def requests_per_document(self) -> float | None:
        return _per(self.requests, self.token_documents)

    @property
    def usd(self) -> float | None:
        """The price of every counted document's tokens (:func:`usd`); None without a price or tokens."""
        if self.price is None or self.prompt_tokens is None or self.completion_tokens is None:
            return None
        return usd(self.prompt_tokens, self.completion_tokens, self.price)

    @property
    def usd_per_document(self) -> float | None:
        return None if self.usd is None else self.usd / self.token_documents

    @property
    def reports_tokens(self) -> bool:
        return self.token_documents > 0


def _per(total: int | None, documents: int) -> float | None:
    return None if total is None or not documents else total / documents


def cost_record(costs: Iterable[DocumentCost], price: Price | None = None) -> CostRecord:
    """Totals of ``costs`` (one per document computed), with ``price`` when given.

    >>> record = cost_record([DocumentCost(0.5, 1000, 200, 1), DocumentCost(1.5, 3000, 600, 2)], Price(0.15, 0.60))
    >>> record.seconds_per_document, record.prompt_tokens_per_document, record.requests_per_document
    (1.0, 2000.0, 1.5)
    >>> record.usd, record.usd_per_document
    (0.00108, 0.00054)
    >>> cost_record([DocumentCost(0.25)]).prompt_tokens is None  # no tokens reported: None, not 0
    True
    """
    known = list(costs)
    timed = [c.seconds for c in known if c.seconds is not None]
    counted = [c for c in known if c.has_tokens]
    requests = [c.requests for c in counted]
    return CostRecord(
        documents=len(timed),
        seconds=math.fsum(timed) if timed else None,
        token_documents=len(counted),
        prompt_tokens=sum(c.prompt_tokens or 0 for c in counted) if counted else None,
        completion_tokens=sum(c.completion_tokens or 0 for c in counted) if counted else None,
        requests=sum(r for r in requests if r is not None) if counted and None not in requests else None,
        price=price,
    )


#: The help of ``--price-in`` / ``--price-out``.
PRICE_IN_HELP = ("USD per million prompt (input) tokens, for the price per document of systems that report tokens "
                 "(llm); SYSTEM=USD for one system. Repeatable. Give --price-out too.")
PRICE_OUT_HELP = "USD per million completion (output) tokens; SYSTEM=USD for one system. Repeatable. Give --price-in too."


#: The highest price taken, USD per million tokens (a dollar a token): a larger one is a slip of the
#: keyboard, and near the float limit (1e308) the totals would overflow.
MAX_PRICE = 1e6


def _usd(value: str, flag: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not math.isfinite(number) or number < 0:
        raise UserError(f"{flag} {value!r}: not a price (USD per million tokens, or SYSTEM=USD)", exit_code=2)
    if number > MAX_PRICE:
        raise UserError(f"{flag} {value!r}: above {MAX_PRICE:,.0f} USD per million tokens (a dollar a token)",
                        exit_code=2)
    return number


def _split(values: Sequence[str], flag: str, systems: Sequence[str]) -> dict[str, float]:
    """``{system: USD}``, the key "" holding the price for every system."""
    found: dict[str, float] = {}
    for value in values:
        system, sep, amount = value.partition("=")
        if not sep:
            found[""] = _usd(value, flag)
        elif system in systems:
            found[system] = _usd(amount, flag)
        else:
            raise UserError(f"{flag} {value!r}: no system {system!r} in this run ({', '.join(systems)})", exit_code=2)
    return found


def parse_prices(price_in: Sequence[str], price_out: Sequence[str], systems: Sequence[str]) -> dict[str, Price]:
    """Each priced system's :class:`Price`: ``USD`` applies to every system, ``SYSTEM=USD`` to one (and wins).

    A system with a prompt price but no completion price (or the reverse) is an error.

    >>> parse_prices(["0.15"], ["llm=0.6", "0.5"], ["llm", "other"])
    {'llm': Price(prompt=0.15, completion=0.6), 'other': Price(prompt=0.15, completion=0.5)}
    >>> parse_prices([], [], ["llm"])
    {}
    """
    prompt, completion = _split(price_in, "--price-in", systems), _split(price_out, "--price-out", systems)
    prices: dict[str, Price] = {}
    for system in systems:
        given = (prompt.get(system, prompt.get("")), completion.get(system, completion.get("")))
        if given[0] is not None and given[1] is not None:
            prices[system] = Price(given[0], given[1])
        elif given != (None, None):
            missing = "--price-out" if given[1] is None else "--price-in"
            raise UserError(f"{system} has a price for one kind of token only: give {missing} too "
                            f"(USD per million tokens; 0 for free)", exit_code=2)
    return prices
