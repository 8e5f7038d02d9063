"""The UI-free core: pure logic on top of the standard library and ``cryptography``.

Nothing here imports rich or textual (a test enforces it). Functions take
their inputs (bytes, ints, ``now``) and return frozen dataclasses or
cryptography objects; they raise :mod:`tlsexplorer.core.errors` exceptions
with messages a person can act on.
"""

from tlsexplorer.core.errors import (
    FileAccessError,
    InvalidInput,
    PasswordRequired,
    TlsxError,
    UsageError,
    VerificationFailed,
    WrongPassword,
)

__all__ = [
    "FileAccessError",
    "InvalidInput",
    "PasswordRequired",
    "TlsxError",
    "UsageError",
    "VerificationFailed",
    "WrongPassword",
]
