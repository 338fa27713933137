"""What every request handler reaches through ``request.app.state.kabar``: engine, sessions,
settings. FastAPI dependencies here hand them out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.settings import Settings


@dataclass(frozen=True)
class ServerContext:
    engine: Engine
    #: write sessions (on SQLite: BEGIN IMMEDIATE)
    sessions: sessionmaker[Session]
    #: read-only sessions (on SQLite: deferred BEGIN, run beside a writer)
    read_sessions: sessionmaker[Session]
    settings: Settings
    #: ``engine`` for read-only single-statement Core queries (PostgreSQL: autocommit; SQLite:
    #: deferred BEGIN, beside a writer)
    read_engine: Engine
    #: ``engine`` for single-statement writes (PostgreSQL: autocommit)
    statement_engine: Engine


def get_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.kabar
    return context


def read_session(request: Request) -> Iterator[Session]:
    """A read-only session for one request (dependency)."""
    with get_context(request).read_sessions() as session:
        yield session


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
