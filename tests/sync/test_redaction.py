"""The redactor's shortcut: text holding none of the trigger words skips the patterns, and that
must never let a secret through (the patterns themselves are tested with the diagnostics)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.redaction import MARK, Redactor, _patterns, may_hold_pattern

#: pieces of every kind of secret the patterns know, in odd cases and spacings
FRAGMENTS = [
    "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    "Authorization: Bearer abc.def",
    "proxy-authorization=xyz",
    "BEARER   tok12345",
    '"token": "s3cr3t"',
    "'Password': 'hunter2'",
    "auth.verifier=$x",
    "passwd: open",
    "PWD=1234",
    "client_secret=zz",
    "API-KEY=k1",
    "apikey: k2",
    "kata sandi: rahasia",
    "Sandi=x",
    "https://budi:rahasia@example.org/",
    "ftp://u:p@h",
    # look-alikes that case-insensitive regexes treat as letters of the key words
    "TOKEN=ſecret",
    "paſſword=x",
    "Kelvin \u212a api_key=x",
    "İ token=1",
]
NOISE = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


def apply_patterns(text: str) -> str:
    for pattern, replacement in _patterns():
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), NOISE), max_size=6))
def test_text_without_a_trigger_is_never_changed_by_the_patterns(parts: list[str]) -> None:
    text = " ".join(parts)
    if not may_hold_pattern(text):
        assert apply_patterns(text) == text


def test_every_fragment_is_seen_and_redacted() -> None:
    for fragment in FRAGMENTS:
        assert may_hold_pattern(fragment), fragment
        assert MARK in Redactor().redact(fragment), fragment


def test_plain_qt_warnings_skip_the_patterns() -> None:
    for line in (
        "This plugin does not support propagateSizeHints()",
        "QFont::setPointSizeF: Point size <= 0 (0.000000), must be greater than 0",
    ):
        assert not may_hold_pattern(line)
        assert Redactor().redact(line) == line


def test_literals_are_still_redacted_without_a_trigger() -> None:
    redactor = Redactor(["Siti Aminah"])
    assert redactor.redact("saved by Siti Aminah") == f"saved by {MARK}"
