"""Discovery: built-ins, entry points (a real package installed from a temp dir), file:PATH; availability."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import registry, runner
from bench.errors import UserError
from bench.registry import Adapter, Availability, Discovery, Entry, discovery
from bench.schema import Annotations, Document, Layer
from systems.spacy_system import SpacySystem

BUILT_INS = {"llm", "quantulum3", "recognizers", "rules", "spacy", "textacy"}
ROOT = Path(__file__).resolve().parent.parent


def test_every_built_in_is_discovered_and_the_template_is_not() -> None:
    found = registry.discover()
    assert BUILT_INS <= set(found.entries)
    assert "template" not in found.entries
    for name in BUILT_INS:
        assert found.entries[name].origin.startswith("built-in systems.")
        loaded = found.entry(name)
        assert loaded is not None and loaded.factory is not None


def test_listing_gives_layers_versions_and_availability() -> None:
    infos = {info.name: info for info in registry.list_systems()}
    assert infos["rules"].layers == frozenset(Layer)
    assert infos["rules"].availability.ok
    assert infos["quantulum3"].layers == frozenset({Layer.NUMBERS})
    assert infos["recognizers"].layers == frozenset({Layer.NUMBERS})
    assert infos["textacy"].layers == frozenset({Layer.ATTRIBUTIONS})
    assert infos["spacy"].layers == frozenset(Layer)
    assert all(info.version not in ("", "?") for info in infos.values())


def test_llm_without_an_endpoint_is_listed_as_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSBENCH_LLM_BASE_URL", "NEWSBENCH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    info = next(i for i in registry.list_systems() if i.name == "llm")
    assert not info.availability.ok
    assert info.availability.reason.startswith("not configured")
    assert "NEWSBENCH_LLM_BASE_URL" in info.availability.reason and info.availability.install == ""


class NeedsMissing(Adapter):
    name = "needs-missing"
    version = "1"
    layers = frozenset({Layer.NUMBERS})

    def availability(self) -> Availability:
        return Availability.no("package nothere is not installed", "pip install nothere==1.0")

    def predict(self, document: Document) -> Annotations:
        raise AssertionError("never called")


def _with(entry: Entry) -> Discovery:
    return Discovery({**registry.discover().entries, entry.name: entry})


def test_an_unavailable_system_is_listed_with_reason_and_install_hint_and_refused_by_the_runner(tmp_path: Path) -> None:
    found = _with(Entry("needs-missing", "test", NeedsMissing))
    info = next(i for i in registry.list_systems(discovery=found) if i.name == "needs-missing")
    assert info.availability == Availability(False, "package nothere is not installed", "pip install nothere==1.0")
    assert "needs-missing" not in registry.available_systems(discovery=found)
    with pytest.raises(UserError) as caught:
        runner.run_systems(["needs-missing"], [Document("d", "x")], out_dir=tmp_path, discovery=found)
    assert caught.value.lines == (
        "system 'needs-missing' is not available: package nothere is not installed; install with: pip install nothere==1.0",
    )


def test_a_system_that_cannot_load_or_be_created_is_unavailable_not_a_crash() -> None:
    def explode() -> Adapter:
        raise RuntimeError("boom")

    broken = Discovery({"broken": Entry("broken", "entry point x:y (dist)", None, "cannot load: ImportError: no module"),
                        "explodes": Entry("explodes", "test", explode)})
    infos = {i.name: i for i in registry.list_systems(discovery=broken)}
    assert infos["broken"].availability.reason == "cannot load: ImportError: no module"
    assert infos["explodes"].availability.reason == "cannot be created: RuntimeError: boom"
    with pytest.raises(UserError, match="cannot be created: RuntimeError: boom"):
        registry.create("explodes", discovery=broken)


def test_options_reach_only_factories_that_accept_them() -> None:
    spacy = registry.create("spacy", {"model": "/some/where", "base_url": "http://x"})
    assert isinstance(spacy, SpacySystem) and spacy.model == "/some/where"
    rules = registry.create("rules", {"model": "ignored"})
    assert rules.name == "rules"
    assert registry.accepted_options("llm", {"model": "m", "base_url": "u", "colour": "red"}) == {"model": "m", "base_url": "u"}


def test_system_specific_options_override_shared_ones() -> None:
    options = {"model": "shared", "spacy": {"model": "own"}}
    assert runner.system_options(options, "spacy") == {"model": "own"}
    assert runner.system_options(options, "llm") == {"model": "shared"}


def test_file_system_declares_the_layers_its_lines_attempt(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"doc_id": "a", "numbers": []}\n{"doc_id": "b", "attributions": []}\n', "utf-8")
    system = registry.create(f"file:{path}")
    assert (system.name, system.layers) == ("mine", frozenset({Layer.NUMBERS, Layer.ATTRIBUTIONS}))
    assert system.availability().ok
    missing = registry.create(f"file:{tmp_path / 'none.jsonl'}")
    assert missing.availability().reason.endswith("none.jsonl: no such file")


# --- a third-party package found through its entry point ------------------------------------

PACKAGE = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "newsbench-shout"
        version = "0.0.1"

        [project.entry-points."newsbench.systems"]
        shout = "newsbench_shout:Shout"

        [tool.setuptools]
        py-modules = ["newsbench_shout"]
    """,
    "newsbench_shout.py": '''
        from bench.registry import Adapter
        from bench.schema import Annotations, Entity, EntityLabel, Layer


        class Shout(Adapter):
            """Every all-capitals word is an ORG."""

            name = "shout"
            version = "0.0.1"
            layers = frozenset({Layer.ENTITIES})

            def predict(self, document):
                import re

                found = [m for m in re.finditer(r"\\b[A-Z]{2,}\\b", document.text)]
                return Annotations(document.doc_id, entities=tuple(Entity(m.start(), m.end(), EntityLabel.ORG) for m in found))
    ''',
}


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build and pip-install the tiny package into a temporary target folder (no network, no venv change)."""
    source = tmp_path_factory.mktemp("plugin-src")
    for name, content in PACKAGE.items():
        (source / name).write_text(textwrap.dedent(content).lstrip(), "utf-8")
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    try:
        yield target
    finally:
        sys.path.remove(str(target))
        sys.modules.pop("newsbench_shout", None)
        importlib.invalidate_caches()


def test_an_installed_package_is_found_through_its_entry_point(installed_plugin: Path, tmp_path: Path) -> None:
    found = registry.discover()
    assert found.entries["shout"].origin == "entry point newsbench_shout:Shout (newsbench-shout)"
    info = next(i for i in registry.list_systems(discovery=found) if i.name == "shout")
    assert (info.version, info.layers, info.availability.ok) == ("0.0.1", frozenset({Layer.ENTITIES}), True)
    assert "shout" in registry.available_systems(discovery=found)
    # and it runs like a built-in, in a worker process
    results = runner.run_systems(["shout"], [Document("d", "The UN and NATO met.")], out_dir=tmp_path, use_cache=False)
    assert [(e.start, e.end) for e in results["shout"].predictions["d"].entities or ()] == [(4, 6), (11, 15)]


def test_newsbench_systems_lists_the_installed_package(installed_plugin: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(installed_plugin), "COLUMNS": "200"}
    shown = subprocess.run(
        [sys.executable, "-m", "bench.cli", "systems"], check=False, capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    rows = {line.split("│")[1].strip(): line for line in shown.stdout.splitlines() if line.count("│") > 3}
    assert BUILT_INS | {"shout"} <= set(rows)
    assert "entities" in rows["shout"] and "yes" in rows["shout"]


def test_an_entry_point_name_taken_by_a_built_in_is_skipped_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discovery, "_entry_point_entries", lambda: [Entry("rules", "entry point other:Rules (other)", NeedsMissing)])
    found = registry.discover()
    assert found.entries["rules"].origin == "built-in systems.rules"
    assert found.warnings == ("entry point other:Rules (other): system name 'rules' is taken by built-in systems.rules; skipped",)
