"""Atomic writes: all or nothing, and a failure is one clear line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import atomic
from bench.errors import UserError


def test_writes_and_replaces_without_leaving_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.txt"
    atomic.write_text(target, "first\n")
    atomic.write_text(target, "second\n")
    assert target.read_text("utf-8") == "second\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_unwritable_place_is_a_user_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    with pytest.raises(UserError) as caught:
        atomic.write_text(blocker / "out.json", "{}")
    assert caught.value.exit_code == 2
    assert caught.value.lines[0].startswith(f"{blocker / 'out.json'}: cannot write:")


def test_cli_reports_an_unwritable_output_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    done = subprocess.run([sys.executable, "-m", "bench.cli", "export", str(blocker / "csv"), "--format", "csv"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("cannot write: Not a directory")
