"""Key logs: the secrets browsers, curl, Python and OpenSSL write for Wireshark (NSS key log format).

Each line is ``LABEL <client random, 64 hex digits> <secret, hex>``; ``#``
starts a comment. TLS 1.2 writes one ``CLIENT_RANDOM`` line (the master
secret); TLS 1.3 writes a line per traffic secret
(``CLIENT_HANDSHAKE_TRAFFIC_SECRET``, ``SERVER_TRAFFIC_SECRET_0``...). The
client random ties a line to its connection: it is the 32 bytes in the
ClientHello, visible to anyone on the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The labels of the NSS key log format and what each secret is.
LABELS: Mapping[str, str] = {
    "CLIENT_RANDOM": "TLS 1.2 master secret",
    "CLIENT_EARLY_TRAFFIC_SECRET": "TLS 1.3 client early traffic secret (0-RTT)",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET": "TLS 1.3 client handshake traffic secret",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET": "TLS 1.3 server handshake traffic secret",
    "CLIENT_TRAFFIC_SECRET_0": "TLS 1.3 client application traffic secret",
    "SERVER_TRAFFIC_SECRET_0": "TLS 1.3 server application traffic secret",
    "EARLY_EXPORTER_SECRET": "TLS 1.3 early exporter secret",
    "EXPORTER_SECRET": "TLS 1.3 exporter secret",
}


@dataclass(frozen=True)
class KeyLog:
    """The secrets of a key log, by client random and label."""

    secrets: Mapping[bytes, Mapping[str, bytes]] = field(default_factory=dict)
    """client random -> label -> secret."""
    problems: tuple[str, ...] = ()
    """Lines that could not be read, each with its line number and why."""

    def for_connection(self, client_random: bytes) -> Mapping[str, bytes]:
        """The secrets logged for the connection whose ClientHello carried ``client_random``."""
        return self.secrets.get(client_random, {})

    def __len__(self) -> int:
        return len(self.secrets)


def parse_keylog(text: str) -> KeyLog:
    """Read a key log. Unknown labels and malformed lines become problems; the rest is kept."""
    secrets: dict[bytes, dict[str, bytes]] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            problems.append(f"line {number}: expected LABEL CLIENT_RANDOM SECRET, found {len(parts)} fields")
            continue
        label, random_hex, secret_hex = parts
        if label not in LABELS:
            problems.append(f"line {number}: unknown label {label[:40]!r}")
            continue
        try:
            client_random = bytes.fromhex(random_hex)
            secret = bytes.fromhex(secret_hex)
        except ValueError:
            problems.append(f"line {number}: the client random and the secret must be hex")
            continue
        if len(client_random) != 32:
            problems.append(f"line {number}: a client random is 32 bytes, this one is {len(client_random)}")
            continue
        if len(secret) not in (32, 48):
            problems.append(f"line {number}: a {len(secret)}-byte secret is not one TLS makes")
            continue
        secrets.setdefault(client_random, {})[label] = secret
    return KeyLog(secrets, tuple(problems))


__all__ = ["LABELS", "KeyLog", "parse_keylog"]
