"""The overview's figures, and its charts as server-rendered SVG."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from idscan.console import charts, overview
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import DocumentScan, Transaction
from tests.conftest import Caller
from tests.console.conftest import completed_transaction
from tests.support.factories import new_transaction


def test_figures(container: Container, caller: Caller) -> None:
    done = completed_transaction(container, caller)
    pending = new_transaction(container, caller)
    with transaction(container.session_factory) as session:
        trx = session.get(Transaction, done)
        assert trx is not None
        trx.completed_at = trx.created_at + timedelta(seconds=90)
        for code in ("image_glare", "image_glare", "mrz_invalid", "front_side_provided_back_side_required"):
            session.add(
                DocumentScan(
                    id=new_uuid(), transaction_id=pending, created_at=utcnow(), source="file", code=code
                )
            )
    with container.session_factory() as session:
        figures = overview.compute(session, days=7)
    assert figures.total == 2
    assert figures.completion_rate == 0.5
    assert figures.median_seconds == 90
    assert figures.failing_codes == [("image_glare", 2), ("mrz_invalid", 1)]  # pairing codes are no failure
    assert figures.liveness_rate == 1.0
    assert figures.match_rate == 1.0
    assert sum(n for _, n in figures.per_day) == 2
    assert len(figures.per_day) == 7
    with container.session_factory() as session:
        assert overview.compute(session, days=7, mode="test").total == 0


def test_charts_are_escaped_svg() -> None:
    drawn = charts.rows([("<script>", 3)], title="a & b")
    assert drawn.startswith("<svg")
    assert "<script>" not in drawn
    assert "&lt;script&gt;" in drawn
    assert "<title>a &amp; b</title>" in drawn
    assert 'role="img"' in charts.gauge(None, title="t", empty="no data")


def test_the_overview_page(console: tuple[TestClient, str], container: Container, caller: Caller) -> None:
    client, _ = console
    completed_transaction(container, caller)
    page = client.get("/console/overview?days=7&lang=nl-NL")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 4
    assert "Verificaties per dag" in page.text
