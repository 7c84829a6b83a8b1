"""bench.cliparams: the plain converter returns what Typer's pydantic converter returns, or Typer's own error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer._click import Context
from typer._coercion import build_runtime_param

from bench import cli, cliparams

VALUES: list[Any] = ["x", "", " a b ", "-", "~/x", "a/../b/", "\x00", "gold/documents", "/nonexistent/x",
                     "README.md", Path("a"), Path("gold"), True, False, 3, 1.5, b"bytes", ["a", "b"], ("c",), [],
                     ["a", 3], [Path("a")]]


def _outcome(convert: Any, value: Any) -> tuple[str, Any]:
    try:
        result = convert(value)
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return "error", (type(error).__name__, str(error))
    return "value", (type(result), result)


def _compare(plain: Any, typers: Any, param: Any, ctx: Any, value: Any) -> None:
    ours = _outcome(lambda v: plain.coerce(v, param=param, ctx=ctx), value)
    theirs = _outcome(lambda v: typers.coerce(v, param=param, ctx=ctx), value)
    assert ours == theirs, (param.name, value)


def _params() -> list[tuple[str, Any, Any]]:
    out = []
    for name in cli.COMMANDS:
        command = cli.load_command(name)
        commands = [command, *getattr(command, "commands", {}).values()]
        for each in commands:
            ctx = Context(each)
            for param in [*each.params, each.get_help_option(ctx)]:
                if param is not None and hasattr(param, "type_descriptor"):
                    out.append((f"{name} {param.name}", ctx, param))
    return out


def test_the_pinned_typer_is_the_one_followed() -> None:
    assert typer.__version__ == cliparams.TYPER_VERSION


@pytest.mark.parametrize(("where", "ctx", "param"), _params(), ids=lambda x: x if isinstance(x, str) else "")
def test_plain_converter_equals_typers(where: str, ctx: Any, param: Any) -> None:
    plain = cliparams.plain(param)
    if plain is None:
        return
    typers = build_runtime_param(param.type_descriptor)
    for value in VALUES:
        _compare(plain, typers, param, ctx, value)


def test_checked_path_option_errors_are_typers(tmp_path: Path) -> None:
    """A path option with checks (exists, file_okay, ...): every failing check is Typer's message."""
    app = typer.Typer()

    @app.command()
    def main(p: Annotated[Path, typer.Option(exists=True, file_okay=False)], q: list[Path] | None = None) -> None:
        print(repr(p), repr(q))

    command = typer.main.get_command(app)
    ctx = Context(command)
    (tmp_path / "f").write_text("x")
    for param in command.params:
        plain = cliparams.plain(param)
        assert plain is not None
        typers = build_runtime_param(param.type_descriptor)
        for value in [str(tmp_path), str(tmp_path / "f"), str(tmp_path / "missing"), Path(tmp_path), "", ["x"]]:
            _compare(plain, typers, param, ctx, value)


def test_score_of_a_jsonl_imports_no_pydantic(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc_id": "a", "split": "s", "text": "Ann met Bo.", "entities": '
                    '[{"start": 0, "end": 3, "label": "PERSON"}]}\n', encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text('{"doc_id": "a", "entities": [{"start": 0, "end": 3, "label": "PERSON"}]}\n', encoding="utf-8")
    code = ("import sys; sys.argv = ['newsbench', 'score', sys.argv[1], '--gold', sys.argv[2]]\n"
            "import bench.cli\ntry:\n    bench.cli.main()\nexcept SystemExit:\n    pass\n"
            "print('PYDANTIC' if 'pydantic' in sys.modules else 'NONE')")
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", code, str(pred), str(gold)], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.strip().splitlines()[-1] == "NONE"


def test_the_process_entry_point_ends_fast_only_when_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run``: a failing command exits as ``main`` does; a successful one ends with ``os._exit(0)``
    only when nothing is registered to run at exit (here pytest's own threads or hooks may be)."""
    ended: list[int] = []
    monkeypatch.setattr(cli.os, "_exit", ended.append)
    monkeypatch.setattr(sys, "argv", ["newsbench", "score", "/no/such/system"])
    with pytest.raises(SystemExit) as failed:
        cli.run()
    assert failed.value.code == 2 and ended == []
    monkeypatch.setattr(sys, "argv", ["newsbench", "--version"])
    monkeypatch.setattr(cli, "_exit_now_is_safe", lambda: True)
    cli.run()
    assert ended == [0]
    monkeypatch.setattr(cli, "_exit_now_is_safe", lambda: False)
    cli.run()
    assert ended == [0]


def test_exit_now_is_not_safe_with_an_exit_hook_or_a_tracer() -> None:
    import atexit

    def hook() -> None:
        pass

    atexit.register(hook)
    try:
        assert not cli._exit_now_is_safe()
    finally:
        atexit.unregister(hook)
    sys.settrace(lambda *args: None)
    try:
        assert not cli._exit_now_is_safe()
    finally:
        sys.settrace(None)
