"""HTTP errors of the service and the one place that renders them.

::

    ApiError (status, code, message)
    ├── BadRequest          400  body is not JSON, or not the expected shape at all
    ├── Unauthorized        401  no API key or an unknown one
    ├── Forbidden           403  a valid key without the admin role
    ├── NotFound            404
    ├── PayloadTooLarge     413  body over the configured size
    ├── Unprocessable       422  well-formed JSON that breaks a rule (type, limit, cycle...)
    └── ServiceUnavailable  503  no model loaded yet

Views raise these; :func:`init_app` turns them (and Werkzeug's own HTTP errors) into
``{"error": {"code": ..., "message": ...}}``. Anything else is a bug: logged with its
traceback, answered with a generic 500 that reveals nothing.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

__all__ = ["ApiError", "BadRequest", "Forbidden", "NotFound", "PayloadTooLarge",
           "ServiceUnavailable", "Unauthorized", "Unprocessable", "error_body", "init_app"]

log = logging.getLogger("service")


class ApiError(Exception):
    """An error with its HTTP status, a stable machine code and a human message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or {}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class Unprocessable(ApiError):
    status, code = 422, "invalid_request"


class ServiceUnavailable(ApiError):
    status, code = 503, "model_unavailable"


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
               415: "unsupported_media_type"}


def init_app(app: Flask) -> None:
    """Register the error handlers (each blueprint may render its own format first)."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        response = jsonify(error_body(exc.code, exc.message, exc.details))
        response.status_code = exc.status
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="moderation"'
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"request body too large: the limit is {limit} bytes"
        response = jsonify(error_body(_HTTP_CODES.get(status, "http_error"), message))
        response.status_code = status
        allow = dict(exc.get_headers()).get("Allow")
        if allow:
            response.headers["Allow"] = allow
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        response = jsonify(error_body("internal_error",
                                      "internal error; the request id identifies it in the logs"))
        response.status_code = 500
        return response
