"""bench.score and bench.report import no module that imports them back (no import cycle)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import bench

ROOT = Path(bench.__file__).parent
PACKAGES = ("score", "report")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``path`` imports at module level or in a function (``from X import y``
    counts ``X.y`` when that is a module, else ``X``); a package's own parent is not counted."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module)
    return found & known


def _graph() -> dict[str, set[str]]:
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    known = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, known) - {_module_name(p)} for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt] if nxt in path else [*path, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycle_in_score_or_report() -> None:
    graph = _graph()
    assert "bench.score.rows" in graph and "bench.report.data" in graph
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_submodule_of_bench_score_is_a_module_attribute_not_shadowed() -> None:
    score = importlib.import_module("bench.score")
    for path in sorted((ROOT / "score").glob("*.py")):
        if path.stem != "__init__":
            importlib.import_module(f"bench.score.{path.stem}")
            attribute = getattr(score, path.stem)
            assert inspect.ismodule(attribute), f"bench.score.{path.stem} is shadowed by {attribute!r}"
