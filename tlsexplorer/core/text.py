"""Text from outside (a certificate's names, what a client sends) made safe to show on a terminal."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:  # only for the annotation: this module stays free of cryptography
    from cryptography import x509

#: Control characters, and the invisible ones that reorder or hide text (bidi overrides, zero-width).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: The same and the backslash (so the text "\x1b" is told apart from an escaped ESC).
_CONTROL_OR_BACKSLASH = re.compile(_CONTROL.pattern[:-1] + r"\\]")


@overload
def printable(text: str, *, backslash: bool = True) -> str: ...
@overload
def printable(text: None, *, backslash: bool = True) -> None: ...
def printable(text: str | None, *, backslash: bool = True) -> str | None:
    r"""``text`` with every control character written as ``\xNN`` (``\uNNNN`` for the invisible
    ones that reorder text, such as U+202E) and, with ``backslash``, ``\`` as ``\\``.

    What others chose (a client's request line and SNI, a server's certificate names) reaches
    the terminal as text: a raw ESC there could recolour, retitle or rewrite it, and a bidi
    override would make the line read as something else. ``backslash=False`` is for text that
    has backslash escapes of its own (RFC 4514 names: ``CN=a\,b``).
    """
    if text is None:
        return None
    return (_CONTROL_OR_BACKSLASH if backslash else _CONTROL).sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def rfc4514(name: x509.Name) -> str:
    """A certificate name as it is (RFC 4514; empty when it has none): what --json carries."""
    try:
        return name.rfc4514_string()
    except ValueError as exc:
        return f"(unreadable name: {exc})"


def name_text(name: x509.Name) -> str:
    """A certificate name to show on a terminal: :func:`rfc4514` with control characters
    escaped (whoever made the certificate chose it)."""
    return printable(rfc4514(name), backslash=False)


__all__ = ["name_text", "printable", "rfc4514"]
