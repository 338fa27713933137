"""The site's provisioning file (site.toml): server, facility, CA file, proxy, lock, setup keys.

Read once at start-up; cheap when there is no file (no tomllib import, one stat per folder).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

#: the file's name in every folder searched
FILE_NAME = "site.toml"
#: replaces the default search folders when running from source (tests); the bundle ignores it
ENV_DIR = "KABAR_SITE_CONFIG_DIR"

_KEYS = ("server_url", "facility", "ca_file", "proxy", "locked", "provision_keys")
_PROXY_SCHEMES = ("http", "https")
_PEM_MARK = b"-----BEGIN CERTIFICATE-----"


class SiteConfig(NamedTuple):
    """What the site's IT officer set; None (or empty) means "not set here: the user's own"."""

    server_url: str | None = None
    facility: str | None = None
    #: absolute path of a PEM file with extra CA certificates for the server
    ca_file: str | None = None
    #: an http(s) proxy URL used for both http and https requests (else the system proxy)
    proxy: str | None = None
    #: officers cannot change the server address
    locked: bool = False
    #: base64 Ed25519 public keys trusted to sign one-time setup codes
    provision_keys: tuple[str, ...] = ()
    #: the file these came from; None when there is none
    source: Path | None = None
    #: set when a site file was found in the search folders but could not be used: the app
    #: still opens (saved figures stay reachable) with the server locked, and shows this
    problem: SiteConfigError | None = None

    @property
    def sets_anything(self) -> bool:
        return bool(
            self.server_url or self.facility or self.ca_file or self.proxy or self.locked
        ) or bool(self.provision_keys)


class SiteConfigError(Exception):
    """A site.toml that cannot be used; ``message`` is for a person (Indonesian)."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}, baris {line}" if line else str(path)
        self.message = f"Berkas pengaturan situs {where}: {problem}"
        super().__init__(self.message)


def clean_server_url(text: str) -> str | None:
    """``text`` as a server base URL (http or https, no trailing slash); None if it is not one."""
    from urllib.parse import urlsplit

    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return url


def default_search_dirs() -> list[Path]:
    """Folders searched in order; the first holding a site.toml wins (files are not merged).

    1. ``KABAR_SITE_CONFIG_DIR`` when set, alone (tests and source checkouts only: the installed
       bundle ignores it, or an environment variable would undo a locked site file);
    2. ``platformdirs.site_config_dir("Kabar")``: C:\\ProgramData\\Kabar on Windows (all-users
       install), /etc/xdg/Kabar on Linux — written by an administrator;
    3. in a bundle (sys.frozen) the folder of the executable: a per-user Windows install writes
       its site.toml there because it cannot rely on writing ProgramData.
    """
    frozen = bool(getattr(sys, "frozen", False))
    override = os.environ.get(ENV_DIR)
    if override and not frozen:
        return [Path(override)]
    import platformdirs

    dirs = [Path(platformdirs.site_config_dir("Kabar", appauthor=False))]
    if frozen:
        dirs.append(Path(sys.executable).resolve().parent)
    return dirs


def find_site_file(search: Sequence[Path]) -> Path | None:
    for folder in search:
        candidate = folder / FILE_NAME
        if candidate.exists():
            return candidate
    return None


def load_site_config(explicit: Path | None, search: Sequence[Path] | None = None) -> SiteConfig:
    """The site configuration for this start.

    The first site.toml in ``search`` (default: ``default_search_dirs()``); none → an empty
    SiteConfig; a broken one → a locked SiteConfig carrying ``problem`` (a careful default: a
    broken roll-out must not let officers point the app at any server, nor stop them reaching
    their saved figures).

    ``explicit`` (``--config PATH``) is used instead, unless the file found there is locked (or
    broken): an option on a shortcut must not undo the IT staff's lock. A missing, broken or
    refused ``explicit`` file raises SiteConfigError — whoever typed the path is there to read it.
    """
    found = find_site_file(default_search_dirs() if search is None else search)
    standard = SiteConfig()
    if found is not None:
        try:
            standard = parse_site_file(found)
        except SiteConfigError as exc:
            standard = SiteConfig(locked=True, source=found, problem=exc)
    if explicit is None:
        return standard
    path = explicit.expanduser().absolute()
    if standard.locked and path != standard.source:
        raise SiteConfigError(
            path, f"tidak dipakai: pengaturan situs dikunci oleh {standard.source}"
        )
    if not path.is_file():
        raise SiteConfigError(path, "berkas tidak ditemukan")
    return parse_site_file(path)


def parse_site_file(path: Path) -> SiteConfig:
    """Read and check one site.toml; any problem raises SiteConfigError naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SiteConfigError(path, f"tidak bisa dibaca ({e.strerror or e})") from None
    try:
        # utf-8-sig: Notepad and Inno Setup may write a byte-order mark, which TOML forbids
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SiteConfigError(path, "bukan teks UTF-8", _line_of_offset(raw, e.start)) from None
    return parse_site_text(text, path)


def parse_site_text(text: str, path: Path) -> SiteConfig:
    """The checks of ``parse_site_file`` on text already read (``path`` names it and anchors
    a relative ca_file)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or _line_from_message(str(e))
        detail = getattr(e, "msg", None) or str(e).split(" (at line")[0]
        raise SiteConfigError(path, f"bukan TOML yang sah ({detail})", line) from None
    return _check(data, text, path)


def _check(data: dict[str, Any], text: str, path: Path) -> SiteConfig:
    for key in data:
        if key not in _KEYS:
            raise SiteConfigError(path, _unknown_key(key), _line_of_key(text, key))

    def fail(key: str, problem: str) -> SiteConfigError:
        return SiteConfigError(path, f"{key}: {problem}", _line_of_key(text, key))

    def string(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise fail(key, "harus teks dalam tanda kutip")
        if not value.strip():
            raise fail(key, "kosong (hapus barisnya bila tidak dipakai)")
        return value.strip()

    server_url = string("server_url")
    if server_url is not None:
        cleaned = clean_server_url(server_url)
        if cleaned is None:
            raise fail("server_url", f"harus alamat http:// atau https:// (bukan {server_url!r})")
        server_url = cleaned

    facility = string("facility")
    if facility is not None and any(c.isspace() for c in facility):
        raise fail("facility", f"kode fasilitas tanpa spasi (bukan {facility!r})")

    ca_file = string("ca_file")
    if ca_file is not None:
        ca_file = _check_ca_file(ca_file, path, fail)

    proxy = string("proxy")
    if proxy is not None:
        proxy = _check_proxy(proxy, fail)

    locked = data.get("locked", False)
    if not isinstance(locked, bool):
        raise fail("locked", "harus true atau false (tanpa tanda kutip)")

    keys = data.get("provision_keys", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise fail("provision_keys", 'harus daftar teks, misalnya ["kunci1", "kunci2"]')
    for key in keys:
        if not _is_ed25519_public_key(key):
            raise fail("provision_keys", f"{key!r} bukan kunci publik Ed25519 (base64, 32 bita)")

    return SiteConfig(
        server_url=server_url,
        facility=facility,
        ca_file=ca_file,
        proxy=proxy,
        locked=locked,
        provision_keys=tuple(k.strip() for k in keys),
        source=path,
    )


def _check_ca_file(value: str, site_file: Path, fail: Any) -> str:
    ca = Path(value).expanduser()
    if not ca.is_absolute():
        ca = site_file.parent / ca  # relative to the site file, not to wherever the app started
    try:
        head = ca.read_bytes()[:65536]
    except OSError as e:
        raise fail("ca_file", f"tidak bisa dibaca: {ca} ({e.strerror or e})") from None
    if _PEM_MARK not in head:
        raise fail("ca_file", f"bukan sertifikat PEM: {ca}")
    return str(ca.resolve())


def _check_proxy(value: str, fail: Any) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        host = None
    if parts.scheme.lower().startswith("socks"):
        raise fail("proxy", "proxy SOCKS belum didukung; pakai proxy http:// atau https://")
    if parts.scheme.lower() not in _PROXY_SCHEMES or not host:
        raise fail("proxy", f"harus alamat http://host:port (bukan {value!r})")
    return value


def _is_ed25519_public_key(text: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.b64decode(text.strip(), validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _unknown_key(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.5)
    hint = f" (maksud Anda {close[0]!r}?)" if close else ""
    return f"kunci tidak dikenal {key!r}{hint}; yang dikenal: {', '.join(_KEYS)}"


def _line_of_key(text: str, key: str) -> int | None:
    """The line where ``key`` is set (tomllib does not say where a value came from)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        for quoted in (key, f'"{key}"', f"'{key}'"):
            if stripped.startswith(quoted) and stripped[len(quoted) :].lstrip()[:1] in ("=", "."):
                return number
        if stripped.startswith("[") and stripped.strip("[] \t").split(".")[0] == key:
            return number
    return None


def _line_from_message(message: str) -> int | None:
    import re

    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1
