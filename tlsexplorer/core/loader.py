"""Reading cryptographic objects from bytes, by content rather than file name.

This module starts with certificates (what every explorer needs); the
Inspector extends it to every kind of object. :func:`load_certificates` keeps
its signature: the Chain, CA and TLS explorers call it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from tlsexplorer.core.errors import InvalidInput

PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----",
    re.S,
)


@dataclass(frozen=True)
class PemBlock:
    """One ``-----BEGIN X-----`` ... ``-----END X-----`` block found in a file."""

    label: str
    """The label (``CERTIFICATE``, ``PRIVATE KEY``...)."""
    der: bytes
    """The decoded body."""
    start: int
    """Byte offset of the BEGIN line in the file."""
    line: int
    """1-based line number of the BEGIN line."""
    text: bytes
    """The block's PEM text as it appears in the file."""


def pem_blocks(data: bytes) -> tuple[list[PemBlock], list[InvalidInput]]:
    """Find every PEM block, whatever surrounds it (text, CRLF, garbage).

    Returns:
        The blocks that decoded, and one error per block whose base64 did not,
        naming its line.
    """
    blocks: list[PemBlock] = []
    errors: list[InvalidInput] = []
    for match in PEM_BLOCK.finditer(data):
        label = match.group(1).decode("ascii")
        line = data.count(b"\n", 0, match.start()) + 1
        body = b"".join(
            row.strip() for row in match.group(2).splitlines() if row.strip() and b":" not in row
        )
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            errors.append(InvalidInput(f"line {line}: the {label} block's base64 is damaged"))
            continue
        blocks.append(PemBlock(label, der, match.start(), line, match.group(0)))
    return blocks, errors


def looks_like_pem(data: bytes) -> bool:
    """True when the data contains at least one PEM BEGIN line."""
    return b"-----BEGIN " in data


def load_certificates(data: bytes, name: str = "input") -> list[x509.Certificate]:
    """Every certificate in ``data``: PEM (any number of blocks, PKCS#7 blocks
    included), DER, or DER PKCS#7. Other PEM blocks are skipped.

    Raises:
        InvalidInput: no certificate at all could be read, with the reason.
    """
    certs: list[x509.Certificate] = []
    problems: list[str] = []
    if looks_like_pem(data):
        blocks, errors = pem_blocks(data)
        problems.extend(str(e) for e in errors)
        for block in blocks:
            try:
                if block.label in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
                    certs.append(x509.load_der_x509_certificate(block.der))
                elif block.label == "PKCS7":
                    certs.extend(pkcs7.load_der_pkcs7_certificates(block.der))
            except ValueError as exc:
                problems.append(f"line {block.line}: {block.label} block unreadable ({exc})")
    else:
        try:
            certs.append(x509.load_der_x509_certificate(data))
        except ValueError:
            try:
                certs.extend(pkcs7.load_der_pkcs7_certificates(data))
            except ValueError:
                problems.append("neither PEM nor a DER certificate or PKCS#7 bundle")
    if not certs:
        reason = "; ".join(problems) if problems else "it holds no CERTIFICATE block"
        raise InvalidInput(f"{name}: no certificate found: {reason}")
    return certs


__all__ = ["PEM_BLOCK", "PemBlock", "load_certificates", "looks_like_pem", "pem_blocks"]
