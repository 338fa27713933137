"""The .ts files are complete, current with the code, consistent in placeholders, and they build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import resources

TS_DIR = resources.TRANSLATIONS_DIR
ROOT = TS_DIR.parent.parent
BIN = Path(sys.executable).parent
TS_FILES = sorted(TS_DIR.glob("*.ts"))
PLACEHOLDER = re.compile(r"%\d+|%n|\{[a-z_]+\}")


def messages(path: Path) -> list[tuple[str, ET.Element]]:
    out = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        out.extend((name, m) for m in context.iter("message"))
    return out


def accelerators(text: str) -> int:
    return len(re.findall(r"&(?!&)", text.replace("&&", "")))


def lupdate_cmd(ts: Path) -> list[str]:
    sources = sorted(str(p) for p in (ROOT / "desktop").glob("*.py"))
    lupdate = str(BIN / "pyside6-lupdate")
    return [lupdate, "-locations", "none", "-no-obsolete", *sources, "-ts", str(ts)]


def test_both_translation_files_exist() -> None:
    names = {p.name for p in TS_FILES}
    assert {"kabar_id.ts", "qtbase_id.ts"} <= names


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_every_entry_is_finished_and_current(ts: Path) -> None:
    problems = []
    for context, message in messages(ts):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None, (context, source)
        kind = translation.get("type")
        if kind in ("unfinished", "obsolete", "vanished") or not (translation.text or "").strip():
            problems.append(f"{context}: {source!r} is {kind or 'empty'}")
    assert problems == []


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_placeholders_and_accelerators_match(ts: Path) -> None:
    problems = []
    for context, message in messages(ts):
        source = message.findtext("source") or ""
        target = message.findtext("translation") or ""
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
            problems.append(f"{context}: placeholders differ in {source!r} -> {target!r}")
        if accelerators(source) != accelerators(target):
            problems.append(f"{context}: accelerators differ in {source!r} -> {target!r}")
    assert problems == []


def test_menu_accelerators_are_unique_in_indonesian() -> None:
    ts = TS_DIR / "kabar_id.ts"
    by_source = {m.findtext("source"): m.findtext("translation") or "" for _, m in messages(ts)}
    menus = ["&File", "&Entry", "&View", "&Language", "&Help"]
    keys = [re.search(r"&(\w)", by_source[m]).group(1).lower() for m in menus]  # type: ignore[union-attr]
    assert len(set(keys)) == len(keys), keys


def test_kabar_ts_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    original = TS_DIR / "kabar_id.ts"
    copy = tmp_path / "kabar_id.ts"
    shutil.copy(original, copy)
    result = subprocess.run(lupdate_cmd(copy), capture_output=True, text=True, check=True)
    before = {(c, m.findtext("source")) for c, m in messages(original)}
    after = {(c, m.findtext("source")) for c, m in messages(copy)}
    assert after - before == set(), f"run lupdate: new strings in the code\n{result.stdout}"
    assert before - after == set(), "strings in kabar_id.ts that the code no longer uses"


def test_translations_build(tmp_path: Path) -> None:
    for ts in TS_FILES:
        qm = tmp_path / ts.with_suffix(".qm").name
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True
        )
        assert qm.stat().st_size > 100


def test_standard_buttons_are_indonesian(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.i18n import Translations

    for ts in TS_FILES:
        subprocess.run(
            [
                str(BIN / "pyside6-lrelease"),
                "-silent",
                str(ts),
                "-qm",
                str(tmp_path / (ts.stem + ".qm")),
            ],
            check=True,
        )
    translations = Translations(tmp_path)
    translations.install("id")
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        qtbot.addWidget(box)
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == "Batal"
        yes = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes)
        qtbot.addWidget(yes)
        assert yes.button(QDialogButtonBox.StandardButton.Yes).text() == "&Ya"
    finally:
        translations.uninstall()
    english = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(english)
    assert english.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
