"""The FastAPI application: ``create_app(db_url, settings)`` wires routers, limits, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from server import api_meta, api_setup, api_token, db, public, sync_api
from server.bodies import BodyLimitMiddleware
from server.context import ServerContext
from server.errors import install_handlers
from server.logsafe import install_redaction
from server.settings import Settings

#: the environment variable ``serve --workers N`` uses to hand the database URL to workers
APP_DB_ENV = "KABAR_SERVER_DB"


def create_app(db_url: str, settings: Settings | None = None) -> FastAPI:
    """The server on ``db_url`` (migrated beforehand: ``server.db.migrate``)."""
    settings = settings or Settings()
    engine = db.make_engine(db_url)
    context = ServerContext(
        engine=engine,
        sessions=db.session_factory(engine),
        read_sessions=db.session_factory(engine, readonly=True),
        settings=settings,
        read_engine=db.single_statement_engine(db.readonly_engine(engine)),
        statement_engine=db.single_statement_engine(engine),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    install_redaction()
    app = FastAPI(
        title="Kabar provincial server",
        version=settings.app_latest,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.kabar = context
    install_handlers(app)
    app.include_router(api_token.router)
    app.include_router(api_meta.router)
    app.include_router(sync_api.router)
    app.include_router(public.router)
    app.include_router(api_setup.router)
    # Outermost last: responses are gzipped after everything else; bodies are checked first.
    app.add_middleware(
        BodyLimitMiddleware,
        max_body=settings.max_body_bytes,
        max_inflated=settings.max_inflated_bytes,
    )
    # From 200 bytes: a push reply of a week's backlog (~400 bytes of receipts) shrinks to a
    # third, worth the ~50 bytes of content-encoding/vary headers on a 2G link.
    app.add_middleware(GZipMiddleware, minimum_size=200)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory server.app:app_from_env`` (several workers)."""
    import os

    return create_app(os.environ[APP_DB_ENV])
