"""The PySide6 desktop app: windows, dialogs, workers, translations. The only Qt user."""
