"""The one DER layer: headers, lengths, tags, OIDs, the small writer and certificate names."""

from __future__ import annotations

import pytest
from cryptography import x509

from tests.inspect_factory import der, make_cert, unknown_extension_chain
from tlsexplorer.core.der import (
    certificate_names,
    children,
    decode_oid,
    encode_length,
    encode_oid,
    encode_tlv,
    name_bytes,
    read_header,
    read_tlv,
    tbs_names,
    tlv_length,
)
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.x509.dertree import parse_der

# Headers and lengths ---------------------------------------------------------------


def test_short_form_header() -> None:
    data = bytes.fromhex("0403616263")
    assert read_header(data, 0) == (0, 4, False, 2, 3)
    assert read_tlv(data, 0) == (0x04, 2, 5)
    assert tlv_length(data) == 5


@pytest.mark.parametrize(
    ("length", "encoded"),
    [(0, "00"), (127, "7f"), (128, "8180"), (255, "81ff"), (256, "820100"), (300, "82012c"),
     (70000, "83011170")],
)
def test_long_form_lengths_written_and_read(length: int, encoded: str) -> None:
    assert encode_length(length).hex() == encoded
    element = encode_tlv(0x04, bytes(length))
    assert element == b"\x04" + bytes.fromhex(encoded) + bytes(length)
    tag, start, end = read_tlv(element, 0)
    assert (tag, start, end) == (0x04, 1 + len(encoded) // 2, len(element))
    assert read_header(element, 0)[3:] == (1 + len(encoded) // 2, length)


def test_a_negative_length_cannot_be_written() -> None:
    with pytest.raises(InvalidInput, match="negative"):
        encode_length(-1)


def test_constructed_context_tags() -> None:
    data = bytes.fromhex("a003020102")  # [0] EXPLICIT INTEGER 2: a certificate's version
    assert read_header(data, 0) == (2, 0, True, 2, 3)
    assert read_tlv(data, 0) == (0xA0, 2, 5)
    assert children(data, 2, 5) == [(0x02, 2, 4, 5)]


def test_high_tag_numbers() -> None:
    # [APPLICATION 31] (one subsequent byte) and [PRIVATE 201] (two), primitive; a constructed one.
    short = bytes.fromhex("5f1f0100")
    assert read_header(short, 0) == (1, 31, False, 3, 1)
    assert read_tlv(short, 0) == (0x5F1F, 3, 4)
    long = bytes.fromhex("df814902abcd")
    assert read_header(long, 0) == (3, 201, False, 4, 2)
    assert read_tlv(long, 0) == (0xDF8149, 4, 6)
    assert encode_tlv(0xDF8149, b"\xab\xcd") == long
    node = parse_der(long)
    assert (node.name, node.tag_number, node.children) == ("[PRIVATE 201]", 201, ())
    nested = bytes.fromhex("bf8f7f020500")  # [2047] constructed holding a NULL
    assert read_header(nested, 0) == (2, 2047, True, 4, 2)
    assert children(nested, 4, 6) == [(0x05, 4, 6, 6)]
    assert parse_der(nested).children[0].name == "NULL"
    with pytest.raises(InvalidInput, match="tag number too long"):
        read_header(bytes.fromhex("1f8181818181818101") + b"\x00", 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "ends where a tag was expected"),
        ("30", "ends before the length"),
        ("1f", "tag is cut short"),
        ("1f81", "tag is cut short"),
        ("3080", "indefinite length"),
        ("308500000000010000", "5 bytes is too long"),
        ("048201", "length is cut short"),
        ("040301", "claims 3 bytes but only 1 remain"),
    ],
)
def test_truncated_and_unsupported_headers(data: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_header(bytes.fromhex(data), 0)
    with pytest.raises(InvalidInput, match=message):
        read_tlv(bytes.fromhex(data), 0)


def test_a_value_must_end_by_the_end_given() -> None:
    # A SEQUENCE of 4 bytes holding an OCTET STRING that claims 5: it runs past its SEQUENCE.
    data = bytes.fromhex("3004040501020304") + b"\x00"
    with pytest.raises(InvalidInput, match="truncated"):
        children(data, 2, 6)
    with pytest.raises(InvalidInput, match="truncated"):
        read_tlv(data, 2, 6)
    assert read_tlv(data, 2) == (0x04, 4, 9)  # unbounded, it would have been read


def test_children_of_a_certificate() -> None:
    cert = make_cert("a.example")
    data = der(cert)
    tag, start, end = read_tlv(data, 0)
    assert (tag, end) == (0x30, len(data))
    tbs, algorithm, signature = children(data, start, end)
    assert [tbs[0], algorithm[0], signature[0]] == [0x30, 0x30, 0x03]
    assert data[tbs[1] : tbs[3]] == cert.tbs_certificate_bytes
    assert data[signature[2] + 1 : signature[3]] == cert.signature
    fields = children(data, tbs[2], tbs[3])
    assert [f[0] for f in fields] == [0xA0, 0x02, 0x30, 0x30, 0x30, 0x30, 0x30, 0xA3]


# OIDs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dotted", "encoded"),
    [
        ("0.0", "00"),
        ("0.39", "27"),
        ("1.0", "28"),
        ("1.39", "4f"),
        ("2.0", "50"),
        ("2.47", "7f"),
        ("2.48", "8100"),
        ("2.5.29.19", "551d13"),
        ("1.2.840.113549.1.1.11", "2a864886f70d01010b"),
        ("2.999.3", "883703"),  # 80 + 999 = 1079 = 0x437: a two-byte first subidentifier
        ("2.16.840.1.101.3.4.2.1", "608648016503040201"),
        ("1.3.6.1.4.1.311.21.20", "2b0601040182371514"),
        (f"2.25.{2**64}", "6982808080808080808000"),
    ],
)
def test_oids_decoded_and_encoded(dotted: str, encoded: str) -> None:
    assert decode_oid(bytes.fromhex(encoded)) == dotted
    assert encode_oid(dotted).hex() == encoded
    assert x509.ObjectIdentifier(dotted).dotted_string == dotted


def test_the_sha1_lab_constants_are_the_library_bytes() -> None:
    from tlsexplorer.core.hazmat import sha1_certificate

    assert sha1_certificate.SHA256_WITH_RSA_OID_DER.hex() == "06092a864886f70d01010b"
    assert sha1_certificate.SHA1_WITH_RSA_OID_DER.hex() == "06092a864886f70d010105"
    assert sha1_certificate.SHA1_WITH_RSA_ALGORITHM_DER.hex() == "300d06092a864886f70d0101050500"


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("", "empty"),
        ("2a86", "cut short"),
        ("88", "cut short"),
        ("8037", "leading 0x80"),  # 1.15 (37) padded with a leading 80 byte
        ("2a80860d", "leading 0x80"),  # 1.2.(80 86 0d): 781 written with a padding byte
        ("2a8080808001", "leading 0x80"),
    ],
)
def test_malformed_oids_are_rejected(encoded: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        decode_oid(bytes.fromhex(encoded))


def test_an_over_long_oid_is_refused_not_choked_on() -> None:
    with pytest.raises(InvalidInput, match="over 1024"):
        decode_oid(b"\xff" * 4000 + b"\x01")


@pytest.mark.parametrize("dotted", ["", "1", "3.1", "0.40", "1.40.1", "1..2", "1.2.x", "1.2.-3", "1.²"])
def test_bad_dotted_oids_cannot_be_encoded(dotted: str) -> None:
    with pytest.raises(InvalidInput):
        encode_oid(dotted)


def test_the_library_rejects_a_padded_oid_too() -> None:
    """Cross-check: cryptography refuses what decode_oid refuses (a 0x80-padded arc)."""
    _root, leaf = unknown_extension_chain(False)
    data = der(leaf)
    good = bytes.fromhex("0603883703")  # 2.999.3
    padded = bytes.fromhex("0603808137")  # the same length, an arc padded with 0x80
    assert data.count(good) == 1
    with pytest.raises(InvalidInput, match="leading 0x80"):
        decode_oid(padded[2:])
    with pytest.raises(ValueError):
        _ = x509.load_der_x509_certificate(data.replace(good, padded)).extensions


# Certificate names -----------------------------------------------------------------


def test_names_are_the_library_s_name_bytes() -> None:
    for cert in (make_cert("leaf.example", issuer="Some CA"), *unknown_extension_chain(True)):
        issuer, subject = certificate_names(der(cert))
        assert issuer == cert.issuer.public_bytes()
        assert subject == cert.subject.public_bytes()
        assert name_bytes(cert) == (issuer, subject) == tbs_names(cert.tbs_certificate_bytes)


def test_names_of_a_version_1_certificate() -> None:
    # A v1 TBS has no [0] version: serial first.
    algorithm = encode_tlv(0x30, encode_tlv(0x06, encode_oid("1.2.840.10045.4.3.2")))
    issuer = make_cert("Issuer").subject.public_bytes()
    subject = make_cert("Subject").subject.public_bytes()
    validity = encode_tlv(0x30, b"")
    tbs = encode_tlv(0x30, encode_tlv(0x02, b"\x01") + algorithm + issuer + validity + subject)
    assert tbs_names(tbs) == (issuer, subject)
    cert = encode_tlv(0x30, tbs + algorithm + encode_tlv(0x03, b"\x00"))
    assert certificate_names(cert) == (issuer, subject)


@pytest.mark.parametrize("cut", [1, 10, 40, 100])
def test_names_of_cut_or_foreign_bytes_raise_invalid_input(cut: int) -> None:
    data = der(make_cert("leaf.example"))
    with pytest.raises(InvalidInput):
        certificate_names(data[:cut])
    with pytest.raises(InvalidInput, match="SEQUENCE"):
        certificate_names(encode_tlv(0x04, data))
    with pytest.raises(InvalidInput, match="issuer Name is a SEQUENCE"):
        tbs_names(encode_tlv(0x30, bytes.fromhex("a003020102020101") + encode_tlv(0x30, b"") + b"\x04\x00"))
