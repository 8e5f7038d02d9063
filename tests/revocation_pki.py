"""A small PKI for the revocation tests, made with cryptography directly: a root, an intermediate,
leaves with CRL distribution points and OCSP URLs, CRLs, OCSP answers and responders on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
START = NOW - dt.timedelta(days=30)
END = NOW + dt.timedelta(days=365)
Key = ec.EllipticCurvePrivateKey


def key() -> Key:
    return ec.generate_private_key(ec.SECP256R1())


def name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate(
    subject: str,
    subject_key: Key,
    issuer: x509.Certificate | None,
    issuer_key: Key,
    *,
    ca: bool = False,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    eku: x509.ObjectIdentifier | None = ExtendedKeyUsageOID.SERVER_AUTH,
    serial: int | None = None,
    not_after: dt.datetime = END,
) -> x509.Certificate:
    """A CA certificate (``ca``) or a leaf for ``subject`` (also its DNS name)."""
    public = subject_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer.subject if issuer is not None else name(subject))
        .public_key(public)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    if eku is not None and not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if ocsp_url:
        access = x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def crl(
    issuer: x509.Certificate,
    issuer_key: Key,
    revoked: list[tuple[int, x509.ReasonFlags | None]] = (),  # type: ignore[assignment]
    *,
    this_update: dt.datetime = NOW - dt.timedelta(days=1),
    next_update: dt.datetime = NOW + dt.timedelta(days=7),
    idp_url: str | None = None,
    revoked_at: dt.datetime = NOW - dt.timedelta(days=2),
) -> x509.CertificateRevocationList:
    """A CRL of ``issuer`` listing ``revoked`` (serial, reason)."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if idp_url:
        idp = x509.IssuingDistributionPoint(
            [x509.UniformResourceIdentifier(idp_url)], None, False, False, None, False, False
        )
        builder = builder.add_extension(idp, critical=True)
    for serial, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer_key, hashes.SHA256())


def pem(obj: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    return obj.public_bytes(serialization.Encoding.PEM)


def der(obj: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    return obj.public_bytes(serialization.Encoding.DER)


@dataclass
class Pki:
    """root -> leaf, and root -> intermediate -> inter_leaf; every key kept."""

    root_key: Key
    root: x509.Certificate
    leaf_key: Key
    leaf: x509.Certificate
    inter_key: Key
    inter: x509.Certificate
    inter_leaf: x509.Certificate

    def write(self, folder: Path) -> dict[str, Path]:
        paths = {n: folder / f"{n}.pem" for n in ("root", "leaf", "inter", "inter_leaf")}
        for n, path in paths.items():
            path.write_bytes(pem(getattr(self, n)))
        return paths


def make_pki(*, crl_url: str | None = None, ocsp_url: str | None = None) -> Pki:
    root_key, leaf_key, inter_key, inter_leaf_key = key(), key(), key(), key()
    root = certificate("Revocation Test Root", root_key, None, root_key, ca=True)
    leaf = certificate("leaf.example.net", leaf_key, root, root_key, crl_url=crl_url, ocsp_url=ocsp_url)
    inter = certificate(
        "Revocation Test Intermediate", inter_key, root, root_key, ca=True, crl_url=crl_url, ocsp_url=ocsp_url
    )
    inter_leaf = certificate(
        "inner.example.net", inter_leaf_key, inter, inter_key, crl_url=crl_url, ocsp_url=ocsp_url
    )
    return Pki(root_key, root, leaf_key, leaf, inter_key, inter, inter_leaf)


def ocsp_answer(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    signer: x509.Certificate,
    signer_key: Key,
    *,
    status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD,
    reason: x509.ReasonFlags | None = None,
    revoked_at: dt.datetime | None = None,
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    nonce: bytes | None = None,
    include_signer: bool = False,
) -> bytes:
    """A DER OCSP answer about ``cert``, signed by ``signer``."""
    now = dt.datetime.now(dt.timezone.utc)
    this_update = this_update or now - dt.timedelta(minutes=1)
    next_update = next_update or now + dt.timedelta(days=1)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=cert,
            issuer=issuer,
            algorithm=hashes.SHA1(),
            cert_status=status,
            this_update=this_update,
            next_update=next_update,
            revocation_time=revoked_at if status == ocsp.OCSPCertStatus.REVOKED else None,
            revocation_reason=reason if status == ocsp.OCSPCertStatus.REVOKED else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, signer)
    )
    if include_signer:
        builder = builder.certificates([signer])
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.sign(signer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


Answer = Callable[[bytes], bytes | None]
"""What a test responder sends for a request body (None: stall until the test ends)."""


@contextmanager
def responder(answer: Answer, paths: dict[str, bytes] | None = None) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a free port): POST -> ``answer(body)``; GET of a path in ``paths``
    -> its bytes. Yields its base URL."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, body: bytes | None, kind: str) -> None:
            if body is None:
                release.wait(60)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(answer(body), "application/ocsp-response")

        def do_GET(self) -> None:
            found = (paths or {}).get(self.path)
            if found is None:
                self.send_error(404)
                return
            self._send(found, "application/pkix-crl")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def request_nonce(body: bytes) -> bytes | None:
    """The nonce of a DER OCSP request, if any."""
    try:
        return ocsp.load_der_ocsp_request(body).extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except Exception:
        return None
