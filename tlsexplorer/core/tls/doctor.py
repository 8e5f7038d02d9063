"""Why a client refuses a server: the same connection made as each client makes it.

"It works in the browser and fails in curl", "it works on my laptop and not in
CI": each client trusts its own store, and environment variables move it.
:func:`diagnose` connects to one URL as

- Python's default context (``ssl.create_default_context()``: OpenSSL's default
  paths, which SSL_CERT_FILE and SSL_CERT_DIR replace),
- certifi (Mozilla's bundle, what requests and httpx use),
- the system store (the platform's bundle file, whatever the environment says),
- truststore (the OS verifier), where it is installed,
- curl and ``openssl s_client``, where present, as subprocesses with a time limit,

and says, one sentence per client, which store it used and why it accepted or
refused. It names the environment variables that change each client and which
are set now, looks for an intercepting proxy (a chain that ends at a root
trusted here but absent from the public store, or an issuer named like a known
intercepting product) and for clock skew (the server's Date header against the
local clock; a certificate not valid yet).

Every connection goes the way ``route`` says (:mod:`tlsexplorer.core.tls.connect`:
directly, or through an HTTP CONNECT proxy): the Python clients' sockets come
from :func:`tlsexplorer.core.tls.connect.open_connection`, curl gets ``--proxy``
and ``--proxytunnel``, ``openssl s_client`` gets ``-proxy``. The doctor speaks
HTTPS: a STARTTLS route is refused (``tls probe`` and ``tls scan`` speak those).
The verdicts are the clients' own: the Python ones from :mod:`ssl`, curl's and
openssl's from their exit status and their words.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import importlib.util
import os
import shutil
import ssl
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.errors import TlsxError, UsageError
from tlsexplorer.core.timeutil import as_utc, format_iso8601, utcnow
from tlsexplorer.core.tls.connect import DIRECT, Route, host_port, open_connection
from tlsexplorer.core.tls.probe import (
    PeerCertificate,
    describe_client_error,
    is_ip_address,
    parse_target,
)

#: Seconds for each client's connection (subprocesses included).
DEFAULT_TIMEOUT = 10.0

#: Clock difference (seconds) between the server's Date and ours that is worth saying.
SKEW_LIMIT = 300

#: Largest HTTP response head read for the Date header.
MAX_HEAD = 16 * 1024

#: The environment variables that move a client's trust (or log its secrets), and whom they move.
ENVIRONMENT: dict[str, str] = {
    "SSL_CERT_FILE": "replaces OpenSSL's default CA file: Python's default context, openssl, curl",
    "SSL_CERT_DIR": "replaces OpenSSL's default CA folder: Python's default context, openssl, curl",
    "REQUESTS_CA_BUNDLE": "replaces certifi in requests",
    "CURL_CA_BUNDLE": "replaces curl's CA file (and certifi in requests when REQUESTS_CA_BUNDLE is unset)",
    "SSLKEYLOGFILE": "no trust change: Python's default context, curl and browsers write the TLS secrets "
                     "there (anyone who reads it decrypts the traffic)",
}

#: Words in an issuer that name products known to intercept TLS (antivirus, corporate proxies, debuggers).
INTERCEPTORS: tuple[str, ...] = (
    "zscaler", "netskope", "fortinet", "fortigate", "palo alto", "blue coat", "bluecoat", "forcepoint",
    "websense", "cisco umbrella", "sophos", "kaspersky", "avast", "avg technologies", "eset", "bitdefender",
    "mitmproxy", "charles proxy", "fiddler", "portswigger", "burp", "checkpoint", "check point",
    "mcafee web gateway", "symantec web", "barracuda", "untangle", "lightspeed", "securly", "goguardian",
)


@dataclass(frozen=True)
class ClientVerdict:
    """One client's connection and its verdict."""

    client: str
    """Its id: ``python``, ``certifi``, ``system``, ``truststore``, ``curl``, ``openssl``."""
    title: str
    """How it is named (``Python ssl.create_default_context()``)."""
    available: bool
    """Installed or present on this machine."""
    accepted: bool | None
    """It verified the server (None: not run, or it could not connect at all)."""
    trust_store: str
    """Which trust store it used, with the paths."""
    environment: tuple[str, ...]
    """The environment variables that change its trust."""
    said: str
    """What the client said (its own error, or ``ok``)."""
    sentence: str
    """One sentence that stands alone: the client's name, its verdict, and why."""
    command: str = ""
    """The command line (curl, openssl) or code that reproduces it."""
    why: str = ""
    """The sentence without the client's name and verdict, for a table whose columns say them."""

    def to_json(self) -> dict[str, Any]:
        """This verdict as JSON."""
        return {"client": self.client, "title": self.title, "available": self.available,
                "accepted": self.accepted, "trust_store": self.trust_store,
                "environment": list(self.environment), "said": self.said, "sentence": self.sentence,
                "why": self.why or self.sentence, "command": self.command}


def _verdict(
    client: str, title: str, available: bool, accepted: bool | None, store: str, environment: tuple[str, ...],
    said: str, why: str, command: str, *, sentence: str | None = None,
) -> ClientVerdict:
    """A verdict whose sentence is ``<title> accepts it: <why>`` (refuses it; or ``<title> <why>`` when
    it did not decide), unless ``sentence`` says otherwise."""
    lead = "accepts it: " if accepted is True else "refuses it: " if accepted is False else ""
    return ClientVerdict(client, title, available, accepted, store, environment, said,
                         sentence or f"{title} {lead}{why}", command, why)


@dataclass(frozen=True)
class Finding:
    """An interception or clock finding."""

    kind: str
    """``interception`` or ``clock``."""
    message: str
    """What was found."""
    fix: str = ""
    """What to do."""

    def to_json(self) -> dict[str, str]:
        """This finding as JSON."""
        return {"kind": self.kind, "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class DoctorReport:
    """Every client's verdict on one server, and what the environment and the clock do to them."""

    url: str
    """The URL diagnosed (``https://host:port/path``)."""
    host: str
    """The host."""
    port: int
    """The port."""
    clients: tuple[ClientVerdict, ...]
    """Each client, in order."""
    environment: tuple[tuple[str, str | None, str], ...]
    """(variable, its value now or None, what it changes)."""
    findings: tuple[Finding, ...] = ()
    """Interception and clock findings."""
    chain: tuple[PeerCertificate, ...] = ()
    """The certificates the server sent (read without verification)."""
    server_date: dt.datetime | None = None
    """The server's HTTP Date header."""
    skew_seconds: float | None = None
    """Server Date minus our clock (positive: our clock is behind)."""
    now: dt.datetime | None = None
    """Our clock at the time."""
    route: Route = DIRECT
    """How every client reached the server (directly, or through an HTTP CONNECT proxy)."""

    @property
    def ok(self) -> bool:
        """Every client that ran accepted the server."""
        ran = [c for c in self.clients if c.accepted is not None]
        return bool(ran) and all(c.accepted for c in ran)

    def to_json(self) -> dict[str, Any]:
        """The ``tls doctor --json`` document."""
        return {
            "url": self.url,
            "host": self.host,
            "port": self.port,
            "route": self.route.to_json(),
            "ok": self.ok,
            "clients": [c.to_json() for c in self.clients],
            "environment": [{"name": n, "value": v, "set": v is not None, "changes": what}
                            for n, v, what in self.environment],
            "findings": [f.to_json() for f in self.findings],
            "chain": [{"subject": c.subject, "issuer": c.issuer, "fingerprint_sha256": c.fingerprint_sha256}
                      for c in self.chain],
            "server_date": format_iso8601(self.server_date) if self.server_date else None,
            "skew_seconds": None if self.skew_seconds is None else round(self.skew_seconds),
            "now": format_iso8601(self.now) if self.now else None,
        }


def parse_url(text: str) -> tuple[str, int, str]:
    """``https://host[:port]/path`` (or ``host:port``) -> (host, port, path).

    Raises:
        UsageError: not https://, no host, a bad port.
    """
    raw = text.strip()
    if "://" in raw:
        parts = urllib.parse.urlsplit(raw)
        if parts.scheme.lower() != "https":
            raise UsageError(f"{text!r}: give an https:// URL (or HOST:PORT); {parts.scheme}:// is not TLS")
        host, port = parse_target(parts.netloc.rsplit("@", 1)[-1])
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return host, port, path
    host, port = parse_target(raw)
    return host, port, "/"


# ---------------------------------------------------------------------------
# Trust stores


def _openssl_dir() -> str:
    paths = ssl.get_default_verify_paths()
    return str(Path(paths.openssl_cafile).parent) if paths.openssl_cafile else "OpenSSL's directory"


def _python_store(env: Mapping[str, str]) -> str:
    paths = ssl.get_default_verify_paths()
    parts = []
    if env.get("SSL_CERT_FILE") or env.get("SSL_CERT_DIR"):
        if env.get("SSL_CERT_FILE"):
            parts.append(f"SSL_CERT_FILE={env['SSL_CERT_FILE']}")
        if env.get("SSL_CERT_DIR"):
            parts.append(f"SSL_CERT_DIR={env['SSL_CERT_DIR']}")
        return "OpenSSL's default paths, replaced by " + " and ".join(parts)
    return f"OpenSSL's default paths: {paths.openssl_cafile} and {paths.openssl_capath}"


def platform_bundle() -> str | None:
    """The platform's CA bundle file, whatever SSL_CERT_FILE says (None when there is none)."""
    from tlsexplorer.core.chain.trust import WELL_KNOWN_BUNDLES

    paths = ssl.get_default_verify_paths()
    for path in (paths.openssl_cafile, *WELL_KNOWN_BUNDLES):
        if path and Path(path).is_file():
            return path
    return None


def certifi_bundle() -> str | None:
    """certifi's bundle, when certifi is installed."""
    spec = importlib.util.find_spec("certifi")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "cacert.pem"
    return str(path) if path.is_file() else None


# ---------------------------------------------------------------------------
# The Python clients


def _python_verdict(
    client: str, title: str, make: Callable[[], ssl.SSLContext] | None, store: str,
    environment: tuple[str, ...],
    host: str, port: int, timeout: float, code: str, route: Route = DIRECT,
) -> ClientVerdict:
    if make is None:
        return _verdict(client, title, False, None, store, environment, "not installed",
                        "not installed here.", code, sentence=f"{title} is not installed here.")
    try:
        context = make()
    except (OSError, ssl.SSLError, ValueError) as exc:
        return _verdict(client, title, True, None, store, environment, str(exc),
                        f"could not load its trust store: {exc}.", code)
    deadline = Deadline(timeout)
    try:
        with open_connection(host, port, deadline, route) as sock, \
                context.wrap_socket(sock, server_hostname=host):
            pass
    except ssl.SSLCertVerificationError as exc:
        said = describe_client_error(exc, host, port, timeout)
        return _verdict(client, title, True, False, store, environment, said, _why(said, store, host), code)
    except (OSError, ssl.SSLError, ValueError) as exc:
        said = describe_client_error(exc, host, port, timeout)
        return _verdict(client, title, True, None, store, environment, said, f"could not connect: {said}.",
                        code)
    return _verdict(client, title, True, True, store, environment, "ok",
                    f"the chain reaches a root in {store}, and the certificate names {host}.", code)


def _why(said: str, store: str, host: str) -> str:
    """What a verification error means, in one clause."""
    text = said.lower()
    if "unable to get local issuer" in text:
        return (f"\"{_tail(said)}\": the chain the server sent does not reach a root in {store} (an "
                "intermediate is missing, or the root is not in this store).")
    if "self-signed certificate in certificate chain" in text or "self signed certificate in" in text:
        return f"\"{_tail(said)}\": the chain ends at a root that is not in {store}."
    if "self-signed certificate" in text or "self signed certificate" in text:
        return f"\"{_tail(said)}\": the server's certificate signs itself and is not in {store}."
    if "expired" in text:
        return f"\"{_tail(said)}\": a certificate of the chain is past its notAfter (or this clock is ahead)."
    if "not yet valid" in text:
        return f"\"{_tail(said)}\": a certificate's notBefore is in the future: check this machine's clock."
    if "mismatch" in text or "does not match" in text or "no alternative certificate subject name" in text:
        return f"\"{_tail(said)}\": the certificate does not name {host}."
    return f"\"{_tail(said)}\"."


def _tail(said: str) -> str:
    return said.removeprefix("certificate verify failed: ").strip()


# ---------------------------------------------------------------------------
# curl and openssl


def _run(argv: list[str], timeout: float, env: Mapping[str, str]) -> tuple[int | None, str, str]:
    """Run a client; (exit status or None when it ran out of time, stdout, stderr)."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              env=dict(env), check=False)
    except subprocess.TimeoutExpired:
        return None, "", ""
    except OSError as exc:
        return -1, "", str(exc)
    return (done.returncode, done.stdout.decode("utf-8", "replace")[-MAX_HEAD:],
            done.stderr.decode("utf-8", "replace")[-MAX_HEAD:])


def _curl_verdict(host: str, port: int, path: str, timeout: float, env: Mapping[str, str],
                  route: Route = DIRECT) -> ClientVerdict:
    environment = ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")
    title = "curl"
    url = f"https://{host_port(host, port)}{path}"
    seconds = max(1, int(timeout))
    proxy = ["--proxy", route.proxy_url, "--proxytunnel"] if route.proxy_url else []
    argv = ["curl", "-sS", "-v", "-o", os.devnull, "--max-time", str(seconds), *proxy, url]
    command = " ".join(["curl -sS -o /dev/null", *proxy, url])
    if shutil.which("curl") is None:
        return _verdict("curl", title, False, None, "its built-in CA file", environment, "not installed",
                        "not installed here.", command, sentence="curl is not installed here.")
    status, _out, err = _run(argv, timeout + 2, env)
    cafile = next((line.split(":", 1)[1].strip() for line in err.splitlines() if "CAfile:" in line), "")
    capath = next((line.split(":", 1)[1].strip() for line in err.splitlines() if "CApath:" in line), "")
    folder = f" and folder {capath}" if capath and capath != "none" else ""
    store = f"its CA file {cafile or '(none)'}{folder}"
    said = next((line.strip() for line in reversed(err.splitlines()) if line.startswith("curl: (")), "")
    if status is None:
        return _verdict("curl", title, True, None, store, environment, "timed out",
                        f"did not finish within {seconds} s.", command)
    if status == 0:
        return _verdict("curl", title, True, True, store, environment, "ok",
                        f"the chain reaches a root in {store}.", command)
    if status in (60, 51):  # peer certificate cannot be authenticated / host name mismatch (older curl)
        return _verdict("curl", title, True, False, store, environment, said,
                        _why(_curl_reason(said), store, host), command)
    return _verdict("curl", title, True, None, store, environment, said or f"exit status {status}",
                    f"could not connect: {said or f'exit status {status}'}.", command)


def _curl_reason(said: str) -> str:
    """``curl: (60) SSL certificate problem: unable to get local issuer certificate`` -> the reason."""
    text = said.split(")", 1)[-1].strip()
    return text.removeprefix("SSL certificate problem:").strip() or said


def _openssl_verdict(host: str, port: int, timeout: float, env: Mapping[str, str],
                     route: Route = DIRECT) -> ClientVerdict:
    environment = ("SSL_CERT_FILE", "SSL_CERT_DIR")
    title = "openssl s_client"
    check = ["-verify_ip", host] if is_ip_address(host) else ["-verify_hostname", host, "-servername", host]
    proxy = ["-proxy", route.proxy_url.removeprefix("http://")] if route.proxy_url else []
    argv = ["openssl", "s_client", "-connect", host_port(host, port), *proxy, *check, "-verify_return_error"]
    command = " ".join(argv) + " </dev/null"
    if env.get("SSL_CERT_FILE") or env.get("SSL_CERT_DIR"):
        store = "OpenSSL's default paths, replaced by " + " and ".join(
            f"{n}={env[n]}" for n in environment if env.get(n))
    else:
        store = f"OpenSSL's default paths in {_openssl_dir()} (cert.pem and certs/)"
    if shutil.which("openssl") is None:
        return _verdict("openssl", title, False, None, store, environment, "not installed",
                        "not installed here.", command, sentence="openssl is not installed here.")
    status, out, err = _run(argv, timeout, env)
    if status is None:
        return _verdict("openssl", title, True, None, store, environment, "timed out",
                        f"did not finish within {timeout:g} s.", command)
    text = out + "\n" + err
    error = next((line.split(":", 2)[-1].strip() for line in text.splitlines()
                  if line.startswith("verify error:")), "")
    returned = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                     if "Verify return code:" in line or "Verification error:" in line), "")
    if status == 0 and ("Verify return code: 0 (ok)" in text or "Verification: OK" in text):
        return _verdict("openssl", title, True, True, store, environment, "ok",
                        f"the chain reaches a root in {store}.", command)
    if returned.startswith("0 "):  # "0 (ok)" after a failure: nothing was verified (no certificate came)
        returned = ""
    reason = error.removeprefix("num=").split(":", 1)[-1] if error else returned
    if reason:
        return _verdict("openssl", title, True, False, store, environment, reason,
                        _why(reason, store, host), command)
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit status {status}"
    return _verdict("openssl", title, True, None, store, environment, last, f"could not connect: {last}.",
                    command)


# ---------------------------------------------------------------------------
# What the server says about itself: its chain and its clock


def _server_facts(
    host: str, port: int, path: str, timeout: float, route: Route = DIRECT
) -> tuple[tuple[PeerCertificate, ...], dt.datetime | None, str | None]:
    """The chain sent (read from a TLS 1.2 handshake, as the probe reads it; else the leaf), and the
    Date header of a HEAD request. Failures give what could be read."""
    from tlsexplorer.core.tls.probe import capture_handshake
    from tlsexplorer.core.tls.records import analyse_exchange

    chain: tuple[PeerCertificate, ...] = ()
    deadline = Deadline(timeout)
    sni = None if is_ip_address(host) else host
    try:
        exchange = capture_handshake(host, port, sni, deadline=deadline, route=route)
        ders = analyse_exchange(exchange).certificates
        chain = tuple(PeerCertificate.from_der(d) for d in ders)
    except (OSError, ssl.SSLError, TlsxError):
        pass
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    date: dt.datetime | None = None
    try:
        with open_connection(host, port, deadline, route) as sock, \
                context.wrap_socket(sock, server_hostname=sni) as tls:
            if not chain:
                leaf = tls.getpeercert(binary_form=True)
                chain = (PeerCertificate.from_der(leaf),) if leaf else ()
            tls.sendall(f"HEAD {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                        "User-Agent: tlsexplorer-doctor\r\n\r\n".encode("ascii", "replace"))
            head = b""
            while b"\r\n\r\n" not in head and len(head) < MAX_HEAD:
                tls.settimeout(deadline.left())
                piece = tls.recv(4096)
                if not piece:
                    break
                head += piece
        date = _date_header(head)
    except (OSError, ssl.SSLError, TimeoutError, ValueError) as exc:
        return chain, None, describe_client_error(exc, host, port, timeout)
    return chain, date, None


def _date_header(head: bytes) -> dt.datetime | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"date":
            try:
                return as_utc(email.utils.parsedate_to_datetime(value.decode("latin-1").strip()))
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _clock_findings(
    chain: Sequence[PeerCertificate], date: dt.datetime | None, now: dt.datetime
) -> tuple[list[Finding], float | None]:
    from cryptography import x509

    found: list[Finding] = []
    skew = None
    if date is not None:
        skew = (date - now).total_seconds()
        if abs(skew) > SKEW_LIMIT:
            ahead = "behind" if skew > 0 else "ahead of"
            found.append(Finding(
                "clock",
                f"This machine's clock is {abs(skew) / 60:,.0f} minutes {ahead} the server's (its Date "
                f"header says {format_iso8601(date)}, ours {format_iso8601(now)}). Certificate checks use "
                "the local clock: a clock far off makes valid certificates look expired or not yet valid.",
                "Set the clock with NTP (timedatectl set-ntp true; in a container, fix the host's clock).",
            ))
    if chain:
        try:
            leaf = x509.load_der_x509_certificate(chain[0].der)
            before = as_utc(leaf.not_valid_before_utc)
        except Exception:  # unreadable: nothing to say about its dates
            return found, skew
        if before > now:
            found.append(Finding(
                "clock",
                f"The server's certificate is not valid until {format_iso8601(before)}, after this machine's "
                f"clock ({format_iso8601(now)}): either this clock is behind, or the certificate was issued "
                "with a future date.",
                "Check this machine's clock first (date -u); if it is right, reissue the certificate.",
            ))
    return found, skew


def _interception(
    chain: Sequence[PeerCertificate], host: str, now: dt.datetime, env: Mapping[str, str]
) -> list[Finding]:
    """An intercepting proxy: an issuer named like one, or a chain trusted here but not publicly."""
    found: list[Finding] = []
    names = " | ".join(f"{c.issuer} {c.subject}" for c in chain[1:] or chain).lower()
    hit = next((word for word in INTERCEPTORS if word in names), None)
    if hit is not None:
        found.append(Finding(
            "interception",
            f"The chain is issued by a certificate naming {hit!r}, a product known to intercept TLS "
            f"(antivirus, corporate proxy or debugging proxy): the certificate for {host} was made on the "
            "way, not by the site's CA.",
            "Clients that trust only the public store (certifi, curl in CI, containers) refuse it: give them "
            "the proxy's root (REQUESTS_CA_BUNDLE, SSL_CERT_FILE, CURL_CA_BUNDLE), or bypass the proxy.",
        ))
    public = certifi_bundle()
    if not chain or public is None:
        return found
    local = [p for p in (env.get("SSL_CERT_FILE"), platform_bundle()) if p]
    local_ok, local_root = _verifies(chain, host, now, local)
    public_ok, _ = _verifies(chain, host, now, [public])
    if local_ok and not public_ok:
        found.append(Finding(
            "interception",
            f"The chain ends at {local_root}, a root trusted on this machine ({', '.join(local)}) but not in "
            "the public store (certifi, Mozilla's): a corporate or intercepting proxy's root, or a private "
            "CA. Clients with only the public store refuse it.",
            "If it is your organisation's CA, give it to those clients (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, "
            "CURL_CA_BUNDLE); if you did not expect it, something intercepts this connection.",
        ))
    return found


def _verifies(chain: Sequence[PeerCertificate], host: str, now: dt.datetime,
              bundles: Sequence[str]) -> tuple[bool, str]:
    """Whether the Chain explainer verifies ``chain`` against ``bundles``; and the root it reached."""
    from tlsexplorer.core.chain.facts import describe
    from tlsexplorer.core.tls.served import explain_sent

    try:
        pems = [Path(b).read_bytes() for b in bundles if Path(b).is_file()]
        report = explain_sent(chain, host=host, now=now, ca_pems=pems, system_roots=False)
    except (OSError, TlsxError):
        return False, ""
    return report.valid, describe(report.chain[-1]) if report.chain else ""


# ---------------------------------------------------------------------------
# The diagnosis


def diagnose(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, now: dt.datetime | None = None,
    clients: Sequence[str] | None = None, route: Route = DIRECT,
) -> DoctorReport:
    """Connect to ``url`` as each client does, and say why each accepts or refuses.

    Every client sees this process's environment (SSL_CERT_FILE...), as it
    would when run from the same shell; ``clients`` limits which run (ids of
    :class:`ClientVerdict`). Every connection, each client's and the one that
    reads the chain and the Date header, goes through ``route``'s proxy.

    Raises:
        UsageError: a URL that is not https:// or HOST:PORT; a STARTTLS route
            (the doctor speaks HTTPS).
    """
    if route.starttls is not None:
        raise UsageError(f"tls doctor speaks HTTPS only, not {route.starttls.upper()} STARTTLS: use tls "
                         f"probe --starttls {route.starttls} (or tls scan) for that server")
    host, port, path = parse_url(url)
    environ = dict(os.environ)
    moment = as_utc(now or utcnow())
    wanted = set(clients or ("python", "certifi", "system", "truststore", "curl", "openssl"))
    found: list[ClientVerdict] = []
    py_env = ("SSL_CERT_FILE", "SSL_CERT_DIR")
    if "python" in wanted:
        found.append(_python_verdict(
            "python", "Python ssl.create_default_context()", ssl.create_default_context,
            _python_store(environ), py_env, host, port, timeout,
            "import ssl, socket; ssl.create_default_context().wrap_socket(socket.create_connection("
            f"({host!r}, {port})), server_hostname={host!r})", route))
    bundle = certifi_bundle()
    if "certifi" in wanted:
        found.append(_python_verdict(
            "certifi", "certifi (requests, httpx)",
            (lambda: ssl.create_default_context(cafile=bundle)) if bundle else None,
            f"certifi's bundle {bundle}" if bundle else "certifi's bundle",
            ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"), host, port, timeout,
            "ssl.create_default_context(cafile=certifi.where())", route))
    system = platform_bundle()
    if "system" in wanted:
        found.append(_python_verdict(
            "system", "the system store",
            (lambda: ssl.create_default_context(cafile=system)) if system else None,
            f"the platform bundle {system}" if system else "the platform bundle (none found)", (),
            host, port, timeout, f"ssl.create_default_context(cafile={system!r})", route))
    if "truststore" in wanted:
        found.append(_python_verdict(
            "truststore", "truststore (the OS verifier)", _truststore_context(),
            "the operating system's trust store, through its own verifier", (), host, port, timeout,
            "truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)", route))
    if "curl" in wanted:
        found.append(_curl_verdict(host, port, path, timeout, environ, route))
    if "openssl" in wanted:
        found.append(_openssl_verdict(host, port, timeout, environ, route))
    chain, date, _problem = _server_facts(host, port, path, timeout, route)
    findings, skew = _clock_findings(chain, date, moment)
    findings = _interception(chain, host, moment, environ) + findings
    environment = tuple((name, environ.get(name) or None, what) for name, what in ENVIRONMENT.items())
    shown = f"https://{host_port(host, port)}{path}"
    return DoctorReport(shown, host, port, tuple(found), environment, tuple(findings), chain, date, skew,
                        moment, route)


def _truststore_context() -> Callable[[], ssl.SSLContext] | None:
    if importlib.util.find_spec("truststore") is None:
        return None

    def make() -> ssl.SSLContext:
        import truststore  # type: ignore[import-not-found, unused-ignore]

        context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return context

    return make


__all__ = [
    "DEFAULT_TIMEOUT",
    "ENVIRONMENT",
    "INTERCEPTORS",
    "SKEW_LIMIT",
    "ClientVerdict",
    "DoctorReport",
    "Finding",
    "certifi_bundle",
    "diagnose",
    "parse_url",
    "platform_bundle",
]
