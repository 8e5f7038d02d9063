"""The CA workbench core: extensions of every role, the break-it lab, CSR signing, safe files."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, SignatureAlgorithmOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from tlsexplorer.core.ca import build as ca, store as ca_store
from tlsexplorer.core.errors import FileAccessError, InvalidInput, PasswordRequired, UsageError, WrongPassword
from tlsexplorer.core.hazmat import sha1_certificate

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def root_dir(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    folder = tmp_path / "root"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Test Root", o="Tests"), NOW, rsa_key))
    return folder


@pytest.fixture
def root(root_dir: Path) -> ca_store.LoadedCa:
    return ca_store.load_ca(root_dir)


def ext(cert: x509.Certificate, kind: type) -> x509.Extension[x509.ExtensionType]:
    return cert.extensions.get_extension_for_class(kind)


def issue(issuer: ca_store.LoadedCa, name: str = "localhost", **fields: object) -> ca_store.Product:
    request = ca_store.LeafRequest(name, **fields)  # type: ignore[arg-type]
    return ca_store.build_leaf(issuer, request, NOW, ec.generate_private_key(ec.SECP256R1()))


def verifier(root_cert: x509.Certificate, host: str) -> object:
    return PolicyBuilder().store(Store([root_cert])).time(NOW).build_server_verifier(x509.DNSName(host))


# Every extension of every role ------------------------------------------------------------


def test_root_has_what_strict_clients_want(root: ca_store.LoadedCa) -> None:
    cert = root.certificate
    bc = ext(cert, x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length is None
    ku = ext(cert, x509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    ski = ext(cert, x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
    with pytest.raises(x509.ExtensionNotFound):
        ext(cert, x509.AuthorityKeyIdentifier)
    with pytest.raises(x509.ExtensionNotFound):
        ext(cert, x509.ExtendedKeyUsage)
    assert cert.subject == cert.issuer
    assert cert.signature_hash_algorithm is not None and cert.signature_hash_algorithm.name == "sha256"
    assert 0 < cert.serial_number < 2**160
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=3650)
    assert root.chain == (cert,)


def test_intermediate_path_length_constraints_and_chain(tmp_path: Path, root: ca_store.LoadedCa) -> None:
    request = ca_store.CaRequest(cn="Issuing", path_length=0, permit_dns=("example.net",),
                                 permit_ip=("127.0.0.0/8",), exclude_dns=("bad.example.net",))
    product = ca_store.build_intermediate(root, tmp_path / "inter", request, NOW,
                                          ec.generate_private_key(ec.SECP256R1()))
    ca_store.save(product)
    inter = ca_store.load_ca(tmp_path / "inter")
    cert = inter.certificate
    assert ext(cert, x509.BasicConstraints).value.path_length == 0
    nc = ext(cert, x509.NameConstraints)
    assert nc.critical
    assert x509.DNSName("example.net") in nc.value.permitted_subtrees
    assert x509.DNSName("bad.example.net") in nc.value.excluded_subtrees
    aki = ext(cert, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ext(root.certificate, x509.SubjectKeyIdentifier).value.digest
    assert inter.chain == (cert, root.certificate)
    # path length 0: it may sign leaves, not another CA
    with pytest.raises(UsageError, match="path length 0"):
        ca_store.build_intermediate(inter, tmp_path / "deeper", ca_store.CaRequest(cn="x"), NOW)


def test_intermediate_made_after_its_root_ends_with_it_unless_told_otherwise(
    tmp_path: Path, root: ca_store.LoadedCa
) -> None:
    later = NOW + dt.timedelta(minutes=5)  # made a few minutes after the root, with the defaults
    product = ca_store.build_intermediate(root, tmp_path / "inter", ca_store.CaRequest(cn="I"), later)
    assert product.certificate.not_valid_after_utc == root.certificate.not_valid_after_utc
    assert not any("outlives" in note for note in product.notes)
    # Asked for explicitly, a longer validity is kept and the person is told why it buys nothing.
    request = ca_store.CaRequest(cn="I", days=3650)
    longer = ca_store.build_intermediate(root, tmp_path / "long", request, later)
    assert longer.certificate.not_valid_after_utc > root.certificate.not_valid_after_utc
    assert any("outlives its parent" in note for note in longer.notes)


@pytest.mark.parametrize(("client", "eku"), [(False, ExtendedKeyUsageOID.SERVER_AUTH),
                                             (True, ExtendedKeyUsageOID.CLIENT_AUTH)])
def test_leaf_extensions(root: ca_store.LoadedCa, client: bool, eku: x509.ObjectIdentifier) -> None:
    name = "bob@example.net" if client else "localhost"
    product = issue(root, name, sans=("127.0.0.1", "*.example.net"), client=client)
    cert = product.certificate
    assert cert is not None
    bc = ext(cert, x509.BasicConstraints)
    assert bc.critical and not bc.value.ca
    ku = ext(cert, x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_cert_sign
    assert list(ext(cert, x509.ExtendedKeyUsage).value) == [eku]
    sans = ext(cert, x509.SubjectAlternativeName).value
    first = x509.RFC822Name(name) if client else x509.DNSName(name)
    assert next(iter(sans)) == first  # the CN is also in the SAN
    assert x509.DNSName("*.example.net") in sans
    assert ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier == \
        ext(root.certificate, x509.SubjectKeyIdentifier).value.digest
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=397)
    assert cert.serial_number.bit_length() <= 159


def test_rsa_leaf_keeps_key_encipherment(root: ca_store.LoadedCa, rsa_key: rsa.RSAPrivateKey) -> None:
    product = ca_store.build_leaf(root, ca_store.LeafRequest("rsa.test", key_type="rsa2048"), NOW, rsa_key)
    assert product.certificate is not None
    assert ext(product.certificate, x509.KeyUsage).value.key_encipherment


def test_ed25519_ca_signs_without_hash(tmp_path: Path) -> None:
    product = ca_store.build_root(tmp_path / "ed", ca_store.CaRequest(cn="Ed", key_type="ed25519"), NOW)
    ca_store.save(product)
    loaded = ca_store.load_ca(tmp_path / "ed")
    leaf = issue(loaded).certificate
    assert leaf is not None and leaf.signature_hash_algorithm is None
    assert leaf.signature_algorithm_oid == SignatureAlgorithmOID.ED25519


def test_issued_paths_and_sanitised_names(tmp_path: Path) -> None:
    paths = ca_store.issued_paths(tmp_path, "*.example.net")
    assert paths.certificate == tmp_path / "issued" / "wildcard.example.net.pem"
    assert paths.key.name == "wildcard.example.net.key.pem"
    assert paths.fullchain.name == "wildcard.example.net.fullchain.pem"
    assert paths.p12.name == "wildcard.example.net.p12"
    assert ca_store.sanitize_name("../../etc/passwd") == "_.._etc_passwd"
    assert "/" not in ca_store.sanitize_name("a/b")
    with pytest.raises(UsageError):
        ca_store.sanitize_name("..")


def test_validity_options(root: ca_store.LoadedCa) -> None:
    start = dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc)
    cert = issue(root, not_before=start, not_after=end).certificate
    assert cert is not None
    assert (cert.not_valid_before_utc, cert.not_valid_after_utc) == (start, end)
    assert issue(root, days=30).certificate.not_valid_after_utc == NOW + dt.timedelta(days=30)  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="not both"):
        issue(root, days=3, not_after=end)
    with pytest.raises(UsageError):
        issue(root, days=0)
    with pytest.raises(UsageError, match="before it starts"):
        issue(root, not_before=end, not_after=start)


def test_bad_san_is_a_usage_error(root: ca_store.LoadedCa) -> None:
    with pytest.raises(UsageError, match="not a DNS name"):
        issue(root, sans=("has space",))


@pytest.mark.parametrize("value", ["300.1.1.1", "127.0.0.256", "10.1"])
def test_a_broken_ip_address_is_not_taken_for_a_dns_name(value: str) -> None:
    with pytest.raises(UsageError, match="looks like an IP address"):
        ca.parse_san(value)


# The break-it lab --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ca.FLAWS))
def test_every_flaw_is_labelled_and_refused_by_the_verifier(root: ca_store.LoadedCa, kind: str) -> None:
    product = issue(root, "flawed.test", sans=("127.0.0.1",), flaw=kind)
    assert product.flaw is not None and product.flaw.kind == kind
    assert product.notes[0].startswith(product.flaw.label)
    assert product.certificate is not None
    leaf, chain = product.certificate, list(product.intermediates)
    host = "flawed.test"
    if kind == "wrong-eku":
        assert list(ext(leaf, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    with pytest.raises(VerificationError):
        verifier(root.certificate, host).verify(leaf, chain)  # type: ignore[attr-defined]


def test_good_leaf_passes_the_same_verifier(root: ca_store.LoadedCa) -> None:
    product = issue(root, "good.test")
    assert product.certificate is not None
    verifier(root.certificate, "good.test").verify(product.certificate, [])  # type: ignore[attr-defined]


def test_flaw_fields(root: ca_store.LoadedCa) -> None:
    expired = issue(root, flaw="expired").certificate
    assert expired is not None and expired.not_valid_after_utc < NOW
    later = issue(root, flaw="not-yet-valid").certificate
    assert later is not None and later.not_valid_before_utc > NOW
    cn_only = issue(root, flaw="cn-only").certificate
    assert cn_only is not None
    with pytest.raises(x509.ExtensionNotFound):
        ext(cn_only, x509.SubjectAlternativeName)
    no_ku = issue(root, flaw="no-key-usage")
    assert no_ku.certificate is not None
    with pytest.raises(x509.ExtensionNotFound):
        ext(no_ku.certificate, x509.KeyUsage)
    with pytest.raises(x509.ExtensionNotFound):
        ext(no_ku.issuer_chain[0], x509.KeyUsage)  # the lab CA above it lacks it too
    path = issue(root, flaw="path-length")
    assert len(path.intermediates) == 2
    assert ext(path.intermediates[1], x509.BasicConstraints).value.path_length == 0
    nc = issue(root, "nc.test", sans=("10.1.2.3",), flaw="name-constraints")
    excluded = ext(nc.intermediates[0], x509.NameConstraints).value.excluded_subtrees
    assert x509.DNSName("nc.test") in excluded


def test_sha1_flaw_is_really_sha1_and_verifies_by_hand(root: ca_store.LoadedCa) -> None:
    product = issue(root, flaw="sha1")
    cert = product.certificate
    assert cert is not None
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA1)
    assert cert.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA1
    # cross-check with the library: the issuer's key verifies the signature over the TBS with SHA-1
    public = root.certificate.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA1())
    assert cert.verify_directly_issued_by is not None
    # every other field is what the SHA-256 version would have
    expected = x509.SubjectAlternativeName([x509.DNSName("localhost")])
    assert ext(cert, x509.SubjectAlternativeName).value == expected


def test_sha1_flaw_works_with_a_ca_of_the_default_key_type(tmp_path: Path) -> None:
    # SHA-1 signatures are RSA's here: a CA with an EC key (the default) vouches for a lab CA
    # with an RSA key, which signs the leaf with SHA-1. It used to say "use --key-type rsa2048".
    ca_store.save(ca_store.build_root(tmp_path / "ec", ca_store.CaRequest(cn="EC"), NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    root = ca_store.load_ca(tmp_path / "ec")
    product = issue(root, flaw="sha1")
    cert = product.certificate
    assert cert is not None and cert.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA1
    (lab,) = product.intermediates
    assert "break-it lab" in lab.subject.rfc4514_string()
    lab_public = lab.public_key()
    assert isinstance(lab_public, rsa.RSAPublicKey)
    lab_public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA1())
    lab.verify_directly_issued_by(root.certificate)


def test_swap_signature_algorithm_is_structural() -> None:
    algorithm = b"\x30\x0d" + sha1_certificate.SHA256_WITH_RSA_OID_DER + b"\x05\x00"
    tbs = bytes.fromhex("3016a003020102020101") + algorithm
    tbs = b"\x30" + bytes([len(tbs) - 2]) + tbs[2:]
    swapped = sha1_certificate.swap_signature_algorithm(tbs)
    assert sha1_certificate.SHA1_WITH_RSA_OID_DER in swapped and len(swapped) == len(tbs)
    with pytest.raises(InvalidInput):
        sha1_certificate.swap_signature_algorithm(swapped)


def test_unknown_flaw() -> None:
    with pytest.raises(UsageError, match="unknown flaw"):
        ca.flaw("rotten")


# CSR signing --------------------------------------------------------------------------------


def test_csr_then_sign_reports_kept_and_added(tmp_path: Path, root: ca_store.LoadedCa) -> None:
    csr_product = ca_store.build_csr(tmp_path / "req", "www.example.net", ("example.net",), o="Shop")
    ca_store.save(csr_product)
    csr_path, key_path = ca_store.csr_paths(tmp_path / "req", "www.example.net")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    csr = x509.load_pem_x509_csr(csr_path.read_bytes())
    assert csr.is_signature_valid
    signed = ca_store.build_signed(root, csr_path.read_bytes(), NOW)
    cert = signed.certificate
    assert cert is not None
    assert cert.subject == csr.subject and cert.public_key() == csr.public_key()
    status = {c.field: c.status for c in signed.changes}
    assert status["subject"] == "kept"
    assert status["subjectAltName"] == "kept"
    assert status["basicConstraints"] == "added"
    assert status["keyUsage"] == "added"
    assert status["authorityKeyIdentifier"] == "added"
    assert [f.kind for f in signed.files] == ["certificate", "fullchain"]


def test_sign_drops_a_requested_ca_flag_and_adds_cn_to_san(root: ca_store.LoadedCa) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sneaky.test")]))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("other.test")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    signed = ca_store.build_signed(root, csr.public_bytes(serialization.Encoding.PEM), NOW)
    assert signed.certificate is not None
    assert not ext(signed.certificate, x509.BasicConstraints).value.ca
    changes = {c.field: c for c in signed.changes}
    assert changes["basicConstraints"].status == "changed"
    assert changes["subjectAltName"].status == "changed"
    assert "DNS:sneaky.test" in changes["subjectAltName"].issued


def test_sign_refuses_garbage_and_tampered_csr(root: ca_store.LoadedCa) -> None:
    with pytest.raises(InvalidInput):
        ca_store.build_signed(root, b"hello", NOW)
    key = ec.generate_private_key(ec.SECP256R1())
    csr = ca.create_csr(ca.build_name("t.test"), key, [x509.DNSName("t.test")])
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    index = der.find(b"t.test")
    der[index] = ord("x")
    with pytest.raises(InvalidInput, match="signature"):
        ca_store.build_signed(root, bytes(der), NOW)


# Files --------------------------------------------------------------------------------------


def test_layout_modes_and_fullchain(tmp_path: Path, root: ca_store.LoadedCa) -> None:
    inter_dir = tmp_path / "inter"
    ca_store.save(ca_store.build_intermediate(root, inter_dir, ca_store.CaRequest(cn="I"), NOW,
                                              ec.generate_private_key(ec.SECP256R1())))
    inter = ca_store.load_ca(inter_dir)
    written = ca_store.save(issue(inter, "localhost", p12=True, p12_password=b"bundle"))
    paths = ca_store.issued_paths(inter_dir, "localhost")
    assert [w.path for w in written] == [paths.certificate.resolve(), paths.key.resolve(),
                                        paths.fullchain.resolve(), paths.p12.resolve()]
    assert all(w.path.is_absolute() for w in written)
    assert stat.S_IMODE(paths.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.p12.stat().st_mode) == 0o600
    assert stat.S_IMODE((inter_dir / "ca.key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.certificate.stat().st_mode) == 0o644
    chain = x509.load_pem_x509_certificates((inter_dir / "chain.pem").read_bytes())
    assert chain == [inter.certificate, root.certificate]
    full = x509.load_pem_x509_certificates(paths.fullchain.read_bytes())
    assert full[1:] == [inter.certificate]  # the root is left out
    key, cert, extra = pkcs12.load_key_and_certificates(paths.p12.read_bytes(), b"bundle")
    assert cert == full[0] and extra == [inter.certificate] and key is not None


def test_nothing_is_overwritten_without_force(root_dir: Path, root: ca_store.LoadedCa) -> None:
    ca_store.save(issue(root))
    before = ca_store.issued_paths(root_dir, "localhost").certificate.read_bytes()
    with pytest.raises(FileAccessError, match="already exist"):
        ca_store.save(issue(root))
    assert ca_store.issued_paths(root_dir, "localhost").certificate.read_bytes() == before
    product = issue(root)
    assert len(product.existing()) == 3
    ca_store.save(product, force=True)
    assert ca_store.issued_paths(root_dir, "localhost").certificate.read_bytes() != before
    with pytest.raises(FileAccessError):
        ca_store.save(ca_store.build_root(root_dir, ca_store.CaRequest(cn="again"), NOW))


def test_a_failure_half_way_leaves_no_partial_files(
    root_dir: Path, root: ca_store.LoadedCa, monkeypatch: pytest.MonkeyPatch
) -> None:
    product = issue(root, "half.test")
    paths = ca_store.issued_paths(root_dir, "half.test")
    paths.fullchain.mkdir(parents=True)  # a folder where the third file goes
    with pytest.raises(FileAccessError, match="folder"):
        ca_store.save(product, force=True)
    assert not paths.certificate.exists() and not paths.key.exists()
    paths.fullchain.rmdir()
    real_replace = os.replace

    def fail_third(src: str, dst: str) -> None:
        if str(dst).endswith("fullchain.pem"):
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_third)
    with pytest.raises(FileAccessError):
        ca_store.save(product)
    assert not paths.certificate.exists() and not paths.key.exists()
    leftovers = [p for p in paths.certificate.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_encrypted_keys_load_back_with_the_passphrase(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    folder = tmp_path / "enc"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="E", password=b"pw"), NOW, rsa_key))
    assert ca_store.ca_key_is_encrypted(folder)
    with pytest.raises(PasswordRequired):
        ca_store.load_ca(folder)
    with pytest.raises(WrongPassword):
        ca_store.load_ca(folder, b"nope")
    loaded = ca_store.load_ca(folder, b"pw")
    assert loaded.key.public_key() == rsa_key.public_key()
    ca_store.save(issue(loaded, "k.test", password=b"leafpw"))
    key_pem = ca_store.issued_paths(folder, "k.test").key.read_bytes()
    assert b"ENCRYPTED" in key_pem
    assert serialization.load_pem_private_key(key_pem, b"leafpw") is not None
    with pytest.raises(UsageError, match="empty"):
        issue(loaded, "e.test", password=b"")


def test_p12_needs_a_password(root: ca_store.LoadedCa) -> None:
    with pytest.raises(UsageError, match="PKCS#12"):
        issue(root, p12=True)


def test_load_ca_refuses_non_ca_and_mismatched_key(
    tmp_path: Path, root_dir: Path, root: ca_store.LoadedCa
) -> None:
    ca_store.save(issue(root, "leaf.test"))
    paths = ca_store.issued_paths(root_dir, "leaf.test")
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "ca.pem").write_bytes(paths.certificate.read_bytes())
    (fake / "ca.key.pem").write_bytes(paths.key.read_bytes())
    with pytest.raises(InvalidInput, match="not a CA"):
        ca_store.load_ca(fake)
    (fake / "ca.pem").write_bytes((root_dir / "ca.pem").read_bytes())
    with pytest.raises(InvalidInput, match="is not the key"):
        ca_store.load_ca(fake)
    with pytest.raises(UsageError, match="not a CA folder"):
        ca_store.load_ca(tmp_path / "missing")


def test_private_files_are_0600_even_with_a_loose_umask(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    old = os.umask(0)
    try:
        ca_store.save(ca_store.build_root(tmp_path / "u", ca_store.CaRequest(cn="U"), NOW, rsa_key))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "u" / "ca.key.pem").stat().st_mode) == 0o600


def _issue_at_the_barrier(folder: str, barrier: Any, results: Any) -> None:
    """One of ten processes: build a leaf, wait for the others, then save it."""
    issuer = ca_store.load_ca(folder)
    product = ca_store.build_leaf(issuer, ca_store.LeafRequest("race.test"), NOW)
    barrier.wait(120)
    try:
        ca_store.save(product)
    except FileAccessError as exc:
        results.put(("refused", str(exc)))
    else:
        assert product.certificate is not None
        results.put(("written", product.certificate.fingerprint(hashes.SHA256()).hex()))


def test_ten_processes_issuing_one_name_at_once_write_it_once(root_dir: Path) -> None:
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    barrier, results = context.Barrier(10), context.Queue()
    workers = [context.Process(target=_issue_at_the_barrier, args=(str(root_dir), barrier, results))
               for _ in range(10)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    written = [detail for kind, detail in outcomes if kind == "written"]
    refused = [detail for kind, detail in outcomes if kind == "refused"]
    assert len(written) == 1 and len(refused) == 9
    assert all("already exist" in message for message in refused)
    paths = ca_store.issued_paths(root_dir, "race.test")
    cert = x509.load_pem_x509_certificate(paths.certificate.read_bytes())
    assert cert.fingerprint(hashes.SHA256()).hex() == written[0]
    key = serialization.load_pem_private_key(paths.key.read_bytes(), None)
    assert key.public_key() == cert.public_key()
    assert x509.load_pem_x509_certificates(paths.fullchain.read_bytes())[0] == cert
    assert sorted(p.name for p in paths.certificate.parent.iterdir()) == sorted(
        p.name for p in (paths.certificate, paths.key, paths.fullchain))
    assert not [p for p in root_dir.iterdir() if p.name.startswith(".")]
