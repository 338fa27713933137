"""What the windows share for one run: the store, the forms, the facility, officer and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.i18n import Translations
from desktop.worker import Operations
from forms.model import FormDefinition


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
