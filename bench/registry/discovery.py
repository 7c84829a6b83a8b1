"""Where systems come from, found lazily: names are indexed cheaply, code is imported when a name is asked for.

Systems come from three places:

* built-ins: every module in the ``systems`` package whose name does not start with ``_``;
  the system is the module's ``SYSTEM`` (an adapter class or a factory), named after the module
  unless :data:`systems.RENAMED` says otherwise;
* installed packages: entry points in the group ``newsbench.systems``, whose name is the
  system's name and whose object is an adapter class or factory;
* a predictions file: ``file:PATH`` (see :mod:`bench.registry.files`).

As in lm-evaluation-harness's registry, :func:`discover` only lists names (``pkgutil`` and the
entry-point metadata, nothing imported) and :meth:`Discovery.entry` imports a system's module
or loads its entry point the first time that name is asked for, so ``newsbench run rules``
never imports spaCy. ``newsbench systems`` and ``bench`` load every entry (:meth:`Discovery.loaded`).
The index is built once per process (:func:`discover` is cached; ``discover.cache_clear()`` rebuilds it).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bench.registry.contract import SystemAdapter

#: The entry-point group third-party packages declare their adapters in.
ENTRY_POINT_GROUP = "newsbench.systems"
#: The distribution whose entry points count as shipped with the project (see :attr:`Entry.shipped`).
PROJECT_DISTRIBUTION = "newsbench"

Factory = Callable[..., SystemAdapter]
#: Loads a lazily indexed system: its factory, or None when the module turns out to define no system.
Loader = Callable[[], Factory | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """A discovered system before instantiation: where it came from and how to make it.

    ``error`` is set when the module or entry point could not be loaded. ``shipped``: the system
    comes with newsbench itself (a built-in, or an entry point of the ``newsbench`` distribution),
    so the regression gate watches it by default. ``load``: set on an entry not loaded yet
    (``factory`` is None until :func:`load_entry` runs it).
    """

    name: str
    origin: str
    factory: Factory | None = None
    error: str = ""
    shipped: bool = False
    load: Loader | None = field(default=None, compare=False, repr=False)


def one_line(error: BaseException) -> str:
    """An exception as one line: ``Type: first line of its message``."""
    text = f"{type(error).__name__}: {error}".splitlines()
    return text[0] if text else type(error).__name__


def load_entry(entry: Entry) -> Entry | None:
    """``entry`` with its factory loaded (or its load error set); None: its module defines no system."""
    if entry.load is None:
        return entry
    try:
        factory = entry.load()
    except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
        verb = "cannot import" if entry.origin.startswith("built-in") else "cannot load"
        return replace(entry, load=None, error=f"{verb}: {one_line(error)}")
    if factory is None:
        return None
    return replace(entry, factory=factory, load=None)


@dataclass(frozen=True, slots=True)
class Discovery:
    """Every system found, by name (loaded or not yet), plus warnings (name clashes)."""

    entries: Mapping[str, Entry]
    warnings: tuple[str, ...] = field(default=())
    _loaded: dict[str, Entry | None] = field(default_factory=dict, compare=False, repr=False)

    def entry(self, name: str) -> Entry | None:
        """The entry called ``name``, loaded on first use; None: no such system."""
        if name not in self._loaded:
            found = self.entries.get(name)
            self._loaded[name] = None if found is None else load_entry(found)
        return self._loaded[name]

    def loaded(self) -> dict[str, Entry]:
        """Every entry, loaded (for the listing), by name in sorted order."""
        return {name: e for name in sorted(self.entries) if (e := self.entry(name)) is not None}

    def names(self) -> list[str]:
        """The names known without loading anything, sorted."""
        return sorted(self.entries)


def _module_system(module_name: str) -> Factory | None:
    factory: Factory | None = getattr(importlib.import_module(module_name), "SYSTEM", None)
    return factory


def _builtin_entries() -> list[Entry]:
    import systems as package

    module_to_name = {module: name for name, module in getattr(package, "RENAMED", {}).items()}
    entries: list[Entry] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module_name = f"{package.__name__}.{info.name}"
        entries.append(Entry(module_to_name.get(info.name, info.name), f"built-in {module_name}", shipped=True,
                             load=functools.partial(_module_system, module_name)))
    return entries


def _entry_point_entries() -> list[Entry]:
    from importlib import metadata  # here: importing it (and the email package) costs ~20 ms at every start

    entries: list[Entry] = []
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = point.dist.name if point.dist is not None else "?"
        entries.append(Entry(point.name, f"entry point {point.value} ({dist})", shipped=dist == PROJECT_DISTRIBUTION,
                             load=point.load))
    return entries


@functools.cache
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
