"""Coral's External Moderation phase: signatures, Coral's documented requests, decisions."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest

from service.config import ConfigError
from service.coral import html_to_text
from tests.conftest import app_config

URL = "/v1/integrations/coral"
SECRET, OLD_SECRET = "whsec-current", "whsec-rolled-out"
#: Coral's documented examples: a new comment, and a reply (same with a parentID).
NEW_COMMENT = {
    "action": "NEW",
    "comment": {"body": "Here's a comment!", "parentID": None},
    "author": {"id": "baf4e943-3594-4fcc-b2ba-3e8de7a76352", "role": "COMMENTER"},
    "story": {"id": "245b3856-b0a0-4d2f-a6bb-58c71f18d6a6",
              "url": "http://localhost:1313/posts/a-story-url/"},
    "site": {"id": "a4bede88-2d2c-4424-bc18-4322a9e285a6"},
    "tenantID": "19ba5794-7eeb-4d46-a81b-c00c61672501",
    "tenantDomain": "localhost",
}
REPLY = {**NEW_COMMENT, "comment": {"body": "Here's a comment!",
                                    "parentID": "d79b787f-f406-49a0-a179-72e3652e54be"}}
ABUSIVE = "You are a stupid worthless idiot, shut up you pathetic moron."
CLEAN = "Thanks, this was a really useful and well researched article."
#: Candidates for the review band; the test model decides which one lands there.
BORDERLINE = ("This is a dumb take.", "What a silly article, honestly.",
              "You clearly did not read it, did you?", "Shut up.",
              "Cet article est nul.", "N'importe quoi, tu racontes des bêtises.",
              "Stop whining.", "That is so stupid.", "Tais-toi un peu.")


def sign(raw: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def with_text(text: str, role: str = "COMMENTER") -> dict:
    body = copy.deepcopy(NEW_COMMENT)
    body["comment"]["body"] = text
    body["author"]["role"] = role
    return body


def post(client, body, *, signature: str | None = "sign", raw: bytes | None = None):
    raw = json.dumps(body).encode() if raw is None else raw
    headers = {}
    if signature == "sign":
        headers["X-Coral-Signature"] = sign(raw)
    elif signature is not None:
        headers["X-Coral-Signature"] = signature
    return client.post(URL, data=raw, headers=headers, content_type="application/json")


def make_client(models_dir, tmp_path, **settings):
    from service import create_app

    config = app_config(models_dir, tmp_path, CORAL_SIGNING_SECRETS=[SECRET, OLD_SECRET],
                        **settings)
    return create_app(config).test_client()


@pytest.fixture
def coral(models_dir, tmp_path):
    return make_client(models_dir, tmp_path)


def expected_answer(moderator, text: str, review_status: str = "PREMOD"):
    action = moderator.classify([text])[0].action
    if action == "reject":
        return 200, {"status": "REJECTED"}
    if action == "review":
        return 200, {"status": review_status,
                     "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]}
    return 204, None


def answer(response):
    return response.status_code, response.get_json(silent=True)


def classified(client) -> float:
    metrics = client.get("/metrics").get_data(as_text=True)
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("moderation_comments_classified_total{"))


# --- Coral's documented requests ------------------------------------------------------------


@pytest.mark.parametrize("body", [NEW_COMMENT, REPLY], ids=["new", "reply"])
def test_documented_examples(coral, moderator, body):
    response = post(coral, body)
    assert answer(response) == expected_answer(moderator, "Here's a comment!")
    if response.status_code == 204:
        assert response.data == b""


def test_edit_is_judged_like_a_new_comment(coral):
    assert post(coral, {**with_text(ABUSIVE), "action": "EDIT"}).get_json() == {
        "status": "REJECTED"}


# --- decisions --------------------------------------------------------------------------------


def test_abusive_comment_is_rejected_with_one_model_call(coral, moderator):
    assert moderator.classify([ABUSIVE])[0].action == "reject"
    before = classified(coral)
    response = post(coral, with_text(ABUSIVE))
    assert answer(response) == (200, {"status": "REJECTED"})
    assert response.headers["X-Model-Version"] == moderator.version
    assert classified(coral) == before + 1


def test_clean_comment_gets_no_decision(coral, moderator):
    assert moderator.classify([CLEAN])[0].action == "approve"
    response = post(coral, with_text(CLEAN))
    assert response.status_code == 204
    assert response.data == b""


def borderline(moderator) -> str:
    actions = {text: p.action for text, p in zip(BORDERLINE, moderator.classify(BORDERLINE),
                                                  strict=True)}
    review = [text for text, action in actions.items() if action == "review"]
    assert review, f"no candidate falls in the review band of the test model: {actions}"
    return review[0]


def test_review_band_is_premoderated_and_flagged(coral, moderator):
    response = post(coral, with_text(borderline(moderator)))
    assert answer(response) == (200, {"status": "PREMOD", "actions": [
        {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]})


def test_review_status_is_configurable(models_dir, tmp_path, moderator):
    client = make_client(models_dir, tmp_path, CORAL_REVIEW_STATUS="SYSTEM_WITHHELD")
    response = post(client, with_text(borderline(moderator)))
    assert response.get_json()["status"] == "SYSTEM_WITHHELD"


def test_unknown_review_status_is_refused_at_start(models_dir, tmp_path):
    with pytest.raises(ConfigError, match="CORAL_REVIEW_STATUS"):
        make_client(models_dir, tmp_path, CORAL_REVIEW_STATUS="HOLD")


@pytest.mark.parametrize("role", ["STAFF", "MODERATOR", "ADMIN", "staff"])
def test_staff_pass_through_unclassified(coral, role):
    before = classified(coral)
    response = post(coral, with_text(ABUSIVE, role=role))
    assert response.status_code == 204
    assert classified(coral) == before


def test_pass_roles_are_configurable(models_dir, tmp_path):
    client = make_client(models_dir, tmp_path, CORAL_PASS_ROLES=["ADMIN"])
    assert post(client, with_text(ABUSIVE, role="STAFF")).get_json() == {"status": "REJECTED"}
    assert post(client, with_text(ABUSIVE, role="ADMIN")).status_code == 204


def test_html_body_is_judged_as_text(coral):
    body = with_text("<p>You are a <b>stupid</b> worthless idiot,</p><p>shut up you "
                     "pathetic moron.</p>")
    assert post(coral, body).get_json() == {"status": "REJECTED"}


def test_empty_text_gets_no_decision(coral):
    assert post(coral, with_text("<p> </p><br>")).status_code == 204


def test_html_to_text():
    assert html_to_text("<p>Hello<br>world &amp; you</p><p>Here&#x27;s <b>it</b></p>") == (
        "Hello\nworld & you\n\nHere's it")
    assert html_to_text("3 < 5 & x") == "3 < 5 & x"


# --- signatures -------------------------------------------------------------------------------


def test_signature_with_the_rolled_secret_alone(coral):
    raw = json.dumps(with_text(ABUSIVE)).encode()
    assert post(coral, None, raw=raw, signature=sign(raw, OLD_SECRET)).status_code == 200


def test_several_signatures_one_valid(coral):
    raw = json.dumps(with_text(ABUSIVE)).encode()
    header = f"sha256={'0' * 64}, {sign(raw, 'an-unknown-secret')},{sign(raw).upper()[:7]}" \
             f"{sign(raw)[7:]}, v0=ignored-scheme"
    response = post(coral, None, raw=raw, signature=header)
    assert answer(response) == (200, {"status": "REJECTED"})


def test_invalid_signature(coral):
    raw = json.dumps(with_text(ABUSIVE)).encode()
    for header in (sign(raw, "wrong-secret"), f"{sign(raw, 'a')}, {sign(raw, 'b')}",
                   sign(raw + b" ")):
        response = post(coral, None, raw=raw, signature=header)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_signature"


def test_signature_covers_the_exact_bytes(coral):
    body = with_text(ABUSIVE)
    signed = json.dumps(body).encode()
    tampered = json.dumps(with_text(CLEAN)).encode()
    response = post(coral, None, raw=tampered, signature=sign(signed))
    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_signature(coral, header):
    response = post(coral, NEW_COMMENT, signature=header)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "missing_signature"


@pytest.mark.parametrize("header", ["garbage", "sha256=xyz", f"sha256={'a' * 63}",
                                    "v1=abc", f"sha256={'g' * 64}", ","])
def test_malformed_signature(coral, header):
    response = post(coral, NEW_COMMENT, signature=header)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_signature"


def test_no_secret_configured_refuses_everything(models_dir, tmp_path):
    from service import create_app

    client = create_app(app_config(models_dir, tmp_path)).test_client()
    response = post(client, with_text(ABUSIVE))
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "coral_not_configured"
    assert "CORAL_SIGNING_SECRETS" in error["message"]


def test_api_keys_do_not_replace_the_signature(coral, auth):
    raw = json.dumps(NEW_COMMENT).encode()
    response = coral.post(URL, data=raw, headers=auth, content_type="application/json")
    assert response.status_code == 401


# --- request validation -----------------------------------------------------------------------


def without(path: str) -> dict:
    body = copy.deepcopy(NEW_COMMENT)
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    del target[last]
    return body


@pytest.mark.parametrize(("body", "words"), [
    ({**NEW_COMMENT, "action": "DELETE"}, "'action' must be one of NEW, EDIT"),
    (without("action"), "'action'"),
    (without("comment"), "'comment' must be an object"),
    (without("comment.body"), "'comment.body' must be a string"),
    (with_text(42), "'comment.body' must be a string"),
    (without("author"), "'author' must be an object"),
    (without("author.role"), "'author.role' must be a string"),
    ({**NEW_COMMENT, "author": {"id": "x", "role": " "}}, "'author.role' must not be empty"),
    ({**NEW_COMMENT, "author": {"id": 7, "role": "COMMENTER"}}, "'author.id' must be a string"),
    ({**NEW_COMMENT, "comment": {"body": "hi", "parentID": 3}}, "'comment.parentID'"),
    ({**NEW_COMMENT, "story": "s"}, "'story' must be an object"),
    ({**NEW_COMMENT, "site": {"id": []}}, "'site.id' must be a string"),
    ({**NEW_COMMENT, "tenantID": 1}, "'tenantID' must be a string"),
])
def test_invalid_request(coral, body, words):
    response = post(coral, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_coral_request"
    assert words in error["message"]


def test_optional_fields_may_be_absent_or_extra(coral):
    body = {"action": "NEW", "comment": {"body": ABUSIVE}, "author": {"role": "COMMENTER"},
            "story": None, "revision": {"id": "r1"}}
    assert post(coral, body).get_json() == {"status": "REJECTED"}


@pytest.mark.parametrize("raw", [b"", b"{nope", b"[]"])
def test_body_not_a_json_object(coral, raw):
    response = post(coral, None, raw=raw)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_openapi_describes_the_route(coral):
    operation = coral.get("/openapi.json").get_json()["paths"][URL]["post"]
    assert {"200", "204", "400", "401", "403"} <= set(operation["responses"])
    assert operation["security"] == []
