"""A fault-injecting TCP proxy for sync tests and benchmarks: latency, a bandwidth cap, resets,
lost responses, a black hole and 502/503 answers between a client and the real server.

The proxy models one network link between the client and the server: bytes the client sends
cross the link (latency, bandwidth) and then reach the server; the server's bytes cross it back.
It runs its own asyncio loop on its own thread, so synchronous code (``requests``, the sync
engine, a benchmark) can use it directly::

    with FaultProxy("127.0.0.1", server_port) as proxy:
        proxy.latency_s = 0.3
        proxy.bandwidth_bps = 64_000
        Transport(proxy.url, ...)

Settings are plain attributes that may be changed from any thread while it runs:

- ``latency_s``: one-way delay added in each direction. Pipelined: every chunk is timestamped
  when it has crossed the bandwidth cap and delivered ``latency_s`` later, so latency never
  lowers throughput (as on a real link, where bytes are in flight). A new connection's first
  bytes also wait one round trip (2 × latency): the TCP handshake a real link would cost.
- ``bandwidth_bps``: bits per second in each direction (64 kbit/s = 8,000 bytes/s), a token bucket
  one segment deep shared by all connections of the proxy (one link); ``None`` = unlimited.
- ``reset_after_bytes`` / ``reset_repeat``: after N more bytes through the proxy (both
  directions, all connections, counted where they leave the link) the connection carrying the
  N-th byte is reset (RST) right after that byte. Once, or again every N bytes with
  ``reset_repeat``.
- ``reset_every_s``: a reset about every N seconds (uniform jitter 0.5N..1.5N from the seeded
  rng). It hits the connections busy at that moment; when none is busy it waits for the next
  chunk to cross the link and resets that connection instead, so every reset disturbs a transfer.
- ``drop_response`` (+ ``drop_match``): the request is forwarded and the server answers (so it
  has committed); the moment the first byte of its answer reaches the proxy, the client's
  connection is reset and the answer thrown away (a lost response). ``drop_match`` limits it to
  requests whose request line contains that text (``"POST /api/v1/push"``). With ``drop_hang``
  the connection is not reset but goes silent (the client times out waiting for its answer).
- ``black_hole``: every chunk from either side is swallowed; nothing is ever answered and no
  connection is closed by the proxy (the client must time out).
- ``http_status`` (502 or 503, ``retry_after`` for a ``Retry-After`` header): the proxy reads each
  request itself and answers with that status, without forwarding anything.

With ``record`` on, every chunk that leaves the link is also kept (``transcript()``: connection
number, "up"/"down", bytes), so a benchmark can tell HTTP headers from bodies.

Counters (``stats()``): bytes each way where they leave the link (HTTP headers included), TCP
connections accepted, HTTP requests seen, resets, responses dropped, status answers sent.
A reset is ``SO_LINGER (1, 0)`` then close: the kernel sends RST, not FIN.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

#: the settings ``FaultProxy`` accepts and their "no fault" values
_SETTINGS: dict[str, Any] = {
    "latency_s": 0.0,
    "bandwidth_bps": None,
    "reset_after_bytes": None,
    "reset_repeat": False,
    "reset_every_s": None,
    "drop_response": False,
    "drop_match": None,
    "drop_hang": False,
    "black_hole": False,
    "http_status": None,
    "retry_after": None,
    "record": False,
}
#: settings that are faults (``clear_faults`` resets these, not latency or bandwidth)
_FAULTS = (
    "reset_after_bytes",
    "reset_repeat",
    "reset_every_s",
    "drop_response",
    "drop_match",
    "drop_hang",
    "black_hole",
    "http_status",
    "retry_after",
)
#: the issue's 2G link: 64 kbit/s each way, 300 ms one way, a reset about every 20 s
TWO_G: dict[str, Any] = {"latency_s": 0.3, "bandwidth_bps": 64_000, "reset_every_s": 20.0}
_READ_SIZE = 65_536
#: the largest piece the link moves at once (a TCP segment on a typical path)
_MSS = 1_460
_METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ", b"OPTIONS ", b"PATCH ")
_REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
_UP, _DOWN = 0, 1
#: a connection that moved a byte this recently counts as busy for ``reset_every_s``
_BUSY_WINDOW_S = 0.5


@dataclass(frozen=True)
class ProxyStats:
    """What crossed the proxy since it started (or since ``reset_stats``)."""

    bytes_up: int  # client -> server, where it left the link
    bytes_down: int  # server (or the proxy's own answers) -> client
    connections: int  # TCP connections accepted from clients
    requests: int  # HTTP requests whose first bytes crossed the link
    resets: int  # connections reset (RST) by a reset fault
    responses_dropped: int  # answers thrown away by drop_response
    statuses_sent: int  # 502/503 answers made by the proxy

    @property
    def bytes_total(self) -> int:
        return self.bytes_up + self.bytes_down


def _rst(writer: asyncio.StreamWriter | None) -> None:
    """Close with a TCP reset (SO_LINGER on, zero timeout), not an orderly FIN."""
    if writer is None or writer.transport.is_closing():
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None and not writer.transport.is_closing():
        writer.close()


class _Link:
    """One direction of one connection: chunks cross the bandwidth cap, then wait out the
    latency in a timestamped queue, then ``deliver`` gets them in order."""

    def __init__(
        self,
        proxy: FaultProxy,
        direction: int,
        deliver: Callable[[bytes | None], Awaitable[bool]],
        not_before: float = 0.0,
    ) -> None:
        self.proxy = proxy
        self.direction = direction
        self.deliver = deliver
        #: nothing leaves before this loop time (a new connection's TCP handshake)
        self.not_before = not_before
        self.queue: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(self._run())

    def put(self, data: bytes | None) -> None:
        """Schedule ``data`` (``None`` = end of stream) behind what is already on the link."""
        loop = asyncio.get_running_loop()
        latency = float(self.proxy.latency_s or 0.0)
        now = max(loop.time(), self.not_before)
        if data is None:
            done = max(now, self.proxy._link_free[self.direction])
            self.queue.put_nowait((done + latency, None))
            return
        bps = self.proxy.bandwidth_bps
        if not bps:
            self.queue.put_nowait((now + latency, data))
            return
        rate = bps / 8.0  # bytes per second
        # Pieces of ~20 ms of link time, so delivery is smooth, not one burst per read.
        piece = max(64, min(_MSS, int(rate / 50)))
        for i in range(0, len(data), piece):
            seg = data[i : i + piece]
            start = max(now, self.proxy._link_free[self.direction])
            done = start + len(seg) / rate
            self.proxy._link_free[self.direction] = done
            self.queue.put_nowait((done + latency, seg))

    @property
    def idle(self) -> bool:
        return self.queue.empty()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due, data = await self.queue.get()
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if not await self.deliver(data) or data is None:
                return


class _Connection:
    """One client connection and (unless a fault answers for the server) its upstream twin."""

    def __init__(
        self, proxy: FaultProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.proxy = proxy
        self.number = proxy._counters["connections"]
        self.c_reader, self.c_writer = reader, writer
        self.s_reader: asyncio.StreamReader | None = None
        self.s_writer: asyncio.StreamWriter | None = None
        self.mode = "forward"  # "forward" | "black_hole" | "status"
        self.closed = False
        self.at_request_start = True  # the next upstream bytes begin a new HTTP request
        self.request_line = b""
        self.response_started = False
        self.status_buffer = b""
        self.last_activity = 0.0
        self.tasks: list[asyncio.Task[Any]] = []
        # On a real link the client's connect() costs a round trip (SYN, SYN-ACK) before its
        # first byte can leave; here the kernel answers the handshake at once, so the proxy
        # holds the first bytes back for that round trip instead.
        handshake = 2 * float(proxy.latency_s or 0.0)
        loop = asyncio.get_running_loop()
        self.up = _Link(proxy, _UP, self._deliver_up, loop.time() + handshake)
        self.down = _Link(proxy, _DOWN, self._deliver_down)

    # -- life cycle ---------------------------------------------------------------------------
    async def run(self) -> None:
        p = self.proxy
        if p.black_hole:
            self.mode = "black_hole"
        elif p.http_status:
            self.mode = "status"
        else:
            try:
                self.s_reader, self.s_writer = await asyncio.open_connection(
                    p.target_host, p.target_port
                )
            except OSError:
                self.reset_both()
                return
            self.tasks.append(asyncio.get_running_loop().create_task(self._pump_down()))
        await self._pump_up()

    @property
    def busy(self) -> bool:
        loop = asyncio.get_running_loop()
        recent = loop.time() - self.last_activity < _BUSY_WINDOW_S
        awaiting = not self.at_request_start and not self.response_started
        return not self.closed and (recent or awaiting or not self.up.idle or not self.down.idle)

    def reset_both(self) -> None:
        """RST the client and the server side; anything still on the link is lost."""
        self._finish(_rst)

    def close_both(self) -> None:
        self._finish(_close)

    def _finish(self, how: Callable[[asyncio.StreamWriter | None], None]) -> None:
        if self.closed:
            return
        self.closed = True
        how(self.c_writer)
        how(self.s_writer)
        for task in (*self.tasks, self.up.task, self.down.task):
            if task is not asyncio.current_task():
                task.cancel()
        self.proxy._connections.discard(self)

    # -- reading ------------------------------------------------------------------------------
    async def _pump_up(self) -> None:
        try:
            while not self.closed:
                data = await self.c_reader.read(_READ_SIZE)
                if self.closed:
                    return
                self.up.put(data or None)
                if not data:
                    return
        except (ConnectionError, OSError):
            self.reset_both()

    async def _pump_down(self) -> None:
        assert self.s_reader is not None
        p = self.proxy
        try:
            while not self.closed:
                data = await self.s_reader.read(_READ_SIZE)
                if self.closed or self.mode != "forward":
                    return  # a fault took over this connection; the server side is let go
                if data and not self.response_started:
                    self.response_started = True
                    self.at_request_start = True
                    match = p.drop_match
                    if p.drop_response and (match is None or match.encode() in self.request_line):
                        # The server has answered, so it committed: the client never hears.
                        p._count("responses_dropped")
                        if p.drop_hang:
                            self.mode = "black_hole"  # silence until the client gives up
                            _close(self.s_writer)
                        else:
                            self.reset_both()
                        return
                self.down.put(data or None)
                if not data:
                    return
        except (ConnectionError, OSError):
            self.reset_both()

    # -- delivering ---------------------------------------------------------------------------
    async def _deliver_up(self, data: bytes | None) -> bool:
        """``data`` has crossed the link towards the server: count it, apply faults, forward."""
        p = self.proxy
        if data is None:
            if self.mode == "forward" and self.s_writer is not None:
                with contextlib.suppress(OSError, RuntimeError):
                    self.s_writer.write_eof()
            else:
                # The client hung up while a fault held its request: nothing left to do.
                self.close_both()
            return True
        if self.mode == "forward":
            if p.black_hole:
                self.mode = "black_hole"
                _close(self.s_writer)
            elif p.http_status:
                self.mode = "status"
                _close(self.s_writer)
        data, reset = p._take_budget(data)
        if self._pending_reset_fires():
            data, reset = b"", True
        if data:
            self.last_activity = asyncio.get_running_loop().time()
            p._count("bytes_up", len(data))
            p._record(self.number, "up", data)
            if self.at_request_start and data.startswith(_METHODS):
                p._count("requests")
                self.at_request_start = False
                self.response_started = False
                self.request_line = data.split(b"\r\n", 1)[0][:300]
            if self.mode == "forward":
                assert self.s_writer is not None
                self.s_writer.write(data)
                try:
                    await self.s_writer.drain()
                except (ConnectionError, OSError):
                    self.reset_both()
                    return False
            elif self.mode == "status":
                self._status_feed(data)
        if reset:
            p._count("resets")
            self.reset_both()
            return False
        return True

    async def _deliver_down(self, data: bytes | None) -> bool:
        p = self.proxy
        if self.mode == "black_hole" or p.black_hole:
            self.mode = "black_hole"
            return data is not None
        if data is None:
            # The server (or the proxy's own answer) is done: end the client side politely.
            self.close_both()
            return False
        data, reset = p._take_budget(data)
        if self._pending_reset_fires():
            data, reset = b"", True
        if data:
            self.last_activity = asyncio.get_running_loop().time()
            p._count("bytes_down", len(data))
            p._record(self.number, "down", data)
            self.c_writer.write(data)
            try:
                await self.c_writer.drain()
            except (ConnectionError, OSError):
                self.reset_both()
                return False
        if reset:
            p._count("resets")
            self.reset_both()
            return False
        return True

    def _pending_reset_fires(self) -> bool:
        p = self.proxy
        with p._lock:
            if p._pending_tick_reset:
                p._pending_tick_reset = False
                return True
        return False

    def _status_feed(self, data: bytes) -> None:
        """Collect one whole request (head + Content-Length body), then answer it ourselves."""
        self.status_buffer += data
        head_end = self.status_buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        length = 0
        for line in self.status_buffer[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    length = 0
        if len(self.status_buffer) < head_end + 4 + length:
            return
        p = self.proxy
        status = int(p.http_status or 502)
        reason = _REASONS.get(status, "Error")
        body = (
            f"<html><head><title>{status} {reason}</title></head><body>"
            f"<h1>{status} {reason}</h1></body></html>\n"
        ).encode()
        head = [
            f"HTTP/1.1 {status} {reason}",
            "Content-Type: text/html",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        if p.retry_after is not None:
            head.append(f"Retry-After: {p.retry_after}")
        p._count("statuses_sent")
        self.response_started = True
        self.at_request_start = True
        self.status_buffer = b""
        self.down.put(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        self.down.put(None)


class FaultProxy:
    """A TCP proxy to ``target_host:target_port`` on 127.0.0.1:<free port>, with faults."""

    # The settings (see the module docstring); declared for type checkers, stored in __dict__.
    latency_s: float
    bandwidth_bps: int | None
    reset_after_bytes: int | None
    reset_repeat: bool
    reset_every_s: float | None
    drop_response: bool
    drop_match: str | None
    drop_hang: bool
    black_hole: bool
    http_status: int | None
    retry_after: int | None
    record: bool

    def __init__(self, target_host: str, target_port: int, *, seed: int = 0, **settings: Any):
        object.__setattr__(self, "_lock", threading.Lock())
        self.target_host = target_host
        self.target_port = int(target_port)
        self.port = 0
        self._rng = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._connections: set[_Connection] = set()
        self._link_free = [0.0, 0.0]
        self._since_reset = 0
        self._pending_tick_reset = False
        self._ticker_wakeup: asyncio.Event | None = None
        self._counters = dict.fromkeys(ProxyStats.__dataclass_fields__, 0)
        self._connections_base = 0
        self._transcript: list[tuple[int, str, bytes]] = []
        for name, default in _SETTINGS.items():
            object.__setattr__(self, name, default)
        self.configure(**settings)

    # -- settings -----------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SETTINGS:
            self.configure(**{name: value})
        else:
            object.__setattr__(self, name, value)

    def configure(self, **settings: Any) -> None:
        """Change several settings at once (atomically for the proxy's thread)."""
        unknown = set(settings) - set(_SETTINGS)
        if unknown:
            raise TypeError(f"unknown FaultProxy setting(s): {', '.join(sorted(unknown))}")
        status = settings.get("http_status")
        if status is not None and not 400 <= int(status) <= 599:
            raise ValueError(f"http_status must be an HTTP error status, not {status!r}")
        with self._lock:
            for name, value in settings.items():
                object.__setattr__(self, name, value)
            if "reset_after_bytes" in settings:
                self._since_reset = 0
            if "reset_every_s" in settings:
                self._pending_tick_reset = False
        if "reset_every_s" in settings and self._loop is not None and self._ticker_wakeup:
            self._loop.call_soon_threadsafe(self._ticker_wakeup.set)

    def clear_faults(self) -> None:
        """Back to a healthy link (latency and bandwidth stay as they are)."""
        self.configure(**{name: _SETTINGS[name] for name in _FAULTS})

    # -- counters -----------------------------------------------------------------------------
    def stats(self) -> ProxyStats:
        with self._lock:
            counters = dict(self._counters)
            counters["connections"] -= self._connections_base
            return ProxyStats(**counters)

    def reset_stats(self) -> None:
        """Counters back to zero (connection numbers keep counting); the transcript emptied."""
        with self._lock:
            for name in self._counters:
                if name != "connections":
                    self._counters[name] = 0
            self._connections_base = self._counters["connections"]
            self._transcript.clear()

    def transcript(self) -> list[tuple[int, str, bytes]]:
        """What crossed the link while ``record`` was on: (connection, "up"/"down", bytes),
        consecutive chunks of one connection and direction joined."""
        with self._lock:
            return list(self._transcript)

    def _record(self, number: int, direction: str, data: bytes) -> None:
        if not self.record:
            return
        with self._lock:
            t = self._transcript
            if t and t[-1][0] == number and t[-1][1] == direction:
                t[-1] = (number, direction, t[-1][2] + data)
            else:
                t.append((number, direction, data))

    def _count(self, name: str, n: int = 1) -> None:
        with self._lock:
            self._counters[name] += n

    def _take_budget(self, data: bytes) -> tuple[bytes, bool]:
        """The part of ``data`` that passes before a ``reset_after_bytes`` reset, and whether
        the reset happens right after it."""
        with self._lock:
            limit = self.reset_after_bytes
            if not limit:
                return data, False
            room = int(limit) - self._since_reset
            if len(data) < room:
                self._since_reset += len(data)
                return data, False
            self._since_reset = 0
            if not self.reset_repeat:
                object.__setattr__(self, "reset_after_bytes", None)
            return data[: max(room, 0)], True

    # -- life cycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the proxy is not started")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        if self._thread is not None:
            raise RuntimeError("the proxy is already started")
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._start_error is not None:
            raise RuntimeError("the fault proxy did not start") from self._start_error
        if not self.port:
            raise RuntimeError("the fault proxy did not start in 10 s")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            loop.call_soon_threadsafe(self._shutdown)
        thread.join(10)
        self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def close_connections(self) -> int:
        """Close every open connection politely (FIN), as a server's keep-alive timeout does
        after a long pause; returns how many were open once their sockets are closed."""
        if self._loop is None:
            return 0

        async def close_all() -> int:
            conns = list(self._connections)
            for conn in conns:
                conn.close_both()
            for conn in conns:
                with contextlib.suppress(OSError):
                    await conn.c_writer.wait_closed()
            return len(conns)

        return asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(5)

    def reset_connections(self) -> int:
        """RST every open connection now (from any thread); returns how many were open."""

        def reset(conn: _Connection) -> None:
            self._count("resets")
            conn.reset_both()

        return self._on_all_connections(reset)

    def _on_all_connections(self, action: Callable[[_Connection], None]) -> int:
        if self._loop is None:
            return 0
        done = threading.Event()
        count = [0]

        def run() -> None:
            for conn in list(self._connections):
                count[0] += 1
                action(conn)
            done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(5)
        return count[0]

    # -- the loop thread ----------------------------------------------------------------------
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # surfaced by start()
            self._start_error = exc
            self._ready.set()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self) -> None:
        self._ticker_wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        ticker = asyncio.get_running_loop().create_task(self._ticker())
        self._ready.set()
        await self._stopping.wait()
        ticker.cancel()
        self._server.close()
        for conn in list(self._connections):
            conn.close_both()
        await self._server.wait_closed()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _shutdown(self) -> None:
        self._stopping.set()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._count("connections")  # also numbers the connection (never reset)
        conn = _Connection(self, reader, writer)
        self._connections.add(conn)
        try:
            await conn.run()
        except asyncio.CancelledError:
            # The proxy is stopping. Not re-raised: asyncio's stream callback would log the
            # cancelled handler as an error.
            conn.reset_both()

    async def _ticker(self) -> None:
        """``reset_every_s``: RST the busy connections at jittered intervals."""
        assert self._ticker_wakeup is not None
        while True:
            every = self.reset_every_s
            if not every:
                await self._ticker_wakeup.wait()
                self._ticker_wakeup.clear()
                continue
            delay = float(every) * self._rng.uniform(0.5, 1.5)
            try:
                await asyncio.wait_for(self._ticker_wakeup.wait(), delay)
                self._ticker_wakeup.clear()
                continue  # the setting changed: draw again
            except TimeoutError:
                pass
            busy = [c for c in self._connections if c.busy]
            if not busy:
                with self._lock:
                    self._pending_tick_reset = True
                continue
            for conn in busy:
                self._count("resets")
                conn.reset_both()


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.support.faultproxy HOST:PORT [--2g] [--port N]``: a proxy to try the
    desktop app by hand over a bad link (point its server address at the printed URL)."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m tests.support.faultproxy")
    parser.add_argument("target", help="the server, HOST:PORT")
    parser.add_argument("--2g", dest="two_g", action="store_true", help="64 kbit/s, 300 ms, resets")
    parser.add_argument("--latency", type=float, help="one-way latency, seconds")
    parser.add_argument("--bandwidth", type=int, help="bits per second, each way")
    parser.add_argument("--reset-every", type=float, help="a reset about every N seconds")
    args = parser.parse_args(argv)
    host, _, port = args.target.rpartition(":")
    settings: dict[str, Any] = dict(TWO_G) if args.two_g else {}
    for name, value in (
        ("latency_s", args.latency),
        ("bandwidth_bps", args.bandwidth),
        ("reset_every_s", args.reset_every),
    ):
        if value is not None:
            settings[name] = value
    with FaultProxy(host or "127.0.0.1", int(port), **settings) as proxy:
        print(f"{proxy.url} -> {args.target} {settings}", flush=True)
        try:
            while True:
                time.sleep(5)
                print(proxy.stats(), flush=True)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    raise SystemExit(main())
