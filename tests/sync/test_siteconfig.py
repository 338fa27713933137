"""site.toml: where it is looked for, what it may say, how a broken one is reported (file, line,
"did you mean"), and the transport's proxy option it feeds."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.siteconfig import (
    ENV_DIR,
    SiteConfig,
    SiteConfigError,
    clean_server_url,
    default_search_dirs,
    load_site_config,
    parse_site_file,
)
from sync.transport import Transport
from tests.sync.test_transport import Script, _serve

PEM = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = base64.b64encode(bytes(range(32))).decode()


def write(folder: Path, text: str, name: str = "site.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> SiteConfigError:
    with pytest.raises(SiteConfigError) as info:
        load_site_config(path)
    return info.value


def test_no_file_anywhere_means_nothing_is_set(tmp_path: Path) -> None:
    site = load_site_config(None, [tmp_path / "a", tmp_path / "b"])
    assert site == SiteConfig()
    assert not site.sets_anything and not site.locked and site.source is None


def test_a_full_file_is_read_and_cleaned(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "prov.pem").write_bytes(PEM)
    path = write(
        tmp_path,
        f"""# set by Dinas Kesehatan IT
server_url = "https://kabar.kaltimprov.go.id/"
facility = "P6408040201"
ca_file = "certs/prov.pem"
proxy = "http://user:pw@proxy.dinkes.local:3128"
locked = true
provision_keys = ["{KEY}"]
""",
    )
    site = load_site_config(path)
    assert site.server_url == "https://kabar.kaltimprov.go.id"  # the trailing slash goes
    assert site.facility == "P6408040201"
    # relative to the site file's folder, not to wherever the app was started from
    assert site.ca_file == str((tmp_path / "certs" / "prov.pem").resolve())
    assert site.proxy == "http://user:pw@proxy.dinkes.local:3128"
    assert site.locked is True
    assert site.provision_keys == (KEY,)
    assert site.source == path and site.problem is None and site.sets_anything


def test_a_byte_order_mark_from_notepad_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b'\xef\xbb\xbfserver_url = "http://10.0.0.5:8000"\n')
    assert load_site_config(path).server_url == "http://10.0.0.5:8000"


def test_an_explicit_file_that_is_missing_is_an_error_naming_it(tmp_path: Path) -> None:
    error = error_of(tmp_path / "nope.toml")
    assert str(tmp_path / "nope.toml") in error.message
    assert "tidak ditemukan" in error.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('server_url = "https://a.id"\nfacilty = "P1"\n', 2, ["'facilty'", "'facility'?"]),
        ("\n\nlocked = yes\n", 3, ["bukan TOML yang sah"]),
        ('server_url = "ftp://a.id"\n', 1, ["http:// atau https://", "ftp://a.id"]),
        ('server_url = "https://"\n', 1, ["http:// atau https://"]),
        ('server_url = "https://a.id:port"\n', 1, ["http:// atau https://"]),
        ("\nserver_url = 12\n", 2, ["harus teks"]),
        ('facility = ""\n', 1, ["kosong"]),
        ('facility = "P 64"\n', 1, ["tanpa spasi"]),
        ('locked = "true"\n', 1, ["true atau false"]),
        ('proxy = "socks5://p:1080"\n', 1, ["SOCKS belum didukung"]),
        ('proxy = "proxy.local:3128"\n', 1, ["http://host:port"]),
        ('provision_keys = "abc"\n', 1, ["daftar teks"]),
        ('provision_keys = ["bm90IDMyIGJ5dGVz"]\n', 1, ["Ed25519"]),
        ('ca_file = "missing.pem"\n', 1, ["tidak bisa dibaca", "missing.pem"]),
        ('[server]\nurl = "https://a.id"\n', 1, ["'server'", "'server_url'?"]),
    ],
)
def test_each_mistake_names_the_file_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int, words: list[str]
) -> None:
    path = write(tmp_path, text)
    error = error_of(path)
    assert error.path == path and error.line == line
    assert f"{path}, baris {line}:" in error.message
    for word in words:
        assert word in error.message


def test_a_ca_file_that_is_not_pem_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ca.der").write_bytes(b"\x30\x82\x01\x0a")
    error = error_of(write(tmp_path, 'ca_file = "ca.der"\n'))
    assert "bukan sertifikat PEM" in error.message


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b'server_url = "http://a.id"\nfacility = "P\xe964"\n')
    error = error_of(path)
    assert error.line == 2 and "UTF-8" in error.message


def test_a_broken_file_found_by_searching_locks_the_server_and_says_why(tmp_path: Path) -> None:
    write(tmp_path / "machine", 'server_url = "https://a.id"\nlocked = flase\n')
    site = load_site_config(None, [tmp_path / "machine"])
    # Nothing from a half-read file is trusted, but officers may not re-point the app either.
    assert site.locked and site.server_url is None and site.facility is None
    assert site.source == tmp_path / "machine" / "site.toml"
    assert site.problem is not None and site.problem.line == 2


def test_the_first_folder_holding_a_file_wins_and_files_are_not_merged(tmp_path: Path) -> None:
    write(tmp_path / "machine", 'server_url = "https://machine.id"\n')
    write(tmp_path / "exe", 'server_url = "https://exe.id"\nfacility = "P1"\n')
    site = load_site_config(None, [tmp_path / "none", tmp_path / "machine", tmp_path / "exe"])
    assert site.server_url == "https://machine.id" and site.facility is None
    assert load_site_config(None, [tmp_path / "exe"]).facility == "P1"


def test_the_environment_variable_replaces_the_search_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "trial"))
    assert default_search_dirs() == [tmp_path / "trial"]
    write(tmp_path / "trial", 'facility = "P6408040201"\n')
    assert load_site_config(None).facility == "P6408040201"


def test_default_folders_machine_first_then_the_bundle_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.delenv(ENV_DIR, raising=False)
    machine = Path(platformdirs.site_config_dir("Kabar", appauthor=False))
    assert default_search_dirs() == [machine]  # not frozen: no executable folder
    exe = tmp_path / "Programs" / "Kabar" / "kabar.exe"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    assert default_search_dirs() == [machine, exe.parent.resolve()]


def test_clean_server_url_rule() -> None:
    assert clean_server_url(" https://a.id/ ") == "https://a.id"
    assert clean_server_url("http://10.1.2.3:8000/kabar/") == "http://10.1.2.3:8000/kabar"
    for bad in ("a.id", "ftp://a.id", "https://", "http://a.id:99999", "javascript:alert(1)"):
        assert clean_server_url(bad) is None, bad


def test_parse_site_file_on_an_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(SiteConfigError) as info:
        parse_site_file(tmp_path)  # a folder: cannot be read as a file
    assert "tidak bisa dibaca" in info.value.message


# -- the proxy option it feeds -------------------------------------------------------------


@pytest.fixture
def proxy_url() -> Iterator[tuple[Script, str]]:
    script = Script()
    for url in _serve(script):
        yield script, url


def test_the_site_proxy_carries_every_request(
    proxy_url: tuple[Script, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, proxy = proxy_url
    # A system proxy that does not exist: the site's one must win over it.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "kabar.invalid")
    t = Transport("http://kabar.invalid", token="t", app_version="0.5.0", proxy=proxy, attempts=1)
    try:
        assert t.metadata() == {"ok": 1}
    finally:
        t.close()
    # absolute-form request line: it went through the proxy, to the server named in the URL
    assert script.seen[0].path.startswith("http://kabar.invalid/")
    assert script.seen[0].headers["X-Kabar-App"] == "0.5.0"


def test_without_a_site_proxy_the_system_proxy_is_used_as_before(
    proxy_url: tuple[Script, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, proxy = proxy_url
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    t = Transport("http://kabar.invalid", token="t", app_version="0.5.0", attempts=1)
    try:
        assert t.metadata() == {"ok": 1}
    finally:
        t.close()
    assert script.seen[0].path.startswith("http://kabar.invalid/")


def test_no_site_file_costs_no_parser_import() -> None:
    """Start-up is sacred: without a site.toml nothing but a stat per folder happens."""
    import subprocess

    code = (
        "import sys; from pathlib import Path; from sync.siteconfig import load_site_config; "
        "load_site_config(None, [Path('/nonexistent/kabar')]); "
        "print(','.join(m for m in ('tomllib', 'difflib', 'base64', "
        "'platformdirs') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_a_locked_site_file_cannot_be_undone_by_another_config(tmp_path: Path) -> None:
    machine = write(tmp_path / "machine", 'server_url = "https://prov.go.id"\nlocked = true\n')
    mine = write(tmp_path / "mine", 'server_url = "https://evil.example"\n')
    with pytest.raises(SiteConfigError) as info:
        load_site_config(mine, [tmp_path / "machine"])
    assert info.value.path == mine and str(machine) in info.value.message
    assert "dikunci" in info.value.message
    # the locked file itself may be named; an unlocked one gives way to --config
    assert load_site_config(machine, [tmp_path / "machine"]).locked
    write(tmp_path / "open", 'server_url = "https://prov.go.id"\n')
    assert load_site_config(mine, [tmp_path / "open"]).server_url == "https://evil.example"


def test_a_broken_standard_file_also_refuses_another_config(tmp_path: Path) -> None:
    write(tmp_path / "machine", "locked = tru\n")
    mine = write(tmp_path / "mine", 'server_url = "https://evil.example"\n')
    with pytest.raises(SiteConfigError):
        load_site_config(mine, [tmp_path / "machine"])


def test_the_installed_bundle_ignores_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "mine"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "Kabar" / "kabar.exe"))
    dirs = default_search_dirs()
    assert tmp_path / "mine" not in dirs and dirs[-1] == (tmp_path / "Kabar").resolve()


def test_the_launcher_leaves_the_site_file_to_the_store_thread() -> None:
    """``desktop.launcher`` is imported before the store-opening thread starts: the site file
    machinery (and dataclasses, which it needs) must not delay that thread."""
    import subprocess

    code = (
        "import sys, desktop.launcher; "
        "print(','.join(m for m in ('sync.siteconfig', 'tomllib', 'dataclasses') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
