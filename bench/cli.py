"""The ``newsbench`` command line. Each command lives in a module of :mod:`bench.commands`.

Errors caused by input (:class:`bench.errors.UserError`) are printed as one line
each on stderr, with the command's documented exit code, never as a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Annotated

import typer

from bench.errors import UserError

app = typer.Typer(
    name="newsbench",
    help="Evaluate news-extraction systems on entities, numbers and attributions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    """Import every module in ``bench.commands``; each defines ``register(app)``."""
    import bench.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bench.commands.{info.name}")
        module.register(app)


def version() -> str:
    """The installed distribution's version (``pyproject.toml``'s ``version``)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("newsbench")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        print(f"newsbench {version()}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Evaluate news-extraction systems on entities, numbers and attributions."""


_register_commands()


def main() -> None:
    """Console-script entry point (click handles usage errors and exit codes itself)."""
    try:
        app()
    except UserError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
