"""The command line starts fast: commands are loaded only when they run, and the listing says what they do."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bench.cli import COMMANDS, app, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_line_is_the_commands_own_first_help_line(name: str) -> None:
    command = load_command(name)
    own = " ".join((command.help or "").split("\n\n")[0].split())
    assert own == COMMANDS[name][1]


def test_every_command_module_is_in_the_table() -> None:
    import pkgutil

    import bench.commands as package

    modules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert {module for module, _ in COMMANDS.values()} == modules


def test_help_lists_every_command_without_importing_scoring_plotting_nlp_or_markdown_libraries() -> None:
    code = ("import sys; from bench.cli import app; from typer.testing import CliRunner; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
            "heavy = sorted(m for m in ('numpy', 'scipy', 'sklearn', 'spacy', 'matplotlib', 'datasets', 'pandas', "
            "'inflect', 'pydantic', 'rich.markdown', 'markdown_it') if m in sys.modules); print(','.join(heavy)); print(r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy, listing = out.split("\n", 1)
    assert heavy == ""
    for name in COMMANDS:
        assert name in listing


def test_a_command_runs_through_the_lazy_group() -> None:
    result = CliRunner().invoke(app, ["summary"])
    assert result.exit_code == 0, result.output
    assert "attributions" in result.output


def test_usage_errors_keep_typers_boxed_format_and_no_arguments_prints_the_listing() -> None:
    """Only the listing is click's plain help: a usage error is still boxed, and ``newsbench`` alone prints it."""
    bare = CliRunner().invoke(app, [])
    assert bare.exit_code == 2 and "Commands:" in bare.output and "score" in bare.output
    for args in (["nosuch"], ["score"]):
        wrong = CliRunner().invoke(app, args)
        assert wrong.exit_code == 2 and "╭─ Error" in wrong.output, (args, wrong.output)
