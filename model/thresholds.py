"""Precision/recall tables over thresholds, ORES-style queries, and the action policy.

Training builds a :class:`ThresholdTable` per label from cross-validated probabilities and
derives the :class:`Policy` from the abusive table: ``reject`` from the lowest threshold
whose precision reaches a target, ``review`` from the highest threshold whose recall still
reaches a target, plus a band where the model is unsure of any label.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["METRICS", "Policy", "QueryError", "ThresholdTable", "parse_query"]

METRICS = ("precision", "recall", "f1", "fpr", "match_rate", "filter_rate")
GRID = tuple(round(t, 3) for t in np.arange(0.01, 1.0, 0.01))
_QUERY = re.compile(
    r"^\s*(?P<goal>maximum|minimum)\s+(?P<target>\w+)\s*@\s*(?P<metric>\w+)\s*"
    r"(?P<op>>=|<=)\s*(?P<value>[0-9]*\.?[0-9]+)\s*$", re.IGNORECASE)


class QueryError(ValueError):
    """A threshold query that cannot be parsed or answered."""


@dataclass(frozen=True)
class Query:
    goal: str
    target: str
    metric: str
    op: str
    value: float


def parse_query(text: str) -> Query:
    """Parse ``"maximum recall @ precision >= 0.9"`` (metrics: see ``METRICS``)."""
    m = _QUERY.match(text or "")
    if not m:
        raise QueryError("query must look like 'maximum recall @ precision >= 0.9' "
                         f"(goal maximum|minimum, metrics {', '.join(METRICS)}, op >= or <=)")
    q = Query(m["goal"].lower(), m["target"].lower(), m["metric"].lower(), m["op"],
              float(m["value"]))
    for name in (q.target, q.metric):
        if name not in METRICS:
            raise QueryError(f"unknown metric {name!r}; use one of {', '.join(METRICS)}")
    return q


@dataclass(frozen=True)
class ThresholdTable:
    """Binary one-label-vs-rest metrics at each threshold of a fixed grid."""

    label: str
    rows: tuple[dict, ...]

    @classmethod
    def from_scores(cls, label: str, y_true: np.ndarray, scores: np.ndarray) -> ThresholdTable:
        """Build the table from true binary labels and the label's probabilities."""
        y_true = np.asarray(y_true, dtype=bool)
        scores = np.asarray(scores, dtype=float)
        pos, n = int(y_true.sum()), len(y_true)
        rows = []
        for t in GRID:
            pred = scores >= t
            tp = int((pred & y_true).sum())
            fp = int((pred & ~y_true).sum())
            npred = tp + fp
            precision = tp / npred if npred else 1.0
            recall = tp / pos if pos else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            rows.append({"threshold": t, "precision": round(precision, 4),
                         "recall": round(recall, 4), "f1": round(f1, 4),
                         "fpr": round(fp / (n - pos), 4) if n - pos else 0.0,
                         "match_rate": round(npred / n, 4) if n else 0.0,
                         "filter_rate": round(1 - npred / n, 4) if n else 0.0,
                         "support": npred})
        return cls(label, tuple(rows))

    @classmethod
    def from_dict(cls, data: dict) -> ThresholdTable:
        return cls(data["label"], tuple(data["rows"]))

    def to_dict(self) -> dict:
        return {"label": self.label, "rows": list(self.rows)}

    def answer(self, query: str | Query) -> dict | None:
        """The table row that answers an ORES-style query, or ``None`` if no row qualifies.

        ``maximum recall @ precision >= 0.9`` returns the row with the highest recall among
        the rows whose precision is at least 0.9 (ties: the lowest threshold).
        """
        q = parse_query(query) if isinstance(query, str) else query
        ok = [r for r in self.rows
              if (r[q.metric] >= q.value if q.op == ">=" else r[q.metric] <= q.value)]
        if not ok:
            return None
        pick = max if q.goal == "maximum" else min
        best = pick(r[q.target] for r in ok)
        return min((r for r in ok if r[q.target] == best), key=lambda r: r["threshold"])


@dataclass(frozen=True)
class Policy:
    """When to approve, review or reject a comment, from its calibrated probabilities.

    ``reject`` when P(abusive) >= ``reject_at``; ``review`` when P(abusive) >= ``review_at``
    or when no label reaches ``uncertain_below``; ``approve`` otherwise.
    """

    reject_at: float
    review_at: float
    uncertain_below: float = 0.5
    reject_precision_target: float = 0.95
    review_recall_target: float = 0.95

    @classmethod
    def from_table(cls, table: ThresholdTable, *, precision_target: float = 0.95,
                   recall_target: float = 0.95, uncertain_below: float = 0.5) -> Policy:
        """Derive the policy from the abusive table (ORES's way of choosing thresholds)."""
        reject = next((r["threshold"] for r in table.rows
                       if r["precision"] >= precision_target and r["support"] > 0), 1.0)
        review_rows = [r["threshold"] for r in table.rows if r["recall"] >= recall_target]
        review = min(max(review_rows) if review_rows else GRID[0], reject)
        return cls(reject, review, uncertain_below, precision_target, recall_target)

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)

    def decide(self, scores: dict[str, float]) -> tuple[str, list[str]]:
        """The action for one comment and the reasons behind it."""
        p = scores["abusive"]
        if p >= self.reject_at:
            return "reject", [f"P(abusive)={p:.2f} >= reject threshold {self.reject_at:.2f} "
                              f"(precision >= {self.reject_precision_target:.2f})"]
        reasons = []
        if p >= self.review_at:
            reasons.append(f"P(abusive)={p:.2f} >= review threshold {self.review_at:.2f} "
                           f"(recall >= {self.review_recall_target:.2f})")
        top = max(scores.values())
        if top < self.uncertain_below:
            reasons.append(f"uncertain: highest probability {top:.2f} < {self.uncertain_below:.2f}")
        if reasons:
            return "review", reasons
        return "approve", [f"P(abusive)={p:.2f} < review threshold {self.review_at:.2f}"]
