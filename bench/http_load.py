"""A small threaded HTTP load client: N keep-alive `http.client` connections on loopback, bounded in time.

    python bench/http_load.py http://127.0.0.1:8000 /healthz /api/inspections --connections 16 --seconds 10

Each connection (one thread) sends requests back to back, cycling through the given paths
(offset by its number, so connections do not move in step), and records each latency. The
run stops after ``seconds`` or ``max_requests``, whichever comes first. A response with a
status >= 500, a broken connection or a timeout is an error; 4xx answers are counted apart
(``client_errors``) since a load mix may include them on purpose.
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Sequence
from urllib.parse import urlsplit


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[rank]


@dataclass
class LoadResult:
    count: int = 0
    errors: int = 0
    client_errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        out = {
            "count": self.count, "errors": self.errors, "client_errors": self.client_errors,
            "seconds": round(self.seconds, 2), "rps": round(self.rps, 1),
            "p50_ms": _round(percentile(self.latencies_ms, 0.50)),
            "p99_ms": _round(percentile(self.latencies_ms, 0.99)),
            "error_samples": self.error_samples[:5],
        }
        if len(self.by_path) > 1:
            out["by_kind"] = {k: {"count": len(v), "p50_ms": _round(percentile(v, 0.5)),
                                  "p99_ms": _round(percentile(v, 0.99))} for k, v in sorted(self.by_path.items())}
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def run_load(base_url: str, paths: Sequence[str] | Sequence[tuple[str, str]], *, connections: int = 16,
             seconds: float = 10.0, max_requests: int = 200_000, timeout: float = 30.0) -> LoadResult:
    """Hit ``paths`` (or ``(kind, path)`` pairs) from ``connections`` threads for ``seconds``; returns the tally."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load client only talks to loopback")
    items = [(p, p) if isinstance(p, str) else p for p in paths]
    result = LoadResult()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    budget = [max_requests]

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        local: list[tuple[str, float, int | None, str | None]] = []
        i = n
        while time.perf_counter() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            kind, path = items[i % len(items)]
            i += 1
            t0 = time.perf_counter()
            status, problem = None, None
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=timeout)
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{path}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            local.append((kind, (time.perf_counter() - t0) * 1000, status, problem))
        conn.close()
        with lock:
            for kind, ms, status, problem in local:
                result.count += 1
                result.latencies_ms.append(ms)
                result.by_path.setdefault(kind, []).append(ms)
                if problem is not None or (status is not None and status >= 500):
                    result.errors += 1
                    if len(result.error_samples) < 20:
                        result.error_samples.append(problem or f"{kind}: HTTP {status}")
                elif status is not None and status >= 400:
                    result.client_errors += 1
                    if len(result.error_samples) < 20:
                        result.error_samples.append(f"{kind}: HTTP {status} (client error)")

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    result.seconds = time.perf_counter() - t0
    return result


def sequential_latencies(base_url: str, path: str, *, count: int = 200, seconds: float = 5.0,
                         timeout: float = 30.0) -> LoadResult:
    """One keep-alive connection, requests one after another (latency without queueing)."""
    return run_load(base_url, [path], connections=1, seconds=seconds, max_requests=count, timeout=timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args()
    result = run_load(args.base_url, args.paths, connections=args.connections, seconds=args.seconds,
                      max_requests=args.max_requests)
    print(json.dumps(result.summary(), indent=2))


if __name__ == "__main__":
    main()
