"""``publish-form``: store a form definition version; the same id + version must always mean
the same text, so a changed text under a published version is refused with a reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms.loader import FormLoadError, load_form, load_form_text
from forms.model import FormDefinition
from server import audit
from server.accounts import AdminError
from server.models import FormVersion


def text_sha256(text: str) -> str:
    """The same fingerprint the desktop store records (``sync.store.store.form_sha256``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PublishResult:
    form_id: str
    version: int
    #: "published" or "unchanged" (the identical text was already there)
    outcome: str
    sha256: str


def incompatibilities(old: FormDefinition, new: FormDefinition) -> list[str]:
    """Changes that would make stored values mean something else under the same version."""
    problems = []
    new_fields = {f.code: f for f in new.fields}
    for f in old.fields:
        g = new_fields.get(f.code)
        if g is None:
            problems.append(f"field {f.code!r} was removed")
            continue
        if g.type != f.type:
            problems.append(f"field {f.code!r} changed type from {f.type} to {g.type}")
        if [c.code for c in g.choices] != [c.code for c in f.choices]:
            problems.append(f"field {f.code!r} changed its choices")
        if (g.min, g.max) != (f.min, f.max):
            problems.append(f"field {f.code!r} changed its range")
    added = [code for code in new_fields if code not in {f.code for f in old.fields}]
    if added:
        problems.append(f"fields added: {', '.join(added)}")
    return problems


def publish(session: Session, path: Path, actor: str) -> PublishResult:
    try:
        form = load_form(path)
    except FormLoadError as e:
        raise AdminError(str(e)) from None
    return publish_form(session, form, actor)


def publish_form(session: Session, form: FormDefinition, actor: str) -> PublishResult:
    text = form.source_text
    if not text:
        raise AdminError(f"form {form.id}: no source text to publish (load it from a file)")
    sha = text_sha256(text)
    existing = session.get(FormVersion, (form.id, form.version))
    if existing is not None:
        if existing.sha256 == sha:
            return PublishResult(form.id, form.version, "unchanged", sha)
        old = load_form_text(existing.source_text, f"{form.id} v{form.version} (published)")
        problems = incompatibilities(old, form)
        if problems:
            raise AdminError(
                f"form {form.id} version {form.version} is already published and this file is "
                f"incompatible with it ({'; '.join(problems)}): give it a new version number"
            )
        raise AdminError(
            f"form {form.id} version {form.version} is already published with different text "
            "(labels, rules or layout changed): the same id and version must mean the same "
            f"file, so bump 'version' to {_next_version(session, form.id)} and publish again"
        )
    session.add(
        FormVersion(
            form_id=form.id,
            version=form.version,
            sha256=sha,
            source_text=text,
            published_at=datetime.now(UTC),
            published_by=actor[:64],
        )
    )
    audit.record(session, actor, "publish-form", form_id=form.id, version=form.version, sha256=sha)
    return PublishResult(form.id, form.version, "published", sha)


def _next_version(session: Session, form_id: str) -> int:
    latest = session.scalar(
        select(func.max(FormVersion.version)).where(FormVersion.form_id == form_id)
    )
    return int(latest or 0) + 1
