"""Settings: one typed object, validated at start, passed explicitly. Only composition roots build it.

Every variable has the `IDSCAN_` prefix; nested groups use `__` (`IDSCAN_DATABASE__URL`). Any variable
may instead be given as `<NAME>_FILE` pointing at a file that holds the value (for secrets).
`docs/configuration.md` is generated from these models (`idscan config docs`).
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "IDSCAN_"
NESTED_DELIMITER = "__"


class DatabaseSettings(BaseModel):
    """Application database."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the application database. Empty: a SQLite file in the data "
        "directory. PostgreSQL: `postgresql+psycopg://user@host:5432/idscan`.",
    )
    pool_size: int = Field(default=10, ge=1, le=200, description="PostgreSQL connection pool size.")
    echo: bool = Field(default=False, description="Log every SQL statement (development only).")


class StorageSettings(BaseModel):
    """Blob storage for images and reports; every object is encrypted."""

    backend: Literal["local", "s3"] = Field(
        default="local", description="Where blobs (images, reports) live: `local` files or `s3`."
    )
    local_path: Path | None = Field(
        default=None, description="Directory of the local store. Empty: `blobs/` in the data directory."
    )
    s3_endpoint: str | None = Field(
        default=None, description="S3 endpoint URL (any S3-compatible server). Empty: AWS."
    )
    s3_bucket: str | None = Field(default=None, description="S3 bucket name (required for `s3`).")
    s3_region: str = Field(default="us-east-1", description="S3 region.")
    s3_access_key_id: str | None = Field(default=None, description="S3 access key ID.")
    s3_secret_access_key: SecretStr | None = Field(default=None, description="S3 secret access key.")
    s3_allow_http: bool = Field(default=False, description="Allow a plain-HTTP S3 endpoint.")
    s3_prefix: str = Field(default="", description="Key prefix inside the bucket.")

    @model_validator(mode="after")
    def _s3_needs_bucket(self) -> StorageSettings:
        if self.backend == "s3" and not self.s3_bucket:
            raise ValueError("storage.backend is s3 but IDSCAN_STORAGE__S3_BUCKET is not set")
        return self


class SecuritySettings(BaseModel):
    """Encryption at rest."""

    master_keys: SecretStr | None = Field(
        default=None,
        description="Master keys that wrap every object key, as `ID:BASE64` (32 random bytes), "
        "comma-separated; the first encrypts, the others only decrypt (rotation). Empty: a key is "
        "generated on first start into `master.key` in the data directory (mode 0600).",
    )


class AuthSettings(BaseModel):
    """Bearer token verification."""

    leeway_seconds: int = Field(default=60, ge=0, le=600, description="Clock leeway for iat/nbf/exp.")
    max_token_lifetime_seconds: int = Field(
        default=3600, ge=1, le=86400, description="Reject tokens whose exp - iat exceeds this."
    )
    credential_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="How long an API node caches a decrypted credential. A revocation takes effect "
        "on other nodes within this time (at once on the node that revoked).",
    )


class RateLimitSettings(BaseModel):
    """Rate limits: per API credential, and per verification link on the hosted pages."""

    enabled: bool = Field(default=True, description="Apply the rate limits.")
    per_credential: str = Field(
        default="100/second",
        description="Limit per credential, in the `limits` notation (`100/second`, `6000/minute`).",
    )
    per_link: str = Field(
        default="30/minute",
        description="Limit on what a verification link sends (photos, liveness captures, phone "
        "links), per link. The page sends a handful; a script that floods the document engine is "
        "stopped here.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL to share limits between API nodes. Empty: in-process memory.",
    )


class RequestLimitSettings(BaseModel):
    """Request size limits."""

    max_json_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest JSON request body accepted, in bytes."
    )
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="Largest file upload accepted, in bytes."
    )


class JobSettings(BaseModel):
    """Durable background jobs."""

    embedded_worker: bool = Field(
        default=True,
        description="`idscan serve` also runs the durable worker in-process. Turn off when running "
        "separate `idscan worker` processes.",
    )
    poll_interval_seconds: float = Field(
        default=0.25, gt=0, le=60, description="How often a worker polls the job queue."
    )
    sweep_interval_seconds: int = Field(
        default=60, ge=1, le=3600, description="How often expired transactions are swept."
    )
    worker_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Pipeline jobs (documents, liveness, face match, reports) one worker process runs "
        "at once.",
    )
    delivery_concurrency: int = Field(
        default=8, ge=1, le=256, description="Webhook deliveries one worker process sends at once."
    )
    delivery_concurrency_per_webhook: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Deliveries to one webhook in flight at once, over all workers: a slow or dead "
        "endpoint holds no more delivery slots than this.",
    )
    maintenance_concurrency: int = Field(
        default=2, ge=1, le=16, description="Sweeps and erasures one worker process runs at once."
    )
    max_attempts: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Times a job may be started (its first run, then once after each crash of its "
        "worker) before it is failed as poison and the integrator is told.",
    )
    heartbeat_seconds: float = Field(
        default=5.0, gt=0, le=300, description="How often a worker records that it is alive."
    )
    max_wait_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Readiness fails when a runnable job has waited longer than this to start.",
    )


class WebhookSettings(BaseModel):
    """Webhook deliveries."""

    timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Per-delivery timeout.")
    retry_schedule_seconds: Annotated[list[float], NoDecode] = Field(
        default=[5, 300, 1800, 7200, 18000, 36000, 36000],
        description="Waits before each retry after a failed delivery (comma-separated or a JSON "
        "list). The default spans about 27.6 hours.",
    )
    allow_private_targets: bool = Field(
        default=False,
        description="Allow webhook URLs on private, loopback and link-local addresses, and plain "
        "http to loopback. For development and tests only.",
    )

    @field_validator("retry_schedule_seconds", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value


class TransactionSettings(BaseModel):
    """Verification transactions."""

    max_attempts: int = Field(default=5, ge=1, le=50, description="Attempts per task before it fails.")
    retention_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Days a completed transaction's personal data (images, fields, reports) is kept "
        "before it is erased; the stub (IDs, states, times) stays for the audit trail.",
    )


class VisionSettings(BaseModel):
    """Face models and liveness."""

    threads: int = Field(default=2, ge=1, le=64, description="CPU threads per model inference.")
    ocr_pipelines: int = Field(
        default=2,
        ge=1,
        le=16,
        description="Document text-recognition pipelines one process keeps (at most `threads`, "
        "which they share); document reads running at once take different ones. One pipeline per "
        "thread reads the most documents a minute, at the least CPU time each; one pipeline of all "
        "the threads reads a lone document about a sixth faster.",
    )
    ocr_detector: Literal["auto", "onnxruntime"] = Field(
        default="onnxruntime",
        description="What runs the document text detector: `onnxruntime` (float32) everywhere, or "
        "`auto`: OpenVINO in bfloat16 where the CPU computes bfloat16 natively (AVX512-BF16 or AMX), "
        "in about 0.6 of the time, but with some fields of EU driving licences photographed poorly "
        "read wrong or not at all (docs/documents.md).",
    )
    match_threshold: float = Field(
        default=0.302,
        ge=-1,
        le=1,
        description="Fused similarity (SFace and dlib's ResNet, on SFace's cosine scale) at which document "
        "portrait and selfie count as the same person (calibrated to a false-match rate of 0.1%; see "
        "docs/models.md). Maps to score 0.5.",
    )
    max_liveness_frames: int = Field(
        default=240, ge=10, le=2000, description="Most frames one liveness check may send."
    )


class ReportSettings(BaseModel):
    """Audit reports and their digital seal (PAdES)."""

    seal_certificate: SecretStr | None = Field(
        default=None,
        description="PEM seal certificate followed by its chain. Empty (with no PKCS#12 either): a "
        "self-signed seal generated on first start into the data directory.",
    )
    seal_key: SecretStr | None = Field(default=None, description="PEM private key of the seal certificate.")
    seal_key_password: SecretStr | None = Field(default=None, description="Password of the PEM key.")
    seal_pkcs12_path: Path | None = Field(
        default=None, description="A PKCS#12 (.p12/.pfx) file instead of PEM."
    )
    seal_pkcs12_password: SecretStr | None = Field(default=None, description="Password of the PKCS#12 file.")
    tsa_url: str | None = Field(
        default=None,
        description="RFC 3161 timestamp authority. Set: extended reports are sealed at PAdES B-T, and an "
        "unreachable TSA fails the request (503) instead of sealing less. Empty: B-B.",
    )
    tsa_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Timestamp request timeout.")

    @model_validator(mode="after")
    def _one_identity(self) -> ReportSettings:
        if self.seal_pkcs12_path is not None and self.seal_certificate is not None:
            raise ValueError("give the seal either as PEM (certificate + key) or as PKCS#12, not both")
        if (self.seal_certificate is None) != (self.seal_key is None):
            raise ValueError("the seal certificate and its key go together")
        return self


class ConsoleSettings(BaseModel):
    """The operator console at `/console`: its sessions and its sign-in limits."""

    enabled: bool = Field(default=True, description="Serve the operator console at `/console`.")
    idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A console session ends after this long without a request."
    )
    absolute_hours: int = Field(
        default=12,
        ge=1,
        le=24 * 30,
        description="A console session ends this long after sign-in, used or not.",
    )
    login_limit: str = Field(
        default="5/minute",
        description="Sign-in attempts allowed per client address and, separately, per email address "
        "(`limits` notation); over it the form answers 429. Shared between nodes through "
        "`IDSCAN_RATE_LIMIT__REDIS_URL` when set.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="Issuer URL of an OpenID Connect provider for console sign-in (its "
        "`/.well-known/openid-configuration` is read). Empty: passwords and TOTP only. The provider "
        "must send a verified `email` claim naming an existing, enabled console user.",
    )
    oidc_client_id: str | None = Field(
        default=None, description="The console's client ID at the OIDC provider."
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="The console's client secret at the OIDC provider."
    )
    oidc_admins: bool = Field(
        default=False,
        description="Let admins sign in through OIDC too (then their second factor is the provider's "
        "to demand). Off: admins always sign in with password and TOTP.",
    )


class OpsSettings(BaseModel):
    """Operational endpoints: who may read the metrics, and the interactive API docs."""

    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that `GET /metrics` demands (`Authorization: Bearer <token>`), compared "
        "in constant time; at least 32 characters (`openssl rand -hex 32`). Empty: no token, and the "
        "main listener then serves `/metrics` only when it binds a loopback address (the embedded "
        "default); on any other address it answers 404.",
    )
    metrics_bind: str | None = Field(
        default=None,
        description="`HOST:PORT` (`[::1]:9108` for IPv6) of a separate listener for `/metrics`, "
        "`/healthz` and `/readyz`, started by `idscan serve` and by `idscan worker` (each process needs "
        "its own port, or its own network namespace). Set: the main listener no longer serves "
        "`/metrics`. The token, when set, applies here too.",
    )
    api_docs: bool | None = Field(
        default=None,
        description="Serve the interactive API docs at `/id-scan/v1/docs` (they load Swagger UI from a "
        "CDN). Empty: only when the main listener binds a loopback address (the embedded default). "
        "`/id-scan/v1/openapi.json` is always served: integrators generate their clients from it.",
    )

    @field_validator("metrics_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("use at least 32 characters (for example `openssl rand -hex 32`)")
        return value

    @field_validator("metrics_bind")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is not None:
            split_host_port(value)
        return value

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        return None if self.metrics_bind is None else split_host_port(self.metrics_bind)


def split_host_port(text: str) -> tuple[str, int]:
    """`HOST:PORT` or `[IPV6]:PORT` as (host, port)."""
    host, sep, port = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be HOST:PORT, for example 127.0.0.1:9108 or [::1]:9108")
    return host, int(port)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded default: SQLite files, local blobs, master key.",
    )
    public_base_url: str | None = Field(
        default=None,
        description="Base URL of the hosted end-user pages, as the end user's browser sees it. "
        "Empty: http://HOST:PORT.",
    )
    api_base_url: str | None = Field(
        default=None,
        description="Base URL of the API, as integrators see it. Empty: same as public_base_url.",
    )
    host: str = Field(default="127.0.0.1", description="Address `idscan serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `idscan serve` listens on.")
    worker_id: str | None = Field(
        default=None,
        description="Stable executor ID of an `idscan worker` process, so that a restarted worker "
        "resumes its own jobs. Empty: `embedded` in `serve`, the host name in `worker`.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level.")
    log_json: bool = Field(default=True, description="Structured JSON logs (false: plain text).")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    request_limits: RequestLimitSettings = Field(default_factory=RequestLimitSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    transactions: TransactionSettings = Field(default_factory=TransactionSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    vision: VisionSettings = Field(default_factory=VisionSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)

    @field_validator("public_base_url", "api_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @property
    def listens_on_loopback(self) -> bool:
        """`serve` binds a loopback address: only this machine reaches the main listener directly."""
        return is_loopback_host(self.host)

    @property
    def serves_api_docs(self) -> bool:
        return self.listens_on_loopback if self.ops.api_docs is None else self.ops.api_docs

    @property
    def effective_public_base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def effective_api_base_url(self) -> str:
        return self.api_base_url or self.effective_public_base_url

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{(self.data_dir / 'idscan.sqlite').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def blob_path(self) -> Path:
        return self.storage.local_path or self.data_dir / "blobs"

    @property
    def master_key_path(self) -> Path:
        return self.data_dir / "master.key"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, FileVariablesSource(settings_cls))


class FileVariablesSource(PydanticBaseSettingsSource):
    """`IDSCAN_X_FILE=/run/secrets/x` supplies `IDSCAN_X` from that file (trailing newline dropped)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, path in os.environ.items():
            if not (name.startswith(ENV_PREFIX) and name.endswith("_FILE")):
                continue
            target = name[len(ENV_PREFIX) : -len("_FILE")].lower()
            if target in os.environ or f"{ENV_PREFIX}{target.upper()}" in os.environ:
                continue
            try:
                value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise ValueError(f"{name}: cannot read {path}: {exc.strerror}") from exc
            node = result
            parts = target.split(NESTED_DELIMITER)
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        return result
