"""What the windows share for one run: the store, the forms, the facility, officer and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from desktop.i18n import Translations
from desktop.worker import Operations
from forms.model import FormDefinition, Value


@dataclass
class Session:
    store: Any  # sync.store.Store (typed loosely: desktop must not force its import early)
    forms: list[FormDefinition]
    facility_code: str
    facility_name: str
    officer: str
    translations: Translations
    ops: Operations
    #: desktop.syncrunner.SyncRunner: background sync on its own worker lane
    sync: Any = None
    today: Callable[[], date] = field(default=date.today)
    server_url: str | None = None
    #: sync.siteconfig.SiteConfig of this start (server lock, preset facility); None: none read
    site: Any = None

    @property
    def lang(self) -> str:
        return self.translations.lang


DayRead = dict[str, tuple[Any, dict[str, Value], dict[str, list[Value]]]]


def day_work(session: Session, day: date) -> Callable[[], DayRead]:
    """The worker function that reads ``day`` of every form (values, yesterday, history)."""
    s = session
    org, forms = s.facility_code, list(s.forms)

    def work() -> DayRead:
        out = {}
        for form in forms:
            data = s.store.load_day(org, form, day)
            previous = s.store.previous_values(org, form, day)
            history = s.store.history_values(org, form, day, days=28)
            out[form.id] = (data, previous, history)
        return out

    return work


def statuses_work(
    session: Session, first: date, last: date
) -> Callable[[], tuple[dict[date, str], dict[date, str], Any]]:
    """The worker function reading ``first``..``last``'s statuses, sync marks and summary."""
    s = session
    org, ids = s.facility_code, [f.id for f in s.forms]
    # Without a server nothing is on its way anywhere: every day marked "waiting" would be
    # noise (the status bar still counts what is not sent yet).
    marks = bool(s.server_url)

    def work() -> tuple[dict[date, str], dict[date, str], Any]:
        statuses = s.store.day_statuses(org, ids, first, last)
        sync_states = s.store.day_sync_states(org, None, first, last) if marks else {}
        return statuses, sync_states, s.store.sync_summary()

    return work


class FirstRead:
    """Today and its month, read on the worker as one operation from before the main window's
    module is even imported: the read (mostly SQLite, without the GIL) runs beside that import
    and the window's building, and is there when the window is first shown.

    ``outcome`` is (statuses, day read) and ``error`` what the read raised; ``listen`` calls
    back once either has arrived.
    """

    def __init__(self, session: Session) -> None:
        self.day = session.today()
        first = self.day.replace(day=1)
        self.span = (first, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1))
        self.outcome: tuple[Any, DayRead] | None = None
        self.error: BaseException | None = None
        self._listener: Callable[[], None] | None = None
        statuses, day = statuses_work(session, *self.span), day_work(session, self.day)
        session.ops.run(
            lambda: (statuses(), day()), self._arrived, self._failed, label="load day and statuses"
        )

    @property
    def arrived(self) -> bool:
        return self.outcome is not None or self.error is not None

    def listen(self, listener: Callable[[], None]) -> None:
        self._listener = listener

    def _arrived(self, outcome: tuple[Any, DayRead]) -> None:
        self.outcome = outcome
        if self._listener is not None:
            self._listener()

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        if self._listener is not None:
            self._listener()
