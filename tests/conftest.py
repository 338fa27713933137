"""Suite-wide settings: Qt runs headless; every test gets its own temporary data."""

import os

# Set before any Qt import so pytest-qt's QApplication is created offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
