"""Load generators in processes of their own: wrk (with ``post.lua``) when installed,
else a small Python client. Both send POST bodies in turn for a bounded time and report
requests, errors and latency percentiles. Only loopback URLs are accepted."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["LoadResult", "run_load", "wrk_available"]

LUA = Path(__file__).with_name("post.lua")


@dataclass(frozen=True)
class LoadResult:
    tool: str
    seconds: float
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise ValueError(f"load tests only target the loopback interface, not {host!r}")


def run_load(url: str, bodies: list[str], key: str, *, concurrency: int, seconds: float,
             workdir: Path, tool: str = "auto") -> LoadResult:
    """POST ``bodies`` (in turn) to ``url`` with ``concurrency`` connections for ``seconds``."""
    _check_loopback(url)
    if tool == "auto":
        tool = "wrk" if wrk_available() else "python"
    if tool == "wrk":
        return _wrk(url, bodies, key, concurrency, seconds, workdir)
    return _python(url, bodies, key, concurrency, seconds)


def _wrk(url, bodies, key, concurrency, seconds, workdir) -> LoadResult:
    path = workdir / "bodies.txt"
    path.write_text("\n".join(bodies) + "\n", encoding="utf-8")
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(LUA), url, "--", str(path), key]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True)
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    return LoadResult("wrk", summary["duration_us"] / 1e6, summary["requests"], errors,
                      summary["p50_us"] / 1e3, summary["p95_us"] / 1e3, summary["p99_us"] / 1e3)


def _client(url: str, bodies: list[str], key: str, offset: int, start: float,
            deadline: float) -> tuple:
    """One connection's loop (runs in its own process): latencies in s, error count."""
    import http.client

    time.sleep(max(0.0, start - time.time()))

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    encoded = [b.encode("utf-8") for b in bodies]
    latencies, errors, i = [], 0, offset
    while time.time() < deadline:
        body = encoded[i % len(encoded)]
        i += 1
        start = time.perf_counter()
        try:
            conn.request("POST", parts.path, body, headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            conn.close()
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    conn.close()
    return latencies, errors


def _python(url, bodies, key, concurrency, seconds) -> LoadResult:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(concurrency) as pool:
        start = time.time() + 2.0  # let the processes start before the clock runs
        jobs = [pool.apply_async(_client, (url, bodies, key, k * 7919, start, start + seconds))
                for k in range(concurrency)]
        results = [j.get(timeout=seconds + 60) for j in jobs]
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3

    return LoadResult("python", seconds, len(latencies), errors, pct(0.50), pct(0.95),
                      pct(0.99))
