"""A certificate's RSA signature checked by hand: s^e mod n, the PKCS#1 v1.5 block and its DigestInfo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tlsexplorer.core.der import decode_oid, read_tlv
from tlsexplorer.core.errors import InvalidInput

if TYPE_CHECKING:  # cryptography is imported where it is used, to keep the toy arithmetic light
    from cryptography import x509

# Certificate signatures by hand ----------------------------------------------------

HASH_OIDS: dict[str, tuple[str, int]] = {
    "1.2.840.113549.2.5": ("md5", 16),
    "1.3.14.3.2.26": ("sha1", 20),
    "2.16.840.1.101.3.4.2.4": ("sha224", 28),
    "2.16.840.1.101.3.4.2.1": ("sha256", 32),
    "2.16.840.1.101.3.4.2.2": ("sha384", 48),
    "2.16.840.1.101.3.4.2.3": ("sha512", 64),
    "2.16.840.1.101.3.4.2.5": ("sha512_224", 28),
    "2.16.840.1.101.3.4.2.6": ("sha512_256", 32),
}
"""Digest algorithm OIDs that appear in a PKCS#1 v1.5 DigestInfo."""


@dataclass(frozen=True)
class DigestInfo:
    """The DER structure PKCS#1 v1.5 signs: SEQUENCE { AlgorithmIdentifier, OCTET STRING }."""

    der: bytes
    """Its bytes."""
    hash_oid: str
    """The digest algorithm's OID, dotted."""
    hash_name: str
    """Its name (sha256...); an OID that is not a known digest is its dotted string."""
    digest: bytes
    """The digest it carries."""
    has_null_parameters: bool
    """True when the AlgorithmIdentifier carries NULL parameters (usual)."""


@dataclass(frozen=True)
class Pkcs1Block:
    """The block s^e mod n recovered from a PKCS#1 v1.5 signature, split up."""

    block: bytes
    """All k bytes: 00 01 FF..FF 00 DigestInfo when the signature is good."""
    leading: bytes
    """The first two bytes (must be 00 01)."""
    padding_length: int
    """How many 0xFF bytes follow (at least 8)."""
    separator_ok: bool
    """True when a 00 byte ends the padding."""
    digest_info: DigestInfo | None
    """The parsed DigestInfo (None when the block is malformed)."""
    problem: str | None
    """What is wrong with the block's format, if anything."""


SignatureKind = Literal["pkcs1v15", "pss", "ecdsa", "ed25519", "ed448", "dsa", "unknown"]


@dataclass(frozen=True)
class SignatureCheck:
    """A certificate's signature checked by hand with the issuer's public key."""

    kind: SignatureKind
    """Which signature scheme the certificate uses."""
    algorithm: str
    """The signature algorithm's name (``sha256WithRSAEncryption``)."""
    algorithm_oid: str
    """Its OID, dotted."""
    hash_name: str | None
    """The hash the certificate declares (sha256...), None for Ed25519."""
    subject: str
    """The certificate's subject (RFC 4514)."""
    issuer: str
    """The issuer certificate's subject (RFC 4514)."""
    issuer_key: str
    """The issuer's key by its one name (``RSA 2048``, ``EC P-256``, ``Ed25519``)."""
    n: int | None
    """The issuer's modulus (RSA)."""
    e: int | None
    """The issuer's public exponent (RSA)."""
    signature: bytes
    """The signature bytes from the certificate."""
    s: int | None
    """The signature as an integer (RSA)."""
    recovered: int | None
    """s^e mod n (RSA)."""
    block: Pkcs1Block | None
    """The recovered block split up (PKCS#1 v1.5 and PSS give the bytes)."""
    tbs_digest: bytes | None
    """The hash of the to-be-signed bytes, computed here."""
    tbs_length: int
    """Length of the to-be-signed bytes."""
    by_hand: bool | None
    """Whether the hand check matched (None: not checked by hand)."""
    library: bool
    """Whether cryptography's verification accepts the signature."""
    explanation: str
    """What was done, or what would differ for a non-PKCS#1 v1.5 signature."""

    @property
    def valid(self) -> bool:
        """The verdict: the hand check when there is one, else the library's."""
        return self.by_hand if self.by_hand is not None else self.library


def parse_digest_info(der: bytes) -> DigestInfo:
    """Parse a DigestInfo by hand.

    Raises:
        InvalidInput: the bytes are not a DigestInfo.
    """
    try:
        tag, start, end = read_tlv(der, 0)
        if tag != 0x30 or end != len(der):
            raise InvalidInput("not one SEQUENCE")
        tag, a_start, a_end = read_tlv(der, start, end)
        if tag != 0x30:
            raise InvalidInput("no AlgorithmIdentifier")
        tag, o_start, o_end = read_tlv(der, a_start, a_end)
        if tag != 0x06:
            raise InvalidInput("no OID")
        oid = decode_oid(der[o_start:o_end])
        has_null = False
        if o_end < a_end:
            tag, n_start, n_end = read_tlv(der, o_end, a_end)
            has_null = tag == 0x05 and n_start == n_end
        tag, d_start, d_end = read_tlv(der, a_end, end)
        if tag != 0x04 or d_end != end:
            raise InvalidInput("no digest OCTET STRING")
    except InvalidInput as exc:
        raise InvalidInput(f"not a DigestInfo ({exc})") from None
    name = HASH_OIDS[oid][0] if oid in HASH_OIDS else oid  # an unnamed OID is its dotted string
    return DigestInfo(der, oid, name, der[d_start:d_end], has_null)


def parse_pkcs1_block(block: bytes) -> Pkcs1Block:
    """Split an EMSA-PKCS1-v1_5 block: 00 01 FF..FF 00 DigestInfo."""
    leading = block[:2]
    i = 2
    while i < len(block) and block[i] == 0xFF:
        i += 1
    padding = i - 2
    separator_ok = i < len(block) and block[i] == 0x00
    problem: str | None = None
    info: DigestInfo | None = None
    if leading != b"\x00\x01":
        problem = (
            f"the block starts {leading.hex(' ')}, not 00 01: "
            "this is not a PKCS#1 v1.5 signature made with this key"
        )
    elif padding < 8:
        problem = f"only {padding} FF padding bytes (at least 8 are required)"
    elif not separator_ok:
        problem = "the FF padding is not followed by a 00 separator"
    else:
        try:
            info = parse_digest_info(block[i + 1 :])
        except InvalidInput as exc:
            problem = f"after the padding: {exc}"
    return Pkcs1Block(block, leading, padding, separator_ok, info, problem)


def _library_verifies(cert: object, issuer_key: object) -> bool:
    """cryptography's own verdict on the certificate's signature."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

    assert isinstance(cert, x509.Certificate)
    try:
        params = cert.signature_algorithm_parameters
        algo = cert.signature_hash_algorithm
        if isinstance(issuer_key, rsa.RSAPublicKey):
            if not isinstance(params, padding.PSS | padding.PKCS1v15) or algo is None:
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, params, algo)
        elif isinstance(issuer_key, ec.EllipticCurvePublicKey):
            if not isinstance(params, ec.ECDSA):
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, params)
        elif isinstance(issuer_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes)
        elif isinstance(issuer_key, dsa.DSAPublicKey):
            if algo is None:
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, algo)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    except Exception:  # the library fails in ways it does not document: no verdict of its own
        return False
    return True


def _names_issuer(cert: x509.Certificate, wanted: object, candidate: x509.Certificate, same: Any) -> bool:
    """Whether ``candidate``'s subject is ``cert``'s issuer name (``wanted``): byte for byte, else
    as RFC 5280 compares names (``same``)."""
    import tlsexplorer.core.x509.safe as safe
    from tlsexplorer.core.der import name_bytes
    try:
        if name_bytes(cert)[0] == name_bytes(candidate)[1]:
            return True
    except InvalidInput:
        return False
    subject = safe.name(candidate, "subject")
    if isinstance(wanted, safe.Unreadable) or isinstance(subject, safe.Unreadable):
        return False
    return bool(same(subject, wanted))


def check_certificate_signature(
    certificate: bytes, issuer: bytes, *, names: tuple[str, str] = ("the certificate", "the issuer")
) -> SignatureCheck:
    """Check a certificate's signature by hand with its issuer's public key.

    For PKCS#1 v1.5 RSA: s^e mod n, split the recovered block, read the hash
    named in the DigestInfo and compare its digest with the hash of the
    certificate's to-be-signed bytes. Other schemes are named, explained and
    checked with the library only. Either input may be PEM or DER: the
    certificate checked is the first of ``certificate``; the issuer is the
    certificate in ``issuer`` whose subject is the checked one's issuer name,
    compared as RFC 5280 does (case and white space folded), so a full chain or
    a CA bundle can be given; among several, the one whose key made the
    signature. None named so: the one whose key made it, else an error.

    Raises:
        InvalidInput: an input holds no certificate, no certificate in ``issuer``
            is the issuer ("no issuer in the bundle"), or the issuer's key cannot be read.
    """
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    import tlsexplorer.core.x509.safe as safe
    from tlsexplorer.core.chain.facts import name_of
    from tlsexplorer.core.chain.names import same_name
    from tlsexplorer.core.x509.loader import load_certificates
    from tlsexplorer.core.x509.naming import describe_key

    cert = load_certificates(certificate, names[0])[0]
    candidates = load_certificates(issuer, names[1])
    wanted = safe.name(cert, "issuer")
    named = [c for c in candidates if _names_issuer(cert, wanted, c, same_name)]

    def signed_it(candidate: x509.Certificate) -> bool:
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return False
        except Exception:  # the library fails in ways it does not document
            return False
        return True

    # Several with the issuer's name (a renewed or cross-signed CA): the one whose key signed it.
    issuer_cert = next((c for c in named if signed_it(c)), named[0] if named else None)
    if issuer_cert is None:
        issuer_cert = next((c for c in candidates if signed_it(c)), None)
    if issuer_cert is None:
        count = len(candidates)
        raise InvalidInput(
            f"no issuer in the bundle: none of the {count} certificate{'s' if count != 1 else ''} in "
            f"{names[1]} is named {name_of(cert, 'issuer')}, the issuer {names[0]} names "
            "(give the issuer's certificate, or a bundle that holds it)"
        )
    key = safe.public_key(issuer_cert)
    if isinstance(key, safe.Unreadable):
        raise InvalidInput(f"{names[1]}: the issuer's key cannot be read: {key.sentence}")
    oid = cert.signature_algorithm_oid
    algorithm = safe.algorithm_name(oid)
    try:
        hash_algo = cert.signature_hash_algorithm
    except Exception:  # an unknown hash OID
        hash_algo = None
    hash_name = hash_algo.name if hash_algo is not None else None
    try:
        params = cert.signature_algorithm_parameters
    except Exception:
        params = None
    subject = name_of(cert, "subject")  # control characters escaped: whoever made it chose it
    issuer_name = name_of(issuer_cert, "subject")
    tbs = cert.tbs_certificate_bytes
    library = _library_verifies(cert, key)
    common = {
        "algorithm": algorithm,
        "algorithm_oid": oid.dotted_string,
        "hash_name": hash_name,
        "subject": subject,
        "issuer": issuer_name,
        "signature": cert.signature,
        "tbs_length": len(tbs),
        "library": library,
    }
    if isinstance(params, padding.PKCS1v15):
        kind: SignatureKind = "pkcs1v15"
    elif isinstance(params, padding.PSS):
        kind = "pss"
    elif isinstance(params, ec.ECDSA):
        kind = "ecdsa"
    elif "ed25519" in algorithm.lower():
        kind = "ed25519"
    elif "ed448" in algorithm.lower():
        kind = "ed448"
    elif "dsa" in algorithm.lower():
        kind = "dsa"
    else:
        kind = "unknown"
    if not isinstance(key, rsa.RSAPublicKey):
        key_name = describe_key(key)
        what = {
            "ecdsa": "an ECDSA signature: a pair (r, s) checked with elliptic-curve point arithmetic "
            "(u1·G + u2·Q must have x = r), not a modular power",
            "ed25519": "an Ed25519 signature: a point R and a scalar S with S·B = R + H(R, A, M)·A; "
            "there is no hash-then-pad block to recover",
            "ed448": "an Ed448 signature (Edwards curve, like Ed25519): no block to recover",
            "dsa": "a DSA signature (r, s) over a prime-order subgroup, not a modular power",
        }.get(kind, f"a {algorithm} signature")
        explanation = (
            f"The issuer's key is {key_name}, so this is {what}. Nothing to raise to e here; "
            f"cryptography's check {'accepts' if library else 'rejects'} it."
        )
        return SignatureCheck(kind, issuer_key=key_name, n=None, e=None, s=None, recovered=None,
                              block=None, tbs_digest=None, by_hand=None, explanation=explanation,
                              **common)  # type: ignore[arg-type]
    numbers = key.public_numbers()
    n, e = numbers.n, numbers.e
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(cert.signature, "big")
    key_name = describe_key(key)
    if kind not in ("pkcs1v15", "pss"):
        refused = safe.signature_hash(cert)
        explanation = (
            f"It is {refused.sentence}: the signature cannot be checked."
            if isinstance(refused, safe.Unreadable)
            else f"The certificate says {algorithm} but the issuer's key is RSA: the two do not fit, "
            "so the signature cannot check."
        )
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=None, block=None,
                              tbs_digest=None, by_hand=False if kind != "unknown" else None,
                              explanation=explanation, **common)  # type: ignore[arg-type]
    if s >= n:
        explanation = "The signature, read as a number, is not below n: it cannot come from this key."
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=None, block=None,
                              tbs_digest=None, by_hand=False, explanation=explanation,
                              **common)  # type: ignore[arg-type]
    recovered = pow(s, e, n)
    block_bytes = recovered.to_bytes(k, "big")
    tbs_digest = None
    if hash_algo is not None:
        h = hashes.Hash(hash_algo)
        h.update(tbs)
        tbs_digest = h.finalize()
    if kind == "pss":
        explanation = (
            "RSASSA-PSS: s^e mod n gives an encoded message ending in 0xbc, holding a masked salt "
            "and a hash (MGF1), not 00 01 FF..FF 00 DigestInfo. Every PSS signature of the same "
            "data differs (random salt); the check unmasks the salt and rehashes. "
            f"cryptography's PSS check {'accepts' if library else 'rejects'} it."
        )
        block = Pkcs1Block(block_bytes, block_bytes[:2], 0, False, None, "PSS encoding, not PKCS#1 v1.5")
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=recovered,
                              block=block, tbs_digest=tbs_digest, by_hand=None,
                              explanation=explanation, **common)  # type: ignore[arg-type]
    block = parse_pkcs1_block(block_bytes)
    info = block.digest_info
    if block.problem is not None or info is None:
        by_hand = False
        explanation = f"The recovered block is not a valid PKCS#1 v1.5 block: {block.problem}."
    elif tbs_digest is None or info.hash_name != hash_name:
        by_hand = False
        explanation = (
            f"The DigestInfo names {info.hash_name} but the certificate declares {hash_name}: mismatch."
        )
    else:
        by_hand = info.digest == tbs_digest
        explanation = (
            f"s^e mod n gave 00 01, {block.padding_length} FF bytes, 00, then a DigestInfo naming "
            f"{info.hash_name}. Its digest {'equals' if by_hand else 'differs from'} the "
            f"{info.hash_name} of the {len(tbs)} to-be-signed bytes"
            + (": the issuer's key made this signature." if by_hand else ": the certificate was changed "
               "after signing, or another key signed it.")
        )
    return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=recovered, block=block,
                          tbs_digest=tbs_digest, by_hand=by_hand, explanation=explanation,
                          **common)  # type: ignore[arg-type]


__all__ = [
    "HASH_OIDS",
    "DigestInfo",
    "Pkcs1Block",
    "SignatureCheck",
    "SignatureKind",
    "check_certificate_signature",
    "parse_digest_info",
    "parse_pkcs1_block",
]
