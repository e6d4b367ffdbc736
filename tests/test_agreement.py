"""Blind second annotation of a corpus sample: how consistently the corpus is labelled."""

from __future__ import annotations

import json

import pytest

from training.agreement import DEFAULT_AUDIT, agreement, main, read_audit
from training.data import DataError, load_examples

KAPPA_FLOOR = 0.80


@pytest.fixture(scope="module")
def corpus():
    return {e.id: (e.label, e.lang) for e in load_examples() if e.id}


def test_second_annotator_agrees_with_the_corpus(corpus):
    audit = read_audit(DEFAULT_AUDIT)
    report = agreement(audit, corpus)
    assert report["overall"]["n"] == len(audit) >= 300
    assert set(report["by_language"]) == {"fr", "en"}
    for block in (report["overall"], *report["by_language"].values()):
        assert block["kappa"] >= KAPPA_FLOOR, block


def test_agreement_counts_disagreements():
    corpus = {"a": ("abusive", "fr"), "b": ("critical", "fr"), "c": ("constructive", "en"),
              "d": ("critical", "en")}
    audit = [{"id": "a", "label": "abusive"}, {"id": "b", "label": "constructive"},
             {"id": "c", "label": "constructive"}, {"id": "d", "label": "critical",
                                                    "confident": False}]
    report = agreement(audit, corpus)
    assert report["overall"]["agreement"] == 0.75
    assert report["by_language"]["en"]["agreement"] == 1.0
    assert report["by_language"]["fr"]["agreement"] == 0.5
    assert report["confusion"]["matrix"][1] == [1, 1, 0]  # critical row: one read constructive
    assert report["confident_rows"]["n"] == 3


def test_an_audited_id_missing_from_the_corpus_is_an_error():
    with pytest.raises(DataError, match="not in the corpus"):
        agreement([{"id": "gone", "label": "abusive"}], {"a": ("abusive", "fr")})


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('{"label": "abusive"}', "expected an object with a string 'id'"),
    ('{"id": "x", "label": "spam"}', "'label' must be one of"),
    ('{"id": "x", "label": "abusive", "confident": "no"}', "'confident' must be true or false"),
])
def test_bad_audit_rows_are_refused_with_their_line(tmp_path, line, message):
    path = tmp_path / "audit.jsonl"
    path.write_text('{"id": "ok", "label": "critical"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"audit.jsonl:2: {message}"):
        read_audit(path)


def test_command_reports_and_fails_cleanly(tmp_path, capsys):
    assert main([]) == 0
    assert "Cohen's kappa" in capsys.readouterr().out
    assert main([str(tmp_path / "none.jsonl")]) == 2
    dup = tmp_path / "dup.jsonl"
    dup.write_text(json.dumps({"id": "x", "label": "abusive"}) + "\n"
                   + json.dumps({"id": "x", "label": "critical"}) + "\n", encoding="utf-8")
    assert main([str(dup)]) == 2
    assert "appears twice" in capsys.readouterr().err


def test_an_empty_audit_is_an_error(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(DataError, match="no audit rows"):
        read_audit(path)
