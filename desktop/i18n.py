"""Install and switch the app's translators at runtime (Bahasa Indonesia default, English).

Source strings are English; Indonesian comes from ``kabar_id.qm`` plus ``qtbase_id.qm`` (our own
translation of Qt's standard buttons, which Qt does not ship for Indonesian).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator, Signal

import resources
from desktop.settings_keys import LANGS

log = logging.getLogger(__name__)


DEFAULT_LANG = "id"


def locale_for(lang: str) -> QLocale:
    if lang == "en":
        # English words, but the day/month order of the user's country stays dd/MM/yyyy.
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)


class Translations(QObject):
    """Owns the installed translators; ``changed`` fires after a switch."""

    changed = Signal(str)

    def __init__(self, directory: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directory = directory or resources.TRANSLATIONS_DIR
        self.lang = DEFAULT_LANG
        self._installed: list[QTranslator] = []
        self._initial_locale = QLocale()

    def uninstall(self) -> None:
        """Remove our translators and restore the locale found at start (tests, shutdown)."""
        app = QCoreApplication.instance()
        if app is not None:
            for tr in self._installed:
                app.removeTranslator(tr)
        self._installed = []
        QLocale.setDefault(self._initial_locale)

    def install(self, lang: str) -> None:
        """Switch every translator to ``lang``; Qt then sends LanguageChange to all widgets."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        app = QCoreApplication.instance()
        assert app is not None, "install translators after creating the QApplication"
        for tr in self._installed:
            app.removeTranslator(tr)
        self._installed = []
        QLocale.setDefault(locale_for(lang))
        self.lang = lang
        if lang != "en":
            for name in (f"kabar_{lang}", f"qtbase_{lang}"):
                tr = QTranslator(self)
                if tr.load(name, str(self.directory)):
                    app.installTranslator(tr)
                    self._installed.append(tr)
                else:
                    # The app stays usable in English; the build (make translations) is missing.
                    log.warning("translation %s.qm not found in %s", name, self.directory)
        self.changed.emit(lang)


def current_lang() -> str:
    """The interface language now in force ("id" or "en"), read from the default locale."""
    return "en" if QLocale().language() == QLocale.Language.English else DEFAULT_LANG
