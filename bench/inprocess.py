"""In-process measurements: model load, pipeline cost per comment (alone, with language
detection, with explanations) and language detection (cost, agreement, accuracy)."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from model.language import OTHER, LanguageDetector, SampledLanguageDetector
from model.predictor import Moderator
from training.data import Example

__all__ = ["BATCHES", "corpus_texts", "language_quality", "load_time", "pipeline_costs"]

BATCHES = (1, 10, 100, 1000)


def corpus_texts(examples: list[Example], *, seed: int = 0) -> list[str]:
    """Corpus texts in a fixed shuffled order, so that every batch mixes languages."""
    texts = [e.text for e in examples]
    random.Random(seed).shuffle(texts)
    return texts


def _median_seconds(fn: Callable[[], object], runs: int) -> float:
    return _median_times(fn, runs)[0]


def _median_times(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process over ``runs`` calls; the CPU
    time is what other load on the machine disturbs least."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def load_time(models_dir: Path, runs: int) -> dict:
    """Seconds to load and verify the model (hash, versions, probe, detector warm-up)."""
    return {"seconds": round(_median_seconds(lambda: Moderator.load(models_dir), runs), 3)}


def _per_comment(call: Callable[[list[str]], object], texts: list[str], batch: int,
                 comments: int, runs: int) -> dict:
    """Median cost per comment of ``call`` on batches of ``batch`` texts."""
    chunks = [texts[i:i + batch] for i in range(0, min(comments, len(texts)), batch)]
    call(chunks[0])  # warm caches of the first sight of words

    def run() -> None:
        for chunk in chunks:
            call(chunk)

    n = sum(map(len, chunks))
    seconds, cpu = (t / n for t in _median_times(run, runs))
    return {"batch": batch, "us_per_comment": round(seconds * 1e6, 1),
            "comments_per_s": round(1 / seconds), "cpu_us_per_comment": round(cpu * 1e6, 1)}


def pipeline_costs(model: Moderator, texts: list[str], *, runs: int, quick: bool) -> dict:
    """Per-comment cost of the pure pipeline, of ``classify`` (language detection and the
    whole result), and of ``classify`` with explanations, for each batch size."""
    budget = {1: 200, 10: 500, 100: 1000, 1000: 2000}
    if quick:
        budget = {b: n // 2 for b, n in budget.items()}
    calls = {
        "pipeline": model.predict_proba,
        "classify": model.classify,
        "classify_explain": lambda chunk: model.classify(chunk, explain=True),
    }
    return {name: [_per_comment(call, texts, b, max(b, budget[b]), runs) for b in BATCHES]
            for name, call in calls.items()}


def language_quality(examples: list[Example], texts: list[str], *, runs: int,
                     quick: bool) -> dict:
    """Cost of the detector and of the sampling one it replaced; their agreement, and the
    accuracy of each on the corpus rows that carry a ``lang``."""
    fast, sampled = LanguageDetector(), SampledLanguageDetector()
    fast.warm_up()
    sampled.warm_up()
    n = 300 if quick else 1000
    cost = {
        "detector_batch100_us": _per_comment(fast.detect_batch, texts, 100, n, runs)[
            "us_per_comment"],
        "detector_single_us": _per_comment(lambda c: fast.detect(c[0]), texts, 1, n // 2,
                                           runs)["us_per_comment"],
        "sampled_single_us": _per_comment(lambda c: sampled.detect(c[0]), texts, 1, n // 5,
                                          runs)["us_per_comment"],
    }
    rows = [e for e in examples if e.lang] if not quick else [
        e for e in examples if e.lang][:1500]
    new = fast.detect_batch([e.text for e in rows])
    old = [sampled.detect(e.text) for e in rows]

    def truth(e: Example) -> str:
        return e.lang if e.lang in fast.supported else OTHER

    return {**cost, "rows": len(rows),
            "agreement": round(sum(a.code == b.code for a, b in zip(new, old)) / len(rows), 4),
            "accuracy": round(sum(g.code == truth(e) for g, e in zip(new, rows)) / len(rows), 4),
            "sampled_accuracy": round(sum(g.code == truth(e) for g, e in zip(old, rows))
                                      / len(rows), 4),
            "max_confidence_difference": round(max(abs(a.confidence - b.confidence)
                                                   for a, b in zip(new, old)), 4)}
