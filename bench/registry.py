"""System adapters: the protocol every system implements, and how systems are found.

An adapter declares a ``name``, a ``version``, the ``layers`` it produces, and
predicts a document's :class:`~bench.schema.Annotations` from a
:class:`~bench.schema.Document` (id and raw text) — nothing else, so no system
can see gold. ``predict_batch`` is optional (spaCy's ``nlp.pipe`` is faster in
batches). Construction must be cheap and must not import heavy libraries: the
registry instantiates every system to list it, and the runner pickles the
unloaded instance into worker processes; load models in ``setup()``.

Systems come from three places:

* built-ins: every module in the ``systems`` package whose name does not start
  with ``_`` and that defines ``SYSTEM`` (an adapter class or a factory);
* installed packages: entry points in the group ``newsbench.systems``, whose
  name is the system's name and whose object is an adapter class or factory;
* a predictions file: ``file:PATH`` (JSONL in the prediction format) acts as a
  system that returns the file's line for each document.

Options (``--model`` and friends on the command line) reach a factory as
keyword arguments, but only those its signature accepts.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bench.errors import UserError
from bench.schema import Annotations, Document, Layer

#: The entry-point group third-party packages declare their adapters in.
ENTRY_POINT_GROUP = "newsbench.systems"
#: The distribution whose entry points count as shipped with the project (see :attr:`Entry.shipped`).
PROJECT_DISTRIBUTION = "newsbench"
#: Prefix that turns a predictions file into a system.
FILE_PREFIX = "file:"


def as_file(spec: str) -> Path | None:
    """The predictions file ``spec`` names (``file:PATH``, a ``.jsonl`` path or an existing file); None: a system name."""
    if spec.startswith(FILE_PREFIX):
        return Path(spec[len(FILE_PREFIX):])
    if spec.endswith(".jsonl") or Path(spec).is_file():
        return Path(spec)
    return None


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


@runtime_checkable
class SystemAdapter(Protocol):
    """What the registry and runner require of a system (subclass :class:`Adapter` for defaults)."""

    name: str
    version: str
    layers: frozenset[Layer]

    def availability(self) -> Availability: ...

    def config(self) -> Mapping[str, JSONValue]: ...

    def setup(self) -> None: ...

    def predict(self, document: Document) -> Annotations: ...

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]: ...


class Adapter(ABC):
    """Base class with the optional parts filled in. Subclasses set the three class attributes and ``predict``.

    * ``availability()``: override to check optional imports or models *without importing them*
      (``importlib.util.find_spec``), returning :meth:`Availability.no` with an install hint.
    * ``config()``: everything besides ``version`` that changes the output (model name, prompt
      version, …); it is part of the cache key. Never put secrets here.
    * ``setup()``: load models; called once per worker process before the first prediction.
    * ``predict_batch()``: override when batches are faster; must return one record per document, in order.
    * ``run_summary()``: override to report what a run cost (the runner calls it in the calling process
      after the run and stores the result as ``usage`` in ``<system>.run.json``).
    """

    name: str
    version: str
    layers: frozenset[Layer]
    #: One line shown by ``newsbench systems``.
    description: str = ""
    #: Run in a worker process (hard timeouts, crash isolation). Only trivial, I/O-free systems set False.
    isolate: bool = True
    #: Keep predictions in the runner's cache (False when reading them is as cheap as making them).
    cache: bool = True

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
        """What one run cost (tokens, requests, seconds), kept as ``usage`` in ``<system>.run.json``; None: nothing."""
        return None


# --- predictions file as a system -------------------------------------------------------------


class FileSystem(Adapter):
    """``file:PATH``: a predictions JSONL replayed as a system (for systems run elsewhere).

    The name is the file's stem, the version its SHA-256 prefix, the layers the union of the
    layers its lines attempt. The runner does not ask it for a document absent from the file
    (see :meth:`doc_ids`): that document is scored as empty, with the warning ``newsbench score``
    gives (:func:`bench.predictions.missing_warning`).
    """

    description = "predictions read from a JSONL file"
    isolate = False
    cache = False

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.name = self.path.stem
        self._by_doc: dict[str, Annotations] | None = None
        try:
            data = self.path.read_bytes()
        except OSError:
            self.version = "missing"
            self.layers = frozenset()
            return
        self.version = hashlib.sha256(data).hexdigest()[:12]
        self.layers = frozenset(
            layer for record in self._records().values() for layer in record.attempted()
        )

    def _records(self) -> dict[str, Annotations]:
        if self._by_doc is None:
            from bench.predictions import read_predictions

            self._by_doc = dict(read_predictions(self.path).by_doc)
        return self._by_doc

    def availability(self) -> Availability:
        if not self.path.is_file():
            return Availability.no(f"{self.path}: no such file")
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {"path": str(self.path.resolve())}

    def doc_ids(self) -> frozenset[str]:
        """The documents the file has a line for."""
        return frozenset(self._records())

    def predict(self, document: Document) -> Annotations:
        record = self._records().get(document.doc_id)
        if record is None:
            raise LookupError(f"{self.path.name} has no line for this document")
        return record


# --- discovery ------------------------------------------------------------------------------


Factory = Callable[..., SystemAdapter]


@dataclass(frozen=True, slots=True)
class Entry:
    """A discovered system before instantiation: where it came from and how to make it.

    ``error`` is set when the module or entry point could not even be loaded. ``shipped``: the
    system comes with newsbench itself (a built-in, or an entry point of the ``newsbench``
    distribution), so the regression gate watches it by default.
    """

    name: str
    origin: str
    factory: Factory | None
    error: str = ""
    shipped: bool = False


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """What ``newsbench systems`` shows for one system."""

    name: str
    version: str
    layers: frozenset[Layer]
    origin: str
    availability: Availability
    description: str = ""


@dataclass(frozen=True, slots=True)
class Discovery:
    """Every system found, by name, plus warnings (name clashes)."""

    entries: Mapping[str, Entry]
    warnings: tuple[str, ...] = field(default=())


def _one_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()
    return text[0] if text else type(error).__name__


def _builtin_entries() -> list[Entry]:
    import systems as package

    entries: list[Entry] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module_name = f"systems.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception as error:  # noqa: BLE001 — a broken built-in must not break the listing
            entries.append(Entry(info.name, f"built-in {module_name}", None, f"cannot import: {_one_line(error)}",
                                 shipped=True))
            continue
        factory = getattr(module, "SYSTEM", None)
        if factory is None:
            continue
        name = getattr(factory, "name", None) or info.name
        entries.append(Entry(str(name), f"built-in {module_name}", factory, shipped=True))
    return entries


def _entry_point_entries() -> list[Entry]:
    entries: list[Entry] = []
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = point.dist.name if point.dist is not None else "?"
        origin = f"entry point {point.value} ({dist})"
        shipped = dist == PROJECT_DISTRIBUTION
        try:
            factory = point.load()
        except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
            entries.append(Entry(point.name, origin, None, f"cannot load: {_one_line(error)}", shipped=shipped))
            continue
        entries.append(Entry(point.name, origin, factory, shipped=shipped))
    return entries


def discover() -> Discovery:
    """Built-ins first, then entry points; a later system with a taken name is skipped with a warning."""
    found: dict[str, Entry] = {}
    warnings: list[str] = []
    for entry in _builtin_entries() + _entry_point_entries():
        if entry.name in found:
            warnings.append(f"{entry.origin}: system name {entry.name!r} is taken by {found[entry.name].origin}; skipped")
            continue
        found[entry.name] = entry
    return Discovery(found, tuple(warnings))


def shipped_systems(*, discovery: Discovery | None = None) -> frozenset[str]:
    """Names of the systems shipped with newsbench: the ones the regression gate watches by default."""
    return frozenset(name for name, entry in (discovery or discover()).entries.items() if entry.shipped)


def misnamed(entry_name: str, adapter_name: str) -> str:
    """The reason a system whose entry-point (or module) name differs from its adapter's ``name`` cannot run."""
    return (f"registered as {entry_name!r} but the adapter's name is {adapter_name!r}; "
            "the entry-point name and the adapter's `name` must agree")


def _accepted(factory: Factory, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``factory`` declares as parameters (all of them if it takes ``**kwargs``); None values dropped."""
    given = {k: v for k, v in options.items() if v is not None}
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return given
    names = {p.name for p in parameters if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)}
    return {k: v for k, v in given.items() if k in names}


def accepted_options(name: str, options: Mapping[str, Any], *, discovery: Discovery | None = None) -> dict[str, Any]:
    """The subset of ``options`` the system ``name`` takes."""
    entry = (discovery or discover()).entries.get(name)
    if entry is None or entry.factory is None:
        return {}
    return _accepted(entry.factory, options)


def _check_adapter(obj: object, where: str) -> SystemAdapter:
    missing = [
        attr
        for attr in ("name", "version", "layers", "availability", "config", "setup", "predict", "predict_batch")
        if not hasattr(obj, attr)
    ]
    if missing:
        raise TypeError(f"{where} does not implement the adapter protocol (missing {', '.join(missing)})")
    assert isinstance(obj, SystemAdapter)
    return obj


def create(name: str, options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> SystemAdapter:
    """Instantiate system ``name`` (or ``file:PATH``) with the options it accepts.

    Raises :class:`UserError` (exit 2) for an unknown name or a system that cannot be constructed.
    Does not check availability: see :func:`require_available`.
    """
    if name.startswith(FILE_PREFIX):
        return FileSystem(name[len(FILE_PREFIX) :])
    found = discovery or discover()
    entry = found.entries.get(name)
    if entry is None:
        known = ", ".join(sorted(found.entries)) or "none"
        raise UserError(f"unknown system {name!r} (known: {known}; or file:PATH for a predictions file)", exit_code=2)
    if entry.factory is None:
        raise UserError(f"system {name!r} ({entry.origin}) {entry.error}", exit_code=2)
    try:
        adapter = _check_adapter(entry.factory(**_accepted(entry.factory, options or {})), entry.origin)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
        raise UserError(f"system {name!r} ({entry.origin}) cannot be created: {_one_line(error)}", exit_code=2) from None
    if adapter.name != name:
        raise UserError(f"system {name!r} ({entry.origin}) is not available: {misnamed(name, adapter.name)}", exit_code=2)
    return adapter


def require_available(adapter: SystemAdapter) -> None:
    """Raise :class:`UserError` naming the reason and the install command when ``adapter`` cannot run."""
    status = adapter.availability()
    if not status.ok:
        hint = f"; install with: {status.install}" if status.install else ""
        raise UserError(f"system {adapter.name!r} is not available: {status.reason}{hint}", exit_code=2)


def describe(entry: Entry, options: Mapping[str, Any] | None = None) -> SystemInfo:
    """Instantiate ``entry`` to read its declarations; load or construction errors become 'unavailable'."""
    if entry.factory is None:
        return SystemInfo(entry.name, "?", frozenset(), entry.origin, Availability.no(entry.error))
    try:
        adapter = _check_adapter(entry.factory(**_accepted(entry.factory, options or {})), entry.origin)
        status = adapter.availability()
    except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
        return SystemInfo(entry.name, "?", frozenset(), entry.origin, Availability.no(f"cannot be created: {_one_line(error)}"))
    if adapter.name != entry.name:
        status = Availability.no(misnamed(entry.name, adapter.name))
    return SystemInfo(
        entry.name, adapter.version, frozenset(adapter.layers), entry.origin, status, getattr(adapter, "description", "")
    )


def list_systems(options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> list[SystemInfo]:
    """Every discovered system with its layers and availability, sorted by name."""
    found = discovery or discover()
    return [describe(found.entries[name], options) for name in sorted(found.entries)]


def available_systems(options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> list[str]:
    """Names of the systems that can run here (what ``newsbench bench`` runs)."""
    return [info.name for info in list_systems(options, discovery=discovery) if info.availability.ok]


def layer_names(layers: Iterable[Layer]) -> list[str]:
    """Layers in report order, as strings."""
    chosen = set(layers)
    return [layer.value for layer in Layer if layer in chosen]
