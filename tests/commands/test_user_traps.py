"""Traps a new user fell into (issue 14), one test per rule: paths, partial runs, gating, names, versions.

The systems are the fixture corpus' prediction files: ``alpha`` shipped with newsbench, ``beta`` a
private plugin (see ``fixture_systems``); ``project`` puts the project root in a temp folder and
the current directory elsewhere.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import paths, registry
from bench.registry import Entry
from tests.commands.conftest import GOLD, newsbench, replay
from tests.report.conftest import FIXTURE

RUN = ("--gold", str(GOLD), "--no-cache", "--jobs", "0")
ALPHA = ("--system", f"file:{FIXTURE / 'alpha.jsonl'}")
BETA = ("--system", f"file:{FIXTURE / 'beta.jsonl'}")
ROOT = Path(__file__).resolve().parents[2]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def systems_in(baseline: Path) -> dict[str, dict[str, float | None]]:
    data: dict[str, dict[str, float | None]] = json.loads(baseline.read_text())["systems"]
    return data


# --- item 1: the gate and --out; paths independent of the current directory --------------------


def test_out_moves_the_reports_but_not_the_baseline(
    monkeypatch: pytest.MonkeyPatch, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert newsbench(monkeypatch, "bench", *RUN, *ALPHA, "--update-baseline") == 0
    baseline = project / "reports" / "gold" / "baseline.json"
    assert sorted(systems_in(baseline)) == ["alpha"]
    capsys.readouterr()
    assert newsbench(monkeypatch, "bench", *RUN, *ALPHA, "--out", str(tmp_path / "mine")) == 0
    printed = capsys.readouterr().out
    assert "Regression gate PASSED" in printed and "no baseline" not in printed
    assert "baseline.json" not in files(tmp_path / "mine")


def test_default_paths_are_anchored_at_the_project_root_not_the_cwd(
    monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    assert newsbench(monkeypatch, "bench", *RUN, *ALPHA) == 0
    assert files(Path.cwd()) == []
    assert "leaderboard.md" in files(project / "reports" / "gold" / "partial")
    assert files(project / "predictions" / "gold") == ["alpha.jsonl", "alpha.run.json"]


def test_the_shipped_gold_uses_the_projects_reports_predictions_and_baseline(project: Path) -> None:
    shipped = paths.gold.SHIPPED_GOLD
    assert paths.reports_folder(shipped, None) == project / "reports"
    assert paths.baseline_file(shipped, None) == project / "reports" / "baseline.json"
    assert paths.baseline_file(shipped, Path("given.json")) == Path("given.json")
    assert paths.predictions_folder(shipped, None) == project / "predictions"
    assert paths.predictions_folder(GOLD, None) == project / "predictions" / "gold"


# --- item 2: a system selection never destroys others' records -----------------------------------


def test_a_selection_writes_partial_reports_and_leaves_the_full_ones(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None]
) -> None:
    assert newsbench(monkeypatch, "bench", *RUN) == 0
    full = project / "reports" / "gold"
    before = {name: (full / name).read_bytes() for name in files(full)}
    assert newsbench(monkeypatch, "bench", *RUN, "--system", "alpha") == 0
    assert {name: (full / name).read_bytes() for name in files(full) if not name.startswith("partial/")} == before
    partial = json.loads((full / "partial" / "results.json").read_text())
    assert sorted(partial["systems"]) == ["alpha"]


def test_update_baseline_with_a_selection_replaces_only_the_selected_rows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    common = (*RUN, "--out", str(tmp_path / "reports"), "--predictions", str(tmp_path / "p"), "--baseline", str(baseline))
    assert newsbench(monkeypatch, "bench", *common, *ALPHA, *BETA, "--update-baseline") == 0
    accepted = json.loads(baseline.read_text())
    alpha = accepted["systems"]["alpha"]
    accepted["systems"]["alpha"] = {"entities": 0.1, "numbers": 0.1, "attributions": 0.1}
    accepted["systems"]["beta"] = {"entities": 0.2, "numbers": 0.2, "attributions": None}
    baseline.write_text(json.dumps(accepted))
    assert newsbench(monkeypatch, "bench", *common, *ALPHA, "--update-baseline") == 0
    # alpha's row is measured again; beta's row (not selected) is kept as it was
    assert systems_in(baseline) == {"alpha": alpha, "beta": {"entities": 0.2, "numbers": 0.2, "attributions": None}}


def test_a_partial_update_on_changed_gold_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    common = (*RUN, "--out", str(tmp_path / "reports"), "--predictions", str(tmp_path / "p"), "--baseline", str(baseline))
    assert newsbench(monkeypatch, "bench", *common, *ALPHA, *BETA, "--update-baseline") == 0
    accepted = json.loads(baseline.read_text())
    accepted["gold"]["d0"] = "0" * 64
    baseline.write_text(json.dumps(accepted))
    capsys.readouterr()
    assert newsbench(monkeypatch, "bench", *common, *ALPHA, "--update-baseline") == 2
    assert "the gold changed since the baseline was made" in capsys.readouterr().err
    assert json.loads(baseline.read_text()) == accepted


def test_exclude_leaves_out_the_named_system(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None]
) -> None:
    assert newsbench(monkeypatch, "bench", *RUN, "--exclude", "beta") == 0
    results = json.loads((project / "reports" / "gold" / "partial" / "results.json").read_text())
    assert sorted(results["systems"]) == ["alpha"]


# --- item 3: only systems shipped with newsbench are gated by default ------------------------------


def test_only_shipped_systems_are_gated_by_default(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    baseline = project / "reports" / "gold" / "baseline.json"
    assert newsbench(monkeypatch, "bench", *RUN, "--update-baseline") == 0
    assert "not recorded in the baseline (not shipped with newsbench, so not gated): beta" in capsys.readouterr().out
    assert sorted(systems_in(baseline)) == ["alpha"]
    # someone else's baseline lists their private plugin, and a beta far better than ours
    accepted = json.loads(baseline.read_text())
    accepted["systems"]["theirs"] = {"entities": 0.5, "numbers": None, "attributions": None}
    accepted["systems"]["beta"] = {"entities": 1.0, "numbers": 1.0, "attributions": None}
    baseline.write_text(json.dumps(accepted))
    assert newsbench(monkeypatch, "bench", *RUN) == 0
    printed = capsys.readouterr().out
    assert "Regression gate PASSED" in printed and "not shipped with newsbench" in printed
    (theirs,) = [line for line in printed.splitlines() if "theirs" in line]
    assert "not gated" in theirs
    gate = printed[printed.index("Regression gate"):]
    beta = [line for line in gate.splitlines() if "│ beta" in line]
    assert beta and all("not gated" in line for line in beta)
    # selected on purpose, a private system is gated: beta's drop from 100 now fails
    assert newsbench(monkeypatch, "bench", *RUN, "--system", "beta") == 1


# --- item 4: a misnamed plugin ------------------------------------------------------------------


def test_a_misnamed_plugin_is_listed_unavailable_and_skipped_by_bench(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fixture_systems(Entry("shout", "entry point shout:System (shout)", replay(FIXTURE / "beta.jsonl", name="loud")))
    info = next(i for i in registry.list_systems() if i.name == "shout")
    assert not info.availability.ok
    assert info.availability.reason == ("registered as 'shout' but the adapter's name is 'loud'; "
                                        "the entry-point name and the adapter's `name` must agree")
    assert newsbench(monkeypatch, "bench", *RUN) == 0
    assert "skipped shout: registered as 'shout'" in capsys.readouterr().err
    results = json.loads((project / "reports" / "gold" / "results.json").read_text())
    assert sorted(results["systems"]) == ["alpha", "beta"]


# --- item 5: compare on other gold never clobbers predictions ------------------------------------


def test_compare_on_other_gold_writes_its_own_predictions_folder(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None]
) -> None:
    shipped_run = project / "predictions" / "alpha.jsonl"
    shipped_run.parent.mkdir()
    shipped_run.write_text("predictions of the shipped gold\n")
    assert newsbench(monkeypatch, "compare", "alpha", "beta", "--gold", str(GOLD), "--no-cache") == 0
    assert shipped_run.read_text() == "predictions of the shipped gold\n"
    assert files(project / "predictions" / "gold") == ["alpha.jsonl", "alpha.run.json", "beta.jsonl", "beta.run.json"]


# --- item 6: small things -----------------------------------------------------------------------


def test_version_prints_the_projects_version(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert newsbench(monkeypatch, "--version") == 0
    assert capsys.readouterr().out == f"newsbench {version}\n"


def test_score_accepts_a_system_name_as_compare_does(
    monkeypatch: pytest.MonkeyPatch, project: Path, fixture_systems: Callable[..., None]
) -> None:
    by_name, by_file = project / "by_name.json", project / "by_file.json"
    assert newsbench(monkeypatch, "score", "alpha", "--gold", str(GOLD), "--json", str(by_name), "--no-cache") == 0
    assert newsbench(monkeypatch, "score", str(FIXTURE / "alpha.jsonl"), "--gold", str(GOLD), "--json", str(by_file)) == 0
    assert json.loads(by_name.read_text()) == json.loads(by_file.read_text())
    assert (project / "predictions" / "gold" / "alpha.jsonl").is_file()


def test_readme_links_only_to_sections_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    headings = {line.lstrip("#").strip() for line in readme.splitlines() if line.startswith("#")}
    quoted = set(re.findall(r'\(see "([^"]+)"\)|README,? "([^"]+)"', readme + (ROOT / "pyproject.toml").read_text()))
    for names in quoted:
        for name in names:
            if name:
                assert any(h == name or h.startswith(name) for h in headings), name
