"""CRL details the Inspector shows: number, delta indicator, issuing distribution point, entry extensions."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from rich.console import Console

from tests.ocsp_factory import NOW, pki
from tests.tools import needs_openssl
from tlsexplorer.core.x509.loader import load_objects
from tlsexplorer.core.x509.model import CrlInfo
from tlsexplorer.core.x509.summary import summarize
from tlsexplorer.render.x509 import render_info

INVALID_SINCE = NOW - dt.timedelta(days=9)


def _crl(delta: bool) -> bytes:
    p = pki()
    entry = (
        x509.RevokedCertificateBuilder().serial_number(0x1A2B).revocation_date(NOW - dt.timedelta(days=2))
        .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
        .add_extension(x509.InvalidityDate(INVALID_SINCE.replace(tzinfo=None)), critical=False)
        .add_extension(x509.CertificateIssuer([x509.DNSName("other-ca.example.net")]), critical=True)
        .build()
    )
    builder = (
        x509.CertificateRevocationListBuilder().issuer_name(p.root.subject)
        .last_update(NOW - dt.timedelta(hours=1)).next_update(NOW + dt.timedelta(days=7))
        .add_revoked_certificate(entry)
        .add_extension(x509.CRLNumber(42), critical=False)
        .add_extension(x509.IssuingDistributionPoint(
            full_name=[x509.UniformResourceIdentifier("http://crl.example.net/users.crl")],
            relative_name=None, only_contains_user_certs=True, only_contains_ca_certs=False,
            only_some_reasons=None, indirect_crl=True, only_contains_attribute_certs=False), critical=True)
    )
    if delta:
        builder = builder.add_extension(x509.DeltaCRLIndicator(40), critical=True)
    crl = builder.sign(p.root_key, hashes.SHA256())  # type: ignore[arg-type]
    return crl.public_bytes(serialization.Encoding.DER)


def _info(der: bytes) -> CrlInfo:
    result = load_objects(der, "crl")
    assert result.ok, result.problems
    info = summarize(result.objects[0], NOW)
    assert isinstance(info, CrlInfo)
    return info


def test_delta_crl_fields_read_and_shown() -> None:
    info = _info(_crl(delta=True))
    assert info.crl_number == 42 and info.delta_of == 40
    assert "delta CRL (changes since CRL number 40)" in info.sentence()
    scope = info.scope
    assert scope is not None and scope["full_name"] == ["URI:http://crl.example.net/users.crl"]
    assert scope["only_contains_user_certs"] and scope["indirect_crl"] and not scope["only_contains_ca_certs"]
    entry = info.revoked[0]
    assert entry.reason == "keyCompromise"
    assert entry.invalidity_date == INVALID_SINCE
    assert entry.certificate_issuer == ("DNS:other-ca.example.net",)
    doc = info.to_json()
    assert doc["crl_number"] == 42 and doc["delta_crl_indicator"] == 40
    assert doc["issuing_distribution_point"]["indirect_crl"] is True
    assert doc["revoked"][0]["invalidity_date"] == INVALID_SINCE.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert doc["revoked"][0]["certificate_issuer"] == ["DNS:other-ca.example.net"]
    console = Console(width=140, record=True, color_system=None)
    console.print(render_info(info))
    text = console.export_text()
    for words in ("CRL number", "42", "base CRL number 40", "only end-entity certificates",
                  "indirect CRL", "invalid since", "other-ca.example.net", "keyCompromise"):
        assert words in text, words


def test_full_crl_is_not_a_delta() -> None:
    info = _info(_crl(delta=False))
    assert info.delta_of is None and info.to_json()["delta_crl_indicator"] is None
    assert "delta" not in info.sentence()


@needs_openssl
def test_openssl_reads_the_same_crl_fields(tmp_path: Path) -> None:
    der = _crl(delta=True)
    path = tmp_path / "delta.crl"
    path.write_bytes(der)
    text = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", path, "-noout", "-text"], check=True,
                          capture_output=True, text=True).stdout
    info = _info(der)
    assert f"X509v3 CRL Number: \n                {info.crl_number}" in text
    assert f"X509v3 Delta CRL Indicator: critical\n                {info.delta_of}" in text
    assert "Only User Certificates" in text and "Indirect CRL" in text
    assert "Key Compromise" in text and "Invalidity Date" in text and "other-ca.example.net" in text
