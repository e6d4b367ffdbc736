"""The seed set: every comment of the two seed threads, verbatim, labelled."""

from __future__ import annotations

import json
import re

import pytest

from model.labels import LABELS
from tests.conftest import ROOT

SEEDS = ROOT / "seeds"
THREADS = SEEDS / "threads"


@pytest.fixture(scope="module")
def rows():
    return [json.loads(line) for line in
            (SEEDS / "seed_comments.jsonl").read_text(encoding="utf-8").splitlines()]


def thread_comments(name: str) -> list[str]:
    """The comments of a thread file, found independently of the labelled file:
    numbered items in 003, non-empty lines that are not pingbacks in 004."""
    text = (THREADS / name).read_text(encoding="utf-8")
    if name.startswith("003"):
        return [m.strip() for m in re.split(r"\n  \d\. ", text)[1:]]
    return [line for line in text.splitlines() if line.strip() and not line.startswith("Ping :")]


def test_thread_files_are_verbatim_copies_of_the_seed_documents():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    for thread in THREADS.iterdir():
        assert thread.read_text(encoding="utf-8").strip() in \
            (shared / thread.name).read_text(encoding="utf-8")


def test_schema_and_labels(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert r["label"] in LABELS and r["lang"] == "fr"
        assert r["source"] in {p.name for p in THREADS.iterdir()}
        assert isinstance(r["position"], int) and r["rationale"]
        assert r["parent"] is None or r["parent"] in ids


def test_every_text_is_verbatim_in_its_thread(rows):
    for r in rows:
        assert r["text"] in (THREADS / r["source"]).read_text(encoding="utf-8"), r["id"]


def test_no_comment_of_the_threads_is_missing(rows):
    for thread in THREADS.iterdir():
        mine = [r["text"] for r in rows if r["source"] == thread.name]
        for comment in thread_comments(thread.name):
            assert any(comment in text or text.startswith(comment) for text in mine), comment[:60]
        positions = sorted(r["position"] for r in rows if r["source"] == thread.name)
        assert positions == list(range(1, len(positions) + 1))


def test_pingbacks_are_not_comments(rows):
    assert not any("Pearltrees" in r["text"] for r in rows)
    assert "Ping : " in (THREADS / "004_958adf17933185a8.txt").read_text(encoding="utf-8")


def test_the_abusive_seed_comment_is_labelled_abusive(rows):
    abusive = [r for r in rows if r["text"].startswith("ses bien la nature")]
    assert len(abusive) == 1 and abusive[0]["label"] == "abusive"
    assert "je les nique" in abusive[0]["text"]


def test_the_authors_reply_points_at_the_lamentable_comment(rows):
    critic = next(r for r in rows if "lamentable" in r["text"])
    reply = next(r for r in rows if r["text"].startswith("Bonjour Camille"))
    assert reply["parent"] == critic["id"]
    assert critic["label"] == "critical"
