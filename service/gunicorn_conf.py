"""Gunicorn settings for the moderation service (``gunicorn -c service/gunicorn_conf.py``).

Workers default to the CPU count (the model is CPU-bound and each worker holds its own
copy, about 100-200 MB); every setting can be overridden with ``GUNICORN_*`` variables or
gunicorn's own command-line flags. Each worker loads the model once, after the fork, and
warms language detection before it accepts a request. SIGHUP to the master restarts the
workers gracefully, which loads the model ``current`` names.
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# Two threads per worker (gthread): keep-alive connections (no TCP set-up per request) and
# no idle worker while the other has two requests queued; measured with ``python -m bench``
# against sync workers: ~10% less server CPU per one-comment request, more requests/s.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "sync" if threads == 1 else "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
preload_app = False  # one model per worker, loaded after the fork
accesslog = None  # the app writes its own JSON access log (without comment text)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
wsgi_app = "service.wsgi:app"


def on_starting(server):
    """Give the workers a shared directory for Prometheus samples."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        path = tempfile.mkdtemp(prefix="moderation-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        server._metrics_dir = path


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    path = getattr(server, "_metrics_dir", None)
    if path:
        shutil.rmtree(path, ignore_errors=True)
