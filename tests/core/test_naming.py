"""The one vocabulary (tlsexplorer.core.x509.naming): keys, key usages, EKUs, extensions, OIDs and
general names named the same way by every module, every screen and every --json."""

from __future__ import annotations

import datetime as dt
import inspect
import ipaddress
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from tests.cli.support import run_cli
from tests.tools import needs_openssl
from tlsexplorer.core.ca.build import describe_extension
from tlsexplorer.core.x509.dertree import parse_der, walk
from tlsexplorer.core.x509.naming import (
    KEY_USAGE_BITS,
    curve_name,
    describe_key,
    eku_names,
    extension_name,
    general_name,
    key_article,
    key_fields,
    key_usage_names,
    oid_name,
    short_name,
)
from tlsexplorer.core.x509.summary import certificate_info, public_key_info
from tlsexplorer.render.ca import certificate_rows

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
UNKNOWN = x509.ObjectIdentifier("2.999.3")

# Keys ---------------------------------------------------------------------------------------

#: Every kind of key the project makes (CA workbench, RSA explorer, tests), with its one name.
PROJECT_KEYS: list[tuple[str, Any, str]] = [
    ("rsa2048", lambda: rsa.generate_private_key(65537, 2048), "RSA 2048"),
    ("rsa3072", lambda: rsa.generate_private_key(65537, 3072), "RSA 3072"),
    ("p256", lambda: ec.generate_private_key(ec.SECP256R1()), "EC P-256"),
    ("p384", lambda: ec.generate_private_key(ec.SECP384R1()), "EC P-384"),
    ("p521", lambda: ec.generate_private_key(ec.SECP521R1()), "EC P-521"),
    ("ed25519", ed25519.Ed25519PrivateKey.generate, "Ed25519"),
    ("ed448", ed448.Ed448PrivateKey.generate, "Ed448"),
]


@pytest.mark.parametrize(("label", "make", "name"), PROJECT_KEYS, ids=[k[0] for k in PROJECT_KEYS])
def test_each_key_type_has_one_name(label: str, make: Any, name: str) -> None:
    key = make()
    public = key.public_key()
    # The private and the public half, and the Inspector's summary of it, all say the same.
    assert describe_key(key) == describe_key(public) == name
    assert public_key_info(public).describe() == name
    key_type, bits, curve = key_fields(public)
    if isinstance(public, rsa.RSAPublicKey):
        assert (key_type, bits, curve) == ("RSA", public.key_size, None)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        assert (key_type, bits) == ("EC", public.curve.key_size)
        assert curve == name.removeprefix("EC ")
    else:
        assert key_type == name and curve is None


@pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")  # making the DH key warns
def test_other_keys_are_named_by_type_or_class() -> None:
    assert describe_key(dsa.generate_private_key(1024)) == "DSA 1024"
    assert describe_key(x25519.X25519PrivateKey.generate().public_key()) == "X25519"
    assert describe_key(x448.X448PrivateKey.generate()) == "X448"
    params = dh.DHParameterNumbers(
        # RFC 3526 group 14 (2048-bit MODP): no slow parameter generation in a test
        int(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
            "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
            "15728E5A8AACAA68FFFFFFFFFFFFFFFF",
            16,
        ),
        2,
    ).parameters()
    assert describe_key(params.generate_private_key()) == "DH 2048"
    assert describe_key(ec.generate_private_key(ec.SECP256K1())) == "EC secp256k1"  # no NIST name
    assert describe_key(object()) == "object"  # anything else: its class name
    assert curve_name("secp224r1") == "P-224" and curve_name(ec.BrainpoolP256R1()) == "brainpoolP256r1"
    assert [key_article(n) for n in ("RSA 2048", "EC P-256", "Ed25519", "DSA 1024", "DH 2048")] == [
        "an", "an", "an", "a", "a"
    ]


@needs_openssl
@pytest.mark.parametrize(("curve", "name"), [(ec.SECP256R1(), "P-256"), (ec.SECP384R1(), "P-384"),
                                             (ec.SECP521R1(), "P-521")])
def test_curve_names_are_openssls_nist_names(curve: ec.EllipticCurve, name: str) -> None:
    pem = ec.generate_private_key(curve).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    text = subprocess.run(["openssl", "pkey", "-noout", "-text"], input=pem, capture_output=True,
                          check=True).stdout.decode()
    assert f"NIST CURVE: {name}" in text
    assert describe_key(serialization.load_pem_private_key(pem, None)) == f"EC {name}"


# Key usage ------------------------------------------------------------------------------------

_NO_BITS = {attribute: False for attribute, _name in KEY_USAGE_BITS}


def test_key_usage_bits_are_the_librarys() -> None:
    assert [a for a, _n in KEY_USAGE_BITS] == list(inspect.signature(x509.KeyUsage).parameters)


@pytest.mark.parametrize(("attribute", "name"), KEY_USAGE_BITS)
def test_each_key_usage_bit_by_its_rfc_5280_name(attribute: str, name: str) -> None:
    bits = dict(_NO_BITS, **{attribute: True})
    if attribute in ("encipher_only", "decipher_only"):
        bits["key_agreement"] = True  # they only exist beside keyAgreement
        expected = ["keyAgreement", name]
    else:
        expected = [name]
    usage = x509.KeyUsage(**bits)
    assert key_usage_names(usage) == expected
    # The CA workbench's one-line value says the same (it printed "key_cert_sign" before).
    assert describe_extension(usage) == ", ".join(expected)


def test_all_key_usage_bits_in_rfc_order() -> None:
    usage = x509.KeyUsage(**dict.fromkeys(_NO_BITS, True))
    assert key_usage_names(usage) == [
        "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
        "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
    ]
    assert key_usage_names(x509.KeyUsage(**_NO_BITS)) == []


# OIDs, EKUs, extensions --------------------------------------------------------------------------


def test_an_unnamed_oid_is_its_dotted_string() -> None:
    assert oid_name(UNKNOWN) == oid_name("2.999.3") == "2.999.3"
    assert oid_name(UNKNOWN, with_dotted=True) == "2.999.3"
    assert extension_name(UNKNOWN) == "2.999.3"
    assert eku_names([UNKNOWN]) == ["2.999.3"]
    assert oid_name("2.999.3", with_dotted=True) == "2.999.3"
    assert oid_name("not an OID") == "not an OID"


def test_named_oids() -> None:
    san = ExtensionOID.SUBJECT_ALTERNATIVE_NAME
    assert oid_name(san) == extension_name(san) == "subjectAltName"
    assert oid_name(san, with_dotted=True) == oid_name("2.5.29.17", with_dotted=True) == (
        "subjectAltName (2.5.29.17)"
    )
    assert oid_name(x509.SignatureAlgorithmOID.RSA_WITH_SHA256) == "sha256WithRSAEncryption"
    assert eku_names([
        ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.CODE_SIGNING,
        ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.TIME_STAMPING,
        ExtendedKeyUsageOID.OCSP_SIGNING, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    ]) == [
        "serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping", "OCSPSigning",
        "anyExtendedKeyUsage",  # the library leaves this one unnamed
    ]


def _certificate_with_unknown_extension() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "odd.example")])
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=30))
        .add_extension(x509.UnrecognizedExtension(UNKNOWN, b"\x05\x00"), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE, UNKNOWN]), False)
        .sign(key, hashes.SHA256())
    )


def test_an_unknown_extension_is_2_999_3_in_the_summary_the_der_tree_and_the_ca_rows() -> None:
    cert = _certificate_with_unknown_extension()
    info = certificate_info(cert, NOW)
    by_oid = {e.oid: e for e in info.extensions}
    assert by_oid["2.999.3"].name == "2.999.3"
    assert by_oid["2.999.3"].to_json()["name"] == "2.999.3"
    assert by_oid["2.5.29.37"].value == ["anyExtendedKeyUsage", "2.999.3"]
    der = cert.public_bytes(serialization.Encoding.DER)
    oids = [n.summary for n in walk(parse_der(der)) if n.name == "OBJECT IDENTIFIER"]
    assert "2.999.3" in oids and "extendedKeyUsage (2.5.29.37)" in oids
    rows = dict(certificate_rows(cert))
    assert rows["2.999.3"] == "UnrecognizedExtension"
    assert rows["extendedKeyUsage"] == "anyExtendedKeyUsage, 2.999.3"


# General and short names ---------------------------------------------------------------------


def test_general_names() -> None:
    dirname = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "a\x1bb")])
    cases: list[tuple[x509.GeneralName, str]] = [
        (x509.DNSName("alice.example.net"), "DNS:alice.example.net"),
        (x509.IPAddress(ipaddress.ip_address("127.0.0.1")), "IP:127.0.0.1"),
        (x509.IPAddress(ipaddress.ip_network("10.0.0.0/8")), "IP:10.0.0.0/8"),
        (x509.RFC822Name("bob@example.net"), "email:bob@example.net"),
        (x509.UniformResourceIdentifier("http://ca.example/ca.crl"), "URI:http://ca.example/ca.crl"),
        (x509.RegisteredID(UNKNOWN), "RID:2.999.3"),
        (x509.OtherName(UNKNOWN, b"\x05\x00"), "othername:2.999.3:0500"),
        (x509.DirectoryName(dirname), "DirName:CN=a\x1bb"),
    ]
    for name, text in cases:
        assert general_name(name) == text
    # As --json carries it (as it is) and as a terminal shows it (escaped).
    assert general_name(x509.DNSName("evil\x1b[2J.example")) == "DNS:evil\x1b[2J.example"
    assert general_name(x509.DNSName("evil\x1b[2J.example"), escape=True) == "DNS:evil\\x1b[2J.example"
    assert general_name(x509.DirectoryName(dirname), escape=True) == "DirName:CN=a\\x1bb"


def test_short_name() -> None:
    cn = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Org"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "alice")])
    assert short_name(cn) == "alice"
    assert short_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Org")])) == "O=Org"
    assert short_name(x509.Name([])) == "(empty name)"


# One name on every screen and in every --json ---------------------------------------------------


def _json_key_name(public_key: dict[str, Any]) -> str:
    """The key as inspect --json's public_key fields spell it."""
    if "curve" in public_key:
        return f"{public_key['type']} {public_key['curve']}"
    if public_key["type"] == "RSA":
        return f"RSA {public_key['bits']}"
    return str(public_key["type"])


@pytest.mark.parametrize(("key_type", "name"), [("p256", "EC P-256"), ("p384", "EC P-384"),
                                                ("rsa2048", "RSA 2048"), ("ed25519", "Ed25519")])
def test_the_same_key_is_named_the_same_by_inspect_verify_and_the_ca_workbench(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_type: str, name: str
) -> None:
    folder = tmp_path / "ca"
    code, workbench, _err = run_cli(capsys, "ca", "init", str(folder), "--cn", "Naming Root",
                                    "--key-type", key_type)
    assert code == 0
    code, _out, _err = run_cli(capsys, "ca", "issue", str(folder), "naming.test", "--key-type", "p256")
    assert code == 0
    ca_pem, ca_key = folder / "ca.pem", folder / "ca.key.pem"
    ca_cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())

    # The CA workbench: what it says it made, and its certificate rows.
    assert f"new key {name}\n" in workbench
    assert dict(certificate_rows(ca_cert))["public key"] == name

    # inspect --json: the certificate's public key, the key file's summary, the sweep's key title.
    code, out, _err = run_cli(capsys, "inspect", "--json", str(ca_pem), str(ca_key))
    assert code == 0
    document = json.loads(out)
    cert_json, key_json = (f["objects"][0] for f in document["files"])
    assert _json_key_name(cert_json["public_key"]) == _json_key_name(key_json["public_key"]) == name
    assert f" {name} private key " in key_json["summary"]
    assert [k["key"]["title"] for k in document["sweep"]["keys"]] == [name]

    # verify --json: the chain report names the CA's key in its checks.
    leaf = next(folder.rglob("naming.test.pem"))
    code, out, _err = run_cli(capsys, "verify", str(leaf), "--ca", str(ca_pem), "--host", "naming.test",
                              "--json")
    messages = [f["message"] for f in json.loads(out)["findings"]]
    signature = next(m for m in messages if "signature verified with the issuer's" in m)
    assert signature.endswith(f"the issuer's {name} key.")
    issuer_key = next(f["message"] for f in json.loads(out)["findings"] if f["check"] == "issuer_key")
    assert f"Key {name}:" in issuer_key or f"Its key ({name})" in issuer_key


def test_naming_is_light_to_import() -> None:
    """The CA workbench imports naming; it must not pull in the Inspector's loader, lint or sweep."""
    code = (
        "import sys, json\n"
        "import tlsexplorer.core.x509.naming\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tlsexplorer'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out))
    assert not loaded & {"tlsexplorer.core.x509.summary", "tlsexplorer.core.x509.loader",
                         "tlsexplorer.core.x509.lint", "tlsexplorer.core.x509.sweep"}


def test_the_x509_package_still_exports_every_name() -> None:
    import tlsexplorer.core.x509 as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    with pytest.raises(AttributeError):
        _ = package.no_such_name  # type: ignore[attr-defined]
