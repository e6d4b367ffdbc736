"""The /v1 API through Flask's test client: contract, validation, limits, auth, threads."""

from __future__ import annotations

import json
import logging

import pytest

from service import create_app
from tests.conftest import app_config

COMMENTS = [{"id": "c1", "text": "Merci pour cet article, très clair et bien sourcé."},
            {"id": 2, "text": "T'es vraiment un c0nnard fini"},
            {"text": "This article is lazy garbage, as usual from this site."}]


def classify(client, auth, body, **kw):
    return client.post("/v1/classify", json=body, headers=auth, **kw)


def test_classify_contract(client, auth):
    r = classify(client, auth, {"comments": COMMENTS})
    assert r.status_code == 200
    body = r.get_json()
    assert set(body["model"]) == {"name", "version"}
    assert r.headers["X-Model-Version"] == body["model"]["version"]
    assert [res["id"] for res in body["results"]] == ["c1", 2, None]
    for res in body["results"]:
        assert res["label"] in {"constructive", "critical", "abusive"}
        assert set(res["scores"]) == {"constructive", "critical", "abusive"}
        assert abs(sum(res["scores"].values()) - 1) < 1e-4
        assert res["label"] == max(res["scores"], key=res["scores"].get)
        assert res["action"] in {"approve", "review", "reject"}
        assert res["language"] in {"fr", "en", "other"}
        assert 0 <= res["priority"] <= 1 and res["reasons"]
        assert res["language_details"]["code"] == res["language"]
        assert "explanation" not in res
    assert body["results"][1]["label"] == "abusive"
    assert body["results"][1]["action"] in {"review", "reject"}
    assert body["results"][0]["language"] == "fr" and body["results"][2]["language"] == "en"


def test_explanations_and_language_hints(client, auth):
    body = {"comments": [{"id": "x", "text": "ferme ta gueule sale con", "lang": "fr"},
                         {"id": "y", "text": "Hola amigos, qué tal el partido de ayer",
                          "lang": "es"}], "options": {"explain": True}}
    results = classify(client, auth, body).get_json()["results"]
    assert results[0]["explanation"] and results[0]["language_details"]["source"] == "hint"
    assert results[1]["language"] == "other"
    assert results[1]["language_details"]["supported"] is False


def test_priority_orders_abuse_first(client, auth):
    results = classify(client, auth, {"comments": COMMENTS}).get_json()["results"]
    assert max(results, key=lambda r: r["priority"])["id"] == 2


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"not json", 400, "invalid_json"),
    (b"[1, 2]", 400, "invalid_json"),
    (b'"text"', 400, "invalid_json"),
    (b"{}", 422, "missing_field"),
    (b'{"comments": "hello"}', 422, "invalid_type"),
    (b'{"comments": []}', 422, "empty_comments"),
    (b'{"comments": [42]}', 422, "invalid_type"),
    (b'{"comments": [{"text": 5}]}', 422, "invalid_type"),
    (b'{"comments": [{"text": null}]}', 422, "missing_field"),
    (b'{"comments": [{"text": "   "}]}', 422, "empty_text"),
    (b'{"comments": [{"text": "ok", "id": [1]}]}', 422, "invalid_type"),
    (b'{"comments": [{"text": "ok", "lang": "french!"}]}', 422, "invalid_lang"),
    (b'{"comments": [{"text": "ok"}], "options": {"explain": "yes"}}', 422, "invalid_type"),
    (b"\xff\xfe", 400, "invalid_json"),
    (b"[" * 100000 + b"]" * 100000, 400, "invalid_json"),
])
def test_malformed_bodies_get_a_json_error_and_the_next_request_works(client, auth, body,
                                                                      status, code):
    r = client.post("/v1/classify", data=body, headers={**auth,
                                                        "Content-Type": "application/json"})
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code
    assert r.get_json()["error"]["message"]
    assert classify(client, auth, {"comments": COMMENTS[:1]}).status_code == 200


def test_limits_name_the_offending_comment(models_dir, tmp_path, auth):
    app = create_app(app_config(models_dir, tmp_path, MAX_COMMENTS=3, MAX_TEXT_CHARS=50,
                                MAX_CONTENT_LENGTH=4096))
    client = app.test_client()
    r = classify(client, auth, {"comments": [{"text": "a"}] * 4})
    assert r.status_code == 422 and "maximum per request is 3" in r.get_json()["error"]["message"]
    r = classify(client, auth, {"comments": [{"id": "ok", "text": "fine"},
                                             {"id": "long-one", "text": "x" * 51}]})
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "text_too_long" and "long-one" in error["message"]
    r = client.post("/v1/classify", data=b"{" + b" " * 5000 + b"}", headers=auth,
                    content_type="application/json")
    assert r.status_code == 413 and "4096" in r.get_json()["error"]["message"]


def test_default_limits_refuse_huge_requests(client, auth):
    r = client.post("/v1/classify", data=b'{"comments": [' + b'{"text": "a"},' * 700_000
                    + b'{"text": "a"}]}', headers=auth, content_type="application/json")
    assert r.status_code == 413
    r = classify(client, auth, {"comments": [{"text": "a"}] * 100_000})
    assert r.status_code in (413, 422)
    assert classify(client, auth, {"comments": COMMENTS}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic dGVzdA=="},
                                     {"Authorization": "Bearer "}])
def test_auth_is_required(client, headers):
    r = client.post("/v1/classify", json={"comments": COMMENTS}, headers=headers)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_client_key_cannot_use_admin_endpoints(client, auth, admin_auth):
    assert client.post("/v1/admin/reload", headers=auth).status_code == 403
    assert client.post("/v1/admin/reload", headers=admin_auth).status_code == 200
    # An admin key is also a client key.
    assert classify(client, admin_auth, {"comments": COMMENTS}).status_code == 200


def test_no_keys_configured_means_401_and_a_warning(models_dir, tmp_path, caplog):
    logger = logging.getLogger("service")
    logger.addHandler(caplog.handler)
    try:
        app = create_app(app_config(models_dir, tmp_path, API_KEYS=[], ADMIN_KEYS=[]))
    finally:
        logger.removeHandler(caplog.handler)
    assert any("no API key configured" in rec.getMessage() for rec in caplog.records)
    r = app.test_client().post("/v1/classify", json={"comments": COMMENTS})
    assert r.status_code == 401


def test_auth_can_be_disabled_explicitly_with_a_warning(models_dir, tmp_path, caplog):
    logger = logging.getLogger("service")
    logger.addHandler(caplog.handler)
    try:
        app = create_app(app_config(models_dir, tmp_path, API_KEYS=[], AUTH_DISABLED=True))
    finally:
        logger.removeHandler(caplog.handler)
    assert any("DISABLED" in rec.getMessage() for rec in caplog.records)
    assert app.test_client().post("/v1/classify",
                                  json={"comments": COMMENTS}).status_code == 200


def test_thread_summary(client, auth):
    thread = {"thread_id": "t1", "comments": [
        {"id": "a", "text": "Très bon article, merci pour les sources.",
         "author": "amel", "created_at": "2026-11-20T10:00:00Z"},
        {"id": "b", "text": "ferme ta gueule sale connard", "parent_id": "a"},
        {"id": "c", "text": "Ce genre d'insulte n'a rien à faire ici.", "parent_id": "b"},
        {"id": "d", "text": "I disagree, the figures in the second chart are from 2019.",
         "parent_id": "a"}]}
    r = client.post("/v1/threads/classify", json=thread, headers=auth)
    assert r.status_code == 200
    body = r.get_json()
    assert body["thread_id"] == "t1" and [x["id"] for x in body["results"]] == list("abcd")
    summary = body["summary"]
    assert sum(summary["counts"].values()) == 4 == summary["total"]
    assert summary["counts"]["abusive"] >= 1
    assert summary["abusive_share"] == summary["counts"]["abusive"] / 4
    assert summary["review_first"][0]["id"] == "b"
    assert {"id": "c", "parent_id": "b"}.items() <= summary["replies_to_abusive"][0].items()


@pytest.mark.parametrize(("comments", "code", "fragment"), [
    ([{"id": "a", "text": "x", "parent_id": "zz"}], "unknown_parent", "'zz'"),
    ([{"id": "a", "text": "x", "parent_id": "b"}, {"id": "b", "text": "y", "parent_id": "a"}],
     "reply_cycle", "'a' -> 'b' -> 'a'"),
    ([{"id": "a", "text": "x", "parent_id": "a"}], "reply_cycle", "'a' -> 'a'"),
    ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "duplicate_id", "'a'"),
    ([{"text": "x"}], "missing_field", "id is required"),
    ([{"id": "a", "text": "x", "created_at": "yesterday"}], "invalid_date", "ISO 8601"),
])
def test_thread_errors(client, auth, comments, code, fragment):
    r = client.post("/v1/threads/classify", json={"comments": comments}, headers=auth)
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == code
    assert fragment in r.get_json()["error"]["message"]


def test_long_reply_chain_is_accepted(client, auth):
    chain = [{"id": str(i), "text": f"réponse numéro {i}", "parent_id": str(i - 1) if i else None}
             for i in range(1500)]
    r = client.post("/v1/threads/classify", json={"comments": chain}, headers=auth)
    assert r.status_code == 200 and r.get_json()["summary"]["total"] == 1500


def test_model_card_and_threshold_queries(client, auth):
    card = client.get("/v1/model", headers=auth).get_json()
    assert card["labels"] == ["constructive", "critical", "abusive"]
    assert card["metrics"]["cross_validation"]["overall"]["macro_f1"] > 0
    assert "calibration" in card["metrics"]["cross_validation"]
    assert set(card["thresholds"]) == {"constructive", "critical", "abusive"}
    r = client.get("/v1/model/thresholds", headers=auth,
                   query_string={"label": "abusive",
                                 "query": "maximum recall @ precision >= 0.9"})
    body = r.get_json()
    assert r.status_code == 200 and body["query"] == "maximum recall @ precision >= 0.9"
    assert body["answer"] is None or body["answer"]["precision"] >= 0.9
    r = client.get("/v1/model/thresholds", headers=auth, query_string={"label": "critical"})
    assert len(r.get_json()["table"]) == 99
    bad = client.get("/v1/model/thresholds", headers=auth, query_string={"query": "best one"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_query"
    assert client.get("/v1/model/thresholds", headers=auth,
                      query_string={"label": "spam"}).status_code == 404


def test_health_and_readiness(client, models_dir, tmp_path):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    empty = create_app(app_config(tmp_path / "none", tmp_path))
    r = empty.test_client().get("/readyz")
    assert r.status_code == 503 and "moderation-train" in r.get_json()["error"]["message"]
    r = empty.test_client().post("/v1/classify", json={"comments": COMMENTS},
                                 headers={"Authorization": "Bearer test-client-key"})
    assert r.status_code == 503


def test_unknown_route_and_method(client, auth):
    assert client.get("/v1/nope", headers=auth).get_json()["error"]["code"] == "not_found"
    r = client.get("/v1/classify", headers=auth)
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in r.headers["Allow"]


def test_metrics_count_requests_and_labels(client, auth):
    classify(client, auth, {"comments": COMMENTS})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'moderation_http_requests_total{endpoint="/v1/classify",method="POST",status="200"}' \
        in text
    assert "moderation_comments_classified_total{" in text
    assert "moderation_http_request_duration_seconds_bucket" in text
    assert "moderation_model_info{version=" in text


def test_access_log_is_json_with_request_id_and_never_the_text(client, auth, capfd):
    secret = "Mon texte tres personnel numero 8472"
    r = client.post("/v1/classify", json={"comments": [{"text": secret}]},
                    headers={**auth, "X-Request-ID": "req-123"})
    assert r.headers["X-Request-ID"] == "req-123"
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("request_id") == "req-123"]
    assert access and access[0]["status"] == 200 and "duration_ms" in access[0]
    assert secret not in err and "8472" not in err
