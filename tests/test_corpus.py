"""Dataset checks on the team's labelled corpus (seeds/corpus/*.jsonl)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from model.labels import LABELS
from tests.conftest import ROOT
from training import datacheck
from training.data import CORPUS_DIR, is_held_out, load_examples, split

EVAL_DIR = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="module")
def rows():
    rows, problems = datacheck.read_rows(sorted(CORPUS_DIR.glob("*.jsonl")))
    assert not problems, problems[:5]
    return rows


def test_schema_labels_languages_tags_and_ids(rows):
    assert datacheck.check_rows(rows) == []


def test_size_and_balance_per_language(rows):
    counts = datacheck.balance(rows)
    assert sum(counts["fr"].values()) >= 2400
    assert sum(counts["en"].values()) >= 1200
    for lang, per_label in counts.items():
        total = sum(per_label.values())
        for label in LABELS:
            assert per_label.get(label, 0) / total >= 0.30, (lang, label, per_label)


def test_every_tag_is_used_at_least_20_times(rows):
    used = Counter(t for r in rows for t in r.data["tags"])
    assert {t: used[t] for t in datacheck.TAGS if used[t] < 20} == {}


def test_no_exact_or_near_duplicates(rows):
    pairs = datacheck.near_duplicates([r.data["text"] for r in rows])
    assert [(rows[i].where, rows[j].where, round(s, 2)) for i, j, s in pairs][:10] == []


def test_near_duplicate_detection_catches_a_respelled_row():
    a = "Franchement cet article est une perte de temps, rien de neuf sous le soleil."
    b = "Franchement, cet article est une perte de temps : rien de neuf sous le soleil !"
    c = "Merci pour ces chiffres, je ne savais pas que la ville avait autant investi."
    assert [(i, j) for i, j, _ in datacheck.near_duplicates([a, b, c])] == [(0, 1)]


def test_language_field_agrees_with_detection(rows):
    rate, wrong = datacheck.language_agreement(rows)
    assert rate >= 0.97, [r.where for r in wrong[:10]]


def test_no_overlap_with_third_party_eval_texts(rows):
    if not EVAL_DIR.is_dir():
        pytest.skip("../shared/eval is not beside the checkout")
    held = set()
    for path in EVAL_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            held.add(datacheck.normalise_for_dedup(json.loads(line)["text"]))
    ours = {datacheck.normalise_for_dedup(r.data["text"]) for r in rows}
    assert ours & held == set()


def test_held_out_split_is_fixed_and_about_a_fifth():
    examples = load_examples()
    train, held = split(examples)
    assert 0.17 <= len(held) / len(examples) <= 0.23
    assert all(is_held_out(e.id) for e in held)
    assert not {e.id for e in train} & {e.id for e in held}
    # The split depends on the id only: the same id is always on the same side.
    assert is_held_out("fr-a-0001") == is_held_out("fr-a-0001")
    _, again_held = split(list(reversed(examples)))
    assert {e.id for e in again_held} == {e.id for e in held}


def test_labelling_guide_covers_every_tag():
    guide = (ROOT / "seeds" / "LABELING.md").read_text(encoding="utf-8")
    missing = [t for t in datacheck.TAGS if f"`{t}`" not in guide]
    assert missing == []
