"""The real service under gunicorn, through a socket on 127.0.0.1: contract, auth, limits,
hostile bodies, hot reload under load (endpoint and SIGHUP), concurrent feedback writers."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from model import artifact
from tests.conftest import ADMIN_KEY, CLIENT_KEY, LiveServer

pytestmark = pytest.mark.slow

COMMENTS = [{"id": "a", "text": "Merci pour cet article très clair, j'ai appris plein de choses."},
            {"id": "b", "text": "ferme ta gueule espèce de connard"}]


def call(url: str, path: str, body=None, *, key: str | None = CLIENT_KEY, method=None,
         raw: bytes | None = None, timeout: float = 30):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            payload = r.read()
            return r.status, json.loads(payload) if payload else None, dict(r.headers)
    except urllib.error.HTTPError as e:
        payload = e.read()
        try:
            return e.code, json.loads(payload), dict(e.headers)
        except ValueError:
            return e.code, payload, dict(e.headers)


def test_classify_over_http(live_server):
    status, body, headers = call(live_server.url, "/v1/classify", {"comments": COMMENTS})
    assert status == 200
    assert [r["id"] for r in body["results"]] == ["a", "b"]
    assert body["results"][1]["label"] == "abusive"
    assert headers["X-Model-Version"] == body["model"]["version"]
    status, body, _ = call(live_server.url, "/v1/threads/classify",
                           {"comments": [{**COMMENTS[0]}, {**COMMENTS[1], "parent_id": "a"}]})
    assert status == 200 and body["summary"]["total"] == 2
    assert call(live_server.url, "/v1/model")[0] == 200
    status, body, _ = call(live_server.url, "/v1/model/thresholds?label=abusive&query="
                           "maximum%20recall%20%40%20precision%20%3E%3D%200.9")
    assert status == 200 and "answer" in body


def test_auth_failures_over_http(live_server):
    assert call(live_server.url, "/v1/classify", {"comments": COMMENTS}, key=None)[0] == 401
    assert call(live_server.url, "/v1/classify", {"comments": COMMENTS}, key="nope")[0] == 401
    assert call(live_server.url, "/v1/admin/reload", {}, key=CLIENT_KEY)[0] == 403
    assert call(live_server.url, "/healthz", key=None)[0] == 200


@pytest.mark.parametrize("raw", [b"not json", b"[]", b"{}", b'{"comments": [{"text": 3}]}',
                                 b'{"comments": [{"text": ""}]}',
                                 b'{"comments": [' + b'{"text": "a"},' * 99_999
                                 + b'{"text": "a"}]}'])
def test_hostile_bodies_get_4xx_and_the_service_keeps_serving(live_server, raw):
    status, body, _ = call(live_server.url, "/v1/classify", raw=raw, method="POST")
    assert 400 <= status < 500
    assert body["error"]["code"] and body["error"]["message"]
    assert call(live_server.url, "/v1/classify", {"comments": COMMENTS})[0] == 200


def test_a_10_mb_body_is_refused_from_its_headers(live_server):
    # The server answers 413 from Content-Length alone, before reading the body: send the
    # headers of a 10 MB request and read the answer (what curl does with Expect: 100).
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"POST /v1/classify HTTP/1.1\r\nHost: {host}\r\n"
                     f"Authorization: Bearer {CLIENT_KEY}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {10 * 1024 * 1024}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == b"413"
    assert json.loads(payload)["error"]["code"] == "payload_too_large"
    assert call(live_server.url, "/v1/classify", {"comments": COMMENTS})[0] == 200


def test_metrics_add_up_across_workers(live_server):
    for _ in range(6):
        call(live_server.url, "/v1/classify", {"comments": COMMENTS})
    text = urllib.request.urlopen(live_server.url + "/metrics", timeout=10).read().decode()
    line = next(row for row in text.splitlines() if row.startswith(
        'moderation_http_requests_total{endpoint="/v1/classify",method="POST",status="200"}'))
    assert float(line.split()[-1]) >= 6
    assert "moderation_model_info{" in text


def _clone_version(models_dir: Path, source: str, name: str) -> None:
    """A new version directory with the same artifact and a new version name."""
    shutil.copytree(models_dir / source, models_dir / name)
    path = models_dir / name / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["version"] = name
    path.write_text(json.dumps(manifest))


@pytest.fixture
def reload_server(models_dir, tmp_path):
    own = tmp_path / "models"
    version = artifact.current_version(models_dir)
    own.mkdir()
    shutil.copytree(models_dir / version, own / version)
    artifact.set_current(own, version)
    server = LiveServer(own, tmp_path, workers=2).start()
    yield server, own, version
    server.stop()


class Load:
    """A bounded loop of classify requests from several threads, recording every answer."""

    def __init__(self, url: str, *, threads: int = 4, duration: float = 6.0) -> None:
        self.url, self.answers, self.errors = url, [], []
        self.stop_at = time.monotonic() + duration
        self.threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while time.monotonic() < self.stop_at and len(self.answers) < 5000:
            try:
                status, body, headers = call(self.url, "/v1/classify", {"comments": COMMENTS})
                self.answers.append((status, body["model"]["version"] if status == 200 else None,
                                     headers.get("X-Model-Version")))
            except Exception as exc:
                self.errors.append(repr(exc))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        for t in self.threads:
            t.join()


def test_reload_under_load_drops_nothing(reload_server):
    server, models, old = reload_server
    new = old + "-new"
    _clone_version(models, old, new)
    with Load(server.url, duration=6.0) as load:
        time.sleep(1.5)
        status, body, _ = call(server.url, "/v1/admin/reload", {"version": new}, key=ADMIN_KEY)
        assert status == 200 and body["model"]["version"] == new
        assert body["previous"]["version"] == old
    assert load.errors == []
    assert load.answers and all(s == 200 for s, _, _ in load.answers)
    assert {v for _, v, _ in load.answers} <= {old, new}
    assert all(v == h for _, v, h in load.answers)
    # Every worker follows the promotion within the watch interval.
    time.sleep(1.5)
    versions = {call(server.url, "/v1/classify", {"comments": COMMENTS})[1]["model"]["version"]
                for _ in range(10)}
    assert versions == {new}


def test_a_bad_artifact_is_refused_and_the_old_model_keeps_serving(reload_server):
    server, models, old = reload_server
    bad = old + "-bad"
    _clone_version(models, old, bad)
    with open(models / bad / "model.joblib", "ab") as fh:
        fh.write(b"corrupt")
    status, body, _ = call(server.url, "/v1/admin/reload", {"version": bad}, key=ADMIN_KEY)
    assert status == 422 and body["error"]["code"] == "model_refused"
    assert "sha256" in body["error"]["message"]
    assert artifact.current_version(models) == old
    status, body, _ = call(server.url, "/v1/classify", {"comments": COMMENTS})
    assert status == 200 and body["model"]["version"] == old


def test_sighup_restarts_workers_on_the_current_model(reload_server):
    server, models, old = reload_server
    new = old + "-hup"
    _clone_version(models, old, new)
    # Promote without the watcher's help: stop it noticing by going through SIGHUP at once.
    with Load(server.url, duration=6.0) as load:
        time.sleep(1.0)
        artifact.set_current(models, new)
        server.proc.send_signal(signal.SIGHUP)
    assert load.errors == [] and all(s == 200 for s, _, _ in load.answers)
    time.sleep(2.0)
    assert call(server.url, "/v1/classify", {"comments": COMMENTS})[1]["model"]["version"] == new


WRITER = textwrap.dedent("""
    import json, sys, urllib.request
    url, key, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for i in range(count):
        # Every second record reuses a key shared by all writers: stored once in total.
        shared = i % 2 == 0
        record = {"comment_id": f"c{i}" if shared else f"w{writer}-c{i}",
                  "text": f"texte numero {i}", "label": "critical",
                  "idempotency_key": f"shared-{i}" if shared else f"w{writer}-{i}"}
        req = urllib.request.Request(url + "/v1/feedback", data=json.dumps(record).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + key})
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status in (200, 201), r.status
    """)


def _concurrent_writers(url: str, *, writers: int = 4, count: int = 60) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, CLIENT_KEY, str(w),
                               str(count)]) for w in range(writers)]
    assert [p.wait(timeout=300) for p in procs] == [0] * writers
    records, after = [], 0
    while True:
        _, body, _ = call(url, f"/v1/feedback?limit=1000&after={after}", key=ADMIN_KEY)
        records += body["records"]
        if body["next_after"] is None:
            break
        after = body["next_after"]
    keys = [r["idempotency_key"] for r in records]
    assert len(keys) == len(set(keys)), "a retried key was stored twice"
    expected = {f"shared-{i}" for i in range(0, count, 2)} | {
        f"w{w}-{i}" for w in range(writers) for i in range(1, count, 2)}
    assert set(keys) == expected, "records were lost"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_feedback_writers_lose_nothing(models_dir, tmp_path, backend, request):
    db = (request.getfixturevalue("fresh_postgres_url") if backend == "postgresql"
          else str(tmp_path / "fb.sqlite3"))
    server = LiveServer(models_dir, tmp_path, workers=2,
                        env={"MODERATION_FEEDBACK_DB": db}).start()
    try:
        _concurrent_writers(server.url)
    finally:
        server.stop()
