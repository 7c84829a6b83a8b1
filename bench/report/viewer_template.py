"""Jinja2 templates of the comparison viewer (:mod:`bench.report.viewer`): styles and script inline, nothing loaded."""

from __future__ import annotations

from bench.report.palette import MARK_STYLE

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 1.2rem;
       color: #1d1d1f; background: #fff; line-height: 1.45; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; border-bottom: 1px solid #ddd; }
h3 { font-size: .8rem; margin: .2rem 0; text-transform: uppercase; letter-spacing: .04em; color: #555; }
table.scores { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
table.scores th, table.scores td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: right; }
table.scores th:first-child, table.scores td:first-child { text-align: left; }
.filters { display: flex; flex-wrap: wrap; gap: .3rem 1rem; align-items: center; padding: .5rem .7rem;
           border: 1px solid #ccc; border-radius: 6px; background: #fafafa; font-size: .85rem;
           position: sticky; top: 0; z-index: 2; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .7rem; align-items: center; }
.filters legend { font-weight: bold; float: left; margin-right: .4rem; }
.sw { padding: 0 .35rem; border-radius: 2px; }
.cols { display: flex; gap: .8rem; align-items: stretch; }
.col { flex: 1 1 0; min-width: 0; }
[data-system][hidden] { display: none; }
.col.gold .text { border-color: #7a9cc6; background: #fbfdff; }
.text { white-space: pre-wrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem;
        border: 1px solid #e3e3e3; border-radius: 4px; padding: .5rem; overflow-wrap: anywhere; }
""" + MARK_STYLE + """.c-gold { background: #cfe0f5; }
.r-missed { background: #fde2e4; outline: 1px dashed #c9184a; outline-offset: -1px; }
.r-source { text-decoration: underline double; }
.r-cue { font-weight: bold; text-decoration: underline dotted; }
.m.off { background: transparent; outline: none; box-shadow: none; text-decoration: none; font-weight: normal; cursor: auto; }
.m.hl { outline: 2px solid #1d1d1f; outline-offset: 0; }
.na, .counts, .failure { color: #666; font-size: .8rem; margin: .2rem 0; }
.failure { color: #a4161a; }
nav { font-size: .85rem; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var spans = Array.prototype.slice.call(document.querySelectorAll(".text span[data-cat]"));
  function ticked(cls) {
    return Array.prototype.slice.call(document.querySelectorAll("input." + cls)).filter(function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  function apply() {
    var on = ticked("f-outcome");
    var ph = document.getElementById("f-phenomenon").value;
    spans.forEach(function (s) {
      var cats = s.dataset.cat.split(" "), roles = s.dataset.role.split(" ");
      var outs = s.dataset.out.split(" "), phs = s.dataset.ph.split(" "), shown = -1;
      for (var k = 0; k < cats.length && shown < 0; k++) {
        var byOutcome = outs[k].split(",").some(function (o) { return on.indexOf(o) >= 0; });
        var byPhenomenon = ph === "" || phs[k].split(",").indexOf(ph) >= 0;
        if (byOutcome && byPhenomenon) { shown = k; }
      }
      var classes = ["m"].concat(shown < 0 ? ["off"] : ["c-" + cats[shown], "r-" + roles[shown]]);
      if (s.dataset.first === "1") { classes.push("first"); }
      if (s.classList.contains("hl")) { classes.push("hl"); }
      s.className = classes.join(" ");
    });
  }
  function showSystems() {
    var on = ticked("f-system");
    Array.prototype.forEach.call(document.querySelectorAll("[data-system]"), function (c) {
      c.hidden = on.indexOf(c.dataset.system) < 0;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".cols"), function (row) {
      var shown = Array.prototype.filter.call(row.querySelectorAll(".col[data-system]"), function (c) { return !c.hidden; });
      var half = Math.ceil(shown.length / 2);  /* gold stays in the middle of the systems shown */
      shown.forEach(function (c, k) { c.style.order = k < half ? "0" : "2"; });
      row.querySelector(".col.gold").style.order = "1";
    });
  }
  function clear() {
    Array.prototype.forEach.call(document.querySelectorAll(".hl"), function (s) { s.classList.remove("hl"); });
  }
  document.addEventListener("mouseover", function (event) {
    clear();
    var s = event.target.closest ? event.target.closest(".text span[data-gold]") : null;
    if (!s) { return; }
    var key = s.dataset.gold.split(" ").filter(function (g) { return g !== "-"; })[0];
    if (!key) { s.classList.add("hl"); return; }
    Array.prototype.forEach.call(document.querySelectorAll('.text span[data-gold~="' + key + '"]'),
      function (p) { p.classList.add("hl"); });
  });
  document.addEventListener("change", function (event) {
    if (event.target.classList.contains("f-system")) { showSystems(); } else { apply(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-all]"), function (b) {
    b.addEventListener("click", function () {
      Array.prototype.forEach.call(document.querySelectorAll("input.f-outcome"), function (i) {
        i.checked = b.dataset.all === "1";
      });
      apply();
    });
  });
  var wanted = /(?:^#|&)systems=([^&]*)/.exec(window.location.hash);
  if (wanted) {
    var names = wanted[1].split(",").map(decodeURIComponent);
    Array.prototype.forEach.call(document.querySelectorAll("input.f-system"), function (i) {
      i.checked = names.indexOf(i.value) >= 0;
    });
    showSystems();
  }
}());
"""

_PIECES = ("{% for p in column.pieces %}{% if p.marks %}<span class=\"{{ p.classes }}\" title=\"{{ p.detail }}\" "
           "data-cat=\"{{ p.cats }}\" data-role=\"{{ p.roles }}\" data-out=\"{{ p.outs }}\" data-gold=\"{{ p.golds }}\" "
           "data-ph=\"{{ p.phs }}\" data-first=\"{{ 1 if p.first else 0 }}\">{{ p.text }}</span>"
           "{% else %}{{ p.text }}{% endif %}{% endfor %}")

DOCUMENT_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbench viewer: {{ document.doc_id }}</title>
<style>""" + _STYLE + """</style>
</head>
<body>
<nav><a href="{{ index }}">All documents</a>{% if previous %} · <a href="{{ previous }}" rel="prev">previous</a>{% endif %}{% if next %} · <a href="{{ next }}" rel="next">next</a>{% endif %} · <a href="../leaderboard.md">Leaderboard</a></nav>
<h1>{{ document.doc_id }} <small>({{ document.split }})</small></h1>
<p>Gold in the middle, each system's spans coloured by outcome; a dashed span in a system's column is a gold item
it missed. Hover a span to outline the same gold item in every column. Filters below: outcome, phenomenon, systems.</p>
<table class="scores">
<tr><th>system</th>{% for title in layers %}<th>{{ title }} F1 (P / R)</th>{% endfor %}</tr>
{% for row in score_rows %}<tr data-system="{{ row[0] }}">{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% for name, reason in failures %}<p class="failure">{{ name }} failed on this document: {{ reason }} (scored as empty)</p>
{% endfor %}<form class="filters" aria-label="filters" onsubmit="return false">
<fieldset id="outcome-filter"><legend>Outcome</legend>
{% for value, cat, n in outcomes %}<label><input type="checkbox" class="f-outcome" value="{{ value }}" checked> <span class="sw c-{{ cat }}">{{ value.replace("_", " ") }}</span> ({{ n }})</label>
{% endfor %}<button type="button" data-all="1">all</button> <button type="button" data-all="0">none</button></fieldset>
<label>Phenomenon <select id="f-phenomenon"><option value="" selected>any</option>
{% for i, name in phenomena %}<option value="{{ i }}">{{ name }}</option>
{% endfor %}</select></label>
<fieldset id="system-filter"><legend>Systems</legend>
{% for name in systems %}<label><input type="checkbox" class="f-system" value="{{ name }}" checked> {{ name }}</label>
{% endfor %}</fieldset>
<span><span class="sw c-gold">gold</span> <span class="sw r-missed">missed here</span> <span class="sw c-match r-source">source</span> <span class="sw c-match r-cue">cue</span></span>
</form>
{% for row in rows %}
<section class="layer" id="layer-{{ row.layer }}" data-layer="{{ row.layer }}">
<h2>{{ row.layer }}</h2>
<div class="cols">
{% for column in row.columns %}<div class="col{% if column.is_gold %} gold{% endif %}"{% if not column.is_gold %} data-system="{{ column.name }}"{% endif %}>
<h3>{{ column.name }}</h3>
{% if not column.attempted %}<p class="na">{{ dash }} {% if column.is_gold %}no system on this page attempts this layer{% else %}not attempted by this system{% endif %}</p>{% else %}<p class="counts">{{ column.counts }}</p>
<div class="text">""" + _PIECES + """</div>{% endif %}
</div>
{% endfor %}</div>
</section>
{% endfor %}
<script>""" + _SCRIPT + """</script>
</body>
</html>
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbench viewer: documents</title>
<style>""" + _STYLE + """</style>
</head>
<body>
<nav><a href="../leaderboard.md">Leaderboard</a></nav>
<h1>Comparison viewer: {{ rows|length }} documents</h1>
<p>Each document's page compares {{ systems|map(attribute="name")|join(", ") }} against the gold.
Cells: the layer's main-metric F1 on that document ({{ main }}); {{ "—" }} not attempted.</p>
<table class="scores" id="documents">
<tr><th>document</th><th>split</th>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for doc_id, page, split, cells in rows %}<tr><td><a href="{{ page }}">{{ doc_id }}</a></td><td>{{ split }}</td>{% for c in cells %}<td>{{ c }}</td>{% endfor %}</tr>
{% endfor %}</table>
</body>
</html>
"""
