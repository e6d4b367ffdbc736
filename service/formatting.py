"""Domain results -> JSON bodies (the wire contract lives here)."""

from __future__ import annotations

from collections import Counter

from model.labels import LABELS
from model.predictor import Moderator, Prediction

__all__ = ["model_ref", "result", "thread_summary"]

#: How many comments the thread summary lists under "review_first".
REVIEW_FIRST = 10


def model_ref(model: Moderator) -> dict:
    return {"name": model.name, "version": model.version}


def result(prediction: Prediction, comment_id) -> dict:
    """One comment's result. ``id``, ``label``, ``scores``, ``action`` and ``language`` (a
    code) are the skeleton's contract and never change; the rest was added later."""
    body = {
        "id": comment_id,
        "label": prediction.label,
        "scores": {k: round(v, 6) for k, v in prediction.scores.items()},
        "action": prediction.action,
        "language": prediction.language.code,
        "confidence": prediction.confidence,
        "priority": prediction.priority,
        "language_details": prediction.language.to_dict(),
        "reasons": prediction.reasons,
    }
    if prediction.explanation is not None:
        body["explanation"] = [span.to_dict() for span in prediction.explanation]
    return body


def thread_summary(comments, predictions: list[Prediction]) -> dict:
    """Counts per label, share of abuse, comments to review first, replies to abuse."""
    labels = Counter(p.label for p in predictions)
    by_id = {c.id: p for c, p in zip(comments, predictions)}
    queue = sorted((c for c, p in zip(comments, predictions) if p.action != "approve"),
                   key=lambda c: -by_id[c.id].priority)
    replies = [{"id": c.id, "parent_id": c.parent_id, "label": by_id[c.id].label}
               for c in comments
               if c.parent_id is not None and by_id[c.parent_id].label == "abusive"]
    return {
        "counts": {label: labels.get(label, 0) for label in LABELS},
        "total": len(predictions),
        "abusive_share": round(labels.get("abusive", 0) / len(predictions), 4),
        "actions": dict(Counter(p.action for p in predictions)),
        "review_first": [{"id": c.id, "priority": by_id[c.id].priority,
                          "action": by_id[c.id].action} for c in queue[:REVIEW_FIRST]],
        "replies_to_abusive": replies,
    }
