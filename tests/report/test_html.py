"""The side-by-side HTML page: structure, escaping, and how headless Chromium renders it.

The browser test runs the Debian ``chromium`` package headless. It is skipped when no
Chromium is installed, unless NEWSBENCH_REQUIRE_BROWSER=1 (set by .ci/run), which turns the
skip into a failure so CI always exercises it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from bench.report.describe import Category
from bench.report.html import Mark, segments, system_html
from bench.report.model import BenchResult
from bench.score.items import Outcome

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each <span>, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.spans: list[tuple[str, str, str]] = []  # (classes, title, text)
        self._open: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "span":
            self.spans.append((attributes.get("class", ""), attributes.get("title", ""), ""))
            self._open.append(len(self.spans) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open:
            index = self._open[-1]
            classes, title, text = self.spans[index]
            self.spans[index] = (classes, title, text + data)

    def with_class(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.elements if name in a.get("class", "").split()]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def check_page(parsed: Elements) -> None:
    """What a reader must see on alpha's page, whether parsed from our output or from Chromium's DOM."""
    legend = parsed.with_class("legend")
    assert len(legend) == 1
    for category in Category:
        assert parsed.with_class(f"legend-{category.value}"), category
    assert not [t for t, _ in parsed.elements if t in ("script", "iframe", "object", "embed")]
    # d0 gold: Homs missed, shown in the missed colour with details on hover
    homs = [s for s in parsed.spans if s[2] == "Homs" and "c-missed" in s[0].split()]
    assert len(homs) == 1 and "missed GPE \"Homs\"" in homs[0][1]
    # the qualifier error on "20" is a value error on both sides, with both qualifiers in the details
    twenty = [s for s in parsed.spans if s[2] == "20" and "c-value" in s[0].split()]
    assert len(twenty) == 2 and all("qualifier exact, gold approx" in s[1] for s in twenty)
    # spurious, wrong type and boundary spans are there too
    in_text = [s for s in parsed.spans if not any(c.startswith("legend-") for c in s[0].split())]
    assert [s[2] for s in in_text if "c-spurious" in s[0].split()] == ["Between", "script"]
    assert any(s[2] == "Acme" and "c-boundary" in s[0].split() for s in parsed.spans)
    assert any(s[2] == "Île-de-France" and "c-type" in s[0].split() for s in parsed.spans)
    # d3's text holds markup: it must stay text
    body = "".join(parsed.text)
    assert '<script>alert("x")</script> & more' in body
    sections = parsed.with_class("doc")
    assert [a["id"] for _, a in sections] == ["doc-d0", "doc-d1", "doc-d2", "doc-d3", "doc-d4", "doc-d5"]


def test_page_structure(result: BenchResult) -> None:
    html = system_html(result, result.system("alpha"))
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html
    check_page(parse(html))


def test_layers_not_attempted_and_failures_are_stated(result: BenchResult) -> None:
    parsed = parse(system_html(result, result.system("beta")))
    assert len(parsed.with_class("na")) == 6  # attributions, in each of 6 documents
    failures = parsed.with_class("failure")
    assert len(failures) == 1
    assert "Failed: TimeoutError: no answer within 600 s" in "".join(parsed.text)


def test_overlapping_spans_are_cut_into_segments_coloured_by_the_innermost() -> None:
    text = "Officials said 12 people"
    marks = [
        Mark(0, 24, "content", Category.MATCH, (Outcome.MATCH,), "outer"),
        Mark(15, 17, "mention", Category.VALUE, (Outcome.WRONG_QUALIFIER,), "inner"),
    ]
    pieces = segments(text, marks)
    assert [p.text for p in pieces] == ["Officials said ", "12", " people"]
    assert "c-value" in pieces[1].classes and "first" in pieces[1].classes
    assert pieces[1].detail == "[mention] inner\n[content] outer"
    assert "c-match" in pieces[2].classes and "first" not in pieces[2].classes
    assert "".join(p.text for p in pieces) == text


def find_browser() -> str | None:
    configured = os.environ.get("NEWSBENCH_CHROMIUM")
    if configured:
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    found = find_browser()
    if found is None:
        if os.environ.get("NEWSBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail("NEWSBENCH_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)")
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    return found


def run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.browser
def test_chromium_renders_the_page(tmp_path: Path, result: BenchResult, browser: str) -> None:
    page = tmp_path / "alpha.html"
    page.write_text(system_html(result, result.system("alpha")), encoding="utf-8")
    dom = run_browser(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "&lt;script&gt;alert" in dom.stdout
    check_page(parse(dom.stdout))

    shot = tmp_path / "alpha.png"
    run = run_browser(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    pixels = image.imread(io.BytesIO(shot.read_bytes()), format="png")[:, :, :3]
    assert pixels.shape[:2] == (1600, 1280)
    assert pixels.std() > 0.05  # not a blank page
    colours = {tuple(c) for c in np.unique((pixels * 255).round().astype(int).reshape(-1, 3), axis=0)}
    # the stylesheet applied: the match and missed colours are on screen
    assert (0xB7, 0xE4, 0xC7) in colours
    assert (0xF4, 0xA3, 0xA8) in colours
