"""Fixture systems for the commands: the fixture corpus' prediction files as discovered systems."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import paths
from bench.cli import main
from bench.registry import Entry, FileSystem, SystemAdapter, discovery
from tests.report.conftest import FIXTURE

#: The fixture gold (6 documents); its corpus name is ``gold``, the JSONL's stem.
GOLD = FIXTURE / "gold.jsonl"


def replay(path: Path, name: str | None = None) -> Callable[[], SystemAdapter]:
    """A factory of a system that replays ``path`` (named after the file unless ``name``)."""

    def factory() -> SystemAdapter:
        system = FileSystem(path)
        if name is not None:
            system.name = name
        return system

    return factory


@pytest.fixture
def fixture_systems(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Replace discovery: ``alpha`` shipped with newsbench, ``beta`` a private plugin, plus any given entries."""

    def install(*extra: Entry) -> None:
        monkeypatch.setattr(discovery, "_builtin_entries",
                            lambda: [Entry("alpha", "built-in test", replay(FIXTURE / "alpha.jsonl"), shipped=True)])
        monkeypatch.setattr(discovery, "_entry_point_entries", lambda: [
            Entry("beta", "entry point beta:System (private)", replay(FIXTURE / "beta.jsonl")), *extra])

    install()
    return install


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root in a temp folder, and a current directory elsewhere (paths must not depend on it)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setattr(paths, "PROJECT_ROOT", root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return root


def newsbench(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run ``newsbench ARGS`` in this process; the exit code."""
    monkeypatch.setattr(sys, "argv", ["newsbench", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return 0 if code is None else int(code)
