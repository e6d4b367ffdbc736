"""Training cost: the real training run (cross-validation and final fit) on the corpus,
and single fits on the corpus scaled 1x, 10x and 100x (:mod:`bench.synthetic`), each in a
process of its own with a time bound."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

from bench.system import ROOT
from model import artifact
from training.data import Example
from training.train import Progress, train

__all__ = ["scaled_fits", "train_corpus"]


def train_corpus(examples: list[Example], models_dir: Path, *, folds: int) -> dict:
    """Train the model the other benchmarks use, timing it; marks it current."""
    start = time.perf_counter()
    _, manifest = train(examples, models_dir=models_dir, folds=folds, report=False,
                        progress=Progress(quiet=True))
    seconds = time.perf_counter() - start
    artifact.set_current(models_dir, manifest["version"])
    return {"folds": folds, "examples": manifest["training_data"]["n_train"],
            "seconds": round(seconds, 1)}


def scaled_fits(factors: tuple[int, ...], *, bound_seconds: float,
                skipped: dict[int, str]) -> list[dict]:
    """One pipeline fit per factor in a child process, stopped at ``bound_seconds``."""
    out = []
    for factor in factors:
        if factor in skipped:
            out.append({"factor": factor, "status": "skipped", "reason": skipped[factor]})
            continue
        cmd = [sys.executable, "-m", "bench.fit", "--factor", str(factor)]
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                  timeout=bound_seconds, check=True)
        except subprocess.TimeoutExpired:
            out.append({"factor": factor, "status": "stopped",
                        "reason": f"still fitting after the {bound_seconds:.0f} s bound",
                        "seconds": round(time.perf_counter() - start, 1)})
            continue
        except subprocess.CalledProcessError as exc:
            out.append({"factor": factor, "status": "failed", "reason": exc.stderr[-500:]})
            continue
        out.append({"status": "done", **json.loads(done.stdout.strip().splitlines()[-1])})
    _project(out)
    return out


def _project(fits: list[dict]) -> None:
    """For a fit stopped at the bound, the time the growth between the two largest
    finished fits predicts (a power law in the number of examples)."""
    done = [f for f in fits if f["status"] == "done"]
    if len(done) < 2:
        return
    small, large = done[-2], done[-1]
    exponent = math.log(large["seconds"] / small["seconds"]) / math.log(
        large["examples"] / small["examples"])
    for f in fits:
        if f["status"] == "stopped":
            ratio = f["factor"] / large["factor"]
            f["growth_exponent"] = round(exponent, 2)
            f["projected_seconds"] = round(large["seconds"] * ratio ** exponent)
