"""Shared fixtures: a real small model trained once per session, the app, and a live
gunicorn server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.server import Server
from model import artifact
from training.data import load_examples
from training.train import Progress, train

pytest_plugins = ["tests.fixtures_postgres"]

ROOT = Path(__file__).resolve().parent.parent
CLIENT_KEY, ADMIN_KEY = "test-client-key", "test-admin-key"


def small_training_set():
    """Seeds plus every third corpus row: enough for a real model, fast to train."""
    examples = load_examples()
    return [e for i, e in enumerate(examples) if e.id.startswith("seed-") or i % 3 == 0]


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A models directory holding one trained version, marked current."""
    directory = tmp_path_factory.mktemp("models")
    _, manifest = train(small_training_set(), models_dir=directory, folds=3,
                        progress=Progress(quiet=True), report=False)
    artifact.set_current(directory, manifest["version"])
    return directory


@pytest.fixture(scope="session")
def moderator(models_dir):
    from model.predictor import Moderator

    return Moderator.load(models_dir)


def app_config(models_dir: Path, tmp_path: Path, **overrides) -> dict:
    return {"TESTING": True, "MODEL_DIR": str(models_dir), "API_KEYS": [CLIENT_KEY],
            "ADMIN_KEYS": [ADMIN_KEY], "MODEL_WATCH_INTERVAL": 0,
            "FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"), **overrides}


@pytest.fixture
def app(models_dir, tmp_path):
    from service import create_app

    return create_app(app_config(models_dir, tmp_path))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth():
    return {"Authorization": f"Bearer {CLIENT_KEY}"}


@pytest.fixture
def admin_auth():
    return {"Authorization": f"Bearer {ADMIN_KEY}"}


class LiveServer(Server):
    """The benchmark's gunicorn launcher on 127.0.0.1, with the test keys, a fast model
    watcher and ``workers`` workers."""

    def __init__(self, models_dir: Path, workdir: Path, *, workers: int = 2,
                 env: dict | None = None) -> None:
        super().__init__(models_dir, workdir, env={
            "MODERATION_API_KEYS": CLIENT_KEY, "MODERATION_ADMIN_KEYS": ADMIN_KEY,
            "MODERATION_MODEL_WATCH_INTERVAL": "0.5", "GUNICORN_WORKERS": str(workers),
            **(env or {})})

    def start(self) -> LiveServer:
        return self.__enter__()


@pytest.fixture(scope="session")
def live_server(models_dir, tmp_path_factory):
    server = LiveServer(models_dir, tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()
