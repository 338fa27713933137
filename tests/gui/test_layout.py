"""What a person sees at 1366×768: columns that line up, in either language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

pytestmark = pytest.mark.gui


def _column_x(view, attr: str) -> set[int]:  # type: ignore[no-untyped-def]
    body = view.widget()
    return {
        getattr(fe, attr).mapTo(body, QPoint(0, 0)).x()
        for fe in view.edits.values()
        if getattr(fe, attr) is not None and getattr(fe, attr).isVisibleTo(body)
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_edits_and_units_line_up_in_every_section(kabar, qtbot, lang) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.conftest import prepare_data_dir

    prepare_data_dir(kabar.data_dir)
    window = kabar.start().window
    window.resize(1366, 740)
    window.session.translations.install(lang)
    for index, view in enumerate(window.views):
        window.tabs.setCurrentIndex(index)
        assert view.built
        # Sections hold different mixes of rows (with and without "salin dari kemarin"
        # buttons, short and long units); each column must still start at one x.
        for attr in ("editor", "unit", "message"):
            qtbot.waitUntil(lambda a=attr, v=view: len(_column_x(v, a)) == 1, timeout=2000)
