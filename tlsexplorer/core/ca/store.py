"""A CA is a folder: making roots, intermediates, leaves and CSRs, and writing them safely.

Layout (``tls serve --ca DIR --name NAME`` relies on it)::

    DIR/ca.pem                      the CA certificate
    DIR/ca.key.pem                  its key (0600, encrypted when a passphrase was given)
    DIR/chain.pem                   the CA certificate, then its parents up to the root
    DIR/issued/NAME.pem             a leaf
    DIR/issued/NAME.key.pem         its key (0600)
    DIR/issued/NAME.fullchain.pem   the leaf + chain.pem without the root
    DIR/issued/NAME.p12             PKCS#12 bundle (only on request)

Every ``build_*`` function makes the objects and returns a :class:`Product`
holding the files it would write; nothing touches the disk until
:func:`save`, which goes through :func:`tlsexplorer.core.files.write_files`
(the CA folder locked, the files staged and renamed into place all or nothing
even across a crash, 0600 for keys, folders 0700, no overwrite without
``force``). A front end can therefore ask first
(:meth:`Product.existing`) and confirm before replacing anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import tlsexplorer.core.ca.build as ca
import tlsexplorer.core.ca.registry as registry
import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.ca.rules import check_p12_password, check_password, resolve_validity
from tlsexplorer.core.der import name_bytes
from tlsexplorer.core.errors import (
    InvalidInput,
    PasswordRequired,
    UsageError,
    WrongPassword,
)
from tlsexplorer.core.files import STAGING_PREFIX, FileToWrite, read_file, recover_writes, write_files
from tlsexplorer.core.timeutil import as_utc
from tlsexplorer.core.x509.loader import load_certificates
from tlsexplorer.core.x509.naming import describe_key

CA_CERT = "ca.pem"
"""File name of the CA certificate inside its folder."""
CA_KEY = "ca.key.pem"
"""File name of the CA key."""
CHAIN = "chain.pem"
"""File name of the CA's chain (itself first, the root last)."""
ISSUED = "issued"
"""Sub-folder holding issued leaves."""

Action = Literal["init", "intermediate", "issue", "csr", "sign"]


def sanitize_name(name: str) -> str:
    """A safe file stem for an issued item: ``*.example.net`` -> ``wildcard.example.net``.

    Raises:
        UsageError: nothing usable is left (an empty name, only dots).
    """
    text = name.strip()
    if text.startswith("*."):
        text = "wildcard." + text[2:]
    text = re.sub(r"[^A-Za-z0-9._@-]", "_", text).strip(".")
    if not text or set(text) <= {"_", "."}:
        raise UsageError(f"{name!r} cannot be used as a file name; give a host name such as www.example.net")
    return text[:200]


@dataclass(frozen=True)
class IssuedPaths:
    """Where an issued leaf's files go."""

    certificate: Path
    """DIR/issued/NAME.pem"""
    key: Path
    """DIR/issued/NAME.key.pem"""
    fullchain: Path
    """DIR/issued/NAME.fullchain.pem"""
    p12: Path
    """DIR/issued/NAME.p12"""


def issued_paths(ca_dir: str | Path, name: str) -> IssuedPaths:
    """The paths of the leaf ``name`` issued by the CA in ``ca_dir`` (name sanitised)."""
    folder = Path(ca_dir) / ISSUED
    stem = sanitize_name(name)
    return IssuedPaths(
        folder / f"{stem}.pem",
        folder / f"{stem}.key.pem",
        folder / f"{stem}.fullchain.pem",
        folder / f"{stem}.p12",
    )


def csr_paths(out_dir: str | Path, name: str) -> tuple[Path, Path]:
    """(CSR, key) paths of a request for ``name`` in ``out_dir``."""
    stem = sanitize_name(name)
    return Path(out_dir) / f"{stem}.csr.pem", Path(out_dir) / f"{stem}.key.pem"


@dataclass(frozen=True)
class LoadedCa:
    """A CA read from its folder, ready to sign."""

    directory: Path
    """The CA folder."""
    certificate: x509.Certificate
    """ca.pem"""
    key: ca.PrivateKey
    """ca.key.pem, decrypted."""
    chain: tuple[x509.Certificate, ...]
    """chain.pem: the CA certificate first, the root last."""

    @property
    def root(self) -> x509.Certificate:
        """The last certificate of the chain (the trust anchor)."""
        return self.chain[-1]

    @property
    def chain_without_root(self) -> tuple[x509.Certificate, ...]:
        """The chain minus a self-signed last certificate (what a server sends)."""
        return tuple(c for c in self.chain if not is_self_signed(c))


def is_self_signed(cert: x509.Certificate) -> bool:
    """True when subject and issuer are the same name (a root)."""
    try:
        issuer, subject = name_bytes(cert)
    except InvalidInput:
        return False
    return issuer == subject


def is_encrypted_pem(data: bytes) -> bool:
    """True for an encrypted PKCS#8 or a legacy encrypted PEM key."""
    return b"ENCRYPTED PRIVATE KEY" in data or b"Proc-Type: 4,ENCRYPTED" in data


def ca_key_is_encrypted(ca_dir: str | Path) -> bool:
    """Whether the CA folder's key needs a passphrase.

    Raises:
        FileAccessError: the key file is missing or unreadable.
    """
    _require_ca_folder(Path(ca_dir))
    return is_encrypted_pem(read_file(Path(ca_dir) / CA_KEY))


def _require_ca_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a CA folder (make one with 'tlsexplorer ca init {folder}')")
    if any(folder.glob(STAGING_PREFIX + "*")):
        # A writer was killed (or is writing): finish or undo it before the CA is read, so that
        # ca.pem and ca.key.pem are read as before or as after, never one of each.
        recover_writes(folder)
    if not (folder / CA_CERT).exists() and not (folder / CA_KEY).exists():
        # a folder, but not one 'ca init' made: say so rather than "ca.key.pem: no such file"
        raise UsageError(
            f"{folder} is not a CA folder: it has no {CA_CERT} or {CA_KEY} "
            f"(make one with 'tlsexplorer ca init DIR', or give the folder it made)"
        )


def load_private_key(data: bytes, password: bytes | None, what: str) -> ca.PrivateKey:
    """Load a PEM private key, with errors a person can act on.

    Raises:
        PasswordRequired: it is encrypted and no passphrase was given.
        WrongPassword: the passphrase does not open it.
        InvalidInput: it is not a PEM private key we can sign with.
    """
    if is_encrypted_pem(data) and not password:
        raise PasswordRequired(f"{what} is encrypted; its passphrase is needed")
    try:
        key = serialization.load_pem_private_key(data, password if is_encrypted_pem(data) else None)
    except ValueError as exc:
        if is_encrypted_pem(data):
            raise WrongPassword(f"the passphrase does not open {what}") from None
        raise InvalidInput(f"{what} is not a PEM private key ({safe.explain(exc)})") from None
    except TypeError as exc:
        raise InvalidInput(f"{what}: {safe.explain(exc)}") from None
    except Exception as exc:  # the library fails in ways it does not document (a key type it lacks)
        raise InvalidInput(f"{what} cannot be read as a private key ({safe.explain(exc)})") from None
    if not isinstance(key, ca.PrivateKey):
        raise InvalidInput(f"{what} is a {type(key).__name__}, which cannot sign certificates")
    return key


def _load_certs(path: Path) -> list[x509.Certificate]:
    """Every certificate of a CA folder's file, each readable in every field.

    Raises:
        InvalidInput: none can be read, or a field of one cannot (a hostile ca.pem), saying which.
    """
    certs = load_certificates(read_file(path), str(path))
    for cert in certs:
        unreadable = safe.problems(cert)
        if unreadable:
            raise InvalidInput(
                f"{path} cannot be used: {'; '.join(u.sentence for u in unreadable)} "
                "(make the CA again with tlsexplorer ca init)"
            )
    return certs


def load_ca(ca_dir: str | Path, password: bytes | None = None) -> LoadedCa:
    """Read a CA folder (ca.pem, ca.key.pem, chain.pem).

    Raises:
        FileAccessError: a file is missing.
        PasswordRequired / WrongPassword: the key is encrypted.
        InvalidInput: the files do not parse, the key does not match, or the
            certificate is not a CA.
    """
    folder = Path(ca_dir)
    chain = read_ca_chain(folder)
    cert = chain[0]
    key = load_private_key(read_file(folder / CA_KEY), password, f"the CA key {folder / CA_KEY}")
    if key.public_key() != cert.public_key():
        raise InvalidInput(f"{folder / CA_KEY} is not the key of {folder / CA_CERT}")
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = bc.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise InvalidInput(f"{folder / CA_CERT} is not a CA certificate (basic constraints CA:TRUE missing)")
    return LoadedCa(folder, cert, key, chain)


def read_ca_chain(ca_dir: str | Path) -> tuple[x509.Certificate, ...]:
    """A CA folder's certificate and its parents up to the root (``chain.pem``), without its key.

    Raises:
        UsageError: not a CA folder. FileAccessError / InvalidInput: as :func:`load_ca`.
    """
    folder = Path(ca_dir)
    _require_ca_folder(folder)
    cert = _load_certs(folder / CA_CERT)[0]
    chain = _load_certs(folder / CHAIN) if (folder / CHAIN).exists() else [cert]
    return tuple(chain) if chain[0] == cert else (cert, *chain)


@dataclass(frozen=True)
class CaRequest:
    """What the form or ``ca init`` / ``ca intermediate`` asks for."""

    cn: str = "tlsexplorer local CA"
    """Common name."""
    o: str | None = None
    """Organisation."""
    ou: str | None = None
    """Organisational unit."""
    c: str | None = None
    """Two-letter country code."""
    st: str | None = None
    """State or province."""
    l: str | None = None  # noqa: E741 - the X.500 attribute is called L
    """Locality."""
    key_type: ca.KeyType = "rsa2048"
    """Key type of the new CA key."""
    days: int | None = None
    """Validity in days (default 10 years; an intermediate's default ends no later than its parent)."""
    not_before: dt.datetime | None = None
    """Explicit start."""
    not_after: dt.datetime | None = None
    """Explicit end."""
    path_length: int | None = None
    """How many CAs may follow below (None: no limit)."""
    permit_dns: tuple[str, ...] = ()
    """Name constraints: permitted DNS domains."""
    exclude_dns: tuple[str, ...] = ()
    """Name constraints: excluded DNS domains."""
    permit_ip: tuple[str, ...] = ()
    """Name constraints: permitted IP ranges (CIDR)."""
    exclude_ip: tuple[str, ...] = ()
    """Name constraints: excluded IP ranges (CIDR)."""
    password: bytes | None = None
    """Passphrase for the new key (None: unencrypted, 0600)."""
    serial: int | None = None
    """Fixed serial number (screenshots); random when None."""
    crl_url: str | None = None
    """Where the new CA will publish its CRL: put into everything it issues."""
    ocsp_url: str | None = None
    """Where its OCSP responder will answer: put into everything it issues."""


@dataclass(frozen=True)
class LeafRequest:
    """What the form or ``ca issue`` asks for."""

    name: str
    """Common name, and the file stem (sanitised)."""
    sans: tuple[str, ...] = ()
    """DNS names, IP addresses, emails (told apart by :func:`ca.parse_san`)."""
    client: bool = False
    """A client certificate (clientAuth) instead of a server one."""
    key_type: ca.KeyType = "p256"
    """Key type of the new key."""
    days: int | None = None
    """Validity in days (default 397)."""
    not_before: dt.datetime | None = None
    """Explicit start."""
    not_after: dt.datetime | None = None
    """Explicit end."""
    o: str | None = None
    """Organisation."""
    password: bytes | None = None
    """Passphrase for the new key (None: unencrypted, 0600)."""
    p12: bool = False
    """Also write a PKCS#12 bundle."""
    p12_password: bytes | None = None
    """The bundle's password (required with ``p12``)."""
    flaw: ca.FlawKind | None = None
    """Break it on purpose (the lab)."""
    serial: int | None = None
    """Fixed serial number (screenshots); random when None."""
    crl_url: str | None = None
    """CRL distribution point (default: the CA's, from its record)."""
    ocsp_url: str | None = None
    """OCSP URL (default: the CA's, from its record)."""
    ocsp_signer: bool = False
    """A delegated OCSP responder's certificate (id-kp-OCSPSigning, ocsp-nocheck) instead."""

    @property
    def role(self) -> ca.Role:
        """server or client."""
        return "client" if self.client else "server"


@dataclass(frozen=True)
class WrittenFile:
    """One file that :func:`save` wrote."""

    path: Path
    """Absolute path."""
    kind: str
    """certificate, private_key, chain, fullchain, pkcs12 or csr."""


@dataclass(frozen=True)
class Product:
    """What one action made, with the files it will write."""

    action: Action
    """init, intermediate, issue, csr or sign."""
    files: tuple[FileToWrite, ...]
    """The files, not yet written."""
    certificate: x509.Certificate | None = None
    """The new certificate (None for a CSR)."""
    issuer_chain: tuple[x509.Certificate, ...] = ()
    """From the issuer up to the root (lab CAs of a flaw first); empty for a root."""
    csr: x509.CertificateSigningRequest | None = None
    """The CSR made or signed."""
    key_description: str | None = None
    """``EC P-256``... of a new key; None when no key was made."""
    key_encrypted: bool | None = None
    """Whether the new key is written encrypted; None when no key was made."""
    flaw: ca.Flaw | None = None
    """The break-it flaw, when one was asked for."""
    changes: tuple[ca.FieldChange, ...] = ()
    """CSR signing: what the CA kept, changed or added."""
    notes: tuple[str, ...] = ()
    """Warnings and remarks for the person."""
    recorded_in: Path | None = None
    """The folder of the CA that signed it, whose record lists it (None: a lab CA of a flaw did)."""
    publishes: tuple[str | None, str | None] | None = None
    """A new CA's (CRL URL, OCSP URL), kept in its new record (None: not a new CA)."""

    def existing(self) -> list[Path]:
        """The target files that already exist (and would be replaced)."""
        return [f.path for f in self.files if f.path.exists()]

    @property
    def roots(self) -> tuple[x509.Certificate, ...]:
        """The trust anchor: the last issuer, or the certificate itself for a root."""
        if self.issuer_chain:
            return (self.issuer_chain[-1],)
        return (self.certificate,) if self.certificate is not None else ()

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        """The issuers between the certificate and the root."""
        return tuple(c for c in self.issuer_chain if not is_self_signed(c))

    @property
    def host(self) -> str | None:
        """The first DNS or IP name of the certificate (its CN for a CN-only one)."""
        if self.certificate is None:
            return None
        try:
            sans = self.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            cn = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
            return str(cn[0].value) if cn else None
        for name in sans:
            if isinstance(name, x509.DNSName | x509.IPAddress):
                return str(name.value)
        return None


def product_folder(product: Product) -> Path:
    """The folder a product is written into, and locked while it is: the CA folder (also for
    what goes into its issued/), or the folder of a CSR and its key."""
    first = product.files[0].path
    return first.parent.parent if product.action in ("issue", "sign") else first.parent


def save(product: Product, *, force: bool = False) -> tuple[WrittenFile, ...]:
    """Write a product's files, all or nothing, with its folder locked.

    Read under the lock: which files exist (of two processes issuing one name
    at once, the second is told they exist) and the CA's record, which gets
    the certificate in the same commit (an intermediate's parent just after). A writer killed half-way
    leaves the folder as before or as after, which the next write completes
    (:func:`tlsexplorer.core.files.write_files`).

    Raises:
        FileAccessError: a file exists and ``force`` is False (nothing is
            written), another writer kept the folder locked, or a write
            failed (nothing is left behind).
    """
    folder = product_folder(product)
    update, later = None, None
    if product.publishes is not None:
        update = registry.starting(folder, *product.publishes)
    if product.recorded_in is not None and product.certificate is not None:
        later = registry.recording(product.recorded_in, product.certificate, product.files[0].path)
        if product.recorded_in.absolute() == folder.absolute():
            update, later = later, None
    paths = write_files(product.files, force=force, folder=folder, update=update)
    if later is not None:  # an intermediate: its parent's record, under the parent's lock
        write_files([], folder=product.recorded_in, update=later)
    return tuple(WrittenFile(path, item.kind) for path, item in zip(paths, product.files, strict=False))


def _key_notes(password: bytes | None, path: Path) -> tuple[str, ...]:
    if password:
        return (f"{path.name} is encrypted with your passphrase (mode 0600)",)
    return (f"{path.name} is NOT encrypted (mode 0600); give a passphrase to encrypt it",)


Names = tuple[x509.GeneralName, ...]


def _name_constraints(request: CaRequest) -> tuple[Names, Names]:
    permitted: list[x509.GeneralName] = []
    excluded: list[x509.GeneralName] = []
    for value in request.permit_dns:
        permitted.append(_dns_subtree(value))
    for value in request.permit_ip:
        permitted.append(_ip_subtree(value))
    for value in request.exclude_dns:
        excluded.append(_dns_subtree(value))
    for value in request.exclude_ip:
        excluded.append(_ip_subtree(value))
    return tuple(permitted), tuple(excluded)


def _dns_subtree(value: str) -> x509.GeneralName:
    name = ca.parse_network(value)
    if not isinstance(name, x509.DNSName):
        raise UsageError(f"{value!r} is an IP range; give it as an IP constraint")
    return name


def _ip_subtree(value: str) -> x509.GeneralName:
    name = ca.parse_network(value if "/" in value else value + ("/128" if ":" in value else "/32"))
    if not isinstance(name, x509.IPAddress):
        raise UsageError(f"{value!r} is not an IP range such as 10.0.0.0/8")
    return name


def _ca_spec(request: CaRequest, role: ca.Role, now: dt.datetime) -> ca.CertificateSpec:
    ca.check_path_length(request.path_length)
    start, end = resolve_validity(
        now, request.days, request.not_before, request.not_after, ca.DEFAULT_CA_DAYS
    )
    permitted, excluded = _name_constraints(request)
    subject = ca.build_name(request.cn.strip() or None, o=request.o, ou=request.ou, c=request.c,
                            st=request.st, l=request.l)
    for url, what in ((request.crl_url, "the CRL URL"), (request.ocsp_url, "the OCSP URL")):
        if url is not None:
            ca.check_url(url, what)
    return ca.CertificateSpec(subject, role, start, end, path_length=request.path_length,
                              permitted=permitted, excluded=excluded, serial=request.serial)


def _pointers(issuer_dir: Path, crl_url: str | None = None, ocsp_url: str | None = None
              ) -> tuple[tuple[x509.ExtensionType, bool], ...]:
    """Where to ask whether what the CA in ``issuer_dir`` issues is revoked: given, else its record's."""
    own_crl, own_ocsp = registry.publication_urls(issuer_dir)
    crl = ca.check_url(crl_url, "the CRL URL") if crl_url else own_crl
    ocsp = ca.check_url(ocsp_url, "the OCSP URL") if ocsp_url else own_ocsp
    return ca.revocation_pointers(crl, ocsp)


def _ca_files(
    directory: Path, cert: x509.Certificate, key: ca.PrivateKey, password: bytes | None,
    parents: tuple[x509.Certificate, ...],
) -> tuple[FileToWrite, ...]:
    return (
        FileToWrite(directory / CA_CERT, ca.certificate_pem(cert), kind="certificate"),
        FileToWrite(directory / CA_KEY, ca.private_key_pem(key, password), private=True, kind="private_key"),
        FileToWrite(directory / CHAIN, ca.certificate_pem(cert, *parents), kind="chain"),
    )


def build_root(
    directory: str | Path, request: CaRequest, now: dt.datetime, key: ca.PrivateKey | None = None
) -> Product:
    """A new root CA for ``directory`` (a fresh key unless ``key`` is given).

    Raises:
        UsageError: a bad name, validity, path length, constraint or passphrase.
    """
    check_password(request.password)
    spec = _ca_spec(request, "root", now)
    key = key or ca.generate_private_key(request.key_type)
    cert = ca.issue_certificate(spec, key.public_key(), key)
    folder = Path(directory)
    return Product(
        "init", _ca_files(folder, cert, key, request.password, ()), cert,
        key_description=describe_key(key), key_encrypted=bool(request.password),
        notes=_key_notes(request.password, folder / CA_KEY), publishes=(request.crl_url, request.ocsp_url),
    )



def _remaining_path_length(parent: LoadedCa) -> int | None:
    try:
        return parent.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length
    except x509.ExtensionNotFound:
        return None


def build_intermediate(
    parent: LoadedCa, directory: str | Path, request: CaRequest, now: dt.datetime,
    key: ca.PrivateKey | None = None,
) -> Product:
    """A new intermediate CA in ``directory`` signed by ``parent``.

    Raises:
        UsageError: the parent's path length is 0 (it may not sign a CA), or
            anything :func:`build_root` refuses.
    """
    check_password(request.password)
    limit = _remaining_path_length(parent)
    if limit == 0:
        raise UsageError(
            f"{parent.directory / CA_CERT} has path length 0: it may sign leaves but no further CA"
        )
    if limit is not None and request.path_length is not None and request.path_length >= limit:
        raise UsageError(f"the parent allows at most {limit - 1} CA(s) below this one; lower --path-len")
    spec = _ca_spec(request, "intermediate", now)
    spec = replace(spec, extra_extensions=_pointers(parent.directory))
    parent_end = parent.certificate.not_valid_after_utc
    if request.days is None and request.not_after is None and spec.not_before < parent_end < spec.not_after:
        # By default an intermediate ends with its parent: longer buys nothing.
        spec = replace(spec, not_after=parent_end)
    key = key or ca.generate_private_key(request.key_type)
    cert = ca.issue_certificate(spec, key.public_key(), parent.key, parent.certificate)
    folder = Path(directory)
    notes = list(_key_notes(request.password, folder / CA_KEY))
    if cert.not_valid_after_utc > parent_end:
        notes.append("it outlives its parent: it stops being trusted when the parent expires")
    return Product(
        "intermediate", _ca_files(folder, cert, key, request.password, parent.chain), cert,
        issuer_chain=parent.chain, key_description=describe_key(key),
        key_encrypted=bool(request.password), notes=tuple(notes), recorded_in=parent.directory,
        publishes=(request.crl_url, request.ocsp_url),
    )


def _lab_key() -> ca.PrivateKey:
    return ca.generate_private_key("p256")


def _lab_ca(
    cn: str, issuer_cert: x509.Certificate, issuer_key: ca.PrivateKey, now: dt.datetime,
    key: ca.PrivateKey | None = None, **fields: object
) -> tuple[x509.Certificate, ca.PrivateKey]:
    key = key or _lab_key()
    spec = ca.CertificateSpec(
        ca.build_name(cn, o="tlsexplorer break-it lab"), "intermediate",
        as_utc(now), as_utc(now) + dt.timedelta(days=ca.DEFAULT_LEAF_DAYS), **fields,  # type: ignore[arg-type]
    )
    return ca.issue_certificate(spec, key.public_key(), issuer_key, issuer_cert), key


def _excluded_for(sans: tuple[x509.GeneralName, ...]) -> tuple[x509.GeneralName, ...]:
    import ipaddress

    out: list[x509.GeneralName] = []
    for name in sans:
        if isinstance(name, x509.IPAddress):
            address = name.value
            out.append(x509.IPAddress(ipaddress.ip_network(f"{address}/{address.max_prefixlen}")))
        elif isinstance(name, x509.DNSName):
            out.append(x509.DNSName(name.value.removeprefix("*.")))
        else:
            out.append(name)
    return tuple(out)


def build_leaf(
    issuer: LoadedCa, request: LeafRequest, now: dt.datetime, key: ca.PrivateKey | None = None
) -> Product:
    """A server or client certificate signed by ``issuer``, with its key and full chain.

    Raises:
        UsageError: a bad name, SAN, validity, passphrase or a missing PKCS#12
            password.
    """
    check_password(request.password)
    check_p12_password(request.p12, request.p12_password)
    name = request.name.strip()
    paths = issued_paths(issuer.directory, name)
    sans = tuple(ca.parse_san(value) for value in request.sans)
    start, end = resolve_validity(now, request.days, request.not_before, request.not_after,
                                  ca.DEFAULT_LEAF_DAYS)
    spec = ca.CertificateSpec(ca.build_name(name, o=request.o), request.role, start, end, sans=sans,
                              serial=request.serial,
                              extra_extensions=_pointers(issuer.directory, request.crl_url, request.ocsp_url))
    if request.ocsp_signer:
        if request.flaw or request.client:
            raise UsageError("an OCSP signer's certificate is neither a client certificate nor a broken one")
        spec = replace(spec, extended_key_usage=ca.OCSP_SIGNER_EKU,
                       key_usage_bits={"digital_signature": True}, extra_extensions=ca.OCSP_SIGNER_EXTENSIONS)
    flaw = ca.flaw(request.flaw) if request.flaw else None
    if flaw is not None:
        spec = ca.apply_flaw(spec, flaw.kind, now)
    key = key or ca.generate_private_key(request.key_type)
    signer_cert, signer_key = issuer.certificate, issuer.key
    lab: list[x509.Certificate] = []
    if flaw is not None and flaw.kind == "path-length":
        top, top_key = _lab_ca("Lab CA (path length 0)", signer_cert, signer_key, now, path_length=0)
        sub, sub_key = _lab_ca("Lab sub-CA (breaks the path length)", top, top_key, now)
        lab = [sub, top]
        signer_cert, signer_key = sub, sub_key
    elif flaw is not None and flaw.kind == "no-key-usage":
        # A leaf may lack key usage (RFC 5280 allows it); a CA may not, and that
        # is what strict clients reject, so the lab CA above it lacks it too.
        top, top_key = _lab_ca("Lab CA (no key usage)", signer_cert, signer_key, now, key_usage=False)
        lab = [top]
        signer_cert, signer_key = top, top_key
    elif flaw is not None and flaw.kind == "name-constraints":
        excluded = _excluded_for(ca.leaf_sans(spec))
        if not excluded:
            raise UsageError("the name-constraints flaw needs a name (a DNS name or an IP address)")
        top, top_key = _lab_ca(
            "Lab CA (excludes these names)", signer_cert, signer_key, now, excluded=excluded
        )
        lab = [top]
        signer_cert, signer_key = top, top_key
    elif flaw is not None and flaw.kind == "sha1" and not isinstance(signer_key, rsa.RSAPrivateKey):
        # A SHA-1 signature here is sha1WithRSAEncryption: a CA with another key type (the default
        # is EC) vouches for a lab CA with an RSA key, which signs the leaf with SHA-1.
        top, top_key = _lab_ca("Lab CA (RSA, signs with SHA-1)", signer_cert, signer_key, now,
                               key=ca.generate_private_key("rsa2048"))
        lab = [top]
        signer_cert, signer_key = top, top_key
    cert = ca.issue_certificate(spec, key.public_key(), signer_key, signer_cert)
    if flaw is not None and flaw.kind == "sha1":
        from tlsexplorer.core.hazmat.sha1_certificate import resign_with_sha1

        cert = resign_with_sha1(cert, signer_key)
    chain_out = (*lab, *issuer.chain_without_root)
    files = [
        FileToWrite(paths.certificate, ca.certificate_pem(cert), kind="certificate"),
        FileToWrite(paths.key, ca.private_key_pem(key, request.password), private=True, kind="private_key"),
        FileToWrite(paths.fullchain, ca.certificate_pem(cert, *chain_out), kind="fullchain"),
    ]
    if request.p12:
        from cryptography.hazmat.primitives.serialization import pkcs12

        assert request.p12_password
        bundle = pkcs12.serialize_key_and_certificates(
            name.encode(), key, cert, list(chain_out),
            serialization.BestAvailableEncryption(request.p12_password),
        )
        files.append(FileToWrite(paths.p12, bundle, private=True, kind="pkcs12"))
    notes = list(_key_notes(request.password, paths.key))
    if spec.include_san and not ca.leaf_sans(spec):
        notes.append("no subject alternative name: no client will match a host name against it")
    if cert.not_valid_after_utc > issuer.certificate.not_valid_after_utc:
        notes.append("it outlives its CA: clients refuse it once the CA expires")
    if flaw is not None:
        notes.insert(0, f"{flaw.label}: {flaw.explanation}")
    return Product(
        "issue", tuple(files), cert, issuer_chain=(*lab, *issuer.chain),
        key_description=describe_key(key), key_encrypted=bool(request.password), flaw=flaw,
        notes=tuple(notes), recorded_in=None if lab else issuer.directory,
    )


def build_csr(
    out_dir: str | Path,
    name: str,
    sans: tuple[str, ...] = (),
    key_type: ca.KeyType = "p256",
    password: bytes | None = None,
    o: str | None = None,
    key: ca.PrivateKey | None = None,
) -> Product:
    """A key and a CSR for ``name`` (its CN is also requested as a SAN), as a site owner makes.

    Raises:
        UsageError: a bad name, SAN or passphrase.
    """
    check_password(password)
    csr_path, key_path = csr_paths(out_dir, name)
    requested = [ca.parse_san(v) for v in sans]
    try:
        cn_name = ca.parse_san(name)
    except UsageError:
        cn_name = None
    if cn_name is not None and cn_name not in requested:
        requested.insert(0, cn_name)
    key = key or ca.generate_private_key(key_type)
    csr = ca.create_csr(ca.build_name(name.strip(), o=o), key, requested)
    files = (
        FileToWrite(csr_path, csr.public_bytes(serialization.Encoding.PEM), kind="csr"),
        FileToWrite(key_path, ca.private_key_pem(key, password), private=True, kind="private_key"),
    )
    return Product("csr", files, csr=csr, key_description=describe_key(key),
                   key_encrypted=bool(password), notes=_key_notes(password, key_path))


def load_csr(data: bytes) -> x509.CertificateSigningRequest:
    """Parse a PEM or DER CSR.

    Raises:
        InvalidInput: it is not one, or a field of it cannot be read (said which).
    """
    csr = safe.load_csr(data, "this is not a certificate signing request (PEM or DER)")
    unreadable = safe.problems(csr)
    if unreadable:
        raise InvalidInput(f"the CSR cannot be signed: {'; '.join(u.sentence for u in unreadable)}")
    return csr


def csr_name(csr: x509.CertificateSigningRequest) -> str:
    """The name an issued CSR is filed under: its CN, else its first SAN.

    Raises:
        InvalidInput: the CSR names nothing.
    """
    cn = csr.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if cn:
        return str(cn[0].value)
    for name in ca.csr_sans(csr):
        return str(name.value)
    raise InvalidInput("the CSR has neither a common name nor a subject alternative name")


def build_signed(
    issuer: LoadedCa,
    csr_data: bytes,
    now: dt.datetime,
    *,
    client: bool = False,
    days: int | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Product:
    """Sign a CSR: the request's subject and SANs, the CA's policy for the rest.

    The product's :attr:`Product.changes` says what was kept, changed, added
    or dropped compared with the request.

    Raises:
        InvalidInput: not a CSR, or its signature does not verify.
        UsageError: bad validity.
    """
    csr = load_csr(csr_data)
    start, end = resolve_validity(now, days, not_before, not_after, ca.DEFAULT_LEAF_DAYS)
    spec = ca.spec_from_csr(csr, "client" if client else "server", start, end)
    spec = replace(spec, extra_extensions=_pointers(issuer.directory))
    cert = ca.issue_certificate(spec, csr.public_key(), issuer.key, issuer.certificate)  # type: ignore[arg-type]
    paths = issued_paths(issuer.directory, csr_name(csr))
    files = (
        FileToWrite(paths.certificate, ca.certificate_pem(cert), kind="certificate"),
        FileToWrite(paths.fullchain, ca.certificate_pem(cert, *issuer.chain_without_root), kind="fullchain"),
    )
    changes = ca.compare_csr(csr, cert)
    notes: list[str] = ["the private key stays with whoever made the CSR; no key file is written"]
    dropped = [c.field for c in changes if c.status == "dropped"]
    if dropped:
        notes.append(f"not honoured from the request: {', '.join(dropped)}")
    return Product(
        "sign", files, cert, issuer_chain=issuer.chain, csr=csr, changes=changes, notes=tuple(notes),
        recorded_in=issuer.directory,
    )
