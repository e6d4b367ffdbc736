"""``python -m bench``: latency, throughput, memory and training cost, in one report.

Steps: train the model on the corpus (timed) unless ``--models-dir`` names one; measure
model load and the per-comment cost of the pipeline, of ``classify`` and of explanations
in process; start the service under gunicorn on 127.0.0.1 and load it with wrk (or the
Python client when wrk is not installed); time single fits on the corpus scaled 1x, 10x
and 100x (bounded). Prints a Markdown report and writes JSON (medians of ``--runs``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import inprocess, report, service_load, system, training_cost
from bench.load import wrk_available
from model import artifact
from model.predictor import Moderator
from training.data import load_examples

__all__ = ["main"]

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="short run: fewer texts, 3 s loads, 2-fold training, no 100x fit")
    p.add_argument("--runs", type=int, help="repetitions per measure (default 3, quick 1)")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON,
                   help=f"where to write the results (default {DEFAULT_JSON})")
    p.add_argument("--models-dir", type=Path,
                   help="use the current model there instead of training one (training "
                        "time is then not measured)")
    p.add_argument("--seconds", type=float, help="length of each load run (default 10, quick 3)")
    p.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    p.add_argument("--load-tool", choices=("auto", "wrk", "python"), default="auto",
                   help="load generator (auto: wrk when installed, else the Python client)")
    p.add_argument("--skip", action="append", default=[],
                   choices=("inprocess", "language", "http", "training"),
                   help="leave out a part (repeatable)")
    p.add_argument("--fit-bound", type=float, default=900,
                   help="seconds after which a scaled fit is stopped (default 900)")
    return p


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _model(args, examples, workdir: Path, results: dict) -> Path:
    if args.models_dir:
        return args.models_dir
    models_dir = workdir / "models"
    folds = 2 if args.quick else 5
    _say(f"training the model on the corpus ({folds}-fold CV + final fit)")
    results["training"]["corpus"] = training_cost.train_corpus(examples, models_dir,
                                                               folds=folds)
    return models_dir


def run(args) -> dict:
    runs = args.runs or (1 if args.quick else 3)
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    results: dict = {"machine": system.machine(),
                     "config": {"runs": runs, "quick": args.quick, "load_seconds": seconds,
                                "wrk": wrk_available()},
                     "training": {}}
    examples = load_examples()
    texts = inprocess.corpus_texts(examples)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        models_dir = _model(args, examples, workdir, results)
        directory = artifact.resolve(models_dir)
        manifest = artifact.load_manifest(directory)
        results["model"] = {"version": manifest["version"],
                            "file_mb": round(manifest["artifact"]["bytes"] / 2**20, 2),
                            "load": inprocess.load_time(models_dir, max(runs, 3))}
        if "inprocess" not in args.skip:
            _say("pipeline costs in process")
            model = Moderator.load(models_dir)
            results["pipeline"] = inprocess.pipeline_costs(model, texts, runs=runs,
                                                           quick=args.quick)
        if "language" not in args.skip:
            _say("language detection")
            results["language"] = inprocess.language_quality(examples, texts, runs=runs,
                                                             quick=args.quick)
        if "http" not in args.skip:
            _say("HTTP load on 127.0.0.1")
            results["http"] = service_load.run_scenarios(
                models_dir, workdir, texts, runs=runs, seconds=seconds, tool=args.load_tool,
                workers=args.workers)
    if "training" not in args.skip:
        skipped = {100: "--quick"} if args.quick else {}
        _say("scaled training fits (1x, 10x, 100x)")
        results["training"]["scaled"] = training_cost.scaled_fits(
            (1, 10, 100), bound_seconds=args.fit_bound, skipped=skipped)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = report.targets(results)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.runs is not None and args.runs < 1:
        _parser().error("--runs must be at least 1")
    start = time.perf_counter()
    results = run(args)
    results["config"]["total_seconds"] = round(time.perf_counter() - start, 1)
    report.write_json(results, args.json)
    print(report.markdown(results))
    _say(f"results written to {args.json} in {results['config']['total_seconds']} s")
    return 0
