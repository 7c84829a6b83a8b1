"""``--log-samples`` for ``llm``: per document the messages sent, the raw reply, finish_reason and each item's grounding.

Run against the scripted OpenAI-compatible server of ``tests/systems/test_llm_system.py`` (its ``server``
fixture), through the runner with an isolated worker (``jobs=1``, the default) unless said otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import runner
from bench.schema import Document
from systems._llm.prompt import LAYER_PROMPTS, PROMPT_TEXT
from tests.systems.test_llm_system import (  # noqa: F401  (server is a fixture)
    ARTICLE,
    GOOD,
    SECRET,
    Reply,
    Server,
    _system,
    good,
    server,
)

#: The messages sent for ARTICLE in the default mode: the prompt as the system message, the article as the user's.
ASKED = [{"role": "system", "content": PROMPT_TEXT}, {"role": "user", "content": f"Article:\n<<<\n{ARTICLE}\n>>>"}]
#: GOOD's items grounded in ARTICLE ("Officials in Paris said on Monday that 12 people were hurt.\n“We are  ready,”
#: the mayor added."): Paris at 13–18 and 12 at 39–41 verbatim; the mayor's quote only after the quotes are
#: straightened and the double space made one (normalised); "on Munday that …" within the fuzzy threshold.
GROUNDED = [
    {"layer": "entities", "text": "Paris", "start": 13, "end": 18, "method": "exact"},
    {"layer": "numbers", "text": "12", "start": 39, "end": 41, "method": "exact"},
    {"layer": "attributions", "method": "exact", "content": [{"start": 39, "end": 58, "text": "12 people were hurt"}],
     "source": {"start": 0, "end": 18, "text": "Officials in Paris", "method": "exact"},
     "cue": {"start": 19, "end": 23, "text": "said", "method": "exact"}},
    {"layer": "attributions", "method": "normalised", "content": [{"start": 60, "end": 76, "text": "“We are  ready,”"}],
     "source": {"start": 77, "end": 86, "text": "the mayor", "method": "exact"},
     "cue": {"start": 87, "end": 92, "text": "added", "method": "exact"}},
    {"layer": "attributions", "method": "fuzzy",
     "content": [{"start": 24, "end": 58, "text": "on Monday that 12 people were hurt"}],
     "source": {"start": 0, "end": 9, "text": "Officials", "method": "exact"},
     "cue": {"start": 19, "end": 23, "text": "said", "method": "exact"}},
    {"layer": "entities", "method": "unfound", "string": "Atlantis"},
]


def _samples(scripted: Server, tmp_path: Path, documents: list[Document], **options: Any) -> list[dict[str, Any]]:
    system = _system(scripted, tmp_path, attempts=2, **options)
    runner.run_systems([system], documents, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", timeout=60,
                       log_samples=True)
    path = tmp_path / "out" / "llm.samples.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_a_request_keeps_the_messages_sent_the_raw_reply_and_finish_reason(server: Server, tmp_path: Path) -> None:  # noqa: F811
    (line,) = _samples(server, tmp_path, [Document("good", ARTICLE)])
    (request,) = line["detail"]["requests"]
    assert request["messages"] == ASKED == server.requests[0]["body"]["messages"]
    assert request["reply"] == json.dumps(GOOD)  # the message text exactly as the server sent it
    assert (request["finish_reason"], request["cached"], request["format"], request["truncated"]) == (
        "stop", False, "json_schema", False)
    assert (request["chunk"], request["offset"], request["lists"]) == (0, 0, ["entities", "numbers", "attributions"])


def test_each_item_names_its_grounding_method_and_offsets_or_unfound_with_the_string(
        server: Server, tmp_path: Path) -> None:  # noqa: F811
    (line,) = _samples(server, tmp_path, [Document("good", ARTICLE)])
    assert line["detail"]["requests"][0]["grounding"] == GROUNDED
    assert line["detail"]["unfound"] == {"entities": 1, "numbers": 0, "attributions": 0}
    # an attribution whose content is nowhere in the text: unfound, with its string, counted in its layer
    moon = {**GOOD, "attributions": [{"source": "the mayor", "cue": "added", "content": ["the moon is cheese"],
                                      "kind": "indirect"}]}
    server.script("Paris", good(moon))
    (line,) = _samples(server, tmp_path / "moon", [Document("moon", ARTICLE)])
    assert line["detail"]["requests"][0]["grounding"][-2:] == [
        {"layer": "entities", "method": "unfound", "string": "Atlantis"},
        {"layer": "attributions", "method": "unfound", "string": "the moon is cheese"},
    ]
    assert line["detail"]["unfound"] == {"entities": 1, "numbers": 0, "attributions": 1}


def test_a_cut_off_reply_shows_finish_reason_length_and_its_items_tagged_truncated(server: Server, tmp_path: Path) -> None:  # noqa: F811
    cut = json.dumps(GOOD)[:120]  # the Paris entity is complete, Atlantis is cut in its middle
    server.script("Paris", Reply(content=cut, finish_reason="length"))
    (line,) = _samples(server, tmp_path, [Document("cut", ARTICLE)])
    (request,) = line["detail"]["requests"]
    assert (request["reply"], request["finish_reason"], request["truncated"]) == (cut, "length", True)
    assert request["grounding"] == [
        {"layer": "entities", "text": "Paris", "start": 13, "end": 18, "method": "exact", "truncated": True}]


def test_per_layer_mode_logs_one_request_per_layer_with_that_layers_prompt(server: Server, tmp_path: Path) -> None:  # noqa: F811
    (line,) = _samples(server, tmp_path, [Document("good", ARTICLE)], requests="per-layer")
    requests = line["detail"]["requests"]
    assert [r["lists"] for r in requests] == [["entities"], ["numbers"], ["attributions"]]
    assert [r["messages"][0]["content"] for r in requests] == [LAYER_PROMPTS[n] for n in ("entities", "numbers",
                                                                                           "attributions")]
    assert [r["chunk"] for r in requests] == [0, 0, 0]
    assert [[g["layer"] for g in r["grounding"]] for r in requests] == [
        ["entities", "entities"], ["numbers"], ["attributions"] * 3]  # the entity list includes unfound Atlantis


def test_a_long_document_logs_one_request_per_chunk_with_its_offset(server: Server, tmp_path: Path) -> None:  # noqa: F811
    paragraphs = [f"{i}. Officials in Paris said on Monday that 12 people were hurt in the storm that swept "
                  "through the region late on Sunday night, police said." for i in (1, 2, 3)]
    text = "\n\n".join(paragraphs)
    # a context leaving 256 tokens after the prompt: chunks of 255 characters, so one paragraph each
    system = _system(server, tmp_path, context_tokens=-(-len(PROMPT_TEXT) // 3) + 64 + 256)
    system.predict(Document("long", text))
    detail = system.sample_detail(Document("long", text))
    assert detail is not None
    step = len(paragraphs[0]) + 2
    requests: Any = detail["requests"]
    assert [(r["chunk"], r["offset"]) for r in requests] == [(0, 0), (1, step), (2, 2 * step)]
    assert [r["messages"][-1]["content"] for r in requests] == [f"Article:\n<<<\n{p}\n>>>" for p in paragraphs]
    assert [r["grounding"][0]["start"] for r in requests] == [16, 16 + step, 16 + 2 * step]  # document offsets
    assert system.sample_detail(Document("long", text)) is None  # handed over once


def test_a_failed_document_line_carries_its_reason_and_the_reply_that_failed(server: Server, tmp_path: Path) -> None:  # noqa: F811
    server.script("broken", Reply(content="not json at all"))
    (line,) = _samples(server, tmp_path, [Document("bad", "A broken story about Rome.")])
    reason = "LLMError: gave up after 2 attempts: message is not valid JSON: Expecting value at character 0"
    assert line["failure"] == reason and "annotations" not in line
    (request,) = line["detail"]["requests"]
    assert request["messages"][-1] == {"role": "user", "content": "Article:\n<<<\nA broken story about Rome.\n>>>"}
    assert (request["reply"], request["error"]) == ("not json at all", reason)


def test_a_cached_document_line_has_the_detail_of_the_run_that_predicted_it(server: Server, tmp_path: Path) -> None:  # noqa: F811
    (fresh,) = _samples(server, tmp_path, [Document("good", ARTICLE)])
    (cached,) = _samples(server, tmp_path, [Document("good", ARTICLE)])
    assert len(server.requests) == 1  # the second run asked nothing
    assert (fresh["cached"], cached["cached"]) == (False, True)
    assert cached["detail"] == fresh["detail"] and cached["detail"]["requests"][0]["grounding"] == GROUNDED


def test_the_api_key_is_in_no_file_written(server: Server, tmp_path: Path) -> None:  # noqa: F811
    server.script("broken", Reply(content=f"not json, and the key {SECRET} echoed"))
    documents = [Document("good", ARTICLE), Document("bad", "A broken story about Rome.")]
    lines = _samples(server, tmp_path, documents)
    assert "***" in lines[1]["detail"]["requests"][0]["reply"]  # an echoed key is scrubbed from the raw reply
    _samples(server, tmp_path, documents)  # and again from the caches
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "llm.samples.jsonl" for p in written)
    for path in written:
        assert SECRET not in path.read_text("utf-8", errors="replace"), path
    assert all(r["auth"] == f"Bearer {SECRET}" for r in server.requests)
