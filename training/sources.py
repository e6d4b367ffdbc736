"""Where training examples come from, and which copy of a text wins.

Sources, in order of precedence (the first one that holds a text keeps it):

1. moderator feedback (the latest decision per comment; deleted records are skipped);
2. extra labelled files given on the command line (JSONL or CSV), in the order given;
3. the team's corpus (``seeds/corpus/*.jsonl``);
4. the seed comments (``seeds/seed_comments.jsonl``).

Texts are compared after :func:`training.datacheck.normalise_for_dedup` (case, accents,
punctuation and spacing ignored), so a moderator's correction of a comment that is also in
the corpus replaces the corpus label.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from model.artifact import file_sha256
from training.data import Example, default_sources, load_file
from training.datacheck import normalise_for_dedup

__all__ = ["Source", "collect", "deduplicate", "feedback_examples"]


@dataclass
class Source:
    """One source of labelled examples and what became of its rows."""

    name: str
    kind: str
    examples: list[Example]
    sha256: str | None = None
    used: int = 0
    dropped_duplicates: int = 0
    extra: dict = field(default_factory=dict)

    def report(self) -> dict:
        return {"name": self.name, "kind": self.kind, "rows": len(self.examples),
                "used": self.used, "dropped_duplicates": self.dropped_duplicates,
                **({"sha256": self.sha256} if self.sha256 else {}), **self.extra}


def file_source(path: Path, kind: str) -> Source:
    return Source(str(path.name if kind != "file" else path), kind, load_file(path),
                  file_sha256(path))


def feedback_examples(store) -> list[Example]:
    """The latest non-deleted decision per comment, as examples (id ``fb:<comment_id>``)."""
    return [Example(text=r.text, label=r.label, id=f"fb:{r.comment_id}", source="feedback",
                    extra={"feedback_id": r.id, "created_at": r.to_dict()["created_at"]})
            for r in store.latest_per_comment() if r.text]


def collect(*, feedback_store=None, extra_files: list[Path] = (),
            defaults: bool = True) -> list[Source]:
    """The sources, highest precedence first."""
    sources = []
    if feedback_store is not None:
        sources.append(Source("feedback", "feedback", feedback_examples(feedback_store)))
    sources += [file_source(Path(p), "file") for p in extra_files]
    if defaults:
        seeds, *corpus = default_sources()
        sources += [file_source(p, "corpus") for p in corpus]
        sources.append(file_source(seeds, "seeds"))
    return sources


def deduplicate(sources: list[Source]) -> list[Example]:
    """Examples of every source, each normalised text kept once (first source wins)."""
    seen: set[str] = set()
    out: list[Example] = []
    for source in sources:
        for example in source.examples:
            key = normalise_for_dedup(example.text)
            if key in seen:
                source.dropped_duplicates += 1
                continue
            seen.add(key)
            source.used += 1
            out.append(example)
    return out


def summary(sources: list[Source]) -> str:
    lines = ["training data:"]
    by_kind = Counter()
    for s in sources:
        by_kind[s.kind] += s.used
        if s.kind in ("feedback", "file") or s.dropped_duplicates:
            lines.append(f"  {s.kind:<8} {s.name}: {len(s.examples)} rows, {s.used} used, "
                         f"{s.dropped_duplicates} duplicates dropped")
    lines.append("  used per kind: " + ", ".join(f"{k} {n}" for k, n in by_kind.items()))
    return "\n".join(lines)
