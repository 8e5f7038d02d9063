"""Errors raised by the core, each with a message a person can act on.

Every front end (CLI, TUI) catches :class:`TlsxError` and shows its message;
anything else escaping the core is a bug of ours.
"""

from __future__ import annotations


class TlsxError(Exception):
    """Base class of every error the core raises on purpose.

    Attributes:
        exit_code: the CLI exit status this error maps to (ARCHITECTURE.md, "CLI conventions": 1 means
            the input was read but the answer is "no" or it could not be
            parsed; 2 means a usage error).
    """

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        """The one-line explanation shown to the user."""

    def __str__(self) -> str:
        return self.message


class InvalidInput(TlsxError):
    """The input was read but is not valid (bad PEM, bad token, not prime...)."""

    exit_code = 1


class UsageError(TlsxError):
    """The request itself is wrong (bad option value, missing argument)."""

    exit_code = 2


class FileAccessError(TlsxError):
    """A file could not be read or written (missing, too large, exists)."""

    exit_code = 2


class VerificationFailed(TlsxError):
    """A check ran and said no (chain invalid, signature mismatch)."""

    exit_code = 1


class PasswordRequired(TlsxError):
    """Encrypted material was found and no password was given."""

    exit_code = 1


class WrongPassword(TlsxError):
    """A password was given and it does not open the material."""

    exit_code = 1


__all__ = [
    "FileAccessError",
    "InvalidInput",
    "PasswordRequired",
    "TlsxError",
    "UsageError",
    "VerificationFailed",
    "WrongPassword",
]
