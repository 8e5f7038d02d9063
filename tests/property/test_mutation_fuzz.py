"""Issue 15's mutation fuzzer: real material, flipped, cut and spliced, into every entry point.

Seeds are the built-in samples, objects made here with cryptography (certificates
of several key types, CSRs, CRLs, keys, PKCS#7 and PKCS#12 files), a few made
with openssl when it is installed, and the hostile objects of :mod:`tests.hostile`.
Their DER is mutated (some of it wrapped in PEM again) and fed to the loader and
the summaries, ``inspect`` (its ``main()`` in this process), verification
(``gather_and_verify``), ``rsa signature`` and ``rsa --key`` (their core
functions) and ``ca sign`` (its core). Nothing but a TlsxError may leave the
core, and every CLI error is one line.

Deterministic (``derandomize``) and bounded so it runs in CI within a minute.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from hypothesis import HealthCheck, given, settings, strategies as st

from tests import hostile as h
from tlsexplorer.cli import main
from tlsexplorer.core.ca import store
from tlsexplorer.core.chain.gather import ChainInput, Source, gather_and_verify
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.rsa.keys import load_rsa_key
from tlsexplorer.core.rsa.signature import check_certificate_signature
from tlsexplorer.core.x509.loader import load_objects, pem_blocks
from tlsexplorer.core.x509.summary import summarize
from tlsexplorer.samples import manifest

NOW = h.NOW
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _made_here() -> list[bytes]:
    """Objects made with cryptography: EC and Ed25519 certificates, a CRL, keys, PKCS#7 and PKCS#12."""
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    out: list[bytes] = []
    for key, algorithm in ((ec_key, hashes.SHA256()), (ed_key, None)):
        cert = (
            x509.CertificateBuilder()
            .subject_name(h.cn_name("fuzz.example.net"))
            .issuer_name(h.root().subject)
            .public_key(key.public_key())
            .serial_number(7)
            .not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("fuzz.example.net")]), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .sign(h.rsa_key("root"), hashes.SHA256())
        )
        out.append(h.der(cert))
        out.append(bytes(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )))
        del algorithm
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(h.root().subject)
        .last_update(NOW - dt.timedelta(days=1))
        .next_update(NOW + dt.timedelta(days=7))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(2)
            .revocation_date(NOW - dt.timedelta(hours=1))
            .build()
        )
        .sign(h.rsa_key("root"), hashes.SHA256())
    )
    out.append(h.der(crl))
    out.append(h.der(h.csr()))
    out.append(pkcs7.serialize_certificates([h.leaf(), h.root()], serialization.Encoding.DER))
    out.append(pkcs12.serialize_key_and_certificates(
        b"leaf", h.rsa_key("leaf"), h.leaf(), [h.root()], serialization.NoEncryption()
    ))
    out.append(pkcs12.serialize_key_and_certificates(
        b"leaf", h.rsa_key("leaf"), h.leaf(), None, serialization.BestAvailableEncryption(b"fuzz")
    ))
    return out


def _made_with_openssl() -> list[bytes]:
    """An EC and an Ed25519 self-signed certificate made by openssl (none when it is missing)."""
    if shutil.which("openssl") is None:
        return []
    out: list[bytes] = []
    for newkey in (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-newkey", "ed25519"]):
        try:
            done = subprocess.run(
                ["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", "/dev/null", "-subj",
                 "/CN=openssl.example.net/O=Fuzz", "-days", "2", "-outform", "DER"],
                capture_output=True, timeout=30, check=True,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        out.append(done.stdout)
    return out


@cache
def seeds() -> tuple[bytes, ...]:
    """Every seed as DER (PEM files contribute each of their blocks)."""
    found: list[bytes] = []
    for sample in manifest():
        blocks, _errors = pem_blocks(sample.path.read_bytes())
        found.extend(block.der for block in blocks)
    found += _made_here() + _made_with_openssl()
    found += [
        h.bad_utf8_cn_cert(), h.long_tag_cn_cert(), h.md2_cert(), h.unknown_spki_cert(),
        h.san_cert(h.X400), h.san_cert(h.EDI), h.version7_cert(), h.dsa_inherited_cert(),
        h.enveloped_pkcs7(), h.duplicate_extension_csr(), h.empty_attribute_csr(), h.sha1_csr(),
        h.bad_version_csr(),
    ]
    return tuple(found)


LABELS = ("CERTIFICATE", "CERTIFICATE REQUEST", "X509 CRL", "PKCS7", "PRIVATE KEY", "PUBLIC KEY")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A seed with bytes flipped, a cut, a splice from another seed, and maybe PEM around it."""
    pool = seeds()
    data = bytearray(draw(st.sampled_from(pool)))
    flips = draw(st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=6))
    for position, value in flips:
        data[position % len(data)] = value
    if draw(st.booleans()):
        other = draw(st.sampled_from(pool))
        at, start, size = (draw(st.integers(0, 1 << 16)) for _ in range(3))
        piece = other[start % len(other):][: size % 256]
        where = at % (len(data) + 1)
        data[where:where] = piece
    if draw(st.booleans()):
        del data[max(1, draw(st.integers(0, 1 << 16)) % (len(data) + 1)):]
    raw = bytes(data) or b"\x30"
    if draw(st.booleans()):
        label = draw(st.sampled_from(LABELS)).encode()
        body = base64.encodebytes(raw)
        raw = b"-----BEGIN " + label + b"-----\n" + body + b"-----END " + label + b"-----\n"
    return raw


def core_only_tlsx(call: object, *args: object, **kwargs: object) -> object:
    """Run a core entry point: a result or a TlsxError, nothing else."""
    try:
        return call(*args, **kwargs)  # type: ignore[operator]
    except TlsxError as exc:
        assert "\n" not in str(exc), str(exc)
        return None


@cache
def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="tlsx-fuzz-"))


@cache
def _ca() -> store.LoadedCa:
    folder = _workdir() / "ca"
    folder.mkdir(exist_ok=True)
    (folder / "ca.pem").write_bytes(h.pem_of(h.der(h.root())))
    (folder / "ca.key.pem").write_bytes(h.key_pem())
    return store.load_ca(folder)


ROOT_PEM = h.pem_of(h.der(h.root()))
LEAF_PEM = h.pem_of(h.der(h.leaf()))


@FUZZ
@given(mutated())
def test_loader_and_summaries(data: bytes) -> None:
    for password in (None, b"fuzz"):
        result = load_objects(data, "fuzz", password)
        for _depth, obj in result.flat():
            if obj.value is not None or obj.kind in ("private_key", "pkcs12"):
                summarize(obj, NOW).to_json()


@settings(FUZZ, max_examples=200)
@given(mutated())
def test_verify_rsa_and_ca_sign(data: bytes) -> None:
    def verify(**sources: object) -> object:
        return gather_and_verify(ChainInput(at=NOW, **sources))  # type: ignore[arg-type]

    fuzz = Source.memory(data, label="fuzz", name="fuzz.pem")
    root = Source.memory(ROOT_PEM, label="root", name="root.pem")
    leaf = Source.memory(LEAF_PEM, label="leaf", name="leaf.pem")
    core_only_tlsx(verify, leaf=(fuzz,), anchors=(root,))
    core_only_tlsx(verify, leaf=(leaf,), intermediates=(fuzz,), anchors=(root,))
    core_only_tlsx(verify, leaf=(leaf,), anchors=(fuzz,))
    core_only_tlsx(verify, leaf=(fuzz,), trust_bundle_root=True)
    core_only_tlsx(check_certificate_signature, data, ROOT_PEM)
    core_only_tlsx(check_certificate_signature, LEAF_PEM, data)
    core_only_tlsx(load_rsa_key, data, None, "fuzz")
    core_only_tlsx(store.build_signed, _ca(), data, NOW)


@settings(FUZZ, max_examples=120)
@given(mutated())
def test_inspect_cli_in_process(data: bytes) -> None:
    path = _workdir() / "fuzz.bin"
    path.write_bytes(data)
    for args in (["inspect", str(path)], ["inspect", "--json", str(path)]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:
                code = int(exc.code or 0)
        assert code in (0, 1, 2)
        lines = err.getvalue().strip().splitlines()
        assert len(lines) <= 1 and all(line.startswith("tlsexplorer: error: ") for line in lines), lines
