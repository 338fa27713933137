"""App version numbers compared as numbers (0.10.0 is newer than 0.9.0), shared by the client's
"new version" notice and the server's settings; the latest/minimum the server last advertised."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: store settings written by the engine from the server's metadata ``app`` (desktop reads them)
APP_LATEST_KEY = "app.latest"
APP_MINIMUM_KEY = "app.minimum"

_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(.*)$")
#: after the numbers, these mean "later than the plain release" (0.5.0.post1, 0.5.0+build3)
_AFTER_RELEASE = ("+", ".post", "-post", "post")


def version_key(text: str) -> tuple[tuple[int, ...], int, str] | None:
    """A sortable key for ``text``; None when it does not start with a number.

    1.2 == 1.2.0; a pre-release suffix (1.2.0rc1, 1.2.0-beta) sorts before the release, a
    post/build one (1.2.0.post1, 1.2.0+3) after it."""
    match = _VERSION.match(text)
    if match is None:
        return None
    numbers = [int(p) for p in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    suffix = match.group(2).strip().lower()
    if not suffix:
        rank = 1
    elif suffix.startswith(_AFTER_RELEASE):
        rank = 2
    else:
        rank = 0
    return tuple(numbers), rank, suffix


def is_version(text: str) -> bool:
    return version_key(text) is not None


def is_newer(candidate: str | None, current: str) -> bool:
    """``candidate`` is a later version than ``current`` (False when either is unreadable)."""
    if not candidate:
        return False
    a, b = version_key(candidate), version_key(current)
    return a is not None and b is not None and a > b


def advertised(metadata: Any) -> tuple[str | None, str | None]:
    """(latest, minimum) from a metadata document's ``app``; None for what is missing or not a
    version (an old or odd server must not break a sync)."""
    app = metadata.get("app") if isinstance(metadata, Mapping) else None
    if not isinstance(app, dict):
        return None, None

    def one(name: str) -> str | None:
        value = app.get(name)
        if isinstance(value, str) and is_version(value):
            return value.strip()[:40]
        return None

    return one("latest"), one("minimum")
