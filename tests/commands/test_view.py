"""``newsbench view A B [--doc ID]`` on the fixture corpus: the viewer pages of the given systems."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.cli import main
from tests.report.conftest import FIXTURE

GOLD = FIXTURE / "gold.jsonl"


def view(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", "view", *args, "--gold", str(GOLD)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return 0 if code is None else int(code)


def test_two_prediction_files_give_every_documents_page_and_an_index(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = str(FIXTURE / "alpha.jsonl"), str(FIXTURE / "beta.jsonl")
    assert view(monkeypatch, a, b, "--out", str(tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [*(f"d{i}.html" for i in range(6)), "index.html"]
    assert f"viewer: {tmp_path / 'index.html'}" in " ".join(capsys.readouterr().out.split())
    page = (tmp_path / "d0.html").read_text(encoding="utf-8")
    assert f'data-system="{a}"' in page and f'data-system="{b}"' in page


def test_one_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert view(monkeypatch, str(FIXTURE / "alpha.jsonl"), "--doc", "d3", "--out", str(tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d3.html", "index.html"]
    assert 'rel="next"' not in (tmp_path / "d3.html").read_text(encoding="utf-8")


def test_an_unknown_document_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert view(monkeypatch, str(FIXTURE / "alpha.jsonl"), "--doc", "nope", "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "nope" in err
    assert "--doc: not in the gold: nope" in err  # names the flag the user gave (not --docs)
