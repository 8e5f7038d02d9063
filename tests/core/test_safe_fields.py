"""Issue 15, "Tracebacks" 5-11: objects that load but whose fields cannot all be read.

Every field is read through :mod:`tlsexplorer.core.x509.safe`: a field that
cannot be read becomes a plain sentence and the rest is still shown; nothing
but a TlsxError leaves the core. The hostile material is made in
:mod:`tests.hostile`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import hostile as h
from tlsexplorer.core.ca import store
from tlsexplorer.core.chain.gather import ChainInput, Source, gather_and_verify
from tlsexplorer.core.der import encode_tlv
from tlsexplorer.core.errors import InvalidInput, TlsxError, WrongPassword
from tlsexplorer.core.rsa.keys import load_rsa_key
from tlsexplorer.core.rsa.signature import check_certificate_signature
from tlsexplorer.core.tls.probe import PeerCertificate
from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context
from tlsexplorer.core.x509.loader import load_certificates, load_objects
from tlsexplorer.core.x509.summary import summarize
from tlsexplorer.core.x509.sweep import sweep
from tlsexplorer.samples import sample_path

NOW = h.NOW
LIBRARY_WORDS = (
    "ParseError", "cryptography.io", "Are you sure", "InvalidVersion", "<Admissions", "PhantomData", "Tlv {",
)

#: Certificates that load, and the sentence that says which field cannot be read.
READABLE_BUT_HOSTILE = {
    "bad-utf8-cn": (h.bad_utf8_cn_cert, "the subject's CN is not valid UTF-8"),
    "long-form-tag": (h.long_tag_cn_cert, "the subject's CN uses a long-form tag"),
    "odd-tag": (lambda: h.patched_leaf("subject", h.name_with(encode_tlv(0x80, b"hi"))),
                "a type no name uses"),
    "md2": (h.md2_cert, "signed with md2, which nothing supports"),
    "gost-key": (h.unknown_spki_cert, "its key is of a type not supported here (GOST R 34.10-2001)"),
    "x400-san": (lambda: h.san_cert(h.X400), "x400Address or ediPartyName"),
    "edi-san": (lambda: h.san_cert(h.EDI), "x400Address or ediPartyName"),
}

#: Files that do not load as certificates, and what is said instead.
UNLOADABLE = {
    "version-7": (h.version7_cert, "its version field says v7; X.509 has only v1, v2 and v3"),
    "dsa-inherited": (h.dsa_inherited_cert, "inherits its parameters from its issuer"),
    "pkcs7-enveloped": (h.enveloped_pkcs7, "PKCS#7 data of another kind (enveloped or encrypted)"),
}


def _pem(der: bytes, name: str) -> bytes:
    return h.pem_of(der, "PKCS7" if "pkcs7" in name else "CERTIFICATE")


def _no_library_words(text: str) -> None:
    for words in LIBRARY_WORDS:
        assert words not in text, text


@pytest.mark.parametrize("case", sorted(READABLE_BUT_HOSTILE))
def test_summary_names_the_field_that_cannot_be_read_and_shows_the_rest(case: str) -> None:
    make, sentence = READABLE_BUT_HOSTILE[case]
    for data in (make(), _pem(make(), case)):
        result = load_objects(data, case)
        assert [o.kind for o in result.objects] == ["certificate"], result.problems
        info = summarize(result.objects[0], NOW)
        assert any(sentence in u for u in info.unreadable), info.unreadable  # type: ignore[union-attr]
        assert any(f.severity == "error" and sentence.lower() in f.message.lower() for f in info.lint)
        doc = info.to_json()
        assert doc["fingerprint_sha256"] and doc["unreadable"]  # the rest is still there
        _no_library_words(repr(doc))


@pytest.mark.parametrize("case", sorted(UNLOADABLE))
def test_what_does_not_load_is_said_in_our_words(case: str) -> None:
    make, sentence = UNLOADABLE[case]
    for data in (make(), _pem(make(), case)):
        result = load_objects(data, case)
        assert not result.objects and any(sentence in p for p in result.problems), result.problems
        _no_library_words(" ".join(result.problems))
        with pytest.raises(InvalidInput, match="no certificate found") as caught:
            load_certificates(data, case)
        assert sentence in str(caught.value)
        _no_library_words(str(caught.value))


def test_safe_readers_return_the_value_or_a_sentence() -> None:
    from tlsexplorer.core.x509 import safe

    cert = x509.load_der_x509_certificate(h.bad_utf8_cn_cert())
    subject = safe.name(cert, "subject")
    assert isinstance(subject, safe.Unreadable) and subject.field == "subject"
    assert safe.name(cert, "issuer") == h.root().subject
    assert safe.short(cert) == "(unreadable subject)"
    assert safe.problems(h.leaf()) == ()
    md2 = x509.load_der_x509_certificate(h.md2_cert())
    assert str(safe.signature_hash(md2)) == "signed with md2, which nothing supports"
    assert isinstance(safe.public_key(x509.load_der_x509_certificate(h.unknown_spki_cert())), safe.Unreadable)


def test_an_extension_the_explorer_does_not_decode_is_shown_as_its_bytes_not_a_repr() -> None:
    cert = (
        x509.CertificateBuilder()
        .subject_name(h.cn_name("adm.example.net"))
        .issuer_name(h.root().subject)
        .public_key(h.rsa_key("leaf").public_key())
        .serial_number(9)
        .not_valid_before(NOW)
        .not_valid_after(NOW)
        .add_extension(x509.Admissions(authority=None, admissions=[]), critical=False)
        .sign(h.rsa_key("root"), hashes.SHA256())
    )
    info = summarize(load_objects(h.der(cert)).objects[0], NOW)
    ext = next(e for e in info.extensions if e.oid == "1.3.36.8.3.3")  # type: ignore[union-attr]
    assert "<Admissions" not in repr(ext) and ext.value == {"hex": "30023000"}


# The sweep (tracebacks 6 and 7) --------------------------------------------------------------------


def test_the_sweep_survives_every_hostile_file_and_flags_them(tmp_path: Path) -> None:
    results = [load_objects(h.pem_of(h.der(h.root())), "root.pem")]
    for case, (make, _sentence) in {**READABLE_BUT_HOSTILE, **UNLOADABLE}.items():
        results.append(load_objects(_pem(make(), case), f"{case}.pem"))
    report = sweep(results, NOW)  # md2 beside its issuer took the legacy path and crashed
    flagged = " ".join(f.message for f in report.flags if f.kind == "unreadable")
    for case, (_make, sentence) in READABLE_BUT_HOSTILE.items():
        assert sentence in flagged, case


# The chain (traceback 5, 6, 8, 9, 10) ---------------------------------------------------------------


def _verify(**sources: object) -> object:
    return gather_and_verify(ChainInput(at=NOW, **sources))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted({**READABLE_BUT_HOSTILE, **UNLOADABLE}))
def test_verify_as_leaf_anchor_folder_chain_and_with_system_roots(case: str, tmp_path: Path) -> None:
    make = {**READABLE_BUT_HOSTILE, **UNLOADABLE}[case][0]
    hostile = Source.memory(_pem(make(), case), label=case, name=f"{case}.pem")
    root = Source.memory(h.pem_of(h.der(h.root())), label="root", name="root.pem")
    leaf = Source.memory(h.pem_of(h.der(h.leaf())), label="leaf", name="leaf.pem")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / f"{case}.pem").write_bytes(_pem(make(), case))
    (folder / "root.pem").write_bytes(h.pem_of(h.der(h.root())))
    attempts = [
        {"leaf": (hostile,), "anchors": (root,)},
        {"leaf": (leaf,), "anchors": (hostile,)},
        {"leaf": (leaf,), "intermediates": (hostile,), "anchors": (root,)},
        {"leaf": (leaf,), "anchors": (Source.file(folder),)},
        {"leaf": (hostile,), "system_roots": True},
        {"leaf": (hostile,), "anchors": (root,), "trust_bundle_root": True},
    ]
    for sources in attempts:
        try:
            verification = _verify(**sources)
        except TlsxError as exc:
            _no_library_words(str(exc))
            continue
        report = verification.report  # type: ignore[attr-defined]
        text = " ".join(f.message for f in report.findings) + (report.error or "")
        _no_library_words(text)
        if case in READABLE_BUT_HOSTILE and sources["leaf"] == (hostile,):
            # the verifier may not need the field (a leaf's CN, its key); people are still told
            told = " ".join(report.notes) + text
            assert READABLE_BUT_HOSTILE[case][1] in told, told


def test_a_self_signed_root_with_an_undecodable_name_as_the_bundle_root() -> None:
    bad_root = Source.memory(h.pem_of(h.bad_utf8_root()), label="bad root", name="bad.pem")
    verification = _verify(leaf=(bad_root,), trust_bundle_root=True)
    report = verification.report  # type: ignore[attr-defined]
    assert "the subject's CN is not valid UTF-8" in " ".join(report.notes)


# rsa signature and rsa --key (traceback 5, 6, 8, 10) ------------------------------------------------


@pytest.mark.parametrize("case", sorted({**READABLE_BUT_HOSTILE, **UNLOADABLE}))
def test_rsa_signature_and_key_on_hostile_certificates(case: str) -> None:
    make = {**READABLE_BUT_HOSTILE, **UNLOADABLE}[case][0]
    data = _pem(make(), case)
    root = h.pem_of(h.der(h.root()))
    for certificate, issuer in ((data, root), (h.pem_of(h.der(h.leaf())), data)):
        try:
            check = check_certificate_signature(certificate, issuer, names=("cert.pem", "issuer.pem"))
        except TlsxError as exc:
            _no_library_words(str(exc))
        else:
            _no_library_words(check.explanation + check.subject + check.issuer)
    for key in (data, make()):
        try:
            load_rsa_key(key, None, f"{case}.pem")
        except TlsxError as exc:
            _no_library_words(str(exc))


def test_md2_is_named_by_the_signature_check() -> None:
    check = check_certificate_signature(h.pem_of(h.md2_cert()), h.pem_of(h.der(h.root())))
    assert not check.valid and "md2, which nothing supports" in check.explanation


def test_a_key_of_an_unknown_type_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"not supported here \(GOST R 34.10-2001\)"):
        load_rsa_key(h.pem_of(h.unknown_spki_cert()), None, "gost.pem")


def test_the_issuer_is_matched_as_rfc_5280_compares_names() -> None:
    """Case and white space differences still name the same issuer (PKITS name chaining)."""
    spaced = h.name_with(encode_tlv(0x0C, b"  hostile   ROOT "))
    leaf = h.patched_leaf("issuer", spaced)
    other = h.pem_of(h.der(x509.load_pem_x509_certificate(h.pem_of(h.der(h.leaf())))))
    check = check_certificate_signature(h.pem_of(leaf), other + h.pem_of(h.der(h.root())))
    assert check.issuer == "CN=Hostile Root" and check.valid


def test_no_issuer_in_the_bundle_is_said() -> None:
    """No certificate is named as the issuer and none signed it: no silent 'INVALID' with the first."""
    stranger = sample_path("charlies-root-ca.pem").read_bytes()
    with pytest.raises(InvalidInput, match="no issuer in the bundle"):
        check_certificate_signature(h.pem_of(h.der(h.leaf())), stranger)


def test_an_empty_passphrase_is_wrong_not_missing() -> None:
    with pytest.raises(WrongPassword, match="an empty passphrase"):
        load_rsa_key(sample_path("charlies-root-ca.key.pem").read_bytes(), b"", "root.key.pem")


# CA folder and ca sign (traceback 5, 9, 11) ---------------------------------------------------------


def _ca_folder(tmp_path: Path, cert_der: bytes) -> Path:
    folder = tmp_path / "ca"
    folder.mkdir()
    (folder / "ca.pem").write_bytes(h.pem_of(cert_der))
    (folder / "ca.key.pem").write_bytes(h.key_pem())
    return folder


@pytest.mark.parametrize(
    ("case", "sentence"),
    [
        ("x400", "x400Address or ediPartyName"),
        ("version-7", "its version field says v7"),
        ("bad-utf8", "the subject's CN is not valid UTF-8"),
        ("garbage", "no certificate found"),
    ],
)
def test_a_hostile_ca_pem_is_refused_by_name(tmp_path: Path, case: str, sentence: str) -> None:
    made = {
        "x400": lambda: h.san_cert(h.X400, base=h.root()),
        "version-7": lambda: h.version7_cert(base=h.root()),
        "bad-utf8": h.bad_utf8_root,
        "garbage": lambda: b"",
    }[case]()
    folder = _ca_folder(tmp_path, made)
    if case == "garbage":
        (folder / "ca.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
    with pytest.raises(InvalidInput, match=sentence) as caught:
        store.load_ca(folder)
    _no_library_words(str(caught.value))


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (h.bad_version_csr, "a CSR's is always 0"),
        (h.duplicate_extension_csr, "the basicConstraints extension appears twice"),
        (h.empty_attribute_csr, "an attribute has no value"),
        (h.sha1_csr, "SHA-1 signatures are refused"),
    ],
)
def test_ca_sign_refuses_hostile_csrs_in_words(tmp_path: Path, make: object, sentence: str) -> None:
    folder = _ca_folder(tmp_path, h.der(h.root()))
    with pytest.raises(InvalidInput, match=sentence) as caught:
        store.build_signed(store.load_ca(folder), h.pem_of(make(), "CERTIFICATE REQUEST"), NOW)  # type: ignore[operator]
    _no_library_words(str(caught.value))


def test_a_sha1_csr_is_shown_and_said_to_be_refused_not_altered() -> None:
    result = load_objects(h.pem_of(h.sha1_csr(), "CERTIFICATE REQUEST"))
    info = summarize(result.objects[0], NOW)
    assert info.subject == "CN=asker.example.net"  # type: ignore[union-attr]
    assert "SHA-1 signatures are refused" in info.sentence() and "NOT check" not in info.sentence()


# PKCS#12 passwords ------------------------------------------------------------------------------------


def test_a_pkcs12_without_password_opens_whatever_password_is_given() -> None:
    data = pkcs12.serialize_key_and_certificates(
        b"leaf", h.rsa_key("leaf"), h.leaf(), None, serialization.NoEncryption()
    )
    result = load_objects(data, "nopass.p12", b"secret")
    assert result.ok and result.objects[0].opened and "not needed" in result.objects[0].note


def test_an_empty_password_is_said_to_be_empty() -> None:
    data = pkcs12.serialize_key_and_certificates(
        b"leaf", h.rsa_key("leaf"), h.leaf(), None, serialization.BestAvailableEncryption(b"pw")
    )
    result = load_objects(data, "pass.p12", b"")
    assert any("empty" in p for p in result.problems), result.problems
    key = load_objects(sample_path("charlies-root-ca.key.pem").read_bytes(), "key.pem", b"")
    assert any("empty" in p for p in key.problems), key.problems


# TLS (traceback 5, 9) ---------------------------------------------------------------------------------


def test_a_peer_certificate_that_cannot_be_read_is_named() -> None:
    v7 = PeerCertificate.from_der(h.version7_cert())
    assert v7.subject == "(unreadable certificate)" and v7.pem.startswith(b"-----BEGIN CERTIFICATE-----")
    bad = PeerCertificate.from_der(h.bad_utf8_cn_cert())
    assert bad.subject == "(unreadable subject)" and bad.issuer == "CN=Hostile Root"


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (h.version7_cert, "its version field says v7"),
        (lambda: h.san_cert(h.X400), "x400Address"),
        (h.bad_utf8_cn_cert, "the subject's CN is not valid UTF-8"),
    ],
)
def test_tls_serve_cert_names_what_cannot_be_read(tmp_path: Path, make: object, sentence: str) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_bytes(h.pem_of(make()))  # type: ignore[operator]
    key.write_bytes(h.key_pem(h.rsa_key("leaf")))
    with pytest.raises(InvalidInput, match=sentence):
        load_server_context(ServerFiles(cert, key))

