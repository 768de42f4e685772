"""A local RFC 3161 timestamp server on 127.0.0.1 for tests and the benchmark: pyHanko's
DummyTimeStamper behind a tiny http.server, so the seal goes through real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from asn1crypto import keys, tsp, x509  # type: ignore[import-untyped]
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from tests.report.pki import Pki
from tests.support.http_server import QuietHandler, serve_handler


@contextmanager
def running_tsa(pki: Pki) -> Iterator[str]:
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(pki.tsa.cert_der),
        tsa_key=keys.PrivateKeyInfo.load(pki.tsa.key_der),
    )

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            query = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = asyncio.run(stamper.async_request_tsa_response(query)).dump()
            self.reply(200, reply, "application/timestamp-reply")

    with serve_handler(Handler) as port:
        yield f"http://127.0.0.1:{port}/tsa"
