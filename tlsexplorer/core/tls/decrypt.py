"""A TLS connection decrypted with its key log: every record opened, named, and tied to its key.

Input is the records each side sent, in the order they crossed (or each
side's bytes alone), and an NSS key log (:mod:`.keylog`). The ClientHello's
random picks the connection's lines in the key log; the ServerHello gives
the version and the cipher suite. Then each direction is read on its own,
as the peer reads it:

- TLS 1.3 (RFC 8446): records of type application_data are encrypted; the
  first uses the handshake traffic secret, sequence number 0; after this
  side's Finished the application traffic secret takes over (sequence 0
  again), and after each KeyUpdate the next generation of it
  (``traffic upd``). ChangeCipherSpec is a no-op and is skipped. The real
  content type is the last non-zero byte of the plaintext; handshake
  messages are reassembled across records.
- TLS 1.2 (RFC 5246): a side's records are encrypted from its
  ChangeCipherSpec on, with its half of the key block that the PRF derives
  from the master secret (the key log's ``CLIENT_RANDOM`` line), sequence
  numbers starting at 0; AES-GCM, ChaCha20-Poly1305, AES-CBC + HMAC
  (encrypt-then-MAC when the ServerHello says so).

Nothing here knows where the bytes came from: the lab's recorder, a capture
file (:mod:`.capture`) or a hand-made client all give the same records.
:class:`ConnectionDecryptor` is the one decryptor; :func:`decrypt_exchange`
and :func:`decrypt_streams` feed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.keylog import KeyLog, parse_keylog
from tlsexplorer.core.tls.keyschedule import (
    Derivation,
    hash_length,
    next_traffic_secret,
    tls12_key_block,
    traffic_keys,
)
from tlsexplorer.core.tls.protection import RecordError, Suite, open_tls12, open_tls13, suite
from tlsexplorer.core.tls.records import (
    ALERT_DESCRIPTIONS,
    EXTENSIONS,
    GROUPS,
    HANDSHAKE_TYPES,
    SIGNATURE_SCHEMES,
    ClientHello,
    Direction,
    Exchange,
    HttpMessage,
    ServerHello,
    cipher_suite_name,
    parse_certificate_list,
    parse_client_hello,
    parse_http,
    parse_server_hello,
    snake_name,
    version_name,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTENT_TYPE_NAMES: dict[int, str] = {
    20: "change_cipher_spec",
    21: "alert",
    22: "handshake",
    23: "application_data",
    24: "heartbeat",
}
"""Content types as RFC 8446 spells them (the JSON's ``content_type``)."""

#: The key log label of each TLS 1.3 traffic secret, by key name.
TLS13_LABELS: dict[str, str] = {
    "client_handshake": "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "server_handshake": "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "client_application": "CLIENT_TRAFFIC_SECRET_0",
    "server_application": "SERVER_TRAFFIC_SECRET_0",
}


@dataclass(frozen=True)
class WireRecord:
    """One TLS record as it crossed: who sent it, its header fields and its fragment."""

    direction: Direction
    """Who sent it."""
    content_type: int
    """The content type byte of the header (23 for every TLS 1.3 encrypted record)."""
    version: int
    """The header's version field."""
    fragment: bytes
    """The fragment, as sent."""

    @property
    def header(self) -> bytes:
        """The 5-byte record header (the additional data of TLS 1.3's AEAD)."""
        return bytes([self.content_type]) + self.version.to_bytes(2, "big") + len(self.fragment).to_bytes(
            2, "big"
        )


@dataclass(frozen=True)
class TrafficKey:
    """A record key, the secret it came from and how."""

    name: str
    """``client_handshake``, ``server_application``, ``server_application_1`` (after a KeyUpdate),
    ``client_write`` (TLS 1.2)..."""
    label: str
    """Where the secret came from: the key log label, or ``traffic upd`` for a KeyUpdate."""
    secret: bytes
    """The traffic secret (TLS 1.3) or the master secret (TLS 1.2)."""
    key: bytes
    """The record encryption key."""
    iv: bytes
    """The static IV (TLS 1.3, ChaCha20) or implicit nonce part (AES-GCM); empty for CBC."""
    mac_key: bytes = b""
    """The record MAC key (TLS 1.2 CBC suites)."""
    steps: tuple[Derivation, ...] = ()
    """The derivations, label by label."""


@dataclass(frozen=True)
class Message:
    """A handshake message, read from the clear or from a decrypted record."""

    type: int
    """Handshake type number."""
    name: str
    """RFC 8446's name: ``encrypted_extensions``, ``certificate``, ``hello_retry_request``..."""
    length: int
    """Body length in bytes."""
    body: bytes
    """The body (after the 4-byte header)."""
    detail: str = ""
    """What it says, in a few words (the signature scheme, a ticket's lifetime...)."""
    certificates: tuple[bytes, ...] = ()
    """DER certificates of a Certificate message, leaf first."""
    signature_scheme: int | None = None
    """The CertificateVerify's (or ServerKeyExchange's) signature scheme."""


@dataclass(frozen=True)
class OpenedRecord:
    """One record, opened with its key when it was encrypted and the keys were there."""

    index: int
    """Position in the connection (0 first, both directions counted)."""
    direction: Direction
    """Who sent it."""
    outer_type: int
    """The content type in the header."""
    version: int
    """The header's version field."""
    fragment: bytes
    """The fragment as sent (ciphertext when encrypted)."""
    encrypted: bool
    """True when the fragment is ciphertext."""
    decrypted: bool = False
    """True when it was opened (its tag or MAC checked)."""
    content_type: int = 0
    """The real content type: inside the encryption in TLS 1.3."""
    key: str | None = None
    """The key that opened it (``server_handshake``...); None in the clear or when not opened."""
    sequence: int | None = None
    """Its sequence number under that key."""
    nonce: bytes | None = None
    """The AEAD nonce (or the CBC IV) it was opened with."""
    plaintext: bytes = b""
    """The content: the fragment itself in the clear, the decrypted content (padding removed)."""
    padding: int = 0
    """Padding bytes removed."""
    messages: tuple[Message, ...] = ()
    """Handshake messages that end in this record."""
    alert: tuple[int, int] | None = None
    """(level, description) of an alert record."""
    note: str = ""
    """What a reader should know about it."""

    @property
    def length(self) -> int:
        """Fragment length on the wire."""
        return len(self.fragment)

    @property
    def type_name(self) -> str:
        """The (real) content type as RFC 8446 spells it."""
        return CONTENT_TYPE_NAMES.get(self.content_type, f"unknown_{self.content_type}")

    @property
    def alert_name(self) -> str | None:
        """``fatal alert: bad_certificate``, ``warning alert: close_notify``, or None."""
        if self.alert is None:
            return None
        level = {1: "warning", 2: "fatal"}.get(self.alert[0], f"level {self.alert[0]}")
        return f"{level} alert: {ALERT_DESCRIPTIONS.get(self.alert[1], str(self.alert[1]))}"

    @property
    def readable(self) -> bool:
        """True when the content is open to read (clear text or decrypted)."""
        return self.decrypted or not self.encrypted

    @property
    def text(self) -> str | None:
        """Application data as text when it is readable UTF-8, else None."""
        if self.content_type != 23 or not self.readable or not self.plaintext:
            return None
        try:
            text = self.plaintext.decode("utf-8")
        except UnicodeDecodeError:
            return None
        odd = len(_CONTROL.findall(text))
        return text if odd <= len(text) // 20 else None


@dataclass(frozen=True)
class DecryptedConnection:
    """A TLS connection read with its key log."""

    records: tuple[OpenedRecord, ...]
    """Every record, in order."""
    client_hello: ClientHello | None = None
    """The (first) ClientHello."""
    server_hello: ServerHello | None = None
    """The ServerHello (not a HelloRetryRequest)."""
    hello_retry: bool = False
    """True when the server sent a HelloRetryRequest."""
    keys: tuple[TrafficKey, ...] = ()
    """The key schedule: each traffic secret from the key log and the key and IV derived from it."""
    keys_found: bool = False
    """True when the key log had this connection's secrets."""
    problems: tuple[str, ...] = ()
    """What stopped decryption, each said once (a missing key log line, wrong secrets...)."""
    notes: tuple[str, ...] = ()
    """What a reader should know (RSA key exchange...)."""
    leftover: int = 0
    """Bytes at the end that were not a whole record (a cut-off stream)."""

    @property
    def client_random(self) -> bytes | None:
        """The ClientHello's random, which ties the connection to its key log lines."""
        return self.client_hello.random if self.client_hello else None

    @property
    def version(self) -> int | None:
        """The negotiated version (0x0304 for TLS 1.3)."""
        return self.server_hello.version if self.server_hello else None

    @property
    def cipher_suite(self) -> int | None:
        """The chosen cipher suite."""
        return self.server_hello.cipher_suite if self.server_hello else None

    @property
    def encrypted_records(self) -> int:
        """How many records were ciphertext."""
        return sum(1 for r in self.records if r.encrypted)

    @property
    def decrypted_records(self) -> int:
        """How many of them were opened."""
        return sum(1 for r in self.records if r.decrypted)

    @property
    def fully_decrypted(self) -> bool:
        """True when every encrypted record was opened."""
        return self.decrypted_records == self.encrypted_records

    def application_data(self, direction: Direction) -> bytes:
        """The decrypted application data one side sent, joined."""
        return b"".join(
            r.plaintext for r in self.records
            if r.direction == direction and r.content_type == 23 and r.readable
        )

    @property
    def http(self) -> tuple[HttpMessage, ...]:
        """The HTTP request and response read from the decrypted application data."""
        found = (parse_http(self.application_data(d), d) for d in ("client", "server"))
        return tuple(m for m in found if m is not None)

    @property
    def certificates(self) -> tuple[bytes, ...]:
        """The server's certificates (DER, leaf first), from its Certificate message."""
        for record in self.records:
            if record.direction == "server":
                for message in record.messages:
                    if message.certificates:
                        return message.certificates
        return ()


# ---------------------------------------------------------------------------
# Records from bytes


class RecordSplitter:
    """Cuts each direction's bytes into records as they arrive, in arrival order."""

    def __init__(self) -> None:
        self.records: list[WireRecord] = []
        """Whole records so far, both directions, in the order they completed."""
        self._buffers: dict[Direction, bytearray] = {"client": bytearray(), "server": bytearray()}

    def feed(self, direction: Direction, data: bytes) -> None:
        """Add bytes one side sent."""
        buffer = self._buffers[direction]
        buffer += data
        pos = 0
        while pos + 5 <= len(buffer):
            length = int.from_bytes(buffer[pos + 3 : pos + 5], "big")
            if pos + 5 + length > len(buffer):
                break
            version = int.from_bytes(buffer[pos + 1 : pos + 3], "big")
            fragment = bytes(buffer[pos + 5 : pos + 5 + length])
            self.records.append(WireRecord(direction, buffer[pos], version, fragment))
            pos += 5 + length
        del buffer[:pos]

    @property
    def leftover(self) -> int:
        """Bytes waiting for the rest of their record."""
        return sum(len(b) for b in self._buffers.values())


# ---------------------------------------------------------------------------
# Handshake messages


def _u16_name(table: Mapping[int, str], value: int) -> str:
    return table.get(value, f"0x{value:04x}")


def _extension_list(data: bytes) -> list[int]:
    if len(data) < 2:
        return []
    block = data[2 : 2 + int.from_bytes(data[:2], "big")]
    kinds: list[int] = []
    pos = 0
    while pos + 4 <= len(block):
        kinds.append(int.from_bytes(block[pos : pos + 2], "big"))
        pos += 4 + int.from_bytes(block[pos + 2 : pos + 4], "big")
    return kinds


def _certificates_13(body: bytes) -> tuple[bytes, ...]:
    """The certificate_list of a TLS 1.3 Certificate (request context, then entries with extensions)."""
    context_length = body[0]
    pos = 1 + context_length
    total = int.from_bytes(body[pos : pos + 3], "big")
    pos += 3
    end = pos + total
    if end > len(body):
        raise ValueError("cut short")
    certs: list[bytes] = []
    while pos < end:
        length = int.from_bytes(body[pos : pos + 3], "big")
        certs.append(body[pos + 3 : pos + 3 + length])
        pos += 3 + length
        pos += 2 + int.from_bytes(body[pos : pos + 2], "big")
    if pos != end:
        raise ValueError("malformed")
    return tuple(certs)


def read_message(kind: int, body: bytes, *, tls13: bool, rsa_key_exchange: bool = False) -> Message:
    """Name a handshake message and say what it holds."""
    camel = HANDSHAKE_TYPES.get(kind, "")
    name = snake_name(camel) if camel else f"handshake_type_{kind}"
    detail = ""
    certs: tuple[bytes, ...] = ()
    scheme: int | None = None
    try:
        if kind == 1:
            hello = parse_client_hello(body)
            detail = f"SNI {hello.sni or '-'}, {len(hello.cipher_suites)} cipher suites offered"
        elif kind == 2:
            server = parse_server_hello(body)
            if server.is_hello_retry:
                name = "hello_retry_request"
                group = GROUPS.get(server.group or 0, "")
                detail = f"try again with a key share for {group}" if group else "try again"
            else:
                detail = f"{version_name(server.version)}, {cipher_suite_name(server.cipher_suite)}"
        elif kind == 4:
            lifetime = int.from_bytes(body[:4], "big")
            if tls13:
                nonce_length = body[8]
                ticket_length = int.from_bytes(body[9 + nonce_length : 11 + nonce_length], "big")
            else:
                ticket_length = int.from_bytes(body[4:6], "big")
            detail = f"a session ticket of {ticket_length} bytes, valid {lifetime} s"
        elif kind == 8:
            kinds = _extension_list(body)
            detail = ", ".join(EXTENSIONS.get(k, str(k)) for k in kinds) or "no extensions"
        elif kind == 11:
            certs = _certificates_13(body) if tls13 else parse_certificate_list(body)
            detail = f"{len(certs)} certificate{'s' if len(certs) != 1 else ''}"
        elif kind == 15:
            scheme = int.from_bytes(body[:2], "big")
            signature = int.from_bytes(body[2:4], "big")
            detail = f"{_u16_name(SIGNATURE_SCHEMES, scheme)}, a {signature}-byte signature"
        elif kind == 20:
            detail = f"verify_data {body.hex()[:16]}… ({len(body)} bytes)"
        elif kind == 24:
            detail = "update_requested" if body[:1] == b"\x01" else "update_not_requested"
        elif kind == 12 and body[:1] == b"\x03":
            curve = _u16_name(GROUPS, int.from_bytes(body[1:3], "big"))
            point = body[3]
            scheme = int.from_bytes(body[4 + point : 6 + point], "big")
            detail = f"ECDHE on {curve}, signed with {_u16_name(SIGNATURE_SCHEMES, scheme)}"
        elif kind == 16:
            detail = ("the pre-master secret, encrypted to the server's RSA key" if rsa_key_exchange
                      else "the client's key share")
    except (IndexError, ValueError, InvalidInput):
        detail = "malformed"
    return Message(kind, name, len(body), body, detail, certs, scheme)


# ---------------------------------------------------------------------------
# The decryptor


@dataclass
class _Side:
    """One direction's reading state."""

    direction: Direction
    key: TrafficKey | None = None
    sequence: int = 0
    phase: str = "clear"  # clear -> handshake -> application (TLS 1.3); clear -> encrypted (TLS 1.2)
    generation: int = 0
    handshake: bytearray = field(default_factory=bytearray)
    switch_after: str | None = None


def _hellos(records: Iterable[WireRecord]) -> tuple[ClientHello | None, ServerHello | None, bool]:
    """The first ClientHello, the ServerHello (after any HelloRetryRequest), from the clear records."""
    buffers: dict[Direction, bytearray] = {"client": bytearray(), "server": bytearray()}
    client: ClientHello | None = None
    server: ServerHello | None = None
    retry = False
    done: set[Direction] = set()
    for record in records:
        if record.direction in done or record.content_type == 20:
            continue
        if record.content_type != 22:
            done.add(record.direction)
            continue
        buffer = buffers[record.direction]
        buffer += record.fragment
        while len(buffer) >= 4:
            length = int.from_bytes(buffer[1:4], "big")
            if len(buffer) < 4 + length:
                break
            kind, body = buffer[0], bytes(buffer[4 : 4 + length])
            del buffer[: 4 + length]
            try:
                if kind == 1 and client is None:
                    client = parse_client_hello(body)
                    done.add("client")
                elif kind == 2 and record.direction == "server":
                    hello = parse_server_hello(body)
                    if hello.is_hello_retry:
                        retry = True
                    else:
                        server = hello
                        done.add("server")
            except InvalidInput:
                done.add(record.direction)
            if record.direction in done:
                break
        if len(done) == 2 or len(buffers[record.direction]) > 1 << 17:
            done.add(record.direction)
            if len(done) == 2:
                break
    return client, server, retry


class ConnectionDecryptor:
    """Opens the records of one TLS connection with the secrets of a key log.

    Give it the records in the order they crossed (:meth:`records`), or use
    :func:`decrypt_exchange` / :func:`decrypt_streams`. Each direction is read on
    its own, so the order between the two sides only matters for display.
    """

    def __init__(self, keylog: KeyLog) -> None:
        self.keylog = keylog
        """Where the secrets come from."""

    def decrypt(self, records: Iterable[WireRecord], leftover: int = 0) -> DecryptedConnection:
        """Every record, opened where the key log allows, with the key schedule and problems."""
        wire = list(records)
        client_hello, server_hello, retry = _hellos(wire)
        problems: dict[str, None] = {}
        notes: list[str] = []
        spec: Suite | None = None
        secrets: Mapping[str, bytes] = {}
        if client_hello is not None:
            secrets = self.keylog.for_connection(client_hello.random)
        tls13 = server_hello is not None and server_hello.version == 0x0304
        if server_hello is not None:
            try:
                spec = suite(server_hello.cipher_suite)
            except InvalidInput as exc:
                problems[str(exc)] = None
            if server_hello.version < 0x0302 and spec is not None and spec.bulk == "aes_cbc":
                problems[f"{version_name(server_hello.version)} CBC records chain their IVs; "
                         "tlsexplorer decrypts TLS 1.1 and later"] = None
                spec = None
        if spec is not None and not spec.tls13 and not spec.forward_secret:
            notes.append(
                f"{spec.name}: RSA key exchange, no forward secrecy. The client encrypted the pre-master "
                "secret to the server's certificate key, so whoever has that key can open this recording, "
                "even years later. The key log's CLIENT_RANDOM line (the master secret) opens it here "
                "without that key" + ("." if "CLIENT_RANDOM" in secrets
                                      else "; without the line only the server's private key could, and "
                                      "tlsexplorer does not decrypt with private keys.")
            )
        keys = self._schedule(spec, client_hello, server_hello, secrets, problems)
        keys_found = bool(keys)
        if client_hello is not None and spec is not None and not secrets:
            others = len(self.keylog)
            problems[
                "the key log has no line for this connection's client random "
                f"{client_hello.random.hex()[:16]}… "
                + (f"(it holds the secrets of {others} other connection{'s' if others != 1 else ''})"
                   if others else "(it holds no secrets)")
            ] = None
        etm = bool(server_hello and 22 in server_hello.extensions)
        sides = {"client": _Side("client"), "server": _Side("server")}
        failures = {"client": 0, "server": 0}
        opened: list[OpenedRecord] = []
        key_index = {k.name: k for k in keys}
        for index, record in enumerate(wire):
            side = sides[record.direction]
            result = self._record(index, record, side, spec, tls13, etm, key_index, keys, problems, failures)
            opened.append(result)
        for direction, count in failures.items():
            if not count:
                continue
            good = sum(1 for r in opened if r.direction == direction and r.decrypted)
            who = "client" if direction == "client" else "server"
            if good == 0:
                problems[
                    f"the key log's secrets do not open the {who}'s records: all {count} failed their "
                    "authentication tag (secrets from another connection or edited)"
                ] = None
            else:
                problems[f"{count} of the {who}'s records failed their authentication tag"] = None
        return DecryptedConnection(
            tuple(opened), client_hello, server_hello, retry, tuple(key_index.values()), keys_found,
            tuple(problems), tuple(notes), leftover,
        )

    # -- keys --------------------------------------------------------------------------------------

    @staticmethod
    def _schedule(
        spec: Suite | None,
        client_hello: ClientHello | None,
        server_hello: ServerHello | None,
        secrets: Mapping[str, bytes],
        problems: dict[str, None],
    ) -> list[TrafficKey]:
        if spec is None or client_hello is None or server_hello is None or not secrets:
            return []
        keys: list[TrafficKey] = []
        if spec.tls13:
            for name, label in TLS13_LABELS.items():
                secret = secrets.get(label)
                if secret is None:
                    continue
                if len(secret) != hash_length(spec.hash_name):
                    problems[f"the key log's {label} is {len(secret)} bytes; {spec.name} needs "
                             f"{hash_length(spec.hash_name)}"] = None
                    continue
                derived = traffic_keys(spec.hash_name, secret, spec.key_length, name)
                keys.append(TrafficKey(name, label, secret, derived.key, derived.iv, steps=derived.steps))
            return keys
        master = secrets.get("CLIENT_RANDOM")
        if master is None:
            return []
        iv_length = spec.iv_length if spec.bulk != "aes_cbc" else 0
        block = tls12_key_block(spec.hash_name, master, client_hello.random, server_hello.random,
                                spec.mac_length, spec.key_length, iv_length)
        for who, key, iv, mac in (
            ("client", block.client_key, block.client_iv, block.client_mac_key),
            ("server", block.server_key, block.server_iv, block.server_mac_key),
        ):
            keys.append(TrafficKey(f"{who}_write", "CLIENT_RANDOM", master, key, iv, mac, (block.step,)))
        return keys

    # -- one record --------------------------------------------------------------------------------

    def _record(
        self,
        index: int,
        record: WireRecord,
        side: _Side,
        spec: Suite | None,
        tls13: bool,
        etm: bool,
        key_index: dict[str, TrafficKey],
        keys: list[TrafficKey],
        problems: dict[str, None],
        failures: dict[str, int],
    ) -> OpenedRecord:
        base = OpenedRecord(index, record.direction, record.content_type, record.version, record.fragment,
                            encrypted=False, content_type=record.content_type, plaintext=record.fragment)
        who = record.direction
        if record.content_type == 20:
            if tls13:
                return _replace(base, note="TLS 1.3 middlebox no-op: skipped (no key, no sequence number)")
            side.phase = "encrypted"
            side.sequence = 0
            side.key = key_index.get(f"{who}_write")
            return _replace(base, note=f"ChangeCipherSpec: from here on the {who}'s records are encrypted")
        encrypted = (tls13 and record.content_type == 23) or (not tls13 and side.phase == "encrypted")
        if not encrypted:
            return self._clear(base, side, tls13, spec)
        if tls13 and side.phase == "clear":
            side.phase = "handshake"
            side.key = key_index.get(f"{who}_handshake")
            side.sequence = 0
        sequence = side.sequence
        side.sequence += 1
        result = _replace(base, encrypted=True, plaintext=b"", sequence=sequence)
        if spec is None:
            return result
        if side.key is None:
            label = (TLS13_LABELS.get(f"{who}_{side.phase}", "") if tls13 else "CLIENT_RANDOM")
            if label and key_index:
                problems[f"the key log has no {label} line for this connection"] = None
            return _replace(result, note="not decrypted: no key")
        opened = self._open(spec, tls13, etm, side.key, sequence, record)
        if opened is None and tls13 and side.phase == "handshake":
            # A missed Finished: the application key may be the one.
            application = key_index.get(f"{who}_application")
            if application is not None:
                opened = self._open(spec, tls13, etm, application, 0, record)
                if opened is not None:
                    side.phase, side.key, side.sequence, sequence = "application", application, 1, 0
        if opened is None:
            failures[who] += 1
            return _replace(result, note="not decrypted: the authentication tag does not match the key")
        content_type, plaintext, nonce, padding = opened
        result = _replace(result, decrypted=True, content_type=content_type, plaintext=plaintext,
                          key=side.key.name, sequence=sequence, nonce=nonce, padding=padding)
        if content_type == 22:
            messages = self._messages(side, plaintext, tls13, spec)
            result = _replace(result, messages=messages)
            if tls13:
                self._key_changes(side, messages, spec, key_index, keys)
        elif content_type == 21 and len(plaintext) >= 2:
            result = _replace(result, alert=(plaintext[0], plaintext[1]))
        return result

    @staticmethod
    def _open(
        spec: Suite, tls13: bool, etm: bool, key: TrafficKey, sequence: int, record: WireRecord
    ) -> tuple[int, bytes, bytes, int] | None:
        try:
            if tls13:
                opened = open_tls13(spec.bulk, key.key, key.iv, sequence, record.header, record.fragment)
            else:
                opened = open_tls12(spec, key.key, key.iv, key.mac_key, sequence, record.header,
                                    record.fragment, encrypt_then_mac=etm)
        except RecordError:
            return None
        return opened.content_type, opened.plaintext, opened.nonce, opened.padding

    def _clear(self, base: OpenedRecord, side: _Side, tls13: bool, spec: Suite | None) -> OpenedRecord:
        if base.outer_type == 22:
            return _replace(base, messages=self._messages(side, base.fragment, tls13, spec))
        if base.outer_type == 21 and len(base.fragment) >= 2:
            return _replace(base, alert=(base.fragment[0], base.fragment[1]))
        if base.outer_type == 23:
            return _replace(base, encrypted=True, plaintext=b"", note="application data before any key")
        return base

    @staticmethod
    def _messages(side: _Side, data: bytes, tls13: bool, spec: Suite | None) -> tuple[Message, ...]:
        buffer = side.handshake
        buffer += data
        messages: list[Message] = []
        rsa = spec is not None and spec.key_exchange == "RSA"
        while len(buffer) >= 4:
            length = int.from_bytes(buffer[1:4], "big")
            if len(buffer) < 4 + length:
                break
            kind, body = buffer[0], bytes(buffer[4 : 4 + length])
            del buffer[: 4 + length]
            messages.append(read_message(kind, body, tls13=tls13, rsa_key_exchange=rsa))
        return tuple(messages)

    @staticmethod
    def _key_changes(
        side: _Side, messages: tuple[Message, ...], spec: Suite | None,
        key_index: dict[str, TrafficKey], keys: list[TrafficKey],
    ) -> None:
        assert spec is not None
        who = side.direction
        for message in messages:
            if message.type == 20 and side.phase == "handshake":
                side.phase, side.sequence = "application", 0
                side.key = key_index.get(f"{who}_application")
            elif message.type == 24 and side.phase == "application" and side.key is not None:
                side.generation += 1
                name = f"{who}_application_{side.generation}"
                secret = next_traffic_secret(spec.hash_name, side.key.secret)
                derived = traffic_keys(spec.hash_name, secret, spec.key_length, name)
                update = Derivation(f"{name}_secret", "HKDF-Expand-Label", side.key.secret, "traffic upd",
                                    b"", secret)
                new = TrafficKey(name, "traffic upd", secret, derived.key, derived.iv,
                                 steps=(update, *derived.steps))
                key_index[name] = new
                keys.append(new)
                side.key, side.sequence = new, 0


def _replace(record: OpenedRecord, **changes: Any) -> OpenedRecord:
    return replace(record, **changes)


# ---------------------------------------------------------------------------
# Entry points


def decrypt_exchange(exchange: Exchange, keylog: KeyLog | None = None) -> DecryptedConnection:
    """Decrypt a recorded exchange with ``keylog`` (by default the one the recording client wrote)."""
    splitter = RecordSplitter()
    for segment in exchange.segments:
        splitter.feed(segment.direction, segment.data)
    log = keylog if keylog is not None else parse_keylog(exchange.keylog)
    return ConnectionDecryptor(log).decrypt(splitter.records, splitter.leftover)


def decrypt_streams(client: bytes, server: bytes, keylog: KeyLog) -> DecryptedConnection:
    """Decrypt a connection given each side's bytes alone (client records listed first)."""
    splitter = RecordSplitter()
    splitter.feed("client", client)
    splitter.feed("server", server)
    return ConnectionDecryptor(keylog).decrypt(splitter.records, splitter.leftover)


def connection_json(connection: DecryptedConnection) -> dict[str, object]:
    """The JSON of one connection (``tls wire --json``, ``tls decrypt --json``); byte strings are
    ``bytes``, which the CLI's JSON writer turns into lowercase hex."""
    return {
        "client_random": connection.client_random.hex() if connection.client_random else None,
        "tls_version": version_name(connection.version) if connection.version else None,
        "cipher": cipher_suite_name(connection.cipher_suite) if connection.cipher_suite is not None else None,
        "sni": connection.client_hello.sni if connection.client_hello else None,
        "keys_found": connection.keys_found,
        "fully_decrypted": connection.fully_decrypted,
        "hello_retry_request": connection.hello_retry,
        "problems": list(connection.problems),
        "notes": list(connection.notes),
        "keys": [
            {"name": k.name, "label": k.label, "secret": k.secret.hex(), "key": k.key.hex(), "iv": k.iv.hex(),
             **({"mac_key": k.mac_key.hex()} if k.mac_key else {})}
            for k in connection.keys
        ],
        "records": [
            {
                "direction": "c2s" if r.direction == "client" else "s2c",
                "content_type": r.type_name,
                "length": r.length,
                "encrypted": r.encrypted,
                "decrypted": r.decrypted,
                "key": r.key,
                "sequence": r.sequence,
                "nonce": r.nonce.hex() if r.nonce is not None else None,
                "messages": [{"type": m.name, "length": m.length} for m in r.messages],
                "alert": r.alert_name,
                # bytes: the JSON writer makes them hex (and writes a long one without re-scanning it)
                "plaintext_hex": r.plaintext if r.readable else None,
                "text": r.text,
            }
            for r in connection.records
        ],
    }


__all__ = [
    "CONTENT_TYPE_NAMES",
    "TLS13_LABELS",
    "ConnectionDecryptor",
    "DecryptedConnection",
    "Message",
    "OpenedRecord",
    "RecordSplitter",
    "TrafficKey",
    "WireRecord",
    "connection_json",
    "decrypt_exchange",
    "decrypt_streams",
    "read_message",
]
