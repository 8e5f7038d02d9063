"""A small HTTPS (or plain HTTP) server on 127.0.0.1 for the TLS lab.

It serves one page holding a secret message, one request per connection,
and reports every connection as a :class:`ConnectionEvent`: the SNI the
client asked for, the negotiated TLS version, cipher suite and ALPN, the
client certificate when mutual TLS is on, or why the handshake failed (the
client rejected our certificate, a plain HTTP request hit the HTTPS port...).

It only ever listens on 127.0.0.1. One event loop serves every connection
(a client costs a socket, not a thread); each read has a time limit and the
handshake and request together a deadline, so a client that never speaks or
trickles its request one byte at a time cannot hold the server; at most
:data:`MAX_CONNECTIONS` are served at once, the next ones waiting in the
listen backlog; and :meth:`LabServer.stop` returns promptly.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import queue
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.deadline import Deadline, PastDeadline, Silent
from tlsexplorer.core.errors import (
    TlsxError,
)
from tlsexplorer.core.listen import LOOPBACK, listen
from tlsexplorer.core.symmetric.fernet import FernetKey, encrypt
from tlsexplorer.core.text import printable
from tlsexplorer.core.tls.records import Exchange, Segment, analyse_exchange
from tlsexplorer.core.tls.server_events import ConnectionEvent, EventLog

DEFAULT_PORT = 8443
"""The port ``tls serve`` uses when none is given."""

DEFAULT_SECRET = "the password to the treasure chest is 'fluffy-tail-42'"
"""The secret message on the served page: visible on the wire over plain HTTP only."""

#: Seconds a client may stay silent (each read).
CLIENT_TIMEOUT = 5.0
#: Seconds a client has for its handshake and its whole request, however it trickles them.
REQUEST_DEADLINE = 10.0
#: Largest request head the server reads.
MAX_REQUEST = 16 * 1024
#: Most connections served at once (lowered to fit the open-files limit); more wait in the backlog.
MAX_CONNECTIONS = 1024
#: File descriptors kept free for everything but connections.
FD_RESERVE = 64
#: Longest pause (seconds) between accept() attempts when file descriptors ran out.
ACCEPT_BACKOFF_MAX = 1.0
#: A notice (at the cap, out of descriptors) is said at most once in this many seconds.
NOTICE_INTERVAL = 60.0


def describe_server_error(exc: BaseException) -> str:
    """Say in words why a client's connection failed on the server side."""
    if isinstance(exc, _TlsOnPlain):
        return "a TLS ClientHello reached the plain HTTP port (use http://, or serve without --plain)"
    if isinstance(exc, _NoRequest):
        return "closed after the handshake without a request (a probe, or a client that gave up)"
    if isinstance(exc, _HeadTooLarge):
        return f"the request head is over {MAX_REQUEST // 1024} KiB: answered 431 and closed"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"the client said nothing for {CLIENT_TIMEOUT:.0f} s; connection dropped"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        table = {
            "TLSV1_ALERT_UNKNOWN_CA": "the client rejected our certificate: it does not trust the CA "
            "(alert unknown_ca)",
            "SSLV3_ALERT_BAD_CERTIFICATE": "the client rejected our certificate (alert bad_certificate)",
            "SSLV3_ALERT_CERTIFICATE_EXPIRED": "the client rejected our certificate: expired",
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the client rejected our certificate (alert "
            "certificate_unknown)",
            "HTTP_REQUEST": "a plain HTTP request reached the HTTPS port (use https://)",
            "WRONG_VERSION_NUMBER": "the client does not speak TLS",
            "NO_SHARED_CIPHER": "no cipher suite in common with the client",
            "UNSUPPORTED_PROTOCOL": "the client only offers a TLS version we do not accept",
            "PEER_DID_NOT_RETURN_A_CERTIFICATE": "mutual TLS: the client sent no certificate",
            "CERTIFICATE_VERIFY_FAILED": "mutual TLS: the client's certificate did not verify",
            "TLSV13_ALERT_CERTIFICATE_REQUIRED": "mutual TLS: the client sent no certificate",
        }
        if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
            # Say which check the client's certificate failed (its issuer, its purpose, its dates).
            return f"mutual TLS: the client's certificate did not verify: {exc.verify_message}"
        if reason in table:
            return table[reason]
        if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return "the client closed the connection during the handshake"
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "the client reset the connection"
    return f"{exc.__class__.__name__}: {exc}"


def page(secret: str, tls: bool, token: bytes | None = None) -> bytes:
    """The HTML page served at ``/``; with a Fernet ``token``, the token stands where the secret was."""
    how = "over HTTPS: only the two ends can read it" if tls else (
        "over plain HTTP: anyone on the path can read it")
    line = f"<p>The secret message is: <b>{secret}</b></p>\n"
    if token is not None:
        line = (f"<p>The secret message, Fernet-encrypted: <b>{token.decode('ascii')}</b></p>\n"
                "<p>Only a client with the key reads it (the same token alone: /fernet).</p>\n")
    return (
        "<!doctype html>\n<html><head><title>tlsexplorer lab</title></head><body>\n"
        f"<h1>Alice's Web Shop</h1>\n{line}"
        f"<p>This page came {how}.</p>\n</body></html>\n"
    ).encode()


def connection_cap(requested: int = MAX_CONNECTIONS) -> int:
    """The connection cap a server can keep: ``requested``, lowered to fit the open-files limit.

    Each connection holds one file descriptor; :data:`FD_RESERVE` stay free for
    everything else, so a server at its cap does not run out of descriptors.
    """
    try:
        import resource
    except ImportError:  # not on Unix: no such limit to read
        return max(1, requested)
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return max(1, requested)
    return max(1, min(requested, soft - FD_RESERVE))


def _open_files_limit() -> str:
    try:
        import resource
    except ImportError:
        return "unknown"
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return "unlimited" if soft == resource.RLIM_INFINITY else f"{soft:,}"


class LabServer:
    """The lab's web server: HTTPS with ``context``, or plain HTTP without one.

    Use :meth:`start` / :meth:`stop` or ``with LabServer(...) as server:``.
    Every connection is passed to ``on_event`` and then kept in :attr:`events`
    (the last 1,000); what the server itself has to say (at its connection cap, out
    of file descriptors) goes to :attr:`notices` and ``on_notice``. Both
    callbacks run on one thread of their own, in order, so a slow listener
    never holds a connection (past 10,000 waiting lines, lines are dropped and
    the count said).

    One event loop thread serves every connection: a client costs a socket,
    not a thread. Each read has ``timeout`` seconds and the handshake and
    request together have ``deadline`` seconds, however the client trickles
    its bytes. At most ``max_connections`` are served at once (lowered to fit
    the open-files limit, see :func:`connection_cap`); more wait in the listen
    backlog until one ends.
    """

    def __init__(
        self,
        context: ssl.SSLContext | None,
        *,
        port: int = 0,
        secret: str = DEFAULT_SECRET,
        on_event: Callable[[ConnectionEvent], None] | None = None,
        timeout: float = CLIENT_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
        max_connections: int = MAX_CONNECTIONS,
        on_notice: Callable[[str], None] | None = None,
        keylog: str | Path | None = None,
        tls_layer: Callable[[Any, Any], Any] | None = None,
        fernet_key: FernetKey | None = None,
    ) -> None:
        if keylog is not None and context is not None:
            # For tests and cross-checks: OpenSSL appends this connection's secrets (NSS key log format).
            context.keylog_filename = str(keylog)
        self.context = context
        """The server's TLS context (None: plain HTTP, unless ``tls_layer`` is given)."""
        self.tls_layer = tls_layer
        """Makes each connection's TLS layer instead of Python's ssl: ``(stream, state) -> layer``
        (``tls serve --staple``: :class:`tlsexplorer.core.tls.stapling.StaplingLayer`)."""
        self.requested_port = port
        """The port asked for (0: any free port)."""
        self.secret = secret
        """The secret message on the page."""
        self.fernet_key = fernet_key
        """The Fernet page (``tls serve --fernet-key-file``): the secret goes out as a token made with
        this key, fresh at each request, also alone at ``/fernet``; None: the secret as it is."""
        self.on_event = on_event
        """Called with each :class:`ConnectionEvent`."""
        self.on_notice = on_notice
        """Called with each line the server has to say about itself."""
        self.timeout = timeout
        """Seconds a client may stay silent."""
        self.deadline = deadline
        """Seconds a client has for its handshake and its whole request."""
        self.max_connections = max_connections
        """Most connections served at once (after :meth:`start`: the cap in force)."""
        self.events = EventLog(maxlen=1000)
        """The most recent connections (:meth:`EventLog.wait_for` waits for the next ones)."""
        self.notices: deque[str] = deque(maxlen=100)
        """The most recent lines the server said about itself."""
        self.accept_errors = 0
        """accept() calls that failed (out of file descriptors, or the client left first)."""
        self._address: tuple[str, int] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._log: _LogThread | None = None
        self._counter = itertools.count(1)
        self._connections = 0
        self._noted: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._pages = {True: page(secret, True), False: page(secret, False)}

    @property
    def tls(self) -> bool:
        """True when serving HTTPS."""
        return self.context is not None or self.tls_layer is not None

    @property
    def address(self) -> tuple[str, int] | None:
        """The address listened on (None before :meth:`start`)."""
        return self._address

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        return self.requested_port if self._address is None else self._address[1]

    @property
    def url(self) -> str:
        """``https://localhost:PORT/`` (or http://)."""
        return f"{'https' if self.tls else 'http'}://localhost:{self.port}/"

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._thread is not None

    def start(self) -> LabServer:
        """Listen on 127.0.0.1 and serve in a background thread.

        Raises:
            UsageError: the port is in use, or needs privileges.
        """
        if self._thread is not None:
            return self
        listener = listen(self.requested_port)
        self._address = listener.getsockname()[:2]
        self.max_connections = connection_cap(self.max_connections)
        if self.on_event is not None or self.on_notice is not None:
            self._log = _LogThread(self.on_event, self.on_notice, self.events)
        self._loop = asyncio.new_event_loop()
        self._stop_event = asyncio.Event()
        self._thread = threading.Thread(target=self._run, args=(listener,), name="tls-lab-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, drop the open connections, and wait (briefly) for the loop and the log."""
        thread, loop, event = self._thread, self._loop, self._stop_event
        if thread is None or loop is None or event is None:
            return
        self._thread = None
        with contextlib.suppress(RuntimeError):  # the loop already ended
            loop.call_soon_threadsafe(event.set)
        thread.join(timeout=5)
        if self._log is not None:
            self._log.close(timeout=5)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # The loop -------------------------------------------------------------

    def _run(self, listener: socket.socket) -> None:
        loop = self._loop
        assert loop is not None
        try:
            loop.run_until_complete(self._serve(listener))
        finally:
            listener.close()
            loop.close()

    async def _serve(self, listener: socket.socket) -> None:
        assert self._stop_event is not None
        accepting = asyncio.ensure_future(self._accept(listener))
        await self._stop_event.wait()
        accepting.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(accepting, *self._tasks, return_exceptions=True)

    async def _accept(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self.max_connections)
        backoff = 0.0
        while True:
            if slots.locked():
                self._note("cap", f"at the cap of {self.max_connections:,} connections: new connections wait "
                           "in the listen backlog until one ends (each has at most "
                           f"{self.deadline:g} s for its handshake and request)")
            await slots.acquire()
            try:
                sock, address = await loop.sock_accept(listener)
            except OSError as exc:
                slots.release()
                self.accept_errors += 1
                if exc.errno not in _OUT_OF_DESCRIPTORS:
                    continue  # the client left before it was accepted (ECONNABORTED...)
                # The connection stays in the backlog, and the socket stays readable: without a pause
                # the loop would retry at once, forever, at 100 % of a core.
                name = errno.errorcode.get(exc.errno or 0, "EMFILE")
                self._note("descriptors", f"out of file descriptors ({name}; open-files limit "
                           f"{_open_files_limit()}): new connections wait in the listen backlog while "
                           "accepting backs off; raise the limit (ulimit -n) or lower the connection cap")
                backoff = min(ACCEPT_BACKOFF_MAX, backoff * 2 if backoff else 0.05)
                await asyncio.sleep(backoff)
                continue
            backoff = 0.0
            task = loop.create_task(self._connection(sock, address, slots))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _note(self, key: str, text: str) -> None:
        """Say ``text`` once, and again at most every :data:`NOTICE_INTERVAL` seconds."""
        now = time.monotonic()
        last = self._noted.get(key)
        if last is not None and now - last < NOTICE_INTERVAL:
            return
        self._noted[key] = now
        self.notices.append(text)
        if self._log is not None:
            self._log.put(text)

    # One connection -------------------------------------------------------

    @property
    def connections(self) -> int:
        """How many connections were handled since :meth:`start` (also past the log's 1,000)."""
        return self._connections

    def _emit(self, event: ConnectionEvent) -> None:
        self._connections = max(self._connections, event.number)
        if self._log is not None:
            self._log.put(event)  # kept in events once on_event has seen it
        else:
            self.events.append(event)

    async def _connection(self, sock: socket.socket, address: Any, slots: asyncio.Semaphore) -> None:
        state = _State(next(self._counter), f"{address[0]}:{address[1]}", self.tls)
        try:
            sock.setblocking(False)
            stream = _Stream(sock, self.timeout, self.deadline)
            try:
                # The outer wait_for bounds the sends; every read is bounded by the deadline itself
                # (Deadline.read, see core/deadline.py: a wait_for inside another one can swallow
                # the outer cancellation before Python 3.12).
                await asyncio.wait_for(self._exchange(stream, state), self.deadline)
            except Silent:  # a TimeoutError too: caught first
                state.error = state.silent(self.timeout)
            except (asyncio.TimeoutError, PastDeadline):
                state.error = state.too_slow(self.deadline)
            except _Closed as exc:
                state.error = state.closed(exc.reset)
            except (OSError, ssl.SSLError, ValueError) as exc:
                state.error = describe_server_error(exc)
            self._emit(state.event())
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            slots.release()

    async def _exchange(self, stream: _Stream, state: _State) -> None:
        conn: _Stream | _TlsStream = stream
        if self.tls:
            tls = (self.tls_layer(stream, state) if self.tls_layer is not None
                   else _TlsStream(stream, self.context, state))  # type: ignore[arg-type]
            try:
                await tls.handshake()
            except ssl.SSLError as exc:
                if exc.reason == "HTTP_REQUEST":
                    await _answer_plain_http(stream, self.port)
                raise
            finally:
                state.sni = printable(tls.sni())
            state.info = tls.negotiated()
            conn = tls
        state.phase, state.received = "request", 0
        try:
            request = await _read_head(conn, state)
        except _TlsOnPlain:
            # Answer like any web server would, so the client learns at once that this is not TLS.
            await stream.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            raise
        except _HeadTooLarge as exc:
            state.request, state.status = _request_line(exc.head), 431
            await conn.send(_response(431, b"request head too large: at most 16 KiB\n"))
            raise
        line = _request_line(request)
        status, body = self._respond(line)
        state.phase = "response"
        await conn.send(_response(status, body))
        state.request, state.status = line, status
        await conn.close()

    def _respond(self, line: str) -> tuple[int, bytes]:
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return 400, b"bad request\n"
        if parts[0] not in ("GET", "HEAD"):
            return 405, b"only GET is served here\n"
        if parts[1] == "/fernet":
            if self.fernet_key is None:
                return 404, b"no Fernet page: serve with --fernet-key-file FILE\n"
            return 200, self._token() + b"\n"
        if parts[1] not in ("/", "/index.html"):
            return 404, b"not found: try /\n"
        if self.fernet_key is not None:
            return 200, page(self.secret, self.tls, self._token())
        return 200, self._pages[self.tls]

    def _token(self) -> bytes:
        assert self.fernet_key is not None
        return encrypt(self.fernet_key, self.secret.encode(), now=int(time.time()))


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            431: "Request Header Fields Too Large"}

#: accept() errors that mean "out of descriptors or memory" (the backlog keeps the connection).
_OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


def _response(status: int, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nServer: tlsexplorer-lab\r\n\r\n"
    ).encode()
    return head + body


def _request_line(request: bytes) -> str:
    # The first line alone (a client may end it with a bare LF), with any control character
    # escaped: it goes straight to a terminal, and escape sequences there are an attack.
    return printable(request.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")[:200])


class _State:
    """What is known of one connection so far: its phase, what it sent, what was negotiated."""

    def __init__(self, number: int, peer: str, tls: bool) -> None:
        self.number, self.peer, self.tls = number, peer, tls
        self.phase = "handshake" if tls else "request"
        self.received = 0
        """Bytes received in this phase (raw in the handshake, plaintext in the request)."""
        self.sni: str | None = None
        self.info: dict[str, str | None] = {}
        self.request: str | None = None
        self.status: int | None = None
        self.error: str | None = None

    def event(self) -> ConnectionEvent:
        return ConnectionEvent(self.number, self.peer, self.tls, sni=self.sni, request=self.request,
                               status=self.status, error=self.error, **self.info)

    def _bytes(self) -> str:
        return f"{self.received:,} byte{'' if self.received == 1 else 's'}"

    def _what(self) -> str:
        return "TLS handshake" if self.phase == "handshake" else "request"

    def silent(self, seconds: float) -> str:
        if self.received == 0:
            after = " after the handshake" if self.tls and self.phase != "handshake" else ""
            return f"the client said nothing for {seconds:g} s{after}; connection dropped"
        return (f"the client sent {self._bytes()} of its {self._what()}, then nothing for "
                f"{seconds:g} s; connection dropped")

    def too_slow(self, seconds: float) -> str:
        if self.phase == "response":
            return f"the client did not take the answer within the {seconds:g} s deadline; connection dropped"
        return (f"the client did not finish its {self._what()} within the {seconds:g} s deadline "
                f"({self._bytes()} of it arrived: a trickling client, as in a slowloris attack); "
                "connection dropped")

    def closed(self, reset: bool) -> str:
        how = "reset" if reset else "closed"
        if self.phase == "handshake":
            return f"the client {how} the connection during the handshake"
        return (f"the client {how} the connection in the middle of its request ({self._bytes()}, "
                "without the blank line that ends the head)")


class _Closed(OSError):
    """The client closed (or reset) the connection part of the way through (handshake or request)."""

    def __init__(self, reset: bool = False) -> None:
        super().__init__("reset" if reset else "closed")
        self.reset = reset


class _NoRequest(OSError):
    """The client closed after the handshake without sending a request."""


class _TlsOnPlain(ValueError):
    """A TLS ClientHello reached the plain HTTP server."""


class _HeadTooLarge(ValueError):
    """The request head passed :data:`MAX_REQUEST` without ending."""

    def __init__(self, head: bytes) -> None:
        super().__init__(f"request head larger than {MAX_REQUEST // 1024} KiB")
        self.head = head


class _Stream:
    """A non-blocking socket read and written through the event loop, each read bounded by the
    read timeout and by the connection's deadline (``deadline`` seconds from now)."""

    def __init__(self, sock: socket.socket, timeout: float, deadline: float) -> None:
        self.sock, self.timeout = sock, timeout
        self.loop = asyncio.get_running_loop()
        self.deadline = Deadline(deadline)

    async def recv(self, timeout: float | None = None) -> bytes:
        """The next bytes (b"" at end of stream); Silent after ``timeout`` quiet seconds,
        PastDeadline once the deadline passed, however the bytes trickle."""
        return await self.deadline.read(self.loop.sock_recv(self.sock, 65536), timeout or self.timeout)

    async def send(self, data: bytes) -> None:
        await self.loop.sock_sendall(self.sock, data)

    async def close(self) -> None:
        """Nothing to say before closing plain TCP."""


class _TlsStream:
    """TLS over a :class:`_Stream`, through memory buffers, so the handshake never blocks the loop."""

    def __init__(self, raw: _Stream, context: ssl.SSLContext, state: _State) -> None:
        self.raw, self.state = raw, state
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = context.wrap_bio(self.incoming, self.outgoing, server_side=True)
        self.hello = b""
        """The client's first bytes (its ClientHello), for the SNI."""

    async def _flush(self) -> None:
        data = self.outgoing.read()
        if data:
            await self.raw.send(data)

    async def handshake(self) -> None:
        while True:
            try:
                self.obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                # Send our alert (unknown_ca, certificate_required...) so the client learns why.
                with contextlib.suppress(OSError):
                    await self._flush()
                raise
            await self._flush()
            try:
                data = await self.raw.recv()
            except ConnectionResetError:
                raise _Closed(reset=True) from None
            if not data:
                raise _Closed()
            self.state.received += len(data)
            if len(self.hello) < MAX_REQUEST:
                self.hello += data[: MAX_REQUEST - len(self.hello)]
            self.incoming.write(data)
        await self._flush()  # the last flight, and TLS 1.3 session tickets

    def negotiated(self) -> dict[str, str | None]:
        """Version, cipher suite, ALPN and the client certificate's subject, once the handshake is done."""
        cipher = self.obj.cipher()
        return {"tls_version": self.obj.version(), "cipher": cipher[0] if cipher else None,
                "alpn": self.obj.selected_alpn_protocol(), "client_cert": _client_subject(self.obj)}

    def sni(self) -> str | None:
        """The server name in the client's ClientHello, read by hand.

        Not from ``SSLContext.sni_callback``: Python decodes the name as ASCII
        before calling it, and a name that is not ASCII ends there as an
        "Exception ignored" on stderr and a refused handshake.
        """
        if not self.hello:
            return None
        try:
            return analyse_exchange(Exchange((Segment("client", self.hello),))).sni
        except (TlsxError, ValueError):
            return None

    async def recv(self) -> bytes:
        while True:
            try:
                return self.obj.read(65536)
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLZeroReturnError:
                return b""
            await self._flush()
            data = await self.raw.recv()
            if not data:
                return b""
            self.incoming.write(data)

    async def send(self, data: bytes) -> None:
        self.obj.write(data)
        await self._flush()

    async def close(self) -> None:
        """Send close_notify."""
        with contextlib.suppress(ssl.SSLError):
            self.obj.unwrap()
        with contextlib.suppress(OSError):
            await self._flush()


async def _read_head(conn: _Stream | _TlsStream, state: _State) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        try:
            chunk = await conn.recv()
        except ConnectionResetError:
            if not data:
                raise _NoRequest() from None
            raise _Closed(reset=True) from None
        if not chunk:
            if not data:
                raise _NoRequest()
            raise _Closed()
        data += chunk
        state.received = len(data)
        if data[:2] == b"\x16\x03":
            raise _TlsOnPlain()
        if len(data) > MAX_REQUEST:
            raise _HeadTooLarge(data)
    return data


async def _answer_plain_http(stream: _Stream, port: int) -> None:
    """Answer a plain HTTP request that reached the HTTPS port in plain HTTP, as nginx does, so
    curl shows why (instead of 'Connection reset by peer')."""
    body = (f"This port speaks HTTPS: a plain HTTP request was sent to it. "
            f"Use https://localhost:{port}/\n").encode()
    head = (f"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    # The handshake failed before any TLS record was sent: the socket is still a clean TCP stream.
    with contextlib.suppress(OSError):
        await stream.send(head + body)
        stream.sock.shutdown(socket.SHUT_WR)
        # Read what is left of the request before closing: closing with unread bytes sends a TCP
        # reset, which can make the client drop the answer unread (at most 16 KiB and 1 s).
        deadline = time.monotonic() + 1.0
        left = MAX_REQUEST
        while left > 0 and (wait := deadline - time.monotonic()) > 0:
            chunk = await stream.recv(wait)
            if not chunk:
                break
            left -= len(chunk)


def _client_subject(tls: ssl.SSLObject) -> str | None:
    der = tls.getpeercert(binary_form=True)
    if not der:
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except Exception:  # whatever a client sends
        return "(unreadable certificate)"
    return printable(safe.rfc4514_or_none(cert) or "(unreadable subject)")


class _LogThread:
    """Hands events and notices to the listeners on a thread of their own, in order."""

    _STOP = object()

    def __init__(self, on_event: Callable[[ConnectionEvent], None] | None,
                 on_notice: Callable[[str], None] | None, events: EventLog) -> None:
        self.on_event, self.on_notice, self.events = on_event, on_notice, events
        self.queue: queue.Queue[object] = queue.Queue(maxsize=10_000)
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="tls-lab-log", daemon=True)
        self.thread.start()

    def put(self, item: ConnectionEvent | str) -> None:
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            if isinstance(item, ConnectionEvent):
                self.events.append(item)

    def close(self, timeout: float) -> None:
        with contextlib.suppress(queue.Full):
            self.queue.put(self._STOP, timeout=timeout)
        self.thread.join(timeout)

    def _run(self) -> None:
        while (item := self.queue.get()) is not self._STOP:
            if self.dropped:
                dropped, self.dropped = self.dropped, 0
                self._call(f"{dropped:,} log lines dropped: the log's reader was too slow")
            self._call(item)

    def _call(self, item: object) -> None:
        # A listener's bug must not kill the server.
        with contextlib.suppress(Exception):
            if isinstance(item, ConnectionEvent):
                try:
                    if self.on_event is not None:
                        self.on_event(item)
                finally:
                    self.events.append(item)
            elif self.on_notice is not None:
                self.on_notice(str(item))


def free_port() -> int:
    """A port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port
