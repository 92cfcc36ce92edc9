"""A response cache in front of the app: the data only changes when an ingest run finishes.

Every read answer (API, pages, linked data, SPARQL GET) is a function of the request and the
data generation (`DataDir.generation`, which changes when a run writes its manifest). So a
200 answer to a GET is kept, keyed by generation, path, query string and the headers the
answer varies on, and replayed without entering Flask at all. A new generation empties the
cache, so no answer outlives the data it was computed from.

Answers also carry an ``ETag`` made of the generation and the cache key, and a request whose
``If-None-Match`` matches gets ``304 Not Modified`` — for caches and crawlers in front of us.

Bounded by the setting ``response_cache_mb`` (0 turns the cache off); an answer larger than a
sixteenth of the budget is never kept. Least recently used answers go first.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from flask import Flask

# Request headers an answer may depend on: content negotiation and absolute links.
_VARY = ("HTTP_ACCEPT", "HTTP_HOST", "wsgi.url_scheme", "SCRIPT_NAME", "HTTP_X_FORWARDED_PROTO")
# Never cached: liveness must reflect the process, and the OpenAPI document is cheap anyway.
_UNCACHED_PREFIXES = ("/healthz", "/static/")
# Headers recomputed on replay (or per connection) rather than kept.
_DROPPED_HEADERS = {"content-length", "date", "server", "etag", "connection"}


@dataclass(frozen=True)
class CachedAnswer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str


class ResponseCache:
    """LRU of whole answers for one data generation at a time; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max(1, max_bytes // 16)
        self._entries: OrderedDict[tuple, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._generation: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, generation: str, key: tuple) -> CachedAnswer | None:
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
                return None
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return answer

    def put(self, generation: str, key: tuple, answer: CachedAnswer) -> None:
        size = len(answer.body) + 200
        if size > self.max_entry:
            return
        with self._lock:
            if generation != self._generation or key in self._entries:
                return  # the data moved on while this answer was computed: it may be stale
            self._entries[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body) + 200

    def __len__(self) -> int:
        return len(self._entries)


def _etag(generation: str, key: tuple) -> str:
    digest = hashlib.blake2b(repr((generation, key)).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return f'"{digest}"'


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return header.strip() == "*" or etag in {tag.strip().removeprefix("W/") for tag in header.split(",")}


class CachingMiddleware:
    """WSGI middleware: replays cached answers to GET/HEAD requests, stores new 200 answers."""

    def __init__(self, wsgi_app: Callable, cache: ResponseCache, generation: Callable[[], str]):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.generation = generation

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or path.startswith(_UNCACHED_PREFIXES) or environ.get("HTTP_AUTHORIZATION"):
            return self.wsgi_app(environ, start_response)
        generation = self.generation()
        key = (path, environ.get("QUERY_STRING", ""), *(environ.get(name, "") for name in _VARY))
        answer = self.cache.get(generation, key)
        if answer is not None:
            return self._replay(answer, environ, start_response)
        if method == "HEAD":
            return self.wsgi_app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            captured["status"], captured["headers"] = status, headers
            if exc_info:
                return start_response(status, headers, exc_info)
            return lambda data: None  # the legacy write() callable; Flask never uses it

        chunks = self.wsgi_app(environ, capture)
        status, headers = captured["status"], captured["headers"]
        length = next((v for n, v in headers if n.lower() == "content-length"), None)
        cacheable = (status.startswith("200") and length is not None and int(length) <= self.cache.max_entry
                     and not any(n.lower() in ("set-cookie", "cache-control") for n, _ in headers))
        if not cacheable:  # errors, streams and large answers pass through untouched
            start_response(status, headers)
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        kept = tuple((n, v) for n, v in headers if n.lower() not in _DROPPED_HEADERS)
        answer = CachedAnswer(status, kept, body, _etag(generation, key))
        self.cache.put(generation, key, answer)
        return self._replay(answer, environ, start_response)

    @staticmethod
    def _replay(answer: CachedAnswer, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        if _etag_matches(environ.get("HTTP_IF_NONE_MATCH"), answer.etag):
            start_response("304 Not Modified", [("ETag", answer.etag)])
            return []
        headers = [*answer.headers, ("Content-Length", str(len(answer.body))), ("ETag", answer.etag)]
        start_response(answer.status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]


def init_app(app: Flask) -> None:
    """Wrap the app's WSGI callable in the cache (unless ``response_cache_mb`` is 0)."""
    from web.resources import Resources

    budget = int(float(app.config["COUNCILGRAPH"]["response_cache_mb"]) * 1_000_000)
    if budget <= 0:
        return
    resources: Resources = app.extensions["councilgraph"]
    cache = ResponseCache(budget)
    app.extensions["councilgraph_cache"] = cache
    app.wsgi_app = CachingMiddleware(app.wsgi_app, cache, resources.data_dir.generation)  # type: ignore[method-assign]
