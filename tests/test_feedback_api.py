"""Moderator feedback over HTTP (Flask client): validation, idempotency, admin paging,
export and deletion."""

from __future__ import annotations

import json

import pytest

DECISION = {"comment_id": "c-42", "text": "Franchement ce produit est une arnaque totale.",
            "label": "critical", "predicted_label": "abusive", "model_version": "v1",
            "moderator_id": "mod-7", "action": "approve", "note": "harsh but about the product"}


def post(client, auth, body, **headers):
    return client.post("/v1/feedback", json=body, headers={**auth, **headers})


def test_a_decision_is_stored_and_answered_201(client, auth, admin_auth):
    r = post(client, auth, DECISION)
    assert r.status_code == 201
    body = r.get_json()
    assert body["created"] is True and isinstance(body["id"], int)
    listed = client.get("/v1/feedback", headers=admin_auth).get_json()["records"]
    assert [rec["id"] for rec in listed] == [body["id"]]
    assert listed[0]["text"] == DECISION["text"] and listed[0]["label"] == "critical"


def test_idempotency_key_in_body_or_header(client, auth, admin_auth):
    first = post(client, auth, {**DECISION, "idempotency_key": "k1"})
    again = post(client, auth, {**DECISION, "idempotency_key": "k1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    h1 = post(client, auth, DECISION, **{"Idempotency-Key": "k2"})
    h2 = post(client, auth, DECISION, **{"Idempotency-Key": "k2"})
    assert h1.get_json()["id"] == h2.get_json()["id"] and h2.get_json()["created"] is False
    assert len(client.get("/v1/feedback", headers=admin_auth).get_json()["records"]) == 2


def test_batches_are_atomic(client, auth, admin_auth):
    good = {**DECISION, "comment_id": "b1"}
    r = post(client, auth, {"records": [good, {**DECISION, "comment_id": "b2"}]})
    assert r.status_code == 201 and len(r.get_json()["results"]) == 2
    bad = post(client, auth, {"records": [{**DECISION, "comment_id": "b3"},
                                          {**DECISION, "label": "spam"}]})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"]["field"] == "[1].label"
    ids = [rec["comment_id"] for rec in
           client.get("/v1/feedback", headers=admin_auth).get_json()["records"]]
    assert ids == ["b1", "b2"]


def test_a_later_decision_is_a_new_record(client, auth, admin_auth):
    post(client, auth, DECISION)
    post(client, auth, {**DECISION, "label": "abusive"})
    records = client.get("/v1/feedback", headers=admin_auth).get_json()["records"]
    assert [r["label"] for r in records] == ["critical", "abusive"]


@pytest.mark.parametrize(("body", "field"), [
    ({**DECISION, "label": "toxic"}, "label"),
    ({k: v for k, v in DECISION.items() if k != "text"}, "text"),
    ({**DECISION, "comment_id": ""}, "comment_id"),
    ({**DECISION, "action": "ban"}, "action"),
    ({**DECISION, "id": 3}, "id"),
    ({**DECISION, "text": 12}, "text"),
])
def test_invalid_decisions_name_the_field(client, auth, body, field):
    r = post(client, auth, body)
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["field"] == field
    assert field in r.get_json()["error"]["message"]


def test_listing_and_deleting_need_the_admin_key(client, auth):
    assert client.get("/v1/feedback", headers=auth).status_code == 403
    assert client.delete("/v1/feedback/1", headers=auth).status_code == 403
    assert client.get("/v1/feedback").status_code == 401


def test_paging_and_jsonl_export(client, auth, admin_auth):
    post(client, auth, {"records": [{**DECISION, "comment_id": f"p{i}"} for i in range(5)]})
    page1 = client.get("/v1/feedback?limit=2", headers=admin_auth).get_json()
    page2 = client.get(f"/v1/feedback?limit=2&after={page1['next_after']}",
                       headers=admin_auth).get_json()
    assert [r["comment_id"] for r in page1["records"] + page2["records"]] == \
        ["p0", "p1", "p2", "p3"]
    export = client.get("/v1/feedback?format=jsonl&limit=10", headers=admin_auth)
    assert export.mimetype == "application/x-ndjson"
    rows = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert [r["comment_id"] for r in rows] == [f"p{i}" for i in range(5)]
    assert client.get("/v1/feedback?limit=0", headers=admin_auth).status_code == 422
    assert client.get("/v1/feedback?after=x", headers=admin_auth).status_code == 422


def test_deleting_a_record_removes_its_text(client, auth, admin_auth):
    stored = post(client, auth, DECISION).get_json()["id"]
    assert client.delete(f"/v1/feedback/{stored}", headers=admin_auth).status_code == 204
    record = client.get("/v1/feedback", headers=admin_auth).get_json()["records"][0]
    assert record["text"] is None and record["note"] is None and record["deleted_at"]
    assert client.delete("/v1/feedback/999999", headers=admin_auth).status_code == 404


def test_deleting_a_comment_removes_every_copy_of_its_text(client, auth, admin_auth):
    post(client, auth, DECISION)
    post(client, auth, {**DECISION, "label": "abusive"})
    r = client.delete("/v1/feedback/comments/c-42", headers=admin_auth)
    assert r.status_code == 200 and r.get_json()["deleted"] == 2
    records = client.get("/v1/feedback", headers=admin_auth).get_json()["records"]
    assert all(rec["text"] is None for rec in records)
