"""The cost columns and figures every renderer shows, as text (renderers lay them out; nothing is computed here).

A figure a system does not report is :data:`~bench.formatting.DASH` (never 0). Token columns appear
when some system reports tokens, price columns when some system has a price (``--price-in/--price-out``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.cost import CostRecord
from bench.formatting import DASH, significant
from bench.report.model import BenchResult

#: What the figures are (stated under every cost table).
COST_NOTE = (
    "Cost of computing each prediction, on the machine and at the time it was computed (a cached prediction "
    "keeps the figures of the run that computed it): seconds of the system's own call for the document, or "
    "its share of a batch call (model loading not counted), over the documents predicted or failed whose time "
    "is known; tokens and requests as the system reports them (llm: the server's usage); "
    "$ = (prompt tokens × price in + completion tokens × price out) / 1,000,000, prices in USD per million tokens "
    f"(--price-in/--price-out). {DASH} = not reported."
)


@dataclass(frozen=True, slots=True)
class CostColumn:
    """One column of a cost table: its title and the text of a system's figure."""

    title: str
    cell: Callable[[CostRecord], str]


def _usd(value: float | None) -> str:
    return DASH if value is None else "$" + significant(value)


def _price(cost: CostRecord) -> str:
    """The price as given: USD per million prompt tokens / completion tokens."""
    price = cost.price
    return DASH if price is None else f"{price.prompt:g} / {price.completion:g}"


TIME: tuple[CostColumn, ...] = (
    CostColumn("timed docs", lambda c: str(c.documents)),
    CostColumn("s/doc", lambda c: significant(c.seconds_per_document)),
    CostColumn("total s", lambda c: significant(c.seconds)),
)
TOKENS: tuple[CostColumn, ...] = (
    CostColumn("prompt tokens/doc", lambda c: significant(c.prompt_tokens_per_document)),
    CostColumn("completion tokens/doc", lambda c: significant(c.completion_tokens_per_document)),
    CostColumn("requests/doc", lambda c: significant(c.requests_per_document)),
)
PRICE: tuple[CostColumn, ...] = (
    CostColumn("$/doc", lambda c: _usd(c.usd_per_document)),
    CostColumn("total $", lambda c: _usd(c.usd)),
    CostColumn("$ per M tokens in / out", _price),
)


def cost_columns(result: BenchResult) -> tuple[CostColumn, ...]:
    """Time columns; token columns if some system reports tokens; price columns if some system has a price."""
    costs = [system.cost for system in result.systems]
    return (*TIME, *(TOKENS if any(c.reports_tokens for c in costs) else ()),
            *(PRICE if any(c.price is not None for c in costs) else ()))


def cost_figures(cost: CostRecord) -> list[tuple[str, str, str]]:
    """A system page's cost rows: (figure, per document, total); every figure, reported or not.

    >>> from bench.cost import DocumentCost, cost_record
    >>> cost_figures(cost_record([DocumentCost(0.5), DocumentCost(1.5)]))[:2]
    [('documents timed', '', '2'), ('seconds', '1.00', '2.00')]
    """
    rows = [
        ("documents timed", "", str(cost.documents)),
        ("seconds", significant(cost.seconds_per_document), significant(cost.seconds)),
        ("documents with tokens", "", str(cost.token_documents) if cost.reports_tokens else DASH),
        ("prompt tokens", significant(cost.prompt_tokens_per_document), significant(cost.prompt_tokens)),
        ("completion tokens", significant(cost.completion_tokens_per_document), significant(cost.completion_tokens)),
        ("requests", significant(cost.requests_per_document), significant(cost.requests)),
    ]
    price = "price" if cost.price is None else f"price (USD {_price(cost)} per million tokens in / out)"
    rows.append((price, _usd(cost.usd_per_document), _usd(cost.usd)))
    return rows
