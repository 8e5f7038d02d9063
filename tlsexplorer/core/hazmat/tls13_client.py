"""A small TLS 1.3 client written in the open, for teaching. NOT FOR PRODUCTION USE.

It makes one real TLS 1.3 connection and keeps every step as a :class:`Step`
(name, title, explanation, and the bytes and numbers involved), so that the
learner's own connection becomes the worked example:

1. the ClientHello built field by field (random, legacy session id, cipher
   suites, server_name, supported_versions, supported_groups, key_share,
   signature_algorithms, ALPN), its bytes;
2. the ServerHello read field by field; a HelloRetryRequest answered with a
   second ClientHello;
3. the (EC)DHE shared secret (X25519, P-256, P-384);
4. the key schedule of RFC 8446 7.1 (:func:`~tlsexplorer.core.tls.keyschedule.tls13_schedule`),
   each HKDF call with its label, context and output, and each key and IV;
5. the server's encrypted flight opened record by record
   (:func:`~tlsexplorer.core.tls.protection.open_tls13`): EncryptedExtensions,
   Certificate, CertificateVerify, Finished;
6. the chain judged by the Chain explainer (:func:`~tlsexplorer.core.chain.gather.gather_and_verify`);
7. CertificateVerify checked by hand (RSA-PSS from s^e mod n, :mod:`tlsexplorer.core.rsa.pss`)
   beside the library's verdict (ECDSA and Ed25519 by the library, the signed bytes shown);
8. the server's Finished checked, ours sent;
9. an HTTP GET under the application keys, the response opened.

Why it is not for production: it is written for reading, not for safety. It
has no constant-time guarantees beyond what the library gives, no session
resumption, no client certificates, no renegotiation of anything, and it
stops at the first surprise. Use Python's ``ssl`` (or any maintained TLS
library) for real work.

Anything it does not support (another group, suite or signature scheme, an
alert, TLS 1.2, something that is not TLS, a truncated or oversized record,
a server that stalls past the one overall deadline) ends the walk at that
step, with the reason: :attr:`HandshakeWalk.stopped_at` and
:attr:`HandshakeWalk.reason`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Sequence

from cryptography import x509

from tlsexplorer.core.hazmat.tls13_model import _CODE, ClientSecrets, Field, HandshakeWalk
from tlsexplorer.core.hazmat.tls13_support import (
    DEFAULT_DEADLINE,
    GROUP_NAMES,
    NOT_FOR_PRODUCTION,
    SUITE_NAMES,
)
from tlsexplorer.core.hazmat.tls13_transport import SocketTransport, Transport
from tlsexplorer.core.hazmat.tls13_walker import (
    _certificate,
    _chain,
    _encrypted_extensions,
    _handshake,
    _key_share,
    _response,
    _server_finished,
    _Stop,
    _Walker,
)
from tlsexplorer.core.tls.keyschedule import (
    TrafficKeys,
    finished_key,
    finished_verify_data,
    tls13_schedule,
    traffic_keys,
    transcript_hash,
)
from tlsexplorer.core.tls.protection import seal_tls13, suite
from tlsexplorer.core.tls.records import (
    HANDSHAKE_TYPES,
)


def walk_handshake(
    host: str,
    port: int,
    *,
    servername: str | None = None,
    ca_pems: Sequence[bytes] = (),
    system_roots: bool = False,
    insecure: bool = False,
    group: str = "x25519",
    cipher: str | None = None,
    path: str = "/",
    deadline: float = DEFAULT_DEADLINE,
    now: dt.datetime | None = None,
    secrets: ClientSecrets | None = None,
    transport: Transport | None = None,
) -> HandshakeWalk:
    """Make one TLS 1.3 connection by hand and keep every step. Not for production use.

    Failures are results (:attr:`HandshakeWalk.stopped_at`, :attr:`HandshakeWalk.reason`), never
    exceptions.

    Args:
        host: where to connect.
        port: the TCP port.
        servername: the SNI and the name the certificate must carry (default: ``host``; an IP
            address is sent without SNI).
        ca_pems: CA certificates (PEM) to trust.
        system_roots: also trust the system's roots (the default when no CA is given).
        insecure: do not require the chain to verify (the step says what was skipped).
        group: the group of our first key share (the others are offered in supported_groups).
        cipher: offer only this suite (default: all three).
        path: the path of the HTTP GET.
        deadline: seconds for the whole walk.
        now: the time the chain is checked at.
        secrets: the client's randomness (default: fresh).
        transport: where the bytes go (default: a TCP connection to host:port).

    Raises:
        UsageError: a group or cipher suite this client does not support.
    """
    from tlsexplorer.core.errors import UsageError
    from tlsexplorer.core.timeutil import utcnow
    from tlsexplorer.core.tls.probe import is_ip_address

    if group not in GROUP_NAMES:
        raise UsageError(f"group {group!r} is not one this walk supports: {', '.join(GROUP_NAMES)}")
    if cipher is not None and cipher not in SUITE_NAMES:
        raise UsageError(f"cipher suite {cipher!r} is not one this walk supports: {', '.join(SUITE_NAMES)}")
    if not path.startswith("/") or any(ch in path for ch in "\r\n ") or len(path) > 2000:
        raise UsageError(f"{path[:60]!r} is not a path for an HTTP request: it starts with / and has no "
                         "spaces")
    name = servername or host
    sni = None if is_ip_address(name) else name
    walker = _Walker(
        transport or _NoTransport(), host=host, port=port, servername=sni, group=group,
        ciphers=(cipher,) if cipher else SUITE_NAMES, path=path, secrets=secrets or ClientSecrets.fresh(),
        ca_pems=ca_pems, system_roots=system_roots, insecure=insecure, now=now or utcnow(), check_name=name,
    )
    end = time.monotonic() + deadline
    completed, stopped, reason = False, None, None
    try:
        if transport is None:
            try:
                walker.t = SocketTransport(host, port, end)
            except TimeoutError:
                raise _Stop("connect", "TCP connection", f"no TCP connection to {host}:{port} within "
                            f"{deadline:g} s") from None
            except OSError as exc:
                raise _Stop("connect", "TCP connection", f"cannot connect to {host}:{port}: "
                            f"{exc.strerror or exc}") from None
        walker.step("connect", "TCP connection", f"Connected to {host}:{port}. Everything that follows "
                    f"has one deadline of {deadline:g} s. This client is {NOT_FOR_PRODUCTION}.")
        _run(walker)
        completed = True
    except _Stop as stop:
        stopped, reason = stop.name, stop.reason
        walker.step(stop.name, stop.title, f"The walk stops here: {stop.reason}.", stop.fields, stop.data,
                    "failed")
    except TimeoutError:
        last = walker.steps[-1].name if walker.steps else "connect"
        stopped = walker.result.get("waiting", last)  # type: ignore[assignment]
        reason = (f"the server stopped answering: nothing within the walk's deadline of {deadline:g} s "
                  "(one deadline for the whole walk)")
        walker.step(str(stopped), "Waiting for the server", f"The walk stops here: {reason}.",
                    status="failed")
    except OSError as exc:
        stopped = str(walker.result.get("waiting", "connect"))
        reason = f"the connection failed: {exc.strerror or exc}"
        walker.step(stopped, "Connection", f"The walk stops here: {reason}.", status="failed")
    finally:
        with contextlib.suppress(OSError):
            walker.t.close()
    r = walker.result
    return HandshakeWalk(
        host=host, port=port, servername=sni, steps=tuple(walker.steps), completed=completed,
        stopped_at=str(stopped) if stopped is not None else None, reason=reason,
        client_random=walker.secrets.random,
        server_random=r.get("server_random", b""),  # type: ignore[arg-type]
        group=r.get("group"),  # type: ignore[arg-type]
        cipher=walker.suite.name if walker.suite is not None else None,
        hello_retry=bool(r.get("hello_retry", False)),
        shared_secret=r.get("shared_secret", b""),  # type: ignore[arg-type]
        schedule=r.get("schedule"),  # type: ignore[arg-type]
        keys=dict(r.get("keys", {})),  # type: ignore[call-overload]
        server_certificates=r.get("certificates", ()),  # type: ignore[arg-type]
        chain=r.get("chain"),  # type: ignore[arg-type]
        chain_note=str(r.get("chain_note", "")),
        certificate_verify=r.get("certificate_verify"),  # type: ignore[arg-type]
        server_finished=r.get("server_finished"),  # type: ignore[arg-type]
        response=r.get("response", b""),  # type: ignore[arg-type]
        response_cut=bool(r.get("response_cut", False)),
        tickets=int(r.get("tickets", 0)),  # type: ignore[call-overload]
        insecure=insecure,
    )


class _NoTransport:
    """Stands in until the socket is made."""

    def send(self, data: bytes) -> None:
        raise OSError("not connected")

    def recv(self, limit: int) -> bytes:
        raise OSError("not connected")

    def close(self) -> None:
        pass


def _run(w: _Walker) -> None:
    """The walk itself, step after step; raises _Stop where it ends early."""
    r = w.result
    # 1-2. Hellos, maybe a retry.
    share = _key_share(w.group, w.secrets.key_seed)
    r["waiting"] = "server_hello"
    ch1 = w.client_hello(share, second=False, cookie=None)
    sh = w.read_server_hello("server_hello", "ServerHello")
    info = w.parse_server_hello(sh, "server_hello", "ServerHello", (share.group,))
    w.suite = suite(_CODE[str(info["suite"])])
    w.hash_name = w.suite.hash_name
    if info["hrr"]:
        r["hello_retry"] = True
        hrr_suite = info["suite"]
        ch1_hash = transcript_hash(w.hash_name, [ch1])
        synthetic = bytes([254, 0, 0, len(ch1_hash)]) + ch1_hash
        w.step("message_hash", "Transcript after the retry",
               "RFC 8446 4.4.1: after a HelloRetryRequest the first ClientHello is replaced in the "
               "transcript by a message_hash message (type 254) holding its hash.",
               (Field("Hash(ClientHello1)", ch1_hash), Field("message_hash message", synthetic)), synthetic)
        w.transcript = [synthetic, sh]
        share = _key_share(str(info["group_name"]), w.secrets.key_seed)
        cookie = info.get("cookie")
        ch2 = w.client_hello(share, second=True, cookie=cookie if isinstance(cookie, bytes) else None)
        w.transcript.append(ch2)
        sh = w.read_server_hello("server_hello", "ServerHello")
        info = w.parse_server_hello(sh, "server_hello", "ServerHello", (share.group,))
        if info["hrr"]:
            raise _Stop("server_hello", "ServerHello", "a second HelloRetryRequest (unexpected_message)")
        if info["suite"] != hrr_suite:
            raise _Stop("server_hello", "ServerHello", f"the ServerHello chose {info['suite']}, the "
                        f"HelloRetryRequest {hrr_suite}: they must agree (illegal_parameter)")
    else:
        w.transcript = [ch1]
    w.transcript.append(sh)
    r["server_random"] = info["random"]
    r["group"] = share.group
    assert w.suite is not None
    spec, hash_name = w.suite, w.hash_name

    # 3. Shared secret.
    server_share = info.get("server_share")
    assert isinstance(server_share, bytes)
    shared = w.shared_secret(share, server_share)
    r["shared_secret"] = shared

    # 4. Key schedule up to the handshake keys.
    hello_hash = transcript_hash(hash_name, w.transcript)
    w.step("hello_hash", "Transcript hash after the hellos",
           f"Transcript-Hash = {hash_name} of every handshake message so far, header included "
           f"({len(w.transcript)} messages). It is the context of the handshake traffic secrets: it binds "
           "them to exactly these hellos.", (Field("transcript hash", hello_hash),))
    schedule = tls13_schedule(hash_name, shared, hello_hash)
    r["schedule"] = schedule
    derived = 0
    for d in schedule.steps:
        derived += d.name == "derived"
        w.derivation_step(d, derived)
    server_hs = traffic_keys(hash_name, schedule.server_handshake_traffic_secret, spec.key_length,
                             "server_handshake")
    client_hs = traffic_keys(hash_name, schedule.client_handshake_traffic_secret, spec.key_length,
                             "client_handshake")
    keys: dict[str, TrafficKeys] = {"client_handshake_traffic_secret": client_hs,
                                    "server_handshake_traffic_secret": server_hs}
    r["keys"] = keys
    w.key_steps(server_hs, "server handshake")
    w.key_steps(client_hs, "client handshake")
    w.client_keys = client_hs

    # 5-8. The server's encrypted flight.
    expected = [(8, "encrypted_extensions", "EncryptedExtensions"), (11, "certificate", "Certificate"),
                (15, "certificate_verify", "CertificateVerify"), (20, "server_finished", "Server Finished")]
    seq = 0
    leaf: x509.Certificate | None = None
    ccs_seen = False
    while expected:
        _kind, name, title = expected[0]
        r["waiting"] = name
        record = w.read_record(name, title)
        if record is None:
            raise _Stop(name, title, f"the server closed the connection before its {title}")
        head, fragment = record
        if head[0] == 20 and fragment == b"\x01":
            if ccs_seen:
                continue
            ccs_seen = True
            w.step("change_cipher_spec", "ChangeCipherSpec (ignored)",
                   "A one-byte record kept only so that old middleboxes think this is a TLS 1.2 resumption "
                   "(RFC 8446 D.4). TLS 1.3 ignores it.", data=head + fragment)
            continue
        if head[0] == 21:
            raise w.alert_stop(name, title, fragment, False)
        if head[0] != 23:
            raise _Stop(name, title, f"a clear record of type {head[0]} where encrypted records belong "
                        "(unexpected_message)", data=head + fragment[:64])
        inner, plaintext, nonce = w.open_record(server_hs, seq, head, fragment, name, title)
        seq += 1
        w.step(f"record_{seq}", f"Encrypted record {seq} opened",
               f"An ApplicationData record on the outside; inside, content type {inner}. Opened with "
               f"{spec.name} under the server handshake key, the nonce being the IV XOR the sequence number "
               f"{seq - 1}, and the 5-byte record header as additional data.",
               (Field("record header (AAD)", head), Field("sequence number", seq - 1), Field("nonce", nonce),
                Field("ciphertext + tag", fragment, f"{len(fragment)} bytes, the last 16 the tag"),
                Field("inner content type", inner, {22: "handshake", 21: "alert", 23: "application data"}
                      .get(inner, "?")),
                Field("plaintext", plaintext, f"{len(plaintext)} bytes")), head + fragment)
        if inner == 21:
            raise w.alert_stop(name, title, plaintext, True)
        if inner != 22:
            raise _Stop(name, title, f"content type {inner} inside the handshake flight (unexpected_message)")
        w.handshake += plaintext
        while expected and (message := w.next_message()) is not None:
            kind, name, title = expected.pop(0)
            if message[0] != kind:
                got = HANDSHAKE_TYPES.get(message[0], f"type {message[0]}")
                if message[0] == 13:
                    raise _Stop(name, title, "the server asks for a client certificate (mutual TLS); this "
                                "walk has none to give", data=message)
                raise _Stop(name, title, f"expected {title}, the server sent {got} (unexpected_message)",
                            data=message)
            if kind == 8:
                _encrypted_extensions(w, message)
            elif kind == 11:
                leaf = _certificate(w, message)
                _chain(w)
            elif kind == 15:
                assert leaf is not None
                r["certificate_verify"] = w.check_certificate_verify(
                    message, leaf, transcript_hash(hash_name, w.transcript))
            else:
                _server_finished(w, message, schedule.server_handshake_traffic_secret)
            w.transcript.append(message)
    if w.handshake:
        raise _Stop("server_finished", "Server Finished", "handshake data after the server's Finished in the "
                    "same record: keys change at a record boundary (unexpected_message)")

    # Application secrets.
    finished_hash = transcript_hash(hash_name, w.transcript)
    schedule = tls13_schedule(hash_name, shared, hello_hash, finished_hash)
    r["schedule"] = schedule
    for d in schedule.steps:
        if "application" in d.name:
            w.derivation_step(d, 0)
    assert schedule.client_application_traffic_secret is not None
    assert schedule.server_application_traffic_secret is not None
    client_ap = traffic_keys(hash_name, schedule.client_application_traffic_secret, spec.key_length,
                             "client_application")
    server_ap = traffic_keys(hash_name, schedule.server_application_traffic_secret, spec.key_length,
                             "server_application")
    keys["client_application_traffic_secret_0"] = client_ap
    keys["server_application_traffic_secret_0"] = server_ap
    w.key_steps(server_ap, "server application")
    w.key_steps(client_ap, "client application")

    # 8. Our Finished.
    fkey = finished_key(hash_name, schedule.client_handshake_traffic_secret)
    verify = finished_verify_data(hash_name, schedule.client_handshake_traffic_secret, finished_hash)
    ours = _handshake(20, verify)
    ccs = w.send_record(20, b"\x01")
    sealed = seal_tls13(spec.bulk, client_hs.key, client_hs.iv, 0, 22, ours)
    w.t.send(sealed)
    w.client_keys, w.client_seq = client_ap, 0
    w.step("client_finished", "Our Finished, sent",
           "finished_key = HKDF-Expand-Label(client handshake traffic secret, \"finished\", \"\", "
           "Hash.length); verify_data = HMAC(finished_key, Transcript-Hash(ClientHello..server Finished)). "
           "Sent encrypted under the client handshake key (sequence 0), after a compatibility "
           "ChangeCipherSpec.",
           (Field("finished_key", fkey), Field("transcript hash", finished_hash),
            Field("verify_data", verify), Field("ChangeCipherSpec record", ccs),
            Field("encrypted record", sealed)), sealed, "ok")

    # 9. The request and the response.
    authority = w.servername or w.host
    if w.port != 443:
        authority = f"{authority}:{w.port}" if ":" not in authority else f"[{authority}]:{w.port}"
    request = (f"GET {w.path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: tlsexplorer-handshake "
               "(teaching client, not for production)\r\nAccept: */*\r\nConnection: close\r\n\r\n").encode()
    sent = seal_tls13(spec.bulk, client_ap.key, client_ap.iv, 0, 23, request)
    w.t.send(sent)
    w.client_seq = 1
    w.step("request", "HTTP request, encrypted",
           "The GET goes out as an ApplicationData record under the client application key (sequence 0). On "
           "the wire it is only a length.", (Field("request", request.decode("latin-1")),
                                               Field("nonce", client_ap.nonce(0)), Field("record", sent)),
           sent)
    _response(w, server_ap, hash_name)


__all__ = [
    "walk_handshake",
]
