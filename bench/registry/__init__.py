"""System adapters: the contract every system implements, and how systems are found and made.

* :mod:`bench.registry.contract` — :class:`SystemAdapter` (every required member),
  :class:`AdapterOptions` (every optional one, with its default), :class:`Adapter` (the base class);
* :mod:`bench.registry.discovery` — the lazy, cached index of built-ins and entry points;
* :mod:`bench.registry.lookup` — create, describe and list systems by name;
* :mod:`bench.registry.files` — ``file:PATH``: a predictions file as a system.

Everything public is re-exported here (``from bench.registry import Adapter`` is what a plugin writes).
"""

from bench.registry.contract import (
    Adapter,
    AdapterOptions,
    Availability,
    JSONValue,
    SystemAdapter,
    check_adapter,
    layer_names,
    options_of,
    sample_detail,
)
from bench.registry.discovery import (
    ENTRY_POINT_GROUP,
    PROJECT_DISTRIBUTION,
    Discovery,
    Entry,
    Factory,
    discover,
    shipped_systems,
)
from bench.registry.files import FILE_PREFIX, FileSystem, as_file, file_spec
from bench.registry.lookup import (
    SystemInfo,
    accepted_options,
    available_systems,
    create,
    describe,
    list_systems,
    misnamed,
    require_available,
)

__all__ = [
    "ENTRY_POINT_GROUP", "FILE_PREFIX", "PROJECT_DISTRIBUTION", "Adapter", "AdapterOptions", "Availability",
    "Discovery", "Entry", "Factory", "FileSystem", "JSONValue", "SystemAdapter", "SystemInfo", "accepted_options",
    "as_file", "available_systems", "check_adapter", "create", "describe", "discover", "file_spec", "layer_names",
    "list_systems", "misnamed", "options_of", "require_available", "sample_detail", "shipped_systems",
]
