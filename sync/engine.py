"""The sync engine: freeze the outbox into push items, push them, apply the receipts, pull
what others changed and apply it; every step is its own SQLite transaction, so a run can stop
anywhere (fault, crash, kill) and the next one resumes there without losing or doubling."""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from forms.errors import FormLoadError
from forms.model import Text
from sync import credentials
from sync.appversion import APP_LATEST_KEY, APP_MINIMUM_KEY, advertised
from sync.diagnostics import sync_run_line
from sync.protocol import (
    REASONS,
    ProtocolError,
    SubmissionReceipt,
    decode_pull_page,
    decode_push_reply,
    metadata_digest,
    parse_time,
)
from sync.store import OrgUnitRow, Store
from sync.store.conflicts import (
    CLOCK_SKEW_KEY,
    LAST_OK_KEY,
    LAST_PROBLEM_EN_KEY,
    LAST_PROBLEM_ID_KEY,
)
from sync.store.incoming import CURSOR_KEY
from sync.store.store import SERVER_FORMS_KEY
from sync.store.values import format_utc
from sync.transport import (
    UNREADABLE,
    AppTooOldError,
    AuthError,
    LoginResult,
    PermanentError,
    SyncError,
    TransientError,
    Transport,
)

__all__ = [
    "AUTH_NAME_KEY",
    "AUTH_ROLE_KEY",
    "AUTH_USERNAME_KEY",
    "AUTH_VERIFIER_KEY",
    "CLOCK_SKEW_LIMIT_S",
    "METADATA_DIGEST_KEY",
    "SERVER_URL_KEY",
    "SyncEngine",
    "SyncReport",
    "login_and_prepare",
]

log = logging.getLogger("kabar.sync")

#: the same key as desktop/settings_keys.py SERVER_URL
SERVER_URL_KEY = "server_url"
METADATA_DIGEST_KEY = "sync.metadata_digest"
AUTH_USERNAME_KEY = "auth.username"
AUTH_VERIFIER_KEY = "auth.verifier"
AUTH_NAME_KEY = "auth.name"
AUTH_ROLE_KEY = "auth.role"
#: a local clock further than this from the server's is reported (it never orders anything)
CLOCK_SKEW_LIMIT_S = 600.0
#: cells per pull page asked for
PULL_LIMIT = 5_000
#: whole-push refusals that one item can cause (the batch is halved to find it)
REFUSED_PUSH_CODES = frozenset({"bad_request", "bad_json", "too_large"})
#: freeze → push rounds per run: the second takes what was saved while the first was sent
PUSH_ROUNDS = 2


@dataclass(frozen=True)
class SyncReport:
    #: submissions acknowledged in this run
    pushed: int
    #: cells taken from the server
    pulled: int
    new_conflicts: int
    set_aside: int
    round_trips: int
    #: False: stopped by a fault; the next run resumes exactly there
    finished: bool
    #: what went wrong, for the status bar (id + en)
    problem: Text | None
    clock_skew_s: float | None
    #: the token is missing/expired/revoked: ask for the password; the outbox is intact
    needs_login: bool
    app_too_old: bool
    #: the latest app version the server advertised (as last seen; None: never said)
    app_latest: str | None = None


@dataclass
class _Tally:
    pushed: int = 0
    pulled: int = 0
    new_conflicts: int = 0
    set_aside: int = 0
    waiting: int = 0
    skew: float | None = None
    digest: str | None = None


def _skew_text(skew: float) -> Text:
    days = abs(skew) / 86_400
    if days >= 1:
        amount_id, amount_en = f"±{days:.0f} hari", f"±{days:.0f} days"
    else:
        minutes = abs(skew) / 60
        amount_id, amount_en = f"±{minutes:.0f} menit", f"±{minutes:.0f} minutes"
    return Text(
        f"Jam komputer ini tampaknya salah (selisih {amount_id}). Data tetap terkirim dengan "
        "urutan yang benar; betulkan jam di Windows.",
        f"This computer's clock looks wrong (off by {amount_en}). Data is still sent in the "
        "right order; correct the clock in Windows.",
    )


WAITING_FOR_FORM = Text(
    "Sebagian data menunggu versi formulirnya diterbitkan di server; data tetap tersimpan dan "
    "dikirim setelah itu.",
    "Some data waits for its form version to be published on the server; it stays saved and "
    "is sent after that.",
)


#: one run at a time per store, however many engines are made for it (timer, save, network)
_RUN_LOCKS: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


class SyncEngine:
    """One sync run at a time per store (``run`` waits for a run already going); see ``run``."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        batch_size: int = 100,
        now: Callable[[], datetime] | None = None,
        pull_limit: int = PULL_LIMIT,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.store = store
        self.transport = transport
        self.batch_size = batch_size
        self.pull_limit = pull_limit
        self._now = now or (lambda: datetime.now(UTC))
        with _LOCKS_GUARD:
            self._lock = _RUN_LOCKS.setdefault(store, threading.Lock())

    def run(self, should_stop: Callable[[], bool] = lambda: False) -> SyncReport:
        """freeze → push (batches of ≤ batch_size) → apply receipts → pull (pages) → apply.

        Never raises for network or server trouble (it is in the report); bugs do raise.
        ``should_stop`` is asked between steps (the app is closing): the run ends there,
        unfinished, with nothing lost.
        """
        with self._lock:
            start = self.transport.round_trips
            tally = _Tally()
            problem: Text | None = None
            error: SyncError | ProtocolError | None = None
            needs_login = too_old = False
            finished = False
            try:
                finished = self._run(tally, should_stop)
            except AuthError as e:
                problem, needs_login, error = e.message, True, e
            except AppTooOldError as e:
                problem, too_old, error = e.message, True, e
            except SyncError as e:  # transient (try later) or permanent: said in plain words
                problem, error = e.message, e
            except ProtocolError as e:
                # A reply that breaks the protocol (a proxy's page, a damaged body): try later.
                problem, error = UNREADABLE, e
                log.warning("sync stopped: unreadable reply: %s", e.detail)
            if problem is None:
                if self.store.waiting_items():
                    problem = WAITING_FOR_FORM
                elif tally.skew is not None:
                    problem = _skew_text(tally.skew)
            self._record(finished, problem, tally)
            report = SyncReport(
                pushed=tally.pushed,
                pulled=tally.pulled,
                new_conflicts=tally.new_conflicts,
                set_aside=tally.set_aside,
                round_trips=self.transport.round_trips - start,
                finished=finished,
                problem=problem,
                clock_skew_s=tally.skew,
                needs_login=needs_login,
                app_too_old=too_old,
                app_latest=self.store.get_setting(APP_LATEST_KEY),
            )
            log.info(
                "%s",
                sync_run_line(
                    finished=report.finished,
                    pushed=report.pushed,
                    pulled=report.pulled,
                    new_conflicts=report.new_conflicts,
                    set_aside=report.set_aside,
                    round_trips=report.round_trips,
                    problem=report.problem,
                    error=error,
                ),
            )
            return report

    # -- steps -----------------------------------------------------------------------------

    def _run(self, tally: _Tally, should_stop: Callable[[], bool]) -> bool:
        store = self.store
        for round_ in range(PUSH_ROUNDS):
            made = store.freeze_outbox()
            if round_ and not made:
                break  # nothing was saved while the first round was sent
            if not self._push_all(tally, should_stop):
                return False
        refreshed = tally.digest is not None and self._refresh_metadata_if_changed(
            tally, tally.digest
        )
        if refreshed and not self._push_released(tally, should_stop):
            return False
        return self._pull_all(tally, should_stop)

    def _push_released(self, tally: _Tally, should_stop: Callable[[], bool]) -> bool:
        """After new metadata: items waiting for a form (version) are sent again."""
        if not self.store.release_waiting():
            return True
        tally.waiting = 0
        return self._push_all(tally, should_stop)

    def _push_all(self, tally: _Tally, should_stop: Callable[[], bool]) -> bool:
        """Push every in-flight item; False when asked to stop."""
        rounds_without_progress = 0
        limit = self.batch_size
        while True:
            items = self.store.push_batch(limit)
            if not items:
                return True
            if should_stop():
                return False
            payloads = [_load_payload(i.payload) for i in items]
            body = {
                "d": self.store.device_id(),
                "s": [{"n": i.seq, **p} for i, p in zip(items, payloads, strict=True)],
            }
            try:
                raw = self.transport.push(body)
            except PermanentError as e:
                if e.code not in REFUSED_PUSH_CODES:
                    raise
                # The whole request was refused (too large, or something in it the server
                # cannot read): halve the batch until the one item at fault is found, and set
                # that one aside so the rest of the queue keeps flowing.
                if len(items) > 1:
                    limit = max(1, len(items) // 2)
                    continue
                reason = e.code if e.code in REASONS else "bad_submission"
                refused = SubmissionReceipt("rejected", reason=reason, message=e.message)
                outcome = self.store.apply_receipts([(items[0], refused)])
                tally.set_aside += outcome.set_aside
                limit = self.batch_size
                continue
            reply = decode_push_reply(raw, [list(i.cells) for i in items])
            self._clock(tally, reply.server_time)
            if reply.metadata_digest is not None:
                tally.digest = reply.metadata_digest
            outcome = self.store.apply_receipts(list(zip(items, reply.receipts, strict=True)))
            tally.pushed += outcome.acknowledged
            tally.new_conflicts += outcome.new_conflicts
            tally.set_aside += outcome.set_aside
            tally.waiting += outcome.waiting
            # Re-keyed items stay in flight; anything else left the in-flight set.
            progress = len(items) - outcome.rekeyed
            rounds_without_progress = 0 if progress else rounds_without_progress + 1
            if rounds_without_progress > 3:
                raise AssertionError("push made no progress in 4 rounds (re-keying in a loop)")

    def _pull_all(self, tally: _Tally, should_stop: Callable[[], bool]) -> bool:
        refreshed = False
        while True:
            if should_stop():
                return False
            since = self.store.pull_cursor()
            # A first pull (a new store, or a restored backup) takes everything, this device's
            # own cells too; after that its own writes are known from the receipts.
            raw = self.transport.pull(since, self.pull_limit, mine=not self.store.has_pulled())
            page = decode_pull_page(raw)
            self._clock(tally, page.server_time)
            if page.metadata_digest is not None and page.metadata_digest != tally.digest:
                # Before applying the page: it may hold a form version not known here yet.
                tally.digest = page.metadata_digest
                refreshed |= self._refresh_metadata_if_changed(tally, page.metadata_digest)
            outcome = self.store.apply_pull(page)
            tally.pulled += outcome.taken
            tally.new_conflicts += outcome.new_conflicts
            if not page.more:
                return self._push_released(tally, should_stop) if refreshed else True

    def _refresh_metadata_if_changed(self, tally: _Tally, digest: str) -> bool:
        """Fetch and keep the metadata when its digest differs from the stored one."""
        if self.store.get_setting(METADATA_DIGEST_KEY) == digest:
            return False
        metadata = self.transport.metadata()
        server_time = metadata.get("server_time")
        if isinstance(server_time, str):
            self._clock(tally, server_time)
        apply_metadata(self.store, self.transport, metadata)
        return True

    def _clock(self, tally: _Tally, server_time: str) -> None:
        if not server_time:
            return
        try:
            server = parse_time(server_time, key="server_time")
        except ProtocolError:
            return
        skew = (self._now() - server).total_seconds()
        tally.skew = skew if abs(skew) > CLOCK_SKEW_LIMIT_S else None

    def _record(self, finished: bool, problem: Text | None, tally: _Tally) -> None:
        store = self.store
        if finished:
            store.set_setting(LAST_OK_KEY, format_utc(store.now()))
        store.set_setting(LAST_PROBLEM_ID_KEY, problem.id if problem else None)
        store.set_setting(LAST_PROBLEM_EN_KEY, problem.en if problem else None)
        store.set_setting(CLOCK_SKEW_KEY, None if tally.skew is None else f"{tally.skew:.0f}")


def _load_payload(text: str) -> dict[str, Any]:
    payload = json.loads(text)
    assert isinstance(payload, dict) and ("x" in payload or "y" in payload)
    return payload


def apply_metadata(store: Store, transport: Transport, metadata: Mapping[str, Any]) -> None:
    """Keep the org units and user of ``metadata`` and register every form version not yet
    here (its text from ``GET /forms``); then remember the metadata's digest."""
    try:
        units = [
            OrgUnitRow(
                code=str(u[0]),
                name=str(u[1]),
                level=str(u[2]),
                parent_code=None if u[3] is None else str(u[3]),
                type=None if u[4] is None else str(u[4]),
            )
            for u in metadata["org_units"]
        ]
        forms = [(str(f["id"]), int(f["version"]), str(f["sha256"])) for f in metadata["forms"]]
        user = metadata["user"]
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise TransientError(UNREADABLE, "bad_reply", f"metadata: {e!r}") from None
    store.upsert_org_units(units)
    for form_id, version, sha in forms:
        if store.has_form_version(form_id, version, sha):
            continue
        text = transport.form_text(form_id, version)
        try:
            store.register_form_text(text)
        except FormLoadError as e:
            # A form the server published but this app cannot read (a newer format): the
            # old version stays in use; IT sees why.
            raise PermanentError(
                Text(
                    f"Formulir {form_id} versi {version} dari server tidak dapat dibaca "
                    "aplikasi ini. Perbarui aplikasi.",
                    f"Form {form_id} version {version} from the server cannot be read by this "
                    "app. Update the app.",
                ),
                "form_unreadable",
                str(e)[:300],
            ) from None
    if isinstance(user, dict):
        for key, name in ((AUTH_NAME_KEY, "name"), (AUTH_ROLE_KEY, "role")):
            if isinstance(user.get(name), str):
                store.set_setting(key, user[name])
    announced = {form_id: [version, sha] for form_id, version, sha in forms}
    store.set_setting(SERVER_FORMS_KEY, json.dumps(announced, sort_keys=True))
    # What the province advertises: the desktop offers an update; below the minimum pushes
    # are refused (426) and the outbox waits.
    latest, minimum = advertised(metadata)
    store.set_setting(APP_LATEST_KEY, latest)
    store.set_setting(APP_MINIMUM_KEY, minimum)
    # The server's own `m` (it covers more than the document shows); computed for a server
    # that does not send one.
    digest = metadata.get("m")
    if not isinstance(digest, str) or not digest:
        digest = metadata_digest(metadata)
    store.set_setting(METADATA_DIGEST_KEY, digest)


def login_and_prepare(
    store: Store, transport: Transport, username: str, password: str, device_name: str
) -> LoginResult:
    """Log in, keep the token (OS keyring; in memory only when there is none), the unlock
    verifier, the server URL, the username and the metadata (org units, forms) in the store.
    Raises the transport's SyncErrors (AuthError for a wrong password)."""
    username = username.strip()
    result = transport.login(username, password, store.device_id(), device_name)
    server_url = transport.base_url
    previous = (store.get_setting(SERVER_URL_KEY), store.get_setting(AUTH_USERNAME_KEY))
    if previous != (server_url, result.username) and any(previous):
        # Another server or another user's scope: their feed starts from the beginning.
        store.set_setting(CURSOR_KEY, None)
        store.set_setting(METADATA_DIGEST_KEY, None)
    if credentials.keyring_usable():
        try:
            credentials.save_token(server_url, result.username, result.token)
        except credentials.CredentialError as e:
            # The token stays on the transport for this session; the next start asks again.
            log.warning("token not kept in the keyring: %s", e)
    store.set_setting(SERVER_URL_KEY, server_url)
    store.set_setting(AUTH_USERNAME_KEY, result.username)
    store.set_setting(AUTH_NAME_KEY, result.name)
    store.set_setting(AUTH_ROLE_KEY, result.role)
    store.set_setting(AUTH_VERIFIER_KEY, credentials.make_verifier(password))
    apply_metadata(store, transport, transport.metadata())
    return result
