"""Request bodies -> plain domain objects, with precise messages for every mistake.

The named constructors (``from_json``) are the only filter between the outside world and
the objects the views hand to the model library.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from flask import Request

from service.errors import BadRequest, Unprocessable

__all__ = ["ClassifyRequest", "CommentIn", "Limits", "ThreadComment", "ThreadRequest",
           "read_json_object"]

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID_MAX = 256


@dataclass(frozen=True)
class Limits:
    max_comments: int
    max_text_chars: int

    @classmethod
    def from_config(cls, config, *, thread: bool = False) -> Limits:
        key = "MAX_THREAD_COMMENTS" if thread else "MAX_COMMENTS"
        return cls(config[key], config["MAX_TEXT_CHARS"])


def read_json_object(request: Request) -> dict:
    """The request body as a JSON object, or 400 saying what is wrong with it."""
    raw = request.get_data(cache=True)
    if not raw:
        raise BadRequest("request body is empty: send a JSON object", code="invalid_json")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise BadRequest(f"request body is not valid UTF-8 JSON{where}",
                         code="invalid_json") from None
    except RecursionError:
        raise BadRequest("request body is nested too deeply", code="invalid_json") from None
    if not isinstance(body, dict):
        raise BadRequest(f"request body must be a JSON object, got {_kind(body)}",
                         code="invalid_json")
    return body


def _kind(value) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _comment_id(value, where: str, *, required: bool):
    if value is None:
        if required:
            raise Unprocessable(f"{where}.id is required", code="missing_field")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Unprocessable(f"{where}.id must be a string or an integer, got {_kind(value)}",
                            code="invalid_type")
    if isinstance(value, str) and not 1 <= len(value) <= _ID_MAX:
        raise Unprocessable(f"{where}.id must be 1 to {_ID_MAX} characters", code="invalid_id")
    return value


def _text(value, where: str, limits: Limits, cid) -> str:
    name = f"{where} (id {cid!r})" if cid is not None else where
    if value is None:
        raise Unprocessable(f"{name}: 'text' is required", code="missing_field")
    if not isinstance(value, str):
        raise Unprocessable(f"{name}: 'text' must be a string, got {_kind(value)}",
                            code="invalid_type")
    if not value.strip():
        raise Unprocessable(f"{name}: 'text' is empty", code="empty_text")
    if len(value) > limits.max_text_chars:
        raise Unprocessable(f"{name}: 'text' has {len(value)} characters; the maximum is "
                            f"{limits.max_text_chars}", code="text_too_long")
    return value


def _lang(value, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _LANG.match(value):
        raise Unprocessable(f"{where}.lang must be an ISO 639-1 code such as 'fr' or 'en'",
                            code="invalid_lang")
    return value.split("-")[0].lower()


def _comments(body: dict, limits: Limits) -> list:
    comments = body.get("comments")
    if comments is None:
        raise Unprocessable("'comments' is required: a non-empty array of "
                            "{\"id\", \"text\"} objects", code="missing_field")
    if not isinstance(comments, list):
        raise Unprocessable(f"'comments' must be an array, got {_kind(comments)}",
                            code="invalid_type")
    if not comments:
        raise Unprocessable("'comments' is empty: send at least one comment",
                            code="empty_comments")
    if len(comments) > limits.max_comments:
        raise Unprocessable(f"too many comments: {len(comments)}; the maximum per request is "
                            f"{limits.max_comments}", code="too_many_comments")
    for i, item in enumerate(comments):
        if not isinstance(item, dict):
            raise Unprocessable(f"comments[{i}] must be an object, got {_kind(item)}",
                                code="invalid_type")
    return comments


@dataclass(frozen=True)
class CommentIn:
    """One comment to classify."""

    text: str
    id: str | int | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ClassifyRequest:
    """``POST /v1/classify``: comments and options."""

    comments: tuple[CommentIn, ...]
    explain: bool = False

    @classmethod
    def from_json(cls, body: dict, limits: Limits) -> ClassifyRequest:
        items = _comments(body, limits)
        comments = []
        for i, item in enumerate(items):
            where = f"comments[{i}]"
            cid = _comment_id(item.get("id"), where, required=False)
            comments.append(CommentIn(_text(item.get("text"), where, limits, cid), cid,
                                      _lang(item.get("lang"), where)))
        return cls(tuple(comments), _options(body).get("explain", False))


def _options(body: dict) -> dict:
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise Unprocessable(f"'options' must be an object, got {_kind(options)}",
                            code="invalid_type")
    explain = options.get("explain", False)
    if not isinstance(explain, bool):
        raise Unprocessable("options.explain must be true or false", code="invalid_type")
    return {"explain": explain}


@dataclass(frozen=True)
class ThreadComment:
    """One comment of a thread, with its place in the reply tree."""

    id: str | int
    text: str
    parent_id: str | int | None = None
    author: str | None = None
    created_at: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ThreadRequest:
    """``POST /v1/threads/classify``: a whole thread, checked to be a forest."""

    comments: tuple[ThreadComment, ...]
    thread_id: str | None = None
    explain: bool = False

    @classmethod
    def from_json(cls, body: dict, limits: Limits) -> ThreadRequest:
        items = _comments(body, limits)
        comments = [_thread_comment(item, f"comments[{i}]", limits)
                    for i, item in enumerate(items)]
        _check_tree(comments)
        thread_id = body.get("thread_id")
        if thread_id is not None and not isinstance(thread_id, str):
            raise Unprocessable("'thread_id' must be a string", code="invalid_type")
        return cls(tuple(comments), thread_id, _options(body)["explain"])


def _thread_comment(item: dict, where: str, limits: Limits) -> ThreadComment:
    cid = _comment_id(item.get("id"), where, required=True)
    parent = item.get("parent_id")
    if parent is not None:
        parent = _comment_id(parent, f"{where}.parent_id", required=False)
    author = item.get("author")
    if author is not None and not isinstance(author, str):
        raise Unprocessable(f"{where}.author must be a string", code="invalid_type")
    created = item.get("created_at")
    if created is not None:
        if not isinstance(created, str):
            raise Unprocessable(f"{where}.created_at must be an ISO 8601 string",
                                code="invalid_type")
        try:
            datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            raise Unprocessable(f"{where}.created_at {created!r} is not an ISO 8601 date-time",
                                code="invalid_date") from None
    return ThreadComment(cid, _text(item.get("text"), where, limits, cid), parent, author,
                         created, _lang(item.get("lang"), where))


def _check_tree(comments: list[ThreadComment]) -> None:
    """Unique ids, known parents, no cycles (each a 422 naming the comments at fault)."""
    ids = {}
    for c in comments:
        if c.id in ids:
            raise Unprocessable(f"duplicate comment id {c.id!r}: ids must be unique in a thread",
                                code="duplicate_id")
        ids[c.id] = c
    for c in comments:
        if c.parent_id is not None and c.parent_id not in ids:
            raise Unprocessable(f"comment {c.id!r} has parent_id {c.parent_id!r}, which is not "
                                "a comment of this thread", code="unknown_parent")
    rooted: set = set()  # comments already known to lead to a root
    for c in comments:
        path, on_path, node = [], set(), c
        while node.parent_id is not None and node.id not in rooted:
            if node.id in on_path:
                cycle = path[path.index(node.id):]
                raise Unprocessable("reply cycle: " + " -> ".join(map(repr, [*cycle, node.id])),
                                    code="reply_cycle")
            path.append(node.id)
            on_path.add(node.id)
            node = ids[node.parent_id]
        rooted.update(path)
