"""Choosing an executor: the names, the errors, and that the local path never imports Ray (no Ray needed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import runner
from bench.errors import UserError
from bench.runner import executors

DOCS_DIR_TEXT = "Maria Lopez said 300 people came."


def test_local_is_the_default_and_the_pool() -> None:
    with executors.open_executor("local", jobs=2) as chosen:
        assert chosen is executors.LOCAL
    assert runner.EXECUTORS == ("local", "ray")


def test_an_unknown_executor_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown executor 'dask'"), executors.open_executor("dask", jobs=1):
        pass


def test_ray_with_jobs_0_is_a_user_error() -> None:
    with pytest.raises(UserError, match="--jobs must be 1 or more"), executors.open_executor("ray", jobs=0):
        pass


def test_ray_not_installed_is_a_user_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "ray_installed", lambda: False)
    with pytest.raises(UserError, match=r"install newsbench\[ray\]") as caught, executors.open_executor("ray", jobs=1):
        pass
    assert caught.value.exit_code == 2


def _newsbench(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``newsbench ARGS`` in a fresh interpreter, after ``code`` ran there."""
    script = f"import sys; {code}; sys.argv = ['newsbench', *sys.argv[1:]]; from bench.cli import main; main()"
    return subprocess.run([sys.executable, "-c", script, *args], check=False, capture_output=True, text=True, timeout=120)


def test_the_command_without_ray_installed_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DOCS_DIR_TEXT, encoding="utf-8")
    hide = ("import importlib.util; real = importlib.util.find_spec; "
            "importlib.util.find_spec = lambda name, *a: None if name == 'ray' else real(name, *a)")
    done = _newsbench(hide, "run", "rules", "--docs", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                      "--executor", "ray", "--no-cache")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "--executor ray needs Ray, which is not installed: install newsbench[ray] (pip install 'newsbench[ray]')"]
    assert not (tmp_path / "out").exists()


def test_the_local_runner_never_imports_ray(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DOCS_DIR_TEXT, encoding="utf-8")
    report = "import atexit; atexit.register(lambda: print('ray imported' if 'ray' in sys.modules else 'no ray'))"
    done = _newsbench(report, "run", "rules", "--docs", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                      "--no-cache", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no ray"


def test_a_ray_that_is_installed_but_cannot_be_imported_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.runner.ray_executor import RayExecutor

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError, as a broken install would
    with pytest.raises(UserError, match="--executor ray: Ray cannot be imported: "):
        RayExecutor(cpus=1).connect()
