"""``kabar-server``: the admin command line (init, import-wilayah, add-facility, add-user,
revoke-device, publish-form, serve, demo-seed, provision-code, provision-key).

Every refusal is one line on stderr and exit code 1 (2 for bad arguments), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from server import db

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=None,
        help=f"database URL (postgresql://… or sqlite:///…); default: ${db.DB_ENV} or a "
        "SQLite file in the user's data folder",
    )
    parser = argparse.ArgumentParser(prog="kabar-server", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", parents=[common], help="create or migrate the database")

    p = sub.add_parser("import-wilayah", parents=[common], help="load Kemendagri region codes")
    p.add_argument("file", type=Path, help="a kode,nama CSV file")
    p.add_argument("--under", help="only this code's subtree (and its ancestors)")

    p = sub.add_parser("add-facility", parents=[common], help="add a puskesmas or hospital")
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--under", required=True, metavar="KECAMATAN")
    p.add_argument("--type", required=True, choices=["puskesmas", "rumah_sakit"])

    p = sub.add_parser("add-user", parents=[common], help="add an account (password asked)")
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True)
    p.add_argument(
        "--role",
        required=True,
        choices=["petugas_puskesmas", "petugas_kecamatan", "admin_kabupaten", "admin_provinsi"],
    )
    p.add_argument("--org-unit", required=True, action="append", dest="org_units")
    p.add_argument("--phone")

    p = sub.add_parser("revoke-device", parents=[common], help="revoke device tokens")
    p.add_argument("--username", required=True)
    p.add_argument("--device-id", help="only this device (default: all of the user's devices)")

    p = sub.add_parser("publish-form", parents=[common], help="publish a form definition")
    p.add_argument("file", type=Path)

    p = sub.add_parser("serve", parents=[common], help="run the server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument(
        "--app-latest",
        metavar="VERSION",
        help="the newest Kabar app version: laptops below it show an update notice "
        "(default: $KABAR_APP_LATEST or this server's own version)",
    )
    p.add_argument(
        "--app-minimum",
        metavar="VERSION",
        help="laptops below this version cannot send (426) and keep their figures until "
        "updated (default: $KABAR_APP_MINIMUM or 0.1.0)",
    )

    sub.add_parser("demo-seed", parents=[common], help="a small demo province with accounts")

    p = sub.add_parser(
        "provision-code",
        parents=[common],
        help="a one-time setup code (text and QR) that configures a fresh laptop",
    )
    p.add_argument("--facility", required=True, help="the facility code, e.g. P6408040201")
    p.add_argument(
        "--server-url",
        default=None,
        help=f"the address laptops use (default: ${PUBLIC_URL_ENV})",
    )
    pin = p.add_mutually_exclusive_group()
    pin.add_argument("--cert", type=Path, help="the server's certificate (PEM) to pin")
    pin.add_argument(
        "--fetch-cert", action="store_true", help="pin the certificate the server presents now"
    )
    pin.add_argument(
        "--no-pin",
        action="store_true",
        help="https with a publicly trusted certificate: no pin, the OS trust store checks it",
    )
    p.add_argument("--days", type=int, default=14, help="valid for this many days (default 14)")
    p.add_argument("--qr", type=Path, help="also write a QR image (.png or .svg)")

    sub.add_parser(
        "provision-key",
        parents=[common],
        help="the public key of setup codes (for provision_keys in site.toml)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        url = db.normalize_url(args.db or db.default_url())
        handler = COMMANDS[args.command]
        handler(url, args)
    except CliError as e:
        print(f"kabar-server {args.command}: {e}", file=sys.stderr)
        return e.code
    except db.DatabaseUrlError as e:
        print(f"kabar-server {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"kabar-server {args.command}: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except Exception as e:
        from sqlalchemy.exc import OperationalError

        from server.accounts import AdminError

        if isinstance(e, AdminError):
            print(f"kabar-server {args.command}: {e}", file=sys.stderr)
            return EXIT_ERROR
        if isinstance(e, OperationalError):
            reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
            print(f"kabar-server {args.command}: database problem: {reason}", file=sys.stderr)
            return EXIT_ERROR
        raise
    return 0


# -- commands -----------------------------------------------------------------------------------


def _session(url: str, need_schema: bool = True):  # type: ignore[no-untyped-def]
    """(engine, session context) on a database that is at the current schema."""
    engine = db.make_engine(url)
    if need_schema and db.current_revision(engine) != db.HEAD_REVISION:
        engine.dispose()
        raise CliError(
            f"the database is not initialised or not up to date: run "
            f"kabar-server init --db {_shown(url)}"
        )
    return engine


def _shown(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def _run_in_transaction(url: str, work: Callable[..., object]) -> object:
    engine = _session(url)
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def cmd_init(url: str, args: argparse.Namespace) -> None:
    db.migrate(url)
    print(f"database ready at revision {db.HEAD_REVISION}: {_shown(url)}")


def cmd_import_wilayah(url: str, args: argparse.Namespace) -> None:
    from server import orgunits
    from server.audit import cli_actor

    started = time.perf_counter()
    rows = orgunits.read_wilayah(args.file)
    if args.under:
        rows = orgunits.select_under(rows, args.under.strip())

    def work(session):  # type: ignore[no-untyped-def]
        return orgunits.import_wilayah(session, rows, cli_actor(), str(args.file))

    summary = _run_in_transaction(url, work)
    assert isinstance(summary, orgunits.ImportSummary)
    print(f"imported {len(rows)} regions from {args.file} in {time.perf_counter() - started:.1f} s")
    for line in summary.lines():
        print(f"  {line}")


def cmd_add_facility(url: str, args: argparse.Namespace) -> None:
    from server import accounts
    from server.audit import cli_actor

    _run_in_transaction(
        url,
        lambda s: accounts.add_facility(
            s,
            code=args.code,
            name=args.name,
            under=args.under,
            type=args.type,
            actor=cli_actor(),
        ),
    )
    print(f"facility {args.code} ({args.name}) under {args.under}")


def read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CliError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise CliError("no password given on standard input")
    return line.rstrip("\r\n")


def cmd_add_user(url: str, args: argparse.Namespace) -> None:
    from server import accounts
    from server.audit import cli_actor

    engine = _session(url)  # checked before asking for a password
    engine.dispose()
    password = read_password()
    _run_in_transaction(
        url,
        lambda s: accounts.add_user(
            s,
            username=args.username,
            name=args.name,
            role=args.role,
            org_units=args.org_units,
            password=password,
            phone=args.phone,
            actor=cli_actor(),
        ),
    )
    print(f"user {args.username.strip().lower()} ({args.role}) for {', '.join(args.org_units)}")


def cmd_revoke_device(url: str, args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from server import audit, auth
    from server.models import User

    def work(session):  # type: ignore[no-untyped-def]
        if session.scalar(select(User.id).where(User.username == args.username)) is None:
            raise CliError(f"no user {args.username!r}")
        revoked = auth.revoke_devices(session, args.username, args.device_id)
        if not revoked:
            which = f"device {args.device_id!r}" if args.device_id else "devices"
            raise CliError(f"{args.username} has no active {which}; nothing was changed")
        audit.record(
            session, audit.cli_actor(), "revoke-device", username=args.username, devices=revoked
        )
        return revoked

    revoked = _run_in_transaction(url, work)
    assert isinstance(revoked, list)
    print(f"revoked {len(revoked)} device(s) of {args.username}: {', '.join(revoked)}")


def cmd_publish_form(url: str, args: argparse.Namespace) -> None:
    from server import forms_publish
    from server.audit import cli_actor

    result = _run_in_transaction(url, lambda s: forms_publish.publish(s, args.file, cli_actor()))
    assert isinstance(result, forms_publish.PublishResult)
    if result.outcome == "unchanged":
        print(f"form {result.form_id} version {result.version} is already published (identical)")
    else:
        print(f"published form {result.form_id} version {result.version}")


#: uvicorn[standard]'s C parser and event loop; no access log (a line per push costs CPU at
#: national scale, and the server logs what matters itself)
def _fastest(module: str, name: str) -> str:
    """uvicorn's fast implementation when installed (uvicorn[standard]); else its default.

    uvloop does not exist on Windows, so a server there still starts, only slower.
    """
    import importlib.util

    return name if importlib.util.find_spec(module) is not None else "auto"


_UVICORN_OPTIONS: dict[str, Any] = {
    "log_level": "info",
    "http": _fastest("httptools", "httptools"),
    "loop": _fastest("uvloop", "uvloop"),
    "access_log": False,
    # No "server:" and "date:" headers: bytes on every reply over 2G; clients read the JSON
    # body's server_time for the clock check.
    "server_header": False,
    "date_header": False,
}


def cmd_serve(url: str, args: argparse.Namespace) -> None:
    import os

    import uvicorn

    from server.app import APP_DB_ENV, create_app

    if args.workers < 1:
        raise CliError("--workers must be at least 1", EXIT_USAGE)
    settings = _version_settings(args)
    engine = _session(url)
    engine.dispose()
    if args.workers == 1:
        app = create_app(url, settings)
        uvicorn.run(app, host=args.host, port=args.port, **_UVICORN_OPTIONS)
        return
    # Several worker processes import the app themselves: hand them the URL by environment.
    os.environ[APP_DB_ENV] = url
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        **_UVICORN_OPTIONS,
    )


def _version_settings(args: argparse.Namespace) -> Any:
    """Settings with the app versions of ``--app-latest/--app-minimum`` (else the environment);
    they go to the environment too, where further worker processes read them."""
    import os

    from server.settings import APP_LATEST_ENV, APP_MINIMUM_ENV, Settings, version_problem

    for value, env in ((args.app_latest, APP_LATEST_ENV), (args.app_minimum, APP_MINIMUM_ENV)):
        if value is not None:
            os.environ[env] = value.strip()
    settings = Settings()
    problem = version_problem(settings.app_latest, settings.app_minimum)
    if problem:
        raise CliError(problem, EXIT_USAGE)
    print(
        f"kabar-server serve: app versions advertised: latest {settings.app_latest}, "
        f"minimum {settings.app_minimum}",
        file=sys.stderr,
    )
    return settings


def cmd_demo_seed(url: str, args: argparse.Namespace) -> None:
    from server import demo
    from server.audit import cli_actor

    lines = _run_in_transaction(url, lambda s: demo.seed(s, cli_actor()))
    assert isinstance(lines, list)
    print("demo province ready (Kalimantan Timur, Kutai Timur). Demo accounts:")
    for line in lines:
        print(line)


#: the environment variable with the server's public address (provision-code's default)
PUBLIC_URL_ENV = "KABAR_PUBLIC_URL"


def cmd_provision_code(url: str, args: argparse.Namespace) -> None:
    import os
    from urllib.parse import urlsplit

    from server import setupcodes
    from server.audit import cli_actor
    from sync.setupcode import fingerprint_hex

    server_url = args.server_url or os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not server_url:
        raise CliError(f"give --server-url (or set {PUBLIC_URL_ENV}): the address laptops use")
    server_url = setupcodes.clean_server_url(server_url)
    https = urlsplit(server_url).scheme == "https"
    if args.qr is not None and args.qr.suffix.lower() not in setupcodes.QR_SUFFIXES:
        raise CliError(f"--qr must end in .png or .svg, not {args.qr.name!r}", EXIT_USAGE)
    if not https and (args.cert or args.fetch_cert):
        raise CliError("--cert and --fetch-cert need an https:// server address", EXIT_USAGE)
    if https and not (args.cert or args.fetch_cert or args.no_pin):
        raise CliError(
            "an https server needs --cert server.pem or --fetch-cert (pin the certificate), or "
            "--no-pin (a publicly trusted certificate)",
            EXIT_USAGE,
        )
    der = None
    if args.cert is not None:
        der = setupcodes.cert_from_file(args.cert)
    elif args.fetch_cert:
        der = setupcodes.fetch_cert(server_url)
    engine = _session(url)
    try:
        issued = setupcodes.issue(
            db.session_factory(engine),
            server_url=server_url,
            facility=args.facility.strip(),
            cert_sha256=None if der is None else bytes.fromhex(fingerprint_hex(der)),
            days=args.days,
            actor=cli_actor(),
        )
    finally:
        engine.dispose()
    code = issued.code
    if args.qr is not None:
        setupcodes.write_qr(code.text(grouped=False), args.qr)
    print(f"setup code for {code.facility} ({issued.facility_name})")
    print(f"  server:      {code.server_url}")
    pin = code.pin
    shown = ":".join(pin[i : i + 2] for i in range(0, len(pin), 2)).upper() if pin else "none"
    print(f"  certificate: sha256 {shown}")
    print(f"  valid until: {code.expires_at:%d/%m/%Y %H:%M} UTC (once)")
    if args.qr is not None:
        print(f"  QR image:    {args.qr}")
    print()
    print(code.text())


def cmd_provision_key(url: str, args: argparse.Namespace) -> None:
    from server import setupcodes

    engine = _session(url)
    try:
        key = setupcodes.signing_key(db.session_factory(engine))
    finally:
        engine.dispose()
    print(f"setup-code key {key.key_id}; for site.toml:")
    print(f'provision_keys = ["{key.public_key}"]')


COMMANDS: dict[str, Callable[[str, argparse.Namespace], None]] = {
    "init": cmd_init,
    "import-wilayah": cmd_import_wilayah,
    "add-facility": cmd_add_facility,
    "add-user": cmd_add_user,
    "revoke-device": cmd_revoke_device,
    "publish-form": cmd_publish_form,
    "serve": cmd_serve,
    "demo-seed": cmd_demo_seed,
    "provision-code": cmd_provision_code,
    "provision-key": cmd_provision_key,
}


if __name__ == "__main__":
    sys.exit(main())
