"""A one-time setup code issued straight into a server database (as ``kabar-server
provision-code`` does), for the server, sync and GUI tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def issue_code(
    db_url: str,
    *,
    server_url: str,
    facility: str,
    pin: bytes | None = None,
    days_ago: int = 0,
    now: datetime | None = None,
) -> str:
    """The code's text, valid 14 days from ``now`` (default: ``days_ago`` days before now)."""
    from server import db, setupcodes

    engine = db.make_engine(db_url)
    try:
        return setupcodes.issue(
            db.session_factory(engine),
            server_url=server_url,
            facility=facility,
            cert_sha256=pin,
            days=14,
            actor="test",
            now=now or datetime.now(UTC) - timedelta(days=days_ago),
        ).text
    finally:
        engine.dispose()
