"""``llm``: any OpenAI-compatible chat-completions endpoint (hosted, vLLM, llama.cpp server, Ollama).

(Over 400 lines: the adapter holds configuration, chunking, per-layer requests and the usage log that
all read one configuration; the protocol is in :mod:`systems._llm.client`, grounding in ``_llm.grounding``.)

Configuration, flags first, then the environment:

* base URL: ``--base-url`` or ``NEWSBENCH_LLM_BASE_URL`` (e.g. ``http://localhost:8000/v1``);
* model: ``--model llm=NAME`` (or ``--model NAME`` when llm is the only system taking a model)
  or ``NEWSBENCH_LLM_MODEL``;
* API key: ``--api-key``, ``NEWSBENCH_LLM_API_KEY`` or ``OPENAI_API_KEY``; optional for local
  servers. The key is sent only in the ``Authorization`` header: it is not in the cache keys,
  the run record, the predictions, or any error message;
* request timeout: ``NEWSBENCH_LLM_TIMEOUT`` seconds (default 300; CPU models are slow); no
  retry starts that could not end within the document timeout (``--timeout``, default 600 s);
* context window: ``NEWSBENCH_LLM_CONTEXT_TOKENS``, else asked of the server (``/props``,
  ``/v1/models``); when known, long documents are sent as paragraph chunks that leave room for
  the answer, and ``max_tokens`` (at most ``NEWSBENCH_LLM_MAX_TOKENS``, default 4096) is what
  is left of the window;
* concurrency: ``NEWSBENCH_LLM_CONCURRENCY`` requests at a time per worker, else the server's
  slot count (``/props`` ``total_slots``), else 1 for a server on this machine and 4 otherwise;
* requests: ``NEWSBENCH_LLM_REQUESTS`` (or the ``requests`` option) is ``all-layers`` (default: one
  request per chunk asks for all three lists) or ``per-layer`` (one request per chunk and layer, each
  with a prompt and schema for that layer only, to measure what asking for less at a time buys). The
  mode is in ``config()`` (so in the cache key) and in ``llm.run.json``;
* system role: ``NEWSBENCH_LLM_SYSTEM_ROLE=user`` puts the instructions at the top of the user
  message, for chat templates that drop system messages (llama-cpp-python's ``gemma`` format);
  default ``system``.

Without a base URL and a model the system is listed as not configured. The reply is
structured JSON (see :mod:`systems._llm.client` for the format fallbacks); returned strings are
grounded to offsets (exact, normalised, fuzzy; see :mod:`systems._llm.grounding`) and each
record is tagged with the method used (and ``truncated`` when the reply was cut off). Replies
are cached; ``newsbench run --no-cache`` asks again, once per run. Each document's usage
(tokens, requests, seconds, unfound strings per layer) is appended to ``NEWSBENCH_LLM_USAGE_LOG``
(default ``.cache/llm/usage.jsonl``), and :meth:`LLMSystem.run_summary` totals one run.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.registry import Adapter, Availability, JSONValue
from bench.runner import DEFAULT_TIMEOUT, default_cache
from bench.schema import Annotations, Document, Layer
from systems._llm.chunking import estimate_tokens, paragraph_chunks
from systems._llm.client import ChatClient, LLMError, Usage
from systems._llm.prompt import (
    LAYER_PROMPT_SHAS,
    LAYER_PROMPTS,
    LISTS,
    PROMPT_SHA,
    PROMPT_TEXT,
    PROMPT_VERSION,
    SCHEMA,
    check_shape,
    ground,
    layer_schema,
    messages,
)
from systems._llm.samples import SampleLog

#: How to configure the system. It is said in the reason, not as an install hint: nothing is missing from
#: the environment (the runner would print an install hint as "install with: ...").
CONFIGURE = (
    "configuration, nothing to install: export NEWSBENCH_LLM_BASE_URL=http://HOST:PORT/v1 NEWSBENCH_LLM_MODEL=NAME "
    "(or pass --base-url / --model llm=NAME)"
)
#: Fields of a usage record that add up over the tries of one document.
_COSTS = ("prompt_tokens", "completion_tokens", "requests", "unreported_usage", "request_seconds", "wall_seconds")
#: The request modes: one request for all layers at once, or one per layer.
REQUEST_MODES = ("all-layers", "per-layer")
#: Of the context left after the prompt, the share a chunk's text may take (the rest is for the answer).
TEXT_SHARE = 1 / 3


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _env_number(name: str, kind: type[int | float]) -> int | float | None:
    """The positive number in environment variable ``name`` (None when unset); a bad value names the variable.

    >>> import os; os.environ["NEWSBENCH_DOCTEST_N"] = "abc"
    >>> _env_number("NEWSBENCH_DOCTEST_N", int)
    Traceback (most recent call last):
    ...
    ValueError: NEWSBENCH_DOCTEST_N='abc' is not a positive int
    >>> del os.environ["NEWSBENCH_DOCTEST_N"]
    """
    value = _env(name)
    if value is None:
        return None
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{name}={value!r} is not a positive {kind.__name__}")
    return number


@dataclass(frozen=True, slots=True)
class Ask:
    """One request made for each chunk: its system prompt (and hash), schema, and the lists it asks for."""

    prompt: str
    sha: str
    schema: dict[str, Any]
    lists: tuple[str, ...]


def asks(mode: str) -> tuple[Ask, ...]:
    """The requests made per chunk in request mode ``mode`` (see :data:`REQUEST_MODES`).

    >>> [a.lists for a in asks("per-layer")]
    [('entities',), ('numbers',), ('attributions',)]
    >>> asks("all-layers")[0].lists
    ('entities', 'numbers', 'attributions')
    """
    if mode == "all-layers":
        return (Ask(PROMPT_TEXT, PROMPT_SHA, SCHEMA, LISTS),)
    if mode == "per-layer":
        return tuple(Ask(LAYER_PROMPTS[name], LAYER_PROMPT_SHAS[name], layer_schema(name), (name,)) for name in LISTS)
    raise ValueError(f"requests={mode!r}: expected one of {', '.join(REQUEST_MODES)}")


def _check(content: Any, truncated: bool, *, lists: tuple[str, ...]) -> None:
    check_shape(content, truncated=truncated, lists=lists)


def _costs(usage: Usage, truncated: int) -> dict[str, Any]:
    """One layer's share of a document's usage record (``requests=per-layer``)."""
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "requests": usage.requests, "request_seconds": round(usage.seconds, 3), "truncated_chunks": truncated}


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def server_limits(props: Any, models: Any) -> tuple[int | None, int | None]:
    """The context window and slot count a server reports (llama.cpp ``/props``, vLLM ``/v1/models``).

    >>> server_limits({"total_slots": 1, "default_generation_settings": {"n_ctx": 2048}}, None)
    (2048, 1)
    >>> server_limits(None, {"data": [{"id": "m", "max_model_len": 8192}]})
    (8192, None)
    """
    context = slots = None
    if isinstance(props, dict):
        slots = _number(props.get("total_slots"))
        settings = props.get("default_generation_settings")
        if isinstance(settings, dict):
            context = _number(settings.get("n_ctx"))
    if context is None and isinstance(models, dict) and isinstance(models.get("data"), list) and models["data"]:
        first = models["data"][0]
        if isinstance(first, dict):
            meta = first.get("meta")
            meta = meta if isinstance(meta, dict) else {}
            context = _number(first.get("max_model_len")) or _number(first.get("context_length")) or _number(meta.get("n_ctx"))
    return context, slots


class LLMSystem(Adapter):
    """Prompted extraction of all three layers, grounded to offsets."""

    name = "llm"
    version = "1.1"
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
        attempts: int = 3,
        retry_delay: float = 1.0,
        request_timeout: float | None = None,
        document_timeout: float | None = None,
        concurrency: int | None = None,
        context_tokens: int | None = None,
        max_tokens: int | None = None,
        usage_log: Path | None = None,
        requests: str | None = None,
        system_role: str | None = None,
    ) -> None:
        self.base_url = base_url or _env("NEWSBENCH_LLM_BASE_URL")
        self.model = model or _env("NEWSBENCH_LLM_MODEL")
        self._api_key = api_key or _env("NEWSBENCH_LLM_API_KEY", "OPENAI_API_KEY")
        self.response_cache = response_cache
        self.cache_dir = cache_dir
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.request_timeout = float(request_timeout or _env_number("NEWSBENCH_LLM_TIMEOUT", float) or 300)
        self.document_timeout = document_timeout or DEFAULT_TIMEOUT
        chosen = concurrency or _env_number("NEWSBENCH_LLM_CONCURRENCY", int)
        self.concurrency: int | None = max(1, int(chosen)) if chosen else None
        tokens = context_tokens or _env_number("NEWSBENCH_LLM_CONTEXT_TOKENS", int)
        self.context_tokens: int | None = int(tokens) if tokens else None
        self.max_tokens = int(max_tokens or _env_number("NEWSBENCH_LLM_MAX_TOKENS", int) or 4096)
        log = usage_log or _env("NEWSBENCH_LLM_USAGE_LOG")
        self.usage_log = Path(log) if log else None
        self.requests = requests or _env("NEWSBENCH_LLM_REQUESTS") or "all-layers"
        asks(self.requests)  # a bad mode fails here, naming the choices
        self.system_role = system_role or _env("NEWSBENCH_LLM_SYSTEM_ROLE") or "system"
        if self.system_role not in {"system", "user"}:
            raise ValueError(f"system_role={self.system_role!r}: expected system or user")
        self.run_id = uuid.uuid4().hex[:12]
        self._started = time.time()
        self._client: ChatClient | None = None
        self._log_lock = threading.Lock()
        self._samples = SampleLog()  # --log-samples: prompts, raw replies, grounding (systems._llm.samples)

    def __repr__(self) -> str:
        return f"LLMSystem(base_url={self.base_url!r}, model={self.model!r})"

    def availability(self) -> Availability:
        if not self.base_url:
            return Availability.no(f"not configured: no endpoint (NEWSBENCH_LLM_BASE_URL or --base-url); {CONFIGURE}")
        if not self.model:
            return Availability.no(f"not configured: no model (NEWSBENCH_LLM_MODEL or --model llm=NAME); {CONFIGURE}")
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {"base_url": (self.base_url or "").rstrip("/"), "model": self.model, "prompt": PROMPT_VERSION,
                "prompt_sha": PROMPT_SHA, "temperature": 0.0, "max_tokens": self.max_tokens,
                "context_tokens": self.context_tokens, "requests": self.requests,
                **({"system_role": self.system_role} if self.system_role != "system" else {}),
                **({"layer_prompt_shas": dict(LAYER_PROMPT_SHAS)} if self.requests == "per-layer" else {})}

    def _cache_root(self) -> Path:
        return (self.cache_dir or default_cache()) / "llm"

    def setup(self) -> None:
        if self._client is None:
            if not self.base_url or not self.model:
                raise RuntimeError("llm is not configured (no base URL or model)")
            client = ChatClient(
                self.base_url, self.model, self._api_key, cache_dir=self._cache_root() / "replies",
                attempts=self.attempts, delay=self.retry_delay, timeout=self.request_timeout,
                max_tokens=self.max_tokens, budget=self.document_timeout * 0.95,
                fresh_after=None if self.response_cache else self._started,
            )
            local = urlparse(self.base_url).hostname in {"127.0.0.1", "localhost", "::1"}
            slots: int | None = None
            if self.context_tokens is None or self.concurrency is None:
                context, slots = server_limits(client.get_json("/props"), client.get_json("models"))
                self.context_tokens = self.context_tokens or context
                if self.concurrency is None:
                    self.concurrency = slots or (1 if local else 4)
            # a one-slot server (it says so, or a local one that says nothing, like llama-cpp-python's, unless
            # the user gave more requests in flight) keeps generating for a request that timed out: a retry
            # would only queue behind it
            client.retry_read_timeout = not (slots == 1 or (slots is None and local and self.concurrency == 1))
            self._client = client

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_client"] = None  # the key travels to the worker in memory only
        state.pop("_log_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._log_lock = threading.Lock()

    def chunks(self, text: str) -> tuple[list[tuple[int, str]], int]:
        """The document's chunks and the ``max_tokens`` for each request (see the module doc)."""
        if self.context_tokens is None:
            return [(0, text)], self.max_tokens
        room = self.context_tokens - estimate_tokens(PROMPT_TEXT) - 64
        if room < 256:
            raise ValueError(f"a context of {self.context_tokens} tokens leaves no room after the prompt "
                             f"(about {estimate_tokens(PROMPT_TEXT)} tokens)")
        pieces = paragraph_chunks(text, max_chars=max(200, int(room * TEXT_SHARE) * 3))
        longest = max(estimate_tokens(piece) for _, piece in pieces)
        return pieces, max(64, min(self.max_tokens, room - longest))

    def predict(self, document: Document) -> Annotations:
        self.setup()
        assert self._client is not None
        started = time.monotonic()
        # the limits this document was asked under: requests at most in flight per worker, and the context window
        record: dict[str, Any] = {"run": self.run_id, "doc_id": document.doc_id, "concurrency": self.concurrency,
                                  "context_tokens": self.context_tokens}
        self._samples.start(document.doc_id)
        spent = [Usage()]  # what this document's requests cost so far, failed ones included
        try:
            annotations = self._predict(document, record, spent)
        except Exception as error:
            if isinstance(error, LLMError):
                spent[0] += error.usage
            record["error"] = f"{type(error).__name__}: {error}"
            self._samples.failed(document.doc_id, record["error"], getattr(error, "raw", ""))
            raise
        finally:
            usage = spent[0]
            record.update({"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                           "requests": usage.requests, "unreported_usage": usage.unreported,
                           "request_seconds": round(usage.seconds, 3),
                           "wall_seconds": round(time.monotonic() - started, 3)})
            self._log(record)
        return annotations

    def _predict(self, document: Document, record: dict[str, Any], spent: list[Usage]) -> Annotations:
        assert self._client is not None
        pieces, max_tokens = self.chunks(document.text)
        entities: list[Any] = []
        numbers: list[Any] = []
        attributions: list[Any] = []
        unfound: dict[str, list[str]] = {"entities": [], "numbers": [], "attributions": []}
        truncated = cached = 0
        formats: set[str] = set()
        per_list: dict[str, tuple[Usage, int]] = {}  # per-layer mode: each list's uncached usage and truncated replies
        for (start, piece), ask in ((p, a) for p in pieces for a in asks(self.requests)):
            chat = messages(piece, ask.prompt, system_role=self.system_role == "system")
            self._samples.sent(document.doc_id, start, ask.lists, chat)
            reply = self._client.complete_json(
                chat, ask.schema, max_tokens=max_tokens,
                extra={"prompt": PROMPT_VERSION, "sha": ask.sha},
                check=functools.partial(_check, lists=ask.lists),
            )
            if not reply.cached:
                spent[0] += reply.usage
            truncated += reply.truncated
            cached += reply.cached
            formats.add(reply.response_format)
            if self.requests == "per-layer":
                used, cut = per_list.get(ask.lists[0], (Usage(), 0))
                per_list[ask.lists[0]] = (used if reply.cached else used + reply.usage, cut + reply.truncated)
            grounded = ground(document.doc_id, piece, reply.content, truncated=reply.truncated, offset=start,
                              lists=ask.lists)
            self._samples.replied(document.doc_id, reply, grounded)
            entities.extend(grounded.annotations.entities or ())
            numbers.extend(grounded.annotations.numbers or ())
            attributions.extend(grounded.annotations.attributions or ())
            for layer, strings in grounded.unfound.items():
                unfound[layer].extend(strings)
        annotations = Annotations(
            document.doc_id,
            entities=tuple(sorted(entities, key=lambda e: (e.start, e.end))),
            numbers=tuple(sorted(numbers, key=lambda n: (n.start, n.end))),
            attributions=tuple(attributions),
        )
        tags = Counter(tag for records in (entities, numbers, attributions) for r in records for tag in r.tags)
        record.update({
            "requests_mode": self.requests, "chunks": len(pieces), "max_tokens": max_tokens, "cached_chunks": cached, "truncated_chunks": truncated,
            "formats": sorted(formats), "tags": dict(sorted(tags.items())),
            "unfound": {layer: len(strings) for layer, strings in unfound.items()}, "unfound_strings": unfound,
            **({"per_layer": {name: _costs(used, cut) for name, (used, cut) in per_list.items()}} if per_list else {}),
        })
        return annotations

    def _log_path(self) -> Path:
        return self.usage_log or self._cache_root() / "usage.jsonl"

    def _log(self, record: dict[str, Any]) -> None:
        path = self._log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_lock, path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def run_summary(self, doc_ids: Sequence[str] | None = None) -> dict[str, JSONValue]:
        """This run's usage per document and in total, for ``llm.run.json``.

        A document asked more than once in a run (the runner retries a failed batch one document at a
        time) has its costs (tokens, requests, seconds) summed over every try; its other fields are
        those of the last try. Unfound strings count once per document, from the last try.
        """
        wanted = None if doc_ids is None else set(doc_ids)
        latest: dict[str, dict[str, Any]] = {}
        try:
            lines = self._log_path().read_text("utf-8").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("run") != self.run_id or (wanted is not None and entry.get("doc_id") not in wanted):
                continue
            earlier = latest.get(entry["doc_id"], {})
            for name in _COSTS:
                entry[name] = round(float(earlier.get(name) or 0) + float(entry.get(name) or 0), 3)
            # measured: some try of this run asked the server for every chunk (a retry answered from the
            # replies of an earlier try in the run still counts that try's tokens, summed above)
            entry["_fresh"] = bool(earlier.get("_fresh")) or ("cached_chunks" in entry and not entry["cached_chunks"])
            latest[entry["doc_id"]] = entry
        totals: Counter[str] = Counter()
        unfound: Counter[str] = Counter()
        for entry in latest.values():
            for name in ("prompt_tokens", "completion_tokens", "requests", "truncated_chunks"):
                totals[name] += int(entry.get(name) or 0)
            unfound.update(entry.get("unfound") or {})
        seconds = round(sum(float(e.get("wall_seconds") or 0) for e in latest.values()), 3)
        # a document with a reply from the reply cache was not measured: the reports show its cost as
        # unknown rather than as the 0 tokens this run spent on it; one with a reply without usage was
        # (its seconds and requests are real), but its tokens are unknown, not the 0 counted for that reply
        unknown_tokens = {"prompt_tokens": None, "completion_tokens": None}
        documents: list[JSONValue] = [
            {**{k: v for k, v in entry.items() if k not in {"run", "unfound_strings", "_fresh"}},
             **(unknown_tokens if entry.get("unreported_usage") else {}), "measured": entry["_fresh"]}
            for entry in latest.values()]
        prompt: dict[str, JSONValue] = {"version": PROMPT_VERSION, "requests": self.requests}
        if self.requests == "per-layer":
            prompt["layers"] = {name: {"sha": LAYER_PROMPT_SHAS[name], "text": LAYER_PROMPTS[name]} for name in LISTS}
        else:
            prompt.update({"sha": PROMPT_SHA, "text": PROMPT_TEXT})
        limits: dict[str, JSONValue] = {
            name: max((int(e[name]) for e in latest.values() if isinstance(e.get(name), int)), default=None)
            for name in ("concurrency", "context_tokens")}
        return {"requests": self.requests, "prompt": prompt, "limits": limits,
                "totals": {**totals, "seconds": seconds, "documents": len(latest)},
                "unfound": dict(unfound), "documents": documents}

    def sample_detail(self, document: Document) -> Mapping[str, JSONValue] | None:
        """Per request: the messages sent, the raw reply, finish_reason and each item's grounding (``--log-samples``)."""
        return self._samples.detail(document.doc_id)

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        self.setup()
        with ThreadPoolExecutor(max_workers=min(self.concurrency or 1, max(1, len(documents)))) as pool:
            return list(pool.map(self.predict, documents))


SYSTEM = LLMSystem
