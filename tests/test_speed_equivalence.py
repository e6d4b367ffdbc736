"""The optimised classification path gives the results of the plain one.

The reference below is the unoptimised path, written out: one comment at a time through
the scikit-learn pipeline with its default checks, the policy, and the explanation
algorithm as first written (a sparse row, a numpy weight per span, the lexicon matched for
every comment). :meth:`Moderator.classify` batches all of that, skips checks and caches
per-word work; on the held-out split it must give the same labels, actions, reasons and
explanation spans, and scores, confidences and span weights within 1e-9.

Language detection changed on purpose (every n-gram scored once instead of a seeded random
sample, see :mod:`model.language`): the codes must agree with the sampling detector, and
a comment gets the same answer alone or in any batch.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from model.explain import _span_view, raw_spans
from model.features import DERIVED_FEATURES, LEXICON_FEATURES
from model.labels import LABELS
from model.language import LanguageDetector, SampledLanguageDetector
from model.lexicon import find
from model.predictor import priority
from training.data import load_examples, split

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def held_out():
    _, held = split(load_examples())
    return held


def reference_explain(explainer, raw, row, label_index, top=5):
    """The explanation algorithm as first written (before caching and batching)."""
    values = dict(zip(row.indices.tolist(), row.data.tolist()))
    push = explainer._push[label_index]
    spans = raw_spans(raw)
    views = [_span_view(raw[s:e]) for s, e in spans]
    weights = np.zeros(len(spans))
    owner = [n for n, (toks, _) in enumerate(views) for _ in toks]
    seq = [t for toks, _ in views for t in toks]
    for i, tok in enumerate(seq):
        f = explainer._word_vocab.get(tok)
        if f is not None and f in values:
            weights[owner[i]] += values[f] * push[f]
        if i + 1 < len(seq):
            f = explainer._word_vocab.get(f"{tok} {seq[i + 1]}")
            if f is not None and f in values:
                half = values[f] * push[f] / 2
                weights[owner[i]] += half
                weights[owner[i + 1]] += half
    lo, hi = explainer._char_range
    grams = [[g for w in words for p in [f" {w} "] for n in range(lo, hi + 1)
              for g in (p[i:i + n] for i in range(len(p) - n + 1))] for _, words in views]
    counts = Counter(g for gs in grams for g in gs)
    for n, gs in enumerate(grams):
        for g in gs:
            f = explainer._char_vocab.get(g)
            if f is not None and f + explainer._offset_chars in values:
                f += explainer._offset_chars
                weights[n] += values[f] * push[f] / counts[g]
    names = {name: explainer._offset_lex + i for i, name in enumerate(LEXICON_FEATURES)}
    by_feature: dict[int, list[int]] = {}
    for h in find(seq):
        owners = sorted({owner[i] for i in range(h[1], h[2])})
        by_feature.setdefault(names[f"lex_{h.category}"], []).extend(owners)
        for extra in DERIVED_FEATURES.get(h.category, ()):
            by_feature.setdefault(names[extra], []).extend(owners)
    for f, owners in by_feature.items():
        if f in values and owners:
            for n in owners:
                weights[n] += values[f] * push[f] / len(owners)
    order = np.argsort(-weights)[:top]
    return [(spans[i][0], spans[i][1], float(weights[i])) for i in order if weights[i] > 0]


def reference_classify(moderator, text):
    """One comment through the plain pipeline: (label, scores, action, reasons, spans)."""
    pipeline = moderator.pipeline
    classes = list(pipeline.classes_)
    proba = pipeline.predict_proba([text])[0]
    scores = {label: float(proba[classes.index(label)]) for label in LABELS}
    best = int(np.argmax([scores[label] for label in LABELS]))
    action, reasons = moderator.policy.decide(scores)
    prepared = pipeline.named_steps["prepare"].transform([text])
    row = pipeline.named_steps["features"].transform(prepared)[0]
    spans = reference_explain(moderator.explainer, text, row, classes.index(LABELS[best]))
    return LABELS[best], scores, action, reasons, spans


@pytest.fixture(scope="module")
def both(moderator, held_out):
    texts = [e.text for e in held_out]
    fast = []
    for start in range(0, len(texts), 100):  # the service's batches
        fast.extend(moderator.classify(texts[start:start + 100], explain=True))
    return [(e, reference_classify(moderator, e.text), p) for e, p in zip(held_out, fast)]


def test_held_out_split_is_large_enough(held_out):
    assert len(held_out) >= 200


def test_labels_actions_and_reasons_are_identical(both):
    for example, (label, _, action, reasons, _), got in both:
        assert (got.label, got.action, got.reasons) == (label, action, reasons), example.id


def test_scores_match_within_tolerance(both):
    for example, (_, scores, _, _, _), got in both:
        assert got.scores.keys() == scores.keys()
        for name, value in scores.items():
            assert abs(got.scores[name] - value) <= TOLERANCE, (example.id, name)
        assert got.confidence == round(max(scores.values()), 4)
        assert got.priority == priority(scores)


def test_explanations_match(both):
    for example, (_, _, _, _, spans), got in both:
        assert [(s.start, s.end) for s in got.explanation] == [s[:2] for s in spans], example.id
        for span, (start, end, weight) in zip(got.explanation, spans):
            assert span.text == example.text[start:end]
            assert abs(span.weight - weight) <= TOLERANCE, example.id


def test_batch_size_changes_nothing(moderator, held_out):
    texts = [e.text for e in held_out[:60]]
    batch = moderator.classify(texts, explain=True)
    alone = [moderator.classify([t], explain=True)[0] for t in texts]
    assert batch == alone


def test_language_is_the_same_alone_or_in_a_batch(held_out):
    detector = LanguageDetector()
    texts = [e.text for e in held_out]
    assert detector.detect_batch(texts) == [detector.detect(t) for t in texts]
    reversed_batch = detector.detect_batch(texts[::-1])
    assert reversed_batch[::-1] == detector.detect_batch(texts)


def test_language_codes_agree_with_the_sampling_detector(moderator, held_out):
    sampled = SampledLanguageDetector()
    predictions = moderator.classify([e.text for e in held_out])
    disagree = [(e.id, p.language.code) for e, p in zip(held_out, predictions)
                if p.language.code != sampled.detect(e.text).code]
    assert len(disagree) <= 0.005 * len(held_out), disagree


def test_hints_pass_through(moderator):
    texts = ["Merci pour cet article.", "Thanks for the article.", "Gracias por el artículo."]
    got = moderator.classify(texts, langs=["en", None, "es"])
    assert [(p.language.code, p.language.source) for p in got] == [
        ("en", "hint"), ("en", "detected"), ("other", "hint")]


def test_feature_matrix_is_the_feature_unions(moderator, held_out):
    texts = [e.text for e in held_out[:200]]
    prepared, fast = moderator.features(texts)
    union = moderator.pipeline.named_steps["features"].transform(prepared).tocsr()
    assert fast.shape == union.shape
    assert (fast != union).nnz == 0
