"""The CA folder's record of what it issued and revoked: ``DIR/record.json``.

One entry per certificate the CA signed (serial, subject, not-after, the file
it went to, what kind it is) and, once revoked, when and why (RFC 5280
reason names: ``keyCompromise``...). The record also holds the number of the
last CRL published and the URLs where this CA publishes its CRL and answers
OCSP (put into what it issues).

Every change is a read-modify-write under the folder's lock, committed with
:func:`tlsexplorer.core.files.write_files` (``update=``): concurrent revokes
lose nothing, and a writer killed half-way leaves the record as before or as
after. A CA folder made before the record existed gets one on first use,
recovered from the certificates in ``issued/`` that this CA signed.

This module does not import :mod:`tlsexplorer.core.ca.store` (which imports
it): it takes the CA's certificate and key as arguments.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

import tlsexplorer.core.ca.build as ca
from tlsexplorer.core.errors import FileAccessError, InvalidInput, UsageError
from tlsexplorer.core.files import STAGING_PREFIX, FileToWrite, read_file, recover_writes, write_files
from tlsexplorer.core.timeutil import as_utc, format_iso8601
from tlsexplorer.core.x509.loader import load_certificates

RECORD = "record.json"
"""File name of the record inside the CA folder."""
CRL_FILE = "crl.pem"
"""Where ``ca crl`` writes the CA's CRL by default."""
#: store.ISSUED (store imports this module, so it cannot be imported here; a test keeps them equal).
_ISSUED = "issued"
_FORMAT = "tlsexplorer-ca-record"
#: The largest record read (a million entries take about 200 MiB: far past any lab CA).
MAX_RECORD_BYTES = 256 * 1024 * 1024

Kind = Literal["leaf", "ca", "ocsp-signer"]

#: RFC 5280 reason names a revocation may give (removeFromCRL undoes a hold; it is no reason to revoke).
REASONS: tuple[str, ...] = tuple(
    r.value for r in x509.ReasonFlags if r is not x509.ReasonFlags.remove_from_crl
)


def parse_reason(value: str) -> str:
    """The RFC 5280 name of a revocation reason, given in any case (``keycompromise``, ``key-compromise``).

    Raises:
        UsageError: no such reason (the choices are listed).
    """
    wanted = value.replace("-", "").replace("_", "").lower()
    for name in REASONS:
        if name.lower() == wanted:
            return name
    raise UsageError(f"unknown revocation reason {value!r}; choose one of {', '.join(REASONS)}")


def reason_flag(name: str | None) -> x509.ReasonFlags | None:
    """The reason as written into a CRL entry or an OCSP answer: none for ``unspecified``
    (RFC 5280 5.3.1: the reason code SHOULD then be absent)."""
    if name is None or name == "unspecified":
        return None
    return x509.ReasonFlags(name)


@dataclass(frozen=True)
class Entry:
    """One certificate the CA issued."""

    serial: int
    """Its serial number."""
    subject: str
    """Its subject (RFC 4514)."""
    not_after: dt.datetime
    """End of its validity."""
    kind: Kind
    """leaf, ca (an intermediate it signed) or ocsp-signer (a delegated responder)."""
    file: str | None = None
    """Where it was written, relative to the CA folder (None when it went elsewhere)."""
    revoked_at: dt.datetime | None = None
    """When it was revoked (None: not revoked)."""
    reason: str | None = None
    """Why (an RFC 5280 reason name), when revoked."""

    @property
    def revoked(self) -> bool:
        """True once revoked."""
        return self.revoked_at is not None

    def status(self, now: dt.datetime) -> str:
        """``revoked``, ``expired`` or ``good`` at ``now``."""
        if self.revoked:
            return "revoked"
        return "expired" if as_utc(now) > self.not_after else "good"


@dataclass(frozen=True)
class Record:
    """What ``DIR/record.json`` holds."""

    folder: Path
    """The CA folder."""
    entries: tuple[Entry, ...] = ()
    """Every certificate issued, in the order issued."""
    crl_number: int = 0
    """The number of the last CRL published (0: none yet)."""
    crl_url: str | None = None
    """Where this CA publishes its CRL (put into what it issues)."""
    ocsp_url: str | None = None
    """Where its OCSP responder answers (put into what it issues)."""

    @functools.cached_property
    def _by_serial(self) -> dict[int, Entry]:
        return {entry.serial: entry for entry in self.entries}

    def find(self, serial: int) -> Entry | None:
        """The entry of ``serial`` (None: this CA never issued it)."""
        return self._by_serial.get(serial)

    @property
    def revoked(self) -> tuple[Entry, ...]:
        """The revoked entries."""
        return tuple(e for e in self.entries if e.revoked)

    @property
    def path(self) -> Path:
        """DIR/record.json"""
        return self.folder / RECORD


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else format_iso8601(value)


def _dump(record: Record) -> bytes:
    # One certificate a line, each encoded by json's C encoder (indent= would use the slow one).
    head = json.dumps({"format": _FORMAT, "version": 1, "crl_number": record.crl_number,
                       "crl_url": record.crl_url, "ocsp_url": record.ocsp_url})
    lines = [
        json.dumps({"serial": f"{e.serial:x}", "subject": e.subject, "not_after": _iso(e.not_after),
                    "kind": e.kind, "file": e.file, "revoked_at": _iso(e.revoked_at), "reason": e.reason})
        for e in record.entries
    ]
    body = ",\n ".join(lines)
    return f'{head[:-1]}, "certificates": [\n {body}\n]}}\n'.encode()


def _damaged(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"{path} is damaged ({why}); restore it from a backup, or move it away and "
                        "it is rebuilt from issued/ (revocations in it would be lost)")


def _parse(data: bytes, folder: Path) -> Record:
    path = folder / RECORD
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise _damaged(path, f"not JSON: {exc}") from None
    valid = isinstance(raw, dict) and raw.get("format") == _FORMAT
    if not valid or not isinstance(raw.get("certificates"), list):
        raise _damaged(path, "not a tlsexplorer CA record")
    try:
        entries = tuple(_entry(item) for item in raw["certificates"])
        number = raw.get("crl_number", 0)
        if not isinstance(number, int) or number < 0:
            raise ValueError("crl_number is not a number")
        urls = raw.get("crl_url"), raw.get("ocsp_url")
        if not all(u is None or isinstance(u, str) for u in urls):
            raise ValueError("a URL is not text")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _damaged(path, str(exc)) from None
    return Record(folder, entries, number, urls[0], urls[1])


_KINDS: dict[object, Kind] = {"leaf": "leaf", "ca": "ca", "ocsp-signer": "ocsp-signer"}


def _when(value: object, key: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"{key} is not a time")
    # parse_iso8601 is slower; the record writes its own times (format_iso8601: a Z, which 3.10 cannot read)
    when = dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    return when if when.tzinfo is dt.timezone.utc else as_utc(when)


def _entry(item: dict[str, object]) -> Entry:
    # A record may hold hundreds of thousands: read each field once, without helpers per field.
    serial, subject, kind = item.get("serial"), item.get("subject"), _KINDS.get(item.get("kind"))
    if not isinstance(serial, str) or not isinstance(subject, str):
        raise ValueError("an entry lacks its serial or subject")
    if kind is None:
        raise ValueError(f"unknown kind {item.get('kind')!r}")
    file, revoked, reason = item.get("file"), item.get("revoked_at"), item.get("reason")
    if file is not None and not isinstance(file, str):
        raise ValueError("file is not text")
    if reason is not None and reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    return Entry(int(serial, 16), subject, _when(item.get("not_after"), "not_after"), kind, file,
                 None if revoked is None else _when(revoked, "revoked_at"), reason)


def record_file(record: Record) -> FileToWrite:
    """The record as a file for :func:`write_files`."""
    return FileToWrite(record.path, _dump(record), kind="record")


def kind_of(cert: x509.Certificate) -> Kind:
    """ca, ocsp-signer or leaf."""
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "ca"
    except x509.ExtensionNotFound:
        pass
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if ExtendedKeyUsageOID.OCSP_SIGNING in usages:
            return "ocsp-signer"
    except x509.ExtensionNotFound:
        pass
    return "leaf"


def entry_for(cert: x509.Certificate, file: str | None) -> Entry:
    """The record's entry for a certificate just issued."""
    return Entry(cert.serial_number, cert.subject.rfc4514_string(), cert.not_valid_after_utc,
                 kind_of(cert), file)


def _relative(folder: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.absolute().relative_to(folder.absolute()).as_posix()
    except ValueError:
        return None


def _ca_certificate(folder: Path) -> x509.Certificate:
    return load_certificates(read_file(folder / "ca.pem"), str(folder / "ca.pem"))[0]


def _recovered(folder: Path) -> Record:
    """A record rebuilt from what issued/ holds that this CA signed (a folder older than the record)."""
    issuer = _ca_certificate(folder)
    entries: list[Entry] = []
    issued = folder / _ISSUED
    files = sorted(issued.glob("*.pem")) if issued.is_dir() else []
    for path in files:
        if path.name.endswith((".key.pem", ".fullchain.pem", ".csr.pem")):
            continue
        try:
            cert = load_certificates(read_file(path), str(path))[0]
            cert.verify_directly_issued_by(issuer)
        except Exception:  # not ours, unreadable, or signed by a lab CA of a flaw: not in the record
            continue
        if all(e.serial != cert.serial_number for e in entries):
            entries.append(entry_for(cert, _relative(folder, path)))
    return Record(folder, tuple(entries))


def _read(folder: Path) -> Record | None:
    try:
        data = read_file(folder / RECORD, MAX_RECORD_BYTES)
    except FileAccessError:
        if (folder / RECORD).exists():
            raise
        return None
    return _parse(data, folder)


def _read_locked(folder: Path) -> Record:
    """The record, read by a writer holding the lock (recovered from issued/ when there is none)."""
    return _read(folder) or _recovered(folder)


def require_ca_folder(ca_dir: str | Path) -> Path:
    """``ca_dir`` as a path if it holds a CA (its ca.pem).

    Raises:
        UsageError: it does not (nothing is created).
    """
    folder = Path(ca_dir)
    if not folder.is_dir() or not (folder / "ca.pem").is_file():
        raise UsageError(f"{ca_dir} is not a CA folder (make one with 'tlsexplorer ca init {ca_dir}')")
    return folder


def load_record(ca_dir: str | Path) -> Record:
    """The CA folder's record; on first use of a folder made before it existed, recovered from
    issued/ and written.

    Raises:
        UsageError: the folder holds no CA (nothing is created).
        InvalidInput: the record is damaged (the message says what to do).
        FileAccessError: it cannot be read, or the folder stayed locked.
    """
    folder = require_ca_folder(ca_dir)
    if any(folder.glob(STAGING_PREFIX + "*")):
        recover_writes(folder)  # a writer is at work (or was killed at it): wait, finish or undo, then read
    record = _read(folder)
    if record is not None:
        return record
    found: list[Record] = []

    def recover() -> list[FileToWrite]:
        current = _read(folder)
        if current is not None:  # another process wrote it meanwhile
            found.append(current)
            return []
        found.append(_recovered(folder))
        return [record_file(found[0])]

    write_files([], folder=folder, update=recover)
    return found[0]


def change_record(ca_dir: str | Path, change: Callable[[Record], Record],
                  also: Iterable[FileToWrite] = (), *, force: bool = False) -> Record:
    """Apply ``change`` to the record under the folder's lock and write the result (with ``also``,
    all or nothing). ``change`` may raise a :class:`TlsxError` to write nothing.

    Returns:
        The record written.
    """
    folder = Path(ca_dir)
    done: list[Record] = []

    def update() -> list[FileToWrite]:
        done.append(change(_read_locked(folder)))
        return [record_file(done[0])]

    write_files(list(also), folder=folder, update=update, force=force)
    return done[0]


def recording(ca_dir: Path, cert: x509.Certificate, path: Path | None) -> Callable[[], list[FileToWrite]]:
    """An ``update`` for :func:`write_files` adding a newly issued certificate to the record."""
    folder = Path(ca_dir)

    def update() -> list[FileToWrite]:
        record = _read_locked(folder)
        if record.find(cert.serial_number) is not None:
            return []  # recovered from issued/ just now, with the file itself
        entry = entry_for(cert, _relative(folder, path))
        return [record_file(replace(record, entries=(*record.entries, entry)))]

    return update


def starting(ca_dir: Path, crl_url: str | None, ocsp_url: str | None) -> Callable[[], list[FileToWrite]]:
    """An ``update`` for :func:`write_files` giving a new CA folder its empty record."""
    return lambda: [record_file(Record(Path(ca_dir), crl_url=crl_url, ocsp_url=ocsp_url))]


def publication_urls(ca_dir: str | Path) -> tuple[str | None, str | None]:
    """(CRL URL, OCSP URL) the CA in ``ca_dir`` puts into what it issues ((None, None) without a record).

    Raises:
        InvalidInput: the record is damaged.
    """
    record = _read(Path(ca_dir))
    return (None, None) if record is None else (record.crl_url, record.ocsp_url)


def serial_of(cert_data: bytes, what: str, ca_dir: str | Path) -> int:
    """The serial of the certificate in ``cert_data``, checked to be signed by the CA in ``ca_dir``.

    Raises:
        InvalidInput: no certificate, or one this CA did not sign.
    """
    issuer = _ca_certificate(Path(ca_dir))
    cert = load_certificates(cert_data, what)[0]
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        raise InvalidInput(
            f"{what} was not issued by this CA ({issuer.subject.rfc4514_string()}): its issuer is "
            f"{cert.issuer.rfc4514_string()}; revoke it with the CA that signed it"
        ) from None
    return cert.serial_number


def revoke(ca_dir: str | Path, serial: int, reason: str, at: dt.datetime) -> Entry:
    """Mark ``serial`` revoked at ``at`` for ``reason`` (an RFC 5280 name, :func:`parse_reason`).

    Raises:
        InvalidInput: the CA never issued that serial, or it is already revoked.
    """
    folder = Path(ca_dir)
    reason = parse_reason(reason)
    when = as_utc(at).replace(microsecond=0)

    def change(record: Record) -> Record:
        entry = record.find(serial)
        if entry is None:
            raise InvalidInput(
                f"serial {serial:x} was never issued by the CA in {folder} (its record lists "
                f"{len(record.entries)} certificate{'s' if len(record.entries) != 1 else ''}); "
                "check the serial, or the CA folder"
            )
        if entry.revoked_at is not None:
            why = f" ({entry.reason})" if entry.reason else ""
            raise InvalidInput(f"serial {serial:x} ({entry.subject}) is already revoked, on "
                               f"{format_iso8601(entry.revoked_at)}{why}; nothing was changed")
        done = replace(entry, revoked_at=when, reason=reason)
        return replace(record, entries=tuple(done if e.serial == serial else e for e in record.entries))

    record = change_record(folder, change)
    found = record.find(serial)
    assert found is not None
    return found


@dataclass(frozen=True)
class PublishedCrl:
    """What ``ca crl`` made."""

    crl: x509.CertificateRevocationList
    """The CRL."""
    number: int
    """Its CRL number."""
    path: Path
    """Where it was written."""
    entries: tuple[Entry, ...]
    """The revoked certificates it lists."""


def _crl_bytes(crl: x509.CertificateRevocationList, path: Path) -> bytes:
    der = path.suffix.lower() in (".der", ".crl")
    return crl.public_bytes(serialization.Encoding.DER if der else serialization.Encoding.PEM)


def publish_crl(
    ca_dir: str | Path, issuer: x509.Certificate, key: ca.PrivateKey, now: dt.datetime, days: int,
    output: Path | None = None, *, force: bool = False,
) -> PublishedCrl:
    """Sign a CRL of everything revoked with the next CRL number, and write it (PEM; DER for a
    ``.der`` or ``.crl`` file) with the record, all or nothing when it goes in the CA folder.

    Raises:
        UsageError: fewer than one day of validity.
        FileAccessError: the file exists and ``force`` is False (nothing written, the number unused).
    """
    if days <= 0:
        raise UsageError(f"a CRL must be valid for at least one day, not {days}")
    folder = Path(ca_dir)
    path = output if output is not None else folder / CRL_FILE
    inside = _relative(folder, path) is not None
    if path.is_dir():
        raise FileAccessError(f"{path} is a folder; give a file name for the CRL")
    made: list[PublishedCrl] = []
    start = as_utc(now).replace(microsecond=0)

    def update() -> list[FileToWrite]:
        record = _read_locked(folder)
        if not force and path.exists():
            raise FileAccessError(f"{path} already exists; nothing was written (use --force to replace it)")
        number = record.crl_number + 1
        revoked = record.revoked
        items = [ca.Revocation(e.serial, e.revoked_at, reason_flag(e.reason))
                 for e in revoked if e.revoked_at is not None]
        crl = ca.create_crl(issuer, key, items, start, start + dt.timedelta(days=days), number)
        made.append(PublishedCrl(crl, number, path.absolute(), revoked))
        out = [record_file(replace(record, crl_number=number))]
        if inside:
            out.append(FileToWrite(path, _crl_bytes(crl, path), kind="crl"))
        return out

    write_files([], folder=folder, update=update)
    if not inside:
        write_files([FileToWrite(path, _crl_bytes(made[0].crl, path), kind="crl")], force=force)
    return made[0]


__all__ = [
    "CRL_FILE",
    "MAX_RECORD_BYTES",
    "REASONS",
    "RECORD",
    "Entry",
    "Kind",
    "PublishedCrl",
    "Record",
    "change_record",
    "entry_for",
    "kind_of",
    "load_record",
    "parse_reason",
    "publication_urls",
    "publish_crl",
    "reason_flag",
    "record_file",
    "recording",
    "require_ca_folder",
    "revoke",
    "serial_of",
    "starting",
]
