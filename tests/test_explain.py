"""Explanations point at the words that drove the decision, with offsets into the
original text."""

from model.explain import raw_spans
from model.lexicon import LEXICON
from model.normalize import normalise


def test_offsets_index_the_original_text(moderator):
    text = "Franchement… t'es un  c*nnard , vraiment !"
    [p] = moderator.classify([text], explain=True)
    for span in p.explanation:
        assert text[span.start:span.end] == span.text
        assert span.weight > 0
    weights = [s.weight for s in p.explanation]
    assert weights == sorted(weights, reverse=True)


def test_points_at_the_disguised_insult(moderator):
    text = "T'es vraiment un c0nnard fini"
    [p] = moderator.classify([text], explain=True)
    assert p.label == "abusive"
    assert p.explanation[0].text == "c0nnard"


def test_points_at_nothing_abusive_in_profanity_used_as_emphasis(moderator):
    text = "Putain, enfin un article clair sur le sujet !"
    [p] = moderator.classify([text], explain=True)
    assert p.label != "abusive"
    abusive_words = LEXICON["insult"] | LEXICON["slur"] | LEXICON["threat"]
    assert not [s for s in p.explanation if normalise(s.text) in abusive_words]
    assert p.explanation, "some words must support the label"


def test_spaced_out_words_are_one_span():
    text = "va te faire e n c u l é"
    start = text.index("e n c")
    assert (start, len(text)) in raw_spans(text)


def test_explanations_do_not_change_scores(moderator):
    texts = ["Merci pour cet article", "ferme ta gueule sale con"]
    plain = moderator.classify(texts)
    explained = moderator.classify(texts, explain=True)
    assert [p.scores for p in plain] == [p.scores for p in explained]
    assert all(p.explanation is None for p in plain)
