"""Language detection for comments, seeded and restricted to the languages we know.

langdetect is randomised (it samples n-grams); a fixed seed makes it repeatable. We load
only a handful of language profiles: the supported ones plus a few frequent neighbours so
that a comment in, say, Spanish comes out as ``"other"`` instead of being forced into
French or English. A prior favours the supported languages, which is what keeps very short
comments ("merci !", "so true") from drifting to a neighbour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import langdetect
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["LanguageDetector", "LanguageGuess", "OTHER", "SUPPORTED_LANGUAGES"]

SUPPORTED_LANGUAGES = ("fr", "en")
OTHER = "other"
#: Profiles loaded beside the supported ones, so that "other" is a real outcome.
NEIGHBOURS = ("de", "es", "it", "nl", "pt")
#: Comments with fewer words are judged among the supported languages only.
SHORT_WORDS = 4
_PROFILES = Path(langdetect.__file__).parent / "profiles"
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+")


@dataclass(frozen=True)
class LanguageGuess:
    """The language of one comment.

    ``code`` is a supported language or ``"other"``; ``confidence`` is langdetect's
    probability for it (1.0 when the caller supplied a hint).
    """

    code: str
    confidence: float
    supported: bool
    source: str = "detected"

    def to_dict(self) -> dict:
        return {"code": self.code, "confidence": round(self.confidence, 4),
                "supported": self.supported, "source": self.source}


class LanguageDetector:
    """Seeded langdetect restricted to a few profiles, with an explicit "other" outcome.

    Parameters
    ----------
    supported : tuple of str
        Language codes the model handles.
    seed : int
        Seed of langdetect's sampling, for repeatable answers.
    max_text_length : int
        Characters read per comment; the first ones decide the language anyway.
    """

    def __init__(self, supported: tuple[str, ...] = SUPPORTED_LANGUAGES, *, seed: int = 0,
                 max_text_length: int = 600, supported_prior: float = 0.8) -> None:
        self.supported = tuple(supported)
        self.max_text_length = max_text_length
        codes = self.supported + tuple(c for c in NEIGHBOURS if c not in self.supported)
        self._factory = _factory(codes, seed)
        self._short_factory = _factory(self.supported, seed)
        rest = (1.0 - supported_prior) / max(1, len(codes) - len(self.supported))
        self._prior = {code: (supported_prior / len(self.supported)
                              if code in self.supported else rest) for code in codes}

    def detect(self, text: str, hint: str | None = None) -> LanguageGuess:
        """Guess the language of ``text``; a ``hint`` from the caller wins when given."""
        if hint:
            code = hint.lower()
            ok = code in self.supported
            return LanguageGuess(code if ok else OTHER, 1.0, ok, "hint")
        cleaned = _NOISE.sub(" ", text).lower()
        if sum(ch.isalpha() for ch in cleaned) < 2:
            return LanguageGuess(OTHER, 0.0, False, "undetectable")
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
            return LanguageGuess(OTHER, 0.0, False, "undetectable")
        if best.lang in self.supported:
            return LanguageGuess(best.lang, float(best.prob), True)
        return LanguageGuess(OTHER, float(best.prob), False)

    def warm_up(self) -> None:
        """Run one detection so the first real request does not pay for lazy set-up."""
        self.detect("Bonjour, merci pour cet article. Thanks for this post.")


def _factory(codes: tuple[str, ...], seed: int) -> DetectorFactory:
    factory = DetectorFactory()
    factory.set_seed(seed)
    factory.load_json_profile([(_PROFILES / code).read_text(encoding="utf-8") for code in codes])
    return factory
