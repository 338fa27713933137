"""The certificate pin a setup code left in the store, for the transport options of requests
to that same server (no Qt: called on the sync worker)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from desktop.settings_keys import TLS_PIN_SERVER, TLS_PIN_SHA256


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url.strip())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def pin_for(store: Any, url: str | None) -> str | None:
    """The pinned fingerprint for ``url``'s server (https only), or None."""
    if not url:
        return None
    pin = store.get_setting(TLS_PIN_SHA256)
    server = store.get_setting(TLS_PIN_SERVER)
    if not pin or not server or _origin(url)[0] != "https":
        return None
    return str(pin) if _origin(server) == _origin(url) else None


def with_pin(store: Any, url: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` plus ``pin_sha256`` when this store pins ``url``'s certificate."""
    pin = pin_for(store, url)
    return {**options, "pin_sha256": pin} if pin else options
