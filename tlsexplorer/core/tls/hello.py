"""The one ClientHello builder, and the reader of the server's first answer.

:func:`client_hello` writes a ClientHello handshake message from its parts
(version, random, session id, suites, extensions); the ``ext_*`` functions
write the extension bodies. The hand-made TLS 1.3 client
(:mod:`tlsexplorer.core.hazmat.tls13_walker`) and the scanner
(:mod:`tlsexplorer.core.tls.scan`) both build theirs here, so a scan can
offer what the local OpenSSL cannot (X25519MLKEM768, any TLS 1.3 suite, a
suite the local build left out).

:func:`send_hello` sends one and reads the answer up to the server's first
handshake message: a ServerHello (or HelloRetryRequest), an alert, a close,
or bytes that are not TLS. Reads are bounded in size and by the deadline.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.records import ALERT_DESCRIPTIONS, ServerHello, parse_server_hello

if TYPE_CHECKING:
    from tlsexplorer.core.deadline import Deadline

#: Largest first handshake message read (a ServerHello with a post-quantum key share is ~1.2 KB).
MAX_FIRST_MESSAGE = 64 * 1024


def u16(value: int) -> bytes:
    """Two bytes, big-endian."""
    return value.to_bytes(2, "big")


def vec(data: bytes, length_bytes: int) -> bytes:
    """A TLS vector: its length in ``length_bytes`` bytes, then the data."""
    return len(data).to_bytes(length_bytes, "big") + data


def handshake_message(kind: int, body: bytes) -> bytes:
    """A handshake message: type, 3-byte length, body."""
    return bytes([kind]) + vec(body, 3)


def extension(kind: int, body: bytes) -> bytes:
    """One extension: type, then its body as a 2-byte vector."""
    return u16(kind) + vec(body, 2)


def record(content_type: int, payload: bytes, version: int = 0x0301) -> bytes:
    """A plaintext record: content type, record version, length, payload."""
    return bytes([content_type]) + u16(version) + vec(payload, 2)


def ext_server_name(name: str) -> bytes:
    """The server_name (SNI) body: one host_name entry (IDNA for a non-ASCII name)."""
    host_name = name.encode() if name.isascii() else name.encode("idna")
    return vec(b"\x00" + vec(host_name, 2), 2)


def ext_supported_versions(versions: Sequence[int]) -> bytes:
    """The supported_versions body of a ClientHello."""
    return vec(b"".join(u16(v) for v in versions), 1)


def ext_u16_list(codes: Sequence[int]) -> bytes:
    """A list of 16-bit codes: supported_groups, signature_algorithms, signature_algorithms_cert."""
    return vec(b"".join(u16(c) for c in codes), 2)


def ext_key_share(shares: Sequence[tuple[int, bytes]]) -> bytes:
    """The key_share body of a ClientHello: (group, public key) entries (none: ask for a retry)."""
    return vec(b"".join(u16(group) + vec(public, 2) for group, public in shares), 2)


def ext_alpn(protocols: Sequence[str]) -> bytes:
    """The application_layer_protocol_negotiation body."""
    return vec(b"".join(vec(p.encode("ascii"), 1) for p in protocols), 2)


def client_hello(*, random: bytes, session_id: bytes, suites: Sequence[int],
                 extensions: Sequence[tuple[int, bytes]], legacy_version: int = 0x0303) -> bytes:
    """A ClientHello handshake message (null compression only).

    ``extensions`` are (type, body) pairs in the order sent; ``legacy_version``
    is 0x0303 for TLS 1.2 and 1.3 (1.3 is asked for in supported_versions),
    0x0301/0x0302 for TLS 1.0/1.1.
    """
    ext_bytes = b"".join(extension(kind, body) for kind, body in extensions)
    body = (u16(legacy_version) + random + vec(session_id, 1) + vec(b"".join(u16(s) for s in suites), 2)
            + b"\x01\x00" + vec(ext_bytes, 2))
    return handshake_message(1, body)


AnswerKind = Literal["server_hello", "alert", "closed", "not_tls"]
"""What the server answered a ClientHello with."""


@dataclass(frozen=True)
class HelloAnswer:
    """The server's answer to a ClientHello, up to its first handshake message."""

    kind: AnswerKind
    """A ServerHello (or HelloRetryRequest), an alert, a close, or something that is not TLS."""
    server_hello: ServerHello | None = None
    """The ServerHello read (``is_hello_retry`` for a HelloRetryRequest)."""
    alert: int | None = None
    """The alert description number."""
    detail: str = ""
    """What happened, in words."""

    @property
    def alert_name(self) -> str:
        """The alert's name (``handshake_failure``), or ""."""
        return "" if self.alert is None else ALERT_DESCRIPTIONS.get(self.alert, f"alert {self.alert}")


def send_hello(
    sock: socket.socket, message: bytes, deadline: Deadline, record_version: int = 0x0301
) -> HelloAnswer:
    """Send a ClientHello ``message`` on ``sock`` and read the server's first handshake message.

    Raises:
        TimeoutError: the deadline ran out.
        OSError: the connection failed (a reset is a "closed" answer).
    """
    sock.settimeout(deadline.left())
    sock.sendall(record(22, message, record_version))
    buffer, handshake = b"", b""
    while True:
        while len(buffer) < 5 or len(buffer) < 5 + int.from_bytes(buffer[3:5], "big"):
            if len(buffer) >= 5 and int.from_bytes(buffer[3:5], "big") > 18432:
                return HelloAnswer("not_tls", detail="a record longer than TLS allows")
            if len(buffer) >= 1 and (buffer[0] not in (21, 22) or (len(buffer) > 1 and buffer[1] != 3)):
                return HelloAnswer("not_tls", detail=f"the answer is not TLS: it starts {buffer[:16]!r}")
            sock.settimeout(deadline.left())
            try:
                chunk = sock.recv(16384)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return HelloAnswer("closed", detail="the server closed the connection without a ServerHello")
            buffer += chunk
        length = int.from_bytes(buffer[3:5], "big")
        kind, fragment, buffer = buffer[0], buffer[5 : 5 + length], buffer[5 + length :]
        if kind == 21:
            code = fragment[1] if len(fragment) >= 2 else None
            name = ALERT_DESCRIPTIONS.get(code, f"alert {code}") if code is not None else "malformed"
            return HelloAnswer("alert", alert=code, detail=f"the server refused with alert {name}")
        handshake += fragment
        if len(handshake) > MAX_FIRST_MESSAGE:
            return HelloAnswer("not_tls", detail=f"a first handshake message over {MAX_FIRST_MESSAGE} bytes")
        if len(handshake) >= 4 and len(handshake) >= 4 + int.from_bytes(handshake[1:4], "big"):
            if handshake[0] != 2:
                return HelloAnswer("not_tls", detail=f"the first handshake message is type {handshake[0]}, "
                                   "not a ServerHello")
            try:
                hello = parse_server_hello(handshake[4 : 4 + int.from_bytes(handshake[1:4], "big")])
            except InvalidInput as exc:
                return HelloAnswer("not_tls", detail=str(exc))
            return HelloAnswer("server_hello", server_hello=hello)


__all__ = [
    "MAX_FIRST_MESSAGE",
    "AnswerKind",
    "HelloAnswer",
    "client_hello",
    "ext_alpn",
    "ext_key_share",
    "ext_server_name",
    "ext_supported_versions",
    "ext_u16_list",
    "extension",
    "handshake_message",
    "record",
    "send_hello",
    "u16",
    "vec",
]
