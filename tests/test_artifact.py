"""Model artifacts: manifest, hash and library-version checks, the current pointer."""

from __future__ import annotations

import json
import shutil

import pytest

from model import artifact
from model.errors import ModelLoadError
from model.predictor import Moderator


@pytest.fixture
def version_dir(models_dir, tmp_path):
    """A private copy of the session's model version, safe to damage."""
    source = artifact.resolve(models_dir)
    target = tmp_path / "models" / source.name
    shutil.copytree(source, target)
    artifact.set_current(target.parent, source.name)
    return target


def test_manifest_records_what_training_used(version_dir):
    m = artifact.load_manifest(version_dir)
    assert m["artifact"]["sha256"] == artifact.file_sha256(version_dir / "model.joblib")
    assert m["libraries"]["scikit-learn"] == artifact.library_versions()["scikit-learn"]
    assert len(m["training_data"]["sha256"]) == 64
    assert m["metrics"]["cross_validation"]["overall"]["macro_f1"] > 0
    assert set(m["thresholds"]) == {"constructive", "critical", "abusive"}


def test_loads_through_the_current_pointer(version_dir):
    assert Moderator.load(version_dir.parent).version == version_dir.name


def test_an_altered_artifact_is_refused(version_dir):
    with open(version_dir / "model.joblib", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelLoadError, match=r"sha256 .* altered or replaced"):
        Moderator.load(version_dir)


def test_a_manifest_with_another_hash_is_refused(version_dir):
    path = version_dir / "manifest.json"
    m = json.loads(path.read_text())
    m["artifact"]["sha256"] = "0" * 64
    path.write_text(json.dumps(m))
    with pytest.raises(ModelLoadError, match="sha256"):
        Moderator.load(version_dir)


@pytest.mark.parametrize(("library", "value"), [("scikit-learn", "1.0.0"), ("joblib", "0.1"),
                                                ("numpy", "1.26.4")])
def test_other_library_versions_are_refused(version_dir, library, value):
    path = version_dir / "manifest.json"
    m = json.loads(path.read_text())
    m["libraries"][library] = value
    path.write_text(json.dumps(m))
    with pytest.raises(ModelLoadError, match=f"trained with {library} {value}.*retrain"):
        Moderator.load(version_dir)


def test_missing_model_says_how_to_build_one(tmp_path):
    with pytest.raises(ModelLoadError, match="moderation-train"):
        Moderator.load(tmp_path)


def test_set_current_refuses_an_unknown_version(tmp_path):
    with pytest.raises(ModelLoadError, match="no manifest"):
        artifact.set_current(tmp_path, "nope")
