"""The LLM key never leaves the process: not in predictions, cache, reports, logs or messages.

``newsbench run`` and ``newsbench bench`` run the ``llm`` system as a user would (key from
``NEWSBENCH_LLM_API_KEY``) against the scripted server of test_llm_system.py, one document
answered and one whose request fails with a body that echoes the key; then every file written
and everything printed is searched for the key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.systems import test_llm_system as fake

server = fake.server  # the scripted OpenAI-compatible server fixture
KEY = "sk-test-SECRET-1234"


def _newsbench(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBENCH_LLM_API_KEY": KEY, "NEWSBENCH_LLM_BASE_URL": url,
           "NEWSBENCH_LLM_MODEL": "test-model", "NEWSBENCH_CACHE": str(tmp_path / "cache")}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "bench.cli", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, check=False, timeout=300)


def _files_holding_the_key(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]


def test_the_key_is_in_no_file_written_and_no_output_even_when_a_request_fails(
    server: fake.Server, tmp_path: Path
) -> None:
    server.script("broken", fake.Reply(status=401, body=json.dumps({"error": f"invalid key {KEY}"})))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"doc_id": doc_id, "text": text, "entities": [], "numbers": [],
                                        "attributions": []}) + "\n"
                            for doc_id, text in (("good", fake.ARTICLE), ("bad", "A broken story about Rome."))),
                    "utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(fake.ARTICLE, "utf-8")
    (docs / "bad.txt").write_text("A broken story about Rome.", "utf-8")
    ran = _newsbench(tmp_path, server.url, "run", "llm", "--docs", str(docs), "--out", str(tmp_path / "run"))
    benched = _newsbench(tmp_path, server.url, "bench", "--gold", str(gold), "--system", "llm", "--no-cache",
                         "--out", str(tmp_path / "reports"), "--predictions", str(tmp_path / "predictions"),
                         "--baseline", str(tmp_path / "baseline.json"))
    for done in (ran, benched):
        assert done.returncode == 0, done.stderr
        assert "bad" in done.stdout + done.stderr and "401" in done.stdout + done.stderr  # the failure is reported
        assert KEY not in done.stdout and KEY not in done.stderr
    assert (tmp_path / "run" / "llm.jsonl").is_file() and (tmp_path / "reports" / "leaderboard.md").is_file()
    assert any((tmp_path / "cache").rglob("*")), "the cache was written"
    assert _files_holding_the_key(tmp_path) == []
    assert server.requests and all(r["auth"] == f"Bearer {KEY}" for r in server.requests)  # it was sent, only there
