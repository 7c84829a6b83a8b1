"""The comparison viewer: page structure, escaping, worst documents, and behaviour in headless Chromium.

Facts of the fixture used below (tests/fixtures/report): in d0 the gold entities are Russian, ISIS,
Raqqa and Homs (indices 0–3); alpha misses Homs and matches the rest, beta misses Russian and matches
the rest. The gold number "20" (approximate) gets a wrong qualifier from alpha and a match from beta.
d3's text holds ``<script>alert("x")</script> & more``; beta failed on d3.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from bench.phenomena import PHENOMENA
from bench.report.html import system_html
from bench.report.markdown import system_markdown
from bench.report.model import BenchResult, SystemResult
from bench.report.viewer import (
    ViewMark,
    document_html,
    index_html,
    page_names,
    pieces,
    viewer_files,
    worst_documents,
)
from bench.report.write import render_all
from bench.schema import Layer
from tests.report.conftest import fixture_result
from tests.report.test_html import Elements, browser, parse, run_browser  # noqa: F401  (browser is a fixture)

APPROXIMATE = next(i for i, p in enumerate(PHENOMENA) if p.name == "approximate (around, nearly)")


def spans_in(parsed: Elements, text: str) -> list[tuple[str, str, str]]:
    return [s for s in parsed.spans if s[2] == text]


def columns(html: str, layer: str) -> list[str]:
    """Column names of one layer's row, left to right."""
    section = html.split(f'data-layer="{layer}"', 1)[1].split("</section>", 1)[0]
    return [part.split("</h3>", 1)[0] for part in section.split("<h3>")[1:]]


def test_gold_is_in_the_middle_between_the_systems(result: BenchResult) -> None:
    html = document_html(result, result.document("d0"))
    for layer in Layer:
        assert columns(html, layer.value) == ["alpha", "gold", "beta"]


def test_each_system_colours_its_items_by_outcome(result: BenchResult) -> None:
    parsed = parse(document_html(result, result.document("d0")))
    homs = spans_in(parsed, "Homs")
    # alpha: missed (drawn dashed in its column), gold: neutral, beta: match — in column order
    assert [c.split()[1:3] for c, _, _ in homs] == [["c-missed", "r-missed"], ["c-gold", "r-mention"],
                                                    ["c-match", "r-mention"]]
    assert "alpha: missed" in homs[1][1] and "beta: match" in homs[1][1]
    twenty = spans_in(parsed, "20")
    assert [c.split()[1] for c, _, _ in twenty] == ["c-value", "c-gold", "c-match"]
    assert "qualifier exact, gold approx" in twenty[0][1]


def test_document_text_with_markup_stays_text(result: BenchResult) -> None:
    html = document_html(result, result.document("d3"))
    assert html.count("<script>") == 1  # the viewer's own script, nothing from the document
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html
    parsed = parse(html)
    assert '<script>alert("x")</script> & more' in "".join(parsed.text)
    assert not [a for t, a in parsed.elements if t == "script" and a.get("src")]
    assert not [t for t, _ in parsed.elements if t in ("iframe", "object", "embed", "link", "img")]
    assert "http://" not in html and "https://" not in html
    assert "beta failed on this document: TimeoutError" in html


def test_filters_list_the_outcomes_phenomena_and_systems_of_the_page(result: BenchResult) -> None:
    parsed = parse(document_html(result, result.document("d0")))
    outcomes = [a["value"] for t, a in parsed.elements if t == "input" and "f-outcome" in a.get("class", "")]
    assert outcomes == ["match", "missed", "wrong_qualifier"]
    systems = [a["value"] for t, a in parsed.elements if t == "input" and "f-system" in a.get("class", "")]
    assert systems == ["alpha", "beta"]
    options = [a["value"] for t, a in parsed.elements if t == "option"]
    assert options[0] == "" and str(APPROXIMATE) in options


def test_two_systems_of_many_can_be_compared(result: BenchResult) -> None:
    html = document_html(result, result.document("d0"), [result.system("beta")])
    assert columns(html, "entities") == ["beta", "gold"]


def test_overlapping_marks_are_cut_innermost_first() -> None:
    outer = ViewMark(0, 10, "content", "match", ("match",), "attributions-0", (), "outer")
    inner = ViewMark(4, 6, "source", "spurious", ("spurious",), "-", (), "inner")
    cut = pieces("0123456789", [outer, inner])
    assert [(p.text, [m.detail for m in p.marks]) for p in cut] == [
        ("0123", ["outer"]), ("45", ["inner", "outer"]), ("6789", ["outer"])]
    assert cut[1].classes == "m c-spurious r-source first" and cut[1].golds == "- attributions-0"
    assert cut[2].classes == "m c-match r-content"


def test_page_names_are_unique_even_when_slugs_collide() -> None:
    assert page_names(["x y", "x_y", "z"]) == {"x y": "x_y-0.html", "x_y": "x_y-1.html", "z": "z.html"}


def test_index_links_every_document(result: BenchResult) -> None:
    parsed = parse(index_html(result))
    links = [a["href"] for t, a in parsed.elements if t == "a" and a["href"].endswith(".html")]
    assert links == [f"d{i}.html" for i in range(6)]


def test_bench_writes_one_viewer_page_per_document(result: BenchResult) -> None:
    files = render_all(result)
    assert sorted(n for n in files if n.startswith("viewer/")) == (
        ["viewer/d0.html", "viewer/d1.html", "viewer/d2.html", "viewer/d3.html", "viewer/d4.html",
         "viewer/d5.html", "viewer/index.html"])


def test_viewer_is_byte_identical_across_runs() -> None:
    assert viewer_files(fixture_result()) == viewer_files(fixture_result())


# --- worst documents --------------------------------------------------------------------------


def _system(per_document: dict[str, dict[str, dict[str, float] | None]]) -> SystemResult:
    return SystemResult("s", "1", frozenset(Layer), (), (), per_document=per_document)


def test_worst_documents_sort_by_f1_then_id_and_skip_not_applicable() -> None:
    def block(f1: float | None) -> dict[str, float | None]:
        return {"precision": f1, "recall": f1, "f1": f1}

    system = _system({
        "b": {"entities": block(0.5)}, "a": {"entities": block(0.5)}, "c": {"entities": block(0.0)},
        "d": {"entities": block(None)}, "e": {"entities": None}, "f": {"entities": block(1.0)},
        "g": {"entities": block(0.9)}, "h": {"entities": block(0.8)},
    })
    names = {d: f"{d}.html" for d in "abcdefgh"}
    assert [(w.doc_id, w.f1) for w in worst_documents(system, Layer.ENTITIES, names)] == [
        ("c", 0.0), ("a", 0.5), ("b", 0.5), ("h", 0.8), ("g", 0.9)]


def test_system_pages_link_the_five_worst_documents_per_layer(result: BenchResult) -> None:
    alpha = result.system("alpha")
    # alpha's entity strict F1 per document: d1 1/3, d4 1/2, d2 and d3 4/5 (tie: d2 first), d0 6/7, d5 1
    markdown = system_markdown(result, alpha)
    line = next(l for l in markdown.splitlines() if l.startswith("- entities (strict F1)"))
    assert line == ("- entities (strict F1): [d1](../viewer/d1.html) 33.3 · [d4](../viewer/d4.html) 50.0 · "
                    "[d2](../viewer/d2.html) 80.0 · [d3](../viewer/d3.html) 80.0 · [d0](../viewer/d0.html) 85.7")
    parsed = parse(system_html(result, alpha))
    worst = [a["href"] for t, a in parsed.elements if t == "a" and "/viewer/" in a.get("href", "")]
    assert worst[:5] == ["../viewer/d1.html", "../viewer/d4.html", "../viewer/d2.html", "../viewer/d3.html",
                         "../viewer/d0.html"]
    beta_md = system_markdown(result, result.system("beta"))
    assert "- attributions" not in beta_md.split("## Worst documents", 1)[1].split("## Failures", 1)[0]


# --- in the browser ---------------------------------------------------------------------------

#: Appended to a copy of the page: acts like a reader (clicks, hovers) and writes what it saw into <pre id=seen>.
PROBE = """<script>
(function () {
  function state(sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel), function (s) {
      return {text: s.textContent, cls: s.className, col: s.closest(".col").querySelector("h3").textContent,
              bg: getComputedStyle(s).backgroundColor};
    });
  }
  var seen = {initial: state(".text span[data-cat]")};
  var gold = document.querySelector('.col.gold span[data-gold="entities-3"]');
  gold.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  seen.hover = state(".text span.hl");
  document.querySelector('input.f-outcome[value="match"]').click();
  seen.noMatch = state(".text span[data-cat]");
  document.querySelector('input.f-outcome[value="match"]').click();
  var select = document.getElementById("f-phenomenon");
  select.value = "PHENOMENON";
  select.dispatchEvent(new Event("change", {bubbles: true}));
  seen.phenomenon = state(".text span[data-cat]");
  select.value = "";
  select.dispatchEvent(new Event("change", {bubbles: true}));
  document.querySelector('input.f-system[value="beta"]').click();
  seen.hiddenColumns = Array.prototype.map.call(document.querySelectorAll(".col[hidden]"),
    function (c) { return c.dataset.system; });
  document.querySelector('input.f-system[value="alpha"]').click();
  document.querySelector('input.f-system[value="alpha"]').click();  /* order now: alpha | gold */
  var row = document.querySelector("#layer-entities .cols");
  seen.orderWithAlphaOnly = Array.prototype.map.call(row.querySelectorAll(".col"), function (c) {
    return {text: c.querySelector("h3").textContent, cls: c.style.order, col: "", bg: String(c.hidden)};
  });
  document.querySelector('input.f-system[value="beta"]').click();
  gold.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  var pre = document.createElement("pre");
  pre.id = "seen";
  pre.textContent = JSON.stringify(seen);
  document.body.appendChild(pre);
}());
</script>
"""
TRANSPARENT = "rgba(0, 0, 0, 0)"


def probed(html: str) -> str:
    return html.replace("</body>", PROBE.replace("PHENOMENON", str(APPROXIMATE)) + "</body>")


def seen_in(dom: str) -> dict[str, list[dict[str, str]]]:
    block = dom.split('<pre id="seen">', 1)[1].split("</pre>", 1)[0]
    data: dict[str, list[dict[str, str]]] = json.loads(
        block.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&"))
    return data


@pytest.mark.browser
def test_chromium_filters_hide_other_outcomes_and_hover_outlines_partners(
        tmp_path: Path, result: BenchResult, browser: str) -> None:  # noqa: F811
    page = tmp_path / "d0.html"
    page.write_text(probed(document_html(result, result.document("d0"))), encoding="utf-8")
    dom = run_browser(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    seen = seen_in(dom.stdout)
    # before any click every span is coloured
    assert seen["initial"] and all("off" not in s["cls"].split() and s["bg"] != TRANSPARENT for s in seen["initial"])
    # hovering gold Homs outlines it in every column: alpha's "missed here", the gold, beta's match
    assert [(s["text"], s["col"]) for s in seen["hover"]] == [("Homs", "alpha"), ("Homs", "gold"), ("Homs", "beta")]
    # unticking "match": matched spans lose their colour, the others keep it; a gold item stays while
    # one system got another outcome on it (Russian: beta missed it; Homs: alpha did)
    coloured = {(s["col"], s["text"]) for s in seen["noMatch"] if "off" not in s["cls"].split()}
    entities = {c for c in coloured if c[1] in ("Russian", "ISIS", "Raqqa", "Homs")}
    assert entities == {("alpha", "Homs"), ("gold", "Russian"), ("gold", "Homs"), ("beta", "Russian")}
    assert ("alpha", "20") in coloured and ("gold", "20") in coloured and ("beta", "20") not in coloured
    assert all(s["bg"] == TRANSPARENT for s in seen["noMatch"] if "off" in s["cls"].split())
    # phenomenon "approximate": only the number "20" stays coloured, in all three columns
    assert sorted((s["col"], s["text"]) for s in seen["phenomenon"] if "off" not in s["cls"].split()) == [
        ("alpha", "20"), ("beta", "20"), ("gold", "20")]
    assert seen["hiddenColumns"] == ["beta", "beta", "beta"]  # one per layer
    # with beta hidden, alpha stays left of the gold: (column, CSS order, hidden)
    assert [(c["text"], c["cls"], c["bg"]) for c in seen["orderWithAlphaOnly"]] == [
        ("alpha", "0", "false"), ("gold", "1", "false"), ("beta", "", "true")]


@pytest.mark.browser
def test_chromium_renders_markup_in_the_text_as_text_and_a_screenshot(
        tmp_path: Path, result: BenchResult, browser: str) -> None:  # noqa: F811
    page = tmp_path / "d3.html"
    page.write_text(document_html(result, result.document("d3")), encoding="utf-8")
    dom = run_browser(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = parse(dom.stdout)
    texts = [a for t, a in parsed.elements if t == "div" and a.get("class") == "text"]
    assert len(texts) == 3 * 2 + 2  # alpha and gold in three layers, beta (no attributions) in two
    assert "".join(parsed.text).count('<script>alert("x")</script> & more') == 8
    assert [t for t, _ in parsed.elements].count("script") == 1
    assert [s[2] for s in parsed.spans if {"m", "c-spurious"} <= set(s[0].split())] == ["script"]

    hovered = tmp_path / "d0-hover.html"
    hovered.write_text(probed(document_html(result, result.document("d0"))), encoding="utf-8")
    for name, source in (("d3", page), ("d0-hover", hovered)):
        shot = tmp_path / f"{name}.png"
        run = run_browser(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1000",
                          source.as_uri())
        assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
        pixels = image.imread(io.BytesIO(shot.read_bytes()), format="png")[:, :, :3]
        assert pixels.shape[:2] == (1000, 1280) and pixels.std() > 0.05
        colours = {tuple(c) for c in np.unique((pixels * 255).round().astype(int).reshape(-1, 3), axis=0)}
        assert (0xCF, 0xE0, 0xF5) in colours  # gold
        assert (0xB7, 0xE4, 0xC7) in colours  # match
