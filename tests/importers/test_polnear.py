"""brat standoff → attributions, and the PolNeAR importer with its inter-annotator agreement.

The tiny corpus is written here (PolNeAR's texts may not be committed); the shared copy, when
present, checks the counts in its NOTES.md and the published agreement figure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.errors import UserError
from bench.gold import load_gold
from bench.importers.brat import attributions, parse_ann, parse_role_map, quote_kind
from bench.importers.gold_folder import write_gold_folder
from bench.importers.polnear import import_polnear, krippendorff_alpha, token_roles
from bench.importers.polnear_agreement import agreement_report
from bench.schema import QuoteKind, Span
from bench.score import score_corpus
from bench.score.tokens import Tokens

TEXT = "Officials said the plan would fail. “We are ready,” the mayor told reporters, citing new polls."
#        0         1         2         3         4         5         6         7         8         9
#        0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456
ANN_A = """T1\tSource 0 9\tOfficials
T2\tCue 10 14\tsaid
T3\tContent 15 34\tthe plan would fail
T4\tAttribution 10 14\tsaid
E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3
T5\tContent 36 51\t“We are ready,”
T6\tSource 52 61\tthe mayor
T7\tCue 62 66\ttold
T8\tAttribution 62 66\ttold
E2\tAttribution:T8 Cue:T7 Source:T6 Content:T5
T9\tCue 78 84\tciting
T10\tContent 85 94;94 95\tnew polls .
T11\tAttribution-no-source 78 84\tciting
E3\tAttribution-no-source:T11 Cue:T9 Content:T10
T12\tDiscuss 20 24\tplan
#1\tAnnotatorNotes T1\ta note
"""
# The second annotator missed the third attribution and took "Officials said" as the cue.
ANN_B = """T1\tCue 0 14\tOfficials said
T3\tContent 15 34\tthe plan would fail
T4\tAttribution 0 14\tOfficials said
E1\tAttribution:T4 Cue:T1 Content:T3
T5\tContent 36 51\t“We are ready,”
T6\tSource 52 61\tthe mayor
T7\tCue 62 66\ttold
T8\tAttribution 62 66\ttold
E2\tAttribution:T8 Cue:T7 Source:T6 Content:T5
"""


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "PolNeAR"
    for split in ("train", "test"):
        (root / "data" / split / "text").mkdir(parents=True)
        (root / "data" / split / "attributions").mkdir(parents=True)
    (root / "data" / "train" / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (root / "data" / "train" / "attributions" / "doc1_b2.ann").write_text(ANN_B, encoding="utf-8")
    (root / "data" / "train" / "attributions" / "doc1_a1.ann").write_text(ANN_A, encoding="utf-8")
    (root / "data" / "test" / "text" / "doc2.txt").write_text(TEXT, encoding="utf-8")
    (root / "data" / "test" / "attributions" / "doc2_a1.ann").write_text(ANN_A, encoding="utf-8")
    return root


def test_events_become_attributions_with_null_source_discontinuous_content_and_kind() -> None:
    found, stats = attributions(parse_ann(ANN_A, Path("a.ann")), TEXT)
    first, second, third = found
    assert (first.source, first.cue, first.content) == (Span(0, 9), Span(10, 14), (Span(15, 34),))
    assert first.kind is QuoteKind.INDIRECT
    assert second.kind is QuoteKind.DIRECT  # “We are ready,” opens and closes with a mark
    assert third.source is None  # Attribution-no-source
    assert third.content == (Span(85, 95),)  # the fragments 85-94 and 94-95 touch: one span
    assert stats.events == 3 and stats.no_source == 1 and stats.text_mismatches == 0  # brat joins fragments with a space
    assert stats.skipped_types == {}  # Discuss is a text-bound mark, not an event


@pytest.mark.parametrize(("content", "kind", "ambiguous"), [
    ("the plan would fail", QuoteKind.INDIRECT, False),
    ("“We are ready,”", QuoteKind.DIRECT, False),
    ("\"We are ready\".", QuoteKind.DIRECT, False),
    ("the plan was “doomed” from the start", QuoteKind.MIXED, False),
    ("“We are ready,” and “we will win”", QuoteKind.MIXED, True),  # wrapped, with marks inside
    ("the plan was “doomed", QuoteKind.MIXED, True),  # an odd number of marks
])
def test_quote_kind_follows_the_quotation_marks_inside_the_content(content: str, kind: QuoteKind, ambiguous: bool) -> None:
    assert quote_kind(content) == (kind, ambiguous)


def test_a_role_map_renames_a_users_brat_roles_and_rejects_unknown_components() -> None:
    ann = parse_ann(ANN_A.replace("Source:", "Speaker:"), Path("a.ann"))
    found, _ = attributions(ann, TEXT, roles=parse_role_map("Speaker=source,Cue=cue,Content=content"))
    assert found[0].source == Span(0, 9)
    with pytest.raises(UserError, match="must be one of source, cue, content"):
        parse_role_map("Speaker=speaker")


def test_a_bad_offset_is_a_one_line_error_naming_file_and_line() -> None:
    with pytest.raises(UserError) as error:
        parse_ann("T1\tSource 0 x\tOfficials\n", Path("bad.ann"))
    assert error.value.lines == ("bad.ann:1: offsets: expected 'start end[;start end…]', got '0 x'",)


def test_the_gold_is_the_first_annotator_and_every_version_is_kept_for_agreement(copy: Path) -> None:
    imported = import_polnear(copy)
    assert [(d.doc_id, d.split) for d in imported.documents] == [("doc1", "train"), ("doc2", "test")]
    doc1 = next(d for d in imported.documents if d.doc_id == "doc1")
    assert doc1.provenance is not None and doc1.provenance.endswith("doc1_a1.ann")  # a1 sorts before b2
    assert [v.annotator for v in imported.versions["doc1"]] == ["a1", "b2"]
    assert "doc2" not in imported.versions  # one annotator file: no agreement to measure


def test_the_import_is_a_valid_gold_folder_scoring_one_against_itself(copy: Path, tmp_path: Path) -> None:
    write_gold_folder(import_polnear(copy).documents, tmp_path / "out")
    gold = load_gold(tmp_path / "out")
    assert all(d.annotations.entities is None and d.annotations.numbers is None for d in gold)
    score = score_corpus(gold, {d.doc_id: d.annotations for d in gold}, system="gold").to_dict()
    assert score["main"] == {"entities": None, "numbers": None, "attributions": 1.0}


def test_agreement_scores_one_annotator_against_the_other_with_our_scorer(copy: Path) -> None:
    report = agreement_report(import_polnear(copy, splits=["train"]))
    ours = report["newsbench_f1"]
    # a1 has 3 attributions, b2 has 2; only the mayor's is identical: strict F1 = 2·1/(3+2)
    assert ours["strict"] == pytest.approx(2 / 5)
    # lenient: the officials' pair has a source on one side only ("missing agrees only with
    # missing"), so again only the mayor's agrees
    assert ours["lenient"] == pytest.approx(2 / 5)
    assert report["annotator_pairs"] == 1 and report["documents"] == 1


def test_token_roles_and_krippendorffs_alpha_by_hand(copy: Path) -> None:
    imported = import_polnear(copy, splits=["train"])
    tokens = Tokens.of(TEXT)
    starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
    a, b = imported.versions["doc1"]
    roles_a = token_roles(a.attributions, starts, ends)
    roles_b = token_roles(b.attributions, starts, ends)
    assert roles_a[:2] == [1, 2] and roles_b[:2] == [2, 2]  # Officials: source vs cue; said: cue
    # nominal α = 1 − D_o / D_e from the coincidence matrix of the two annotators' token roles
    n = len(roles_a)
    pairs = [(x, y) for x, y in zip(roles_a, roles_b, strict=True)]
    disagree = sum(x != y for x, y in pairs)
    values = roles_a + roles_b
    totals = {v: values.count(v) for v in set(values)}
    expected = (2 * n) ** 2 - sum(c * c for c in totals.values())
    alpha_by_hand = 1 - (2 * n - 1) * (2 * disagree) / expected
    alpha, units = krippendorff_alpha(imported)
    assert units == n and alpha == pytest.approx(alpha_by_hand)


def test_the_command_writes_gold_and_the_agreement_json(copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "polnear", str(copy), "--out", str(tmp_path / "g"),
                                      "--agreement", str(tmp_path / "agr.json")])
    assert result.exit_code == 0, result.output
    assert "polnear: 2 documents (test 1, train 1), 6 attributions" in result.output
    assert json.loads((tmp_path / "agr.json").read_text("utf-8"))["annotator_pairs"] == 1


def test_brat_command_imports_a_users_project(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "p" / "story.ann").write_text(ANN_A.replace("Source:", "Speaker:"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "brat", str(tmp_path / "p"), "--out", str(tmp_path / "g"),
                                      "--map", "Speaker=source,Cue=cue,Content=content"])
    assert result.exit_code == 0, result.output
    (doc,) = load_gold(tmp_path / "g")
    assert doc.annotations.attributions is not None and doc.annotations.attributions[0].source == Span(0, 9)


# --- the shared copy ------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NEWSBENCH_EXTERNAL", REPO.parent / "shared" / "external")) / "polnear"
needs_copy = pytest.mark.skipif(not (SHARED / "data" / "test").is_dir(),
                                reason=f"no PolNeAR copy at {SHARED} (set NEWSBENCH_EXTERNAL to the external folder)")


@needs_copy
def test_shared_test_split_has_84_documents_and_agreement_near_the_published_alpha(tmp_path: Path) -> None:
    imported = import_polnear(SHARED, splits=["test"])
    assert len(imported.documents) == 84  # NOTES.md: 84 texts
    assert len(imported.versions) == 2  # NOTES.md: 2 test documents have two or more annotator files
    write_gold_folder(imported.documents, tmp_path / "pn")
    assert len(load_gold(tmp_path / "pn")) == 84
    alpha, tokens = krippendorff_alpha(imported)
    assert alpha is not None and tokens > 1000
    assert abs(alpha - 0.754) < 0.05  # published token-wise α 75.4% (their tokens and documents)


def test_alpha_is_not_applicable_when_no_annotator_marked_anything(tmp_path: Path) -> None:
    # every token has the role "none" for both annotators: krippendorff raises; we say None, not a traceback
    root = tmp_path / "PolNeAR" / "data" / "dev"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "d.txt").write_text(TEXT, encoding="utf-8")
    for annotator in ("a1", "b2"):
        (root / "attributions" / f"d_{annotator}.ann").write_text("", encoding="utf-8")
    alpha, tokens = krippendorff_alpha(import_polnear(tmp_path / "PolNeAR"))
    assert alpha is None and tokens == len(Tokens.of(TEXT).starts)
