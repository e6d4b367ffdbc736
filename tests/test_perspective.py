"""The Perspective-compatible API: contract, errors, mapping, and real clients end to end."""

from __future__ import annotations

import hashlib
import json

import pytest

from service.perspective import (
    ATTRIBUTES,
    attribute_values,
    sentence_spans,
    severe_toxicity,
    suggested_label,
)
from tests.conftest import CLIENT_KEY, app_config

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
KEY = f"?key={CLIENT_KEY}"
#: Perspective's documented example: two sentences, spans [0, 31) and [32, 56).
EXAMPLE_TEXT = "What kind of idiot name is foo? Sorry, I like your name."
EXAMPLE = {"comment": {"text": EXAMPLE_TEXT}, "languages": ["en"],
           "requestedAttributes": {"TOXICITY": {}, "UNSUBSTANTIAL": {}}}
ABUSIVE_EN = "You are a stupid worthless idiot, shut up you pathetic moron."
CLEAN_EN = "Thanks, this was a really useful and well researched article."
CLEAN_FR = "Merci pour cet article très clair et bien documenté."
ABUSIVE_FR = "Espèce de connard, ferme ta gueule, tu es un abruti fini."


def analyze(client, body, query=KEY, **kwargs):
    return client.post(ANALYZE + query, json=body, **kwargs)


def request_for(text, *attributes, **extra):
    return {"comment": {"text": text},
            "requestedAttributes": {name: {} for name in attributes or ["TOXICITY"]}, **extra}


def google_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str)
    assert isinstance(error["status"], str)
    return error


def error_type(response) -> str:
    error = google_error(response, 400)
    assert error["status"] == "INVALID_ARGUMENT"
    detail = error["details"][0]
    assert detail["@type"] == "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
    return detail["errorType"]


# --- the documented example -------------------------------------------------------------------


def test_documented_example_as_is_fails_on_the_attribute_we_lack(client):
    response = analyze(client, EXAMPLE)
    assert error_type(response) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    detail = response.get_json()["error"]["details"][0]["languageNotSupportedByAttributeError"]
    assert detail == {"attribute": "UNSUBSTANTIAL", "requestedLanguages": ["en"],
                      "detectedLanguages": []}
    assert "UNSUBSTANTIAL" in response.get_json()["error"]["message"]


def test_documented_example_spans(client, moderator):
    body = {**EXAMPLE, "dropUnsupportedAttributes": True, "spanAnnotations": True}
    response = analyze(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert set(data) == {"attributeScores", "languages"}
    assert data["languages"] == ["en"]
    assert list(data["attributeScores"]) == ["TOXICITY"]
    toxicity = data["attributeScores"]["TOXICITY"]
    assert [(s["begin"], s["end"]) for s in toxicity["spanScores"]] == [(0, 31), (32, 56)]
    sentences = ["What kind of idiot name is foo?", "Sorry, I like your name."]
    expected = moderator.classify(sentences, langs=["en", "en"])
    for span, prediction in zip(toxicity["spanScores"], expected, strict=True):
        assert span["score"] == {"value": pytest.approx(prediction.scores["abusive"], abs=1e-6),
                                 "type": "PROBABILITY"}
    whole = moderator.classify([EXAMPLE_TEXT])[0].scores["abusive"]
    assert toxicity["summaryScore"] == {"value": pytest.approx(whole, abs=1e-6),
                                        "type": "PROBABILITY"}


def test_spans_are_off_by_default(client):
    response = analyze(client, request_for(EXAMPLE_TEXT, languages=["en"]))
    assert response.status_code == 200
    assert set(response.get_json()["attributeScores"]["TOXICITY"]) == {"summaryScore"}


def test_one_sentence_is_one_span_without_surrounding_space(client):
    response = analyze(client, request_for("  Merci beaucoup pour ce texte.  ",
                                           spanAnnotations=True))
    spans = response.get_json()["attributeScores"]["TOXICITY"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(2, 31)]


def test_sentence_spans():
    assert sentence_spans(EXAMPLE_TEXT) == [(0, 31), (32, 56)]
    text = "Quoi ? Non ! Il vaut 3.14 environ…  Oui.\nDeux\n\n"
    assert [text[b:e] for b, e in sentence_spans(text)] == [
        "Quoi ?", "Non !", "Il vaut 3.14 environ…", "Oui.", "Deux"]
    assert sentence_spans(" \n ") == []


# --- attributes -------------------------------------------------------------------------------


def test_every_attribute_maps_the_models_probabilities(client, moderator):
    response = analyze(client, request_for(ABUSIVE_FR, *ATTRIBUTES))
    assert response.status_code == 200
    scores = {name: body["summaryScore"]["value"]
              for name, body in response.get_json()["attributeScores"].items()}
    prediction = moderator.classify([ABUSIVE_FR])[0]
    p = prediction.scores
    assert scores == pytest.approx({
        "TOXICITY": p["abusive"], "ABUSIVE": p["abusive"], "CONSTRUCTIVE": p["constructive"],
        "CRITICAL": p["critical"],
        "SEVERE_TOXICITY": severe_toxicity(p["abusive"], moderator.policy.reject_at)}, abs=1e-6)
    assert response.get_json()["languages"] == ["fr"]
    assert response.get_json()["detectedLanguages"] == ["fr"]
    assert response.headers["X-Model-Version"] == moderator.version


def test_severe_toxicity_is_half_at_the_reject_threshold_and_monotone():
    for reject_at in (0.5, 0.61, 0.9, 0.99):
        assert severe_toxicity(reject_at, reject_at) == pytest.approx(0.5)
        values = [severe_toxicity(i / 100, reject_at) for i in range(101)]
        assert values == sorted(values)
        assert values[0] == 0.0
        assert values[-1] == pytest.approx(1.0)
        assert all(v <= i / 100 + 1e-12 for i, v in enumerate(values))
    assert 0 <= severe_toxicity(0.7, 1.0) <= 1 and 0 <= severe_toxicity(0.7, 0.0) <= 1


def test_severe_toxicity_reaches_half_exactly_when_the_policy_rejects(moderator):
    reject_at = moderator.policy.reject_at
    for p in (reject_at - 0.01, reject_at, reject_at + 0.01):
        scores = {"abusive": p, "constructive": 1 - p, "critical": 0.0}
        action, _ = moderator.policy.decide(scores)
        assert (attribute_values(scores, reject_at)["SEVERE_TOXICITY"] >= 0.5) == (
            action == "reject")


def test_score_threshold_omits_scores_below_it(client, moderator):
    p = moderator.classify([CLEAN_EN])[0].scores["abusive"]
    body = {"comment": {"text": CLEAN_EN}, "spanAnnotations": True, "requestedAttributes": {
        "TOXICITY": {"scoreThreshold": min(1.0, p + 0.01), "scoreType": "PROBABILITY"},
        "ABUSIVE": {"scoreThreshold": max(0.0, p - 0.01)}}}
    scores = analyze(client, body).get_json()["attributeScores"]
    assert scores["TOXICITY"] == {"spanScores": []}
    assert scores["ABUSIVE"]["summaryScore"]["value"] == pytest.approx(p, abs=1e-6)
    assert len(scores["ABUSIVE"]["spanScores"]) == 1


def test_drop_unsupported_attributes_keeps_ours(client):
    body = request_for(CLEAN_FR, "INSULT", "TOXICITY", "THREAT", dropUnsupportedAttributes=True)
    response = analyze(client, body)
    assert response.status_code == 200
    assert list(response.get_json()["attributeScores"]) == ["TOXICITY"]


def test_unsupported_attribute_without_drop_is_refused(client):
    response = analyze(client, request_for(CLEAN_FR, "TOXICITY", "INSULT"))
    assert error_type(response) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    detail = response.get_json()["error"]["details"][0]["languageNotSupportedByAttributeError"]
    assert detail == {"attribute": "INSULT", "requestedLanguages": [],
                      "detectedLanguages": ["fr"]}


# --- languages --------------------------------------------------------------------------------


def test_requested_languages_are_echoed_without_detection(client):
    response = analyze(client, request_for(CLEAN_EN, languages=["EN-us", "fr", "en"]))
    assert response.status_code == 200
    data = response.get_json()
    assert data["languages"] == ["en", "fr"]
    assert "detectedLanguages" not in data


def test_unsupported_requested_language(client):
    response = analyze(client, request_for(CLEAN_EN, "SEVERE_TOXICITY", languages=["es"]))
    assert error_type(response) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    detail = response.get_json()["error"]["details"][0]["languageNotSupportedByAttributeError"]
    assert detail == {"attribute": "SEVERE_TOXICITY", "requestedLanguages": ["es"],
                      "detectedLanguages": []}


def test_unsupported_detected_language(client):
    spanish = "Me gusta mucho este artículo sobre la economía y la política española."
    response = analyze(client, request_for(spanish))
    assert error_type(response) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    assert response.get_json()["error"]["message"] == (
        "Attribute TOXICITY does not support request languages: detected language is none "
        "of fr, en")
    dropped = analyze(client, request_for(spanish, dropUnsupportedAttributes=True))
    assert dropped.status_code == 200
    assert dropped.get_json() == {"attributeScores": {}, "languages": [],
                                  "detectedLanguages": []}


def test_undetectable_language(client):
    assert error_type(analyze(client, request_for("1234 !!! 5678"))) == (
        "LANGUAGE_DETECTION_FAILED")
    response = analyze(client, request_for("1234 !!! 5678", languages=["fr"]))
    assert response.status_code == 200


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}},
    {"comment": {"text": " \n\t "}, "requestedAttributes": {"TOXICITY": {}}},
    {"comment": {}, "requestedAttributes": {"TOXICITY": {}}},
    {"requestedAttributes": {"TOXICITY": {}}},
])
def test_comment_empty(client, body):
    response = analyze(client, body)
    assert error_type(response) == "COMMENT_EMPTY"
    assert response.get_json()["error"]["message"] == "Comment must be non-empty."


@pytest.mark.parametrize("body", [
    {"comment": {"text": "hello there"}, "requestedAttributes": {}},
    {"comment": {"text": "hello there"}},
    {"comment": {"text": "hello there"}, "requestedAttributes": None},
])
def test_no_requested_attributes(client, body):
    assert error_type(analyze(client, body)) == "NO_REQUESTED_ATTRIBUTES"


def test_comment_too_long_counts_utf8_bytes(models_dir, tmp_path):
    from service import create_app

    client = create_app(app_config(models_dir, tmp_path, PERSPECTIVE_MAX_TEXT_BYTES=20)
                        ).test_client()
    assert analyze(client, request_for("é" * 10, languages=["fr"])).status_code == 200
    response = analyze(client, request_for("é" * 11, languages=["fr"]))
    assert error_type(response) == "COMMENT_TOO_LONG"
    assert "22 bytes" in response.get_json()["error"]["message"]
    assert "20" in response.get_json()["error"]["message"]


def test_default_limit_is_perspectives_20_kb(client):
    response = analyze(client, request_for("a " * 10_241, languages=["en"]))
    assert error_type(response) == "COMMENT_TOO_LONG"


def test_body_over_the_size_limit(models_dir, tmp_path):
    from service import create_app

    client = create_app(app_config(models_dir, tmp_path, MAX_CONTENT_LENGTH=1000)).test_client()
    response = analyze(client, request_for("a " * 1000, languages=["en"]))
    error = google_error(response, 413)
    assert error["details"][0]["errorType"] == "COMMENT_TOO_LONG"


@pytest.mark.parametrize(("body", "words"), [
    ({"comment": {"text": "hi", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}},
     "HTML"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "extra": 1},
     'Unknown name "extra"'),
    ({"comment": {"text": "hi", "lang": "en"}, "requestedAttributes": {"TOXICITY": {}}},
     "Unknown name \"lang\" at 'comment'"),
    ({"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}, "comment.text"),
    ({"comment": "hi", "requestedAttributes": {"TOXICITY": {}}}, "comment must be an object"),
    ({"comment": {"text": "hi"}, "requestedAttributes": ["TOXICITY"]}, "requestedAttributes"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreType": "RAW"}}},
     "PROBABILITY"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}},
     "scoreThreshold"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": True}}},
     "scoreThreshold"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"foo": 1}}},
     'Unknown name "foo"'),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": "en"},
     "languages must be an array"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["?"]},
     "languages[0]"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}},
      "spanAnnotations": "yes"}, "spanAnnotations must be true or false"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "clientToken": 3},
     "clientToken must be a string"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}},
      "context": {"entries": [{"text": "a", "kind": "b"}]}}, 'Unknown name "kind"'),
])
def test_invalid_request(client, body, words):
    response = analyze(client, body)
    assert error_type(response) == "INVALID_REQUEST"
    assert words in response.get_json()["error"]["message"]


def test_lone_surrogate(client):
    raw = json.dumps(request_for("bad \ud800 text", languages=["en"])).encode("ascii")
    response = client.post(ANALYZE + KEY, data=raw, content_type="application/json")
    assert error_type(response) == "INVALID_REQUEST"
    assert "surrogate" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b'"text"'])
def test_body_not_a_json_object(client, raw):
    response = client.post(ANALYZE + KEY, data=raw, content_type="application/json")
    assert error_type(response) == "INVALID_REQUEST"


def test_context_session_and_community_are_accepted(client):
    body = request_for(CLEAN_EN, context={"entries": [{"text": "Earlier comment",
                                                       "type": "PLAIN_TEXT"}]},
                       sessionId="s-1", communityId="c-1", doNotStore=True, languages=None)
    assert analyze(client, body).status_code == 200


def test_client_token_is_echoed(client):
    response = analyze(client, request_for(CLEAN_EN, clientToken="token-42"))
    assert response.get_json()["clientToken"] == "token-42"
    assert "clientToken" not in analyze(client, request_for(CLEAN_EN)).get_json()


# --- keys -------------------------------------------------------------------------------------


def test_key_in_query_or_bearer_header(client, auth):
    assert analyze(client, request_for(CLEAN_EN)).status_code == 200
    assert analyze(client, request_for(CLEAN_EN), query="", headers=auth).status_code == 200


def test_missing_key(client):
    response = analyze(client, request_for(CLEAN_EN), query="")
    error = google_error(response, 401)
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"] == "The request is missing a valid API key."


@pytest.mark.parametrize("path", [ANALYZE, SUGGEST])
def test_invalid_key(client, path):
    response = client.post(path + "?key=nope", json=request_for(CLEAN_EN))
    error = google_error(response, 401)
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"


def test_key_is_checked_before_the_body(client):
    response = client.post(ANALYZE + "?key=nope", data=b"{not json")
    google_error(response, 401)


# --- suggestscore -----------------------------------------------------------------------------


def suggest(text, scores, **extra):
    return {"comment": {"text": text},
            "attributeScores": {name: {"summaryScore": {"value": value}}
                                for name, value in scores.items()}, **extra}


def stored(app):
    from service.feedback import get_store

    with app.app_context():
        return get_store().page()


def test_suggestscore_stores_a_correction(app, client, moderator):
    response = client.post(SUGGEST + KEY, json=suggest(CLEAN_FR, {"TOXICITY": 0.9},
                                                       clientToken="t-7"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"clientToken": "t-7"}
    [row] = stored(app)
    prediction = moderator.classify([CLEAN_FR])[0]
    assert (row.text, row.label, row.source) == (CLEAN_FR, "abusive", "perspective")
    assert row.comment_id == "perspective:" + hashlib.sha256(CLEAN_FR.encode()).hexdigest()
    assert (row.predicted_label, row.model_version) == (prediction.label, moderator.version)
    assert row.note == "Perspective suggestscore: TOXICITY=0.9"


def test_suggestscore_do_not_store(app, client):
    body = suggest(ABUSIVE_EN, {"TOXICITY": 0.0}, doNotStore=True, clientToken="private")
    response = client.post(SUGGEST + KEY, json=body)
    assert response.status_code == 200
    assert response.get_json() == {"clientToken": "private"}
    assert stored(app) == []


def test_suggestscore_from_span_scores_and_ignoring_unknown_attributes(app, client):
    body = {"comment": {"text": ABUSIVE_EN}, "attributeScores": {
        "INSULT": {"summaryScore": {"value": 0.99}},
        "SEVERE_TOXICITY": {"spanScores": [
            {"begin": 0, "end": 10, "score": {"value": 0.1, "type": "PROBABILITY"}},
            {"begin": 11, "end": 20, "score": {"value": 0.7}}]}}}
    response = client.post(SUGGEST + KEY, json=body)
    assert response.status_code == 200
    assert response.get_json() == {}
    assert [row.label for row in stored(app)] == ["abusive"]


@pytest.mark.parametrize(("body", "words"), [
    ({"comment": {"text": "hi"}}, "attributeScores must give"),
    ({"comment": {"text": "hi"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 1}}}},
     "attributeScores must give"),
    ({"comment": {"text": "hi"}, "attributeScores": {"TOXICITY": {"summaryScore": {}}}},
     "attributeScores must give"),
    ({"comment": {"text": "hi"}, "attributeScores": {"TOXICITY": {"summaryScore":
                                                                   {"value": 1.5}}}},
     "summaryScore.value"),
    ({"comment": {"text": "hi"}, "attributeScores": {"TOXICITY": {"spanScores": [
        {"begin": -1, "score": {"value": 1}}]}}}, "begin"),
    ({"comment": {"text": "hi\x00"}, "attributeScores": {"TOXICITY": {"summaryScore":
                                                                       {"value": 1}}}},
     "NUL"),
])
def test_suggestscore_invalid(app, client, body, words):
    response = client.post(SUGGEST + KEY, json=body)
    assert error_type(response) == "INVALID_REQUEST"
    assert words in response.get_json()["error"]["message"]
    assert stored(app) == []


def test_suggestscore_empty_comment(client):
    body = suggest("  ", {"TOXICITY": 1.0})
    assert error_type(client.post(SUGGEST + KEY, json=body)) == "COMMENT_EMPTY"


def test_suggested_label_rule():
    model = {"constructive": 0.2, "critical": 0.3, "abusive": 0.5}
    assert suggested_label({"TOXICITY": 0.5}, model) == "abusive"
    assert suggested_label({"SEVERE_TOXICITY": 0.7, "CONSTRUCTIVE": 1.0}, model) == "abusive"
    assert suggested_label({"ABUSIVE": 0.2, "CRITICAL": 0.6, "CONSTRUCTIVE": 0.3},
                           model) == "critical"
    assert suggested_label({"CONSTRUCTIVE": 0.4}, model) == "constructive"
    assert suggested_label({"CRITICAL": 0.4, "CONSTRUCTIVE": 0.4}, model) == "constructive"
    # Only "not toxic" said: the model's likelier non-abusive label.
    assert suggested_label({"TOXICITY": 0.1}, model) == "critical"
    assert suggested_label({"TOXICITY": 0.1}, {**model, "constructive": 0.4}) == "constructive"


# --- discovery and OpenAPI --------------------------------------------------------------------


def test_discovery_document_points_at_this_service(client):
    response = client.get("/$discovery/rest?version=v1alpha1",
                          base_url="http://moderation.example:8080")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["kind"] == "discovery#restDescription"
    assert (doc["name"], doc["version"]) == ("commentanalyzer", "v1alpha1")
    assert doc["rootUrl"] == "http://moderation.example:8080/"
    assert doc["servicePath"] == ""
    methods = doc["resources"]["comments"]["methods"]
    assert methods["analyze"]["path"] == "v1alpha1/comments:analyze"
    assert methods["suggestscore"]["request"] == {"$ref": "SuggestCommentScoreRequest"}
    refs = {m["request"]["$ref"] for m in methods.values()} | {
        m["response"]["$ref"] for m in methods.values()}
    assert refs <= set(doc["schemas"])
    assert client.get("/%24discovery/rest").status_code == 200


def test_discovery_of_another_version(client):
    google_error(client.get("/$discovery/rest?version=v1"), 404)


def test_openapi_describes_the_routes(client):
    doc = client.get("/openapi.json").get_json()
    for path in (ANALYZE, SUGGEST, "/$discovery/rest"):
        assert path in doc["paths"]
    assert "PerspectiveAnalyzeRequest" in doc["components"]["schemas"]
    assert "?key=" in doc["paths"][ANALYZE]["post"]["description"]


# --- real clients against gunicorn ------------------------------------------------------------


def live_rows(live_server, text: str) -> list:
    """The live server's stored feedback about ``text`` (other tests store records too)."""
    from service.feedback_store import open_store

    rows, after = [], 0
    with open_store(live_server.env["MODERATION_FEEDBACK_DB"]) as store:
        while page := store.page(after_id=after, limit=1000):
            rows += [row for row in page if row.text == text]
            after = page[-1].id
    return rows


@pytest.mark.slow
def test_google_api_python_client(live_server):
    from googleapiclient import discovery
    from googleapiclient.errors import HttpError

    client = discovery.build(
        "commentanalyzer", "v1alpha1", developerKey=CLIENT_KEY,
        discoveryServiceUrl=live_server.url + "/$discovery/rest?version=v1alpha1",
        static_discovery=False)
    with client:
        for text, language in ((ABUSIVE_FR, "fr"), (CLEAN_EN, "en")):
            request = {"comment": {"text": text},
                       "requestedAttributes": {"TOXICITY": {}, "SEVERE_TOXICITY": {}},
                       "clientToken": language}
            response = client.comments().analyze(body=request).execute()
            assert response["languages"] == [language]
            assert response["clientToken"] == language
            assert 0 <= response["attributeScores"]["TOXICITY"]["summaryScore"]["value"] <= 1
        suggestion = {"comment": {"text": "Un commentaire que nous corrigeons via Google."},
                      "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1.0}}},
                      "clientToken": "g-1"}
        assert client.comments().suggestscore(body=suggestion).execute() == {"clientToken": "g-1"}
        with pytest.raises(HttpError) as caught:
            client.comments().analyze(body={"comment": {"text": ""},
                                            "requestedAttributes": {"TOXICITY": {}}}).execute()
    assert caught.value.status_code == 400
    assert caught.value.error_details[0]["errorType"] == "COMMENT_EMPTY"
    rows = live_rows(live_server, suggestion["comment"]["text"])
    assert [(r.label, r.source) for r in rows] == [("abusive", "perspective")]


@pytest.mark.slow
def test_third_party_wrapper_perspective(live_server):
    from perspective import PerspectiveAPI

    api = PerspectiveAPI(CLIENT_KEY)
    # The wrapper has no base-URL setting: point its one URL template at the live server.
    api.api_client.url = live_server.url + "/v1alpha1/{endpoint}"
    french = api.analyze_comment(ABUSIVE_FR, languages=["fr"], client_token="w-1",
                                 requested_attributes={"TOXICITY": {"scoreThreshold": 0.0}})
    assert french["languages"] == ["fr"] and french["clientToken"] == "w-1"
    english = api.score(CLEAN_EN, tests=["TOXICITY", "SEVERE_TOXICITY"])
    assert set(english) == {"TOXICITY", "SEVERE_TOXICITY"}
    assert all(0 <= value <= 1 for value in english.values())
    text = "A wrapper's correction: this comment is fine."
    answer = api.suggest_score(text, {"TOXICITY": {"summaryScore": {"value": 0.0}}},
                               client_token="w-2")
    assert answer == {"clientToken": "w-2"}
    rows = live_rows(live_server, text)
    assert len(rows) == 1
    assert rows[0].label in ("constructive", "critical")
    assert rows[0].source == "perspective"
