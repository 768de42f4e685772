"""An example shop that asks its customers to verify their identity with idscan.

    IDSCAN_KID=... IDSCAN_SECRET=... .venv/bin/python examples/shop/app.py

then open http://127.0.0.1:8001 (README.md beside this file has the whole walk-through). What to
copy into your own site:

1. Create the transaction on your server: the API secret never reaches the browser.
2. Show its `url` in an iframe with the service's own embed.js, or redirect the browser to it.
3. Never take the verdict from the browser: when the page says "completed", or the webhook arrives,
   read the result on your server with your credential.

Everything is kept in memory to stay short: keep it in your database.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import uvicorn
from fastapi import Cookie, FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from idscan.client import IdScanClient, ValidationFailedError, WebhookSignatureError, verify_webhook
from idscan.transactions.schemas import TransactionCreated

PAGE = Path(__file__).with_name("index.html")
WEBHOOK_PATH = "/webhooks/idscan"
SESSION_COOKIE = "shop_session"
Mode = Literal["embed", "redirect"]
SessionCookie = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]
log = logging.getLogger("shop")


@dataclass(frozen=True)
class Config:
    """The shop's settings, from the environment (`Config.from_env`)."""

    idscan_url: str  # IDSCAN_URL: where the shop's server reaches the idscan API
    kid: str  # IDSCAN_KID and IDSCAN_SECRET: an API credential (`idscan credentials create`)
    secret: str
    port: int = 8001  # SHOP_PORT
    public_url: str = "http://127.0.0.1:8001"  # SHOP_PUBLIC_URL: where browsers and webhooks reach us
    tasks: tuple[str, ...] = ("document_scan",)  # SHOP_TASKS, comma-separated

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        missing = [name for name in ("IDSCAN_KID", "IDSCAN_SECRET") if not env.get(name)]
        if missing:
            raise SystemExit(
                f"Set {' and '.join(missing)}: a credential from "
                "`.venv/bin/idscan credentials create --account shop --test`."
            )
        port = int(env.get("SHOP_PORT", "8001"))
        tasks = tuple(t.strip() for t in env.get("SHOP_TASKS", "document_scan").split(",") if t.strip())
        return cls(
            idscan_url=env.get("IDSCAN_URL", "http://127.0.0.1:8000").rstrip("/"),
            kid=env["IDSCAN_KID"],
            secret=env["IDSCAN_SECRET"],
            port=port,
            public_url=env.get("SHOP_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
            tasks=tasks,
        )

    @property
    def webhook_url(self) -> str:
        return self.public_url + WEBHOOK_PATH


@dataclass
class Verification:
    transaction_id: str
    session: str  # the browser session that started it: only that browser may read the outcome
    outcome: dict[str, Any] | None = None  # set once the transaction is over


def outcome_of(result: Mapping[str, Any]) -> dict[str, Any]:
    """What the shop decides from a result body: verified when every task completed (and the face
    checks passed), with the document number; otherwise the reasons."""
    reasons: list[str] = []
    document_number = None
    for task in result["tasks"]:
        if task["state"] != "completed":
            reasons.append(f"{task['type']}_{task['state']}")
        elif task.get("passed") is False:
            reasons.append(f"{task['type']}_not_passed")
        for item in task.get("result", []):
            if item["validity"] == "invalid":
                reasons.append(f"{item['field']}_invalid")
            if item["field"] == "document_number" and item["values"]:
                document_number = item["values"][0]["value"]
    return {
        "state": "not_verified" if reasons else "verified",
        "documentNumber": document_number,
        "reasons": reasons,
    }


def _transaction_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    transaction: Mapping[str, Any] = event.get("transaction") or {}  # a webhook.ping has none
    return transaction


@dataclass
class Shop:
    """What the shop does with idscan and what it remembers (in memory here; in your database in a
    real shop). The routes of `create_app` only translate HTTP."""

    config: Config
    idscan: IdScanClient
    verifications: dict[str, Verification] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # verified webhook events by id
    webhook_secret: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register_webhook(self) -> None:
        """Subscribe our webhook URL once (an existing subscription is reused) and keep its secret."""
        url = self.config.webhook_url
        for webhook in self.idscan.list_webhooks().items:
            if webhook.url == url:
                self.webhook_secret = webhook.secret
                return
        try:
            created = self.idscan.create_webhook({"url": url, "events": ["transaction.state.updated"]})
        except ValidationFailedError as exc:
            raise SystemExit(
                f"idscan refused the webhook URL {url}: {' '.join(p.message for p in exc.problems)}\n"
                "A loopback or private address is refused unless the service allows it: run idscan "
                "with IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS=true (local development only)."
            ) from exc
        self.webhook_secret = created.secret

    def start(self, session: str, mode: Mode) -> TransactionCreated:
        """Create the transaction server-side, with the shop's credential."""
        request: dict[str, Any] = {"tasks": list(self.config.tasks)}
        if mode == "redirect":
            request["returnUrl"] = f"{self.config.public_url}/return"
        else:  # only the shop may frame the page and hear its events
            parts = urlsplit(self.config.public_url)
            request["allowedOrigins"] = [f"{parts.scheme}://{parts.netloc}".lower()]
        created = self.idscan.create_transaction(request)
        with self.lock:
            self.verifications[created.id] = Verification(created.id, session)
        return created

    def owned(self, transaction_id: str, session: str | None) -> Verification | None:
        """The verification, if this browser session started it."""
        with self.lock:
            verification = self.verifications.get(transaction_id)
        return verification if verification is not None and verification.session == session else None

    def settle(self, verification: Verification) -> dict[str, Any]:
        """The outcome, read from idscan (once) when the transaction is over; pending before."""
        if verification.outcome is not None:
            return verification.outcome
        detail = self.idscan.get_transaction(verification.transaction_id)
        if detail.state == "pending":
            return {"state": "pending", "documentNumber": None, "reasons": []}
        if detail.state == "completed" and detail.result_id:
            outcome = outcome_of(self.idscan.get_result(detail.id, detail.result_id))
        else:  # expired or cancelled
            outcome = {
                "state": "not_verified",
                "documentNumber": None,
                "reasons": [f"transaction_{detail.state}"],
            }
        verification.outcome = outcome
        return outcome

    def receive(self, body: bytes, headers: Mapping[str, str]) -> None:
        """A webhook delivery: check its signature on the raw body first (else WebhookSignatureError),
        de-duplicate by event id (deliveries are at least once), settle a finished transaction."""
        if self.webhook_secret is None:
            raise WebhookSignatureError("no webhook registered yet")
        event = verify_webhook(self.webhook_secret, body, headers)
        transaction = _transaction_of(event)
        with self.lock:
            seen = event["id"] in self.events
            verification = self.verifications.get(transaction.get("id", ""))
        log.info("webhook %s %s%s", event["type"], transaction.get("state", ""), " (again)" if seen else "")
        if not seen and verification is not None and transaction.get("state") != "pending":
            self.settle(verification)  # if idscan cannot answer now, we fail and the delivery is retried
        with self.lock:
            self.events[event["id"]] = event

    def webhook_events(self, transaction_id: str) -> int:
        with self.lock:
            return sum(1 for e in self.events.values() if _transaction_of(e).get("id") == transaction_id)


def create_app(shop: Shop) -> FastAPI:
    """The shop's web app: its routes only translate HTTP to the shop's methods."""
    app = FastAPI(title="idscan example shop", docs_url=None, redoc_url=None)
    app.state.shop = shop

    def owned(transaction_id: str, session: str | None) -> Verification:
        verification = shop.owned(transaction_id, session)
        if verification is None:
            raise HTTPException(404, "No such verification.")
        return verification

    @app.get("/")
    def index() -> FileResponse:
        return FileResponse(PAGE)

    @app.post("/verifications", response_model=None)
    def start(mode: Mode = "embed", shop_session: SessionCookie = None) -> Response:
        """embed: the page gets the URL to mount; redirect: the browser goes there now."""
        session = shop_session or secrets.token_urlsafe(24)
        created = shop.start(session, mode)
        response: Response
        if mode == "redirect":
            response = RedirectResponse(created.url, status_code=303)
        else:
            service = urlsplit(created.url)  # the service as the browser reaches it
            embed = f"{service.scheme}://{service.netloc}/id-scan/v1/embed.js"
            response = JSONResponse({"transactionId": created.id, "url": created.url, "embedScript": embed})
        secure = shop.config.public_url.startswith("https:")
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", secure=secure)
        return response

    @app.get("/return")
    def returned(trxid: str, shop_session: SessionCookie = None) -> FileResponse:
        """The redirect variant ends here (`?trxid=...&resultid=...`): the result is read with the
        shop's credential, never taken from the query."""
        shop.settle(owned(trxid, shop_session))
        return FileResponse(PAGE)

    @app.get("/verifications/{transaction_id}")
    def outcome(transaction_id: str, shop_session: SessionCookie = None) -> dict[str, Any]:
        settled = shop.settle(owned(transaction_id, shop_session))
        return {
            "transactionId": transaction_id,
            **settled,
            "webhookEvents": shop.webhook_events(transaction_id),
        }

    @app.post(WEBHOOK_PATH, status_code=204)
    async def webhook(request: Request) -> None:
        body = await request.body()  # the raw bytes: the signature covers them exactly
        try:
            await run_in_threadpool(shop.receive, body, request.headers)
        except WebhookSignatureError as exc:
            raise HTTPException(400, "Bad webhook signature.") from exc

    return app


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = Config.from_env()
    with IdScanClient(config.idscan_url, config.kid, config.secret) as client:
        shop = Shop(config, client)
        shop.register_webhook()  # at every start: an existing subscription is reused
        print(f"webhook registered: {config.webhook_url}")
        if argv[1:] == ["register-webhook"]:
            return
        print(f"shop: {config.public_url}  (the redirect variant: {config.public_url}/?mode=redirect)")
        uvicorn.run(create_app(shop), host=os.environ.get("SHOP_HOST", "127.0.0.1"), port=config.port)


if __name__ == "__main__":
    main(sys.argv)
