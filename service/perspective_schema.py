"""Descriptions of the Perspective-compatible routes (see :mod:`service.perspective`).

``OPENAPI`` is their part of our OpenAPI document; :func:`discovery_document` is the Google
discovery document that google-api-python-client builds its ``commentanalyzer`` client from.
"""

from __future__ import annotations

from service.openapi import json_body, json_response

__all__ = ["OPENAPI", "discovery_document"]

_ATTRIBUTES = ["TOXICITY", "SEVERE_TOXICITY", "CONSTRUCTIVE", "CRITICAL", "ABUSIVE"]
_REF = "#/components/schemas/"
_STR = {"type": ["string", "null"]}
_BOOL = {"type": ["boolean", "null"]}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}
_LANGUAGE = "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"
_SUPPORTED_LANGUAGE = "^([Ff][Rr]|[Ee][Nn])([-_][A-Za-z0-9]{1,8})*$"
_LANGUAGES = {"type": ["array", "null"], "items": {"type": "string", "pattern": _LANGUAGE},
              "description": "ISO 639-1 codes; detected when absent or empty"}
# Not blank; the byte limit (PERSPECTIVE_MAX_TEXT_BYTES of UTF-8) cannot be said in a schema.
_TEXT = {"type": "string", "pattern": "\\S",
         "description": "Plain text, at most PERSPECTIVE_MAX_TEXT_BYTES bytes of UTF-8"}


def _comment(text: dict) -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["text"],
            "properties": {"text": text, "type": {"enum": ["PLAIN_TEXT", None]}}}


_CONTEXT = {"type": ["object", "null"], "additionalProperties": False,
            "description": "Accepted and ignored for scoring",
            "properties": {"entries": {"type": ["array", "null"], "items": {
                "type": "object", "additionalProperties": False,
                "properties": {"text": _STR, "type": {"enum": ["PLAIN_TEXT", None]}}}}}}
_SCORE = {"type": "object", "required": ["value", "type"],
          "properties": {"value": _PROB, "type": {"const": "PROBABILITY"}}}
_SCORE_IN = {"type": ["object", "null"], "additionalProperties": False,
             "properties": {"value": {**_PROB, "type": ["number", "null"]},
                            "type": {"enum": ["PROBABILITY", None]}}}
_SPAN = {"type": "object", "required": ["begin", "end", "score"], "properties": {
    "begin": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
    "score": _SCORE}}
_SPAN_IN = {"type": "object", "additionalProperties": False, "properties": {
    "begin": {"type": ["integer", "null"], "minimum": 0},
    "end": {"type": ["integer", "null"], "minimum": 0}, "score": _SCORE_IN}}
_SUGGESTED = {
    "type": "object", "additionalProperties": False,
    "properties": {"summaryScore": _SCORE_IN,
                   "spanScores": {"type": ["array", "null"], "items": _SPAN_IN}}}
_HAS_NUMBER = {"type": "object", "required": ["value"],
               "properties": {"value": {"type": "number"}}}
# The request names at least one of our attributes with a value (summary, else a span's).
_HAS_VALUE = {"anyOf": [
    {"required": ["summaryScore"], "properties": {"summaryScore": _HAS_NUMBER}},
    {"required": ["spanScores"], "properties": {"spanScores": {
        "type": "array", "contains": {"type": "object", "required": ["score"],
                                      "properties": {"score": _HAS_NUMBER}}}}}]}
_GOOGLE_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message", "status"],
    "properties": {
        "code": {"type": "integer"}, "message": {"type": "string"},
        "status": {"type": "string", "examples": ["INVALID_ARGUMENT"]},
        "details": {"type": "array", "items": {
            "type": "object", "required": ["@type"],
            "properties": {"@type": {"type": "string"},
                           "errorType": {"type": "string", "enum": [
                               "COMMENT_EMPTY", "COMMENT_TOO_LONG", "NO_REQUESTED_ATTRIBUTES",
                               "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                               "LANGUAGE_DETECTION_FAILED", "INVALID_REQUEST"]},
                           "languageNotSupportedByAttributeError": {"type": "object"}}}}}}}}


def _google_error(description: str) -> dict:
    return json_response(_REF + "PerspectiveError", description)


_ERRORS = {
    "400": _google_error("Perspective request error; details[0].errorType says which"),
    "401": _google_error("Missing or invalid key (`?key=` or `Authorization: Bearer`)"),
    "413": _google_error("Body larger than MAX_CONTENT_LENGTH (errorType COMMENT_TOO_LONG)"),
    "503": _google_error("No model loaded, or the feedback store is unavailable"),
}
# Perspective clients send the key as ?key=; it is told in the text, not declared as a
# parameter or scheme: the fuzzer would take any other query parameter, or a generated key
# beside a valid Authorization header (which wins), for a contract breach.
_KEY = " The key may also travel as `?key=<key>`, as Perspective clients send it."

OPENAPI = {
    "paths": {
        "/v1alpha1/comments:analyze": {"post": {
            "summary": "Perspective API v1alpha1 analyze (drop-in compatible)",
            "operationId": "perspectiveAnalyze",
            "description": "Attributes TOXICITY, SEVERE_TOXICITY, CONSTRUCTIVE, CRITICAL, "
                           "ABUSIVE; others fail with LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE "
                           "unless dropUnsupportedAttributes. Without `languages`, a comment "
                           "whose language is not detected as fr or en fails likewise. The "
                           "model version is in the X-Model-Version header." + _KEY,
            "requestBody": json_body(_REF + "PerspectiveAnalyzeRequest"),
            "responses": {"200": json_response(_REF + "PerspectiveAnalyzeResponse",
                                               "Scores of the requested attributes"),
                          **_ERRORS},
        }},
        "/v1alpha1/comments:suggestscore": {"post": {
            "summary": "Perspective API v1alpha1 suggestscore: store a moderator correction",
            "operationId": "perspectiveSuggestScore",
            "description": "The comment and the label derived from the suggested scores go to "
                           "the feedback store, unless doNotStore." + _KEY,
            "requestBody": json_body(_REF + "PerspectiveSuggestRequest"),
            "responses": {"200": json_response(_REF + "PerspectiveSuggestResponse",
                                               "Stored (or, with doNotStore, not stored)"),
                          **_ERRORS},
        }},
        "/$discovery/rest": {"get": {
            "summary": "Google discovery document of the Perspective-compatible API",
            "operationId": "perspectiveDiscovery", "security": [],
            "parameters": [{"name": "version", "in": "query",
                            "schema": {"type": "string", "enum": ["v1alpha1"]}}],
            "responses": {
                "200": {"description": "Discovery document; rootUrl is this service",
                        "content": {"application/json": {"schema": {
                            "type": "object", "required": ["kind", "name", "version",
                                                           "rootUrl", "resources"],
                            "properties": {"kind": {"const": "discovery#restDescription"}}}}}},
                "404": _google_error("Unknown version")},
        }},
    },
    "components": {
        "schemas": {
            "PerspectiveAnalyzeRequest": {
                "type": "object", "additionalProperties": False,
                "required": ["comment", "requestedAttributes"],
                "properties": {
                    "comment": _comment(_TEXT),
                    "context": _CONTEXT,
                    "requestedAttributes": {
                        "type": "object", "minProperties": 1, "additionalProperties": {
                            "type": ["object", "null"], "additionalProperties": False,
                            "properties": {
                                "scoreType": {"enum": ["PROBABILITY", None]},
                                "scoreThreshold": {**_PROB, "type": ["number", "null"]}}}},
                    "spanAnnotations": _BOOL, "languages": _LANGUAGES, "doNotStore": _BOOL,
                    "clientToken": _STR, "sessionId": _STR, "communityId": _STR,
                    "dropUnsupportedAttributes": _BOOL,
                },
                # Without dropUnsupportedAttributes, only our attributes and languages pass.
                "if": {"required": ["dropUnsupportedAttributes"],
                       "properties": {"dropUnsupportedAttributes": {"const": True}}},
                "else": {"properties": {
                    "requestedAttributes": {"propertyNames": {"enum": _ATTRIBUTES}},
                    "languages": {"type": ["array", "null"],
                                  "items": {"pattern": _SUPPORTED_LANGUAGE}}}},
            },
            "PerspectiveAnalyzeResponse": {
                "type": "object", "required": ["attributeScores", "languages"],
                "properties": {
                    "attributeScores": {"type": "object", "additionalProperties": {
                        "type": "object", "properties": {
                            "summaryScore": _SCORE,
                            "spanScores": {"type": "array", "items": _SPAN}}}},
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                    "clientToken": {"type": "string"}}},
            "PerspectiveSuggestRequest": {
                "type": "object", "additionalProperties": False,
                "required": ["comment", "attributeScores"],
                "description": "attributeScores must give a value (summaryScore, else the "
                               "highest spanScores) for at least one of "
                               + ", ".join(_ATTRIBUTES) + "; other attributes are ignored",
                "properties": {
                    # The feedback store refuses NUL characters.
                    "comment": _comment({**_TEXT, "pattern": "^[^\\x00]*[^\\s\\x00][^\\x00]*$"}),
                    "context": _CONTEXT,
                    "attributeScores": {
                        "type": "object", "additionalProperties": _SUGGESTED,
                        "anyOf": [{"required": [name], "properties": {name: _HAS_VALUE}}
                                  for name in _ATTRIBUTES]},
                    "languages": _LANGUAGES, "communityId": _STR, "clientToken": _STR,
                    "sessionId": _STR, "doNotStore": _BOOL,
                }},
            "PerspectiveSuggestResponse": {
                "type": "object", "properties": {"clientToken": {"type": "string"}}},
            "PerspectiveError": _GOOGLE_ERROR,
        },
    },
}

# --- Google discovery document ----------------------------------------------------------------


def _d_ref(name: str) -> dict:
    return {"$ref": name}


_D_STRINGS = {"type": "array", "items": {"type": "string"}}
_D_SCHEMAS = {
    "TextEntry": {"properties": {
        "text": {"type": "string", "description": "UTF-8 text"},
        "type": {"type": "string", "enum": ["PLAIN_TEXT"],
                 "description": "Only PLAIN_TEXT is supported"}}},
    "Context": {"properties": {"entries": {"type": "array", "items": _d_ref("TextEntry")}}},
    "AttributeParameters": {"properties": {
        "scoreType": {"type": "string", "enum": ["PROBABILITY"]},
        "scoreThreshold": {"type": "number", "format": "float"}}},
    "Score": {"properties": {"value": {"type": "number", "format": "float"},
                             "type": {"type": "string", "enum": ["PROBABILITY"]}}},
    "SpanScore": {"properties": {"begin": {"type": "integer", "format": "int32"},
                                 "end": {"type": "integer", "format": "int32"},
                                 "score": _d_ref("Score")}},
    "AttributeScores": {"properties": {
        "summaryScore": _d_ref("Score"),
        "spanScores": {"type": "array", "items": _d_ref("SpanScore")}}},
    "AnalyzeCommentRequest": {"properties": {
        "comment": _d_ref("TextEntry"), "context": _d_ref("Context"),
        "requestedAttributes": {"type": "object",
                                "additionalProperties": _d_ref("AttributeParameters")},
        "spanAnnotations": {"type": "boolean"}, "languages": _D_STRINGS,
        "doNotStore": {"type": "boolean"}, "clientToken": {"type": "string"},
        "sessionId": {"type": "string"}, "communityId": {"type": "string"},
        "dropUnsupportedAttributes": {"type": "boolean"}}},
    "AnalyzeCommentResponse": {"properties": {
        "attributeScores": {"type": "object", "additionalProperties": _d_ref("AttributeScores")},
        "languages": _D_STRINGS, "detectedLanguages": _D_STRINGS,
        "clientToken": {"type": "string"}}},
    "SuggestCommentScoreRequest": {"properties": {
        "comment": _d_ref("TextEntry"), "context": _d_ref("Context"),
        "attributeScores": {"type": "object", "additionalProperties": _d_ref("AttributeScores")},
        "languages": _D_STRINGS, "communityId": {"type": "string"},
        "clientToken": {"type": "string"}, "sessionId": {"type": "string"},
        "doNotStore": {"type": "boolean"}}},
    "SuggestCommentScoreResponse": {"properties": {"clientToken": {"type": "string"}}},
}


def _method(name: str, request: str, response: str, description: str) -> dict:
    path = f"v1alpha1/comments:{name}"
    return {"id": f"commentanalyzer.comments.{name}", "path": path, "flatPath": path,
            "httpMethod": "POST", "parameters": {}, "parameterOrder": [],
            "request": _d_ref(request), "response": _d_ref(response),
            "description": description}


_DISCOVERY = {
    "kind": "discovery#restDescription",
    "discoveryVersion": "v1",
    "id": "commentanalyzer:v1alpha1",
    "name": "commentanalyzer",
    "version": "v1alpha1",
    "revision": "1",
    "title": "Perspective Comment Analyzer API (self-hosted, compatible)",
    "description": "The Perspective v1alpha1 comments API, answered by the self-hosted "
                   "comment-moderation model.",
    "protocol": "rest",
    "servicePath": "",
    "batchPath": "batch",
    "parameters": {
        "key": {"type": "string", "location": "query",
                "description": "API key of this service"},
        "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"],
                "description": "Data format of the response"},
    },
    "schemas": {name: {"id": name, "type": "object", **schema}
                for name, schema in _D_SCHEMAS.items()},
    "resources": {"comments": {"methods": {
        "analyze": _method("analyze", "AnalyzeCommentRequest", "AnalyzeCommentResponse",
                           "Analyzes the provided text and returns attribute scores."),
        "suggestscore": _method("suggestscore", "SuggestCommentScoreRequest",
                                "SuggestCommentScoreResponse",
                                "Suggest comment scores as training data."),
    }}},
}


def discovery_document(root_url: str) -> dict:
    """The discovery document, its calls addressed to ``root_url`` (ending with ``/``)."""
    return {**_DISCOVERY, "rootUrl": root_url, "baseUrl": root_url, "mtlsRootUrl": root_url}
