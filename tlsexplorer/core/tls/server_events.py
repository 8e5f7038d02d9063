"""What the lab server reports: one :class:`ConnectionEvent` per connection (who, what was asked,
what went wrong, in one sentence) and the :class:`EventLog`
a reader on another thread can wait on.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectionEvent:
    """One connection the server saw, and how it went."""

    number: int
    """1 for the first connection."""
    peer: str
    """The client's address and port."""
    tls: bool
    """False for plain HTTP."""
    sni: str | None = None
    """The server name the client asked for (none for an IP address)."""
    tls_version: str | None = None
    """Negotiated version as Python names it (``TLSv1.3``)."""
    cipher: str | None = None
    """Negotiated cipher suite."""
    alpn: str | None = None
    """Negotiated application protocol."""
    client_cert: str | None = None
    """The client certificate's subject (mutual TLS)."""
    request: str | None = None
    """The request line (``GET / HTTP/1.1``; empty for an empty request)."""
    status: int | None = None
    """The HTTP status sent."""
    error: str | None = None
    """Why the connection failed, in words."""

    def summary(self) -> str:
        """One log line."""
        parts = [f"#{self.number} {self.peer}"]
        if self.tls:
            if self.tls_version:
                parts.append(f"{self.tls_version} {self.cipher}")
                parts.append(f"SNI={self.sni or '-'}")
                parts.append(f"ALPN={self.alpn or '-'}")
            if self.client_cert:
                parts.append(f"client={self.client_cert}")
        else:
            parts.append("plain HTTP")
        if self.request is not None or self.status is not None:
            parts.append(f'"{self.request or ""}" {self.status if self.status is not None else "-"}')
        if self.error:
            parts.append(f"error: {self.error}")
        return "  ".join(parts)




class EventLog(deque[ConnectionEvent]):
    """The server's recent connections, which a reader on another thread can wait for."""

    def __init__(self, maxlen: int) -> None:
        super().__init__(maxlen=maxlen)
        self._changed = threading.Condition()

    def append(self, event: ConnectionEvent) -> None:
        """Keep ``event`` and wake whoever waits for it."""
        with self._changed:
            super().append(event)
            self._changed.notify_all()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Wait until at least ``count`` connections were logged (False when ``timeout`` passed first)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self) >= count, timeout)
