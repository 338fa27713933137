"""App versions: numeric comparison, what the engine keeps of the server's latest/minimum, the
426 refusal keeping the outbox until the app is updated, and ``serve --app-latest/-minimum``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from server.settings import APP_LATEST_ENV, APP_MINIMUM_ENV, Settings
from sync.appversion import (
    APP_LATEST_KEY,
    APP_MINIMUM_KEY,
    advertised,
    is_newer,
    version_key,
)
from sync.protocol import REASONS
from tests.server.conftest import LiveServer
from tests.sync.support import Device, server_cells


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("0.10.0", "0.9.0"),
        ("0.9.10", "0.9.9"),
        ("1.0", "0.99.99"),
        ("1.2.0", "1.2.0rc1"),
        ("1.2.0", "1.2.0-beta"),
        ("1.2.0.post1", "1.2.0"),
        ("1.2.0+3", "1.2.0"),
        ("1.2.1a1", "1.2.0"),
        ("v2.0.0", "1.9.9"),
    ],
)
def test_versions_compare_as_numbers(newer: str, older: str) -> None:
    assert is_newer(newer, older)
    assert not is_newer(older, newer)


def test_equal_and_unreadable_versions_are_not_newer() -> None:
    assert version_key("1.2") == version_key("1.2.0") == version_key("1.2.0.0")
    assert not is_newer("1.2.0", "1.2")
    assert not is_newer("", "0.1.0") and not is_newer(None, "0.1.0")
    assert not is_newer("latest", "0.1.0") and not is_newer("0.2.0", "dev build")


def test_advertised_tolerates_odd_metadata() -> None:
    assert advertised({"app": {"latest": "0.3.0", "minimum": "0.2.0"}}) == ("0.3.0", "0.2.0")
    assert advertised({"app": {"latest": 3, "minimum": "soon"}}) == (None, None)
    assert advertised({"app": "0.3.0"}) == (None, None)
    assert advertised({}) == (None, None)


def _server(seeded_url: str, factory: Callable[..., LiveServer], **versions: str) -> LiveServer:
    from tests.server.test_sync_support import publish_builtin_forms

    publish_builtin_forms(seeded_url)
    return factory(seeded_url, Settings(**versions))


def test_the_engine_keeps_what_the_server_advertises_and_follows_changes(
    seeded_url: str, live_server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = _server(seeded_url, live_server_factory, app_latest="0.1.0", app_minimum="0.1.0")
    ani = Device(tmp_path / "ani", server.url, "ani", app_version="0.1.0")
    try:
        assert ani.store.get_setting(APP_LATEST_KEY) == "0.1.0"  # from the login's metadata
        assert ani.store.get_setting(APP_MINIMUM_KEY) == "0.1.0"
        assert ani.sync_ok().app_latest == "0.1.0"
        # The province restarts the server with a newer latest: the digest on the next reply
        # changes, the client fetches the metadata again and keeps the new numbers.
        context: Any = server.app.state.kabar
        object.__setattr__(context, "settings", Settings(app_latest="0.10.0", app_minimum="0.1.0"))
        ani.save({"suspek_baru": 2})
        report = ani.sync_ok()
        assert report.app_latest == "0.10.0"
        assert ani.store.get_setting(APP_LATEST_KEY) == "0.10.0"
        assert is_newer(report.app_latest, "0.9.0")
    finally:
        ani.close()


def test_below_the_minimum_nothing_is_lost_and_the_update_sends_everything(
    seeded_url: str, live_server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = _server(seeded_url, live_server_factory, app_latest="0.3.0", app_minimum="0.3.0")
    # Logged in while the app was still allowed (login itself is never refused).
    ani = Device(tmp_path / "ani", server.url, "ani", app_version="0.2.9")
    try:
        ani.save({"suspek_baru": 4})
        ani.save({"suspek_baru": 5, "sembuh": 1}, period=ani_day(1))
        report = ani.sync()
        assert report.app_too_old and not report.finished and not report.needs_login
        assert report.problem == REASONS["app_too_old"]
        assert "tetap tersimpan" in report.problem.id  # nothing is lost, in plain words
        assert ani.store.outbox_count() == 2 and ani.store.sync_summary().unsent == 2
        assert server_cells(server) == {}
        assert ani.sync().app_too_old  # again: still refused, still kept
        assert ani.store.outbox_count() == 2
    finally:
        ani.close()
    updated = Device(tmp_path / "ani", server.url, "ani", app_version="0.3.0", login=False)
    try:
        updated.login()  # the same store and account; a new app, as after an update
        report = updated.sync_ok()
        assert report.pushed == 2 and updated.store.outbox_count() == 0
        assert server_cells(server) == {"suspek_baru": "4"}
        assert server_cells(server, period=ani_day(1)) == {"suspek_baru": "5", "sembuh": "1"}
    finally:
        updated.close()


def ani_day(offset: int) -> Any:
    from datetime import timedelta

    from tests.sync.support import DAY

    return DAY - timedelta(days=offset)


# -- kabar-server serve --app-latest/--app-minimum -------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """``serve`` up to uvicorn.run, which only records the app it was given."""
    import uvicorn

    from server.db import migrate

    url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    seen: dict[str, Any] = {"url": url}
    # serve writes these for its worker processes: set (empty = unset) so they are restored
    monkeypatch.setenv(APP_LATEST_ENV, "")
    monkeypatch.setenv(APP_MINIMUM_ENV, "")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, kw=kw))
    return seen


def test_serve_advertises_the_versions_it_is_given(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from server.cli import main

    code = main(
        ["serve", "--db", served["url"], "--app-latest", "0.10.0", "--app-minimum", "0.9.2"]
    )
    assert code == 0
    settings = served["app"].state.kabar.settings
    assert (settings.app_latest, settings.app_minimum) == ("0.10.0", "0.9.2")
    # further worker processes read them from the environment
    assert os.environ[APP_LATEST_ENV] == "0.10.0" and os.environ[APP_MINIMUM_ENV] == "0.9.2"
    assert "latest 0.10.0, minimum 0.9.2" in capsys.readouterr().err


def test_serve_takes_the_versions_from_the_environment(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.cli import main

    monkeypatch.setenv(APP_LATEST_ENV, "1.4.0")
    monkeypatch.setenv(APP_MINIMUM_ENV, "1.1.0")
    assert main(["serve", "--db", served["url"]]) == 0
    settings = served["app"].state.kabar.settings
    assert (settings.app_latest, settings.app_minimum) == ("1.4.0", "1.1.0")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--app-latest", "terbaru"], "must start with a number"),
        (["--app-minimum", "x1"], "must start with a number"),
        (["--app-latest", "0.9.0", "--app-minimum", "0.10.0"], "above the latest"),
    ],
)
def test_serve_refuses_versions_that_make_no_sense(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    from server.cli import main

    assert main(["serve", "--db", served["url"], *args]) == 2
    assert words in capsys.readouterr().err
    assert "app" not in served  # the server did not start
