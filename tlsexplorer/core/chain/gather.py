"""One way to gather what a chain is verified with, and to verify it.

The Chain screen, ``tlsexplorer verify`` and the TLS probe all describe their
input as a :class:`ChainInput`: where the leaf, the intermediates and the
trust anchors come from (files, folders, or bytes already in memory, each a
:class:`Source`), whether the system's roots are trusted, whether the
self-signed root found in the bundle itself is trusted, and the host, purpose,
time and depth of the check. :func:`gather_input` reads it all with one set of rules:

- files are read with the size limit of :mod:`tlsexplorer.core.files`; a
  folder stands for its certificate files (:func:`~tlsexplorer.core.files.certificate_files`),
  a file in it without a certificate is skipped with a note, and a folder
  with none at all is refused;
- the leaf is the first certificate of the leaf's sources (a fullchain bundle
  works); a folder there is refused, since it has no first certificate;
- the system roots come from :mod:`tlsexplorer.core.chain.trust`;
- the bundle's roots are split off with the one rule of what a root is,
  :func:`~tlsexplorer.core.chain.verify.split_bundle_roots`;
- the equivalent ``openssl verify`` command names exactly the files the
  certificates were read from.

:func:`gather_and_verify` then verifies with
:func:`~tlsexplorer.core.chain.verify.verify_chain` and returns the report
with what was gathered.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning

from tlsexplorer.core.chain.model import ChainReport, CrlCheck, OpensslFiles, Purpose
from tlsexplorer.core.chain.revocation import DEFAULT_TIMEOUT, Crl, read_crls
from tlsexplorer.core.chain.revocation_chain import RevocationRequest, check_chain_revocation
from tlsexplorer.core.chain.trust import SystemTrust, system_trust
from tlsexplorer.core.chain.verify import split_bundle_roots, verify_chain
from tlsexplorer.core.errors import FileAccessError, InvalidInput, UsageError
from tlsexplorer.core.files import CERT_SUFFIXES, certificate_files, check_size, read_file
from tlsexplorer.core.x509.loader import load_certificates

#: The note when the system roots were asked for and the machine has none.
NO_SYSTEM_STORE = "no system trust store was found (and certifi is not installed)"
#: The note when the root found in the bundle is trusted.
BUNDLE_ROOT_TRUSTED = "trusting the root found in the bundle itself: this proves nothing about who sent it"


@dataclass(frozen=True)
class Source:
    """Certificates from one place: a file or a folder on disk, or bytes already in memory."""

    path: Path | None = None
    """The file or folder to read (None for :attr:`data`)."""
    data: bytes | None = None
    """PEM, DER or PKCS#7 bytes already read (None for :attr:`path`)."""
    name: str = ""
    """What the openssl command line calls it (default: the path; a folder stands for its files)."""
    rest_name: str = ""
    """openssl's name for the certificates after the first one (default: :attr:`name`)."""
    label: str = ""
    """How messages name it (default: :attr:`name`)."""

    def __post_init__(self) -> None:
        if (self.path is None) == (self.data is None):
            raise ValueError("a Source is either a path or data")

    @classmethod
    def file(cls, path: str | Path, *, name: str | None = None, label: str | None = None) -> Source:
        """A file or folder; openssl and messages call it ``name`` (default: the path)."""
        as_path = Path(path)
        shown = str(as_path) if name is None else name
        return cls(path=as_path, name=shown, label=shown if label is None else label)

    @classmethod
    def memory(cls, data: bytes, *, label: str, name: str, rest_name: str = "") -> Source:
        """Bytes already in memory, which openssl is told were saved as ``name``."""
        return cls(data=data, name=name, rest_name=rest_name, label=label)

    @property
    def shown(self) -> str:
        """How messages name it."""
        return self.label or self.name or str(self.path)


@dataclass(frozen=True)
class InputNames:
    """How the front end calls its inputs, so that messages point at the right one."""

    leaf: str = "the leaf"
    """The leaf's input (``LEAF``, ``Leaf``)."""
    intermediates: str = "the intermediates"
    """The intermediates' input (``--chain``, ``Intermediates``)."""
    anchors: str = "the trust anchors"
    """The trust anchors' input (``--ca``, ``Anchors``)."""
    bundle_root: str = "trust the root in the bundle"
    """The switch that trusts the root found in the bundle (``--trust-bundle-root``)."""


@dataclass(frozen=True, kw_only=True)
class ChainInput:
    """Everything a chain is verified with."""

    leaf: tuple[Source, ...]
    """The leaf's file (or a bundle starting with it): its first certificate is the leaf,
    every further one counts as an intermediate."""
    intermediates: tuple[Source, ...] = ()
    """Candidate intermediates (untrusted)."""
    anchors: tuple[Source, ...] = ()
    """Trust anchors."""
    system_roots: bool = False
    """Also trust the system's roots."""
    trust_bundle_root: bool = False
    """Trust the self-signed root found among the leaf and the intermediates (proves nothing)."""
    at: dt.datetime
    """The validation time."""
    host: str | None = None
    """The DNS name or IP address the leaf must name (None: the leaf's own)."""
    purpose: Purpose = "server"
    """``server`` or ``client``."""
    max_depth: int | None = None
    """Most intermediates allowed (None: the verifier's default)."""
    names: InputNames = field(default_factory=InputNames)
    """How the front end calls its inputs, for messages."""
    missing_fix: str | None = None
    """What to do when an issuer is missing, when the front end knows better than the default
    (the probe: the server must send it)."""
    crls: tuple[Source, ...] = ()
    """CRL files (PEM or DER). CRLs found among the other sources (a ``.crl`` file in a folder, a
    CRL file given as an intermediate or anchor) are used too."""
    ocsp: bool = False
    """Ask each checked certificate's OCSP responder."""
    fetch: bool = False
    """Download each checked certificate's CRL distribution points."""
    crl_check: CrlCheck | None = None
    """Whose unknown revocation status is a failure (``leaf`` or ``all``; None: none's)."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds for each download (CRLs, OCSP)."""


@dataclass(frozen=True)
class Gathered:
    """What was read for a verification."""

    leaf: x509.Certificate
    """The leaf."""
    intermediates: tuple[x509.Certificate, ...]
    """Candidate intermediates (without the roots trusted from the bundle)."""
    anchors: tuple[x509.Certificate, ...]
    """Trust anchors from the given sources."""
    system: SystemTrust | None
    """The system's trust store, when it was asked for."""
    bundle_roots: tuple[x509.Certificate, ...]
    """Self-signed roots found in the bundle and trusted because that was asked."""
    files: OpensslFiles
    """The files the equivalent openssl command names."""
    notes: tuple[str, ...] = ()
    """What the person must know about the input (files skipped, a root trusted from the bundle)."""
    origins: tuple[tuple[x509.Certificate, str], ...] = ()
    """Where each given anchor and each bundle root came from (see :meth:`origin`)."""
    crls: tuple[Crl, ...] = ()
    """The CRLs given or found among the inputs."""
    crl_files: tuple[str, ...] = ()
    """The files they came from, as openssl names them."""
    file_names: tuple[tuple[x509.Certificate, str], ...] = ()
    """The file each certificate was read from, as openssl names it."""

    def file_of(self, cert: x509.Certificate) -> str:
        """The file ``cert`` was read from (``cert.pem`` when it came from nowhere named)."""
        return next((name for c, name in self.file_names if c == cert), "cert.pem")

    def origin(self, cert: x509.Certificate) -> str | None:
        """Where the trust anchor ``cert`` came from: its file and input, or the system's trust store.

        None: ``cert`` is no trust anchor of this verification.
        """
        for anchor, origin in self.origins:
            if anchor == cert:
                return origin
        if self.system is not None and cert in self.system.certificates:
            return f"the system's trust store ({self.system.path or self.system.source})"
        return None

    @property
    def roots(self) -> tuple[x509.Certificate, ...]:
        """Every trust anchor but the bundle's: the given ones, then the system's."""
        system = self.system.certificates if self.system is not None else ()
        return (*self.anchors, *system)


@dataclass(frozen=True)
class Verification:
    """A verification's report and what it was made from."""

    report: ChainReport
    """The verdict and every check explained."""
    gathered: Gathered
    """What was read."""


# (certificate, the file openssl is told it is in)
_Named = tuple[x509.Certificate, str]


def _parse(data: bytes, label: str) -> list[x509.Certificate]:
    """Every certificate in ``data``; a plain PEM bundle goes through the library's fast bulk reader."""
    if data.count(b"-----BEGIN ") == data.count(b"-----BEGIN CERTIFICATE-----") > 0:
        # The common case, and a 10,000-certificate pool: much faster than the general loader.
        try:
            return x509.load_pem_x509_certificates(data)
        except Exception:
            pass
    return load_certificates(data, label)


_CRL_SUFFIX = ".crl"


def _crls_in(data: bytes, name: str, crls: list[tuple[Crl, str]]) -> bool:
    """Add the CRLs of ``data`` (a file holding CRLs and no certificate) to ``crls``; False: none."""
    if b"-----BEGIN X509 CRL-----" not in data and (data[:1] != b"\x30" or b"-----BEGIN" in data):
        return False
    found = read_crls(data, name)
    if not any(c.crl is not None for c in found):
        return False
    crls.extend((c, name) for c in found)
    return True


def _read(source: Source, notes: list[str], crls: list[tuple[Crl, str]] | None = None) -> list[_Named]:
    """The certificates of one source, each with its openssl file name; a CRL file goes to ``crls``."""
    if source.path is None or not source.path.is_dir():
        if source.path is not None:
            data = read_file(source.path)
        else:
            data = source.data or b""
            check_size(len(data), source.shown)
        if crls is not None and b"-----BEGIN CERTIFICATE" not in data and _crls_in(data, source.name, crls):
            return []
        return _named(_parse(data, source.shown), source.name, source.rest_name)
    found: list[_Named] = []
    crls_before = len(crls) if crls is not None else 0
    if crls is not None:
        crl_files = (p for p in source.path.iterdir() if p.suffix.lower() == _CRL_SUFFIX and p.is_file())
        for item in sorted(crl_files):
            try:
                if not _crls_in(read_file(item), str(item), crls):
                    notes.append(f"{item}: skipped, no CRL in it")
            except FileAccessError as exc:
                notes.append(f"{exc} (skipped)")
    for item in certificate_files(source.path):
        try:
            data = read_file(item)
            if crls is not None and b"-----BEGIN CERTIFICATE" not in data and _crls_in(data, str(item), crls):
                continue
            found.extend((cert, str(item)) for cert in _parse(data, str(item)))
        except InvalidInput:
            notes.append(f"{item}: skipped, no certificate in it")
        except FileAccessError as exc:
            notes.append(f"{exc} (skipped)")
    if not found and crls is not None and len(crls) > crls_before:
        return found
    if not found:
        raise UsageError(f"{source.shown}: no certificate file ({', '.join(CERT_SUFFIXES)}) in this folder")
    return found


def _named(certs: list[x509.Certificate], name: str, rest_name: str) -> list[_Named]:
    return [(cert, name if index == 0 else rest_name or name) for index, cert in enumerate(certs)]


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def gather_input(request: ChainInput) -> Gathered:
    """Read every source of ``request`` and split the bundle's roots off.

    Raises:
        UsageError: no leaf, a folder given as the leaf, a folder without
            certificates, or "trust the root in the bundle" with no such root
            and no other anchor.
        FileAccessError: a file missing, unreadable or above the size limit.
        InvalidInput: a file (not in a folder) without any certificate.
    """
    names = request.names
    for source in request.leaf:
        if source.path is not None and source.path.is_dir():
            # A folder has no first certificate: the leaf would be whichever file sorts first.
            raise UsageError(
                f"{names.leaf} {source.shown} is a folder: give the leaf's file (or a fullchain bundle "
                f"starting with it); folders of intermediates go in {names.intermediates}, folders of "
                f"roots in {names.anchors}"
            )
    if not request.leaf:
        raise UsageError("give the leaf: a certificate file (or a fullchain bundle)")
    notes: list[str] = []
    with warnings.catch_warnings():
        # Trust bundles hold a few roots with a zero serial: the library warns on each.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        bundle = [named for source in request.leaf for named in _read(source, notes)]
        (leaf, leaf_name), candidates = bundle[0], bundle[1:]
        found_crls: list[tuple[Crl, str]] = []
        candidates += [named for source in request.intermediates
                       for named in _read(source, notes, found_crls)]
        anchors = [named for source in request.anchors for named in _read(source, notes, found_crls)]
        for source in request.crls:
            if source.path is not None:
                data = read_file(source.path)
            else:
                data = source.data or b""
                check_size(len(data), source.shown)
            found_crls.extend((crl, source.name) for crl in read_crls(data, source.name))
    cafile = [name for _, name in anchors]
    origins = [(cert, f"{name} ({names.anchors})") for cert, name in anchors]
    untrusted = _unique(name for _, name in candidates)

    system: SystemTrust | None = None
    if request.system_roots:
        system = system_trust()
        if not system.certificates:
            notes.append(NO_SYSTEM_STORE)
        elif system.path:
            cafile.append(system.path)

    intermediates = [cert for cert, _ in candidates]
    bundle_roots: list[x509.Certificate] = []
    if request.trust_bundle_root:
        # A self-signed leaf is its own root: trusting the bundle's root trusts it too.
        others, bundle_roots = split_bundle_roots([leaf, *intermediates])
        intermediates = [cert for cert in others if cert != leaf]
        if not bundle_roots:
            if not anchors and not (system and system.certificates):
                raise UsageError(
                    f"{names.bundle_root}: no self-signed root found in {names.leaf} or {names.intermediates}"
                )
            notes.append(f"{names.bundle_root}: no self-signed root found in the bundle")
        else:
            notes.append(BUNDLE_ROOT_TRUSTED)
            in_bundle = [(c, name) for c, name in [(leaf, leaf_name), *candidates] if c in bundle_roots]
            cafile.extend(name for _, name in in_bundle)
            origins.extend((c, f"{name}, the bundle's root ({names.bundle_root})") for c, name in in_bundle)

    return Gathered(
        leaf=leaf,
        intermediates=tuple(intermediates),
        anchors=tuple(cert for cert, _ in anchors),
        system=system,
        bundle_roots=tuple(bundle_roots),
        files=OpensslFiles(leaf=leaf_name, untrusted=untrusted, cafile=_unique(cafile)),
        notes=tuple(notes),
        origins=tuple(origins),
        crls=tuple(crl for crl, _ in found_crls),
        crl_files=_unique(name for _, name in found_crls),
        file_names=tuple([(leaf, leaf_name), *candidates, *anchors]),
    )


def gather_and_verify(request: ChainInput) -> Verification:
    """Gather the input of ``request`` (:func:`gather_input`) and verify the chain (:func:`verify_chain`).

    Raises:
        UsageError, FileAccessError, InvalidInput: see :func:`gather_input`; a host
            that is no DNS name or IP, or a depth out of range (see :func:`verify_chain`).
    """
    gathered = gather_input(request)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        report = verify_chain(
            gathered.leaf,
            gathered.intermediates,
            gathered.roots,
            at=request.at,
            host=request.host,
            purpose=request.purpose,
            max_depth=request.max_depth,
            bundle_roots=gathered.bundle_roots,
            files=gathered.files,
            missing_fix=request.missing_fix,
        )
    revocation = RevocationRequest(
        crls=gathered.crls,
        crl_files=gathered.crl_files,
        ocsp=request.ocsp,
        fetch=request.fetch,
        crl_check=request.crl_check,
        timeout=request.timeout,
    )
    if revocation.asked:
        report = check_chain_revocation(
            report, revocation, file_of=gathered.file_of, anchor_files=gathered.files.cafile
        )
    return Verification(report, gathered)


__all__ = [
    "BUNDLE_ROOT_TRUSTED",
    "NO_SYSTEM_STORE",
    "ChainInput",
    "Gathered",
    "InputNames",
    "Source",
    "Verification",
    "gather_and_verify",
    "gather_input",
]
