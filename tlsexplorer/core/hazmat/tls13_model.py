"""What the hand-made TLS 1.3 client reports (NOT FOR PRODUCTION USE): steps, secrets, checks, the walk."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tlsexplorer.core.hazmat.tls13_support import (
    NOT_FOR_PRODUCTION,
)
from tlsexplorer.core.rsa.pss import PssCheck
from tlsexplorer.core.tls.keyschedule import (
    Tls13Schedule,
    TrafficKeys,
)
from tlsexplorer.core.tls.records import (
    CIPHER_SUITES,
    GROUPS,
    SIGNATURE_SCHEMES,
)

if TYPE_CHECKING:
    from tlsexplorer.core.chain.model import ChainReport

#: The response text kept (the rest is not read).
MAX_RESPONSE = 64 * 1024
#: The largest handshake message accepted (a long certificate chain fits easily).
MAX_HANDSHAKE_MESSAGE = 256 * 1024

_CODE = {name: code for code, name in CIPHER_SUITES.items()}
_GROUP_CODE = {name: code for code, name in GROUPS.items()}
_SCHEME_CODE = {name: code for code, name in SIGNATURE_SCHEMES.items()}
_CONTEXT = b"TLS 1.3, server CertificateVerify"


# ---------------------------------------------------------------------------
# Models


@dataclass(frozen=True)
class Field:
    """One value in a step: bytes (shown as hex), a number (hex or decimal), or text."""

    label: str
    """What it is (``random``, ``shared secret``, ``s^e mod n``)."""
    value: bytes | int | str
    """The value."""
    note: str = ""
    """What it means, in a few words."""


StepStatus = Literal["info", "ok", "failed"]
"""A step that shows something, a check that passed, or the step where the walk stopped."""


@dataclass(frozen=True)
class Step:
    """One step of the walk, as the CLI and the TUI show it."""

    name: str
    """A stable id (``client_hello``, ``handshake_secret``, ``certificate_verify``...)."""
    title: str
    """A short title."""
    detail: str
    """What happens in this step and why."""
    fields: tuple[Field, ...] = ()
    """The bytes and numbers of the step, in order."""
    data: bytes = b""
    """The bytes on the wire (or decrypted) that the step is about, when there are some."""
    status: StepStatus = "info"
    """info, ok (a check passed) or failed (the walk stopped here)."""


@dataclass(frozen=True)
class ClientSecrets:
    """The client's randomness: fixed values make a walk repeatable (tests, screenshots)."""

    random: bytes
    """ClientHello.random (32 bytes)."""
    session_id: bytes
    """legacy_session_id (32 bytes: middlebox compatibility mode)."""
    key_seed: bytes
    """Where the ephemeral private keys come from (32 bytes)."""

    @classmethod
    def fresh(cls) -> ClientSecrets:
        """New random values from the operating system."""
        return cls(os.urandom(32), os.urandom(32), os.urandom(32))


@dataclass(frozen=True)
class CertificateVerifyCheck:
    """The server's CertificateVerify, checked by hand and by the library."""

    scheme: str
    """The signature scheme's name (``rsa_pss_rsae_sha256``)."""
    content: bytes
    """What was signed: 64 spaces, the context string, a zero byte, the transcript hash."""
    transcript_hash: bytes
    """Transcript-Hash(ClientHello..Certificate)."""
    signature: bytes
    """The signature as sent."""
    key: str
    """The leaf's key by its one name (``RSA 2048``)."""
    by_hand: bool | None
    """The hand check's verdict (RSA-PSS); None where only the library checks (ECDSA, Ed25519)."""
    library: bool
    """cryptography's verdict."""
    pss: PssCheck | None = None
    """Every value of the PSS check by hand (RSA keys)."""
    problem: str | None = None
    """Why it failed, in words."""

    @property
    def ok(self) -> bool:
        """Both verdicts say yes (the hand one when there is one)."""
        return self.library and self.by_hand is not False


@dataclass(frozen=True)
class FinishedCheck:
    """The server's Finished: the HMAC we expect against the one it sent."""

    expected: bytes
    """HMAC(finished_key, Transcript-Hash(ClientHello..CertificateVerify))."""
    received: bytes
    """verify_data as sent."""
    ok: bool
    """They are equal."""


@dataclass(frozen=True)
class HandshakeWalk:
    """A whole walk: every step, what was negotiated and derived, and where it stopped if it did."""

    host: str
    """Where we connected."""
    port: int
    """The port."""
    servername: str | None
    """The SNI sent (None for an IP address)."""
    steps: tuple[Step, ...]
    """Every step in order; the last is the failed one when the walk stopped."""
    completed: bool
    """The handshake completed, every check passed and the response was read."""
    stopped_at: str | None = None
    """The name of the step where the walk stopped (None when it completed)."""
    reason: str | None = None
    """Why it stopped."""
    client_random: bytes = b""
    """ClientHello.random."""
    server_random: bytes = b""
    """ServerHello.random."""
    group: str | None = None
    """The key-exchange group used."""
    cipher: str | None = None
    """The cipher suite chosen."""
    hello_retry: bool = False
    """The server answered the first ClientHello with a HelloRetryRequest."""
    shared_secret: bytes = b""
    """The (EC)DHE shared secret."""
    schedule: Tls13Schedule | None = None
    """The key schedule (application secrets once the server's Finished was read)."""
    keys: dict[str, TrafficKeys] = field(default_factory=dict)
    """Record keys and IVs by traffic secret name."""
    server_certificates: tuple[bytes, ...] = ()
    """The certificates the server sent (DER), in its order."""
    chain: ChainReport | None = field(default=None, compare=False)
    """The Chain explainer's report (None when it did not run)."""
    chain_note: str = ""
    """What was skipped (--insecure) or why the chain was not judged."""
    certificate_verify: CertificateVerifyCheck | None = None
    """The CertificateVerify check."""
    server_finished: FinishedCheck | None = None
    """The server's Finished check."""
    response: bytes = b""
    """The HTTP response (cut at :data:`MAX_RESPONSE`)."""
    response_cut: bool = False
    """More than :data:`MAX_RESPONSE` bytes came (the rest was not read)."""
    tickets: int = 0
    """NewSessionTicket messages received."""
    insecure: bool = False
    """The chain was not required to verify."""

    @property
    def ok(self) -> bool:
        """Exit-0 condition: the walk completed."""
        return self.completed

    @property
    def secrets(self) -> dict[str, bytes | None]:
        """The schedule's secrets by their RFC 8446 names (None when not reached)."""
        s = self.schedule
        if s is None:
            return dict.fromkeys(SECRET_NAMES)
        return {
            "early_secret": s.early_secret,
            "handshake_secret": s.handshake_secret,
            "master_secret": s.master_secret,
            "client_handshake_traffic_secret": s.client_handshake_traffic_secret,
            "server_handshake_traffic_secret": s.server_handshake_traffic_secret,
            "client_application_traffic_secret_0": s.client_application_traffic_secret,
            "server_application_traffic_secret_0": s.server_application_traffic_secret,
        }

    def keylog(self) -> str:
        """This connection's secrets in the NSS key log format (what SSLKEYLOGFILE holds)."""
        labels = {
            "client_handshake_traffic_secret": "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "server_handshake_traffic_secret": "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "client_application_traffic_secret_0": "CLIENT_TRAFFIC_SECRET_0",
            "server_application_traffic_secret_0": "SERVER_TRAFFIC_SECRET_0",
        }
        lines = [f"# {NOT_FOR_PRODUCTION}"]
        for name, label in labels.items():
            secret = self.secrets.get(name)
            if secret is not None:
                lines.append(f"{label} {self.client_random.hex()} {secret.hex()}")
        return "\n".join(lines) + "\n"


#: The secrets of :attr:`HandshakeWalk.secrets`, in order.
SECRET_NAMES: tuple[str, ...] = (
    "early_secret", "handshake_secret", "master_secret",
    "client_handshake_traffic_secret", "server_handshake_traffic_secret",
    "client_application_traffic_secret_0", "server_application_traffic_secret_0",
)


__all__ = [
    "MAX_HANDSHAKE_MESSAGE",
    "MAX_RESPONSE",
    "SECRET_NAMES",
    "CertificateVerifyCheck",
    "ClientSecrets",
    "Field",
    "FinishedCheck",
    "HandshakeWalk",
    "Step",
    "StepStatus",
]
