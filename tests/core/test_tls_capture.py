"""Capture files read by hand (pcap, pcapng, link types, IPv4/IPv6, TCP reassembly) and pcapng written."""

from __future__ import annotations

import itertools
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.tools import needs_tshark
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.capture import MAX_CAPTURE_BYTES, read_capture, write_pcapng
from tlsexplorer.core.tls.decrypt import decrypt_exchange
from tlsexplorer.core.tls.keylog import parse_keylog
from tlsexplorer.core.tls.records import Exchange, Segment
from tlsexplorer.tui.scenes._tls_capture_keyed import recorded_exchange_with_keylog

EXCHANGE = recorded_exchange_with_keylog()


def _ip(ipv6: bool, sport: int, dport: int, seq: int, flags: int, payload: bytes) -> bytes:
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, 0, 5 << 4, flags, 65535, 0, 0) + payload
    client, server = (bytes(15) + b"\x01", bytes(15) + b"\x02")
    if not ipv6:
        client, server = b"\x0a\0\0\x01", b"\x0a\0\0\x02"
    src, dst = (server, client) if sport == 443 else (client, server)
    if ipv6:
        return struct.pack(">IHBB", 6 << 28, len(tcp), 6, 64) + src + dst + tcp
    return struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0) + src + dst + tcp


def _frame(link: int, ipv6: bool, packet: bytes) -> bytes:
    ether = 0x86DD if ipv6 else 0x0800
    if link == 1:
        return bytes(12) + b"\x81\x00\x00\x05" + struct.pack(">H", ether) + packet  # with a VLAN tag
    if link == 113:
        return bytes(14) + struct.pack(">H", ether) + packet
    if link == 276:
        return struct.pack(">H", ether) + bytes(18) + packet
    if link == 0:
        return struct.pack("<I", 30 if ipv6 else 2) + packet
    return packet


def _pcap(link: int, frames: list[bytes]) -> bytes:
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link)]
    for n, frame in enumerate(frames):
        out.append(struct.pack("<IIII", n, 0, len(frame), len(frame)) + frame)
    return b"".join(out)


def _shuffled_capture(link: int, ipv6: bool, seed: int) -> bytes:
    """The exchange cut in 700-byte segments, some out of order, some sent twice, one overlapping."""
    rng = random.Random(seed)
    ports = {"client": (50123, 443), "server": (443, 50123)}
    isn = {"client": 0xFFFFF000, "server": 77}  # the client's sequence numbers wrap around
    frames = [_frame(link, ipv6, _ip(ipv6, 50123, 443, isn["client"], 0x02, b"")),
              _frame(link, ipv6, _ip(ipv6, 443, 50123, isn["server"], 0x12, b""))]
    offset = {"client": 1, "server": 1}
    for segment in EXCHANGE.segments:
        pieces = []
        for pos in range(0, len(segment.data), 700):
            chunk = segment.data[pos : pos + 700]
            seq = isn[segment.direction] + offset[segment.direction] + pos
            pieces.append(_frame(link, ipv6, _ip(ipv6, *ports[segment.direction], seq, 0x18, chunk)))
        if len(pieces) > 2:
            pieces[0], pieces[1] = pieces[1], pieces[0]  # out of order
            pieces.insert(rng.randrange(1, len(pieces)), pieces[rng.randrange(len(pieces))])  # retransmitted
            seq = isn[segment.direction] + offset[segment.direction] + 350
            overlap = segment.data[350:1050]
            pieces.append(_frame(link, ipv6, _ip(ipv6, *ports[segment.direction], seq, 0x18, overlap)))
        frames.extend(pieces)
        offset[segment.direction] += len(segment.data)
    return _pcap(link, frames)


@pytest.mark.parametrize(("link", "ipv6"), [(1, False), (1, True), (113, False), (276, True), (0, False),
                                             (101, True)])
def test_link_types_and_tcp_reassembly(link: int, ipv6: bool) -> None:
    capture = read_capture(_shuffled_capture(link, ipv6, seed=link))
    assert capture.format == "pcap" and not capture.problems
    (stream,) = capture.tls_streams
    assert stream.exchange.client_bytes == EXCHANGE.client_bytes
    assert stream.exchange.server_bytes == EXCHANGE.server_bytes
    assert stream.server.endswith(":443") and not stream.problems
    connection = decrypt_exchange(stream.exchange, parse_keylog(EXCHANGE.keylog))
    assert connection.fully_decrypted and connection.http[0].start_line == "GET / HTTP/1.1"


def test_pcapng_written_and_read_back_with_its_secrets() -> None:
    data = write_pcapng(EXCHANGE, EXCHANGE.keylog)
    assert data == write_pcapng(EXCHANGE, EXCHANGE.keylog)  # deterministic
    capture = read_capture(data)
    assert capture.format == "pcapng" and capture.link_types == ("BSD loopback (null)",)
    assert parse_keylog(capture.keylog).secrets == parse_keylog(EXCHANGE.keylog).secrets
    (stream,) = capture.streams
    assert (stream.client, stream.server) == ("127.0.0.1:50000", "127.0.0.1:443")
    assert stream.exchange.client_bytes == EXCHANGE.client_bytes
    assert stream.exchange.server_bytes == EXCHANGE.server_bytes
    directions = [s.direction for s in stream.exchange.segments]
    assert directions[0] == "client" and all(a != b for a, b in itertools.pairwise(directions))


def test_bad_captures_say_what_is_wrong() -> None:
    data = write_pcapng(EXCHANGE, EXCHANGE.keylog)
    cut = read_capture(data[: len(data) - 300])
    assert cut.problems and "cut off" in cut.problems[0] and cut.streams
    with pytest.raises(InvalidInput, match="not a capture file"):
        read_capture(b"GET / HTTP/1.1\r\n\r\n")
    with pytest.raises(InvalidInput, match="unknown link type 147"):
        read_capture(_pcap(147, [b"\x00" * 60]))
    with pytest.raises(InvalidInput, match="limit"):
        read_capture(b"\x0a\x0d\x0d\x0a" + bytes(MAX_CAPTURE_BYTES))
    plain = Exchange((Segment("client", b"GET / HTTP/1.1\r\n\r\n"),
                      Segment("server", b"HTTP/1.1 200 OK\r\n\r\n")))
    capture = read_capture(write_pcapng(plain))
    assert capture.streams and not capture.tls_streams
    gap = _pcap(1, [_frame(1, False, _ip(False, 5, 443, 1000, 0x18, b"\x16\x03\x01\x00\x02ab")),
                    _frame(1, False, _ip(False, 5, 443, 2000, 0x18, b"later"))])
    (stream,) = read_capture(gap).streams
    assert stream.problems and "gap" in stream.problems[0]


@needs_tshark
def test_tshark_opens_the_written_pcapng_decrypted(tmp_path: Path) -> None:
    assert shutil.which("tshark"), "TLSX_REQUIRE_TSHARK is set but tshark is not installed"
    path = tmp_path / "wire.pcapng"
    path.write_bytes(write_pcapng(EXCHANGE, EXCHANGE.keylog))
    done = subprocess.run(["tshark", "-r", str(path), "-Y", "http.request", "-T", "fields",
                           "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.host"],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["GET", "/", "localhost"]
    # A classic pcap written by tshark itself (no secrets in it) is read like ours.
    classic = tmp_path / "wire.pcap"
    subprocess.run(["tshark", "-r", str(path), "-F", "pcap", "-w", str(classic)], capture_output=True,
                   timeout=120, check=True)
    capture = read_capture(classic.read_bytes())
    assert capture.format == "pcap" and capture.keylog == ""
    (stream,) = capture.tls_streams
    assert stream.exchange.client_bytes == EXCHANGE.client_bytes
