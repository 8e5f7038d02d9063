"""What a server sends, judged: the chain as served, a missing intermediate fetched, SNI or not.

:func:`judge_served` takes a probe's result (the certificates exactly as the
server sent them, and the Chain explainer's report on them, see
:func:`tlsexplorer.core.tls.probe.probe`) and says what is wrong with the
chain *as served*, each finding with what it means and how to fix it:

- the leaf not first (a client takes the first certificate as the server's);
- the order (each certificate should be followed by its issuer);
- a missing intermediate (the issuer is neither sent nor a trust anchor: curl,
  Python and openssl stop there; browsers fill it in, so "it works in the browser");
- a redundant root (clients must already have it: it only costs bytes);
- certificates that belong to no path, and a second path (a cross-signed intermediate);
- expiry within ``warn_days``.

The verdict itself is the Chain explainer's (:func:`tlsexplorer.core.chain.gather.gather_and_verify`);
nothing here re-derives a check. With ``fetch=True`` the missing intermediate
is downloaded from the AIA caIssuers URL through :func:`tlsexplorer.core.fetch.fetch`
(http:// only, bounded, cached), read as DER, PEM or PKCS#7, and the chain
verified again with it: what a browser does and curl and Python do not.

:func:`compare_sni` makes two connections, with and without SNI, and says
what a client that sends no server name gets. Both go the probe's way (its
``route``: a proxy, a STARTTLS opening), and so does the AIA download (``proxy``).
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.der import name_bytes
from tlsexplorer.core.errors import InvalidInput, TlsxError
from tlsexplorer.core.timeutil import as_utc, describe_delta, format_iso8601
from tlsexplorer.core.tls.connect import DIRECT, Route, open_connection
from tlsexplorer.core.tls.probe import (
    SENT_CA_NAME,
    SENT_CHAIN_NAME,
    SERVER_CHAIN_FIX,
    PeerCertificate,
    ProbeResult,
    capture_handshake,
    describe_client_error,
)

if TYPE_CHECKING:
    from tlsexplorer.core.chain.model import ChainReport
    from tlsexplorer.core.fetch import FetchResult

Severity = Literal["ok", "warn", "fail"]

#: Days before expiry that count as "soon" by default.
DEFAULT_WARN_DAYS = 30

#: Most sent certificates judged one by one (a hostile server may send thousands).
MAX_JUDGED = 64

#: Largest AIA download accepted (an intermediate is 1-2 KB; a PKCS#7 bundle a few).
MAX_AIA_BYTES = 256 * 1024

#: Most AIA downloads for one chain (an intermediate's own issuer may be missing too).
MAX_AIA_LEVELS = 3

#: Seconds for all AIA downloads of one chain.
AIA_TIMEOUT = 10.0

#: Who fills in a missing intermediate and who does not.
WHO_FETCHES = (
    "Browsers do this (Chrome, Edge and Safari download a missing intermediate from the AIA URL; "
    "Firefox fills it in from the intermediates it preloads); curl, Python's ssl (requests, httpx) and "
    "openssl do not, so they fail where the browser works"
)

#: Every check of the served chain, in the order shown, with its title.
SERVED_CHECKS: dict[str, str] = {
    "verdict": "verdict",
    "leaf_first": "leaf first",
    "order": "order",
    "missing_intermediate": "missing intermediate",
    "redundant_root": "redundant root",
    "unrelated": "unrelated certificates",
    "second_path": "second path",
    "expiry": "expiry",
    "count": "certificate count",
}


@dataclass(frozen=True)
class ServedFinding:
    """One judgement of the chain as served."""

    check: str
    """Which check (a key of :data:`SERVED_CHECKS`)."""
    severity: Severity
    """``ok``, ``warn`` (works, but fix it) or ``fail`` (clients refuse it)."""
    message: str
    """What was found, in plain words."""
    fix: str | None = None
    """What to change on the server (warnings and failures)."""
    certificates: tuple[int, ...] = ()
    """Positions in the chain as sent (0 is the first certificate sent)."""

    @property
    def title(self) -> str:
        """The check's title."""
        return SERVED_CHECKS.get(self.check, self.check)

    def to_json(self) -> dict[str, Any]:
        """This finding as JSON."""
        return {"check": self.check, "severity": self.severity, "message": self.message, "fix": self.fix,
                "certificates": list(self.certificates)}


@dataclass(frozen=True)
class FetchedIssuer:
    """One AIA download: where from, and what came back."""

    url: str
    """The caIssuers URL."""
    for_certificate: str
    """Whose issuer was fetched (a short name)."""
    subject: str | None = None
    """The downloaded certificate's subject (None when the download failed)."""
    pem: bytes = b""
    """The downloaded certificates as PEM (empty when the download failed)."""
    cached: bool = False
    """Served from the in-process cache."""
    error: str | None = None
    """Why the download failed."""

    def to_json(self) -> dict[str, Any]:
        """This download as JSON."""
        return {"url": self.url, "for_certificate": self.for_certificate, "subject": self.subject,
                "cached": self.cached, "error": self.error}


@dataclass(frozen=True)
class SniComparison:
    """The certificate a server sends with SNI against the one it sends without."""

    servername: str
    """The name sent with SNI."""
    with_sni: tuple[PeerCertificate, ...]
    """What the server sent with SNI (as the probe read it)."""
    without_sni: tuple[PeerCertificate, ...] = ()
    """What the server sent without SNI."""
    default_names_host: bool | None = None
    """Whether the default (no-SNI) leaf names :attr:`servername` (None when not read)."""
    error: str | None = None
    """Why the connection without SNI failed (a server that requires SNI refuses it)."""

    @property
    def same(self) -> bool:
        """The same leaf with and without SNI."""
        return bool(self.with_sni and self.without_sni) and \
            self.with_sni[0].fingerprint_sha256 == self.without_sni[0].fingerprint_sha256

    @property
    def differences(self) -> tuple[str, ...]:
        """What differs, one sentence each (empty when nothing does)."""
        if self.error is not None:
            return (f"Without SNI the handshake failed ({self.error}): clients that send no server name "
                    "(scripts connecting by IP address, very old clients) cannot connect at all.",)
        if not self.with_sni or not self.without_sni or self.same:
            return ()
        found = [
            f"Without SNI the server sends {self.without_sni[0].subject} (issued by "
            f"{self.without_sni[0].issuer}); with SNI {self.servername} it sends {self.with_sni[0].subject}."
        ]
        if self.default_names_host is False:
            found.append(f"The default certificate does not name {self.servername}: a client that sends no "
                         "SNI (one connecting by IP address, an old Java or Android, some health checks) "
                         "gets a name mismatch.")
        if len(self.with_sni) != len(self.without_sni):
            found.append(f"The chains differ in length: {len(self.with_sni)} certificates with SNI, "
                         f"{len(self.without_sni)} without.")
        return tuple(found)

    def to_json(self) -> dict[str, Any]:
        """This comparison as JSON."""
        return {
            "servername": self.servername,
            "same": self.same,
            "with_sni": [_cert_json(c) for c in self.with_sni],
            "without_sni": [_cert_json(c) for c in self.without_sni],
            "default_names_host": self.default_names_host,
            "error": self.error,
            "differences": list(self.differences),
        }


def _cert_json(cert: PeerCertificate) -> dict[str, str]:
    return {"subject": cert.subject, "issuer": cert.issuer, "fingerprint_sha256": cert.fingerprint_sha256}


@dataclass(frozen=True)
class ServedChain:
    """The chain as served, judged."""

    sent: tuple[PeerCertificate, ...]
    """The certificates as the server sent them."""
    findings: tuple[ServedFinding, ...]
    """Every judgement, in the order of :data:`SERVED_CHECKS`."""
    warn_days: int = DEFAULT_WARN_DAYS
    """How many days before expiry count as soon."""
    report: ChainReport | None = field(default=None, compare=False)
    """The Chain explainer's report on the chain as sent."""
    fetched: tuple[FetchedIssuer, ...] = ()
    """The AIA downloads made (``--fetch``)."""
    completed: ChainReport | None = field(default=None, compare=False)
    """The Chain explainer's report with the downloaded intermediates added (None without a download)."""
    sni: SniComparison | None = None
    """With and without SNI (None when not compared)."""
    earliest_expiry: dt.datetime | None = None
    """The first notAfter among the certificates of the chain."""

    @property
    def ok(self) -> bool:
        """No finding fails."""
        return all(f.severity != "fail" for f in self.findings)

    @property
    def expiring(self) -> bool:
        """A certificate of the chain expires within :attr:`warn_days` (or has expired)."""
        return any(f.check == "expiry" and f.severity != "ok" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """The ``served`` part of ``tls probe --json``."""
        completed = self.completed
        return {
            "ok": self.ok,
            "warn_days": self.warn_days,
            "earliest_expiry": format_iso8601(self.earliest_expiry) if self.earliest_expiry else None,
            "findings": [f.to_json() for f in self.findings],
            "fetched": [f.to_json() for f in self.fetched],
            "completed": None if completed is None else {
                "valid": completed.valid,
                "error": completed.error,
                "chain": [_short(c) for c in completed.chain],
                "openssl_command": completed.openssl_command,
            },
            "sni": None if self.sni is None else self.sni.to_json(),
        }


# ---------------------------------------------------------------------------
# Reading the sent certificates


def _short(cert: x509.Certificate) -> str:
    from tlsexplorer.core.chain.facts import describe

    return describe(cert)


def _load(sent: Sequence[PeerCertificate]) -> list[x509.Certificate | None]:
    found: list[x509.Certificate | None] = []
    for peer in sent:
        try:
            found.append(x509.load_der_x509_certificate(peer.der))
        except Exception:  # whatever a server sends
            found.append(None)
    return found


def _names(cert: x509.Certificate | None) -> tuple[bytes, bytes] | None:
    """(issuer, subject) DER of a certificate, None when unreadable."""
    if cert is None:
        return None
    try:
        return name_bytes(cert)
    except InvalidInput:
        return None


def _is_ca(cert: x509.Certificate | None) -> bool:
    if cert is None:
        return False
    import tlsexplorer.core.x509.safe as safe

    extensions = safe.extensions(cert)
    if isinstance(extensions, safe.Unreadable):
        return False
    try:
        return bool(extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _self_signed(cert: x509.Certificate | None) -> bool:
    names = _names(cert)
    if cert is None or names is None or names[0] != names[1]:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:  # a bad or uncheckable signature: not a root
        return False
    return True


def _label(index: int, peer: PeerCertificate) -> str:
    return f"[{index}] {peer.subject}"


# ---------------------------------------------------------------------------
# The Chain explainer on the sent chain (plus downloaded intermediates)


def explain_sent(
    sent: Sequence[PeerCertificate], *, host: str, now: dt.datetime, ca_pems: Sequence[bytes] = (),
    system_roots: bool = True, extra_pem: bytes = b"",
) -> ChainReport:
    """The Chain explainer's report on ``sent`` (as the probe makes it), with ``extra_pem``
    (downloaded intermediates) offered as further untrusted certificates.

    Raises:
        TlsxError: the certificates cannot be read, or the host is no name.
    """
    from tlsexplorer.core.chain.gather import ChainInput, Source, gather_and_verify

    data = b"".join(c.pem for c in sent)
    request = ChainInput(
        leaf=(Source.memory(data, label="the chain the server sent", name=SENT_CHAIN_NAME),),
        intermediates=(Source.memory(extra_pem, label="the downloaded intermediates", name="aia.pem"),)
        if extra_pem else (),
        anchors=tuple(Source.memory(pem, label="the CA file", name=SENT_CA_NAME) for pem in ca_pems),
        system_roots=system_roots,
        at=now,
        host=host,
        purpose="server",
        missing_fix=SERVER_CHAIN_FIX,
    )
    return gather_and_verify(request).report


# ---------------------------------------------------------------------------
# Judging


def judge_served(
    result: ProbeResult,
    *,
    now: dt.datetime,
    ca_pems: Sequence[bytes] = (),
    system_roots: bool = True,
    warn_days: int = DEFAULT_WARN_DAYS,
    fetch: bool = False,
    fetch_timeout: float = AIA_TIMEOUT,
    proxy: str | None = None,
    sni: SniComparison | None = None,
    downloader: Callable[..., FetchResult] | None = None,
) -> ServedChain:
    """Judge the chain ``result`` holds, as served; download a missing intermediate with ``fetch``.

    ``ca_pems`` and ``system_roots`` are the trust the probe used (the system's
    roots when no CA was given). ``proxy`` (``http://HOST:PORT``, the probe's
    route's :attr:`~tlsexplorer.core.tls.connect.Route.proxy_url`) carries the AIA
    download, as an HTTP proxy does a plain http:// URL. ``downloader`` replaces
    :func:`tlsexplorer.core.fetch.fetch` (same signature), for callers that route downloads.
    """
    sent = result.peer_chain
    host = result.servername or result.host
    use_system = system_roots or not ca_pems
    report = result.explained
    if report is None and sent:
        try:
            report = explain_sent(sent, host=host, now=now, ca_pems=ca_pems, system_roots=use_system)
        except TlsxError:
            report = None
    findings: list[ServedFinding] = []
    if not sent:
        findings.append(ServedFinding("verdict", "fail", f"No certificate was read: {result.chain_method}."))
        return ServedChain(sent, tuple(findings), warn_days, report, sni=sni)
    certs = _load(sent[:MAX_JUDGED])
    findings.append(_verdict(report))
    findings.extend(_count(sent))
    findings.append(_leaf_first(sent, certs))
    findings.append(_order(sent, certs))
    findings.append(_missing(report, result))
    findings.extend(_redundant_roots(sent, certs, report))
    findings.extend(_unrelated(sent, certs, report))
    findings.extend(_second_path(report))
    expiry, earliest = _expiry(sent, certs, report, now, warn_days)
    findings.append(expiry)
    fetched: tuple[FetchedIssuer, ...] = ()
    completed: ChainReport | None = None
    if fetch and report is not None and report.missing is not None:
        fetched, completed = fetch_missing(
            sent, report, host=host, now=now, ca_pems=ca_pems, system_roots=use_system,
            timeout=fetch_timeout, proxy=proxy, downloader=downloader,
        )
        findings.append(_completed_finding(fetched, completed))
    return ServedChain(tuple(sent), tuple(findings), warn_days, report, fetched, completed, sni, earliest)


def _verdict(report: ChainReport | None) -> ServedFinding:
    if report is None:
        return ServedFinding("verdict", "warn", "The Chain explainer could not read the chain as sent.")
    if report.valid:
        return ServedFinding("verdict", "ok", "The chain as sent verifies (the Chain explainer, with the "
                             "rules of browsers and of the cryptography verifier).")
    if report.missing is not None:  # said in full by the missing-intermediate finding
        return ServedFinding("verdict", "fail", "The chain as sent does not reach a trust anchor.")
    failed = next((f for f in report.findings if not f.ok), None)
    where = f" [{failed.certificate}] {failed.title}: {failed.message}" if failed is not None else ""
    return ServedFinding("verdict", "fail", f"The chain as sent does not verify: {report.error}.{where}",
                         failed.fix if failed is not None else None)


def _count(sent: Sequence[PeerCertificate]) -> list[ServedFinding]:
    if len(sent) <= MAX_JUDGED:
        return []
    return [ServedFinding(
        "count", "warn",
        f"The server sent {len(sent):,} certificates; a chain needs two to four. Only the first "
        f"{MAX_JUDGED} were judged one by one.",
        "Send the leaf and its intermediates only (the fullchain file), nothing else.",
    )]


def _leaf_first(sent: Sequence[PeerCertificate], certs: list[x509.Certificate | None]) -> ServedFinding:
    if len(certs) > 1 and _is_ca(certs[0]):
        leaf = next((i for i, c in enumerate(certs) if c is not None and not _is_ca(c)), None)
        if leaf is not None:
            return ServedFinding(
                "leaf_first", "fail",
                f"The first certificate sent, {_label(0, sent[0])}, is a CA; the server's own certificate is "
                f"{_label(leaf, sent[leaf])}. Every client takes the first certificate as the server's, so "
                "it checks the host name and the key against a CA's certificate.",
                "Put the server's certificate first in its certificate file, then its issuer, then that "
                "one's issuer (the fullchain.pem order).", (0, leaf),
            )
    return ServedFinding("leaf_first", "ok", f"The server's own certificate comes first: {sent[0].subject}.",
                         certificates=(0,))


def _order(sent: Sequence[PeerCertificate], certs: list[x509.Certificate | None]) -> ServedFinding:
    names = [_names(c) for c in certs]
    misplaced: list[str] = []
    indexes: list[int] = []
    for i, own in enumerate(names[:-1]):
        if own is None or own[0] == own[1]:
            continue
        after = names[i + 1]
        if after is not None and after[1] == own[0]:
            continue
        later = next((j for j in range(len(names)) if j != i + 1 and j != i and names[j] is not None
                      and names[j][1] == own[0]), None)  # type: ignore[index]
        if later is not None:
            misplaced.append(f"the issuer of [{i}] is sent as [{later}], not right after it")
            indexes += [i, later]
    if misplaced:
        return ServedFinding(
            "order", "warn",
            "The certificates are out of order: " + "; ".join(misplaced) + ". TLS 1.2 (RFC 5246) requires "
            "each certificate to be followed by its issuer; OpenSSL, browsers and the cryptography verifier "
            "sort it out, but stricter clients (old Java, embedded TLS stacks) refuse it.",
            "Order the server's certificate file leaf first, then each issuer after the certificate it "
            "signed.", tuple(dict.fromkeys(indexes)),
        )
    return ServedFinding("order", "ok", "Each certificate is followed by its issuer.")


def _missing(report: ChainReport | None, result: ProbeResult) -> ServedFinding:
    missing = report.missing if report is not None else None
    if missing is None:
        return ServedFinding("missing_intermediate", "ok",
                             "No issuer is missing: the chain reaches a trust anchor with what was sent.")
    urls = ", ".join(missing.urls) if missing.urls else "none"
    lead = (f"{missing.issuer}, the issuer of [{missing.certificate}], was not sent and is not a trust "
            "anchor. Either the server left out an intermediate, or the root is one this client does not "
            "trust. curl, Python and openssl stop here (\"unable to get local issuer certificate\").")
    if missing.urls:
        lead += (f" Its AIA caIssuers URL ({urls}) says where to download it: browsers do, which is why such "
                 "a site can work in the browser and fail in curl (tls probe --fetch does it too).")
    else:
        lead += " The certificate names no AIA caIssuers URL to download it from."
    return ServedFinding("missing_intermediate", "fail", lead, missing.fix, (missing.certificate,))


def _redundant_roots(
    sent: Sequence[PeerCertificate], certs: list[x509.Certificate | None], report: ChainReport | None
) -> list[ServedFinding]:
    found = []
    for i, cert in enumerate(certs):
        if i == 0 or not _self_signed(cert):
            continue
        size = len(sent[i].der)
        trusted = report is not None and report.trusted and cert in report.chain
        also = ("it is the root this client trusts, which it had already" if trusted else
                "this client does not trust it, and sending it does not make it trusted")
        found.append(ServedFinding(
            "redundant_root", "warn",
            f"{_label(i, sent[i])} is a self-signed root. A client trusts a root only from its own store, "
            f"never because the server sent it ({also}): it adds {size:,} bytes to every handshake.",
            "Leave the root out of the server's certificate file (send the leaf and the intermediates).",
            (i,),
        ))
    return found


def _unrelated(
    sent: Sequence[PeerCertificate], certs: list[x509.Certificate | None], report: ChainReport | None
) -> list[ServedFinding]:
    if report is None:
        return []
    used = {c for path in report.paths for c in path}
    extra = [i for i, c in enumerate(certs) if i > 0 and c is not None and c not in used
             and not _self_signed(c)]
    if not extra:
        return []
    shown = ", ".join(_label(i, sent[i]) for i in extra[:5]) + (" …" if len(extra) > 5 else "")
    return [ServedFinding(
        "unrelated", "warn",
        f"{len(extra)} certificate(s) sent belong to no path from the leaf: {shown}. Clients ignore them, "
        "but they cost bytes, and a client that follows the sent order may stop on them.",
        "Remove them from the server's certificate file.", tuple(extra),
    )]


def _second_path(report: ChainReport | None) -> list[ServedFinding]:
    if report is None or len(report.paths) < 2:
        return []
    described = "; ".join(" → ".join(_short(c) for c in path) for path in report.paths[:4])
    return [ServedFinding(
        "second_path", "warn" if not report.valid else "ok",
        f"There is more than one path from the leaf to a root ({len(report.paths)}): {described}. A "
        "cross-signed intermediate does this; clients that build paths (browsers, OpenSSL 1.1.1 and later, "
        "the cryptography verifier) take one that ends at a root they trust, older ones follow the order "
        "sent and fail when that path's root expired.",
        "Send the intermediates of the path to the root your clients have; drop a cross-sign whose root "
        "expired.",
    )]


def _expiry(
    sent: Sequence[PeerCertificate], certs: list[x509.Certificate | None], report: ChainReport | None,
    now: dt.datetime, warn_days: int,
) -> tuple[ServedFinding, dt.datetime | None]:
    chain: list[tuple[str, x509.Certificate]] = []
    if report is not None and report.chain:
        chain = [(_short(c), c) for c in report.chain]
    else:
        chain = [(sent[i].subject, c) for i, c in enumerate(certs) if c is not None]
    dated: list[tuple[dt.datetime, str]] = []
    for label, cert in chain:
        try:
            dated.append((as_utc(cert.not_valid_after_utc), label))
        except Exception:  # an unreadable time: the explainer reports it
            continue
    if not dated:
        return ServedFinding("expiry", "warn", "No expiry date could be read."), None
    when, who = min(dated)
    moment = as_utc(now)
    stamp = format_iso8601(when)
    if when <= moment:
        return ServedFinding("expiry", "fail", f"{who} expired {describe_delta(when, moment)} ({stamp}).",
                             "Renew it and install the new certificate (and its chain) on the server."), when
    if when - moment <= dt.timedelta(days=warn_days):
        return ServedFinding(
            "expiry", "warn",
            f"{who} expires {describe_delta(when, moment)} ({stamp}), within the {warn_days} days warned of.",
            "Renew it now (ACME clients renew 30 days ahead; check that the renewal runs).",
        ), when
    return ServedFinding("expiry", "ok", f"The first certificate to expire is {who}, "
                         f"{describe_delta(when, moment)} ({stamp})."), when


# ---------------------------------------------------------------------------
# AIA: download the missing intermediate


def fetch_missing(
    sent: Sequence[PeerCertificate], report: ChainReport, *, host: str, now: dt.datetime,
    ca_pems: Sequence[bytes] = (), system_roots: bool = True, timeout: float = AIA_TIMEOUT,
    proxy: str | None = None, downloader: Callable[..., FetchResult] | None = None,
) -> tuple[tuple[FetchedIssuer, ...], ChainReport | None]:
    """Download each missing issuer from its AIA caIssuers URL and verify again with it.

    At most :data:`MAX_AIA_LEVELS` downloads, :data:`MAX_AIA_BYTES` each, all
    within ``timeout`` seconds. Returns the downloads and the report with them
    (None when nothing was downloaded).
    """
    from tlsexplorer.core.fetch import FetchError, fetch as fetch_url
    from tlsexplorer.core.x509.loader import load_certificates

    get = downloader or fetch_url
    deadline = Deadline(timeout)
    fetched: list[FetchedIssuer] = []
    extra = b""
    current: ChainReport | None = report
    completed: ChainReport | None = None
    tried: set[str] = set()
    for _level in range(MAX_AIA_LEVELS):
        missing = current.missing if current is not None else None
        if current is None or missing is None:
            break
        index = missing.certificate
        whose = _short(current.chain[index]) if index < len(current.chain) else "?"
        urls = [u for u in missing.urls if u not in tried]
        if not urls:
            if not missing.urls:
                fetched.append(FetchedIssuer("", whose, error=f"{whose} names no AIA caIssuers URL"))
            break
        url = urls[0]
        tried.add(url)
        try:
            answer = get(url, timeout=deadline.left(), max_bytes=MAX_AIA_BYTES, proxy=proxy)
            found = load_certificates(answer.body, url)
        except TimeoutError:
            fetched.append(FetchedIssuer(url, whose, error=f"{url}: no time left ({timeout:g} s for all "
                                         "downloads)"))
            break
        except FetchError as exc:
            fetched.append(FetchedIssuer(url, whose, error=str(exc)))
            break
        except InvalidInput as exc:
            fetched.append(FetchedIssuer(url, whose, error=f"{url}: not a certificate (DER, PEM or PKCS#7 "
                                         f"expected): {exc}"))
            break
        pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in found[:8])
        fetched.append(FetchedIssuer(url, whose, _short(found[0]), pem, answer.cached))
        extra += pem
        try:
            current = completed = explain_sent(sent, host=host, now=now, ca_pems=ca_pems,
                                               system_roots=system_roots, extra_pem=extra)
        except TlsxError as exc:
            fetched.append(FetchedIssuer(url, whose, error=f"the chain could not be verified again: {exc}"))
            break
    return tuple(fetched), completed


def _completed_finding(fetched: tuple[FetchedIssuer, ...], completed: ChainReport | None) -> ServedFinding:
    got = [f for f in fetched if f.error is None]
    errors = [f.error for f in fetched if f.error is not None]
    if not got:
        return ServedFinding("missing_intermediate", "fail",
                             "The missing issuer could not be downloaded: "
                             + "; ".join(e for e in errors if e),
                             SERVER_CHAIN_FIX)
    where = "; ".join(f"{f.subject} from {f.url}{' (cached)' if f.cached else ''}" for f in got)
    if completed is not None and completed.valid:
        return ServedFinding(
            "missing_intermediate", "warn",
            f"Downloaded {where}: with it the chain verifies. {WHO_FETCHES}.", SERVER_CHAIN_FIX,
        )
    why = completed.error if completed is not None else "it could not be verified again"
    more = f" ({'; '.join(e for e in errors if e)})" if errors else ""
    return ServedFinding(
        "missing_intermediate", "fail",
        f"Downloaded {where}, but the chain still does not verify: {why}{more}. {WHO_FETCHES}.",
        SERVER_CHAIN_FIX,
    )


# ---------------------------------------------------------------------------
# SNI or not


def _names_host(der: bytes, host: str) -> bool | None:
    from tlsexplorer.core.chain.names import dns_pattern_matches

    try:
        cert = x509.load_der_x509_certificate(der)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    except Exception:  # unreadable: unknown
        return None
    return any(dns_pattern_matches(name, host) for name in sans.get_values_for_type(x509.DNSName))


def compare_sni(
    host: str, port: int, servername: str, with_sni: Sequence[PeerCertificate], *,
    timeout: float = 10.0, route: Route = DIRECT,
) -> SniComparison:
    """Connect again without SNI and compare what the server sends with ``with_sni``.

    The chain is read as the probe reads it (a TLS 1.2 handshake whose Certificate
    message is in the clear); a server that refuses TLS 1.2 gets its leaf read
    from a TLS 1.3 handshake. Both connections go the way ``route`` says (the
    probe's proxy and STARTTLS opening).
    Failures are results (:attr:`SniComparison.error`).
    """
    from tlsexplorer.core.tls.records import analyse_exchange

    deadline = Deadline(timeout)
    certs: tuple[PeerCertificate, ...] = ()
    try:
        exchange = capture_handshake(host, port, None, deadline=deadline, route=route)
        certs = tuple(PeerCertificate.from_der(d) for d in analyse_exchange(exchange).certificates)
    except (OSError, ssl.SSLError, TlsxError):
        certs = ()
    if not certs:
        try:
            leaf = _leaf_without_sni(host, port, deadline, route)
        except (OSError, ssl.SSLError) as exc:
            message = describe_client_error(exc, host, port, timeout)
            return SniComparison(servername, tuple(with_sni), error=message)
        certs = (PeerCertificate.from_der(leaf),) if leaf else ()
    names = _names_host(certs[0].der, servername) if certs else None
    return SniComparison(servername, tuple(with_sni), certs, names)


def _leaf_without_sni(host: str, port: int, deadline: Deadline, route: Route = DIRECT) -> bytes | None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with open_connection(host, port, deadline, route) as sock, \
            context.wrap_socket(sock, server_hostname=None) as tls:
        return tls.getpeercert(binary_form=True)


__all__ = [
    "AIA_TIMEOUT",
    "DEFAULT_WARN_DAYS",
    "MAX_AIA_BYTES",
    "MAX_AIA_LEVELS",
    "MAX_JUDGED",
    "SERVED_CHECKS",
    "WHO_FETCHES",
    "FetchedIssuer",
    "ServedChain",
    "ServedFinding",
    "SniComparison",
    "compare_sni",
    "explain_sent",
    "fetch_missing",
    "judge_served",
]
