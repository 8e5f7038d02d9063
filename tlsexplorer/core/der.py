"""DER, byte by byte: the one reader (and small writer) of tag / length / value bytes.

Every module that reads DER by hand reads it here: :func:`read_tlv` and
:func:`read_header` (one element, bounds-checked), :func:`children` (the
elements of a constructed value), :func:`decode_oid` / :func:`encode_oid`,
:func:`encode_tlv` / :func:`encode_length`, and the issuer and subject name
bytes of a certificate (:func:`certificate_names`, :func:`name_bytes`).
Malformed input raises :class:`~tlsexplorer.core.errors.InvalidInput` (not a
ValueError) with the byte offset.

The tree the Inspector shows is built on it in :mod:`tlsexplorer.core.x509.dertree`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.errors import InvalidInput

if TYPE_CHECKING:  # the reader itself is stdlib-only
    from cryptography import x509

def read_tlv(data: bytes, offset: int, end: int | None = None) -> tuple[int, int, int]:
    """Read the TLV at ``offset``, which must end by ``end`` (default: the end of ``data``).

    Returns:
        (tag, value start, value end). The tag is the identifier octets read as
        one big-endian integer: the usual byte for tag numbers below 31
        (``0x30`` SEQUENCE, ``0xA0`` [0] constructed), several bytes in the
        high-tag-number form.

    Raises:
        InvalidInput: truncated data, an indefinite (BER) or over-long length,
            an over-long tag number, or a value running past ``end``.
    """
    size = len(data) if end is None or end > len(data) else end
    if offset >= size:
        raise InvalidInput(f"byte {offset}: the data ends where a tag was expected")
    tag = data[offset]
    pos = offset + 1
    if tag & 0x1F == 0x1F:  # high-tag-number form: base-128 digits follow
        while True:
            if pos >= size:
                raise InvalidInput(f"byte {offset}: the tag is cut short")
            byte = data[pos]
            pos += 1
            if not byte & 0x80:
                break
            if pos - offset > 6:
                raise InvalidInput(f"byte {offset}: tag number too long")
        tag = int.from_bytes(data[offset:pos], "big")
    if pos >= size:
        raise InvalidInput(f"byte {offset}: the data ends before the length")
    length = data[pos]
    pos += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0:
            raise InvalidInput(f"byte {offset}: indefinite length (BER, not DER)")
        if count > 4:
            raise InvalidInput(f"byte {offset}: length field of {count} bytes is too long")
        if pos + count > size:
            raise InvalidInput(f"byte {offset}: the length is cut short")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > size:
        raise InvalidInput(
            f"byte {offset}: the value claims {length} bytes but only {size - pos} remain (truncated)"
        )
    return tag, pos, pos + length


def read_header(data: bytes, offset: int, end: int | None = None) -> tuple[int, int, bool, int, int]:
    """Read one tag and length at ``offset`` (the TLV must end by ``end``).

    Returns:
        (class index, tag number, constructed, header length, value length).

    Raises:
        InvalidInput: as :func:`read_tlv`.
    """
    tag, start, stop = read_tlv(data, offset, end)
    first = data[offset]
    number = first & 0x1F
    if number == 0x1F:
        number = 0
        for byte in data[offset + 1 : offset + (tag.bit_length() + 7) // 8]:
            number = (number << 7) | (byte & 0x7F)
    return first >> 6, number, bool(first & 0x20), start - offset, stop - start


def tlv_length(data: bytes, offset: int = 0) -> int:
    """Total length (header and value) of the TLV at ``offset``.

    Raises:
        InvalidInput: the TLV is malformed or truncated.
    """
    return read_tlv(data, offset)[2] - offset


def children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The TLVs one after another from ``start`` to ``end`` (a constructed value's content).

    Returns:
        (tag, TLV start, value start, value end) for each.

    Raises:
        InvalidInput: one is malformed or runs past ``end``.
    """
    out: list[tuple[int, int, int, int]] = []
    pos = start
    while pos < end:
        tag, value, stop = read_tlv(data, pos, end)
        out.append((tag, pos, value, stop))
        pos = stop
    return out


#: Longest OBJECT IDENTIFIER value read (far above any real one; keeps every arc printable).
MAX_OID_BYTES = 1024


def decode_oid(value: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's value bytes (X.690 8.19).

    Each arc is base-128, high bit set on every byte but its last; the first
    one packs two arcs as 40 * first + second, the first being 0, 1 or 2
    (only 2 allows a second arc of 40 or more).

    Raises:
        InvalidInput: empty, cut short, over long, or an arc with a leading
            0x80 byte (not minimal, so not DER).
    """
    if not value:
        raise InvalidInput("empty OBJECT IDENTIFIER")
    if len(value) > MAX_OID_BYTES:
        raise InvalidInput(f"OBJECT IDENTIFIER of {len(value)} bytes (over {MAX_OID_BYTES})")
    if value[-1] & 0x80:
        raise InvalidInput("OBJECT IDENTIFIER cut short")
    arcs: list[int] = []
    current = 0
    fresh = True
    for byte in value:
        if fresh and byte == 0x80:
            raise InvalidInput("OBJECT IDENTIFIER arc padded with a leading 0x80 byte (not DER)")
        current = (current << 7) | (byte & 0x7F)
        fresh = not byte & 0x80
        if fresh:
            arcs.append(current)
            current = 0
    first = arcs[0]
    head = (0, first) if first < 40 else (1, first - 40) if first < 80 else (2, first - 80)
    return ".".join(map(str, (*head, *arcs[1:])))


def encode_oid(dotted: str) -> bytes:
    """The value bytes of an OBJECT IDENTIFIER given in dotted form (``2.5.29.19``).

    Raises:
        InvalidInput: fewer than two arcs, a first arc other than 0, 1 or 2,
            a second arc of 40 or more under 0 or 1, or a part that is not a
            decimal number.
    """
    parts = dotted.split(".")
    if len(parts) < 2 or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidInput(f"{dotted!r} is not a dotted OID (like 2.5.29.19)")
    arcs = [int(p) for p in parts]
    if arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise InvalidInput(f"{dotted!r}: the first arc is 0, 1 or 2, and the second below 40 unless it is 2")
    out = bytearray()
    for arc in (40 * arcs[0] + arcs[1], *arcs[2:]):
        digits = [arc & 0x7F]
        arc >>= 7
        while arc:
            digits.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(digits))
    return bytes(out)


def encode_length(length: int) -> bytes:
    """A DER length: one byte below 128, else 0x80 + byte count then the bytes.

    Raises:
        InvalidInput: a negative length.
    """
    if length < 0:
        raise InvalidInput(f"a length cannot be negative ({length})")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    """One DER element: the tag (as :func:`read_tlv` gives it), the length, the value."""
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big") + encode_length(len(value)) + value


def encode_integer(value: int) -> bytes:
    """An INTEGER in DER: the fewest two's-complement bytes (the only encoding DER allows)."""
    size = ((value if value >= 0 else ~value).bit_length() + 8) // 8
    return encode_tlv(0x02, value.to_bytes(size, "big", signed=True))


def tbs_names(data: bytes, offset: int = 0, end: int | None = None) -> tuple[bytes, bytes]:
    """The issuer and subject Name TLVs of the TBSCertificate at ``offset``, as bytes.

    TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
    signature, issuer, validity, subject, ... }. Cheap (no Name objects are
    built): equal bytes mean equal names in DER certificates.

    Raises:
        InvalidInput: the bytes do not have that shape.
    """
    tag, pos, end = read_tlv(data, offset, end)
    if tag != 0x30:
        raise InvalidInput(f"byte {offset}: a TBSCertificate is a SEQUENCE")
    tag, _start, after = read_tlv(data, pos, end)
    if tag == 0xA0:  # [0] EXPLICIT version
        pos = after
    pos = read_tlv(data, pos, end)[2]  # serialNumber
    pos = read_tlv(data, pos, end)[2]  # signature AlgorithmIdentifier
    tag, _start, issuer_end = read_tlv(data, pos, end)
    if tag != 0x30:
        raise InvalidInput(f"byte {pos}: the issuer Name is a SEQUENCE")
    issuer = data[pos:issuer_end]
    pos = read_tlv(data, issuer_end, end)[2]  # validity
    tag, _start, subject_end = read_tlv(data, pos, end)
    if tag != 0x30:
        raise InvalidInput(f"byte {pos}: the subject Name is a SEQUENCE")
    return issuer, data[pos:subject_end]


def certificate_names(der: bytes) -> tuple[bytes, bytes]:
    """The issuer and subject Name TLVs of a DER certificate, as bytes.

    Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }

    Raises:
        InvalidInput: the bytes do not have that shape.
    """
    tag, start, end = read_tlv(der, 0)
    if tag != 0x30:
        raise InvalidInput("byte 0: a certificate is a SEQUENCE")
    return tbs_names(der, start, end)


def name_bytes(cert: x509.Certificate) -> tuple[bytes, bytes]:
    """The DER of a certificate's (issuer, subject) names, read straight from its TBS.

    Much cheaper than building Name objects, which matters for a pool of
    10,000 candidates.

    Raises:
        InvalidInput: the TBS does not have the shape of one.
    """
    return tbs_names(cert.tbs_certificate_bytes)


__all__ = [
    "MAX_OID_BYTES",
    "certificate_names",
    "children",
    "decode_oid",
    "encode_integer",
    "encode_length",
    "encode_oid",
    "encode_tlv",
    "name_bytes",
    "read_header",
    "read_tlv",
    "tbs_names",
    "tlv_length",
]
