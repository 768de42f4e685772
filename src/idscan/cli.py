"""`idscan serve|worker|migrate|credentials|token|config|document|face`: the command-line root."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError as PydanticValidationError

from idscan import __version__
from idscan.config import Settings
from idscan.errors import IdscanError

if TYPE_CHECKING:
    from idscan.container import Container
    from idscan.ops.listener import OpsListener

log = logging.getLogger("idscan.cli")


# Engines add their own sub-commands when they are present.
def load_settings() -> Settings:
    try:
        return Settings()
    except PydanticValidationError as exc:
        lines = ["Invalid configuration:"]
        for error in exc.errors():
            name = "IDSCAN_" + "__".join(str(p).upper() for p in error["loc"])
            lines.append(f"  {name}: {error['msg']}")
        raise SystemExit("\n".join(lines)) from None


def _configure_logging(settings: Settings, *, service: bool = False) -> None:
    from idscan.ops import logging as ops_logging

    # The long-running processes also route what native libraries print into the JSON log.
    ops_logging.configure(settings.log_level, as_json=settings.log_json, route_native=service)


def cmd_migrate(args: argparse.Namespace) -> int:
    from idscan import jobs, migrate
    from idscan.bootstrap import load_keyring, prepare_data_dir
    from idscan.db import make_unpooled_engine

    settings = load_settings()
    _configure_logging(settings)
    prepare_data_dir(settings.data_dir)
    # Some migrations seal stored secrets. A shared database without configured master keys still
    # migrates; a migration that needs them then says so before it changes anything.
    keyring = (
        None if settings.security.master_keys is None and not settings.is_sqlite else load_keyring(settings)
    )
    migrate.upgrade(settings.database_url, keyring=keyring)
    engine = make_unpooled_engine(settings.database_url)
    jobs.install_schema(engine)
    engine.dispose()
    print("database is up to date")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    _configure_logging(settings, service=True)
    host, port = args.host or settings.host, args.port or settings.port
    settings = settings.model_copy(update={"host": host, "port": port})
    if args.workers > 1:
        from idscan.ops import http_workers

        print(f"idscan {__version__}: {args.workers} HTTP processes on http://{host}:{port}", flush=True)
        return http_workers.serve(settings, args.workers)
    import uvicorn

    from idscan.app import create_app
    from idscan.ops import http_workers

    app = create_app(settings)
    ops = _start_ops_listener(app.state.container)
    docs = "docs at /id-scan/v1/docs" if settings.serves_api_docs else "docs off"
    print(f"idscan {__version__} listening on http://{host}:{port}")
    print(f"  API:     {settings.effective_api_base_url}/id-scan/v1/  ({docs})")
    print(f"  metrics: {_metrics_where(settings)}")
    print(f"  data:    {settings.data_dir.resolve()}")
    print("  credentials: .venv/bin/idscan credentials create --account demo")
    sys.stdout.flush()
    http_workers.freeze_startup_heap()
    try:
        uvicorn.run(app, host=host, port=port, **http_workers.UVICORN_OPTIONS)  # type: ignore[arg-type]
    finally:
        if ops is not None:
            ops.stop()
    return 0


def _start_ops_listener(container: Container) -> OpsListener | None:
    from idscan.ops.listener import OpsListener

    return OpsListener(container).start() if container.settings.ops.metrics_bind else None


def _metrics_where(settings: Settings) -> str:
    token = " (bearer token)" if settings.ops.metrics_token else ""
    if settings.ops.metrics_bind:
        return f"http://{settings.ops.metrics_bind}/metrics{token}"
    if token or settings.listens_on_loopback:
        return f"/metrics{token}"
    return "off on this address: set IDSCAN_OPS__METRICS_TOKEN or IDSCAN_OPS__METRICS_BIND"


def cmd_worker(args: argparse.Namespace) -> int:
    from idscan.app import build_runtime, default_executor_id
    from idscan.bootstrap import build_container

    settings = load_settings()
    _configure_logging(settings, service=True)
    container = build_container(settings)
    runtime = build_runtime(container, default_executor_id(settings, embedded=False))
    ops = _start_ops_listener(container)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    runtime.start()
    where = f", metrics at {_metrics_where(settings)}" if ops is not None else ""
    print(f"worker {runtime.executor_id} running{where}", flush=True)
    stop.wait()
    runtime.stop()
    if ops is not None:
        ops.stop()
    container.close()
    return 0


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from idscan.bootstrap import load_keyring
    from idscan.db import make_session_factory, make_unpooled_engine

    return make_session_factory(make_unpooled_engine(settings.database_url)), load_keyring(settings)


def cmd_credentials(args: argparse.Namespace) -> int:
    from idscan.auth import service
    from idscan.db import transaction

    settings = load_settings()
    factory, keyring = _session_factory(settings)
    with transaction(factory) as session:
        if args.action == "create":
            new = service.create_credential(session, keyring, args.account, test=args.test)
            print(f"account: {new.account_name}" + (" (test mode)" if args.test else ""))
            print(f"key ID:  {new.kid}")
            print(f"secret:  {new.secret}")
            print("The secret is shown only now: store it safely.", file=sys.stderr)
        elif args.action == "list":
            for info in service.list_credentials(session, args.account):
                status = f"revoked {info.revoked_at.isoformat()}" if info.revoked_at else "active"
                print(
                    f"{info.kid}  {info.account_name}  {info.mode}  "
                    f"created {info.created_at.isoformat()}  {status}"
                )
        else:
            service.revoke_credential(session, args.kid)
            print(f"revoked {args.kid}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Console users: `create` and `reset` print a one-time setup link; `list` shows who exists."""
    from idscan.console import audit, users
    from idscan.db import transaction
    from idscan.errors import ConflictError, NotFoundError, ValidationError

    settings = load_settings()
    factory, _keyring = _session_factory(settings)
    actor = audit.Actor(None, "cli", None)
    base = f"{settings.effective_public_base_url}/console/setup/"
    try:
        with transaction(factory) as session:
            if args.action == "create":
                new = users.create(session, args.email, users.Role(args.role))
                audit.record(session, actor, "create_user", new.user.email, role=args.role)
            elif args.action == "reset":
                found = users.by_email(session, args.email)
                if found is None:
                    raise NotFoundError(f"No console user {args.email}.")
                new = users.reset(session, found.id)
                audit.record(session, actor, "user_reset", new.user.email)
            else:
                for user in users.list_all(session):
                    state = "active" if user.password_hash else "invited"
                    state = "disabled" if user.disabled_at else state
                    print(f"{user.email}  {user.role}  {state}")
                return 0
    except (ConflictError, NotFoundError, ValidationError) as exc:
        print(exc.detail, file=sys.stderr)
        return 1
    print(f"console user: {new.user.email} ({new.user.role})")
    print(f"setup link:   {base}{new.setup_token}")
    print(f"The link works once, for {users.SETUP_HOURS} hours; it is shown only now.", file=sys.stderr)
    return 0


def _logo_uri(path: Path) -> str:
    import base64

    data = path.read_bytes()
    kind = "png" if data.startswith(b"\x89PNG") else "svg+xml"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def cmd_branding(args: argparse.Namespace) -> int:
    """Show, change or clear an account's branding. `set` changes only the options given."""
    from idscan.branding import schemas, service
    from idscan.db import transaction

    settings = load_settings()
    factory, _ = _session_factory(settings)
    with transaction(factory) as session:
        account_id = service.account_named(session, args.account)
        if args.action == "clear":
            service.clear(session, account_id)
        elif args.action == "set":
            current = service.to_out(service.get(session, account_id)).model_dump(by_alias=False)
            changes = {
                "display_name": args.display_name,
                "primary_color": args.primary_color,
                "text_color": args.text_color,
                "support_url": args.support_url,
                "logo": _logo_uri(args.logo) if args.logo else None,
            }
            current.pop("updated_at")
            current.update({key: value for key, value in changes.items() if value is not None})
            for name in args.unset or ():
                current[name.replace("-", "_")] = None
            try:
                body = schemas.BrandingIn.model_validate(current)
            except PydanticValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise IdscanError(problems) from None
            service.put(session, account_id, body)
        shown = service.to_out(service.get(session, account_id)).model_dump(by_alias=True)
    logo = shown.pop("logo")
    shown["logo"] = None if logo is None else f"{logo.split(';', 1)[0].removeprefix('data:')}"
    print(json.dumps(shown, indent=2))
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from idscan.auth.tokens import issue

    print(issue(args.kid, args.secret, ttl=args.ttl))
    return 0


def cmd_webhooks(args: argparse.Namespace) -> int:
    from idscan.webhooks.verify import describe, verify

    verdict = verify(args.secret, sys.stdin.buffer.read())
    print(describe(verdict))
    return 0 if verdict.valid else 1


def cmd_config(args: argparse.Namespace) -> int:
    from idscan import config_docs

    text = config_docs.render()
    if args.check:
        current = config_docs.DOC_PATH.read_text(encoding="utf-8") if config_docs.DOC_PATH.exists() else ""
        if current != text:
            print(f"{config_docs.DOC_PATH} is out of date: run `idscan config docs`", file=sys.stderr)
            return 1
        return 0
    if args.stdout:
        print(text, end="")
    else:
        config_docs.DOC_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {config_docs.DOC_PATH}")
    return 0


OPENAPI_PATH = Path(__file__).resolve().parents[2] / "openapi.json"


def render_openapi() -> str:
    """The contract as the code states it, built on a throw-away embedded default."""
    from idscan.app import create_app
    from idscan.lib.aead import encode_key, generate_master_key

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            jobs={"embedded_worker": False},
            security={"master_keys": encode_key(1, generate_master_key())},
        )
        app = create_app(settings)
        text = json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
        app.state.container.close()
    return text


def cmd_openapi(args: argparse.Namespace) -> int:
    text = render_openapi()
    if args.check:
        current = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
        if current != text:
            print(f"{OPENAPI_PATH} is out of date: run `idscan openapi`", file=sys.stderr)
            return 1
        return 0
    OPENAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


def _add_account_tools(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`idscan webhooks` and `idscan branding`: what an integrator's account uses."""
    hooks = sub.add_parser("webhooks", help="webhook tools for integrators")
    hooks_sub = hooks.add_subparsers(dest="action", required=True)
    check = hooks_sub.add_parser(
        "verify",
        help="check the signature of a delivery read on standard input (headers, a blank line, the body)",
    )
    check.add_argument("--secret", required=True, help="the webhook's signing secret (whsec_...)")
    hooks.set_defaults(func=cmd_webhooks)

    branding = sub.add_parser("branding", help="an account's look: logo, colours, support link")
    branding_sub = branding.add_subparsers(dest="action", required=True)
    for action, text in (
        ("show", "print the branding"),
        ("set", "change the options given (the rest stays)"),
        ("clear", "back to the neutral default"),
    ):
        parser_ = branding_sub.add_parser(action, help=text)
        parser_.add_argument("--account", required=True, help="account (tenant) name")
        if action == "set":
            parser_.add_argument("--display-name")
            parser_.add_argument("--primary-color", help="#rrggbb: buttons, current step, progress")
            parser_.add_argument("--text-color", help="#rrggbb: text on the primary colour (WCAG AA)")
            parser_.add_argument("--support-url", help="https link to help for the end user")
            parser_.add_argument("--logo", type=Path, help="a PNG or SVG file (cleaned, at most 128 KiB)")
            parser_.add_argument(
                "--unset",
                action="append",
                choices=["display-name", "primary-color", "text-color", "support-url", "logo"],
                help="back to the default for this option; may be repeated",
            )
    branding.set_defaults(func=cmd_branding)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idscan", description="Self-hosted identity verification.")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API and hosted pages (and the embedded worker)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="HTTP processes on the port (default 1); the job worker still runs once, beside them",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("worker", help="run a durable job worker").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)

    creds = sub.add_parser("credentials", help="manage API credentials")
    creds_sub = creds.add_subparsers(dest="action", required=True)
    create = creds_sub.add_parser("create", help="create a key ID and secret (printed once)")
    create.add_argument("--account", required=True, help="account (tenant) name; created if new")
    create.add_argument(
        "--test",
        action="store_true",
        help="a test-mode key: specimen documents and scripted outcomes, its own transactions and webhooks",
    )
    listing = creds_sub.add_parser("list", help="list credentials")
    listing.add_argument("--account")
    revoke = creds_sub.add_parser("revoke", help="revoke a credential")
    revoke.add_argument("kid")
    creds.set_defaults(func=cmd_credentials)

    _add_account_tools(sub)

    console_users = sub.add_parser("users", help="operator console users (setup links)")
    users_sub = console_users.add_subparsers(dest="action", required=True)
    new_user = users_sub.add_parser("create", help="create a console user; prints a one-time setup link")
    new_user.add_argument("--email", required=True)
    new_user.add_argument("--role", required=True, choices=["admin", "reviewer", "viewer"])
    reset_user = users_sub.add_parser("reset", help="a new setup link (password and second factor reset)")
    reset_user.add_argument("--email", required=True)
    users_sub.add_parser("list", help="list console users")
    console_users.set_defaults(func=cmd_users)

    token = sub.add_parser("token", help="print a bearer token for a credential")
    token.add_argument("--kid", required=True)
    token.add_argument("--secret", required=True)
    token.add_argument("--ttl", type=int, default=60, help="seconds (default 60)")
    token.set_defaults(func=cmd_token)

    config = sub.add_parser("config", help="configuration reference")
    config_sub = config.add_subparsers(dest="action", required=True)
    docs = config_sub.add_parser("docs", help="write docs/configuration.md from the settings model")
    docs.add_argument("--check", action="store_true", help="fail if the file is out of date")
    docs.add_argument("--stdout", action="store_true")
    config.set_defaults(func=cmd_config)

    openapi = sub.add_parser("openapi", help="write openapi.json from the code")
    openapi.add_argument("--check", action="store_true", help="fail if the file is out of date")
    openapi.set_defaults(func=cmd_openapi)

    # The engines' own commands (their imports load the models' libraries, so only here).
    from idscan.documents import commands as document_commands
    from idscan.report import commands as report_commands
    from idscan.vision import commands as vision_commands

    for module in (document_commands, vision_commands, report_commands):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except IdscanError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
