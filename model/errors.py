"""Errors raised by the model library.

::

    ModelError
    ├── ModelLoadError        an artifact that is missing, altered or built elsewhere
    └── ModelInputError       texts the model cannot score (wrong type, empty)
"""

__all__ = ["ModelError", "ModelInputError", "ModelLoadError"]


class ModelError(Exception):
    """Base class of the model library's errors."""


class ModelLoadError(ModelError):
    """A model artifact that must not be used; the message says why and what to do."""


class ModelInputError(ModelError, ValueError):
    """Input the model cannot score."""
