"""The classifier: one scikit-learn Pipeline from raw text to calibrated probabilities.

::

    raw text -> TextNormaliser -> FeatureUnion(words TF-IDF, chars TF-IDF,
                                               lexicon counts, discourse signals)
             -> CalibratedClassifierCV(LogisticRegression, temperature scaling)
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from model.features import LexiconFeatures, SignalFeatures, TextNormaliser, prepared_text

__all__ = ["build_pipeline", "linear_part"]

#: Words and emoji; single letters kept so that "t es" (t'es) survives as a bigram.
WORD_PATTERN = r"(?u)\b\w+\b|[\U0001F000-\U0001FAFF\u2600-\u27BF]"


def build_pipeline(*, C: float = 8.0, calibrate: bool = True, seed: int = 0,  # noqa: N803
                   min_df: int = 2) -> Pipeline:
    """A fresh, unfitted moderation pipeline.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    calibrate : bool
        Wrap the regression in temperature scaling fitted on internal cross-validation.
    seed : int
        Seed of every random step (internal CV folds, solver).
    min_df : int
        Minimum number of documents an n-gram must appear in to become a feature.
    """
    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=prepared_text, token_pattern=WORD_PATTERN,
                                  ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                  lowercase=False, dtype=np.float64)),
        ("chars", TfidfVectorizer(preprocessor=prepared_text, analyzer="char_wb",
                                  ngram_range=(2, 5), min_df=min_df, sublinear_tf=True,
                                  lowercase=False, max_features=150_000, dtype=np.float64)),
        ("lexicon", LexiconFeatures()),
        ("signals", SignalFeatures()),
    ])
    regression = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, random_state=seed)
    if calibrate:
        from sklearn.model_selection import StratifiedKFold

        classifier = CalibratedClassifierCV(
            regression, method="temperature", ensemble=False,
            cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=seed))
    else:
        classifier = regression
    return Pipeline([("prepare", TextNormaliser()), ("features", features),
                     ("classifier", classifier)])


def linear_part(pipeline: Pipeline) -> LogisticRegression:
    """The fitted logistic regression inside a pipeline (calibrated or not)."""
    clf = pipeline.named_steps["classifier"]
    if isinstance(clf, CalibratedClassifierCV):
        return clf.calibrated_classifiers_[0].estimator
    return clf
