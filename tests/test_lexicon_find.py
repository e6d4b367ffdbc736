"""The indexed lexicon search returns exactly what a plain scan over every phrase and word
returns (the reference below), on the whole corpus."""

from model.lexicon import LEXICON, PHRASES, LexiconMatch, find
from model.normalize import normalise, tokens
from training.data import load_examples


def reference_find(toks):
    hits, covered = [], set()
    for category, phrases in PHRASES.items():
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(toks) - n + 1):
                if tuple(toks[i:i + n]) == phrase:
                    hits.append(LexiconMatch((category, i, i + n)))
                    covered.update(range(i, i + n))
    for i, tok in enumerate(toks):
        if i not in covered:
            category = next((c for c, words in LEXICON.items() if tok in words), None)
            if category:
                hits.append(LexiconMatch((category, i, i + 1)))
    return hits


def test_find_matches_the_reference_scan_on_the_corpus():
    texts = [e.text for e in load_examples()]
    for text in texts:
        toks = tokens(normalise(text))
        assert find(toks) == reference_find(toks), text[:80]


def test_overlapping_phrases_and_words():
    toks = ["je", "vais", "te", "casser", "la", "gueule", "fils", "de", "pute"]
    assert find(toks) == reference_find(toks)
    assert {h.category for h in find(toks)} == {"threat", "insult"}
