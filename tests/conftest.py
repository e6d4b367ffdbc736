"""Shared fixtures: a real small model trained once per session, and app/client fixtures."""

from __future__ import annotations

pytest_plugins = ["tests.fixtures_postgres"]
