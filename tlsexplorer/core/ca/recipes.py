"""The same action done by hand: openssl commands and Python with the cryptography library.

For every :class:`~tlsexplorer.core.ca.store.Product`, :func:`recipe_for`
writes the equivalent openssl command line(s) and a complete Python script
(what the course wrote by hand). The script is generated from the certificate
that was actually made, extension by extension, so it makes the same kind of
certificate; it runs as-is in an empty folder (a test does exactly that),
reads the CA from its folder by absolute path, and writes its output next to
itself without overwriting anything. Passphrases are never embedded: the
script reads them from the environment (``CA_PASSPHRASE``, ``KEY_PASSPHRASE``, ``P12_PASSWORD``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shlex
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from tlsexplorer.core.ca.store import CA_CERT, CA_KEY, CHAIN, Product, is_self_signed, sanitize_name
from tlsexplorer.core.timeutil import as_utc
from tlsexplorer.core.x509.naming import KEY_USAGE_BITS, curve_name, eku_names, key_usage_names


@dataclass(frozen=True)
class Recipe:
    """One action by hand."""

    title: str
    """What the recipe does."""
    openssl: tuple[str, ...]
    """Shell commands (OpenSSL 3), one per line."""
    python: str
    """A complete Python script using the cryptography library."""
    notes: tuple[str, ...] = ()
    """Caveats (an openssl option that needs a newer version, SHA-1...)."""


def _constant_names(holder: type) -> dict[x509.ObjectIdentifier, str]:
    return {
        value: name for name, value in vars(holder).items()
        if isinstance(value, x509.ObjectIdentifier) and name.isupper()
    }


_NAME_OIDS = _constant_names(NameOID)
_EKU_OIDS = _constant_names(ExtendedKeyUsageOID)
_OPENSSL_NAME = {
    NameOID.COUNTRY_NAME: "C", NameOID.STATE_OR_PROVINCE_NAME: "ST", NameOID.LOCALITY_NAME: "L",
    NameOID.ORGANIZATION_NAME: "O", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU", NameOID.COMMON_NAME: "CN",
    NameOID.EMAIL_ADDRESS: "emailAddress",
}
#: KeyUsage bits the library lets a KeyUsage hold only together with keyAgreement.
_AGREEMENT_ONLY = ("encipher_only", "decipher_only")


# Python code ---------------------------------------------------------------------


def name_code(name: x509.Name) -> str:
    """``x509.Name([...])`` rebuilding ``name``."""
    parts = []
    for attr in name:
        const = _NAME_OIDS.get(attr.oid)
        oid = f"NameOID.{const}" if const else f"x509.ObjectIdentifier({attr.oid.dotted_string!r})"
        parts.append(f"    x509.NameAttribute({oid}, {attr.value!r}),\n")
    return "x509.Name([\n" + "".join(parts) + "])"


def general_name_code(name: x509.GeneralName) -> str:
    """Python for one SAN or name-constraint subtree."""
    if isinstance(name, x509.DNSName):
        return f"x509.DNSName({name.value!r})"
    if isinstance(name, x509.RFC822Name):
        return f"x509.RFC822Name({name.value!r})"
    if isinstance(name, x509.IPAddress):
        value = name.value
        func = "ip_address" if not hasattr(value, "prefixlen") else "ip_network"
        return f"x509.IPAddress(ipaddress.{func}({str(value)!r}))"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"x509.UniformResourceIdentifier({name.value!r})"
    raise ValueError(f"no recipe for {name!r}")


def extension_code(value: x509.ExtensionType, public_key: str, issuer: str | None) -> str:
    """Python for one extension's value; SKI/AKI are computed from the keys as the CA does."""
    if isinstance(value, x509.BasicConstraints):
        return f"x509.BasicConstraints(ca={value.ca}, path_length={value.path_length})"
    if isinstance(value, x509.KeyUsage):
        bits = [
            f"{bit}={getattr(value, bit) if bit not in _AGREEMENT_ONLY or value.key_agreement else False},"
            for bit, _name in KEY_USAGE_BITS
        ]
        return (
            "x509.KeyUsage(\n        " + " ".join(bits[:3]) + "\n        " + " ".join(bits[3:6])
            + "\n        " + " ".join(bits[6:]) + "\n    )"
        )
    if isinstance(value, x509.ExtendedKeyUsage):
        oids = ", ".join(
            f"ExtendedKeyUsageOID.{_EKU_OIDS[o]}" if o in _EKU_OIDS
            else f"x509.ObjectIdentifier({o.dotted_string!r})" for o in value
        )
        return f"x509.ExtendedKeyUsage([{oids}])"
    if isinstance(value, x509.SubjectAlternativeName):
        return "x509.SubjectAlternativeName([" + ", ".join(general_name_code(n) for n in value) + "])"
    if isinstance(value, x509.NameConstraints):
        permitted = [general_name_code(n) for n in value.permitted_subtrees or ()]
        excluded = [general_name_code(n) for n in value.excluded_subtrees or ()]
        return (
            "x509.NameConstraints(\n"
            f"        permitted_subtrees={'[' + ', '.join(permitted) + ']' if permitted else None},\n"
            f"        excluded_subtrees={'[' + ', '.join(excluded) + ']' if excluded else None},\n"
            "    )"
        )
    if isinstance(value, x509.SubjectKeyIdentifier):
        return f"x509.SubjectKeyIdentifier.from_public_key({public_key})"
    if isinstance(value, x509.AuthorityKeyIdentifier):
        assert issuer is not None
        return (
            "x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(\n"
            f"        {issuer}.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value\n"
            "    )"
        )
    if isinstance(value, x509.CRLDistributionPoints):
        points = ", ".join(
            "x509.DistributionPoint([" + ", ".join(general_name_code(n) for n in p.full_name or ())
            + "], None, None, None)" for p in value
        )
        return f"x509.CRLDistributionPoints([{points}])"
    if isinstance(value, x509.AuthorityInformationAccess):
        access = ", ".join(
            "x509.AccessDescription(x509.oid.AuthorityInformationAccessOID."
            f"{'OCSP' if a.access_method == AuthorityInformationAccessOID.OCSP else 'CA_ISSUERS'}, "
            f"{general_name_code(a.access_location)})" for a in value
        )
        return f"x509.AuthorityInformationAccess([{access}])"
    if isinstance(value, x509.OCSPNoCheck):
        return "x509.OCSPNoCheck()"
    raise ValueError(f"no recipe for {type(value).__name__}")


def keygen_code(public_key: object) -> str:
    """Python that generates a key of the same type as ``public_key``."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"rsa.generate_private_key(public_exponent=65537, key_size={public_key.key_size})"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"ec.generate_private_key(ec.{type(public_key.curve).__name__}())"
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "ed25519.Ed25519PrivateKey.generate()"
    if isinstance(public_key, ed448.Ed448PublicKey):
        return "ed448.Ed448PrivateKey.generate()"
    raise ValueError("no recipe for this key type")


def _time_code(value: dt.datetime, now: dt.datetime) -> str:
    delta = as_utc(value) - as_utc(now).replace(microsecond=0)
    seconds = round(delta.total_seconds())
    if seconds == 0:
        return "now"
    sign = "+" if seconds > 0 else "-"
    seconds = abs(seconds)
    amount = f"days={seconds // 86400}" if seconds % 86400 == 0 else f"seconds={seconds}"
    return f"now {sign} dt.timedelta({amount})"


def _hash_code(signer_public_key: object) -> str:
    if isinstance(signer_public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "None"
    return "hashes.SHA256()"


def certificate_code(
    cert: x509.Certificate,
    var: str,
    *,
    key_var: str,
    signer_key_var: str,
    issuer_var: str | None,
    signer_public_key: object,
    now: dt.datetime,
    subject_expr: str | None = None,
    public_key_expr: str | None = None,
) -> str:
    """Python building ``cert`` again (same fields and extensions, fresh serial)."""
    public_key = public_key_expr or f"{key_var}.public_key()"
    subject = subject_expr or name_code(cert.subject)
    issuer_name = f"{issuer_var}.subject" if issuer_var else f"{var}_name"
    lines = []
    if issuer_var is None and subject_expr is None:
        lines.append(f"{var}_name = {subject}")
        subject = f"{var}_name"
    lines += [
        f"{var} = (",
        "    x509.CertificateBuilder()",
        f"    .subject_name({subject})",
        f"    .issuer_name({issuer_name})",
        f"    .public_key({public_key})",
        "    .serial_number(secrets.randbits(159) | 1 << 158)  # random, positive, at most 20 bytes",
        f"    .not_valid_before({_time_code(cert.not_valid_before_utc, now)})",
        f"    .not_valid_after({_time_code(cert.not_valid_after_utc, now)})",
    ]
    for ext in cert.extensions:
        code = extension_code(ext.value, public_key, issuer_var)
        lines.append(f"    .add_extension({code}, critical={ext.critical})")
    lines.append(f"    .sign({signer_key_var}, {_hash_code(signer_public_key)})")
    lines.append(")")
    return "\n".join(lines) + "\n"


_SHA1_CODE = '''
# cryptography refuses to sign with SHA-1, so re-sign by hand. INSECURE ON PURPOSE:
# swap the signature algorithm inside the to-be-signed part for sha1WithRSAEncryption
# (same length), sign that with SHA-1, and put the certificate back together in DER.
from cryptography.hazmat.primitives.asymmetric import padding


def der(tag: int, body: bytes) -> bytes:
    size = len(body)
    length = bytes([size]) if size < 128 else bytes([0x80 | ((size.bit_length() + 7) // 8)]) + size.to_bytes(
        (size.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")
SHA1_RSA = bytes.fromhex("06092a864886f70d010105")
tbs = {var}.tbs_certificate_bytes.replace(SHA256_RSA, SHA1_RSA, 1)  # the first one is the signature field
signature = {signer}.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
algorithm = der(0x30, SHA1_RSA + b"\\x05\\x00")
{var} = x509.load_der_x509_certificate(der(0x30, tbs + algorithm + der(0x03, b"\\x00" + signature)))
print("signature hash:", {var}.signature_hash_algorithm.name)
'''

_HEADER = '''"""{title}

What `{command}` does, by hand with the cryptography library.
Run it in an empty folder: it writes {outputs} there
and never overwrites a file.
"""

import datetime as dt
import ipaddress
import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def write(path: str, data: bytes, private: bool = False) -> None:
    """Create a new file (never overwrite); keys get mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


now = dt.datetime.now(dt.timezone.utc)
'''


def _key_out_code(key_var: str, encrypted: bool) -> str:
    if encrypted:
        enc = 'serialization.BestAvailableEncryption(os.environ["KEY_PASSPHRASE"].encode())'
        comment = "# the new key is encrypted with the passphrase in $KEY_PASSPHRASE\n"
    else:
        enc = "serialization.NoEncryption()"
        comment = (
            "# the new key is NOT encrypted (mode 0600); use BestAvailableEncryption(b'...') to encrypt\n"
        )
    return (
        f"{comment}{key_var}_pem = {key_var}.private_bytes(\n"
        "    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,\n"
        f"    {enc},\n)\n"
    )


def _load_ca_code(ca_dir: Path, encrypted: bool) -> str:
    password = 'os.environ["CA_PASSPHRASE"].encode()' if encrypted else "None"
    note = "  # the CA key's passphrase comes from $CA_PASSPHRASE" if encrypted else ""
    return (
        f"ca_dir = Path({str(ca_dir.resolve())!r})\n"
        f'ca_cert = x509.load_pem_x509_certificate((ca_dir / "{CA_CERT}").read_bytes())\n'
        f'ca_chain = x509.load_pem_x509_certificates((ca_dir / "{CHAIN}").read_bytes())\n'
        f'ca_key = serialization.load_pem_private_key((ca_dir / "{CA_KEY}").read_bytes(), {password}){note}\n'
    )


def _lab_certs(product: Product) -> list[x509.Certificate]:
    """The break-it lab CAs of a flawed product, nearest the leaf first."""
    return [c for c in product.issuer_chain if "break-it lab" in c.subject.rfc4514_string()]


def _lab_code(product: Product, now: dt.datetime) -> tuple[str, str, str, int]:
    """Code for the lab CAs between the CA and the leaf: (code, signer key, signer cert, count)."""
    lab = _lab_certs(product)
    code = ""
    signer_key, signer_cert = "ca_key", "ca_cert"
    signer_pub: object = product.issuer_chain[len(lab)].public_key()
    for index, cert in enumerate(reversed(lab), start=1):
        var = f"lab{index}"
        code += f"\n# Break-it lab CA {index}: {cert.subject.rfc4514_string()}\n"
        code += f"{var}_key = {keygen_code(cert.public_key())}\n"
        code += certificate_code(cert, var, key_var=f"{var}_key", signer_key_var=signer_key,
                                 issuer_var=signer_cert, signer_public_key=signer_pub, now=now)
        signer_key, signer_cert, signer_pub = f"{var}_key", var, cert.public_key()
    return code, signer_key, signer_cert, len(lab)


def _python(product: Product, now: dt.datetime, ca_dir: Path | None, ca_key_encrypted: bool,
            csr_path: Path | None, title: str, command: str) -> str:
    cert = product.certificate
    if product.action == "csr":
        assert product.csr is not None
        csr = product.csr
        stem = sanitize_name(filed_name(csr))
        body = _HEADER.format(title=title, command=command, outputs=f"{stem}.csr.pem and {stem}.key.pem")
        body += f"\nkey = {keygen_code(csr.public_key())}\n"
        body += "csr = (\n    x509.CertificateSigningRequestBuilder()\n"
        body += f"    .subject_name({name_code(csr.subject)})\n"
        for ext in csr.extensions:
            value = extension_code(ext.value, "key.public_key()", None)
            body += f"    .add_extension({value}, critical={ext.critical})\n"
        body += f"    .sign(key, {_hash_code(csr.public_key())})\n)\n"
        body += _key_out_code("key", bool(product.key_encrypted))
        body += f'write("{stem}.csr.pem", csr.public_bytes(serialization.Encoding.PEM))\n'
        body += f'write("{stem}.key.pem", key_pem, private=True)\n'
        body += f'print("wrote {stem}.csr.pem and {stem}.key.pem")\n'
        return body
    assert cert is not None
    if product.action == "init":
        body = _HEADER.format(title=title, command=command, outputs="ca.pem, ca.key.pem and chain.pem")
        body += f"\nkey = {keygen_code(cert.public_key())}\n"
        body += certificate_code(cert, "cert", key_var="key", signer_key_var="key", issuer_var=None,
                                 signer_public_key=cert.public_key(), now=now)
        body += _key_out_code("key", bool(product.key_encrypted))
        body += 'write("ca.pem", pem(cert))\nwrite("ca.key.pem", key_pem, private=True)\n'
        body += 'write("chain.pem", pem(cert))\nprint("wrote ca.pem, ca.key.pem and chain.pem")\n'
        return body
    assert ca_dir is not None
    issuer_public = product.issuer_chain[0].public_key() if product.issuer_chain else None
    if product.action == "intermediate":
        body = _HEADER.format(title=title, command=command, outputs="ca.pem, ca.key.pem and chain.pem")
        body += "\n" + _load_ca_code(ca_dir, ca_key_encrypted)
        body += f"key = {keygen_code(cert.public_key())}\n"
        body += certificate_code(cert, "cert", key_var="key", signer_key_var="ca_key", issuer_var="ca_cert",
                                 signer_public_key=issuer_public, now=now)
        body += _key_out_code("key", bool(product.key_encrypted))
        body += 'write("ca.pem", pem(cert))\nwrite("ca.key.pem", key_pem, private=True)\n'
        body += 'write("chain.pem", pem(cert, *ca_chain))\nprint("wrote ca.pem, ca.key.pem and chain.pem")\n'
        return body
    stem = sanitize_name(filed_name(cert))
    if product.action == "sign":
        csr_path = csr_path or Path("request.csr.pem")
        body = _HEADER.format(title=title, command=command, outputs=f"{stem}.pem and {stem}.fullchain.pem")
        body += "\n" + _load_ca_code(ca_dir, ca_key_encrypted)
        body += f"csr = x509.load_pem_x509_csr(Path({str(csr_path.resolve())!r}).read_bytes())\n"
        body += 'assert csr.is_signature_valid, "the CSR was altered or not signed by its key"\n'
        body += "# The CA keeps the request's subject, key and names; the rest is its own policy.\n"
        body += certificate_code(cert, "cert", key_var="", signer_key_var="ca_key", issuer_var="ca_cert",
                                 signer_public_key=issuer_public, now=now, subject_expr="csr.subject",
                                 public_key_expr="csr.public_key()")
        body += "chain = [c for c in ca_chain if c.subject != c.issuer]  # the root stays with the clients\n"
        body += f'write("{stem}.pem", pem(cert))\nwrite("{stem}.fullchain.pem", pem(cert, *chain))\n'
        body += f'print("wrote {stem}.pem and {stem}.fullchain.pem")\n'
        return body
    outputs = f"{stem}.pem, {stem}.key.pem and {stem}.fullchain.pem"
    body = _HEADER.format(title=title, command=command, outputs=outputs)
    body += "\n" + _load_ca_code(ca_dir, ca_key_encrypted)
    lab_code, signer_key, signer_cert, count = _lab_code(product, now)
    body += lab_code
    labs = [f"lab{i}" for i in range(count, 0, -1)]
    signer_public = product.issuer_chain[0].public_key()
    body += f"\nkey = {keygen_code(cert.public_key())}\n"
    body += certificate_code(cert, "cert", key_var="key", signer_key_var=signer_key, issuer_var=signer_cert,
                             signer_public_key=signer_public, now=now)
    if product.flaw is not None and product.flaw.kind == "sha1":
        body += _SHA1_CODE.format(var="cert", signer=signer_key)
    body += _key_out_code("key", bool(product.key_encrypted))
    lab_list = "".join(f"{v}, " for v in labs)
    body += f"chain = [{lab_list}*(c for c in ca_chain if c.subject != c.issuer)]\n"
    body += f'write("{stem}.pem", pem(cert))\nwrite("{stem}.key.pem", key_pem, private=True)\n'
    body += f'write("{stem}.fullchain.pem", pem(cert, *chain))\nprint("wrote {outputs}")\n'
    if _has_p12(product):
        cn = filed_name(cert)
        body += (
            "\n# The PKCS#12 bundle (key, certificate and chain), locked with the password in $P12_PASSWORD\n"
            "from cryptography.hazmat.primitives.serialization import pkcs12\n\n"
            f"bundle = pkcs12.serialize_key_and_certificates(\n    {cn.encode()!r}, key, cert, chain,\n"
            '    serialization.BestAvailableEncryption(os.environ["P12_PASSWORD"].encode()),\n)\n'
            f'write("{stem}.p12", bundle, private=True)\nprint("wrote {stem}.p12")\n'
        )
    return body


def _has_p12(product: Product) -> bool:
    return any(f.kind == "pkcs12" for f in product.files)


# openssl --------------------------------------------------------------------------


def filed_name(item: x509.Certificate | x509.CertificateSigningRequest) -> str:
    """The name an issued item is filed under: its CN, else its first SAN (a name too long for
    a CN goes in the SAN alone, :func:`~tlsexplorer.core.ca.build.check_common_name`)."""
    cn = item.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cn:
        return str(cn[0].value)
    try:
        sans = item.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return "unnamed"
    return next((str(name.value) for name in sans), "unnamed")


def subject_arg(name: x509.Name) -> str:
    """openssl's ``-subj`` form: ``/C=US/O=.../CN=...`` (``/`` for an empty name)."""
    parts = []
    for attr in name:
        short = _OPENSSL_NAME.get(attr.oid, attr.oid.dotted_string)
        value = str(attr.value).replace("\\", "\\\\").replace("/", "\\/")
        parts.append(f"/{short}={value}")
    return "".join(parts) or "/"


def _openssl_general_name(name: x509.GeneralName) -> str:
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.IPAddress):
        value = name.value
        if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
            return f"IP:{value.network_address}/{value.netmask}"
        return f"IP:{value}"
    return f"URI:{name.value}"


def openssl_extensions(cert: x509.Certificate | x509.CertificateSigningRequest) -> list[str]:
    """``-addext`` values for the certificate's extensions."""
    out = []
    for ext in cert.extensions:
        value = ext.value
        crit = "critical," if ext.critical else ""
        if isinstance(value, x509.BasicConstraints):
            path = f",pathlen:{value.path_length}" if value.path_length is not None else ""
            out.append(f"basicConstraints={crit}CA:{'TRUE' if value.ca else 'FALSE'}{path}")
        elif isinstance(value, x509.KeyUsage):
            bits = key_usage_names(value)  # openssl's names are RFC 5280's
            out.append(f"keyUsage={crit}{','.join(bits)}")
        elif isinstance(value, x509.ExtendedKeyUsage):
            usages = ",".join(eku_names(value))  # openssl knows these names; an unnamed one is dotted
            out.append(f"extendedKeyUsage={crit}{usages}")
        elif isinstance(value, x509.SubjectAlternativeName):
            out.append("subjectAltName=" + crit + ",".join(_openssl_general_name(n) for n in value))
        elif isinstance(value, x509.NameConstraints):
            items = [f"permitted;{_openssl_general_name(n)}" for n in value.permitted_subtrees or ()]
            items += [f"excluded;{_openssl_general_name(n)}" for n in value.excluded_subtrees or ()]
            out.append(f"nameConstraints={crit}{','.join(items)}")
        elif isinstance(value, x509.SubjectKeyIdentifier):
            out.append("subjectKeyIdentifier=hash")
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            out.append("authorityKeyIdentifier=keyid:always")
        elif isinstance(value, x509.CRLDistributionPoints):
            names = [_openssl_general_name(n) for p in value for n in p.full_name or ()]
            out.append(f"crlDistributionPoints={crit}{','.join(names)}")
        elif isinstance(value, x509.AuthorityInformationAccess):
            items = [f"{'OCSP' if a.access_method == AuthorityInformationAccessOID.OCSP else 'caIssuers'};"
                     f"{_openssl_general_name(a.access_location)}" for a in value]
            out.append(f"authorityInfoAccess={crit}{','.join(items)}")
        elif isinstance(value, x509.OCSPNoCheck):
            out.append("noCheck=ignored")
    return out


def newkey_arg(public_key: object) -> list[str]:
    """openssl ``-newkey`` arguments for a key like ``public_key``."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return ["-newkey", f"rsa:{public_key.key_size}"]
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return ["-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{curve_name(public_key.curve)}"]
    return ["-newkey", "ed25519"]


def _days(cert: x509.Certificate) -> int:
    return max(1, round((cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds() / 86400))


def _openssl_cert(
    cert: x509.Certificate, key_out: str, cert_out: str, *, ca: tuple[str, str] | None, now: dt.datetime,
    encrypted: bool, sha1: bool = False, csr_in: str | None = None, passin: bool = False,
) -> tuple[str, list[str]]:
    notes: list[str] = []
    if csr_in is not None:
        argv = ["openssl", "x509", "-req", "-in", csr_in]
    else:
        argv = ["openssl", "req", "-x509", "-new", *newkey_arg(cert.public_key())]
        argv += ["-keyout", key_out] + (["-passout", "env:KEY_PASSPHRASE"] if encrypted else ["-noenc"])
    argv += ["-out", cert_out]
    if ca is not None:
        argv += (["-CA", ca[0], "-CAkey", ca[1]])
        if passin:
            argv += ["-passin", "env:CA_PASSPHRASE"]
    start = as_utc(cert.not_valid_before_utc)
    if abs((start - as_utc(now)).total_seconds()) > 60:
        argv += ["-not_before", f"{start:%Y%m%d%H%M%SZ}",
                 "-not_after", f"{cert.not_valid_after_utc:%Y%m%d%H%M%SZ}"]
        notes.append(
            "-not_before/-not_after need OpenSSL 3.4 or newer (older: openssl ca -startdate/-enddate)"
        )
    else:
        argv += ["-days", str(_days(cert))]
    if csr_in is None:
        argv += ["-subj", subject_arg(cert.subject)]
    if sha1:
        argv += ["-sha1"]
    exts = openssl_extensions(cert)
    if csr_in is not None:
        # openssl x509 -req copies nothing from the request unless told; give the CA's policy.
        ext_text = "\\n".join(exts)
        argv += ["-extfile", f"<(printf '{ext_text}')"]
        return " ".join(shlex.quote(a) if not a.startswith("<(") else a for a in argv), notes
    for ext in exts:
        argv += ["-addext", ext]
    if ca is None and not any(e.startswith("authorityKeyIdentifier") for e in exts):
        notes.append("openssl req -x509 also adds an authority key identifier to a root; harmless")
    return shlex.join(argv), notes


def _openssl(
    product: Product, now: dt.datetime, ca_dir: Path | None, out_dir: Path | None, csr_path: Path | None,
    ca_key_encrypted: bool = False,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    cert = product.certificate
    notes: list[str] = []
    if product.action == "csr":
        assert product.csr is not None
        csr = product.csr
        stem = sanitize_name(filed_name(csr))
        folder = out_dir or Path(".")
        argv = ["openssl", "req", "-new", *newkey_arg(csr.public_key()),
                "-keyout", str(folder / f"{stem}.key.pem")]
        argv += ["-passout", "env:KEY_PASSPHRASE"] if product.key_encrypted else ["-noenc"]
        argv += ["-out", str(folder / f"{stem}.csr.pem"), "-subj", subject_arg(csr.subject)]
        for ext in openssl_extensions(csr):
            argv += ["-addext", ext]
        return (shlex.join(argv),), ()
    assert cert is not None
    encrypted = bool(product.key_encrypted)
    if product.action == "init":
        folder = out_dir or Path(".")
        line, extra = _openssl_cert(cert, str(folder / CA_KEY), str(folder / CA_CERT), ca=None, now=now,
                                    encrypted=encrypted)
        copy = f"cp {shlex.quote(str(folder / CA_CERT))} {shlex.quote(str(folder / CHAIN))}"
        return (line, copy), tuple(extra)
    assert ca_dir is not None
    ca_pair = (str(ca_dir / CA_CERT), str(ca_dir / CA_KEY))
    if product.action == "intermediate":
        folder = out_dir or Path(".")
        line, extra = _openssl_cert(cert, str(folder / CA_KEY), str(folder / CA_CERT), ca=ca_pair, now=now,
                                    encrypted=encrypted, passin=ca_key_encrypted)
        cat = (f"cat {shlex.quote(str(folder / CA_CERT))} {shlex.quote(str(ca_dir / CHAIN))} "
               f"> {shlex.quote(str(folder / CHAIN))}")
        return (f"mkdir -p {shlex.quote(str(folder))}", line, cat), tuple(extra)
    stem = sanitize_name(filed_name(cert))
    issued = ca_dir / "issued"
    commands = [f"mkdir -p {shlex.quote(str(issued))}"]
    chain_files: list[str] = []
    signer = ca_pair
    lab = _lab_certs(product)
    for index, lab_cert in enumerate(reversed(lab), start=1):
        key_out, cert_out = f"lab{index}.key.pem", f"lab{index}.pem"
        line, extra = _openssl_cert(lab_cert, key_out, cert_out, ca=signer, now=now, encrypted=False,
                                    passin=ca_key_encrypted and signer == ca_pair)
        commands.append(line)
        notes += extra
        signer = (cert_out, key_out)
        chain_files.insert(0, cert_out)
    target = str(issued / f"{stem}.pem")
    if product.action == "sign":
        csr_path = csr_path or Path("request.csr.pem")
        line, extra = _openssl_cert(cert, "", target, ca=signer, now=now, encrypted=False,
                                    csr_in=str(csr_path), passin=ca_key_encrypted and signer == ca_pair)
        notes.append("-extfile <(...) is bash/zsh process substitution")
    else:
        sha1 = product.flaw is not None and product.flaw.kind == "sha1"
        line, extra = _openssl_cert(cert, str(issued / f"{stem}.key.pem"), target, ca=signer, now=now,
                                    encrypted=encrypted, sha1=sha1,
                                    passin=ca_key_encrypted and signer == ca_pair)
    commands.append(line)
    notes += extra
    has_parent = any(not is_self_signed(c) for c in product.issuer_chain if c not in lab)
    rest = [shlex.quote(str(ca_dir / CA_CERT))] if has_parent else []
    cat_parts = [shlex.quote(target), *chain_files, *rest]
    fullchain = shlex.quote(str(issued / f'{stem}.fullchain.pem'))
    commands.append(f"cat {' '.join(cat_parts)} > {fullchain}")
    if _has_p12(product):
        cn = filed_name(cert)
        argv = ["openssl", "pkcs12", "-export", "-in", str(issued / f"{stem}.fullchain.pem"),
                "-inkey", str(issued / f"{stem}.key.pem"), "-name", cn,
                "-out", str(issued / f"{stem}.p12"), "-passout", "env:P12_PASSWORD"]
        if encrypted:
            argv += ["-passin", "env:KEY_PASSPHRASE"]
        commands.append(f"(umask 077 && {shlex.join(argv)})")
        notes.append("the PKCS#12 password comes from $P12_PASSWORD")
    return tuple(commands), tuple(dict.fromkeys(notes))


TITLES = {
    "init": "Make a root CA",
    "intermediate": "Make an intermediate CA signed by a CA",
    "issue": "Issue a certificate (a new key, signed by the CA)",
    "csr": "Make a key and a certificate signing request",
    "sign": "Sign a certificate signing request",
}


def recipe_for(
    product: Product,
    now: dt.datetime,
    *,
    ca_dir: Path | None = None,
    out_dir: Path | None = None,
    csr_path: Path | None = None,
    ca_key_encrypted: bool = False,
    command: str = "",
) -> Recipe:
    """The openssl commands and the Python script equivalent to ``product``.

    Args:
        product: what the CA made.
        now: the time it was made (validity is written relative to it).
        ca_dir: the signing CA's folder (not for init and csr).
        out_dir: where init, intermediate and csr write.
        csr_path: the CSR that was signed (sign only).
        ca_key_encrypted: whether the CA key needs ``$CA_PASSPHRASE``.
        command: the tlsexplorer command line, quoted in the script's docstring.
    """
    title = TITLES[product.action]
    if product.flaw is not None:
        title += f" ({product.flaw.label})"
    ca_dir = ca_dir.resolve() if ca_dir is not None else None
    openssl, notes = _openssl(product, now, ca_dir, out_dir, csr_path, ca_key_encrypted)
    python = _python(product, now, ca_dir, ca_key_encrypted, csr_path, title,
                     command or f"tlsexplorer ca {product.action}")
    extra = list(notes)
    if product.flaw is not None and product.flaw.kind == "sha1":
        extra.append("cryptography refuses SHA-1, so the Python re-signs the certificate by hand (insecure)")
    return Recipe(title, openssl, python, tuple(extra))


__all__ = [
    "TITLES",
    "Recipe",
    "certificate_code",
    "extension_code",
    "filed_name",
    "general_name_code",
    "keygen_code",
    "name_code",
    "newkey_arg",
    "openssl_extensions",
    "recipe_for",
    "subject_arg",
]
