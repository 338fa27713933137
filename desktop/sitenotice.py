"""What the windows say about the site file (site.toml): who locks the server address, and a
notice when the file could not be used as written (broken, or an unknown facility code)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def locked_by(site: Any) -> str | None:
    """The site file that fixes the server address (None: the officer may change it)."""
    if site is None or not site.locked:
        return None
    return str(site.source) if site.source is not None else "site.toml"


def site_notice(site: Any, facility: str | None) -> str:
    """What to tell the officer about ``site`` (a SiteConfig); "" when all is as written.
    ``facility``: the facility this start actually uses."""
    parts = []
    if site.problem is not None:
        parts.append(
            QCoreApplication.translate(
                "SiteNotice",
                "The site settings file from your IT staff cannot be used: %1 Until it is "
                "fixed, the server address cannot be changed here. Your figures are safe.",
            ).replace("%1", site.problem.message.rstrip(".") + ".")
        )
    elif site.facility and site.facility != facility:
        parts.append(
            QCoreApplication.translate(
                "SiteNotice",
                "The facility code %1 in the site settings file %2 is not in the list of "
                "facilities; Kabar uses %3 instead. Please tell your IT staff.",
            )
            .replace("%1", site.facility)
            .replace("%2", str(site.source))
            .replace("%3", facility or "-")
        )
    return " ".join(parts)
