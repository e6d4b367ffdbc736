"""Request ids, JSON access logs (never the comment text) and Prometheus metrics.

Metrics live in a registry owned by the app. Under gunicorn the configuration sets
``PROMETHEUS_MULTIPROC_DIR`` so that every worker writes its samples to shared files and
``/metrics`` adds them up across workers.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["JsonFormatter", "Metrics", "configure_logging", "init_app"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: Only these ``extra`` fields reach the log line: a comment's text can never slip in.
_LOG_FIELDS = ("request_id", "method", "path", "endpoint", "status", "duration_ms",
               "comments", "model_version", "previous_version", "reason", "remote_addr",
               "bytes_in", "warning")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and whitelisted fields."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line = {"ts": ts,
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in _LOG_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(level: str = "INFO") -> None:
    """Send the service's loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("service")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level)


class Metrics:
    """The service's Prometheus metrics, in a registry of their own."""

    LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("moderation_http_requests_total", "HTTP requests",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("moderation_http_request_duration_seconds",
                                 "Request latency", ["endpoint"], registry=self.registry,
                                 buckets=self.LATENCY_BUCKETS)
        self.comments = Counter("moderation_comments_classified_total", "Comments classified",
                                ["label", "language", "action"], registry=self.registry)
        self.model = Gauge("moderation_model_info", "Model version served (value 1)",
                           ["version"], registry=self.registry, multiprocess_mode="liveall")
        self.reloads = Counter("moderation_model_reloads_total", "Model reload attempts",
                               ["outcome"], registry=self.registry)
        self._version: str | None = None

    def set_model(self, version: str) -> None:
        if version != self._version:
            if self._version is not None:
                self.model.remove(self._version)
            self.model.labels(version=version).set(1)
            self._version = version

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def init_app(app: Flask) -> None:
    """Request ids, access logs, request metrics and the ``/metrics`` route."""
    metrics = Metrics()
    app.extensions["metrics"] = metrics
    access = logging.getLogger("service.access")

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        version = g.get("model_version")
        if version:
            response.headers["X-Model-Version"] = version
        access.info("request", extra={
            "request_id": g.get("request_id"), "method": request.method,
            "path": request.path, "endpoint": endpoint, "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 3), "comments": g.get("n_comments"),
            "model_version": version, "remote_addr": request.remote_addr,
            "bytes_in": request.content_length})
        return response

    @app.get("/metrics")
    def metrics_view():
        if not app.config["METRICS_PUBLIC"]:
            from service.auth import ADMIN, authenticate

            authenticate(ADMIN)
        return Response(metrics.exposition(), mimetype=CONTENT_TYPE_LATEST.split(";")[0])
