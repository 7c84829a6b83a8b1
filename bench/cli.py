"""The ``newsbench`` command line. Each command lives in a module of :mod:`bench.commands`.

Errors caused by input (:class:`bench.errors.UserError`) are printed as one line
each on stderr, with the command's documented exit code, never as a traceback.
Ctrl-C (SIGINT) and SIGTERM print ``interrupted`` and exit 130 and 143 (see :mod:`bench.interrupt`).
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys
import threading
from collections.abc import Mapping
from typing import Annotated, Any

import typer
import typer.core

from bench import cliparams, interrupt
from bench.errors import UserError
from bench.gcpause import gc_paused

#: Every command: name → (module in :mod:`bench.commands` whose ``register(app)`` defines it, one-line help).
#: The module is imported only when the command runs (or its own ``--help`` is asked for), so start-up
#: and ``newsbench --help`` import no scoring, plotting or NLP library. A test checks this table
#: against what the modules register.
COMMANDS: Mapping[str, tuple[str, str]] = {
    "bench": ("bench", "Run, score and report every system; fail if the regression gate trips (exit 1)."),
    "compare": ("compare", ("Per-layer F1 difference A − B with a paired bootstrap interval and an "
                           "approximate randomization p-value.")),
    "export": ("export", "Write the (validated) gold for use elsewhere; texts and annotations, offsets unchanged."),
    "import": ("imports", "Import an annotated corpus as gold (entities, numbers or attributions)."),
    "phenomena": ("phenomena", "Print (or write into the datasheet) the phenomenon counts per split."),
    "run": ("run", "Run systems; failures are recorded per document and the run goes on. Exit 0 even with failures."),
    "score": ("score", ("Score PREDICTIONS (a file or a system name) against the gold; print tables, optionally "
                         "write JSON and Markdown.")),
    "summary": ("summary", "Print how many documents and annotations the gold holds."),
    "summary-external": ("summary_external", ("Write REPORTS/summary.md and summary.json from every "
                                             "REPORTS/<corpus>/results.json.")),
    "systems": ("systems", "List built-in systems and those installed through the `newsbench.systems` entry point."),
    "view": ("view", "Write the comparison viewer for the given systems (gold in the middle, spans by outcome)."),
    "validate": ("validate", ("Check SHA-256, offsets, text slices, labels, ids, parents and duplicates; "
                             "one line per problem.")),
}


def load_command(name: str) -> Any:
    """The real command ``name``: its module imported and registered on a Typer app of its own."""
    module_name, _ = COMMANDS[name]
    with gc_paused():  # importing builds many long-lived objects: collections during it only cost time
        module = importlib.import_module(f"bench.commands.{module_name}")
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    module.register(single)
    built = typer.main.get_command(single)
    commands: Mapping[str, Any] | None = getattr(built, "commands", None)
    if commands is None:  # typer turns an app of one command into that command
        built.name = name
        return built
    if name in commands:
        return commands[name]
    raise RuntimeError(f"bench.commands.{module_name} does not register {name!r}")


cliparams.install()  # plain option values are converted without importing pydantic (bench.cliparams)


class LazyGroup(typer.core.TyperGroup):
    """A command group that imports a command's module only when that command is run.

    Listing commands (``newsbench --help``) uses the help lines of :data:`COMMANDS`;
    :meth:`resolve_command` (invocation) and a direct :meth:`get_command` for a run load the real one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def _real(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        own = super().get_command(ctx, cmd_name)
        if own is not None or cmd_name not in COMMANDS:
            return own
        if cmd_name in self._loaded:
            return self._loaded[cmd_name]
        if getattr(ctx, "_newsbench_listing", False):
            _, help_text = COMMANDS[cmd_name]
            return typer.core.TyperCommand(cmd_name, help=help_text, short_help=help_text)
        return self._real(cmd_name)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            # Typer's NoArgsIsHelpError relies on its boxed help printing itself; the plain one is returned
            typer.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(2)
        result: list[str] = super().parse_args(ctx, args)
        return result

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The listing in click's plain format: Typer's boxed help imports rich.markdown and markdown-it
        (~0.15 s, half of ``newsbench --help``). Only the listing: usage errors keep Typer's boxed format
        (``rich_markup_mode`` is left as it is, and it also decides how :func:`typer.core._main` prints
        errors), and each command's own ``--help`` stays boxed."""
        ctx._newsbench_listing = True
        try:
            super(typer.core.TyperGroup, self).format_help(ctx, formatter)  # click's, not TyperGroup's rich one
        finally:
            ctx._newsbench_listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in COMMANDS:
            return args[0], self._real(args[0]), args[1:]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="newsbench",
    help="Evaluate news-extraction systems on entities, numbers and attributions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


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


def main() -> None:
    """Console-script entry point (click handles usage errors and exit codes itself)."""
    try:
        with interrupt.handled():
            app()
    except UserError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        sys.exit(error.exit_code)
    except (interrupt.Interrupted, KeyboardInterrupt) as stop:
        print("interrupted", file=sys.stderr)
        sys.exit(stop.exit_code if isinstance(stop, interrupt.Interrupted) else 130)


def _exit_now_is_safe() -> bool:
    """Whether the process may end without the interpreter's teardown: nothing registered to run at
    exit (``atexit``), no other thread, no profiler or tracer (``python -m cProfile``, coverage)."""
    ncallbacks = getattr(atexit, "_ncallbacks", None)
    return (ncallbacks is not None and ncallbacks() == 0 and threading.active_count() == 1
            and sys.getprofile() is None and sys.gettrace() is None)


def run() -> None:
    """The process entry point (``newsbench``, ``python -m bench.cli``): :func:`main`, then, after a
    successful command, ``os._exit(0)`` once stdout and stderr are flushed, when that is safe
    (:func:`_exit_now_is_safe`). Tearing down the interpreter frees every module and object one by
    one (~0.1 s after scoring a large corpus) and has nothing left to do: files are written atomically
    and closed (:mod:`bench.atomic`). In any other case the process ends as usual."""
    try:
        main()
    except SystemExit as done:
        if done.code not in (None, 0):
            raise
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - e.g. a closed pipe: the usual exit reports it
        return
    if _exit_now_is_safe():
        os._exit(0)


if __name__ == "__main__":
    run()
