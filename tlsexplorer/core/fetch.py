"""Plain-HTTP fetches with hard bounds: the one way the core downloads anything.

Revocation checks download CRLs from a certificate's distribution points and
ask OCSP responders; server diagnosis downloads a missing intermediate from
the leaf's AIA caIssuers URL. Those URLs come from certificates, that is from
whoever made them, so every fetch is bounded:

- ``http://`` only (PKI URLs are plain HTTP on purpose: the objects are
  signed, and fetching them over TLS would need the very chain being checked);
- one deadline for the whole fetch, redirects included: a server that
  trickles its bytes cannot stretch it;
- at most ``max_bytes`` of body (a 1 GB "CRL" is refused once the limit is
  passed, never held in memory);
- at most ``max_redirects`` redirects, and only to ``http://`` URLs;
- an optional HTTP CONNECT proxy (``proxy="http://HOST:PORT"``).

Successful GETs are kept in a small in-process cache (:func:`clear_cache`),
so a chain whose certificates share a distribution point downloads it once.
Every failure is a :class:`FetchError` with a sentence saying what happened;
callers turn it into "status unknown" or a finding.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass

from tlsexplorer.core.errors import TlsxError

DEFAULT_TIMEOUT = 10.0
"""Seconds for a whole fetch, redirects included."""

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""The largest body accepted (10 MiB: a 200,000-entry CRL is about 7 MB)."""

DEFAULT_MAX_REDIRECTS = 5

_CHUNK = 64 * 1024
_CACHE_ENTRIES = 32


class FetchError(TlsxError):
    """A download failed: refused, timed out, too large, not HTTP, bad status."""

    exit_code = 1


@dataclass(frozen=True)
class FetchResult:
    """What a fetch returned.

    Attributes:
        url: the URL asked for.
        final_url: where the body came from after redirects.
        status: the HTTP status code (2xx, or what ``accept_status`` allowed).
        content_type: the Content-Type header, or ``""``.
        body: the body, at most ``max_bytes`` long.
        elapsed: seconds the fetch took (0.0 when served from the cache).
        cached: True when the body came from the in-process cache.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    elapsed: float
    cached: bool = False


_cache: OrderedDict[str, FetchResult] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached GET (tests, and a user who asks to fetch again)."""
    with _cache_lock:
        _cache.clear()


def split_http_url(url: str) -> tuple[str, int, str]:
    """``http://host[:port]/path?query`` -> (host, port, path-with-query).

    Raises:
        FetchError: not an http:// URL, or no host.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "http":
        shown = parts.scheme or "no scheme"
        raise FetchError(f"{url!r}: only http:// URLs are fetched ({shown} is not)")
    if not parts.hostname:
        raise FetchError(f"{url!r}: the URL names no host")
    try:
        port = parts.port or 80
    except ValueError as exc:
        raise FetchError(f"{url!r}: {exc}") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, port, path


def fetch(
    url: str,
    *,
    data: bytes | None = None,
    content_type: str = "",
    accept: str = "*/*",
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    proxy: str | None = None,
    use_cache: bool = True,
) -> FetchResult:
    """GET ``url`` (or POST ``data`` to it), within every bound in the module docstring.

    Raises:
        FetchError: with a sentence naming the URL and what went wrong.
    """
    method = "GET" if data is None else "POST"
    cacheable = use_cache and method == "GET"
    if cacheable:
        with _cache_lock:
            hit = _cache.get(url)
            if hit is not None:
                _cache.move_to_end(url)
                return FetchResult(
                    hit.url, hit.final_url, hit.status, hit.content_type, hit.body, 0.0, cached=True
                )
    started = time.monotonic()
    deadline = started + timeout
    current = url
    for _hop in range(max_redirects + 1):
        status, headers, body = _one_request(
            current, method, data, content_type, accept, deadline, max_bytes, proxy
        )
        if status in (301, 302, 303, 307, 308):
            location = headers.get("location", "")
            if not location:
                raise FetchError(f"{current}: HTTP {status} redirect without a Location header")
            current = urllib.parse.urljoin(current, location)
            split_http_url(current)  # refuses https://, file:// ... before connecting
            if status == 303:
                method, data = "GET", None
            continue
        if not 200 <= status < 300:
            raise FetchError(f"{current}: the server answered HTTP {status}")
        result = FetchResult(
            url, current, status, headers.get("content-type", ""), body, time.monotonic() - started
        )
        if cacheable:
            with _cache_lock:
                _cache[url] = result
                while len(_cache) > _CACHE_ENTRIES:
                    _cache.popitem(last=False)
        return result
    raise FetchError(f"{url}: more than {max_redirects} redirects; giving up")


def _left(deadline: float, url: str) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"{url}: no complete answer in time; giving up")
    return remaining


def _one_request(
    url: str,
    method: str,
    data: bytes | None,
    content_type: str,
    accept: str,
    deadline: float,
    max_bytes: int,
    proxy: str | None,
) -> tuple[int, dict[str, str], bytes]:
    host, port, path = split_http_url(url)
    if proxy is not None:
        proxy_host, proxy_port, _ = split_http_url(proxy)
        connection = http.client.HTTPConnection(proxy_host, proxy_port, timeout=_left(deadline, url))
        target = url  # a plain-HTTP proxy takes the absolute URL
    else:
        connection = http.client.HTTPConnection(host, port, timeout=_left(deadline, url))
        target = path
    headers = {"Accept": accept, "User-Agent": "tlsexplorer", "Connection": "close"}
    if data is not None:
        headers["Content-Type"] = content_type or "application/octet-stream"
    try:
        connection.request(method, target, body=data, headers=headers)
        sock = connection.sock  # kept: getresponse() drops it from the connection on "Connection: close"
        if sock is not None:
            sock.settimeout(_left(deadline, url))
        response = connection.getresponse()
        declared = response.getheader("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(
                f"{url}: the answer is {int(declared):,} bytes, more than the limit of {max_bytes:,}"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = _left(deadline, url)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: the answer is more than the limit of {max_bytes:,} bytes")
            chunks.append(chunk)
        found = {key.lower(): value for key, value in response.getheaders()}
        return response.status, found, b"".join(chunks)
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(f"{url}: no complete answer in time; giving up") from None
    except ConnectionRefusedError:
        raise FetchError(f"{url}: connection refused (is the server running?)") from None
    except socket.gaierror as exc:
        raise FetchError(f"{url}: cannot resolve {host!r} ({exc.strerror})") from None
    except (OSError, http.client.HTTPException) as exc:
        reason = str(exc) or type(exc).__name__
        raise FetchError(f"{url}: {reason}") from None
    finally:
        connection.close()


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "FetchError",
    "FetchResult",
    "clear_cache",
    "fetch",
    "split_http_url",
]
