"""Suite-wide settings: Qt runs headless; every test gets its own temporary data."""

import os
import tempfile

# Set before any Qt import so pytest-qt's QApplication is created offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The machine's own site.toml (/etc/xdg/Kabar) must never steer a test: search a folder that
# does not exist unless a test says otherwise (sync.siteconfig.ENV_DIR).
os.environ.setdefault(
    "KABAR_SITE_CONFIG_DIR", os.path.join(os.path.dirname(__file__), "no-site-config-here")
)

# Apps started by tests (subprocesses too) log here, never into the developer's own log folder.
os.environ.setdefault("KABAR_LOG_DIR", os.path.join(tempfile.gettempdir(), "kabar-test-logs"))
