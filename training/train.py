"""The ``moderation-train`` command: fit, cross-validate, choose thresholds, write a version.

Steps (each announced on stderr with its duration):

1. read the labelled sources (moderator feedback, extra files, the corpus, the seeds) and
   drop duplicate texts (the first source wins), then set the fixed held-out split aside;
2. stratified cross-validated probabilities on the training part: per-class metrics,
   calibration (ECE, reliability tables) and precision/recall tables over thresholds, from
   which the action policy is derived;
3. fit the pipeline on the whole training part and score the held-out split;
4. write ``<models>/<version>/`` (artifact, manifest, model card, report figure) and hand
   the new version to the promotion gate (:mod:`training.gate`).

Sources and their precedence are described in :mod:`training.sources`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from model import artifact
from model.labels import LABELS
from model.pipeline import build_pipeline
from model.thresholds import Policy, ThresholdTable
from training.data import PROJECT_ROOT, DataError, Example, split
from training.metrics import breakdown, calibration, classification_report

__all__ = ["cross_validate", "main", "train"]

DEFAULT_MODELS_DIR = PROJECT_ROOT / "var" / "models"
#: Third-party evaluation files (measuring only); the model card reports them when present.
DEFAULT_EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


class Progress:
    """Announces long steps on a stream, with their duration."""

    def __init__(self, stream=sys.stderr, *, quiet: bool = False) -> None:
        self.stream, self.quiet = stream, quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def step(self, message: str):
        start = time.perf_counter()
        self.say(f"[train] {message} ...")
        yield
        self.say(f"[train] {message}: done in {time.perf_counter() - start:.1f} s")


def examples_sha256(examples: list[Example]) -> str:
    """A hash of exactly what the model learns from (text, label), order included."""
    h = hashlib.sha256()
    for e in examples:
        h.update(json.dumps([e.text, e.label], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def counts(examples: list[Example]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter] = {}
    for e in examples:
        out.setdefault(e.lang or "unknown", Counter())[e.label] += 1
    return {lang: {label: c[label] for label in LABELS} for lang, c in sorted(out.items())}


def cross_validate(examples: list[Example], *, folds: int = 5, seed: int = 0,
                   progress: Progress | None = None, **params) -> np.ndarray:
    """Out-of-fold probabilities (columns in ``LABELS`` order) from stratified K folds."""
    texts = [e.text for e in examples]
    y = np.array([e.label for e in examples])
    proba = np.zeros((len(examples), len(LABELS)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    template = build_pipeline(seed=seed, **params)
    for n, (tr, te) in enumerate(splitter.split(texts, y), start=1):
        if progress:
            progress.say(f"[train]   fold {n}/{folds}")
        model = clone(template).fit([texts[i] for i in tr], y[tr])
        order = [list(model.classes_).index(c) for c in LABELS]
        proba[te] = model.predict_proba([texts[i] for i in te])[:, order]
    return proba


def predictions(proba: np.ndarray) -> list[str]:
    return [LABELS[i] for i in proba.argmax(axis=1)]


def evaluate_split(examples: list[Example], proba: np.ndarray) -> dict:
    """Overall metrics plus breakdowns by language and by tag."""
    y = [e.label for e in examples]
    pred = predictions(proba)
    return {
        "overall": classification_report(y, pred, proba),
        "by_language": breakdown([[e.lang or "unknown"] for e in examples], y, pred, proba),
        "by_tag": breakdown([list(e.tags) for e in examples], y, pred, proba),
    }


def train(examples: list[Example], *, models_dir: Path, folds: int = 5, seed: int = 0,
          precision_target: float = 0.95, recall_target: float = 0.95,
          sources: list[dict] | None = None, progress: Progress | None = None,
          report: bool = True, **params) -> tuple[Path, dict]:
    """Train and write a new model version; returns its directory and manifest."""
    progress = progress or Progress()
    train_set, held_out = split(examples)
    if len({e.label for e in train_set}) < len(LABELS):
        raise DataError(f"training needs examples of every label {LABELS}; got "
                        f"{dict(Counter(e.label for e in train_set))}")
    y = [e.label for e in train_set]
    with progress.step(f"cross-validation ({folds} folds, {len(train_set)} examples)"):
        oof = cross_validate(train_set, folds=folds, seed=seed, progress=progress, **params)
    cv = evaluate_split(train_set, oof)
    cv["calibration"] = calibration(y, oof)
    tables = {label: ThresholdTable.from_scores(label, np.array(y) == label, oof[:, k])
              for k, label in enumerate(LABELS)}
    policy = Policy.from_table(tables["abusive"], precision_target=precision_target,
                               recall_target=recall_target)
    with progress.step("final fit on the training split"):
        pipeline = build_pipeline(seed=seed, **params).fit([e.text for e in train_set], y)
    held = None
    if held_out:
        with progress.step(f"held-out evaluation ({len(held_out)} examples)"):
            order = [list(pipeline.classes_).index(c) for c in LABELS]
            proba = pipeline.predict_proba([e.text for e in held_out])[:, order]
            held = evaluate_split(held_out, proba)
            held["calibration"] = calibration([e.label for e in held_out], proba)
    version = artifact.new_version()
    manifest = {
        "name": "comment-moderation", "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": list(LABELS),
        "params": {"folds": folds, "seed": seed, **params},
        "training_data": {"sha256": examples_sha256(train_set), "sources": sources or [],
                          "train_counts": counts(train_set),
                          "held_out_counts": counts(held_out),
                          "n_train": len(train_set), "n_held_out": len(held_out)},
        "metrics": {"cross_validation": cv, "held_out": held},
        "thresholds": {label: t.to_dict() for label, t in tables.items()},
        "policy": policy.to_dict(),
    }
    directory = models_dir / version
    with progress.step(f"writing {directory}"):
        manifest = artifact.save(pipeline, manifest, directory)
        if report:
            from training.report import write_model_card, write_report_figure

            write_report_figure(directory / "report.png", y, oof, tables)
            write_model_card(directory / "model_card.md", manifest)
    return directory, manifest


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="moderation-train", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, action="append", default=[], metavar="FILE",
                   help="extra labelled JSONL or CSV file (text,label[,lang,id,tags]); "
                        "repeatable; wins over the corpus for duplicate texts")
    p.add_argument("--no-default-data", action="store_true",
                   help="do not read the project's seed set and corpus")
    p.add_argument("--feedback-db", metavar="PATH_OR_URL",
                   default=os.environ.get("MODERATION_FEEDBACK_DB"),
                   help="moderator feedback store to learn from (SQLite path or "
                        "postgresql:// URL; default $MODERATION_FEEDBACK_DB); its decisions "
                        "win over every other source")
    p.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR,
                   help=f"where model versions live (default {DEFAULT_MODELS_DIR})")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision-target", type=float, default=0.95,
                   help="precision of the reject threshold (default 0.95)")
    p.add_argument("--recall-target", type=float, default=0.95,
                   help="abusive recall kept by the review threshold (default 0.95)")
    p.add_argument("--tolerance", type=float, default=0.01,
                   help="promotion gate: how much worse a metric may be (default 0.01)")
    p.add_argument("--recent-feedback", type=int, default=500,
                   help="promotion gate: how many recent held-out feedback rows to compare "
                        "on (default 500)")
    gate = p.add_mutually_exclusive_group()
    gate.add_argument("--force", action="store_true",
                      help="promote the new version even if the gate finds it worse")
    gate.add_argument("--no-promote", action="store_true",
                      help="write the new version but never promote it")
    p.add_argument("--if-missing", action="store_true",
                   help="do nothing if the models directory already has a usable current "
                        "model")
    p.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR,
                   help="third-party labelled JSONL files to measure the new version on and "
                        "report in its model card, never trained on (default ../shared/eval; "
                        "skipped when absent)")
    p.add_argument("--no-external", action="store_true",
                   help="do not measure on --eval-dir")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    return p


def _usable_current(models_dir: Path) -> bool:
    """Whether ``current`` names a model this installation can load (hash, versions,
    probe); an unusable one (e.g. built by other library versions) is reported."""
    from model.errors import ModelLoadError
    from model.predictor import Moderator

    if not artifact.current_version(models_dir):
        return False
    try:
        model = Moderator.load(models_dir)
    except ModelLoadError as exc:
        print(f"current model is not usable ({exc}); training a new one")
        return False
    print(f"model {model.version} already built in {models_dir}; nothing to do")
    return True


def _check_args(p: argparse.ArgumentParser, args) -> None:
    if args.folds < 2:
        p.error("--folds must be at least 2")
    for name in ("precision_target", "recall_target"):
        if not 0 < getattr(args, name) <= 1:
            p.error(f"--{name.replace('_', '-')} must be in (0, 1]")
    if not 0 <= args.tolerance < 1:
        p.error("--tolerance must be in [0, 1)")
    if args.recent_feedback < 1:
        p.error("--recent-feedback must be at least 1")
    if args.no_default_data and not args.data and not args.feedback_db:
        p.error("--no-default-data needs --data or --feedback-db")


def _open_feedback(url: str | None):
    if not url:
        return None
    from service.feedback_store import open_store

    return open_store(url)


def gate_sets(examples: list[Example], *, recent: int) -> dict[str, list[Example]]:
    """The project's fixed held-out split and the most recent held-out feedback."""
    from training.sources import collect, deduplicate

    held_out = split(deduplicate(collect()))[1]
    feedback = [e for e in split(examples)[1] if e.source == "feedback"]
    feedback.sort(key=lambda e: e.extra.get("feedback_id", 0), reverse=True)
    return {"held_out": held_out, "recent_feedback": feedback[:recent]}


def promote(new, examples: list[Example], args) -> int:
    """Run the promotion gate on a freshly written version (loaded as a
    :class:`~model.predictor.Moderator`); print and record the decision."""
    from model.errors import ModelLoadError
    from model.predictor import Moderator
    from training.gate import apply, decide

    try:
        current = (Moderator.load(args.models_dir)
                   if artifact.current_version(args.models_dir) else None)
    except ModelLoadError as exc:
        print(f"current model cannot be loaded ({exc}); comparing against nothing")
        current = None
    decision = decide(new, current, gate_sets(examples, recent=args.recent_feedback),
                      tolerance=args.tolerance, force=args.force)
    if args.no_promote:
        decision.promoted = False
        decision.reasons.append("--no-promote: written, not promoted")
    apply(decision, args.models_dir)
    print(decision.render())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    from training.sources import collect, deduplicate
    from training.sources import summary as sources_summary

    p = _parser()
    args = p.parse_args(argv)
    _check_args(p, args)
    if args.if_missing and _usable_current(args.models_dir):
        return 0
    progress = Progress(quiet=args.quiet)
    try:
        store = _open_feedback(args.feedback_db)
        try:
            sources = collect(feedback_store=store, extra_files=args.data,
                              defaults=not args.no_default_data)
        finally:
            if store is not None:
                store.close()
        examples = deduplicate(sources)
        if not examples:
            raise DataError("no labelled examples to train on")
        print(sources_summary(sources))
        directory, manifest = train(examples, models_dir=args.models_dir, folds=args.folds,
                                    seed=args.seed, precision_target=args.precision_target,
                                    recall_target=args.recall_target,
                                    sources=[s.report() for s in sources], progress=progress)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from service.feedback_store import FeedbackError

        if not isinstance(exc, FeedbackError):
            raise
        print(f"error: feedback store: {exc}", file=sys.stderr)
        return 2
    print(summary(manifest, directory))
    from model.predictor import Moderator

    new = Moderator.load(directory, probe=True)
    status = promote(new, examples, args)
    if not args.no_external:
        measure_external(new, args.eval_dir, progress)
    return status


def measure_external(moderator, eval_dir: Path, progress: Progress) -> dict | None:
    """Measure a new version (a loaded :class:`~model.predictor.Moderator`) on third-party
    files and add the table to its model card.

    Measuring only: these files never reach training. Nothing happens when ``eval_dir``
    holds no ``*.jsonl`` file (as in the Docker image). It runs after promotion and never
    fails training: a file that cannot be read is reported as a warning.
    """
    from training.external import measure, render, update_card

    try:
        if not eval_dir.is_dir() or not any(eval_dir.glob("*.jsonl")):
            return None
        with progress.step(f"third-party evaluation ({eval_dir})"):
            reports = measure(moderator, eval_dir)
            update_card(moderator, reports)
    except (DataError, OSError, ValueError) as exc:
        print(f"warning: third-party evaluation skipped: {exc}", file=sys.stderr)
        return None
    print("third-party evaluation (measuring only, in the model card):\n" + render(reports))
    return reports


def summary(manifest: dict, directory: Path) -> str:
    """A short human summary of a trained version."""
    cv = manifest["metrics"]["cross_validation"]
    lines = [f"model {manifest['version']} written to {directory}",
             f"cross-validated macro-F1 {cv['overall']['macro_f1']:.3f}, "
             f"ECE {cv['calibration']['ece_mean_over_classes']:.3f}"]
    for label, m in cv["overall"]["per_class"].items():
        lines.append(f"  {label:<13} P {m['precision']:.3f}  R {m['recall']:.3f}  "
                     f"F1 {m['f1']:.3f}  n {m['support']}")
    held = manifest["metrics"]["held_out"]
    if held:
        lines.append(f"held-out macro-F1 {held['overall']['macro_f1']:.3f}")
        for lang, m in held["by_language"].items():
            lines.append(f"  {lang}: macro-F1 {m['macro_f1']:.3f} (n {m['n']})")
    pol = manifest["policy"]
    lines.append(f"policy: reject at P(abusive) >= {pol['reject_at']}, review at >= "
                 f"{pol['review_at']} or top probability < {pol['uncertain_below']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
