"""Checks on the labelled corpus: schema, tags, duplicates, balance, language agreement.

Run as ``python -m training.datacheck FILE...`` (every corpus file by default); each
problem is printed as ``file:line: message`` and the exit status is 1 if there was any.
The test suite calls the same functions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from model.labels import LABELS

__all__ = ["PHENOMENON_TAGS", "REGISTER_TAGS", "TAGS", "Row", "check_rows", "language_agreement",
           "main", "near_duplicates", "normalise_for_dedup", "read_rows"]

PHENOMENON_TAGS = (
    "harsh_criticism", "sarcasm", "polite_disagreement", "profanity_emphasis", "meta_quote",
    "insult_individual", "identity_attack", "dehumanising", "threat", "threat_implicit",
    "incitement", "harassment", "sexual_harassment",
    "target_gender", "target_origin", "target_religion", "target_sexuality", "target_disability",
    "obf_leet", "obf_symbols", "obf_repeat", "obf_phonetic", "obf_abbrev",
    "identity_neutral", "question", "experience", "information", "thanks", "suggestion",
    "offtopic", "spam", "reply",
)
REGISTER_TAGS = ("short", "long", "sms", "no_accents", "typos", "all_caps", "emoji", "slang",
                 "formal")
TAGS = PHENOMENON_TAGS + REGISTER_TAGS
LANGS = ("fr", "en")
REQUIRED = {"id": str, "text": str, "label": str, "lang": str, "tags": list}
OPTIONAL = {"topic": str, "thread": str, "parent": str}
NEAR_JACCARD = 0.8


@dataclass(frozen=True)
class Row:
    """A raw corpus row and where it was read."""

    data: dict
    where: str


def read_rows(paths: list[Path]) -> tuple[list[Row], list[str]]:
    """Read JSONL rows, returning them with the parse errors found on the way."""
    rows, problems = [], []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{n}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(data, dict):
                problems.append(f"{path}:{n}: a row must be a JSON object")
                continue
            rows.append(Row(data, f"{path}:{n}"))
    return rows, problems


def check_schema(row: Row) -> list[str]:
    """Field names, types, label, language and tags of one row."""
    d, problems = row.data, []
    for key, kind in REQUIRED.items():
        if not isinstance(d.get(key), kind):
            problems.append(f"{row.where}: '{key}' must be a {kind.__name__}")
    for key, kind in OPTIONAL.items():
        if key in d and not isinstance(d[key], kind):
            problems.append(f"{row.where}: '{key}' must be a {kind.__name__}")
    unknown = set(d) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        problems.append(f"{row.where}: unknown field(s) {sorted(unknown)}")
    if d.get("label") not in LABELS:
        problems.append(f"{row.where}: label {d.get('label')!r} not in {LABELS}")
    if d.get("lang") not in LANGS:
        problems.append(f"{row.where}: lang {d.get('lang')!r} not in {LANGS}")
    if isinstance(d.get("text"), str) and not d["text"].strip():
        problems.append(f"{row.where}: empty text")
    bad = [t for t in d.get("tags") or [] if t not in TAGS]
    if bad:
        problems.append(f"{row.where}: unknown tag(s) {bad}")
    return problems


def check_rows(rows: list[Row]) -> list[str]:
    """Schema of every row, unique ids, and replies pointing at an existing row."""
    problems = [p for row in rows for p in check_schema(row)]
    ids = Counter(r.data.get("id") for r in rows)
    problems += [f"duplicate id {i!r} ({n} rows)" for i, n in ids.items() if n > 1]
    for row in rows:
        parent = row.data.get("parent")
        if parent and parent not in ids:
            problems.append(f"{row.where}: parent {parent!r} is not a row id")
    return problems


def normalise_for_dedup(text: str) -> str:
    """NFKC, lower case, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def near_duplicates(texts: list[str], *, threshold: float = NEAR_JACCARD,
                    block: int = 512) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of texts whose character 5-gram sets overlap >= threshold.

    Exact duplicates (after normalisation) come out with a Jaccard of 1.0.
    """
    norm = [normalise_for_dedup(t) or "_" for t in texts]
    # Texts shorter than 5 characters are padded so that they still have one shingle.
    norm = [t if len(t) >= 5 else t.ljust(5, "_") for t in norm]
    vec = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, lowercase=False,
                          dtype=np.float32)
    x = vec.fit_transform(norm).tocsr()
    sizes = np.asarray(x.sum(axis=1)).ravel()
    xt = x.T.tocsc()
    pairs = []
    for start in range(0, x.shape[0], block):
        inter = (x[start:start + block] @ xt).toarray()
        union = sizes[start:start + block, None] + sizes[None, :] - inter
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        for i, j in zip(*np.nonzero(jac >= threshold)):
            gi = start + int(i)
            if gi < int(j):
                pairs.append((gi, int(j), float(jac[i, j])))
    return pairs


def language_agreement(rows: list[Row]) -> tuple[float, list[Row]]:
    """Share of rows whose ``lang`` matches the detector, and the rows that disagree."""
    from model.language import LanguageDetector

    guesses = LanguageDetector().detect_batch([r.data["text"] for r in rows])
    wrong = [r for r, g in zip(rows, guesses) if g.code != r.data["lang"]]
    return (1 - len(wrong) / len(rows)) if rows else 1.0, wrong


def balance(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Row counts per language and label."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r.data.get("lang"), Counter())[r.data.get("label")] += 1
    return {lang: dict(c) for lang, c in out.items()}


def report(rows: list[Row], *, min_tag: int = 20) -> list[str]:
    """Every problem found in the rows, as printable lines."""
    problems = check_rows(rows)
    texts = [r.data.get("text") or "" for r in rows]
    for i, j, jac in near_duplicates(texts):
        problems.append(f"{rows[j].where}: near duplicate (jaccard {jac:.2f}) of {rows[i].where}")
    rate, wrong = language_agreement([r for r in rows if r.data.get("lang") in LANGS
                                      and isinstance(r.data.get("text"), str)])
    for r in wrong:
        problems.append(f"{r.where}: language detection disagrees with lang={r.data['lang']!r}"
                        " (fine for a few rows; agreement must stay >= 97%)")
    problems.append(f"language agreement: {rate:.1%}")
    tags = Counter(t for r in rows for t in r.data.get("tags") or [])
    rare = {t: tags.get(t, 0) for t in TAGS if tags.get(t, 0) < min_tag}
    if rare:
        problems.append(f"tags used fewer than {min_tag} times here: {rare}")
    for lang, counts in balance(rows).items():
        total = sum(counts.values())
        shares = ", ".join(f"{k} {counts.get(k, 0)} ({counts.get(k, 0) / total:.0%})"
                           for k in LABELS)
        problems.append(f"balance {lang}: {total} rows: {shares}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from training.data import CORPUS_DIR

    parser = argparse.ArgumentParser(prog="python -m training.datacheck",
                                     description="Check labelled corpus files.")
    parser.add_argument("files", nargs="*", type=Path,
                        help="JSONL files (default: every file of seeds/corpus/)")
    parser.add_argument("--min-tag", type=int, default=20,
                        help="minimum uses of each tag (default 20)")
    args = parser.parse_args(argv)
    files = args.files or sorted(CORPUS_DIR.glob("*.jsonl"))
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    rows, problems = read_rows(files)
    lines = problems + report(rows, min_tag=args.min_tag)
    print("\n".join(lines))
    notes = ("balance ", "language agreement", "tags used")
    serious = [p for p in lines if not p.startswith(notes)]
    return 1 if serious else 0


if __name__ == "__main__":
    sys.exit(main())
