"""The model as the service uses it: load once, classify batches, explain, decide.

:class:`Moderator` wraps a verified pipeline with its manifest, the action
:class:`~model.thresholds.Policy`, a language detector and an explainer, and turns texts
into :class:`Prediction` objects (plain domain results, no HTTP anywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from scipy import sparse

from model.artifact import load_pipeline
from model.errors import ModelInputError, ModelLoadError
from model.explain import Explainer, Span
from model.labels import LABELS
from model.language import LanguageDetector, LanguageGuess
from model.thresholds import Policy, ThresholdTable

__all__ = ["Moderator", "Prediction", "priority"]

#: A probe the loader classifies before accepting a model.
PROBE = ("Merci pour cet article très clair.", "Thanks, this was useful.")


@dataclass(frozen=True)
class Prediction:
    """The model's verdict on one comment."""

    label: str
    scores: dict[str, float]
    action: str
    confidence: float
    priority: float
    language: LanguageGuess
    reasons: list[str]
    explanation: list[Span] | None = field(default=None)


def _fast_sklearn():
    """scikit-learn without its per-call input checks: the inputs are our own texts and
    the matrices our own pipeline built (the checks cost ~10% of a one-comment call)."""
    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


def priority(scores: dict[str, float]) -> float:
    """Queue priority in [0, 1]: likely abuse first, then uncertain comments.

    P(abusive) when it dominates; otherwise half the uncertainty (one minus the margin
    between the two most likely labels), so an unsure comment ranks above a confident
    approval but below likely abuse.
    """
    ranked = sorted(scores.values(), reverse=True)
    uncertainty = 1.0 - (ranked[0] - ranked[1])
    return round(max(scores["abusive"], 0.5 * uncertainty), 4)


class Moderator:
    """A loaded, verified model ready to classify comments.

    Use :meth:`load` to build one from an artifact directory.
    """

    def __init__(self, pipeline, manifest: dict, *, directory: Path | None = None,
                 detector: LanguageDetector | None = None) -> None:
        self.pipeline = pipeline
        self.manifest = manifest
        self.directory = directory
        self.version = manifest.get("version", "unknown")
        self.name = manifest.get("name", "comment-moderation")
        self.policy = Policy.from_dict(manifest["policy"]) if "policy" in manifest else Policy(
            reject_at=0.9, review_at=0.3)
        self.detector = detector or LanguageDetector()
        classes = list(pipeline.classes_)
        self._order = np.array([classes.index(label) for label in LABELS])
        self._explainer: Explainer | None = None

    @classmethod
    def load(cls, path: str | Path, *, probe: bool = True) -> Moderator:
        """Load and verify a model version (hash, library versions, a probe prediction)."""
        pipeline, manifest, directory = load_pipeline(Path(path))
        moderator = cls(pipeline, manifest, directory=directory)
        if probe:
            moderator.probe()
        return moderator

    def probe(self) -> None:
        """Classify known texts; refuse a model whose output is not a proper distribution."""
        try:
            proba = self.predict_proba(list(PROBE))
        except Exception as exc:
            raise ModelLoadError(
                f"model {self.version} failed its probe prediction: {exc}") from None
        if proba.shape != (len(PROBE), len(LABELS)) or not np.allclose(proba.sum(axis=1), 1):
            raise ModelLoadError(f"model {self.version} gives malformed probabilities")
        self.detector.warm_up()

    @property
    def explainer(self) -> Explainer:
        if self._explainer is None:
            self._explainer = Explainer(self.pipeline)
        return self._explainer

    def features(self, texts: Sequence[str]):
        """The feature matrix of a batch (prepared documents, CSR matrix).

        The fitted transformers of the pipeline's ``FeatureUnion`` are called one after the
        other and their blocks stacked, as ``FeatureUnion.transform`` does, without its
        job-dispatch and output-wrapping layers (~0.7 ms a call, a third of a one-comment
        call). A union with weights or dropped parts goes through ``transform`` itself.
        """
        with _fast_sklearn():
            prepared = self.pipeline.named_steps["prepare"].transform(texts)
            union = self.pipeline.named_steps["features"]
            if union.transformer_weights is not None or any(
                    isinstance(t, str) for _, t in union.transformer_list):
                return prepared, union.transform(prepared).tocsr()
            blocks = [t.transform(prepared) for _, t in union.transformer_list]
            return prepared, sparse.hstack(blocks).tocsr()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in ``LABELS`` order."""
        _, x = self.features(texts)
        return self._proba(x)

    def _proba(self, x) -> np.ndarray:
        with _fast_sklearn():
            return self.pipeline.named_steps["classifier"].predict_proba(x)[:, self._order]

    def classify(self, texts: Sequence[str], *, langs: Sequence[str | None] | None = None,
                 explain: bool = False, top_spans: int = 5) -> list[Prediction]:
        """Classify a batch of comments, in order.

        One pass of the pipeline and of language detection for the whole batch; the
        per-comment work is plain Python on the rows (see ``tests/test_speed_equivalence``
        for the reference it must match).
        """
        if any(not isinstance(t, str) for t in texts):
            raise ModelInputError("every text must be a string")
        if not texts:
            return []
        _, x = self.features(texts)
        rows = self._proba(x).tolist()
        languages = self.detector.detect_batch(texts, langs)
        decide, explainer = self.policy.decide, self.explainer if explain else None
        out = []
        for i, row in enumerate(rows):
            scores = dict(zip(LABELS, row))
            best = max(range(len(LABELS)), key=row.__getitem__)  # first of equals, as argmax
            action, reasons = decide(scores)
            spans = None
            if explainer is not None:
                lo, hi = x.indptr[i], x.indptr[i + 1]
                spans = explainer.explain_values(texts[i], x.indices[lo:hi], x.data[lo:hi],
                                                 self._order[best], top=top_spans)
            out.append(Prediction(
                label=LABELS[best], scores=scores, action=action,
                confidence=round(row[best], 4), priority=priority(scores),
                language=languages[i], reasons=reasons, explanation=spans))
        return out

    def threshold_table(self, label: str) -> ThresholdTable:
        """The cross-validated threshold table of a label, from the manifest."""
        tables = self.manifest.get("thresholds", {})
        if label not in tables:
            raise KeyError(label)
        return ThresholdTable.from_dict(tables[label])
