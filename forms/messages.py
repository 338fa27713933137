"""Rule message templates: ``{field_code}`` / ``{prev(field_code)}`` placeholders, filled safely.

Templates are never passed to ``str.format`` (which would allow ``{x.__class__}`` tricks); a
small scanner replaces only names the form declares. ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholders(template: str) -> list[str]:
    """The placeholder names in ``template`` in order; ``ValueError`` on a stray brace."""
    names = []
    for m in _TOKEN.finditer(template):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        if m.group(1) is None:
            raise ValueError(
                f"unmatched {token!r} at character {m.start() + 1}; write {token * 2} "
                "for a literal brace"
            )
        names.append(m.group(1).strip())
    return names


def fill(template: str, value_of: Callable[[str], str]) -> str:
    """Replace each ``{name}`` by ``value_of(name)``; ``{{``/``}}`` become single braces."""

    def replace(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if m.group(1) is None:
            return token  # refused at load time; shown as is rather than crashing
        return value_of(m.group(1).strip())

    return _TOKEN.sub(replace, template)


def escape(text: str) -> str:
    """Make ``text`` (e.g. a label) safe to embed in a template."""
    return text.replace("{", "{{").replace("}", "}}")


_PREV = re.compile(r"prev\(\s*([a-z][a-z0-9_]*)\s*\)")


def split_prev(name: str) -> tuple[str, bool]:
    """``"prev(x)"`` -> ``("x", True)``; ``"x"`` -> ``("x", False)``."""
    m = _PREV.fullmatch(name)
    return (m.group(1), True) if m else (name, False)
