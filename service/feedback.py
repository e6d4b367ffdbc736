"""Moderator feedback over HTTP: record decisions, page/export them, delete on request.

``POST /v1/feedback`` takes one decision (an object) or a batch (``{"records": [...]}``);
an ``idempotency_key`` (field, or the ``Idempotency-Key`` header for a single record)
makes a retried request return the stored record instead of storing it twice. Listing,
export and deletion need the admin key.

The store (:mod:`service.feedback_store`) is opened once per process, lazily, from
``FEEDBACK_DB`` (a SQLite path, or a ``postgresql://`` URL).
"""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from service.auth import ADMIN, CLIENT, require
from service.errors import ApiError, NotFound, Unprocessable
from service.feedback_store import (
    MAX_PAGE,
    FeedbackRecord,
    FeedbackStore,
    FeedbackStoreError,
    FeedbackValidationError,
    open_store,
)
from service.openapi import STANDARD_ERRORS, register
from service.parsing import read_json_object

__all__ = ["bp", "get_store", "init_app"]

bp = Blueprint("feedback", __name__)
_open_lock = threading.Lock()


class StoreUnavailable(ApiError):
    status, code = 503, "feedback_store_unavailable"


def get_store() -> FeedbackStore:
    """The process's feedback store, opened on first use."""
    ext = current_app.extensions
    if ext.get("feedback_store") is None:
        with _open_lock:
            if ext.get("feedback_store") is None:
                try:
                    ext["feedback_store"] = open_store(current_app.config["FEEDBACK_DB"])
                except FeedbackStoreError as exc:
                    raise StoreUnavailable(f"feedback store unavailable: {exc}") from None
    return ext["feedback_store"]


def _records(body: dict) -> tuple[list[FeedbackRecord], bool]:
    limit = current_app.config["MAX_TEXT_CHARS"]
    try:
        if "records" in body:
            if set(body) != {"records"}:
                raise Unprocessable("a batch is {\"records\": [...]} with no other field",
                                    code="invalid_request")
            if not body["records"]:
                raise Unprocessable("'records' is empty: send at least one decision",
                                    code="empty_records")
            return FeedbackRecord.from_dicts(body["records"], max_text_chars=limit), True
        key = request.headers.get("Idempotency-Key")
        if key and "idempotency_key" not in body:
            body = {**body, "idempotency_key": key}
        return [FeedbackRecord.from_dict(body, max_text_chars=limit)], False
    except FeedbackValidationError as exc:
        raise Unprocessable(exc.message, code="invalid_feedback",
                            details={"field": exc.field}) from None


def _stored(stored, created: bool) -> dict:
    return {"id": stored.id, "created": created, "record": stored.to_dict()}


@bp.post("/v1/feedback")
@require(CLIENT)
def post_feedback():
    records, batch = _records(read_json_object(request))
    try:
        results = get_store().add(records)
    except FeedbackStoreError as exc:
        raise StoreUnavailable(f"feedback not stored: {exc}") from None
    if batch:
        status = 201 if any(created for _, created in results) else 200
        return jsonify({"results": [_stored(s, c) for s, c in results]}), status
    stored, created = results[0]
    return jsonify(_stored(stored, created)), 201 if created else 200


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Unprocessable(f"'{name}' must be an integer", code="invalid_parameter") from None
    if not low <= value <= high:
        raise Unprocessable(f"'{name}' must be between {low} and {high}",
                            code="invalid_parameter")
    return value


@bp.get("/v1/feedback")
@require(ADMIN)
def list_feedback():
    """Page through records by id (``after``, ``limit``); ``format=jsonl`` exports them."""
    after = _int_arg("after", 0, 0, 2**63 - 1)
    limit = _int_arg("limit", 100, 1, MAX_PAGE)
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "jsonl"):
        raise Unprocessable("'format' must be json or jsonl", code="invalid_parameter")
    rows = get_store().page(after_id=after, limit=limit)
    if fmt == "jsonl":
        body = "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rows)
        response = Response(body, mimetype="application/x-ndjson")
        if len(rows) == limit:
            response.headers["X-Next-After"] = str(rows[-1].id)
        return response
    return jsonify({"records": [r.to_dict() for r in rows],
                    "next_after": rows[-1].id if len(rows) == limit else None})


@bp.delete("/v1/feedback/<int:feedback_id>")
@require(ADMIN)
def delete_feedback(feedback_id: int):
    """Privacy request: blank the record's text and note (the row stays as a tombstone)."""
    if not get_store().delete(feedback_id):
        raise NotFound(f"no feedback record with id {feedback_id}")
    return "", 204


@bp.delete("/v1/feedback/comments/<comment_id>")
@require(ADMIN)
def delete_comment_feedback(comment_id: str):
    """Privacy request for a comment: blank the text of every record about it."""
    count = get_store().delete_comment(comment_id)
    if not count:
        raise NotFound(f"no feedback record for comment {comment_id!r}")
    return jsonify({"deleted": count})


_RECORD_IN = {"type": "object", "required": ["comment_id", "text", "label"], "properties": {
    "comment_id": {"type": "string", "minLength": 1, "maxLength": 200},
    "text": {"type": "string", "minLength": 1},
    "label": {"type": "string", "enum": ["constructive", "critical", "abusive"]},
    "predicted_label": {"type": ["string", "null"],
                        "enum": ["constructive", "critical", "abusive", None]},
    "model_version": {"type": ["string", "null"]},
    "moderator_id": {"type": ["string", "null"]},
    "action": {"type": ["string", "null"], "enum": ["approve", "review", "reject", None]},
    "note": {"type": ["string", "null"], "maxLength": 2000},
    "idempotency_key": {"type": ["string", "null"], "maxLength": 200},
    "source": {"type": "string"}}, "additionalProperties": False}
_STORED = {"type": "object", "required": ["id", "created", "record"], "properties": {
    "id": {"type": "integer"}, "created": {"type": "boolean"},
    "record": {"type": "object"}}}
_ADMIN_ERRORS = {**STANDARD_ERRORS,
                 "403": STANDARD_ERRORS["401"] | {"description": "Not an admin key"}}
OPENAPI = {"paths": {
    "/v1/feedback": {
        "post": {
            "summary": "Record a moderator's decision (or a batch under 'records')",
            "operationId": "postFeedback",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [_RECORD_IN, {"type": "object", "required": ["records"],
                                       "properties": {"records": {
                                           "type": "array", "minItems": 1, "maxItems": 500,
                                           "items": _RECORD_IN}},
                                       "additionalProperties": False}]}}}},
            "responses": {
                "201": {"description": "Stored", "content": {"application/json": {
                    "schema": {"oneOf": [_STORED, {"type": "object", "required": ["results"]}]}}}},
                "200": {"description": "Already stored (same idempotency key)",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                **STANDARD_ERRORS},
        },
        "get": {
            "summary": "Page through feedback records (admin); format=jsonl exports",
            "operationId": "listFeedback",
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                {"name": "format", "in": "query",
                 "schema": {"type": "string", "enum": ["json", "jsonl"]}}],
            "responses": {"200": {"description": "Records", "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/x-ndjson": {"schema": {"type": "string"}}}}, **_ADMIN_ERRORS},
        },
    },
    "/v1/feedback/{feedback_id}": {"delete": {
        "summary": "Delete a record's text (privacy request; admin)",
        "operationId": "deleteFeedback",
        "parameters": [{"name": "feedback_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"204": {"description": "Deleted"},
                      "404": STANDARD_ERRORS["401"] | {"description": "No such record"},
                      **_ADMIN_ERRORS}}},
    "/v1/feedback/comments/{comment_id}": {"delete": {
        "summary": "Delete the text of every record about a comment (privacy request; admin)",
        "operationId": "deleteCommentFeedback",
        "parameters": [{"name": "comment_id", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Deleted", "content": {"application/json": {
            "schema": {"type": "object", "required": ["deleted"],
                       "properties": {"deleted": {"type": "integer"}}}}}},
                      "404": STANDARD_ERRORS["401"] | {"description": "No such comment"},
                      **_ADMIN_ERRORS}}},
}}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register(app, OPENAPI)
