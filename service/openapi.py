"""The OpenAPI 3.1 document served at ``/openapi.json``.

Each API module describes its own routes in a module-level ``OPENAPI`` dict
(``{"paths": ..., "components": {"schemas": ...}}``); this module merges them with the
shared pieces (error shape, security schemes). Tests fuzz the live app against it.
"""

from __future__ import annotations

import copy

from flask import Flask, jsonify, request

__all__ = ["COMMON", "build_document", "init_app"]

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                   "details": {"type": "object"}}}}}


def error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_body(schema_ref: str, description: str = "") -> dict:
    return {"required": True, "description": description,
            "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def json_response(schema_ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


#: Responses every protected JSON endpoint may give.
STANDARD_ERRORS = {
    "400": error_response("Body is not a JSON object"),
    "401": error_response("Missing or invalid API key"),
    "413": error_response("Body larger than the configured limit"),
    "422": error_response("Well-formed JSON that breaks a rule; the message says which"),
    "503": error_response("No model loaded"),
}

COMMON = {
    "components": {
        "schemas": {"Error": ERROR},
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "API key: `Authorization: Bearer <key>`"},
        },
    },
}


def _merge(into: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


def build_document(app: Flask, server_url: str | None = None) -> dict:
    """The whole document, from the ``OPENAPI`` parts of the registered modules."""
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Comment moderation API", "version": "1.0.0",
                 "description": "Labels comments constructive / critical / abusive with "
                                "calibrated scores, a recommended action and explanations."},
        "servers": [{"url": server_url or "/"}],
        "security": [{"bearer": []}],
        "paths": {},
    }
    _merge(doc, COMMON)
    for part in app.extensions.get("openapi_parts", []):
        _merge(doc, part)
    return doc


def register(app: Flask, part: dict) -> None:
    """Add a module's ``OPENAPI`` part to the document."""
    app.extensions.setdefault("openapi_parts", []).append(part)


def init_app(app: Flask) -> None:
    @app.get("/openapi.json")
    def openapi_document():
        return jsonify(build_document(app, request.host_url.rstrip("/")))
