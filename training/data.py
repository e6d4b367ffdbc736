"""Labelled examples: reading them from JSONL/CSV files and splitting off the held-out set.

A labelled row needs ``text`` and ``label``; ``id``, ``lang``, ``tags`` and the rest are
kept as they come. The held-out split is a pure function of the row id, so a row never
changes side when others are added.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from model.labels import LABELS

__all__ = [
    "CORPUS_DIR",
    "PROJECT_ROOT",
    "SEEDS_DIR",
    "DataError",
    "Example",
    "default_sources",
    "is_held_out",
    "iter_jsonl",
    "load_examples",
    "load_file",
    "split",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
CORPUS_DIR = SEEDS_DIR / "corpus"
#: Share of the corpus kept out of training, chosen by a hash of each row's id.
HELD_OUT_PERCENT = 20


class DataError(ValueError):
    """A labelled file that cannot be used, with the file and line at fault."""


@dataclass(frozen=True)
class Example:
    """One labelled comment."""

    text: str
    label: str
    id: str = ""
    lang: str | None = None
    tags: tuple[str, ...] = ()
    source: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_row(cls, row: dict, *, source: str, where: str) -> Example:
        """Check one raw row and turn it into an example."""
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
        text, label = row.get("text"), row.get("label")
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{where}: 'text' must be a non-empty string")
        if label not in LABELS:
            raise DataError(f"{where}: 'label' must be one of {', '.join(LABELS)}, got {label!r}")
        tags = row.get("tags") or ()
        if isinstance(tags, str):
            tags = tuple(t for t in tags.replace(";", "|").split("|") if t)
        known = {"text", "label", "id", "lang", "tags"}
        return cls(text=text, label=label, id=str(row.get("id") or ""),
                   lang=row.get("lang") or None, tags=tuple(tags), source=source,
                   extra={k: v for k, v in row.items() if k not in known})


def load_file(path: str | Path) -> list[Example]:
    """Read a labelled JSONL or CSV file (CSV needs a header with ``text`` and ``label``)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    source = path.name
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise DataError(f"{path}: CSV needs a header with 'text' and 'label' columns")
            return [Example.from_row(row, source=source, where=f"{path}:{n}")
                    for n, row in enumerate(reader, start=2)]
    return [Example.from_row(row, source=source, where=f"{path}:{n}")
            for n, row in iter_jsonl(path)]


def iter_jsonl(path: Path) -> Iterator[tuple[int, object]]:
    """``(line number, parsed value)`` of each non-blank line of a JSON Lines file; a line
    that is not JSON raises :class:`DataError` naming the file and line."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not valid JSON ({exc.msg})") from None


def default_sources() -> list[Path]:
    """The labelled files the project ships: the seed comments and the corpus."""
    return [SEEDS_DIR / "seed_comments.jsonl", *sorted(CORPUS_DIR.glob("*.jsonl"))]


def load_examples(paths: list[str | Path] | None = None) -> list[Example]:
    """Load several labelled files (the project's own by default), in order."""
    out: list[Example] = []
    for path in paths or default_sources():
        out.extend(load_file(path))
    return out


def is_held_out(example_id: str) -> bool:
    """Whether a row belongs to the fixed held-out split (about 20%, by id hash)."""
    digest = hashlib.sha256(example_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Split into (training, held-out); rows without an id always train."""
    train = [e for e in examples if not (e.id and is_held_out(e.id))]
    held = [e for e in examples if e.id and is_held_out(e.id)]
    return train, held
