"""Reading cryptographic objects from bytes, by content rather than file name.

:func:`load_objects` finds everything a person is likely to have in a file:
PEM with any number of blocks in any order (text between them, CRLF, leading
garbage), DER, DER as bare base64 text, PKCS#7 (PEM or DER), PKCS#12, private
keys (PKCS#1, PKCS#8, SEC1, OpenSSH; encrypted ones are listed even without
their passphrase), public keys (SPKI, PKCS#1, OpenSSH), CSRs, CRLs, and OCSP
requests and responses (``openssl ocsp -reqout/-respout``). A block it cannot read
becomes a problem naming its line and the reason; the rest is still read.
Nothing escapes it but a result (or, for a bug of ours, a crash the tests look
for).

:func:`load_certificates` keeps its signature: the Chain, CA and TLS explorers
call it.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from tlsexplorer.core.der import decode_oid, read_tlv, tlv_length
from tlsexplorer.core.errors import InvalidInput, TlsxError
from tlsexplorer.core.x509.ocsp import ocsp_kind
from tlsexplorer.core.x509.safe import explain, load_error

PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 #]+)-----\r?\n(.*?)-----END \1-----",
    re.S,
)
_BEGIN = re.compile(rb"-----BEGIN ([^-\r\n]{1,64})-----")

#: Every kind of object the loader reports (the JSON ``kind`` values).
KINDS = (
    "certificate",
    "certificate_request",
    "crl",
    "private_key",
    "public_key",
    "pkcs12",
    "pkcs7",
    "ocsp_response",
    "ocsp_request",
)

#: What a person passes to open encrypted material (named in notes).
PASSWORD_HINT = "--password-file FILE"

CERT_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"})
CSR_LABELS = frozenset({"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"})
CRL_LABELS = frozenset({"X509 CRL"})
PKCS7_LABELS = frozenset({"PKCS7", "PKCS #7 SIGNED DATA", "CMS", "CERTIFICATE CHAIN"})
#: OpenSSL's PEM labels for OCSP (PEM_STRING_OCSP_REQUEST, PEM_STRING_OCSP_RESPONSE).
OCSP_LABELS = {"OCSP RESPONSE": "ocsp_response", "OCSP REQUEST": "ocsp_request"}
#: Largest bare base64 text read as DER (a big CRL in base64 stays well under it).
MAX_BASE64_TEXT = 64 * 1024 * 1024
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")
PRIVATE_LABELS = {
    "PRIVATE KEY": "PKCS#8",
    "ENCRYPTED PRIVATE KEY": "PKCS#8",
    "RSA PRIVATE KEY": "PKCS#1",
    "EC PRIVATE KEY": "SEC1",
    "DSA PRIVATE KEY": "OpenSSL DSA",
    "OPENSSH PRIVATE KEY": "OpenSSH",
}
PUBLIC_LABELS = {"PUBLIC KEY": "SPKI", "RSA PUBLIC KEY": "PKCS#1"}
SKIPPED_LABELS = {
    "EC PARAMETERS": "curve parameters (the key after it names its curve again)",
    "DH PARAMETERS": "Diffie-Hellman parameters",
    "X9.42 DH PARAMETERS": "Diffie-Hellman parameters",
}

#: PKCS#7 content types a PKCS#12 file's authSafe holds: data, signedData.
_PKCS7_DATA_OIDS = ("1.2.840.113549.1.7.1", "1.2.840.113549.1.7.2")
#: Password-based encryption schemes (PKCS#5 PBES1/PBES2, PKCS#12 PBE), as OID prefixes.
_PBE_OID_PREFIXES = ("1.2.840.113549.1.5.", "1.2.840.113549.1.12.1.")
_SSH_PUBLIC_PREFIXES = (b"ssh-", b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-")


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


@dataclass(frozen=True)
class LoadedObject:
    """One object found in a file, with where it was and its raw bytes."""

    kind: str
    """One of :data:`KINDS`."""
    format: str
    """The encoding it came in (``X.509``, ``PKCS#8``, ``SEC1``, ``OpenSSH``, ``SPKI``...)."""
    where: str
    """Where it is, for people: ``line 12``, ``byte 0``, ``PKCS#12 item 2``."""
    line: int
    """1-based line of its BEGIN line (0 for DER and contained objects)."""
    offset: int
    """Byte offset in the file (of the container for contained objects)."""
    der: bytes
    """Its DER bytes (b"" when there are none, as for OpenSSH keys)."""
    pem: bytes
    """Its PEM text as found (b"" for DER input)."""
    value: Any
    """The cryptography object; None when encrypted and not opened."""
    encrypted: bool = False
    """True when it was protected by a passphrase (opened or not)."""
    label: str = ""
    """The PEM label, when it came in PEM."""
    warnings: tuple[str, ...] = ()
    """What the library warned about while reading it (becomes lint)."""
    note: str = ""
    """A remark for people: ``encrypted, needs a passphrase (--password-file FILE)``."""
    name: str = ""
    """A friendly name (PKCS#12) or OpenSSH comment, when present."""
    children: tuple[LoadedObject, ...] = field(default=())
    """Objects inside a container (PKCS#7, PKCS#12)."""

    @property
    def opened(self) -> bool:
        """True when the object could be read (not a locked container or key)."""
        return self.value is not None


@dataclass(frozen=True)
class LoadResult:
    """Everything found in one file (or stdin)."""

    name: str
    """The path or label it was read from."""
    size: int
    """Bytes read."""
    objects: tuple[LoadedObject, ...]
    """Top-level objects in file order (containers hold their items)."""
    problems: tuple[str, ...]
    """What could not be read, each naming its position and reason."""
    notes: tuple[str, ...] = ()
    """Blocks skipped on purpose (parameters) and other remarks."""
    recognised: bool = True
    """False when the content is not crypto material at all (a text or binary file of another kind)."""

    @property
    def ok(self) -> bool:
        """True when nothing went wrong (the file counts as read)."""
        return not self.problems

    def flat(self) -> list[tuple[int, LoadedObject]]:
        """Every object with its depth (containers first, their items at depth 1)."""
        out: list[tuple[int, LoadedObject]] = []

        def visit(obj: LoadedObject, depth: int) -> None:
            out.append((depth, obj))
            for child in obj.children:
                visit(child, depth + 1)

        for obj in self.objects:
            visit(obj, 0)
        return out


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def pem_blocks(data: bytes) -> tuple[list[PemBlock], list[InvalidInput]]:
    """Find every PEM block, whatever surrounds it (text, CRLF, garbage).

    Returns:
        The blocks that decoded, and one error per block whose base64 did not
        (or whose BEGIN line has no END line), naming its line.
    """
    blocks: list[PemBlock] = []
    errors: list[InvalidInput] = []
    covered: list[tuple[int, int]] = []
    line = 1
    last = 0
    for match in PEM_BLOCK.finditer(data):
        label = match.group(1).decode("ascii")
        line += data.count(b"\n", last, match.start())
        last = match.start()
        covered.append((match.start(), match.end()))
        raw = match.group(2)
        der = b""
        if b":" not in raw:  # the common case, base64 lines only: one C call
            try:
                der = binascii.a2b_base64(  # type: ignore[call-arg]  # strict_mode: Python 3.11+
                    raw.replace(b"\r", b"").replace(b"\n", b""), strict_mode=True
                )
            except binascii.Error:
                der = b""
        try:
            if not der:
                body = b"".join(row.strip() for row in raw.splitlines() if row.strip() and b":" not in row)
                der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            errors.append(InvalidInput(f"line {line}: the {label} block's base64 is damaged"))
            continue
        if not der:
            errors.append(InvalidInput(f"line {line}: the {label} block is empty"))
            continue
        blocks.append(PemBlock(label, der, match.start(), line, match.group(0)))
    if data.count(b"-----BEGIN ") > len(covered):
        for begin in _BEGIN.finditer(data):
            if not any(a <= begin.start() < b for a, b in covered):
                label = begin.group(1).decode("ascii", errors="replace")
                errors.append(
                    InvalidInput(
                        f"line {_line_of(data, begin.start())}: the {label} block has no matching "
                        f"END line (cut short?)"
                    )
                )
    if errors:
        errors.sort(key=lambda e: int(str(e).split(":")[0].removeprefix("line ")))
    return blocks, errors


def looks_like_pem(data: bytes) -> bool:
    """True when the data contains at least one PEM BEGIN line."""
    return b"-----BEGIN " in data


_LOCAL = threading.local()


def _quiet(parse: Callable[[], Any]) -> tuple[Any, tuple[str, ...]]:
    """Run a parse, collecting the library's warnings instead of printing them.

    Inside :func:`load_objects` one recording is shared by every parse of the
    file (entering ``catch_warnings`` per certificate would cost more than
    reading it); the warnings a parse adds are the ones it caused.
    """
    log: list[warnings.WarningMessage] | None = getattr(_LOCAL, "log", None)
    if log is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = parse()
        return value, tuple(dict.fromkeys(str(w.message) for w in caught))
    before = len(log)
    value = parse()
    if len(log) == before:
        return value, ()
    return value, tuple(dict.fromkeys(str(w.message) for w in log[before:]))


def _reason(exc: BaseException, der: bytes = b"", what: str = "") -> str:
    """Why a parse failed, in our words (:func:`~tlsexplorer.core.x509.safe.explain`)."""
    text = load_error(exc, der, what) if what else explain(exc)
    return text[:200]


def _first_tlv(der: bytes) -> bytes:
    """The first TLV of ``der`` (TRUSTED CERTIFICATE blocks carry trust data after it)."""
    try:
        return der[: tlv_length(der)]
    except InvalidInput:
        return der


def _openssh_encrypted(pem_text: bytes) -> bool:
    try:
        body = b"".join(
            row.strip() for row in pem_text.splitlines()[1:-1] if row.strip() and b"-----" not in row
        )
        blob = base64.b64decode(body)
    except (binascii.Error, ValueError):
        return False
    magic = b"openssh-key-v1\x00"
    if not blob.startswith(magic) or len(blob) < len(magic) + 4:
        return False
    size = int.from_bytes(blob[len(magic) : len(magic) + 4], "big")
    cipher = blob[len(magic) + 4 : len(magic) + 4 + size]
    return cipher != b"none"


def _is_pkcs12(der: bytes) -> bool:
    """PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID data|signedData, ... }, ... }."""
    try:
        tag, start, end = read_tlv(der, 0)
        if tag != 0x30:
            return False
        tag, version, after = read_tlv(der, start, end)
        if tag != 0x02 or der[version:after] != b"\x03":
            return False
        tag, start, end = read_tlv(der, after, end)
        if tag != 0x30:
            return False
        tag, start, end = read_tlv(der, start, end)
        return tag == 0x06 and decode_oid(der[start:end]) in _PKCS7_DATA_OIDS
    except InvalidInput:
        return False


class _Reader:
    """Collects objects and problems for one input."""

    def __init__(self, data: bytes, name: str, password: bytes | None) -> None:
        self.data = data
        self.name = name
        self.password = password
        self.objects: list[LoadedObject] = []
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.recognised = True
        self.der_format = "DER"
        """How DER arrived: ``DER``, or ``base64`` (bare base64 text, as openssl ocsp and HTTP GET use)."""

    # Single objects -------------------------------------------------------

    def certificate(
        self, der: bytes, where: str, line: int, offset: int, pem: bytes, label: str, fmt: str = "X.509"
    ) -> LoadedObject:
        cert, warned = _quiet(lambda: x509.load_der_x509_certificate(der))
        return LoadedObject(
            "certificate", fmt, where, line, offset, der, pem, cert, label=label, warnings=warned
        )

    def private_key(
        self, der: bytes, pem: bytes, fmt: str, where: str, line: int, offset: int, label: str
    ) -> LoadedObject:
        from cryptography.hazmat.primitives import serialization
        """A private key; encrypted ones without a (right) passphrase stay listed."""
        encrypted = (
            label == "ENCRYPTED PRIVATE KEY"
            or b"Proc-Type: 4,ENCRYPTED" in pem
            or (label == "OPENSSH PRIVATE KEY" and _openssh_encrypted(pem))
        )

        def locked(note: str) -> LoadedObject:
            return LoadedObject(
                "private_key", fmt, where, line, offset, der, pem, None,
                encrypted=True, label=label, note=note,
            )

        if encrypted and self.password is None:
            return locked(f"encrypted, needs a passphrase ({PASSWORD_HINT})")
        password = self.password if encrypted else None
        comment = ""
        try:
            if label == "OPENSSH PRIVATE KEY":
                key, warned = _quiet(lambda: serialization.load_ssh_private_key(pem, password))
            elif b"Proc-Type: 4,ENCRYPTED" in pem or label == "DSA PRIVATE KEY":
                key, warned = _quiet(lambda: serialization.load_pem_private_key(pem, password))
            else:
                key, warned = _quiet(lambda: serialization.load_der_private_key(der, password))
        except (ValueError, TypeError) as exc:
            if encrypted and not self.password:  # an empty password file, or empty stdin
                self.problems.append(f"{where}: the passphrase given is empty, and it does not open "
                                     "this private key")
                return locked("encrypted; the empty passphrase given does not open it")
            if encrypted:
                self.problems.append(f"{where}: the passphrase given does not open this private key")
                return locked("encrypted; the passphrase given does not open it")
            raise InvalidInput(
                f"{where}: the {label or 'private key'} is unreadable ({_reason(exc)})"
            ) from None
        note = "encrypted; opened with the passphrase given" if encrypted else ""
        return LoadedObject(
            "private_key",
            fmt,
            where,
            line,
            offset,
            der,
            pem,
            key,
            encrypted=encrypted,
            label=label,
            warnings=warned,
            note=note,
            name=comment,
        )

    def pkcs7(
        self, der: bytes, where: str, line: int, offset: int, pem: bytes, label: str, fmt: str
    ) -> LoadedObject:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs7
        certs, warned = _quiet(lambda: pkcs7.load_der_pkcs7_certificates(der))
        children = tuple(
            LoadedObject(
                "certificate",
                "X.509",
                f"{where}, item {i}",
                0,
                offset,
                c.public_bytes(serialization.Encoding.DER),
                b"",
                c,
                warnings=warned,
            )
            for i, c in enumerate(certs, 1)
        )
        note = "" if children else "holds no certificates"
        return LoadedObject(
            "pkcs7",
            fmt,
            where,
            line,
            offset,
            der,
            pem,
            tuple(certs),
            label=label,
            children=children,
            note=note,
        )

    def pkcs12(self, der: bytes, where: str, offset: int) -> LoadedObject:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12
        # A file without a password opens whatever password is given: try none after the one given.
        attempts: list[bytes | None] = [None, b""]
        if self.password:
            attempts.insert(0, self.password)
        loaded: Any = None
        opened_with: bytes | None = None
        for attempt in attempts:
            try:
                loaded, _warned = _quiet(partial(pkcs12.load_pkcs12, der, attempt))
                opened_with = attempt
                break
            except (ValueError, TypeError):
                continue
            except UnsupportedAlgorithm as exc:
                raise InvalidInput(
                    f"{where}: PKCS#12 uses an algorithm not supported ({_reason(exc)})"
                ) from None
        if loaded is None:
            if self.password is None:
                note = f"encrypted, needs a password ({PASSWORD_HINT})"
            elif not self.password:
                note = "encrypted; the empty password given does not open it"
                self.problems.append(f"{where}: the password given is empty, and it does not open this "
                                     "PKCS#12 file")
            else:
                note = "encrypted; the password given does not open it"
                self.problems.append(f"{where}: the password given does not open this PKCS#12 file")
            return LoadedObject(
                "pkcs12", "PKCS#12", where, 0, offset, der, b"", None, encrypted=True, note=note
            )
        children: list[LoadedObject] = []
        item = 0
        if loaded.key is not None:
            item += 1
            key_der = loaded.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            children.append(
                LoadedObject(
                    "private_key", "PKCS#8", f"{where}, item {item}", 0, offset, key_der, b"", loaded.key
                )
            )
        certs = ([loaded.cert] if loaded.cert is not None else []) + list(loaded.additional_certs)
        for entry in certs:
            item += 1
            cert = entry.certificate
            friendly = entry.friendly_name.decode("utf-8", "replace") if entry.friendly_name else ""
            children.append(
                LoadedObject(
                    "certificate",
                    "X.509",
                    f"{where}, item {item}",
                    0,
                    offset,
                    cert.public_bytes(serialization.Encoding.DER),
                    b"",
                    cert,
                    name=friendly,
                )
            )
        protected = bool(opened_with)
        note = "opened with the password given" if protected else "no password"
        if self.password and not protected:
            note = "no password (the one given was not needed)"
        return LoadedObject(
            "pkcs12",
            "PKCS#12",
            where,
            0,
            offset,
            der,
            b"",
            loaded,
            encrypted=protected,
            children=tuple(children),
            note=note,
        )

    def ocsp(
        self, der: bytes, kind: str, where: str, line: int, offset: int, pem: bytes, label: str, fmt: str
    ) -> LoadedObject:
        """An OCSP response (the certificates it carries as its items) or request."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509 import ocsp
        what = "response" if kind == "ocsp_response" else "request"
        try:
            if kind == "ocsp_request":
                value, warned = _quiet(lambda: ocsp.load_der_ocsp_request(der))
            else:
                value, warned = _quiet(lambda: ocsp.load_der_ocsp_response(der))
        except Exception as exc:  # the library can fail in ways it does not document
            raise InvalidInput(f"{where}: the OCSP {what} is unreadable ({_reason(exc)})") from None
        children: list[LoadedObject] = []
        if kind == "ocsp_response":
            carried: list[x509.Certificate] = []
            try:
                if value.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL:
                    carried = list(value.certificates)
            except Exception as exc:  # its certificates cannot be read: said, the rest still shown
                self.problems.append(f"{where}: the OCSP response's certificates cannot be read "
                                     f"({_reason(exc)})")
            for i, cert in enumerate(carried, 1):
                cert_der = cert.public_bytes(serialization.Encoding.DER)
                children.append(LoadedObject("certificate", "X.509", f"{where}, certificate {i}", 0, offset,
                                             cert_der, b"", cert))
        return LoadedObject(
            kind, f"OCSP {what} ({fmt})", where, line, offset, der, pem, value,
            label=label, warnings=warned, children=tuple(children),
        )

    # PEM ------------------------------------------------------------------

    def pem_block(self, block: PemBlock) -> None:
        from cryptography.hazmat.primitives import serialization
        label = block.label
        where = f"line {block.line}"
        args = (where, block.line, block.start)
        if label in CERT_LABELS:
            der = _first_tlv(block.der) if label == "TRUSTED CERTIFICATE" else block.der
            self.objects.append(self.certificate(der, *args, block.text, label))
        elif label in CSR_LABELS:
            csr, warned = _quiet(lambda: x509.load_der_x509_csr(block.der))
            self.objects.append(
                LoadedObject(
                    "certificate_request",
                    "PKCS#10",
                    *args,
                    block.der,
                    block.text,
                    csr,
                    label=label,
                    warnings=warned,
                )
            )
        elif label in CRL_LABELS:
            crl, warned = _quiet(lambda: x509.load_der_x509_crl(block.der))
            self.objects.append(
                LoadedObject(
                    "crl", "X.509 CRL", *args, block.der, block.text, crl, label=label, warnings=warned
                )
            )
        elif label in PKCS7_LABELS:
            self.objects.append(self.pkcs7(block.der, *args, block.text, label, "PKCS#7 (PEM)"))
        elif label in OCSP_LABELS:
            self.objects.append(self.ocsp(block.der, OCSP_LABELS[label], *args, block.text, label, "PEM"))
        elif label in PRIVATE_LABELS:
            self.objects.append(self.private_key(block.der, block.text, PRIVATE_LABELS[label], *args, label))
        elif label in PUBLIC_LABELS:
            if label == "RSA PUBLIC KEY":
                key, warned = _quiet(lambda: serialization.load_pem_public_key(block.text))
            else:
                key, warned = _quiet(lambda: serialization.load_der_public_key(block.der))
            self.objects.append(
                LoadedObject(
                    "public_key",
                    PUBLIC_LABELS[label],
                    *args,
                    block.der,
                    block.text,
                    key,
                    label=label,
                    warnings=warned,
                )
            )
        elif label in SKIPPED_LABELS:
            self.notes.append(f"{where}: {label} block skipped ({SKIPPED_LABELS[label]})")
        else:
            self.problems.append(f"{where}: a {label} block is not something the Inspector reads")

    def read_pem(self) -> None:
        blocks, errors = pem_blocks(self.data)
        self.problems.extend(str(e) for e in errors)
        for block in blocks:
            try:
                self.pem_block(block)
            except TlsxError as exc:
                self.problems.append(str(exc))
            except Exception as exc:  # the library can fail in ways it does not document
                what = "certificate" if block.label in CERT_LABELS else block.label.lower()
                self.problems.append(
                    f"line {block.line}: the {block.label} block is unreadable "
                    f"({_reason(exc, block.der, what)})"
                )

    # DER and other binary -------------------------------------------------

    def read_der(self) -> None:
        from cryptography.hazmat.primitives import serialization
        data = self.data
        where = "byte 0"
        try:
            total = tlv_length(data)
        except InvalidInput as exc:
            self.problems.append(f"not PEM, DER, PKCS#7, PKCS#12 or an OpenSSH key: {exc}")
            return
        if total != len(data):
            self.problems.append(
                f"byte {total}: {len(data) - total} bytes follow the DER object; not DER "
                f"(is the file damaged or something else?)"
            )
            return
        if _is_pkcs12(data):
            self.objects.append(self.pkcs12(data, where, 0))
            return
        kind = ocsp_kind(data)
        if kind is not None:
            try:
                self.objects.append(self.ocsp(data, kind, where, 0, 0, b"", "", self.der_format))
            except TlsxError as exc:
                self.problems.append(str(exc))
            return
        attempts: list[Callable[[], LoadedObject]] = [
            lambda: self.certificate(data, where, 0, 0, b"", "", f"X.509 ({self.der_format})"),
            lambda: LoadedObject(
                "certificate_request",
                f"PKCS#10 ({self.der_format})",
                where,
                0,
                0,
                data,
                b"",
                *_quiet(lambda: x509.load_der_x509_csr(data))[:1],
            ),
            lambda: LoadedObject(
                "crl",
                f"X.509 CRL ({self.der_format})",
                where,
                0,
                0,
                data,
                b"",
                *_quiet(lambda: x509.load_der_x509_crl(data))[:1],
            ),
            lambda: self.pkcs7(data, where, 0, 0, b"", "", f"PKCS#7 ({self.der_format})"),
            lambda: self._der_private_key(data, where),
            lambda: LoadedObject(
                "public_key",
                "SPKI (DER)",
                where,
                0,
                0,
                data,
                b"",
                *_quiet(lambda: serialization.load_der_public_key(data))[:1],
            ),
        ]
        first_reason = ""
        for attempt in attempts:
            try:
                self.objects.append(attempt())
                return
            except Exception as exc:  # the library can fail in ways it does not document
                if _other_pkcs7(exc):
                    self.problems.append(f"PKCS#7 (DER): {_reason(exc)}")
                    return
                first_reason = first_reason or _reason(exc, data, "certificate")
                continue
        self.problems.append(
            "DER that is not a certificate, CSR, CRL, OCSP, PKCS#7, PKCS#12, private or public key"
            + (f" (as a certificate: {first_reason})" if first_reason else "")
        )

    def _der_private_key(self, data: bytes, where: str) -> LoadedObject:
        if _looks_encrypted_pkcs8(data):
            return self.private_key(data, b"", "PKCS#8 (DER)", where, 0, 0, "ENCRYPTED PRIVATE KEY")
        from cryptography.hazmat.primitives import serialization
        key, warned = _quiet(lambda: serialization.load_der_private_key(data, None))
        return LoadedObject(
            "private_key", "PKCS#8/PKCS#1/SEC1 (DER)", where, 0, 0, data, b"", key, warnings=warned
        )

    def read_ssh_public(self) -> None:
        from cryptography.hazmat.primitives import serialization
        for number, row in enumerate(self.data.splitlines(), 1):
            text = row.strip()
            if not text or text.startswith(b"#"):
                continue
            where = f"line {number}"
            try:
                key, warned = _quiet(partial(serialization.load_ssh_public_key, text))
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                self.problems.append(f"{where}: not an OpenSSH public key ({_reason(exc)})")
                continue
            parts = text.split(None, 2)
            comment = parts[2].decode("utf-8", "replace") if len(parts) == 3 else ""
            self.objects.append(
                LoadedObject(
                    "public_key", "OpenSSH", where, number, 0, b"", text, key, warnings=warned, name=comment
                )
            )

    def read(self) -> LoadResult:
        data = self.data
        if not data.strip():
            # not crypto material: a folder's empty file (openssl ca's index.txt) is skipped like a text file
            self.recognised = False
            self.problems.append("the file is empty" if not data else "the file holds only white space")
        elif looks_like_pem(data):
            self.read_pem()
        elif data.lstrip().startswith(_SSH_PUBLIC_PREFIXES):
            self.read_ssh_public()
        elif data[0] == 0x30:
            self.read_der()
        elif (decoded := _bare_base64(data)) is not None:
            self.data, self.der_format = decoded, "base64"
            self.read_der()
        else:
            self.recognised = False
            self.problems.append(_not_recognised(data))
        if not self.objects and not self.problems and not self.notes:
            self.problems.append("no object found")
        return LoadResult(
            self.name,
            len(data),
            tuple(self.objects),
            tuple(self.problems),
            tuple(self.notes),
            self.recognised,
        )


def _bare_base64(data: bytes) -> bytes | None:
    """The DER in text that is base64 and nothing else (``openssl base64``, an OCSP GET's body,
    a pasted blob): None when it is not, or does not decode to one whole DER element."""
    if len(data) > MAX_BASE64_TEXT or _BASE64_TEXT.fullmatch(data) is None:
        return None
    try:
        der = base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return der if der[:1] == b"\x30" and tlv_length(der) == len(der) else None
    except InvalidInput:
        return None


def _other_pkcs7(exc: BaseException) -> bool:
    """The library's refusal of PKCS#7 that is not signed data (enveloped, encrypted...)."""
    return isinstance(exc, UnsupportedAlgorithm) and "signed structures" in str(exc)


def _looks_encrypted_pkcs8(data: bytes) -> bool:
    """EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID pbes2|pbe..., ... }, OCTET STRING }."""
    try:
        _tag, start, end = read_tlv(data, 0)
        _tag, start, end = read_tlv(data, start, end)
        tag, start, end = read_tlv(data, start, end)
        return tag == 0x06 and (decode_oid(data[start:end]) + ".").startswith(_PBE_OID_PREFIXES)
    except InvalidInput:
        return False


def _not_recognised(data: bytes) -> str:
    chunk = data[:4096]
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 3 or len(data) <= len(chunk):  # not just a character cut in two
            return (
                f"not PEM, DER, PKCS#7, PKCS#12 or an OpenSSH key: binary data starting {data[:8].hex(' ')}"
            )
    return "text without any -----BEGIN line or OpenSSH key: no object found"


def load_objects(data: bytes, name: str = "input", password: bytes | None = None) -> LoadResult:
    """Every object in ``data``, whatever its encoding, with what could not be read.

    Args:
        data: the file's bytes.
        name: the path or label, used in messages.
        password: opens encrypted keys and PKCS#12 files; None lists them as
            encrypted without opening them.

    Never raises for any input: problems are part of the result.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _LOCAL.log = caught
        try:
            return _Reader(data, name, password).read()
        finally:
            _LOCAL.log = None


def iter_objects(result: LoadResult, kind: str | None = None) -> Iterator[LoadedObject]:
    """Every opened object of ``result`` (containers' items included), optionally of one kind."""
    for _depth, obj in result.flat():
        if obj.value is not None and (kind is None or obj.kind == kind):
            yield obj


def load_certificates(data: bytes, name: str = "input") -> list[x509.Certificate]:
    """Every certificate in ``data``: PEM (any number of blocks, PKCS#7 blocks
    included), DER, or DER PKCS#7. Other PEM blocks are skipped.

    Raises:
        InvalidInput: no certificate at all could be read, with the reason.
    """
    certs: list[x509.Certificate] = []
    problems: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if looks_like_pem(data):
            blocks, errors = pem_blocks(data)
            problems.extend(str(e) for e in errors)
            for block in blocks:
                try:
                    if block.label in CERT_LABELS:
                        der = _first_tlv(block.der) if block.label == "TRUSTED CERTIFICATE" else block.der
                        certs.append(x509.load_der_x509_certificate(der))
                    elif block.label in PKCS7_LABELS:
                        from cryptography.hazmat.primitives.serialization import pkcs7

                        certs.extend(pkcs7.load_der_pkcs7_certificates(block.der))
                except Exception as exc:  # the library can fail in ways it does not document
                    what = "certificate" if block.label in CERT_LABELS else "pkcs7"
                    problems.append(
                        f"line {block.line}: {block.label} block unreadable ({_reason(exc, block.der, what)})"
                    )
        else:
            try:
                certs.append(x509.load_der_x509_certificate(data))
            except Exception as exc:  # the library can fail in ways it does not document
                from cryptography.hazmat.primitives.serialization import pkcs7

                try:
                    certs.extend(pkcs7.load_der_pkcs7_certificates(data))
                except Exception as exc7:
                    if _other_pkcs7(exc7):
                        problems.append(f"PKCS#7: {_reason(exc7)}")
                    elif data[:1] == b"\x30":
                        problems.append(f"not a DER certificate ({_reason(exc, data, 'certificate')})")
                    else:
                        problems.append("neither PEM nor a DER certificate or PKCS#7 bundle")
    if not certs:
        reason = "; ".join(problems) if problems else "it holds no CERTIFICATE block"
        raise InvalidInput(f"{name}: no certificate found: {reason}")
    return certs


__all__ = [
    "KINDS",
    "MAX_BASE64_TEXT",
    "OCSP_LABELS",
    "PASSWORD_HINT",
    "PEM_BLOCK",
    "LoadResult",
    "LoadedObject",
    "PemBlock",
    "iter_objects",
    "load_certificates",
    "load_objects",
    "looks_like_pem",
    "pem_blocks",
]
