"""Language detection: supported languages, an explicit "other", hints, determinism."""

from __future__ import annotations

import random

import pytest

from model.language import (
    OTHER,
    SUPPORTED_LANGUAGES,
    LanguageDetector,
    LanguageGuess,
    SampledLanguageDetector,
)
from training.data import load_examples


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


@pytest.fixture(scope="module")
def labelled():
    return [e for e in load_examples() if e.lang]


@pytest.mark.parametrize(("text", "code"), [
    ("Merci pour cet article, je ne savais pas que la ville avait voté ce budget.", "fr"),
    ("Thanks for the article, I had no idea the council had voted this budget.", "en"),
    ("MERCI BEAUCOUP POUR CET ARTICLE TRÈS INTÉRESSANT", "fr"),
    ("THANK YOU SO MUCH FOR THIS GREAT ARTICLE", "en"),
    ("C'EST N'IMPORTE QUOI, VOUS N'AVEZ RIEN COMPRIS", "fr"),
    ("WHAT A JOKE, YOU CLEARLY DID NOT READ IT", "en"),
])
def test_detects_french_and_english_including_all_caps(detector, text, code):
    guess = detector.detect(text)
    assert (guess.code, guess.supported, guess.source) == (code, True, "detected")
    assert guess.confidence > 0.9


@pytest.mark.parametrize("text", [
    "Gracias por el artículo, estoy de acuerdo con todo lo que dices.",
    "Vielen Dank für den Artikel, ich stimme dir völlig zu.",
    "Grazie mille per l'articolo, sono completamente d'accordo con te.",
    "Bedankt voor het artikel, ik ben het helemaal met je eens.",
    "Obrigado pelo artigo, concordo plenamente com você.",
    "Спасибо за статью, полностью согласен.",
])
def test_other_languages_are_other(detector, text):
    guess = detector.detect(text)
    assert (guess.code, guess.supported) == (OTHER, False)


@pytest.mark.parametrize("text", ["so true", "ta gueule", "ok", "lol", "bravo", "WTF",
                                  "J'ADORE", "Hola amigo", "Danke schön"])
def test_very_short_texts_get_a_supported_language(detector, text):
    guess = detector.detect(text)
    assert guess.code in SUPPORTED_LANGUAGES and guess.supported
    assert 0.5 <= guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "!!!", "123 456", "https://example.com @bob #tag",
                                  "a", "😀😀😀"])
def test_texts_without_letters_are_undetectable(detector, text):
    assert detector.detect(text) == LanguageGuess(OTHER, 0.0, False, "undetectable")


@pytest.mark.parametrize(("hint", "expected"), [
    ("fr", LanguageGuess("fr", 1.0, True, "hint")),
    ("EN", LanguageGuess("en", 1.0, True, "hint")),
    ("es", LanguageGuess(OTHER, 1.0, False, "hint")),
])
def test_a_hint_wins(detector, hint, expected):
    assert detector.detect("Thanks for the article, I agree.", hint) == expected


def test_an_empty_hint_means_detect(detector):
    assert detector.detect("Merci pour cet article, je suis d'accord.", "").source == "detected"


def test_batch_mixes_hints_and_detection(detector):
    texts = ["Merci pour cet article, je suis d'accord.", "Thanks, I agree.", "!!!", "Hola"]
    got = detector.detect_batch(texts, ["en", None, None, "de"])
    assert [(g.code, g.source) for g in got] == [
        ("en", "hint"), ("en", "detected"), (OTHER, "undetectable"), (OTHER, "hint")]
    assert detector.detect_batch([]) == []


def test_repeatable_across_calls_instances_and_global_random_state(detector, labelled):
    texts = [e.text for e in labelled[:300]]
    first = detector.detect_batch(texts)
    random.seed(12345)
    assert LanguageDetector().detect_batch(texts) == first
    random.seed(54321)
    assert [detector.detect(t) for t in texts] == first
    shuffled = list(range(len(texts)))
    random.Random(1).shuffle(shuffled)
    again = detector.detect_batch([texts[i] for i in shuffled])
    assert [again[shuffled.index(i)] for i in range(len(texts))] == first


def test_sampled_reference_is_seeded(labelled):
    texts = [e.text for e in labelled[:40]]
    random.seed(7)
    first = [SampledLanguageDetector(seed=3).detect(t) for t in texts]
    random.seed(8)
    assert [SampledLanguageDetector(seed=3).detect(t) for t in texts] == first


def test_accuracy_on_the_corpus_rows(detector, labelled):
    guesses = detector.detect_batch([e.text for e in labelled])
    truth = [e.lang if e.lang in SUPPORTED_LANGUAGES else OTHER for e in labelled]
    wrong = [(e.id, g.code) for e, g, t in zip(labelled, guesses, truth) if g.code != t]
    assert 1 - len(wrong) / len(labelled) >= 0.97, wrong[:20]


def test_agrees_with_the_sampling_detector_on_the_corpus(detector, labelled):
    rows = labelled[::4]
    fast = detector.detect_batch([e.text for e in rows])
    sampled = SampledLanguageDetector()
    disagree = [e.id for e, g in zip(rows, fast) if g.code != sampled.detect(e.text).code]
    assert len(disagree) <= 0.01 * len(rows), disagree[:20]


def test_long_texts_read_only_the_first_characters(detector):
    french = "Je ne suis pas du tout d'accord avec cette analyse du budget municipal. " * 10
    english = "I do not agree at all with this analysis of the city budget. " * 20
    assert detector.detect(french + english).code == "fr"


def test_word_cache_starts_afresh_without_changing_answers():
    detector = LanguageDetector()
    texts = ["Merci pour cet article, je suis d'accord.", "Thanks for the article, I agree."]
    before = detector.detect_batch(texts)
    detector._words._limit = 1  # the next batch starts a new table
    assert detector.detect_batch(texts) == before
    assert detector.detect_batch(texts) == before


def test_to_dict_rounds_the_confidence():
    guess = LanguageGuess("fr", 0.123456, True)
    assert guess.to_dict() == {"code": "fr", "confidence": 0.1235, "supported": True,
                               "source": "detected"}
