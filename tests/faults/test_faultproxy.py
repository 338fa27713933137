"""The fault proxy itself: exact byte counts, bandwidth and latency as set, and each fault seen
from both ends (a tiny HTTP server behind it records what really arrived)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.support.faultproxy import FaultProxy


class _Target(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[tuple[str, str, bytes]] = []  # (method, path, body) handled
        self.lock = threading.Lock()
        self.raw_bytes = 0  # bytes received by the raw "/sink" handler

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a connection the proxy cut is expected here, not worth a traceback

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests uses it
    server: _Target

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, body: bytes) -> None:
        self.send_response_only(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits.append(("GET", self.path, b""))
        if self.path.startswith("/big/"):
            self._answer(b"x" * int(self.path.rsplit("/", 1)[1]))
        else:
            self._answer(b"ok " + self.path.encode())

    def do_POST(self) -> None:
        body = self._body()
        with self.server.lock:
            self.server.hits.append(("POST", self.path, body))
        self._answer(b"got %d" % len(body))

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def target() -> Iterator[_Target]:
    server = _Target()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(target: _Target) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", target.port, seed=4) as p:
        yield p


def _exchange(proxy: FaultProxy, request: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes (requests carry Connection: close)."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _post(path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


def test_bytes_counted_exactly_both_ways(proxy: FaultProxy, target: _Target) -> None:
    request = _post("/push", b"a" * 777)
    reply = _exchange(proxy, request)
    assert reply.endswith(b"got 777")
    stats = proxy.stats()
    assert (stats.bytes_up, stats.bytes_down) == (len(request), len(reply))
    assert (stats.connections, stats.requests, stats.resets) == (1, 1, 0)
    assert target.hits == [("POST", "/push", b"a" * 777)]


def test_transcript_keeps_each_message(proxy: FaultProxy) -> None:
    proxy.record = True
    request = _post("/push", b"q" * 10)
    reply = _exchange(proxy, request)
    assert proxy.transcript() == [(1, "up", request), (1, "down", reply)]
    proxy.reset_stats()
    assert proxy.transcript() == []
    _exchange(proxy, request)
    assert [(n, d) for n, d, _b in proxy.transcript()] == [(2, "up"), (2, "down")]
    assert proxy.stats().connections == 1


def test_close_connections_makes_the_next_request_connect_again(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        assert session.get(f"{proxy.url}/one", timeout=5).ok
        assert proxy.close_connections() == 1
        assert session.get(f"{proxy.url}/two", timeout=5).ok
    stats = proxy.stats()
    assert (stats.connections, stats.requests, stats.resets) == (2, 2, 0)


def test_keep_alive_counts_requests_on_one_connection(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        for i in range(3):
            assert session.get(f"{proxy.url}/n{i}", timeout=5).text == f"ok /n{i}"
    stats = proxy.stats()
    assert (stats.connections, stats.requests) == (1, 3)
    proxy.reset_stats()
    assert proxy.stats().bytes_total == 0


@pytest.mark.parametrize("direction", ["up", "down"])
def test_bandwidth_within_ten_percent(proxy: FaultProxy, direction: str) -> None:
    size = 8_000
    proxy.bandwidth_bps = 64_000  # 8,000 bytes/s
    request = _post("/up", b"u" * size) if direction == "up" else _post("/x", b"")
    if direction == "down":
        request = f"GET /big/{size} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    start = time.perf_counter()
    reply = _exchange(proxy, request)
    elapsed = time.perf_counter() - start
    stats = proxy.stats()
    expected = stats.bytes_total / 8_000  # the request crosses first, then the answer
    assert len(reply) == stats.bytes_down
    assert expected * 0.9 <= elapsed <= expected * 1.1, (elapsed, expected)


def test_latency_added_each_way_and_pipelined(proxy: FaultProxy) -> None:
    proxy.latency_s = 0.2
    start = time.perf_counter()
    _exchange(proxy, _post("/ping", b""))
    one = time.perf_counter() - start
    # the handshake's round trip, then the request one way and the answer the other way
    assert 0.8 <= one <= 0.95, one
    with requests.Session() as session:
        session.get(f"{proxy.url}/warm", timeout=5)
        start = time.perf_counter()
        session.get(f"{proxy.url}/again", timeout=5)  # kept alive: no handshake
        again = time.perf_counter() - start
    assert 0.4 <= again <= 0.55, again

    # Latency must not cut bandwidth: 8,000 bytes at 8,000 B/s plus 0.2 s each way, not one
    # latency per segment.
    proxy.bandwidth_bps = 64_000
    proxy.reset_stats()
    start = time.perf_counter()
    _exchange(proxy, _post("/up", b"u" * 8_000))
    elapsed = time.perf_counter() - start
    ideal = proxy.stats().bytes_total / 8_000 + 0.4 + 0.4  # + the handshake
    assert ideal <= elapsed <= ideal * 1.1, (elapsed, ideal)


def test_reset_after_bytes_once(proxy: FaultProxy, target: _Target) -> None:
    proxy.reset_after_bytes = 300
    request = _post("/push", b"b" * 1_000)
    with pytest.raises(ConnectionResetError):
        _exchange(proxy, request)
    stats = proxy.stats()
    assert (stats.bytes_up, stats.bytes_down, stats.resets) == (300, 0, 1)
    assert target.hits == []  # the server never got the whole request
    # "once": the next connection goes through untouched
    assert _exchange(proxy, request).endswith(b"got 1000")
    assert proxy.stats().resets == 1


def test_reset_after_bytes_counts_both_directions_and_repeats(
    proxy: FaultProxy, target: _Target
) -> None:
    request = _post("/push", b"c" * 100)
    size = len(request)
    reply_size = len(_exchange(proxy, request))
    proxy.reset_stats()
    # the reset lands 10 bytes into the answer: the server has handled the request
    proxy.configure(reset_after_bytes=size + 10, reset_repeat=True)
    for _ in range(2):
        with pytest.raises(ConnectionResetError):
            _exchange(proxy, request)
    stats = proxy.stats()
    assert (stats.bytes_up, stats.bytes_down, stats.resets) == (2 * size, 20, 2)
    assert len(target.hits) == 3
    proxy.clear_faults()
    assert len(_exchange(proxy, request)) == reply_size


def test_reset_every_seconds_hits_a_busy_transfer(proxy: FaultProxy, target: _Target) -> None:
    proxy.configure(bandwidth_bps=16_000, reset_every_s=0.3)  # 2,000 B/s: 10 KB takes ~5 s
    start = time.perf_counter()
    with pytest.raises(ConnectionResetError):
        _exchange(proxy, _post("/push", b"d" * 10_000))
    assert time.perf_counter() - start < 1.0
    stats = proxy.stats()
    assert stats.resets == 1
    assert 0 < stats.bytes_up < 10_000
    assert target.hits == []


def test_reset_every_seconds_waits_for_traffic(proxy: FaultProxy) -> None:
    proxy.reset_every_s = 0.05
    deadline = time.monotonic() + 5
    while not proxy._pending_tick_reset:  # the tick found nothing busy (no connection yet)
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proxy.reset_every_s = None  # no further ticks; the pending one is dropped with the setting
    assert _exchange(proxy, _post("/a", b"")).endswith(b"got 0")
    proxy.reset_every_s = 0.05
    while not proxy._pending_tick_reset:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(ConnectionResetError):
        _exchange(proxy, _post("/a", b""))
    assert proxy.stats().resets >= 1


def test_drop_response_after_the_server_handled_it(proxy: FaultProxy, target: _Target) -> None:
    proxy.configure(drop_response=True, drop_match="POST /push")
    with requests.Session() as session:
        assert session.get(f"{proxy.url}/metadata", timeout=5).text == "ok /metadata"
        with pytest.raises(requests.ConnectionError):
            session.post(f"{proxy.url}/push", data=b"payload", timeout=5)
    stats = proxy.stats()
    assert stats.responses_dropped == 1
    assert stats.resets == 0
    # the server did handle (commit) the push; only its answer was lost
    assert [h[:2] for h in target.hits] == [("GET", "/metadata"), ("POST", "/push")]
    assert target.hits[1][2] == b"payload"
    request_bytes = stats.bytes_up
    proxy.clear_faults()
    assert requests.post(f"{proxy.url}/push", data=b"payload", timeout=5).text == "got 7"
    assert proxy.stats().bytes_up > request_bytes


def test_drop_response_and_hang(proxy: FaultProxy, target: _Target) -> None:
    proxy.configure(drop_response=True, drop_hang=True)
    start = time.perf_counter()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(f"{proxy.url}/push", data=b"late", timeout=(1, 0.5))
    assert time.perf_counter() - start < 2
    assert target.hits == [("POST", "/push", b"late")]
    stats = proxy.stats()
    assert (stats.responses_dropped, stats.bytes_down, stats.resets) == (1, 0, 0)


def test_black_hole_never_answers(proxy: FaultProxy, target: _Target) -> None:
    proxy.black_hole = True
    start = time.perf_counter()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(f"{proxy.url}/push", data=b"x" * 50, timeout=(1, 0.5))
    assert time.perf_counter() - start < 2
    assert target.hits == []
    stats = proxy.stats()
    assert stats.bytes_down == 0 and stats.bytes_up > 50
    proxy.black_hole = False
    assert requests.get(f"{proxy.url}/back", timeout=5).text == "ok /back"


def test_black_hole_swallows_a_kept_alive_connection(proxy: FaultProxy, target: _Target) -> None:
    with requests.Session() as session:
        assert session.get(f"{proxy.url}/first", timeout=5).ok
        proxy.black_hole = True
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(f"{proxy.url}/second", timeout=(1, 0.5))
    assert [h[1] for h in target.hits] == ["/first"]


@pytest.mark.parametrize("status", [502, 503])
def test_http_status_answered_by_the_proxy(proxy: FaultProxy, target: _Target, status: int) -> None:
    proxy.configure(http_status=status, retry_after=7 if status == 503 else None)
    reply = requests.post(f"{proxy.url}/push", data=b"y" * 300, timeout=5)
    assert reply.status_code == status
    assert reply.headers.get("Retry-After") == ("7" if status == 503 else None)
    assert target.hits == []
    stats = proxy.stats()
    assert stats.statuses_sent == 1 and stats.bytes_up > 300
    proxy.clear_faults()
    assert requests.post(f"{proxy.url}/push", data=b"y", timeout=5).text == "got 1"


def test_settings_are_checked(target: _Target) -> None:
    with pytest.raises(TypeError, match="latncy_s"):
        FaultProxy("127.0.0.1", target.port, latncy_s=1)
    proxy = FaultProxy("127.0.0.1", target.port)
    with pytest.raises(ValueError):
        proxy.http_status = 200
    with pytest.raises(RuntimeError):
        _ = proxy.url


def test_http_status_takes_over_a_kept_alive_connection(proxy: FaultProxy, target: _Target) -> None:
    with requests.Session() as session:
        assert session.get(f"{proxy.url}/first", timeout=5).ok
        proxy.http_status = 502
        assert session.post(f"{proxy.url}/push", data=b"z" * 10, timeout=5).status_code == 502
        proxy.clear_faults()
        assert session.post(f"{proxy.url}/push", data=b"z" * 10, timeout=5).text == "got 10"
    assert [h[1] for h in target.hits] == ["/first", "/push"]
    assert proxy.stats().statuses_sent == 1
