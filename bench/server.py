"""The real service under gunicorn on 127.0.0.1, for the load benchmarks."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.system import ROOT, cpu_seconds, peak_rss_mb, rss_mb, worker_pids

__all__ = ["Server", "free_port"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m gunicorn -c service/gunicorn_conf.py`` bound to a free loopback port.

    Use as a context manager; the gunicorn log goes to ``workdir``. ``env`` adds or
    overrides variables (e.g. ``GUNICORN_WORKERS``).
    """

    def __init__(self, models_dir: Path, workdir: Path, *, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = secrets.token_urlsafe(16)
        self.log = workdir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, "MODERATION_MODEL_DIR": str(models_dir),
                    "MODERATION_API_KEYS": self.key, "MODERATION_ADMIN_KEYS": "",
                    "MODERATION_FEEDBACK_DB": str(workdir / "feedback.sqlite3"),
                    "GUNICORN_BIND": f"127.0.0.1:{self.port}", **(env or {})}
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.proc: subprocess.Popen | None = None
        self.ready_seconds = float("nan")

    def __enter__(self) -> Server:
        start = time.perf_counter()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "service/gunicorn_conf.py"),
                 "--bind", f"127.0.0.1:{self.port}"], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready(start, timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self, start: float, timeout: float) -> None:
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200 and len(self.workers()) >= self.expected_workers():
                        self.ready_seconds = time.perf_counter() - start
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn not ready in {timeout}s: {self.log.read_text()[-3000:]}")

    def expected_workers(self) -> int:
        return int(self.env.get("GUNICORN_WORKERS", os.cpu_count() or 1))

    def workers(self) -> list[int]:
        return worker_pids(self.proc.pid) if self.proc else []

    def cpu_seconds(self) -> float:
        """CPU time used so far by the workers together."""
        return sum(cpu_seconds(p) for p in self.workers())

    def memory(self) -> dict:
        """RSS now and peak RSS of the master and of each worker, in MiB."""
        workers = self.workers()
        return {"master_rss_mb": round(rss_mb(self.proc.pid), 1),
                "worker_rss_mb": [round(rss_mb(p), 1) for p in workers],
                "worker_peak_rss_mb": [round(peak_rss_mb(p), 1) for p in workers]}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
