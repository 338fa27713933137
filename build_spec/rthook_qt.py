"""Run-time hook of both bundles, in place of PyInstaller's pyi_rth_pyside6: the same Qt
environment, without importing PySide6 at process start.

PyInstaller's hook imports PySide6.QtCore (about 60 ms) to add a qt.conf that PySide6 wheels
already embed; in Kabar that import then ran before the launcher could start opening the store
on its thread, which is meant to overlap it. The smoke test proves Qt still finds its plugins.
"""

import os
import sys

_qt = os.path.join(sys._MEIPASS, "PySide6")  # type: ignore[attr-defined] - set by PyInstaller
if not sys.platform.startswith("win"):
    _qt = os.path.join(_qt, "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
os.environ["QML2_IMPORT_PATH"] = os.path.join(_qt, "qml")
if sys.platform.startswith("win"):
    # as PyInstaller's hook: QtNetwork finds OpenSSL DLLs collected next to the program
    os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")  # type: ignore[attr-defined]
del _qt
