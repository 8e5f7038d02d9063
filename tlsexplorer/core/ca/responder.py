"""The CA's OCSP responder: HTTP on 127.0.0.1, GET and POST (RFC 6960 appendix A).

Each request is answered from the CA folder's record as it is at that moment
(re-read when the file changed), so a revocation shows at once. Hardened
like the lab server (:mod:`tlsexplorer.core.tls.server`): it listens on
127.0.0.1 only, one event loop serves every connection, each read has a time
limit and each request a deadline that every read is bounded by (however a
client trickles its bytes), the head and the body have size limits,
at most :data:`MAX_CONNECTIONS` are served at once, and :meth:`OcspResponder.stop`
returns promptly. A request that is not an OCSP request gets a
``malformedRequest`` OCSP response (HTTP 200, as RFC 6960 wants).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import itertools
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from cryptography import x509

import tlsexplorer.core.ca.ocsp as ocsp
import tlsexplorer.core.ca.registry as registry
from tlsexplorer.core.deadline import Deadline, PastDeadline, Silent
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.listen import LOOPBACK, listen
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import utcnow

DEFAULT_PORT = 8888
"""The port ``ca ocsp`` uses when none is given."""
#: Seconds a client may stay silent (each read).
CLIENT_TIMEOUT = 5.0
#: Seconds a client has for its whole request.
REQUEST_DEADLINE = 10.0
#: Largest request head read.
MAX_HEAD = 16 * 1024
#: Largest POST body read (an OCSP request is a few hundred bytes).
MAX_BODY = 64 * 1024
#: Most connections served at once; more wait in the listen backlog.
MAX_CONNECTIONS = 256


@dataclass(frozen=True)
class ResponderEvent:
    """One request the responder answered (or could not read)."""

    number: int
    """Its number since the start."""
    peer: str
    """host:port of the client."""
    method: str
    """GET, POST, or what was sent ("" when nothing was)."""
    answer: ocsp.Answer | None
    """What was answered (None: no OCSP answer was sent)."""
    http_status: int
    """The HTTP status sent (0: none)."""
    error: str | None = None
    """Why the connection ended without an answer."""

    def summary(self) -> str:
        """One line for a log."""
        if self.answer is not None:
            return f"#{self.number} {self.method or '?'} {self.answer.summary()}"
        return f"#{self.number} {self.error or f'HTTP {self.http_status}'}"


class _Ended(Exception):
    """The client closed the connection before its request was whole."""


class _Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


class OcspResponder:
    """Answer OCSP for the CA in ``ca_dir`` on 127.0.0.1:``port`` (0: any free port).

    Use :meth:`start` / :meth:`stop`, or ``with OcspResponder(...) as responder:``.
    ``clock`` gives the time each answer is made at (default: now).
    """

    def __init__(
        self, ca_dir: str | Path, issuer: x509.Certificate, signer: ocsp.Signer, *, port: int = 0,
        validity: dt.timedelta = ocsp.DEFAULT_VALIDITY, clock: Callable[[], dt.datetime] | None = None,
        on_event: Callable[[ResponderEvent], None] | None = None, timeout: float = CLIENT_TIMEOUT,
        deadline: float = REQUEST_DEADLINE, max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.folder = Path(ca_dir)
        """The CA folder whose record is answered from."""
        self.issuer = issuer
        """The CA certificate."""
        self.signer = signer
        """Who signs the answers."""
        self.requested_port = port
        """The port asked for."""
        self.validity = validity
        """How long each answer stays fresh."""
        self.clock = clock or utcnow
        """The time answers are made at."""
        self.on_event = on_event
        """Called (on the responder's thread) with each :class:`ResponderEvent`."""
        self.timeout, self.deadline, self.max_connections = timeout, deadline, max_connections
        self.events: deque[ResponderEvent] = deque(maxlen=1000)
        """The most recent requests."""
        self._address: tuple[str, int] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._counter = itertools.count(1)
        self._record: tuple[tuple[int, int, int], registry.Record] | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        return self.requested_port if self._address is None else self._address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/``"""
        return f"http://{LOOPBACK}:{self.port}/"

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._thread is not None

    def start(self) -> OcspResponder:
        """Read the record once (so a damaged one is said now), listen, and serve in a thread.

        Raises:
            UsageError: the port is in use or needs privileges.
            InvalidInput: the record is damaged.
        """
        if self._thread is not None:
            return self
        self.record()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="ocsp-responder", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._failure is not None:
            self._thread.join(timeout=5)
            self._thread = None
            raise self._failure
        return self

    def stop(self) -> None:
        """Stop listening, drop open connections and wait (briefly) for the thread."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None or loop is None:
            return
        self._thread = None
        if stop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=5)

    def __enter__(self) -> OcspResponder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self) -> registry.Record:
        """The CA's record, read again only when the file changed."""
        path = self.folder / registry.RECORD
        try:
            info = os.stat(path)
            stamp = (info.st_mtime_ns, info.st_ino, info.st_size)
        except OSError:
            stamp = (0, 0, 0)
        if self._record is None or self._record[0] != stamp or stamp == (0, 0, 0):
            self._record = (stamp, registry.load_record(self.folder))
        return self._record[1]

    def answer(self, request_der: bytes) -> ocsp.Answer:
        """The answer to one DER request, as the server sends it."""
        try:
            record = self.record()
        except TlsxError as exc:
            return ocsp.refusal("internalError", str(exc))
        return ocsp.answer(request_der, record, self.issuer, self.signer, self.clock(), self.validity)

    # The loop ---------------------------------------------------------------

    def _run(self) -> None:
        loop = self._loop
        assert loop is not None
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # handed to start(), which raises it
            self._failure = exc
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        slots = asyncio.Semaphore(self.max_connections)

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                async with slots:
                    await self._connection(reader, writer)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        # The one listening socket maker: a port in use reads as it does for the lab server.
        self._server = await asyncio.start_server(handle, sock=listen(self.requested_port), limit=MAX_HEAD)
        self._address = self._server.sockets[0].getsockname()[:2]
        self._ready.set()
        await self._stop.wait()
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("?", 0)
        number = next(self._counter)
        answer, status, error = None, 0, None
        seen: list[str] = []
        try:
            # Each read is bounded by the read timeout and by what is left of the request's deadline
            # (Deadline.read), never by a wait_for nested in another: before Python 3.12 the inner one
            # can swallow the outer cancellation, and a trickling client then outlived its deadline.
            _method, body = await self._read(reader, Deadline(self.deadline), seen)
            answer = await asyncio.get_running_loop().run_in_executor(None, self.answer, body)
            status = 200
            writer.write(_http(200, answer.response, "application/ocsp-response"))
            await asyncio.wait_for(writer.drain(), self.timeout)
        except _Refused as exc:
            status, error = exc.status, str(exc)
            if exc.status == 200:  # not an OCSP request: an OCSP error response
                answer = ocsp.refusal("malformedRequest", str(exc))
                writer.write(_http(200, answer.response, "application/ocsp-response"))
            else:
                writer.write(_http(exc.status, (str(exc) + "\n").encode(), "text/plain"))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.drain(), self.timeout)
        except _Ended as exc:
            error = str(exc)
        except Silent:  # a TimeoutError too: caught first
            error = f"the client sent nothing for {self.timeout:g} s; dropped"
        except (PastDeadline, asyncio.TimeoutError):
            error = f"no whole request within {self.deadline:g} s; dropped"
        except (OSError, ValueError) as exc:
            error = f"connection ended: {exc.__class__.__name__}"
        finally:
            with contextlib.suppress(Exception):
                writer.close()
        event = ResponderEvent(number, f"{peer[0]}:{peer[1]}", "".join(seen[:1]), answer, status, error)
        self.events.append(event)
        if self.on_event is not None:
            with contextlib.suppress(Exception):
                self.on_event(event)

    async def _read(self, reader: asyncio.StreamReader, deadline: Deadline,
                    seen: list[str]) -> tuple[str, bytes]:
        data = b""
        while b"\r\n\r\n" not in data[: MAX_HEAD + 4]:
            if len(data) >= MAX_HEAD:
                raise _Refused(431, f"request head over {MAX_HEAD // 1024} KiB")
            chunk = await deadline.read(reader.read(MAX_HEAD), self.timeout)
            if not chunk:
                raise _Ended(f"the client closed the connection after {len(data)} bytes of its request head")
            data += chunk
        raw_head, _, body = data.partition(b"\r\n\r\n")
        lines = raw_head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise _Refused(400, f"not an HTTP request: {printable(lines[0][:80])}")
        method, target = parts[0], parts[1]
        seen.append(printable(method[:16]))
        if method == "GET":
            try:
                return method, base64.b64decode(unquote(target.lstrip("/")), validate=True)
            except (binascii.Error, ValueError):
                raise _Refused(200, "the GET path is not a base64 OCSP request") from None
        if method != "POST":
            raise _Refused(405, "only GET and POST are answered")
        fields = (line.partition(":") for line in lines[1:] if line)
        headers = {name.strip().lower(): value.strip() for name, _, value in fields}
        length = headers.get("content-length", "")
        if not length.isdigit():
            raise _Refused(411, "a POST needs a Content-Length")
        if int(length) > MAX_BODY:
            raise _Refused(413, f"request body over {MAX_BODY // 1024} KiB")
        while len(body) < int(length):
            chunk = await deadline.read(reader.read(int(length) - len(body)), self.timeout)
            if not chunk:
                raise _Ended(f"the client closed the connection after {len(body)} of the {length} bytes "
                             "of its request body")
            body += chunk
        return method, body[: int(length)]


_REASONS = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed", 411: "Length Required",
            413: "Content Too Large", 431: "Request Header Fields Too Large"}


def _http(status: int, body: bytes, content_type: str) -> bytes:
    head = (f"HTTP/1.0 {status} {_REASONS[status]}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\nServer: tlsexplorer-ocsp\r\n\r\n")
    return head.encode() + body


__all__ = [
    "CLIENT_TIMEOUT",
    "DEFAULT_PORT",
    "MAX_BODY",
    "MAX_CONNECTIONS",
    "MAX_HEAD",
    "REQUEST_DEADLINE",
    "OcspResponder",
    "ResponderEvent",
]
