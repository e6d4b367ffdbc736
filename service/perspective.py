"""Perspective API (v1alpha1) compatibility: analyze, suggestscore and a discovery document.

Clients written for Google's Perspective API switch to this service by changing the base
URL and the key (for google-api-python-client: ``discoveryServiceUrl`` alone)::

    POST /v1alpha1/comments:analyze        Perspective's request and response JSON
    POST /v1alpha1/comments:suggestscore   a moderator's correction, kept as feedback
    GET  /$discovery/rest?version=v1alpha1 discovery document, ``rootUrl`` = this service

The key travels as ``?key=`` (or ``Authorization: Bearer``); the discovery document needs
none. Errors use Google's body, ``{"error": {"code", "message", "status", "details":
[{"@type": ...Error, "errorType": ...}]}}``, with Perspective's exact ``errorType`` names.
Two deliberate differences: a missing or unknown key answers 401 ``UNAUTHENTICATED``
(Google: 403 or 400; the messages are Google's), and a body over ``MAX_CONTENT_LENGTH``
answers 413 with ``COMMENT_TOO_LONG``. The model version is in the ``X-Model-Version``
response header, never in the body, so that strict clients see only Perspective's fields.

Attributes, all from one model call (one more for the sentences with ``spanAnnotations``),
probabilities in [0, 1]::

    TOXICITY            P(abusive)
    SEVERE_TOXICITY     P(abusive) rescaled piecewise-linearly around the model's reject
                        threshold r: p / 2r below r, 0.5 + (p - r) / 2(1 - r) above. Monotone
                        and continuous; never above TOXICITY (for r >= 0.5); and >= 0.5
                        exactly when our policy rejects the comment, whatever the version.
    CONSTRUCTIVE, CRITICAL, ABUSIVE   the model's three class probabilities

Any other attribute (INSULT, UNSUBSTANTIAL...) is supported for no language: the request
fails with LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE, unless ``dropUnsupportedAttributes`` is
true, which drops it, as it drops every attribute when the comment's language is not one
the model supports or cannot be detected. Without ``languages`` the language is detected.

``scoreThreshold`` omits the summary score (and span scores) below it; the attribute key
stays, possibly as ``{}``. ``spanAnnotations`` (default false, as documented) adds one span
per sentence; offsets are code points, the end exclusive, whitespace between sentences
outside every span. ``context``, ``sessionId`` and ``communityId`` are validated and
ignored. ``doNotStore`` is always honoured on analyze: we never keep analyzed text.

suggestscore stores a correction in the feedback store (``source="perspective"``,
``comment_id`` = ``"perspective:" + sha256(text)``) with the label given by
:func:`suggested_label`; with ``doNotStore`` it validates and stores nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from service import openapi
from service.api import classify_texts, current_model
from service.auth import CLIENT, authenticate, presented_key
from service.errors import ApiError, ServiceUnavailable
from service.feedback import get_store
from service.feedback_store import FeedbackRecord, FeedbackStoreError, FeedbackValidationError
from service.parsing import read_json_object
from service.perspective_schema import OPENAPI, discovery_document

__all__ = ["ATTRIBUTES", "OPENAPI", "AnalyzeRequest", "PerspectiveError", "SuggestRequest",
           "attribute_values", "bp", "init_app", "sentence_spans", "severe_toxicity",
           "suggested_label"]

bp = Blueprint("perspective", __name__)

ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "CONSTRUCTIVE", "CRITICAL", "ABUSIVE")
#: Suggested attributes whose value >= 0.5 means "this comment is abusive".
ABUSE_ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "ABUSIVE")
SCORE_TYPES = ("PROBABILITY",)
ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
_GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                  404: "NOT_FOUND", 413: "INVALID_ARGUMENT",
                  422: "INVALID_ARGUMENT", 503: "UNAVAILABLE"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
# A sentence ends after . ! ? or an ellipsis (and closing quotes) before a space, or at a
# line break; "3.14" and "www.x.fr" do not end one.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u00bb\u201d\u2019)\]]*(?=\s|\Z)|\n")


# --- errors -----------------------------------------------------------------------------------


class PerspectiveError(ApiError):
    """A request Perspective would refuse: HTTP 400 with an ``errorType``.

    ``details`` holds extra fields of the error entry, such as
    ``languageNotSupportedByAttributeError``.
    """

    status, code = 400, "INVALID_REQUEST"


def _invalid(message: str) -> PerspectiveError:
    return PerspectiveError(message, code="INVALID_REQUEST")


def google_error(status: int, message: str, details: list[dict] | None = None):
    """A response with Google's error body."""
    error = {"code": status, "message": message,
             "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}
    if details:
        error["details"] = details
    response = jsonify({"error": error})
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    if isinstance(exc, PerspectiveError):
        return google_error(400, exc.message,
                            [{"@type": ERROR_TYPE, "errorType": exc.code, **exc.details}])
    if exc.status == 401:
        return _key_error()
    if exc.status in (400, 422):  # the body is not JSON, or not an object
        return google_error(400, exc.message, [{"@type": ERROR_TYPE,
                                                 "errorType": "INVALID_REQUEST"}])
    return google_error(exc.status, exc.message)


def _key_error():
    missing = presented_key(allow_query=True) is None
    reason = "CREDENTIALS_MISSING" if missing else "API_KEY_INVALID"
    message = ("The request is missing a valid API key." if missing
               else "API key not valid. Please pass a valid API key.")
    response = google_error(401, message, [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                            "reason": reason, "domain": "googleapis.com"}])
    response.headers["WWW-Authenticate"] = 'Bearer realm="moderation"'
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return google_error(413, f"Request body too large: the limit is {limit} bytes.",
                            [{"@type": ERROR_TYPE, "errorType": "COMMENT_TOO_LONG"}])
    return google_error(status, exc.description or exc.name)


# --- parsing ----------------------------------------------------------------------------------


def _json_type(value) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _fields(value, where: str, allowed: tuple[str, ...]) -> dict:
    """An object's fields without the null ones (null means absent, as in proto3 JSON)."""
    if not isinstance(value, dict):
        raise _invalid(f"{where or 'request body'} must be an object, got {_json_type(value)}")
    for name in value:
        if name not in allowed:
            at = f" at '{where}'" if where else ""
            raise _invalid(f'Invalid JSON payload received. Unknown name "{name}"{at}: '
                           "Cannot find field.")
    return {name: item for name, item in value.items() if item is not None}


def _typed(fields: dict, name: str, kind: type, where: str = ""):
    value = fields.get(name)
    if value is not None and (type(value) is not kind):
        want = {str: "a string", bool: "true or false", list: "an array"}[kind]
        raise _invalid(f"{where}{name} must be {want}, got {_json_type(value)}")
    return value


def _probability(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _invalid(f"{where} must be a number from 0 to 1, got {value!r:.40}")
    return float(value)


def _comment_text(value, max_bytes: int) -> str:
    """``comment.text``: present, not blank, plain text, at most ``max_bytes`` of UTF-8."""
    fields = _fields(value if value is not None else {}, "comment", ("text", "type"))
    text = _typed(fields, "text", str, "comment.")
    kind = _typed(fields, "type", str, "comment.") or "PLAIN_TEXT"
    if kind != "PLAIN_TEXT":
        raise _invalid(f"comment.type {kind!r:.40} is not supported: send PLAIN_TEXT "
                       "(HTML comments are not supported)")
    if not text or not text.strip():
        raise PerspectiveError("Comment must be non-empty.", code="COMMENT_EMPTY")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _invalid("comment.text is not valid Unicode (it holds a lone surrogate)") from None
    if size > max_bytes:
        raise PerspectiveError(f"Comment text too long: {size} bytes of UTF-8; the maximum is "
                               f"{max_bytes} bytes.", code="COMMENT_TOO_LONG")
    return text


def _languages(fields: dict) -> tuple[str, ...]:
    """ISO 639-1 codes, reduced to their primary subtag (``en-US`` -> ``en``), deduplicated."""
    codes: list[str] = []
    for i, code in enumerate(_typed(fields, "languages", list) or ()):
        if not isinstance(code, str) or not _LANGUAGE.match(code):
            raise _invalid(f"languages[{i}] must be a language code such as 'en' or 'fr', "
                           f"got {code!r:.40}")
        primary = re.split(r"[-_]", code)[0].lower()
        if primary not in codes:
            codes.append(primary)
    return tuple(codes)


def _context(fields: dict) -> None:
    """``context`` is validated (Perspective's shape) and otherwise ignored."""
    if fields.get("context") is None:
        return
    entries = _typed(_fields(fields["context"], "context", ("entries",)), "entries", list,
                     "context.") or []
    for i, entry in enumerate(entries):
        where = f"context.entries[{i}]"
        entry_fields = _fields(entry, where, ("text", "type"))
        _typed(entry_fields, "text", str, where + ".")
        if (_typed(entry_fields, "type", str, where + ".") or "PLAIN_TEXT") != "PLAIN_TEXT":
            raise _invalid(f"{where}.type must be PLAIN_TEXT")


@dataclass(frozen=True)
class AttributeRequest:
    """One requested attribute and its optional ``scoreThreshold``."""

    name: str
    threshold: float | None = None

    @classmethod
    def from_json(cls, name: str, value) -> AttributeRequest:
        where = f"requestedAttributes.{name}"
        fields = _fields(value if value is not None else {}, where,
                         ("scoreType", "scoreThreshold"))
        score_type = _typed(fields, "scoreType", str, where + ".") or "PROBABILITY"
        if score_type not in SCORE_TYPES:
            raise _invalid(f"{where}.scoreType {score_type!r:.40} is not supported: the only "
                           "score type is PROBABILITY")
        threshold = fields.get("scoreThreshold")
        if threshold is not None:
            threshold = _probability(threshold, f"{where}.scoreThreshold")
        return cls(name, threshold)


_ANALYZE_FIELDS = ("comment", "context", "requestedAttributes", "spanAnnotations", "languages",
                   "doNotStore", "clientToken", "sessionId", "communityId",
                   "dropUnsupportedAttributes")


@dataclass(frozen=True)
class AnalyzeRequest:
    """``POST /v1alpha1/comments:analyze``, checked."""

    text: str
    attributes: tuple[AttributeRequest, ...]
    languages: tuple[str, ...] = ()
    spans: bool = False
    drop_unsupported: bool = False
    client_token: str | None = None

    @classmethod
    def from_json(cls, body: dict, *, max_text_bytes: int) -> AnalyzeRequest:
        fields = _fields(body, "", _ANALYZE_FIELDS)
        for name in ("clientToken", "sessionId", "communityId"):
            _typed(fields, name, str)
        flags = {name: bool(_typed(fields, name, bool)) for name in
                 ("spanAnnotations", "doNotStore", "dropUnsupportedAttributes")}
        _context(fields)
        text = _comment_text(fields.get("comment"), max_text_bytes)
        requested = fields.get("requestedAttributes") or {}
        if not isinstance(requested, dict):
            raise _invalid(f"requestedAttributes must be an object, got {_json_type(requested)}")
        if not requested:
            raise PerspectiveError("No requested attributes: ask for at least one, e.g. "
                                   '"requestedAttributes": {"TOXICITY": {}}.',
                                   code="NO_REQUESTED_ATTRIBUTES")
        attributes = tuple(AttributeRequest.from_json(name, value)
                           for name, value in requested.items())
        return cls(text, attributes, _languages(fields), flags["spanAnnotations"],
                   flags["dropUnsupportedAttributes"], fields.get("clientToken"))


_SUGGEST_FIELDS = ("comment", "context", "attributeScores", "languages", "communityId",
                   "clientToken", "sessionId", "doNotStore")


def _summary_value(name: str, value) -> float | None:
    """The suggested value of one attribute: its summary score, else its highest span score."""
    where = f"attributeScores.{name}"
    fields = _fields(value, where, ("summaryScore", "spanScores"))
    summary = _score(fields.get("summaryScore"), where + ".summaryScore")
    spans = _typed(fields, "spanScores", list, where + ".") or []
    span_values = [_span_score(span, f"{where}.spanScores[{i}]") for i, span in enumerate(spans)]
    span_values = [v for v in span_values if v is not None]
    if summary is not None:
        return summary
    return max(span_values) if span_values else None


def _score(value, where: str) -> float | None:
    if value is None:
        return None
    fields = _fields(value, where, ("value", "type"))
    score_type = _typed(fields, "type", str, where + ".") or "PROBABILITY"
    if score_type not in SCORE_TYPES:
        raise _invalid(f"{where}.type must be PROBABILITY")
    return None if "value" not in fields else _probability(fields["value"], where + ".value")


def _span_score(value, where: str) -> float | None:
    fields = _fields(value, where, ("begin", "end", "score"))
    for name in ("begin", "end"):
        offset = fields.get(name, 0)
        integral = isinstance(offset, int) or (isinstance(offset, float) and offset.is_integer())
        if isinstance(offset, bool) or not integral or offset < 0:
            raise _invalid(f"{where}.{name} must be a non-negative integer")
    return _score(fields.get("score"), where + ".score")


@dataclass(frozen=True)
class SuggestRequest:
    """``POST /v1alpha1/comments:suggestscore``, checked.

    ``scores`` maps each of our attributes the client suggested to its value; attributes
    we do not have are ignored (a tool may send all it displays), but at least one of ours
    must carry a value.
    """

    text: str
    scores: dict[str, float]
    do_not_store: bool = False
    client_token: str | None = None

    @classmethod
    def from_json(cls, body: dict, *, max_text_bytes: int) -> SuggestRequest:
        fields = _fields(body, "", _SUGGEST_FIELDS)
        for name in ("clientToken", "sessionId", "communityId"):
            _typed(fields, name, str)
        do_not_store = bool(_typed(fields, "doNotStore", bool))
        _context(fields)
        _languages(fields)
        text = _comment_text(fields.get("comment"), max_text_bytes)
        suggested = fields.get("attributeScores") or {}
        if not isinstance(suggested, dict):
            raise _invalid(f"attributeScores must be an object, got {_json_type(suggested)}")
        values = {name: _summary_value(name, value) for name, value in suggested.items()}
        scores = {name: v for name, v in values.items() if name in ATTRIBUTES and v is not None}
        if not scores:
            raise _invalid("attributeScores must give a summaryScore (or spanScores) value for "
                           f"at least one of {', '.join(ATTRIBUTES)}")
        return cls(text, scores, do_not_store, fields.get("clientToken"))


# --- scoring ----------------------------------------------------------------------------------


def severe_toxicity(p_abusive: float, reject_at: float) -> float:
    """SEVERE_TOXICITY: P(abusive) mapped so that the reject threshold lands on 0.5."""
    r = min(max(reject_at, 1e-9), 1 - 1e-9)
    value = p_abusive / (2 * r) if p_abusive < r else 0.5 + (p_abusive - r) / (2 * (1 - r))
    return min(max(value, 0.0), 1.0)


def attribute_values(scores: Mapping[str, float], reject_at: float) -> dict[str, float]:
    """Every attribute we serve, from one prediction's class probabilities."""
    p = scores["abusive"]
    return {"TOXICITY": p, "SEVERE_TOXICITY": severe_toxicity(p, reject_at),
            "CONSTRUCTIVE": scores["constructive"], "CRITICAL": scores["critical"],
            "ABUSIVE": p}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[begin, end)`` code-point offsets of the sentences, surrounding whitespace excluded."""
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    spans = []
    for begin, end in bounds:
        piece = text[begin:end]
        if piece.strip():
            spans.append((begin + len(piece) - len(piece.lstrip()),
                          end - (len(piece) - len(piece.rstrip()))))
    return spans


def suggested_label(suggested: Mapping[str, float], predicted: Mapping[str, float]) -> str:
    """Our label for a suggestscore correction.

    1. ``abusive`` if TOXICITY, SEVERE_TOXICITY or ABUSIVE is suggested at 0.5 or more;
    2. else, if CONSTRUCTIVE or CRITICAL is suggested, the higher of the two (a missing one
       counts as 0; a tie goes to ``constructive``);
    3. else (only "not toxic" was said) the model's more likely non-abusive label, so a
       critical comment is not relabelled constructive just because it is not toxic.
    """
    if any(suggested.get(name, 0.0) >= 0.5 for name in ABUSE_ATTRIBUTES):
        return "abusive"
    pool = suggested if {"CONSTRUCTIVE", "CRITICAL"} & suggested.keys() else {
        "CONSTRUCTIVE": predicted["constructive"], "CRITICAL": predicted["critical"]}
    return ("critical" if pool.get("CRITICAL", 0.0) > pool.get("CONSTRUCTIVE", 0.0)
            else "constructive")


def _language_error(attribute: str, requested: tuple[str, ...], detected: list[str] | None,
                    supported: tuple[str, ...]) -> PerspectiveError:
    langs = ", ".join(requested or detected or [])
    if not langs:
        langs = f"detected language is none of {', '.join(supported)}"
    return PerspectiveError(
        f"Attribute {attribute} does not support request languages: {langs}",
        code="LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
        details={"languageNotSupportedByAttributeError": {
            "attribute": attribute, "requestedLanguages": list(requested),
            "detectedLanguages": detected or []}})


def _resolve_languages(parsed: AnalyzeRequest, detector) -> tuple[tuple[str, ...],
                                                                   list[str] | None]:
    """The comment's languages, and the detected ones (``None`` when the request named them).

    A detected language the model does not support is reported as ``[]`` (the detector only
    says "other"); an undetectable one fails unless unsupported attributes are dropped.
    """
    if parsed.languages:
        return parsed.languages, None
    guess = detector.detect(parsed.text)
    if guess.source == "undetectable" and not parsed.drop_unsupported:
        raise PerspectiveError("Unable to detect the language of the comment: give "
                               '"languages", e.g. ["fr"].', code="LANGUAGE_DETECTION_FAILED")
    codes = [guess.code] if guess.supported else []
    return tuple(codes), codes


def _served_attributes(parsed: AnalyzeRequest, languages: tuple[str, ...],
                       detected: list[str] | None, supported: tuple[str, ...]):
    """The requested attributes we answer; the others raise or, if asked, are dropped."""
    language_ok = bool(languages) and all(code in supported for code in languages)
    served = []
    for attribute in parsed.attributes:
        if language_ok and attribute.name in ATTRIBUTES:
            served.append(attribute)
        elif not parsed.drop_unsupported:
            raise _language_error(attribute.name, parsed.languages, detected, supported)
    return served


def _score_body(value: float) -> dict:
    return {"value": round(value, 6), "type": "PROBABILITY"}


def _attribute_scores(served, values: dict[str, float], spans) -> dict:
    """``attributeScores``: summary and span scores, those below a threshold left out."""
    body = {}
    for attribute in served:
        name, threshold = attribute.name, attribute.threshold or 0.0
        entry = {}
        if spans is not None:
            entry["spanScores"] = [
                {"begin": begin, "end": end, "score": _score_body(span_values[name])}
                for begin, end, span_values in spans if span_values[name] >= threshold]
        if values[name] >= threshold:
            entry["summaryScore"] = _score_body(values[name])
        body[name] = entry
    return body


def _span_values(model, text: str, hint: str | None, whole: dict[str, float]):
    """``(begin, end, values)`` per sentence; one sentence reuses the whole comment's."""
    spans = sentence_spans(text)
    if len(spans) <= 1:
        return [(begin, end, whole) for begin, end in spans]
    # Sentences are parts of one comment: not counted as comments in the metrics.
    predictions = model.classify([text[b:e] for b, e in spans], langs=[hint] * len(spans))
    return [(begin, end, attribute_values(p.scores, model.policy.reject_at))
            for (begin, end), p in zip(spans, predictions, strict=True)]


# --- views ------------------------------------------------------------------------------------


def _scored_attributes(model, parsed: AnalyzeRequest, served, hint: str) -> dict:
    """``attributeScores`` of the served attributes: one model call, one more for spans."""
    prediction = classify_texts(model, [parsed.text], [hint], explain=False)[0]
    values = attribute_values(prediction.scores, model.policy.reject_at)
    spans = _span_values(model, parsed.text, hint, values) if parsed.spans else None
    return _attribute_scores(served, values, spans)


def _max_text_bytes() -> int:
    return current_app.config["PERSPECTIVE_MAX_TEXT_BYTES"]


@bp.post("/v1alpha1/comments:analyze")
def analyze():
    authenticate(CLIENT, allow_query=True)
    parsed = AnalyzeRequest.from_json(read_json_object(request), max_text_bytes=_max_text_bytes())
    model = current_model()
    languages, detected = _resolve_languages(parsed, model.detector)
    served = _served_attributes(parsed, languages, detected, model.detector.supported)
    body = {"attributeScores": _scored_attributes(model, parsed, served, languages[0])
            if served else {}, "languages": list(languages)}
    if detected is not None:
        body["detectedLanguages"] = detected
    if parsed.client_token is not None:
        body["clientToken"] = parsed.client_token
    return jsonify(body)


@bp.post("/v1alpha1/comments:suggestscore")
def suggestscore():
    authenticate(CLIENT, allow_query=True)
    parsed = SuggestRequest.from_json(read_json_object(request), max_text_bytes=_max_text_bytes())
    model = current_model()
    if not parsed.do_not_store:
        prediction = classify_texts(model, [parsed.text], [None], explain=False)[0]
        _store(_feedback_record(parsed, prediction, model.version,
                                max_text_chars=_max_text_bytes()))
    return jsonify({} if parsed.client_token is None else {"clientToken": parsed.client_token})


def _feedback_record(parsed: SuggestRequest, prediction, model_version: str, *,
                     max_text_chars: int) -> FeedbackRecord:
    # The text is within PERSPECTIVE_MAX_TEXT_BYTES bytes, hence within as many characters.
    note = "Perspective suggestscore: " + ", ".join(
        f"{name}={value:g}" for name, value in sorted(parsed.scores.items()))
    digest = hashlib.sha256(parsed.text.encode("utf-8")).hexdigest()
    try:
        return FeedbackRecord.from_dict(
            {"comment_id": f"perspective:{digest}", "text": parsed.text,
             "label": suggested_label(parsed.scores, prediction.scores),
             "predicted_label": prediction.label, "model_version": model_version,
             "note": note, "source": "perspective"},
            max_text_chars=max_text_chars)
    except FeedbackValidationError as exc:
        raise _invalid(f"comment cannot be stored: {exc.message}") from None


def _store(record: FeedbackRecord) -> None:
    try:
        get_store().add([record])
    except FeedbackStoreError as exc:
        raise ServiceUnavailable(f"feedback store unavailable: {exc}",
                                 code="feedback_unavailable") from None


@bp.get("/$discovery/rest")
def discovery():
    version = request.args.get("version", "v1alpha1")
    if version != "v1alpha1":
        return google_error(404, f"Discovery document not found for API service: "
                                 f"commentanalyzer.googleapis.com, version {version!r:.40}; "
                                 "this service has v1alpha1")
    return jsonify(discovery_document(request.host_url))


def init_app(app: Flask) -> None:
    """Register the Perspective routes and their OpenAPI description."""
    app.register_blueprint(bp)
    openapi.register(app, OPENAPI)
