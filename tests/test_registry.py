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


# --- laziness: names are indexed without importing, a system's code only when it is asked for ----


def _imported_after(code: str) -> list[str]:
    """The ``systems.*`` modules and heavy NLP libraries imported after running ``code`` in a fresh interpreter."""
    probe = (f"import sys; {code}; "
             "print(','.join(sorted(m for m in sys.modules if m.startswith('systems.') or "
             "m.split('.')[0] in ('spacy', 'textacy', 'quantulum3', 'recognizers_text', 'httpx'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    return [m for m in done.stdout.strip().split(",") if m]


def test_discovery_lists_every_built_in_name_without_importing_any_system() -> None:
    assert _imported_after("from bench import registry; assert {'rules', 'spacy'} <= set(registry.discover().names())") == []


def test_resolving_the_rules_system_imports_its_own_code_and_not_spacy() -> None:
    imported = _imported_after("from bench import registry; registry.create('rules')")
    assert "systems.rules" in imported
    assert not any(m.split(".")[0] == "spacy" or m in ("systems.spacy_system", "systems.llm") for m in imported)


def test_discovery_is_built_once_per_process_and_each_entry_loaded_once() -> None:
    found = registry.discover()
    assert registry.discover() is found
    assert found.entry("rules") is found.entry("rules")


def test_a_built_in_module_whose_system_has_another_name_cannot_run() -> None:
    def factory() -> Adapter:
        return NeedsMissing()

    found = Discovery({"renamed": Entry("renamed", "built-in systems.renamed", load=lambda: factory)})
    with pytest.raises(UserError, match="registered as 'renamed' but the adapter's name is 'needs-missing'"):
        registry.create("renamed", discovery=found)


def test_a_module_without_a_system_is_not_listed_and_a_broken_one_is_unavailable() -> None:
    def broken() -> registry.Factory:
        raise ImportError("no module named nothere")

    found = Discovery({"helper": Entry("helper", "built-in systems.helper", load=lambda: None),
                       "broken": Entry("broken", "built-in systems.broken", load=broken)})
    assert [i.name for i in registry.list_systems(discovery=found)] == ["broken"]
    assert registry.list_systems(discovery=found)[0].availability.reason == "cannot import: ImportError: no module named nothere"
    with pytest.raises(UserError, match="unknown system 'helper'"):
        registry.create("helper", discovery=found)


def test_every_built_in_module_defines_the_system_its_index_name_says() -> None:
    for name in BUILT_INS:
        assert registry.create(name).name == name


# --- the contract: every member declared once ----------------------------------------------------


def test_the_protocol_members_are_what_the_check_requires() -> None:
    class Partial:
        name = "partial"
        version = "1"

    with pytest.raises(TypeError) as caught:
        registry.check_adapter(Partial(), "test")
    assert str(caught.value) == ("test does not implement the adapter protocol (missing layers, availability, config, "
                                 "setup, predict, predict_batch, run_summary)")


def test_options_not_declared_take_their_defaults_and_declared_ones_are_read() -> None:
    assert registry.options_of(NeedsMissing()) == registry.AdapterOptions("", True, True, None)
    assert registry.options_of(registry.FileSystem("none.jsonl")) == registry.AdapterOptions(
        "predictions read from a JSONL file", isolate=False, cache=False)
    assert registry.options_of(SpacySystem()).batch_size == 16


def test_a_file_spec_is_read_in_one_place() -> None:
    assert registry.file_spec("file:a/b.jsonl") == Path("a/b.jsonl")
    assert registry.file_spec("b.jsonl") is None  # a run takes a bare path as a system name
    assert registry.as_file("b.jsonl") == Path("b.jsonl")  # score and compare take it as a file
    assert registry.as_file("file:a/b.jsonl") == Path("a/b.jsonl")
    assert registry.as_file("rules") is None
