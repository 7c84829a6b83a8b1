"""The ``llm`` system end to end against a scripted OpenAI-compatible server on 127.0.0.1.

The server answers each request with the next scripted reply for the article it carries: good
JSON, malformed or truncated JSON, HTTP 429/500, or a 400 for servers without json_schema.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench import runner
from bench.errors import UserError
from bench.registry import require_available
from bench.schema import Document, EntityLabel, Layer, NumberKind, Qualifier, QuoteKind
from systems._llm.client import ChatClient, LLMError
from systems._llm.prompt import EXAMPLE_TEXT, PROMPT_TEXT
from systems.llm import LLMSystem

SECRET = "sk-test-0123456789-do-not-write"
ARTICLE = "Officials in Paris said on Monday that 12 people were hurt.\n“We are  ready,” the mayor added."
GOOD = {
    "entities": [
        {"text": "Paris", "label": "GPE", "context": "Officials in Paris said"},
        {"text": "Atlantis", "label": "GPE", "context": "not in the text at all"},  # cannot be grounded
    ],
    "numbers": [
        {"text": "12", "context": "that 12 people were hurt", "value": 12, "value_max": None, "unit": "person",
         "qualifier": "exact", "kind": "count"},
    ],
    "attributions": [
        {"source": "Officials in Paris", "cue": "said", "content": ["12 people were hurt"], "kind": "indirect"},
        {"source": "the mayor", "cue": "added", "content": ['"We are ready,"'], "kind": "direct"},  # straight quotes
        {"source": "Officials", "cue": "said", "content": ["on Munday that 12 people were hurt"], "kind": "indirect"},
    ],
}


@dataclass
class Reply:
    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def good(payload: dict[str, Any] = GOOD) -> Reply:
    return Reply(content=json.dumps(payload))


@dataclass
class Server:
    url: str
    scripts: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0
    props: dict[str, Any] | None = None
    usage: dict[str, int] | None = field(default_factory=lambda: {"prompt_tokens": 100, "completion_tokens": 20})

    def script(self, marker: str, *replies: Reply) -> None:
        self.scripts[marker] = list(replies)

    def next_reply(self, article: str) -> Reply:
        with self.lock:
            for marker, replies in self.scripts.items():
                if marker in article and replies:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return good()


@pytest.fixture
def server() -> Iterator[Server]:
    state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            srv = state["server"]
            data = json.dumps(srv.props).encode() if srv.props is not None and self.path == "/props" else b"{}"
            self.send_response(200 if srv.props is not None and self.path == "/props" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            srv = state["server"]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with srv.lock:
                srv.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                srv.in_flight += 1
                srv.most_in_flight = max(srv.most_in_flight, srv.in_flight)
            time.sleep(srv.delay)
            reply = srv.next_reply(body["messages"][-1]["content"])
            with srv.lock:
                srv.in_flight -= 1
            if reply.body is not None:
                data = reply.body.encode()
            else:
                data = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": reply.content},
                                  "finish_reason": reply.finish_reason}], "usage": srv.usage}
                ).encode()
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["server"] = Server(f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()


def _system(server: Server, tmp_path: Path, **options: Any) -> LLMSystem:
    return LLMSystem(base_url=server.url, model="test-model", api_key=SECRET, cache_dir=tmp_path / "cache",
                     retry_delay=0.01, **options)


def test_the_not_configured_hint_says_it_is_configuration_not_an_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSBENCH_LLM_BASE_URL", "NEWSBENCH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    for system in (LLMSystem(), LLMSystem(base_url="http://x/v1")):
        status = system.availability()
        assert status.install == ""  # "install with: export ..." would be wrong
        assert "configuration, nothing to install: export NEWSBENCH_LLM_BASE_URL=" in status.reason
        with pytest.raises(UserError) as caught:
            require_available(system)
        assert "install with" not in caught.value.lines[0] and "configuration" in caught.value.lines[0]


def test_not_configured_without_endpoint_or_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSBENCH_LLM_BASE_URL", "NEWSBENCH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    assert LLMSystem().availability().reason.startswith("not configured: no endpoint")
    assert LLMSystem(base_url="http://x/v1").availability().reason.startswith("not configured: no model")
    monkeypatch.setenv("NEWSBENCH_LLM_BASE_URL", "http://env/v1")
    monkeypatch.setenv("NEWSBENCH_LLM_MODEL", "env-model")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    system = LLMSystem()
    assert system.availability().ok
    config = system.config()
    assert (config["base_url"], config["model"], config["prompt"], config["temperature"]) == (
        "http://env/v1", "env-model", "2", 0.0)
    assert config["prompt_sha"] == hashlib.sha256(PROMPT_TEXT.encode()).hexdigest()[:12]
    assert "sk-from-env" not in repr(system) and "sk-from-env" not in json.dumps(system.config())


def test_good_reply_is_grounded_and_each_method_recorded(server: Server, tmp_path: Path) -> None:
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert [(e.text, e.label, e.tags) for e in result.entities or ()] == [("Paris", EntityLabel.GPE, ("grounding:exact",))]
    assert [(n.text, n.value, n.unit, n.qualifier, n.kind) for n in result.numbers or ()] == [
        ("12", 12.0, "person", Qualifier.EXACT, NumberKind.COUNT)
    ]
    found = [
        (a.source and a.source.text, a.cue and a.cue.text, [c.text for c in a.content], a.kind, a.tags)
        for a in result.attributions or ()
    ]
    assert found == [
        ("Officials in Paris", "said", ["12 people were hurt"], QuoteKind.INDIRECT,
         ("content:exact", "source:exact", "cue:exact")),
        ("the mayor", "added", ["“We are  ready,”"], QuoteKind.DIRECT, ("content:normalised", "source:exact", "cue:exact")),
        ("Officials", "said", ["on Monday that 12 people were hurt"], QuoteKind.INDIRECT,
         ("content:fuzzy", "source:exact", "cue:exact")),
    ]
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == f"Bearer {SECRET}"
    assert request["body"]["model"] == "test-model"
    assert request["body"]["response_format"]["type"] == "json_schema"
    assert ARTICLE in request["body"]["messages"][-1]["content"]


def test_replies_are_cached_and_the_cache_never_holds_the_key(server: Server, tmp_path: Path) -> None:
    system = _system(server, tmp_path)
    first = system.predict(Document("d1", ARTICLE))
    second = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert first == second
    assert len(server.requests) == 1
    files = list((tmp_path / "cache").rglob("*.json"))
    assert files and all(SECRET not in f.read_text("utf-8") for f in files)
    _system(server, tmp_path, response_cache=False).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 2


def test_rate_limits_and_server_errors_are_retried_with_backoff(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=429, headers={"Retry-After": "0"}), Reply(status=500), Reply(status=503), good())
    started = time.monotonic()
    result = _system(server, tmp_path, attempts=5).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 4
    assert [e.text for e in result.entities or ()] == ["Paris"]
    assert time.monotonic() - started >= 0.01 * 2 + 0.01 * 4  # waited 0 (Retry-After), then 0.02 and 0.04


def test_malformed_then_good_json_is_retried(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(content="Sure! Here is the JSON: {"), Reply(body="<html>oops</html>"), good())
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 3 and result.entities


def test_a_cut_off_reply_is_not_retried_and_keeps_its_complete_items_tagged_truncated(server: Server, tmp_path: Path) -> None:
    cut = json.dumps(GOOD)[:120]  # the Paris entity is complete, Atlantis is cut in its middle
    assert '"Paris"' in cut and "Atlantis" in cut and '"numbers"' not in cut
    server.script("Paris", Reply(content=cut, finish_reason="length"))
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 1
    assert [(e.text, e.tags) for e in result.entities or ()] == [("Paris", ("grounding:exact", "truncated"))]
    assert result.numbers == () and result.attributions == ()


def test_a_cut_off_reply_without_a_complete_item_fails_at_once(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(content='{"entities": [{"text": "Par', finish_reason="length"))
    with pytest.raises(LLMError) as caught:
        _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert str(caught.value) == (
        "reply cut off at max_tokens=4096 (finish_reason=length) with no complete item: "
        "Unterminated string starting at character 23"
    )
    assert len(server.requests) == 1


def test_a_reply_of_the_wrong_shape_is_retried_and_never_cached(server: Server, tmp_path: Path) -> None:
    server.script("Paris", good({"entities": []}))
    with pytest.raises(LLMError, match=r"^gave up after 2 attempts: reply has the wrong shape: reply has no list 'numbers'$"):
        _system(server, tmp_path, attempts=2).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 2
    assert not list((tmp_path / "cache" / "llm" / "replies").rglob("*.json"))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, '{"error": "unsupported response_format json_schema"}'),
        (422, '{"detail": [{"loc": ["body", "response_format", "type"], "msg": "Input should be text or json_object"}]}'),
        (500, '{"error": {"message": "literal_error at (\'body\', \'response_format\', \'type\')"}}'),
    ],
)
def test_a_server_rejecting_json_schema_gets_json_object_with_the_schema_once_per_run(
    server: Server, tmp_path: Path, status: int, body: str
) -> None:
    server.script("Paris", Reply(status=status, body=body), good())
    system = _system(server, tmp_path)
    system.predict_batch([Document("d1", ARTICLE), Document("d2", "Elsewhere: " + ARTICLE)])
    formats = [(r["body"]["response_format"]["type"], "schema" in r["body"]["response_format"]) for r in server.requests]
    assert formats == [("json_schema", False), ("json_object", True), ("json_object", True)]
    assert system.run_summary()["documents"][0]["formats"] == ["json_object+schema"]  # type: ignore[index]


def test_a_server_rejecting_both_schema_forms_gets_plain_json_object_and_the_prompt_shows_the_shape(
    server: Server, tmp_path: Path
) -> None:
    rejected = Reply(status=500, body='{"error": "bad response_format"}')
    server.script("Paris", rejected, rejected, good())
    _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert [r["body"]["response_format"] for r in server.requests][2] == {"type": "json_object"}
    system_prompt = server.requests[2]["body"]["messages"][0]["content"]
    assert EXAMPLE_TEXT in system_prompt and '"entities": [{"text": "Acme Corp"' in system_prompt


def test_server_errors_name_the_body_scrubbed_of_the_key_and_count_attempts_in_words(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=503, body=f"overloaded, key {SECRET} " + "x" * 300))
    with pytest.raises(LLMError) as caught:
        _system(server, tmp_path, attempts=1).predict(Document("d1", ARTICLE))
    message = str(caught.value)
    assert message.startswith("gave up after 1 attempt: HTTP 503: overloaded, key *** xxx")
    assert SECRET not in message
    assert len(message) < len("gave up after 1 attempt: HTTP 503: ") + 200


def test_no_retry_starts_that_could_not_end_within_the_document_timeout(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=500, body="busy"))
    server.delay = 1.0  # each answer takes 1 s; a request may take up to 4 s; the budget is 6 s × 0.95 = 5.7 s
    system = _system(server, tmp_path, attempts=5, request_timeout=4.0, document_timeout=6.0)
    with pytest.raises(LLMError) as caught:
        system.predict(Document("d1", ARTICLE))
    # after 1 s: 1 + 0.01 + 4 ≤ 5.7, a second try; after ~2 s: 2 + 0.02 + 4 > 5.7, no third
    assert len(server.requests) == 2
    assert str(caught.value) == "gave up after 2 attempts: HTTP 500: busy (no time left for another attempt within 5.7 s)"


def test_request_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBENCH_LLM_TIMEOUT", "900")
    assert LLMSystem(base_url="http://x/v1", model="m").request_timeout == 900.0
    assert LLMSystem(base_url="http://x/v1", model="m", request_timeout=5).request_timeout == 5.0


def test_client_errors_are_not_retried_and_never_show_the_key(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=401, body=json.dumps({"error": f"bad key {SECRET}"})))
    client = ChatClient(server.url, "m", SECRET, attempts=3, delay=0.01)
    with pytest.raises(LLMError) as caught:
        client.complete_json([{"role": "user", "content": "Paris"}], {"type": "object"})
    assert len(server.requests) == 1
    assert SECRET not in str(caught.value) and "***" in str(caught.value)


def test_requests_in_a_batch_run_concurrently_but_bounded(server: Server, tmp_path: Path) -> None:
    server.delay = 0.2
    system = _system(server, tmp_path, concurrency=2)
    documents = [Document(f"d{i}", f"Story {i}: Officials in Paris said on Monday that 12 people were hurt.") for i in range(6)]
    results = system.predict_batch(documents)
    assert [r.doc_id for r in results] == [d.doc_id for d in documents]
    assert server.most_in_flight == 2


def test_end_to_end_through_the_runner_without_writing_the_key(server: Server, tmp_path: Path) -> None:
    server.script("broken", Reply(content="not json at all"))
    documents = [Document("good", ARTICLE), Document("bad", "A broken story about Rome.")]
    system = _system(server, tmp_path, attempts=2)
    results = runner.run_systems([system], documents, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", timeout=60)
    result = results["llm"]
    assert result.layers == frozenset(Layer)
    assert list(result.predictions) == ["good"]
    assert [(f.doc_id, f.reason) for f in result.failures] == [
        ("bad", "LLMError: gave up after 2 attempts: message is not valid JSON: Expecting value at character 0")
    ]
    line = json.loads(result.path.read_text("utf-8").splitlines()[0])
    assert line["entities"] == [{"start": 13, "end": 18, "label": "GPE", "text": "Paris", "tags": ["grounding:exact"]}]
    # the run record keeps what the run cost, counted against what the server itself received: every
    # reply carries 100 prompt + 20 completion tokens, usable or not, so failed tries count too ("good" is
    # asked once; "bad" twice in the batch, and not again when the runner retries it alone)
    totals = json.loads(result.manifest.read_text("utf-8"))["usage"]["totals"]
    sent = len(server.requests)
    assert sent == 3
    assert (totals["prompt_tokens"], totals["completion_tokens"], totals["requests"], totals["documents"]) == (
        100 * sent, 20 * sent, sent, 2)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text("utf-8", errors="replace"), path
    assert all(r["auth"] == f"Bearer {SECRET}" for r in server.requests)


def test_concurrency_follows_the_servers_slots_and_defaults_to_one_on_this_machine(server: Server, tmp_path: Path) -> None:
    server.delay = 0.1
    documents = [Document(f"d{i}", f"Story {i}: Officials in Paris said on Monday that 12 people were hurt.") for i in range(4)]
    _system(server, tmp_path).predict_batch(documents)
    assert server.most_in_flight == 1  # 127.0.0.1 without /props: one at a time
    server.props = {"total_slots": 3, "default_generation_settings": {"n_ctx": 8192}}
    server.most_in_flight = 0
    system = _system(server, tmp_path, response_cache=False)
    system.predict_batch([Document(f"e{i}", f"Tale {i}: Officials in Paris said it.") for i in range(6)])
    assert (system.concurrency, system.context_tokens, server.most_in_flight) == (3, 8192, 3)
    # llm.run.json says under which limits the run asked: each document's record and the run's largest
    summary = system.run_summary()
    assert summary["limits"] == {"concurrency": 3, "context_tokens": 8192}
    assert {d["concurrency"] for d in summary["documents"]} == {3}  # type: ignore[index, union-attr]


def test_with_no_cache_a_reply_is_asked_once_per_run_not_once_per_retry(server: Server, tmp_path: Path) -> None:
    _system(server, tmp_path).predict(Document("d1", ARTICLE))  # an earlier run filled the cache
    system = _system(server, tmp_path, response_cache=False)
    system.predict(Document("d1", ARTICLE))
    system.predict(Document("d1", ARTICLE))  # e.g. the runner repeating a batch one by one
    assert len(server.requests) == 2


def test_a_request_that_failed_for_good_is_not_sent_again_in_the_run(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=401, body="no"))
    system = _system(server, tmp_path)
    for _ in range(2):
        with pytest.raises(LLMError, match="^HTTP 401: no$"):
            system.predict(Document("d1", ARTICLE))
    assert len(server.requests) == 1


def test_usage_is_recorded_per_document_and_totalled_for_the_run(server: Server, tmp_path: Path) -> None:
    server.script("Rome", Reply(status=500, body="oops"), good())
    system = _system(server, tmp_path)
    system.predict_batch([Document("d1", ARTICLE), Document("d2", "In Rome: " + ARTICLE)])
    summary = system.run_summary(["d1", "d2"])
    documents = {d["doc_id"]: d for d in summary["documents"]}  # type: ignore[index, union-attr]
    # each good reply reports 100 prompt + 20 completion tokens (the 500 none); d2 took two requests
    assert [(d["prompt_tokens"], d["completion_tokens"], d["requests"]) for d in documents.values()] == [
        (100, 20, 1), (100, 20, 2)]
    totals = summary["totals"]
    assert (totals["prompt_tokens"], totals["completion_tokens"], totals["requests"], totals["documents"]) == (  # type: ignore[index]
        200, 40, 3, 2)
    # in GOOD only the entity Atlantis cannot be found ("on Munday…" is found fuzzily): once per document
    assert summary["unfound"] == {"entities": 2, "numbers": 0, "attributions": 0}
    assert summary["prompt"]["version"] == "2"  # type: ignore[index]
    cached = _system(server, tmp_path)
    cached.predict(Document("d1", ARTICLE))
    assert cached.run_summary()["totals"]["prompt_tokens"] == 0  # type: ignore[index]  # answered from the cache
    log = (tmp_path / "cache" / "llm" / "usage.jsonl").read_text("utf-8")
    assert "Atlantis" in log and SECRET not in log


def test_long_documents_are_sent_as_paragraph_chunks_and_offsets_map_back(server: Server, tmp_path: Path) -> None:
    paragraphs = [f"{i}. Officials in Paris said on Monday that 12 people were hurt in the storm that swept "
                  "through the region late on Sunday night, police said." for i in (1, 2, 3)]
    text = "\n\n".join(paragraphs)
    system = _system(server, tmp_path, context_tokens=None)
    system.setup()
    # a context leaving 256 tokens after the prompt: chunks of 255 characters, so one paragraph each
    prompt_tokens = -(-len(PROMPT_TEXT) // 3)
    system.context_tokens = prompt_tokens + 64 + 256
    result = system.predict(Document("long", text))
    assert [r["body"]["messages"][-1]["content"] for r in server.requests] == [f"Article:\n<<<\n{p}\n>>>" for p in paragraphs]
    step = len(paragraphs[0]) + 2
    assert [e.start for e in result.entities or ()] == [16, 16 + step, 16 + 2 * step]
    assert all(text[e.start : e.end] == "Paris" for e in result.entities or ())
    assert all(r["body"]["max_tokens"] <= 256 for r in server.requests)


def _asked_lists(request: dict[str, Any]) -> list[str]:
    return list(request["body"]["response_format"]["json_schema"]["schema"]["required"])


def test_per_layer_mode_sends_one_request_per_layer_with_that_layers_prompt_and_schema(
        server: Server, tmp_path: Path) -> None:
    per_layer = _system(server, tmp_path, requests="per-layer").predict(Document("d1", ARTICLE))
    assert [_asked_lists(r) for r in server.requests] == [["entities"], ["numbers"], ["attributions"]]
    prompts = [r["body"]["messages"][0]["content"] for r in server.requests]
    assert [p.count('"entities"') + p.count('"numbers"') + p.count('"attributions"') for p in prompts] == [2, 2, 2]
    assert all(name in p for name, p in zip(("entities", "numbers", "attributions"), prompts, strict=True))
    assert "numbers:" not in prompts[0] and "entities:" not in prompts[2]  # each states one layer's rules only
    # the scripted server answers all three lists every time: only the asked list of each reply is kept,
    # so the result equals one all-layers request (1 entity, 1 number, 3 attributions), not three copies
    all_layers = _system(server, tmp_path / "all").predict(Document("d1", ARTICLE))
    assert len(server.requests) == 4 and _asked_lists(server.requests[3]) == ["entities", "numbers", "attributions"]
    assert per_layer == all_layers
    assert (len(per_layer.entities or ()), len(per_layer.numbers or ()), len(per_layer.attributions or ())) == (1, 1, 3)


def test_the_request_mode_is_in_the_cache_key_and_the_run_record(server: Server, tmp_path: Path) -> None:
    all_layers, per_layer = _system(server, tmp_path), _system(server, tmp_path, requests="per-layer")
    assert (all_layers.config()["requests"], per_layer.config()["requests"]) == ("all-layers", "per-layer")
    document = Document("d1", ARTICLE)
    assert runner.cache_key(all_layers, document) != runner.cache_key(per_layer, document)
    per_layer.predict(document)
    summary = per_layer.run_summary(["d1"])
    assert summary["requests"] == "per-layer"
    assert sorted(summary["prompt"]["layers"]) == ["attributions", "entities", "numbers"]  # type: ignore[index, call-overload]
    record = summary["documents"][0]  # type: ignore[index]
    # three requests of 100 prompt + 20 completion tokens each, one per layer
    assert (record["requests_mode"], record["requests"], record["prompt_tokens"], record["completion_tokens"]) == (  # type: ignore[index]
        "per-layer", 3, 300, 60)
    assert {name: (c["prompt_tokens"], c["completion_tokens"], c["requests"])  # type: ignore[index]
            for name, c in record["per_layer"].items()} == {  # type: ignore[index, union-attr]
        "entities": (100, 20, 1), "numbers": (100, 20, 1), "attributions": (100, 20, 1)}
    all_layers.predict(document)
    assert all_layers.run_summary()["prompt"]["sha"] == hashlib.sha256(PROMPT_TEXT.encode()).hexdigest()[:12]  # type: ignore[index]


def test_per_layer_requests_are_cached_per_layer(server: Server, tmp_path: Path) -> None:
    _system(server, tmp_path, requests="per-layer").predict(Document("d1", ARTICLE))
    _system(server, tmp_path, requests="per-layer").predict(Document("d1", ARTICLE))
    assert len(server.requests) == 3


def test_the_request_mode_comes_from_the_environment_and_a_bad_one_names_the_choices(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBENCH_LLM_REQUESTS", "per-layer")
    assert LLMSystem(base_url="http://x/v1", model="m").requests == "per-layer"
    with pytest.raises(ValueError, match="all-layers, per-layer"):
        LLMSystem(base_url="http://x/v1", model="m", requests="per-document")


def test_system_role_user_puts_the_instructions_in_the_user_message_and_the_cache_key(
        server: Server, tmp_path: Path) -> None:
    system = _system(server, tmp_path, system_role="user")
    result = system.predict(Document("d1", ARTICLE))
    sent = server.requests[0]["body"]["messages"]
    assert [m["role"] for m in sent] == ["user"]
    assert sent[0]["content"] == f"{PROMPT_TEXT}\n\nArticle:\n<<<\n{ARTICLE}\n>>>"
    assert result == _system(server, tmp_path / "other").predict(Document("d1", ARTICLE))
    assert runner.cache_key(system, Document("d1", ARTICLE)) != runner.cache_key(
        _system(server, tmp_path), Document("d1", ARTICLE))


def test_a_document_retried_from_this_runs_replies_is_measured_by_the_try_that_asked(server: Server, tmp_path: Path) -> None:
    server.script("Rome", Reply(status=401, body="no"))
    system = _system(server, tmp_path)
    with pytest.raises(LLMError):  # d2 fails for good, so the runner retries the batch one document at a time
        system.predict_batch([Document("d1", ARTICLE), Document("d2", "In Rome: " + ARTICLE)])
    system.predict(Document("d1", ARTICLE))  # the retry: answered from the reply the batch try got
    entries = {d["doc_id"]: d for d in system.run_summary()["documents"]}  # type: ignore[index, union-attr]
    assert (entries["d1"]["prompt_tokens"], entries["d1"]["cached_chunks"], entries["d1"]["measured"]) == (100, 1, True)
    assert entries["d2"]["measured"] is False  # it never got a reply: nothing to charge
    # an earlier run's replies are not this run's cost: a new run answered from them is not measured
    again = _system(server, tmp_path)
    again.predict(Document("d1", ARTICLE))
    assert again.run_summary()["documents"][0]["measured"] is False  # type: ignore[index]


def test_a_read_timeout_is_not_retried_against_a_one_slot_server(server: Server, tmp_path: Path) -> None:
    server.delay = 1.0  # slower than the request timeout: the server is still generating when the client gives up
    system = _system(server, tmp_path, attempts=3, request_timeout=0.3)  # 127.0.0.1, no /props: one slot
    with pytest.raises(LLMError, match="ReadTimeout after 0 s.*not retried: a one-slot server.*NEWSBENCH_LLM_TIMEOUT"):
        system.predict(Document("d1", ARTICLE))
    assert len(server.requests) == 1
    server.requests.clear()
    server.props = {"total_slots": 4, "default_generation_settings": {"n_ctx": 8192}}
    other = _system(server, tmp_path, attempts=3, request_timeout=0.3, response_cache=False)
    with pytest.raises(LLMError, match="gave up after 3 attempts: ReadTimeout"):  # several slots: retried
        other.predict(Document("d2", ARTICLE))
    assert len(server.requests) == 3
