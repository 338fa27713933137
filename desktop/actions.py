"""The main window's actions (menu entries and keyboard shortcuts) and its menu bar."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


class Actions(QObject):
    """Every QAction of the main window, with its shortcut; texts via ``retranslate``."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)

        def make(shortcuts: list[QKeySequence | str] | None = None) -> QAction:
            action = QAction(window)
            if shortcuts:
                action.setShortcuts([QKeySequence(s) for s in shortcuts])
            window.addAction(action)  # shortcuts work even while the menu bar is hidden
            return action

        self.save = make([QKeySequence(QKeySequence.StandardKey.Save)])
        self.complete = make(["Ctrl+Return", "Ctrl+Enter"])
        self.prev_day = make(["PgUp"])
        self.next_day = make(["PgDown"])
        self.today = make(["Ctrl+Home"])
        self.copy_field = make(["Ctrl+D"])
        self.copy_all = make(["Ctrl+Shift+D"])
        self.history = make(["F2", "Ctrl+H"])
        self.series = make(["Ctrl+T"])
        self.export = make(["Ctrl+E"])
        self.facility = make()
        self.quit = make(["Ctrl+Q"])
        self.lang_id = make()
        self.lang_en = make()
        for a in (self.lang_id, self.lang_en):
            a.setCheckable(True)
        self.lang_group = QActionGroup(self)
        self.lang_group.addAction(self.lang_id)
        self.lang_group.addAction(self.lang_en)
        self.keys = make(["F1"])
        self.diagnostics = make()
        self.login = make()
        self.sync_now = make(["F5"])
        self.conflicts = make(["Ctrl+K"])
        self.conflict_count = 0
        self.refused_count = 0

        bar = window.menuBar()
        self.file_menu = QMenu(bar)
        self.file_menu.addActions([self.export, self.facility])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit)
        self.entry_menu = QMenu(bar)
        self.entry_menu.addActions([self.save, self.complete])
        self.entry_menu.addSeparator()
        self.entry_menu.addActions([self.copy_field, self.copy_all])
        self.entry_menu.addSeparator()
        self.entry_menu.addActions([self.prev_day, self.next_day, self.today])
        self.view_menu = QMenu(bar)
        self.view_menu.addActions([self.history, self.series])
        self.sync_menu = QMenu(bar)
        self.sync_menu.addActions([self.sync_now, self.conflicts])
        self.sync_menu.addSeparator()
        self.sync_menu.addAction(self.login)
        self.lang_menu = QMenu(bar)
        self.lang_menu.addActions([self.lang_id, self.lang_en])
        self.help_menu = QMenu(bar)
        self.help_menu.addAction(self.keys)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.diagnostics)
        for menu in (
            self.file_menu,
            self.entry_menu,
            self.view_menu,
            self.sync_menu,
            self.lang_menu,
            self.help_menu,
        ):
            bar.addMenu(menu)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.entry_menu.setTitle(self.tr("&Entry"))
        self.view_menu.setTitle(self.tr("&View"))
        self.sync_menu.setTitle(self.tr("&Sync"))
        self.lang_menu.setTitle(self.tr("&Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.save.setText(self.tr("&Save draft"))
        self.complete.setText(self.tr("Mark &complete"))
        self.prev_day.setText(self.tr("&Previous day"))
        self.next_day.setText(self.tr("&Next day"))
        self.today.setText(self.tr("&Today"))
        self.copy_field.setText(self.tr("Copy from &yesterday (this field)"))
        self.copy_all.setText(self.tr("Copy &all stock fields from yesterday"))
        self.history.setText(self.tr("Cell &history…"))
        self.series.setText(self.tr("&30-day table…"))
        self.export.setText(self.tr("&Export…"))
        self.facility.setText(self.tr("Change &facility or officer…"))
        self.quit.setText(self.tr("&Quit"))
        # Language names are written in their own language, as users look for them that way.
        self.lang_id.setText("Bahasa &Indonesia")
        self.lang_en.setText("&English")
        self.keys.setText(self.tr("&Keyboard keys"))
        self.diagnostics.setText(self.tr("Export &diagnostics…"))
        self.login.setText(self.tr("&Log in to the server…"))
        self.sync_now.setText(self.tr("Sync &now"))
        self.set_conflict_count(self.conflict_count, self.refused_count)

    def set_conflict_count(self, count: int, refused: int = 0) -> None:
        """The conflicts entry says how many wait for a person (and what the server refused)."""
        self.conflict_count, self.refused_count = count, refused
        if refused:
            text = self.tr("&Conflicts (%1), refused (%2)…").replace("%2", str(refused))
        else:
            text = self.tr("&Conflicts (%1)…")
        self.conflicts.setText(text.replace("%1", str(count)))
