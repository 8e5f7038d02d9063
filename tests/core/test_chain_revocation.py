"""Revocation checks in the core: CRLs and OCSP answers, good, revoked, and every kind of bad input
as one clear finding (an unknown status with its reason), never an exception."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.revocation_pki import (
    NOW,
    certificate,
    crl,
    der,
    key,
    make_pki,
    ocsp_answer,
    pem,
    request_nonce,
    responder,
)
from tlsexplorer.core.chain.revocation import ask_ocsp, check_crl, check_ocsp_response, read_crls
from tlsexplorer.core.fetch import clear_cache


@pytest.fixture(scope="module")
def pki():  # type: ignore[no-untyped-def]
    return make_pki()


def failed(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.check for step in result.steps if not step.ok]


def test_a_crl_that_does_not_list_the_serial_says_good(pki) -> None:  # type: ignore[no-untyped-def]
    crls = read_crls(pem(crl(pki.root, pki.root_key, [(12345, None)])), "root.crl")
    result = check_crl(pki.leaf, pki.root, crls, at=NOW)
    assert result.status == "good" and result.revoked_at is None
    assert [s.check for s in result.steps] == [
        "crl_issuer",
        "crl_signature",
        "crl_time",
        "crl_scope",
        "crl_entry",
    ]
    assert all(s.ok for s in result.steps)


def test_a_listed_serial_is_revoked_with_its_time_and_reason(pki) -> None:  # type: ignore[no-untyped-def]
    when = NOW - dt.timedelta(days=3)
    made = crl(
        pki.root, pki.root_key, [(pki.leaf.serial_number, x509.ReasonFlags.key_compromise)], revoked_at=when
    )
    result = check_crl(pki.leaf, pki.root, read_crls(der(made), "root.crl"), at=NOW)
    assert (result.status, result.reason, result.revoked_at) == ("revoked", "keyCompromise", when)
    assert failed(result) == ["crl_entry"]


def test_an_entry_without_a_reason_is_unspecified(pki) -> None:  # type: ignore[no-untyped-def]
    made = crl(pki.root, pki.root_key, [(pki.leaf.serial_number, None)])
    result = check_crl(pki.leaf, pki.root, read_crls(pem(made), "root.crl"), at=NOW)
    assert (result.status, result.reason) == ("revoked", "unspecified")


@pytest.mark.parametrize(
    ("this_update", "next_update"),
    [
        (NOW - dt.timedelta(days=9), NOW - dt.timedelta(days=1)),
        (NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=9)),
    ],
    ids=["expired", "not yet valid"],
)
def test_a_crl_out_of_its_time_leaves_the_status_unknown(pki, this_update, next_update) -> None:  # type: ignore[no-untyped-def]
    made = crl(
        pki.root,
        pki.root_key,
        [(pki.leaf.serial_number, None)],
        this_update=this_update,
        next_update=next_update,
    )
    result = check_crl(pki.leaf, pki.root, read_crls(pem(made), "root.crl"), at=NOW)
    assert result.status == "unknown" and failed(result) == ["crl_time"]


def test_a_crl_signed_by_another_ca_is_not_trusted(pki) -> None:  # type: ignore[no-untyped-def]
    impostor_key = key()
    # Same issuer name, another key, and no key identifier to give it away before the signature does.
    made = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.root.subject)
        .last_update(NOW - dt.timedelta(days=1))
        .next_update(NOW + dt.timedelta(days=1))
        .sign(impostor_key, hashes.SHA256())
    )
    result = check_crl(pki.leaf, pki.root, read_crls(pem(made), "forged.crl"), at=NOW)
    assert result.status == "unknown" and failed(result) == ["crl_signature"]
    assert "another key" in result.reason


def test_a_crl_of_another_issuer_is_not_used(pki) -> None:  # type: ignore[no-untyped-def]
    result = check_crl(pki.leaf, pki.root, read_crls(pem(crl(pki.inter, pki.inter_key)), "inter.crl"), at=NOW)
    assert result.status == "unknown" and failed(result) == ["crl_issuer"]
    assert "Revocation Test Intermediate" in result.reason


def test_a_crl_for_another_partition_is_out_of_scope() -> None:
    scoped = make_pki(crl_url="http://crl.example/part1.crl")
    made = crl(scoped.root, scoped.root_key, idp_url="http://crl.example/part2.crl")
    result = check_crl(scoped.leaf, scoped.root, read_crls(pem(made), "part2.crl"), at=NOW)
    assert result.status == "unknown" and failed(result) == ["crl_scope"]
    matching = crl(scoped.root, scoped.root_key, idp_url="http://crl.example/part1.crl")
    assert check_crl(scoped.leaf, scoped.root, read_crls(pem(matching), "part1.crl"), at=NOW).status == "good"


@pytest.mark.parametrize(
    "data",
    [
        b"\x30\x82\x01\x00garbage",
        b"-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n",
        b"-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
        b"hello",
    ],
    ids=["broken DER", "bad base64", "empty sequence", "text"],
)
def test_a_malformed_crl_is_one_finding(pki, data: bytes) -> None:  # type: ignore[no-untyped-def]
    crls = read_crls(data, "bad.crl")
    assert len(crls) == 1 and crls[0].crl is None and crls[0].problem
    result = check_crl(pki.leaf, pki.root, crls, at=NOW)
    assert result.status == "unknown"
    assert "crl_read" in failed(result) and any("bad.crl" in s.message for s in result.steps)


# OCSP ------------------------------------------------------------------------------------------


def test_check_ocsp_response_alone_good_and_revoked(pki) -> None:  # type: ignore[no-untyped-def]
    good = ocsp_answer(pki.leaf, pki.root, pki.root, pki.root_key)
    result = check_ocsp_response(good, pki.leaf, pki.root, at=dt.datetime.now(dt.timezone.utc))
    assert result.status == "good" and all(s.ok for s in result.steps)
    assert [s.check for s in result.steps] == [
        "ocsp_answer",
        "ocsp_responder",
        "ocsp_signature",
        "ocsp_cert_id",
        "ocsp_freshness",
        "ocsp_status",
    ]
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=5)
    revoked = ocsp_answer(
        pki.leaf,
        pki.root,
        pki.root,
        pki.root_key,
        status=ocsp.OCSPCertStatus.REVOKED,
        reason=x509.ReasonFlags.superseded,
        revoked_at=when,
    )
    result = check_ocsp_response(revoked, pki.leaf, pki.root, at=dt.datetime.now(dt.timezone.utc))
    assert (result.status, result.reason, result.revoked_at) == ("revoked", "superseded", when)


def test_a_delegated_responder_needs_the_ocsp_signing_eku(pki) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.timezone.utc)
    signer_key = key()
    delegated = certificate(
        "OCSP Signer", signer_key, pki.root, pki.root_key, eku=ExtendedKeyUsageOID.OCSP_SIGNING
    )
    answer = ocsp_answer(pki.leaf, pki.root, delegated, signer_key, include_signer=True)
    result = check_ocsp_response(answer, pki.leaf, pki.root, at=now)
    assert result.status == "good"
    assert any(s.check == "ocsp_responder" and "delegated" in s.message for s in result.steps)
    plain = certificate("Not A Signer", signer_key, pki.root, pki.root_key)  # serverAuth, no OCSPSigning
    answer = ocsp_answer(pki.leaf, pki.root, plain, signer_key, include_signer=True)
    result = check_ocsp_response(answer, pki.leaf, pki.root, at=now)
    assert result.status == "unknown" and failed(result) == ["ocsp_responder"]


def test_an_unauthorised_key_is_refused(pki) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.timezone.utc)
    stranger_key = key()
    stranger = certificate("Stranger", stranger_key, None, stranger_key, ca=True)
    answer = ocsp_answer(pki.leaf, pki.root, stranger, stranger_key, include_signer=True)
    result = check_ocsp_response(answer, pki.leaf, pki.root, at=now)
    assert result.status == "unknown" and failed(result) == ["ocsp_responder"]
    # Claiming to be the CA (its key hash as responder ID) but signed with another key.
    signed = ocsp_answer(pki.leaf, pki.root, stranger, stranger_key)
    forged = signed.replace(_key_hash(stranger), _key_hash(pki.root))
    assert forged != signed
    result = check_ocsp_response(forged, pki.leaf, pki.root, at=now)
    assert result.status == "unknown" and failed(result) == ["ocsp_signature"]


def _key_hash(cert: x509.Certificate) -> bytes:
    return x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest  # type: ignore[arg-type]


def test_an_answer_about_another_certificate_or_stale_or_replayed(pki) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.timezone.utc)
    other = ocsp_answer(pki.inter, pki.root, pki.root, pki.root_key)
    assert failed(check_ocsp_response(other, pki.leaf, pki.root, at=now)) == ["ocsp_cert_id"]
    stale = ocsp_answer(
        pki.leaf,
        pki.root,
        pki.root,
        pki.root_key,
        this_update=now - dt.timedelta(days=3),
        next_update=now - dt.timedelta(days=1),
    )
    assert failed(check_ocsp_response(stale, pki.leaf, pki.root, at=now)) == ["ocsp_freshness"]
    replayed = ocsp_answer(pki.leaf, pki.root, pki.root, pki.root_key, nonce=b"old nonce 123456")
    result = check_ocsp_response(replayed, pki.leaf, pki.root, at=now, nonce=b"new nonce 654321")
    assert result.status == "unknown" and failed(result) == ["ocsp_nonce"]


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", b"\x30\x03\x0a\x01\x06", b"\x30\x03\x0a\x01\x03"],
    ids=["empty", "text", "unauthorized", "tryLater"],
)
def test_a_malformed_or_refusing_answer_is_one_finding(pki, data: bytes) -> None:  # type: ignore[no-untyped-def]
    result = check_ocsp_response(data, pki.leaf, pki.root, at=NOW)
    assert result.status == "unknown" and failed(result) == ["ocsp_answer"]


def test_asking_a_responder_sends_a_nonce_and_checks_its_echo() -> None:
    holder: dict[str, object] = {}

    def answer(body: bytes) -> bytes:
        made = holder["pki"]
        return ocsp_answer(made.leaf, made.root, made.root, made.root_key, nonce=request_nonce(body))  # type: ignore[attr-defined]

    with responder(answer) as url:
        holder["pki"] = made = make_pki(ocsp_url=url)
        result = ask_ocsp(made.leaf, made.root, url, at=dt.datetime.now(dt.timezone.utc))
    assert result.status == "good" and result.where == url
    assert any(s.check == "ocsp_nonce" and s.ok and "echoed" in s.message for s in result.steps)


def test_a_responder_that_answers_garbage_stalls_or_is_down(pki) -> None:  # type: ignore[no-untyped-def]
    clear_cache()
    now = dt.datetime.now(dt.timezone.utc)
    with responder(lambda body: b"<html>not ocsp</html>") as url:
        result = ask_ocsp(pki.leaf, pki.root, url, at=now)
    assert result.status == "unknown" and failed(result) == ["ocsp_answer"]
    with responder(lambda body: None) as url:
        started = time.monotonic()
        result = ask_ocsp(pki.leaf, pki.root, url, at=now, timeout=1.0)
        assert time.monotonic() - started < 30  # bounded by the deadline, not by the stalling server
    assert result.status == "unknown" and "in time" in (result.reason or "")
    # Nothing listens there any more.
    result = ask_ocsp(pki.leaf, pki.root, url, at=now, timeout=5.0)
    assert result.status == "unknown" and failed(result) == ["ocsp_answer"]


def test_nothing_raises_on_random_answers(pki) -> None:  # type: ignore[no-untyped-def]
    for size in (1, 10, 100, 1000):
        for _ in range(5):
            result = check_ocsp_response(os.urandom(size), pki.leaf, pki.root, at=NOW)
            assert result.status == "unknown"
        assert check_crl(pki.leaf, pki.root, read_crls(os.urandom(size), "x.crl"), at=NOW).status == "unknown"
