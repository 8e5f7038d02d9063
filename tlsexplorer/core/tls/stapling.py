"""OCSP stapling (RFC 6066 status_request): the one module that uses pyOpenSSL.

Python's ssl module can neither ask a server for a stapled OCSP response nor
staple one, so these two things, and nothing else, go through pyOpenSSL
(pyca's binding to the same OpenSSL):

- :func:`ask_for_staple` (``tls probe --status``, like ``openssl s_client
  -status``): one more handshake that asks for the certificate status,
  unverified (the probe's own handshake judges the certificate), within what
  is left of the probe's deadline; it reports whether the server stapled a
  response, and what the response says.
- :func:`load_staple` and :class:`StaplingLayer` (``tls serve --staple``): the
  response to staple, asked of the CA's responder over http (through
  :func:`tlsexplorer.core.fetch.fetch`) or read from a file, checked to be a
  successful answer about the served certificate; then the lab server's TLS
  layer for each connection, over the same memory buffers and the same
  deadlines as its Python ssl layer (:class:`tlsexplorer.core.tls.server.LabServer`
  takes it as ``tls_layer``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.files import read_file
from tlsexplorer.core.tls.connect import DIRECT, Route, RouteError, open_connection
from tlsexplorer.core.tls.records import Exchange, Segment, analyse_exchange

if TYPE_CHECKING:
    from OpenSSL import SSL

    from tlsexplorer.core.chain.ocsp_match import OcspCheck
    from tlsexplorer.core.x509.model import OcspResponseInfo

#: Largest OCSP response read from a file or a responder.
MAX_STAPLE_BYTES = 256 * 1024

#: Seconds to ask the CA's responder for the response to staple.
FETCH_TIMEOUT = 10.0

#: The first bytes of a client's flight kept to read its SNI by hand (as the lab server does).
_HELLO_BYTES = 16 * 1024


@dataclass(frozen=True)
class StapledResponse:
    """What a server stapled when asked for its certificate's status (or why it could not be asked)."""

    der: bytes
    """The stapled OCSP response (b"" when the server stapled none)."""
    info: OcspResponseInfo | None = None
    """What it says (None when nothing was stapled, or it cannot be read)."""
    problem: str | None = None
    """Why the status could not be asked, or why the stapled response cannot be read."""
    check: OcspCheck | None = None
    """The response checked against the certificate the server sent and its issuer (sent, or trusted)."""

    @property
    def stapled(self) -> bool:
        """The server sent a response."""
        return bool(self.der)

    def sentence(self) -> str:
        """One line for people."""
        if not self.stapled:
            if self.problem:
                return f"The certificate status could not be asked: {self.problem}."
            return ("The server stapled no OCSP response (asked with status_request, as "
                    "openssl s_client -status does): a client must ask the CA's responder itself.")
        if self.info is None:
            return f"The server stapled an OCSP response that cannot be read: {self.problem}."
        checked = f" {self.check.sentence()}" if self.check is not None else ""
        return f"The server stapled an OCSP response. {self.info.sentence()}{checked}"

    def to_json(self) -> dict[str, Any]:
        """``{"stapled", "response", "error", "summary"}`` (``response`` as ``inspect --json`` has it)."""
        return {
            "stapled": self.stapled,
            "response": self.info.to_json() if self.info is not None else None,
            "error": self.problem,
            "check": self.check.to_json() if self.check is not None else None,
            "summary": self.sentence(),
        }


def read_response(der: bytes, now: dt.datetime, what: str = "the stapled response") -> StapledResponse:
    """A stapled (or fetched) response read field by field; never raises."""
    from tlsexplorer.core.x509.summary import ocsp_response_info

    try:
        response = ocsp.load_der_ocsp_response(der)
    except Exception as exc:  # whatever a server sends
        return StapledResponse(der, None, f"{what} is not an OCSP response ({safe.explain(exc)})")
    return StapledResponse(der, ocsp_response_info(response, now))


def _ssl_error(exc: Exception) -> ssl.SSLError:
    """A pyOpenSSL error as Python's ssl names it (the lab server's messages key on ``reason``)."""
    from OpenSSL import SSL

    if isinstance(exc, SSL.SysCallError | SSL.ZeroReturnError):
        return ssl.SSLEOFError(8, "the peer closed the connection during the handshake")
    errors = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
    reason = str(errors[-1][2]) if errors and len(errors[-1]) > 2 else str(exc)
    error = ssl.SSLError(1, reason)
    error.reason = reason.upper().replace(" ", "_")
    return error


def _drain(conn: SSL.Connection) -> bytes:
    """What OpenSSL wrote to the connection's memory buffer."""
    from OpenSSL import SSL

    out = b""
    while True:
        try:
            out += conn.bio_read(65536)
        except SSL.WantReadError:
            return out


def ask_for_staple(
    host: str, port: int, servername: str | None, left: Callable[[], float], now: dt.datetime,
    trusted: Sequence[bytes] = (), route: Route = DIRECT,
) -> StapledResponse:
    """One unverified handshake asking for the certificate status, like ``openssl s_client -status``.

    ``left`` says how many seconds are left of the caller's deadline (and
    raises ``TimeoutError`` when none are); the connection goes the way
    ``route`` says (:func:`tlsexplorer.core.tls.connect.open_connection`: a
    proxy, a STARTTLS opening), as the caller's own did. A response stapled before the
    handshake failed (a server that then wants a client certificate) still counts.
    The response is checked (:func:`tlsexplorer.core.chain.ocsp_match.check_among`) against the
    certificates the server sent and those in ``trusted`` (the CA files, PEM or DER: the issuer may be
    the anchor itself).
    """
    from OpenSSL import SSL

    got: list[bytes] = []

    def keep(_conn: SSL.Connection, data: bytes, _extra: object) -> bool:
        got.append(bytes(data))
        return True  # judged here, not by OpenSSL

    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE)
    context.set_ocsp_client_callback(keep)
    conn = SSL.Connection(context, None)
    if servername:
        with contextlib.suppress(UnicodeError):
            conn.set_tlsext_host_name(servername.encode("idna"))
    conn.request_ocsp()
    conn.set_connect_state()
    try:
        with open_connection(host, port, Deadline(left()), route, servername=servername) as sock:
            while True:
                try:
                    conn.do_handshake()
                    done = True
                except SSL.WantReadError:
                    done = False
                except SSL.Error as exc:
                    if got:
                        break
                    reason = _ssl_error(exc)
                    return StapledResponse(b"", None, f"the handshake that asks for it failed ({reason})")
                pending = _drain(conn)
                if pending:
                    sock.settimeout(left())
                    sock.sendall(pending)
                if done:
                    break
                sock.settimeout(left())
                data = sock.recv(65536)
                if not data:
                    if got:
                        break
                    return StapledResponse(b"", None, "the server closed the connection during the handshake")
                conn.bio_write(data)
    except TimeoutError as exc:
        if not got:
            return StapledResponse(b"", None, f"no time was left to ask ({exc or 'timed out'})")
    except RouteError as exc:
        if not got:
            return StapledResponse(b"", None, f"could not connect again to ask ({exc})")
    except OSError as exc:
        if not got:
            return StapledResponse(b"", None, f"could not connect again to ask ({exc.strerror or exc})")
    der = got[0] if got else b""
    if not der:
        return StapledResponse(b"")
    read = read_response(der, now)
    if read.info is None or not read.info.successful:
        return read
    from tlsexplorer.core.chain.ocsp_match import check_among
    from tlsexplorer.core.x509.loader import iter_objects, load_objects

    sent = conn.get_peer_cert_chain(as_cryptography=True) or []
    anchors = [o.value for data in trusted for o in iter_objects(load_objects(data), "certificate")]
    return dataclasses.replace(read, check=check_among(der, [*sent, *anchors], now,
                                                       where="the stapled response"))


# Serving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staple:
    """The response ``tls serve --staple`` staples, and where it came from."""

    der: bytes
    """The OCSP response (DER)."""
    source: str
    """The responder's URL or the file."""
    info: OcspResponseInfo
    """What it says."""


def _served_pair(cert_file: Path) -> tuple[x509.Certificate, x509.Certificate | None]:
    certs = x509.load_pem_x509_certificates(read_file(cert_file))
    return certs[0], (certs[1] if len(certs) > 1 else None)


def load_staple(source: str, cert_file: Path, now: dt.datetime, *, timeout: float = FETCH_TIMEOUT) -> Staple:
    """The response to staple for the certificate served from ``cert_file`` (leaf first, then its issuer).

    ``source`` is the CA's responder (``http://...``: asked with a POST, as
    ``openssl ocsp -url`` does, for the leaf, its issuer taken from the chain)
    or a file holding a response (DER, PEM or base64, as ``openssl ocsp
    -respout`` writes).

    Raises:
        UsageError: no issuer in the chain to ask about, or a source that is neither.
        InvalidInput: not a successful OCSP response about the served certificate.
        FetchError, FileAccessError: the responder or the file could not be read.
    """
    from tlsexplorer.core.x509.loader import iter_objects, load_objects

    leaf, issuer = _served_pair(cert_file)
    if source.startswith(("http://", "https://")):
        from tlsexplorer.core.fetch import fetch

        if issuer is None:
            raise UsageError(f"{cert_file} holds only the server's certificate: asking a responder about it "
                             "needs its issuer after it (the full chain), or give a response file")
        request = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA1()).build()
        der = fetch(source, data=request.public_bytes(serialization.Encoding.DER),
                    content_type="application/ocsp-request", accept="application/ocsp-response",
                    timeout=timeout, max_bytes=MAX_STAPLE_BYTES, use_cache=False).body
        found = load_objects(der, source)
    else:
        found = load_objects(read_file(Path(source), limit=MAX_STAPLE_BYTES), source)
    response = next(iter_objects(found, "ocsp_response"), None)
    if response is None:
        why = "; ".join(found.problems) or "it holds no OCSP response"
        raise InvalidInput(f"{source}: nothing to staple: {why}")
    read = read_response(response.der, now, source)
    info = read.info
    if info is None:
        raise InvalidInput(f"{source}: {read.problem}")
    if not info.successful:
        raise InvalidInput(f"{source}: the responder answered {info.response_status}, which is not "
                           "stapled (a server staples only successful answers)")
    serials = [s.cert_id.serial for s in info.responses if s.cert_id is not None]
    if leaf.serial_number not in serials:
        told = ", ".join(format(s, "x") for s in serials) or "no certificate"
        raise InvalidInput(f"{source}: the response is about serial {told}, not about the served "
                           f"certificate (serial {leaf.serial_number:x})")
    return Staple(response.der, source, info)


class _Counted(Protocol):
    received: int


class _Raw(Protocol):
    def recv(self, timeout: float | None = None) -> Awaitable[bytes]: ...

    def send(self, data: bytes) -> Awaitable[None]: ...


class StaplingLayer:
    """The lab server's TLS layer for one connection, with pyOpenSSL, stapling :attr:`staple`.

    The same shape as the server's Python ssl layer: memory buffers between
    OpenSSL and the event loop's socket, every read bounded by the server's
    read timeout and the whole exchange by its deadline.
    """

    def __init__(self, raw: _Raw, context: SSL.Context, state: _Counted) -> None:
        from OpenSSL import SSL

        self.raw, self.state = raw, state
        self.conn = SSL.Connection(context, None)
        self.conn.set_accept_state()
        self.hello = b""
        """The client's first bytes (its ClientHello), for the SNI."""

    async def _flush(self) -> None:
        data = _drain(self.conn)
        if data:
            await self.raw.send(data)

    async def handshake(self) -> None:
        """Handshake with the client (raises ssl.SSLError as Python's ssl would)."""
        from OpenSSL import SSL

        while True:
            try:
                self.conn.do_handshake()
                break
            except SSL.WantReadError:
                pass
            except SSL.Error as exc:
                with contextlib.suppress(OSError):
                    await self._flush()  # our alert, so the client learns why
                raise _ssl_error(exc) from None
            await self._flush()
            data = await self.raw.recv()
            if not data:
                raise ssl.SSLEOFError(8, "the client closed the connection during the handshake")
            self.state.received += len(data)
            if len(self.hello) < _HELLO_BYTES:
                self.hello += data[: _HELLO_BYTES - len(self.hello)]
            self.conn.bio_write(data)
        await self._flush()

    def sni(self) -> str | None:
        """The server name in the ClientHello, read by hand (as the lab server does)."""
        if not self.hello:
            return None
        try:
            return analyse_exchange(Exchange((Segment("client", self.hello),))).sni
        except (InvalidInput, ValueError):
            return None
        except Exception:  # a hostile hello: no name, the connection goes on being judged
            return None

    def negotiated(self) -> dict[str, str | None]:
        """Version, cipher suite, ALPN (and no client certificate: mutual TLS is not served with stapling)."""
        alpn = self.conn.get_alpn_proto_negotiated()
        return {
            "tls_version": self.conn.get_protocol_version_name(),
            "cipher": self.conn.get_cipher_name(),
            "alpn": alpn.decode("ascii", "replace") if alpn else None,
            "client_cert": None,
        }

    async def recv(self) -> bytes:
        """Application data (b"" when the client closed)."""
        from OpenSSL import SSL

        while True:
            try:
                return self.conn.recv(65536)
            except SSL.WantReadError:
                pass
            except (SSL.ZeroReturnError, SSL.SysCallError):
                return b""
            except SSL.Error as exc:
                raise _ssl_error(exc) from None
            await self._flush()
            data = await self.raw.recv()
            if not data:
                return b""
            self.conn.bio_write(data)

    async def send(self, data: bytes) -> None:
        """Send application data."""
        self.conn.sendall(data)
        await self._flush()

    async def close(self) -> None:
        """Send close_notify."""
        from OpenSSL import SSL

        with contextlib.suppress(SSL.Error):
            self.conn.shutdown()
        with contextlib.suppress(OSError):
            await self._flush()


def stapling_context(cert_file: Path, key_file: Path, password: bytes | None, staple: Staple) -> SSL.Context:
    """A pyOpenSSL server context serving ``cert_file`` (chain) with its key, stapling ``staple``
    to every client that asks (TLS 1.2 and 1.3; ALPN http/1.1, as the lab server's own context).

    Check the files with :func:`tlsexplorer.core.tls.server_files.load_server_context` first: its messages
    say what is wrong with them.
    """
    from OpenSSL import SSL

    key = serialization.load_pem_private_key(read_file(key_file), password)
    context = SSL.Context(SSL.TLS_SERVER_METHOD)
    context.set_min_proto_version(SSL.TLS1_2_VERSION)
    context.use_certificate_chain_file(str(cert_file))
    context.use_privatekey(key)  # type: ignore[arg-type]
    context.check_privatekey()

    def alpn(_conn: SSL.Connection, offered: list[bytes]) -> bytes:
        return b"http/1.1" if b"http/1.1" in offered else SSL.NO_OVERLAPPING_PROTOCOLS  # type: ignore[return-value]

    context.set_alpn_select_callback(alpn)
    context.set_ocsp_server_callback(lambda _conn, _data: staple.der)
    return context


def stapling_layer(context: SSL.Context) -> Callable[[Any, Any], StaplingLayer]:
    """The ``tls_layer`` the lab server takes: one :class:`StaplingLayer` per connection."""
    return lambda raw, state: StaplingLayer(raw, context, state)


__all__ = [
    "FETCH_TIMEOUT",
    "MAX_STAPLE_BYTES",
    "Staple",
    "StapledResponse",
    "StaplingLayer",
    "ask_for_staple",
    "load_staple",
    "read_response",
    "stapling_context",
    "stapling_layer",
]
