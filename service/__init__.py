"""The moderation service: a Flask app factory.

``create_app(test_config=None)`` builds the app from defaults, then the config file and
environment (:mod:`service.config`), then ``test_config``; it loads the current model once
for this process and starts watching for promoted versions.
"""

from __future__ import annotations

import logging

from flask import Flask

from service import admin, api, coral, errors, feedback, observability, openapi, perspective
from service.api_schema import OPENAPI as API_OPENAPI
from service.config import load_config
from service.model_holder import ModelHolder

__all__ = ["create_app"]

log = logging.getLogger("service")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the WSGI application."""
    app = Flask(__name__)
    app.config.update(load_config())
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    observability.configure_logging(app.config["LOG_LEVEL"])
    _warn_about_auth(app)
    errors.init_app(app)
    observability.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    openapi.register(app, API_OPENAPI)
    openapi.init_app(app)
    for module in (feedback, perspective, coral):
        module.init_app(app)
    holder = ModelHolder(app.config["MODEL_DIR"])
    app.extensions["model_holder"] = holder
    model = holder.load_current()
    if model is not None:
        app.extensions["metrics"].set_model(model.version)
    holder.watch(app.config["MODEL_WATCH_INTERVAL"])
    return app


def _warn_about_auth(app: Flask) -> None:
    if app.config["AUTH_DISABLED"]:
        log.warning("authentication is DISABLED (AUTH_DISABLED is set): every endpoint is "
                    "open, admin ones included (Coral requests still need their signature)",
                    extra={"warning": "auth_disabled"})
    elif not app.config["API_KEYS"] and not app.config["ADMIN_KEYS"]:
        log.warning("no API key configured: every protected endpoint will answer 401; set "
                    "MODERATION_API_KEYS (or MODERATION_API_KEYS_FILE)",
                    extra={"warning": "no_keys"})
