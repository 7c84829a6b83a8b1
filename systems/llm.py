"""``llm``: any OpenAI-compatible chat-completions endpoint (hosted, vLLM, llama.cpp server, Ollama).

Configuration, flags first, then the environment:

* base URL: ``--base-url`` or ``NEWSBENCH_LLM_BASE_URL`` (e.g. ``http://localhost:8000/v1``);
* model: ``--model llm=NAME`` (or ``--model NAME`` when llm is the only system taking a model)
  or ``NEWSBENCH_LLM_MODEL``;
* API key: ``--api-key``, ``NEWSBENCH_LLM_API_KEY`` or ``OPENAI_API_KEY``; optional for local
  servers. The key is sent only in the ``Authorization`` header: it is not in the cache keys,
  the run record, the predictions, or any error message;
* concurrency: ``NEWSBENCH_LLM_CONCURRENCY`` requests at a time per worker (default 4).

Without a base URL and a model the system is listed as not configured. The reply is
structured JSON (``response_format`` json_schema, falling back to json_object for servers
without schema support); returned strings are grounded to offsets (exact, normalised, fuzzy;
see :mod:`systems._llm.grounding`) and each record is tagged with the method used. Replies are
cached (:mod:`systems._llm.client`); ``newsbench run --no-cache`` asks again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document, Layer
from systems._llm.client import ChatClient
from systems._llm.prompt import PROMPT_VERSION, SCHEMA, ground, messages

CONFIGURE = "export NEWSBENCH_LLM_BASE_URL=http://HOST:PORT/v1 NEWSBENCH_LLM_MODEL=NAME (or --base-url / --model llm=NAME)"


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


class LLMSystem(Adapter):
    """Prompted extraction of all three layers, grounded to offsets."""

    name = "llm"
    version = "1.0"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS, Layer.ATTRIBUTIONS})
    description = "OpenAI-compatible chat model, structured JSON, strings grounded to offsets"
    #: Documents per chunk the runner hands over; requests within a chunk run concurrently.
    batch_size = 16

    def __init__(
        self,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        response_cache: bool = True,
        cache_dir: Path | None = None,
        attempts: int = 5,
        retry_delay: float = 1.0,
        request_timeout: float = 120.0,
        concurrency: int | None = None,
    ) -> None:
        self.base_url = base_url or _env("NEWSBENCH_LLM_BASE_URL")
        self.model = model or _env("NEWSBENCH_LLM_MODEL")
        self._api_key = api_key or _env("NEWSBENCH_LLM_API_KEY", "OPENAI_API_KEY")
        self.response_cache = response_cache
        self.cache_dir = cache_dir
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.request_timeout = request_timeout
        self.concurrency = max(1, concurrency or int(_env("NEWSBENCH_LLM_CONCURRENCY") or 4))
        self._client: ChatClient | None = None

    def __repr__(self) -> str:
        return f"LLMSystem(base_url={self.base_url!r}, model={self.model!r})"

    def availability(self) -> Availability:
        if not self.base_url:
            return Availability.no("not configured: no endpoint (NEWSBENCH_LLM_BASE_URL or --base-url)", CONFIGURE)
        if not self.model:
            return Availability.no("not configured: no model (NEWSBENCH_LLM_MODEL or --model llm=NAME)", CONFIGURE)
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {"base_url": (self.base_url or "").rstrip("/"), "model": self.model, "prompt": PROMPT_VERSION, "temperature": 0.0}

    def setup(self) -> None:
        if self._client is None:
            if not self.base_url or not self.model:
                raise RuntimeError("llm is not configured (no base URL or model)")
            cache = None
            if self.response_cache:
                from bench.runner import DEFAULT_CACHE

                cache = (self.cache_dir or DEFAULT_CACHE) / "llm"
            self._client = ChatClient(
                self.base_url, self.model, self._api_key, cache_dir=cache, attempts=self.attempts,
                delay=self.retry_delay, timeout=self.request_timeout,
            )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_client"] = None  # the key travels to the worker in memory only
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def predict(self, document: Document) -> Annotations:
        self.setup()
        assert self._client is not None
        reply = self._client.complete_json(messages(document.text), SCHEMA)
        return ground(document.doc_id, document.text, reply).annotations

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        self.setup()
        with ThreadPoolExecutor(max_workers=min(self.concurrency, max(1, len(documents)))) as pool:
            return list(pool.map(self.predict, documents))


SYSTEM = LLMSystem
