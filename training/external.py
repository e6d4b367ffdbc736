"""Measure a model on the third-party evaluation files (``../shared/eval``): measuring only.

``python -m training.external [--model PATH] [--eval-dir DIR] [--json]`` prints, for every
file, macro-F1 (where several classes are present), abusive recall, abusive-vs-rest
accuracy and, for the HateCheck suites, abusive-vs-rest accuracy per functionality. Those
texts are never read by training and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.errors import ModelLoadError
from training.data import load_file
from training.evaluate import evaluate
from training.train import DEFAULT_EVAL_DIR, DEFAULT_MODELS_DIR

__all__ = ["main", "measure", "render", "update_card"]


def measure(moderator, eval_dir: Path) -> dict:
    """Evaluation reports of every non-empty ``*.jsonl`` file of ``eval_dir``, by file stem."""
    files = {path.stem: load_file(path) for path in sorted(eval_dir.glob("*.jsonl"))}
    return {name: evaluate(moderator, rows) for name, rows in files.items() if rows}


def update_card(moderator, reports: dict) -> Path:
    """Rewrite a model version's card with the third-party table; returns the card's path."""
    from training.report import write_model_card

    card = moderator.directory / "model_card.md"
    write_model_card(card, moderator.manifest, external=reports)
    return card


def render(reports: dict) -> str:
    lines = ["| file | n | macro-F1 | abusive recall | abusive-vs-rest accuracy | "
             "weakest functionality |", "|---|---|---|---|---|---|"]
    for name, r in reports.items():
        o = r["overall"]
        several = len([c for c, m in o["per_class"].items() if m["support"]]) > 1
        funcs = {k: v["abusive_vs_rest_accuracy"] for k, v in r["by_tag"].items()}
        weakest = min(funcs, key=funcs.get) if funcs else None
        lines.append(f"| {name} | {o['n']} | {o['macro_f1']:.3f}{'' if several else ' (one class)'}"
                     f" | {o['per_class']['abusive']['recall']:.3f} | "
                     f"{o['abusive_vs_rest_accuracy']:.3f} | "
                     + (f"{weakest} {funcs[weakest]:.3f}" if weakest else "-") + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.external",
                                description=__doc__.split("\n")[0])
    p.add_argument("--model", type=Path, default=DEFAULT_MODELS_DIR)
    p.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    p.add_argument("--json", action="store_true", help="print every report as JSON")
    p.add_argument("--update-card", action="store_true",
                   help="also write the table into the model version's model_card.md")
    args = p.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"error: no evaluation directory at {args.eval_dir}", file=sys.stderr)
        return 2
    from model.predictor import Moderator

    try:
        moderator = Moderator.load(args.model)
    except ModelLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    reports = measure(moderator, args.eval_dir)
    print(json.dumps(reports, indent=2) if args.json else render(reports))
    if args.update_card:
        print(f"model card updated: {update_card(moderator, reports)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
