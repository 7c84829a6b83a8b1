"""From a name to an adapter: create one (with the options it accepts), describe one, list them all.

Options (``--model`` and friends on the command line) reach a factory as keyword arguments,
but only those its signature accepts.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.errors import UserError
from bench.registry.contract import Availability, SystemAdapter, check_adapter, options_of
from bench.registry.discovery import Discovery, Entry, Factory, discover, one_line
from bench.registry.files import FileSystem, file_spec
from bench.schema import Layer


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """What ``newsbench systems`` shows for one system."""

    name: str
    version: str
    layers: frozenset[Layer]
    origin: str
    availability: Availability
    description: str = ""


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
    entry = (discovery or discover()).entry(name)
    if entry is None or entry.factory is None:
        return {}
    return _accepted(entry.factory, options)


def create(name: str, options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> SystemAdapter:
    """Instantiate system ``name`` (or ``file:PATH``) with the options it accepts; only its own code is imported.

    Raises :class:`UserError` (exit 2) for an unknown name or a system that cannot be constructed.
    Does not check availability: see :func:`require_available`.
    """
    path = file_spec(name)
    if path is not None:
        return FileSystem(path)
    found = discovery or discover()
    entry = found.entry(name)
    if entry is None:
        known = ", ".join(found.names()) or "none"
        raise UserError(f"unknown system {name!r} (known: {known}; or file:PATH for a predictions file)", exit_code=2)
    if entry.factory is None:
        raise UserError(f"system {name!r} ({entry.origin}) {entry.error}", exit_code=2)
    try:
        adapter = check_adapter(entry.factory(**_accepted(entry.factory, options or {})), entry.origin)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
        raise UserError(f"system {name!r} ({entry.origin}) cannot be created: {one_line(error)}", exit_code=2) from None
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
    """Instantiate a loaded ``entry`` to read its declarations; load or construction errors become 'unavailable'."""
    if entry.factory is None:
        return SystemInfo(entry.name, "?", frozenset(), entry.origin, Availability.no(entry.error))
    try:
        adapter = check_adapter(entry.factory(**_accepted(entry.factory, options or {})), entry.origin)
        status = adapter.availability()
    except Exception as error:  # noqa: BLE001 — a broken system must not break discovery
        return SystemInfo(entry.name, "?", frozenset(), entry.origin, Availability.no(f"cannot be created: {one_line(error)}"))
    if adapter.name != entry.name:
        status = Availability.no(misnamed(entry.name, adapter.name))
    return SystemInfo(
        entry.name, adapter.version, frozenset(adapter.layers), entry.origin, status, options_of(adapter).description
    )


def list_systems(options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> list[SystemInfo]:
    """Every discovered system with its layers and availability, sorted by name (loads every system's code)."""
    found = discovery or discover()
    return [describe(entry, options) for entry in found.loaded().values()]


def available_systems(options: Mapping[str, Any] | None = None, *, discovery: Discovery | None = None) -> list[str]:
    """Names of the systems that can run here (what ``newsbench bench`` runs)."""
    return [info.name for info in list_systems(options, discovery=discovery) if info.availability.ok]
