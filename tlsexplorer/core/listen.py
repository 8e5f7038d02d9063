"""Listening sockets, with the errors a person can act on (port in use, privileged port).

The TLS lab's server and ``tlsexplorer web`` both listen through :func:`listen`, so a port in use
reads the same everywhere. Standard library only.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

from tlsexplorer.core.errors import UsageError

LOOPBACK = "127.0.0.1"
"""The address every server of ours listens on unless told otherwise."""

LISTEN_BACKLOG = 1024
"""Connections the kernel queues before accept()."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(port: int, host: str = LOOPBACK) -> socket.socket:
    """A non-blocking listening socket on ``host``:``port`` (port 0 picks a free one).

    Raises:
        UsageError: the port is in use, needs privileges, or the address cannot be used.
    """
    host = host.strip("[]")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError, OverflowError) as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc}") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is already in use; pick another port "
                "(0 picks any free one), or stop the program using it"
            ) from None
        if exc.errno == errno.EACCES:
            raise UsageError(
                f"port {port} needs administrator rights; use a port above 1023 such as 8443"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


__all__ = ["LISTEN_BACKLOG", "LOOPBACK", "is_loopback", "listen"]
