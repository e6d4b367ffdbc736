"""The model a worker serves, and hot reload without dropping a request.

Each worker process holds one :class:`~model.predictor.Moderator`. A request takes a
reference to it at the start (``holder.get()``) and keeps it to the end, so swapping in a
new model is a single reference assignment: requests in flight finish on the old one.
A new version is verified (hash, library versions, probe prediction) *before* the swap;
a bad artifact raises and the old model keeps serving.

Workers learn about a promoted model by watching ``<models>/current``: a daemon thread
polls it and reloads when it names another version. The admin endpoint reloads its own
worker at once and moves the pointer, so the other workers follow within one interval.
Gunicorn's SIGHUP restarts workers gracefully, which also loads the current version.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from model.artifact import current_version, set_current
from model.errors import ModelLoadError
from model.predictor import Moderator

__all__ = ["ModelHolder"]

log = logging.getLogger("service.model")


class ModelHolder:
    """Holds the worker's current model and swaps it atomically."""

    def __init__(self, model_dir: str | Path, *, loader=Moderator.load) -> None:
        self.model_dir = Path(model_dir)
        self._loader = loader
        self._model: Moderator | None = None
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_error: str | None = None

    def get(self) -> Moderator | None:
        """The model to use for one whole request (may be ``None`` before the first load)."""
        return self._model

    def load_current(self) -> Moderator | None:
        """Load the version named by ``current``; keep serving the old one on failure."""
        try:
            return self.reload()
        except ModelLoadError as exc:
            self.last_error = str(exc)
            log.error("model not loaded", extra={"reason": str(exc)})
            return self._model

    def reload(self, version: str | None = None, *, promote: bool = False) -> Moderator:
        """Verify and swap in ``version`` (default: the one ``current`` names).

        With ``promote``, also point ``current`` at it so other workers follow. Raises
        :class:`~model.errors.ModelLoadError` and keeps the old model if verification fails.
        """
        with self._lock:
            target = self.model_dir / version if version else self.model_dir
            if version and ("/" in version or version.startswith(".")):
                raise ModelLoadError(f"invalid model version name {version!r}")
            new = self._loader(target)
            if promote:
                set_current(self.model_dir, new.version)
            old = self._model
            self._model = new
            self.last_error = None
            log.info("model loaded", extra={"model_version": new.version,
                                            "previous_version": old.version if old else None})
            return new

    def _poll(self, interval: float) -> None:
        while not self._stop.wait(interval):
            wanted = current_version(self.model_dir)
            model = self._model
            if wanted and (model is None or wanted != model.version):
                try:
                    self.reload(wanted)
                except ModelLoadError as exc:
                    if self.last_error != str(exc):
                        log.error("model reload refused", extra={"reason": str(exc)})
                    self.last_error = str(exc)

    def watch(self, interval: float) -> None:
        """Start polling ``current`` every ``interval`` seconds (idempotent)."""
        if interval <= 0 or self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._poll, args=(interval,),
                                         name="model-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
