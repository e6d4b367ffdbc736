"""Saving and loading model artifacts with their manifest, and the "current" pointer.

A model version is a directory ``<models>/<version>/`` holding ``model.joblib`` and
``manifest.json`` (plus the model card and report written by training). ``joblib.load``
executes code, so :func:`load` first checks the artifact's sha256 against the manifest and
the library versions recorded at training time against the running ones, and refuses any
mismatch. ``<models>/current`` names the version the service serves; promotion replaces
it atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import joblib

from model.errors import ModelLoadError

__all__ = ["ARTIFACT", "CURRENT", "MANIFEST", "current_version", "file_sha256",
           "library_versions", "load_manifest", "load_pipeline", "new_version",
           "resolve", "save", "set_current"]

ARTIFACT, MANIFEST, CURRENT = "model.joblib", "manifest.json", "current"
#: Libraries whose version must match exactly (pickles depend on them), then those whose
#: major.minor must match.
EXACT = ("scikit-learn", "joblib")
MINOR = ("numpy", "scipy")


def library_versions() -> dict[str, str]:
    """Versions of the libraries a pickled pipeline depends on."""
    from importlib.metadata import version

    import langdetect  # noqa: F401 - imported for its presence
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "joblib": joblib.__version__, "langdetect": version("langdetect")}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def new_version(now: datetime | None = None) -> str:
    """A sortable version name: the UTC time of training."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def save(pipeline, manifest: dict, directory: Path) -> dict:
    """Write ``pipeline`` and its manifest (completed with artifact hash and versions)."""
    directory.mkdir(parents=True, exist_ok=False)
    path = directory / ARTIFACT
    joblib.dump(pipeline, path, compress=3)
    manifest = {**manifest, "libraries": library_versions(),
                "artifact": {"file": ARTIFACT, "sha256": file_sha256(path),
                             "bytes": path.stat().st_size}}
    _atomic_write(directory / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def current_version(models_dir: Path) -> str | None:
    """The version named by ``<models>/current``, if any."""
    pointer = models_dir / CURRENT
    return pointer.read_text(encoding="utf-8").strip() or None if pointer.is_file() else None


def set_current(models_dir: Path, version: str) -> None:
    """Make ``version`` the one served (atomic replace of the pointer file)."""
    if not (models_dir / version / MANIFEST).is_file():
        raise ModelLoadError(f"cannot promote {version!r}: {models_dir / version} has no manifest")
    _atomic_write(models_dir / CURRENT, version + "\n")


def resolve(path: Path) -> Path:
    """A version directory from either itself or a models directory with ``current``."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    version = current_version(path)
    if version is None:
        raise ModelLoadError(f"no model at {path}: neither a model version directory nor a "
                             "models directory with a 'current' file; train one with "
                             "'moderation-train'")
    return path / version


def load_manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"cannot read {directory / MANIFEST}: {exc}") from None


def check_versions(recorded: dict[str, str]) -> None:
    """Refuse an artifact built with other versions of the libraries it pickles."""
    running = library_versions()
    for lib in EXACT:
        if recorded.get(lib) != running[lib]:
            raise ModelLoadError(
                f"model was trained with {lib} {recorded.get(lib)} but {running[lib]} is "
                "installed; retrain it ('moderation-train') or install the recorded version")
    for lib in MINOR:
        if recorded.get(lib, "").split(".")[:2] != running[lib].split(".")[:2]:
            raise ModelLoadError(
                f"model was trained with {lib} {recorded.get(lib)} but {running[lib]} is "
                "installed; retrain it or install the recorded version")


def load_pipeline(path: Path) -> tuple[object, dict, Path]:
    """Verify and load an artifact: ``(pipeline, manifest, version_directory)``."""
    directory = resolve(path)
    manifest = load_manifest(directory)
    artifact = directory / manifest.get("artifact", {}).get("file", ARTIFACT)
    if not artifact.is_file():
        raise ModelLoadError(f"model file {artifact} is missing")
    expected = manifest.get("artifact", {}).get("sha256")
    actual = file_sha256(artifact)
    if expected != actual:
        raise ModelLoadError(f"sha256 of {artifact} is {actual[:12]}..., the manifest records "
                             f"{str(expected)[:12]}...: the file was altered or replaced; "
                             "refusing to load it")
    check_versions(manifest.get("libraries", {}))
    try:
        pipeline = joblib.load(artifact)
    except Exception as exc:
        raise ModelLoadError(f"cannot unpickle {artifact}: {exc}") from None
    return pipeline, manifest, directory
