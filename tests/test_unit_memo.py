"""The singular-noun memo: a cached re-run takes inflect's answers from disk, and never a wrong one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import unit_memo
from bench.score import units


@pytest.fixture(autouse=True)
def _fresh_units() -> None:
    """Each test starts as a new process would: no singular known, none pending."""
    units._SINGULARS.clear()
    units._PENDING.clear()
    units.normalise_unit.cache_clear()


def test_singulars_worked_out_in_a_run_are_saved_and_taught_to_the_next(tmp_path: Path) -> None:
    with unit_memo.remembered(tmp_path):
        assert units.normalise_unit("Militants") == "militant"
    saved = json.loads(unit_memo.memo_path(tmp_path).read_text("utf-8"))
    assert saved["militants"] == "militant"
    # a fresh process taught by the memo answers without importing inflect
    code = (
        "import sys; from pathlib import Path; from bench import unit_memo; from bench.score import units\n"
        f"with unit_memo.remembered(Path({str(tmp_path)!r})):\n"
        "    print(units.normalise_unit('Militants'), 'inflect' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split() == ["militant", "False"]


def test_the_memo_key_changes_with_inflects_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = unit_memo.memo_path(tmp_path)
    monkeypatch.setattr("importlib.metadata.version", lambda name: "0.0-other")
    assert unit_memo.memo_path(tmp_path) != before


def test_a_corrupt_memo_is_only_slower_never_wrong(tmp_path: Path) -> None:
    path = unit_memo.memo_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", "utf-8")
    with unit_memo.remembered(tmp_path):
        assert units.singular("buses") == "bus"
    assert json.loads(path.read_text("utf-8"))["buses"] == "bus"  # rewritten whole


def test_an_unwritable_cache_folder_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    with unit_memo.remembered(blocker):  # its "units" folder cannot be made under a file
        assert units.singular("crises") == "crisis"


def test_a_run_that_needs_no_singular_neither_reads_nor_writes_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = unit_memo.memo_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", "utf-8")
    asked: list[Path] = []  # the memo is found (memo_path) only when it is read
    monkeypatch.setattr(unit_memo, "memo_path", lambda folder: asked.append(folder) or path)
    with unit_memo.remembered(tmp_path):
        assert units.normalise_unit("%") == "percent"  # an alias: no singular needed
    assert asked == [] and path.read_text("utf-8") == "{not json" and not units._PENDING


def test_the_memo_is_read_at_the_first_word_needed_and_answers_it(tmp_path: Path) -> None:
    path = unit_memo.memo_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"wibbles": "wibble-from-memo"}), "utf-8")  # not inflect's answer: read from disk
    with unit_memo.remembered(tmp_path):
        assert units.singular("wibbles") == "wibble-from-memo"
    assert json.loads(path.read_text("utf-8")) == {"wibbles": "wibble-from-memo"}  # nothing new: left as it was


def test_a_memo_nested_too_deep_to_read_is_only_slower(tmp_path: Path) -> None:
    path = unit_memo.memo_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with unit_memo.remembered(tmp_path):
        assert units.singular("buses") == "bus"
    assert json.loads(path.read_text("utf-8"))["buses"] == "bus"
