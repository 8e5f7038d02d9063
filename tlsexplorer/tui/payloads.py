"""What one explorer sends another through ``app.open_explorer(id, payload)``.

Each explorer's ``receive(payload)`` accepts the payload types listed for it
and ignores the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OpenFiles:
    """Inspector: open these files or folders."""

    paths: tuple[Path, ...]
    """Files or folders from disk."""


@dataclass(frozen=True)
class OpenPem:
    """Inspector: show material that is not on disk (a server's sent chain)."""

    label: str
    """Where it came from, shown as its name."""
    data: bytes
    """PEM or DER bytes."""


@dataclass(frozen=True)
class VerifyChain:
    """Chain: build and verify this leaf with these candidates."""

    leaf: bytes
    """PEM of the leaf (further certificates after it count as intermediates)."""
    intermediates: bytes = b""
    """PEM of extra intermediates."""
    roots: bytes = b""
    """PEM of trust anchors."""
    host: str | None = None
    """Host name or IP address to check against the leaf's SAN."""
    label: str = ""
    """What this chain is (shown as its title)."""


@dataclass(frozen=True)
class CheckSignature:
    """RSA: check this certificate's signature by hand with the issuer's key."""

    certificate: bytes
    """PEM or DER of the certificate whose signature is checked."""
    issuer: bytes
    """PEM or DER of its issuer's certificate."""


@dataclass(frozen=True)
class CrackText:
    """Symmetric: put this ciphertext in the Crack tab (the course's Caesar challenge)."""

    ciphertext: str


@dataclass(frozen=True)
class FernetMaterial:
    """Symmetric: put this key and this token in the Fernet tab (the course's Fernet challenge)."""

    key: str
    """The key, 44 characters of url-safe base64."""
    token: str
    """The token."""


__all__ = ["CheckSignature", "CrackText", "FernetMaterial", "OpenFiles", "OpenPem", "VerifyChain"]
