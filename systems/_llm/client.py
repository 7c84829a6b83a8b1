"""A small OpenAI-compatible chat-completions client: retries with backoff and a response cache.

* ``POST {base_url}/chat/completions`` with ``model``, ``messages``, ``temperature`` and a
  ``response_format`` (``json_schema`` first; a server that rejects it with HTTP 400 is asked
  again with ``json_object``, and that choice is remembered);
* retries: connection errors, timeouts, HTTP 429 and 5xx, and replies that are not the JSON
  the format promises (malformed or cut off), up to ``attempts`` times, waiting
  ``delay · 2^k`` seconds (or the server's ``Retry-After``, at most a minute) between tries;
* cache: the reply's message content, stored under SHA-256 of (base URL, model, messages,
  format, temperature) — never the API key — so an identical request is answered from disk;
* the API key goes only into the ``Authorization`` header; error messages are scrubbed of it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import atomic


class LLMError(RuntimeError):
    """A request that failed for good (after retries); the message never contains the key."""


@dataclass
class ChatClient:
    """Chat completions against one endpoint and model."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    cache_dir: Path | None = None
    attempts: int = 5
    delay: float = 1.0
    timeout: float = 120.0
    max_tokens: int = 4096
    _format: str = "json_schema"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
                self._http = httpx.Client(timeout=self.timeout, headers=headers)
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _scrub(self, message: str) -> str:
        return message.replace(self.api_key, "***") if self.api_key else message

    def _key(self, messages: list[dict[str, str]], response_format: dict[str, Any], temperature: float) -> str:
        material = json.dumps(
            {"base_url": self.base_url.rstrip("/"), "model": self.model, "messages": messages,
             "response_format": response_format, "temperature": temperature, "max_tokens": self.max_tokens},
            sort_keys=True, ensure_ascii=False,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _cached(self, key: str) -> Any | None:
        if self.cache_dir is None:
            return None
        try:
            return json.loads((self.cache_dir / key[:2] / f"{key}.json").read_text("utf-8"))["content"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, key: str, content: Any) -> None:
        if self.cache_dir is not None:
            atomic.write_text(self.cache_dir / key[:2] / f"{key}.json",
                              json.dumps({"model": self.model, "content": content}, ensure_ascii=False))

    def _format_for(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self._format == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "newsbench_extraction", "schema": schema, "strict": True}}
        return {"type": "json_object"}

    def complete_json(self, messages: list[dict[str, str]], schema: dict[str, Any], *, temperature: float = 0.0) -> Any:
        """The reply's content parsed as JSON (from the cache when this exact request was made before)."""
        response_format = self._format_for(schema)
        key = self._key(messages, response_format, temperature)
        cached = self._cached(key)
        if cached is not None:
            return cached
        last = "no attempt made"
        wait = 0.0
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(wait)
            wait = self.delay * (2**attempt)
            body = {"model": self.model, "messages": messages, "temperature": temperature,
                    "max_tokens": self.max_tokens, "response_format": response_format}
            try:
                reply = self._client().post(f"{self.base_url.rstrip('/')}/chat/completions", json=body)
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
                continue
            if reply.status_code == 400 and self._format == "json_schema" and "response_format" in reply.text:
                self._format = "json_object"  # this server does not take schemas; ask for plain JSON
                return self.complete_json(messages, schema, temperature=temperature)
            if reply.status_code == 429 or reply.status_code >= 500:
                last = f"HTTP {reply.status_code}"
                retry_after = reply.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = min(60.0, float(retry_after))
                continue
            if reply.status_code >= 400:
                raise LLMError(self._scrub(f"HTTP {reply.status_code}: {reply.text[:200]}"))
            content, problem = _content(reply)
            if problem:
                last = problem
                continue
            self._store(key, content)
            return content
        raise LLMError(self._scrub(f"gave up after {self.attempts} attempts: {last}"))


def _content(reply: httpx.Response) -> tuple[Any, str]:
    """The parsed JSON of the first choice's message, or a reason it is unusable."""
    try:
        data = reply.json()
        choice = data["choices"][0]
        text = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None, "reply is not a chat completion"
    if not isinstance(text, str):
        return None, "reply has no message content"
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as error:
        reason = choice.get("finish_reason") if isinstance(choice, dict) else None
        cut = " (truncated: finish_reason=length)" if reason == "length" else ""
        return None, f"message is not valid JSON{cut}: {error.msg} at {error.pos}"
