"""The promotion gate: a new model version replaces the current one only if it is not worse.

Both models are scored on the project's fixed held-out split and on the most recent
held-out moderator feedback (feedback rows whose id falls in the held-out hash range never
train, so they can judge). The new version is promoted when, on every evaluation set both
models can be scored on, its macro-F1 and its abusive recall are at least the current
model's minus a tolerance; ``force`` promotes regardless. The decision, with both models'
figures, is written next to the new version (``promotion.json``) and appended to
``<models>/promotions.jsonl``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from model import artifact
from model.labels import LABELS
from training.data import Example
from training.metrics import classification_report

__all__ = ["GateDecision", "decide", "score"]

GATED_METRICS = ("macro_f1", "abusive_recall")


def score(moderator, examples: list[Example]) -> dict | None:
    """Macro-F1 and abusive recall of a model on labelled examples (None if no examples)."""
    if not examples:
        return None
    proba = moderator.predict_proba([e.text for e in examples])
    y = [e.label for e in examples]
    rep = classification_report(y, [LABELS[i] for i in np.argmax(proba, axis=1)], proba)
    return {"n": len(examples), "macro_f1": rep["macro_f1"],
            "abusive_recall": rep["per_class"]["abusive"]["recall"]}


@dataclass
class GateDecision:
    """What the gate decided about a new version, and why."""

    version: str
    current: str | None
    promoted: bool
    forced: bool
    tolerance: float
    reasons: list[str]
    figures: dict = field(default_factory=dict)
    decided_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))

    def record(self, models_dir: Path) -> None:
        line = json.dumps(asdict(self), ensure_ascii=False)
        (models_dir / self.version / "promotion.json").write_text(line + "\n", encoding="utf-8")
        with open(models_dir / "promotions.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def render(self) -> str:
        lines = [f"promotion gate: {'PROMOTED' if self.promoted else 'REFUSED'} "
                 f"{self.version} (current: {self.current or 'none'}"
                 f"{', forced' if self.forced else ''}, tolerance {self.tolerance})"]
        for name, pair in self.figures.items():
            new, cur = pair["new"], pair["current"]
            lines.append(f"  {name} (n {new['n']}): new macro-F1 {new['macro_f1']:.3f} "
                         f"abusive recall {new['abusive_recall']:.3f} | current "
                         + (f"macro-F1 {cur['macro_f1']:.3f} abusive recall "
                            f"{cur['abusive_recall']:.3f}" if cur else "n/a"))
        lines += [f"  - {r}" for r in self.reasons]
        return "\n".join(lines)


def decide(new, current, evaluation_sets: dict[str, list[Example]], *, tolerance: float = 0.01,
           force: bool = False) -> GateDecision:
    """Compare ``new`` with ``current`` (both :class:`~model.predictor.Moderator`, current
    may be None) on each evaluation set and decide."""
    figures, reasons, worse = {}, [], False
    for name, examples in evaluation_sets.items():
        new_fig = score(new, examples)
        if new_fig is None:
            reasons.append(f"{name}: no examples, not compared")
            continue
        cur_fig = score(current, examples) if current is not None else None
        figures[name] = {"new": new_fig, "current": cur_fig}
        if cur_fig is None:
            continue
        for metric in GATED_METRICS:
            if new_fig[metric] < cur_fig[metric] - tolerance:
                worse = True
                reasons.append(f"{name}: {metric} {new_fig[metric]:.3f} < current "
                               f"{cur_fig[metric]:.3f} - {tolerance}")
    if current is None:
        reasons.append("no current model: the first version is promoted")
    elif not worse:
        reasons.append("not worse than the current model on any gated metric")
    if force and worse:
        reasons.append("forced: promoted despite the figures above")
    return GateDecision(new.version, current.version if current else None,
                        promoted=force or not worse, forced=force, tolerance=tolerance,
                        reasons=reasons, figures=figures)


def apply(decision: GateDecision, models_dir: Path) -> None:
    """Record the decision and, if promoted, point ``current`` at the new version."""
    decision.record(models_dir)
    if decision.promoted:
        artifact.set_current(models_dir, decision.version)
