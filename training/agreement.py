"""Agreement between the corpus labels and a second, blind annotation of a sample.

A second annotator labels a random sample of corpus rows from their text alone, following
``seeds/LABELING.md``, without seeing the first label. The audit file holds only ids and
labels (``{"id", "label", "confident"}`` per line; the texts stay in the corpus), so it
keeps measuring the corpus as rows are re-tagged or relabelled.

``python -m training.agreement [AUDIT.jsonl]`` prints raw agreement, Cohen's kappa (overall
and per language) and the confusion matrix (rows: corpus label, columns: second label).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from model.labels import LABELS
from training.data import SEEDS_DIR, DataError, iter_jsonl, load_examples
from training.metrics import confusion

__all__ = ["DEFAULT_AUDIT", "agreement", "main", "read_audit"]

DEFAULT_AUDIT = SEEDS_DIR / "audit" / "second_annotator.jsonl"


def read_audit(path: Path) -> list[dict]:
    """The audit rows, checked: an id, an allowed label, unique ids."""
    rows, seen = [], set()
    for n, row in iter_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise DataError(f"{path}:{n}: expected an object with a string 'id'")
        if row.get("label") not in LABELS:
            raise DataError(f"{path}:{n}: 'label' must be one of {', '.join(LABELS)}")
        if not isinstance(row.get("confident", True), bool):
            raise DataError(f"{path}:{n}: 'confident' must be true or false")
        if row["id"] in seen:
            raise DataError(f"{path}:{n}: id {row['id']!r} appears twice")
        seen.add(row["id"])
        rows.append(row)
    if not rows:
        raise DataError(f"{path}: no audit rows")
    return rows


def _block(pairs: list[tuple[str, str]]) -> dict:
    """Agreement and kappa of (corpus label, second label) pairs."""
    first, second = zip(*pairs)
    return {"n": len(pairs),
            "agreement": sum(a == b for a, b in pairs) / len(pairs),
            "kappa": float(cohen_kappa_score(first, second, labels=list(LABELS)))}


def agreement(audit: list[dict], corpus: dict[str, tuple[str, str]]) -> dict:
    """Agreement of the audit with the corpus (``id -> (label, lang)``).

    Raises :class:`DataError` when an audited id is no longer in the corpus.
    """
    missing = [r["id"] for r in audit if r["id"] not in corpus]
    if missing:
        raise DataError(f"{len(missing)} audited ids are not in the corpus, e.g. {missing[0]}")
    pairs = [(corpus[r["id"]][0], r["label"]) for r in audit]
    langs = [corpus[r["id"]][1] for r in audit]
    report = {"overall": _block(pairs),
              "by_language": {lang: _block([p for p, g in zip(pairs, langs) if g == lang])
                              for lang in sorted(set(langs))},
              "confusion": confusion(*zip(*pairs))}
    confident = [p for p, r in zip(pairs, audit) if r.get("confident", True)]
    if confident:
        report["confident_rows"] = _block(confident)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.agreement",
                                description=__doc__.split("\n")[0])
    p.add_argument("audit", nargs="?", type=Path, default=DEFAULT_AUDIT)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)
    if not args.audit.is_file():
        print(f"error: no audit file at {args.audit}", file=sys.stderr)
        return 2
    try:
        corpus = {e.id: (e.label, e.lang) for e in load_examples() if e.id}
        report = agreement(read_audit(args.audit), corpus)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    o = report["overall"]
    print(f"{o['n']} rows: agreement {o['agreement']:.3f}, Cohen's kappa {o['kappa']:.3f}")
    for lang, b in report["by_language"].items():
        print(f"  {lang}: {b['n']} rows, agreement {b['agreement']:.3f}, kappa {b['kappa']:.3f}")
    if "confident_rows" in report:
        c = report["confident_rows"]
        print(f"  rows the second annotator was sure of: {c['n']}, "
              f"agreement {c['agreement']:.3f}")
    print("confusion (rows: corpus label, columns: second label):")
    for label, row in zip(LABELS, report["confusion"]["matrix"]):
        print(f"  {label:<13}" + " ".join(f"{v:>5}" for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
