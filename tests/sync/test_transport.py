"""The transport against a tiny scripted HTTP(S) server: retries with backoff and full jitter,
Retry-After, timeouts, error classes, minimal headers, gzip, byte counts, TLS with a CA file."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sync.protocol import REASONS
from sync.transport import (
    BACKOFF_BASE_S,
    OFFLINE,
    TIMEOUT,
    UNREADABLE,
    AppTooOldError,
    AuthError,
    PermanentError,
    TransientError,
    Transport,
)


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": 1})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Script:
    """Replies in order (the last one repeats); records every request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply()]
        self.seen: list[Seen] = []


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            script.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
            reply = script.replies.pop(0) if len(script.replies) > 1 else script.replies[0]
            if reply.delay:
                time.sleep(reply.delay)
            data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def script() -> Script:
    return Script()


def _serve(script: Script, context: ssl.SSLContext | None = None) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    httpd.daemon_threads = True
    scheme = "http"
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def url(script: Script) -> Iterator[str]:
    yield from _serve(script)


def transport(url: str, **kw: Any) -> tuple[Transport, list[float]]:
    sleeps: list[float] = []
    kw.setdefault("attempts", 4)
    t = Transport(
        url, token="tok", app_version="0.1.0", sleep=sleeps.append, rng=random.Random(3), **kw
    )
    return t, sleeps


def test_server_errors_are_retried_with_retry_after_and_jitter(script: Script, url: str) -> None:
    script.replies = [
        Reply(503, {"error": "server_unavailable"}, {"Retry-After": "7"}),
        Reply(502, raw=b"<html>bad gateway</html>"),
        Reply(200, {"server_time": "x"}),
    ]
    t, sleeps = transport(url)
    assert t.metadata() == {"server_time": "x"}
    assert t.round_trips == 3 and len(script.seen) == 3
    expected = random.Random(3)
    first = expected.uniform(0, BACKOFF_BASE_S)
    second = expected.uniform(0, 2 * BACKOFF_BASE_S)
    assert sleeps == [max(first, 7.0), second]
    assert t.pauses == sleeps


def test_offline_gives_up_after_the_attempts_with_growing_pauses() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    t, sleeps = transport(f"http://127.0.0.1:{port}")
    with pytest.raises(TransientError) as caught:
        t.metadata()
    assert caught.value.message == OFFLINE and t.round_trips == 4
    assert len(sleeps) == 3
    for i, pause in enumerate(sleeps):
        assert 0 <= pause <= BACKOFF_BASE_S * 2**i


def test_a_long_retry_after_is_left_to_the_next_run(script: Script, url: str) -> None:
    script.replies = [Reply(429, {"error": "too_many_attempts"}, {"Retry-After": "3600"})]
    t, sleeps = transport(url)
    with pytest.raises(TransientError) as caught:
        t.push({"d": "x", "s": []})
    assert caught.value.retry_after == 3600 and sleeps == [] and t.round_trips == 1


def test_a_refused_login_is_not_retried(script: Script, url: str) -> None:
    script.replies = [Reply(429, {"error": "too_many_attempts"}, {"Retry-After": "60"})]
    t, sleeps = transport(url)
    with pytest.raises(PermanentError) as caught:
        t.login("ani", "x", "dev", "laptop")
    assert caught.value.message == REASONS["too_many_attempts"] and sleeps == []
    script.replies = [Reply(401, {"error": "bad_credentials"})]
    with pytest.raises(AuthError) as auth:
        t.login("ani", "x", "dev", "laptop")
    assert auth.value.message == REASONS["bad_credentials"] and t.round_trips == 2


def test_a_slow_server_times_out(script: Script, url: str) -> None:
    script.replies = [Reply(delay=0.5)]
    t, sleeps = transport(url, timeout=(2.0, 0.1), attempts=2)
    with pytest.raises(TransientError) as caught:
        t.metadata()
    assert caught.value.message == TIMEOUT and len(sleeps) == 1


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "token_expired", AuthError),
        (401, "token_revoked", AuthError),
        (426, "app_too_old", AppTooOldError),
        (403, "forbidden", PermanentError),
        (404, "not_found", PermanentError),
        (400, "bad_request", PermanentError),
    ],
)
def test_error_classes_and_messages(
    script: Script, url: str, status: int, code: str, error: type[Exception]
) -> None:
    message = {"id": f"pesan {code}", "en": f"message {code}"}
    script.replies = [Reply(status, {"error": code, "message": message})]
    t, sleeps = transport(url)
    with pytest.raises(error) as caught:
        t.metadata()
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert caught.value.message.id == f"pesan {code}"  # type: ignore[attr-defined]
    assert sleeps == [] and t.round_trips == 1


def test_an_unreadable_answer_is_transient(script: Script, url: str) -> None:
    script.replies = [Reply(200, raw=b"<html>Login to the hotspot</html>")]
    t, _ = transport(url, attempts=1)
    with pytest.raises(TransientError) as caught:
        t.metadata()
    assert caught.value.message == UNREADABLE


def test_minimal_headers_gzip_body_and_counted_bytes(script: Script, url: str) -> None:
    t, _ = transport(url)
    body = {"d": "dev", "s": [{"n": 1, "x": {"a": 1}}] * 20}
    t.push(body)
    t.pull(5, 100, mine=False)
    push, pull = script.seen
    assert push.path == "/api/v1/push" and pull.path == "/api/v1/pull?since=5&limit=100&mine=0"
    headers = {k.lower(): v for k, v in push.headers.items()}
    assert headers["user-agent"] == "kabar/0.1.0"
    assert headers["x-kabar-app"] == "0.1.0"
    assert headers["accept-encoding"] == "gzip"
    assert headers["authorization"] == "Bearer tok"
    assert headers["content-encoding"] == "gzip"
    assert "accept" not in headers and "connection" not in headers
    assert json.loads(gzip.decompress(push.body)) == body
    assert len(push.body) < len(json.dumps(body)) / 3
    sent = sum(
        len(s.body) + sum(len(k) + len(v) + 4 for k, v in s.headers.items()) for s in script.seen
    )
    # Our count adds the request lines: within a few bytes of what the server read.
    assert sent < t.bytes_sent < sent + 120
    assert t.bytes_received > 2 * len(b'{"ok": 1}')
    assert t.round_trips == 2


def test_base_url_is_normalized() -> None:
    t = Transport("https://kabar.example.go.id/api/v1/", app_version="0.1.0")
    assert t.base_url == "https://kabar.example.go.id"
    with pytest.raises(ValueError):
        Transport("kabar.example.go.id", app_version="0.1.0")


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and a server certificate for 127.0.0.1 (openssl command line)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("certs")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Kabar Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    run("req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1")
    (d / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")  # fmt: skip
    return d


def test_tls_is_checked_against_the_trust_store_plus_a_ca_file(script: Script, certs: Path) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs / "srv.pem", certs / "srv.key")
    for url in _serve(script, context):
        trusted, _ = transport(url, ca_file=str(certs / "ca.pem"))
        assert trusted.metadata() == {"ok": 1}
        untrusted, sleeps = transport(url)
        with pytest.raises(PermanentError) as caught:
            untrusted.metadata()
        assert caught.value.code == "tls" and sleeps == []
