"""``kabar-server``: the admin command line (init, import-wilayah, add-facility, add-user,
revoke-device, publish-form, serve, demo-seed).

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

    sub.add_parser("demo-seed", parents=[common], help="a small demo province with accounts")
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
    engine = _session(url)
    engine.dispose()
    if args.workers == 1:
        uvicorn.run(create_app(url), host=args.host, port=args.port, **_UVICORN_OPTIONS)
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


def cmd_demo_seed(url: str, args: argparse.Namespace) -> None:
    from server import demo
    from server.audit import cli_actor

    lines = _run_in_transaction(url, lambda s: demo.seed(s, cli_actor()))
    assert isinstance(lines, list)
    print("demo province ready (Kalimantan Timur, Kutai Timur). Demo accounts:")
    for line in lines:
        print(line)


COMMANDS: dict[str, Callable[[str, argparse.Namespace], None]] = {
    "init": cmd_init,
    "import-wilayah": cmd_import_wilayah,
    "add-facility": cmd_add_facility,
    "add-user": cmd_add_user,
    "revoke-device": cmd_revoke_device,
    "publish-form": cmd_publish_form,
    "serve": cmd_serve,
    "demo-seed": cmd_demo_seed,
}


if __name__ == "__main__":
    sys.exit(main())
