"""Training: the command line, its sources and their precedence, the model card, the
promotion gate, and the whole feedback loop (classify, correct, retrain, promote, reload,
classify again)."""

from __future__ import annotations

import json
import shutil

import pytest

from model import artifact
from service import create_app
from service.feedback_store import FeedbackRecord, open_store
from tests.conftest import app_config, small_training_set
from training import train as train_cli
from training.data import Example, is_held_out
from training.sources import Source, deduplicate


def write_jsonl(path, examples):
    path.write_text("".join(json.dumps({"id": e.id, "text": e.text, "label": e.label,
                                        "lang": e.lang}, ensure_ascii=False) + "\n"
                            for e in examples), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("data") / "small.jsonl", small_training_set())


def run(*args) -> int:
    if "--eval-dir" not in args:
        args = ("--no-external", *args)
    return train_cli.main(["--quiet", "--folds", "2", *map(str, args)])


def test_training_writes_a_complete_version(tmp_path, small_file, capsys):
    models = tmp_path / "models"
    assert run("--no-default-data", "--data", small_file, "--models-dir", models) == 0
    out = capsys.readouterr().out
    assert "promotion gate: PROMOTED" in out and "held-out macro-F1" in out
    version = artifact.current_version(models)
    directory = models / version
    for name in ("model.joblib", "manifest.json", "model_card.md", "report.png",
                 "promotion.json"):
        assert (directory / name).is_file(), name
    manifest = json.loads((directory / "manifest.json").read_text())
    cv = manifest["metrics"]["cross_validation"]
    assert set(cv["overall"]["per_class"]) == {"constructive", "critical", "abusive"}
    assert cv["calibration"]["abusive"]["table"]
    assert manifest["training_data"]["sources"][0]["name"].endswith("small.jsonl")
    card = (directory / "model_card.md").read_text()
    for heading in ("## Intended use", "## Training data", "## Metrics", "## Calibration",
                    "## Thresholds and actions", "## Known limitations"):
        assert heading in card
    assert (directory / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_training_reports_evaluation_files_in_the_model_card(tmp_path, small_file, capsys):
    evals, empty = tmp_path / "eval", tmp_path / "empty"
    evals.mkdir()
    empty.mkdir()
    (evals / "team_probe.jsonl").write_text(small_file.read_text(encoding="utf-8"),
                                            encoding="utf-8")
    models = tmp_path / "models"
    assert run("--no-default-data", "--data", small_file, "--models-dir", models,
               "--eval-dir", evals) == 0
    assert "third-party evaluation (measuring only" in capsys.readouterr().out
    card = (models / artifact.current_version(models) / "model_card.md").read_text()
    assert "## Results on third-party evaluation data" in card
    assert "| team_probe |" in card and "## Known limitations" in card
    models2 = tmp_path / "models2"
    assert run("--no-default-data", "--data", small_file, "--models-dir", models2,
               "--eval-dir", empty) == 0
    card = (models2 / artifact.current_version(models2) / "model_card.md").read_text()
    assert "third-party" not in card


def test_unreadable_evaluation_files_never_fail_training(tmp_path, small_file, capsys):
    evals = tmp_path / "eval"
    evals.mkdir()
    (evals / "broken.jsonl").write_text('{"text": "ok", "label": "hateful"}\n',
                                        encoding="utf-8")
    (evals / "empty.jsonl").write_text("", encoding="utf-8")
    models = tmp_path / "models"
    assert run("--no-default-data", "--data", small_file, "--models-dir", models,
               "--eval-dir", evals) == 0
    captured = capsys.readouterr()
    assert "promotion gate: PROMOTED" in captured.out
    assert "warning: third-party evaluation skipped" in captured.err
    assert "broken.jsonl:1" in captured.err
    assert artifact.current_version(models)


@pytest.mark.parametrize(("args", "message"), [
    (["--data", "missing.jsonl"], "no such file"),
    (["--no-default-data"], "needs --data or --feedback-db"),
    (["--folds", "1"], "--folds must be at least 2"),
    (["--precision-target", "1.5"], "must be in (0, 1]"),
])
def test_bad_arguments_get_a_clear_message(tmp_path, args, message, capsys):
    try:
        status = run("--models-dir", tmp_path, *args)
    except SystemExit as exc:  # argparse errors
        status = exc.code
    assert status == 2
    assert message in capsys.readouterr().err


def test_a_malformed_file_names_its_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "label": "critical"}\n{"text": "x", "label": "nice"}\n')
    assert run("--no-default-data", "--data", bad, "--models-dir", tmp_path / "m") == 2
    assert "bad.jsonl:2: 'label' must be one of" in capsys.readouterr().err


def test_csv_files_are_accepted(tmp_path, small_file):
    import csv

    rows = [json.loads(line) for line in small_file.read_text().splitlines()]
    path = tmp_path / "small.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "text", "label", "lang"])
        writer.writeheader()
        writer.writerows(rows)
    assert run("--no-default-data", "--data", path, "--models-dir", tmp_path / "m") == 0


def test_sources_precedence_feedback_first():
    feedback = Source("feedback", "feedback",
                      [Example("Quel article NUL !", "abusive", id="fb:1", source="feedback")])
    extra = Source("x.jsonl", "file", [Example("quel article nul", "constructive", id="x1")])
    corpus = Source("c.jsonl", "corpus", [Example("Quel article nul...", "critical", id="c1"),
                                          Example("Autre texte", "critical", id="c2")])
    kept = deduplicate([feedback, extra, corpus])
    assert [(e.id, e.label) for e in kept] == [("fb:1", "abusive"), ("c2", "critical")]
    assert (extra.dropped_duplicates, corpus.dropped_duplicates) == (1, 1)
    assert feedback.report()["used"] == 1


@pytest.fixture
def current_models(models_dir, tmp_path):
    """A private models directory whose current version is the session's model."""
    own = tmp_path / "models"
    version = artifact.current_version(models_dir)
    shutil.copytree(models_dir / version, own / version)
    artifact.set_current(own, version)
    return own


@pytest.mark.slow
def test_a_worse_model_is_refused_by_the_gate(current_models, tmp_path, small_file, capsys):
    before = artifact.current_version(current_models)
    # Deliberately worse: the same texts with the labels rotated.
    rotate = {"constructive": "critical", "critical": "abusive", "abusive": "constructive"}
    worse = [Example(e.text, rotate[e.label], id=e.id, lang=e.lang)
             for e in small_training_set()]
    path = write_jsonl(tmp_path / "worse.jsonl", worse)
    assert run("--no-default-data", "--data", path, "--models-dir", current_models) == 0
    out = capsys.readouterr().out
    assert "promotion gate: REFUSED" in out and "macro_f1" in out
    assert artifact.current_version(current_models) == before
    log = [json.loads(line) for line in (current_models / "promotions.jsonl").read_text()
           .splitlines()]
    assert log[-1]["promoted"] is False and log[-1]["figures"]["held_out"]["current"]
    # --force overrides the gate, and says so.
    assert run("--no-default-data", "--data", path, "--models-dir", current_models,
               "--force") == 0
    assert "forced" in capsys.readouterr().out
    assert artifact.current_version(current_models) != before


NEW_INSULT = "brakmouche"
CORRECTIONS = [
    f"Retourne dans ta grotte, sale {NEW_INSULT}.",
    f"Encore un {NEW_INSULT} qui commente sans lire l'article.",
    f"Les {NEW_INSULT}s comme toi devraient se taire.",
    f"Quel {NEW_INSULT}, celui-là, il ne comprend rien.",
    f"Va jouer ailleurs, petit {NEW_INSULT} minable.",
    f"Tu écris comme un {NEW_INSULT}, c'est affligeant.",
    f"Bande de {NEW_INSULT}s, vous polluez ce fil.",
    f"Ce {NEW_INSULT} de modérateur censure tout le monde.",
]


@pytest.mark.slow
def test_feedback_loop_end_to_end(current_models, tmp_path, small_file):
    """Classify, correct, retrain with the feedback, promote, reload, classify again."""
    db = tmp_path / "feedback.sqlite3"
    app = create_app(app_config(current_models, tmp_path, FEEDBACK_DB=str(db)))
    client = app.test_client()
    auth = {"Authorization": "Bearer test-client-key"}
    admin = {"Authorization": "Bearer test-admin-key"}
    probe = f"Franchement, {NEW_INSULT}, relis-toi avant de poster."
    first = client.post("/v1/classify", json={"comments": [{"id": "p", "text": probe}]},
                        headers=auth).get_json()
    old_version = first["model"]["version"]
    assert first["results"][0]["label"] != "abusive"
    # Moderators correct a run of comments using a new insult (ids chosen on the training
    # side of the hash split: held-out feedback judges models and never trains).
    ids = [cid for cid in (f"c{i}" for i in range(100)) if not is_held_out(f"fb:{cid}")]
    records = [{"comment_id": cid, "text": text, "label": "abusive", "moderator_id": "m1",
                "predicted_label": "critical", "model_version": old_version}
               for cid, text in zip(ids, CORRECTIONS)]
    records.append({"comment_id": "p", "text": probe, "label": "abusive",
                    "predicted_label": first["results"][0]["label"]})
    assert client.post("/v1/feedback", json={"records": records},
                       headers=auth).status_code == 201
    assert run("--no-default-data", "--data", small_file, "--feedback-db", db,
               "--models-dir", current_models, "--tolerance", "0.03") == 0
    new_version = artifact.current_version(current_models)
    assert new_version != old_version, "the retrained model was not promoted"
    reloaded = client.post("/v1/admin/reload", headers=admin).get_json()
    assert reloaded["model"]["version"] == new_version
    again = client.post("/v1/classify", json={"comments": [{"id": "p", "text": probe}]},
                        headers=auth).get_json()
    assert again["model"]["version"] == new_version
    assert again["results"][0]["label"] == "abusive"
    manifest = json.loads((current_models / new_version / "manifest.json").read_text())
    feedback = next(s for s in manifest["training_data"]["sources"] if s["kind"] == "feedback")
    assert feedback["used"] == len(records) - sum(is_held_out(f"fb:{r['comment_id']}")
                                                  for r in records[-1:])


def test_feedback_store_rows_become_examples(tmp_path):
    from training.sources import feedback_examples

    with open_store(tmp_path / "fb.sqlite3") as store:
        store.add([FeedbackRecord(comment_id="a", text="t1", label="critical"),
                   FeedbackRecord(comment_id="a", text="t1 edited", label="abusive"),
                   FeedbackRecord(comment_id="b", text="t2", label="constructive")])
        stored = store.page()
        store.delete(stored[2].id)
        examples = feedback_examples(store)
    assert [(e.id, e.text, e.label) for e in examples] == [("fb:a", "t1 edited", "abusive")]


def test_if_missing_keeps_a_usable_model_and_replaces_a_broken_one(current_models, small_file,
                                                                  capsys):
    before = artifact.current_version(current_models)
    assert run("--if-missing", "--models-dir", current_models) == 0
    assert "nothing to do" in capsys.readouterr().out
    with open(current_models / before / "model.joblib", "ab") as fh:
        fh.write(b"broken")
    assert run("--if-missing", "--no-default-data", "--data", small_file,
               "--models-dir", current_models) == 0
    out = capsys.readouterr().out
    assert "not usable" in out and "PROMOTED" in out
    assert artifact.current_version(current_models) != before
