"""Classification metrics, calibration error and reliability tables."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

from model.labels import LABELS

__all__ = ["breakdown", "calibration", "classification_report", "confusion"]


def confusion(y_true: list[str], y_pred: list[str]) -> dict:
    """The confusion matrix over every label (rows: true label, columns: predicted)."""
    return {"labels": list(LABELS),
            "matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()}


def classification_report(y_true: list[str], y_pred: list[str],
                          proba: np.ndarray | None = None) -> dict:
    """Per-class P/R/F1, macro-F1, accuracy, confusion matrix, abusive-vs-rest AUC.

    Classes absent from both ``y_true`` and ``y_pred`` are left out of the macro average.
    """
    present = [c for c in LABELS if c in set(y_true) | set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS),
                                                 zero_division=0)
    per_class = {c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                     "f1": round(float(f[i]), 4), "support": int(s[i])}
                 for i, c in enumerate(LABELS)}
    true_present = [c for c in LABELS if c in set(y_true)]
    out = {
        "n": len(y_true),
        "accuracy": round(float(np.mean(np.array(y_true) == np.array(y_pred))), 4),
        "macro_f1": round(float(np.mean([per_class[c]["f1"] for c in true_present])), 4)
        if true_present else 0.0,
        "per_class": per_class,
        "confusion": confusion(y_true, y_pred),
        "classes_present": present,
    }
    abusive_true = np.array([y == "abusive" for y in y_true])
    abusive_pred = np.array([y == "abusive" for y in y_pred])
    out["abusive_vs_rest_accuracy"] = round(float(np.mean(abusive_true == abusive_pred)), 4)
    if proba is not None and 0 < abusive_true.sum() < len(abusive_true):
        out["abusive_roc_auc"] = round(float(roc_auc_score(abusive_true,
                                                           proba[:, LABELS.index("abusive")])), 4)
    return out


def calibration(y_true: list[str], proba: np.ndarray, *, bins: int = 10) -> dict:
    """Expected calibration error per class (one-vs-rest) and of the top label,
    with a reliability table (equal-width bins)."""
    y = np.array([LABELS.index(v) for v in y_true])
    out = {}
    for k, label in enumerate(LABELS):
        out[label] = _reliability(proba[:, k], y == k, bins)
    top = proba.argmax(axis=1)
    out["top_label"] = _reliability(proba.max(axis=1), top == y, bins)
    out["ece_mean_over_classes"] = round(float(np.mean([out[c]["ece"] for c in LABELS])), 4)
    return out


def _reliability(conf: np.ndarray, hit: np.ndarray, bins: int) -> dict:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        m = idx == b
        if not m.any():
            continue
        mean_p, freq = float(conf[m].mean()), float(hit[m].mean())
        ece += m.sum() / len(conf) * abs(mean_p - freq)
        table.append({"bin": [round(edges[b], 2), round(edges[b + 1], 2)], "n": int(m.sum()),
                      "mean_predicted": round(mean_p, 4), "observed": round(freq, 4)})
    return {"ece": round(float(ece), 4), "table": table}


def breakdown(keys: list[list[str]], y_true: list[str], y_pred: list[str],
              proba: np.ndarray | None = None, *, min_n: int = 1) -> dict:
    """Metrics per group (a row may belong to several groups, e.g. its tags)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            groups[k].append(i)
    out = {}
    for k in sorted(groups):
        idx = groups[k]
        if len(idx) < min_n:
            continue
        yt, yp = [y_true[i] for i in idx], [y_pred[i] for i in idx]
        rep = classification_report(yt, yp, None if proba is None else proba[idx])
        out[k] = {"n": len(idx), "accuracy": rep["accuracy"], "macro_f1": rep["macro_f1"],
                  "abusive_vs_rest_accuracy": rep["abusive_vs_rest_accuracy"],
                  "per_class": {c: v for c, v in rep["per_class"].items() if v["support"]}}
    return out
