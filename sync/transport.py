"""The HTTP client of the sync protocol: one requests session (keep-alive, gzip both ways,
minimal headers, TLS via the OS trust store), retries with backoff, errors a person can read."""

from __future__ import annotations

import email.utils
import gzip
import json
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from forms.model import Text
from sync.protocol import REASONS, ProtocolError, parse_time

__all__ = [
    "API_PREFIX",
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "RETRY_AFTER_CAP_S",
    "AppTooOldError",
    "AuthError",
    "LoginResult",
    "PermanentError",
    "SyncError",
    "TransientError",
    "Transport",
]

API_PREFIX = "/api/v1"
#: exponential backoff with full jitter: sleep uniform(0, min(cap, base * 2**retry))
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 60.0
#: the longest Retry-After honoured inside one call (a longer wait is left to the next run)
RETRY_AFTER_CAP_S = 600.0

_AUTH_CODES = {"token_invalid", "token_expired", "token_revoked", "bad_credentials"}


class SyncError(Exception):
    """A known sync problem; ``message`` says it for people (id + en), ``code`` for IT."""

    def __init__(self, message: Text, code: str = "", detail: str = "") -> None:
        self.message = message
        self.code = code
        self.detail = detail
        super().__init__(f"{code or type(self).__name__}: {detail or message.en}")


class TransientError(SyncError):
    """Offline, timeout, reset, 5xx, 429: nothing lost, try again later."""

    def __init__(
        self, message: Text, code: str = "", detail: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, code, detail)
        #: seconds the server asked us to wait (Retry-After), when it said so
        self.retry_after = retry_after


class AuthError(SyncError):
    """401 (token invalid, expired or revoked; wrong password): ask for the password."""


class AppTooOldError(SyncError):
    """426: this app is below the server's minimum version; the outbox waits for the update."""


class PermanentError(SyncError):
    """Another 4xx (or a certificate that fails): sending the same request again will not help;
    ``code`` says why."""


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    username: str
    name: str
    role: str
    org_units: tuple[str, ...]


OFFLINE = Text(
    "Tidak dapat menghubungi server. Periksa sambungan internet; data tetap tersimpan dan "
    "dikirim nanti.",
    "Cannot reach the server. Check the connection; your data stays saved and is sent later.",
)
TIMEOUT = Text(
    "Server tidak menjawab tepat waktu (sambungan lambat atau terputus). Data tetap tersimpan; "
    "pengiriman dicoba lagi nanti.",
    "The server did not answer in time (slow or broken connection). Your data stays saved; "
    "sending is tried again later.",
)
UNREADABLE = Text(
    "Jawaban server tidak terbaca (mungkin jaringan meminta masuk, misalnya wifi hotspot). Data "
    "tetap tersimpan; pengiriman dicoba lagi nanti.",
    "The server's answer could not be read (the network may want a login, e.g. a wifi "
    "hotspot). Your data stays saved; sending is tried again later.",
)
TLS_FAILED = Text(
    "Sertifikat keamanan server tidak dapat diverifikasi. Hubungi admin kabupaten; data tetap "
    "tersimpan.",
    "The server's security certificate could not be verified. Contact the district admin; "
    "your data stays saved.",
)


PIN_MISMATCH = Text(
    "Sertifikat server tidak cocok — jangan lanjutkan, hubungi TI Dinas. Data tetap tersimpan.",
    "The server's certificate does not match — do not go on, contact the district IT. Your "
    "data stays saved.",
)


def _server_trouble(status: int) -> Text:
    return Text(
        f"Server sedang bermasalah (kode {status}). Data tetap tersimpan; pengiriman dicoba lagi "
        "nanti.",
        f"The server has a problem (code {status}). Your data stays saved; sending is tried "
        "again later.",
    )


class _TrustStoreAdapter(HTTPAdapter):
    """HTTPS checked with one SSLContext (the OS trust store plus an optional CA file)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(pool_connections=1, pool_maxsize=2, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs["ssl_context"] = self._context
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        if verify is not False:
            # Our context carries the trust: no CA bundle path from requests/certifi.
            pool.pop("ca_certs", None)
            pool.pop("ca_cert_dir", None)
            pool["ssl_context"] = self._context
        return host, pool


class _PinnedAdapter(HTTPAdapter):
    """HTTPS to a server whose certificate is pinned by SHA-256 (from a setup code): the chain
    is not checked (a self-signed provincial server works), the fingerprint must match."""

    def __init__(self, fingerprint: str) -> None:
        self._fingerprint = fingerprint
        super().__init__(pool_connections=1, pool_maxsize=2, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(assert_fingerprint=self._fingerprint, cert_reqs="CERT_NONE")
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.update(assert_fingerprint=self._fingerprint, cert_reqs="CERT_NONE")
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host, pool = super().build_connection_pool_key_attributes(request, False, cert)
        pool.update(assert_fingerprint=self._fingerprint, cert_reqs="CERT_NONE")
        return host, pool

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # requests would switch the pool back to CA checking; the pin is the check here.
        super().cert_verify(conn, url, False, cert)


def clean_pin(pin: str) -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits (colons and spaces allowed)."""
    digits = "".join(pin.split()).replace(":", "").lower()
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(f"not a SHA-256 fingerprint: {pin!r}")
    return digits


def make_ssl_context(ca_file: str | None = None) -> ssl.SSLContext:
    """The OS trust store (truststore) plus ``ca_file`` (a provincial CA, PEM) when given."""
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def normalize_base_url(url: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash or ``/api/v1``."""
    url = url.strip().rstrip("/")
    if url.endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)].rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) server address: {url!r}")
    return url


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Transport:
    """One server, one session; see docs/sync-protocol.md for the endpoints.

    Counts every HTTP request sent (``round_trips``, retries included) and the bytes of
    requests and responses (``bytes_sent``/``bytes_received``: status line, headers and body as
    they travel, compressed; TLS and TCP overhead not included).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        app_version: str,
        ca_file: str | None = None,
        pin_sha256: str | None = None,
        proxy: str | None = None,
        timeout: tuple[float, float] = (15.0, 60.0),
        attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.base_url = normalize_base_url(base_url)
        self.token = token
        self.app_version = app_version
        self.timeout = timeout
        self.attempts = attempts
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.round_trips = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        #: every pause taken before a retry, in seconds (for tests and diagnostics)
        self.pauses: list[float] = []
        session = requests.Session()
        # requests' defaults (python-requests/x.y, Accept: */*, Connection: keep-alive,
        # deflate/br/zstd) are bytes on every request: 2G pays for each of them.
        session.headers = CaseInsensitiveDict(
            {
                "User-Agent": f"kabar/{app_version}",
                "Accept-Encoding": "gzip",
                "X-Kabar-App": app_version,
            }
        )
        #: the server certificate's SHA-256 (hex) when pinned by a setup code: then the CA
        #: check is replaced by the pin, and a changed certificate fails with PIN_MISMATCH
        self.pin_sha256 = clean_pin(pin_sha256) if pin_sha256 else None
        if self.base_url.startswith("https:") and self.pin_sha256:
            session.mount("https://", _PinnedAdapter(self.pin_sha256))
        elif self.base_url.startswith("https:"):
            session.mount("https://", _TrustStoreAdapter(make_ssl_context(ca_file)))
        self._session = session
        # The site's proxy (site.toml) for both schemes; without it requests asks the system
        # (HTTP(S)_PROXY, NO_PROXY; the Windows settings), as before.
        self._proxies: dict[str, str] = {"http": proxy, "https": proxy} if proxy else {}

    # -- endpoints -------------------------------------------------------------------------

    def login(self, username: str, password: str, device_id: str, device_name: str) -> LoginResult:
        """``POST /token``; the token is kept on this transport for the next calls."""
        body = {
            "username": username,
            "password": password,
            "device_id": device_id,
            "device_name": device_name,
        }
        reply = self._json("POST", "/token", body=body, auth=False, retry_429=False)
        try:
            user = reply["user"]
            result = LoginResult(
                token=str(reply["token"]),
                expires_at=parse_time(reply["expires_at"], key="expires_at"),
                username=str(user["username"]),
                name=str(user["name"]),
                role=str(user["role"]),
                org_units=tuple(str(u) for u in user["org_units"]),
            )
        except (KeyError, TypeError, ProtocolError) as e:
            raise TransientError(UNREADABLE, "bad_reply", f"login reply: {e}") from None
        self.token = result.token
        return result

    def metadata(self) -> dict[str, Any]:
        """``GET /metadata`` (the user, forms, org units, app versions, server time)."""
        return self._json("GET", "/metadata")

    def form_text(self, form_id: str, version: int) -> str:
        """``GET /forms/{id}/{version}``: the definition's YAML text."""
        response = self._request("GET", f"/forms/{form_id}/{int(version)}")
        return response.content.decode("utf-8")

    def push(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /push`` (gzipped); the decoded JSON reply."""
        return self._json("POST", "/push", body=body)

    def pull(self, since: int, limit: int, *, mine: bool) -> dict[str, Any]:
        """``GET /pull?since=…&limit=…[&mine=0]``; the decoded JSON reply."""
        params: dict[str, str] = {"since": str(since), "limit": str(limit)}
        if not mine:
            params["mine"] = "0"
        return self._json("GET", "/pull", params=params)

    def setup_keys(self) -> list[str]:
        """``GET /setup/key``: the server's setup-code public keys (base64), no login."""
        reply = self._json("GET", "/setup/key", auth=False)
        keys = reply.get("keys")
        if not isinstance(keys, list) or not all(
            isinstance(k, dict) and isinstance(k.get("public_key"), str) for k in keys
        ):
            raise TransientError(UNREADABLE, "bad_reply", "setup key reply")
        return [str(k["public_key"]) for k in keys]

    def redeem_setup_code(self, code: str, device_id: str | None = None) -> dict[str, Any]:
        """``POST /setup/redeem``: the code's configuration (once; no login). With this
        install's ``device_id`` a retry after a lost answer gets the same answer."""
        body = {"code": code} if device_id is None else {"code": code, "device_id": device_id}
        return self._json("POST", "/setup/redeem", body=body, auth=False, retry_429=False)

    def close(self) -> None:
        self._session.close()

    # -- plumbing --------------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        auth: bool = True,
        retry_429: bool = True,
    ) -> dict[str, Any]:
        response = self._request(
            method, path, body=body, params=params, auth=auth, retry_429=retry_429
        )
        try:
            data = response.json()
        except ValueError:
            raise TransientError(UNREADABLE, "bad_reply", f"{path}: not JSON") from None
        if not isinstance(data, dict):
            raise TransientError(UNREADABLE, "bad_reply", f"{path}: not a JSON object")
        return data

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        auth: bool = True,
        retry_429: bool = True,
    ) -> requests.Response:
        headers: dict[str, str] = {}
        data: bytes | None = None
        if body is not None:
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            # mtime=0: the same body compresses to the same bytes (no timestamp in the header)
            data = gzip.compress(raw, compresslevel=9, mtime=0)
            headers["Content-Type"] = "application/json"
            headers["Content-Encoding"] = "gzip"
        if auth:
            if not self.token:
                raise AuthError(
                    Text(
                        "Belum masuk ke server. Masukkan kata sandi.",
                        "Not logged in to the server. Enter the password.",
                    ),
                    "no_token",
                )
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.base_url + API_PREFIX + path
        last: TransientError | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._pause(attempt, last)
            try:
                return self._once(method, url, headers, data, params, retry_429)
            except TransientError as e:
                last = e
                if e.retry_after is not None and e.retry_after > RETRY_AFTER_CAP_S:
                    break  # longer than we wait inside one call: the next run tries again
        assert last is not None
        raise last

    def _pause(self, attempt: int, last: TransientError | None) -> None:
        delay = self._rng.uniform(0.0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1)))
        if last is not None and last.retry_after is not None:
            delay = max(delay, min(last.retry_after, RETRY_AFTER_CAP_S))
        self.pauses.append(delay)
        self._sleep(delay)

    def _once(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        params: Mapping[str, str] | None,
        retry_429: bool,
    ) -> requests.Response:
        request = self._session.prepare_request(
            requests.Request(method, url, headers=headers, data=data, params=params)
        )
        self.round_trips += 1
        self.bytes_sent += _request_size(request)
        try:
            response = self._session.send(
                request,
                timeout=self.timeout,
                allow_redirects=False,
                proxies=self._session.rebuild_proxies(request, dict(self._proxies)),
            )
        except requests.exceptions.SSLError as e:
            if self.pin_sha256 and "ingerprints did not match" in str(e):
                raise PermanentError(PIN_MISMATCH, "pin_mismatch", str(e)[:300]) from None
            raise PermanentError(TLS_FAILED, "tls", str(e)[:300]) from None
        except requests.exceptions.Timeout as e:
            raise TransientError(TIMEOUT, "timeout", str(e)[:300]) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
            raise TransientError(OFFLINE, "offline", str(e)[:300]) from None
        except requests.exceptions.ContentDecodingError as e:
            raise TransientError(UNREADABLE, "bad_reply", str(e)[:300]) from None
        self.bytes_received += _response_size(response)
        status = response.status_code
        if 200 <= status < 300:
            return response
        raise self._error(response, retry_429)

    def _error(self, response: requests.Response, retry_429: bool) -> SyncError:
        status = response.status_code
        code, message = "", None
        try:
            payload = response.json()
            if isinstance(payload, dict):
                code = str(payload.get("error") or "")
                text = payload.get("message")
                if isinstance(text, dict) and isinstance(text.get("id"), str):
                    message = Text(str(text["id"]), str(text.get("en") or text["id"]))
        except ValueError:
            pass
        detail = f"HTTP {status} {code}".strip()
        if message is None and code in REASONS:
            message = REASONS[code]
        if status == 401:
            return AuthError(message or REASONS["token_invalid"], code or "token_invalid", detail)
        if status == 426:
            return AppTooOldError(message or REASONS["app_too_old"], "app_too_old", detail)
        if status == 429:
            error = TransientError(
                message or REASONS["too_many_attempts"],
                code or "too_many",
                detail,
                _retry_after(response.headers),
            )
            # A login refused for too many attempts: retrying only makes the lock longer.
            return error if retry_429 else PermanentError(error.message, error.code, detail)
        if status >= 500 or status in (408,):
            return TransientError(
                message if status == 503 and message else _server_trouble(status),
                code or "server_error",
                detail,
                _retry_after(response.headers),
            )
        if status in (301, 302, 303, 307, 308):
            return PermanentError(
                Text(
                    "Alamat server mengarah ke tempat lain. Periksa alamat server di Pengaturan.",
                    "The server address redirects elsewhere. Check the server address in Settings.",
                ),
                "redirect",
                f"{detail} -> {response.headers.get('Location', '')[:200]}",
            )
        return PermanentError(
            message
            or Text(
                f"Server menolak permintaan (kode {status}).",
                f"The server refused the request (code {status}).",
            ),
            code or f"http_{status}",
            detail,
        )


def _headers_size(headers: Mapping[str, str | bytes]) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.items())


def _request_size(request: requests.PreparedRequest) -> int:
    parts = urlsplit(request.url or "")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    line = len(f"{request.method} {target} HTTP/1.1\r\n")
    host = len(f"Host: {parts.netloc}\r\n")  # added by urllib3
    body = request.body
    size = len(body) if isinstance(body, bytes | str) else 0
    return line + host + _headers_size(request.headers) + 2 + size


def _response_size(response: requests.Response) -> int:
    line = len(f"HTTP/1.1 {response.status_code} {response.reason or ''}\r\n")
    length = response.headers.get("Content-Length")
    # The body as it travelled (compressed); requests has already inflated .content.
    body = int(length) if length and length.isdigit() else len(response.content)
    return line + _headers_size(response.headers) + 2 + body
