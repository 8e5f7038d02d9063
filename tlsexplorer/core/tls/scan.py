"""What a server accepts: versions, cipher suites, groups, ALPN, resumption, and a grade with reasons.

:func:`scan` answers "which versions and suites does this server still take",
the question people bring to testssl.sh and sslyze, on one deadline and with
a bounded pool of concurrent connections. It uses two kinds of client, and
says which one found each answer:

- **Python's ssl** (OpenSSL) for what it can offer: each version from TLS 1.0
  to 1.3 (``minimum_version`` = ``maximum_version``, ``@SECLEVEL=0`` so the
  local security level does not veto old versions), the TLS 1.0-1.2 suites
  (``set_ciphers``, whole handshakes), ALPN and session resumption.
- **Hand-built ClientHellos** (:mod:`tlsexplorer.core.tls.hello`) for what
  Python's ssl cannot offer: the TLS 1.3 suites one by one, every key
  exchange group one at a time (X25519MLKEM768 with a real ML-KEM-768 +
  X25519 key share), SSL 3.0, and old suites the local OpenSSL was built
  without (RC4, export, single DES). Only the ServerHello (or
  HelloRetryRequest) is read: "accepted" means the server chose it there.

Suites are listed in the server's preference order: offer every suite, note
the one chosen, take it out, offer the rest, until the server refuses. Then
the order is offered reversed: a server that still picks the same first
suite imposes its own order; one that does not follows the client's.

OCSP stapling is asked for as ``openssl s_client -status`` does, in one more
handshake (pyOpenSSL, through :func:`tlsexplorer.core.tls.stapling.ask_for_staple`,
the same as ``tls probe --status``): whether the server stapled a response, what
it says, and its check against the certificates the server sent.

What could not be tested here, and why, is in :attr:`ScanResult.untested`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import ssl
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import tlsexplorer.core.tls.hello as hello
from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.tls.connect import DIRECT, Route, RouteError, open_connection
from tlsexplorer.core.tls.records import CIPHER_SUITES, GROUPS

if TYPE_CHECKING:
    from tlsexplorer.core.tls.stapling import StapledResponse

#: Seconds for the whole scan (every connection shares one deadline).
DEFAULT_TIMEOUT = 30.0
#: Connections open at once.
DEFAULT_WORKERS = 8

#: The versions tried, oldest first: name, wire code, Python's ssl version (None: hand-built only).
VERSIONS: tuple[tuple[str, int, ssl.TLSVersion | None], ...] = (
    ("SSL 3.0", 0x0300, None),
    ("TLS 1.0", 0x0301, ssl.TLSVersion.TLSv1),
    ("TLS 1.1", 0x0302, ssl.TLSVersion.TLSv1_1),
    ("TLS 1.2", 0x0303, ssl.TLSVersion.TLSv1_2),
    ("TLS 1.3", 0x0304, ssl.TLSVersion.TLSv1_3),
)
#: The TLS 1.3 cipher suites (RFC 8446 B.4), offered by hand.
TLS13_SUITES: tuple[int, ...] = (0x1301, 0x1302, 0x1303, 0x1304, 0x1305)
#: The groups tried in TLS 1.3, one per ClientHello.
SCAN_GROUPS: tuple[str, ...] = (
    "X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "x25519", "x448",
    "secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
)
#: Old suites offered by hand when the local OpenSSL cannot offer them.
LEGACY_SUITES: tuple[int, ...] = (0x0005, 0x0004, 0xC011, 0xC007, 0x0003, 0x0008, 0x0009, 0x000A, 0xC012)
#: The suites an SSL 3.0 ClientHello offers.
SSL3_SUITES: tuple[int, ...] = (0x002F, 0x0035, 0x000A, 0x0005, 0x0004, 0x0033, 0x0039, 0x0009)
#: Signature schemes offered in hand-built hellos.
SIGNATURE_CODES: tuple[int, ...] = (0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808,
                                    0x0401, 0x0501, 0x0601, 0x0201, 0x0203)
#: Groups offered next to a hand-built TLS 1.0-1.2 hello's suites.
CLASSIC_GROUPS: tuple[int, ...] = (0x001D, 0x0017, 0x0018, 0x0019, 0x001E, 0x0100, 0x0101)
#: ALPN protocols tried.
ALPN_PROTOCOLS: tuple[str, ...] = ("h2", "http/1.1")

_GROUP_CODE = {name: code for code, name in GROUPS.items()}
_ANY_CIPHER = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
_HAND: How = "hand-built ClientHello"

Severity = Literal["critical", "high", "medium", "low", "info"]
"""How much a finding matters."""
How = Literal["ssl", "hand-built ClientHello"]
"""Which client found an answer."""
GRADES = ("A", "A-", "B", "C", "F")
"""The grades, best first."""


@dataclass(frozen=True)
class Fix:
    """What to change, in each of three places a server is configured."""

    nginx: str
    """The nginx directive."""
    apache: str
    """The Apache httpd (mod_ssl) directive."""
    python: str
    """Python's ssl, for a server built on it."""


@dataclass(frozen=True)
class Finding:
    """One thing the grade is made of."""

    severity: Severity
    """How much it matters."""
    title: str
    """A few words."""
    reason: str
    """Why it matters."""
    cap: str | None = None
    """The best grade a server with this finding gets (None: no cap)."""
    fix: Fix | None = None
    """What to change."""


@dataclass(frozen=True)
class VersionResult:
    """One protocol version tried."""

    name: str
    """``TLS 1.2``."""
    accepted: bool | None
    """True, False, or None when it could not be decided (the note says why)."""
    how: How
    """The client that tried it."""
    note: str = ""
    """What the server answered, or why it is undecided."""


@dataclass(frozen=True)
class Suite:
    """A cipher suite the server accepted."""

    name: str
    """Its IANA name (the OpenSSL name when the IANA one is not known here)."""
    code: int
    """Its two-byte code."""
    openssl_name: str = ""
    """OpenSSL's name for it ("" when tried by hand)."""
    how: How = "ssl"
    """The client that found it."""


@dataclass(frozen=True)
class SuiteList:
    """The suites one version accepts, in the server's preference order when it has one."""

    version: str
    """``TLS 1.2``."""
    suites: tuple[Suite, ...]
    """Accepted suites, in the order the server chose them."""
    server_order: bool | None
    """True: the server imposes its order; False: it follows the client's; None: one suite or untested."""


@dataclass(frozen=True)
class GroupResult:
    """One key exchange group, offered alone in a TLS 1.3 ClientHello."""

    name: str
    """``x25519``, ``X25519MLKEM768``..."""
    code: int
    """Its code point."""
    accepted: bool | None
    """True, False, or None when undecided."""
    answer: str
    """``ServerHello``, ``HelloRetryRequest``, the alert, or why undecided."""


@dataclass(frozen=True)
class Resumption:
    """Whether a second connection can resume the first one's session."""

    session_id: bool | None
    """TLS 1.2 resumption by session id (None: not tested)."""
    ticket: bool | None
    """TLS 1.2 resumption by session ticket."""
    tls13_ticket: bool | None
    """TLS 1.3 resumption by ticket (PSK)."""


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan found."""

    host: str
    """Host scanned."""
    port: int
    """Port scanned."""
    servername: str | None
    """SNI sent."""
    route: Route
    """Proxy and STARTTLS used."""
    error: str | None = None
    """Why the scan could not run at all (nothing else is filled)."""
    versions: tuple[VersionResult, ...] = ()
    """Each version tried."""
    suites: tuple[SuiteList, ...] = ()
    """Accepted suites per version."""
    groups: tuple[GroupResult, ...] = ()
    """Each group tried (TLS 1.3)."""
    alpn: tuple[tuple[str, bool], ...] = ()
    """Each ALPN protocol offered alone, and whether the server selected it."""
    resumption: Resumption | None = None
    """Session resumption."""
    stapling: StapledResponse | None = None
    """What the server stapled when asked for OCSP stapling (None: not asked, the scan did not run)."""
    findings: tuple[Finding, ...] = ()
    """What the grade is made of, worst first."""
    grade: str = "-"
    """``A`` to ``F`` (``-`` when nothing was accepted)."""
    untested: tuple[str, ...] = ()
    """What could not be tested here, and why."""
    connections: int = 0
    """Connections made."""
    seconds: float = 0.0
    """How long it took."""

    @property
    def ok(self) -> bool:
        """The scan ran (exit 0)."""
        return self.error is None

    def accepted_versions(self) -> tuple[str, ...]:
        """The versions the server accepted."""
        return tuple(v.name for v in self.versions if v.accepted)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "host": self.host, "port": self.port, "servername": self.servername,
            "route": self.route.to_json(), "error": self.error, "grade": self.grade,
            "versions": [{"version": v.name, "accepted": v.accepted, "tested_by": v.how, "note": v.note}
                         for v in self.versions],
            "cipher_suites": [
                {"version": s.version, "server_order": s.server_order,
                 "suites": [{"name": c.name, "code": f"0x{c.code:04x}",
                             "openssl_name": c.openssl_name or None, "tested_by": c.how} for c in s.suites]}
                for s in self.suites],
            "groups": [{"name": g.name, "code": f"0x{g.code:04x}", "accepted": g.accepted, "answer": g.answer}
                       for g in self.groups],
            "alpn": [{"protocol": p, "selected": ok} for p, ok in self.alpn],
            "resumption": None if self.resumption is None else {
                "session_id": self.resumption.session_id, "ticket": self.resumption.ticket,
                "tls13_ticket": self.resumption.tls13_ticket},
            "ocsp_stapling": self.stapling.to_json() if self.stapling is not None else None,
            "findings": [{"severity": f.severity, "title": f.title, "reason": f.reason, "cap": f.cap,
                          "fix": None if f.fix is None else {"nginx": f.fix.nginx, "apache": f.fix.apache,
                                                             "python": f.fix.python}}
                         for f in self.findings],
            "untested": list(self.untested),
            "connections": self.connections,
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------------------
# The two clients


@dataclass(frozen=True)
class _Shake:
    """What one handshake negotiated."""

    cipher: str
    alpn: str | None
    session: ssl.SSLSession | None
    reused: bool


class _Scanner:
    """One scan's target, deadline and connection count."""

    def __init__(self, host: str, port: int, servername: str | None, route: Route,
                 deadline: Deadline) -> None:
        self.host, self.port, self.servername = host, port, servername
        self.route, self.deadline = route, deadline
        self.connections = 0

    def _connect(self) -> Any:
        self.connections += 1  # a race costs at most a miscount by one
        return open_connection(self.host, self.port, self.deadline, self.route, servername=self.servername)

    def context(self, version: ssl.TLSVersion | None, ciphers: str = _ANY_CIPHER) -> ssl.SSLContext:
        """An unverified client context for one version (None: any), at security level 0."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with warnings.catch_warnings():  # TLS 1.0 and 1.1 are deprecated: trying them is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version or ssl.TLSVersion.TLSv1
            context.maximum_version = version or ssl.TLSVersion.TLSv1_3
        context.set_ciphers(ciphers)
        return context

    def handshake(self, context: ssl.SSLContext, session: ssl.SSLSession | None = None,
                  wait_ticket: bool = False, close_notify: bool = False) -> _Shake:
        """One whole handshake: what was negotiated (the connection is closed).

        ``close_notify`` ends it cleanly: a server forgets a session whose
        connection ended without one (so resumption by session id needs it)."""
        from tlsexplorer.core.tls.probe import await_server_verdict

        with self._connect() as sock, \
                context.wrap_socket(sock, server_hostname=self.servername, session=session) as tls:
            if wait_ticket:
                await_server_verdict(tls, min(self.deadline.left(), 1.0))
            cipher = tls.cipher()
            shake = _Shake(cipher[0] if cipher else "", tls.selected_alpn_protocol(), tls.session,
                           bool(tls.session_reused))
            if close_notify:
                with contextlib.suppress(OSError, ValueError):
                    tls.unwrap()
            return shake

    def hand(self, version: int, suites: Sequence[int], groups: Sequence[int] = CLASSIC_GROUPS,
             shares: Sequence[tuple[int, bytes]] = ()) -> hello.HelloAnswer:
        """Send one hand-built ClientHello and read the answer."""
        exts: list[tuple[int, bytes]] = []
        if self.servername is not None:
            exts.append((0, hello.ext_server_name(self.servername)))
        if version == 0x0304:
            exts.append((43, hello.ext_supported_versions([0x0304])))
            exts.append((51, hello.ext_key_share(shares)))
            exts.append((45, hello.vec(b"\x01", 1)))
        else:
            exts.append((11, hello.vec(b"\x00", 1)))  # ec_point_formats: uncompressed
            exts.append((0xFF01, b"\x00"))  # renegotiation_info, empty
        exts.append((10, hello.ext_u16_list(groups)))
        if version >= 0x0303:
            exts.append((13, hello.ext_u16_list(SIGNATURE_CODES)))
        message = hello.client_hello(
            random=os.urandom(32), session_id=os.urandom(32) if version == 0x0304 else b"",
            suites=suites, extensions=exts if version > 0x0300 else (),
            legacy_version=min(version, 0x0303))
        with self._connect() as sock:
            return hello.send_hello(sock, message, self.deadline, min(version, 0x0301))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").lower()
        if "alert_" in reason:
            return "refused (alert " + reason.split("alert_", 1)[1] + ")"
        return f"refused ({reason or exc})"
    if isinstance(exc, TimeoutError):
        return "no answer before the scan's deadline"
    return str(exc) if isinstance(exc, RouteError) else f"connection failed ({exc})"


def _refused(exc: BaseException) -> bool:
    """The server said no (an alert, a close, a version or suite mismatch), as opposed to not answering."""
    return isinstance(exc, ssl.SSLError | ConnectionResetError | BrokenPipeError)


def _local_suites(version: ssl.TLSVersion) -> list[tuple[str, int]]:
    """(OpenSSL name, code) of each suite the local OpenSSL can offer at ``version`` (TLS 1.0-1.2)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers(_ANY_CIPHER)
    usable = ("SSLv3", "TLSv1.0", "TLSv1.2") if version == ssl.TLSVersion.TLSv1_2 else ("SSLv3", "TLSv1.0")
    return [(c["name"], c["id"] & 0xFFFF) for c in context.get_ciphers() if c["protocol"] in usable]


def _suite(openssl_name: str, code: int) -> Suite:
    return Suite(CIPHER_SUITES.get(code, openssl_name), code, openssl_name, "ssl")


# ---------------------------------------------------------------------------
# The tests


def _ssl_suites(s: _Scanner, name: str, version: ssl.TLSVersion) -> tuple[VersionResult, SuiteList]:
    """Greedy enumeration with whole handshakes: offer all, take the chosen out, repeat."""
    offered = _local_suites(version)
    codes = {n: c for n, c in offered}
    found: list[Suite] = []
    note = ""
    while offered:
        try:
            tls = s.handshake(s.context(version, ":".join(n for n, _ in offered) + ":@SECLEVEL=0"))
        except ssl.SSLError as exc:
            if not found and "NO_PROTOCOLS_AVAILABLE" in (exc.reason or "").upper():
                return VersionResult(name, None, "ssl", "the local OpenSSL cannot offer it"), \
                    SuiteList(name, (), None)
            note = _describe(exc) if not found else note
            break
        except (OSError, TimeoutError) as exc:
            if not found:
                if _refused(exc):
                    return VersionResult(name, False, "ssl", "refused (the connection was closed)"), \
                        SuiteList(name, (), None)
                return VersionResult(name, None, "ssl", _describe(exc)), SuiteList(name, (), None)
            break
        chosen = tls.cipher
        if chosen not in codes:
            break
        found.append(_suite(chosen, codes[chosen]))
        offered = [(n, c) for n, c in offered if n != chosen]
    if not found:
        return VersionResult(name, False, "ssl", note), SuiteList(name, (), None)
    order: bool | None = None
    if len(found) > 1:
        reverse = ":".join(c.openssl_name for c in reversed(found)) + ":@SECLEVEL=0"
        try:
            first = s.handshake(s.context(version, reverse)).cipher
            order = first == found[0].openssl_name
        except (OSError, ssl.SSLError):
            order = None
    return VersionResult(name, True, "ssl", f"{len(found)} suite(s)"), SuiteList(name, tuple(found), order)


def _hand_greedy(s: _Scanner, version: int, codes: Sequence[int],
                 groups: Sequence[int] = CLASSIC_GROUPS) -> tuple[list[int], str]:
    """Greedy enumeration with hand-built hellos: the codes chosen, in order, and the last refusal."""
    offered, chosen = list(codes), []
    last = ""
    while offered:
        try:
            answer = s.hand(version, offered, groups)
        except (OSError, TimeoutError) as exc:
            last = _describe(exc)
            break
        sh = answer.server_hello
        if sh is None or sh.version != version or sh.cipher_suite not in offered:
            last = answer.detail or "the server answered with another version"
            break
        chosen.append(sh.cipher_suite)
        offered.remove(sh.cipher_suite)
    return chosen, last


def _hand_order(s: _Scanner, version: int, chosen: list[int], groups: Sequence[int]) -> bool | None:
    if len(chosen) < 2:
        return None
    try:
        sh = s.hand(version, list(reversed(chosen)), groups).server_hello
    except (OSError, TimeoutError):
        return None
    return None if sh is None else sh.cipher_suite == chosen[0]


def _tls13_suites(s: _Scanner) -> SuiteList:
    groups = [_GROUP_CODE[g] for g in ("x25519", "secp256r1", "secp384r1", "secp521r1", "x448")]
    chosen, _ = _hand_greedy(s, 0x0304, TLS13_SUITES, groups)
    suites = tuple(Suite(CIPHER_SUITES.get(c, f"0x{c:04x}"), c, "", _HAND) for c in chosen)
    return SuiteList("TLS 1.3", suites, _hand_order(s, 0x0304, chosen, groups))


def _share(name: str) -> bytes | None:
    """A real public key share for ``name`` (None: the group is offered without one, asking for a retry)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x448, x25519

    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    point = serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    curves: dict[str, ec.EllipticCurve] = {"secp256r1": ec.SECP256R1(), "secp384r1": ec.SECP384R1(),
                                           "secp521r1": ec.SECP521R1()}
    if name == "x25519":
        return x25519.X25519PrivateKey.generate().public_key().public_bytes(*raw)
    if name == "x448":
        return x448.X448PrivateKey.generate().public_key().public_bytes(*raw)
    if name in curves:
        return ec.generate_private_key(curves[name]).public_key().public_bytes(*point)
    if name == "X25519MLKEM768":  # draft-ietf-tls-ecdhe-mlkem: ML-KEM first, then X25519
        return (mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw()
                + x25519.X25519PrivateKey.generate().public_key().public_bytes(*raw))
    if name == "SecP256r1MLKEM768":  # the ECDH share first, then ML-KEM
        return (ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(*point)
                + mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw())
    if name == "SecP384r1MLKEM1024":
        return (ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(*point)
                + mlkem.MLKEM1024PrivateKey.generate().public_key().public_bytes_raw())
    return None


def _group(s: _Scanner, name: str) -> GroupResult:
    code = _GROUP_CODE[name]
    share = _share(name)
    try:
        answer = s.hand(0x0304, TLS13_SUITES, [code], [(code, share)] if share is not None else [])
    except (OSError, TimeoutError) as exc:
        return GroupResult(name, code, False if _refused(exc) else None, _describe(exc))
    sh = answer.server_hello
    if sh is None:
        refused = answer.kind in ("alert", "closed")
        return GroupResult(name, code, False if refused else None, answer.detail)
    if sh.version != 0x0304:
        return GroupResult(name, code, None, "the server answered with another version than TLS 1.3")
    if sh.group != code:
        return GroupResult(name, code, False,
                           f"the server answered with another group (0x{sh.group or 0:04x})")
    kind = "HelloRetryRequest" if sh.is_hello_retry else "ServerHello"
    return GroupResult(name, code, True, f"{kind} with {name}")


def _alpn(s: _Scanner, protocol: str) -> tuple[str, bool]:
    context = s.context(None)
    context.set_alpn_protocols([protocol])
    try:
        return protocol, s.handshake(context).alpn == protocol
    except (OSError, ssl.SSLError):
        return protocol, False  # a server that refuses an unknown protocol sends no_application_protocol


def _resume(s: _Scanner, version: ssl.TLSVersion, tickets: bool) -> bool | None:
    context = s.context(version)
    if not tickets:
        context.options |= ssl.OP_NO_TICKET
    try:
        first = s.handshake(context, wait_ticket=version == ssl.TLSVersion.TLSv1_3, close_notify=True)
        session = first.session
        if session is None or (tickets and not session.has_ticket):
            return False
        return s.handshake(context, session=session).reused
    except (OSError, ssl.SSLError):
        return None


def _ssl3(s: _Scanner) -> VersionResult:
    try:
        answer = s.hand(0x0300, SSL3_SUITES)
    except (OSError, TimeoutError) as exc:
        return VersionResult("SSL 3.0", False if _refused(exc) else None, _HAND, _describe(exc))
    sh = answer.server_hello
    if sh is not None and sh.version == 0x0300:
        return VersionResult("SSL 3.0", True, _HAND, "the server answered an SSL 3.0 hello")
    return VersionResult("SSL 3.0", False, _HAND, answer.detail or "answered with a newer version")


# ---------------------------------------------------------------------------
# Findings and the grade

PROTOCOLS_FIX = Fix("ssl_protocols TLSv1.2 TLSv1.3;", "SSLProtocol -all +TLSv1.2 +TLSv1.3",
                    "context.minimum_version = ssl.TLSVersion.TLSv1_2")
TLS13_FIX = Fix("ssl_protocols TLSv1.2 TLSv1.3;  (nginx on OpenSSL 1.1.1 or newer)",
                "SSLProtocol -all +TLSv1.2 +TLSv1.3",
                "leave context.maximum_version at its default (TLS 1.3)")
CIPHERS_FIX = Fix("ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;", "SSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20",
                  'context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")')
ORDER_FIX = Fix("ssl_prefer_server_ciphers on;", "SSLHonorCipherOrder on",
                "context.options |= ssl.OP_CIPHER_SERVER_PREFERENCE")
PQ_FIX = Fix("ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;  (nginx on OpenSSL 3.5 or newer)",
             "SSLOpenSSLConfCmd Groups X25519MLKEM768:X25519:prime256v1  (on OpenSSL 3.5 or newer)",
             "Python's ssl uses OpenSSL's default groups (set_ecdh_curve names one): run it on OpenSSL "
             "3.5 or newer, whose defaults put X25519MLKEM768 first")
RESUME_FIX = Fix("ssl_session_cache shared:SSL:10m; ssl_session_tickets on;",
                 "SSLSessionCache shmcb:/var/cache/mod_ssl/scache(512000)",
                 "keep one SSLContext for the server's life (context.num_tickets stays at 2)")
ALPN_FIX = Fix("listen 443 ssl; http2 on;", "Protocols h2 http/1.1",
               'context.set_alpn_protocols(["h2", "http/1.1"])  (with an HTTP/2 server behind it)')
STAPLING_FIX = Fix("ssl_stapling on; ssl_stapling_verify on;  (and a resolver for the responder's name)",
                   "SSLUseStapling on  (and SSLStaplingCache shmcb:/var/run/ocsp(128000) outside the vhost)",
                   "Python's ssl cannot staple: put nginx or Apache in front, or staple with pyOpenSSL "
                   "(set_ocsp_server_callback, as tls serve --staple does)")


def weakness(suite: Suite) -> tuple[Severity, str, str | None] | None:
    """(severity, why, grade cap) for a weak suite, None for a good one."""
    names = f"{suite.name} {suite.openssl_name}".upper()
    if "RC4" in names:
        return "critical", "RC4 is broken; RFC 7465 forbids it", "F"
    if "NULL" in names or "ANON" in names or "ADH-" in names or "AECDH-" in names:
        return "critical", "no encryption or no authentication of the server", "F"
    if "EXPORT" in names or "EXP-" in names or "_DES_CBC_" in names or names.startswith("DES-CBC-"):
        return "critical", "export-grade or single-DES encryption, broken long ago", "F"
    if "3DES" in names or "DES-CBC3" in names:
        return "high", "3DES has 64-bit blocks (Sweet32)", "C"
    forward_secret = suite.name.startswith(("TLS_ECDHE_", "TLS_DHE_", "TLS_AES_", "TLS_CHACHA20_")) or \
        suite.openssl_name.startswith(("ECDHE-", "DHE-", "EDH-"))
    if not forward_secret:
        return "medium", "RSA key exchange: no forward secrecy (a stolen key opens recorded traffic)", "A-"
    return None


def _stapling_finding(stapling: StapledResponse | None) -> Finding | None:
    """A finding when the server staples nothing, or staples an answer that is not a good, checked one."""
    if stapling is None or (not stapling.stapled and stapling.problem):
        return None  # not asked, or the asking failed: nothing is known (the result says why)
    if not stapling.stapled:
        return Finding("info", "no OCSP stapling", "a client must ask the CA's OCSP responder itself: one "
                       "more connection, and the CA learns which site it visits (most browsers then skip "
                       "the check)", None, STAPLING_FIX)
    info, check = stapling.info, stapling.check
    if info is None or not info.successful:
        why = stapling.problem or (info.sentence() if info is not None else "it cannot be read")
        return Finding("medium", "an unusable stapled OCSP response", why, None, STAPLING_FIX)
    status = check.check.status if check is not None and check.check is not None else None
    if status == "revoked":
        return Finding("critical", "the stapled OCSP response says revoked",
                       check.sentence() if check else "", "F", STAPLING_FIX)
    if status != "good":
        why = check.sentence() if check is not None else info.sentence()
        return Finding("medium", "the stapled OCSP response does not hold", why, None, STAPLING_FIX)
    return None


def findings_for(versions: Sequence[VersionResult], suites: Sequence[SuiteList],
                 groups: Sequence[GroupResult], alpn: Sequence[tuple[str, bool]],
                 resumption: Resumption, stapling: StapledResponse | None = None) -> list[Finding]:
    """The findings, worst first, for what a scan found."""
    found: list[Finding] = []
    staple = _stapling_finding(stapling) if any(v.accepted for v in versions) else None
    if staple is not None:
        found.append(staple)
    accepted = {v.name for v in versions if v.accepted}
    if "SSL 3.0" in accepted:
        found.append(Finding("critical", "SSL 3.0 accepted",
                             "SSL 3.0 is broken (POODLE); RFC 7568 forbids it", "F", PROTOCOLS_FIX))
    for old in ("TLS 1.0", "TLS 1.1"):
        if old in accepted:
            found.append(Finding("high", f"{old} accepted", "deprecated by RFC 8996; browsers refuse it and "
                                 "its CBC suites have known attacks", "B", PROTOCOLS_FIX))
    if accepted and not accepted & {"TLS 1.2", "TLS 1.3"}:
        found.append(Finding("high", "neither TLS 1.2 nor TLS 1.3", "modern clients refuse to connect", "C",
                             TLS13_FIX))
    elif accepted and "TLS 1.3" not in accepted:
        found.append(Finding("low", "no TLS 1.3", "TLS 1.3 is faster (one round trip), encrypts the "
                             "certificate and has only strong suites", "A-", TLS13_FIX))
    weak_by_reason: dict[tuple[Severity, str, str | None], list[str]] = {}
    for block in suites:
        weak_here = False
        for suite in block.suites:
            weak = weakness(suite)
            if weak is not None:
                weak_here = True
                names = weak_by_reason.setdefault(weak, [])
                if suite.name not in names:
                    names.append(suite.name)
        if weak_here and block.server_order is False:
            found.append(Finding("low", f"{block.version}: the client's order wins",
                                 "the server takes the client's first choice, so a client that prefers "
                                 "a weak suite gets it", None, ORDER_FIX))
    for (severity, why, cap), names in weak_by_reason.items():
        title = f"{names[0]} accepted" if len(names) == 1 else f"{len(names)} weak suites accepted"
        found.append(Finding(severity, title, f"{why}: {', '.join(names)}", cap, CIPHERS_FIX))
    if "TLS 1.3" in accepted and groups and not any(g.accepted for g in groups if "MLKEM" in g.name):
        found.append(Finding("info", "no post-quantum key exchange",
                             "X25519MLKEM768 protects today's traffic against a future quantum computer "
                             "(Chrome, Firefox and OpenSSL 3.5 offer it first)", None, PQ_FIX))
    if accepted and not any((resumption.session_id, resumption.ticket, resumption.tls13_ticket)):
        found.append(Finding("low", "no session resumption", "every connection pays for a full handshake",
                             None, RESUME_FIX))
    if accepted and not dict(alpn).get("h2"):
        found.append(Finding("info", "no HTTP/2 (ALPN h2)", "browsers use HTTP/2 when the server selects h2",
                             None, ALPN_FIX))
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    return sorted(found, key=lambda f: order[f.severity])


def grade(findings: Sequence[Finding], any_version: bool) -> str:
    """The worst cap among ``findings`` (``A`` when none caps; ``-`` when no version was accepted)."""
    if not any_version:
        return "-"
    caps = [GRADES.index(f.cap) for f in findings if f.cap in GRADES]
    return GRADES[max(caps, default=0)]


# ---------------------------------------------------------------------------
# The scan


def scan(
    host: str, port: int, *, servername: str | None = None, route: Route = DIRECT,
    timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS, now: dt.datetime | None = None,
) -> ScanResult:
    """Scan ``host:port``: what it accepts, graded, with what could not be tested.

    A server that cannot be reached (refused, unresolvable, a proxy or
    STARTTLS failure, no TLS) gives a result with only :attr:`ScanResult.error`.
    Every connection shares one deadline of ``timeout`` seconds; at most
    ``workers`` are open at once. ``now`` is the moment a stapled OCSP
    response is judged at (the clock's by default).
    """
    from tlsexplorer.core.timeutil import utcnow
    from tlsexplorer.core.tls.probe import describe_client_error, is_ip_address

    started = time.monotonic()
    name = servername or host
    sni = None if is_ip_address(name) else name
    s = _Scanner(host, port, sni, route, Deadline(timeout))
    base: dict[str, Any] = {"host": host, "port": port, "servername": sni, "route": route}
    try:
        s.handshake(s.context(None))
    except ssl.SSLError as exc:
        if "ALERT" not in (exc.reason or "").upper():
            return ScanResult(error=describe_client_error(exc, host, port, timeout),
                              connections=s.connections, seconds=time.monotonic() - started, **base)
    except (OSError, ValueError) as exc:
        return ScanResult(error=describe_client_error(exc, host, port, timeout),
                          connections=s.connections, seconds=time.monotonic() - started, **base)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        old = {n: pool.submit(_ssl_suites, s, n, v) for n, _, v in VERSIONS[1:4] if v is not None}
        ssl3 = pool.submit(_ssl3, s)
        tls13 = pool.submit(_tls13_version, s)
        tls13_suites = pool.submit(_tls13_suites, s)
        group_jobs = [pool.submit(_group, s, g) for g in SCAN_GROUPS]
        alpn_jobs = [pool.submit(_alpn, s, p) for p in ALPN_PROTOCOLS]
        stapling_job = pool.submit(_stapling, s, now or utcnow())
        resume_jobs = [pool.submit(_resume, s, ssl.TLSVersion.TLSv1_2, False),
                       pool.submit(_resume, s, ssl.TLSVersion.TLSv1_2, True),
                       pool.submit(_resume, s, ssl.TLSVersion.TLSv1_3, True)]
        versions = [ssl3.result()]
        suites: list[SuiteList] = []
        untested: list[str] = []
        legacy_jobs = []
        for n, code, _ in VERSIONS[1:4]:
            result, block = old[n].result()
            if result.accepted is None and "cannot offer" in result.note:
                result, block = _by_hand(s, n, code)
                untested.append(f"{n}: the local OpenSSL cannot offer it, so a hand-built ClientHello "
                                "tried it (suites chosen in ServerHellos; no handshake completed)")
            versions.append(result)
            suites.append(block)
            if result.accepted:
                legacy_jobs.append((len(suites) - 1, pool.submit(_legacy, s, code, block)))
        for index, job in legacy_jobs:
            suites[index] = job.result()
        versions.append(tls13.result())
        t13 = tls13_suites.result()
        suites.append(t13 if versions[-1].accepted else SuiteList("TLS 1.3", (), None))
        groups = [job.result() for job in group_jobs]
        alpn = [job.result() for job in alpn_jobs]
        resumption = Resumption(*(job.result() for job in resume_jobs))
        stapling = stapling_job.result()
    by_hand = [g.name for g in groups if g.accepted]
    if not versions[-1].accepted and by_hand:  # a server that takes only groups the local OpenSSL lacks
        versions[-1] = VersionResult("TLS 1.3", True, _HAND, "only with a group the local OpenSSL cannot "
                                     f"offer ({', '.join(by_hand)}); {versions[-1].note}")
    if not versions[-1].accepted:
        groups = []
        untested.append("groups: tried in TLS 1.3 only, which the server does not accept (a TLS 1.2 server's "
                        "group is in its ServerKeyExchange, which this scan does not read)")
    untested += _honest_notes(s, versions)
    findings = findings_for(versions, suites, groups, alpn, resumption, stapling)
    return ScanResult(
        versions=tuple(versions), suites=tuple(b for b in suites if b.suites), groups=tuple(groups),
        alpn=tuple(alpn), resumption=resumption, stapling=stapling, findings=tuple(findings),
        grade=grade(findings, any(v.accepted for v in versions)), untested=tuple(untested),
        connections=s.connections, seconds=time.monotonic() - started, **base,
    )


def _stapling(s: _Scanner, now: dt.datetime) -> StapledResponse:
    """Ask for OCSP stapling, as ``openssl s_client -status`` (one more handshake on the scan's deadline)."""
    from tlsexplorer.core.tls.stapling import ask_for_staple

    s.connections += 1
    return ask_for_staple(s.host, s.port, s.servername, s.deadline.left, now, route=s.route)


def _tls13_version(s: _Scanner) -> VersionResult:
    try:
        s.handshake(s.context(ssl.TLSVersion.TLSv1_3))
    except (OSError, ssl.SSLError) as exc:
        return VersionResult("TLS 1.3", False if _refused(exc) else None, "ssl", _describe(exc))
    return VersionResult("TLS 1.3", True, "ssl", "handshake completed")


def _by_hand(s: _Scanner, name: str, code: int) -> tuple[VersionResult, SuiteList]:
    """A version the local OpenSSL cannot offer, tried with hand-built hellos."""
    codes = [c for c in CIPHER_SUITES if c < 0x1300 or c > 0x13FF]
    codes = [c for c in codes if c not in (0x00FF, 0x5600)]
    chosen, last = _hand_greedy(s, code, codes)
    if not chosen:
        return VersionResult(name, False, _HAND, last), SuiteList(name, (), None)
    suites = tuple(Suite(CIPHER_SUITES[c], c, "", _HAND) for c in chosen)
    return (VersionResult(name, True, _HAND, f"{len(chosen)} suite(s)"),
            SuiteList(name, suites, _hand_order(s, code, chosen, CLASSIC_GROUPS)))


def _legacy(s: _Scanner, code: int, block: SuiteList) -> SuiteList:
    """Old suites the local OpenSSL cannot offer, offered by hand in a version the server accepts."""
    version = next(v for _, c, v in VERSIONS if c == code)
    local = {c for _, c in _local_suites(version)} if version is not None else set()
    have = {suite.code for suite in block.suites}
    missing = [c for c in LEGACY_SUITES if c not in local and c not in have]
    if not missing:
        return block
    chosen, _ = _hand_greedy(s, code, missing)
    extra = tuple(Suite(CIPHER_SUITES.get(c, f"0x{c:04x}"), c, "", _HAND) for c in chosen)
    return SuiteList(block.version, block.suites + extra, block.server_order)


def _honest_notes(s: _Scanner, versions: Sequence[VersionResult]) -> list[str]:
    local = {c for _, c in _local_suites(ssl.TLSVersion.TLSv1_2)}
    by_hand = [CIPHER_SUITES.get(c, f"0x{c:04x}") for c in LEGACY_SUITES if c not in local]
    notes = [
        "TLS 1.3 suites, every group (X25519MLKEM768 with a real ML-KEM-768 key share) and SSL 3.0 were "
        "offered in hand-built ClientHellos: 'accepted' means the server chose it in its ServerHello or "
        "HelloRetryRequest; the handshake was not completed",
        f"TLS 1.0-1.2 suites: those {ssl.OPENSSL_VERSION} can offer were tried in whole handshakes; "
        + (f"{len(by_hand)} old ones it cannot offer ({', '.join(by_hand)}) were offered by hand; " if by_hand
           else "")
        + "other suites outside both lists were not tried",
    ]
    undecided = [f"{v.name} ({v.note})" for v in versions if v.accepted is None]
    if undecided:
        notes.append("undecided: " + "; ".join(undecided))
    return notes


__all__ = [
    "ALPN_PROTOCOLS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKERS",
    "GRADES",
    "LEGACY_SUITES",
    "SCAN_GROUPS",
    "TLS13_SUITES",
    "VERSIONS",
    "Finding",
    "Fix",
    "GroupResult",
    "Resumption",
    "ScanResult",
    "Suite",
    "SuiteList",
    "VersionResult",
    "findings_for",
    "grade",
    "scan",
    "weakness",
]
