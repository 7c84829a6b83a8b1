"""The ``llm`` system end to end against a scripted OpenAI-compatible server on 127.0.0.1.

The server answers each request with the next scripted reply for the article it carries: good
JSON, malformed or truncated JSON, HTTP 429/500, or a 400 for servers without json_schema.
"""

from __future__ import annotations

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
from bench.schema import Document, EntityLabel, Layer, NumberKind, Qualifier, QuoteKind
from systems._llm.client import ChatClient, LLMError
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
                                  "finish_reason": reply.finish_reason}]}
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
    assert system.config() == {"base_url": "http://env/v1", "model": "env-model", "prompt": "1", "temperature": 0.0}
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
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 4
    assert [e.text for e in result.entities or ()] == ["Paris"]
    assert time.monotonic() - started >= 0.01 * 2 + 0.01 * 4  # waited 0 (Retry-After), then 0.02 and 0.04


def test_malformed_then_good_json_is_retried(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(content="Sure! Here is the JSON: {"), Reply(body="<html>oops</html>"), good())
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert len(server.requests) == 3 and result.entities


def test_truncated_replies_fail_after_the_last_attempt_with_a_clear_reason(server: Server, tmp_path: Path) -> None:
    cut = json.dumps(GOOD)[:80]
    server.script("Paris", Reply(content=cut, finish_reason="length"))
    with pytest.raises(LLMError) as caught:
        _system(server, tmp_path, attempts=3).predict(Document("d1", ARTICLE))
    assert str(caught.value).startswith("gave up after 3 attempts: message is not valid JSON (truncated: finish_reason=length)")
    assert len(server.requests) == 3


def test_a_reply_that_is_json_but_not_the_promised_object_is_an_error(server: Server, tmp_path: Path) -> None:
    server.script("Paris", good({"entities": []}))
    with pytest.raises(ValueError, match="reply has no list 'numbers'"):
        _system(server, tmp_path).predict(Document("d1", ARTICLE))


def test_a_server_without_json_schema_support_gets_json_object(server: Server, tmp_path: Path) -> None:
    server.script("Paris", Reply(status=400, body='{"error": "unsupported response_format json_schema"}'), good())
    result = _system(server, tmp_path).predict(Document("d1", ARTICLE))
    assert [r["body"]["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]
    assert result.entities


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
        ("bad", "LLMError: gave up after 2 attempts: message is not valid JSON: Expecting value at 0")
    ]
    line = json.loads(result.path.read_text("utf-8").splitlines()[0])
    assert line["entities"] == [{"start": 13, "end": 18, "label": "GPE", "text": "Paris", "tags": ["grounding:exact"]}]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text("utf-8", errors="replace"), path
    assert all(r["auth"] == f"Bearer {SECRET}" for r in server.requests)
