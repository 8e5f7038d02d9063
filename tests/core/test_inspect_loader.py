"""The loader reads every kind of object by content, and reports what it cannot read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from tests.inspect_factory import NOW, ec_key, make_cert, name, pem, rsa_key, with_serial_bytes
from tlsexplorer.core.files import MAX_INPUT_BYTES, human_size
from tlsexplorer.core.x509.loader import load_certificates, load_objects
from tlsexplorer.core.x509.summary import certificate_info, summarize
from tlsexplorer.core.x509.sweep import read_path
from tlsexplorer.samples import manifest, sample, sample_path

ENC = serialization.Encoding
PRIV = serialization.PrivateFormat
PUB = serialization.PublicFormat


def kinds(data: bytes, password: bytes | None = None) -> list[str]:
    return [o.kind for _d, o in load_objects(data, "t", password).flat()]


def test_every_sample_is_read_as_its_manifest_says() -> None:
    for item in manifest():
        result = load_objects(item.path.read_bytes(), item.file)
        assert result.ok, (item.file, result.problems)
        expected = "certificate" if item.kind == "bundle" else item.kind
        assert {o.kind for o in result.objects} == {expected}, item.file
        if item.password:
            obj = result.objects[0]
            assert obj.encrypted and obj.value is None and "passphrase" in obj.note
            opened = load_objects(item.path.read_bytes(), item.file, item.password.encode())
            assert opened.ok and opened.objects[0].value is not None


def test_messy_pem_any_order_crlf_text_and_garbage() -> None:
    key = ec_key()
    cert = make_cert()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(name("csr.example.net"))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(ENC.PEM, PRIV.PKCS8, serialization.NoEncryption())
    crl = sample_path("charlies-intermediate-ca.crl.pem").read_bytes()
    text = (
        b"\x00\x01garbage\nsubject=CN=whatever\n"
        + key_pem
        + b"Bag Attributes: here\n"
        + csr.public_bytes(ENC.PEM)
        + crl
        + pem(cert)
    ).replace(b"\n", b"\r\n")
    result = load_objects(text, "messy")
    assert result.ok, result.problems
    assert [o.kind for o in result.objects] == ["private_key", "certificate_request", "crl", "certificate"]
    assert result.objects[3].value == cert
    assert result.objects[0].value.private_numbers() == key.private_numbers()


def test_a_damaged_block_names_its_line_and_the_rest_is_read() -> None:
    good = pem(make_cert("a.example.net"), make_cert("b.example.net"))
    first, second = good.split(b"-----END CERTIFICATE-----\n")[:2]
    damaged = first + b"-----END CERTIFICATE-----\n" + b"-----BEGIN CERTIFICATE-----\nnot*base64!\n"
    damaged += b"-----END CERTIFICATE-----\n" + second + b"-----END CERTIFICATE-----\n"
    result = load_objects(damaged, "d")
    line = damaged[: damaged.index(b"not*base64")].count(b"\n")
    assert len(result.objects) == 2
    assert result.problems == (f"line {line}: the CERTIFICATE block's base64 is damaged",)
    # A block cut short (no END line) is named too.
    cut = good[: len(good) // 2 + 40]
    result = load_objects(cut, "cut")
    assert len(result.objects) == 1
    assert any("no matching END" in p for p in result.problems)


def test_a_block_whose_der_is_wrong_is_a_problem_with_the_reason() -> None:
    text = b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n" + pem(make_cert())
    result = load_objects(text, "x")
    assert [o.kind for o in result.objects] == ["certificate"]
    assert result.problems and result.problems[0].startswith("line 1: the CERTIFICATE block is unreadable")


def test_der_of_every_kind() -> None:
    key = ec_key()
    cert = make_cert()
    csr = x509.CertificateSigningRequestBuilder().subject_name(name("c")).sign(key, hashes.SHA256())
    crl = x509.load_pem_x509_crl(sample_path("charlies-intermediate-ca.crl.pem").read_bytes())
    cases = {
        "certificate": cert.public_bytes(ENC.DER),
        "certificate_request": csr.public_bytes(ENC.DER),
        "crl": crl.public_bytes(ENC.DER),
        "pkcs7": pkcs7.serialize_certificates([cert], ENC.DER),
        "private_key": key.private_bytes(ENC.DER, PRIV.PKCS8, serialization.NoEncryption()),
        "public_key": key.public_key().public_bytes(ENC.DER, PUB.SubjectPublicKeyInfo),
    }
    for kind, data in cases.items():
        result = load_objects(data, kind)
        assert result.ok, (kind, result.problems)
        assert result.objects[0].kind == kind
    p7 = load_objects(cases["pkcs7"]).objects[0]
    assert [c.value for c in p7.children] == [cert]
    enc = key.private_bytes(ENC.DER, PRIV.PKCS8, serialization.BestAvailableEncryption(b"pw"))
    locked = load_objects(enc).objects[0]
    assert locked.kind == "private_key" and locked.encrypted and locked.value is None
    opened = load_objects(enc, password=b"pw").objects[0]
    assert opened.value.private_numbers() == key.private_numbers()


def test_private_and_public_key_formats_cross_checked_with_the_library() -> None:
    rsa_k, ec_k = rsa_key(), ec_key()
    cases = [
        (
            rsa_k.private_bytes(ENC.PEM, PRIV.TraditionalOpenSSL, serialization.NoEncryption()),
            "PKCS#1",
            rsa_k,
        ),
        (ec_k.private_bytes(ENC.PEM, PRIV.TraditionalOpenSSL, serialization.NoEncryption()), "SEC1", ec_k),
        (ec_k.private_bytes(ENC.PEM, PRIV.OpenSSH, serialization.NoEncryption()), "OpenSSH", ec_k),
    ]
    for data, fmt, key in cases:
        obj = load_objects(data).objects[0]
        assert (obj.kind, obj.format, obj.encrypted) == ("private_key", fmt, False)
        assert obj.value.private_numbers() == key.private_numbers()
    public = [
        (rsa_k.public_key().public_bytes(ENC.PEM, PUB.PKCS1), "PKCS#1"),
        (rsa_k.public_key().public_bytes(ENC.PEM, PUB.SubjectPublicKeyInfo), "SPKI"),
        (ec_k.public_key().public_bytes(ENC.OpenSSH, PUB.OpenSSH) + b" me@host\n", "OpenSSH"),
    ]
    for data, fmt in public:
        obj = load_objects(data).objects[0]
        assert (obj.kind, obj.format) == ("public_key", fmt)
    ssh = load_objects(public[2][0]).objects[0]
    assert ssh.name == "me@host" and ssh.value == ec_k.public_key()


def test_encrypted_openssh_key_made_by_ssh_keygen_opens_with_its_passphrase(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    path = tmp_path / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "hunter2", "-C", "alice@laptop", "-f", str(path)],
        check=True,
    )
    data = path.read_bytes()
    locked = load_objects(data, "id_ed25519")
    assert locked.ok and locked.objects[0].encrypted and locked.objects[0].value is None
    opened = load_objects(data, "id_ed25519", b"hunter2")
    assert opened.ok, opened.problems
    key = opened.objects[0].value
    # ssh-keygen derives the public key from the same file: they must agree.
    public = subprocess.run(
        ["ssh-keygen", "-y", "-P", "hunter2", "-f", str(path)], check=True, capture_output=True
    ).stdout.split()[:2]
    assert key.public_key().public_bytes(ENC.OpenSSH, PUB.OpenSSH).split() == public
    wrong = load_objects(data, "id_ed25519", b"hunter3")
    assert not wrong.ok and "does not open" in wrong.problems[0]


@pytest.mark.parametrize("fmt", [PRIV.TraditionalOpenSSL, PRIV.PKCS8, PRIV.OpenSSH])
def test_encrypted_keys_are_listed_without_a_passphrase(fmt: serialization.PrivateFormat) -> None:
    key = ec_key()
    data = key.private_bytes(ENC.PEM, fmt, serialization.BestAvailableEncryption(b"secret"))
    locked = load_objects(data)
    assert locked.ok
    assert locked.objects[0].encrypted and locked.objects[0].value is None
    assert "--password-file" in locked.objects[0].note
    opened = load_objects(data, password=b"secret")
    assert opened.ok and opened.objects[0].value.private_numbers() == key.private_numbers()
    wrong = load_objects(data, password=b"nope")
    assert not wrong.ok and "does not open" in wrong.problems[0]
    assert wrong.objects[0].value is None


def test_pkcs12_with_and_without_a_password() -> None:
    key, cert = ec_key(), make_cert()
    locked = pkcs12.serialize_key_and_certificates(
        b"alice", key, cert, None, serialization.BestAvailableEncryption(b"pw")
    )
    result = load_objects(locked, "a.p12")
    assert result.ok and result.objects[0].kind == "pkcs12" and result.objects[0].value is None
    opened = load_objects(locked, "a.p12", b"pw")
    assert opened.ok
    items = opened.objects[0].children
    assert [i.kind for i in items] == ["private_key", "certificate"]
    assert items[1].value == cert and items[1].name == "alice"
    wrong = load_objects(locked, "a.p12", b"bad")
    assert not wrong.ok and "does not open" in wrong.problems[0]
    open_p12 = pkcs12.serialize_key_and_certificates(None, key, cert, None, serialization.NoEncryption())
    free = load_objects(open_p12, "b.p12")
    assert free.ok and [i.kind for i in free.objects[0].children] == ["private_key", "certificate"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "white space"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary data"),
        (b"hello world\nno crypto here\n", "without any -----BEGIN"),
        (b"\x30\x82\x05\x00\x01", "truncated"),
    ],
)
def test_garbage_is_a_problem_never_an_exception(data: bytes, words: str) -> None:
    result = load_objects(data, "g")
    assert result.objects == () and not result.ok
    assert words in result.problems[0]


def test_truncated_der_certificate() -> None:
    data = make_cert().public_bytes(ENC.DER)
    result = load_objects(data[:-10], "t.der")
    assert not result.ok and "truncated" in result.problems[0]


def test_a_file_above_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(b"x" * 2048)
    result = read_path(big, limit=1024)
    assert not result.ok and "1 KiB limit" in result.problems[0]
    assert human_size(MAX_INPUT_BYTES) == "64 MiB"


@pytest.mark.parametrize(("tlv", "value"), [(b"\x02\x01\x00", 0), (b"\x02\x01\x85", -123)])
def test_serial_zero_or_negative_is_read_and_linted(tlv: bytes, value: int) -> None:
    cert = make_cert(serial=0x11)
    data = with_serial_bytes(cert, tlv)
    result = load_objects(data, "s.der")
    assert result.ok
    obj = result.objects[0]
    assert obj.warnings  # the library warned
    info = summarize(obj, NOW)
    assert info.serial == value  # type: ignore[union-attr]
    rules = {f.rule: f for f in info.lint}  # type: ignore[union-attr]
    assert rules["serial-not-positive"].severity == "warning"
    assert [f.rule for f in info.lint].count("serial-not-positive") == 1  # type: ignore[union-attr]


def test_load_certificates_keeps_its_contract() -> None:
    full = sample_path("alice.example.net.fullchain.pem").read_bytes()
    certs = load_certificates(full)
    assert len(certs) == 2
    mixed = sample_path("alice.example.net.key.pem").read_bytes() + full
    assert load_certificates(mixed) == certs


def test_trusted_certificate_blocks_are_read() -> None:
    cert = make_cert()
    body = pem(cert).replace(b"BEGIN CERTIFICATE", b"BEGIN TRUSTED CERTIFICATE")
    body = body.replace(b"END CERTIFICATE", b"END TRUSTED CERTIFICATE")
    assert load_objects(body).objects[0].value == cert


def test_summary_fields_match_the_library() -> None:
    cert = x509.load_pem_x509_certificate(sample("alice.example.net.pem").path.read_bytes())
    info = certificate_info(cert, NOW)
    assert info.serial_hex == format(cert.serial_number, "x")
    assert info.fingerprint_sha256 == cert.fingerprint(hashes.SHA256()).hex()
    assert info.fingerprint_sha1 == cert.fingerprint(hashes.SHA1()).hex()
    assert info.subject == cert.subject.rfc4514_string()
    assert info.public_key.bits == 2048 and info.public_key.exponent == 65537
    assert [e.oid for e in info.extensions] == [e.oid.dotted_string for e in cert.extensions]
    assert info.not_after == cert.not_valid_after_utc
    days = (cert.not_valid_after_utc - NOW) // dt.timedelta(days=1)
    assert f"expires in {days} days" in info.sentence()
