"""A TLS client probe, like ``openssl s_client -showcerts``.

:func:`probe` connects to HOST:PORT, verifies the server the way a careful
client does (Python's ssl: trust anchors, expiry, host name), and reports
the TLS version, cipher suite and ALPN, the certificates exactly as the
server sent them, and the verdict with OpenSSL's own reason ("certificate
verify failed: unable to get local issuer certificate"). The sent chain is
also run through the Chain explainer
(:func:`tlsexplorer.core.chain.gather.gather_and_verify`), so every check is
explained.

How the sent chain is obtained: Python 3.11's ssl only hands back the leaf
(``getpeercert``); ``get_unverified_chain`` arrived in 3.13. So the probe
makes one more handshake, capped at TLS 1.2 and without verification, over
an in-memory BIO, keeps the server's bytes, and reads the Certificate
handshake message, which TLS 1.2 sends in the clear (TLS 1.3 encrypts it).
A server that refuses TLS 1.2 gets its leaf shown alone, and the result says
so in :attr:`ProbeResult.chain_method`.

Mutual TLS: the probe can present a client certificate and its key
(:func:`load_client_identity` checks them first, so a wrong passphrase or a
key of another certificate gets its own message). In TLS 1.3 the server
judges the client's certificate only after the client has finished its half
of the handshake, so a refusal (alert certificate_required, unknown_ca...)
arrives just after it; the probe waits briefly for that verdict, or for the
session ticket a server sends once it has accepted the client.

The whole probe has one deadline (``timeout``): every connection, handshake
and wait takes what is left of it, so a server (or a proxy) that trickles
its bytes cannot stretch the probe past it. When time runs out after the
verdict, the result keeps the verdict and says what was left undone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.errors import (
    FileAccessError,
    InvalidInput,
    PasswordRequired,
    TlsxError,
    UsageError,
    WrongPassword,
)
from tlsexplorer.core.timeutil import utcnow
from tlsexplorer.core.tls.connect import (
    DIRECT,
    PROBE_TIMEOUT,
    Route,
    RouteError,
    host_port,
    open_connection,
    split_host_port,
)
from tlsexplorer.core.tls.records import Exchange, Segment, analyse_exchange

if TYPE_CHECKING:
    from tlsexplorer.core.chain.model import ChainReport
    from tlsexplorer.core.tls.stapling import StapledResponse

#: The Chain explainer's openssl line names the sent chain saved as PEM, and the CA file trusted.
SENT_CHAIN_NAME = "sent.pem"
SENT_CA_NAME = "ca.pem"

#: Longest wait (seconds) after a TLS 1.3 handshake for the server's verdict on the client.
VERDICT_WAIT = 1.0

#: The option that gives a client key's passphrase (named in messages).
KEY_PASSWORD_HINT = "--key-password-file FILE"

#: Where a client certificate's key is given, when the certificate file does not hold it (named in messages).
CLIENT_KEY_HINT = "--key FILE"

#: Where a client certificate and its key are given (named in messages; the TLS lab names its fields).
CLIENT_CERT_HINT = "--cert FILE --key FILE"

#: Largest client certificate or key file read.
MAX_IDENTITY_BYTES = 1024 * 1024

#: How the CA files given to a probe are named in messages when the caller names none.
CA_LABEL = "the CA file to trust"

#: What to do when the server's chain lacks an intermediate: the server must send it (a probe has
#: no intermediates of its own to add).
SERVER_CHAIN_FIX = (
    "The server did not send this issuer: append the intermediate to the server's certificate file "
    "(its fullchain.pem: the leaf first, then the intermediates) and restart the server. If it is a "
    "root you trust, give it as a CA to trust instead."
)


def load_trust(context: ssl.SSLContext, data: bytes, name: str, what: str) -> int:
    """Trust every certificate in ``data`` in ``context``; returns how many.

    The file is read by :func:`tlsexplorer.core.x509.loader.load_certificates`:
    PEM with any text around its blocks (comments in any encoding), DER, or
    PKCS#7. ``name`` names the file in messages and ``what`` says what it
    should hold (``the client CA's certificate``).

    Raises:
        InvalidInput: the file is empty, holds no certificate (with the
            reason), or OpenSSL refuses its certificates.
    """
    from tlsexplorer.core.x509.loader import load_certificates

    if not data.strip():
        raise InvalidInput(f"{name} is empty; give {what} (PEM or DER)")
    try:
        certs = load_certificates(data, name)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc}; give {what} (PEM or DER)") from None
    der = b"".join(cert.public_bytes(serialization.Encoding.DER) for cert in certs)
    try:
        context.load_verify_locations(cadata=der)
    except (ssl.SSLError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, ssl.SSLError) and exc.reason else exc
        raise InvalidInput(f"{name}: OpenSSL cannot use its certificate ({reason}); give {what}") from None
    return len(certs)


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
        return ssl.DER_cert_to_PEM_cert(self.der).encode("ascii")  # any DER, read or not

    @classmethod
    def from_der(cls, der: bytes) -> PeerCertificate:
        """Summarise DER bytes (an unreadable certificate is named so, not raised)."""
        try:
            cert = x509.load_der_x509_certificate(der)
        except Exception:  # whatever a server sends
            subject = issuer = "(unreadable certificate)"
        else:
            subject = safe.rfc4514_or_none(cert, "subject") or "(unreadable subject)"
            issuer = safe.rfc4514_or_none(cert, "issuer") or "(unreadable issuer)"
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
    explained: ChainReport | None = field(default=None, compare=False)
    """The Chain explainer's report on the sent chain (None when it did not run)."""
    client_certificate: PeerCertificate | None = None
    """The client certificate the probe presented (mutual TLS; sent when the server asks for one)."""
    stapled: StapledResponse | None = field(default=None, compare=False)
    """What the server stapled when asked for OCSP stapling (``status=True``; None when not asked)."""

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
            "ocsp_stapling": self.stapled.to_json() if self.stapled is not None else None,
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
            "client_certificate": None if self.client_certificate is None else {
                "subject": self.client_certificate.subject,
                "issuer": self.client_certificate.issuer,
                "fingerprint_sha256": self.client_certificate.fingerprint_sha256,
            },
        }

    def _explained_json(self) -> dict[str, Any] | None:
        """The Chain explainer's verdict and failed checks (None when it did not run)."""
        report = self.explained
        if report is None:
            return None
        return {
            "valid": report.valid,
            "error": report.error,
            "failures": [
                {"certificate": f.certificate, "check": f.check, "message": f.message, "fix": f.fix}
                for f in report.findings if not f.ok
            ],
            "openssl_command": report.openssl_command,
        }


def parse_target(text: str, default_port: int = 443) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:8443`` for IPv6; the port defaults to 443).

    Raises:
        UsageError: an empty host or a port that is not 1..65535.
    """
    raw = text.strip()
    for scheme in ("https://", "http://"):  # a pasted URL (an http:// one then shows it is not TLS)
        if raw.lower().startswith(scheme):
            raw = raw[len(scheme):].split("/", 1)[0]
            if scheme == "http://":
                default_port = 80  # where http:// goes: the probe then says it is not TLS
    return split_host_port(raw, default_port, quoted=repr(text), example="HOST:PORT such as localhost:8443")


def is_ip_address(host: str) -> bool:
    """True for a literal IPv4 or IPv6 address."""
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ClientIdentity:
    """A client certificate chain and its private key, checked and ready to present (mutual TLS)."""

    cert_path: Path
    """PEM file: the client certificate first, then its intermediates."""
    key_path: Path
    """PEM file with its private key (the same file when it holds both)."""
    certificate: PeerCertificate
    """The client certificate (the first one in :attr:`cert_path`)."""
    chain_length: int
    """How many certificates :attr:`cert_path` holds (intermediates are sent too)."""
    password: bytes | None = field(default=None, repr=False, compare=False)
    """The key's passphrase (never shown)."""
    password_hint: str = field(default=KEY_PASSWORD_HINT, repr=False, compare=False)
    """Where the person gives the passphrase (named in messages)."""

    def load_into(self, context: ssl.SSLContext) -> None:
        """Give ``context`` this certificate and key (``load_cert_chain``).

        Raises:
            InvalidInput: OpenSSL refuses the pair.
            PasswordRequired: the key needs a passphrase and none was given
                (OpenSSL is never left to prompt on the terminal).
            FileAccessError: a file went away since it was checked.
        """
        password: bytes | Any = self.password if self.password is not None else self._no_password
        try:
            context.load_cert_chain(str(self.cert_path), str(self.key_path), password=password)
        except ssl.SSLError as exc:
            if (exc.reason or "").upper() == "KEY_VALUES_MISMATCH":
                raise InvalidInput(self._mismatch()) from None
            if self.password is not None:
                raise WrongPassword(_wrong_password(self.key_path, self.password_hint)) from None
            raise InvalidInput(
                f"OpenSSL refused {self.cert_path} with {self.key_path}: {exc.reason or exc}"
            ) from None
        except OSError as exc:
            raise FileAccessError(f"{exc.filename or self.cert_path}: {exc.strerror or exc}") from None

    def _no_password(self) -> bytes:
        raise PasswordRequired(_needs_password(self.key_path, self.password_hint))

    def _mismatch(self) -> str:
        return (f"{self.key_path} does not match the client certificate in {self.cert_path} "
                f"({self.certificate.subject}): it is another certificate's key; "
                "give the key it was issued for")


def _wrong_password(key_path: Path, hint: str) -> str:
    return f"the passphrase does not open {key_path}; check the one given ({hint})"


def _needs_password(key_path: Path, hint: str) -> str:
    return f"{key_path} is encrypted; give its passphrase with {hint}"


def load_client_identity(
    cert: str | Path,
    key: str | Path | None = None,
    password: bytes | None = None,
    *,
    password_hint: str = KEY_PASSWORD_HINT,
    key_hint: str = CLIENT_KEY_HINT,
) -> ClientIdentity:
    """Read and check a client certificate chain and its key before any connection.

    Like ``curl --cert --key``: without ``key`` the key is looked for in the
    certificate file. The files are read with :func:`tlsexplorer.core.files.read_file`
    and :func:`tlsexplorer.core.x509.loader.load_objects`, so each problem has its
    own message: no certificate, no key, an encrypted key without (or with a
    wrong) passphrase, a key that belongs to another certificate, a format
    Python's ssl cannot read (it takes PEM only). ``password_hint`` and ``key_hint``
    say where the passphrase and the key are given (the CLI options, or the TUI's fields).

    Raises:
        FileAccessError: a file is missing, unreadable or too large.
        InvalidInput: no PEM certificate or key, or a key that does not match.
        UsageError: no ``key`` given and the certificate file holds none.
        PasswordRequired: the key is encrypted and no passphrase was given.
        WrongPassword: the passphrase does not open the key.
    """
    from tlsexplorer.core.files import read_file
    from tlsexplorer.core.x509.loader import load_objects

    cert_path = Path(cert).expanduser()
    key_path = Path(key).expanduser() if key else cert_path
    cert_data = read_file(cert_path, MAX_IDENTITY_BYTES)
    found = load_objects(cert_data, str(cert_path))
    certs = [o for o in found.objects if o.kind == "certificate" and o.value is not None]
    if not certs:
        kinds = {o.kind for o in found.objects}
        if "pkcs12" in kinds:
            raise InvalidInput(
                f"{cert_path} is a PKCS#12 bundle; Python's ssl reads PEM: convert it with "
                f"'openssl pkcs12 -in {cert_path} -out client.pem' and give client.pem as the client "
                "certificate"
            )
        raise InvalidInput(f"{cert_path}: no certificate found; give the client certificate in PEM "
                           "(leaf first, then its intermediates)")
    if not certs[0].pem:
        raise InvalidInput(f"{cert_path} is DER; Python's ssl reads PEM: convert it with "
                           f"'openssl x509 -inform der -in {cert_path} -out client.pem'")
    key_data = cert_data if key_path == cert_path else read_file(key_path, MAX_IDENTITY_BYTES)
    keys = [o for o in load_objects(key_data, str(key_path), password).objects if o.kind == "private_key"]
    if not keys:
        if key is None:
            raise UsageError(f"{cert_path} holds no private key; give the key with {key_hint}")
        raise InvalidInput(f"{key_path}: no private key found; give the client certificate's key (PEM)")
    found_key = keys[0]
    if found_key.format == "OpenSSH" or not found_key.pem:
        raise InvalidInput(
            f"{key_path} holds a {found_key.format} key in a form Python's ssl cannot read; "
            "give it as PEM (PKCS#8: 'openssl pkey -in KEY -out key.pem')"
        )
    if found_key.value is None:
        if found_key.encrypted and password is None:
            raise PasswordRequired(_needs_password(key_path, password_hint))
        if found_key.encrypted:
            raise WrongPassword(_wrong_password(key_path, password_hint))
        raise InvalidInput(f"{key_path}: the private key cannot be read ({found_key.note or 'unsupported'})")
    leaf = certs[0].value
    identity = ClientIdentity(
        cert_path, key_path, PeerCertificate.from_der(leaf.public_bytes(serialization.Encoding.DER)),
        len(certs), password if found_key.encrypted else None, password_hint,
    )
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    try:
        own = found_key.value.public_key().public_bytes(serialization.Encoding.DER, spki)
    except (AttributeError, TypeError, ValueError):
        raise InvalidInput(f"{key_path}: not a private key TLS can sign with") from None
    leaf_key = safe.public_key(leaf)
    if isinstance(leaf_key, safe.Unreadable):
        raise InvalidInput(f"{cert_path}: {leaf_key.sentence}")
    if leaf_key.public_bytes(serialization.Encoding.DER, spki) != own:
        raise InvalidInput(identity._mismatch())
    return identity


#: Alerts a server sends about the client's certificate (mutual TLS), in words.
CLIENT_CERT_ALERTS = {
    "UNKNOWN_CA": "it does not trust the CA that issued it; present one from a CA the server trusts",
    "BAD_CERTIFICATE": "it found the certificate bad (a wrong key usage, or a broken signature?)",
    "CERTIFICATE_UNKNOWN": "it would not accept it (for a client certificate: is its EKU clientAuth?)",
    "UNSUPPORTED_CERTIFICATE": "it does not accept this kind of certificate (is its EKU clientAuth?)",
    "CERTIFICATE_EXPIRED": "it has expired (or is not valid yet); issue a new one",
    "CERTIFICATE_REVOKED": "it has been revoked",
    "DECRYPT_ERROR": "the signature made with its key did not verify",
    "ACCESS_DENIED": "the certificate verified, but this client is not allowed in",
}


def describe_client_error(
    exc: BaseException, host: str, port: int, timeout: float, *, client_cert: str | None = None,
    cert_hint: str = CLIENT_CERT_HINT,
) -> str:
    """One line on why a connection or handshake failed.

    ``client_cert`` is the subject of the client certificate presented (None
    when there was none), so a server's refusal can say whose fault it is;
    ``cert_hint`` says where one is given.
    """
    where = host_port(host, port)
    if isinstance(exc, RouteError):
        return str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {exc.verify_message}"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: nothing is listening on {where} (is the server running?)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return (f"no answer from {where} within {timeout:g} s: the peer accepted the connection "
                "but did not complete a TLS handshake in time")
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {host!r}: {exc.strerror}"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
                      "UNKNOWN_PROTOCOL"):
            return f"{where} does not speak TLS (its answer is not a TLS record; plain HTTP?)"
        if reason == "EXCESSIVE_MESSAGE_SIZE":
            return (f"{where} sent a handshake message larger than OpenSSL accepts (a certificate list above "
                    "100 KB: far more certificates than a chain needs); the connection was refused")
        if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return f"{where} closed the connection during the handshake"
        if reason.endswith("ALERT_CERTIFICATE_REQUIRED"):
            if client_cert is None:
                return ("the server requires a client certificate (mutual TLS) and none was given: "
                        f"pass {cert_hint} (alert certificate_required)")
            return (f"the server requires a client certificate and did not take {client_cert} "
                    "(alert certificate_required)")
        alert = reason.split("ALERT_", 1)[-1]
        if "ALERT" in reason and client_cert is not None and alert in CLIENT_CERT_ALERTS:
            return (f"the server refused our client certificate {client_cert}: {CLIENT_CERT_ALERTS[alert]} "
                    f"(alert {alert.lower()})")
        if reason.endswith("ALERT_HANDSHAKE_FAILURE") and client_cert is None:
            return ("the server refused the handshake (alert handshake_failure); if it requires a client "
                    f"certificate (mutual TLS), pass {cert_hint}")
        if "ALERT" in reason:
            alert = reason.split("ALERT_", 1)[-1].lower()
            return f"the server refused the handshake (alert {alert})"
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, UnicodeError):  # the name for SNI and the check, refused by the IDNA codec
        detail = exc.__cause__ or exc
        return (f"not a valid host name to send and check ({detail}): each dot-separated label has 1 to "
                "63 characters")
    if isinstance(exc, ConnectionResetError):
        return f"{where} reset the connection"
    if isinstance(exc, OSError):
        return f"cannot connect to {where}: {exc.strerror or exc}"
    return str(exc)


def client_context(
    ca_pems: Sequence[bytes] = (),
    *,
    ca_names: Sequence[str] = (),
    system_roots: bool = False,
    insecure: bool = False,
    strict: bool = False,
    alpn: Sequence[str] = ("http/1.1",),
    client: ClientIdentity | None = None,
) -> tuple[ssl.SSLContext, str]:
    """A client context as a probe uses it, and a description of its trust.

    With no CA files and no ``system_roots`` the system's roots are used, as
    curl, requests and openssl do by default. The CA files may be PEM (text
    around the blocks is fine) or DER (see :func:`load_trust`); ``ca_names``
    names them in messages. ``client`` (from
    :func:`load_client_identity`) is the certificate and key to present when
    the server asks for one (mutual TLS).

    Raises:
        UsageError: a CA file holds no certificate.
        InvalidInput, PasswordRequired, WrongPassword, FileAccessError: the
            client certificate and key cannot be loaded.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_alpn_protocols(list(alpn))
    if client is not None:
        client.load_into(context)
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    trusted: list[str] = []
    for i, pem in enumerate(ca_pems):
        try:
            load_trust(context, pem, ca_names[i] if i < len(ca_names) else CA_LABEL,
                       "the CA's certificate to trust")
        except InvalidInput as exc:
            raise UsageError(str(exc)) from None
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
    from tlsexplorer.core.chain.trust import system_roots_file

    return system_roots_file()


def _handshake(
    context: ssl.SSLContext, host: str, port: int, server_hostname: str | None, deadline: Deadline,
    route: Route = DIRECT,
) -> tuple[str | None, str | None, str | None, bytes | None]:
    """Connect and handshake; return (version, cipher, alpn, leaf DER). Raises on failure,
    including a TLS 1.3 server's refusal of the client (see :func:`await_server_verdict`).

    The handshake as a whole is bounded by the socket's timeout (Python's ssl
    counts it for the whole handshake, not for each read), set to what is left
    of ``deadline``."""
    with open_connection(host, port, deadline, route, servername=server_hostname) as sock, \
            context.wrap_socket(sock, server_hostname=server_hostname) as tls:
        cipher = tls.cipher()
        version = tls.version()
        if version == "TLSv1.3":
            await_server_verdict(tls, min(deadline.left(), VERDICT_WAIT))
        return version, cipher[0] if cipher else None, tls.selected_alpn_protocol(), \
            tls.getpeercert(binary_form=True)


def await_server_verdict(tls: ssl.SSLSocket, wait: float) -> None:
    """After a TLS 1.3 handshake, wait up to ``wait`` seconds for the server's verdict on us.

    In TLS 1.3 the client's handshake is done when it sends its Finished; the
    server checks the client's certificate (or its absence) only then, and a
    refusal comes back as an alert the client reads afterwards. A server that
    accepts sends a session ticket (OpenSSL, Go, nginx... do) or data, which
    ends the wait early; a silent one costs ``wait``.

    Raises:
        ssl.SSLError: the server's alert (certificate_required, unknown_ca...).
    """
    deadline = time.monotonic() + wait
    previous = tls.gettimeout()
    tls.settimeout(0.02)
    try:
        while time.monotonic() < deadline:
            session = tls.session
            if session is not None and session.has_ticket:
                return
            try:
                tls.recv(1)
                return  # data, or a clean close: the server got past the handshake
            except (TimeoutError, ssl.SSLWantReadError):
                continue
            except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
                return
    finally:
        tls.settimeout(previous)


def capture_handshake(
    host: str, port: int, server_hostname: str | None, *, timeout: float = PROBE_TIMEOUT,
    max_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2, client: ClientIdentity | None = None,
    deadline: Deadline | None = None, route: Route = DIRECT,
) -> Exchange:
    """Make an unverified handshake over an in-memory BIO and keep every byte.

    Capped at TLS 1.2 by default, so the server's Certificate message crosses
    in the clear and :func:`tlsexplorer.core.tls.records.analyse_exchange` can read
    the chain exactly as sent. ``client`` is presented when the server asks
    (a server that requires one refuses the handshake otherwise). The whole
    handshake has ``timeout`` seconds (or what is left of ``deadline``), however
    the server trickles its bytes. Raises what the connection raises
    (``TimeoutError`` when the time runs out).
    """
    deadline = deadline or Deadline(timeout)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if client is not None:
        client.load_into(context)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = max_version
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    segments: list[Segment] = []
    with open_connection(host, port, deadline, route, servername=server_hostname) as sock:
        while True:
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            pending = outgoing.read()
            if pending:
                segments.append(Segment("client", pending))
                sock.settimeout(deadline.left())
                sock.sendall(pending)
            if done:
                break
            sock.settimeout(deadline.left())
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
    ca_names: Sequence[str] = (),
    system_roots: bool = False,
    insecure: bool = False,
    servername: str | None = None,
    strict: bool = False,
    timeout: float = PROBE_TIMEOUT,
    now: dt.datetime | None = None,
    explain: bool = True,
    client_cert: str | Path | None = None,
    client_key: str | Path | None = None,
    client_key_password: bytes | None = None,
    password_hint: str = KEY_PASSWORD_HINT,
    cert_hint: str = CLIENT_CERT_HINT,
    key_hint: str = CLIENT_KEY_HINT,
    route: Route = DIRECT,
    status: bool = False,
) -> ProbeResult:
    """Connect to ``host:port``, verify, and report what was negotiated and sent.

    Failures to connect or verify are results (``connected``/``verified``
    False with an ``error``), not exceptions.

    Args:
        host: host name or IP address.
        port: TCP port.
        ca_pems: CA certificates to trust (``--ca``): PEM, text around the
            blocks allowed, or DER.
        ca_names: how messages name each of ``ca_pems`` (default: the CA file to trust).
        system_roots: also trust the system's roots (always, when no CA is given).
        insecure: skip verification (like curl --insecure), with a warning.
        servername: the SNI and the name checked, when not ``host``.
        strict: turn on VERIFY_X509_STRICT, as Python 3.13 does by default.
        timeout: seconds for the whole probe: every connection, handshake
            and wait in it takes what is left.
        now: the time for the Chain explainer's checks.
        explain: run the Chain explainer on the sent chain when it exists.
        client_cert: mutual TLS: a PEM file with the client certificate (then
            its intermediates) to present when the server asks for one.
        client_key: its private key (PEM); default: looked for in ``client_cert``.
        client_key_password: the key's passphrase, when it is encrypted.
        password_hint: where the passphrase is given, for the messages.
        cert_hint: where a client certificate and key are given, for the messages.
        key_hint: where the client key is given, for the messages.
        route: through a proxy, after a STARTTLS opening (:mod:`tlsexplorer.core.tls.connect`).
        status: also ask for OCSP stapling, like ``openssl s_client -status``
            (:func:`tlsexplorer.core.tls.stapling.ask_for_staple`).

    Raises:
        UsageError: a CA file without a certificate.
        InvalidInput, PasswordRequired, WrongPassword, FileAccessError: a
            client certificate or key that cannot be used (checked before
            connecting, see :func:`load_client_identity`).
    """
    deadline = Deadline(timeout)
    name = servername or host
    sni = None if is_ip_address(name) else name
    identity = None
    if client_cert is not None:
        identity = load_client_identity(client_cert, client_key, client_key_password,
                                        password_hint=password_hint, key_hint=key_hint)
    elif client_key is not None:
        raise UsageError("a client key needs its certificate (mutual TLS): give the client certificate too")
    context, trust = client_context(ca_pems, ca_names=ca_names, system_roots=system_roots,
                                    insecure=insecure, strict=strict, client=identity)
    presented = identity.certificate if identity is not None else None
    base = {"host": host, "port": port, "servername": sni, "trust": trust, "insecure": insecure,
            "strict": strict, "client_certificate": presented}

    def describe(exc: BaseException) -> str:
        return describe_client_error(exc, host, port, timeout, cert_hint=cert_hint,
                                     client_cert=presented.subject if presented is not None else None)

    verified = False
    error: str | None = None
    warnings: list[str] = []
    try:
        version, cipher, alpn, leaf = _handshake(context, host, port, name, deadline, route)
        verified = not insecure
    except ssl.SSLCertVerificationError as exc:
        error = describe(exc)
        try:
            loose, _ = client_context(insecure=True, client=identity)
            version, cipher, alpn, leaf = _handshake(loose, host, port, name, deadline, route)
        except (OSError, ssl.SSLError) as again:
            return ProbeResult(connected=False, error=describe(again), **base)  # type: ignore[arg-type]
    except (OSError, ssl.SSLError, ValueError) as exc:
        return ProbeResult(connected=False, error=describe(exc), **base)  # type: ignore[arg-type]
    if insecure:
        check, _ = client_context(ca_pems, ca_names=ca_names, system_roots=system_roots, strict=strict,
                                  client=identity)
        try:
            _handshake(check, host, port, name, deadline, route)
            would = "a verifying client would have accepted it"
        except ssl.SSLCertVerificationError as exc:
            refused = describe(exc)
            would = f"a verifying client would have refused it: {refused}"
        except TimeoutError:
            would = f"the check could not be repeated within the probe's {timeout:g} s"
        except (OSError, ssl.SSLError) as exc:
            would = f"the check could not be repeated ({describe(exc)})"
        warnings.append(
            "--insecure: the certificate was NOT checked (who issued it, whether it expired, whether it "
            f"names {name}); anyone in the middle could have answered. {would[:1].upper()}{would[1:]}."
        )
    chain, method = _sent_chain(host, port, sni, leaf, deadline, identity, route)
    stapled = None
    if status:
        from tlsexplorer.core.tls.stapling import ask_for_staple

        stapled = ask_for_staple(host, port, sni, deadline.left, now or utcnow(), ca_pems, route)
    result = ProbeResult(
        connected=True, tls_version=version, cipher=cipher, alpn=alpn, verified=verified, error=error,
        peer_chain=chain, chain_method=method, warnings=tuple(warnings), stapled=stapled,
        **base,  # type: ignore[arg-type]
    )
    if explain and chain:
        result = _with_explanation(result, ca_pems, system_roots or not ca_pems, name, now or utcnow())
    return result


def _sent_chain(
    host: str, port: int, sni: str | None, leaf: bytes | None, deadline: Deadline,
    client: ClientIdentity | None = None, route: Route = DIRECT,
) -> tuple[tuple[PeerCertificate, ...], str]:
    try:
        exchange = capture_handshake(host, port, sni, deadline=deadline, client=client, route=route)
    except TimeoutError:
        if leaf:
            return ((PeerCertificate.from_der(leaf),),
                    f"leaf only: the probe's {deadline.seconds:g} s ran out before a second handshake "
                    "(TLS 1.2, to read the chain as sent) finished")
        exchange = None
    except (OSError, ssl.SSLError, TlsxError):
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
    """Attach the Chain explainer's report on the sent chain."""
    from tlsexplorer.core.chain.gather import ChainInput, Source, gather_and_verify

    try:
        # The openssl line works on files: the sent chain saved (tls probe --pem), the CA given.
        sent = b"".join(c.pem for c in result.peer_chain)  # an unreadable certificate: no explanation
        request = ChainInput(
            leaf=(Source.memory(sent, label="the chain the server sent", name=SENT_CHAIN_NAME),),
            anchors=tuple(Source.memory(pem, label="the CA file", name=SENT_CA_NAME) for pem in ca_pems),
            system_roots=use_system,
            at=now,
            host=host,
            purpose="server",
            missing_fix=SERVER_CHAIN_FIX,
        )
        report = gather_and_verify(request).report
    except Exception:  # the explanation is extra (a hostile chain must not cost the verdict)
        return result
    extra: tuple[str, ...] = ()
    if result.verified and not report.valid:
        failed = next((f for f in report.findings if not f.ok), None)
        why = f": {failed.message}" if failed is not None else ""
        extra = (
            "Python's ssl (OpenSSL, as curl uses it) accepted this certificate, but the Chain explainer, "
            f"which applies the stricter rules of browsers and of the cryptography verifier, refuses it{why}",
        )
    return ProbeResult(**{**result.__dict__, "explained": report, "warnings": result.warnings + extra})


__all__ = [
    "CA_LABEL",
    "CLIENT_CERT_ALERTS",
    "CLIENT_CERT_HINT",
    "CLIENT_KEY_HINT",
    "KEY_PASSWORD_HINT",
    "MAX_IDENTITY_BYTES",
    "SERVER_CHAIN_FIX",
    "VERDICT_WAIT",
    "ClientIdentity",
    "PeerCertificate",
    "ProbeResult",
    "await_server_verdict",
    "capture_handshake",
    "client_context",
    "describe_client_error",
    "host_port",
    "is_ip_address",
    "load_client_identity",
    "load_trust",
    "parse_target",
    "probe",
]
