"""The moderator-feedback store: an append-only log of moderators' decisions on comments.

Each decision is a row. A later decision on the same comment is a new row, and the latest
non-deleted row (by id) is the one that counts. :meth:`FeedbackStore.delete` honours a privacy
request by blanking the text and note while keeping the row as a tombstone, so ids are never
reused and pagination never shifts.

Backends: SQLite (a file path or ``sqlite:///path``; the default) and PostgreSQL
(``postgresql://...``), chosen by :func:`open_store`. Both are :class:`FeedbackStore`: the
subclasses supply only the dialect (connecting, placeholders, write lock, column types).

Concurrency: the store may be used from several threads, and several processes may open the
same database. Every write is one transaction holding a database-wide write lock
(``BEGIN IMMEDIATE`` on SQLite, a transaction-level advisory lock on PostgreSQL). Ids are
therefore assigned in commit order, and a reader paging by id never skips a row that commits
late with a smaller id. Idempotency keys rely on a UNIQUE constraint with ``ON CONFLICT DO
NOTHING``, not on check-then-insert.

Errors::

    FeedbackError
    ├── FeedbackValidationError   a record or argument that breaks a rule; ``field`` names it
    └── FeedbackStoreError        the database cannot be opened, migrated or used
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.pq import TransactionStatus

from model.labels import ACTIONS, LABELS

__all__ = [
    "DEFAULT_SOURCE",
    "LATEST_VERSION",
    "MAX_BATCH",
    "MAX_NAME_CHARS",
    "MAX_NOTE_CHARS",
    "MAX_PAGE",
    "MAX_RECENT",
    "MAX_TEXT_CHARS",
    "MIGRATIONS",
    "FeedbackError",
    "FeedbackRecord",
    "FeedbackStore",
    "FeedbackStoreError",
    "FeedbackValidationError",
    "Migration",
    "PostgresFeedbackStore",
    "SqliteFeedbackStore",
    "StoredFeedback",
    "open_store",
]

MAX_BATCH = 500
MAX_PAGE = 1000
MAX_RECENT = 10_000
MAX_TEXT_CHARS = 20_000  # the service's MAX_TEXT_CHARS default
MAX_NOTE_CHARS = 2_000
MAX_NAME_CHARS = 200  # ids, keys, versions, sources
DEFAULT_SOURCE = "api"
_MAX_ID = 2**63 - 1  # both backends store ids as signed 64-bit integers

# Arbitrary 64-bit keys for pg_advisory_xact_lock; unlikely to collide with other applications.
_MIGRATION_LOCK = 0x6664_6200_0000_0001
_WRITE_LOCK = 0x6664_6200_0000_0002


# --- errors -----------------------------------------------------------------------------------


class FeedbackError(Exception):
    """Base class of the feedback store's errors."""


class FeedbackValidationError(FeedbackError, ValueError):
    """A record or an argument that breaks a rule; ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class FeedbackStoreError(FeedbackError):
    """The database cannot be opened, migrated or used; the message says which and why."""


# --- records ----------------------------------------------------------------------------------


class _Rule(NamedTuple):
    required: bool
    max_chars: int | None
    choices: tuple[str, ...] | None


# The record fields in column order; text's limit is applied by from_dict (it is configurable).
_RULES: dict[str, _Rule] = {
    "comment_id": _Rule(True, MAX_NAME_CHARS, None),
    "text": _Rule(True, None, None),
    "label": _Rule(True, None, LABELS),
    "predicted_label": _Rule(False, None, LABELS),
    "model_version": _Rule(False, MAX_NAME_CHARS, None),
    "moderator_id": _Rule(False, MAX_NAME_CHARS, None),
    "action": _Rule(False, None, ACTIONS),
    "note": _Rule(False, MAX_NOTE_CHARS, None),
    "idempotency_key": _Rule(False, MAX_NAME_CHARS, None),
    "source": _Rule(True, MAX_NAME_CHARS, None),
}
_SERVER_FIELDS = ("id", "created_at", "deleted_at")


def _fail(field: str, message: str) -> FeedbackValidationError:
    return FeedbackValidationError(f"{field} {message}", field=field)


def _check_string(name: str, value: str, rule: _Rule) -> None:
    if not value.strip():
        raise _fail(name, "must not be empty")
    if rule.max_chars is not None and len(value) > rule.max_chars:
        raise _fail(name, f"is too long: {len(value)} characters, max of {rule.max_chars}")
    if rule.choices is not None and value not in rule.choices:
        raise _fail(name, f"must be one of {', '.join(rule.choices)}; got {value[:40]!r}")
    # PostgreSQL cannot store NUL, and neither backend can encode lone surrogates (which
    # json.loads lets through): reject both here so the backends behave alike.
    if "\x00" in value:
        raise _fail(name, "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(name, "must be valid Unicode text (it holds a lone surrogate)") from None


def _check_field(name: str, value: object, rule: _Rule) -> None:
    if value is None:
        if rule.required:
            raise _fail(name, "is required")
        return
    if not isinstance(value, str):
        raise _fail(name, f"must be a string, got {type(value).__name__}")
    _check_string(name, value, rule)


def _check_keys(data: Mapping[Any, Any]) -> None:
    unknown = sorted(str(key) for key in data if key not in _RULES)
    if unknown:
        name = unknown[0]
        reason = "is set by the server" if name in _SERVER_FIELDS else "is not a feedback field"
        raise _fail(name, reason)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackRecord:
    """A moderator's decision on a comment, as submitted (validated on construction).

    Parameters
    ----------
    comment_id : str
        The comment's id in the host platform.
    text : str
        The comment text the decision is about.
    label : str
        The moderator's label: one of :data:`model.labels.LABELS`.
    predicted_label, model_version : str, optional
        What the model said, and which model said it.
    moderator_id, note : str, optional
        Who decided, and why (free text, blanked by a deletion).
    action : str, optional
        The moderation action taken: one of :data:`model.labels.ACTIONS`.
    idempotency_key : str, optional
        Client-chosen; a second record with the same key is not stored again.
    source : str
        Where the decision came from (``"api"``, ``"perspective"``...).
    """

    comment_id: str
    text: str
    label: str
    predicted_label: str | None = None
    model_version: str | None = None
    moderator_id: str | None = None
    action: str | None = None
    note: str | None = None
    idempotency_key: str | None = None
    source: str = DEFAULT_SOURCE

    def __post_init__(self) -> None:
        for name, rule in _RULES.items():
            _check_field(name, getattr(self, name), rule)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, max_text_chars: int = MAX_TEXT_CHARS
    ) -> FeedbackRecord:
        """Build a record from decoded JSON; unknown fields are errors and null means absent.

        Raises
        ------
        FeedbackValidationError
            Naming the first offending field, e.g. ``label must be one of ...``.
        """
        if not isinstance(data, Mapping):
            raise _fail("record", f"must be an object, got {type(data).__name__}")
        _check_keys(data)
        values = {name: value for name, value in data.items() if value is not None}
        values.setdefault("source", DEFAULT_SOURCE)
        for name, rule in _RULES.items():
            _check_field(name, values.get(name), rule)
        if len(values["text"]) > max_text_chars:
            raise _fail("text", f"is too long: {len(values['text'])} characters, "
                                f"max of {max_text_chars}")
        return cls(**values)

    @classmethod
    def from_dicts(
        cls, items: Sequence[Any], *, max_text_chars: int = MAX_TEXT_CHARS
    ) -> list[FeedbackRecord]:
        """Build a batch; an error's ``field`` is prefixed with the index, e.g. ``[3].label``."""
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise _fail("records", f"must be a list, got {type(items).__name__}")
        if len(items) > MAX_BATCH:
            raise _fail("records", f"hold {len(items)} items, max of {MAX_BATCH} per batch")
        return [cls._from_item(index, item, max_text_chars) for index, item in enumerate(items)]

    @classmethod
    def _from_item(cls, index: int, item: Any, max_text_chars: int) -> FeedbackRecord:
        try:
            return cls.from_dict(item, max_text_chars=max_text_chars)
        except FeedbackValidationError as exc:
            raise FeedbackValidationError(
                f"record {index}: {exc.message}", field=f"[{index}].{exc.field}"
            ) from None


def _as_utc(value: datetime | str | None) -> datetime | None:
    # SQLite hands back the ISO text we stored; PostgreSQL a datetime in the session zone.
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredFeedback:
    """A stored decision: the record's fields plus those the server sets.

    ``text`` and ``note`` are ``None`` once the row is deleted (``deleted_at`` is then set).
    Timestamps are timezone-aware UTC datetimes.
    """

    id: int
    comment_id: str
    text: str | None
    label: str
    predicted_label: str | None
    model_version: str | None
    moderator_id: str | None
    action: str | None
    note: str | None
    idempotency_key: str | None
    source: str
    created_at: datetime
    deleted_at: datetime | None

    @property
    def deleted(self) -> bool:
        """Whether the row is a tombstone left by a privacy deletion."""
        return self.deleted_at is not None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> StoredFeedback:
        """Build from a database row whose columns are in :data:`_COLUMNS` order."""
        values = dict(zip(_COLUMNS, row, strict=True))
        values["created_at"] = _as_utc(values["created_at"])
        values["deleted_at"] = _as_utc(values["deleted_at"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields; timestamps as ISO-8601 UTC strings (``...Z``)."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["created_at"] = _iso(self.created_at)
        data["deleted_at"] = _iso(self.deleted_at)
        return data


# --- SQL --------------------------------------------------------------------------------------
# Written with "?" placeholders; the PostgreSQL dialect turns them into "%s". DDL holds
# {id_column} and {timestamp} slots that each dialect fills with its own column types.

_COLUMNS = ("id", *_RULES, "created_at", "deleted_at")
_COLUMN_LIST = ", ".join(_COLUMNS)
_INSERT_COLUMNS = (*_RULES, "created_at")

SQL_INSERT = (
    f"INSERT INTO feedback ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)}) "
    f"ON CONFLICT (idempotency_key) DO NOTHING RETURNING {_COLUMN_LIST}"
)
SQL_BY_KEY = f"SELECT {_COLUMN_LIST} FROM feedback WHERE idempotency_key = ?"
SQL_GET = f"SELECT {_COLUMN_LIST} FROM feedback WHERE id = ?"
SQL_PAGE = f"SELECT {_COLUMN_LIST} FROM feedback WHERE id > ? ORDER BY id LIMIT ?"
SQL_COUNT = "SELECT COUNT(*) FROM feedback"
SQL_DELETE = (
    "UPDATE feedback SET text = NULL, note = NULL, deleted_at = COALESCE(deleted_at, ?) "
    "WHERE id = ?"
)
SQL_DELETE_COMMENT = (
    "UPDATE feedback SET text = NULL, note = NULL, deleted_at = COALESCE(deleted_at, ?) "
    "WHERE comment_id = ?"
)
_LATEST_IDS = "SELECT MAX(id) FROM feedback WHERE deleted_at IS NULL GROUP BY comment_id"
SQL_LATEST = f"SELECT {_COLUMN_LIST} FROM feedback WHERE id IN ({_LATEST_IDS}) ORDER BY id"
SQL_RECENT = (
    f"SELECT {_COLUMN_LIST} FROM feedback WHERE id IN ({_LATEST_IDS}) ORDER BY id DESC LIMIT ?"
)

SQL_CREATE_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {timestamp} NOT NULL)"
)
SQL_SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
SQL_RECORD_MIGRATION = (
    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"
)


class Migration(NamedTuple):
    """One schema step; applied steps are recorded and must never be edited afterwards."""

    version: int
    description: str
    statements: tuple[str, ...]


# The label and action lists are spelled out rather than taken from model.labels: an applied
# migration is history, and a new label needs a new migration.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "feedback table", (
        """CREATE TABLE feedback (
            id {id_column},
            comment_id TEXT NOT NULL,
            text TEXT,
            label TEXT NOT NULL CHECK (label IN ('constructive', 'critical', 'abusive')),
            predicted_label TEXT
                CHECK (predicted_label IN ('constructive', 'critical', 'abusive')),
            model_version TEXT,
            moderator_id TEXT,
            action TEXT CHECK (action IN ('approve', 'review', 'reject')),
            note TEXT,
            idempotency_key TEXT UNIQUE,
            source TEXT NOT NULL,
            created_at {timestamp} NOT NULL,
            deleted_at {timestamp},
            CHECK (text IS NOT NULL OR deleted_at IS NOT NULL)
        )""",
        "CREATE INDEX feedback_comment_id ON feedback (comment_id, id)",
    )),
)
LATEST_VERSION = MIGRATIONS[-1].version


# --- the store --------------------------------------------------------------------------------


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(name, f"must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise _fail(name, f"must be between {low} and {high}; got {value}")
    return value


def _check_batch(records: Sequence[FeedbackRecord]) -> None:
    if len(records) > MAX_BATCH:
        raise _fail("records", f"hold {len(records)} items, max of {MAX_BATCH} per batch")
    for record in records:
        if not isinstance(record, FeedbackRecord):
            raise TypeError(f"add() takes FeedbackRecord objects, got {type(record).__name__}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _insert_params(record: FeedbackRecord, created_at: str) -> tuple[Any, ...]:
    return (*(getattr(record, name) for name in _RULES), created_at)


class FeedbackStore(ABC):
    """The feedback log; use :func:`open_store` or a subclass's ``open`` to get one.

    Safe to share between threads. Open it in the process that uses it (e.g. once per
    gunicorn worker): connections are never carried across a fork. Usable as a context
    manager, which closes it.

    Arguments are checked before any query (:class:`FeedbackValidationError`); a database that
    fails (unreachable, locked past the busy timeout, ...) raises :class:`FeedbackStoreError`.
    """

    #: Column types filling the DDL's {id_column} and {timestamp} slots.
    _TYPES: ClassVar[Mapping[str, str]]
    #: The driver's base error, translated to FeedbackStoreError.
    _DRIVER_ERROR: ClassVar[type[Exception]]

    def __init__(self, location: str) -> None:
        self._location = location
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._location!r})"

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- dialect hooks --

    @abstractmethod
    def _connect(self) -> Any:
        """A context manager yielding an autocommit DB-API connection."""

    @abstractmethod
    def _begin_write(self, conn: Any, lock: int) -> None:
        """Start a transaction that holds the database-wide write lock named ``lock``."""

    def _sql(self, query: str) -> str:
        return query

    # -- plumbing shared by the dialects --

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self._closed:
            raise FeedbackStoreError(f"{self!r} is closed")
        try:
            with self._connect() as conn:
                yield conn
        except self._DRIVER_ERROR as exc:
            raise FeedbackStoreError(f"feedback database {self._location}: {exc}") from exc

    @contextmanager
    def _transaction(self, lock: int) -> Iterator[Any]:
        with self._connection() as conn:
            self._begin_write(conn, lock)
            try:
                yield conn
            except BaseException:
                # The original error matters more than a failed rollback, and a broken
                # connection is discarded anyway.
                with suppress(self._DRIVER_ERROR):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _run(self, conn: Any, query: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = conn.execute(self._sql(query), tuple(params))
        return cursor.fetchall() if cursor.description else []

    def _fetch(self, query: str, params: Sequence[Any] = ()) -> list[StoredFeedback]:
        with self._connection() as conn:
            return [StoredFeedback.from_row(row) for row in self._run(conn, query, params)]

    def _scalar(self, conn: Any, query: str) -> Any:
        return self._run(conn, query)[0][0]

    # -- migrations --

    def _migrate(self) -> None:
        with self._transaction(_MIGRATION_LOCK) as conn:
            self._run(conn, SQL_CREATE_MIGRATIONS.format_map(self._TYPES))
            current = self._scalar(conn, SQL_SCHEMA_VERSION)
            if current > LATEST_VERSION:
                raise FeedbackStoreError(
                    f"feedback database {self._location} has schema version {current}, newer "
                    f"than this code's {LATEST_VERSION}: upgrade the service"
                )
            for migration in MIGRATIONS[current:]:
                self._apply(conn, migration)

    def _apply(self, conn: Any, migration: Migration) -> None:
        for statement in migration.statements:
            self._run(conn, statement.format_map(self._TYPES))
        params = (migration.version, migration.description, _now())
        self._run(conn, SQL_RECORD_MIGRATION, params)

    def schema_version(self) -> int:
        """The highest migration applied to the database."""
        with self._connection() as conn:
            return int(self._scalar(conn, SQL_SCHEMA_VERSION))

    # -- writes --

    def add(self, records: Sequence[FeedbackRecord]) -> list[tuple[StoredFeedback, bool]]:
        """Store a batch atomically (all or nothing).

        Returns
        -------
        list of (StoredFeedback, bool)
            One pair per record, in order. The bool is False when the record's idempotency key
            was already stored (by an earlier call, another process, or earlier in this same
            batch): the pair then holds that existing row and nothing new is stored.

        Raises
        ------
        FeedbackValidationError
            For a batch over :data:`MAX_BATCH` records.
        """
        _check_batch(records)
        if not records:
            return []
        created_at = _now()
        with self._transaction(_WRITE_LOCK) as conn:
            return [self._insert(conn, record, created_at) for record in records]

    def _insert(
        self, conn: Any, record: FeedbackRecord, created_at: str
    ) -> tuple[StoredFeedback, bool]:
        rows = self._run(conn, SQL_INSERT, _insert_params(record, created_at))
        if rows:
            return StoredFeedback.from_row(rows[0]), True
        existing = self._run(conn, SQL_BY_KEY, (record.idempotency_key,))
        return StoredFeedback.from_row(existing[0]), False

    def delete(self, feedback_id: int) -> bool:
        """Honour a privacy request: blank the row's text and note, keeping it as a tombstone.

        Returns True if the row exists (deleting twice is harmless and keeps the first
        ``deleted_at``), False if there is no such id.

        No read returns the text afterwards, but old row versions may linger in the database
        files (SQLite free pages and WAL, PostgreSQL dead tuples) until they are overwritten
        or vacuumed.
        """
        _check_int("id", feedback_id, 0, _MAX_ID)
        return self._tombstone(SQL_DELETE, feedback_id) > 0

    def delete_comment(self, comment_id: str) -> int:
        """Tombstone every decision on a comment (its text is in each); returns how many."""
        _check_field("comment_id", comment_id, _RULES["comment_id"])
        return self._tombstone(SQL_DELETE_COMMENT, comment_id)

    def _tombstone(self, query: str, key: int | str) -> int:
        with self._transaction(_WRITE_LOCK) as conn:
            return conn.execute(self._sql(query), (_now(), key)).rowcount

    # -- reads --

    def get(self, feedback_id: int) -> StoredFeedback | None:
        """The row with this id (tombstones included), or None."""
        _check_int("id", feedback_id, 0, _MAX_ID)
        rows = self._fetch(SQL_GET, (feedback_id,))
        return rows[0] if rows else None

    def page(self, after_id: int = 0, limit: int = 100) -> list[StoredFeedback]:
        """Up to ``limit`` rows with ids above ``after_id``, by id; tombstones included.

        Pass the last id of a page as the next ``after_id``; an empty page means the end.
        """
        _check_int("after_id", after_id, 0, _MAX_ID)
        _check_int("limit", limit, 1, MAX_PAGE)
        return self._fetch(SQL_PAGE, (after_id, limit))

    def latest_per_comment(self) -> list[StoredFeedback]:
        """For each comment, its latest non-deleted decision; ordered by id (for retraining).

        Deleted rows are ignored, so deleting a comment's latest decision makes the one before
        it current again; :meth:`delete_comment` forgets the comment entirely.
        """
        return self._fetch(SQL_LATEST)

    def recent(self, limit: int) -> list[StoredFeedback]:
        """The ``limit`` most recent of :meth:`latest_per_comment`, newest first."""
        _check_int("limit", limit, 1, MAX_RECENT)
        return self._fetch(SQL_RECENT, (limit,))

    def count(self) -> int:
        """The number of rows, tombstones included."""
        with self._connection() as conn:
            return int(self._scalar(conn, SQL_COUNT))

    def close(self) -> None:
        """Release the store's connections; later calls raise FeedbackStoreError."""
        self._closed = True


# --- SQLite -----------------------------------------------------------------------------------

_MIN_SQLITE = (3, 35, 0)  # RETURNING


class SqliteFeedbackStore(FeedbackStore):
    """The store in a SQLite file, in WAL mode, with a connection per call.

    A connection per call costs well under a millisecond and makes threads and forked
    processes safe without any bookkeeping. ``synchronous=FULL`` makes every acknowledged
    write survive a crash or power loss.
    """

    _TYPES: ClassVar[Mapping[str, str]] = {
        "id_column": "INTEGER PRIMARY KEY AUTOINCREMENT",  # AUTOINCREMENT: ids never reused
        "timestamp": "TEXT",
    }
    _DRIVER_ERROR: ClassVar[type[Exception]] = sqlite3.Error

    def __init__(self, path: Path, *, busy_timeout: float) -> None:
        super().__init__(str(path))
        self._path = path
        self._busy_timeout = busy_timeout

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, busy_timeout: float = 30.0
    ) -> SqliteFeedbackStore:
        """Open (creating the file and its directory if needed) and migrate the database.

        ``busy_timeout`` is how long, in seconds, a call waits for another writer.
        """
        if sqlite3.sqlite_version_info < _MIN_SQLITE:
            raise FeedbackStoreError(f"SQLite {sqlite3.sqlite_version} is too old: the feedback "
                                     f"store needs {'.'.join(map(str, _MIN_SQLITE))} or later")
        store = cls(Path(path), busy_timeout=busy_timeout)
        store._prepare_file()
        store._migrate()
        return store

    def _prepare_file(self) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FeedbackStoreError(f"cannot create the directory of {self._path}: {exc}") from exc
        # WAL is a property of the file, so setting it once at open is enough. Switching a
        # new file to WAL needs an exclusive lock, and SQLite answers "database is locked" at
        # once (without its busy handler) when other processes open the same new file at the
        # same moment, so the switch is retried until the busy timeout.
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                with self._connect() as conn:
                    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                break
            except sqlite3.Error as exc:
                # Primary result code (the low byte): SQLITE_BUSY or SQLITE_LOCKED.
                code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
                locked = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not locked or time.monotonic() >= deadline:
                    raise FeedbackStoreError(
                        f"feedback database {self._location}: {exc}") from exc
                time.sleep(0.02)
        if mode != "wal":
            raise FeedbackStoreError(f"{self._path} cannot use WAL mode (got {mode!r})")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: the store issues BEGIN/COMMIT itself.
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        finally:
            conn.close()

    def _begin_write(self, conn: sqlite3.Connection, lock: int) -> None:
        # IMMEDIATE takes the write lock at BEGIN, waiting up to busy_timeout. A deferred
        # transaction that reads before it writes fails at once (SQLITE_BUSY, no waiting) if
        # another process committed in between; no path here reads first today, but this keeps
        # it safe for migrations and queries still to come.
        conn.execute("BEGIN IMMEDIATE")


# --- PostgreSQL -------------------------------------------------------------------------------

SQL_PG_LOCK = "SELECT pg_advisory_xact_lock(?)"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class _ConnectionPool:
    """Idle PostgreSQL connections of this process, reused across calls and threads."""

    def __init__(self, url: str, max_idle: int) -> None:
        self._url = url
        self._max_idle = max_idle
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        # Connections inherited through a fork: closing one would end the parent's session
        # and dropping it would warn, so they are kept, unused, for the life of the process.
        self._inherited: list[psycopg.Connection[Any]] = []
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        conn = self._take() or psycopg.connect(self._url, autocommit=True)
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _take(self) -> psycopg.Connection[Any] | None:
        with self._lock:
            if os.getpid() != self._pid:
                self._inherited.extend(self._idle)
                self._idle, self._pid = [], os.getpid()
            return self._idle.pop() if self._idle else None

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        with self._lock:
            reusable = conn.info.transaction_status == TransactionStatus.IDLE
            if reusable and not self._closed and len(self._idle) < self._max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for conn in idle:
            conn.close()


class PostgresFeedbackStore(FeedbackStore):
    """The store in a PostgreSQL database, through a small per-process connection pool."""

    _TYPES: ClassVar[Mapping[str, str]] = {
        "id_column": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "timestamp": "TIMESTAMPTZ",
    }
    _DRIVER_ERROR: ClassVar[type[Exception]] = psycopg.Error

    def __init__(self, url: str, *, pool_size: int) -> None:
        super().__init__(_redact(url))
        self._pool = _ConnectionPool(url, pool_size)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 4) -> PostgresFeedbackStore:
        """Connect to ``url`` (a libpq URI) and migrate the database.

        ``pool_size`` is how many idle connections are kept for reuse.
        """
        store = cls(url, pool_size=pool_size)
        try:
            store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def _connect(self) -> Any:
        return self._pool.connection()

    def _sql(self, query: str) -> str:
        return query.replace("?", "%s")

    def _begin_write(self, conn: psycopg.Connection[Any], lock: int) -> None:
        # Serialising writers makes ids follow commit order (see the module docstring).
        conn.execute("BEGIN")
        conn.execute(self._sql(SQL_PG_LOCK), (lock,))

    def close(self) -> None:
        super().close()
        self._pool.close()


# --- factory ----------------------------------------------------------------------------------

_POSTGRES_SCHEMES = ("postgresql", "postgres")


def _sqlite_path(target: str) -> str:
    # As in SQLAlchemy: sqlite:///relative/path and sqlite:////absolute/path.
    path = target.removeprefix("sqlite:///") if target.startswith("sqlite:///") else ""
    if path in ("", ":memory:"):
        raise FeedbackStoreError(f"{target!r} names no file: the feedback store needs a file "
                                 "(each call opens its own connection)")
    return path


def open_store(target: str | os.PathLike[str]) -> FeedbackStore:
    """Open the feedback store named by a path or URL, creating and migrating it as needed.

    Parameters
    ----------
    target : str or path-like
        ``postgresql://...`` (or ``postgres://``) for PostgreSQL; ``sqlite:///path`` or a
        plain file path for SQLite.

    Raises
    ------
    FeedbackStoreError
        For an unsupported URL scheme, or a database that cannot be opened or migrated.
    """
    if not isinstance(target, str):
        return SqliteFeedbackStore.open(target)
    scheme, separator, _ = target.partition("://")
    if not separator:
        return SqliteFeedbackStore.open(_sqlite_path(f"sqlite:///{target}"))
    if scheme in _POSTGRES_SCHEMES:
        return PostgresFeedbackStore.open(target)
    if scheme == "sqlite":
        return SqliteFeedbackStore.open(_sqlite_path(target))
    raise FeedbackStoreError(f"unsupported feedback database scheme {scheme!r}: use a file "
                             "path, sqlite:///path or postgresql://...")
