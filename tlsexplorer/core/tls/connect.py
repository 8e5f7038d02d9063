"""The one way a client in core/tls reaches a server's TLS layer.

:func:`open_connection` makes the TCP connection with one overall deadline
(:class:`tlsexplorer.core.deadline.Deadline`),
optionally through an HTTP CONNECT proxy (``--proxy http://HOST:PORT``), and
optionally speaks a protocol's plaintext opening first and asks it to upgrade
(``--starttls smtp``, as ``openssl s_client -starttls smtp`` does; the dialogues
are in :mod:`tlsexplorer.core.tls.starttls`). What comes back is a socket on
which the next bytes are the client's ClientHello.

Every read is bounded in size and by what is left of the deadline, so a proxy
or a server that stalls, trickles, or answers garbage gets one clear sentence
(:class:`RouteError`), never a hang.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.errors import UsageError

#: Seconds for a whole probe by default (``tls probe --timeout``, the TLS lab's Probe tab): every
#: connection, handshake and wait in it share this one deadline.
PROBE_TIMEOUT = 10.0

#: Largest proxy answer (status line and headers) read.
MAX_PROXY_ANSWER = 16 * 1024

#: The plaintext protocols that can be upgraded, as ``openssl s_client -starttls`` names them.
STARTTLS_PROTOCOLS: tuple[str, ...] = ("smtp", "imap", "pop3", "ftp", "postgres", "ldap", "xmpp")

#: The port each protocol usually upgrades on (a target without a port gets it).
STARTTLS_PORTS: dict[str, int] = {
    "smtp": 25, "imap": 143, "pop3": 110, "ftp": 21, "postgres": 5432, "ldap": 389, "xmpp": 5222,
}


class RouteError(OSError):
    """The way to the server's TLS layer failed: the proxy refused, or a STARTTLS opening went wrong.

    An ``OSError``, so every client that handles a failed connection handles
    this one; its text is the whole sentence to show.
    """


@dataclass(frozen=True)
class Route:
    """How to reach a server's TLS layer: directly, through a proxy, after a STARTTLS opening."""

    proxy: tuple[str, int] | None = None
    """An HTTP CONNECT proxy (host, port), or None to connect directly."""
    starttls: str | None = None
    """A protocol of :data:`STARTTLS_PROTOCOLS` to upgrade, or None when TLS starts at once."""

    def describe(self) -> str:
        """How the connection is made, in words ("" when direct)."""
        parts = []
        if self.proxy is not None:
            parts.append(f"through the HTTP proxy {host_port(*self.proxy)}")
        if self.starttls is not None:
            parts.append(f"after a {self.starttls.upper()} STARTTLS opening")
        return ", ".join(parts)

    @property
    def proxy_url(self) -> str | None:
        """The proxy as ``http://HOST:PORT`` (what curl's ``--proxy`` and :func:`tlsexplorer.core.fetch.fetch`
        take), or None."""
        return None if self.proxy is None else f"http://{host_port(*self.proxy)}"

    def to_json(self) -> dict[str, str | None]:
        """The route in a ``--json`` document."""
        return {"proxy": self.proxy_url, "starttls": self.starttls}


DIRECT = Route()
"""A plain TCP connection, TLS at once."""


def host_port(host: str, port: int) -> str:
    """``host:port`` as it is written back in a target: ``[::1]:8443`` for an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_host_port(raw: str, default_port: int, *, quoted: str, example: str) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (``[::1]:8443`` for IPv6), the one reader of targets and proxies.

    ``quoted`` starts each error (the option and what was typed); ``example`` is a well-formed one.

    Raises:
        UsageError: no host, an IPv6 address without brackets before a port, a port not in 1..65535.
    """
    host, port_text = raw, ""
    if raw.startswith("["):
        host, bracket, rest = raw[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise UsageError(f"{quoted}: an IPv6 address goes in brackets, then the port: [::1]:8443")
        port_text = rest.removeprefix(":")
    elif raw.count(":") == 1:
        host, _, port_text = raw.partition(":")
    if not host:
        raise UsageError(f"{quoted} has no host; write {example}")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f"{quoted}: {port_text!r} is not a port number (1-65535); write {example}")
    return host, int(port_text)


def parse_proxy(text: str) -> tuple[str, int]:
    """Read ``http://HOST:PORT`` (the scheme may be left out; ``[::1]:3128`` for IPv6).

    Raises:
        UsageError: another scheme (only HTTP CONNECT proxies are spoken), no
            host, or a port that is not 1..65535.
    """
    raw = text.strip()
    scheme, sep, rest = raw.partition("://")
    if sep:
        if scheme.lower() != "http":
            raise UsageError(f"--proxy {text!r}: only HTTP CONNECT proxies are spoken; write http://HOST:PORT")
        raw = rest
    raw = raw.rstrip("/")
    if "@" in raw or "/" in raw:
        raise UsageError(f"--proxy {text!r}: write http://HOST:PORT (no user, no path)")
    return split_host_port(raw, 8080, quoted=f"--proxy {text!r}", example="http://HOST:PORT")


def make_route(proxy: str | None = None, starttls: str | None = None) -> Route:
    """A :class:`Route` from the options as typed (``--proxy``, ``--starttls``).

    Raises:
        UsageError: a proxy that is not ``http://HOST:PORT``, or a protocol
            not in :data:`STARTTLS_PROTOCOLS`.
    """
    if starttls is not None and starttls.lower() not in STARTTLS_PROTOCOLS:
        raise UsageError(f"--starttls {starttls!r}: choose one of {', '.join(STARTTLS_PROTOCOLS)}")
    return Route(parse_proxy(proxy) if proxy else None, starttls.lower() if starttls else None)


def open_connection(
    host: str, port: int, deadline: Deadline, route: Route = DIRECT, *, servername: str | None = None
) -> socket.socket:
    """A connected socket whose next bytes are the client's ClientHello.

    TCP to ``host:port`` (or to the proxy, which is asked to CONNECT there),
    then the STARTTLS opening when the route has one (``servername`` names the
    server in the protocols that ask: the XMPP stream's ``to``). Each step takes
    what is left of ``deadline``; the socket's timeout is set to what is left
    when it is returned.

    Raises:
        RouteError: the proxy refused or answered garbage; the STARTTLS
            dialogue failed, stalled or met garbage.
        OSError: the connection itself failed (refused, unreachable,
            unresolvable: ``socket.gaierror``); ``TimeoutError`` when the
            deadline ran out while connecting.
    """
    target = route.proxy or (host, port)
    sock = socket.create_connection(target, timeout=deadline.left())
    try:
        if route.proxy is not None:
            _connect_through(sock, host, port, route.proxy, deadline)
        if route.starttls is not None:
            import tlsexplorer.core.tls.starttls as starttls

            try:
                starttls.upgrade(sock, route.starttls, deadline, servername or host)
            except starttls.StartTlsFailed as exc:
                raise RouteError(str(exc)) from None
        sock.settimeout(deadline.left())
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_through(sock: socket.socket, host: str, port: int, proxy: tuple[str, int],
                     deadline: Deadline) -> None:
    """Ask the proxy to CONNECT to ``host:port`` and read its answer (headers only, bounded)."""
    where, via = host_port(host, port), f"the proxy {host_port(*proxy)}"
    request = f"CONNECT {where} HTTP/1.1\r\nHost: {where}\r\nUser-Agent: tlsexplorer\r\n\r\n"
    try:
        sock.settimeout(deadline.left())
        sock.sendall(request.encode("idna" if not host.isascii() else "ascii"))
        answer = b""
        while b"\r\n\r\n" not in answer:
            if len(answer) > MAX_PROXY_ANSWER:
                raise RouteError(f"{via} sent more than {MAX_PROXY_ANSWER // 1024} KiB of headers without "
                                 "ending them: not an HTTP proxy?")
            sock.settimeout(deadline.left())
            chunk = sock.recv(4096)
            if not chunk:
                raise RouteError(f"{via} closed the connection before answering CONNECT {where}")
            answer += chunk
            if not answer.startswith(b"HTTP/"[: len(answer)]):
                raise RouteError(f"{via} did not answer in HTTP (it sent {_shown(answer)}): "
                                 "is it an HTTP CONNECT proxy?")
    except TimeoutError:
        raise RouteError(f"{via} did not answer CONNECT {where} within the {deadline.seconds:g} s deadline") \
            from None
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise RouteError(f"{via} sent a malformed status line {_shown(status_line.encode('latin-1'))}")
    if parts[1] != "200":
        from tlsexplorer.core.text import printable

        raise RouteError(f"{via} refused CONNECT {where}: {printable(' '.join(parts[1:])[:120])}")


def _shown(data: bytes) -> str:
    """The start of what a peer sent, safe to print."""
    from tlsexplorer.core.text import printable

    return repr(printable(data[:60].decode("latin-1")))


__all__ = [
    "DIRECT",
    "MAX_PROXY_ANSWER",
    "PROBE_TIMEOUT",
    "STARTTLS_PORTS",
    "STARTTLS_PROTOCOLS",
    "Route",
    "RouteError",
    "make_route",
    "open_connection",
    "parse_proxy",
]
