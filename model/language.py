"""Language detection for comments: langdetect's profiles and scoring, on every n-gram.

langdetect estimates a language by multiplying, for randomly sampled character n-grams,
``alpha / 10000 + P(n-gram | language)`` until one language passes 0.99999, seven times,
and averaging. For comments of a few hundred characters the random sample is most of the
text anyway, and the sampling is what made it slow (~0.5 ms a comment) and random (hence
its seed). :class:`LanguageDetector` keeps langdetect as the source of the profiles, of
the text clean-up and of the n-gram extraction, and applies the same factor to *every*
n-gram of the text once (a naive-Bayes sum of logs, vectorised over a batch): the same
evidence, no randomness, so no seed, and one answer per text whatever the batch around it.

Only a handful of profiles are loaded: the supported languages plus a few frequent
neighbours so that a comment in, say, Spanish comes out as ``"other"`` instead of being
forced into French or English. A prior favours the supported languages, and comments of
fewer than ``SHORT_WORDS`` words are judged among the supported languages only, which is
what keeps very short comments from drifting to a neighbour.

:class:`SampledLanguageDetector` is the previous, sampling detector (seeded langdetect),
kept as the reference that ``bench`` and the tests measure agreement against.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from pathlib import Path

import langdetect
import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

__all__ = ["OTHER", "SUPPORTED_LANGUAGES", "LanguageDetector", "LanguageGuess",
           "SampledLanguageDetector"]

SUPPORTED_LANGUAGES = ("fr", "en")
OTHER = "other"
#: Profiles loaded beside the supported ones, so that "other" is a real outcome.
NEIGHBOURS = ("de", "es", "it", "nl", "pt")
#: Comments with fewer words are judged among the supported languages only.
SHORT_WORDS = 4
_PROFILES = Path(langdetect.__file__).parent / "profiles"
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+")
_LATIN = re.compile("[A-z]")
_NON_LATIN = re.compile("[^\u0000-\u02ff]")


@dataclass(frozen=True)
class LanguageGuess:
    """The language of one comment.

    ``code`` is a supported language or ``"other"``; ``confidence`` is the probability of
    the detected language (1.0 when the caller supplied a hint).
    """

    code: str
    confidence: float
    supported: bool
    source: str = "detected"

    def to_dict(self) -> dict:
        return {"code": self.code, "confidence": round(self.confidence, 4),
                "supported": self.supported, "source": self.source}


_UNDETECTABLE = LanguageGuess(OTHER, 0.0, False, "undetectable")


def _from_hint(hint: str, supported: tuple[str, ...]) -> LanguageGuess:
    code = hint.lower()
    ok = code in supported
    return LanguageGuess(code if ok else OTHER, 1.0, ok, "hint")


def _clean(text: str) -> str | None:
    """The text detection reads (lower case, no URLs/mentions/numbers), or ``None`` when
    fewer than two letters are left."""
    cleaned = _NOISE.sub(" ", text).lower()
    if next(islice(filter(str.isalpha, cleaned), 1, None), None) is None:
        return None
    return cleaned


def _prior(codes: tuple[str, ...], supported: tuple[str, ...], share: float) -> list[float]:
    rest = (1.0 - share) / max(1, len(codes) - len(supported))
    return [share / len(supported) if code in supported else rest for code in codes]


class _NormaliseTable(dict):
    """``str.translate`` table applying langdetect's per-character normalisation, filled
    lazily (a comment uses a few dozen distinct characters)."""

    def __missing__(self, codepoint: int) -> str:
        self[codepoint] = value = NGram.normalize(chr(codepoint))
        return value


class LanguageDetector:
    """Deterministic language detection over a few langdetect profiles, with "other".

    Parameters
    ----------
    supported : tuple of str
        Language codes the model handles.
    max_text_length : int
        Characters read per comment; the first ones decide the language anyway.
    supported_prior : float
        Prior probability shared by the supported languages (the neighbours share the
        rest) for comments of at least ``SHORT_WORDS`` words.
    """

    def __init__(self, supported: tuple[str, ...] = SUPPORTED_LANGUAGES, *,
                 max_text_length: int = 600, supported_prior: float = 0.8) -> None:
        self.supported = tuple(supported)
        self.max_text_length = max_text_length
        self.codes = self.supported + tuple(c for c in NEIGHBOURS if c not in self.supported)
        factory = _factory(self.codes, seed=None)
        self._ids = {gram: i for i, gram in enumerate(factory.word_lang_prob_map)}
        probs = np.array(list(factory.word_lang_prob_map.values()), dtype=np.float64)
        weight = Detector.ALPHA_DEFAULT / Detector.BASE_FREQ
        # One row per n-gram: log factors, then whether each language knows the n-gram.
        self._table = np.hstack([np.log(weight + probs), (probs > 0).astype(np.float64)])
        # Row 0: the prior of comments of SHORT_WORDS words or more; row 1: short comments
        # are judged among the supported languages only, without a prior.
        supported_mask = np.isin(np.array(self.codes), self.supported)
        self._priors = np.array([
            np.log(_prior(self.codes, self.supported, supported_prior)),
            np.where(supported_mask, 0.0, -np.inf)])
        self._allowed = np.array([np.ones(len(self.codes), dtype=bool), supported_mask])
        self._translate = _NormaliseTable()
        self._words = _WordTable(self._table, self._ids)
        self._guesses = [partial(LanguageGuess, code, supported=True) if code in self.supported
                         else partial(LanguageGuess, OTHER, supported=False)
                         for code in self.codes]

    def detect(self, text: str, hint: str | None = None) -> LanguageGuess:
        """Guess the language of ``text``; a ``hint`` from the caller wins when given."""
        return self.detect_batch([text], [hint])[0]

    def detect_batch(self, texts: Sequence[str],
                     hints: Sequence[str | None] | None = None) -> list[LanguageGuess]:
        """:meth:`detect` for each text (same answers, one vectorised pass)."""
        hints = hints or [None] * len(texts)
        if len(hints) != len(texts):
            raise ValueError(f"{len(hints)} hints for {len(texts)} texts")
        out: list[LanguageGuess | None] = [None] * len(texts)
        if self._words.full():
            self._words = _WordTable(self._table, self._ids)
        words = self._words  # this batch's rows stay valid even if another starts afresh
        todo, rows, short = [], [], []
        for i, (text, hint) in enumerate(zip(texts, hints)):
            if hint:
                out[i] = _from_hint(hint, self.supported)
                continue
            cleaned = _clean(text)
            if cleaned is None:
                out[i] = _UNDETECTABLE
                continue
            todo.append(i)
            rows.append(words.rows_of(self._words_of(cleaned)))
            short.append(len(cleaned.split()) < SHORT_WORDS)
        if todo:
            for i, guess in zip(todo, self._score(words, rows, short)):
                out[i] = guess
        return out  # type: ignore[return-value]

    def warm_up(self) -> None:
        """Run one detection so the first real request does not pay for lazy set-up."""
        self.detect("Bonjour, merci pour cet article. Thanks for this post.")

    def _words_of(self, cleaned: str) -> list[str]:
        """The normalised words of a cleaned comment, as langdetect reads it
        (``Detector.append`` and ``cleaning_text``), each but the last one followed by
        the space it ends with; the guards only skip substitutions that cannot match."""
        text = cleaned
        if "http" in text:
            text = Detector.URL_RE.sub(" ", text)
        if "@" in text:
            text = Detector.MAIL_RE.sub(" ", text)
        if _NON_LATIN.search(text):
            text = NGram.normalize_vi(text)
        text = text[:self.max_text_length]
        if _NON_LATIN.search(text) and (len(_LATIN.findall(text)) * 2
                                         < len(_NON_LATIN.findall(text))):
            # Mostly non-Latin script: langdetect drops the Latin letters.
            text = _LATIN.sub("", text)
        words = text.translate(self._translate).split(" ")
        last = words.pop()
        out = [word + " " for word in words if word]
        if last:
            out.append(last)
        return out

    def _score(self, words: _WordTable, rows: list[list[int]],
               short: list[bool]) -> list[LanguageGuess]:
        """Sum the words' log factors per language, add the prior, normalise."""
        lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
        index = np.fromiter(chain.from_iterable(rows), dtype=np.intp, count=int(lengths.sum()))
        sums = np.add.reduceat(words.matrix()[index], np.cumsum(lengths) - lengths, axis=0)
        n = len(self.codes)
        mode = np.array(short, dtype=np.intp)
        scores = sums[:, :n] + self._priors[mode]
        detectable = ((sums[:, n:] > 0) & self._allowed[mode]).any(axis=1)
        top = scores.max(axis=1, keepdims=True)
        confidence = (1.0 / np.exp(scores - top).sum(axis=1)).tolist()
        return [self._guesses[b](p) if ok else _UNDETECTABLE for b, p, ok
                in zip(scores.argmax(axis=1).tolist(), confidence, detectable.tolist())]


class _WordTable:
    """Each word's n-gram evidence summed once, on first sight (words recur).

    Row 0 is zeros and starts every comment, so that none is empty. Rows are only ever
    appended (under a lock, for threaded workers); past ``limit`` rows the detector starts
    a new table, so that odd input cannot grow it without end.
    """

    def __init__(self, table: np.ndarray, ids: dict[str, int], *,
                 limit: int = 50_000) -> None:
        self._table, self._ids, self._limit = table, ids, limit
        self._matrix = np.zeros((1024, table.shape[1]))
        self._size = 1
        self._index: dict[str, int] = {}
        self._lock = threading.Lock()

    def full(self) -> bool:
        return self._size >= self._limit

    def matrix(self) -> np.ndarray:
        return self._matrix

    def rows_of(self, words: list[str]) -> list[int]:
        index = self._index
        try:
            return [0, *map(index.__getitem__, words)]
        except KeyError:
            return [0, *(index[w] if w in index else self._add(w) for w in words)]

    def _add(self, word: str) -> int:
        grams = _word_grams(word, self._ids)
        row = self._table[list(grams)].sum(axis=0) if grams else 0.0
        with self._lock:
            if word in self._index:
                return self._index[word]
            if self._size == len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._matrix[self._size] = row
            self._index[word] = self._size
            self._size += 1
            return self._size - 1


def _word_grams(word: str, ids: dict[str, int]) -> tuple[int, ...]:
    """langdetect's n-grams of one word read from a space (``NGram.add_char``), those
    of the loaded profiles only."""
    ngram, found = NGram(), []
    for ch in word:
        ngram.add_char(ch)
        if ngram.capitalword:
            continue
        grams = ngram.grams
        for n in range(1, min(NGram.N_GRAM, len(grams)) + 1):
            gram = grams[-n:]
            if gram != " " and gram in ids:
                found.append(ids[gram])
    return tuple(found)


class SampledLanguageDetector:
    """The previous detector: seeded langdetect sampling over the same profiles.

    Same parameters and answers' structure as :class:`LanguageDetector`, plus ``seed``
    (langdetect's sampling seed). Ten to thirty times slower; kept as the reference the
    and the tests measure :class:`LanguageDetector`'s agreement against.
    """

    def __init__(self, supported: tuple[str, ...] = SUPPORTED_LANGUAGES, *, seed: int = 0,
                 max_text_length: int = 600, supported_prior: float = 0.8) -> None:
        self.supported = tuple(supported)
        self.max_text_length = max_text_length
        codes = self.supported + tuple(c for c in NEIGHBOURS if c not in self.supported)
        self._factory = _factory(codes, seed)
        self._short_factory = _factory(self.supported, seed)
        self._prior = dict(zip(codes, _prior(codes, self.supported, supported_prior)))

    def detect(self, text: str, hint: str | None = None) -> LanguageGuess:
        """Guess the language of ``text``; a ``hint`` from the caller wins when given."""
        if hint:
            return _from_hint(hint, self.supported)
        cleaned = _clean(text)
        if cleaned is None:
            return _UNDETECTABLE
        # Too few letters to tell Spanish from French: decide among the supported ones.
        short = len(cleaned.split()) < SHORT_WORDS
        detector = (self._short_factory if short else self._factory).create()
        detector.set_max_text_length(self.max_text_length)
        if not short:
            detector.set_prior_map(dict(self._prior))
        detector.append(cleaned)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return _UNDETECTABLE
        if best.lang in self.supported:
            return LanguageGuess(best.lang, float(best.prob), True)
        return LanguageGuess(OTHER, float(best.prob), False)

    def detect_batch(self, texts: Sequence[str],
                     hints: Sequence[str | None] | None = None) -> list[LanguageGuess]:
        hints = hints or [None] * len(texts)
        return [self.detect(text, hint) for text, hint in zip(texts, hints)]

    def warm_up(self) -> None:
        self.detect("Bonjour, merci pour cet article. Thanks for this post.")


def _factory(codes: tuple[str, ...], seed: int | None) -> DetectorFactory:
    factory = DetectorFactory()
    factory.set_seed(seed)
    factory.load_json_profile([(_PROFILES / code).read_text(encoding="utf-8") for code in codes])
    return factory
