"""One vocabulary: how keys, key usages, extended key usages, extensions, OIDs and names are named.

Every screen and every ``--json`` names these things through this module, so
the same object reads the same everywhere:

- keys: ``RSA 2048``, ``EC P-256`` (NIST curves by their FIPS 186 names, other
  curves by the library's name), ``Ed25519``, ``Ed448``, ``X25519``, ``X448``,
  ``DSA 2048``, ``DH 2048``; anything else by its class name;
- key usage bits by their RFC 5280 names (``digitalSignature``, ``keyCertSign``...);
- OIDs (extensions, extended key usages, algorithms) by their name, and an
  OID without one by its dotted string (``2.999.3``), never "unknown";
- general names with openssl's prefixes (``DNS:``, ``IP:``, ``email:``...);
- a certificate's subject in brief: its CN, else the whole name.

Only the standard library, cryptography and :mod:`tlsexplorer.core.text`: no
rich, no textual, and nothing of the other x509 modules (they all import this one).
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.x509.oid import NameOID

from tlsexplorer.core.text import name_text, printable

# OIDs -----------------------------------------------------------------------------

#: Names for OIDs the library leaves unnamed (it calls them "Unknown OID").
_MORE_OID_NAMES: dict[str, str] = {
    "2.5.29.37.0": "anyExtendedKeyUsage",  # RFC 5280 §4.2.1.12
}
_LIBRARY_UNNAMED = "Unknown OID"


#: Names already looked up, by OID (a bundle repeats the same few); bounded, as hostile input
#: may carry any number of OIDs.
_NAMES: dict[x509.ObjectIdentifier | str, str] = {}
_MAX_NAMES = 4096


def _lookup(oid: x509.ObjectIdentifier | str) -> str:
    if isinstance(oid, str):
        try:
            oid = x509.ObjectIdentifier(oid)
        except ValueError:
            return ""
    name = _MORE_OID_NAMES.get(oid.dotted_string) or oid._name
    return "" if not name or name == _LIBRARY_UNNAMED else name


def oid_name(oid: x509.ObjectIdentifier | str, *, with_dotted: bool = False) -> str:
    """An OID by its name: ``subjectAltName``, or ``subjectAltName (2.5.29.17)`` with ``with_dotted``.

    An OID without a name is its dotted string (``2.999.3``) either way; so is a
    string that is not an OID at all.
    """
    name = _NAMES.get(oid)
    if name and not with_dotted:
        return name
    if name is None:
        name = _lookup(oid)
        if len(_NAMES) >= _MAX_NAMES:
            _NAMES.clear()
        _NAMES[oid] = name
    if not name:
        return oid if isinstance(oid, str) else oid.dotted_string
    if with_dotted:
        return f"{name} ({oid if isinstance(oid, str) else oid.dotted_string})"
    return name


def extension_name(extension: x509.Extension[x509.ExtensionType] | x509.ObjectIdentifier | str,
                   *, with_dotted: bool = False) -> str:
    """An extension by its name (``basicConstraints``), an unnamed one by its OID (``2.999.3``)."""
    oid = extension.oid if isinstance(extension, x509.Extension) else extension
    return oid_name(oid, with_dotted=with_dotted)


def eku_names(usages: Iterable[x509.ObjectIdentifier]) -> list[str]:
    """Extended key usages by name (``serverAuth``, ``anyExtendedKeyUsage``), unnamed ones dotted."""
    return [oid_name(oid) for oid in usages]


# Key usage --------------------------------------------------------------------------

#: The KeyUsage bits in RFC 5280 order: (cryptography's attribute, the RFC's name).
#: ``nonRepudiation`` is the bit X.509 now calls contentCommitment (cryptography's name).
KEY_USAGE_BITS: tuple[tuple[str, str], ...] = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
    ("encipher_only", "encipherOnly"),
    ("decipher_only", "decipherOnly"),
)


def key_usage_names(usage: x509.KeyUsage) -> list[str]:
    """The key usage bits that are set, by their RFC 5280 names, in the RFC's order.

    encipherOnly and decipherOnly only mean something with keyAgreement (the
    library refuses to read them otherwise), so they are read only then.
    """
    names: list[str] = []
    for attribute, name in KEY_USAGE_BITS:
        if attribute in ("encipher_only", "decipher_only") and not usage.key_agreement:
            continue
        if getattr(usage, attribute):
            names.append(name)
    return names


# Keys -------------------------------------------------------------------------------

#: FIPS 186 names of the NIST curves (the library calls them secp256r1...).
_NIST_CURVES = {
    "secp192r1": "P-192",
    "secp224r1": "P-224",
    "secp256r1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
}

#: Key types of a fixed size: (classes, name, size in bits).
_FIXED_SIZE: tuple[tuple[tuple[type, ...], str, int], ...] = (
    ((ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey), "Ed25519", 256),
    ((ed448.Ed448PublicKey, ed448.Ed448PrivateKey), "Ed448", 456),
    ((x25519.X25519PublicKey, x25519.X25519PrivateKey), "X25519", 256),
    ((x448.X448PublicKey, x448.X448PrivateKey), "X448", 448),
)

_FIXED_BITS = {name: bits for _classes, name, bits in _FIXED_SIZE}

#: Finite-field Diffie-Hellman keys, told by class name: cryptography 50 deprecates the dh classes
#: themselves, and merely naming them warns.
_DH_CLASSES = ("DHPublicKey", "DHPrivateKey")

#: Key types whose name carries their size (RSA 2048); the others' size is implied.
_SIZED_TYPES = ("RSA", "DSA", "DH")


def curve_name(curve: ec.EllipticCurve | str) -> str:
    """``P-256`` for secp256r1 (likewise P-192, P-224, P-384, P-521); other curves as the library
    names them (``secp256k1``, ``brainpoolP256r1``)."""
    name = curve if isinstance(curve, str) else curve.name
    return _NIST_CURVES.get(name, name)


#: The type of each key class met so far (there are a handful).
_TYPE_OF_CLASS: dict[type, str] = {}


def _key_type(key: object) -> str:
    cls = type(key)
    found = _TYPE_OF_CLASS.get(cls)
    if found is None:
        found = cls.__name__
        if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
            found = "RSA"
        elif isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
            found = "EC"
        elif isinstance(key, dsa.DSAPublicKey | dsa.DSAPrivateKey):
            found = "DSA"
        elif cls.__name__ in _DH_CLASSES:
            found = "DH"
        else:
            found = next((name for classes, name, _bits in _FIXED_SIZE if isinstance(key, classes)), found)
        _TYPE_OF_CLASS[cls] = found
    return found


def key_fields(key: object) -> tuple[str, int | None, str | None]:
    """(type, size in bits, curve) of a public or private key: ``("EC", 256, "P-256")``,
    ``("RSA", 2048, None)``, ``("Ed25519", 256, None)``; (class name, None, None) for others."""
    key_type = _key_type(key)
    if key_type == "EC":
        curve = key.curve  # type: ignore[attr-defined]
        return "EC", curve.key_size, curve_name(curve)
    if key_type in _SIZED_TYPES:
        return key_type, key.key_size, None  # type: ignore[attr-defined]
    return key_type, _FIXED_BITS.get(key_type), None


def key_label(key_type: str, bits: int | None, curve: str | None) -> str:
    """The name of a key from its :func:`key_fields`: ``EC P-256``, ``RSA 2048``, ``Ed25519``."""
    if curve:
        return f"{key_type} {curve}"
    if bits and key_type in _SIZED_TYPES:
        return f"{key_type} {bits}"
    return key_type


def describe_key(key: object) -> str:
    """The one name of a public or private key: ``RSA 2048``, ``EC P-256``, ``Ed25519``, ``DSA 2048``."""
    return key_label(*key_fields(key))


def key_article(description: str) -> str:
    """``a`` or ``an`` before a key's name, as it is read aloud (``an RSA``, ``an EC``, ``a DSA``)."""
    return "a" if description.startswith(("DSA", "DH")) else "an"


# Names ----------------------------------------------------------------------------------


def general_name(name: x509.GeneralName, *, escape: bool = False) -> str:
    """``DNS:alice.example.net``, ``IP:127.0.0.1``, ``email:bob@example.net``, ``URI:...``,
    ``DirName:...``, ``RID:...``, ``othername:OID:hex`` (openssl's prefixes).

    The value is as the certificate has it (what ``--json`` carries); ``escape``
    spells out control characters for a terminal (whoever made the certificate chose them).
    """
    value: object = name.value
    if isinstance(name, x509.DNSName):
        text = f"DNS:{value}"
    elif isinstance(name, x509.IPAddress):
        text = f"IP:{value}"
    elif isinstance(name, x509.RFC822Name):
        text = f"email:{value}"
    elif isinstance(name, x509.UniformResourceIdentifier):
        text = f"URI:{value}"
    elif isinstance(name, x509.DirectoryName):
        return f"DirName:{name_text(name.value) if escape else name.value.rfc4514_string()}"
    elif isinstance(name, x509.RegisteredID):
        return f"RID:{name.value.dotted_string}"
    elif isinstance(name, x509.OtherName):
        return f"othername:{name.type_id.dotted_string}:{name.value.hex()}"
    else:
        text = str(name)
    return printable(text) if escape else text


def _common_name(name: x509.Name) -> str | None:
    try:
        values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def short_name(name: x509.Name) -> str:
    """The CN, else the whole name, else ``(empty name)``; control characters escaped
    (whoever made the certificate chose it)."""
    cn = _common_name(name)
    if cn:
        return printable(cn)
    try:
        text = name.rfc4514_string()
    except ValueError:
        text = ""
    return printable(text, backslash=False) or "(empty name)"


__all__ = [
    "KEY_USAGE_BITS",
    "curve_name",
    "describe_key",
    "eku_names",
    "extension_name",
    "general_name",
    "key_article",
    "key_fields",
    "key_label",
    "key_usage_names",
    "oid_name",
    "short_name",
]
