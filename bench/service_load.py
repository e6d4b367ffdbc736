"""Load scenarios against the real service under gunicorn (see :mod:`bench.server`)."""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.load import run_load
from bench.server import Server

__all__ = ["SCENARIOS", "Scenario", "run_scenarios"]


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    comments: int
    concurrency: int
    explain: bool = False
    thread: bool = False


SCENARIOS = (
    Scenario("single_c1", "/v1/classify", 1, 1),
    Scenario("single_c4", "/v1/classify", 1, 4),
    Scenario("batch100_c2", "/v1/classify", 100, 2),
    Scenario("batch100_explain_c2", "/v1/classify", 100, 2, explain=True),
    Scenario("thread50_c2", "/v1/threads/classify", 50, 2, thread=True),
)


def bodies(scenario: Scenario, texts: list[str], *, count: int, seed: int = 0) -> list[str]:
    """``count`` request bodies of corpus texts (threads get a random reply tree)."""
    rng = random.Random(seed)
    out = []
    for k in range(count):
        picked = rng.sample(texts, scenario.comments)
        comments = [{"id": f"c{k}-{i}", "text": t} for i, t in enumerate(picked)]
        if scenario.thread:
            for i, c in enumerate(comments):
                c["parent_id"] = comments[rng.randrange(i)]["id"] if i and rng.random() < 0.7 \
                    else None
        body = {"comments": comments}
        if scenario.thread:
            body["thread_id"] = f"t{k}"
        if scenario.explain:
            body["options"] = {"explain": True}
        out.append(json.dumps(body, ensure_ascii=False))
    return out


def _median(results: list, attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in results)


def run_scenarios(models_dir: Path, workdir: Path, texts: list[str], *, runs: int,
                  seconds: float, tool: str = "auto", workers: int | None = None) -> dict:
    """Every scenario, ``runs`` times ``seconds`` each after a warm-up; medians, plus the
    server's start time and memory after the load."""
    env = {"GUNICORN_WORKERS": str(workers)} if workers else {}
    out: dict = {"scenarios": {}}
    with Server(models_dir, workdir, env=env) as server:
        out["ready_seconds"] = round(server.ready_seconds, 2)
        out["workers"] = len(server.workers())
        for scenario in SCENARIOS:
            sent = bodies(scenario, texts, count=2000 if scenario.comments == 1 else 40)
            url = server.url + scenario.path
            run_load(url, sent, server.key, concurrency=scenario.concurrency,
                     seconds=min(2.0, seconds), workdir=workdir, tool=tool)  # warm-up
            results, cpu = [], []
            for _ in range(runs):
                before = server.cpu_seconds()
                results.append(run_load(url, sent, server.key, concurrency=scenario.concurrency,
                                        seconds=seconds, workdir=workdir, tool=tool))
                cpu.append((server.cpu_seconds() - before) / max(1, results[-1].requests))
            rps = _median(results, "rps")
            out["scenarios"][scenario.name] = {
                "tool": results[0].tool, "concurrency": scenario.concurrency,
                "comments_per_request": scenario.comments, "runs": len(results),
                "seconds_each": seconds,
                "requests": sum(r.requests for r in results),
                "errors": sum(r.errors for r in results),
                "requests_per_s": round(rps, 1),
                "comments_per_s": round(rps * scenario.comments),
                "p50_ms": round(_median(results, "p50_ms"), 2),
                "p95_ms": round(_median(results, "p95_ms"), 2),
                "p99_ms": round(_median(results, "p99_ms"), 2),
                # Server CPU per request: a measure that other load on the machine
                # disturbs much less than latency and throughput.
                "server_cpu_ms_per_request": round(statistics.median(cpu) * 1e3, 3),
            }
        out["memory"] = server.memory()
    return out
