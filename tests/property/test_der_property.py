"""The DER layer against cryptography's own encoding and parsing, on random input."""

from __future__ import annotations

import datetime as dt
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings, strategies as st

from tlsexplorer.core.chain.facts import _raw
from tlsexplorer.core.der import (
    children,
    decode_oid,
    encode_length,
    encode_oid,
    encode_tlv,
    read_header,
    read_tlv,
)
from tlsexplorer.core.errors import InvalidInput

ARC = st.integers(min_value=0, max_value=2**64)


@st.composite
def oids(draw: st.DrawFn) -> str:
    """A dotted OID: first arc 0, 1 or 2; the second below 40 under 0 and 1, any size under 2.

    At most five further arcs, each up to 2**64: cryptography refuses OIDs over 63 bytes.
    """
    first = draw(st.integers(min_value=0, max_value=2))
    second = draw(ARC if first == 2 else st.integers(min_value=0, max_value=39))
    rest = draw(st.lists(ARC, max_size=5))
    return ".".join(str(arc) for arc in (first, second, *rest))


@cache
def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _certificate(oid: str, critical: bool) -> bytes:
    """DER of a certificate cryptography builds with an unknown extension ``oid``."""
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oid.example")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1))
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), b"\x05\x00"), critical)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


@settings(max_examples=300, deadline=None)
@given(oids(), st.booleans())
def test_oids_cryptography_encodes_are_decoded_to_the_same_dotted_string(oid: str, critical: bool) -> None:
    data = _certificate(oid, critical)
    # Walk to the extension with the DER layer: Certificate > TBS > [3] > Extensions > Extension.
    _tag, start, end = read_tlv(data, 0)
    tbs = children(data, start, end)[0]
    extensions = children(data, tbs[2], tbs[3])[-1]
    assert extensions[0] == 0xA3
    _tag, start, end = read_tlv(data, extensions[2], extensions[3])
    (extension,) = children(data, start, end)
    oid_tlv = children(data, extension[2], extension[3])[0]
    assert oid_tlv[0] == 0x06
    assert decode_oid(data[oid_tlv[2] : oid_tlv[3]]) == oid
    # Our encoder writes the very bytes cryptography wrote.
    assert encode_tlv(0x06, encode_oid(oid)) == data[oid_tlv[1] : oid_tlv[3]]
    # The chain explorer's raw reader (which verify's findings come from) agrees too.
    raw = _raw(data)
    assert raw.criticality() == {oid: critical}
    # And cryptography parses it back to the same OID.
    assert x509.load_der_x509_certificate(data).extensions[0].oid.dotted_string == oid


@settings(max_examples=500, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_any_bytes_decode_to_the_one_canonical_oid_or_are_refused(value: bytes) -> None:
    """What decodes re-encodes to the same bytes (so padded arcs are refused), and cryptography agrees."""
    try:
        dotted = decode_oid(value)
    except InvalidInput:
        return
    assert encode_oid(dotted) == value
    assert x509.ObjectIdentifier(dotted).dotted_string == dotted


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=70000), st.sampled_from([0x04, 0x30, 0xA3, 0x5F1F, 0xDF8149]))
def test_encode_tlv_reads_back(body: bytes, tag: int) -> None:
    element = encode_tlv(tag, body)
    read_tag, start, end = read_tlv(element, 0)
    assert (read_tag, element[start:end], end) == (tag, body, len(element))
    _cls, _number, _constructed, header, length = read_header(element, 0)
    assert (header, length) == (start, len(body))
    assert element[start - len(encode_length(len(body))) : start] == encode_length(len(body))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=70))
def test_read_tlv_stays_inside_its_bounds(data: bytes, end: int) -> None:
    """On any bytes: a TLV that ends by ``end``, or InvalidInput (never IndexError)."""
    try:
        _tag, start, stop = read_tlv(data, 0, end)
    except InvalidInput:
        return
    assert 0 < start <= stop <= min(end, len(data))
