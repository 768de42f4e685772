"""A local RFC 3161 timestamp server on 127.0.0.1 for tests and the benchmark: pyHanko's
DummyTimeStamper behind a tiny http.server, so the seal goes through real HTTP."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp, x509  # type: ignore[import-untyped]
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from tests.report.pki import Pki


@contextmanager
def running_tsa(pki: Pki) -> Iterator[str]:
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(pki.tsa.cert_der),
        tsa_key=keys.PrivateKeyInfo.load(pki.tsa.key_der),
    )

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body in separate writes: avoid the 40 ms ACK wait

        def do_POST(self) -> None:
            query = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = asyncio.run(stamper.async_request_tsa_response(query)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
