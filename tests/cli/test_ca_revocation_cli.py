"""``ca revoke``, ``ca crl``, ``ca ocsp``: checked by openssl and held to the CA's record."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp as x509_ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

import tlsexplorer.core.ca.ocsp as ocsp
import tlsexplorer.core.ca.registry as registry
from tests.cli.support import run_cli
from tlsexplorer.core.ca.build import CertificateSpec, build_name, generate_private_key, issue_certificate
from tlsexplorer.core.ca.responder import MAX_BODY, OcspResponder
from tlsexplorer.core.ca.store import load_ca
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.files import CRASH_HOOK_ENV
from tlsexplorer.core.timeutil import parse_iso8601, utcnow

Cap = pytest.CaptureFixture[str]
Status = x509_ocsp.OCSPResponseStatus


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tlsexplorer: error: ")
    return lines[0]


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=120)


def tlsexplorer(*args: str, crash_at: str | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop(CRASH_HOOK_ENV, None)
    if crash_at is not None:
        env[CRASH_HOOK_ENV] = crash_at
    return subprocess.Popen([sys.executable, "-m", "tlsexplorer", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: Cap) -> Path:
    folder = tmp_path / "myca"
    code, _out, err = run_cli(capsys, "ca", "init", str(folder), "--cn", "Revoking Root", "--key-type",
                              "p256", "--crl-url", "http://127.0.0.1:9/root.crl",
                              "--ocsp-url", "http://127.0.0.1:9/")
    assert code == 0, err
    return folder


def issue(capsys: Cap, folder: Path, name: str, *extra: str) -> Path:
    code, _out, err = run_cli(capsys, "ca", "issue", str(folder), name, *extra)
    assert code == 0, err
    return folder / "issued" / f"{name}.pem"


def cert_of(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def revoke(capsys: Cap, folder: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "ca", "revoke", str(folder), *args)


# Issuing with CRL and OCSP pointers ---------------------------------------------------------


def test_what_the_ca_issues_says_where_to_ask(ca_dir: Path, capsys: Cap) -> None:
    leaf = cert_of(issue(capsys, ca_dir, "www.test"))
    points = leaf.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert [n.value for p in points for n in (p.full_name or [])] == ["http://127.0.0.1:9/root.crl"]
    aia = leaf.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [(a.access_method, a.access_location.value) for a in aia] == [
        (AuthorityInformationAccessOID.OCSP, "http://127.0.0.1:9/")]
    other = cert_of(issue(capsys, ca_dir, "other.test", "--crl-url", "http://crl.test/x.crl"))
    points = other.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name is not None and points[0].full_name[0].value == "http://crl.test/x.crl"
    # openssl reads them the same way
    text = openssl("x509", "-in", str(ca_dir / "issued" / "www.test.pem"), "-noout", "-text").stdout
    assert "URI:http://127.0.0.1:9/root.crl" in text and "OCSP - URI:http://127.0.0.1:9/" in text


def test_a_url_that_is_not_http_is_one_error(ca_dir: Path, capsys: Cap) -> None:
    code, _out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "x.test", "--ocsp-url", "ldap://x/")
    assert code == 2 and "http://" in one_error_line(err)
    assert not (ca_dir / "issued" / "x.test.pem").exists()


# Revoking -------------------------------------------------------------------------------------


def test_revoke_by_file_and_by_serial(ca_dir: Path, capsys: Cap) -> None:
    first = issue(capsys, ca_dir, "a.test")
    second = cert_of(issue(capsys, ca_dir, "b.test"))
    code, out, err = revoke(capsys, ca_dir, str(first), "--reason", "keyCompromise", "--json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert document["serial"] == cert_of(first).serial_number and document["reason"] == "keyCompromise"
    code, out, _err = revoke(capsys, ca_dir, "--serial", f"{second.serial_number:X}",
                             "--reason", "superseded", "--at", "2020-01-02T03:04:05Z")
    assert code == 0 and "superseded" in out
    entry = registry.load_record(ca_dir).find(second.serial_number)
    assert entry is not None and entry.revoked_at == parse_iso8601("2020-01-02T03:04:05Z")


def test_revoke_refusals_are_one_line_each(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    leaf = issue(capsys, ca_dir, "a.test")
    code, _out, err = revoke(capsys, ca_dir, "--serial", "abcdef")
    assert code == 1 and "never issued" in one_error_line(err)
    assert revoke(capsys, ca_dir, str(leaf))[0] == 0
    code, _out, err = revoke(capsys, ca_dir, str(leaf), "--reason", "superseded")
    assert code == 1 and "already revoked" in one_error_line(err)
    code, _out, err = revoke(capsys, ca_dir, str(leaf), "--serial", "01")
    assert code == 2 and one_error_line(err)
    code, _out, err = revoke(capsys, ca_dir, "--serial", "zz")
    assert code == 2 and "hexadecimal" in one_error_line(err)
    code, _out, err = revoke(capsys, ca_dir, "--serial", "01", "--reason", "stolen")
    assert code == 2 and "keyCompromise" in one_error_line(err)
    code, _out, err = revoke(capsys, ca_dir, "--serial", "01", "--at", "2999-01-01T00:00:00Z")
    assert code == 2 and "future" in one_error_line(err)
    stranger = tmp_path / "other"
    assert run_cli(capsys, "ca", "init", str(stranger), "--key-type", "p256")[0] == 0
    foreign = issue(capsys, stranger, "f.test")
    code, _out, err = revoke(capsys, ca_dir, str(foreign))
    assert code == 1 and "not issued by this CA" in one_error_line(err)
    code, _out, err = revoke(capsys, tmp_path / "nowhere", "--serial", "01")
    assert code == 2 and "not a CA folder" in one_error_line(err)


def test_concurrent_revokes_from_several_processes_lose_nothing(ca_dir: Path, capsys: Cap) -> None:
    serials = [cert_of(issue(capsys, ca_dir, f"c{i}.test")).serial_number for i in range(6)]
    processes = [tlsexplorer("ca", "revoke", str(ca_dir), "--serial", f"{s:x}", "--reason", "superseded")
                 for s in serials]
    # and four processes racing to revoke the same one: one wins, the others are told
    same = [tlsexplorer("ca", "revoke", str(ca_dir), "--serial", f"{serials[0]:x}", "--reason", "superseded")
            for _ in range(3)]
    results = [(*p.communicate(timeout=300), p.returncode) for p in processes + same]
    codes = sorted(code for _out, _err, code in results)
    assert codes == [0] * 6 + [1] * 3, results
    assert all("already revoked" in err for _out, err, code in results if code == 1)
    record = registry.load_record(ca_dir)
    assert {e.serial for e in record.revoked} == set(serials)
    assert all(e.reason == "superseded" for e in record.revoked)


@pytest.mark.parametrize(("crash_at", "done"),
                         [("staged:1", False), ("committed", True), ("backed-up:1", True)])
def test_kill_9_during_a_revoke_leaves_the_record_whole(ca_dir: Path, capsys: Cap, crash_at: str,
                                                        done: bool) -> None:
    serial = cert_of(issue(capsys, ca_dir, "k.test")).serial_number
    process = tlsexplorer("ca", "revoke", str(ca_dir), "--serial", f"{serial:x}", crash_at=crash_at)
    process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL
    entry = registry.load_record(ca_dir).find(serial)  # read as before or as after, never between
    assert entry is not None and entry.revoked is done
    code, _out, err = revoke(capsys, ca_dir, "--serial", f"{serial:x}")
    assert (code, "already revoked" in err) == ((1, True) if done else (0, False))


# CRLs ---------------------------------------------------------------------------------------------


def crl_serials(text: str) -> dict[int, str | None]:
    """Serial -> reason, read from openssl crl -text (the line after "X509v3 CRL Reason Code:")."""
    out: dict[int, str | None] = {}
    current, reason_next = None, False
    for line in text.splitlines():
        found = re.match(r"\s*Serial Number: ([0-9A-F]+)", line)
        if found:
            current = int(found.group(1), 16)
            out[current] = None
        elif "CRL Reason Code" in line:
            reason_next = True
        elif reason_next and current is not None:
            out[current], reason_next = line.strip(), False
    return out


def test_openssl_verifies_the_crl_and_reads_the_record_in_it(ca_dir: Path, capsys: Cap) -> None:
    leaves = [issue(capsys, ca_dir, f"l{i}.test") for i in range(3)]
    assert revoke(capsys, ca_dir, str(leaves[0]), "--reason", "keyCompromise")[0] == 0
    assert revoke(capsys, ca_dir, str(leaves[1]), "--reason", "affiliationChanged")[0] == 0
    code, out, err = run_cli(capsys, "ca", "crl", str(ca_dir), "--json")
    assert code == 0, err
    document = json.loads(out)
    path = Path(document["path"])
    checked = openssl("crl", "-in", str(path), "-CAfile", str(ca_dir / "ca.pem"), "-verify", "-noout",
                      "-text")
    assert checked.returncode == 0 and "verify OK" in checked.stderr + checked.stdout
    record = registry.load_record(ca_dir)
    wanted = {e.serial: e.reason for e in record.revoked}
    assert {item["serial"]: item["reason"] for item in document["revoked"]} == wanted
    listed = crl_serials(checked.stdout)
    assert set(listed) == set(wanted)
    assert listed[cert_of(leaves[0]).serial_number] == "Key Compromise"
    assert listed[cert_of(leaves[1]).serial_number] == "Affiliation Changed"
    ski = cert_of(ca_dir / "ca.pem").extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ":".join(f"{b:02X}" for b in ski.digest) in checked.stdout  # the AKI
    assert "X509v3 CRL Number: \n                1" in checked.stdout
    # the next one has the next number; nothing is replaced without --force
    code, _out, err = run_cli(capsys, "ca", "crl", str(ca_dir))
    assert code == 2 and "already exists" in one_error_line(err)
    code, out, _err = run_cli(capsys, "ca", "crl", str(ca_dir), "--force", "--days", "1", "--json")
    assert code == 0 and json.loads(out)["crl_number"] == 2
    # openssl verify -crl_check says the same per certificate
    for leaf, revoked in zip(leaves, (True, True, False), strict=True):
        result = openssl("verify", "-crl_check", "-CRLfile", str(path), "-CAfile", str(ca_dir / "ca.pem"),
                         str(leaf))
        assert (result.returncode != 0 and "revoked" in result.stdout + result.stderr) is revoked, result


def test_an_intermediate_publishes_its_own_crl(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    inter = tmp_path / "issuing"
    code, _out, err = run_cli(capsys, "ca", "intermediate", str(ca_dir), str(inter), "--key-type", "p256")
    assert code == 0, err
    inter_cert = cert_of(inter / "ca.pem")
    assert registry.load_record(ca_dir).find(inter_cert.serial_number) is not None  # the parent lists it
    assert inter_cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)  # the parent's URL
    leaf = issue(capsys, inter, "deep.test")
    assert revoke(capsys, inter, str(leaf), "--reason", "privilegeWithdrawn")[0] == 0
    out_file = tmp_path / "public" / "issuing.crl"
    code, _out, err = run_cli(capsys, "ca", "crl", str(inter), "--output", str(out_file))
    assert code == 0, err
    checked = openssl("crl", "-in", str(out_file), "-inform", "DER", "-CAfile", str(inter / "chain.pem"),
                      "-verify", "-noout", "-issuer")
    assert checked.returncode == 0 and "verify OK" in checked.stderr + checked.stdout
    assert "Revoking Root" not in checked.stdout
    # the root revokes the intermediate in its own CRL
    assert revoke(capsys, ca_dir, str(inter / "ca.pem"), "--reason", "cACompromise")[0] == 0
    assert run_cli(capsys, "ca", "crl", str(ca_dir))[0] == 0
    root_crl = x509.load_pem_x509_crl((ca_dir / "crl.pem").read_bytes())
    assert root_crl.get_revoked_certificate_by_serial_number(inter_cert.serial_number) is not None


# OCSP -----------------------------------------------------------------------------------------------


def ask(responder: OcspResponder, ca_dir: Path, cert: Path, *extra: str) -> str:
    result = openssl("ocsp", "-issuer", str(ca_dir / "ca.pem"), "-cert", str(cert), "-url",
                     responder.url.rstrip("/"), *extra)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr  # the nonce came back, the times are fresh
    return result.stdout + result.stderr


def test_openssl_ocsp_answers_match_the_record(ca_dir: Path, capsys: Cap) -> None:
    good, bad = issue(capsys, ca_dir, "good.test"), issue(capsys, ca_dir, "bad.test")
    loaded = load_ca(ca_dir)
    signer = ocsp.ca_signer(loaded.certificate, loaded.key)
    with OcspResponder(ca_dir, loaded.certificate, signer) as responder:
        assert f"{good}: good" in ask(responder, ca_dir, good, "-CAfile", str(ca_dir / "ca.pem"))
        assert f"{bad}: good" in ask(responder, ca_dir, bad, "-CAfile", str(ca_dir / "ca.pem"))
        # revoked while it runs: the next answer says so, with the record's time and reason
        assert revoke(capsys, ca_dir, str(bad), "--reason", "keyCompromise")[0] == 0
        text = ask(responder, ca_dir, bad, "-CAfile", str(ca_dir / "ca.pem"))
        entry = registry.load_record(ca_dir).find(cert_of(bad).serial_number)
        assert entry is not None and entry.revoked_at is not None
        assert f"{bad}: revoked" in text and "Reason: keyCompromise" in text
        at = entry.revoked_at
        assert f"Revocation Time: {at:%b} {at.day:2d} {at:%H:%M:%S %Y}" in text
        assert "Response verify OK" in text
        # a certificate signed by the CA's key but not in its record: unknown
        stray_key = generate_private_key("p256")
        now = utcnow()
        spec = CertificateSpec(build_name("stray.test"), "server", now, now.replace(year=now.year + 1))
        stray = issue_certificate(spec, stray_key.public_key(), loaded.key, loaded.certificate)
        stray_path = ca_dir / "stray.pem"
        stray_path.write_bytes(stray.public_bytes(serialization.Encoding.PEM))
        text = ask(responder, ca_dir, stray_path, "-CAfile", str(ca_dir / "ca.pem"))
        assert f"{stray_path}: unknown" in text
        outcomes = [e.answer.outcome for e in responder.events if e.answer]
        assert outcomes == ["good", "good", "revoked", "unknown"]


def test_a_delegated_responder_signs_and_openssl_accepts_it(ca_dir: Path, capsys: Cap) -> None:
    leaf = issue(capsys, ca_dir, "d.test")
    signer_path = issue(capsys, ca_dir, "responder", "--ocsp-signer")
    signer_cert = cert_of(signer_path)
    usages = signer_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert signer_cert.extensions.get_extension_for_class(x509.OCSPNoCheck)
    assert revoke(capsys, ca_dir, str(leaf), "--reason", "superseded")[0] == 0
    loaded = load_ca(ca_dir)
    signer = ocsp.delegated_signer(ca_dir, "responder", loaded.certificate)
    with OcspResponder(ca_dir, loaded.certificate, signer) as responder:
        text = ask(responder, ca_dir, leaf, "-VAfile", str(signer_path))
        assert f"{leaf}: revoked" in text and "Reason: superseded" in text and "Response verify OK" in text
        text = ask(responder, ca_dir, leaf, "-CAfile", str(ca_dir / "ca.pem"))  # authorised by the CA
        assert "Response verify OK" in text
        response = x509_ocsp.load_der_ocsp_response(responder.events[-1].answer.response)  # type: ignore[union-attr]
        assert response.certificates == [signer_cert]
        # Once the signer has expired, openssl refuses what it signs (checked against the CA): the
        # responder refuses to start with it then (below).
        after = signer_cert.not_valid_after_utc + dt.timedelta(days=1)
        result = openssl("ocsp", "-issuer", str(ca_dir / "ca.pem"), "-cert", str(leaf), "-url",
                         responder.url.rstrip("/"), "-CAfile", str(ca_dir / "ca.pem"),
                         "-attime", str(int(after.timestamp())))
        assert result.returncode != 0 and "certificate has expired" in result.stderr, result.stderr
    with pytest.raises(InvalidInput, match=r"expired on .*refuse the answers it signs"):
        ocsp.delegated_signer(ca_dir, "responder", loaded.certificate, now=after)
    before = signer_cert.not_valid_before_utc - dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="is not valid before"):
        ocsp.delegated_signer(ca_dir, "responder", loaded.certificate, now=before)
    # a leaf is no responder
    with pytest.raises(Exception, match="no OCSP responder certificate"):
        ocsp.delegated_signer(ca_dir, "d.test", loaded.certificate)


def post(responder: OcspResponder, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(responder.url, data=body,
                                     headers={"Content-Type": "application/ocsp-request"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_malformed_and_oversized_requests_and_get(ca_dir: Path, capsys: Cap) -> None:
    leaf = cert_of(issue(capsys, ca_dir, "g.test"))
    loaded = load_ca(ca_dir)
    with OcspResponder(ca_dir, loaded.certificate, ocsp.ca_signer(loaded.certificate, loaded.key),
                       timeout=30, deadline=60) as responder:
        status, body = post(responder, b"\x30\x03garbage")
        assert status == 200
        assert x509_ocsp.load_der_ocsp_response(body).response_status is Status.MALFORMED_REQUEST
        assert post(responder, b"\x00" * (MAX_BODY + 1))[0] == 413
        # GET with the request in the path (RFC 6960 A.1), SHA-256 CertID
        builder = x509_ocsp.OCSPRequestBuilder()
        request = builder.add_certificate(leaf, loaded.certificate, hashes.SHA256()).build()
        path = base64.b64encode(request.public_bytes(serialization.Encoding.DER)).decode()
        with urllib.request.urlopen(responder.url + urllib.parse.quote(path, safe=""), timeout=60) as reply:
            response = x509_ocsp.load_der_ocsp_response(reply.read())
        assert response.certificate_status is x509_ocsp.OCSPCertStatus.GOOD
        assert response.serial_number == leaf.serial_number
        # a request about another CA's certificate
        other = x509_ocsp.OCSPRequestBuilder().add_certificate(leaf, leaf, hashes.SHA1()).build()
        _status, body = post(responder, other.public_bytes(serialization.Encoding.DER))
        assert x509_ocsp.load_der_ocsp_response(body).response_status is Status.UNAUTHORIZED
        # a client that says nothing does not hold the others
        with socket.create_connection(("127.0.0.1", responder.port), timeout=60) as silent:
            silent.sendall(b"POST / HTTP/1.0\r\n")
            status, body = post(responder, request.public_bytes(serialization.Encoding.DER))
            assert status == 200
        head = b"GET /" + b"A" * 20000 + b" HTTP/1.0\r\n\r\n"
        with socket.create_connection(("127.0.0.1", responder.port), timeout=60) as big:
            big.sendall(head)
            assert big.recv(100).startswith(b"HTTP/1.0 431")


class HostileClient(threading.Thread):
    """Sends ``opening``, then ``trickle`` one byte every ``every`` s, and notes when the responder closes."""

    def __init__(self, port: int, opening: bytes = b"", trickle: bytes = b"", every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.port, self.opening, self.trickle, self.every = port, opening, trickle, every
        self.connected, self.closed = threading.Event(), threading.Event()
        self.answer = b""
        self.held: float | None = None
        """Seconds from connecting to the responder closing (None: still open after 60 s)."""

    def run(self) -> None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=60) as sock:
                start = time.monotonic()
                sock.sendall(self.opening)
                self.connected.set()
                sock.settimeout(self.every)
                pending = list(self.trickle)
                while time.monotonic() - start < 60:
                    try:
                        if pending:
                            sock.sendall(bytes([pending.pop(0)]))
                        chunk = sock.recv(4096)
                    except TimeoutError:
                        continue
                    except OSError:  # reset: the responder closed with our bytes unread
                        chunk = b""
                    if not chunk:
                        self.held = time.monotonic() - start
                        break
                    self.answer += chunk
        finally:
            self.connected.set()
            self.closed.set()


def test_hostile_clients_are_cut_off_at_the_deadline_while_others_are_answered(ca_dir: Path,
                                                                              capsys: Cap) -> None:
    """A client trickling its head a byte at a time (each byte well inside the read timeout), one that
    says nothing, one that promises a body it never sends, one that declares a huge Content-Length:
    each is dropped by the request's deadline (or at once), and a good request is answered meanwhile."""
    leaf = cert_of(issue(capsys, ca_dir, "h.test"))
    loaded = load_ca(ca_dir)
    deadline = 2.0
    with OcspResponder(ca_dir, loaded.certificate, ocsp.ca_signer(loaded.certificate, loaded.key),
                       timeout=30, deadline=deadline) as responder:
        trickler = HostileClient(responder.port, trickle=b"POST / HTTP/1.0\r\nX-Slow: " + b"z" * 5000)
        silent = HostileClient(responder.port)
        no_body = HostileClient(responder.port, b"POST / HTTP/1.0\r\nContent-Length: 1000\r\n\r\n\x30\x82")
        huge = HostileClient(responder.port, b"POST / HTTP/1.0\r\nContent-Length: 99999999999999\r\n\r\n")
        hostile = [trickler, silent, no_body, huge]
        for client in hostile:
            client.start()
        assert all(client.connected.wait(60) for client in hostile)
        builder = x509_ocsp.OCSPRequestBuilder()
        request = builder.add_certificate(leaf, loaded.certificate, hashes.SHA256()).build()
        status, body = post(responder, request.public_bytes(serialization.Encoding.DER))
        assert all(client.closed.wait(60) for client in hostile)
        events = list(responder.events)
    assert status == 200
    response = x509_ocsp.load_der_ocsp_response(body)
    assert response.response_status is Status.SUCCESSFUL
    assert response.certificate_status is x509_ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == leaf.serial_number
    loaded.certificate.public_key().verify(  # type: ignore[call-arg, union-attr]
        response.signature, response.tbs_response_bytes, ec.ECDSA(response.signature_hash_algorithm))
    for client in (trickler, silent, no_body):
        assert client.held is not None, "still connected after 60 s"
        # cut off at about the deadline: not before it (the read timeout is 30 s), and well before 3x it
        assert deadline * 0.9 <= client.held < 3 * deadline, client.held
        assert client.answer == b""
    assert huge.answer.startswith(b"HTTP/1.0 413 ")
    assert huge.held is not None and huge.held < 3 * deadline
    dropped = [e.error for e in events if e.error and "within 2 s" in e.error]
    assert len(dropped) == 3, [e.summary() for e in events]
    assert [e.http_status for e in events if e.http_status == 413] == [413]


def test_a_silent_client_is_dropped_at_the_read_timeout(ca_dir: Path) -> None:
    loaded = load_ca(ca_dir)
    with OcspResponder(ca_dir, loaded.certificate, ocsp.ca_signer(loaded.certificate, loaded.key),
                       timeout=1.0, deadline=60) as responder:
        silent = HostileClient(responder.port, b"POST / HTTP/1.0\r\n")
        silent.start()
        assert silent.closed.wait(60)
        events = list(responder.events)
    assert silent.held is not None and silent.held < 30  # the read timeout, far from the 60 s deadline
    assert [e.error for e in events] == ["the client sent nothing for 1 s; dropped"]


def test_a_port_in_use_is_one_error_line_as_for_the_lab_server(ca_dir: Path, capsys: Cap) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _out, err = run_cli(capsys, "ca", "ocsp", str(ca_dir), "--port", str(port))
        in_use = (f"port {port} on 127.0.0.1 is already in use; pick another port (0 picks any free one), "
                  "or stop the program using it")
        assert code == 2 and one_error_line(err) == f"tlsexplorer: error: {in_use}"
        # The lab server says it the same way: one listening socket maker (core/listen.py).
        code, _out, err = run_cli(capsys, "tls", "serve", "--port", str(port))
        assert code == 2 and one_error_line(err) == f"tlsexplorer: error: {in_use}"


def test_ca_ocsp_runs_until_ctrl_c(ca_dir: Path) -> None:
    process = tlsexplorer("ca", "ocsp", str(ca_dir), "--port", "0")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "http://127.0.0.1:" in first, first + (process.stderr.read() if process.stderr else "")
    url = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert url is not None
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "stopped" in out and "Traceback" not in err


def test_the_cli_lists_the_same_reasons_as_the_core() -> None:
    from tlsexplorer.cli import ca_revocation

    assert ca_revocation.REASONS == registry.REASONS


def test_the_recipe_carries_the_revocation_pointers_and_nocheck(ca_dir: Path, capsys: Cap) -> None:
    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "p.test", "--recipe")
    assert code == 0, err
    assert "-addext crlDistributionPoints=URI:http://127.0.0.1:9/root.crl" in out
    assert "'authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/'" in out
    assert "x509.CRLDistributionPoints(" in out and "AuthorityInformationAccessOID.OCSP" in out
    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "responder", "--ocsp-signer", "--recipe")
    assert code == 0, err
    assert "-addext noCheck=ignored" in out and "extendedKeyUsage=OCSPSigning" in out


def test_ca_ocsp_with_a_signer_leaves_the_ca_key_offline_and_refuses_a_revoked_signer(
        tmp_path: Path, capsys: Cap) -> None:
    folder, secret = tmp_path / "offline", tmp_path / "pass.txt"
    secret.write_text("ca passphrase 1\n")
    code, _out, err = run_cli(capsys, "ca", "init", str(folder), "--cn", "Offline Root", "--key-type", "p256",
                              "--password-file", str(secret))
    assert code == 0, err
    issue(capsys, folder, "responder", "--ocsp-signer", "--ca-password-file", str(secret))
    assert [c.name for c in ocsp.delegated_signers(registry.load_record(folder))] == ["responder"]
    # no --ca-password-file and no terminal to ask on: the CA key is never read
    process = tlsexplorer("ca", "ocsp", str(folder), "--port", "0", "--signer", "responder")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "signed by the delegated responder CN=responder" in first, first + (
        process.stderr.read() if process.stderr else "")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "stopped" in out and "Traceback" not in err
    signer = str(folder / "issued" / "responder.pem")
    assert revoke(capsys, folder, signer, "--reason", "keyCompromise")[0] == 0
    assert ocsp.delegated_signers(registry.load_record(folder))[0].entry.revoked
    code, _out, err = run_cli(capsys, "ca", "ocsp", str(folder), "--port", "0", "--signer", "responder")
    line = one_error_line(err)
    assert code == 1 and "was revoked on" in line and "(keyCompromise)" in line
    assert f"tlsexplorer ca issue {folder} NAME --ocsp-signer" in line
