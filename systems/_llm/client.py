"""A small OpenAI-compatible chat-completions client: retries with backoff, a reply cache, usage.

* ``POST {base_url}/chat/completions`` with ``model``, ``messages``, ``temperature``,
  ``max_tokens`` and a ``response_format``. Formats are tried in order: ``json_schema``, then
  ``{"type": "json_object", "schema": S}`` (llama-cpp-python), then plain ``json_object``. A
  server that answers 400, 422 or 5xx with a body naming ``response_format`` moves the client
  one step down, once, and the choice is kept for the rest of the run;
* retries: connection errors, timeouts (a read timeout only when ``retry_read_timeout``: not against a
  one-slot server, which goes on generating for the client that gave up), HTTP 429 and 5xx, and replies that are not the JSON
  the format promises, up to ``attempts`` times, waiting ``delay · 2^k`` seconds (or the
  server's ``Retry-After``, at most a minute); no attempt starts that could not finish within
  ``budget`` seconds, so the caller sees the real cause rather than its own timeout;
* a reply cut off by the length limit (``finish_reason=length``) is not retried (at
  temperature 0 it would be cut again): the complete items of its valid prefix are kept and the
  completion is marked ``truncated``;
* cache: the reply, stored under SHA-256 of (base URL, model, messages, format, temperature,
  max_tokens, ``extra``) — never the API key — only after the caller's ``check`` accepted it;
  ``fresh_after`` limits reads to replies stored since then (``--no-cache`` keeps replies for
  the run only); a request that failed for good (an HTTP 4xx, a cut-off reply with no complete item, or
  every attempt used) is not sent again by the same client;
* usage: each completion carries the server's ``usage`` token counts, its wall time and the
  number of HTTP requests it took;
* the API key goes only into the ``Authorization`` header; error messages are scrubbed of it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import atomic

#: The response formats, best first.
FORMATS = ("json_schema", "json_object+schema", "json_object")
#: Characters of a server's error body kept in an error message.
BODY_EXCERPT = 200


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts (from the reply's ``usage``), HTTP requests and seconds spent."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    seconds: float = 0.0
    #: Successful replies that carried no ``usage`` field: their tokens are unknown, not 0.
    unreported: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens,
                     self.requests + other.requests, self.seconds + other.seconds, self.unreported + other.unreported)


class LLMError(RuntimeError):
    """A request that failed for good (after retries), with what its attempts cost and the last reply's
    message text (``raw``, "" if none came); neither the message nor ``raw`` contains the key."""

    def __init__(self, message: str, *, usage: Usage | None = None, raw: str = "") -> None:
        super().__init__(message)
        self.usage = usage or Usage()
        self.raw = raw


@dataclass(frozen=True, slots=True)
class Completion:
    """A parsed reply: its JSON content, whether it was cut off, its cost, and where it came from.

    ``raw`` is the message text as the server sent it (scrubbed of the key) and ``finish_reason`` the
    server's; both are "" for a reply cached before they were kept.
    """

    content: Any
    truncated: bool = False
    usage: Usage = Usage()
    cached: bool = False
    response_format: str = "json_schema"
    raw: str = ""
    finish_reason: str = ""


def _plural(count: int, word: str) -> str:
    """``count word`` with an -s unless the count is one.

    >>> _plural(1, "attempt"), _plural(2, "attempt")
    ('1 attempt', '2 attempts')
    """
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def names_response_format(status: int, body: str) -> bool:
    """Whether an error reply says the server does not take this ``response_format``.

    >>> names_response_format(500, "{'type': 'literal_error', 'loc': ('body', 'response_format', 'type')}")
    True
    >>> names_response_format(401, "bad key response_format"), names_response_format(500, "out of memory")
    (False, False)
    """
    return (status in (400, 422) or status >= 500) and "response_format" in body


def salvage(text: str) -> Any | None:
    """The JSON object in a cut-off ``text``, keeping only the items completed before the cut.

    Scans for the last point where a list item (or a top-level value) was complete and closes
    every open bracket there; None when no such point parses.

    >>> salvage('{"entities": [{"text": "Paris"}, {"text": "Ro')
    {'entities': [{'text': 'Paris'}]}
    >>> salvage('{"entities": [], "numbers": [{"text": "12"}], "attr') == {"entities": [], "numbers": [{"text": "12"}]}
    True
    """
    stack: list[str] = []
    in_string = escaped = False
    cuts: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            stack.append("]" if ch == "[" else "}")
            if len(stack) == 2 and ch == "[":  # an empty list may close right here
                cuts.append((i + 1, "".join(reversed(stack))))
        elif ch in "]}":
            if not stack:
                break
            stack.pop()
            if stack:
                cuts.append((i + 1, "".join(reversed(stack))))
    for end, closing in reversed(cuts):
        try:
            value = json.loads(text[:end] + closing)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


@dataclass
class ChatClient:
    """Chat completions against one endpoint and model."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    cache_dir: Path | None = None
    attempts: int = 5
    delay: float = 1.0
    timeout: float = 300.0
    max_tokens: int = 4096
    budget: float | None = None
    fresh_after: float | None = None
    #: Whether a request the server accepted but did not answer in ``timeout`` is sent again. Not for a
    #: one-slot server: it goes on generating for the client that gave up, and the retry waits behind it.
    retry_read_timeout: bool = True
    _format: int = 0
    _failed: dict[str, str] = field(default_factory=dict, repr=False)
    _failed_raw: dict[str, str] = field(default_factory=dict, repr=False)  # the last reply text of each failed request
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

    @property
    def response_format(self) -> str:
        """The format this client asks for now (it steps down when a server rejects one)."""
        return FORMATS[self._format]

    def _scrub(self, message: str) -> str:
        return message.replace(self.api_key, "***") if self.api_key else message

    def get_json(self, path: str) -> Any | None:
        """``GET {base_url}/{path}`` (or the server root for ``/props``) as JSON; None on any failure."""
        root = self.base_url.rstrip("/")
        url = f"{root.removesuffix('/v1')}{path}" if path.startswith("/") else f"{root}/{path}"
        try:
            reply = self._client().get(url, timeout=min(10.0, self.timeout))
            return reply.json() if reply.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def _key(self, body: dict[str, Any], extra: Any) -> str:
        material = json.dumps({"base_url": self.base_url.rstrip("/"), "body": body, "extra": extra},
                              sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / key[:2] / f"{key}.json"

    def _cached(self, key: str) -> Completion | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text("utf-8"))
            if self.fresh_after is not None and float(entry.get("stored", 0)) < self.fresh_after:
                return None
            usage = Usage(**entry.get("usage", {}))
            return Completion(entry["content"], bool(entry.get("truncated")), usage, True, entry.get("format", ""),
                              str(entry.get("raw") or ""), str(entry.get("finish_reason") or ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, key: str, completion: Completion) -> None:
        path = self._path(key)
        if path is not None:
            usage = completion.usage
            entry = {"model": self.model, "stored": time.time(), "format": completion.response_format,
                     "truncated": completion.truncated, "content": completion.content,
                     "raw": completion.raw, "finish_reason": completion.finish_reason,
                     "usage": {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                               "requests": usage.requests, "seconds": round(usage.seconds, 3)}}
            atomic.write_text(path, json.dumps(entry, ensure_ascii=False))

    def _body(self, messages: list[dict[str, str]], schema: dict[str, Any], temperature: float, max_tokens: int,
              kind: str) -> dict[str, Any]:
        if kind == "json_schema":
            response_format: dict[str, Any] = {
                "type": "json_schema", "json_schema": {"name": "newsbench_extraction", "schema": schema, "strict": True}}
        elif kind == "json_object+schema":
            response_format = {"type": "json_object", "schema": schema}
        else:
            response_format = {"type": "json_object"}
        return {"model": self.model, "messages": messages, "temperature": temperature,
                "max_tokens": max_tokens, "response_format": response_format}

    def complete_json(
        self,
        messages: list[dict[str, str]] | Callable[[str], list[dict[str, str]]],
        schema: dict[str, Any],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        check: Callable[[Any, bool], object] | None = None,
        extra: Any = None,
    ) -> Completion:
        """The reply parsed as JSON (from the cache when this exact request was answered before).

        ``messages`` may be a function of the response format (a fallback prompt shows the JSON
        shape); ``check(content, truncated)`` raises on a reply of the wrong shape, which is then neither cached nor
        returned; ``extra`` (e.g. the prompt version) joins the cache key.
        """
        started = time.monotonic()
        spent = Usage()
        last = "no attempt made"
        raw = ""  # the last reply's message text, for LLMError.raw
        wait = 0.0
        attempt = 0
        while attempt < self.attempts:
            tried = self._format
            chat = messages(FORMATS[tried]) if callable(messages) else messages
            body = self._body(chat, schema, temperature, max_tokens or self.max_tokens, FORMATS[tried])
            key = self._key(body, extra)
            cached = self._cached(key)
            if cached is not None:
                return cached
            if key in self._failed:
                raise LLMError(self._failed[key], raw=self._failed_raw.get(key, ""))
            if attempt:
                if self.budget is not None and time.monotonic() - started + wait + self.timeout > self.budget:
                    last += f" (no time left for another attempt within {self.budget:g} s)"
                    break
                time.sleep(wait)
            wait = self.delay * (2**attempt)
            attempt += 1
            sent = time.monotonic()
            try:
                reply = self._client().post(f"{self.base_url.rstrip('/')}/chat/completions", json=body)
            except httpx.HTTPError as error:
                spent += Usage(requests=1, seconds=time.monotonic() - sent)
                last = f"{type(error).__name__} after {time.monotonic() - sent:.0f} s: {error}"
                if isinstance(error, httpx.ReadTimeout) and not self.retry_read_timeout:
                    last += (" (not retried: a one-slot server is still generating this reply and a retry would wait"
                             " behind it; raise NEWSBENCH_LLM_TIMEOUT)")
                    break
                continue
            took = Usage(requests=1, seconds=time.monotonic() - sent) + _usage(reply)
            spent += took
            excerpt = " ".join(reply.text[:BODY_EXCERPT].split())
            if names_response_format(reply.status_code, reply.text) and self._format + 1 < len(FORMATS):
                with self._lock:
                    if self._format == tried:
                        self._format += 1  # this server does not take that format: step down, once per run
                attempt -= 1  # a format probe is not a failed attempt
                continue
            if reply.status_code == 429 or reply.status_code >= 500:
                last = f"HTTP {reply.status_code}: {excerpt}" if excerpt else f"HTTP {reply.status_code}"
                retry_after = reply.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = min(60.0, float(retry_after))
                continue
            if reply.status_code >= 400:
                message = self._scrub(f"HTTP {reply.status_code}: {excerpt}")
                self._failed[key], self._failed_raw[key] = message, self._scrub(reply.text)
                raise LLMError(message, usage=spent, raw=self._failed_raw[key])
            content, truncated, problem = _content(reply)
            raw, finish_reason = _message(reply)
            raw = self._scrub(raw)
            if problem and truncated:
                message = self._scrub(f"reply cut off at max_tokens={body['max_tokens']} (finish_reason=length) "
                                      f"with no complete item: {problem}")
                self._failed[key], self._failed_raw[key] = message, raw
                raise LLMError(message, usage=spent, raw=raw)
            if problem:
                last = problem
                continue
            completion = Completion(content, truncated, spent, False, FORMATS[tried], raw, finish_reason)
            if check is not None:
                try:
                    check(content, truncated)
                except (TypeError, ValueError) as error:
                    last = f"reply has the wrong shape: {error}"
                    continue
            self._store(key, completion)
            return completion
        message = self._scrub(f"gave up after {_plural(attempt, 'attempt')}: {last}")
        self._failed[key] = message  # asked again in this run (the runner retries a failed batch alone), it fails at once
        self._failed_raw[key] = raw
        raise LLMError(message, usage=spent, raw=raw)


def _usage(reply: httpx.Response) -> Usage:
    """The reply's token counts; a successful reply without them counts as ``unreported`` (tokens unknown)."""
    try:
        usage = reply.json().get("usage")
        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
            return Usage(int(usage["prompt_tokens"]), int(usage.get("completion_tokens") or 0))
    except (ValueError, AttributeError, TypeError):
        pass
    return Usage(unreported=int(reply.status_code == 200))


def _message(reply: httpx.Response) -> tuple[str, str]:
    """The first choice's message text and ``finish_reason`` as sent ("" for what is missing)."""
    try:
        choice = reply.json()["choices"][0]
        text, finish = choice["message"].get("content"), choice.get("finish_reason")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return "", ""
    return (text if isinstance(text, str) else ""), (finish if isinstance(finish, str) else "")


def _content(reply: httpx.Response) -> tuple[Any, bool, str]:
    """The parsed JSON of the first choice's message, whether it was cut off, and a reason it is unusable."""
    try:
        data = reply.json()
        choice = data["choices"][0]
        text = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None, False, "reply is not a chat completion"
    if not isinstance(text, str):
        return None, False, "reply has no message content"
    cut = isinstance(choice, dict) and choice.get("finish_reason") == "length"
    try:
        return json.loads(text), cut, ""
    except json.JSONDecodeError as error:
        if cut:
            kept = salvage(text)
            if kept is not None and any(isinstance(v, list) and v for v in kept.values()):
                return kept, True, ""
            return None, True, _json_problem(error)
        return None, False, f"message is not valid JSON: {_json_problem(error)}"


def _json_problem(error: json.JSONDecodeError) -> str:
    """The decoder's complaint with its position, worded once (its message may end in "at").

    >>> try:
    ...     json.loads('{"a": "b')
    ... except json.JSONDecodeError as error:
    ...     _json_problem(error)
    'Unterminated string starting at character 6'
    """
    return f"{error.msg} character {error.pos}" if error.msg.endswith(" at") else f"{error.msg} at character {error.pos}"
