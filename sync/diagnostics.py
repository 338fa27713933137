"""The facts IT staff need about one installation (versions, store health, outbox, last sync
errors) and the diagnostics zip that carries them with the logs, every text redacted.

Never collected: passwords, the device token, the unlock verifier, the officer's name, the
username and the account name, or any figure typed by officers.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from forms.model import Text
from sync.redaction import Redactor
from sync.store import Store, list_backups
from sync.store.backup import quick_check
from sync.store.migrate import HEAD_REVISION, current_revision

__all__ = [
    "JSON_NAME",
    "LOG_FOLDER",
    "RECENT_SYNC_ERRORS",
    "SYNC_RUN_MARK",
    "TEXT_NAME",
    "DiagnosticsError",
    "collect",
    "export_redactor",
    "recent_sync_errors",
    "render_text",
    "sync_run_line",
    "write_zip",
]

JSON_NAME = "diagnostik.json"
TEXT_NAME = "diagnostik.txt"
#: the folder inside the zip that holds the log files
LOG_FOLDER = "logs"
#: how many of the last failed sync runs the diagnostics show
RECENT_SYNC_ERRORS = 20
#: the log line of one sync run starts with this, then one JSON object (see ``sync_run_line``)
SYNC_RUN_MARK = "sync run "

# The same keys as desktop/settings_keys.py (sync must not import desktop).
_FACILITY = "facility"
_OFFICER = "officer"
_LANG = "lang"
_SERVER_URL = "server_url"
_CA_FILE = "ca_file"
_AUTH_USERNAME = "auth.username"
_AUTH_NAME = "auth.name"
_AUTH_ROLE = "auth.role"

_DISK_FULL = Text(
    "File diagnostik tidak dapat disimpan: disk penuh. Kosongkan sebagian ruang disk atau "
    "pilih folder lain, lalu coba lagi. Data laporan tidak terpengaruh.",
    "The diagnostics file cannot be saved: the disk is full. Free some space or choose another "
    "folder, then try again. Your report data is not affected.",
)


def _not_writable(folder: Path) -> Text:
    return Text(
        f"File diagnostik tidak dapat disimpan di {folder}: folder ini tidak dapat ditulisi. "
        "Pilih folder lain (misalnya Dokumen), lalu coba lagi. Data laporan tidak terpengaruh.",
        f"The diagnostics file cannot be saved in {folder}: this folder is not writable. "
        "Choose another folder (for example Documents), then try again. Your report data is "
        "not affected.",
    )


def _cannot_save(folder: Path, reason: str) -> Text:
    return Text(
        f"File diagnostik tidak dapat disimpan di {folder} ({reason}). Pilih folder lain, lalu "
        "coba lagi. Data laporan tidak terpengaruh.",
        f"The diagnostics file cannot be saved in {folder} ({reason}). Choose another folder, "
        "then try again. Your report data is not affected.",
    )


class DiagnosticsError(Exception):
    """The zip could not be written; ``message`` says why for people (id + en)."""

    def __init__(self, message: Text, detail: str = "") -> None:
        self.message = message
        super().__init__(detail or message.en)


# -- the sync runs' log lines ------------------------------------------------------------------


def sync_run_line(
    *,
    finished: bool,
    pushed: int,
    pulled: int,
    new_conflicts: int,
    set_aside: int,
    round_trips: int,
    problem: Text | None,
    error: BaseException | None,
) -> str:
    """The one log line a sync run leaves: counts, the error's class and code, the plain reason.

    Never a header, a body or a token: only the exception's class, its ``code`` and its short
    ``detail`` (the HTTP status, or the network library's one-line reason).
    """
    facts: dict[str, Any] = {
        "finished": finished,
        "pushed": pushed,
        "pulled": pulled,
        "new_conflicts": new_conflicts,
        "set_aside": set_aside,
        "round_trips": round_trips,
    }
    if error is not None:
        facts["error"] = type(error).__name__
        code = getattr(error, "code", "")
        if code:
            facts["code"] = str(code)
        detail = getattr(error, "detail", "")
        if detail:
            facts["detail"] = str(detail)[:200]
    if problem is not None:
        facts["reason"] = problem.en
    return SYNC_RUN_MARK + json.dumps(facts, ensure_ascii=False)


def recent_sync_errors(
    lines: Iterable[str], limit: int = RECENT_SYNC_ERRORS
) -> list[dict[str, Any]]:
    """The last ``limit`` sync runs that did not finish cleanly, from log lines (oldest first)
    as ``sync_run_line`` wrote them; each with its log time ``at``."""
    found: list[dict[str, Any]] = []
    for line in lines:
        at = line.find(SYNC_RUN_MARK)
        if at < 0:
            continue
        try:
            facts = json.loads(line[at + len(SYNC_RUN_MARK) :])
        except ValueError:
            continue
        if not isinstance(facts, dict):
            continue
        if facts.get("finished") and "error" not in facts and "reason" not in facts:
            continue
        found.append({"at": line.split(" ", 1)[0], **facts})
    return found[-limit:]


def _log_lines(files: Sequence[Path]) -> list[str]:
    """Every line of the log files, oldest file first (kabar.log.5 … kabar.log)."""
    lines: list[str] = []
    for path in sorted(files, key=_rotation_age, reverse=True):
        try:
            lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            continue
    return lines


def _rotation_age(path: Path) -> int:
    """0 for the live file, n for its n-th rotated copy (``kabar.log.n``)."""
    suffix = path.name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


# -- the facts ---------------------------------------------------------------------------------


def _safe_url(url: str | None) -> str | None:
    """The server address without any user or password it might carry."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _db_counts(path: Path) -> dict[str, Any]:
    """The schema revision and what waits in the outbox, read on a connection of its own."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        outbox = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
        items = dict(
            conn.execute("SELECT state, count(*) FROM push_items GROUP BY state").fetchall()
        )
        return {
            "schema_revision": current_revision(conn),
            "outbox_submissions": {str(k): int(v) for k, v in outbox.items()},
            "push_items": {str(k): int(v) for k, v in items.items()},
        }
    finally:
        conn.close()


def _keyring_facts(server_url: str | None, username: str | None) -> dict[str, Any]:
    try:
        import keyring

        from sync import credentials

        backend = keyring.get_keyring()
        usable = credentials.keyring_usable()
        has_token = bool(
            usable and server_url and username and credentials.load_token(server_url, username)
        )
        return {
            "usable": usable,
            "backend": f"{type(backend).__module__}.{type(backend).__name__}",
            "token_kept": has_token,
        }
    except Exception as exc:  # a broken keyring is itself the finding
        return {"usable": False, "error": f"{type(exc).__name__}: {exc}"}


def _system_facts(data_dir: Path) -> dict[str, Any]:
    try:
        usage = shutil.disk_usage(data_dir)
        disk: dict[str, Any] = {"free_bytes": usage.free, "total_bytes": usage.total}
    except OSError as exc:
        disk = {"error": exc.strerror or str(exc)}
    now = datetime.now().astimezone()
    return {
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "os": platform.system(),
        "os_release": platform.release(),
        "os_version": platform.version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "data_folder_disk": disk,
        "local_time": now.isoformat(timespec="seconds"),
        "utc_offset_hours": (now.utcoffset() or (now - now)).total_seconds() / 3600,
    }


def _guarded(part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One part of the facts; a failure is itself a finding (a damaged file is when IT needs
    the diagnostics most), so it is written down instead of stopping the export."""
    try:
        return part()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def collect(
    store: Store,
    *,
    app: Mapping[str, Any] | None = None,
    log_files: Sequence[Path] = (),
    keyring_facts: Callable[[str | None, str | None], dict[str, Any]] = _keyring_facts,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Everything the diagnostics file says about this installation (runs on a worker: the
    integrity check reads the whole file). ``app``: what only the desktop knows (versions of
    Qt, screen, language), merged in as given."""
    data_dir, path = store.data_dir, store.path
    settings: dict[str, str | None] = {}

    def get(key: str) -> str | None:
        if key not in settings:
            try:
                settings[key] = store.get_setting(key)
            except Exception:
                settings[key] = None
        return settings[key]

    def store_part() -> dict[str, Any]:
        problem = quick_check(path)
        part: dict[str, Any] = {
            "data_folder": str(data_dir),
            "db_bytes": _size(path),
            "wal_bytes": _size(path.with_name(path.name + "-wal")),
            "schema_head": HEAD_REVISION,
            "integrity_check": "ok" if problem is None else problem,
            "device_id": store.device_id(),
        }
        part.update(_guarded(lambda: _db_counts(path)))
        backups = list_backups(data_dir)
        part["backups"] = len(backups)
        part["newest_backup"] = backups[0].name if backups else None
        return part

    def outbox_part() -> dict[str, Any]:
        summary = store.sync_summary()
        return {
            "unsent_form_days": summary.unsent,
            "open_conflicts": summary.conflicts,
            "set_aside": summary.set_aside,
            "local_submissions_waiting": store.outbox_count(),
            "waiting_for_form_version": store.waiting_items(),
            "last_sync_ok_at": (
                summary.last_sync_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                if summary.last_sync_at
                else None
            ),
            "last_problem": summary.last_problem.en if summary.last_problem else None,
            "clock_skew_s": summary.clock_skew_s,
        }

    def sync_part() -> dict[str, Any]:
        facility = get(_FACILITY)
        unit = store.org_unit(facility) if facility else None
        return {
            "server_url": _safe_url(get(_SERVER_URL)),
            "facility": facility,
            "facility_name": unit.name if unit is not None else None,
            "logged_in": bool(get(_AUTH_USERNAME)),
            "role": get(_AUTH_ROLE),
            "ca_file_set": bool(get(_CA_FILE)),
            "language": get(_LANG),
            "pull_cursor": store.pull_cursor(),
        }

    outbox = _guarded(outbox_part)
    sync = _guarded(sync_part)
    # Where the engine keeps them: the last outcome in the store, the runs before in the log.
    for key in ("last_sync_ok_at", "last_problem", "clock_skew_s"):
        if key in outbox:
            sync[key] = outbox.pop(key)
    sync["recent_errors"] = recent_sync_errors(_log_lines(log_files))
    return {
        "exported_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app": dict(app or {}),
        "system": _system_facts(data_dir),
        "store": _guarded(store_part),
        "outbox": outbox,
        "sync": sync,
        "keyring": _guarded(lambda: keyring_facts(get(_SERVER_URL), get(_AUTH_USERNAME))),
        "logs": {p.name: _size(p) for p in sorted(log_files, key=_rotation_age)},
    }


def export_redactor(store: Store, known: Iterable[str] = ()) -> Redactor:
    """A Redactor for everything this store knows as secret or personal (officer, username,
    account name, the kept device token, the home folder) plus ``known`` values."""
    username = store.get_setting(_AUTH_USERNAME)
    server_url = store.get_setting(_SERVER_URL)
    values: list[str | None] = [
        store.get_setting(_OFFICER),
        username,
        store.get_setting(_AUTH_NAME),
        *known,
    ]
    if server_url and username:
        try:
            from sync.credentials import load_token

            values.append(load_token(server_url, username))
        except Exception:  # no usable keyring: no token to hide
            pass
    return Redactor(values, home=str(Path.home()))


# -- the text and the zip ----------------------------------------------------------------------

_LABELS = (
    ("exported_at", "Dibuat (UTC)"),
    ("app", "Aplikasi"),
    ("system", "Sistem"),
    ("store", "Data lokal"),
    ("outbox", "Antrean kirim"),
    ("sync", "Sinkronisasi"),
    ("keyring", "Penyimpanan kata sandi (keyring)"),
    ("logs", "File log"),
)


def render_text(facts: Mapping[str, Any]) -> str:
    """``facts`` as plain text a person reads on a phone: one section per part."""
    lines = ["Diagnostik Kabar", "================", ""]
    for key, label in _LABELS:
        value = facts.get(key)
        if isinstance(value, Mapping):
            lines.append(f"{label}:")
            for name, item in value.items():
                if isinstance(item, list):
                    lines.append(f"  {name}: {len(item)}")
                    lines.extend(f"    - {json.dumps(x, ensure_ascii=False)}" for x in item)
                else:
                    shown = json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else item
                    lines.append(f"  {name}: {'-' if shown is None else shown}")
            lines.append("")
        elif value is not None:
            lines.extend([f"{label}: {value}", ""])
    return "\n".join(lines)


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(str(k)): _redacted(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v, redact) for v in value]
    return value


def _message_for(exc: OSError, folder: Path) -> Text:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _DISK_FULL
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR):
        return _not_writable(folder)
    return _cannot_save(folder, exc.strerror or type(exc).__name__)


def write_zip(
    target: Path, facts: Mapping[str, Any], log_files: Sequence[Path], redactor: Redactor
) -> Path:
    """Write the diagnostics zip to ``target`` (through a temporary file beside it, so a failed
    write leaves no half file and never harms an existing one). Raises DiagnosticsError."""
    target = Path(target)
    safe = _redacted(facts, redactor)
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            text = json.dumps(safe, ensure_ascii=False, indent=2, sort_keys=False)
            bundle.writestr(JSON_NAME, redactor(text))
            bundle.writestr(TEXT_NAME, redactor(render_text(safe)))
            for path in sorted(log_files, key=_rotation_age):
                try:
                    raw = path.read_text(encoding="utf-8", errors="replace")
                except FileNotFoundError:
                    continue  # rotated away meanwhile
                # Redacted again: a line may predate the secret being known (belt and braces).
                bundle.writestr(f"{LOG_FOLDER}/{path.name}", redactor(raw))
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise DiagnosticsError(_message_for(exc, target.parent), str(exc)) from exc
    return target
