"""Folder sweep: every file classified, keys paired, chains grouped, problems flagged.

:func:`collect_files` lists the files under folders (recursively when asked);
:func:`read_paths` loads each one (a file that cannot be read is a result with
a problem, never an exception); :func:`sweep` looks across all of them: which
private key belongs to which certificate or CSR (by public key), which
certificates chain to which (by name and signature), and what is duplicated,
orphaned or expired.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.der import name_bytes
from tlsexplorer.core.errors import InvalidInput, TlsxError
from tlsexplorer.core.files import MAX_INPUT_BYTES, read_file
from tlsexplorer.core.timeutil import as_utc
from tlsexplorer.core.x509.loader import LoadedObject, LoadResult, load_objects
from tlsexplorer.core.x509.summary import object_title, spki_fingerprint

#: File name endings that usually hold crypto material (listed first in browsers).
CRYPTO_SUFFIXES = (
    ".pem",
    ".crt",
    ".cer",
    ".der",
    ".key",
    ".pub",
    ".csr",
    ".req",
    ".crl",
    ".p7b",
    ".p7c",
    ".p7s",
    ".p12",
    ".pfx",
    ".jks",
    ".ca-bundle",
)
CRYPTO_NAMES = ("id_rsa", "id_ecdsa", "id_ed25519", "id_dsa", "authorized_keys", "known_hosts")

#: Most files a sweep reads (a sweep of / stops here, with a note).
MAX_SWEEP_FILES = 5000


def looks_crypto(path: Path) -> bool:
    """True when the file name suggests keys or certificates."""
    name = path.name.lower()
    return name.endswith(CRYPTO_SUFFIXES) or name.startswith(CRYPTO_NAMES)


def collect_files(paths: list[Path], recursive: bool = True) -> tuple[list[Path], list[str]]:
    """The files named or found under the folders named, in a stable order.

    Returns:
        The files, and notes (a folder cut at :data:`MAX_SWEEP_FILES`, a
        missing path is left to the reader to report).
    """
    files: list[Path] = []
    notes: list[str] = []
    for path in paths:
        if path.is_dir():
            found: list[Path] = []
            if recursive:
                for root, dirs, names in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
            else:
                found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            # A file reached twice through symbolic links (/etc/ssl/certs: hash links) is read once.
            seen: set[Path] = set()
            unique: list[Path] = []
            for item in found:
                try:
                    real = item.resolve()
                except OSError:
                    real = item
                if real not in seen:
                    seen.add(real)
                    unique.append(item)
            found = unique
            if len(found) > MAX_SWEEP_FILES:
                notes.append(
                    f"{path}: only the first {MAX_SWEEP_FILES:,} of {len(found):,} files were read "
                    "(the limit for one folder); open a subfolder, or fewer files, to read the rest"
                )
                found = found[:MAX_SWEEP_FILES]
            files.extend(found)
        else:
            files.append(path)
    return files, notes


def read_path(path: Path, password: bytes | None = None, limit: int = MAX_INPUT_BYTES) -> LoadResult:
    """Load one file; a file that cannot be read gives a result with that problem (said without the
    path, which names the result: ``no such file``, as a problem inside a file is said)."""
    try:
        data = read_file(path, limit)
    except TlsxError as exc:
        return LoadResult(str(path), 0, (), (str(exc).removeprefix(f"{path}: "),))
    return load_objects(data, str(path), password)


def read_paths(paths: list[Path], password: bytes | None = None) -> list[LoadResult]:
    """Load every file (folders expanded recursively)."""
    files, _notes = collect_files(paths)
    return [read_path(p, password) for p in files]


@dataclass(frozen=True)
class ObjectRef:
    """An object as the sweep points at it."""

    path: str
    """The file it is in."""
    where: str
    """Its position in the file."""
    kind: str
    """Its kind."""
    title: str
    """A short title (CN, key type)."""

    def describe(self) -> str:
        """``title (path, where)``."""
        return f"{self.title} ({Path(self.path).name}, {self.where})"

    def to_json(self) -> dict[str, Any]:
        """``{"path", "where", "kind", "title"}``."""
        return {"path": self.path, "where": self.where, "kind": self.kind, "title": self.title}


@dataclass(frozen=True)
class KeyMatch:
    """A private key and the certificates and CSRs that carry its public key."""

    key: ObjectRef
    """The private key."""
    matches: tuple[ObjectRef, ...]
    """Certificates and CSRs with the same public key."""


@dataclass(frozen=True)
class Chain:
    """Certificates linked by issuer, leaf first."""

    members: tuple[ObjectRef, ...]
    """From the leaf up to the last issuer found."""
    complete: bool
    """True when it ends in a self-signed certificate."""


@dataclass(frozen=True)
class Flag:
    """Something worth a look."""

    kind: str
    """duplicate, orphan, expired, issuer-missing, unreadable."""
    message: str
    """What and where."""


@dataclass(frozen=True)
class SweepReport:
    """What the sweep found across every file."""

    files: tuple[tuple[str, str], ...]
    """Each file with its classification (``certificate x2, private key``, ``unreadable``)."""
    keys: tuple[KeyMatch, ...]
    """Every private key with its certificates and CSRs."""
    chains: tuple[Chain, ...]
    """Certificates grouped into chains."""
    flags: tuple[Flag, ...]
    """Duplicates, orphans, expired items, unreadable files."""

    def to_json(self) -> dict[str, Any]:
        """JSON shape of the sweep."""
        return {
            "files": [{"path": p, "classification": c} for p, c in self.files],
            "keys": [
                {"key": m.key.to_json(), "matches": [r.to_json() for r in m.matches]} for m in self.keys
            ],
            "chains": [
                {"members": [r.to_json() for r in c.members], "complete": c.complete} for c in self.chains
            ],
            "flags": [{"kind": f.kind, "message": f.message} for f in self.flags],
        }


def classify(result: LoadResult) -> str:
    """One phrase for a file: what it holds."""
    if not result.recognised:
        return "not crypto material (skipped)"
    if not result.objects:
        return "unreadable: " + result.problems[0] if result.problems else "nothing found"
    counts: dict[str, int] = defaultdict(int)
    for _depth, obj in result.flat():
        label = obj.kind.replace("_", " ")
        if obj.kind == "certificate_request":
            label = "CSR"
        if obj.kind == "crl":
            label = "CRL"
        if obj.encrypted and obj.value is None:
            label += " (encrypted)"
        counts[label] += 1
    text = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in counts.items())
    return text + (f"; {len(result.problems)} problem(s)" if result.problems else "")


def _ref(result: LoadResult, obj: LoadedObject) -> ObjectRef:
    try:
        title = object_title(obj)
    except Exception:
        title = obj.kind
    return ObjectRef(result.name, obj.where, obj.kind, title)


def sweep(results: list[LoadResult], now: dt.datetime) -> SweepReport:
    """Look across every loaded file."""
    now = as_utc(now)
    flags: list[Flag] = []
    files = tuple((r.name, classify(r)) for r in results)
    for r in results:
        if r.problems and r.recognised:
            flags.append(Flag("unreadable", f"{r.name}: {'; '.join(r.problems)}"))
        for _depth, obj in r.flat():
            if obj.value is not None and obj.kind in ("certificate", "certificate_request", "crl"):
                unreadable = safe.problems(obj.value)
                if unreadable:
                    text = "; ".join(u.sentence for u in unreadable)
                    flags.append(Flag("unreadable", f"{_ref(r, obj).describe()}: {text}"))
    certs: list[tuple[ObjectRef, Any]] = []
    by_spki: dict[str, list[ObjectRef]] = defaultdict(list)
    keys: list[tuple[ObjectRef, str | None]] = []
    seen_certs: dict[bytes, list[ObjectRef]] = defaultdict(list)
    for r in results:
        for _depth, obj in r.flat():
            if obj.value is None:
                continue
            ref = _ref(r, obj)
            if obj.kind in ("certificate", "certificate_request"):
                spki = spki_fingerprint(obj)
                if spki:
                    by_spki[spki].append(ref)
            if obj.kind == "certificate":
                certs.append((ref, obj.value))
                seen_certs[obj.der].append(ref)
                if now > obj.value.not_valid_after_utc:
                    flags.append(
                        Flag(
                            "expired", f"{ref.describe()} expired on {obj.value.not_valid_after_utc:%Y-%m-%d}"
                        )
                    )
            elif obj.kind == "private_key":
                keys.append((ref, spki_fingerprint(obj)))
            elif obj.kind == "crl" and obj.value.next_update_utc and now > obj.value.next_update_utc:
                flags.append(
                    Flag(
                        "expired",
                        f"{ref.describe()}: its next update was due {obj.value.next_update_utc:%Y-%m-%d}",
                    )
                )
    matches: list[KeyMatch] = []
    seen_keys: dict[str, list[ObjectRef]] = defaultdict(list)
    for ref, spki in keys:
        found = tuple(by_spki.get(spki, [])) if spki else ()
        matches.append(KeyMatch(ref, found))
        if spki:
            seen_keys[spki].append(ref)
        if not found:
            flags.append(
                Flag("orphan", f"{ref.describe()}: no certificate or CSR here carries its public key")
            )
    for refs in seen_certs.values():
        if len(refs) > 1:
            flags.append(
                Flag("duplicate", "the same certificate is in " + ", ".join(r.describe() for r in refs))
            )
    for refs in seen_keys.values():
        if len(refs) > 1:
            flags.append(
                Flag("duplicate", "the same private key is in " + ", ".join(r.describe() for r in refs))
            )
    chains, missing = _chains(certs)
    flags.extend(missing)
    return SweepReport(files, tuple(matches), tuple(chains), tuple(flags))


def match_keys(results: list[LoadResult]) -> dict[int, list[ObjectRef]]:
    """For each private or public key (by ``id()`` of its LoadedObject), the certificates
    and CSRs among ``results`` that carry the same public key."""
    keys = [
        (obj, spki_fingerprint(obj))
        for r in results
        for _d, obj in r.flat()
        if obj.kind in ("private_key", "public_key") and obj.value is not None
    ]
    if not keys:
        return {}
    carriers: dict[str, list[ObjectRef]] = defaultdict(list)
    for r in results:
        for _d, obj in r.flat():
            if obj.kind in ("certificate", "certificate_request") and obj.value is not None:
                spki = spki_fingerprint(obj)
                if spki:
                    carriers[spki].append(_ref(r, obj))
    return {id(obj): carriers.get(spki, []) if spki else [] for obj, spki in keys}


def _issued_by(cert: Any, issuer: Any) -> bool:
    """True when ``issuer``'s key made ``cert``'s signature (SHA-1 ones included: old roots
    are self-signed with it, and the library's own check refuses that algorithm)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except ValueError as exc:
        if "Unsupported signature algorithm" not in str(exc) or not _names_chain(cert, issuer):
            return False
        return _verify_legacy(cert, issuer)
    except Exception:
        return False
    return True


def _names_chain(cert: Any, issuer: Any) -> bool:
    """``cert``'s issuer name is ``issuer``'s subject, byte for byte."""
    try:
        return name_bytes(cert)[0] == name_bytes(issuer)[1]
    except InvalidInput:
        return False


def _verify_legacy(cert: Any, issuer: Any) -> bool:
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = safe.public_key(issuer)
    algorithm = safe.signature_hash(cert)
    if isinstance(key, safe.Unreadable) or isinstance(algorithm, safe.Unreadable):
        return False  # md2, or a key of a type the library does not know: nothing can check it
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except Exception:
        return False
    return True


def _chains(certs: list[tuple[ObjectRef, Any]]) -> tuple[list[Chain], list[Flag]]:
    """Link each certificate to its issuer among ``certs``; one chain per leaf."""
    unique: dict[Any, tuple[ObjectRef, Any]] = {}
    for ref, cert in certs:
        unique.setdefault(cert, (ref, cert))
    items = list(unique.values())
    names: list[tuple[bytes, bytes]] = []
    for _ref, cert in items:
        try:
            names.append(name_bytes(cert))
        except InvalidInput:
            names.append((b"?", b"-"))
    by_subject: dict[bytes, list[int]] = defaultdict(list)
    for i, (_issuer, subject) in enumerate(names):
        by_subject[subject].append(i)
    parent: dict[int, int] = {}
    self_signed: set[int] = set()
    for i, (_ref, cert) in enumerate(items):
        issuer_key, subject_key = names[i]
        if issuer_key == subject_key and _issued_by(cert, cert):
            self_signed.add(i)
            continue
        for j in by_subject.get(issuer_key, []):
            if j != i and _issued_by(cert, items[j][1]):
                parent[i] = j
                break
    issuers = set(parent.values())
    chains: list[Chain] = []
    flags: list[Flag] = []
    for i in range(len(items)):
        if i in issuers:
            continue
        path = [i]
        while path[-1] in parent and parent[path[-1]] not in path:
            path.append(parent[path[-1]])
        complete = path[-1] in self_signed
        chains.append(Chain(tuple(items[k][0] for k in path), complete))
        top = items[path[-1]][1]
        if not complete:
            flags.append(
                Flag(
                    "issuer-missing",
                    f"{items[path[-1]][0].describe()}: its issuer "
                    f"{safe.short(top, 'issuer')!r} is not among these files",
                )
            )
    return chains, flags


__all__ = [
    "CRYPTO_NAMES",
    "CRYPTO_SUFFIXES",
    "MAX_SWEEP_FILES",
    "Chain",
    "Flag",
    "KeyMatch",
    "ObjectRef",
    "SweepReport",
    "classify",
    "collect_files",
    "looks_crypto",
    "match_keys",
    "read_path",
    "read_paths",
    "sweep",
]
