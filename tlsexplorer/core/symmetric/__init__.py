"""The Symmetric explorer's core: the Caesar cipher and its crack, Fernet taken apart.

- :mod:`.caesar`: shift, frequency analysis, the chi-squared crack.
- :mod:`.fernet`: keys, token anatomy, encryption and step-by-step verification.

Both modules have an ``encrypt`` and a ``decrypt``, so those are reached through
their module (``caesar.encrypt``, ``fernet.encrypt``); every other public name
is re-exported here.
"""

from tlsexplorer.core.symmetric import caesar, fernet
from tlsexplorer.core.symmetric.caesar import (
    ALPHABET,
    ENGLISH_FREQUENCIES,
    Candidate,
    CrackResult,
    chi_squared,
    crack,
    letter_counts,
    normalise_shift,
)
from tlsexplorer.core.symmetric.fernet import (
    FernetKey,
    Rotation,
    TokenFields,
    TokenReport,
    explain_token,
    generate_key,
    parse_key,
    rotate,
    split_token,
)

__all__ = [
    "ALPHABET",
    "ENGLISH_FREQUENCIES",
    "Candidate",
    "CrackResult",
    "FernetKey",
    "Rotation",
    "TokenFields",
    "TokenReport",
    "caesar",
    "chi_squared",
    "crack",
    "explain_token",
    "fernet",
    "generate_key",
    "letter_counts",
    "normalise_shift",
    "parse_key",
    "rotate",
    "split_token",
]
