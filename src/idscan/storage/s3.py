"""Blobs in an S3 bucket (AWS or any S3-compatible server), for scaled-out deployments."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import obstore
from obstore.store import S3Store

from idscan.errors import IdscanError, ServiceUnavailableError
from idscan.storage.blobstore import validate_prefix
from idscan.storage.objectstore import BACKEND_ERRORS, ObjectStoreBlobStore

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig, S3Config

# obstore retries for up to 3 minutes by default; a request handler or a job should rather fail
# within seconds and let the job engine retry later.
_CLIENT: ClientConfig = {"connect_timeout": timedelta(seconds=5), "timeout": timedelta(seconds=60)}
_RETRY: RetryConfig = {"max_retries": 3, "retry_timeout": timedelta(seconds=20)}
# Readiness must answer quickly and must not hide an outage behind retries.
_PROBE_CLIENT: ClientConfig = {"connect_timeout": timedelta(seconds=2), "timeout": timedelta(seconds=5)}
_PROBE_RETRY: RetryConfig = {"max_retries": 0}


class S3BlobStore(ObjectStoreBlobStore):
    def __init__(
        self,
        bucket: str,
        *,
        endpoint: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        allow_http: bool = False,
        prefix: str = "",
    ) -> None:
        self.bucket = bucket
        self._prefix = validate_prefix(prefix.strip("/")) if prefix.strip("/") else None
        config: S3Config = {"region": region}
        if endpoint:
            config["endpoint"] = endpoint
        # Without explicit keys obstore falls back to the usual AWS chain (environment, instance role).
        if access_key_id:
            config["access_key_id"] = access_key_id
        if secret_access_key:
            config["secret_access_key"] = secret_access_key
        self._probe = self._make(config, {**_PROBE_CLIENT, "allow_http": allow_http}, _PROBE_RETRY)
        super().__init__(self._make(config, {**_CLIENT, "allow_http": allow_http}, _RETRY))

    def _make(self, config: S3Config, client: ClientConfig, retry: RetryConfig) -> S3Store:
        return S3Store(
            self.bucket,
            prefix=self._prefix,
            config=config,
            client_options=client,
            retry_config=retry,
        )

    def _failure(self, action: str, exc: Exception) -> IdscanError:
        # obstore does not tell a refused connection from a 5xx or a bad credential by type; from
        # the service's side each means the same thing: storage cannot be used right now.
        return ServiceUnavailableError(f"object storage: {action} failed ({type(exc).__name__})")

    def ping(self) -> None:
        # A listing (not a HEAD) so that a missing bucket or a bad credential fails too.
        try:
            next(iter(obstore.list(self._probe, "idscan-ping", chunk_size=1)), None)
        except BACKEND_ERRORS as exc:
            raise ServiceUnavailableError("object storage is not reachable") from exc
