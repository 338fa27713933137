"""First run (and "change facility"): choose the puskesmas from the hierarchy, name the officer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings_keys import FACILITY, OFFICER
from desktop.style import named

SELECTABLE_LEVEL = "puskesmas"
CODE_ROLE = Qt.ItemDataRole.UserRole


class FirstRunDialog(QDialog):
    """Saves the choice in the store's settings on OK and emits ``accepted_choice``."""

    accepted_choice = Signal(str, str, str)  # facility code, facility name, officer

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        column.addWidget(self.filter)
        column.addWidget(self.tree, 1)
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
        if current in self._items:
            self.tree.setCurrentItem(self._items[current])
        self._update()
        self.filter.setFocus()

    def _fill(self) -> None:
        units = self.store.org_units()
        children: dict[str | None, list[Any]] = {}
        for unit in units:
            children.setdefault(unit.parent_code or None, []).append(unit)

        def add(parent: QTreeWidgetItem | None, unit: Any) -> None:
            item = QTreeWidgetItem([unit.name, unit.code])
            item.setData(0, CODE_ROLE, unit.code)
            item.setData(1, CODE_ROLE, unit.level)
            if unit.level != SELECTABLE_LEVEL:
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
                if not item.isHidden() and item.data(1, CODE_ROLE) == SELECTABLE_LEVEL:
                    self.tree.setCurrentItem(self._items[code])
                    break

    def selected_code(self) -> str | None:
        items = [i for i in self.tree.selectedItems() if not i.isHidden()]
        if not items or items[0].data(1, CODE_ROLE) != SELECTABLE_LEVEL:
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
