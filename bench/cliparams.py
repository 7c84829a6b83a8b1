"""Command-line values of the plain types converted without importing pydantic.

Typer 0.29 (pinned in ``pyproject.toml``) converts every option's value through a pydantic
``TypeAdapter`` built when the command line is parsed, so any command imports pydantic and builds a
schema per option (~0.1–0.3 s at start-up) even where the value is a ``str`` and stays one. For a
parameter whose type is ``str``, ``bool`` or ``pathlib.Path`` (or a list of them), with no custom parser and
no file opening, :func:`install` gives it a converter that does, for a value the command line can
hand in (a ``str``, or a default ``Path``), exactly what Typer's adapter does: ``str`` unchanged; ``Path(value)``
followed by Typer's own path checks (``exists``, ``readable``, …, :func:`typer._param_types.coerce_cli_path`);
a ``bool`` unchanged (a flag not given is None, which Typer passes through before any conversion).
Anything else (another type of value, any check failing) goes to Typer's own converter, built then,
so every error message and the value it returns are Typer's. A test compares both converters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter

#: The Typer release whose internals (``_TyperParameter.get_runtime_param``, ``RuntimeParam``) this follows.
TYPER_VERSION = "0.29.2"


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """Converts a value to :attr:`leaf` (``str``, ``bool`` or ``Path``; a list of them if :attr:`many`) as
    Typer's adapter would, or hands it to Typer's converter."""

    leaf: type
    many: bool

    def _typer(self, value: Any, param: Any, ctx: Any) -> Any:
        """Typer's own conversion (imports pydantic): for every value the plain one does not take."""
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    def _one(self, value: Any) -> Any:
        if self.leaf is not Path:  # str or bool: taken as it is (Typer itself skips a bool value); any
            if type(value) is not self.leaf:  # other type (a str for a bool, from a variable) is Typer's
                raise TypeError(value)
            return value
        # Typer: pydantic's Path(value) for a str (a Path, such as a default, is taken as it is), then
        # its checks (exists, readable, ...: with the defaults they only stat the path)
        if type(value) is str:
            value = Path(value)
        elif not isinstance(value, Path):
            raise TypeError(value)
        return coerce_cli_path(value, self.parameter_info, path_type=Path)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            if self.many:
                if not isinstance(value, (list, tuple)):
                    raise TypeError(value)
                return [self._one(item) for item in value]
            return self._one(value)
        except Exception:  # noqa: BLE001 - Typer's converter decides, and raises its own error
            return self._typer(value, param, ctx)


def plain(param: Any) -> PlainParam | None:
    """The plain converter for ``param``, or None when Typer's own must do (another type, a parser, files)."""
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or getattr(info, "path_type", None) is not None:
        return None
    annotation: Any = descriptor.annotation
    many = get_origin(annotation) is list
    if many:
        (annotation,) = get_args(annotation)
    if annotation not in (str, Path, bool):
        return None
    return PlainParam(parameter_info=info, annotation=descriptor.annotation, leaf=annotation, many=many)


def _runtime_param(self: Any) -> RuntimeParam:
    """:meth:`typer.core._TyperParameter.get_runtime_param` with the plain converter where it applies."""
    if self._runtime_param is None:
        self._runtime_param = plain(self) or build_runtime_param(self.type_descriptor)
    return self._runtime_param  # type: ignore[no-any-return]


def install() -> None:
    """Give every Typer parameter of the plain types the converter of :func:`plain` (Typer 0.29.2 only:
    with another version, whose internals may differ, Typer converts as it always does)."""
    if typer.__version__ == TYPER_VERSION:
        _TyperParameter.get_runtime_param = _runtime_param  # type: ignore[method-assign]
