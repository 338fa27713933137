"""The device token in the keyring (an in-memory stand-in here) and the argon2id verifier."""

from __future__ import annotations

import time
from collections.abc import Callable

import keyring
from keyring.backends import fail

from sync import credentials
from sync.engine import AUTH_VERIFIER_KEY, SERVER_URL_KEY
from tests.server.conftest import SEED_PASSWORD
from tests.sync.conftest import MemoryKeyring
from tests.sync.support import Device


def test_token_saved_loaded_deleted(memory_keyring: MemoryKeyring) -> None:
    url = "https://kabar.example.go.id"
    assert credentials.keyring_usable()
    assert credentials.load_token(url, "ani") is None
    credentials.save_token(url, "ani", "tok-1")
    assert memory_keyring.passwords == {("kabar", f"{url}|ani"): "tok-1"}
    assert credentials.load_token(url, "ani") == "tok-1"
    assert credentials.load_token(url + "/api/v1/", "ani") == "tok-1"
    assert credentials.load_token(url, "budi") is None
    credentials.delete_token(url, "ani")
    credentials.delete_token(url, "ani")  # already gone: fine
    assert credentials.load_token(url, "ani") is None


def test_the_fail_backend_is_not_usable() -> None:
    keyring.set_keyring(fail.Keyring())
    assert not credentials.keyring_usable()
    assert credentials.load_token("https://x", "ani") is None


def test_verifier_checks_the_password_and_is_quick() -> None:
    verifier = credentials.make_verifier("rahasia-123")
    assert verifier.startswith("$argon2id$") and "rahasia" not in verifier
    started = time.perf_counter()
    assert credentials.check_verifier(verifier, "rahasia-123")
    assert time.perf_counter() - started < 0.3
    assert not credentials.check_verifier(verifier, "rahasia-124")
    assert not credentials.check_verifier("not a hash", "rahasia-123")


def test_login_keeps_token_verifier_and_metadata(
    device: Callable[..., Device], memory_keyring: MemoryKeyring
) -> None:
    ani = device("ani")
    url = ani.transport.base_url
    token = credentials.load_token(url, "ani")
    assert token is not None and token == ani.transport.token
    store = ani.store
    assert store.get_setting(SERVER_URL_KEY) == url
    assert store.get_setting("auth.username") == "ani"
    assert store.get_setting("auth.name") == "Ani"
    assert store.get_setting("auth.role") == "petugas_puskesmas"
    verifier = store.get_setting(AUTH_VERIFIER_KEY)
    assert verifier is not None and credentials.check_verifier(verifier, SEED_PASSWORD)
    # Nothing secret in the data file.
    wal = store.path.with_name(store.path.name + "-wal")
    data = store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert token.encode() not in data and SEED_PASSWORD.encode() not in data
    assert {u.code for u in store.org_units()} >= {"P6408040201", "64.08.04", "64"}
    assert store.latest_form("covid19-harian") is not None
    assert store.latest_form("sumber-daya-harian") is not None
