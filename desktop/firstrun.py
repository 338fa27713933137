"""First run (and "change facility"): choose the puskesmas from the hierarchy, name the officer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings_keys import FACILITY, OFFICER
from desktop.style import named

#: the levels an officer reports for: a puskesmas, or a hospital added with
#: ``kabar-server add-facility --type rumah_sakit`` (a setup code can name either)
SELECTABLE_LEVELS = frozenset({"puskesmas", "rumah_sakit"})
CODE_ROLE = Qt.ItemDataRole.UserRole


class FirstRunDialog(QDialog):
    """Saves the choice in the store's settings on OK and emits ``accepted_choice``."""

    accepted_choice = Signal(str, str, str)  # facility code, facility name, officer

    def __init__(self, store: Any, parent: QWidget | None = None, *, site: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.site = site
        self.setup_dialog: Any = None
        # the facility set by the site file (sync.siteconfig.SiteConfig), if it is a known one
        self.site_facility: str | None = None
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("Kabar — facility and officer"))
        self.resize(620, 600)
        self.intro = QLabel(
            self.tr(
                "Choose your puskesmas and type your name. "
                "Both are saved on this computer and can be changed later from the File menu."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        # A setup code from IT fills in the server and the facility (desktop/setupcode.py).
        self.setup_button = QPushButton(self.tr("Have a setup code?"), self)
        self.setup_button.setObjectName("setupCodeButton")
        self.setup_button.setAutoDefault(False)
        self.setup_button.clicked.connect(self.show_setup_code)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("facilityFilter")
        self.filter.setPlaceholderText(self.tr("Type to filter, e.g. Sangatta"))
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("facilityTree")
        self.tree.setHeaderLabels([self.tr("Region / facility"), self.tr("Code")])
        self.tree.setColumnWidth(0, 400)
        officer_label = QLabel(self.tr("&Officer's name:"), self)
        self.officer = QLineEdit(self)
        self.officer.setObjectName("officerName")
        self.officer.setMaxLength(80)
        officer_label.setBuddy(self.officer)
        self.site_note = QLabel(self)
        self.site_note.setObjectName("firstRunSiteNote")
        self.site_note.setWordWrap(True)
        self.site_note.hide()
        self.problem = QLabel(self)
        named(self.problem, "firstRunProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.filter)
        column.addWidget(self.tree, 1)
        column.addWidget(self.site_note)
        column.addWidget(officer_label)
        column.addWidget(self.officer)
        column.addWidget(self.problem)
        column.addWidget(self.buttons)

        self._items: dict[str, QTreeWidgetItem] = {}
        self._fill()
        self.filter.textChanged.connect(self.apply_filter)
        self.tree.itemSelectionChanged.connect(self._update)
        self.officer.textChanged.connect(self._update)
        self.officer.setText(store.get_setting(OFFICER, "") or "")
        current = store.get_setting(FACILITY)
        if site is not None and site.facility in self._items:
            current = self.site_facility = site.facility
        if current in self._items:
            self.tree.setCurrentItem(self._items[current])
        self._update()
        self.filter.setFocus()
        if self.site_facility is not None:
            self._preset(site)

    def _preset(self, site: Any) -> None:
        """The site file names the facility: the officer only types their name; when the site
        file locks the settings the choice cannot be changed here."""
        source = str(site.source) if site.source is not None else "site.toml"
        if site.locked:
            self.filter.setEnabled(False)
            self.tree.setEnabled(False)
            note = self.tr("The facility is set by your IT staff (%1).")
        else:
            note = self.tr(
                "Preset by your IT staff (%1). You may choose another one; Kabar starts with "
                "the preset one again next time."
            )
        self.site_note.setText(note.replace("%1", source))
        self.site_note.show()
        self.tree.scrollToItem(self._items[self.site_facility or ""])
        self.officer.setFocus()

    def show_setup_code(self) -> None:
        from desktop.setupcode import SetupCodeDialog

        dialog = SetupCodeDialog(self.store, site=self.site, parent=self)
        dialog.applied.connect(self._on_setup_applied)
        self.setup_dialog = dialog
        dialog.open()

    def _on_setup_applied(self, redemption: Any) -> None:
        """The code's facility (now in the list) is chosen; the officer only types a name."""
        from urllib.parse import urlsplit

        self.tree.clear()
        self._items.clear()
        self._fill()
        code = self.site_facility or redemption.facility_code
        if code in self._items:
            self.filter.clear()
            self.tree.setCurrentItem(self._items[code])
            self.tree.scrollToItem(self._items[code])
        self.site_note.setText(
            self.tr("Set by the setup code: server %1, %2. Type your name; you log in next.")
            .replace("%1", urlsplit(redemption.server_url).netloc)
            .replace("%2", redemption.facility_name)
        )
        self.site_note.show()
        self._update()
        self.officer.setFocus()

    def _fill(self) -> None:
        units = self.store.org_units()
        children: dict[str | None, list[Any]] = {}
        for unit in units:
            children.setdefault(unit.parent_code or None, []).append(unit)

        def add(parent: QTreeWidgetItem | None, unit: Any) -> None:
            item = QTreeWidgetItem([unit.name, unit.code])
            item.setData(0, CODE_ROLE, unit.code)
            item.setData(1, CODE_ROLE, unit.level)
            if unit.level not in SELECTABLE_LEVELS:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a region: not a facility to choose
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            self._items[unit.code] = item
            for child in sorted(children.get(unit.code, []), key=lambda u: u.name):
                add(item, child)

        known = {u.code for u in units}
        roots = [u for u in units if not u.parent_code or u.parent_code not in known]
        for unit in sorted(roots, key=lambda u: u.name):
            add(None, unit)
        self.tree.expandAll()

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()

        def visit(item: QTreeWidgetItem) -> bool:
            shown_child = False
            for i in range(item.childCount()):
                shown_child = visit(item.child(i)) or shown_child
            hit = not needle or needle in item.text(0).lower() or needle in item.text(1).lower()
            visible = hit or shown_child
            item.setHidden(not visible)
            return visible

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))
        if needle:  # select the first matching puskesmas so Enter is enough
            for code, item in self._items.items():
                if not item.isHidden() and item.data(1, CODE_ROLE) in SELECTABLE_LEVELS:
                    self.tree.setCurrentItem(self._items[code])
                    break

    def selected_code(self) -> str | None:
        items = [i for i in self.tree.selectedItems() if not i.isHidden()]
        if not items or items[0].data(1, CODE_ROLE) not in SELECTABLE_LEVELS:
            return None
        return str(items[0].data(0, CODE_ROLE))

    def problem_text(self) -> str:
        if self.selected_code() is None:
            return self.tr("Choose a puskesmas in the list.")
        if not self.officer.text().strip():
            return self.tr("Type the officer's name.")
        return ""

    def _update(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem_text():
            self._update()
            return
        code = self.selected_code()
        assert code is not None
        name = self._items[code].text(0)
        officer = " ".join(self.officer.text().split())
        self.store.set_setting(FACILITY, code)
        self.store.set_setting(OFFICER, officer)
        super().accept()
        self.accepted_choice.emit(code, name, officer)
