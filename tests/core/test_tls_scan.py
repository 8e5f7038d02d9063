"""``tls scan`` held to what ``openssl s_client`` says about the same ``openssl s_server``.

Each server is started with chosen versions, suites and groups; for every
version, suite and group the scan reports, s_client is asked the same
question (``-tls1_2 -cipher X``, ``-ciphersuites X``, ``-groups G``) and must
agree. X25519MLKEM768, which this OpenSSL cannot negotiate, is checked
against a scripted server that answers a HelloRetryRequest for it.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.scan_support import (
    Listener,
    connect_proxy,
    s_client_accepts,
    s_server,
    starttls_server,
)
from tests.tls_support import silent_peer
from tests.tools import needs_openssl
from tlsexplorer.core.tls.connect import Route
from tlsexplorer.core.tls.records import HELLO_RETRY_RANDOM
from tlsexplorer.core.tls.scan import ScanResult, scan

pytestmark = needs_openssl

TLS12_CONFIGURED = ["ECDHE-RSA-CHACHA20-POLY1305", "AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256"]
TLS12_NOT_CONFIGURED = ["ECDHE-RSA-AES256-GCM-SHA384", "AES128-SHA", "DHE-RSA-AES128-GCM-SHA256"]
VERSION_FLAGS = {"TLS 1.0": "-tls1", "TLS 1.1": "-tls1_1", "TLS 1.2": "-tls1_2", "TLS 1.3": "-tls1_3"}
OPENSSL_GROUPS = {"x25519": "X25519", "x448": "X448", "secp256r1": "P-256", "secp384r1": "P-384",
                  "secp521r1": "P-521", "ffdhe2048": "ffdhe2048", "ffdhe3072": "ffdhe3072"}


def _versions(result: ScanResult) -> dict[str, bool | None]:
    return {v.name: v.accepted for v in result.versions}


def _suites(result: ScanResult, version: str) -> list[str]:
    return [s.openssl_name or s.name for b in result.suites if b.version == version for s in b.suites]


def test_tls12_suites_and_the_servers_order_agree_with_s_client() -> None:
    with s_server("-tls1_2", "-cipher", ":".join(TLS12_CONFIGURED), "-serverpref") as port:
        result = scan("127.0.0.1", port, timeout=60)
        for version, flag in VERSION_FLAGS.items():
            said = s_client_accepts(port, flag, "-cipher", "ALL:@SECLEVEL=0")
            assert _versions(result)[version] is (said is not None), version
        for name in TLS12_CONFIGURED + TLS12_NOT_CONFIGURED:
            said = s_client_accepts(port, "-tls1_2", "-cipher", name)
            assert (name in _suites(result, "TLS 1.2")) is (said is not None), name
        assert set(_suites(result, "TLS 1.2")) <= set(TLS12_CONFIGURED)
        # The server's order: whatever the client offers first, the server picks its own favourite.
        reversed_offer = ":".join(reversed(TLS12_CONFIGURED))
        assert _suites(result, "TLS 1.2")[0] == s_client_accepts(port, "-tls1_2", "-cipher", reversed_offer)
    block = next(b for b in result.suites if b.version == "TLS 1.2")
    assert block.server_order is True
    assert [s.openssl_name for s in block.suites] == TLS12_CONFIGURED
    titles = " ".join(f.title + f.reason for f in result.findings)
    assert "no TLS 1.3" in titles and "AES256-SHA" not in titles and "TLS_RSA_WITH_AES_256_CBC_SHA" in titles
    assert result.grade == "A-"


def test_the_clients_order_is_recognised() -> None:
    with s_server("-tls1_2", "-cipher", ":".join(TLS12_CONFIGURED)) as port:
        result = scan("127.0.0.1", port, timeout=60)
    block = next(b for b in result.suites if b.version == "TLS 1.2")
    assert block.server_order is False
    assert any("client's order" in f.title for f in result.findings)


def test_tls13_suites_and_groups_agree_with_s_client() -> None:
    suites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    with s_server("-tls1_3", "-ciphersuites", suites, "-groups", "P-384:ffdhe2048:X448") as port:
        result = scan("127.0.0.1", port, timeout=60)
        for name in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"):
            said = s_client_accepts(port, "-tls1_3", "-ciphersuites", name)
            assert (name in _suites(result, "TLS 1.3")) is (said is not None), name
        groups = {g.name: g.accepted for g in result.groups}
        for ours, theirs in OPENSSL_GROUPS.items():
            said = s_client_accepts(port, "-tls1_3", "-groups", theirs)
            assert groups[ours] is (said is not None), ours
    assert _versions(result) == {"SSL 3.0": False, "TLS 1.0": False, "TLS 1.1": False, "TLS 1.2": False,
                                 "TLS 1.3": True}
    assert groups["X25519MLKEM768"] is False
    assert any(f.title == "no post-quantum key exchange" for f in result.findings)
    assert any("hand-built ClientHello" in note for note in result.untested)
    assert result.resumption is not None and result.resumption.tls13_ticket is True


def test_old_versions_are_found_and_cap_the_grade() -> None:
    with s_server("-tls1", "-cipher", "ALL:@SECLEVEL=0") as port:
        result = scan("127.0.0.1", port, timeout=60)
        assert s_client_accepts(port, "-tls1", "-cipher", "ALL:@SECLEVEL=0") is not None
    assert _versions(result)["TLS 1.0"] is True
    assert _versions(result)["TLS 1.2"] is False
    assert result.grade in ("C", "F")
    finding = next(f for f in result.findings if f.title == "TLS 1.0 accepted")
    assert finding.fix is not None and "TLSv1.2" in finding.fix.nginx and "+TLSv1.2" in finding.fix.apache


def test_alpn_as_s_client_sees_it() -> None:
    with s_server("-alpn", "h2") as port:
        result = scan("127.0.0.1", port, timeout=60)
    assert dict(result.alpn) == {"h2": True, "http/1.1": False}
    assert not any("HTTP/2" in f.title for f in result.findings)


def _mlkem_server(conn: socket.socket) -> None:
    """Answers a HelloRetryRequest for X25519MLKEM768 when offered with a 1216-byte share, else an alert."""
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        data += conn.recv(65536)
    hello = data[5 + 4:]
    if b"\x11\xec\x04\xc0" in hello:  # key_share entry: group 0x11ec, length 1216 = 1184 + 32
        session_id = hello[35:35 + hello[34]]
        body = (b"\x03\x03" + HELLO_RETRY_RANDOM + bytes([len(session_id)]) + session_id + b"\x13\x01\x00"
                + b"\x00\x0c" + b"\x00\x2b\x00\x02\x03\x04" + b"\x00\x33\x00\x02\x11\xec")
        message = b"\x02" + len(body).to_bytes(3, "big") + body
        conn.sendall(b"\x16\x03\x03" + len(message).to_bytes(2, "big") + message)
    else:
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")
    time.sleep(0.5)


def test_x25519mlkem768_is_offered_by_hand_and_a_retry_is_read() -> None:
    with Listener(_mlkem_server) as server:
        result = scan("127.0.0.1", server.port, timeout=30)
    assert result.ok, result.error
    groups = {g.name: g.accepted for g in result.groups}
    assert groups["X25519MLKEM768"] is True
    assert [name for name, accepted in groups.items() if accepted] == ["X25519MLKEM768"]
    tls13 = next(v for v in result.versions if v.name == "TLS 1.3")
    assert tls13.accepted and "X25519MLKEM768" in tls13.note
    assert not any(f.title == "no post-quantum key exchange" for f in result.findings)


def test_scan_through_a_proxy_and_after_starttls() -> None:
    with s_server("-tls1_3") as port, connect_proxy() as proxy:
        through = scan("127.0.0.1", port, route=Route(proxy=("127.0.0.1", proxy.port)), timeout=60)
    assert through.ok and _versions(through)["TLS 1.3"] is True
    assert len(proxy.seen) == through.connections
    with starttls_server("smtp") as server:
        mail = scan("localhost", server.port, route=Route(starttls="smtp"), timeout=60)
    assert mail.ok, mail.error
    assert _versions(mail)["TLS 1.2"] is True and _versions(mail)["TLS 1.3"] is True


def test_unreachable_and_non_tls_servers_get_one_sentence() -> None:
    with silent_peer() as port:
        started = time.monotonic()
        silent = scan("127.0.0.1", port, timeout=1.5)
        assert time.monotonic() - started < 20
    assert silent.error is not None and "within 1.5 s" in silent.error
    with Listener(lambda conn: conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" * 50)) as plain:
        result = scan("127.0.0.1", plain.port, timeout=10)
    assert result.error is not None and "does not speak TLS" in result.error
    assert result.versions == () and result.grade == "-"


# ---------------------------------------------------------------------------
# OCSP stapling, held to what openssl s_client -status says of the same server


def _s_client_status(port: int) -> str:
    import subprocess

    done = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "alice.example.net",
         "-status"],
        input="", capture_output=True, text=True, timeout=60)
    return done.stdout


def _shown(result: ScanResult) -> str:
    from rich.console import Console

    from tlsexplorer.render.scan import scan_view

    console = Console(width=160, record=True, color_system=None)
    console.print(scan_view(result))
    return console.export_text()


def test_scan_reads_and_checks_what_openssl_s_server_staples(tmp_path: Path) -> None:
    from tests.stapling_support import alice_response, alice_serial, openssl_s_server

    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response())
    with openssl_s_server(tmp_path, path) as port:
        result = scan("127.0.0.1", port, servername="alice.example.net", timeout=60, workers=4)
        said = _s_client_status(port)
    assert "OCSP Response Status: successful" in said and "Cert Status: good" in said
    stapling = result.stapling
    assert stapling is not None and stapling.stapled and stapling.der == path.read_bytes()
    assert stapling.info is not None and stapling.info.responses[0].status == "good"
    assert stapling.info.responses[0].cert_id is not None
    assert stapling.info.responses[0].cert_id.serial == alice_serial()
    # checked against the chain s_server sent: Alice, then Charlie's intermediate (her issuer)
    assert stapling.check is not None and stapling.check.check is not None
    assert stapling.check.check.status == "good" and stapling.check.issuer.startswith("CN=Charlie")
    doc = result.to_json()["ocsp_stapling"]
    assert doc["stapled"] is True and doc["check"]["status"] == "good"
    assert not any("OCSP" in f.title for f in result.findings)
    assert not any("OCSP" in note for note in result.untested)
    shown = _shown(result)
    assert "stapled: good; its check holds" in shown and "OCSP stapling: The server stapled" in shown


def test_scan_of_a_server_that_staples_nothing(tmp_path: Path) -> None:
    from tests.stapling_support import openssl_s_server

    with openssl_s_server(tmp_path, None) as port:
        result = scan("127.0.0.1", port, servername="alice.example.net", timeout=60, workers=4)
        said = _s_client_status(port)
    assert "OCSP response: no response sent" in said
    stapling = result.stapling
    assert stapling is not None and not stapling.stapled and stapling.problem is None
    assert result.to_json()["ocsp_stapling"]["stapled"] is False
    finding = next(f for f in result.findings if f.title == "no OCSP stapling")
    assert finding.fix is not None and "ssl_stapling on" in finding.fix.nginx
    assert "SSLUseStapling on" in finding.fix.apache
    assert "nothing stapled" in _shown(result)


def test_scan_asks_for_stapling_through_the_proxy(tmp_path: Path) -> None:
    from tests.stapling_support import alice_response, openssl_s_server

    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response())
    with openssl_s_server(tmp_path, path) as port, \
            connect_proxy(hosts={"staple.invalid": "127.0.0.1"}) as proxy:
        # staple.invalid resolves only in the proxy: the stapling handshake went through it
        result = scan("staple.invalid", port, servername="alice.example.net", timeout=60, workers=4,
                      route=Route(proxy=("127.0.0.1", proxy.port)))
    assert result.error is None, result.error
    assert result.stapling is not None and result.stapling.stapled, result.stapling
