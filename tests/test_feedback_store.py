"""Tests of the moderator-feedback store, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from service.feedback_store import (
    LATEST_VERSION,
    MAX_PAGE,
    MIGRATIONS,
    FeedbackRecord,
    FeedbackStore,
    FeedbackStoreError,
    FeedbackValidationError,
    PostgresFeedbackStore,
    SqliteFeedbackStore,
    StoredFeedback,
    open_store,
)

ROOT = Path(__file__).resolve().parent.parent
RECORD_FIELDS = [item.name for item in fields(FeedbackRecord)]
VALID = {"comment_id": "c1", "text": "Merci pour ce travail.", "label": "constructive"}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A location for a new store: a SQLite file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "feedback.sqlite3")
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def store(store_url: str):
    with open_store(store_url) as opened:
        yield opened


def record(comment_id: str = "c1", label: str = "constructive", **extra: Any) -> FeedbackRecord:
    return FeedbackRecord(comment_id=comment_id, text=f"text of {comment_id}", label=label,
                          **extra)


def add_one(store: FeedbackStore, rec: FeedbackRecord) -> StoredFeedback:
    [(stored, created)] = store.add([rec])
    assert created
    return stored


def raw(url: str, query: str) -> list[tuple]:
    """Run one statement on the database behind a store, bypassing it (autocommit)."""
    if url.startswith("postgresql://"):
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []
    conn = sqlite3.connect(url, isolation_level=None)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def walk(store: FeedbackStore, limit: int = 100) -> list[StoredFeedback]:
    rows: list[StoredFeedback] = []
    while page := store.page(after_id=rows[-1].id if rows else 0, limit=limit):
        rows += page
    return rows


# --- records ----------------------------------------------------------------------------------


def test_from_dict_builds_a_record_with_defaults():
    rec = FeedbackRecord.from_dict({**VALID, "action": "approve", "note": None})
    assert rec == FeedbackRecord(comment_id="c1", text=VALID["text"], label="constructive",
                                 action="approve")
    assert rec.source == "api"
    assert rec.note is None


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"label": None}, "label", "label is required"),
    ({"label": "spam"}, "label", "label must be one of constructive, critical, abusive; got"),
    ({"predicted_label": "Abusive"}, "predicted_label", "predicted_label must be one of"),
    ({"action": "ban"}, "action", "action must be one of approve, review, reject"),
    ({"text": 42}, "text", "text must be a string, got int"),
    ({"text": "  \n"}, "text", "text must not be empty"),
    ({"text": "x" * 20_001}, "text", "text is too long: 20001 characters, max of 20000"),
    ({"comment_id": "a\x00b"}, "comment_id", "comment_id must not contain NUL"),
    ({"note": "\ud800"}, "note", "note must be valid Unicode text"),
    ({"idempotency_key": "k" * 201}, "idempotency_key", "max of 200"),
    ({"source": ""}, "source", "source must not be empty"),
    ({"labl": "abusive"}, "labl", "labl is not a feedback field"),
    ({"id": 7}, "id", "id is set by the server"),
])
def test_from_dict_names_the_offending_field(change, field, message):
    with pytest.raises(FeedbackValidationError, match=message) as caught:
        FeedbackRecord.from_dict({**VALID, **change})
    assert caught.value.field == field


def test_from_dict_rejects_what_is_not_an_object():
    with pytest.raises(FeedbackValidationError, match="must be an object, got list") as caught:
        FeedbackRecord.from_dict(["c1"])
    assert caught.value.field == "record"


def test_from_dict_applies_the_configured_text_limit():
    with pytest.raises(FeedbackValidationError, match="max of 10"):
        FeedbackRecord.from_dict(VALID, max_text_chars=10)


def test_constructor_validates_too():
    with pytest.raises(FeedbackValidationError, match="comment_id must not be empty"):
        FeedbackRecord(comment_id="", text="t", label="critical")


def test_from_dicts_prefixes_the_index():
    with pytest.raises(FeedbackValidationError, match=r"^record 1: label is required") as caught:
        FeedbackRecord.from_dicts([VALID, {"comment_id": "c2", "text": "t"}])
    assert caught.value.field == "[1].label"


@pytest.mark.parametrize(("items", "message"), [
    ([VALID] * 501, "records hold 501 items, max of 500 per batch"),
    ("not a list", "records must be a list, got str"),
])
def test_from_dicts_rejects_bad_batches(items, message):
    with pytest.raises(FeedbackValidationError, match=message):
        FeedbackRecord.from_dicts(items)


def test_migrations_are_numbered_from_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


# --- opening ----------------------------------------------------------------------------------


def test_open_store_picks_sqlite_for_paths_and_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    targets = [tmp_path / "a.db", str(tmp_path / "b.db"), f"sqlite:///{tmp_path}/c.db",
               "sqlite:///relative.db", str(tmp_path / "var" / "nested.db")]
    for target in targets:
        with open_store(target) as opened:
            assert isinstance(opened, SqliteFeedbackStore)
    for name in ("a.db", "b.db", "c.db", "relative.db", "var/nested.db"):
        assert (tmp_path / name).is_file()


@pytest.mark.parametrize(("target", "message"), [
    ("mysql://localhost/feedback", "unsupported feedback database scheme 'mysql'"),
    ("sqlite://", "names no file"),
    ("sqlite:///:memory:", "names no file"),
    (":memory:", "names no file"),
])
def test_open_store_rejects_unusable_targets(target, message):
    with pytest.raises(FeedbackStoreError, match=message):
        open_store(target)


def test_open_store_picks_postgres_for_postgres_urls(postgres_url):
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgres://", 1)):
        with open_store(url) as opened:
            assert isinstance(opened, PostgresFeedbackStore)
            assert opened.schema_version() == LATEST_VERSION


def test_unreachable_postgres_is_a_store_error_without_the_password():
    with pytest.raises(FeedbackStoreError) as caught:
        open_store("postgresql://someone:s3cret@127.0.0.1:1/feedback?connect_timeout=5")
    assert "s3cret" not in str(caught.value)
    assert "someone:***@127.0.0.1:1" in str(caught.value)


def test_sqlite_connections_are_durable_and_wait_for_writers(tmp_path):
    with open_store(tmp_path / "feedback.db") as opened, opened._connection() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (30_000,)


def test_migrations_are_idempotent_and_recorded(store_url):
    with open_store(store_url) as first:
        first.add([record()])
    for _ in range(2):
        with open_store(store_url) as again:
            assert again.schema_version() == LATEST_VERSION
            assert again.count() == 1
    rows = raw(store_url, "SELECT version, description FROM schema_migrations ORDER BY version")
    assert rows == [(m.version, m.description) for m in MIGRATIONS]


def test_a_newer_schema_is_refused(store_url):
    open_store(store_url).close()
    raw(store_url, "INSERT INTO schema_migrations (version, description, applied_at) "
                   "VALUES (999, 'from the future', CURRENT_TIMESTAMP)")
    with pytest.raises(FeedbackStoreError, match="schema version 999, newer than this code's"):
        open_store(store_url)


def test_a_closed_store_refuses_calls(store):
    store.close()
    store.close()
    with pytest.raises(FeedbackStoreError, match="is closed"):
        store.count()


# --- writing ----------------------------------------------------------------------------------


def test_add_stores_every_field_and_returns_the_row(store):
    before = datetime.now(UTC) - timedelta(seconds=1)
    rec = record(predicted_label="critical", model_version="v3", moderator_id="m1",
                 action="approve", note="fine", idempotency_key="k1", source="perspective")
    stored = add_one(store, rec)
    assert stored.id >= 1
    assert {name: getattr(stored, name) for name in RECORD_FIELDS} == asdict(rec)
    assert before <= stored.created_at <= datetime.now(UTC)
    assert stored.created_at.tzinfo == UTC
    assert stored.deleted_at is None
    assert store.get(stored.id) == stored


def test_to_dict_is_json_with_utc_timestamps(store):
    data = add_one(store, record()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["created_at"].endswith("Z")
    assert data["deleted_at"] is None
    assert set(data) >= {"id", "comment_id", "text", "label", "source", "idempotency_key"}


def test_ids_increase(store):
    first = add_one(store, record("c1"))
    batch = [stored.id for stored, _ in store.add([record("c2"), record("c3")])]
    last = add_one(store, record("c4"))
    assert [first.id, *batch, last.id] == sorted({first.id, *batch, last.id})


def test_a_known_idempotency_key_returns_the_stored_row_and_stores_nothing(store):
    first = add_one(store, record(idempotency_key="retry-1"))
    again = store.add([record(label="abusive", idempotency_key="retry-1")])
    assert again == [(first, False)]
    assert store.count() == 1


def test_a_key_repeated_within_a_batch_is_stored_once(store):
    results = store.add([record("c1", idempotency_key="k"), record("c2", idempotency_key="k2"),
                         record("c3", idempotency_key="k")])
    assert [created for _, created in results] == [True, True, False]
    assert results[2][0] == results[0][0]
    assert store.count() == 2


def test_records_without_a_key_are_never_merged(store):
    store.add([record()])
    store.add([record()])
    assert store.count() == 2


def test_a_batch_is_atomic(store):
    bad = record("c2")
    object.__setattr__(bad, "label", "spam")  # slip past validation: the database must refuse
    with pytest.raises(FeedbackStoreError, match="feedback database"):
        store.add([record("c1", idempotency_key="k"), bad])
    assert store.count() == 0
    assert store.add([record("c1", idempotency_key="k")])[0][1] is True


def test_add_checks_the_batch(store):
    assert store.add([]) == []
    with pytest.raises(FeedbackValidationError, match="max of 500 per batch"):
        store.add([record()] * 501)
    with pytest.raises(TypeError, match="takes FeedbackRecord objects, got dict"):
        store.add([VALID])
    assert store.count() == 0


def test_a_later_decision_is_a_new_row_and_the_latest_wins(store):
    early = add_one(store, record("c1", "constructive"))
    other = add_one(store, record("c2", "critical"))
    add_one(store, record("c1", "abusive"))
    latest = add_one(store, record("c1", "critical"))
    assert store.count() == 4
    assert store.get(early.id).label == "constructive"
    assert store.latest_per_comment() == [other, latest]


def test_latest_per_comment_ignores_deleted_rows(store):
    add_one(store, record("c1", "constructive"))
    previous = add_one(store, record("c1", "abusive"))
    latest = add_one(store, record("c1", "critical"))
    add_one(store, record("c2", "critical"))
    add_one(store, record("c2", "abusive"))
    store.delete(latest.id)
    assert store.delete_comment("c2") == 2
    assert store.latest_per_comment() == [previous]


def test_recent_gives_the_newest_latest_decisions_first(store):
    for n in range(5):
        add_one(store, record(f"c{n}"))
    revised = add_one(store, record("c0", "abusive"))
    deleted = add_one(store, record("c9"))
    store.delete(deleted.id)
    recent = store.recent(3)
    assert [r.comment_id for r in recent] == ["c0", "c4", "c3"]
    assert recent[0] == revised
    assert len(store.recent(100)) == 5
    with pytest.raises(FeedbackValidationError, match="limit must be between 1 and 10000"):
        store.recent(0)


def test_delete_blanks_text_and_note_and_keeps_a_tombstone(store):
    stored = add_one(store, record(note="the author's email is in here"))
    assert store.delete(stored.id) is True
    tombstone = store.get(stored.id)
    assert (tombstone.text, tombstone.note) == (None, None)
    assert tombstone.deleted
    assert tombstone.deleted_at >= stored.created_at
    assert (tombstone.label, tombstone.comment_id) == (stored.label, stored.comment_id)
    assert store.delete(stored.id) is True
    assert store.get(stored.id).deleted_at == tombstone.deleted_at
    assert store.delete(stored.id + 1000) is False
    later = add_one(store, record())
    assert later.id > stored.id
    assert store.page() == [tombstone, later]


def test_delete_comment_tombstones_every_decision_on_it(store):
    kept = add_one(store, record("c2"))
    for label in ("constructive", "abusive"):
        add_one(store, record("c1", label))
    assert store.delete_comment("c1") == 2
    assert store.delete_comment("unknown") == 0
    assert [row.text for row in walk(store)] == ["text of c2", None, None]
    assert store.latest_per_comment() == [kept]


def test_page_walks_every_row_once_in_id_order(store):
    ids = [stored.id for stored, _ in store.add([record(f"c{n}") for n in range(25)])]
    store.delete(ids[3])
    rows = walk(store, limit=10)
    assert [row.id for row in rows] == ids
    assert rows[3].deleted
    assert rows[3].text is None
    assert len(store.page(limit=10)) == 10
    assert store.page(after_id=ids[-1]) == []


@pytest.mark.parametrize(("arguments", "message"), [
    ({"limit": 0}, "limit must be between 1 and 1000; got 0"),
    ({"limit": 1001}, "limit must be between 1 and 1000"),
    ({"limit": True}, "limit must be an integer, got bool"),
    ({"after_id": -1}, "after_id must be between 0 and"),
    ({"after_id": "5"}, "after_id must be an integer, got str"),
])
def test_page_rejects_bad_arguments(store, arguments, message):
    with pytest.raises(FeedbackValidationError, match=message):
        store.page(**arguments)


def test_get_of_an_unknown_id_is_none(store):
    assert store.get(12345) is None
    with pytest.raises(FeedbackValidationError, match="id must be between 0 and"):
        store.get(2**63)


def add_one_or_existing(store: FeedbackStore, rec: FeedbackRecord) -> int:
    [(stored, _)] = store.add([rec])
    return stored.id


def test_threads_can_share_a_store(store):
    def write(thread: int) -> list[int]:
        records = [record(f"t{thread}-{n}", idempotency_key=f"shared-{n}" if n % 2 else None)
                   for n in range(20)]
        return [add_one_or_existing(store, rec) for rec in records]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(write, range(8)))
    assert store.count() == 8 * 10 + 10
    assert all(result[1::2] == results[0][1::2] for result in results)



def backend_pid(store: FeedbackStore) -> int:
    with store._connection() as conn:
        return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def test_a_forked_child_does_not_reuse_the_parents_postgres_session(postgres_url):
    # As under gunicorn --preload: a store opened (and used) before the workers fork.
    with open_store(postgres_url) as opened:
        parent_session = backend_pid(opened)
        child = os.fork()
        if child == 0:
            try:
                os._exit(0 if backend_pid(opened) != parent_session else 3)
            finally:
                os._exit(4)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert backend_pid(opened) == parent_session
        assert opened.count() >= 0


# --- several processes ------------------------------------------------------------------------

PROCESSES = 4
THREADS = 2


def _outcome(stored: StoredFeedback, created: bool) -> tuple[int, str | None, str, bool]:
    return stored.id, stored.idempotency_key, stored.text, created


def _records_for(worker: int, thread: int, count: int) -> list[FeedbackRecord]:
    # A quarter share their key with every other thread and process, a quarter have no key.
    records = []
    for n in range(count):
        key = {0: f"shared-{n}", 1: None}.get(n % 4, f"w{worker}-t{thread}-{n}")
        records.append(FeedbackRecord(comment_id=f"c{n}", text=f"w{worker}-t{thread}-{n}",
                                      label="critical", idempotency_key=key))
    return records


def _write_batches(store: FeedbackStore, records: list[FeedbackRecord]) -> list[tuple]:
    outcomes = []
    for start in range(0, len(records), 10):
        outcomes += [_outcome(*pair) for pair in store.add(records[start:start + 10])]
    return outcomes


def _open_and_write(url: str, worker: int, per_thread: int, barrier: Any, results: Any) -> None:
    """A child process: open the store together with the others, then write from threads."""
    try:
        barrier.wait(timeout=120)
        with open_store(url) as opened, ThreadPoolExecutor(THREADS) as pool:
            batches = [_records_for(worker, thread, per_thread) for thread in range(THREADS)]
            outcomes = [o for part in pool.map(lambda rs: _write_batches(opened, rs), batches)
                        for o in part]
        results.put((worker, outcomes, None))
    except BaseException:
        results.put((worker, [], traceback.format_exc()))


def run_processes(url: str, per_thread: int) -> list[tuple]:
    """Every outcome (id, key, text, created) of PROCESSES spawned writers."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_open_and_write,
                                 args=(url, worker, per_thread, barrier, results))
                 for worker in range(PROCESSES)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        process.close()
    results.close()
    results.join_thread()
    assert [error for _, _, error in reports if error] == []
    return [outcome for _, outcomes, _ in reports for outcome in outcomes]


@pytest.mark.slow
def test_concurrent_openers_migrate_once(store_url):
    assert run_processes(store_url, per_thread=0) == []
    rows = raw(store_url, "SELECT version FROM schema_migrations ORDER BY version")
    assert rows == [(m.version,) for m in MIGRATIONS]


def tail(store: FeedbackStore, stop: threading.Event, seen: list[int]) -> None:
    """Follow the log by id as a retraining job would, until ``stop`` and nothing is left."""
    while True:
        stopping = stop.is_set()
        page = store.page(after_id=seen[-1] if seen else 0, limit=MAX_PAGE)
        seen += [row.id for row in page]
        if stopping and not page:
            return
        time.sleep(0 if page else 0.002)


@pytest.mark.slow
def test_concurrent_processes_lose_nothing_and_duplicate_nothing(store_url):
    per_thread = 200
    stop, tailed = threading.Event(), []
    with open_store(store_url) as follower:
        tailer = threading.Thread(target=tail, args=(follower, stop, tailed))
        tailer.start()
        try:
            outcomes = run_processes(store_url, per_thread)
        finally:
            stop.set()
            tailer.join()
    writers = PROCESSES * THREADS
    assert len(outcomes) == writers * per_thread
    with open_store(store_url) as opened:
        rows = walk(opened, limit=1000)
        assert opened.count() == len(rows)
    shared = per_thread // 4
    assert len(rows) == shared + writers * (per_thread - shared)
    keys = [row.idempotency_key for row in rows if row.idempotency_key]
    assert len(keys) == len(set(keys))
    written_texts = {text for _, key, text, _ in outcomes if not (key or "").startswith("shared")}
    assert written_texts <= {row.text for row in rows}
    by_id = {row.id: (row.id, row.idempotency_key, row.text) for row in rows}
    assert all(by_id[id_][1:] == (key, text) for id_, key, text, _ in outcomes)
    assert len({row.text for row in rows}) == len(rows)
    created = [key for _, key, _, new in outcomes if new and (key or "").startswith("shared")]
    assert sorted(created) == sorted(f"shared-{n}" for n in range(0, per_thread, 4))
    # Ids follow commit order, so a reader paging while others write skips nothing.
    assert tailed == [row.id for row in rows]


# --- durability -------------------------------------------------------------------------------

WRITER = """
import sys
from service.feedback_store import FeedbackRecord, open_store

store = open_store(sys.argv[1])
batch = 0
while True:
    records = [FeedbackRecord(comment_id=f"c{batch}", text=f"durable {batch}-{n}",
                              label="critical", idempotency_key=f"dur-{batch}-{n}")
               for n in range(5)]
    for stored, _ in store.add(records):
        print(stored.id, flush=True)
    batch += 1
"""


def _collect(stream: Any, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def acknowledged_ids_before_sigkill(url: str, at_least: int) -> list[int]:
    """Start the writer, SIGKILL it once it has acknowledged ``at_least`` ids, return them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", WRITER, url]
    lines: list[str] = []
    with subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as writer:
        reader = threading.Thread(target=_collect, args=(writer.stdout, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while len(lines) < at_least and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        writer.send_signal(signal.SIGKILL)
        stderr = writer.stderr.read()
        writer.wait()
        reader.join(timeout=30)
    assert writer.returncode == -signal.SIGKILL, stderr
    # A line cut by the kill was never acknowledged.
    return [int(line) for line in lines if line.endswith("\n")]


def assert_database_consistent(url: str) -> None:
    if not url.startswith("postgresql://"):
        assert raw(url, "PRAGMA integrity_check") == [("ok",)]
        return
    raw(url, "CREATE EXTENSION IF NOT EXISTS amcheck")
    # heapallindexed: every row is found in every index (primary key, unique key, comment_id).
    checked = raw(url, "SELECT bt_index_check(indexrelid, true) FROM pg_index "
                       "WHERE indrelid = 'feedback'::regclass")
    assert len(checked) == 3
    [(rows, ids, keys, distinct_keys)] = raw(url, (
        "SELECT COUNT(*), COUNT(DISTINCT id), COUNT(idempotency_key), "
        "COUNT(DISTINCT idempotency_key) FROM feedback"))
    assert (rows, keys) == (ids, distinct_keys)


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(store_url):
    acknowledged = acknowledged_ids_before_sigkill(store_url, at_least=300)
    assert len(acknowledged) >= 300
    assert acknowledged == sorted(set(acknowledged))
    with open_store(store_url) as opened:
        for feedback_id in acknowledged:
            stored = opened.get(feedback_id)
            assert stored is not None
            assert stored.text.startswith("durable ")
        assert opened.count() >= len(acknowledged)
        # A batch cut by the kill is absent as a whole: batches are atomic.
        assert opened.count() % 5 == 0
    assert_database_consistent(store_url)


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just text " * 100)
    with pytest.raises(FeedbackStoreError, match=r"feedback\.sqlite3: file is not a database"):
        SqliteFeedbackStore.open(path, busy_timeout=1)
