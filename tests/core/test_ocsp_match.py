"""An OCSP response checked against the certificates at hand (the Inspector, inspect, a stapled answer)."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509 import ocsp

from tests.ocsp_factory import NOW, pki, response_der, unsuccessful_der
from tlsexplorer.core.chain.ocsp_match import check_among


def test_good_answer_checked_step_by_step() -> None:
    p = pki()
    result = check_among(response_der(), [p.root, p.leaf], NOW)
    assert result.check is not None and result.check.status == "good"
    assert {s.check for s in result.check.steps} >= {"ocsp_signature", "ocsp_responder", "ocsp_cert_id",
                                                       "ocsp_status"}
    assert all(s.ok for s in result.check.steps)
    assert result.certificate == "CN=leaf.example.net" and result.issuer == "CN=OCSP Test Root"
    doc = result.to_json()
    assert doc["checked"] and doc["status"] == "good" and doc["why_not"] is None


def test_revoked_answer_says_when_and_why() -> None:
    p = pki()
    der = response_der(ocsp.OCSPCertStatus.REVOKED, reason=x509.ReasonFlags.key_compromise)
    result = check_among(der, [p.leaf, p.root], NOW)
    assert result.check is not None and result.check.status == "revoked"
    assert result.check.reason == "keyCompromise" and result.to_json()["revoked_at"].endswith("Z")


def test_a_tampered_signature_does_not_hold() -> None:
    p = pki()
    der = response_der(with_certs=False)
    signature = ocsp.load_der_ocsp_response(der).signature
    at = der.index(signature)
    tampered = der[:at] + bytes([signature[0] ^ 0x01]) + der[at + 1:]
    result = check_among(tampered, [p.leaf, p.root], NOW)
    assert result.check is not None and result.check.status == "unknown"
    failed = [s for s in result.check.steps if not s.ok]
    assert failed and failed[0].check == "ocsp_signature"
    assert "does NOT hold" in result.sentence()


def test_what_is_missing_is_named() -> None:
    p = pki()
    assert "issuer of CN=leaf.example.net is not at hand" in str(check_among(response_der(), [p.leaf], NOW)
                                                                 .why_not)
    nothing = check_among(response_der(), [], NOW)
    assert nothing.check is None and "serial 1a2b" in str(nothing.why_not)
    refused = check_among(unsuccessful_der(), [p.leaf, p.root], NOW)
    assert refused.check is None and "unauthorized" in str(refused.why_not)
    assert check_among(b"garbage", [p.leaf], NOW).why_not
