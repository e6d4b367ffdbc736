"""The moderation API (``/v1``): classify comments and threads, describe the model.

Views stay thin: parse the request into a domain object, call the model library, render
the result.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, current_app, g, jsonify, request

from model.thresholds import QueryError
from service.auth import CLIENT, require
from service.errors import NotFound, ServiceUnavailable, Unprocessable
from service.formatting import model_ref, result, thread_summary
from service.parsing import ClassifyRequest, Limits, ThreadRequest, read_json_object

__all__ = ["bp", "classify_texts", "current_model"]

bp = Blueprint("api", __name__)


def current_model():
    """The model for this whole request (taken once, so a reload cannot split it)."""
    model = current_app.extensions["model_holder"].get()
    if model is None:
        reason = current_app.extensions["model_holder"].last_error or "no model loaded yet"
        raise ServiceUnavailable(f"model unavailable: {reason}")
    g.model_version = model.version
    current_app.extensions["metrics"].set_model(model.version)
    return model


def classify_texts(model, texts, langs, *, explain: bool):
    """Classify and count the results in the metrics."""
    predictions = model.classify(texts, langs=langs, explain=explain)
    counter = current_app.extensions["metrics"].comments
    # One increment per distinct outcome, not per comment (a sample write each).
    for outcome, n in Counter((p.label, p.language.code, p.action) for p in predictions).items():
        counter.labels(*outcome).inc(n)
    g.n_comments = len(texts)
    return predictions


@bp.post("/v1/classify")
@require(CLIENT)
def classify():
    parsed = ClassifyRequest.from_json(read_json_object(request),
                                       Limits.from_config(current_app.config))
    model = current_model()
    predictions = classify_texts(model, [c.text for c in parsed.comments],
                                 [c.lang for c in parsed.comments], explain=parsed.explain)
    return jsonify({"model": model_ref(model), "request_id": g.request_id,
                    "results": [result(p, c.id) for c, p in zip(parsed.comments, predictions)]})


@bp.post("/v1/threads/classify")
@require(CLIENT)
def classify_thread():
    parsed = ThreadRequest.from_json(read_json_object(request),
                                     Limits.from_config(current_app.config, thread=True))
    model = current_model()
    predictions = classify_texts(model, [c.text for c in parsed.comments],
                                 [c.lang for c in parsed.comments], explain=parsed.explain)
    results = []
    for c, p in zip(parsed.comments, predictions):
        body = result(p, c.id)
        body["parent_id"] = c.parent_id
        results.append(body)
    return jsonify({"model": model_ref(model), "request_id": g.request_id,
                    "thread_id": parsed.thread_id, "results": results,
                    "summary": thread_summary(parsed.comments, predictions)})


def model_card(model) -> dict:
    m = model.manifest
    metrics = m.get("metrics", {})
    return {
        "name": model.name, "version": model.version, "created": m.get("created"),
        "labels": m.get("labels"), "training_data": m.get("training_data"),
        "libraries": m.get("libraries"), "policy": m.get("policy"),
        "metrics": {
            split: None if block is None else {
                "overall": block["overall"], "by_language": block["by_language"],
                "calibration": block.get("calibration")}
            for split, block in metrics.items()},
        "thresholds": m.get("thresholds"),
    }


@bp.get("/v1/model")
@require(CLIENT)
def describe_model():
    return jsonify(model_card(current_model()))


@bp.get("/v1/model/thresholds")
@require(CLIENT)
def thresholds():
    model = current_model()
    label = request.args.get("label", "abusive")
    try:
        table = model.threshold_table(label)
    except KeyError:
        raise NotFound(f"no threshold table for label {label!r}; labels are "
                       f"{', '.join(model.manifest.get('thresholds', {}))}") from None
    query = request.args.get("query")
    body = {"model": model_ref(model), "label": label}
    if query is None:
        body["table"] = list(table.rows)
        return jsonify(body)
    try:
        body["answer"] = table.answer(query)
    except QueryError as exc:
        raise Unprocessable(str(exc), code="invalid_query") from None
    body["query"] = query
    return jsonify(body)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    holder = current_app.extensions["model_holder"]
    model = holder.get()
    if model is None:
        raise ServiceUnavailable(f"not ready: {holder.last_error or 'no model loaded yet'}")
    return jsonify({"status": "ready", "model": model_ref(model)})
