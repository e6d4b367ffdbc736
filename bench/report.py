"""Targets, the Markdown report and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["markdown", "targets", "write_json"]


def _get(results: dict, *path, default=None):
    node = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def _batch(rows: list[dict], size: int) -> dict:
    return next(r for r in rows if r["batch"] == size)


def targets(results: dict) -> list[dict]:
    """Each target of the issue with the measured value and whether it holds."""
    http = _get(results, "http", "scenarios", default={})
    costs = _get(results, "pipeline", default={})
    out = []

    def add(name: str, value, limit, ok_if: str) -> None:
        ok = None if value is None else (value <= limit if ok_if == "<=" else value >= limit)
        out.append({"target": name, "value": value, "limit": f"{ok_if} {limit}", "ok": ok})

    add("single request p50 ms (c=1, HTTP)", _get(http, "single_c1", "p50_ms"), 3, "<=")
    add("single requests/s (c=4, HTTP)", _get(http, "single_c4", "requests_per_s"), 600, ">=")
    cores = _get(results, "machine", "cores", default=1)
    cpu = {name: s["server_cpu_ms_per_request"] for name, s in http.items()}
    if "single_c4" in cpu:
        add("single requests/s, capacity of all cores from server CPU/request",
            round(cores * 1000 / cpu["single_c4"]), 600, ">=")
    add("batch-100 comments/s (HTTP)", _get(http, "batch100_c2", "comments_per_s"), 10000, ">=")
    if "batch100_c2" in cpu:
        add("batch-100 comments/s, capacity of all cores from server CPU/request",
            round(cores * 1000 * 100 / cpu["batch100_c2"]), 10000, ">=")
    if costs and http.get("batch100_c2"):
        pure = _batch(costs["pipeline"], 100)
        add("batch-100 HTTP / pure pipeline batch-100 throughput (wall)",
            round(http["batch100_c2"]["comments_per_s"] / pure["comments_per_s"], 2), 0.6, ">=")
        # The same from CPU times: the service on all cores against one pure pipeline
        # process; the per-core share (pipeline CPU over server CPU) is in the JSON.
        share = pure["cpu_us_per_comment"] / (cpu["batch100_c2"] * 1000 / 100)
        results.setdefault("derived", {})["pipeline_share_of_server_cpu_batch100"] = round(
            share, 2)
        add("batch-100 HTTP capacity / pure pipeline (CPU-based)", round(cores * share, 2),
            0.6, ">=")
    if costs:
        for clock, key in (("wall", "us_per_comment"), ("CPU", "cpu_us_per_comment")):
            add(f"explanations cost, batch 100 (in process, {clock}, x)",
                round(_batch(costs["classify_explain"], 100)[key]
                      / _batch(costs["classify"], 100)[key], 2), 2, "<=")
    if "batch100_c2" in cpu and "batch100_explain_c2" in cpu:
        add("explanations cost, batch 100 (HTTP, server CPU, x)",
            round(cpu["batch100_explain_c2"] / cpu["batch100_c2"], 2), 2, "<=")
    peaks = _get(results, "http", "memory", "worker_peak_rss_mb", default=[])
    add("worker peak RSS MB", max(peaks) if peaks else None, 300, "<=")
    add("model load s", _get(results, "model", "load", "seconds"), 1, "<=")
    return out


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def markdown(results: dict) -> str:
    m = results["machine"]
    quick = " — quick" if results["config"]["quick"] else ""
    lines = [f"## Benchmark {m['date']}", "",
             f"{m['cores']} cores, {m['cpu_model']}, Python {m['python']}, commit "
             f"{m['commit']}, load average at start {m['load_average']}, end "
             f"{m.get('load_average_end')}, runs {results['config']['runs']} (medians){quick}",
             ""]
    costs = results.get("pipeline")
    if costs:
        lines.append("### In process, per comment: wall µs (comments/s) [CPU µs]")
        lines.append("")
        header = ["batch", "pipeline", "+ language & result (classify)", "+ explanations"]
        rows = []
        for size in sorted({r["batch"] for r in costs["pipeline"]}):
            cells = [_batch(costs[k], size)
                     for k in ("pipeline", "classify", "classify_explain")]
            rows.append([size] + [f"{c['us_per_comment']} ({c['comments_per_s']}/s) "
                                  f"[{c['cpu_us_per_comment']}]" for c in cells])
        lines += _table(header, rows)
    lang = results.get("language")
    if lang:
        lines.append("### Language detection")
        lines.append("")
        lines += _table(["measure", "value"], [[k, v] for k, v in lang.items()])
    http = results.get("http")
    if http:
        lines.append(f"### HTTP (gunicorn, {http['workers']} workers, 127.0.0.1, "
                     f"{next(iter(http['scenarios'].values()))['tool']})")
        lines.append("")
        rows = [[name, s["concurrency"], s["requests_per_s"], s["comments_per_s"], s["p50_ms"],
                 s["p95_ms"], s["p99_ms"], s["errors"], s["requests"],
                 s["server_cpu_ms_per_request"]]
                for name, s in http["scenarios"].items()]
        lines += _table(["scenario", "conc.", "req/s", "comments/s", "p50 ms", "p95 ms",
                         "p99 ms", "errors", "requests", "server CPU ms/req"], rows)
    model = results.get("model")
    if model:
        mem = (http or {}).get("memory", {})
        lines.append("### Model and memory")
        lines.append("")
        lines += _table(["measure", "value"], [
            ["model file (MB)", model["file_mb"]], ["model load (s)", model["load"]["seconds"]],
            ["service ready after (s)", (http or {}).get("ready_seconds")],
            ["worker RSS after load (MB)", mem.get("worker_rss_mb")],
            ["worker peak RSS (MB)", mem.get("worker_peak_rss_mb")],
            ["master RSS (MB)", mem.get("master_rss_mb")]])
    training = results.get("training")
    if training:
        lines.append("### Training cost")
        lines.append("")
        rows = []
        if training.get("corpus"):
            c = training["corpus"]
            rows.append([f"corpus: {c['folds']}-fold CV + final fit", c["examples"],
                         c["seconds"], "", "done"])
        for f in training.get("scaled", []):
            status = f["status"] + (f" ({f['reason']})" if f.get("reason") else "")
            if f.get("projected_seconds"):
                status += (f"; projected {f['projected_seconds']} s (time grows as "
                           f"examples^{f['growth_exponent']})")
            rows.append([f"{f['factor']}x: one fit", f.get("examples", ""),
                         f.get("seconds", ""), f.get("peak_rss_mb", ""), status])
        lines += _table(["run", "examples", "seconds", "peak RSS MB", "status"], rows)
    lines.append("### Targets")
    lines.append("")
    lines += _table(["target", "measured", "limit", "holds"],
                    [[t["target"], t["value"], t["limit"],
                      {True: "yes", False: "**no**", None: "n/a"}[t["ok"]]]
                     for t in results["targets"]])
    return "\n".join(lines)


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
