"""The copyable template is a working adapter, and discovery skips it until it is copied under a real name."""

from __future__ import annotations

import json
from pathlib import Path

from bench import registry, runner
from bench.schema import Document, EntityLabel, Layer
from systems._template import SYSTEM, TemplateSystem


def test_the_template_runs_through_the_runner(tmp_path: Path) -> None:
    assert SYSTEM is TemplateSystem
    results = runner.run_systems(
        [TemplateSystem(model="m1")], [Document("d", "Shares of Blue Harbour Trust fell.")],
        out_dir=tmp_path, cache_dir=tmp_path / "cache",
    )
    result = results["template"]
    assert result.layers == frozenset({Layer.ENTITIES})
    assert [(e.text, e.label) for e in result.predictions["d"].entities or ()] == [("Blue Harbour Trust", EntityLabel.ORG)]
    assert json.loads(result.manifest.read_text("utf-8"))["config"] == {"model": "m1"}


def test_discovery_skips_modules_starting_with_an_underscore() -> None:
    assert "template" not in registry.discover().entries
