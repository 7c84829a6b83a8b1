"""Inter-annotator agreement on PolNeAR's multiply annotated documents, two ways.

* **Ours**: one annotator's attributions scored as gold against another's as predictions with
  newsbench's own attribution scorer (:mod:`bench.score.attributions`), counts summed over every
  unordered pair of annotators of every document; F1 of strict, lenient, and per component
  (exact spans, and token overlap). F1 is symmetric in the two annotators.
* **The corpus authors'**: Krippendorff's α (nominal) over tokens, each token's role (none,
  source, cue, content) per annotator (:func:`bench.importers.polnear.krippendorff_alpha`). The
  README of PolNeAR reports 75.4% token-wise α; its tokenisation (CoreNLP) and its exact set of
  documents are not given, so ours is computed on our tokens over the documents imported.
"""

from __future__ import annotations

from typing import Any

from bench.formatting import pct
from bench.importers.polnear import PolnearImport, annotator_pairs, krippendorff_alpha
from bench.score.attributions import AttributionCounts, score_attributions
from bench.score.tokens import Tokens

#: The figure PolNeAR's README publishes (token-wise Krippendorff's α, percent).
PUBLISHED_ALPHA = 0.754
#: PolNeAR README: attribution-wise agreement ("agr"), percent.
PUBLISHED_AGR = 0.923


def agreement_report(imported: PolnearImport) -> dict[str, Any]:
    """Agreement of the multiply annotated documents as JSON data (``null`` when there are none)."""
    pairs = annotator_pairs(imported)
    alpha, tokens = krippendorff_alpha(imported)
    counts = AttributionCounts()
    for doc, a, b in pairs:
        text = imported.texts[doc]
        counts = counts + score_attributions(a.attributions, b.attributions, text=text, tokens=Tokens.of(text)).counts
    data = counts.to_dict()
    ours = {
        "strict": data["strict"]["f1"],
        "lenient": data["lenient"]["f1"],
        **{f"{name}_exact": data[name]["exact"]["f1"] for name in ("source", "cue", "content")},
        **{f"{name}_overlap": data[name]["overlap"]["f1"] for name in ("source", "cue", "content")},
        "kind_accuracy": data["kind"]["accuracy"],
    }
    return {
        "documents": len(imported.versions),
        "annotator_pairs": len(pairs),
        "attributions_compared": data["strict"]["gold"] + data["strict"]["predicted"],
        "newsbench_f1": ours if pairs else None,
        "krippendorff_alpha_tokens": alpha,
        "tokens": tokens,
        "published": {"krippendorff_alpha_tokens": PUBLISHED_ALPHA, "attribution_agreement": PUBLISHED_AGR},
    }


def agreement_text(report: dict[str, Any]) -> str:
    """One paragraph for the terminal."""
    if not report["annotator_pairs"]:
        return "agreement: no document of these splits has two annotator files"

    ours = report["newsbench_f1"]
    parts = ", ".join(f"{name} {pct(value)}" for name, value in ours.items())
    return (f"agreement on {report['documents']} documents ({report['annotator_pairs']} annotator pairs): "
            f"newsbench F1 {parts}; Krippendorff's α over {report['tokens']} tokens "
            f"{pct(report['krippendorff_alpha_tokens'])} (published: {pct(PUBLISHED_ALPHA)})")
