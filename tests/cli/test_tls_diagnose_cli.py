"""tls probe --targets/--fetch/--warn-days and tls doctor, through the real command and real clients."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.served_support import body, http_server, make_pki, s_server, write_pem
from tests.tls_support import ROOT, closed_port, lab_server
from tests.tools import needs_openssl
from tlsexplorer.core.tls.targets import parse_targets

#: Variables that move trust: cleared so a test sees only what it sets.
TRUST_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSLKEYLOGFILE")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TRUST_VARS}
    env.update(extra)
    return env


def _run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tlsexplorer", *args], capture_output=True, text=True,
                          env=env or _env(), timeout=timeout, check=False)


# ---------------------------------------------------------------------------
# --targets


def test_targets_file_exit_status_and_json(tmp_path: Path) -> None:
    soon = make_pki(leaf_days=3)
    later = make_pki(leaf_days=300)
    ca = write_pem(tmp_path / "roots.pem", soon.root_pem + later.root_pem)
    with lab_server(soon.serve_files(tmp_path, soon.leaf, soon.intermediate, name="soon")) as a, \
            lab_server(later.serve_files(tmp_path, later.leaf, later.intermediate, name="later")) as b:
        dead = closed_port()
        targets = write_pem(tmp_path / "targets.txt", (
            f"# production\n\nlocalhost:{b.port}   # the good one\nlocalhost:{a.port}\n"
            f"localhost:{dead}\nnot a target\nlocalhost:99999\nlocalhost:{b.port}\n").encode())
        good_only = write_pem(tmp_path / "good.txt", f"localhost:{b.port}\n".encode())
        mixed = _run("tls", "probe", "--targets", str(targets), "--ca", str(ca), "--warn-days", "10",
                     "--timeout", "5", "--json")
        fine = _run("tls", "probe", "--targets", str(good_only), "--ca", str(ca), "--warn-days", "10")
        strict = _run("tls", "probe", "--targets", str(good_only), "--ca", str(ca), "--warn-days", "400")
    assert mixed.returncode == 1
    doc = json.loads(mixed.stdout)
    status = {t["target"]: t["status"] for t in doc["targets"]}
    assert status == {f"localhost:{b.port}": "ok", f"localhost:{a.port}": "expiring",
                      f"localhost:{dead}": "failed"}
    assert doc["counts"] == {"ok": 1, "expiring": 1, "failed": 1}
    lines = {b_["line"] for b_ in doc["bad_lines"]}
    assert lines == {6, 7, 8}
    # One clear message per bad line, on stderr, naming the file and the line.
    messages = [line for line in mixed.stderr.splitlines() if "warning:" in line]
    assert len(messages) == 3 and all("targets.txt line" in m for m in messages)
    assert "not one HOST:PORT" in mixed.stderr and "99999" in mixed.stderr and "on line 3" in mixed.stderr
    assert fine.returncode == 0, fine.stderr
    assert strict.returncode == 1  # the 300-day leaf expires within 400 days


def test_ten_thousand_lines_are_read_in_bounded_time_with_one_message_each(tmp_path: Path) -> None:
    lines = [f"host{i}.invalid:{i % 65535 + 1}" for i in range(9_990)] + ["bad line here"] * 10
    started = time.monotonic()
    targets, bad = parse_targets("\n".join(lines).encode(), "big.txt")
    assert time.monotonic() - started < 10
    assert len(targets) == 9_990 and len(bad) == 10
    assert [b.line for b in bad] == list(range(9_991, 10_001))
    over, too_many = parse_targets("\n".join(f"h{i}.invalid:1" for i in range(10_050)).encode(), "x")
    assert len(over) == 10_000 and len(too_many) == 1 and "more than 10,000" in too_many[0].message
    garbage, messages = parse_targets(b"\xff\xfe\x00\x01:443\n" + b"a" * 400 + b"\n", "g")
    assert not garbage and len(messages) == 2


def test_many_failing_targets_finish_in_bounded_time(tmp_path: Path) -> None:
    dead = closed_port()
    lines = [f"127.0.0.{i % 250 + 1}:{dead}" for i in range(100)]
    targets = write_pem(tmp_path / "t.txt", "\n".join(lines).encode())
    started = time.monotonic()
    done = _run("tls", "probe", "--targets", str(targets), "--timeout", "3", "--workers", "32", "--json")
    assert time.monotonic() - started < 100
    assert done.returncode == 1
    assert {t["status"] for t in json.loads(done.stdout)["targets"]} == {"failed"}


def test_targets_usage_errors_are_one_line() -> None:
    for args, words in ((["tls", "probe"], "HOST:PORT, or --targets"),
                        (["tls", "probe", "localhost:1", "--targets", "x"], "not both"),
                        (["tls", "probe", "--targets", "x", "--fetch"], "--fetch cannot be used")):
        done = _run(*args)
        assert done.returncode == 2 and words in done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------
# probe --fetch --warn-days --json


@needs_openssl
def test_probe_fetch_json_and_warn_days_exit(tmp_path: Path) -> None:
    routes: dict[str, object] = {}
    with http_server(routes) as port:  # type: ignore[arg-type]
        pki = make_pki(leaf_days=5, aia=f"http://127.0.0.1:{port}/i.cer")
        routes["/i.cer"] = body(pki.intermediate.public_bytes(serialization.Encoding.DER))
        files = pki.serve_files(tmp_path, pki.leaf)
        ca = write_pem(tmp_path / "root.pem", pki.root_pem)
        with s_server(files.cert, files.key, None) as server:
            fetched = _run("tls", "probe", f"localhost:{server}", "--ca", str(ca), "--fetch", "--json")
            curl = subprocess.run(["curl", "-sS", "-o", os.devnull, "--cacert", str(ca),
                                   f"https://localhost:{server}/"], capture_output=True, text=True,
                                  env=_env(), check=False) if shutil.which("curl") else None
        complete = pki.serve_files(tmp_path, pki.leaf, name="full")
        chain = write_pem(tmp_path / "chain.pem", pki.pem(pki.intermediate))
        with s_server(complete.cert, complete.key, chain) as server:
            quiet = _run("tls", "probe", f"localhost:{server}", "--ca", str(ca))
            warned = _run("tls", "probe", f"localhost:{server}", "--ca", str(ca), "--warn-days", "10")
    doc = json.loads(fetched.stdout)
    assert fetched.returncode == 1 and doc["verified"] is False  # what Python's ssl says
    served = doc["served"]
    assert served["completed"]["valid"] is True
    assert served["fetched"][0]["subject"] == "Served Test Intermediate"
    assert any("Browsers do this" in f["message"] for f in served["findings"])
    if curl is not None:  # curl does not fetch: it refuses, as the finding says
        assert curl.returncode == 60 and "unable to get local issuer" in curl.stderr
    assert quiet.returncode == 0, quiet.stderr
    assert warned.returncode == 1 and "within the 10 days" in warned.stdout


# ---------------------------------------------------------------------------
# tls doctor


def _python_says(port: int, env: dict[str, str]) -> bool:
    code = ("import ssl, socket, sys\n"
            f"s = socket.create_connection(('localhost', {port}), timeout=10)\n"
            "try:\n ssl.create_default_context().wrap_socket(s, server_hostname='localhost')\n"
            "except ssl.SSLCertVerificationError:\n sys.exit(1)\n")
    return subprocess.run([sys.executable, "-c", code], env=env, check=False, timeout=30).returncode == 0


def _certifi_says(port: int) -> bool:
    import socket

    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    try:
        with socket.create_connection(("localhost", port), timeout=10) as sock, \
                context.wrap_socket(sock, server_hostname="localhost"):
            return True
    except ssl.SSLCertVerificationError:
        return False


def test_doctor_ca_trusted_only_through_ssl_cert_file() -> None:
    env = _env(SSL_CERT_FILE=str(ROOT))
    with lab_server() as server:
        done = _run("tls", "doctor", f"https://localhost:{server.port}/", "--json", "--timeout", "10",
                    env=env)
        python_ok = _python_says(server.port, env)
        plain_python_ok = _python_says(server.port, _env())
        certifi_ok = _certifi_says(server.port)
        curl = subprocess.run(["curl", "-sS", "-o", os.devnull, f"https://localhost:{server.port}/"],
                              env=env, capture_output=True, text=True, check=False) \
            if shutil.which("curl") else None
        curl_cacert = subprocess.run(["curl", "-sS", "-o", os.devnull, "--cacert", str(ROOT),
                                      f"https://localhost:{server.port}/"], env=_env(), capture_output=True,
                                     text=True, check=False) if shutil.which("curl") else None
        openssl = subprocess.run(["openssl", "s_client", "-connect", f"localhost:{server.port}",
                                  "-verify_hostname", "localhost", "-verify_return_error"],
                                 stdin=subprocess.DEVNULL, env=env, capture_output=True, text=True,
                                 check=False, timeout=30) if shutil.which("openssl") else None
    doc = json.loads(done.stdout)
    verdicts = {c["client"]: c for c in doc["clients"]}
    # Each verdict is the one the client itself gives, run independently with the same environment.
    assert python_ok and not plain_python_ok
    assert verdicts["python"]["accepted"] is True and "SSL_CERT_FILE" in verdicts["python"]["trust_store"]
    assert verdicts["certifi"]["accepted"] is certifi_ok is False
    assert "unable to get local issuer" in verdicts["certifi"]["sentence"]
    assert verdicts["system"]["accepted"] is False
    if curl is not None:
        assert verdicts["curl"]["accepted"] is (curl.returncode == 0)
        assert curl_cacert is not None and curl_cacert.returncode == 0  # curl --cacert accepts
    if openssl is not None:
        assert verdicts["openssl"]["accepted"] is (openssl.returncode == 0)
    env_doc = {e["name"]: e for e in doc["environment"]}
    assert env_doc["SSL_CERT_FILE"]["value"] == str(ROOT) and env_doc["CURL_CA_BUNDLE"]["set"] is False
    assert done.returncode == 1  # certifi and the system store refuse
    # Trusted here, absent from the public store: named as a private CA or an intercepting proxy.
    assert any(f["kind"] == "interception" and "not in the public store" in f["message"]
               for f in doc["findings"])
    for client in doc["clients"]:
        assert client["sentence"].count(". ") <= 1 or client["accepted"] is None


def test_doctor_with_curl_ca_bundle_and_a_text_report() -> None:
    env = _env(CURL_CA_BUNDLE=str(ROOT))
    with lab_server() as server:
        done = _run("tls", "doctor", f"localhost:{server.port}", "--only", "curl", "certifi", env=env)
        curl = subprocess.run(["curl", "-sS", "-o", os.devnull, f"https://localhost:{server.port}/"],
                              env=env, capture_output=True, text=True, check=False) \
            if shutil.which("curl") else None
    assert "certifi (requests, httpx)" in done.stdout and "refuses" in done.stdout
    assert "CURL_CA_BUNDLE" in done.stdout
    if curl is not None:
        row = next(line for line in done.stdout.splitlines() if line.startswith("│ curl "))
        assert ("accepts" in row) is (curl.returncode == 0)


def test_doctor_clock_skew_from_the_date_header(tmp_path: Path) -> None:
    import socket
    import threading

    from tests.tls_support import ALICE

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ALICE.cert, ALICE.key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            try:
                conn.settimeout(5)
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(4096)
                    tls.sendall(b"HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                                b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        done = _run("tls", "doctor", f"https://localhost:{port}/", "--only", "python", "--json",
                    env=_env(SSL_CERT_FILE=str(ROOT)))
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    doc = json.loads(done.stdout)
    assert doc["server_date"] == "1994-11-06T08:49:37Z" and doc["skew_seconds"] < -10**8
    assert any(f["kind"] == "clock" and "ahead of the server" in f["message"] for f in doc["findings"])


def test_doctor_bad_url_is_one_line() -> None:
    done = _run("tls", "doctor", "http://localhost:1/")
    assert done.returncode == 2 and "https://" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------
# --proxy: every connection of probe (the SNI comparison, the AIA download) and doctor goes through it


def test_probe_through_a_proxy_compares_sni_and_downloads_aia_through_it(tmp_path: Path) -> None:
    from tests.scan_support import connect_proxy

    routes: dict[str, object] = {}
    with http_server(routes) as http_port:  # type: ignore[arg-type]
        # Both names are known only to the proxy: reaching them proves the connection went through it.
        pki = make_pki(host="lab.invalid", aia=f"http://aia.invalid:{http_port}/i.cer")
        routes["/i.cer"] = body(pki.intermediate.public_bytes(serialization.Encoding.DER))
        ca = write_pem(tmp_path / "root.pem", pki.root_pem)
        hosts = {"lab.invalid": "127.0.0.1", "aia.invalid": "127.0.0.1"}
        with lab_server(pki.serve_files(tmp_path, pki.leaf)) as server, \
                connect_proxy(hosts=hosts) as proxy:
            done = _run("tls", "probe", f"lab.invalid:{server.port}", "--proxy",
                        f"http://127.0.0.1:{proxy.port}", "--ca", str(ca), "--fetch", "--json")
    doc = json.loads(done.stdout)
    assert doc["connected"] is True and doc["verified"] is False  # the intermediate is missing
    served = doc["served"]
    assert served["sni"]["error"] is None and served["sni"]["same"] is True, served["sni"]
    assert served["completed"]["valid"] is True
    assert served["fetched"][0]["subject"] == "Served Test Intermediate"
    assert any(r.startswith(f"GET http://aia.invalid:{http_port}/i.cer ".encode()) for r in proxy.seen)
    tunnels = [r for r in proxy.seen if r.startswith(f"CONNECT lab.invalid:{server.port} ".encode())]
    assert len(tunnels) >= 3  # the probe's handshakes, and the one without SNI


def test_doctor_through_a_proxy_routes_every_client(tmp_path: Path) -> None:
    from tests.scan_support import connect_proxy

    pki = make_pki(host="lab.invalid")
    ca = write_pem(tmp_path / "root.pem", pki.root_pem)
    env = _env(SSL_CERT_FILE=str(ca))
    with lab_server(pki.serve_files(tmp_path, pki.leaf, pki.intermediate)) as server, \
            connect_proxy(hosts={"lab.invalid": "127.0.0.1"}) as proxy:
        done = _run("tls", "doctor", f"https://lab.invalid:{server.port}/", "--proxy",
                    f"http://127.0.0.1:{proxy.port}", "--json", "--only", "python", "certifi", "curl",
                    "openssl", env=env)
        text = _run("tls", "doctor", f"https://lab.invalid:{server.port}/", "--proxy",
                    f"http://127.0.0.1:{proxy.port}", "--only", "certifi", env=env)
    doc = json.loads(done.stdout)
    verdicts = {c["client"]: c for c in doc["clients"]}
    assert doc["route"]["proxy"] == f"http://127.0.0.1:{proxy.port}"
    # lab.invalid resolves only in the proxy: a client that verified or refused the chain went through it.
    assert verdicts["python"]["accepted"] is True, verdicts["python"]
    assert verdicts["certifi"]["accepted"] is False
    if shutil.which("curl"):
        assert verdicts["curl"]["accepted"] is not None, verdicts["curl"]
        assert "--proxy" in verdicts["curl"]["command"]
        assert any(b"User-Agent: curl/" in r for r in proxy.seen)
    if shutil.which("openssl"):
        assert verdicts["openssl"]["accepted"] is True, verdicts["openssl"]
        assert "-proxy" in verdicts["openssl"]["command"]
    assert [c["subject"] for c in doc["chain"]] == ["CN=lab.invalid", "CN=Served Test Intermediate"]
    assert "through the HTTP proxy" in text.stdout


def test_doctor_through_a_refusing_proxy_connects_nowhere() -> None:
    from tests.scan_support import connect_proxy

    with lab_server() as server, connect_proxy(b"HTTP/1.1 403 Forbidden\r\n\r\n") as proxy:
        done = _run("tls", "doctor", f"https://localhost:{server.port}/", "--proxy",
                    f"http://127.0.0.1:{proxy.port}", "--json", env=_env(SSL_CERT_FILE=str(ROOT)))
    doc = json.loads(done.stdout)
    ran = [c for c in doc["clients"] if c["available"]]
    assert ran and done.returncode == 1
    for client in ran:  # none went around the proxy to the server
        assert client["accepted"] is None and "could not connect" in client["sentence"], client
    python = next(c for c in ran if c["client"] == "python")
    assert "403" in python["said"]


def test_doctor_table_does_not_repeat_the_client_name() -> None:
    with lab_server() as server:
        done = _run("tls", "doctor", f"https://localhost:{server.port}/", "--only", "certifi", "--json")
        text = _run("tls", "doctor", f"https://localhost:{server.port}/", "--only", "certifi",
                    env={**_env(), "COLUMNS": "200"})
    client = json.loads(done.stdout)["clients"][0]
    # The sentence stands alone in --json; the table's columns already say who and what.
    assert client["sentence"].startswith("certifi (requests, httpx) refuses it: ")
    assert client["sentence"].endswith(client["why"])
    row = next(line for line in text.stdout.splitlines() if line.startswith("│ certifi"))
    assert row.count("certifi (requests, httpx)") == 1 and "refuses it" not in row
    assert "unable to get local issuer certificate" in row


def test_doctor_refuses_starttls_and_has_no_such_option() -> None:
    done = _run("tls", "doctor", "localhost:25", "--starttls", "smtp")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    from tlsexplorer.core.errors import UsageError
    from tlsexplorer.core.tls.connect import make_route
    from tlsexplorer.core.tls.doctor import diagnose

    with pytest.raises(UsageError, match="HTTPS"):
        diagnose("localhost:25", route=make_route(starttls="smtp"))
