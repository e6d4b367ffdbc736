"""Text normalisation shared by training and serving (it runs inside the pipeline).

One function, :func:`normalise`, turns a raw comment into the view every feature reads:
Unicode NFKC, case folding, disguised words undone (spaced or dotted letters joined,
leetspeak digits and symbols mapped back to letters where they sit inside a word, masked
letters resolved against the abuse lexicon, letters repeated three times or more
collapsed), accents folded, URLs, @mentions and numbers replaced by placeholder words, and
emoji kept as separate tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["EMOJI", "fold_accents", "normalise", "tokens"]

URL_TOKEN, MENTION_TOKEN, NUMBER_TOKEN = "xxurl", "xxmention", "xxnum"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")
# Three or more single letters separated by one space, dot, dash, underscore or star:
# "e n c u l é", "c.o.n.n.a.r.d". (Single letters only, so "il y a" stays as it is.)
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*/]){2,}[^\W\d_](?![^\W\d_])")
_SPACED_SEPS = re.compile(r"[ .\-_*/]")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_LEET_DIGITS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_LEET_SYMBOLS = {"@": "a", "$": "s", "€": "e", "!": "i", "|": "l"}
_LEET = {**_LEET_DIGITS, **_LEET_SYMBOLS}
_WORDISH = re.compile(r"[\w@$€!|*]+")
_MASK = "*"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"\w+|" + EMOJI.pattern)


def fold_accents(text: str) -> str:
    """Drop combining accents: ``"enculé"`` -> ``"encule"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _unleet_word(word: str) -> str:
    """Map leet characters that sit inside a word: ``c0nnard`` -> ``connard``.

    A digit is read as a letter when letters (or other leet digits) stand on both sides of
    it, or when it ends a word of three letters or more right after a letter (``sal0p3``);
    a symbol (``@ $ € ! |``) only between two letters (``s@lope``, but not ``wow!!``).
    ``mp3``, ``covid19``, ``5g`` or ``1er`` stay as they are.
    """
    if not any(c in _LEET for c in word) or sum(map(_is_letter, word)) < 2:
        return word
    chars = list(word)
    letters = sum(map(_is_letter, word))

    def letter(i: int, *, leet_ok: bool) -> bool:
        if not 0 <= i < len(chars):
            return False
        return _is_letter(chars[i]) or (leet_ok and chars[i] in _LEET_DIGITS)

    out = []
    for i, ch in enumerate(chars):
        digit = ch in _LEET_DIGITS
        if ch in _LEET:
            inside = letter(i - 1, leet_ok=digit) and letter(i + 1, leet_ok=digit)
            at_end = (digit and i == len(chars) - 1 and letter(i - 1, leet_ok=False)
                      and letters >= 3)
            if inside or at_end:
                out.append(_LEET[ch])
                continue
        out.append(ch)
    mapped = "".join(out)
    # A word that still mixes digits and letters was not leet ("covid19"): keep it.
    return mapped if not any(c.isdigit() for c in mapped) else word


@lru_cache(maxsize=4096)
def _unmask(word: str) -> str:
    """Resolve masked letters against the lexicon: ``c*nnard`` -> ``connard``."""
    from model.lexicon import unmask

    return unmask(word)


def _clean_word(match: re.Match) -> str:
    word = match.group(0)
    if _MASK in word.strip(_MASK) and any(_is_letter(c) for c in word):
        word = _unmask(word)
    return _unleet_word(word)


def _join_spaced(match: re.Match) -> str:
    return _SPACED_SEPS.sub("", match.group(0))


def normalise(text: str) -> str:
    """The normalised view of a comment, as every feature of the model reads it."""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(f" {URL_TOKEN} ", text)
    text = _MENTION.sub(f" {MENTION_TOKEN} ", text)
    text = text.casefold()
    text = _SPACED.sub(_join_spaced, text)
    text = _WORDISH.sub(_clean_word, text)
    text = _REPEATS.sub(r"\1", text)
    text = fold_accents(text)
    text = _NUMBER.sub(f" {NUMBER_TOKEN} ", text)
    text = EMOJI.sub(lambda m: f" {m.group(0)} ", text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Word and emoji tokens of an already normalised text."""
    return _TOKEN.findall(text)
