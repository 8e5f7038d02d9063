"""An OCSP response checked against the certificates at hand (the Inspector, inspect, a stapled answer)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.x509 import ocsp

from tests.ocsp_factory import (
    NOW,
    pki,
    response_der,
    tampered_signature,
    undelegated_response_der,
    unsuccessful_der,
    wrong_cert_id_response_der,
)
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
    result = check_among(tampered_signature(response_der(with_certs=False)), [p.leaf, p.root], NOW)
    assert result.check is not None and result.check.status == "unknown"
    failed = [s for s in result.check.steps if not s.ok]
    assert failed and failed[0].check == "ocsp_signature"
    assert "does NOT hold" in result.sentence()
    assert result.fault is failed[0]


def test_a_fault_is_in_the_response_never_its_answer() -> None:
    """Revoked, or unknown to the responder, is what a sound response says; a bad certID or responder
    is a fault."""
    p = pki()
    assert check_among(response_der(), [p.root, p.leaf], NOW).fault is None
    for status in (ocsp.OCSPCertStatus.REVOKED, ocsp.OCSPCertStatus.UNKNOWN):
        result = check_among(response_der(status), [p.root, p.leaf], NOW)
        assert result.check is not None and result.check.status != "good" and result.fault is None
        assert "does NOT hold" not in result.sentence()
    assert check_among(response_der(), [p.leaf], NOW).fault is None  # not checked: nothing to fault
    wrong_id = check_among(wrong_cert_id_response_der(), [p.root, p.leaf], NOW).fault
    assert wrong_id is not None and wrong_id.check == "ocsp_cert_id"
    der, _signer = undelegated_response_der()
    undelegated = check_among(der, [p.root, p.leaf], NOW).fault
    assert undelegated is not None and undelegated.check == "ocsp_responder"
    stale = check_among(response_der(next_days=1), [p.root, p.leaf], NOW + dt.timedelta(days=2)).fault
    assert stale is not None and stale.check == "ocsp_freshness"


def test_what_is_missing_is_named() -> None:
    p = pki()
    assert "issuer of CN=leaf.example.net is not at hand" in str(check_among(response_der(), [p.leaf], NOW)
                                                                 .why_not)
    nothing = check_among(response_der(), [], NOW)
    assert nothing.check is None and "serial 1a2b" in str(nothing.why_not)
    refused = check_among(unsuccessful_der(), [p.leaf, p.root], NOW)
    assert refused.check is None and "unauthorized" in str(refused.why_not)
    assert check_among(b"garbage", [p.leaf], NOW).why_not
