"""What ``tlsexplorer verify`` loads and does, kept small (benchmark ``crl``, docs/benchmarks.md).

The CRL entry lookup skips the library's walk over every entry when the serial's DER INTEGER is
nowhere in the CRL's bytes; these tests hold that shortcut to the library's own lookup. The
imports that verify's text output does not need (PKCS#7's e-mail parser, the SSH key code, ssl,
json, rich's tables) are held out of a fresh interpreter that runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import _serialization, serialization

from tests.revocation_pki import NOW, crl, der, make_pki
from tlsexplorer.core.chain.revocation import _entry, read_crls
from tlsexplorer.core.der import encode_integer, read_tlv
from tlsexplorer.core.timeutil import format_iso8601


@pytest.mark.parametrize(
    ("value", "encoding"),
    [
        # X.690 8.3: the fewest two's-complement octets, big-endian.
        (0, "020100"),
        (127, "02017f"),
        (128, "02020080"),
        (256, "02020100"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
    ],
)
def test_encode_integer_follows_x690(value: int, encoding: str) -> None:
    assert encode_integer(value).hex() == encoding


@pytest.mark.parametrize("serial", [1, 127, 128, 255, 0x8000, 0xFF00FF, 2**64 + 1, 2**159 - 1])
def test_encode_integer_is_the_librarys_encoding(serial: int) -> None:
    pki = make_pki()
    data = der(crl(pki.root, pki.root_key, [(serial, None)]))
    # The CRL's one entry: SEQUENCE { userCertificate INTEGER, revocationDate, ... }, whose first
    # element the library wrote.
    entries = x509.load_der_x509_crl(data)
    assert entries[0].serial_number == serial
    start = data.find(encode_integer(serial))
    assert start > 0
    tag, body, end = read_tlv(data, start)
    assert tag == 0x02 and int.from_bytes(data[body:end], "big", signed=True) == serial


@pytest.mark.parametrize("serial", [5, 128, 0xFFFF, 2**100 + 7])
def test_entry_lookup_agrees_with_the_library(serial: int) -> None:
    pki = make_pki()
    others = [(serial + 1, None), (serial * 256, None), (serial - 1, None)]
    for listed in (others, [*others, (serial, None)]):
        (item,) = read_crls(der(crl(pki.root, pki.root_key, listed)), "test.crl")
        assert item.crl is not None
        ours = _entry(item, serial)
        theirs = item.crl.get_revoked_certificate_by_serial_number(serial)
        assert (ours is None) == (theirs is None) == ((serial, None) not in listed)
        if ours is not None and theirs is not None:
            assert ours.serial_number == theirs.serial_number == serial


def test_the_encoding_enum_is_the_public_one() -> None:
    assert _serialization.Encoding is serialization.Encoding


def test_verify_text_output_loads_only_what_it_needs(tmp_path: Path) -> None:
    pki = make_pki()
    paths = pki.write(tmp_path)
    (tmp_path / "root.crl").write_bytes(der(crl(pki.root, pki.root_key, [(999, None)])))
    argv = [
        "verify", str(paths["leaf"]), "--ca", str(paths["root"]), "--crl", str(tmp_path / "root.crl"),
        "--crl-check", "leaf", "--host", "leaf.example.net", "--at", format_iso8601(NOW),
    ]
    code = (
        "import contextlib, io, sys\n"
        "from tlsexplorer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    status = main({argv!r})\n"
        "loaded = sorted(sys.modules)\n"
        "import json\n"  # after the list: the probe's own json does not count
        "sys.stderr.write(out.getvalue())\n"
        "print(json.dumps([status, loaded]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, loaded = json.loads(result.stdout)
    assert status == 0, result.stderr
    assert "valid, not revoked" in result.stderr
    for module in (
        "cryptography.hazmat.primitives.serialization.pkcs7",
        "cryptography.hazmat.primitives.serialization.ssh",
        "email.message",
        "ssl",
        "json",
        "rich.table",
    ):
        assert module not in loaded, f"verify loaded {module}"
