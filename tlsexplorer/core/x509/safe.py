"""The one safe way to read what cryptography parses lazily.

A certificate, CSR or CRL that loads can still raise when a field is read: its
subject (a CN that is not UTF-8, a long-form tag), its key (a type the library
does not know), its signature hash (md2), its extensions (an x400Address in a
SAN, an extension twice). Every field is read here: each reader returns the
value or an :class:`Unreadable` that says, in a plain sentence, which field
failed and why, so the rest of the object is still shown. :func:`explain`
turns any library exception into our words (no ``ParseError { kind: ... }``),
and :func:`load_certificate` / :func:`load_csr` load with a message a person
can act on.

Standard library, cryptography and :mod:`tlsexplorer.core.der` only (plus the
naming vocabulary): every x509, chain, rsa, ca and tls module may import it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes

from tlsexplorer.core.der import children, decode_oid, read_tlv, tbs_names
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.text import printable
from tlsexplorer.core.x509.naming import extension_name, oid_name

T = TypeVar("T")

#: How a name that cannot be read starts where its text would be (``(unreadable subject)``).
UNREADABLE = "(unreadable"


@dataclass(frozen=True)
class Unreadable:
    """A field that could not be read, and why, in a plain sentence."""

    field: str
    """Which field (``subject``, ``issuer``, ``public key``, ``signature algorithm``, ``extensions``...)."""
    sentence: str
    """What is wrong, for people (``the subject's CN is not valid UTF-8``)."""

    @property
    def rule(self) -> str:
        """The lint rule id of the finding (``unreadable-subject``)."""
        return "unreadable-" + self.field.replace(" ", "-")

    def __str__(self) -> str:
        return self.sentence


# Names for algorithms the library refuses, so the message names them, not their OID.
_UNSUPPORTED_NAMES = {
    "1.2.840.113549.1.1.2": "md2",
    "1.2.840.113549.1.1.3": "md4",
    "1.2.840.113549.2.2": "md2",
    "1.2.840.113549.2.4": "md4",
    "1.2.643.2.2.19": "GOST R 34.10-2001",
    "1.2.643.7.1.1.1.1": "GOST R 34.10-2012 (256 bits)",
    "1.2.643.7.1.1.1.2": "GOST R 34.10-2012 (512 bits)",
    "1.2.643.2.2.3": "GOST R 34.11/34.10-2001",
    "1.2.643.7.1.1.3.2": "GOST R 34.10-2012 with Streebog-256",
    "1.2.643.7.1.1.3.3": "GOST R 34.10-2012 with Streebog-512",
    "1.2.156.10197.1.501": "SM2 with SM3",
    "1.2.156.10197.1.301": "SM2",
}

#: Short names of the name attributes people know (the rest by their OID's name).
_ATTRIBUTE_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "DC",
}

#: The string types a name attribute may hold: tag -> (name, how its bytes decode).
_STRING_TAGS: dict[int, tuple[str, str]] = {
    0x0C: ("UTF8String", "utf-8"),
    0x13: ("PrintableString", "ascii"),
    0x14: ("TeletexString", "latin-1"),
    0x16: ("IA5String", "ascii"),
    0x1A: ("VisibleString", "ascii"),
    0x1C: ("UniversalString", "utf-32-be"),
    0x1E: ("BMPString", "utf-16-be"),
}


def algorithm_name(oid: x509.ObjectIdentifier | str) -> str:
    """An algorithm by name, including those the library refuses (``md2``, ``GOST R 34.10-2001``)."""
    dotted = oid if isinstance(oid, str) else oid.dotted_string
    return _UNSUPPORTED_NAMES.get(dotted) or oid_name(oid)


# Library messages in our words ---------------------------------------------------------------

_PARSE_KINDS = {
    "InvalidValue": "a value is not valid",
    "InvalidTag": "an element has a tag that is not valid",
    "InvalidLength": "an element has a length that is not valid",
    "UnexpectedTag": "an element is not the one expected",
    "ShortData": "the data ends too early",
    "ExtraData": "extra bytes follow the data",
    "IntegerOverflow": "a number is too large",
    "InvalidSetOrdering": "a SET is not in DER order",
    "EncodedDefault": "a default value is written out (DER leaves it out)",
    "OidTooLong": "an OID is too long",
    "UnknownDefinedBy": "an element names a type that is not known",
}
_PARSE_ERROR = re.compile(r"ParseError \{ kind: (\w+)")
_LOCATION = re.compile(r'"(?:\w+::)?(\w+)"')


def _parse_error(text: str) -> str | None:
    match = _PARSE_ERROR.search(text)
    if match is None:
        return None
    sentence = _PARSE_KINDS.get(match.group(1), "its DER is malformed")
    place = text[text.find("location:") :] if "location:" in text else ""
    fields = [f for f in _LOCATION.findall(place) if not f[0].isupper()]
    if fields:
        sentence += f" in {fields[-1].replace('_', ' ')}"
    return f"its DER is malformed: {sentence}"


_DEBUG_ALGORITHM = re.compile(r"AlgorithmIdentifier \{.*", re.S)
_DEBUG_OID = re.compile(r"oid: (\d+(?:\.\d+)+)")


def verifier_text(text: str) -> str:
    """The verifier's message without the library's debug dump of an algorithm
    (``AlgorithmIdentifier { oid: DefinedByMarker(...) ... }`` becomes ``md2``)."""
    match = _DEBUG_ALGORITHM.search(text)
    if match is None:
        return text
    oid = _DEBUG_OID.search(match.group(0))
    return text[: match.start()] + (algorithm_name(oid.group(1)) if oid else "an algorithm it does not know")


def explain(exc: BaseException) -> str:
    """A library exception in our words: never ``ParseError { kind: ... }`` or a link to the docs."""
    if isinstance(exc, InvalidInput):
        return exc.message
    if isinstance(exc, x509.InvalidVersion):
        number = getattr(exc, "parsed_version", None)
        what = "CSR" if "CSR" in str(exc) else "X.509"
        if isinstance(number, int) and what == "CSR":
            return f"its version field says {number}; a CSR's is always 0 (v1)"
        if isinstance(number, int):
            return f"its version field says v{number + 1}; X.509 has only v1, v2 and v3"
        return f"its version field is not one {what} defines"
    if isinstance(exc, x509.DuplicateExtension):
        return f"the {extension_name(exc.oid)} extension appears twice"
    if isinstance(exc, x509.UnsupportedGeneralNameType):
        return "a name in it is an x400Address or ediPartyName, which nothing here reads"
    if isinstance(exc, UnsupportedAlgorithm):
        found = re.search(r"(\d+(?:\.\d+)+)", str(exc))
        if found and "key" in str(exc).lower():
            return f"its key is of a type not supported here ({algorithm_name(found.group(1))})"
        if found:
            return f"it uses {algorithm_name(found.group(1))}, which is not supported here"
        if "signed structures" in str(exc) or "NID for this data" in str(exc):
            return "it is PKCS#7 data of another kind (enveloped or encrypted), not a certificate bundle"
        return "it uses an algorithm that is not supported here"
    text = str(exc).strip()
    parsed = _parse_error(text)
    if parsed:
        return parsed
    if "Long-form tags" in text:
        return "a name attribute uses a long-form tag"
    if "Unable to load PEM" in text or "cryptography.io" in text:
        return "its PEM block is not valid (damaged base64 or the wrong label)"
    sure = re.search(r"Are you sure this is an? ([\w ]+)\?", text)
    if sure:
        return f"its PEM block is not a {sure.group(1)} (it has another label)"
    if "Could not deserialize key data" in text:
        return "it is not a key this library can read (damaged, or of a type not supported)"
    if isinstance(exc, KeyError):
        return "an element has a type that is not allowed there"
    first = text.splitlines()[0] if text else exc.__class__.__name__
    return printable(first[:160])


# Names, read from the DER when the library cannot ---------------------------------------------


_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]*")


def _value_problem(tag: int, value: bytes, attribute: str, role: str) -> str | None:
    where = f"the {role}'s {attribute}"
    if tag > 0xFF:
        return f"{where} uses a long-form tag"
    if tag in _STRING_TAGS:
        kind, codec = _STRING_TAGS[tag]
        try:
            text = value.decode(codec)
        except UnicodeDecodeError:
            return f"{where} is not valid {'UTF-8' if codec == 'utf-8' else kind}"
        if kind == "PrintableString" and not _PRINTABLE.fullmatch(text):
            return f"{where} holds characters a PrintableString cannot"
        return None
    if tag == 0x03 and attribute != "x500UniqueIdentifier":
        return f"{where} is a BIT STRING, which only x500UniqueIdentifier may be"
    return f"{where} has a value of a type no name uses (tag 0x{tag:02x})"


def name_problem(name_der: bytes, role: str) -> str:
    """Why the Name in ``name_der`` cannot be read, found by walking its DER
    (``the subject's CN is not valid UTF-8``)."""
    try:
        _tag, start, end = read_tlv(name_der, 0)
        for _t, _s, set_start, set_end in children(name_der, start, end):
            for _t2, _s2, atv_start, atv_end in children(name_der, set_start, set_end):
                parts = children(name_der, atv_start, atv_end)
                if len(parts) != 2 or parts[0][0] != 0x06:
                    return f"the {role} has an attribute that is not an (OID, value) pair"
                dotted = decode_oid(name_der[parts[0][2] : parts[0][3]])
                attribute = _ATTRIBUTE_NAMES.get(dotted) or oid_name(dotted)
                tag, _vs, value_start, value_end = parts[1]
                problem = _value_problem(tag, name_der[value_start:value_end], attribute, role)
                if problem:
                    return problem
    except InvalidInput as exc:
        return f"the {role}'s DER is malformed ({exc})"
    return f"the {role} cannot be read"


def _name_der(obj: Any, role: str) -> bytes | None:
    """The DER of a certificate's, CSR's or CRL's name (``role``: subject or issuer)."""
    try:
        if isinstance(obj, x509.Certificate):
            issuer, subject = tbs_names(obj.tbs_certificate_bytes)
            return subject if role == "subject" else issuer
        if isinstance(obj, x509.CertificateSigningRequest):
            tbs = obj.tbs_certrequest_bytes
            _tag, start, end = read_tlv(tbs, 0)
            item = children(tbs, start, end)[1]
            return tbs[item[1] : item[3]]
        if isinstance(obj, x509.CertificateRevocationList):
            tbs = obj.tbs_certlist_bytes
            _tag, start, end = read_tlv(tbs, 0)
            items = children(tbs, start, end)
            if items[0][0] == 0x02:
                items = items[1:]
            return tbs[items[1][1] : items[1][3]]
    except (InvalidInput, IndexError, ValueError):
        return None
    return None


# The readers --------------------------------------------------------------------------------------


def attempt(read: Callable[[], T], field: str) -> T | Unreadable:
    """``read()``, or an :class:`Unreadable` naming ``field`` and why (any exception, warnings silenced)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read()
    except Exception as exc:  # the library fails in ways it does not document
        return Unreadable(field, f"the {field} cannot be read: {explain(exc)}")


def name(obj: Any, role: str = "subject") -> x509.Name | Unreadable:
    """The subject (or issuer) of a certificate, CSR (subject) or CRL (issuer)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value: x509.Name = obj.subject if role == "subject" else obj.issuer
            value.rfc4514_string()  # reading every attribute is where strange values fail
            return value
    except Exception as exc:
        raw = _name_der(obj, role)
        if raw is not None:
            problem = name_problem(raw, role)
            if not problem.endswith("cannot be read"):
                return Unreadable(role, problem)
        return Unreadable(role, f"the {role} cannot be read: {explain(exc)}")


def name_string(obj: Any, role: str = "subject") -> str:
    """The RFC 4514 text of a name, escaped for a terminal, or ``(unreadable: why)``."""
    from tlsexplorer.core.text import rfc4514

    found = name(obj, role)
    return f"(unreadable: {found.sentence})" if isinstance(found, Unreadable) else rfc4514(found)


def rfc4514_or_none(obj: Any, role: str = "subject") -> str | None:
    """The RFC 4514 string of a name as the library writes it (for ``--json``), None when unreadable."""
    found = name(obj, role)
    return None if isinstance(found, Unreadable) else found.rfc4514_string()


def short(obj: Any, role: str = "subject") -> str:
    """A name in brief (its CN, else the whole name), or ``(unreadable subject)``."""
    from tlsexplorer.core.x509.naming import short_name

    found = name(obj, role)
    return f"(unreadable {role})" if isinstance(found, Unreadable) else short_name(found)


def _spki_oid(obj: Any) -> str | None:
    oid = attempt(lambda: obj.public_key_algorithm_oid, "public key")
    return None if isinstance(oid, Unreadable) else str(oid.dotted_string)


def public_key(obj: Any) -> Any:
    """The public key of a certificate or CSR (or a private key's), or :class:`Unreadable`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return obj.public_key()
    except Exception as exc:
        dotted = _spki_oid(obj)
        if isinstance(exc, UnsupportedAlgorithm) and dotted:
            return Unreadable(
                "public key", f"its key is of a type not supported here ({algorithm_name(dotted)})"
            )
        return Unreadable("public key", f"its public key cannot be read: {explain(exc)}")


def signature_hash(obj: Any) -> hashes.HashAlgorithm | Unreadable | None:
    """The hash a certificate, CSR or CRL was signed with (None for Ed25519), or why it is refused."""
    try:
        return obj.signature_hash_algorithm  # type: ignore[no-any-return]
    except Exception as exc:
        algorithm = algorithm_name(obj.signature_algorithm_oid)
        if isinstance(exc, UnsupportedAlgorithm):
            return Unreadable("signature algorithm", f"signed with {algorithm}, which nothing supports")
        return Unreadable("signature algorithm", f"its signature algorithm {algorithm} cannot be read")


def extensions(obj: Any) -> x509.Extensions | Unreadable:
    """The extensions of a certificate, CSR or CRL, or why they cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return obj.extensions  # type: ignore[no-any-return]
    except Exception as exc:
        return Unreadable("extensions", f"the extensions cannot be read: {explain(exc)}")


def version(cert: x509.Certificate) -> int | Unreadable:
    """The certificate's version as people count (1 or 3), or why it cannot be read."""
    found = attempt(lambda: cert.version, "version")
    return found if isinstance(found, Unreadable) else found.value + 1


def attributes(csr: x509.CertificateSigningRequest) -> x509.Attributes | Unreadable:
    """A CSR's attributes, or why they cannot be read (an attribute with no value)."""
    try:
        return csr.attributes
    except Exception as exc:
        text = str(exc)
        if "single-valued" in text:
            return Unreadable("attributes", "an attribute has no value or several (one is allowed)")
        return Unreadable("attributes", f"the attributes cannot be read: {explain(exc)}")


def problems(obj: Any) -> tuple[Unreadable, ...]:
    """Every lazily parsed field of a certificate, CSR or CRL that cannot be read."""
    found: list[Any] = []
    if isinstance(obj, x509.Certificate):
        found += [
            version(obj),
            attempt(lambda: obj.serial_number, "serial number"),
            name(obj, "subject"),
            name(obj, "issuer"),
        ]
    elif isinstance(obj, x509.CertificateSigningRequest):
        found += [name(obj, "subject"), attributes(obj)]
    elif isinstance(obj, x509.CertificateRevocationList):
        found += [name(obj, "issuer")]
    if isinstance(obj, x509.Certificate | x509.CertificateSigningRequest):
        found.append(public_key(obj))
    found += [signature_hash(obj), extensions(obj)]
    return tuple(f for f in found if isinstance(f, Unreadable))


#: Hashes the library refuses in signatures (it checks none of them).
_REFUSED_HASHES = {"sha1": "SHA-1", "md5": "MD5"}


def csr_signature(csr: x509.CertificateSigningRequest) -> tuple[bool, str]:
    """(whether the CSR's signature checks with its own key, why it was not checked).

    The library refuses SHA-1 (and MD5) signatures outright: such a CSR is not
    "altered", its signature is of a kind nothing accepts any more.
    """
    algorithm = signature_hash(csr)
    if isinstance(algorithm, Unreadable):
        return False, algorithm.sentence
    refused = _REFUSED_HASHES.get(algorithm.name) if algorithm is not None else None
    if refused:
        return False, f"it is signed with {refused}, and {refused} signatures are refused"
    try:
        return bool(csr.is_signature_valid), ""
    except Exception as exc:
        return False, f"its signature cannot be checked: {explain(exc)}"


# Loading, in our words ---------------------------------------------------------------------------

_DSA_OID = "1.2.840.10040.4.1"


def _dsa_without_parameters(der: bytes) -> bool:
    """A certificate whose DSA key inherits its parameters from the issuer (RFC 3279 2.3.2)."""
    try:
        _t, start, end = read_tlv(der, 0)
        tbs = children(der, start, end)[0]
        fields = children(der, tbs[2], tbs[3])
        if fields[0][0] == 0xA0:
            fields = fields[1:]
        spki = fields[5]
        alg = children(der, spki[2], spki[3])[0]
        parts = children(der, alg[2], alg[3])
        return decode_oid(der[parts[0][2] : parts[0][3]]) == _DSA_OID and len(parts) == 1
    except (InvalidInput, IndexError):
        return False


def load_error(exc: BaseException, der: bytes, what: str = "certificate") -> str:
    """Why ``der`` does not load as a ``what``, in our words."""
    if what == "certificate" and _dsa_without_parameters(der):
        return (
            "its DSA key inherits its parameters from its issuer (RFC 3279), "
            "which this library does not support"
        )
    return explain(exc)


def certificate_der(cert: x509.Certificate) -> bytes:
    """The certificate's DER.

    The encoding enum comes from the module the library defines it in (``_serialization``, which
    its key classes load anyway): ``serialization``, the public package that re-exports the same
    object, also loads the SSH key code, every cipher and bcrypt, about 13 ms that ``verify``
    does not otherwise need (tests/core/test_verify_imports.py holds the two equal).
    """
    from cryptography.hazmat.primitives._serialization import Encoding

    return cert.public_bytes(Encoding.DER)


def load_certificate(der: bytes, where: str = "the certificate") -> x509.Certificate:
    """A DER certificate, loaded.

    Raises:
        InvalidInput: it does not load, saying why in our words.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x509.load_der_x509_certificate(der)
    except Exception as exc:
        raise InvalidInput(f"{where} cannot be read: {load_error(exc, der)}") from None


def load_csr(data: bytes, where: str = "not a readable CSR") -> x509.CertificateSigningRequest:
    """A CSR in PEM or DER, loaded.

    Raises:
        InvalidInput: it does not load, saying why in our words.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if b"-----BEGIN" in data:
                return x509.load_pem_x509_csr(data)
            return x509.load_der_x509_csr(data)
    except Exception as exc:
        raise InvalidInput(f"{where}: {load_error(exc, data, 'csr')}") from None


__all__ = [
    "UNREADABLE",
    "Unreadable",
    "algorithm_name",
    "attempt",
    "attributes",
    "certificate_der",
    "csr_signature",
    "explain",
    "extensions",
    "load_certificate",
    "load_csr",
    "load_error",
    "name",
    "name_problem",
    "name_string",
    "problems",
    "public_key",
    "rfc4514_or_none",
    "short",
    "signature_hash",
    "verifier_text",
    "version",
]
