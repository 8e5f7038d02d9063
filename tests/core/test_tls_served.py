"""The chain as served, judged against real servers on loopback (openssl s_server, the lab server)."""

from __future__ import annotations

import datetime as dt
import http.server
import subprocess
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from tests.served_support import Pki, body, http_server, make_pki, s_server, write_pem
from tests.tls_support import lab_server
from tests.tools import needs_openssl
from tlsexplorer.core.fetch import clear_cache
from tlsexplorer.core.tls.probe import PeerCertificate, ProbeResult, probe
from tlsexplorer.core.tls.served import MAX_AIA_BYTES, compare_sni, judge_served

NOW = dt.datetime.now(dt.UTC)


def _severity(served: object, check: str) -> list[str]:
    return [f.severity for f in served.findings if f.check == check]  # type: ignore[attr-defined]


def _served(pki: Pki, tmp_path: Path, chain: tuple[object, ...] | None, **options: object) -> object:
    files = pki.serve_files(tmp_path, pki.leaf)
    extra = write_pem(tmp_path / "extra.pem", pki.pem(*chain)) if chain else None  # type: ignore[arg-type]
    with s_server(files.cert, files.key, extra) as port:
        result = probe("localhost", port, ca_pems=[pki.root_pem], now=NOW)
    return result, judge_served(result, now=NOW, ca_pems=[pki.root_pem], **options)  # type: ignore[arg-type]


def _openssl_verify(pki: Pki, tmp_path: Path, sent: list[bytes]) -> bool:
    """What openssl verify says of the sent chain (leaf first, the rest untrusted)."""
    leaf = write_pem(tmp_path / "v-leaf.pem", sent[0])
    root = write_pem(tmp_path / "v-root.pem", pki.root_pem)
    args = ["openssl", "verify", "-no-CAfile", "-no-CApath", "-trusted", str(root)]
    if len(sent) > 1:
        args += ["-untrusted", str(write_pem(tmp_path / "v-rest.pem", b"".join(sent[1:])))]
    return subprocess.run([*args, str(leaf)], capture_output=True, check=False).returncode == 0


@needs_openssl
def test_a_good_chain_passes_and_openssl_agrees(tmp_path: Path) -> None:
    pki = make_pki()
    result, served = _served(pki, tmp_path, (pki.intermediate,))
    assert result.verified and served.ok  # type: ignore[attr-defined]
    assert all(f.severity == "ok" for f in served.findings)  # type: ignore[attr-defined]
    assert _openssl_verify(pki, tmp_path, [c.pem for c in result.peer_chain])  # type: ignore[attr-defined]


@needs_openssl
def test_leaf_only_is_a_missing_intermediate_as_python_says(tmp_path: Path) -> None:
    pki = make_pki()
    result, served = _served(pki, tmp_path, None)
    assert not result.verified and "unable to get local issuer" in (result.error or "")  # type: ignore[attr-defined]
    assert _severity(served, "missing_intermediate") == ["fail"]
    assert not served.ok  # type: ignore[attr-defined]
    assert not _openssl_verify(pki, tmp_path, [c.pem for c in result.peer_chain])  # type: ignore[attr-defined]


@needs_openssl
def test_wrong_order_and_a_redundant_root_are_named(tmp_path: Path) -> None:
    pki = make_pki()
    result, served = _served(pki, tmp_path, (pki.root, pki.intermediate))
    assert [c.subject for c in result.peer_chain] == [  # type: ignore[attr-defined]
        "CN=localhost", "CN=Served Test Root", "CN=Served Test Intermediate"]
    assert result.verified  # OpenSSL sorts the order out
    order = next(f for f in served.findings if f.check == "order")  # type: ignore[attr-defined]
    assert order.severity == "warn" and "[2]" in order.message and order.fix
    root = next(f for f in served.findings if f.check == "redundant_root")  # type: ignore[attr-defined]
    size = len(pki.root.public_bytes(serialization.Encoding.DER))
    assert root.certificates == (1,) and f"{size:,}" in root.message


@needs_openssl
def test_with_root_in_order_is_only_a_redundant_root(tmp_path: Path) -> None:
    pki = make_pki()
    _result, served = _served(pki, tmp_path, (pki.intermediate, pki.root))
    assert _severity(served, "order") == ["ok"]
    assert _severity(served, "redundant_root") == ["warn"]
    assert served.ok  # type: ignore[attr-defined]


@needs_openssl
def test_expiring_soon_is_warned_within_the_days_given(tmp_path: Path) -> None:
    pki = make_pki(leaf_days=5)
    _result, soon = _served(pki, tmp_path, (pki.intermediate,), warn_days=30)
    assert _severity(soon, "expiry") == ["warn"] and soon.expiring  # type: ignore[attr-defined]
    _result, later = _served(pki, tmp_path, (pki.intermediate,), warn_days=2)
    assert _severity(later, "expiry") == ["ok"] and not later.expiring  # type: ignore[attr-defined]


def test_the_leaf_not_first_is_named() -> None:
    pki = make_pki()
    sent = tuple(PeerCertificate.from_der(c.public_bytes(serialization.Encoding.DER))
                 for c in (pki.intermediate, pki.leaf))
    result = ProbeResult("localhost", 443, "localhost", True, peer_chain=sent)
    served = judge_served(result, now=NOW, ca_pems=[pki.root_pem])
    first = next(f for f in served.findings if f.check == "leaf_first")
    assert first.severity == "fail" and first.certificates == (0, 1)
    assert not served.ok


# ---------------------------------------------------------------------------
# AIA


def _leaf_only_with_aia(
    tmp_path: Path, routes: dict[str, object], path: str, port: int
) -> tuple[Pki, object]:
    pki = make_pki(aia=f"http://127.0.0.1:{port}{path}")
    files = pki.serve_files(tmp_path, pki.leaf)
    with lab_server(files) as server:
        result = probe("localhost", server.port, ca_pems=[pki.root_pem], now=NOW)
    return pki, result


@pytest.mark.parametrize("form", ["der", "pem", "pkcs7"])
def test_fetch_completes_the_chain_in_each_format(tmp_path: Path, form: str) -> None:
    clear_cache()
    routes: dict[str, object] = {}
    with http_server(routes) as port:  # type: ignore[arg-type]
        pki, result = _leaf_only_with_aia(tmp_path, routes, f"/{form}", port)
        data = {
            "der": pki.intermediate.public_bytes(serialization.Encoding.DER),
            "pem": pki.intermediate.public_bytes(serialization.Encoding.PEM),
            "pkcs7": pkcs7.serialize_certificates([pki.intermediate], serialization.Encoding.DER),
        }[form]
        routes[f"/{form}"] = body(data)
        served = judge_served(result, now=NOW, ca_pems=[pki.root_pem], fetch=True)  # type: ignore[arg-type]
    assert served.completed is not None and served.completed.valid
    assert [f.subject for f in served.fetched] == ["Served Test Intermediate"]
    done = [f for f in served.findings if f.check == "missing_intermediate"][-1]
    assert "Browsers do this" in done.message and "curl" in done.message and done.severity == "warn"


def _redirect_forever(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", handler.path)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _huge(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pkix-cert")
    handler.end_headers()  # no length: the body goes on and on (1 GB if read)
    chunk = b"\0" * 65536
    try:
        for _ in range(16384):
            handler.wfile.write(chunk)
    except OSError:
        return


@pytest.mark.parametrize(("route", "words"), [
    (_redirect_forever, "redirects"),
    (_huge, f"{MAX_AIA_BYTES:,} bytes"),
    (body(b"not a certificate"), "not a certificate"),
])
def test_fetch_refuses_hostile_answers_in_bounded_time(tmp_path: Path, route: object, words: str) -> None:
    clear_cache()
    routes: dict[str, object] = {}
    with http_server(routes) as port:  # type: ignore[arg-type]
        pki, result = _leaf_only_with_aia(tmp_path, routes, "/x", port)
        routes["/x"] = route
        started = time.monotonic()
        served = judge_served(result, now=NOW, ca_pems=[pki.root_pem], fetch=True)  # type: ignore[arg-type]
        assert time.monotonic() - started < 30
    assert served.completed is None and len(served.fetched) == 1
    assert words in (served.fetched[0].error or "")
    assert [f.severity for f in served.findings if f.check == "missing_intermediate"] == ["fail", "fail"]


# ---------------------------------------------------------------------------
# SNI, and a server that sends 10,000 certificates


def test_sni_and_no_sni_differences_are_shown(tmp_path: Path) -> None:
    import ssl

    named = make_pki(host="localhost")
    default = make_pki(host="default.invalid")
    named_files = named.serve_files(tmp_path, named.leaf, named.intermediate, name="named")
    default_files = default.serve_files(tmp_path, default.leaf, default.intermediate, name="default")
    from tlsexplorer.core.tls.server_files import load_server_context

    with lab_server(default_files) as server:
        assert server.context is not None
        other = load_server_context(named_files)

        def pick(sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            if name == "localhost":
                sslobj.context = other

        server.context.sni_callback = pick  # type: ignore[assignment]
        result = probe("localhost", server.port, ca_pems=[named.root_pem], now=NOW)
        comparison = compare_sni("localhost", server.port, "localhost", result.peer_chain, timeout=5)
        python_default = ssl.create_default_context(cadata=default.root_pem.decode())
        python_default.check_hostname = False
        import socket

        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock, \
                python_default.wrap_socket(sock, server_hostname=None) as tls:
            leaf_without = tls.getpeercert(binary_form=True)
    assert result.verified and result.peer_chain[0].subject == "CN=localhost"
    assert not comparison.same and comparison.without_sni[0].der == leaf_without
    assert comparison.default_names_host is False
    assert any("does not name localhost" in d for d in comparison.differences)


def test_a_server_sending_ten_thousand_certificates_is_bounded(tmp_path: Path) -> None:
    pki = make_pki()
    files = pki.serve_files(tmp_path, pki.leaf, *([pki.intermediate] * 10_000))
    with lab_server(files) as server:
        started = time.monotonic()
        result = probe("localhost", server.port, ca_pems=[pki.root_pem], now=NOW, timeout=20)
        served = judge_served(result, now=NOW, ca_pems=[pki.root_pem]) if result.peer_chain else None
        assert time.monotonic() - started < 60
    # OpenSSL's client refuses a certificate list above 100 KB: the probe says so, in one line.
    assert not result.connected and served is None
    assert "larger than OpenSSL accepts" in (result.error or "") and "\n" not in (result.error or "")
