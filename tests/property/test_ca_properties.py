"""Properties of the CA workbench's small parsers and encoders."""

from __future__ import annotations

import ipaddress

from cryptography import x509
from hypothesis import given, settings, strategies as st

from tlsexplorer.core import der
from tlsexplorer.core.ca import build as ca, store as ca_store
from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.hazmat import sha1_certificate


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_sanitised_names_stay_in_the_folder(name: str) -> None:
    try:
        stem = ca_store.sanitize_name(name)
    except UsageError:
        return
    assert "/" not in stem and "\x00" not in stem
    assert stem not in {".", ".."} and not stem.startswith(".")
    assert set(stem) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_ip_sans_are_told_apart(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    assert ca.parse_san(str(address)) == x509.IPAddress(address)


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True))
def test_dns_and_email_sans_are_told_apart(host: str) -> None:
    assert ca.parse_san(host) == x509.DNSName(host)
    assert ca.parse_san("*." + host) == x509.DNSName("*." + host)
    assert ca.parse_san("bob@" + host) == x509.RFC822Name("bob@" + host)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=2**159 - 1))
def test_swap_keeps_the_length_for_any_serial(serial: int) -> None:
    serial_der = der.encode_tlv(0x02, serial.to_bytes((serial.bit_length() + 8) // 8, "big"))
    algorithm = b"\x30\x0d" + sha1_certificate.SHA256_WITH_RSA_OID_DER + b"\x05\x00"
    tbs = der.encode_tlv(0x30, bytes.fromhex("a003020102") + serial_der + algorithm)
    swapped = sha1_certificate.swap_signature_algorithm(tbs)
    assert len(swapped) == len(tbs)
    assert swapped.endswith(b"\x30\x0d" + sha1_certificate.SHA1_WITH_RSA_OID_DER + b"\x05\x00")
