"""A learner: a random seed kept with their progress, and everything derived from it.

Each challenge (the Caesar ciphertext to break, the Fernet token to open, the
primes to work RSA with, the Diffie-Hellman secrets) and each answer a
``value`` checkpoint expects is an HMAC-SHA256 of the seed and a label, so two
learners get different answers and one cannot copy another's. The seed is not a
secret worth protecting: it makes copying pointless, it does not make cheating
impossible (nothing on one's own machine can).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import tlsexplorer.core.symmetric.caesar as caesar
from tlsexplorer.core.hazmat.fernet_fixed import encrypt_fixed
from tlsexplorer.core.rsa.numbers import is_probable_prime
from tlsexplorer.core.symmetric.fernet import FernetKey

SEED_BYTES = 16
"""Length of a learner's seed."""

#: The sentences a Caesar challenge is made from (long enough for frequency analysis).
SENTENCES = (
    "Meet me at the old oak tree behind the library when the clock strikes nine tonight.",
    "The treasure is buried under the third stone from the garden gate, dig carefully there.",
    "Bring the blue notebook and a torch, we will read the letters together after dinner.",
    "Nobody must know that the password for the shed is written inside the red teapot.",
    "The train leaves from platform four at seven, keep the tickets in your left pocket.",
    "Tell the baker that the parcel arrived safely and that the fox is sleeping soundly.",
    "Every morning the postman whistles the same song while he walks along the river path.",
    "Hide the spare key beneath the flower pot next to the green door of the cottage.",
)

#: Words the Fernet challenge's secret is made of.
WORDS = ("walrus", "lantern", "pepper", "meadow", "comet", "otter", "saffron", "glacier",
         "thimble", "harbour", "juniper", "quartz", "falcon", "marble", "willow", "tundra")

#: The timestamp inside every learner's Fernet challenge token (fixed, so it is the same each session).
FERNET_CHALLENGE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

#: Public Diffie-Hellman numbers of lesson 5 (small on purpose: the lesson breaks them).
DH_P, DH_G = 467, 2


@dataclass(frozen=True)
class CaesarChallenge:
    """A sentence encrypted with a learner's own shift."""

    plaintext: str
    shift: int
    ciphertext: str


@dataclass(frozen=True)
class FernetChallenge:
    """A learner's Fernet key, the secret and the token that hides it."""

    key: FernetKey
    secret: str
    token: str


@dataclass(frozen=True)
class Learner:
    """One learner, known by a random seed."""

    seed: bytes

    @classmethod
    def new(cls) -> Learner:
        """A learner with a fresh random seed."""
        return cls(secrets.token_bytes(SEED_BYTES))

    def derive(self, label: str) -> bytes:
        """32 bytes that only this learner gets for ``label``: HMAC-SHA256(seed, label)."""
        return hmac.new(self.seed, label.encode("utf-8"), hashlib.sha256).digest()

    def number(self, label: str, low: int, high: int) -> int:
        """A whole number in [low, high] derived for ``label``."""
        return low + int.from_bytes(self.derive(label), "big") % (high - low + 1)

    def caesar(self) -> CaesarChallenge:
        """Lesson 2: a sentence and a shift (1 to 25)."""
        plaintext = SENTENCES[self.number("caesar-sentence", 0, len(SENTENCES) - 1)]
        shift = self.number("caesar-shift", 1, 25)
        return CaesarChallenge(plaintext, shift, caesar.encrypt(plaintext, shift))

    def fernet(self) -> FernetChallenge:
        """Lesson 3: a key, a secret made of two words and a number, and its token.

        The token is made with a fixed IV and time derived from the seed (hazmat), so it is the
        same every session; never do that with a real secret.
        """
        key = FernetKey(self.derive("fernet-key"))
        first = WORDS[self.number("fernet-word-1", 0, len(WORDS) - 1)]
        second = WORDS[self.number("fernet-word-2", 0, len(WORDS) - 1)]
        secret = f"{first}-{second}-{self.number('fernet-number', 100, 999)}"
        token = encrypt_fixed(key, f"the secret is: {secret}".encode(), iv=self.derive("fernet-iv")[:16],
                              at=FERNET_CHALLENGE_TIME)
        return FernetChallenge(key, secret, token.decode("ascii"))

    def primes(self) -> tuple[int, int]:
        """Lesson 4: two different primes between 100 and 999 to work RSA with by hand."""
        found: list[int] = []
        label = 0
        while len(found) < 2:
            candidate = self.number(f"rsa-prime-{label}", 100, 999) | 1
            label += 1
            while not is_probable_prime(candidate):
                candidate += 2
            # e = 65537 must be coprime to p-1 (65537 is prime: only p = 65538k+1 fails, not below 1000)
            if candidate <= 999 and candidate not in found:
                found.append(candidate)
        return found[0], found[1]

    def dh_secrets(self) -> tuple[int, int]:
        """Lesson 5: Alice's and Bob's private numbers (2 to p-2) for p = :data:`DH_P`, g = :data:`DH_G`."""
        return self.number("dh-a", 2, DH_P - 2), self.number("dh-b", 2, DH_P - 2)

    @property
    def id(self) -> str:
        """A short public name for the learner (not the seed): 8 hex digits."""
        return base64.b16encode(self.derive("learner-id")[:4]).decode().lower()


__all__ = ["DH_G", "DH_P", "CaesarChallenge", "FernetChallenge", "Learner"]
