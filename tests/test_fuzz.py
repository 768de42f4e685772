"""Schemathesis against the served OpenAPI document, as part of `make test`: every operation through
its examples, coverage and fuzzing phases, then the stateful phase along the document's links, on
real data seeded through the service (a completed transaction with its result, reports and
downloads; webhooks with deliveries).

Every check schemathesis has must pass: no server error; every answer, header and content type as
documented; every request the schema allows accepted and every one it forbids refused; a 405 that
names the path's methods; nothing readable after its DELETE. Derandomized: each run sends the same
requests. A longer run: IDSCAN_FUZZ_EXAMPLES=1000 (per operation), IDSCAN_FUZZ_SEED=<n> for a
random one.
"""

from __future__ import annotations

import base64
import copy
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from idscan.app import create_app
from idscan.auth import service as auth_service
from idscan.auth.tokens import issue
from idscan.bootstrap import build_container
from idscan.branding import colours
from idscan.branding.look import DEFAULT_TEXT
from idscan.branding.schemas import LOGO_PATTERN
from idscan.container import Container
from idscan.db import transaction
from idscan.pipeline import document
from tests.conftest import Caller, empty_tables, make_settings
from tests.documents.synth import make_document, need_faces, need_fonts, photograph

pytestmark = pytest.mark.slow
API = "/id-scan/v1"
EXAMPLES = int(os.environ.get("IDSCAN_FUZZ_EXAMPLES", "100"))
SEED = os.environ.get("IDSCAN_FUZZ_SEED")
RESULT = f"GET {API}/transactions/{{transaction_id}}/results/{{result_id}}"
READS_OF_REAL_DATA = (RESULT, f"{RESULT}/report", f"GET {API}/downloads/{{token}}")


@dataclass
class Seeded:
    app: FastAPI
    caller: Caller
    completed: str = ""
    result: str = ""
    downloads: list[str] = field(default_factory=list)
    pending: str = ""
    webhooks: list[str] = field(default_factory=list)


def _seed(client: TestClient, container: Container, caller: Caller, seeded: Seeded) -> None:
    """Through the service's own paths: webhooks first (so state changes make deliveries), then a
    document scan through the hosted page and the real pipeline to its result."""
    headers = caller.headers
    for _ in range(2):  # one keeps its deliveries, one may be deleted
        hook = client.post(f"{API}/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=headers())
        seeded.webhooks.append(hook.json()["id"])
    doc = make_document(31, kind="passport", country="NLD")
    photo = photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data
    body = {"tasks": ["document_scan"], "settings": {"documentScan": {"allowedExpiration": 3650}}}
    trx = client.post(f"{API}/transactions", json=body, headers=headers()).json()
    attempt = client.post(
        f"{trx['url'].removeprefix('http://testserver')}/documents",
        files={"file": ("p.jpg", photo, "image/jpeg")},
        headers={"Accept": "application/json"},
    ).json()
    document.run(container, attempt["attemptId"])
    detail = client.get(f"{API}/transactions/{trx['id']}", headers=headers()).json()
    assert detail["state"] == "completed", detail
    result = client.get(f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=headers())
    seeded.completed, seeded.result = trx["id"], detail["resultId"]
    seeded.downloads = [
        f["url"].rsplit("/", 1)[1]
        for task in result.json()["tasks"]
        for f in task.get("files", [])
        if f["url"]
    ]
    pending = client.post(f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=headers())
    seeded.pending = pending.json()["id"]


@pytest.fixture(scope="module")
def seeded(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The app with its own settings (no job worker: nothing is ever delivered to the fuzzer's
    webhook targets) and its seeded data, once per backend."""
    need_fonts()
    need_faces()
    settings = make_settings(Path(tmp_path_factory.mktemp("fuzz")), database_url)
    container = build_container(settings)
    try:
        with transaction(container.session_factory) as session:
            new = auth_service.create_credential(session, container.keyring, "fuzz")
        caller = Caller(account_id=new.account_id, kid=new.kid, secret=new.secret)
        app = create_app(settings, container=container, run_jobs=False)
        data = Seeded(app=app, caller=caller)
        with TestClient(app) as client:
            _seed(client, container, caller, data)
            yield data
    finally:
        container.close()
        empty_tables(database_url)


def _document(seeded: Seeded) -> dict[str, Any]:
    """The served document, plus what only this run knows: examples naming the seeded data, and a
    link from a result to its downloads (a token is the end of a file's URL: schemathesis extends
    link expressions with a regex, which the published document does not use)."""
    document = copy.deepcopy(seeded.app.openapi())
    paths = document["paths"]
    result = paths[f"{API}/transactions/{{transaction_id}}/results/{{result_id}}"]["get"]
    result["responses"]["200"].setdefault("links", {})["GetDownload"] = {
        "operationId": paths[f"{API}/downloads/{{token}}"]["get"]["operationId"],
        "parameters": {"token": "$response.body#/tasks/0/files/0/url#regex:/downloads/([A-Za-z0-9]+)$"},
    }
    examples = {
        "transaction_id": seeded.completed,
        "result_id": seeded.result,
        "token": seeded.downloads[0],
        "webhook_id": seeded.webhooks[0],
    }
    erasable = {"transaction_id": seeded.pending, "webhook_id": seeded.webhooks[1]}
    for item in paths.values():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if parameter["in"] == "path" and name in examples:
                    parameter["example"] = erasable[name] if method == "delete" else examples[name]
    return document


TINY_SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>').decode()


def _readable_on(colour: str) -> str:
    # White or black: one of them always reaches 4.5:1 on any colour.
    return "#ffffff" if colours.contrast(colour, "#ffffff") >= colours.AA_TEXT else "#000000"


def _valid_branding(body: dict[str, Any]) -> None:
    """The rules of PUT /branding that JSON Schema cannot state (documented in the descriptions):
    the text colour must contrast with the primary colour (or its default), and the logo must be a
    real image."""
    primary, text = body.get("primaryColor"), body.get("textColor")

    def valid(value: object) -> bool:
        return isinstance(value, str) and re.fullmatch(colours.HEX_PATTERN, value) is not None

    # Only schema-valid values are changed: a negative case keeps what makes it invalid.
    if primary is None and valid(text):
        body["primaryColor"] = _readable_on(text)
    elif (
        valid(primary)
        and (text is None or valid(text))
        and colours.contrast(primary, text or DEFAULT_TEXT) < colours.AA_TEXT
    ):
        body["textColor"] = _readable_on(primary)
    logo = body.get("logo")
    if isinstance(logo, str) and re.fullmatch(LOGO_PATTERN, logo):
        body["logo"] = f"data:image/svg+xml;base64,{TINY_SVG}"


def _schema(seeded: Seeded) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "seed": int(SEED) if SEED else 1,
            "generation": {"max-examples": EXAMPLES, "deterministic": SEED is None},
            "checks": {
                # A valid request may meet an erased transaction (410 Gone), as it may a missing one.
                "positive_data_acceptance": {
                    "expected-statuses": ["2XX", "3XX", 401, 403, 404, 409, 410, 429, "5XX"]
                }
            },
            "operations": [
                {
                    # This app runs no job worker (nothing may be delivered to the fuzzer's webhook
                    # URLs), so readiness answers its documented 503; every other 5xx still fails.
                    "include-path": "/readyz",
                    "checks": {"not_a_server_error": {"expected-statuses": ["2XX", "3XX", "4XX", 503]}},
                }
            ],
        }
    )
    schema = schemathesis.openapi.from_dict(_document(seeded), config=config)
    schema.app = seeded.app
    caller = seeded.caller

    class FreshToken:
        """A valid JWT of the seeded credential, renewed well before it expires."""

        def get(self, case: Any, context: Any) -> str:
            return issue(caller.kid, caller.secret, ttl=300)

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    schema.auth.auth(refresh_interval=60)(FreshToken)
    kept = {seeded.completed, seeded.webhooks[0]}

    @schema.hook
    def filter_case(context: Any, case: Any) -> bool:
        # The completed transaction and the webhook with deliveries stay, for the reads to find.
        return not (case.method == "DELETE" and set((case.path_parameters or {}).values()) & kept)

    @schema.hook
    def before_add_examples(context: Any, examples: list[Any]) -> None:
        # The examples phase offers every example of a name to every operation, past filter_case.
        examples[:] = [case for case in examples if filter_case(context, case)]

    @schema.hook
    def map_case(context: Any, case: Any) -> Any:
        # The one rule between two fields that JSON Schema cannot state: minimumAge <= maximumAge
        # (documented in their descriptions).
        if case.path.endswith("/branding") and isinstance(case.body, dict):
            _valid_branding(case.body)
        settings = case.body.get("settings") if isinstance(case.body, dict) else None
        scan = settings.get("documentScan") if isinstance(settings, dict) else None
        if isinstance(scan, dict):
            low, high = scan.get("minimumAge"), scan.get("maximumAge")
            # Whole floats count: JSON has one number type, and the server takes 59.0 as 59.
            numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
            if numbers and low > high:  # type: ignore[operator]
                scan["minimumAge"], scan["maximumAge"] = high, low
        return case

    return schema


@dataclass
class Outcome:
    findings: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, check, title)
    errors: list[str] = field(default_factory=list)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    phases: dict[str, str] = field(default_factory=dict)
    links_followed: int = 0

    def report(self) -> str:
        lines = [f"phases: {self.phases}", f"{sum(self.statuses.values())} requests"]
        for (operation, check, title), sample in self.findings.items():
            lines += [f"--- {operation}: {check}: {title}", sample]
        return "\n".join([*lines, *self.errors])


def _record(outcome: Outcome, recorder: Any) -> None:
    for case_id, node in recorder.cases.items():
        interaction = recorder.interactions.get(case_id)
        if interaction is not None and interaction.response is not None:
            outcome.statuses[node.value.operation.label, interaction.response.status_code] += 1
        outcome.links_followed += node.transition is not None
    for checks in recorder.checks.values():
        for check in checks:
            if check.failure_info is not None:
                failure = check.failure_info.failure
                key = (failure.operation or recorder.label, check.name, failure.title)
                outcome.findings.setdefault(key, f"{failure.message}\n{check.failure_info.code_sample}")


def run(schema: Any) -> Outcome:
    outcome = Outcome()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            _record(outcome, event.recorder)
        elif isinstance(event, events.PhaseFinished):
            outcome.phases[event.phase.name.value] = event.status.value
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
    return outcome


def test_the_api_keeps_its_contract_under_fuzzing(seeded: Seeded) -> None:
    outcome = run(_schema(seeded))
    assert not outcome.findings, outcome.report()
    assert not outcome.errors, outcome.report()
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert outcome.phases.get(phase) == "success", outcome.report()
    # It reached the real data: results, reports and downloads answered, and links were walked.
    for operation in READS_OF_REAL_DATA:
        assert outcome.statuses[operation, 200] > 0, outcome.report()
    assert outcome.links_followed > 0, outcome.report()
