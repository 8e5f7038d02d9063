"""The Inspector reads OCSP requests and responses (DER, PEM, bare base64), held to openssl's reading."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from rich.console import Console

from tests.ocsp_factory import NOW, pem, pki, request_der, response_der, unsuccessful_der
from tests.tools import needs_openssl
from tlsexplorer.core.x509.loader import load_objects
from tlsexplorer.core.x509.model import OcspRequestInfo, OcspResponseInfo
from tlsexplorer.core.x509.ocsp import ocsp_kind
from tlsexplorer.core.x509.summary import object_title, summarize
from tlsexplorer.render.x509 import render_info


def _one(data: bytes) -> tuple[object, object]:
    result = load_objects(data, "test")
    assert result.ok, result.problems
    obj = result.objects[0]
    return obj, summarize(obj, NOW)


def _text(info: object) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(render_info(info))  # type: ignore[arg-type]
    return console.export_text()


@pytest.fixture
def openssl_pki(tmp_path: Path) -> dict[str, Path]:
    """The test PKI on disk, and an openssl responder index where the leaf is revoked (keyCompromise)."""
    p = pki()
    files = {
        "root": tmp_path / "root.pem",
        "key": tmp_path / "root.key",
        "leaf": tmp_path / "leaf.pem",
        "index": tmp_path / "index.txt",
    }
    files["root"].write_bytes(p.root.public_bytes(serialization.Encoding.PEM))
    files["leaf"].write_bytes(p.leaf.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(p.root_key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    expiry = p.leaf.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
    revoked = (NOW - dt.timedelta(days=3)).strftime("%y%m%d%H%M%SZ")
    files["index"].write_text(f"R\t{expiry}\t{revoked},keyCompromise\t1A2B\tunknown\t/CN=leaf.example.net\n")
    return files


@needs_openssl
def test_openssl_request_and_response_read_as_openssl_reads_them(
    openssl_pki: dict[str, Path], tmp_path: Path
) -> None:
    f = openssl_pki
    req, resp = tmp_path / "req.der", tmp_path / "resp.der"
    subprocess.run(["openssl", "ocsp", "-issuer", f["root"], "-cert", f["leaf"], "-reqout", req],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "ocsp", "-index", f["index"], "-rsigner", f["root"], "-rkey", f["key"],
                    "-CA", f["root"], "-reqin", req, "-respout", resp, "-ndays", "1"],
                   check=True, capture_output=True)
    req_text = subprocess.run(["openssl", "ocsp", "-reqin", req, "-req_text"], check=True,
                              capture_output=True, text=True).stdout
    resp_text = subprocess.run(["openssl", "ocsp", "-respin", resp, "-resp_text", "-noverify"],
                               capture_output=True, text=True).stdout

    obj, info = _one(req.read_bytes())
    assert obj.kind == "ocsp_request" and isinstance(info, OcspRequestInfo)
    cert_id = info.cert_ids[0]
    assert cert_id.issuer_name_hash.upper() in req_text.replace(":", "")
    assert cert_id.issuer_key_hash.upper() in req_text.replace(":", "")
    assert re.search(rf"Serial Number: {format(cert_id.serial, 'X')}\b", req_text)
    nonce = re.search(r"OCSP Nonce:\s*\n\s*([0-9A-F]+)", req_text)
    assert nonce and info.nonce and info.nonce.upper() in nonce.group(1)

    obj, info = _one(resp.read_bytes())
    assert obj.kind == "ocsp_response" and isinstance(info, OcspResponseInfo)
    assert "Cert Status: revoked" in resp_text and "Revocation Reason: keyCompromise" in resp_text
    single = info.responses[0]
    assert single.status == "revoked" and single.reason == "keyCompromise"
    assert single.cert_id is not None and single.cert_id.serial == pki().leaf.serial_number
    produced = re.search(r"Produced At: (.+)", resp_text)
    assert produced and info.produced_at is not None
    said = dt.datetime.strptime(produced.group(1).strip(), "%b %d %H:%M:%S %Y GMT")
    assert info.produced_at == said.replace(tzinfo=dt.timezone.utc)
    assert info.nonce == _request_nonce(req.read_bytes())  # the responder echoed the nonce
    assert "Responder Id: CN = OCSP Test Root" in resp_text and info.responder == "name: CN=OCSP Test Root"
    assert [c for c in info.certificates] == ["CN=OCSP Test Root"]  # -rsigner's certificate, carried

    # openssl base64 of -respout, read by content
    b64 = subprocess.run(["openssl", "base64", "-in", resp], check=True, capture_output=True).stdout
    obj, info64 = _one(b64)
    assert obj.format == "OCSP response (base64)" and info64 == info


def _request_nonce(der: bytes) -> str:
    request = ocsp.load_der_ocsp_request(der)
    return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce.hex()


def test_response_fields_match_what_was_built() -> None:
    reason = x509.ReasonFlags.cessation_of_operation
    obj, info = _one(response_der(ocsp.OCSPCertStatus.REVOKED, reason=reason))
    built = ocsp.load_der_ocsp_response(obj.der)  # type: ignore[attr-defined]
    assert isinstance(info, OcspResponseInfo) and info.successful
    single = info.responses[0]
    assert single.status == "revoked" and single.reason == "cessationOfOperation"
    assert single.revoked_at == built.revocation_time_utc
    assert single.this_update == built.this_update_utc and single.next_update == built.next_update_utc
    assert single.cert_id is not None
    assert single.cert_id.issuer_key_hash == built.issuer_key_hash.hex()
    assert single.cert_id.hash_algorithm == "sha1"
    assert info.responder == f"key hash: {built.responder_key_hash.hex()}"
    assert info.nonce == "01" * 16
    assert [c.kind for c in obj.children] == ["certificate"]  # type: ignore[attr-defined]
    text = _text(info)
    assert "revoked" in text and "cessationOfOperation" in text and "01" * 16 in text
    doc = info.to_json()
    assert doc["responses"][0]["cert_id"]["serial"] == format(pki().leaf.serial_number, "x")
    assert doc["responses"][0]["revoked_at"].endswith("Z")


def test_stale_response_is_said_so() -> None:
    _obj, info = _one(response_der(next_days=1))
    later = summarize(load_objects(response_der(next_days=1)).objects[0], NOW + dt.timedelta(days=3))
    assert isinstance(info, OcspResponseInfo) and not info.stale
    assert isinstance(later, OcspResponseInfo) and later.stale and "next update is past" in later.sentence()


UNSUCCESSFUL = [s for s in ocsp.OCSPResponseStatus if s != ocsp.OCSPResponseStatus.SUCCESSFUL]


@pytest.mark.parametrize("status", UNSUCCESSFUL)
def test_unsuccessful_responses_name_their_status(status: ocsp.OCSPResponseStatus) -> None:
    obj, info = _one(unsuccessful_der(status))
    assert isinstance(info, OcspResponseInfo) and not info.successful
    rfc_name = {"MALFORMED_REQUEST": "malformedRequest", "INTERNAL_ERROR": "internalError",
                "TRY_LATER": "tryLater", "SIG_REQUIRED": "sigRequired", "UNAUTHORIZED": "unauthorized"}
    assert info.response_status == rfc_name[status.name]
    assert info.to_json()["response_status"] == rfc_name[status.name]
    assert rfc_name[status.name] in object_title(obj)  # type: ignore[arg-type]
    assert rfc_name[status.name] in _text(info)


def test_pem_and_bare_base64_read_by_content() -> None:
    for data, fmt in [
        (pem(request_der(), "OCSP REQUEST"), "OCSP request (PEM)"),
        (pem(response_der(), "OCSP RESPONSE"), "OCSP response (PEM)"),
        (base64.encodebytes(response_der()), "OCSP response (base64)"),
        (base64.b64encode(request_der()) + b"\r\n", "OCSP request (base64)"),
    ]:
        obj, _info = _one(data)
        assert obj.format == fmt  # type: ignore[attr-defined]
    # a certificate in bare base64 is read too
    obj, _info = _one(base64.b64encode(pki().leaf.public_bytes(serialization.Encoding.DER)))
    assert obj.kind == "certificate"  # type: ignore[attr-defined]


def test_shape_tells_requests_from_responses_and_the_rest() -> None:
    assert ocsp_kind(request_der()) == "ocsp_request"
    assert ocsp_kind(request_der(nonce=None)) == "ocsp_request"
    assert ocsp_kind(response_der()) == "ocsp_response"
    assert ocsp_kind(pki().leaf.public_bytes(serialization.Encoding.DER)) is None
    crl = (x509.CertificateRevocationListBuilder().issuer_name(pki().root.subject)
           .last_update(NOW).next_update(NOW + dt.timedelta(days=1))
           .sign(pki().root_key, hashes.SHA256()))  # type: ignore[arg-type]
    assert ocsp_kind(crl.public_bytes(serialization.Encoding.DER)) is None


def _mutations(der: bytes) -> list[bytes]:
    out = [der[:n] for n in range(0, len(der), max(1, len(der) // 40))]
    for i in range(0, len(der), max(1, len(der) // 60)):
        for value in (0x00, 0xFF, der[i] ^ 0x01):
            out.append(der[:i] + bytes([value]) + der[i + 1:])
    return out


@pytest.mark.parametrize("make", [response_der, request_der])
def test_malformed_blobs_give_one_clear_problem(make: object) -> None:
    """Truncated and flipped OCSP DER: a problem or a summary, never an exception (summary and render)."""
    der = make()  # type: ignore[operator]
    for blob in _mutations(der):
        result = load_objects(blob, "blob")
        for _depth, obj in result.flat():
            if obj.value is not None:
                info = summarize(obj, NOW)
                _text(info)
                info.to_json()
        for problem in result.problems:
            assert "\n" not in problem and "Traceback" not in problem
            assert "ParseError" not in problem
    damaged = load_objects(der[:-5], "cut")
    assert not damaged.ok and damaged.problems
