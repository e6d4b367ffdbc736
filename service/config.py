"""Configuration: defaults, then a JSON config file, then environment, then test overrides.

Every setting has an environment variable ``MODERATION_<NAME>``; ``MODERATION_CONFIG``
names a JSON file whose keys are the same names (lower or upper case). Lists (API keys,
Coral secrets) are comma-separated in the environment; ``*_FILE`` variants read one item
per line from a file, so secrets need not sit in the environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["DEFAULTS", "ConfigError", "load_config"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict = {
    "MODEL_DIR": str(PROJECT_ROOT / "var" / "models"),
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_COMMENTS": 1000,
    "MAX_TEXT_CHARS": 20_000,
    "MAX_THREAD_COMMENTS": 2000,
    "API_KEYS": [],
    "ADMIN_KEYS": [],
    "AUTH_DISABLED": False,
    "METRICS_PUBLIC": True,
    "MODEL_WATCH_INTERVAL": 2.0,
    "FEEDBACK_DB": str(PROJECT_ROOT / "var" / "feedback.sqlite3"),
    "CORAL_SIGNING_SECRETS": [],
    "CORAL_REVIEW_STATUS": "PREMOD",
    "CORAL_PASS_ROLES": ["STAFF", "MODERATOR", "ADMIN"],
    "PERSPECTIVE_MAX_TEXT_BYTES": 20_480,
    "LOG_LEVEL": "INFO",
}
_LISTS = {"API_KEYS", "ADMIN_KEYS", "CORAL_SIGNING_SECRETS", "CORAL_PASS_ROLES"}
_BOOLS = {"AUTH_DISABLED", "METRICS_PUBLIC"}
_INTS = {"MAX_CONTENT_LENGTH", "MAX_COMMENTS", "MAX_TEXT_CHARS", "MAX_THREAD_COMMENTS",
         "PERSPECTIVE_MAX_TEXT_BYTES"}
_FLOATS = {"MODEL_WATCH_INTERVAL"}
_ENV_NAMES = {"MAX_CONTENT_LENGTH": "MAX_BODY_BYTES"}


class ConfigError(ValueError):
    """A setting with a value the service cannot use."""


def _coerce(name: str, value):
    try:
        if name in _LISTS:
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return [str(v) for v in value]
        if name in _BOOLS:
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if name in _INTS:
            number = int(value)
            if number <= 0:
                raise ValueError("must be positive")
            return number
        if name in _FLOATS:
            return float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={value!r} is invalid: {exc}") from None
    return value


def _read_lines(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def load_config(environ: dict | None = None) -> dict:
    """The settings from defaults, config file and environment (test overrides come later)."""
    env = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    path = env.get("MODERATION_CONFIG")
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must hold a JSON object")
        unknown = {k.upper() for k in data} - set(DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown setting(s) in {path}: {sorted(unknown)}")
        config.update({k.upper(): _coerce(k.upper(), v) for k, v in data.items()})
    for name in DEFAULTS:
        var = f"MODERATION_{_ENV_NAMES.get(name, name)}"
        if var in env:
            config[name] = _coerce(name, env[var])
        if name in _LISTS and f"{var}_FILE" in env:
            config[name] = _read_lines(env[f"{var}_FILE"])
    return config
