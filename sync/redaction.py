"""Secrets out of text before it is written to a log or put in a diagnostics file: header and
key=value patterns, JSON fields, argon2 hashes, URL passwords, and literal values (tokens, names).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable

__all__ = ["MARK", "Redactor"]

#: what a secret is replaced with (the log stays readable: IT sees that something was there)
MARK = "[DISEMBUNYIKAN]"

_MARK_RE = re.escape(MARK)
#: key names whose values are secrets wherever they appear (token=…, "password": "…", …)
_KEY = (
    r"[A-Za-z_.-]*(?:token|password|passwd|pwd|secret|verifier|api[_-]?key|"
    r"kata[_ ]?sandi|sandi)"
)


#: every pattern below needs one of these in the text (compared case-folded): text with none of
#: them cannot match, so the patterns are neither compiled nor run for it (a Qt warning at
#: start-up would otherwise cost ~4 ms of compiling)
_TRIGGERS = (
    "$argon2",
    "authorization",
    "bearer",
    "token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "verifier",
    "api",
    "sandi",
    "://",
)


def may_hold_pattern(text: str) -> bool:
    """False when no pattern of ``_patterns`` can match ``text``."""
    folded = text.casefold()
    return any(trigger in folded for trigger in _TRIGGERS)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled when first needed, not at import: the app imports this on its start-up path.
    return (
        # an argon2 verifier wherever it appears (first: its commas would end a key=value match)
        (re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+"), MARK),
        # Authorization: Bearer abc / 'Authorization': 'Basic abc' / authorization=…
        (
            re.compile(r"""(?i)\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)[^"'\r\n,}]*"""),
            rf"\1\2{MARK}",
        ),
        (re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{4,}"), rf"\1\2{MARK}"),
        # "token": "…" (JSON) and 'password': '…' (a Python repr); the value up to its closing quote
        (
            re.compile(rf"""(?i)(["'])({_KEY})\1(\s*:\s*)(["'])(?:\\.|(?!\4).)*\4"""),
            rf"\1\2\1\3\4{MARK}\4",
        ),
        # token=…, password: …, auth.verifier=… (query strings, log lines, repr of keyword args)
        (
            re.compile(
                rf"""(?i)\b({_KEY})(\s*[=:]\s*)(?!\s|{_MARK_RE})(["']?)[^\s&;,"'){{}}\]]+\3"""
            ),
            rf"\1\2\3{MARK}\3",
        ),
        # https://user:password@host
        (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), rf"\1{MARK}@"),
    )


#: shorter literal values are not replaced (they would blank out ordinary words)
MIN_LITERAL = 3


class Redactor:
    """Replaces secret patterns and registered literal values (thread-safe; values can be added
    at any time, e.g. when the app reads the device token or learns the officer's name)."""

    def __init__(self, literals: Iterable[str | None] = (), home: str | None = None) -> None:
        self._lock = threading.Lock()
        self._literals: set[str] = set()
        self._literal_re: re.Pattern[str] | None = None
        self._home = home.rstrip("/\\") if home and len(home.rstrip("/\\")) > 1 else None
        self.add(*literals)

    def add(self, *values: str | None) -> None:
        """Register literal secrets (None and values too short to redact are skipped)."""
        found = {v.strip() for v in values if v and len(v.strip()) >= MIN_LITERAL}
        # A name is also matched word by word ("Siti Aminah" → "Siti", "Aminah").
        for value in list(found):
            found.update(p for p in re.split(r"\s+", value) if len(p) >= 4)
        with self._lock:
            if found <= self._literals:
                return
            self._literals |= found
            ordered = sorted(self._literals, key=len, reverse=True)  # longest first
            alternatives = "|".join(re.escape(v) for v in ordered)
            # Whole words only: the username "ani" must not blank out "organisasi".
            self._literal_re = re.compile(rf"(?i)(?<![\w]){'(?:' + alternatives + ')'}(?![\w])")

    @property
    def literals(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._literals)

    def __call__(self, text: str) -> str:
        return self.redact(text)

    def redact(self, text: str) -> str:
        if self._home:
            # The home folder is usually named after the person (C:\Users\siti.aminah).
            text = text.replace(self._home, "~")
            if "\\" in self._home:
                text = text.replace(self._home.replace("\\", "\\\\"), "~")
        with self._lock:
            literal_re = self._literal_re
        if literal_re is not None:
            text = literal_re.sub(MARK, text)
        if may_hold_pattern(text):
            for pattern, replacement in _patterns():
                text = pattern.sub(replacement, text)
        return text
