"""The facts the app records as the learner works: a light log, loaded at the app's start-up.

Screens record facts through the app (``host.record("fernet.decrypted", plaintext=...)``);
the course reads them (:mod:`tlsexplorer.core.course.checks`), never the widgets.
Standard library only, so the app pays nothing for it until the course runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

#: Every fact a screen records, with its values. One place, so the course and the screens agree.
FACTS: dict[str, str] = {
    "caesar.cracked": "Symmetric's Crack tab ranked the shifts of a ciphertext: ciphertext, shift, plaintext",
    "fernet.decrypted": "Symmetric decrypted a token with a key (Decrypt): plaintext, key",
    "fernet.rejected": "Symmetric refused a token (Decrypt): reason",
    "rsa.workbook": "RSA's worked example computed: p, q, n, e, d",
    "dh.small": "RSA's Key exchange tab computed Diffie-Hellman: p, g, a, b, shared",
    "dh.hybrid": "RSA's Key exchange tab ran hybrid encryption: rsa_bits",
    "chain.verified": "Chain verified a chain: valid, host, sample (the built-in demo)",
    "ca.made": "the CA workbench wrote files: action (root, server...), sans, key_encrypted, folder",
    "tls.served": "the TLS lab's server started: port, tls, sample, fernet (the Fernet page)",
    "tls.probe": "the TLS lab probed a server: host, port, connected, verified, ok, ca_file, "
    "insecure, strict, error",
    "tls.wire": "the TLS lab recorded one request: tls, secret_visible",
    "tls.scenario": "the TLS lab ran a scenario: id, passed (as the story predicts), said",
    "tls.listens": "the TLS lab's who-listens panel read the system: ports (listened on, comma-separated), "
    "server_seen (the lab server's port held by this app)",
}

Value = str | int | bool | None


@dataclass(frozen=True)
class Fact:
    """Something the learner did, as a screen recorded it."""

    name: str
    """One of :data:`FACTS`."""
    data: Mapping[str, Value] = field(default_factory=dict)
    """Its values."""

    def get(self, key: str) -> Value:
        """A value, or None."""
        return self.data.get(key)


class FactLog:
    """The facts of one app session, oldest first, and who to tell of a new one.

    Used on the app's thread only (screens record from their UI callbacks).
    """

    def __init__(self) -> None:
        self._facts: list[Fact] = []
        self._listeners: list[Callable[[Fact], None]] = []

    def record(self, name: str, **data: Value) -> Fact:
        """Keep a fact and tell every listener.

        Raises:
            KeyError: ``name`` is not in :data:`FACTS` (a typo in a screen is a bug).
        """
        if name not in FACTS:
            raise KeyError(f"unknown fact {name!r}: add it to FACTS")
        fact = Fact(name, dict(data))
        self._facts.append(fact)
        for listener in list(self._listeners):
            listener(fact)
        return fact

    def listen(self, listener: Callable[[Fact], None]) -> None:
        """Call ``listener`` with every fact recorded from now on."""
        self._listeners.append(listener)

    def named(self, name: str) -> Iterator[Fact]:
        """The facts called ``name``, newest first."""
        return (fact for fact in reversed(self._facts) if fact.name == name)

    def __len__(self) -> int:
        return len(self._facts)



__all__ = ["FACTS", "Fact", "FactLog", "Value"]
