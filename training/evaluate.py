"""The ``moderation-evaluate`` command: score a trained model on any labelled JSONL file.

Rows need ``text`` and ``label``; ``lang``, ``tags`` and ``orig_label`` (a source's own
label, e.g. a HateCheck functionality ``derog_neg_emote_h|hateful``) are used for the
breakdowns. Prints macro-F1, per-class precision/recall/F1, the confusion matrix, the
abusive-vs-rest ROC AUC and accuracy, and the breakdowns by language and by tag or
functionality; ``--json`` prints the whole report as JSON instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.errors import ModelLoadError
from model.labels import LABELS
from training.data import DataError, Example, load_file
from training.metrics import breakdown, classification_report
from training.train import DEFAULT_MODELS_DIR

__all__ = ["evaluate", "main"]


def functionality(example: Example) -> list[str]:
    """Breakdown keys of a row: its tags, or the functionality part of ``orig_label``."""
    keys = list(example.tags)
    orig = example.extra.get("orig_label")
    if isinstance(orig, str) and orig:
        keys.append(orig.split("|")[0])
    return keys


def evaluate(moderator, examples: list[Example], *, batch: int = 512) -> dict:
    """The evaluation report of a loaded model on labelled examples."""
    import numpy as np

    texts = [e.text for e in examples]
    proba = np.vstack([moderator.predict_proba(texts[i:i + batch])
                       for i in range(0, len(texts), batch)])
    y = [e.label for e in examples]
    pred = [LABELS[i] for i in proba.argmax(axis=1)]
    return {
        "model": {"name": moderator.name, "version": moderator.version},
        "overall": classification_report(y, pred, proba),
        "by_language": breakdown([[e.lang or "unknown"] for e in examples], y, pred, proba),
        "by_tag": breakdown([functionality(e) for e in examples], y, pred, proba),
    }


def render(report: dict, name: str) -> str:
    """The human-readable report."""
    o = report["overall"]
    lines = [f"{name}: {o['n']} rows, model {report['model']['version']}",
             f"macro-F1 {o['macro_f1']:.3f}  accuracy {o['accuracy']:.3f}  "
             f"abusive-vs-rest accuracy {o['abusive_vs_rest_accuracy']:.3f}"
             + (f"  abusive ROC AUC {o['abusive_roc_auc']:.3f}" if "abusive_roc_auc" in o else ""),
             "", f"{'label':<13} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for label, m in o["per_class"].items():
        lines.append(f"{label:<13} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} "
                     f"{m['support']:>8}")
    lines += ["", "confusion (rows true, columns predicted): " + " / ".join(LABELS)]
    lines += [f"  {label:<13} {row}" for label, row in zip(LABELS, o["confusion"]["matrix"])]
    for title, block in (("by language", report["by_language"]),
                         ("by tag / functionality", report["by_tag"])):
        lines += ["", f"{title}: n, macro-F1, abusive-vs-rest accuracy"]
        for key, m in block.items():
            lines.append(f"  {key:<32} {m['n']:>6} {m['macro_f1']:>7.3f} "
                         f"{m['abusive_vs_rest_accuracy']:>7.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    p = argparse.ArgumentParser(prog="moderation-evaluate", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, required=True, action="append", metavar="FILE",
                   help="labelled JSONL or CSV file; repeatable")
    p.add_argument("--model", type=Path, default=DEFAULT_MODELS_DIR,
                   help="model version directory or models directory (default: current)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)
    from model.predictor import Moderator

    try:
        moderator = Moderator.load(args.model)
        reports = {str(path): evaluate(moderator, load_file(path)) for path in args.data}
    except (ModelLoadError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else next(iter(reports.values())),
                         indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(render(r, name) for name, r in reports.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
