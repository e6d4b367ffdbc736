"""Explanations: which spans of the original text pushed the prediction toward its label.

The linear SVM is linear in its features, so each feature's push toward label
``k`` is ``x_f * (w_kf - mean_j w_jf)`` (its effect on the softmax margin). We cut the
*original* text into word-like spans (a spaced-out word such as ``e n c u l é`` is one
span), normalise each span exactly as the pipeline does, and give it the pushes of the
word n-grams, character n-grams and lexicon hits it produced. Offsets are character
offsets into the text the caller sent. Cost: a few dictionary look-ups per span (each
word's character n-gram ids are cached, and the lexicon is only matched when the comment
has lexicon features), so it can be asked for every comment of a batch.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.features import DERIVED_FEATURES, LEXICON_FEATURES, Prepared
from model.lexicon import find
from model.normalize import normalise, tokens

__all__ = ["Explainer", "Span"]

_SPAN = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*/]){2,}[^\W\d_](?![^\W\d_])|\S+")
_EDGE = ".,;:!?()[]{}\"'«»“”‘’…<>"
#: Words whose character n-gram ids an explainer keeps before starting afresh.
_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the original text and its push toward the predicted label."""

    start: int
    end: int
    text: str
    weight: float

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "weight": round(self.weight, 4)}


def raw_spans(text: str) -> list[tuple[int, int]]:
    """Word-like spans of the original text, surrounding punctuation trimmed."""
    out = []
    for m in _SPAN.finditer(text):
        start, end = m.span()
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if start < end:
            out.append((start, end))
    return out


@lru_cache(maxsize=50_000)
def _span_view(piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Normalised tokens and whitespace-separated words of one span (cached: words recur)."""
    norm = normalise(piece)
    return tuple(tokens(norm)), tuple(norm.split())


class Explainer:
    """Attributes a fitted pipeline's linear scores to spans of the original text.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A pipeline built by :func:`model.pipeline.build_pipeline` and fitted.
    """

    def __init__(self, pipeline) -> None:
        from model.pipeline import linear_part

        union = pipeline.named_steps["features"]
        blocks = dict(union.transformer_list)
        self._words = blocks["words"]
        self._chars = blocks["chars"]
        sizes = [len(self._words.vocabulary_), len(self._chars.vocabulary_),
                 len(LEXICON_FEATURES)]
        self._offset_chars = sizes[0]
        self._offset_lex = sizes[0] + sizes[1]
        self._char_range = self._chars.ngram_range
        self._word_vocab = self._words.vocabulary_
        self._char_vocab = self._chars.vocabulary_
        coef = linear_part(pipeline).coef_
        k = coef.shape[0]
        # Push toward each label: its weight minus the mean weight of the other labels.
        self._push = (coef * k - coef.sum(axis=0, keepdims=True)) / (k - 1)
        self._lexicon_names = {name: self._offset_lex + i
                               for i, name in enumerate(LEXICON_FEATURES)}
        self._lexicon_ids = frozenset(self._lexicon_names.values())
        self._char_cache: dict[str, tuple[int, ...]] = {}

    def _char_ids(self, word: str) -> tuple[int, ...]:
        """Feature ids of the character n-grams of one word, in the order the char_wb
        analyser makes them (unknown n-grams left out). Cached: words recur."""
        ids = self._char_cache.get(word)
        if ids is None:
            if len(self._char_cache) >= _CACHE_LIMIT:
                self._char_cache.clear()
            padded, (lo, hi), vocab = f" {word} ", self._char_range, self._char_vocab
            grams = (padded[i:i + n] for n in range(lo, hi + 1)
                     for i in range(len(padded) - n + 1))
            ids = tuple(vocab[g] + self._offset_chars for g in grams if g in vocab)
            self._char_cache[word] = ids
        return ids

    def explain(self, raw: str, features_row, label_index: int, *, top: int = 5,
                prepared: Prepared | None = None) -> list[Span]:
        """The spans of ``raw`` that pushed most toward label ``label_index``.

        ``features_row`` is the comment's row of the pipeline's feature matrix (sparse).
        Only spans with a positive push are returned, strongest first.
        """
        row = features_row.tocsr()
        return self.explain_values(raw, row.indices, row.data, label_index, top=top)

    def explain_values(self, raw: str, indices: np.ndarray, data: np.ndarray,
                       label_index: int, *, top: int = 5) -> list[Span]:
        """:meth:`explain` from the row's non-zero feature ids and values (CSR slices)."""
        # Each present feature's push, x_f * push_f, computed once (same products).
        pushed = dict(zip(indices.tolist(), (data * self._push[label_index][indices]).tolist()))
        spans = raw_spans(raw)
        views = [_span_view(raw[s:e]) for s, e in spans]
        weights = [0.0] * len(spans)
        owner: list[int] = []
        for n, (toks, _) in enumerate(views):
            owner.extend([n] * len(toks))
        seq = [t for toks, _ in views for t in toks]
        vocab = self._word_vocab
        for i, tok in enumerate(seq):
            f = vocab.get(tok)
            if f is not None and f in pushed:
                weights[owner[i]] += pushed[f]
            if i + 1 < len(seq):
                f = vocab.get(f"{tok} {seq[i + 1]}")
                if f is not None and f in pushed:
                    half = pushed[f] / 2
                    weights[owner[i]] += half
                    weights[owner[i + 1]] += half
        grams = [[f for w in words for f in self._char_ids(w)] for _, words in views]
        counts = Counter(f for fs in grams for f in fs)
        for n, fs in enumerate(grams):
            for f in fs:
                if f in pushed:
                    weights[n] += pushed[f] / counts[f]
        if not self._lexicon_ids.isdisjoint(pushed):
            self._add_lexicon(seq, owner, pushed, weights)
        weights = np.array(weights)
        order = np.argsort(-weights)[:top]
        return [Span(spans[i][0], spans[i][1], raw[spans[i][0]:spans[i][1]], float(weights[i]))
                for i in order if weights[i] > 0]

    def _add_lexicon(self, seq, owner, pushed, weights) -> None:
        """Give each lexicon feature's push to the spans whose tokens made the hits."""
        hits = find(seq)
        if not hits:
            return
        names = self._lexicon_names
        by_feature: dict[int, list[int]] = {}
        for h in hits:
            owners = sorted({owner[i] for i in range(h[1], h[2])})
            by_feature.setdefault(names[f"lex_{h.category}"], []).extend(owners)
            for extra in DERIVED_FEATURES.get(h.category, ()):
                by_feature.setdefault(names[extra], []).extend(owners)
        for f, owners in by_feature.items():
            if f in pushed and owners:
                share = pushed[f] / len(owners)
                for n in owners:
                    weights[n] += share
