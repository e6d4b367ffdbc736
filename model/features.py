"""Custom scikit-learn transformers: normalisation, lexicon counts and discourse signals.

They follow scikit-learn's estimator conventions (no logic in ``__init__``, ``fit``
returns ``self``, learned attributes end in ``_``), so they live inside the one
:class:`~sklearn.pipeline.Pipeline` that training fits and serving loads.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from model.lexicon import CATEGORIES, GROUPS, SECOND_PERSON, TARGETED, find
from model.normalize import normalise, tokens

__all__ = ["LexiconFeatures", "Prepared", "SignalFeatures", "TextNormaliser"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A comment as the features read it: the raw text, its normalised view and tokens."""

    raw: str
    text: str
    tokens: tuple[str, ...]

    @classmethod
    def from_text(cls, raw: str) -> Prepared:
        text = normalise(raw)
        return cls(raw, text, tuple(tokens(text)))


def prepared_text(doc: Prepared) -> str:
    """The normalised text of a prepared comment (the TF-IDF vectorisers' preprocessor)."""
    return doc.text


class _Stateless(TransformerMixin, BaseEstimator):
    """A transformer with nothing to learn but the number of input features."""

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's argument names
        self.n_docs_seen_ = len(X)
        return self


class TextNormaliser(_Stateless):
    """Turn raw comments into :class:`Prepared` objects (see :mod:`model.normalize`)."""

    def transform(self, X):  # noqa: N803
        check_is_fitted(self)
        return [Prepared.from_text(x) for x in X]


#: Distance, in tokens, within which a second-person word "aims" an insult.
AIM_WINDOW = 4
#: Comments of at most this many tokens count as short: their few evaluative words decide.
SHORT_TOKENS = 8
LEXICON_FEATURES = (*(f"lex_{c}" for c in CATEGORIES), "lex_you_near_abuse",
                    "lex_group_near_abuse", "lex_any_targeted", "lex_group_near_positive",
                    "lex_negated_abuse", "lex_counter_with_target", "lex_quoted_abuse",
                    "lex_group_near_negative", "lex_polarity", "lex_short_positive",
                    "lex_short_negative")
#: The derived lexicon features a hit of each category feeds (explanations give their push
#: to the words that made the hits).
DERIVED_FEATURES = {
    **{c: ("lex_you_near_abuse", "lex_group_near_abuse", "lex_any_targeted")
       for c in TARGETED},
    "positive": ("lex_group_near_positive", "lex_polarity", "lex_short_positive"),
    "negative": ("lex_group_near_negative", "lex_polarity", "lex_short_negative"),
}
_QUOTED = re.compile(r"[\"«“]([^\"«»“”]{1,200})[\"»”]")


def _near(positions: list[int], hit, window: int) -> bool:
    return any(hit[1] - window <= i < hit[2] + window for i in positions)


def lexicon_row(doc: Prepared) -> list[float]:
    """Lexicon counts of one comment, in the order of ``LEXICON_FEATURES``."""
    hits = find(list(doc.tokens))
    counts = {c: 0 for c in CATEGORIES}
    for h in hits:
        counts[h.category] += 1
    abusive = [h for h in hits if h.category in TARGETED]
    you = [i for i, t in enumerate(doc.tokens) if t in SECOND_PERSON]
    groups = [i for i, t in enumerate(doc.tokens) if t in GROUPS]
    negations = [h[1] for h in hits if h.category == "negation"]
    near_you = sum(_near(you, h, AIM_WINDOW) for h in abusive)
    near_group = sum(_near(groups, h, AIM_WINDOW + 1) for h in abusive)
    positive_group = sum(_near(groups, h, AIM_WINDOW) for h in hits if h.category == "positive")
    # A negation just before an insult, a threat or a group: "aucun X ne mérite", "not a ...".
    negated = sum(any(h[1] - 3 <= i < h[1] for i in negations) for h in abusive) + sum(
        any(g - 2 <= i < g for i in negations) for g in groups)
    counter = counts["counter"] and (abusive or groups)
    negative_group = sum(_near(groups, h, AIM_WINDOW + 1) for h in hits
                         if h.category == "negative")
    pos, neg = counts["positive"], counts["negative"]
    short = len(doc.tokens) <= SHORT_TOKENS
    row = [math.log1p(counts[c]) for c in CATEGORIES]
    return [*row, math.log1p(near_you), math.log1p(near_group), float(bool(abusive)),
            math.log1p(positive_group), math.log1p(negated), float(bool(counter)),
            math.log1p(_quoted_abuse(doc.text)), math.log1p(negative_group),
            (pos - neg) / (1 + pos + neg), short * math.log1p(pos), short * math.log1p(neg)]


def _quoted_abuse(text: str) -> int:
    """Insults, slurs or threats inside quotation marks (quoted to be discussed)."""
    return sum(1 for m in _QUOTED.finditer(text)
               for h in find(tokens(m.group(1))) if h.category in TARGETED)


class LexiconFeatures(_Stateless):
    """Counts of the team's abuse lexicon, including "second person near an insult"."""

    def transform(self, X):  # noqa: N803
        check_is_fitted(self)
        return sparse.csr_matrix(np.array([lexicon_row(d) for d in X], dtype=np.float64)
                                 .reshape(len(X), len(LEXICON_FEATURES)))

    def get_feature_names_out(self, input_features=None):
        return np.array(LEXICON_FEATURES, dtype=object)


_CONNECTIVES = re.compile(
    r"\b(parce que|parce qu|car|cependant|pourtant|toutefois|neanmoins|en revanche|donc|"
    r"par exemple|d une part|d autre part|en effet|alors que|because|however|although|"
    r"therefore|for example|for instance|on the other hand|whereas|since|unless|"
    r"nevertheless|in fact)\b")
_FIRST_PERSON = re.compile(
    r"\b(je|j|moi|mon|ma|mes|nous|notre|i|me|my|mine|we|our|personnellement|"
    r"personally|in my experience|d apres mon experience)\b")
_EXCLAIM_RUN = re.compile(r"!{2,}")
_QUOTES = re.compile(r"[\"«»“”]")
#: Upper bounds, in tokens, of the length bands (one indicator each, and one past the last):
#: length does not act linearly (a two-word verdict and a two-word thank-you are both short).
LENGTH_BANDS = (2, 4, 6, 9, 13, 18, 25, 35, 50, 80)
SIGNAL_FEATURES = ("sig_log_chars", "sig_log_words", "sig_questions", "sig_connectives",
                   "sig_first_person", "sig_upper_ratio", "sig_exclaim_runs", "sig_quotes",
                   "sig_urls", *(f"sig_len_le{b}" for b in LENGTH_BANDS),
                   f"sig_len_gt{LENGTH_BANDS[-1]}")


def signal_row(doc: Prepared) -> list[float]:
    """Discourse signals of one comment, in the order of ``SIGNAL_FEATURES``."""
    raw, text = doc.raw, doc.text
    words = " ".join(doc.tokens)
    letters = [c for c in raw if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 4 else 0.0
    bands = [0.0] * (len(LENGTH_BANDS) + 1)
    bands[sum(len(doc.tokens) > b for b in LENGTH_BANDS)] = 1.0
    return [
        math.log1p(len(raw)) / 4, math.log1p(len(doc.tokens)) / 3,
        math.log1p(raw.count("?")), math.log1p(len(_CONNECTIVES.findall(words))),
        math.log1p(len(_FIRST_PERSON.findall(words))), upper,
        math.log1p(len(_EXCLAIM_RUN.findall(raw))), math.log1p(len(_QUOTES.findall(raw))),
        math.log1p(text.count("xxurl")), *bands,
    ]


class SignalFeatures(_Stateless):
    """Length (log and bands), questions, argument connectives, first-person markers,
    shouting, quotes."""

    def transform(self, X):  # noqa: N803
        check_is_fitted(self)
        return sparse.csr_matrix(np.array([signal_row(d) for d in X], dtype=np.float64)
                                 .reshape(len(X), len(SIGNAL_FEATURES)))

    def get_feature_names_out(self, input_features=None):
        return np.array(SIGNAL_FEATURES, dtype=object)
