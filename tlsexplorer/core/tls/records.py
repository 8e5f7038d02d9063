"""The bytes on the wire: a loopback recorder and a TLS record parser.

:class:`WireRecorder` sits between a client and a server on 127.0.0.1,
forwards everything both ways and keeps the bytes of the first exchange, in
the order they crossed. :func:`analyse_exchange` then says what a packet
sniffer would see: over plain HTTP the request and the response (secret
included); over TLS the records (content type, version, length), the
handshake messages that are still in the clear (ClientHello with its SNI and
offered cipher suites, ServerHello, and in TLS 1.2 the Certificate message),
the point where encryption starts, and application data as opaque bytes.

The parser is written by hand because reading the record layer is what this
module teaches; tests cross-check what it finds against what Python's ssl
negotiated on the same connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from tlsexplorer.core.errors import InvalidInput

Direction = Literal["client", "server"]
"""Who sent a segment: ``client`` (to the server) or ``server`` (to the client)."""

#: Largest exchange the recorder keeps (the rest is forwarded, not kept).
MAX_RECORDED_BYTES = 4 * 1024 * 1024

CONTENT_TYPES: dict[int, str] = {
    20: "ChangeCipherSpec",
    21: "Alert",
    22: "Handshake",
    23: "ApplicationData",
    24: "Heartbeat",
}
"""TLS record content types (RFC 8446 section 5.1)."""

VERSIONS: dict[int, str] = {
    0x0300: "SSL 3.0",
    0x0301: "TLS 1.0",
    0x0302: "TLS 1.1",
    0x0303: "TLS 1.2",
    0x0304: "TLS 1.3",
}
"""Protocol version numbers as they appear on the wire."""

HANDSHAKE_TYPES: dict[int, str] = {
    0: "HelloRequest",
    1: "ClientHello",
    2: "ServerHello",
    4: "NewSessionTicket",
    5: "EndOfEarlyData",
    8: "EncryptedExtensions",
    11: "Certificate",
    12: "ServerKeyExchange",
    13: "CertificateRequest",
    14: "ServerHelloDone",
    15: "CertificateVerify",
    16: "ClientKeyExchange",
    20: "Finished",
    24: "KeyUpdate",
}
"""Handshake message types (RFC 8446 section 4, RFC 5246 section 7.4)."""

CIPHER_SUITES: dict[int, str] = {
    0x1301: "TLS_AES_128_GCM_SHA256",
    0x1302: "TLS_AES_256_GCM_SHA384",
    0x1303: "TLS_CHACHA20_POLY1305_SHA256",
    0x1304: "TLS_AES_128_CCM_SHA256",
    0x1305: "TLS_AES_128_CCM_8_SHA256",
    0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    0xC02C: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    0xCCAA: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    0x009E: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    0x009F: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    0xC009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    0xC00A: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    0xC014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    0xC023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    0xC024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    0xC027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    0xC028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256",
    0x009D: "TLS_RSA_WITH_AES_256_GCM_SHA384",
    0x002F: "TLS_RSA_WITH_AES_128_CBC_SHA",
    0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
    0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    0x000A: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    0xC012: "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    0x0004: "TLS_RSA_WITH_RC4_128_MD5",
    0x0005: "TLS_RSA_WITH_RC4_128_SHA",
    0xC011: "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    0xC007: "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    0x0003: "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    0x0008: "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
    0x0009: "TLS_RSA_WITH_DES_CBC_SHA",
    0x003C: "TLS_RSA_WITH_AES_128_CBC_SHA256",
    0x003D: "TLS_RSA_WITH_AES_256_CBC_SHA256",
    0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
    0x006B: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
    0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
    0x5600: "TLS_FALLBACK_SCSV",
}
"""IANA names of the cipher suites clients commonly offer."""

EXTENSIONS: dict[int, str] = {
    0: "server_name",
    5: "status_request",
    10: "supported_groups",
    11: "ec_point_formats",
    13: "signature_algorithms",
    16: "application_layer_protocol_negotiation",
    18: "signed_certificate_timestamp",
    21: "padding",
    22: "encrypt_then_mac",
    23: "extended_master_secret",
    35: "session_ticket",
    41: "pre_shared_key",
    42: "early_data",
    43: "supported_versions",
    44: "cookie",
    45: "psk_key_exchange_modes",
    49: "post_handshake_auth",
    50: "signature_algorithms_cert",
    51: "key_share",
    65281: "renegotiation_info",
}
"""TLS extension names."""

GROUPS: dict[int, str] = {
    0x0017: "secp256r1",
    0x0018: "secp384r1",
    0x0019: "secp521r1",
    0x001D: "x25519",
    0x001E: "x448",
    0x0100: "ffdhe2048",
    0x0101: "ffdhe3072",
    0x0102: "ffdhe4096",
    0x0103: "ffdhe6144",
    0x0104: "ffdhe8192",
    0x11EB: "SecP256r1MLKEM768",
    0x11EC: "X25519MLKEM768",
    0x11ED: "SecP384r1MLKEM1024",
}
"""Key-exchange groups (supported_groups / key_share)."""

ALERT_DESCRIPTIONS: dict[int, str] = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    40: "handshake_failure",
    42: "bad_certificate",
    43: "unsupported_certificate",
    44: "certificate_revoked",
    45: "certificate_expired",
    46: "certificate_unknown",
    47: "illegal_parameter",
    48: "unknown_ca",
    50: "decode_error",
    51: "decrypt_error",
    70: "protocol_version",
    80: "internal_error",
    90: "user_canceled",
    109: "missing_extension",
    112: "unrecognized_name",
    116: "certificate_required",
    120: "no_application_protocol",
}
"""Alert descriptions (readable only while alerts are in the clear)."""

SIGNATURE_SCHEMES: dict[int, str] = {
    0x0401: "rsa_pkcs1_sha256",
    0x0501: "rsa_pkcs1_sha384",
    0x0601: "rsa_pkcs1_sha512",
    0x0403: "ecdsa_secp256r1_sha256",
    0x0503: "ecdsa_secp384r1_sha384",
    0x0603: "ecdsa_secp521r1_sha512",
    0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384",
    0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519",
    0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256",
    0x080A: "rsa_pss_pss_sha384",
    0x080B: "rsa_pss_pss_sha512",
    0x0201: "rsa_pkcs1_sha1",
    0x0203: "ecdsa_sha1",
}
"""Signature schemes (signature_algorithms, CertificateVerify; RFC 8446 section 4.2.3)."""


def snake_name(camel: str) -> str:
    """The RFC 8446 spelling of a message name: ``EncryptedExtensions`` -> ``encrypted_extensions``."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(camel))


#: ServerHello.random of a HelloRetryRequest (RFC 8446 section 4.1.3).
HELLO_RETRY_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def is_grease(value: int) -> bool:
    """True for a GREASE value (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa."""
    return (value & 0x0F0F) == 0x0A0A and (value >> 8) == (value & 0xFF)


def cipher_suite_name(value: int) -> str:
    """The IANA name of a cipher suite, ``GREASE`` or ``0x....`` when unknown."""
    if is_grease(value):
        return f"GREASE (0x{value:04x})"
    return CIPHER_SUITES.get(value, f"0x{value:04x}")


def version_name(value: int) -> str:
    """``TLS 1.2`` for 0x0303, ``GREASE`` or the hex value otherwise."""
    if is_grease(value):
        return f"GREASE (0x{value:04x})"
    return VERSIONS.get(value, f"0x{value:04x}")


# ---------------------------------------------------------------------------
# Models


@dataclass(frozen=True)
class Segment:
    """One read from a socket as it crossed the recorder."""

    direction: Direction
    """Who sent it."""
    data: bytes
    """The bytes, exactly as read."""


@dataclass(frozen=True)
class Exchange:
    """The bytes of one connection, in the order they crossed."""

    segments: tuple[Segment, ...]
    """Every segment, both directions, in time order."""
    truncated: bool = False
    """True when more than :data:`MAX_RECORDED_BYTES` crossed (the rest was not kept)."""
    keylog: str = ""
    """The recording client's secrets in the NSS key log format ("" when none were logged)."""

    def data(self, direction: Direction) -> bytes:
        """Everything one side sent, joined."""
        return b"".join(s.data for s in self.segments if s.direction == direction)

    @property
    def client_bytes(self) -> bytes:
        """Everything the client sent."""
        return self.data("client")

    @property
    def server_bytes(self) -> bytes:
        """Everything the server sent."""
        return self.data("server")


@dataclass(frozen=True)
class ClientHello:
    """What a ClientHello says in the clear."""

    legacy_version: int
    """The version field (0x0303 even for TLS 1.3)."""
    random: bytes
    """32 random bytes."""
    session_id: bytes
    """Session id (random in TLS 1.3's middlebox compatibility mode)."""
    cipher_suites: tuple[int, ...]
    """Offered cipher suites, in the client's order of preference."""
    extensions: tuple[int, ...]
    """Extension types, in order."""
    sni: str | None
    """The server name (SNI) asked for, in the clear."""
    supported_versions: tuple[int, ...]
    """Versions from the supported_versions extension (TLS 1.3 clients)."""
    alpn: tuple[str, ...]
    """Application protocols offered (``h2``, ``http/1.1``)."""
    groups: tuple[int, ...]
    """Key-exchange groups offered."""

    @property
    def cipher_suite_names(self) -> tuple[str, ...]:
        """The offered suites by IANA name."""
        return tuple(cipher_suite_name(c) for c in self.cipher_suites)


@dataclass(frozen=True)
class ServerHello:
    """What a ServerHello says in the clear."""

    legacy_version: int
    """The version field (0x0303 even for TLS 1.3)."""
    random: bytes
    """32 random bytes (a fixed value marks a HelloRetryRequest)."""
    cipher_suite: int
    """The suite the server chose."""
    extensions: tuple[int, ...]
    """Extension types, in order."""
    selected_version: int | None
    """From supported_versions: 0x0304 means TLS 1.3."""
    alpn: str | None
    """The application protocol chosen (TLS 1.2 only: in 1.3 it is encrypted)."""
    group: int | None
    """The key-exchange group of the key_share (TLS 1.3)."""

    @property
    def version(self) -> int:
        """The negotiated version."""
        return self.selected_version or self.legacy_version

    @property
    def is_hello_retry(self) -> bool:
        """True when this is a HelloRetryRequest."""
        return self.random == HELLO_RETRY_RANDOM


@dataclass(frozen=True)
class HandshakeMessage:
    """One handshake message read in the clear."""

    type: int
    """Handshake type number."""
    name: str
    """Its name (``ClientHello``)."""
    length: int
    """Body length in bytes."""
    client_hello: ClientHello | None = None
    """Parsed body when it is a ClientHello."""
    server_hello: ServerHello | None = None
    """Parsed body when it is a ServerHello."""
    certificates: tuple[bytes, ...] = ()
    """DER certificates, in the order sent, when it is a TLS 1.2 Certificate."""


@dataclass(frozen=True)
class TlsRecord:
    """One TLS record as a sniffer sees it."""

    index: int
    """Position in the exchange (0 first)."""
    direction: Direction
    """Who sent it."""
    content_type: int
    """Content type byte (22 handshake, 23 application data...)."""
    version: int
    """The record-layer version field."""
    length: int
    """Fragment length in bytes."""
    fragment: bytes
    """The fragment, as sent."""
    encrypted: bool
    """True when the fragment is ciphertext."""
    messages: tuple[HandshakeMessage, ...] = ()
    """Handshake messages that end in this record (clear text only)."""
    note: str = ""
    """What a reader should know (``encrypted: in TLS 1.3 this hides ...``)."""

    @property
    def type_name(self) -> str:
        """The content type's name."""
        return CONTENT_TYPES.get(self.content_type, f"unknown ({self.content_type})")

    @property
    def version_name(self) -> str:
        """The record version's name."""
        return version_name(self.version)


@dataclass(frozen=True)
class HttpMessage:
    """A plain-text HTTP message as it crossed the wire."""

    direction: Direction
    """Request (client) or response (server)."""
    start_line: str
    """``GET / HTTP/1.1`` or ``HTTP/1.0 200 OK``."""
    headers: tuple[tuple[str, str], ...]
    """Header fields, in order."""
    body: bytes
    """The body bytes."""


@dataclass(frozen=True)
class WireAnalysis:
    """What a packet sniffer would make of an exchange."""

    kind: Literal["tls", "http", "other", "empty"]
    """TLS, plain HTTP, something else, or nothing at all."""
    records: tuple[TlsRecord, ...] = ()
    """TLS records in time order (TLS only)."""
    http: tuple[HttpMessage, ...] = ()
    """Request then response (plain HTTP only)."""
    version: int | None = None
    """The negotiated TLS version, from the ServerHello."""
    cipher_suite: int | None = None
    """The chosen cipher suite, from the ServerHello."""
    sni: str | None = None
    """The server name from the ClientHello."""
    encryption_note: str = ""
    """Where encryption starts and what it hides."""
    client_bytes: int = 0
    """Bytes the client sent."""
    server_bytes: int = 0
    """Bytes the server sent."""
    leftover: bytes = b""
    """Trailing bytes that were not a whole record (a cut-off exchange)."""
    certificates: tuple[bytes, ...] = field(default=())
    """DER certificates seen in a clear Certificate message (TLS 1.2)."""

    @property
    def client_hello(self) -> ClientHello | None:
        """The first ClientHello, if one was seen."""
        for record in self.records:
            for message in record.messages:
                if message.client_hello is not None:
                    return message.client_hello
        return None

    @property
    def server_hello(self) -> ServerHello | None:
        """The first ServerHello that is not a HelloRetryRequest, if seen."""
        for record in self.records:
            for message in record.messages:
                if message.server_hello is not None and not message.server_hello.is_hello_retry:
                    return message.server_hello
        return None

    @property
    def application_data_bytes(self) -> int:
        """Bytes carried in ApplicationData records (ciphertext)."""
        return sum(r.length for r in self.records if r.content_type == 23)


# ---------------------------------------------------------------------------
# Parsing


class _Reader:
    """A bounds-checked cursor over bytes; running off the end raises ValueError."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vector(self, length_bytes: int) -> bytes:
        return self.take(self.uint(length_bytes))

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos


def _extensions(reader: _Reader) -> list[tuple[int, bytes]]:
    if reader.remaining == 0:
        return []
    block = _Reader(reader.vector(2))
    found: list[tuple[int, bytes]] = []
    while block.remaining:
        kind = block.uint(2)
        found.append((kind, block.vector(2)))
    return found


def _uint16_list(data: bytes) -> tuple[int, ...]:
    return tuple(int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2))


def parse_client_hello(body: bytes) -> ClientHello:
    """Parse a ClientHello body (after the 4-byte handshake header).

    Raises:
        InvalidInput: the body is cut short or malformed.
    """
    try:
        r = _Reader(body)
        legacy_version = r.uint(2)
        random = r.take(32)
        session_id = r.vector(1)
        suites = _uint16_list(r.vector(2))
        r.vector(1)  # compression methods
        sni: str | None = None
        versions: tuple[int, ...] = ()
        alpn: tuple[str, ...] = ()
        groups: tuple[int, ...] = ()
        kinds: list[int] = []
        for kind, data in _extensions(r):
            kinds.append(kind)
            if kind == 0 and data:
                names = _Reader(_Reader(data).vector(2))
                while names.remaining:
                    name_type = names.uint(1)
                    name = names.vector(2)
                    if name_type == 0 and sni is None:
                        sni = name.decode("ascii", "replace")
            elif kind == 43 and data:
                versions = _uint16_list(_Reader(data).vector(1))
            elif kind == 16 and data:
                protos = _Reader(_Reader(data).vector(2))
                found: list[str] = []
                while protos.remaining:
                    found.append(protos.vector(1).decode("ascii", "replace"))
                alpn = tuple(found)
            elif kind == 10 and data:
                groups = _uint16_list(_Reader(data).vector(2))
    except ValueError:
        raise InvalidInput("the ClientHello is cut short or malformed") from None
    return ClientHello(
        legacy_version, random, session_id, suites, tuple(kinds), sni, versions, alpn, groups
    )


def parse_server_hello(body: bytes) -> ServerHello:
    """Parse a ServerHello body (after the 4-byte handshake header).

    Raises:
        InvalidInput: the body is cut short or malformed.
    """
    try:
        r = _Reader(body)
        legacy_version = r.uint(2)
        random = r.take(32)
        r.vector(1)  # session id echo
        suite = r.uint(2)
        r.uint(1)  # compression method
        selected: int | None = None
        alpn: str | None = None
        group: int | None = None
        kinds: list[int] = []
        for kind, data in _extensions(r):
            kinds.append(kind)
            if kind == 43 and len(data) >= 2:
                selected = int.from_bytes(data[:2], "big")
            elif kind == 16 and data:
                alpn = _Reader(_Reader(data).vector(2)).vector(1).decode("ascii", "replace")
            elif kind == 51 and len(data) >= 2:
                group = int.from_bytes(data[:2], "big")
    except ValueError:
        raise InvalidInput("the ServerHello is cut short or malformed") from None
    return ServerHello(legacy_version, random, suite, tuple(kinds), selected, alpn, group)


def parse_certificate_list(body: bytes) -> tuple[bytes, ...]:
    """The DER certificates of a TLS 1.2 Certificate message, in the order sent.

    Raises:
        InvalidInput: the body is cut short or malformed.
    """
    try:
        r = _Reader(_Reader(body).vector(3))
        certs: list[bytes] = []
        while r.remaining:
            certs.append(r.vector(3))
    except ValueError:
        raise InvalidInput("the Certificate message is cut short or malformed") from None
    return tuple(certs)


def iter_records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Yield (content type, version, fragment) of each whole record in ``data``."""
    pos = 0
    while pos + 5 <= len(data):
        length = int.from_bytes(data[pos + 3 : pos + 5], "big")
        if pos + 5 + length > len(data):
            return
        yield data[pos], int.from_bytes(data[pos + 1 : pos + 3], "big"), data[pos + 5 : pos + 5 + length]
        pos += 5 + length


def looks_like_tls(data: bytes) -> bool:
    """True when ``data`` starts like a TLS record (handshake or alert, version 3.x)."""
    return len(data) >= 3 and data[0] in (21, 22) and data[1] == 3 and data[2] <= 4


def _looks_like_http(data: bytes) -> bool:
    head = data[:16].upper()
    methods = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"PATCH ", b"HTTP/")
    return head.startswith(methods)


def parse_http(data: bytes, direction: Direction) -> HttpMessage | None:
    """Split a plain HTTP/1.x message into start line, headers and body."""
    if not data:
        return None
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    lines = head.decode("latin-1").splitlines()
    if not lines:
        return None
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name.strip(), value.strip()))
    return HttpMessage(direction, lines[0], tuple(headers), body)


class _TlsState:
    """Per-exchange parsing state: buffers, reassembly, where encryption starts."""

    def __init__(self) -> None:
        self.buffers: dict[Direction, bytes] = {"client": b"", "server": b""}
        self.handshake: dict[Direction, bytes] = {"client": b"", "server": b""}
        self.encrypted: dict[Direction, bool] = {"client": False, "server": False}
        self.tls13 = False
        self.records: list[TlsRecord] = []
        self.certificates: tuple[bytes, ...] = ()

    def feed(self, direction: Direction, data: bytes) -> None:
        buffer = self.buffers[direction] + data
        pos = 0
        for content_type, version, fragment in iter_records(buffer):
            pos += 5 + len(fragment)
            self._record(direction, content_type, version, fragment)
        self.buffers[direction] = buffer[pos:]

    def _record(self, direction: Direction, content_type: int, version: int, fragment: bytes) -> None:
        index = len(self.records)
        if content_type == 20:
            # ChangeCipherSpec: in TLS 1.2 what this side sends next is encrypted;
            # in TLS 1.3 it is a no-op kept for middleboxes.
            note = (
                "compatibility no-op (TLS 1.3)" if self.tls13
                else "from here on this side's records are encrypted"
            )
            self.records.append(TlsRecord(index, direction, 20, version, len(fragment), fragment, False,
                                          note=note))
            if not self.tls13:
                self.encrypted[direction] = True
            return
        if self.encrypted[direction] or content_type == 23:
            self.records.append(TlsRecord(index, direction, content_type, version, len(fragment), fragment,
                                          True, note=self._encrypted_note(direction, content_type)))
            return
        messages: list[HandshakeMessage] = []
        note = ""
        if content_type == 22:
            messages = self._handshake(direction, fragment)
        elif content_type == 21 and len(fragment) == 2:
            level = "fatal" if fragment[0] == 2 else "warning"
            note = f"{level} alert: {ALERT_DESCRIPTIONS.get(fragment[1], str(fragment[1]))}"
        self.records.append(TlsRecord(index, direction, content_type, version, len(fragment), fragment,
                                      False, tuple(messages), note))

    def _encrypted_seen(self, direction: Direction) -> int:
        return sum(1 for r in self.records if r.direction == direction and r.encrypted)

    def _encrypted_note(self, direction: Direction, content_type: int) -> str:
        """Name what an encrypted record most likely holds, from its place in the exchange."""
        client_done = self._encrypted_seen("client") > 0
        if self.tls13:
            if direction == "server" and not client_done:
                # The flight is EncryptedExtensions, Certificate, CertificateVerify, Finished; how it is
                # cut into records is the server's choice, so the first record does not hold it all.
                if self._encrypted_seen("server") == 0:
                    return ("encrypted handshake begins: EncryptedExtensions, then Certificate, "
                            "CertificateVerify, Finished here or in the next records")
                return "encrypted handshake (the same flight, continued)"
            if direction == "client" and not client_done:
                return "encrypted handshake: the client's Finished"
            if direction == "client":
                return "opaque: the HTTP request (or close_notify)"
            return "opaque: a session ticket or the HTTP response"
        if content_type == 22 and self._encrypted_seen(direction) == 0:
            return "encrypted handshake: Finished"
        if content_type == 21:
            return "encrypted alert (close_notify, most likely)"
        if direction == "client":
            return "opaque: the HTTP request"
        return "opaque: the HTTP response"

    def _handshake(self, direction: Direction, fragment: bytes) -> list[HandshakeMessage]:
        buffer = self.handshake[direction] + fragment
        messages: list[HandshakeMessage] = []
        pos = 0
        while pos + 4 <= len(buffer):
            kind = buffer[pos]
            length = int.from_bytes(buffer[pos + 1 : pos + 4], "big")
            if pos + 4 + length > len(buffer):
                break
            body = buffer[pos + 4 : pos + 4 + length]
            pos += 4 + length
            messages.append(self._message(kind, length, body))
        self.handshake[direction] = buffer[pos:]
        return messages

    def _message(self, kind: int, length: int, body: bytes) -> HandshakeMessage:
        name = HANDSHAKE_TYPES.get(kind, f"type {kind}")
        try:
            if kind == 1:
                return HandshakeMessage(kind, name, length, client_hello=parse_client_hello(body))
            if kind == 2:
                hello = parse_server_hello(body)
                if hello.is_hello_retry:
                    return HandshakeMessage(kind, "HelloRetryRequest", length, server_hello=hello)
                if hello.version == 0x0304:
                    # Everything after the ServerHello is encrypted, both ways.
                    self.tls13 = True
                    self.encrypted = {"client": True, "server": True}
                return HandshakeMessage(kind, name, length, server_hello=hello)
            if kind == 11 and not self.tls13:
                certs = parse_certificate_list(body)
                if not self.certificates:
                    self.certificates = certs
                return HandshakeMessage(kind, name, length, certificates=certs)
        except InvalidInput:
            return HandshakeMessage(kind, f"{name} (malformed)", length)
        return HandshakeMessage(kind, name, length)


def analyse_exchange(exchange: Exchange) -> WireAnalysis:
    """Say what a packet sniffer would make of ``exchange``."""
    client = exchange.client_bytes
    server = exchange.server_bytes
    n_client, n_server = len(client), len(server)
    if not client and not server:
        return WireAnalysis("empty")
    if looks_like_tls(client):
        state = _TlsState()
        for segment in exchange.segments:
            state.feed(segment.direction, segment.data)
        records = tuple(state.records)
        probe = WireAnalysis("tls", records)
        hello, ch = probe.server_hello, probe.client_hello
        if hello is not None and hello.version == 0x0304:
            note = ("TLS 1.3: everything after the ServerHello is encrypted, the server's "
                    "certificates included; a sniffer sees the SNI, the offered and chosen "
                    "cipher suites, then only record lengths.")
        elif hello is not None:
            note = (f"{version_name(hello.version)}: the handshake, the server's certificates included, "
                    "is readable until each side's ChangeCipherSpec; after it only record lengths.")
        else:
            note = "no ServerHello was seen: the handshake did not get that far."
        return WireAnalysis(
            "tls", records,
            version=hello.version if hello else None,
            cipher_suite=hello.cipher_suite if hello else None,
            sni=ch.sni if ch else None,
            encryption_note=note, client_bytes=n_client, server_bytes=n_server,
            leftover=state.buffers["client"] + state.buffers["server"], certificates=state.certificates,
        )
    if _looks_like_http(client):
        messages = [m for m in (parse_http(client, "client"), parse_http(server, "server")) if m]
        return WireAnalysis("http", http=tuple(messages),
                            encryption_note="plain HTTP: nothing is encrypted; anyone on the path "
                            "reads the request and the response, secret included.",
                            client_bytes=n_client, server_bytes=n_server)
    return WireAnalysis("other", encryption_note="neither TLS nor HTTP", client_bytes=n_client,
                        server_bytes=n_server)


__all__ = [
    "ALERT_DESCRIPTIONS",
    "CIPHER_SUITES",
    "CONTENT_TYPES",
    "EXTENSIONS",
    "GROUPS",
    "HANDSHAKE_TYPES",
    "MAX_RECORDED_BYTES",
    "SIGNATURE_SCHEMES",
    "VERSIONS",
    "ClientHello",
    "Direction",
    "Exchange",
    "HandshakeMessage",
    "HttpMessage",
    "Segment",
    "ServerHello",
    "TlsRecord",
    "WireAnalysis",
    "analyse_exchange",
    "cipher_suite_name",
    "is_grease",
    "iter_records",
    "looks_like_tls",
    "parse_certificate_list",
    "parse_client_hello",
    "parse_http",
    "parse_server_hello",
    "snake_name",
    "version_name",
]
