"""Where the hand-made TLS 1.3 client's bytes go: a socket, a recording of one, or a replay."""

from __future__ import annotations

import socket
import time
from typing import Protocol

# ---------------------------------------------------------------------------
# Transports


class Transport(Protocol):
    """Where the bytes go: a socket, or a recording played back."""

    def send(self, data: bytes) -> None:
        """Send every byte of ``data``."""

    def recv(self, limit: int) -> bytes:
        """Up to ``limit`` bytes; b"" when the peer closed. Raises TimeoutError past the deadline."""

    def close(self) -> None:
        """Close it."""


class SocketTransport:
    """A TCP connection with one overall deadline for everything done on it."""

    def __init__(self, host: str, port: int, deadline: float) -> None:
        self.deadline = deadline
        """time.monotonic() after which every call raises TimeoutError."""
        self.sock = socket.create_connection((host, port), timeout=self._remaining())

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left

    def send(self, data: bytes) -> None:
        """Send all of ``data`` before the deadline."""
        self.sock.settimeout(self._remaining())
        self.sock.sendall(data)

    def recv(self, limit: int) -> bytes:
        """Read what arrives before the deadline."""
        self.sock.settimeout(self._remaining())
        return self.sock.recv(limit)

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


class RecordingTransport:
    """Another transport, keeping everything the server sent (to play a walk back later)."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        """The transport used."""
        self.received = bytearray()
        """Every byte received, in order."""

    def send(self, data: bytes) -> None:
        """Send through the inner transport."""
        self.inner.send(data)

    def recv(self, limit: int) -> bytes:
        """Receive through the inner transport, and keep it."""
        data = self.inner.recv(limit)
        self.received += data
        return data

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()


class ReplayTransport:
    """A server's recorded bytes played back; what the client sends is dropped.

    With the same :class:`ClientSecrets` and options, the client sends the same
    bytes it did when recording, so the recorded answer fits it exactly.
    """

    def __init__(self, server_bytes: bytes) -> None:
        self.data = server_bytes
        """What is still to be played."""

    def send(self, data: bytes) -> None:
        """Dropped."""

    def recv(self, limit: int) -> bytes:
        """The next recorded bytes; b"" at the end."""
        chunk, self.data = self.data[:limit], self.data[limit:]
        return chunk

    def close(self) -> None:
        """Nothing to close."""


__all__ = [
    "RecordingTransport",
    "ReplayTransport",
    "SocketTransport",
    "Transport",
]
