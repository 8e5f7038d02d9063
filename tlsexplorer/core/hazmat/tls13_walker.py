"""The hand-made TLS 1.3 client's state and each message it reads or writes (NOT FOR PRODUCTION USE).

:class:`_Walker` holds one connection's state (transcript, keys, the steps so far) and
reads and writes records; the functions below read the server's flight message by message."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils, x25519

import tlsexplorer.core.tls.hello as hello
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.hazmat.tls13_model import (
    _CODE,
    _CONTEXT,
    _GROUP_CODE,
    _SCHEME_CODE,
    MAX_HANDSHAKE_MESSAGE,
    MAX_RESPONSE,
    CertificateVerifyCheck,
    ClientSecrets,
    Field,
    FinishedCheck,
    Step,
    StepStatus,
)
from tlsexplorer.core.hazmat.tls13_support import (
    CERT_SCHEME_NAMES,
    GROUP_NAMES,
    SCHEME_NAMES,
    SUITE_NAMES,
)
from tlsexplorer.core.hazmat.tls13_transport import Transport
from tlsexplorer.core.rsa.pss import PssCheck, pss_verify_by_hand
from tlsexplorer.core.text import printable
from tlsexplorer.core.tls.keyschedule import (
    Derivation,
    HashName,
    TrafficKeys,
    finished_key,
    finished_verify_data,
    next_traffic_secret,
    traffic_keys,
    transcript_hash,
)
from tlsexplorer.core.tls.protection import MAX_CIPHERTEXT, RecordError, Suite, open_tls13, seal_tls13
from tlsexplorer.core.tls.records import (
    ALERT_DESCRIPTIONS,
    CIPHER_SUITES,
    EXTENSIONS,
    GROUPS,
    HANDSHAKE_TYPES,
    HELLO_RETRY_RANDOM,
    SIGNATURE_SCHEMES,
)

# ---------------------------------------------------------------------------
# The walk


class _Stop(Exception):
    """Ends the walk at a step."""

    def __init__(self, name: str, title: str, reason: str, fields: tuple[Field, ...] = (),
                 data: bytes = b"") -> None:
        super().__init__(reason)
        self.name, self.title, self.reason, self.fields, self.data = name, title, reason, fields, data


class _Cursor:
    """Bounds-checked reading of a TLS structure; running off the end raises _Short."""

    class Short(Exception):
        pass

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Cursor.Short()
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vector(self, length_bytes: int) -> bytes:
        return self.take(self.uint(length_bytes))

    @property
    def left(self) -> int:
        return len(self.data) - self.pos


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "big")


def _vec(data: bytes, length_bytes: int) -> bytes:
    return len(data).to_bytes(length_bytes, "big") + data


def _handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + _vec(body, 3)


def _extension(kind: int, body: bytes) -> bytes:
    return _u16(kind) + _vec(body, 2)


def _ext_name(kind: int) -> str:
    return EXTENSIONS.get(kind, f"extension {kind}")


def _alert_name(code: int) -> str:
    return ALERT_DESCRIPTIONS.get(code, f"alert {code}")


@dataclass
class _KeyShare:
    group: str
    private: x25519.X25519PrivateKey | ec.EllipticCurvePrivateKey
    public: bytes


def _key_share(group: str, seed: bytes) -> _KeyShare:
    if group == "x25519":
        key = x25519.X25519PrivateKey.from_private_bytes(hashlib.sha256(seed + b"x25519").digest())
        raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
        return _KeyShare(group, key, key.public_key().public_bytes(*raw))
    curve: ec.EllipticCurve = ec.SECP256R1() if group == "secp256r1" else ec.SECP384R1()
    size = (curve.key_size + 7) // 8
    # One byte short of the order's length: always below the order, never zero after +1.
    scalar = int.from_bytes(hashlib.sha512(seed + group.encode()).digest()[: size - 1], "big") + 1
    eckey = ec.derive_private_key(scalar, curve)
    point = serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    return _KeyShare(group, eckey, eckey.public_key().public_bytes(*point))


class _Walker:
    """The state of one walk."""

    def __init__(self, transport: Transport, *, host: str, port: int, servername: str | None,
                 group: str, ciphers: tuple[str, ...], path: str, secrets: ClientSecrets,
                 ca_pems: Sequence[bytes], system_roots: bool, insecure: bool, now: dt.datetime,
                 check_name: str) -> None:
        self.t = transport
        self.host, self.port, self.servername = host, port, servername
        self.group, self.ciphers, self.path, self.secrets = group, ciphers, path, secrets
        self.ca_pems, self.system_roots, self.insecure, self.now = ca_pems, system_roots, insecure, now
        self.check_name = check_name
        self.steps: list[Step] = []
        self.buffer = b""
        self.records_seen = 0
        self.handshake = b""  # handshake bytes received, not yet a whole message
        self.transcript: list[bytes] = []
        self.result: dict[str, object] = {"client_random": secrets.random}
        self.suite: Suite | None = None
        self.hash_name: HashName = "sha256"
        self.client_keys: TrafficKeys | None = None
        self.client_seq = 0

    # Steps -----------------------------------------------------------------

    def step(self, name: str, title: str, detail: str, fields: tuple[Field, ...] = (),
             data: bytes = b"", status: StepStatus = "info") -> None:
        self.steps.append(Step(name, title, detail, fields, data, status))

    # Bytes in and out ------------------------------------------------------

    def send_record(self, content_type: int, payload: bytes, version: int = 0x0303) -> bytes:
        record = bytes([content_type]) + _u16(version) + _vec(payload, 2)
        self.t.send(record)
        return record

    def _fill(self, n: int) -> None:
        while len(self.buffer) < n:
            chunk = self.t.recv(65536)
            if not chunk:
                return
            self.buffer += chunk

    def read_record(self, name: str, title: str) -> tuple[bytes, bytes] | None:
        """The next record (header, fragment); None when the server closed cleanly between records."""
        self._fill(5)
        if not self.buffer:
            return None
        first = self.records_seen == 0
        head = self.buffer[:5]
        if first and (head[0] not in (20, 21, 22, 23) or (len(head) > 1 and head[1] != 3)):
            shown = printable(self.buffer[:40].decode("latin-1"))
            raise _Stop(name, title, f"the server's answer is not TLS: it starts {shown!r} "
                        "(a plain HTTP server, or another protocol, on this port?)", data=self.buffer[:64])
        if len(head) < 5:
            raise _Stop(name, title, f"truncated record: the connection closed after {len(head)} byte(s) "
                        "of a 5-byte record header", data=head)
        length = int.from_bytes(head[3:5], "big")
        if length > MAX_CIPHERTEXT:
            raise _Stop(name, title, f"a record of {length} bytes: TLS allows at most 2^14 + 256 = "
                        f"{MAX_CIPHERTEXT}, so this is not a TLS server (or it is broken)", data=head)
        self._fill(5 + length)
        if len(self.buffer) < 5 + length:
            got = len(self.buffer) - 5
            raise _Stop(name, title, f"truncated record: the header promised {length} bytes, the connection "
                        f"closed after {got}", data=self.buffer[:64])
        fragment = self.buffer[5 : 5 + length]
        self.buffer = self.buffer[5 + length :]
        self.records_seen += 1
        return head, fragment

    def next_message(self) -> bytes | None:
        """A whole handshake message from the reassembly buffer (None: not yet whole)."""
        if len(self.handshake) < 4:
            return None
        length = int.from_bytes(self.handshake[1:4], "big")
        if length > MAX_HANDSHAKE_MESSAGE:
            kind = HANDSHAKE_TYPES.get(self.handshake[0], f"type {self.handshake[0]}")
            raise _Stop("handshake", "Handshake message too long",
                        f"a {kind} message of {length} bytes (more than {MAX_HANDSHAKE_MESSAGE} accepted)")
        if len(self.handshake) < 4 + length:
            return None
        message, self.handshake = self.handshake[: 4 + length], self.handshake[4 + length :]
        return message

    def alert_stop(self, name: str, title: str, fragment: bytes, encrypted: bool) -> _Stop:
        if len(fragment) != 2:
            return _Stop(name, title, "a malformed alert record", data=fragment)
        level = "fatal" if fragment[0] == 2 else "warning"
        desc = _alert_name(fragment[1])
        hint = {
            "protocol_version": ": the server does not speak TLS 1.3 (this walk is TLS 1.3 only)",
            "handshake_failure": ": no group, cipher suite or signature scheme in common "
            "(or the server does not speak TLS 1.3)",
            "unrecognized_name": ": the server does not know the name sent as SNI (try --servername)",
            "close_notify": ": the server closed the connection",
        }.get(desc, "")
        where = "encrypted " if encrypted else ""
        return _Stop(name, title, f"the server sent a {level} {where}alert {desc} ({fragment[1]}){hint}",
                     (Field("level", fragment[0], level), Field("description", fragment[1], desc)), fragment)

    def send_alert(self, description: int) -> None:
        """Tell the server why we stop (best effort): encrypted once we have keys."""
        try:
            payload = bytes([2, description])
            if self.client_keys is not None and self.suite is not None:
                record = seal_tls13(self.suite.bulk, self.client_keys.key, self.client_keys.iv,
                                    self.client_seq, 21, payload)
                self.t.send(record)
            else:
                self.send_record(21, payload)
        except (OSError, TlsxError):
            pass

    # 1. ClientHello --------------------------------------------------------

    def client_hello(self, share: _KeyShare, *, second: bool, cookie: bytes | None) -> bytes:
        secrets = self.secrets
        suites = b"".join(_u16(_CODE[name]) for name in self.ciphers)
        groups = [self.group, *(g for g in GROUP_NAMES if g != self.group)]
        exts: list[tuple[int, bytes, str]] = []
        if self.servername is not None:
            sni = self.servername
            exts.append((0, hello.ext_server_name(sni), f"the host name we want: {sni}"))
        exts.append((43, hello.ext_supported_versions([0x0304]),
                     "TLS 1.3 (0x0304) only: this walk speaks nothing else"))
        exts.append((10, hello.ext_u16_list([_GROUP_CODE[g] for g in groups]),
                     "groups we can do: " + ", ".join(groups)))
        exts.append((51, hello.ext_key_share([(_GROUP_CODE[share.group], share.public)]),
                     f"our {share.group} public key, sent now so the server can answer in one round trip"))
        exts.append((13, hello.ext_u16_list([_SCHEME_CODE[s] for s in SCHEME_NAMES]),
                     "how the server may sign CertificateVerify: " + ", ".join(SCHEME_NAMES)))
        exts.append((50, hello.ext_u16_list([_SCHEME_CODE[s] for s in CERT_SCHEME_NAMES]),
                     "signatures we accept on certificates (PKCS#1 v1.5 too, which CAs still use)"))
        exts.append((45, _vec(b"\x01", 1), "psk_dhe_ke: tickets, if any, would be used with a fresh (EC)DHE"))
        exts.append((16, hello.ext_alpn(["http/1.1"]), "ALPN: we will speak HTTP/1.1"))
        if cookie is not None:
            exts.append((44, _vec(cookie, 2), "the cookie from the HelloRetryRequest, echoed"))
        message = hello.client_hello(random=secrets.random, session_id=secrets.session_id,
                                     suites=[_CODE[name] for name in self.ciphers],
                                     extensions=[(kind, body) for kind, body, _ in exts])
        record = self.send_record(22, message, 0x0303 if second else 0x0301)
        fields = [
            Field("legacy_version", b"\x03\x03",
                  "always 0x0303 (TLS 1.2); the real offer is supported_versions"),
            Field("random", secrets.random, "32 random bytes: the key log's client random"),
            Field("legacy_session_id", secrets.session_id,
                  "32 random bytes: middlebox compatibility mode (RFC 8446 D.4)"),
            Field("cipher_suites", suites, ", ".join(self.ciphers)),
            Field("legacy_compression_methods", b"\x01\x00", "one method: null"),
        ]
        fields += [Field(f"{_ext_name(kind)} ({kind})", _extension(kind, body), note)
                   for kind, body, note in exts]
        fields.append(Field(f"our {share.group} private key", self._private_value(share),
                            "kept secret: only its public half is sent"))
        fields.append(Field("record header", record[:5], "handshake (22), version, length"))
        name = "client_hello_2" if second else "client_hello"
        title = "ClientHello again (after the retry)" if second else "ClientHello"
        detail = (
            "The client speaks first, in the clear. It offers what it can do (cipher suites, groups, "
            "signature schemes, TLS 1.3 in supported_versions) and already sends a public key for its "
            f"favourite group ({share.group}), guessing the server will accept it."
        )
        if second:
            detail = (
                f"The server asked for {share.group}. Same random, same session id, same offer; only "
                "key_share changes: a new key pair for the group the server wants"
                + (", and the cookie it gave is echoed back." if cookie is not None else ".")
            )
        self.step(name, title, f"{detail} {len(message)} bytes of handshake message.", tuple(fields), message)
        return message

    @staticmethod
    def _private_value(share: _KeyShare) -> bytes | int:
        if isinstance(share.private, x25519.X25519PrivateKey):
            raw = serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            return share.private.private_bytes(*raw)
        return share.private.private_numbers().private_value

    # 2. ServerHello --------------------------------------------------------

    def read_server_hello(self, name: str, title: str) -> bytes:
        """Read clear records until one whole handshake message is there; it must be a ServerHello."""
        while True:
            message = self.next_message()
            if message is not None:
                break
            record = self.read_record(name, title)
            if record is None:
                raise _Stop(name, title, "the server closed the connection without answering "
                            "(it may not speak TLS 1.3, or it refused our ClientHello)")
            head, fragment = record
            if head[0] == 21:
                raise self.alert_stop(name, title, fragment, False)
            if head[0] == 20:
                continue  # a compatibility ChangeCipherSpec (after a HelloRetryRequest)
            if head[0] != 22:
                raise _Stop(name, title, f"expected a handshake record, got content type {head[0]}",
                            data=head + fragment[:64])
            self.handshake += fragment
        if message[0] != 2:
            kind = HANDSHAKE_TYPES.get(message[0], f"type {message[0]}")
            raise _Stop(name, title, f"expected a ServerHello, the server sent {kind}", data=message[:64])
        if self.handshake:
            raise _Stop(name, title, "more handshake data in the ServerHello's record: TLS 1.3 changes keys "
                        "at a record boundary (unexpected_message)")
        return message

    def parse_server_hello(self, message: bytes, name: str, title: str,
                           offered_groups: tuple[str, ...]) -> dict[str, object]:
        try:
            c = _Cursor(message[4:])
            version = c.take(2)
            random = c.take(32)
            session = c.vector(1)
            code = c.uint(2)
            compression = c.uint(1)
            exts: list[tuple[int, bytes]] = []
            if c.left:
                block = _Cursor(c.vector(2))
                while block.left:
                    kind = block.uint(2)
                    exts.append((kind, block.vector(2)))
        except _Cursor.Short:
            raise _Stop(name, title, "the ServerHello is cut short (decode_error)", data=message) from None
        hrr = random == HELLO_RETRY_RANDOM
        info: dict[str, object] = {"random": random, "hrr": hrr, "code": code}
        fields = [
            Field("legacy_version", version, "0x0303 even in TLS 1.3"),
            Field("random", random, "the special value SHA-256(\"HelloRetryRequest\"): this is a retry"
                  if hrr else "32 random bytes from the server"),
            Field("legacy_session_id_echo", session, "our session id, echoed"),
            Field("cipher_suite", _u16(code), CIPHER_SUITES.get(code, f"0x{code:04x}")),
            Field("legacy_compression_method", bytes([compression]), "null"),
        ]
        selected_version: int | None = None
        for kind, data in exts:
            note = ""
            try:
                d = _Cursor(data)
                if kind == 43:
                    selected_version = d.uint(2)
                    note = "TLS 1.3" if selected_version == 0x0304 else f"0x{selected_version:04x}"
                elif kind == 51 and hrr:
                    info["group"] = d.uint(2)
                    note = f"the server wants {GROUPS.get(int(info['group']), info['group'])}"  # type: ignore[call-overload]
                elif kind == 51:
                    info["group"] = d.uint(2)
                    info["server_share"] = d.vector(2)
                    note = f"{GROUPS.get(int(info['group']), info['group'])} public key"  # type: ignore[call-overload]
                elif kind == 44:
                    info["cookie"] = d.vector(2)
                    note = "a cookie to echo in the second ClientHello"
            except _Cursor.Short:
                raise _Stop(name, title, f"the ServerHello's {_ext_name(kind)} is cut short",
                            data=message) from None
            fields.append(Field(f"{_ext_name(kind)} ({kind})", _extension(kind, data), note))
        if selected_version is None:
            downgrade = random[-8:] in (b"DOWNGRD\x01", b"DOWNGRD\x00")
            raise _Stop(name, title, "the server answered with TLS 1.2 or older (no supported_versions "
                        "extension"
                        + (", and the downgrade sentinel DOWNGRD in its random" if downgrade else "")
                        + "): this walk is TLS 1.3 only", tuple(fields), message)
        if selected_version != 0x0304:
            raise _Stop(name, title, f"the server chose version 0x{selected_version:04x}, which we did not "
                        "offer: this walk is TLS 1.3 only", tuple(fields), message)
        if session != self.secrets.session_id:
            raise _Stop(name, title, "the server did not echo our legacy_session_id (illegal_parameter)",
                        tuple(fields), message)
        suite_name = CIPHER_SUITES.get(code, f"0x{code:04x}")
        if suite_name not in self.ciphers:
            raise _Stop(name, title, f"the server chose cipher suite {suite_name}, which we did not offer "
                        f"(we support {', '.join(SUITE_NAMES)})", tuple(fields), message)
        group_code = info.get("group")
        if not isinstance(group_code, int):
            raise _Stop(name, title, "no key_share in the ServerHello: this walk needs (EC)DHE "
                        "(a PSK-only handshake is not supported)", tuple(fields), message)
        group_name = GROUPS.get(group_code, f"0x{group_code:04x}")
        if group_name not in GROUP_NAMES:
            raise _Stop(name, title, f"the server wants group {group_name}, which this walk does not support "
                        f"({', '.join(GROUP_NAMES)})", tuple(fields), message)
        if hrr and group_name in offered_groups:
            raise _Stop(name, title, f"a HelloRetryRequest for {group_name}, for which we already sent a key "
                        "share (illegal_parameter)", tuple(fields), message)
        if not hrr and group_name not in offered_groups:
            raise _Stop(name, title, f"the server's key share is for {group_name}, for which we sent none "
                        "(illegal_parameter)", tuple(fields), message)
        info["group_name"] = group_name
        info["suite"] = suite_name
        if hrr:
            self.step("hello_retry_request", "HelloRetryRequest",
                      f"The server can do TLS 1.3 but not with our key share: it asks for {group_name}. This "
                      "looks like a ServerHello, but its random is a fixed value (the SHA-256 of "
                      "\"HelloRetryRequest\"). The transcript now starts with a synthetic message_hash "
                      "message standing for the first ClientHello.", tuple(fields), message)
        else:
            self.step("server_hello", "ServerHello",
                      f"The server picks: TLS 1.3, {suite_name}, {group_name}, and sends its own public key. "
                      "Both sides can now compute the same shared secret; everything after this message is "
                      "encrypted.", tuple(fields), message)
        return info

    # 3. The shared secret -------------------------------------------------

    def shared_secret(self, share: _KeyShare, server_public: bytes) -> bytes:
        name, title = "shared_secret", f"Shared secret ({share.group})"
        fields: list[Field] = [Field(f"our {share.group} private key", self._private_value(share)),
                               Field("our public key", share.public), Field("the server's public key",
                                                                             server_public)]
        try:
            if isinstance(share.private, x25519.X25519PrivateKey):
                if len(server_public) != 32:
                    raise ValueError(f"an X25519 public key is 32 bytes, not {len(server_public)}")
                shared = share.private.exchange(x25519.X25519PublicKey.from_public_bytes(server_public))
                if not any(shared):
                    raise ValueError("the result is all zeros (a low-order point)")
                detail = ("X25519: our private scalar times the server's point on Curve25519. The server "
                          "computes its private scalar times our point: the same 32 bytes, which nobody on "
                          "the wire can compute (the paint-mixing picture of Diffie-Hellman).")
            else:
                curve = share.private.curve
                peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, server_public)
                shared = share.private.exchange(ec.ECDH(), peer)
                numbers = peer.public_numbers()
                fields += [Field("server point x", numbers.x), Field("server point y", numbers.y)]
                detail = (f"ECDH on {share.group}: our private number d times the server's point Q gives a "
                          "point; its x coordinate is the shared secret. The server computes its own d times "
                          "our point and reaches the same point.")
        except ValueError as exc:
            raise _Stop(name, title, f"the server's {share.group} key share is not valid: {exc}",
                        tuple(fields)) from None
        fields.append(Field("shared secret", shared, "the input to the key schedule"))
        self.step(name, title, detail, tuple(fields))
        return shared

    # 4. The key schedule --------------------------------------------------

    _EXPLAIN: dict[str, str] = {  # noqa: RUF012
        "early_secret": "HKDF-Extract with a zero salt and zero key material: without a pre-shared key the "
                        "early secret is a constant, the same in every connection of this hash.",
        "derived": "Derive-Secret(secret, \"derived\", \"\"): the salt for the next HKDF-Extract.",
        "handshake_secret": "HKDF-Extract(salt = derived, IKM = the (EC)DHE shared secret): from here on the "
                            "secrets depend on the key exchange.",
        "client_handshake_traffic_secret": "Derive-Secret(handshake secret, \"c hs traffic\", "
        "Transcript-Hash(ClientHello..ServerHello)): protects our Finished.",
        "server_handshake_traffic_secret": "Derive-Secret(handshake secret, \"s hs traffic\", "
        "Transcript-Hash(ClientHello..ServerHello)): protects the server's encrypted flight.",
        "master_secret": "HKDF-Extract(salt = derived, IKM = zeros).",
        "client_application_traffic_secret_0": "Derive-Secret(master secret, \"c ap traffic\", "
                                               "Transcript-Hash(ClientHello..server Finished)): protects our "
                                               "HTTP request.",
        "server_application_traffic_secret_0": "Derive-Secret(master secret, \"s ap traffic\", "
                                               "Transcript-Hash(ClientHello..server Finished)): protects the "
                                               "response.",
    }

    def derivation_step(self, d: Derivation, index: int) -> None:
        name = d.name if d.name != "derived" else f"derived_{index}"
        title = d.name.replace("_", " ").capitalize()
        what = self._EXPLAIN.get(d.name, "")
        context_label = "IKM" if d.function == "HKDF-Extract" else "context (transcript hash)"
        fields = (
            Field("function", d.function),
            Field("salt" if d.function == "HKDF-Extract" else "secret", d.secret),
            Field("label" if d.function != "HKDF-Extract" else "IKM is", d.label),
            Field(context_label, d.context),
            Field(d.name.replace("_", " "), d.output, "the output"),
        )
        self.step(name, title, f"{d.function}. {what}", fields)

    def key_steps(self, keys: TrafficKeys, who: str) -> None:
        for d in keys.steps:
            part = "key" if d.label == "key" else "IV"
            detail = (f"HKDF-Expand-Label({who} traffic secret, \"{d.label}\", \"\", {len(d.output)}): the "
                      + ("AEAD key of every record this side sends with this secret."
                         if part == "key" else "static IV; each record's nonce is this IV XOR its sequence "
                         "number."))
            self.step(d.name, f"{who.capitalize()} {part}", detail,
                      (Field("secret", d.secret), Field("label", d.label), Field(part, d.output)))

    # 5. The encrypted flight ---------------------------------------------

    def open_record(self, keys: TrafficKeys, seq: int, head: bytes, fragment: bytes, name: str,
                    title: str) -> tuple[int, bytes, bytes]:
        assert self.suite is not None
        try:
            opened = open_tls13(self.suite.bulk, keys.key, keys.iv, seq, head, fragment)
        except RecordError as exc:
            raise _Stop(name, title, f"a record that does not open with the server's keys: {exc}",
                        (Field("nonce", keys.nonce(seq)), Field("record header", head)), head + fragment[:64]
                        ) from None
        return opened.content_type, opened.plaintext, opened.nonce

    # 7. CertificateVerify -------------------------------------------------

    def check_certificate_verify(
        self, message: bytes, leaf: x509.Certificate, th: bytes
    ) -> CertificateVerifyCheck:
        from tlsexplorer.core.x509.naming import describe_key

        name, title = "certificate_verify", "CertificateVerify"
        try:
            c = _Cursor(message[4:])
            code = c.uint(2)
            signature = c.vector(2)
        except _Cursor.Short:
            raise _Stop(name, title, "the CertificateVerify is cut short (decode_error)",
                        data=message) from None
        scheme = SIGNATURE_SCHEMES.get(code, f"0x{code:04x}")
        content = b" " * 64 + _CONTEXT + b"\x00" + th
        base = (
            Field("scheme", _u16(code), scheme),
            Field("64 spaces", b" " * 64, "a prefix no TLS 1.2 signature can start with"),
            Field("context string", _CONTEXT.decode(), "says which side signs and why"),
            Field("separator", b"\x00"),
            Field("transcript hash", th, "Transcript-Hash(ClientHello..Certificate)"),
            Field("signed content", content, f"{len(content)} bytes"),
            Field("signature", signature),
        )
        if scheme not in SCHEME_NAMES:
            raise _Stop(name, title, f"the server signed with {scheme}, which we did not offer and this walk "
                        f"cannot check ({', '.join(SCHEME_NAMES)})", base, message)
        key = leaf.public_key()
        key_name = describe_key(key)
        hash_name = scheme.rsplit("_", 1)[-1] if scheme != "ed25519" else "sha512"
        algo: hashes.HashAlgorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
                                      "sha512": hashes.SHA512()}[hash_name]
        pss: PssCheck | None = None
        by_hand: bool | None = None
        extra: list[Field] = []
        problem: str | None = None
        library = False
        try:
            if scheme.startswith("rsa_pss_rsae"):
                if not isinstance(key, rsa.RSAPublicKey):
                    raise _Mismatch(f"{scheme} needs an RSA key; the certificate's key is {key_name}")
                numbers = key.public_numbers()
                pss = pss_verify_by_hand(numbers.n, numbers.e, signature, content, hash_name,
                                         algo.digest_size)
                by_hand = pss.ok
                problem = pss.problem
                extra += [Field("n", numbers.n), Field("e", numbers.e), Field("s", pss.s)]
                if pss.m is not None:
                    extra.append(Field("s^e mod n", pss.m, "the encoded message EM, as a number"))
                extra += [Field("EM", pss.em, "maskedDB || H || bc"), Field("maskedDB", pss.masked_db),
                          Field("H", pss.h), Field("dbMask = MGF1(H)", pss.db_mask),
                          Field("DB = maskedDB XOR dbMask", pss.db, "zeros, 01, salt"),
                          Field("salt", pss.salt, f"{len(pss.salt)} bytes, as long as the hash"),
                          Field(f"mHash = {hash_name}(content)", pss.m_hash),
                          Field("M' = 00*8 || mHash || salt", pss.m_prime),
                          Field("H' = Hash(M')", pss.h_prime, "must equal H")]
                key.verify(signature, content, padding.PSS(padding.MGF1(algo), algo.digest_size), algo)
            elif scheme.startswith("ecdsa"):
                want = "secp256r1" if "secp256r1" in scheme else "secp384r1"
                if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != want:
                    raise _Mismatch(f"{scheme} needs an EC {want} key; the certificate's key is {key_name}")
                try:
                    r, s = utils.decode_dss_signature(signature)
                    extra += [Field("r", r), Field("s", s)]
                except ValueError:
                    problem = "the ECDSA signature is not a DER SEQUENCE of r and s"
                key.verify(signature, content, ec.ECDSA(algo))
            else:
                if not isinstance(key, ed25519.Ed25519PublicKey):
                    raise _Mismatch(f"ed25519 needs an Ed25519 key; the certificate's key is {key_name}")
                extra += [Field("R", signature[:32]), Field("S", signature[32:])]
                key.verify(signature, content)
            library = True
        except _Mismatch as exc:
            problem, by_hand = str(exc), (False if by_hand is not None else None)
        except (InvalidSignature, ValueError):
            library = False
            problem = problem or "the signature does not verify with the certificate's key"
        check = CertificateVerifyCheck(scheme, content, th, signature, key_name, by_hand, library, pss,
                                       None if (library and by_hand is not False) else problem
                                       or "the library rejects the signature")
        verdicts = f"by hand: {'—' if by_hand is None else ('good' if by_hand else 'BAD')}; " \
                   f"library: {'good' if library else 'BAD'}"
        if scheme.startswith("rsa_pss"):
            how = ("RSA-PSS by hand: s^e mod n gives EM; its last byte must be bc; MGF1(H) unmasks DB = "
                   "zeros || 01 || salt; then H' = Hash(8 zero bytes || Hash(content) || salt) must equal H.")
        elif scheme.startswith("ecdsa"):
            how = ("ECDSA: checked by the library (u1·G + u2·Q must have x = r); the exact signed content "
                   "is shown.")
        else:
            how = ("Ed25519: checked by the library (S·B = R + H(R, A, M)·A); the exact signed content "
                   "is shown.")
        detail = (f"The server proves it holds the private key of the certificate ({key_name}) by signing "
                  f"the transcript so far. {how} {verdicts}.")
        fields = (*base, Field("key", key_name), *extra)
        if not check.ok:
            self.send_alert(51)  # decrypt_error
            raise _Stop(name, title, f"CertificateVerify does not check: {check.problem} ({verdicts})",
                        fields, message)
        self.step(name, title, detail, fields, message, "ok")
        return check


class _Mismatch(Exception):
    """The scheme does not fit the certificate's key."""


def _extensions(body: bytes) -> list[tuple[int, bytes]]:
    c = _Cursor(body)
    block = _Cursor(c.vector(2))
    found: list[tuple[int, bytes]] = []
    while block.left:
        kind = block.uint(2)
        found.append((kind, block.vector(2)))
    return found


def _encrypted_extensions(w: _Walker, message: bytes) -> None:
    name, title = "encrypted_extensions", "EncryptedExtensions"
    try:
        exts = _extensions(message[4:])
    except _Cursor.Short:
        raise _Stop(name, title, "EncryptedExtensions is cut short (decode_error)", data=message) from None
    fields: list[Field] = []
    for kind, data in exts:
        note = ""
        if kind == 16:
            try:
                note = "chosen: " + printable(_Cursor(_Cursor(data).vector(2)).vector(1).decode("latin-1"))
            except _Cursor.Short:
                note = "malformed"
        elif kind == 0:
            note = "the server used our SNI"
        fields.append(Field(f"{_ext_name(kind)} ({kind})", _extension(kind, data), note))
    w.step(name, title, "The first encrypted message: the server's answers to extensions that need not be in "
           "the clear (ALPN, server_name, supported_groups...). In TLS 1.2 a sniffer saw these; now only "
           f"the server and we do. {len(exts)} extension(s).", tuple(fields), message)


def _certificate(w: _Walker, message: bytes) -> x509.Certificate:
    from tlsexplorer.core.text import name_text
    from tlsexplorer.core.x509.naming import describe_key

    name, title = "certificate", "Certificate"
    try:
        c = _Cursor(message[4:])
        request_context = c.vector(1)
        entries = _Cursor(c.vector(3))
        ders: list[bytes] = []
        entry_exts: list[bytes] = []
        while entries.left:
            ders.append(entries.vector(3))
            entry_exts.append(entries.vector(2))
    except _Cursor.Short:
        raise _Stop(name, title, "the Certificate message is cut short (decode_error)",
                    data=message) from None
    if not ders:
        raise _Stop(name, title, "the server sent no certificate (decode_error): nothing to check the key "
                    "with", data=message)
    w.result["certificates"] = tuple(ders)
    fields: list[Field] = [Field("certificate_request_context", request_context, "empty from a server")]
    leaf: x509.Certificate | None = None
    for i, (der, ext) in enumerate(zip(ders, entry_exts, strict=True)):
        try:
            cert = x509.load_der_x509_certificate(der)
            summary = (f"{name_text(cert.subject)} (issuer {name_text(cert.issuer)}), "
                       f"{describe_key(cert.public_key())}")
        except (ValueError, TypeError) as exc:
            if i == 0:
                raise _Stop(name, title, f"the server's certificate cannot be read: {exc}", tuple(fields),
                            message) from None
            cert, summary = None, "unreadable"
        if i == 0:
            leaf = cert
        fields.append(Field(f"certificate {i} ({len(der)} bytes)", der, summary))
        if ext:
            fields.append(Field(f"certificate {i} extensions", ext, "OCSP status or SCTs"))
    assert leaf is not None
    w.step(name, title, f"The server's certificate chain, leaf first: {len(ders)} certificate(s). In TLS 1.3 "
           "this is encrypted: a sniffer no longer learns which site's certificate was sent.", tuple(fields),
           message)
    return leaf


def _chain(w: _Walker) -> None:
    from tlsexplorer.core.chain.gather import ChainInput, Source, gather_and_verify
    from tlsexplorer.core.tls.probe import SENT_CA_NAME, SENT_CHAIN_NAME

    name, title = "chain", "The chain, explained"
    ders: tuple[bytes, ...] = w.result["certificates"]  # type: ignore[assignment]
    pems: list[bytes] = []
    for der in ders:
        try:
            pems.append(x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM))
        except ValueError:
            continue
    use_system = w.system_roots or (not w.ca_pems and not w.insecure)
    skipped = (f"--insecure: the chain was NOT checked (who issued it, whether it expired, whether it names "
               f"{w.check_name}); anyone in the middle could have answered")
    if w.insecure and not w.ca_pems and not w.system_roots:
        w.result["chain_note"] = skipped
        w.step(name, title, skipped + ". The walk goes on: CertificateVerify still proves the server holds "
               "this certificate's key, but nothing says the certificate is the real site's.")
        return
    trust = "the CA file(s) given" if w.ca_pems else ""
    if use_system:
        trust = f"{trust} and the system's roots" if trust else "the system's roots"
    try:
        request = ChainInput(
            leaf=(Source.memory(b"".join(pems), label="the chain the server sent", name=SENT_CHAIN_NAME),),
            anchors=tuple(Source.memory(pem, label="the CA file", name=SENT_CA_NAME) for pem in w.ca_pems),
            system_roots=use_system, at=w.now, host=w.check_name, purpose="server",
        )
        report = gather_and_verify(request).report
    except TlsxError as exc:
        if w.insecure:
            w.result["chain_note"] = f"{skipped}; the explainer could not run: {exc}"
            w.step(name, title, w.result["chain_note"] + ".")  # type: ignore[operator]
            return
        raise _Stop(name, title, f"the chain could not be checked: {exc}") from None
    w.result["chain"] = report
    fields = (Field("trust", trust), Field("host checked", w.check_name),
              Field("verdict", "valid" if report.valid else f"invalid: {report.error}"),
              Field("openssl", report.openssl_command))
    failed = next((f for f in report.findings if not f.ok), None)
    why = report.error or (failed.message if failed is not None else "not valid")
    if report.valid:
        w.step(name, title, f"The Chain explainer builds a path from the leaf to {trust} and checks every "
               f"link (signatures, validity dates, names, key usages): valid for {w.check_name}.", fields,
               status="ok")
        return
    if w.insecure:
        w.result["chain_note"] = f"--insecure: the chain does not verify ({why}); the walk goes on anyway"
        w.step(name, title, str(w.result["chain_note"]) + ".", fields, status="info")
        return
    w.send_alert(42 if report.trusted else 48)
    raise _Stop(name, title, f"the chain does not verify against {trust}: {why} (--ca FILE to trust your CA, "
                "or --insecure to walk on without this check)", fields)


def _server_finished(w: _Walker, message: bytes, server_secret: bytes) -> None:
    name, title = "server_finished", "Server Finished"
    th = transcript_hash(w.hash_name, w.transcript)
    fkey = finished_key(w.hash_name, server_secret)
    expected = finished_verify_data(w.hash_name, server_secret, th)
    received = message[4:]
    ok = hmac.compare_digest(expected, received)
    w.result["server_finished"] = FinishedCheck(expected, received, ok)
    fields = (Field("finished_key", fkey, "HKDF-Expand-Label(server handshake traffic secret, \"finished\")"),
              Field("transcript hash", th, "Transcript-Hash(ClientHello..CertificateVerify)"),
              Field("expected verify_data", expected, "HMAC(finished_key, transcript hash)"),
              Field("received verify_data", received), Field("equal", "yes" if ok else "NO"))
    if not ok:
        w.send_alert(51)
        raise _Stop(name, title, "the server's Finished does not match the transcript (decrypt_error): a "
                    "byte of the handshake was changed, or the server does not share our keys", fields,
                    message)
    w.step(name, title, "Finished is an HMAC of the whole transcript with a key only the two ends have: "
           "equal, so nobody changed a byte of the handshake, ours or the server's.", fields, message, "ok")


def _response(w: _Walker, keys: TrafficKeys, hash_name: HashName) -> None:
    assert w.suite is not None
    name, title = "response", "HTTP response"
    w.result["waiting"] = name
    seq, body, records, tickets, closed = 0, bytearray(), 0, 0, "the server closed the connection"
    while len(body) < MAX_RESPONSE:
        record = w.read_record(name, title)
        if record is None:
            closed = "the server closed the TCP connection (without close_notify)"
            break
        head, fragment = record
        if head[0] == 21:
            raise w.alert_stop(name, title, fragment, False)
        if head[0] != 23:
            raise _Stop(name, title, f"a clear record of type {head[0]} after the handshake "
                        "(unexpected_message)")
        inner, plaintext, nonce = w.open_record(keys, seq, head, fragment, name, title)
        seq += 1
        records += 1
        if inner == 23:
            body += plaintext
        elif inner == 21:
            if plaintext[-1:] == b"\x00":
                closed = "the server sent close_notify"
                break
            raise w.alert_stop(name, title, plaintext, True)
        elif inner == 22:
            w.handshake += plaintext
            while (message := w.next_message()) is not None:
                if message[0] == 4:
                    tickets += 1
                    _ticket(w, message, tickets, nonce)
                elif message[0] == 24:
                    keys = traffic_keys(hash_name, next_traffic_secret(hash_name, keys.secret),
                                        w.suite.key_length, "server_application_next")
                    seq = 0
                    w.step("key_update", "KeyUpdate", "The server moved to its next application traffic "
                           "secret: HKDF-Expand-Label(secret, \"traffic upd\", \"\", Hash.length).",
                           (Field("new key", keys.key), Field("new IV", keys.iv)), message)
                else:
                    kind = HANDSHAKE_TYPES.get(message[0], f"type {message[0]}")
                    raise _Stop(name, title, f"an unexpected {kind} after the handshake", data=message)
    cut = len(body) >= MAX_RESPONSE
    w.result.update(response=bytes(body[:MAX_RESPONSE]), response_cut=cut, tickets=tickets)
    text = bytes(body[:MAX_RESPONSE]).decode("utf-8", "replace")
    status_line = printable(text.split("\r\n", 1)[0][:200]) if text else "(nothing)"
    w.step(name, title, f"{records} record(s) opened under the server application key; {len(body)} bytes of "
           f"HTTP{' (cut at 64 KiB)' if cut else ''}; {closed}. {tickets} NewSessionTicket(s) on the way.",
           (Field("status line", status_line), Field("response", text)), bytes(body[:MAX_RESPONSE]), "ok")


def _ticket(w: _Walker, message: bytes, number: int, nonce: bytes) -> None:
    fields: list[Field] = []
    try:
        c = _Cursor(message[4:])
        fields += [Field("ticket_lifetime", c.uint(4), "seconds"), Field("ticket_age_add", c.uint(4)),
                   Field("ticket_nonce", c.vector(1))]
        ticket = c.vector(2)
        fields.append(Field("ticket", ticket, f"{len(ticket)} bytes, opaque to us"))
    except _Cursor.Short:
        fields.append(Field("malformed", message))
    w.step(f"new_session_ticket_{number}", f"NewSessionTicket {number}",
           "After the handshake the server may hand out tickets for resuming later with a PSK. This client "
           "keeps none (no resumption): it just names them.", tuple(fields), message)
