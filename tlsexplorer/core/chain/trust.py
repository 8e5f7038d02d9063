"""The system trust store: the platform's CA bundle, or certifi's where there is none.

:func:`system_roots` reads the bundle once per process and keeps it; the
Chain explorer and ``tlsexplorer verify --system-roots`` use it, and
:func:`system_roots_file` names the file so the equivalent ``openssl verify``
command line can point at the same one.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from tlsexplorer.core.errors import FileAccessError, InvalidInput
from tlsexplorer.core.files import read_file
from tlsexplorer.core.x509.loader import load_certificates

#: Bundles that Linux distributions, the BSDs and macOS ship, tried in order
#: after the paths OpenSSL was built with.
WELL_KNOWN_BUNDLES: tuple[str, ...] = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, OpenBSD, Alpine
    "/usr/local/etc/openssl/cert.pem",  # Homebrew
    "/usr/local/share/certs/ca-root-nss.crt",  # FreeBSD
)


@dataclass(frozen=True)
class SystemTrust:
    """The trust anchors found on this machine and where they came from."""

    path: str | None
    """The bundle file read (None when nothing was found)."""
    source: str
    """``platform`` (the OS bundle), ``certifi`` (Mozilla's bundle) or ``none``."""
    certificates: tuple[x509.Certificate, ...]
    """Every certificate in the bundle."""


def candidate_bundles() -> list[tuple[str, str]]:
    """Bundle files worth trying, as (path, source), best first."""
    import ssl  # only when the system roots are asked for: it costs milliseconds to import

    found: list[tuple[str, str]] = []
    paths = ssl.get_default_verify_paths()
    for env in ("SSL_CERT_FILE",):
        value = os.environ.get(env)
        if value:
            found.append((value, "platform"))
    for value in (paths.cafile, paths.openssl_cafile):
        if value:
            found.append((value, "platform"))
    found.extend((path, "platform") for path in WELL_KNOWN_BUNDLES)
    import importlib.util

    spec = importlib.util.find_spec("certifi")
    if spec is not None and spec.origin:
        found.append((str(Path(spec.origin).parent / "cacert.pem"), "certifi"))
    unique: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path, source in found:
        if path not in seen:
            seen.add(path)
            unique.append((path, source))
    return unique


@functools.lru_cache(maxsize=1)
def system_trust() -> SystemTrust:
    """Read the first readable bundle of :func:`candidate_bundles` (once per process)."""
    for path, source in candidate_bundles():
        if not Path(path).is_file():
            continue
        try:
            certs = load_certificates(read_file(path), path)
        except (InvalidInput, FileAccessError, OSError):
            continue
        return SystemTrust(path, source, tuple(certs))
    return SystemTrust(None, "none", ())


def system_roots() -> list[x509.Certificate]:
    """The system's trust anchors (empty when the machine has none and certifi is absent)."""
    return list(system_trust().certificates)


def system_roots_file() -> str | None:
    """The bundle file :func:`system_roots` came from."""
    return system_trust().path


__all__ = [
    "WELL_KNOWN_BUNDLES",
    "SystemTrust",
    "candidate_bundles",
    "system_roots",
    "system_roots_file",
    "system_trust",
]
