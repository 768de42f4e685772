"""The embed helper for integrators' pages: a static ES module and its TypeScript types.

Served with `Access-Control-Allow-Origin: *`: a module script from another origin is fetched in
CORS mode, and this one is public and carries no credentials.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(prefix="/id-scan/v1", tags=["embedding"], include_in_schema=False)
EMBED_DIR = Path(__file__).with_name("embed")
_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
}


@cache
def _read(name: str) -> bytes:
    return (EMBED_DIR / name).read_bytes()


@router.get("/embed.js")
def embed_js() -> Response:
    return Response(_read("embed.js"), media_type="text/javascript; charset=utf-8", headers=_HEADERS)


@router.get("/embed.d.ts")
def embed_types() -> Response:
    return Response(_read("embed.d.ts"), media_type="application/typescript; charset=utf-8", headers=_HEADERS)
