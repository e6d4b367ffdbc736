"""Coral's External Moderation phase: ``POST /v1/integrations/coral``.

Coral (the open-source comment platform) posts every new or edited comment to this URL
and waits, within its timeout, for a decision. One comment costs one model call::

    author.role in CORAL_PASS_ROLES     204, not classified (staff, moderators, admins)
    action "reject"                     200 {"status": "REJECTED"}
    action "review"                     200 {"status": CORAL_REVIEW_STATUS (PREMOD),
                                             "actions": [{"actionType": "FLAG",
                                                          "reason": "COMMENT_DETECTED_TOXIC"}]}
    action "approve", or no text        204 (no decision: Coral's other settings apply)

Coral's editor writes HTML; the text classified is the body with its tags removed, its
entities decoded and a line break for each block element. No length limit applies beyond
``MAX_CONTENT_LENGTH``: any refusal makes Coral skip the phase, that is, publish the comment
unjudged.

Signature: ``X-Coral-Signature`` holds comma-separated ``sha256=HEX`` elements (two or more
while a secret is being rolled), HEX being the HMAC-SHA256 of the raw body keyed with a
signing secret. Every element is compared in constant time with the HMAC under every
secret of ``CORAL_SIGNING_SECRETS``; one match is enough. Elements of another scheme are
ignored. The check runs on the raw bytes, before the body is parsed::

    no secret configured            403 coral_not_configured (the route refuses everything)
    header missing or blank         401 missing_signature
    no well-formed sha256=HEX       400 malformed_signature
    no element matches              401 invalid_signature
    body not Coral's request        400 invalid_coral_request

Errors use the service's ``{"error": {"code", "message"}}`` shape.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from service import openapi
from service.api import classify_texts, current_model
from service.config import ConfigError
from service.errors import BadRequest, Forbidden, Unauthorized
from service.openapi import STANDARD_ERRORS, error_response, json_body, json_response
from service.parsing import read_json_object

__all__ = ["OPENAPI", "CoralRequest", "bp", "decision", "html_to_text", "init_app",
           "verify_signature"]

bp = Blueprint("coral", __name__)

STATUSES = ("NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD")
ACTIONS = ("NEW", "EDIT")
FLAG_TOXIC = {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}
_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


# --- signature --------------------------------------------------------------------------------


def presented_signatures(header: str | None) -> list[str]:
    """The lower-case hex digests of the header's ``sha256=`` elements."""
    if header is None or not header.strip():
        raise Unauthorized("missing X-Coral-Signature header: Coral signs each request with "
                           "the endpoint's signing secret", code="missing_signature")
    digests = []
    for element in filter(None, (e.strip() for e in header.split(","))):
        scheme, sep, value = element.partition("=")
        if not sep:
            raise _malformed(f"element {element[:20]!r} is not scheme=value")
        if scheme.strip().lower() != "sha256":
            continue
        if not _HEX.match(value.strip()):
            raise _malformed("a sha256 value must be 64 hexadecimal digits")
        digests.append(value.strip().lower())
    if not digests:
        raise _malformed("no sha256=<hex> element")
    return digests


def _malformed(reason: str) -> BadRequest:
    return BadRequest(f"malformed X-Coral-Signature header: {reason}; expected "
                      "'sha256=<64 hex digits>', comma-separated", code="malformed_signature")


def verify_signature(body: bytes, header: str | None, secrets: list[str]) -> None:
    """Raise unless ``header`` holds the HMAC-SHA256 of ``body`` under one of ``secrets``."""
    if not secrets:
        raise Forbidden("the Coral integration is not configured: set "
                        "MODERATION_CORAL_SIGNING_SECRETS to the endpoint's signing secret",
                        code="coral_not_configured")
    presented = presented_signatures(header)
    expected = [hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
                for secret in secrets]
    matched = False
    for digest in expected:  # no early exit: the time taken does not depend on the match
        for candidate in presented:
            matched |= hmac.compare_digest(digest, candidate)
    if not matched:
        raise Unauthorized("X-Coral-Signature matches no configured signing secret",
                           code="invalid_signature")


# --- request ----------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"br", "p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")


def html_to_text(body: str) -> str:
    """Coral's HTML comment body as plain text (tags removed, entities decoded)."""
    parser = _TextExtractor()
    parser.feed(body)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


def _invalid(message: str) -> BadRequest:
    return BadRequest(f"not a Coral external moderation request: {message}",
                      code="invalid_coral_request")


def _object(body: dict, name: str, *, required: bool) -> dict:
    value = body.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"'{name}' must be an object")
    return value


def _string(body: dict, name: str, where: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _invalid(f"'{where}{name}' must be a string")
    return value


@dataclass(frozen=True)
class CoralRequest:
    """Coral's External Moderation Request, checked: the fields the decision reads."""

    action: str
    text: str
    role: str
    parent_id: str | None = None

    @classmethod
    def from_json(cls, body: dict) -> CoralRequest:
        action = body.get("action")
        if action not in ACTIONS:
            raise _invalid(f"'action' must be one of {', '.join(ACTIONS)}")
        comment = _object(body, "comment", required=True)
        author = _object(body, "author", required=True)
        story, site = _object(body, "story", required=False), _object(body, "site", required=False)
        for obj, name, where in ((author, "id", "author."), (story, "id", "story."),
                                 (story, "url", "story."), (site, "id", "site."),
                                 (body, "tenantID", ""), (body, "tenantDomain", "")):
            _string(obj, name, where)
        role = _string(author, "role", "author.", required=True)
        if not role.strip():
            raise _invalid("'author.role' must not be empty")
        text = html_to_text(_string(comment, "body", "comment.", required=True))
        return cls(action, text, role.strip().upper(),
                   _string(comment, "parentID", "comment."))


def decision(action: str, review_status: str) -> dict | None:
    """Coral's answer for one of our actions; ``None`` means no decision (204)."""
    if action == "reject":
        return {"status": "REJECTED"}
    if action == "review":
        return {"status": review_status, "actions": [dict(FLAG_TOXIC)]}
    return None


# --- view -------------------------------------------------------------------------------------


@bp.post("/v1/integrations/coral")
def moderate():
    config = current_app.config
    verify_signature(request.get_data(cache=True), request.headers.get("X-Coral-Signature"),
                     config["CORAL_SIGNING_SECRETS"])
    parsed = CoralRequest.from_json(read_json_object(request))
    if parsed.role in {role.upper() for role in config["CORAL_PASS_ROLES"]} or not parsed.text:
        return _no_decision()
    prediction = classify_texts(current_model(), [parsed.text], [None], explain=False)[0]
    body = decision(prediction.action, config["CORAL_REVIEW_STATUS"])
    return jsonify(body) if body else _no_decision()


def _no_decision() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def init_app(app: Flask) -> None:
    """Register the Coral route; refuse an unknown ``CORAL_REVIEW_STATUS`` at start."""
    if app.config["CORAL_REVIEW_STATUS"] not in STATUSES:
        raise ConfigError(f"setting CORAL_REVIEW_STATUS={app.config['CORAL_REVIEW_STATUS']!r} "
                          f"is invalid: use one of {', '.join(STATUSES)}")
    app.register_blueprint(bp)
    openapi.register(app, OPENAPI)


# --- OpenAPI ----------------------------------------------------------------------------------

_NULLABLE_STRING = {"type": ["string", "null"]}
_SIGNATURE = r"^\s*sha256=[0-9a-fA-F]{64}(\s*,\s*sha256=[0-9a-fA-F]{64})*\s*$"

OPENAPI = {
    "paths": {"/v1/integrations/coral": {"post": {
        "summary": "Coral External Moderation phase: judge one new or edited comment",
        "operationId": "coralModerate",
        "security": [],
        "parameters": [{
            "name": "X-Coral-Signature", "in": "header", "required": True,
            "schema": {"type": "string", "pattern": _SIGNATURE},
            "description": "Comma-separated sha256=HEX, the HMAC-SHA256 of the raw body keyed "
                           "with a signing secret (CORAL_SIGNING_SECRETS)"}],
        "requestBody": json_body("#/components/schemas/CoralModerationRequest",
                                 "Coral's External Moderation Request"),
        "responses": {
            "200": json_response("#/components/schemas/CoralModerationResponse",
                                 "Decision: REJECTED, or flagged for review"),
            "204": {"description": "No decision: approved by the model, author in "
                                   "CORAL_PASS_ROLES, or no text"},
            "400": error_response("Malformed signature header, or not Coral's request"),
            "401": error_response("Signature missing or matching no secret"),
            "403": error_response("No signing secret configured"),
            "413": STANDARD_ERRORS["413"],
            "503": STANDARD_ERRORS["503"],
        },
    }}},
    "components": {"schemas": {
        "CoralModerationRequest": {
            "type": "object", "required": ["action", "comment", "author"],
            "properties": {
                "action": {"enum": list(ACTIONS)},
                "comment": {"type": "object", "required": ["body"], "properties": {
                    "body": {"type": "string", "description": "HTML"},
                    "parentID": _NULLABLE_STRING}},
                "author": {"type": "object", "required": ["role"], "properties": {
                    "id": _NULLABLE_STRING,
                    "role": {"type": "string", "pattern": r"\S",
                             "examples": ["COMMENTER", "STAFF", "MODERATOR", "ADMIN"]}}},
                "story": {"type": ["object", "null"], "properties": {
                    "id": _NULLABLE_STRING, "url": _NULLABLE_STRING}},
                "site": {"type": ["object", "null"], "properties": {"id": _NULLABLE_STRING}},
                "tenantID": _NULLABLE_STRING, "tenantDomain": _NULLABLE_STRING,
            }},
        "CoralModerationResponse": {
            "type": "object", "required": ["status"],
            "properties": {
                "status": {"enum": list(STATUSES)},
                "actions": {"type": "array", "items": {
                    "type": "object", "required": ["actionType", "reason"],
                    "properties": {"actionType": {"const": "FLAG"},
                                   "reason": {"enum": ["COMMENT_DETECTED_TOXIC"]}}}}}},
    }},
}
