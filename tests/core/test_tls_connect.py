"""Reaching a server's TLS layer: STARTTLS per protocol, an HTTP CONNECT proxy, and the bad cases.

The STARTTLS servers are small scripted servers on loopback; `openssl s_client
-starttls` is run against the same servers, so they speak what OpenSSL's
client expects, and the probe must reach them the same way.
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.scan_support import (
    Listener,
    connect_proxy,
    read_until,
    s_client_accepts,
    starttls_server,
)
from tests.tls_support import lab_server, root_pem
from tests.tools import needs_openssl
from tlsexplorer.core.deadline import Deadline
from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.tls.connect import (
    STARTTLS_PROTOCOLS,
    Route,
    RouteError,
    make_route,
    open_connection,
)
from tlsexplorer.core.tls.probe import probe


@needs_openssl
@pytest.mark.parametrize("protocol", STARTTLS_PROTOCOLS)
def test_probe_upgrades_each_protocol_as_openssl_does(protocol: str) -> None:
    with starttls_server(protocol) as server:
        result = probe("localhost", server.port, ca_pems=[root_pem()], servername="localhost",
                       route=Route(starttls=protocol), timeout=20, explain=False)
        assert result.connected and result.verified, result.error
        assert result.tls_version in ("TLSv1.2", "TLSv1.3")
        extra = ["-xmpphost", "localhost"] if protocol == "xmpp" else []
        assert s_client_accepts(server.port, "-starttls", protocol, *extra) is not None


def _stalling_smtp(conn: socket.socket) -> None:
    conn.sendall(b"220 mail.test ESMTP\r\n")
    read_until(conn, b"\r\n")
    time.sleep(30)  # never answers EHLO


def test_a_server_that_stalls_mid_starttls_gets_one_sentence_within_the_deadline() -> None:
    with Listener(_stalling_smtp) as server:
        started = time.monotonic()
        result = probe("127.0.0.1", server.port, route=Route(starttls="smtp"), timeout=1.5, insecure=True)
        assert time.monotonic() - started < 15
    assert not result.connected
    assert result.error is not None and "stalled" in result.error and "EHLO" in result.error


@pytest.mark.parametrize(("protocol", "garbage", "words"), [
    ("smtp", b"HTTP/1.1 400 Bad Request\r\n\r\n", "not a SMTP server"),
    ("imap", b"\x16\x03\x01\x00\x05hello\r\n", "not a IMAP server"),
    ("pop3", b"-ERR go away\r\n", "expected '+OK'"),
    ("postgres", b"E", "expected S or N"),
    ("ldap", b"\x04\x00", "expected an LDAPMessage"),
    ("xmpp", b"not xml at all", "not a XMPP server"),
    ("ftp", b"x" * 10000, "more than 4096 bytes"),
])
def test_garbage_during_starttls_gets_one_sentence(protocol: str, garbage: bytes, words: str) -> None:
    def serve(conn: socket.socket) -> None:
        conn.sendall(garbage)
        time.sleep(5)

    with Listener(serve) as server, pytest.raises(RouteError) as caught:
        open_connection("127.0.0.1", server.port, Deadline(10), Route(starttls=protocol)).close()
    assert words in str(caught.value)
    assert f"STARTTLS ({protocol.upper()})" in str(caught.value)


def test_a_server_without_starttls_says_so() -> None:
    def serve(conn: socket.socket) -> None:
        conn.sendall(b"220 mail.test\r\n")
        read_until(conn, b"\r\n")
        conn.sendall(b"250-mail.test\r\n250 8BITMIME\r\n")
        time.sleep(2)

    with Listener(serve) as server, pytest.raises(RouteError, match="does not offer STARTTLS"):
        open_connection("127.0.0.1", server.port, Deadline(10), Route(starttls="smtp"))


def test_probe_through_a_connect_proxy() -> None:
    with lab_server() as lab, connect_proxy() as proxy:
        result = probe("127.0.0.1", lab.port, ca_pems=[root_pem()], servername="localhost",
                       route=Route(proxy=("127.0.0.1", proxy.port)), timeout=20, explain=False)
    assert result.connected and result.verified, result.error
    assert proxy.seen and proxy.seen[0].startswith(f"CONNECT 127.0.0.1:{lab.port} HTTP/1.1\r\n".encode())


@pytest.mark.parametrize(("answer", "words"), [
    (b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", "refused CONNECT 127.0.0.1:"),
    (b"SSH-2.0-OpenSSH_9.2\r\n", "did not answer in HTTP"),
    (b"HTTP/1.1 200 OK\r\n" + b"X-Junk: a\r\n" * 3000, "more than 16 KiB of headers"),
])
def test_a_proxy_that_refuses_or_answers_garbage(answer: bytes, words: str) -> None:
    with connect_proxy(answer) as proxy:
        result = probe("127.0.0.1", 9, route=Route(proxy=("127.0.0.1", proxy.port)), timeout=10,
                       insecure=True)
    assert not result.connected
    assert result.error is not None and words in result.error


def test_a_silent_proxy_is_bounded_by_the_deadline() -> None:
    with Listener(lambda conn: time.sleep(30)) as proxy:
        started = time.monotonic()
        with pytest.raises(RouteError, match="did not answer CONNECT"):
            open_connection("127.0.0.1", 9, Deadline(1.0), Route(proxy=("127.0.0.1", proxy.port)))
        assert time.monotonic() - started < 15


@pytest.mark.parametrize(("text", "expected"), [
    ("http://127.0.0.1:3128", ("127.0.0.1", 3128)),
    ("127.0.0.1:3128", ("127.0.0.1", 3128)),
    ("http://[::1]:8080/", ("::1", 8080)),
    ("http://proxy.example", ("proxy.example", 8080)),
])
def test_proxy_urls(text: str, expected: tuple[str, int]) -> None:
    assert make_route(text).proxy == expected


@pytest.mark.parametrize("text", ["socks5://h:1", "https://h:1", "http://:1", "http://h:0", "http://u@h:1",
                                  "http://h:99999"])
def test_bad_proxy_urls_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        make_route(text)


def test_an_unknown_starttls_protocol_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="choose one of smtp"):
        make_route(None, "gopher")
