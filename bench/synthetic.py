"""A synthetic corpus, N times the size of the real one, to show how training cost grows.

Each new text recombines sentences (and, for one-sentence texts, words) of real texts that
share its label and language, so the label and language distribution, the vocabulary and
the text lengths stay those of the corpus. It is only a load for the training benchmark:
never used for, nor mixed into, the real model.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

from training.data import Example

__all__ = ["scale"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _recombine(sentences: list[str], length: int, rng: random.Random) -> str:
    """About ``length`` sentences drawn from the pool; a single one gets its words
    shuffled a little so that the texts are not mere copies."""
    picked = [rng.choice(sentences) for _ in range(length)]
    if length == 1:
        words = picked[0].split()
        for _ in range(max(1, len(words) // 5)):
            i, j = rng.randrange(len(words)), rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
        return " ".join(words)
    return " ".join(picked)


def scale(examples: list[Example], factor: int, *, seed: int = 0) -> list[Example]:
    """``factor`` times as many examples as given, with the same (label, language) counts
    multiplied by ``factor``; deterministic for a seed."""
    rng = random.Random(seed)
    pools: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    lengths: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for e in examples:
        parts = _sentences(e.text)
        pools[(e.label, e.lang)].extend(parts)
        lengths[(e.label, e.lang)].append(max(1, len(parts)))
    out = []
    for e in examples:
        key = (e.label, e.lang)
        for _ in range(factor):
            text = _recombine(pools[key], rng.choice(lengths[key]), rng)
            out.append(Example(text=text or e.text, label=e.label, id=f"syn-{len(out)}",
                               lang=e.lang, source="synthetic"))
    return out
