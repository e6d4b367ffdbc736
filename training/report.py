"""The model card (Markdown) and the report figure (PNG) written next to each artifact."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.labels import LABELS

__all__ = ["write_model_card", "write_report_figure"]


def write_report_figure(path: Path, y_true: list[str], proba: np.ndarray,
                        tables: dict) -> None:
    """Confusion matrix, precision-recall curves and reliability diagram (cross-validated)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    pred = [LABELS[i] for i in proba.argmax(axis=1)]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    cm = confusion_matrix(y_true, pred, labels=list(LABELS))
    ax = axes[0]
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(3), LABELS)
    ax.set_yticks(range(3), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(3):
        for j in range(3):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set_title("Confusion matrix (cross-validated)")
    ax = axes[1]
    for label, table in tables.items():
        rows = table.rows
        ax.plot([r["recall"] for r in rows], [r["precision"] for r in rows], label=label)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.legend()
    ax.set_title("Precision-recall over thresholds")
    ax = axes[2]
    y = np.array([LABELS.index(v) for v in y_true])
    bins = np.linspace(0, 1, 11)
    for k, label in enumerate(LABELS):
        idx = np.clip(np.digitize(proba[:, k], bins[1:-1]), 0, 9)
        xs, ys = [], []
        for b in range(10):
            m = idx == b
            if m.any():
                xs.append(proba[m, k].mean())
                ys.append((y[m] == k).mean())
        ax.plot(xs, ys, marker="o", label=label)
    ax.plot([0, 1], [0, 1], "k--", linewidth=1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.legend()
    ax.set_title("Reliability diagram")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _class_table(per_class: dict) -> list[str]:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in LABELS:
        m = per_class[label]
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
                     f"| {m['support']} |")
    return lines


def write_model_card(path: Path, manifest: dict, external: dict | None = None) -> None:
    """Write the Markdown model card of a trained version."""
    m = manifest["metrics"]
    cv, held = m["cross_validation"], m["held_out"]
    data = manifest["training_data"]
    pol = manifest["policy"]
    lines = [
        f"# Model card: {manifest['name']} {manifest['version']}", "",
        f"Created {manifest['created']}; scikit-learn {manifest['libraries']['scikit-learn']}, "
        f"Python {manifest['libraries']['python']}; artifact sha256 "
        f"`{manifest['artifact']['sha256'][:16]}...`.", "",
        "## Intended use",
        "Assisting human moderators of French and English comment threads: each comment gets "
        "calibrated probabilities for *constructive*, *critical* and *abusive*, a recommended "
        "action (approve / review / reject) and the spans that drove the decision. It sorts "
        "a queue and removes confident abuse; it is not meant to decide alone on borderline "
        "comments, on other languages, or on text types far from comments (long articles, "
        "code, chat logs).", "",
        "## Training data",
        f"{data['n_train']} training examples and {data['n_held_out']} held-out examples "
        "(fixed split by a hash of each row id), all written or labelled by the team "
        "(seed comment threads, the team's corpus) or by moderators (feedback). Training-data "
        f"sha256 `{data['sha256'][:16]}...`.", "",
        "| language | constructive | critical | abusive |", "|---|---|---|---|",
        *[f"| {lang} (train) | {c['constructive']} | {c['critical']} | {c['abusive']} |"
          for lang, c in data["train_counts"].items()], "",
        "## Metrics",
        f"Cross-validated on the training split: macro-F1 **{cv['overall']['macro_f1']:.3f}**.",
        "", *_class_table(cv["overall"]["per_class"]), "",
    ]
    if held:
        lines += [f"Held-out split: macro-F1 **{held['overall']['macro_f1']:.3f}**, "
                  f"abusive ROC AUC {held['overall'].get('abusive_roc_auc', float('nan')):.3f}.",
                  "", *_class_table(held["overall"]["per_class"]), "",
                  "Per language (held-out):", ""]
        for lang, b in held["by_language"].items():
            lines += [f"**{lang}**: macro-F1 {b['macro_f1']:.3f} (n {b['n']})", "",
                      *_class_table({c: b["per_class"].get(c, {"precision": 0, "recall": 0,
                                                                 "f1": 0, "support": 0})
                                     for c in LABELS}), ""]
    cal = cv["calibration"]
    lines += ["## Calibration",
              "Temperature scaling fitted on internal cross-validation. Expected calibration "
              "error (10 equal-width bins, one-vs-rest, cross-validated): " +
              ", ".join(f"{c} {cal[c]['ece']:.3f}" for c in LABELS) +
              f"; mean {cal['ece_mean_over_classes']:.3f}.", "",
              "## Thresholds and actions",
              f"- **reject** when P(abusive) >= {pol['reject_at']} (lowest threshold whose "
              f"cross-validated precision is >= {pol['reject_precision_target']});",
              f"- **review** when P(abusive) >= {pol['review_at']} (highest threshold keeping "
              f"abusive recall >= {pol['review_recall_target']}) or when no label reaches "
              f"{pol['uncertain_below']};",
              "- **approve** otherwise.", "",
              "The full precision/recall table per label is in `manifest.json` and served at "
              "`GET /v1/model`; ask e.g. `maximum recall @ precision >= 0.9` at "
              "`GET /v1/model/thresholds`.", ""]
    if external:
        from training.external import render

        lines += ["## Results on third-party evaluation data (measuring only)", "",
                  "Never used for training. Written by `moderation-train` when "
                  "`../shared/eval/` is present, or by `python -m training.external "
                  "--update-card` (HateCheck suites: accuracy per functionality in "
                  "`python -m training.external --json`):", "", render(external), ""]
    lines += ["## Known limitations",
              "- Trained on comments written by a small team (see Training data): unusual "
              "topics, dialects and new slang are under-represented.",
              "- Short sentences that name a protected group without attacking it (neutral or "
              "positive statements, negated hate, counter-speech that refers to hate, innocent "
              "homonyms of slurs) are flagged abusive too often: a bag of n-grams reads that a "
              "group is named better than how. HateCheck-style suites show it.",
              "- Sarcasm and implicit threats are the hardest cases; expect them in the review "
              "band rather than confidently classified.",
              "- Only French and English are supported; other languages are classified but "
              "flagged `supported: false` and should go to review.",
              "- Scores are calibrated on the team's corpus; on a different population, check "
              "the threshold table against your own moderators' decisions.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
