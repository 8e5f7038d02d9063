"""Issuing certificates, CSRs and CRLs with the cryptography library.

This is the one place that builds X.509 objects. The defaults are what strict
clients accept (Python 3.13's VERIFY_X509_STRICT, openssl -x509_strict, Go,
browsers): critical basic constraints, critical key usage right for the role,
EKU on leaves, SKI everywhere, AKI on everything not self-signed, the CN also
in the SAN, a random positive serial of at most 20 bytes, SHA-256.

Every deviation (the course's CN-and-SAN-only style, or a deliberately broken
certificate) is an explicit field of :class:`CertificateSpec`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.timeutil import as_utc
from tlsexplorer.core.x509.naming import (
    describe_key,
    eku_names,
    extension_name,
    general_name,
    key_usage_names,
)
from tlsexplorer.core.x509.safe import csr_signature

PrivateKey: TypeAlias = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey
)
PublicKey: TypeAlias = (
    rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
)
KeyType = Literal["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519"]
Role = Literal["root", "intermediate", "server", "client"]
HashName = Literal["sha256", "sha384", "sha512"]
SigningHash: TypeAlias = hashes.SHA256 | hashes.SHA384 | hashes.SHA512

#: Key types offered everywhere, in the order menus show them.
KEY_TYPES: tuple[KeyType, ...] = ("rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519")

#: Leaf validity that every browser accepts (CA/Browser Forum: at most 398 days).
DEFAULT_LEAF_DAYS = 397
#: Validity of a new CA by default (10 years).
DEFAULT_CA_DAYS = 3650

#: The longest common name X.509 allows (RFC 5280's ub-common-name), counted in UTF-8 bytes as
#: the library counts it (one byte per character for ASCII).
CN_MAX = 64

#: The largest path length a CA may get: the largest every verifier reads (a 32-bit signed int).
MAX_PATH_LENGTH = 2**31 - 1


def _unknown_key_type(value: str) -> UsageError:
    return UsageError(f"unknown key type {value!r}; choose one of {', '.join(KEY_TYPES)}")


def parse_key_type(value: str) -> KeyType:
    """``value`` as one of :data:`KEY_TYPES`.

    Raises:
        UsageError: it is not one of them (the choices are listed).
    """
    for known in KEY_TYPES:
        if value == known:
            return known
    raise _unknown_key_type(value)


def generate_private_key(key_type: KeyType) -> PrivateKey:
    """Generate a new private key of one of :data:`KEY_TYPES`."""
    if key_type.startswith("rsa"):
        bits = int(key_type[3:])
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    if key_type == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise _unknown_key_type(key_type)


class SubjectName(x509.Name):
    """A subject made by :func:`build_name`: an ``x509.Name``, plus the names too long for its CN.

    A leaf's host name or e-mail address over :data:`CN_MAX` characters cannot
    be the CN; it is kept here and goes in the SAN alone
    (:func:`leaf_sans`, :func:`create_csr`).
    """

    def __init__(
        self, attributes: Sequence[x509.NameAttribute[str]], san_only: tuple[x509.GeneralName, ...] = ()
    ) -> None:
        super().__init__(list(attributes))
        self.san_only = san_only
        """The names that go in the SAN only."""


def san_only_names(subject: x509.Name) -> tuple[x509.GeneralName, ...]:
    """The names of ``subject`` too long for its CN, that go in the SAN alone (see :class:`SubjectName`)."""
    return subject.san_only if isinstance(subject, SubjectName) else ()


def _cn_too_long(name: str) -> UsageError:
    size = len(name.encode("utf-8", "surrogatepass"))
    shown = name if len(name) <= 40 else name[:39] + "…"
    count = f"{size} characters" if name.isascii() else f"{size} bytes in UTF-8"
    return UsageError(f"a CN holds at most {CN_MAX} characters and {shown!r} has {count}")


def check_common_name(name: str, *, ca: bool) -> x509.GeneralName | None:
    """The CN rule, for the CLI and the CA workbench alike.

    A name of at most :data:`CN_MAX` characters is the CN (None). A longer
    host name or e-mail address of a leaf goes in the SAN alone: its SAN entry
    is returned. A CA's name must fit in its CN.

    Raises:
        UsageError: a CA name over the limit, or a longer leaf name that is no
            DNS name, IP address or e-mail address.
    """
    text = name.strip()
    if len(text.encode("utf-8", "surrogatepass")) <= CN_MAX:
        return None
    if ca:
        raise UsageError(f"{_cn_too_long(text)}; give the CA a shorter name")
    try:
        return parse_san(text)
    except UsageError:
        raise UsageError(
            f"{_cn_too_long(text)}; a host name or e-mail address this long goes in the SAN alone, "
            "other names must be shorter"
        ) from None


def build_name(
    cn: str | None = None,
    *,
    o: str | None = None,
    ou: str | None = None,
    c: str | None = None,
    st: str | None = None,
    l: str | None = None,  # noqa: E741 - the X.500 attribute is called L
) -> x509.Name:
    """Build a distinguished name from the usual fields, in C, ST, L, O, OU, CN order.

    A ``cn`` over :data:`CN_MAX` characters that is a host name or e-mail
    address is left out of the name and kept for the SAN
    (:func:`check_common_name`, :class:`SubjectName`).

    Raises:
        UsageError: a country that is not two letters, a CN too long that
            cannot go in a SAN, or no field at all.
    """
    if c is not None:
        check_country(c)
    long_name = check_common_name(cn, ca=False) if cn else None
    if long_name is not None:
        cn = None
    pairs = [
        (NameOID.COUNTRY_NAME, c),
        (NameOID.STATE_OR_PROVINCE_NAME, st),
        (NameOID.LOCALITY_NAME, l),
        (NameOID.ORGANIZATION_NAME, o),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        (NameOID.COMMON_NAME, cn),
    ]
    attributes = [x509.NameAttribute(oid, value) for oid, value in pairs if value]
    if not attributes and long_name is None:
        raise UsageError("a name needs at least one field (a common name, say)")
    return SubjectName(attributes, () if long_name is None else (long_name,))


def check_path_length(path_length: int | None) -> None:
    """Refuse a path length below 0 or above :data:`MAX_PATH_LENGTH` (None: no limit).

    Raises:
        UsageError: out of range.
    """
    if path_length is None:
        return
    if path_length < 0:
        raise UsageError(f"the path length must be 0 or more, not {path_length}")
    if path_length > MAX_PATH_LENGTH:
        shown = str(path_length) if path_length < 10**30 else "a number that long"
        raise UsageError(f"the path length must be at most {MAX_PATH_LENGTH:,} (what every verifier reads), "
                         f"not {shown}; a handful is plenty")


def check_country(c: str) -> None:
    """Refuse a country that is not a two-letter code.

    Raises:
        UsageError: not two letters.
    """
    if len(c) != 2 or not c.isalpha():
        raise UsageError(f"country {c!r} must be a two-letter code such as US or DE")


def parse_san(value: str) -> x509.GeneralName:
    """Turn ``alice.example.net``, ``*.example.net``, ``127.0.0.1``, ``::1`` or
    ``bob@example.net`` into the right kind of subject alternative name.

    Raises:
        UsageError: an empty value or one that is none of these.
    """
    text = value.strip()
    if not text:
        raise UsageError("an empty subject alternative name was given")
    try:
        return x509.IPAddress(ipaddress.ip_address(text))
    except ValueError:
        pass
    if "@" in text:
        local, _, domain = text.partition("@")
        if not local or "." not in domain:
            raise UsageError(f"{value!r} is not an email address")
        return x509.RFC822Name(text)
    label_chars = set("abcdefghijklmnopqrstuvwxyz0123456789-.*")
    if not set(text.lower()) <= label_chars or ".." in text or text.startswith("."):
        raise UsageError(
            f"{value!r} is not a DNS name, an IP address or an email address"
        )
    if text.rstrip(".").rsplit(".", 1)[-1].isdigit():
        raise UsageError(f"{value!r} looks like an IP address but is not one (four parts 0-255: 127.0.0.1)")
    if "*" in text and not (text.startswith("*.") and "*" not in text[1:]):
        raise UsageError(f"{value!r}: a wildcard may only be the whole leftmost label (*.example.net)")
    return x509.DNSName(text.lower())


def parse_network(value: str) -> x509.GeneralName:
    """Turn ``example.net`` or ``10.0.0.0/8`` into a name-constraints subtree.

    Raises:
        UsageError: neither a DNS domain nor an IP range (with a ``/``, what is
            wrong with the range: the address, the prefix length, or host bits).
    """
    text = value.strip()
    if "/" in text:
        address, _, prefix = text.partition("/")
        try:
            bits = ipaddress.ip_address(address).max_prefixlen
        except ValueError:
            raise UsageError(
                f"{value!r} is not an IP range: {address!r} is not an IP address (a range is 10.0.0.0/8)"
            ) from None
        if not prefix.isdigit() or int(prefix) > bits:
            raise UsageError(f"{value!r} is not an IP range: the prefix length after / must be 0-{bits}")
        try:
            return x509.IPAddress(ipaddress.ip_network(text, strict=True))
        except ValueError:
            meant = ipaddress.ip_network(text, strict=False)
            raise UsageError(
                f"{value!r} is not an IP range: bits are set after the first {prefix}; did you mean {meant}?"
            ) from None
    name = parse_san(text.lstrip("."))
    if not isinstance(name, x509.DNSName) or "*" in name.value:
        raise UsageError(f"{value!r} is not a DNS domain or an IP range such as 10.0.0.0/8")
    return name


def random_serial() -> int:
    """A random positive serial number of 159 bits (fits in 20 bytes, RFC 5280)."""
    return secrets.randbits(159) | (1 << 158)


def hash_for(key: PrivateKey, name: HashName | None) -> SigningHash | None:
    """The hash to sign with: none for Ed25519/Ed448, else the named one."""
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    table: dict[str, SigningHash] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    return table[name or "sha256"]


ROLE_KEY_USAGE: dict[Role, dict[str, bool]] = {
    "root": {"key_cert_sign": True, "crl_sign": True, "digital_signature": True},
    "intermediate": {"key_cert_sign": True, "crl_sign": True, "digital_signature": True},
    "server": {"digital_signature": True, "key_encipherment": True},
    "client": {"digital_signature": True},
}
"""Key usage bits each role gets by default."""

ROLE_EKU: dict[Role, tuple[x509.ObjectIdentifier, ...]] = {
    "root": (),
    "intermediate": (),
    "server": (ExtendedKeyUsageOID.SERVER_AUTH,),
    "client": (ExtendedKeyUsageOID.CLIENT_AUTH,),
}
"""Extended key usages each role gets by default (none for CAs)."""


def key_usage(bits: dict[str, bool], public_key: PublicKey) -> x509.KeyUsage:
    """Build a KeyUsage from the set bits; key encipherment is dropped for
    non-RSA keys (an EC or Ed25519 key cannot encipher)."""
    encipher = bits.get("key_encipherment", False) and isinstance(public_key, rsa.RSAPublicKey)
    return x509.KeyUsage(
        digital_signature=bits.get("digital_signature", False),
        content_commitment=bits.get("content_commitment", False),
        key_encipherment=encipher,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=bits.get("key_cert_sign", False),
        crl_sign=bits.get("crl_sign", False),
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class CertificateSpec:
    """Everything that goes into one certificate besides the keys.

    The defaults give a certificate strict clients accept; each switch that
    turns a default off exists for the course-style certificate and the
    break-it lab.
    """

    subject: x509.Name
    """Who the certificate names."""
    role: Role
    """root, intermediate, server or client."""
    not_before: dt.datetime
    """Start of validity (UTC)."""
    not_after: dt.datetime
    """End of validity (UTC)."""
    sans: tuple[x509.GeneralName, ...] = ()
    """Subject alternative names (DNS, IP, email)."""
    path_length: int | None = None
    """For CAs: how many CAs may follow below this one (None: no limit)."""
    permitted: tuple[x509.GeneralName, ...] = ()
    """Name constraints: permitted subtrees (CAs only)."""
    excluded: tuple[x509.GeneralName, ...] = ()
    """Name constraints: excluded subtrees (CAs only)."""
    serial: int | None = None
    """Serial number; random when None."""
    hash_name: HashName = "sha256"
    """Signature hash (ignored for Ed25519)."""
    basic_constraints: bool = True
    """Include basic constraints (critical)."""
    key_usage: bool = True
    """Include key usage (critical), right for the role."""
    key_usage_bits: dict[str, bool] | None = None
    """Override the role's key usage bits."""
    extended_key_usage: tuple[x509.ObjectIdentifier, ...] | None = None
    """EKU OIDs; None means the role's default, () means no EKU extension."""
    key_identifiers: bool = True
    """Include SKI, and AKI when not self-signed."""
    cn_in_san: bool = True
    """Add the subject's CN to the SAN when it is not there (leaves only)."""
    include_san: bool = True
    """Include the SAN extension at all (False makes a CN-only certificate)."""
    extra_extensions: tuple[tuple[x509.ExtensionType, bool], ...] = field(default=())
    """Further extensions as (value, critical)."""

    @property
    def is_ca(self) -> bool:
        """True for root and intermediate."""
        return self.role in ("root", "intermediate")


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode()


def leaf_sans(spec: CertificateSpec) -> tuple[x509.GeneralName, ...]:
    """The SANs a certificate gets: the spec's, plus the CN when asked and missing (and a
    leaf's name too long for the CN, always)."""
    sans = list(spec.sans)
    if not spec.is_ca:
        sans[:0] = [name for name in san_only_names(spec.subject) if name not in sans]
    cn = _common_name(spec.subject)
    if spec.cn_in_san and not spec.is_ca and cn:
        try:
            name = parse_san(cn)
        except UsageError:
            name = None
        if name is not None and name not in sans:
            sans.insert(0, name)
    return tuple(sans)


def issue_certificate(
    spec: CertificateSpec,
    public_key: PublicKey,
    signing_key: PrivateKey,
    issuer: x509.Certificate | None = None,
) -> x509.Certificate:
    """Build and sign one certificate.

    Args:
        spec: what goes in it.
        public_key: the subject's public key.
        signing_key: the issuer's private key (the subject's own for a root).
        issuer: the issuer's certificate; None makes it self-signed.

    Raises:
        UsageError: validity that ends before it starts, a role that does
            not fit (a root with an issuer), a path length out of range, or
            a name too long for the CN of a CA (or of a CN-only certificate).
    """
    not_before, not_after = as_utc(spec.not_before), as_utc(spec.not_after)
    if not_after <= not_before:
        raise UsageError("the certificate would end before it starts; check the validity dates")
    check_path_length(spec.path_length)
    for long_name in san_only_names(spec.subject):
        if spec.is_ca:
            check_common_name(str(long_name.value), ca=True)
        if not spec.include_san:
            raise UsageError(f"{_cn_too_long(str(long_name.value))}; a CN-only certificate needs a name "
                             "that fits in the CN")
    if spec.role == "root" and issuer is not None:
        raise UsageError("a root CA signs itself; it has no issuer")
    issuer_name = issuer.subject if issuer is not None else spec.subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(spec.subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(spec.serial if spec.serial is not None else random_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if spec.basic_constraints:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=spec.is_ca, path_length=spec.path_length if spec.is_ca else None),
            critical=True,
        )
    if spec.key_usage:
        bits = spec.key_usage_bits or ROLE_KEY_USAGE[spec.role]
        builder = builder.add_extension(key_usage(bits, public_key), critical=True)
    ekus = ROLE_EKU[spec.role] if spec.extended_key_usage is None else spec.extended_key_usage
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)
    sans = leaf_sans(spec)
    if spec.include_san and sans:
        # RFC 5280 4.2.1.6: with an empty subject the SAN is critical.
        builder = builder.add_extension(
            x509.SubjectAlternativeName(list(sans)), critical=not list(spec.subject)
        )
    if spec.is_ca and (spec.permitted or spec.excluded):
        builder = builder.add_extension(
            x509.NameConstraints(
                permitted_subtrees=list(spec.permitted) or None,
                excluded_subtrees=list(spec.excluded) or None,
            ),
            critical=True,
        )
    if spec.key_identifiers:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
        if issuer is not None:
            builder = builder.add_extension(
                authority_key_identifier(issuer), critical=False
            )
    for extension, critical in spec.extra_extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hash_for(signing_key, spec.hash_name))


def adhoc_spec(now: dt.datetime, host: str = "localhost") -> CertificateSpec:
    """A throwaway self-signed server certificate, as Flask's ``ssl_context='adhoc'`` makes one (werkzeug's
    ``generate_adhoc_ssl_pair``: O=Dummy Certificate, the name in the CN and SAN, serverAuth, a year)."""
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dummy Certificate"),
                         x509.NameAttribute(NameOID.COMMON_NAME, host)])
    return CertificateSpec(subject, "server", now, now + dt.timedelta(days=365), sans=(x509.DNSName(host),),
                           basic_constraints=False, key_usage=False, key_identifiers=False)


def one_liner_spec(now: dt.datetime, public_key: PublicKey, cn: str = "localhost",
                   days: int = 30) -> CertificateSpec:
    """What ``openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost`` makes with OpenSSL 3's
    default configuration (``v3_ca``): the name in the CN only, no SAN, critical CA:TRUE, SKI and an AKI
    naming itself."""
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key)
    return CertificateSpec(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]), "root", now,
                           now + dt.timedelta(days=days), key_usage=False, include_san=False,
                           extra_extensions=((aki, False),))


def authority_key_identifier(issuer: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    """The AKI pointing at ``issuer``: its SKI when it has one, else computed."""
    try:
        ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.public_key()  # type: ignore[arg-type]
        )
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def check_url(url: str, what: str) -> str:
    """``url`` if it is an http:// URL a CRL or OCSP client can fetch (what clients and
    ``core/fetch.py`` read; RFC 5280 also allows LDAP, which nothing here fetches).

    Raises:
        UsageError: another scheme, no host, or characters a URL may not hold.
    """
    from urllib.parse import urlsplit

    text = url
    parts = urlsplit(text)
    if parts.scheme.lower() != "http" or not parts.hostname:
        raise UsageError(f"{what} {url!r} must be an http:// URL with a host (http://127.0.0.1:8080/ca.crl): "
                         "CRL and OCSP clients fetch over plain HTTP, the answers being signed")
    if not text.isascii() or any(c.isspace() or ord(c) < 32 for c in text):
        raise UsageError(f"{what} {url!r} holds spaces or non-ASCII characters; percent-encode them")
    return text


def revocation_pointers(
    crl_url: str | None, ocsp_url: str | None
) -> tuple[tuple[x509.ExtensionType, bool], ...]:
    """The extensions telling a client where to ask whether a certificate was revoked: a CRL
    distribution point and an authority information access OCSP URL (both not critical)."""
    out: list[tuple[x509.ExtensionType, bool]] = []
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        out.append((x509.CRLDistributionPoints([point]), False))
    if ocsp_url:
        where = x509.UniformResourceIdentifier(ocsp_url)
        access = x509.AccessDescription(AuthorityInformationAccessOID.OCSP, where)
        out.append((x509.AuthorityInformationAccess([access]), False))
    return tuple(out)


#: What a delegated OCSP responder's certificate holds besides a leaf's basics: the EKU
#: id-kp-OCSPSigning and id-pkix-ocsp-nocheck (clients do not ask about the responder itself).
OCSP_SIGNER_EXTENSIONS: tuple[tuple[x509.ExtensionType, bool], ...] = ((x509.OCSPNoCheck(), False),)
OCSP_SIGNER_EKU: tuple[x509.ObjectIdentifier, ...] = (ExtendedKeyUsageOID.OCSP_SIGNING,)


def create_csr(
    subject: x509.Name,
    key: PrivateKey,
    sans: Sequence[x509.GeneralName] = (),
    hash_name: HashName = "sha256",
) -> x509.CertificateSigningRequest:
    """Build and sign a certificate signing request, with the SANs requested (and the
    subject's names too long for its CN, :func:`san_only_names`)."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    requested = [name for name in san_only_names(subject) if name not in sans]
    requested.extend(sans)
    if requested:
        builder = builder.add_extension(x509.SubjectAlternativeName(requested), critical=not list(subject))
    return builder.sign(key, hash_for(key, hash_name))


@dataclass(frozen=True)
class Revocation:
    """One entry of a CRL."""

    serial: int
    """The revoked certificate's serial number."""
    revoked_at: dt.datetime
    """When it was revoked."""
    reason: x509.ReasonFlags | None = None
    """Why, when known."""


def create_crl(
    issuer: x509.Certificate,
    signing_key: PrivateKey,
    revocations: Sequence[Revocation],
    last_update: dt.datetime,
    next_update: dt.datetime,
    crl_number: int = 1,
) -> x509.CertificateRevocationList:
    """Build and sign a CRL listing ``revocations``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(as_utc(last_update))
        .next_update(as_utc(next_update))
        .add_extension(x509.CRLNumber(crl_number), critical=False)
        .add_extension(authority_key_identifier(issuer), critical=False)
    )
    for item in revocations:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(item.serial)
            .revocation_date(as_utc(item.revoked_at))
        )
        if item.reason is not None:
            entry = entry.add_extension(x509.CRLReason(item.reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(signing_key, hash_for(signing_key, "sha256"))


def private_key_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    """Serialise a private key as PKCS#8 PEM, encrypted when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def certificate_pem(*certs: x509.Certificate) -> bytes:
    """Serialise certificates as concatenated PEM blocks."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


FlawKind = Literal[
    "expired", "not-yet-valid", "cn-only", "wrong-eku", "no-key-usage", "sha1", "path-length",
    "name-constraints",
]


@dataclass(frozen=True)
class Flaw:
    """One deliberately broken kind of certificate of the break-it lab."""

    kind: FlawKind
    """The name ``--flaw`` takes."""
    label: str
    """A short label shown next to the certificate (``BROKEN: expired``)."""
    explanation: str
    """What is wrong with it and what a strict client says."""


FLAWS: dict[str, Flaw] = {
    flaw.kind: flaw
    for flaw in (
        Flaw("expired", "BROKEN: expired",
             "its validity ended yesterday; every client refuses an expired certificate"),
        Flaw("not-yet-valid", "BROKEN: not yet valid",
             "its validity starts in 30 days; clients refuse it until then"),
        Flaw("cn-only", "BROKEN: CN only, no SAN",
             "the name is only in the subject's CN; browsers (Chrome since 58, in 2017) and the "
             "cryptography verifier match host names against the SAN alone (RFC 6125, CA/B Forum) and "
             "refuse it, while OpenSSL-based clients (curl, openssl, Python's ssl) still fall back to "
             "the CN"),
        Flaw("wrong-eku", "BROKEN: wrong extended key usage",
             "a server certificate that says clientAuth only (or a client one that says serverAuth), "
             "so it may not be used for the other purpose"),
        Flaw("no-key-usage", "BROKEN: no key usage",
             "the leaf and the lab CA above it have no key usage extension, as the course made "
             "them; a leaf may omit it, but strict clients (VERIFY_X509_STRICT, openssl "
             "-x509_strict, the cryptography verifier) refuse a CA without it"),
        Flaw("sha1", "BROKEN (INSECURE): SHA-1 signature",
             "signed with SHA-1, broken for signatures (collisions since 2017); every modern "
             "client refuses it. RSA CAs only"),
        Flaw("path-length", "BROKEN: path length exceeded",
             "issued under a lab CA with path length 0 that signed a further CA; the extra CA "
             "in the path breaks the constraint"),
        Flaw("name-constraints", "BROKEN: name constraints violated",
             "issued under a lab CA whose name constraints exclude this certificate's names"),
    )
}
"""Every flaw kind, in the order menus show them."""


def flaw(kind: str) -> Flaw:
    """The flaw named ``kind``.

    Raises:
        UsageError: no such flaw.
    """
    try:
        return FLAWS[kind]
    except KeyError:
        raise UsageError(f"unknown flaw {kind!r}; choose one of {', '.join(FLAWS)}") from None


def apply_flaw(spec: CertificateSpec, kind: FlawKind, now: dt.datetime) -> CertificateSpec:
    """The spec changed for the flaws that live in the certificate's own fields.

    ``sha1``, ``path-length`` and ``name-constraints`` need a different
    signature or extra CAs and are made by :mod:`tlsexplorer.core.ca.store`;
    for them the spec is returned unchanged.
    """
    now = as_utc(now)
    if kind == "expired":
        return replace(spec, not_before=now - dt.timedelta(days=398), not_after=now - dt.timedelta(days=1))
    if kind == "not-yet-valid":
        start = now + dt.timedelta(days=30)
        return replace(spec, not_before=start, not_after=start + dt.timedelta(days=DEFAULT_LEAF_DAYS))
    if kind == "cn-only":
        return replace(spec, include_san=False)
    if kind == "wrong-eku":
        wrong = ExtendedKeyUsageOID.SERVER_AUTH if spec.role == "client" else ExtendedKeyUsageOID.CLIENT_AUTH
        return replace(spec, extended_key_usage=(wrong,))
    if kind == "no-key-usage":
        return replace(spec, key_usage=False)
    return spec


def describe_extension(value: x509.ExtensionType) -> str:
    """A one-line summary of an extension's value, as openssl's text output has it."""
    if isinstance(value, x509.BasicConstraints):
        text = f"CA:{'TRUE' if value.ca else 'FALSE'}"
        return text + (f", pathlen:{value.path_length}" if value.path_length is not None else "")
    if isinstance(value, x509.KeyUsage):
        return ", ".join(key_usage_names(value)) or "(none)"
    if isinstance(value, x509.ExtendedKeyUsage):
        return ", ".join(eku_names(value))
    if isinstance(value, x509.SubjectAlternativeName):
        return ", ".join(general_name(n) for n in value)
    if isinstance(value, x509.SubjectKeyIdentifier):
        return value.digest.hex()
    if isinstance(value, x509.AuthorityKeyIdentifier):
        return f"keyid:{value.key_identifier.hex()}" if value.key_identifier else "(issuer and serial)"
    if isinstance(value, x509.NameConstraints):
        parts = []
        if value.permitted_subtrees:
            parts.append("permitted " + ", ".join(general_name(n) for n in value.permitted_subtrees))
        if value.excluded_subtrees:
            parts.append("excluded " + ", ".join(general_name(n) for n in value.excluded_subtrees))
        return "; ".join(parts)
    return type(value).__name__


ChangeStatus = Literal["kept", "changed", "added", "dropped"]


@dataclass(frozen=True)
class FieldChange:
    """One line of "what the CA did with your request"."""

    field: str
    """What is compared (subject, a named extension, validity...)."""
    requested: str
    """What the CSR asked for ("" when it said nothing)."""
    issued: str
    """What the certificate has ("" when the CA left it out)."""
    status: ChangeStatus
    """kept, changed, added or dropped."""


def csr_sans(csr: x509.CertificateSigningRequest) -> tuple[x509.GeneralName, ...]:
    """The DNS, IP and email names a CSR asks for (other kinds are not honoured)."""
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return tuple(n for n in ext.value if isinstance(n, x509.DNSName | x509.IPAddress | x509.RFC822Name))


def spec_from_csr(
    csr: x509.CertificateSigningRequest,
    role: Role,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> CertificateSpec:
    """The spec a CA uses for a CSR: the request's subject and SANs, the CA's own policy
    for everything else (basic constraints, key usage, EKU, key identifiers, validity).

    Raises:
        InvalidInput: the CSR's signature does not verify (it was altered, or made
            without the private key), or is of a kind that is refused (SHA-1).
    """
    valid, refused = csr_signature(csr)
    if refused:
        raise InvalidInput(
            f"the CSR's signature was not checked: {refused}; ask for a CSR signed with SHA-256"
        )
    if not valid:
        raise InvalidInput("the CSR's signature does not verify: it was altered or not signed by its key")
    return CertificateSpec(csr.subject, role, not_before, not_after, sans=csr_sans(csr))


def compare_csr(csr: x509.CertificateSigningRequest, cert: x509.Certificate) -> tuple[FieldChange, ...]:
    """What the CA kept, changed or added compared with the request."""
    changes: list[FieldChange] = []

    def add(field_name: str, requested: str, issued: str) -> None:
        if requested and not issued:
            status: ChangeStatus = "dropped"
        elif not requested:
            status = "added"
        else:
            status = "kept" if requested == issued else "changed"
        changes.append(FieldChange(field_name, requested, issued, status))

    add("subject", csr.subject.rfc4514_string(), cert.subject.rfc4514_string())
    same_key = csr.public_key() == cert.public_key()
    key_text = describe_key(csr.public_key())
    add("public key", key_text, key_text if same_key else describe_key(cert.public_key()))
    add("issuer", "", cert.issuer.rfc4514_string())
    add("serial number", "", f"{cert.serial_number:x}")
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    add("validity", "", f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    sig_hash = cert.signature_hash_algorithm
    add("signature", "", f"{sig_hash.name if sig_hash else 'none'} by the CA's key")
    requested = {ext.oid: ext for ext in csr.extensions}
    issued = {ext.oid: ext for ext in cert.extensions}
    for oid in [*requested, *[o for o in issued if o not in requested]]:
        req, got = requested.get(oid), issued.get(oid)
        name = extension_name(oid)
        req_text = describe_extension(req.value) if req else ""
        got_text = describe_extension(got.value) if got else ""
        if req and got and req.critical != got.critical:
            got_text += " (critical)" if got.critical else " (not critical)"
        elif got and got.critical and not req:
            got_text += " (critical)"
        add(name, req_text, got_text)
    return tuple(changes)


__all__ = [
    "CN_MAX",
    "DEFAULT_CA_DAYS",
    "DEFAULT_LEAF_DAYS",
    "FLAWS",
    "KEY_TYPES",
    "MAX_PATH_LENGTH",
    "OCSP_SIGNER_EKU",
    "OCSP_SIGNER_EXTENSIONS",
    "ROLE_EKU",
    "ROLE_KEY_USAGE",
    "CertificateSpec",
    "ChangeStatus",
    "FieldChange",
    "Flaw",
    "FlawKind",
    "HashName",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "Revocation",
    "Role",
    "SubjectName",
    "apply_flaw",
    "authority_key_identifier",
    "build_name",
    "certificate_pem",
    "check_common_name",
    "check_country",
    "check_path_length",
    "check_url",
    "compare_csr",
    "create_crl",
    "create_csr",
    "csr_sans",
    "describe_extension",
    "flaw",
    "generate_private_key",
    "hash_for",
    "issue_certificate",
    "key_usage",
    "leaf_sans",
    "parse_key_type",
    "parse_network",
    "parse_san",
    "private_key_pem",
    "random_serial",
    "revocation_pointers",
    "san_only_names",
    "spec_from_csr",
]
