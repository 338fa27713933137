"""Admin actions go to ``admin_audit`` (append-only) in the same transaction as the action."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.models import AdminAudit


def _forget_generation(session: Session) -> None:
    from server.api_meta import forget_generation

    forget_generation()


def cli_actor() -> str:
    """Who runs an admin command: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


def record(session: Session, actor: str, action: str, **detail: Any) -> None:
    # Once committed, this process's push and pull replies carry the new metadata digest `m`
    # at once (other processes within ``server.api_meta.GENERATION_REUSE_S``).
    event.listen(session, "after_commit", _forget_generation, once=True)
    session.add(
        AdminAudit(
            at=datetime.now(UTC),
            actor=actor[:64],
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )
    )
