"""Prepared statements on the driver's own connection give what SQLAlchemy gives, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import anyio
import pytest
from sqlalchemy import Table, bindparam, insert, select, text

from idscan import db
from idscan.lib.aead import encode_key, generate_master_key, parse_keyring
from idscan.models import Account, Task, Transaction
from idscan.rawsql import Prepared
from idscan.transactions import schemas, service

NOW = datetime(2026, 12, 6, 10, 30, 15, tzinfo=UTC)
_T = cast(Table, Transaction.__table__)
_K = cast(Table, Task.__table__)


def _transaction(transaction_id: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": transaction_id,
        "account_id": "acct",
        "state": "pending",
        "task_types": ["document_scan", "face_match"],
        "settings": {"documentScan": {"minimumAge": 18, "redactFields": ["personal_number"]}},
        "locale": "nl-NL",
        "mobile_only": True,
        "test": False,
        "return_url": None,
        "scan_return_url": None,
        "allowed_origins": None,
        "capability_hash": f"hash-{transaction_id}",
        "capability_sealed": b"\x00\x01sealed",
        "created_at": NOW,
        "expires_at": NOW + timedelta(hours=1),
    }
    return row | overrides


def _tasks(transaction_id: str) -> list[dict[str, Any]]:
    return [
        {
            "transaction_id": transaction_id,
            "type": kind,
            "position": i,
            "state": "pending",
            "attempts": i,
            "attempts_invoiced": 0,
            "updated_at": NOW,
        }
        for i, kind in enumerate(["document_scan", "face_match"])
    ]


@pytest.fixture
def engine(database_url: str) -> Any:
    engine = db.make_engine(database_url, pool_size=2)
    with engine.begin() as conn:
        conn.execute(insert(Account), {"id": "acct", "name": "acct", "mode": "live", "created_at": NOW})
    yield engine
    with engine.begin() as conn:
        conn.execute(_K.delete())
        conn.execute(_T.delete())
        conn.execute(Account.__table__.delete())
    engine.dispose()


@pytest.mark.parametrize("opened", [True, False], ids=["driver", "engine"])
def test_inserted_and_fetched_as_through_sqlalchemy(engine: Any, opened: bool) -> None:
    """Rows written by HotPath.insert read back equal through the ORM, and HotPath.fetch returns what
    a SQLAlchemy connection returns for the same statement: aware datetimes, JSON, booleans, bytes."""

    async def scenario() -> list[Any]:
        hot = db.HotPath.open(engine, pool_size=2) if opened else db.HotPath(engine)
        try:
            await hot.insert([(insert(_T), _transaction("t1")), (insert(_K), _tasks("t1"))])
            # Written by SQLAlchemy, read by the driver: the same values.
            with engine.begin() as conn:
                conn.execute(insert(_T), _transaction("t2", allowed_origins=["https://a.example"], test=True))
                conn.execute(insert(_K), _tasks("t2"))
            return [await hot.fetch(service._DETAIL, {"transaction_id": t}) for t in ("t1", "t2")]
        finally:
            await hot.aclose()

    fetched = anyio.run(scenario)
    with engine.connect() as conn:
        expected = [conn.execute(service._DETAIL, {"transaction_id": t}).all() for t in ("t1", "t2")]
        raw = conn.execute(select(_T.c.id, _T.c.allowed_origins).order_by(_T.c.id)).all()
        stored = {r.id: r.allowed_origins for r in raw}
        # None in a JSON column is stored the same way by both (SQLAlchemy's JSON null).
        column = "allowed_origins::text" if engine.dialect.name == "postgresql" else "allowed_origins"
        nulls = dict(conn.execute(text(f"SELECT id, {column} FROM transactions ORDER BY id")).all())
    assert [[tuple(r) for r in rows] for rows in fetched] == [[tuple(r) for r in rows] for rows in expected]
    first = fetched[0][0]
    assert first.created_at == NOW
    assert first.created_at.tzinfo is not None
    assert first.settings["documentScan"]["minimumAge"] == 18
    assert first.test is False
    assert fetched[1][0].test is True
    assert first.capability_sealed == b"\x00\x01sealed"
    assert [r.attempts for r in fetched[0]] == [0, 1]
    assert stored == {"t1": None, "t2": ["https://a.example"]}
    assert nulls["t1"] == "null"


@pytest.mark.parametrize("opened", [True, False], ids=["driver", "engine"])
def test_a_failing_insert_rolls_back_the_whole_unit(engine: Any, opened: bool) -> None:
    async def scenario() -> None:
        hot = db.HotPath.open(engine, pool_size=2) if opened else db.HotPath(engine)
        try:
            await hot.insert([(insert(_T), _transaction("t1")), (insert(_K), _tasks("t1"))])
            duplicate = _tasks("t1")[:1]  # its (transaction_id, type) exists already
            with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
                await hot.insert(
                    [(insert(_T), _transaction("t3", capability_hash="h3")), (insert(_K), duplicate)]
                )
            # The connection is usable afterwards, and the unit left nothing behind.
            await hot.insert(
                [(insert(_T), _transaction("t4", capability_hash="h4")), (insert(_K), _tasks("t4"))]
            )
        finally:
            await hot.aclose()

    anyio.run(scenario)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(_T.c.id)).scalars()) == ["t1", "t4"]


def test_a_statement_that_needs_python_side_defaults_is_refused(engine: Any) -> None:
    """attempts and attempts_invoiced have Python-side defaults, which only SQLAlchemy's execution
    fills: a driver-level insert without them would store NULLs, so it is refused up front."""
    with pytest.raises(ValueError, match="attempts"):
        Prepared(insert(_K), engine.dialect, ["transaction_id", "type", "position", "state", "updated_at"])


def test_a_new_transaction_in_one_statement_is_stored_whole_or_not_at_all(engine: Any) -> None:
    """PostgreSQL's create: the transaction in a WITH, its tasks in the statement; foreign keys hold
    at the statement's end, and a failing task leaves no transaction behind."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a data-modifying WITH is PostgreSQL's")
    keyring = parse_keyring(encode_key(1, generate_master_key()))
    data = schemas.TransactionCreate.model_validate(
        {"tasks": ["document_scan", "face_liveness", "face_match"]}
    )
    new = service.new_transaction(keyring, "acct", data, "http://testserver")
    broken = service.new_transaction(keyring, "acct", data, "http://testserver")
    statement, params = broken.one_insert()
    params["type_2"] = "document_scan"  # (transaction_id, type) is the key

    async def scenario() -> None:
        hot = db.HotPath.open(engine, pool_size=1)
        try:
            await hot.insert([new.one_insert()])
            with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
                await hot.insert([(statement, params)])
        finally:
            await hot.aclose()

    anyio.run(scenario)
    with engine.connect() as conn:
        stored = (
            conn.execute(select(_T).where(_T.c.id.in_([new.row["id"], broken.row["id"]]))).mappings().all()
        )
        tasks = conn.execute(select(_K).order_by(_K.c.position)).mappings().all()
    assert [dict(r) | {"capability_sealed": None} for r in stored] == [
        new.row | {"capability_sealed": None, "completed_at": None, "erased_at": None, "result_id": None}
    ]
    assert stored[0]["capability_sealed"] == new.row["capability_sealed"]
    assert [(t["transaction_id"], t["type"], t["position"], t["attempts"]) for t in tasks] == [
        (new.row["id"], kind, i, 0) for i, kind in enumerate(["document_scan", "face_liveness", "face_match"])
    ]


def test_literals_in_a_statement_are_bound_and_in_lists_are_refused(engine: Any) -> None:
    literal = Prepared(
        select(_T.c.id).where(_T.c.locale == "nl-NL", _T.c.id == bindparam("id")), engine.dialect
    )
    bound = literal.bind({"id": "t1"})
    values = list(bound.values()) if isinstance(bound, dict) else list(bound)
    assert sorted(values) == ["nl-NL", "t1"]
    with pytest.raises(ValueError, match="IN lists"):
        Prepared(select(_T.c.id).where(_T.c.id.in_(["t1", "t2"])), engine.dialect)
