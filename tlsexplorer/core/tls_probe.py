"""A TLS client probe, like ``openssl s_client -showcerts``.

:func:`probe` connects to HOST:PORT, verifies the server the way a careful
client does (Python's ssl: trust anchors, expiry, host name), and reports
the TLS version, cipher suite and ALPN, the certificates exactly as the
server sent them, and the verdict with OpenSSL's own reason ("certificate
verify failed: unable to get local issuer certificate"). When the Chain
explainer is present, the sent chain is also run through it so every check
is explained.

How the sent chain is obtained: Python 3.11's ssl only hands back the leaf
(``getpeercert``); ``get_unverified_chain`` arrived in 3.13. So the probe
makes one more handshake, capped at TLS 1.2 and without verification, over
an in-memory BIO, keeps the server's bytes, and reads the Certificate
handshake message, which TLS 1.2 sends in the clear (TLS 1.3 encrypts it).
A server that refuses TLS 1.2 gets its leaf shown alone, and the result says
so in :attr:`ProbeResult.chain_method`.

Every network step has a timeout; nothing here blocks for longer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import socket
import ssl
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.timeutil import utcnow
from tlsexplorer.core.wire import Exchange, Segment, analyse_exchange

#: Seconds for connecting and for the handshake, each.
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class PeerCertificate:
    """One certificate as the server sent it."""

    der: bytes
    """The DER bytes."""
    subject: str
    """Subject, RFC 4514."""
    issuer: str
    """Issuer, RFC 4514."""
    fingerprint_sha256: str
    """SHA-256 of the DER, lowercase hex."""

    @property
    def pem(self) -> bytes:
        """The certificate as PEM."""
        return x509.load_der_x509_certificate(self.der).public_bytes(serialization.Encoding.PEM)

    @classmethod
    def from_der(cls, der: bytes) -> PeerCertificate:
        """Summarise DER bytes (an unreadable certificate is named so, not raised)."""
        try:
            cert = x509.load_der_x509_certificate(der)
            subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
        except ValueError:
            subject = issuer = "(unreadable certificate)"
        return cls(der, subject, issuer, hashlib.sha256(der).hexdigest())


@dataclass(frozen=True)
class ProbeResult:
    """What a probe found."""

    host: str
    """Host connected to."""
    port: int
    """Port connected to."""
    servername: str | None
    """The SNI sent (None for an IP address: clients send no SNI for those)."""
    connected: bool
    """A TLS handshake with the server completed (verified or not)."""
    tls_version: str | None = None
    """Negotiated version as Python's ssl names it (``TLSv1.3``)."""
    cipher: str | None = None
    """Negotiated cipher suite."""
    alpn: str | None = None
    """Negotiated application protocol."""
    verified: bool = False
    """The certificate verified for this host against the trust given."""
    error: str | None = None
    """Why it did not connect or verify, in OpenSSL's and our words."""
    peer_chain: tuple[PeerCertificate, ...] = ()
    """Certificates as the server sent them, in its order."""
    chain_method: str = ""
    """How :attr:`peer_chain` was obtained."""
    trust: str = ""
    """Which trust anchors were used."""
    insecure: bool = False
    """Verification was skipped on purpose (--insecure)."""
    strict: bool = False
    """VERIFY_X509_STRICT was on."""
    warnings: tuple[str, ...] = ()
    """Things the person must know (what --insecure skipped)."""
    explained: Any = field(default=None, compare=False)
    """The Chain explainer's report on the sent chain (None when unavailable)."""

    @property
    def ok(self) -> bool:
        """Exit-0 condition: connected and verified, or connected with --insecure."""
        return self.connected and (self.verified or self.insecure)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "host": self.host,
            "port": self.port,
            "servername": self.servername,
            "connected": self.connected,
            "tls_version": self.tls_version,
            "cipher": self.cipher,
            "alpn": self.alpn,
            "verified": self.verified,
            "insecure": self.insecure,
            "error": self.error,
            "warnings": list(self.warnings),
            "trust": self.trust,
            "chain_method": self.chain_method,
            "peer_chain": [
                {"subject": c.subject, "issuer": c.issuer, "fingerprint_sha256": c.fingerprint_sha256}
                for c in self.peer_chain
            ],
            "explained": self._explained_json(),
        }

    def _explained_json(self) -> dict[str, Any] | None:
        """The Chain explainer's verdict and failed checks (None when it did not run)."""
        report = self.explained
        if report is None:
            return None
        return {
            "valid": bool(getattr(report, "valid", False)),
            "error": getattr(report, "error", None),
            "failures": [
                {"certificate": f.certificate, "check": f.check, "message": f.message, "fix": f.fix}
                for f in getattr(report, "findings", ()) if not f.ok
            ],
        }


def parse_target(text: str, default_port: int = 443) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:8443`` for IPv6; the port defaults to 443).

    Raises:
        UsageError: an empty host or a port that is not 1..65535.
    """
    raw = text.strip()
    if raw.startswith("https://"):
        raw = raw[len("https://"):].split("/", 1)[0]
    host, port_text = raw, ""
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif raw.count(":") == 1:
        host, _, port_text = raw.partition(":")
    if not host:
        raise UsageError(f"{text!r} has no host; write HOST:PORT such as localhost:8443")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(
            f"{port_text!r} is not a port number (1-65535); write HOST:PORT such as localhost:8443"
        )
    return host, int(port_text)


def is_ip_address(host: str) -> bool:
    """True for a literal IPv4 or IPv6 address."""
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def describe_client_error(exc: BaseException, host: str, port: int, timeout: float) -> str:
    """One line on why a connection or handshake failed."""
    where = f"{host}:{port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {exc.verify_message}"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: nothing is listening on {where} (is the server running?)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return (f"no answer from {where} within {timeout:g} s: the peer accepted the connection "
                "but did not take part in a TLS handshake")
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {host!r}: {exc.strerror}"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
                      "UNKNOWN_PROTOCOL"):
            return f"{where} does not speak TLS (its answer is not a TLS record; plain HTTP?)"
        if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return f"{where} closed the connection during the handshake"
        if "ALERT" in reason:
            alert = reason.split("ALERT_", 1)[-1].lower()
            return f"the server refused the handshake (alert {alert})"
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionResetError):
        return f"{where} reset the connection"
    if isinstance(exc, OSError):
        return f"cannot connect to {where}: {exc.strerror or exc}"
    return str(exc)


def client_context(
    ca_pems: Sequence[bytes] = (),
    *,
    system_roots: bool = False,
    insecure: bool = False,
    strict: bool = False,
    alpn: Sequence[str] = ("http/1.1",),
) -> tuple[ssl.SSLContext, str]:
    """A client context as a probe uses it, and a description of its trust.

    With no CA files and no ``system_roots`` the system's roots are used, as
    curl, requests and openssl do by default.

    Raises:
        UsageError: a CA file holds no PEM certificate.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_alpn_protocols(list(alpn))
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    trusted: list[str] = []
    for pem in ca_pems:
        try:
            context.load_verify_locations(cadata=pem.decode("ascii", "replace"))
        except (ssl.SSLError, ValueError):
            raise UsageError(
                "a --ca file holds no PEM certificate; give the CA's certificate in PEM"
            ) from None
        trusted.append("the given CA")
    if system_roots or not ca_pems:
        path = _system_roots_file()
        if path:
            context.load_verify_locations(cafile=path)
        else:
            context.load_default_certs()
        trusted.append("the system's roots")
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    description = " and ".join(dict.fromkeys(trusted).keys())
    if insecure:
        description = "none (--insecure: nothing is checked)"
    return context, description


def _system_roots_file() -> str | None:
    try:
        trust = importlib.import_module("tlsexplorer.core.trust")
        path: str | None = trust.system_roots_file()
        return path
    except (ImportError, AttributeError):
        return None


def _handshake(
    context: ssl.SSLContext, host: str, port: int, server_hostname: str | None, timeout: float
) -> tuple[str | None, str | None, str | None, bytes | None]:
    """Connect and handshake; return (version, cipher, alpn, leaf DER). Raises on failure."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        with context.wrap_socket(sock, server_hostname=server_hostname) as tls:
            cipher = tls.cipher()
            return tls.version(), cipher[0] if cipher else None, tls.selected_alpn_protocol(), \
                tls.getpeercert(binary_form=True)


def capture_handshake(
    host: str, port: int, server_hostname: str | None, *, timeout: float = DEFAULT_TIMEOUT,
    max_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
) -> Exchange:
    """Make an unverified handshake over an in-memory BIO and keep every byte.

    Capped at TLS 1.2 by default, so the server's Certificate message crosses
    in the clear and :func:`tlsexplorer.core.wire.analyse_exchange` can read
    the chain exactly as sent. Raises what the connection raises.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = max_version
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    segments: list[Segment] = []
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        while True:
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            pending = outgoing.read()
            if pending:
                segments.append(Segment("client", pending))
                sock.sendall(pending)
            if done:
                break
            data = sock.recv(65536)
            if not data:
                raise ssl.SSLEOFError("EOF during the handshake")
            segments.append(Segment("server", data))
            incoming.write(data)
    return Exchange(tuple(segments))


def probe(
    host: str,
    port: int,
    *,
    ca_pems: Sequence[bytes] = (),
    system_roots: bool = False,
    insecure: bool = False,
    servername: str | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    now: dt.datetime | None = None,
    explain: bool = True,
) -> ProbeResult:
    """Connect to ``host:port``, verify, and report what was negotiated and sent.

    Failures to connect or verify are results (``connected``/``verified``
    False with an ``error``), not exceptions.

    Args:
        host: host name or IP address.
        port: TCP port.
        ca_pems: PEM CA certificates to trust (``--ca``).
        system_roots: also trust the system's roots (always, when no CA is given).
        insecure: skip verification (like curl --insecure), with a warning.
        servername: the SNI and the name checked, when not ``host``.
        strict: turn on VERIFY_X509_STRICT, as Python 3.13 does by default.
        timeout: seconds for connecting and for each handshake.
        now: the time for the Chain explainer's checks.
        explain: run the Chain explainer on the sent chain when it exists.

    Raises:
        UsageError: a bad CA file.
    """
    name = servername or host
    sni = None if is_ip_address(name) else name
    context, trust = client_context(ca_pems, system_roots=system_roots, insecure=insecure, strict=strict)
    base = {"host": host, "port": port, "servername": sni, "trust": trust, "insecure": insecure,
            "strict": strict}
    verified = False
    error: str | None = None
    warnings: list[str] = []
    try:
        version, cipher, alpn, leaf = _handshake(context, host, port, name, timeout)
        verified = not insecure
    except ssl.SSLCertVerificationError as exc:
        error = describe_client_error(exc, host, port, timeout)
        try:
            loose, _ = client_context(insecure=True)
            version, cipher, alpn, leaf = _handshake(loose, host, port, name, timeout)
        except (OSError, ssl.SSLError) as again:
            return ProbeResult(connected=False, error=describe_client_error(again, host, port, timeout),
                               **base)  # type: ignore[arg-type]
    except (OSError, ssl.SSLError, ValueError) as exc:
        return ProbeResult(connected=False, error=describe_client_error(exc, host, port, timeout),
                           **base)  # type: ignore[arg-type]
    if insecure:
        check, _ = client_context(ca_pems, system_roots=system_roots, strict=strict)
        try:
            _handshake(check, host, port, name, timeout)
            would = "a verifying client would have accepted it"
        except ssl.SSLCertVerificationError as exc:
            refused = describe_client_error(exc, host, port, timeout)
            would = f"a verifying client would have refused it: {refused}"
        except (OSError, ssl.SSLError) as exc:
            would = f"the check could not be repeated ({describe_client_error(exc, host, port, timeout)})"
        warnings.append(
            "--insecure: the certificate was NOT checked (who issued it, whether it expired, whether it "
            f"names {name}); anyone in the middle could have answered. {would[:1].upper()}{would[1:]}."
        )
    chain, method = _sent_chain(host, port, sni, leaf, timeout)
    result = ProbeResult(
        connected=True, tls_version=version, cipher=cipher, alpn=alpn, verified=verified, error=error,
        peer_chain=chain, chain_method=method, warnings=tuple(warnings), **base,  # type: ignore[arg-type]
    )
    if explain and chain:
        result = _with_explanation(result, ca_pems, system_roots or not ca_pems, name, now or utcnow())
    return result


def _sent_chain(
    host: str, port: int, sni: str | None, leaf: bytes | None, timeout: float
) -> tuple[tuple[PeerCertificate, ...], str]:
    try:
        exchange = capture_handshake(host, port, sni, timeout=timeout)
    except (OSError, ssl.SSLError):
        exchange = None
    if exchange is not None:
        certs = analyse_exchange(exchange).certificates
        if certs:
            return (tuple(PeerCertificate.from_der(c) for c in certs),
                    "read from the Certificate message of a second, unverified TLS 1.2 handshake "
                    "(TLS 1.3 encrypts it)")
    if leaf:
        return ((PeerCertificate.from_der(leaf),),
                "leaf only: the server refused TLS 1.2, and in TLS 1.3 the chain is encrypted "
                "(Python 3.11 hands back only the leaf)")
    return (), "the server sent no certificate"


def _with_explanation(
    result: ProbeResult, ca_pems: Sequence[bytes], use_system: bool, host: str, now: dt.datetime
) -> ProbeResult:
    """Attach the Chain explainer's report, when the Chain explainer is installed."""
    try:
        chain_module = importlib.import_module("tlsexplorer.core.chain")
        verify_chain = chain_module.verify_chain
    except (ImportError, AttributeError):
        return result
    try:
        with warnings.catch_warnings():
            # System bundles hold a few old roots that cryptography warns about.
            warnings.simplefilter("ignore")
            report = _explain(result, ca_pems, use_system, host, now, verify_chain)
    except Exception:  # the explanation is extra; the verdict stands without it
        return result
    extra: tuple[str, ...] = ()
    if result.verified and not getattr(report, "valid", True):
        failed = next((f for f in getattr(report, "findings", ()) if not f.ok), None)
        why = f": {failed.message}" if failed is not None else ""
        extra = (
            "Python's ssl (OpenSSL, as curl uses it) accepted this certificate, but the Chain explainer, "
            f"which applies the stricter rules of browsers and of the cryptography verifier, refuses it{why}",
        )
    return ProbeResult(**{**result.__dict__, "explained": report, "warnings": result.warnings + extra})


def _explain(
    result: ProbeResult,
    ca_pems: Sequence[bytes],
    use_system: bool,
    host: str,
    now: dt.datetime,
    verify_chain: Any,
) -> Any:
    certs = [x509.load_der_x509_certificate(c.der) for c in result.peer_chain]
    roots: list[x509.Certificate] = []
    for pem in ca_pems:
        roots.extend(x509.load_pem_x509_certificates(pem))
    if use_system:
        trust = importlib.import_module("tlsexplorer.core.trust")
        roots.extend(trust.system_roots())
    return verify_chain(certs[0], tuple(certs[1:]), tuple(roots), at=now, host=host, purpose="server")


__all__ = [
    "DEFAULT_TIMEOUT",
    "PeerCertificate",
    "ProbeResult",
    "capture_handshake",
    "client_context",
    "describe_client_error",
    "is_ip_address",
    "parse_target",
    "probe",
]
