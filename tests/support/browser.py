"""Real Chromium (Debian package) driven by Playwright, and the service served on a real port."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright

from tests.support.http_server import QuietHandler, serve_handler

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def need_chromium() -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} missing: install the Debian package chromium (the Makefile does)")


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Chromium under Playwright (skipped where the package is missing), closed however the test ends."""
    need_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def serving(app: FastAPI, port: int, *, receive_buffer: int | None = None) -> Iterator[str]:
    """Serve `app` on 127.0.0.1:`port`. `receive_buffer` fixes the kernel's receive buffer of each
    connection (no autotuning), so a test can bound how much a client sends before the server reads."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, timeout_graceful_shutdown=3
    )
    server = uvicorn.Server(config)
    sockets = None
    if receive_buffer is not None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(
            socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer
        )  # accepted sockets inherit it
        listener.bind(("127.0.0.1", port))
        sockets = [listener]
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        if thread.is_alive():
            raise RuntimeError("the service did not stop")


@contextmanager
def integrator_site(pages: dict[str, str]) -> Iterator[str]:
    """Another origin (localhost, not 127.0.0.1) serving the integrator's pages."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            body = pages.get(
                self.path.split("?", 1)[0], "<!doctype html><title>done</title><h1>integrator</h1>"
            )
            self.reply(200, body.encode(), "text/html; charset=utf-8")

    with serve_handler(Handler) as port:
        yield f"http://localhost:{port}"


def screenshot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
