"""Static resources: translations, icons and small hand-made demo data."""

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
TRANSLATIONS_DIR = RESOURCES_DIR / "translations"
DEMO_DIR = RESOURCES_DIR / "demo"
ICONS_DIR = RESOURCES_DIR / "icons"
