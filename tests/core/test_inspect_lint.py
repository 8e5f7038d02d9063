"""Lint names the rule and who enforces it; the strict findings agree with real OpenSSL."""

from __future__ import annotations

import dataclasses
import ssl
from pathlib import Path

import pytest
from cryptography import x509

from tests.inspect_factory import NOW, der, ec_key, make_cert, pem, rsa_key
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.x509.dertree import parse_der, walk
from tlsexplorer.core.x509.lint import lint_certificate, strict_verdict
from tlsexplorer.core.x509.loader import load_objects
from tlsexplorer.core.x509.model import CertificateInfo
from tlsexplorer.core.x509.summary import certificate_info, summarize
from tlsexplorer.core.x509.sweep import read_paths, sweep
from tlsexplorer.samples import SAMPLES_DIR, sample_path


def info_of(file: str) -> CertificateInfo:
    cert = x509.load_pem_x509_certificate(sample_path(file).read_bytes())
    return certificate_info(cert, NOW)


def rules(info: CertificateInfo) -> dict[str, str]:
    return {f.rule: f.severity for f in info.lint}


def handshake(chain: Path, key: Path, *, strict: bool) -> None:
    """A TLS handshake in memory: the server sends ``chain``; the client trusts the sample root."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(chain, key)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(cafile=str(sample_path("charlies-root-ca.pem")))
    if strict:
        client.verify_flags |= ssl.VERIFY_X509_STRICT
    else:
        client.verify_flags &= ~ssl.VERIFY_X509_STRICT
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = client.wrap_bio(c_in, c_out, server_hostname="alice.example.net")
    s = server.wrap_bio(s_in, s_out, server_side=True)
    done_c = done_s = False
    for _ in range(20):
        for side, name in ((c, "c"), (s, "s")):
            try:
                side.do_handshake()
                if name == "c":
                    done_c = True
                else:
                    done_s = True
            except ssl.SSLWantReadError:
                pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if done_c and done_s:
            return
    raise AssertionError("handshake did not finish")


def test_course_certificate_says_why_strict_python_rejects_it() -> None:
    info = info_of("alice-course-style.pem")
    found = {f.rule: f for f in info.lint}
    assert found["missing-aki"].severity == "error" and found["missing-aki"].strict
    assert "VERIFY_X509_STRICT" in found["missing-aki"].enforced_by
    assert "Missing Authority Key Identifier" in found["missing-aki"].message
    verdict = strict_verdict(info.lint)
    assert verdict is not None and "VERIFY_X509_STRICT" in verdict
    assert rules(info)["long-validity"] == "info"


def test_strict_findings_agree_with_openssl() -> None:
    """Cross-check with the real thing: Python's ssl (OpenSSL) with and without X509_STRICT."""
    course, key = sample_path("alice-course-style.pem"), sample_path("alice.example.net.key.pem")
    handshake(course, key, strict=False)
    with pytest.raises(ssl.SSLCertVerificationError, match="Missing Authority Key Identifier"):
        handshake(course, key, strict=True)
    good = sample_path("alice.example.net.fullchain.pem")
    handshake(good, key, strict=True)
    for obj in load_objects(good.read_bytes()).objects:
        assert strict_verdict(summarize(obj, NOW).lint) is None  # type: ignore[union-attr]
    assert strict_verdict(info_of("charlies-root-ca.pem").lint) is None


def test_ca_rules() -> None:
    key = ec_key()
    no_certsign = certificate_info(
        make_cert("CA", ca=True, key_usage={"crl_sign": True}, aki=False, key=key), NOW
    )
    assert rules(no_certsign)["ca-without-keycertsign"] == "error"
    not_critical = certificate_info(
        make_cert("CA", ca=True, ca_critical=False, key_usage={"key_cert_sign": True}, aki=False), NOW
    )
    assert "basic-constraints-not-critical" in rules(not_critical)
    no_ski = certificate_info(
        make_cert("CA", ca=True, key_usage={"key_cert_sign": True}, ski=False, aki=False), NOW
    )
    assert "missing-ski" in rules(no_ski)
    no_ku = certificate_info(make_cert("CA", ca=True, aki=False), NOW)
    assert "ca-missing-key-usage" in rules(no_ku)
    good = certificate_info(make_cert("CA", ca=True, key_usage={"key_cert_sign": True}, aki=False), NOW)
    assert strict_verdict(good.lint) is None


def test_leaf_rules() -> None:
    no_san = certificate_info(make_cert("leaf.example.net", issuer="CA"), NOW)
    assert rules(no_san)["no-san"] == "error"
    long_server = certificate_info(make_cert("a", issuer="CA", san=["a"], days=500), NOW)
    assert rules(long_server)["long-validity"] == "info"
    short = certificate_info(make_cert("a", issuer="CA", san=["a"], days=90), NOW)
    assert "long-validity" not in rules(short)
    small = certificate_info(make_cert("a", issuer="CA", san=["a"], key=rsa_key(1024), signer=ec_key()), NOW)
    assert rules(small)["small-rsa-key"] == "error"
    expired = certificate_info(
        make_cert("a", issuer="CA", san=["a"], days=1, not_before=NOW.replace(year=2020)), NOW
    )
    assert rules(expired)["expired"] == "warning"
    # The library refuses to build a serial over 20 octets; lint the summary with one.
    huge = dataclasses.replace(short, serial=1 << 170)
    assert {f.rule: f.severity for f in lint_certificate(huge)}["serial-too-long"] == "warning"


def test_sha1_signature_is_flagged() -> None:
    # Swap the signature algorithm OID for sha1WithRSA (same length); the signature no longer
    # checks, which lint does not look at.
    cert = make_cert("a", issuer="CA", san=["a"], key=rsa_key(), signer=rsa_key())
    data = der(cert).replace(bytes.fromhex("06092a864886f70d01010b"), bytes.fromhex("06092a864886f70d010105"))
    obj = load_objects(data).objects[0]
    info = summarize(obj, NOW)
    assert isinstance(info, CertificateInfo)
    assert info.signature_hash == "sha1"
    assert rules(info)["weak-signature-hash"] == "error"
    # On a self-signed root the same hash is harmless: clients do not check an anchor's signature.
    root = make_cert("Root", ca=True, key_usage={"key_cert_sign": True}, aki=False, key=rsa_key())
    data = der(root).replace(bytes.fromhex("06092a864886f70d01010b"), bytes.fromhex("06092a864886f70d010105"))
    root_info = summarize(load_objects(data).objects[0], NOW)
    assert isinstance(root_info, CertificateInfo) and rules(root_info)["weak-signature-hash"] == "info"


def test_der_tree_offsets_cover_the_bytes() -> None:
    cert = make_cert("a", issuer="CA", san=["a"], serial=0x0BADCAFE)
    data = der(cert)
    root = parse_der(data)
    assert root.end == len(data)
    for node in walk(root):
        assert 0 <= node.offset < node.end <= len(data)
        for child in node.children:
            assert (
                node.value_offset - (1 if node.encapsulates and node.name == "BIT STRING" else 0)
                <= child.offset
            )
            assert child.end <= node.end
    tbs = root.children[0]
    serial = tbs.children[1]
    assert serial.name == "INTEGER"
    value = data[serial.value_offset : serial.end]
    assert int.from_bytes(value, "big") == cert.serial_number
    assert data[tbs.offset : tbs.end] == cert.tbs_certificate_bytes
    oids = [n.summary for n in walk(root) if n.name == "OBJECT IDENTIFIER"]
    assert any("subjectAltName" in s for s in oids)
    with pytest.raises(InvalidInput, match="byte"):
        parse_der(data[:-5])


def test_sweep_of_the_samples() -> None:
    report = sweep(read_paths([SAMPLES_DIR]), NOW)
    by_key = {m.key.path.rsplit("/", 1)[-1]: {Path(r.path).name for r in m.matches} for m in report.keys}
    assert by_key["alice.example.net.key.pem"] >= {"alice.example.net.pem", "alice-course-style.pem"}
    assert by_key["bob.example.net.key.pem"] == {"bob.example.net.csr.pem"}
    assert by_key["expired.key.pem"] == {"expired.pem"}
    kinds = {f.kind for f in report.flags}
    assert {"expired", "duplicate"} <= kinds
    chains = [[Path(r.path).name for r in c.members] for c in report.chains]
    assert ["alice-course-style.pem", "charlies-root-ca.pem"] in chains
    assert any(
        c[0] in ("alice.example.net.pem", "alice.example.net.fullchain.pem") and len(c) == 3 for c in chains
    )
    assert all(c.complete for c in report.chains)
    classes = dict(report.files)
    assert classes[str(SAMPLES_DIR / "manifest.json")].startswith("not crypto")


def test_sweep_flags_orphans_and_missing_issuers(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = rsa_key()
    (tmp_path / "lonely.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    leaf = make_cert("x.example.net", issuer="Somebody Else", san=["x.example.net"])
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    report = sweep(read_paths([tmp_path]), NOW)
    kinds = [f.kind for f in report.flags]
    assert "orphan" in kinds and "issuer-missing" in kinds
    assert not report.chains[0].complete


def test_sweep_reads_a_symlinked_file_once_and_links_sha1_roots(tmp_path: Path) -> None:
    from tlsexplorer.core.x509.sweep import collect_files

    (tmp_path / "a.pem").write_bytes(sample_path("charlies-root-ca.pem").read_bytes())
    (tmp_path / "1a2b3c4d.0").symlink_to(tmp_path / "a.pem")
    files, _notes = collect_files([tmp_path])
    assert len(files) == 1
    # A root self-signed with SHA-1 still counts as self-signed (the library's own check refuses
    # SHA-1, the sweep verifies it by hand), so its chain is complete.
    from tlsexplorer.core.hazmat.sha1_certificate import resign_with_sha1

    key = rsa_key()
    root = resign_with_sha1(
        make_cert("Old Root", ca=True, key_usage={"key_cert_sign": True}, aki=False, key=key), key
    )
    assert root.signature_hash_algorithm is not None and root.signature_hash_algorithm.name == "sha1"
    (tmp_path / "a.pem").write_bytes(pem(root))
    report = sweep(read_paths([tmp_path]), NOW)
    assert [c.complete for c in report.chains] == [True]


def test_aki_without_key_identifier_is_what_strict_openssl_rejects(tmp_path: Path) -> None:
    """An AKI with only the issuer's name and serial: OpenSSL's X509_STRICT wants the key id."""
    import datetime as dt

    from cryptography.hazmat.primitives import hashes, serialization

    root = x509.load_pem_x509_certificate(sample_path("charlies-root-ca.pem").read_bytes())
    root_key = serialization.load_pem_private_key(
        sample_path("charlies-root-ca.key.pem").read_bytes(), b"secret_password"
    )
    leaf_key = serialization.load_pem_private_key(sample_path("alice.example.net.key.pem").read_bytes(), None)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string("CN=alice.example.net"))
        .issuer_name(root.subject)
        .public_key(leaf_key.public_key())  # type: ignore[arg-type]
        .serial_number(0x5EED)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("alice.example.net")]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier(None, [x509.DirectoryName(root.subject)], root.serial_number),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    chain = tmp_path / "leaf.pem"
    chain.write_bytes(pem(cert))
    handshake(chain, sample_path("alice.example.net.key.pem"), strict=False)
    with pytest.raises(ssl.SSLCertVerificationError, match="Missing Authority Key Identifier"):
        handshake(chain, sample_path("alice.example.net.key.pem"), strict=True)
    info = certificate_info(cert, NOW)
    found = {f.rule: f for f in info.lint}
    assert found["aki-without-key-id"].strict and "missing-aki" not in found
    assert strict_verdict(info.lint) is not None
