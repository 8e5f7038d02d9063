"""core/fetch.py: bounded plain-HTTP downloads against servers the tests start."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from tlsexplorer.core.fetch import FetchError, clear_cache, fetch


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        _Handler.hits[self.path] = _Handler.hits.get(self.path, 0) + 1
        if self.path == "/ok":
            self._send(200, b"hello")
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/to-https":
            self.send_response(301)
            self.send_header("Location", "https://127.0.0.1/x")
            self.end_headers()
        elif self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 30))
            self.end_headers()
        elif self.path == "/big-streamed":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"x" * 65536)
            except OSError:
                pass
        elif self.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:
            self._send(404, b"no")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self._send(200, self.headers.get("Content-Type", "").encode() + b"|" + body)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    clear_cache()
    _Handler.hits.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_get_and_post(server: str) -> None:
    assert fetch(f"{server}/ok").body == b"hello"
    answer = fetch(f"{server}/echo", data=b"abc", content_type="application/ocsp-request")
    assert answer.body == b"application/ocsp-request|abc"


def test_a_redirect_is_followed_and_a_loop_is_refused(server: str) -> None:
    assert fetch(f"{server}/hop").final_url.endswith("/ok")
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(f"{server}/loop", max_redirects=3)


def test_only_plain_http(server: str) -> None:
    with pytest.raises(FetchError, match="only http://"):
        fetch("https://127.0.0.1/x")
    with pytest.raises(FetchError, match="only http://"):
        fetch(f"{server}/to-https")
    with pytest.raises(FetchError, match="only http://"):
        fetch("file:///etc/passwd")


def test_a_body_over_the_limit_is_refused_declared_or_streamed(server: str) -> None:
    with pytest.raises(FetchError, match="more than the limit"):
        fetch(f"{server}/big-declared", max_bytes=1000)
    with pytest.raises(FetchError, match="more than the limit"):
        fetch(f"{server}/big-streamed", max_bytes=100_000)


def test_a_trickling_server_meets_the_deadline(server: str) -> None:
    with pytest.raises(FetchError, match="in time"):
        fetch(f"{server}/stall", timeout=1.0)


def test_a_refused_connection_and_an_error_status(server: str) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{server}/missing")
    with pytest.raises(FetchError, match="refused"):
        fetch("http://127.0.0.1:1/x", timeout=5)


def test_gets_are_cached(server: str) -> None:
    first = fetch(f"{server}/ok")
    second = fetch(f"{server}/ok")
    assert not first.cached and second.cached and second.body == b"hello"
    assert _Handler.hits["/ok"] == 1
