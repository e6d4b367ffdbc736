"""OpenAPI description of the ``/v1`` moderation routes (see :mod:`service.openapi`)."""

from service.openapi import STANDARD_ERRORS, json_body, json_response

__all__ = ["OPENAPI"]

_LABEL = {"type": "string", "enum": ["constructive", "critical", "abusive"]}
_ID = {"type": ["string", "integer", "null"]}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}
_MODEL_REF = {"type": "object", "required": ["name", "version"],
              "properties": {"name": {"type": "string"}, "version": {"type": "string"}}}
_OPTIONS = {"type": "object", "properties": {
    "explain": {"type": "boolean", "description": "Add explanation spans to every result"}}}
_COMMENT = {
    "type": "object", "required": ["text"],
    "properties": {
        "id": {"type": ["string", "integer"], "description": "Echoed in the result"},
        "text": {"type": "string", "minLength": 1,
                 "description": "Comment text (not blank; at most MAX_TEXT_CHARS characters)"},
        "lang": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
                 "description": "Language hint (ISO 639-1); detected when absent"},
    },
}
_THREAD_COMMENT = {
    "type": "object", "required": ["id", "text"],
    "properties": {
        **_COMMENT["properties"],
        "id": {"type": ["string", "integer"]},
        "parent_id": {"type": ["string", "integer", "null"],
                      "description": "Id of the comment this one answers (same thread)"},
        "author": {"type": "string"},
        "created_at": {"type": "string", "description": "ISO 8601 date-time"},
    },
}
_SPAN = {"type": "object", "required": ["start", "end", "text", "weight"], "properties": {
    "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
    "text": {"type": "string"}, "weight": {"type": "number"}}}
_RESULT = {
    "type": "object",
    "required": ["id", "label", "scores", "action", "language", "confidence", "priority",
                 "language_details", "reasons"],
    "properties": {
        "id": _ID, "label": _LABEL,
        "scores": {"type": "object", "required": ["constructive", "critical", "abusive"],
                   "properties": {"constructive": _PROB, "critical": _PROB, "abusive": _PROB}},
        "action": {"type": "string", "enum": ["approve", "review", "reject"]},
        "language": {"type": "string", "description": "'fr', 'en' or 'other'"},
        "confidence": _PROB,
        "priority": {**_PROB, "description": "Queue order: likely abuse first, then unsure"},
        "language_details": {"type": "object",
                             "required": ["code", "confidence", "supported", "source"],
                             "properties": {"code": {"type": "string"}, "confidence": _PROB,
                                            "supported": {"type": "boolean"},
                                            "source": {"type": "string"}}},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "explanation": {"type": "array", "items": {"$ref": "#/components/schemas/Span"}},
        "parent_id": _ID,
    },
}
_SUMMARY = {
    "type": "object",
    "required": ["counts", "total", "abusive_share", "actions", "review_first",
                 "replies_to_abusive"],
    "properties": {
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "total": {"type": "integer"}, "abusive_share": _PROB,
        "actions": {"type": "object", "additionalProperties": {"type": "integer"}},
        "review_first": {"type": "array", "items": {"type": "object", "properties": {
            "id": _ID, "priority": _PROB, "action": {"type": "string"}}}},
        "replies_to_abusive": {"type": "array", "items": {"type": "object", "properties": {
            "id": _ID, "parent_id": _ID, "label": _LABEL}}},
    },
}
_ROW = {"type": "object", "required": ["threshold", "precision", "recall"],
        "additionalProperties": {"type": "number"}}

OPENAPI = {
    "paths": {
        "/v1/classify": {"post": {
            "summary": "Classify 1 to MAX_COMMENTS comments",
            "operationId": "classify",
            "requestBody": json_body("#/components/schemas/ClassifyRequest"),
            "responses": {"200": json_response("#/components/schemas/ClassifyResponse",
                                               "One result per comment, in request order"),
                          **STANDARD_ERRORS},
        }},
        "/v1/threads/classify": {"post": {
            "summary": "Classify a whole thread and summarise it",
            "operationId": "classifyThread",
            "requestBody": json_body("#/components/schemas/ThreadRequest"),
            "responses": {"200": json_response("#/components/schemas/ThreadResponse",
                                               "Results and thread summary"),
                          **STANDARD_ERRORS},
        }},
        "/v1/model": {"get": {
            "summary": "Model card: version, data, metrics, calibration, thresholds",
            "operationId": "describeModel",
            "responses": {"200": {"description": "Model card",
                                  "content": {"application/json": {"schema": {
                                      "type": "object", "required": ["name", "version"]}}}},
                          "401": STANDARD_ERRORS["401"], "503": STANDARD_ERRORS["503"]},
        }},
        "/v1/model/thresholds": {"get": {
            "summary": "Threshold table of a label, or the answer to an ORES-style query",
            "operationId": "thresholds",
            "parameters": [
                {"name": "label", "in": "query", "schema": _LABEL},
                {"name": "query", "in": "query", "schema": {"type": "string"},
                 "example": "maximum recall @ precision >= 0.9"},
            ],
            "responses": {"200": {"description": "Table or answer (null if no threshold fits)",
                                  "content": {"application/json": {"schema": {
                                      "type": "object", "required": ["model", "label"],
                                      "properties": {
                                          "model": _MODEL_REF, "label": {"type": "string"},
                                          "query": {"type": "string"},
                                          "answer": {"oneOf": [_ROW, {"type": "null"}]},
                                          "table": {"type": "array", "items": _ROW}}}}}},
                          "401": STANDARD_ERRORS["401"], "404": {
                              "description": "Unknown label",
                              "content": STANDARD_ERRORS["401"]["content"]},
                          "422": STANDARD_ERRORS["422"], "503": STANDARD_ERRORS["503"]},
        }},
        "/healthz": {"get": {"summary": "Process is up", "operationId": "healthz",
                             "security": [],
                             "responses": {"200": {"description": "Up", "content": {
                                 "application/json": {"schema": {"type": "object"}}}}}}},
        "/readyz": {"get": {"summary": "A model is loaded", "operationId": "readyz",
                            "security": [],
                            "responses": {"200": {"description": "Ready", "content": {
                                "application/json": {"schema": {"type": "object"}}}},
                                "503": STANDARD_ERRORS["503"]}}},
        "/metrics": {"get": {"summary": "Prometheus metrics (text format)",
                             "operationId": "metrics", "security": [],
                             "responses": {"200": {"description": "Metrics", "content": {
                                 "text/plain": {"schema": {"type": "string"}}}}}}},
        "/v1/admin/reload": {"post": {
            "summary": "Verify and load a model version (admin key); with a version, promote it",
            "operationId": "reloadModel",
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"version": {"type": "string"}}}}}},
            "responses": {"200": {"description": "Loaded", "content": {"application/json": {
                "schema": {"type": "object", "required": ["model"],
                           "properties": {"model": _MODEL_REF,
                                          "previous": {"oneOf": [_MODEL_REF,
                                                                 {"type": "null"}]}}}}}},
                          **STANDARD_ERRORS,
                          "403": STANDARD_ERRORS["401"] | {"description": "Not an admin key"}},
        }},
    },
    "components": {"schemas": {
        "ClassifyRequest": {"type": "object", "required": ["comments"], "properties": {
            "comments": {"type": "array", "minItems": 1, "items": _COMMENT},
            "options": _OPTIONS}},
        "ThreadRequest": {"type": "object", "required": ["comments"], "properties": {
            "thread_id": {"type": "string"},
            "comments": {"type": "array", "minItems": 1, "items": _THREAD_COMMENT},
            "options": _OPTIONS}},
        "Result": _RESULT,
        "Span": _SPAN,
        "ClassifyResponse": {"type": "object", "required": ["model", "results"], "properties": {
            "model": _MODEL_REF, "request_id": {"type": "string"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}}}},
        "ThreadResponse": {"type": "object", "required": ["model", "results", "summary"],
                           "properties": {
                               "model": _MODEL_REF, "request_id": {"type": "string"},
                               "thread_id": {"type": ["string", "null"]},
                               "results": {"type": "array",
                                           "items": {"$ref": "#/components/schemas/Result"}},
                               "summary": _SUMMARY}},
    }},
}
