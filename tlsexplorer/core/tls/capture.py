"""Capture files: pcap and pcapng read by hand, TCP streams put back together, and pcapng written.

Reading (:func:`read_capture`): classic pcap (microsecond or nanosecond, either
byte order) and pcapng (Enhanced, Simple and old Packet Blocks, one link type
per interface, Decryption Secrets Blocks holding a TLS key log). Link types:
Ethernet (VLAN tags skipped), Linux cooked (SLL and SLL2), BSD loopback/null,
OpenBSD loop, raw IP. IPv4 (fragments are not reassembled) and IPv6. Each TCP
connection's two directions are put back in sequence order: a retransmitted
segment is used once, an out-of-order one waits for the gap before it, and a
gap that never fills ends the stream there (said in the problems).

Decrypting (:func:`decrypt_capture`): every TLS connection of a capture opened
with its key log (a file's lines and the capture's own Decryption Secrets
Blocks), the one pipeline behind ``tls decrypt`` and the Wire tab's "Open
capture".

Writing (:func:`write_pcapng`): a recorded exchange as a pcapng of TCP/IPv4 on
the loopback interface (127.0.0.1, the server on port 443 so Wireshark opens
it as TLS), the key log embedded in a Decryption Secrets Block, so Wireshark
and tshark decrypt it with no settings. :func:`exchange_files` is what keeps a
recording (``tls wire --pcap/--keylog``, the Wire tab's "Save capture"): that
pcapng and the NSS key log beside it, for :func:`tlsexplorer.core.files.write_files`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.files import FileToWrite
from tlsexplorer.core.tls.decrypt import DecryptedConnection, decrypt_exchange
from tlsexplorer.core.tls.keylog import KeyLog, parse_keylog
from tlsexplorer.core.tls.records import Direction, Exchange, Segment, looks_like_tls

#: Largest capture file read (the message names it).
MAX_CAPTURE_BYTES = 512 * 1024 * 1024

LINK_TYPES: dict[int, str] = {
    0: "BSD loopback (null)",
    1: "Ethernet",
    12: "raw IP",
    14: "raw IP",
    101: "raw IP",
    108: "OpenBSD loopback",
    113: "Linux cooked (SLL)",
    228: "raw IPv4",
    229: "raw IPv6",
    276: "Linux cooked (SLL2)",
}
"""The link types this reader understands (LINKTYPE_ numbers)."""

_DSB_TLS_KEY_LOG = 0x544C534B  # "TLSK"


@dataclass(frozen=True)
class TcpStream:
    """One TCP connection from a capture, both directions in order."""

    client: str
    """``address:port`` of the side that opened it (or spoke TLS first)."""
    server: str
    """``address:port`` of the other side."""
    exchange: Exchange
    """The bytes each side sent, in the order they became readable."""
    problems: tuple[str, ...] = ()
    """Gaps that never filled."""

    @property
    def is_tls(self) -> bool:
        """True when the client's first bytes look like a TLS record."""
        return looks_like_tls(self.exchange.client_bytes[:8])


@dataclass(frozen=True)
class Capture:
    """What a capture file holds."""

    format: str
    """``pcap`` or ``pcapng``."""
    link_types: tuple[str, ...]
    """The link types of its interfaces."""
    packets: int
    """Packets read."""
    streams: tuple[TcpStream, ...]
    """Every TCP connection with data, in the order they started."""
    keylog: str = ""
    """Key log lines from Decryption Secrets Blocks (pcapng)."""
    problems: tuple[str, ...] = ()
    """What could not be read (a cut-off file, packets of another kind...)."""

    @property
    def tls_streams(self) -> tuple[TcpStream, ...]:
        """The TCP connections that carry TLS."""
        return tuple(s for s in self.streams if s.is_tls)


# ---------------------------------------------------------------------------
# Frames


@dataclass
class _Flow:
    """One direction's reassembly: next expected sequence number, segments waiting for a gap."""

    next_seq: int | None = None
    pending: dict[int, bytes] = field(default_factory=dict)
    fin: bool = False


@dataclass
class _Connection:
    first: tuple[str, int]
    second: tuple[str, int]
    opener: tuple[str, int] | None = None
    flows: dict[tuple[str, int], _Flow] = field(default_factory=dict)
    chunks: list[tuple[tuple[str, int], bytes]] = field(default_factory=list)


def _ip_payload(link: int, frame: bytes) -> bytes | None:
    """The IP packet inside a frame of link type ``link``; None when it is not IP."""
    if link == 1:
        ether = int.from_bytes(frame[12:14], "big")
        pos = 14
        while ether in (0x8100, 0x88A8) and len(frame) >= pos + 4:
            ether = int.from_bytes(frame[pos + 2 : pos + 4], "big")
            pos += 4
        return frame[pos:] if ether in (0x0800, 0x86DD) else None
    if link == 113:
        return frame[16:] if int.from_bytes(frame[14:16], "big") in (0x0800, 0x86DD) else None
    if link == 276:
        return frame[20:] if int.from_bytes(frame[0:2], "big") in (0x0800, 0x86DD) else None
    if link in (0, 108):
        family = int.from_bytes(frame[:4], "big" if link == 108 else "little")
        if link == 0 and family > 0xFFFF:
            family = int.from_bytes(frame[:4], "big")
        return frame[4:] if family in (2, 24, 28, 30) else None
    if link in (12, 14, 101, 228, 229):
        return frame
    return None


def _tcp(packet: bytes) -> tuple[str, str, bytes] | None:
    """(source address, destination address, TCP segment) of an IPv4 or IPv6 packet carrying TCP."""
    if not packet:
        return None
    version = packet[0] >> 4
    if version == 4 and len(packet) >= 20:
        header = (packet[0] & 0x0F) * 4
        total = int.from_bytes(packet[2:4], "big")
        if packet[9] != 6 or int.from_bytes(packet[6:8], "big") & 0x1FFF:
            return None  # not TCP, or a later fragment
        end = min(len(packet), total) if total else len(packet)
        src = ".".join(str(b) for b in packet[12:16])
        dst = ".".join(str(b) for b in packet[16:20])
        return src, dst, packet[header:end]
    if version == 6 and len(packet) >= 40:
        next_header, pos = packet[6], 40
        while next_header in (0, 43, 60) and len(packet) >= pos + 8:  # hop-by-hop, routing, destination
            next_header, pos = packet[pos], pos + (packet[pos + 1] + 1) * 8
        if next_header != 6:
            return None
        end = min(len(packet), 40 + int.from_bytes(packet[4:6], "big"))
        return _ipv6(packet[8:24]), _ipv6(packet[24:40]), packet[pos:end]
    return None


def _ipv6(raw: bytes) -> str:
    import ipaddress

    return f"[{ipaddress.IPv6Address(raw)}]"


# ---------------------------------------------------------------------------
# File formats


def _pcap_frames(data: bytes) -> Iterator[tuple[int, bytes]]:
    magic = data[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    pos = 24
    while pos + 16 <= len(data):
        included = struct.unpack(order + "I", data[pos + 8 : pos + 12])[0]
        if pos + 16 + included > len(data):
            raise _Truncated(pos)
        yield link, data[pos + 16 : pos + 16 + included]
        pos += 16 + included
    if pos != len(data):
        raise _Truncated(pos)


class _Truncated(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _pcapng_frames(data: bytes, keylogs: list[str], links: list[int]) -> Iterator[tuple[int, bytes]]:
    pos = 0
    order = "<"
    interfaces: list[int] = []
    while pos + 12 <= len(data):
        block_type = struct.unpack(order + "I", data[pos : pos + 4])[0]
        if block_type == 0x0A0D0D0A:
            order = "<" if data[pos + 8 : pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        length = struct.unpack(order + "I", data[pos + 4 : pos + 8])[0]
        if length < 12 or length % 4 or pos + length > len(data):
            raise _Truncated(pos)
        body = data[pos + 8 : pos + length - 4]
        if block_type == 1:
            link = struct.unpack(order + "H", body[:2])[0]
            interfaces.append(link)
            links.append(link)
        elif block_type == 6 and len(body) >= 20:
            interface, _, _, captured = struct.unpack(order + "IIII", body[:16])
            if interface < len(interfaces):
                yield interfaces[interface], body[20 : 20 + captured]
        elif block_type == 3 and interfaces:
            yield interfaces[0], body[4:]
        elif block_type == 2 and len(body) >= 20:
            interface = struct.unpack(order + "H", body[:2])[0]
            captured = struct.unpack(order + "I", body[12:16])[0]
            if interface < len(interfaces):
                yield interfaces[interface], body[20 : 20 + captured]
        elif block_type == 10 and len(body) >= 8:
            kind, size = struct.unpack(order + "II", body[:8])
            if kind == _DSB_TLS_KEY_LOG:
                keylogs.append(body[8 : 8 + size].decode("ascii", "replace"))
        pos += length
    if pos != len(data):
        raise _Truncated(pos)


def read_capture(data: bytes) -> Capture:
    """Read a pcap or pcapng capture and put its TCP connections back together.

    Raises:
        InvalidInput: not a capture file, above :data:`MAX_CAPTURE_BYTES`, or only of link types this
            reader does not know (each named).
    """
    if len(data) > MAX_CAPTURE_BYTES:
        raise InvalidInput(f"the capture is {len(data):,} bytes; the limit is {MAX_CAPTURE_BYTES:,} bytes")
    keylogs: list[str] = []
    links: list[int] = []
    problems: list[str] = []
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        if len(data) < 24:
            raise InvalidInput("the pcap file is cut off inside its header")
        file_format = "pcap"
        order = "<" if data[0] in (0xD4, 0x4D) else ">"
        links.append(struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF)
        frames = _pcap_frames(data)
    elif data[:4] == b"\x0a\x0d\x0d\x0a":
        file_format = "pcapng"
        frames = _pcapng_frames(data, keylogs, links)
    else:
        raise InvalidInput("not a capture file: a pcap or pcapng file starts with its magic number "
                           "(tcpdump -w, dumpcap, Wireshark's Save As)")
    connections: dict[frozenset[tuple[str, int]], _Connection] = {}
    packets = known = 0
    unknown: set[int] = set()
    try:
        for link, frame in frames:
            packets += 1
            if link not in LINK_TYPES:
                unknown.add(link)
                continue
            known += 1
            packet = _ip_payload(link, frame)
            tcp = _tcp(packet) if packet is not None else None
            if tcp is not None:
                _segment(connections, *tcp)
    except _Truncated as cut:
        problems.append(f"the capture is cut off at byte {cut.offset:,}: the packets before it are read")
    link_names = tuple(dict.fromkeys(LINK_TYPES.get(k, f"unknown link type {k}") for k in links))
    if unknown and not known:
        names = ", ".join(str(k) for k in sorted(unknown))
        raise InvalidInput(f"unknown link type {names}: tlsexplorer reads Ethernet, Linux cooked, "
                           "loopback/null and raw IP captures")
    if unknown:
        problems.append(f"packets of unknown link type {', '.join(str(k) for k in sorted(unknown))} skipped")
    streams = tuple(_stream(c, problems) for c in connections.values() if c.chunks)
    return Capture(file_format, link_names, packets, streams, "\n".join(keylogs), tuple(problems))


def _segment(connections: dict[frozenset[tuple[str, int]], _Connection], src: str, dst: str,
             tcp: bytes) -> None:
    if len(tcp) < 20:
        return
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    offset = (tcp[12] >> 4) * 4
    flags = tcp[13]
    payload = tcp[offset:]
    source, destination = (src, sport), (dst, dport)
    key = frozenset((source, destination))
    connection = connections.get(key)
    syn = bool(flags & 0x02)
    if connection is None or (syn and not flags & 0x10 and connection.chunks):
        connection = _Connection(source, destination)
        connections[key] = connection
    if syn and not flags & 0x10:
        connection.opener = source
    flow = connection.flows.setdefault(source, _Flow())
    if syn:
        flow.next_seq = (seq + 1) & 0xFFFFFFFF
        return
    if not payload:
        return
    if flow.next_seq is None:
        flow.next_seq = seq
    relative = (seq - flow.next_seq) & 0xFFFFFFFF
    if relative >= 0x80000000:  # before what was already used: a retransmission, maybe overlapping
        behind = 0x100000000 - relative
        if behind >= len(payload):
            return
        payload, seq = payload[behind:], flow.next_seq
        relative = 0
    if relative:
        flow.pending.setdefault(seq, payload)
        return
    _deliver(connection, source, flow, payload)


def _deliver(connection: _Connection, source: tuple[str, int], flow: _Flow, payload: bytes) -> None:
    assert flow.next_seq is not None
    connection.chunks.append((source, payload))
    flow.next_seq = (flow.next_seq + len(payload)) & 0xFFFFFFFF
    while flow.pending:
        ready = None
        for seq in list(flow.pending):
            relative = (seq - flow.next_seq) & 0xFFFFFFFF
            waiting = flow.pending[seq]
            if relative >= 0x80000000:
                behind = 0x100000000 - relative
                del flow.pending[seq]
                if behind < len(waiting):
                    ready = waiting[behind:]
                    break
            elif relative == 0:
                ready = flow.pending.pop(seq)
                break
        if ready is None:
            return
        connection.chunks.append((source, ready))
        flow.next_seq = (flow.next_seq + len(ready)) & 0xFFFFFFFF


def _endpoint(address: tuple[str, int]) -> str:
    return f"{address[0]}:{address[1]}"


def _stream(connection: _Connection, problems: list[str]) -> TcpStream:
    first_data = connection.chunks[0][0]
    client = connection.opener or first_data
    if looks_like_tls(connection.chunks[0][1][:8]):
        client = first_data
    server = connection.second if client == connection.first else connection.first
    runs: list[tuple[Direction, list[bytes]]] = []
    for source, data in connection.chunks:
        direction: Direction = "client" if source == client else "server"
        if runs and runs[-1][0] == direction:
            runs[-1][1].append(data)
        else:
            runs.append((direction, [data]))
    segments = [Segment(direction, b"".join(parts)) for direction, parts in runs]
    stream_problems: list[str] = []
    for source, flow in connection.flows.items():
        if flow.pending:
            missing = sum(len(p) for p in flow.pending.values())
            stream_problems.append(
                f"{_endpoint(source)} → : {missing:,} bytes after a gap that never filled were not used"
            )
    return TcpStream(_endpoint(client), _endpoint(server), Exchange(tuple(segments)), tuple(stream_problems))


# ---------------------------------------------------------------------------
# Decrypting


@dataclass(frozen=True)
class CaptureConnection:
    """One TLS connection of a capture and what its key log opened."""

    stream: TcpStream
    """Where it ran (client and server addresses) and its reassembly problems."""
    connection: DecryptedConnection
    """Its records, opened where the key log allows."""


@dataclass(frozen=True)
class DecryptedCapture:
    """A capture's TLS connections decrypted, with what a reader should be told once."""

    capture: Capture
    """The file as read."""
    keylog: KeyLog
    """The secrets used: the key log given, then the capture's Decryption Secrets Blocks."""
    connections: tuple[CaptureConnection, ...]
    """Every TLS connection, in the order they started."""
    warnings: tuple[str, ...]
    """Each said once: key log lines skipped, no key log at all, a cut-off file, no TLS."""

    @property
    def ok(self) -> bool:
        """True when there are TLS connections and every one was decrypted."""
        return bool(self.connections) and all(
            c.connection.keys_found and c.connection.fully_decrypted for c in self.connections)


def decrypt_capture(data: bytes, keylog_text: str = "", *,
                    keylog_hint: str = "give --keylog FILE") -> DecryptedCapture:
    """Read a capture and decrypt each TLS connection with ``keylog_text`` and the capture's own secrets.

    ``keylog_hint`` says how to give a key log where the warning is shown.

    Raises:
        InvalidInput: as :func:`read_capture`.
    """
    capture = read_capture(data)
    text = capture.keylog + ("\n" + keylog_text if keylog_text else "")
    keylog = parse_keylog(text)
    warnings: list[str] = []
    if keylog.problems:
        more = f" (and {len(keylog.problems) - 1} more)" if len(keylog.problems) > 1 else ""
        warnings.append("the key log has lines that are not key log lines, skipped: "
                        f"{keylog.problems[0]}{more}")
    if not text.strip():
        warnings.append(f"no key log: {keylog_hint} (the capture has no Decryption Secrets Block)")
    warnings.extend(capture.problems)
    streams = capture.tls_streams
    if not streams:
        warnings.append(f"no TLS connection in the capture ({len(capture.streams)} TCP connection(s), "
                        f"{capture.packets} packets)")
    connections = tuple(CaptureConnection(s, decrypt_exchange(s.exchange, keylog)) for s in streams)
    return DecryptedCapture(capture, keylog, connections, tuple(warnings))


# ---------------------------------------------------------------------------
# Writing


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total: int = sum(struct.unpack(f">{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _ipv4_tcp(src_port: int, dst_port: int, seq: int, ack: int, flags: int, payload: bytes,
              ident: int) -> bytes:
    loopback = bytes([127, 0, 0, 1])
    tcp = struct.pack(">HHIIBBHHH", src_port, dst_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags,
                      65535, 0, 0)
    pseudo = loopback + loopback + struct.pack(">BBH", 0, 6, len(tcp) + len(payload))
    tcp = tcp[:16] + struct.pack(">H", _checksum(pseudo + tcp + payload)) + tcp[18:]
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), ident & 0xFFFF, 0x4000, 64,
                         6, 0, loopback, loopback)
    header = header[:10] + struct.pack(">H", _checksum(header)) + header[12:]
    return header + tcp + payload


def _block(block_type: int, body: bytes) -> bytes:
    padded = body + b"\x00" * (-len(body) % 4)
    length = 12 + len(padded)
    return struct.pack("<II", block_type, length) + padded + struct.pack("<I", length)


def write_pcapng(exchange: Exchange, keylog: str = "", *, client_port: int = 50000,
                 server_port: int = 443, start: float = 1_767_225_600.0) -> bytes:
    """The exchange as a pcapng of TCP/IPv4 on loopback, with ``keylog`` in a Decryption Secrets Block.

    Timestamps start at ``start`` (seconds since the epoch) and go up a millisecond a packet, so the
    same exchange always gives the same file.
    """
    shb = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = _block(1, struct.pack("<HHI", 0, 0, 0))  # LINKTYPE_NULL: loopback, 4-byte family header
    out = [shb, idb]
    if keylog:
        secrets = keylog.encode("ascii", "replace")
        out.append(_block(10, struct.pack("<II", _DSB_TLS_KEY_LOG, len(secrets)) + secrets))
    ticks = int(start * 1_000_000)
    seq = {"client": 1000, "server": 5000}
    ports = {"client": (client_port, server_port), "server": (server_port, client_port)}
    other: dict[Direction, Direction] = {"client": "server", "server": "client"}

    def packet(direction: Direction, flags: int, payload: bytes = b"") -> None:
        nonlocal ticks
        src, dst = ports[direction]
        ack = seq[other[direction]] if flags & 0x10 else 0
        frame = struct.pack("<I", 2) + _ipv4_tcp(src, dst, seq[direction], ack, flags, payload, len(out))
        header = struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), len(frame))
        out.append(_block(6, header + frame))
        ticks += 1000
        seq[direction] += len(payload) + (1 if flags & 0x03 else 0)

    packet("client", 0x02)  # SYN
    packet("server", 0x12)  # SYN, ACK
    packet("client", 0x10)  # ACK
    for segment in exchange.segments:
        for pos in range(0, len(segment.data), 65000):
            packet(segment.direction, 0x18, segment.data[pos : pos + 65000])  # PSH, ACK
    packet("client", 0x11)  # FIN, ACK
    packet("server", 0x11)
    packet("client", 0x10)
    return b"".join(out)


def exchange_files(exchange: Exchange, *, pcap: Path | None = None,
                   keylog: Path | None = None) -> list[FileToWrite]:
    """The files that keep a recorded exchange, for :func:`~tlsexplorer.core.files.write_files`:
    ``pcap`` its pcapng with the key log embedded (:func:`write_pcapng`), ``keylog`` the NSS key log
    alone. Both are private (0600) when there is a key log: it decrypts the connection.

    Raises:
        UsageError: a key log file is asked for an exchange without one (plain HTTP, no handshake).
    """
    files: list[FileToWrite] = []
    if keylog is not None:
        if not exchange.keylog:
            raise UsageError("no key log to keep: the exchange was plain HTTP or the handshake never started")
        files.append(FileToWrite(keylog, exchange.keylog.encode("ascii"), private=True, kind="key log"))
    if pcap is not None:
        files.append(FileToWrite(pcap, write_pcapng(exchange, exchange.keylog), private=bool(exchange.keylog),
                                 kind="capture"))
    return files


__all__ = [
    "LINK_TYPES",
    "MAX_CAPTURE_BYTES",
    "Capture",
    "CaptureConnection",
    "DecryptedCapture",
    "TcpStream",
    "decrypt_capture",
    "exchange_files",
    "read_capture",
    "write_pcapng",
]
