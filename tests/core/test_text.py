"""Text others chose is shown on the terminal as text, never as terminal commands."""

from __future__ import annotations

from tlsexplorer.core.text import printable


def test_printable_leaves_no_way_to_fake_or_hide_text() -> None:
    assert printable("alice.example.net GET /index.html") == "alice.example.net GET /index.html"
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    # The text "\x1b" a client typed is not the same line as a real ESC.
    assert printable("a\\x1b[2Jb") == "a\\\\x1b[2Jb" != printable("a\x1b[2Jb")
    # A right-to-left override would make "evil\u202egnp.exe" read as "evilexe.png".
    assert printable("evil\u202egnp.exe") == "evil\\u202egnp.exe"
    assert printable("zero\u200bwidth\ufeff") == "zero\\u200bwidth\\ufeff"
    assert printable("café ünïcode") == "café ünïcode"  # ordinary letters stay as they are
    assert printable(None) is None
    # RFC 4514 names carry backslash escapes of their own: kept as they are on request.
    assert printable("CN=a\\,b\x1b", backslash=False) == "CN=a\\,b\\x1b"


def test_certificate_names_raw_for_json_and_escaped_for_the_terminal() -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from tlsexplorer.core.text import name_text, rfc4514

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "a,b\x1b[2J")])
    assert rfc4514(name) == "CN=a\\,b\x1b[2J"  # as it is, RFC 4514 escaping included
    assert name_text(name) == "CN=a\\,b\\x1b[2J"  # the ESC spelled out, the "\\," kept
    assert rfc4514(x509.Name([])) == name_text(x509.Name([])) == ""
