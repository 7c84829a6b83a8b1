"""The adapter contract: every member a system has, declared once, and the check derived from it.

An adapter declares a ``name``, a ``version``, the ``layers`` it produces, and predicts a
document's :class:`~bench.schema.Annotations` from a :class:`~bench.schema.Document` (id and
raw text) — nothing else, so no system can see gold. Construction must be cheap and must not
import heavy libraries: ``newsbench systems`` instantiates every system to list it, and the
runner pickles the unloaded instance into worker processes; load models in ``setup()``.

* :class:`SystemAdapter` (a Protocol) is every method and attribute a system must have;
  :func:`check_adapter` checks an object against exactly its members.
* :class:`AdapterOptions` is every optional declaration (``description``, ``isolate``,
  ``cache``, ``batch_size``), each with its default; :func:`options_of` reads them from any
  adapter, so the runner and the listing never spell a default again.
* :class:`Adapter` (the class to subclass) implements the protocol's optional methods. It
  inherits the protocol's declarations rather than repeating them.
* :data:`OPTIONAL_MEMBERS` are protocol members an adapter may leave out (added after plugins
  were written against the protocol): :func:`check_adapter` does not require them and
  :func:`sample_detail` falls back to :class:`Adapter`'s default.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Protocol, cast, runtime_checkable

from bench.schema import Annotations, Document, Layer

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a system can run here; if not, why and how to fix it."""

    ok: bool
    reason: str = ""
    install: str = ""

    @classmethod
    def yes(cls) -> Availability:
        return cls(True)

    @classmethod
    def no(cls, reason: str, install: str = "") -> Availability:
        return cls(False, reason, install)


@dataclass(frozen=True, slots=True)
class AdapterOptions:
    """What an adapter may declare besides the protocol, with the defaults used when it does not.

    An adapter declares one by a class (or instance) attribute of the same name, e.g.
    ``isolate = False``; :func:`options_of` reads them.
    """

    #: One line shown by ``newsbench systems``.
    description: str = ""
    #: Run in a worker process (hard timeouts, crash isolation). Only trivial, I/O-free systems set False.
    isolate: bool = True
    #: Keep predictions in the runner's cache (False when reading them is as cheap as making them).
    cache: bool = True
    #: Documents per ``predict_batch`` call; None: the runner chooses (about four chunks per worker).
    batch_size: int | None = None


def options_of(adapter: object) -> AdapterOptions:
    """The :class:`AdapterOptions` ``adapter`` declares, each missing one at its default.

    >>> class Quiet: isolate = False
    >>> options_of(Quiet())
    AdapterOptions(description='', isolate=False, cache=True, batch_size=None)
    """
    declared = {f.name: getattr(adapter, f.name) for f in fields(AdapterOptions) if hasattr(adapter, f.name)}
    return replace(AdapterOptions(), **declared)


@runtime_checkable
class SystemAdapter(Protocol):
    """What the registry and runner require of a system (subclass :class:`Adapter` for the optional methods).

    * ``availability()``: check optional imports or models *without importing them*
      (``importlib.util.find_spec``), returning :meth:`Availability.no` with an install hint.
    * ``config()``: everything besides ``version`` that changes the output (model name, prompt
      version, …); it is part of the cache key. Never put secrets here.
    * ``setup()``: load models; called once per worker process before the first prediction.
    * ``predict_batch()``: one record per document, in order (override when batches are faster).
    * ``run_summary()``: what one run cost (tokens, requests, seconds); the runner calls it in the
      calling process after the run and stores the result as ``usage`` in ``<system>.run.json``. Its
      ``documents`` list, one object per document with ``doc_id``, ``prompt_tokens``,
      ``completion_tokens`` and ``requests`` (as ``llm`` writes it), gives the reports' tokens per
      document (:func:`bench.cost.document_tokens`); they are kept with each cached prediction. An
      entry with ``"measured": false`` says the document was not really computed in this run (``llm``:
      a reply came from its own reply cache): its cost is unknown; null tokens (a server that sent no
      ``usage``) leave the tokens unknown and the seconds as measured.
    * ``sample_detail()`` (optional, see :data:`OPTIONAL_MEMBERS`): with ``--log-samples``, what the
      system wants kept about its latest prediction of ``document`` (JSON values; None: nothing).
      Called in the process that predicted it, right after ``predict``/``predict_batch`` returned or
      raised, once per document; the runner carries it back with the answer and caches it with the
      prediction. Never put secrets here.
    """

    name: str
    version: str
    layers: frozenset[Layer]

    def availability(self) -> Availability: ...

    def config(self) -> Mapping[str, JSONValue]: ...

    def setup(self) -> None: ...

    def predict(self, document: Document) -> Annotations: ...

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]: ...

    def run_summary(self, doc_ids: Sequence[str]) -> Mapping[str, JSONValue] | None: ...

    def sample_detail(self, document: Document) -> Mapping[str, JSONValue] | None: ...


#: Protocol members an adapter may lack (plugins written before they existed): not required by
#: :func:`check_adapter`; the runner uses :class:`Adapter`'s default for them.
OPTIONAL_MEMBERS = frozenset({"sample_detail"})


def protocol_members() -> tuple[str, ...]:
    """Every member :class:`SystemAdapter` declares, attributes first, in declaration order.

    >>> protocol_members()[:3]
    ('name', 'version', 'layers')
    """
    methods = [k for k, v in vars(SystemAdapter).items() if callable(v) and not k.startswith("_")]
    return (*SystemAdapter.__annotations__, *methods)


def check_adapter(obj: object, where: str) -> SystemAdapter:
    """``obj`` as a :class:`SystemAdapter`; TypeError naming every required protocol member it lacks.

    Members in :data:`OPTIONAL_MEMBERS` may be missing.
    """
    missing = [member for member in protocol_members() if member not in OPTIONAL_MEMBERS and not hasattr(obj, member)]
    if missing:
        raise TypeError(f"{where} does not implement the adapter protocol (missing {', '.join(missing)})")
    return cast(SystemAdapter, obj)


def sample_detail(adapter: object, document: Document) -> Mapping[str, JSONValue] | None:
    """``adapter.sample_detail(document)``, or None for an adapter without the member."""
    method = getattr(adapter, "sample_detail", None)
    return None if method is None else cast(Mapping[str, JSONValue] | None, method(document))


class Adapter(SystemAdapter):
    """Base class with the optional methods filled in. Subclasses set ``name``, ``version``, ``layers``
    and ``predict`` (and any of :class:`AdapterOptions` as class attributes)."""

    def __init__(self) -> None:
        """No options: a subclass's own ``__init__`` declares those it takes (the registry reads its signature).

        Declared because a subclass of a Protocol would otherwise get one that appears to take any keyword.
        """

    def availability(self) -> Availability:
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {}

    def setup(self) -> None:
        return None

    @abstractmethod
    def predict(self, document: Document) -> Annotations: ...

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        return [self.predict(document) for document in documents]

    def run_summary(self, doc_ids: Sequence[str]) -> Mapping[str, JSONValue] | None:
        """Nothing to report (None): override to keep ``usage`` in ``<system>.run.json``."""
        return None

    def sample_detail(self, document: Document) -> Mapping[str, JSONValue] | None:
        """Nothing beyond the generic sample record (None): override to add detail under ``--log-samples``."""
        return None


def layer_names(layers: Iterable[Layer]) -> list[str]:
    """Layers in report order, as strings."""
    chosen = set(layers)
    return [layer.value for layer in Layer if layer in chosen]
