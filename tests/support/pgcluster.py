"""A throw-away PostgreSQL cluster (initdb + pg_ctl as ``postgres``) for tests and benchmarks.

Never touches a system cluster: data, socket and log live in one temp dir removed by ``stop()``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

PG_BIN = Path(os.environ.get("KABAR_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"


class PgClusterError(RuntimeError):
    """The cluster could not be created or started; the message says why."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """``with PgCluster() as pg: engine = create_engine(pg.url("postgres"))``."""

    def __init__(self, max_connections: int = 200, extra_settings: dict[str, str] | None = None):
        self.max_connections = max_connections
        self.extra_settings = dict(extra_settings or {})
        self.port = 0
        self.root: Path | None = None
        self._running = False

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> PgCluster:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                raise PgClusterError(
                    f"PostgreSQL server binaries not found ({PG_BIN / tool}); install the Debian "
                    "package 'postgresql' (or set KABAR_PG_BIN to the folder holding initdb)"
                )
        self.root = Path(tempfile.mkdtemp(prefix="kabar-pg-"))
        atexit.register(self.stop)
        try:
            self._as_postgres_owner(self.root)
            data = self.root / "data"
            self._run(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            )
            self._start_on_free_port(data)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_on_free_port(self, data: Path) -> None:
        assert self.root is not None
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            "max_connections": str(self.max_connections),
            # A test cluster: losing it on a crash is fine, speed matters.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            **self.extra_settings,
        }
        options = " ".join(f"-c {k}={v}" for k, v in settings.items())
        last_error = ""
        # The port is free when chosen but another process may take it before postgres binds it.
        for _ in range(5):
            port = _free_port()
            result = self._run(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.root / "postgres.log"),
                    "-o",
                    f"-p {port} {options}",
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                check=False,
            )
            if result.returncode == 0:
                self.port = port
                self._running = True
                return
            last_error = result.stderr + self.log_tail()
        raise PgClusterError(f"PostgreSQL did not start: {last_error.strip()}")

    def stop(self) -> None:
        """Stop the server and remove its files; safe to call twice."""
        root, self.root = self.root, None
        if root is None:
            return
        if self._running:
            self._running = False
            self._run(
                [str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"],
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- use ----------------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        if not self._running:
            raise PgClusterError("the cluster is not running")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement in autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        ) as conn:
            conn.execute(sql.encode())

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create ``name`` (optionally as a copy of ``template``) and return its URL."""
        for ident in (name, template):
            if ident is not None and not ident.replace("_", "").isalnum():
                raise ValueError(f"not a plain database name: {ident!r}")
        sql = f'CREATE DATABASE "{name}"'
        if template is not None:
            sql += f' TEMPLATE "{template}"'
        self.execute(sql)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self, lines: int = 20) -> str:
        if self.root is None or not (self.root / "postgres.log").exists():
            return ""
        text = (self.root / "postgres.log").read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _as_postgres_owner(path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user=OS_USER, group=OS_USER)

    @staticmethod
    def _run(cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        # The server binaries refuse to run as root.
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", OS_USER, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd="/")
        if check and result.returncode != 0:
            raise PgClusterError(
                f"{Path(cmd[cmd.index('--') + 1] if '--' in cmd else cmd[0]).name} failed: "
                f"{(result.stderr or result.stdout).strip()}"
            )
        return result
