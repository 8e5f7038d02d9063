"""The one gatherer of verification input: files, folders, the bundle's root, the system's roots."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

import tlsexplorer.core.chain.gather as gather_module
from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.chain.gather import (
    BUNDLE_ROOT_TRUSTED,
    NO_SYSTEM_STORE,
    ChainInput,
    InputNames,
    Source,
    gather_and_verify,
    gather_input,
)
from tlsexplorer.core.chain.trust import SystemTrust, system_trust
from tlsexplorer.core.errors import FileAccessError, InvalidInput, UsageError
from tlsexplorer.core.files import MAX_INPUT_BYTES
from tlsexplorer.samples import SAMPLE_NOW, SAMPLES_DIR

LEAF = SAMPLES_DIR / "alice.example.net.pem"
FULLCHAIN = SAMPLES_DIR / "alice.example.net.fullchain.pem"
INTER = SAMPLES_DIR / "charlies-intermediate-ca.pem"
ROOT = SAMPLES_DIR / "charlies-root-ca.pem"
OPENSSL = shutil.which("openssl")
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def request(**fields: object) -> ChainInput:
    values: dict[str, object] = {"at": SAMPLE_NOW, "host": "localhost", **fields}
    return ChainInput(**values)  # type: ignore[arg-type]


def openssl_agrees(command: str) -> bool:
    """openssl's verdict on the command line as shown."""
    assert OPENSSL is not None
    result = subprocess.run([OPENSSL, *shlex.split(command)[1:]], capture_output=True, timeout=60)
    assert b"Could not read" not in result.stderr and b"Error loading" not in result.stderr, result.stderr
    return result.returncode == 0


def test_files_give_the_leaf_the_rest_of_its_bundle_and_the_anchors() -> None:
    result = gather_and_verify(request(leaf=(Source.file(FULLCHAIN),), anchors=(Source.file(ROOT),)))
    got = result.gathered
    assert got.leaf == cert(LEAF) and got.intermediates == (cert(INTER),)
    assert got.anchors == (cert(ROOT),) and got.roots == (cert(ROOT),) and got.system is None
    assert got.bundle_roots == () and got.notes == ()
    assert (got.files.leaf, got.files.untrusted, got.files.cafile) == (
        str(FULLCHAIN), (str(FULLCHAIN),), (str(ROOT),)
    )
    assert result.report.valid and len(result.report.chain) == 3


def test_folders_stand_for_their_certificate_files_and_skip_the_rest_with_a_note(tmp_path: Path) -> None:
    chain, anchors = tmp_path / "chain", tmp_path / "anchors"
    chain.mkdir()
    anchors.mkdir()
    shutil.copy(INTER, chain / "inter.crt")
    (chain / "junk.pem").write_bytes(b"not a certificate")
    (chain / "notes.txt").write_text("not a certificate file: never read")
    (chain / "sub").mkdir()  # folders inside are not read
    shutil.copy(INTER, chain / "sub" / "inter.pem")
    (anchors / "root.der").write_bytes(cert(ROOT).public_bytes(Encoding.DER))
    result = gather_and_verify(
        request(
            leaf=(Source.file(LEAF),), intermediates=(Source.file(chain),), anchors=(Source.file(anchors),)
        )
    )
    got = result.gathered
    assert got.intermediates == (cert(INTER),) and got.anchors == (cert(ROOT),)
    assert got.notes == (f"{chain / 'junk.pem'}: skipped, no certificate in it",)
    # openssl is given the files certificates came from, never the folder or the skipped file.
    assert got.files.untrusted == (str(chain / "inter.crt"),)
    assert got.files.cafile == (str(anchors / "root.der"),)
    assert result.report.valid
    if OPENSSL is not None:
        assert openssl_agrees(result.report.openssl_command)


def test_a_folder_without_any_certificate_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "junk.pem").write_bytes(b"junk")
    with pytest.raises(UsageError, match=r"empty: no certificate file \(\.pem, .*\) in this folder"):
        gather_input(request(leaf=(Source.file(LEAF),), anchors=(Source.file(empty),)))


def test_a_folder_as_the_leaf_is_refused_naming_where_folders_go() -> None:
    names = InputNames(leaf="LEAF", intermediates="--chain", anchors="--ca")
    with pytest.raises(UsageError) as raised:
        gather_input(request(leaf=(Source.file(SAMPLES_DIR),), anchors=(Source.file(ROOT),), names=names))
    message = str(raised.value)
    assert message.startswith(f"LEAF {SAMPLES_DIR} is a folder")
    assert "intermediates go in --chain" in message and "roots in --ca" in message
    with pytest.raises(UsageError, match="give the leaf"):
        gather_input(request(leaf=(), anchors=(Source.file(ROOT),)))


def test_missing_unreadable_and_oversized_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match=r"nowhere\.pem: no such file"):
        gather_input(request(leaf=(Source.file(tmp_path / "nowhere.pem"),)))
    with pytest.raises(InvalidInput, match=r"^my key: no certificate found"):
        gather_input(request(leaf=(Source.file(SAMPLES_DIR / "alice.example.net.key.pem", label="my key"),)))
    huge = tmp_path / "huge.pem"
    with huge.open("wb") as handle:  # sparse: nothing is written, and nothing must be read
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(FileAccessError, match="above the 64 MiB limit"):
        gather_input(request(leaf=(Source.file(LEAF),), intermediates=(Source.file(huge),)))
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.pem"
        shutil.copy(LEAF, locked)
        locked.chmod(0)
        with pytest.raises(FileAccessError, match="permission denied"):
            gather_input(request(leaf=(Source.file(locked),)))
    with pytest.raises(InvalidInput, match=r"^sent: no certificate found"):
        gather_input(request(leaf=(Source.memory(b"junk", label="sent", name="leaf.pem"),)))


def test_bundle_root_off_the_root_is_only_a_candidate(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(FULLCHAIN.read_bytes() + ROOT.read_bytes())
    result = gather_and_verify(request(leaf=(Source.file(bundle),)))
    got = result.gathered
    assert got.bundle_roots == () and cert(ROOT) in got.intermediates and got.roots == ()
    assert not result.report.valid and result.report.anchor_count == 0


def test_bundle_root_on_trusts_the_self_signed_root_and_only_its_file(tmp_path: Path) -> None:
    result = gather_and_verify(
        request(
            leaf=(Source.file(LEAF),),
            intermediates=(Source.file(INTER), Source.file(ROOT)),
            trust_bundle_root=True,
        )
    )
    got = result.gathered
    assert got.bundle_roots == (cert(ROOT),) and got.intermediates == (cert(INTER),)
    assert got.notes == (BUNDLE_ROOT_TRUSTED,)
    assert got.files.cafile == (str(ROOT),)  # not the leaf's file, not the intermediate's
    assert got.files.untrusted == (str(INTER), str(ROOT))
    report = result.report
    assert report.valid and report.bundle_anchors == (2,)
    if OPENSSL is not None:
        assert openssl_agrees(report.openssl_command)


def test_bundle_root_is_the_one_rule_self_signed_not_self_issued() -> None:
    """A certificate whose subject is its issuer but which another key signed is no root."""
    start, end = START, START + dt.timedelta(days=365)
    key, other = ca.generate_private_key("p256"), ca.generate_private_key("p256")
    spec = ca.CertificateSpec(ca.build_name("Looks Like A Root"), "root", start, end)
    self_issued = ca.issue_certificate(spec, key.public_key(), other)
    assert self_issued.subject == self_issued.issuer
    pem = ca.certificate_pem(self_issued)
    names = InputNames(bundle_root="--trust-bundle-root", leaf="LEAF", intermediates="--chain")
    refusal = r"^--trust-bundle-root: no self-signed root found in LEAF or --chain"
    with pytest.raises(UsageError, match=refusal):
        gather_input(
            request(
                leaf=(Source.file(LEAF),),
                intermediates=(Source.memory(pem, label="sent", name="chain.pem"),),
                trust_bundle_root=True,
                names=names,
            )
        )
    # With another anchor it is a note, and the look-alike stays a mere candidate.
    got = gather_input(
        request(
            leaf=(Source.file(LEAF),),
            intermediates=(Source.memory(pem, label="sent", name="chain.pem"),),
            anchors=(Source.file(ROOT),),
            trust_bundle_root=True,
            names=names,
        )
    )
    assert got.bundle_roots == () and got.intermediates == (self_issued,)
    assert got.notes == ("--trust-bundle-root: no self-signed root found in the bundle",)


def test_a_self_signed_leaf_is_its_own_bundle_root() -> None:
    start, end = START, START + dt.timedelta(days=365)
    key = ca.generate_private_key("p256")
    spec = ca.CertificateSpec(ca.build_name("selfie.example.net"), "server", start, end)
    selfie = ca.issue_certificate(spec, key.public_key(), key)
    got = gather_input(
        request(
            leaf=(Source.memory(ca.certificate_pem(selfie), label="selfie", name="selfie.pem"),),
            trust_bundle_root=True,
        )
    )
    assert got.leaf == selfie and got.bundle_roots == (selfie,) and got.intermediates == ()
    assert got.files.cafile == ("selfie.pem",) and got.files.untrusted == ()


def test_memory_sources_name_the_files_openssl_is_told_they_were_saved_in() -> None:
    sent = FULLCHAIN.read_bytes()
    got = gather_input(
        request(
            leaf=(Source.memory(sent, label="sent", name="leaf.pem", rest_name="chain.pem"),),
            intermediates=(Source.memory(INTER.read_bytes(), label="more", name="chain.pem"),),
            anchors=(Source.memory(ROOT.read_bytes(), label="roots", name="roots.pem"),),
        )
    )
    files = got.files
    assert (files.leaf, files.untrusted, files.cafile) == ("leaf.pem", ("chain.pem",), ("roots.pem",))
    assert got.intermediates == (cert(INTER), cert(INTER))  # as given: the verifier takes duplicates


@pytest.fixture
def fresh_trust() -> Iterator[None]:
    system_trust.cache_clear()
    yield None
    system_trust.cache_clear()


def test_system_roots_come_from_the_trust_store_and_its_file_is_named(
    fresh_trust: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ROOT))  # a "system" that trusts Charlie's root
    result = gather_and_verify(request(leaf=(Source.file(FULLCHAIN),), system_roots=True))
    got = result.gathered
    assert got.system is not None and got.system.path == str(ROOT)
    assert got.anchors == () and got.roots == (cert(ROOT),)
    assert got.files.cafile == (str(ROOT),) and got.notes == ()
    assert result.report.valid and result.report.anchor_count == 1


def test_no_system_store_is_a_note_and_no_file_is_made_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gather_module, "system_trust", lambda: SystemTrust(None, "none", ()))
    result = gather_and_verify(request(leaf=(Source.file(FULLCHAIN),), system_roots=True))
    assert result.gathered.notes == (NO_SYSTEM_STORE,) and result.gathered.files.cafile == ()
    assert not result.report.valid and result.report.anchor_count == 0
    assert "-no-CAfile" in result.report.openssl_command
    # Asking for the bundle's root with nothing else to trust and no root found: refused.
    with pytest.raises(UsageError, match="no self-signed root found"):
        gather_input(request(leaf=(Source.file(FULLCHAIN),), system_roots=True, trust_bundle_root=True))


def test_a_source_is_a_path_or_data() -> None:
    with pytest.raises(ValueError, match="either a path or data"):
        Source()
    with pytest.raises(ValueError, match="either a path or data"):
        Source(path=LEAF, data=b"x")


def test_the_probe_explains_the_sent_chain_as_verify_explains_the_same_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.cli.support import run_cli
    from tests.tls_support import lab_server, root_pem
    from tlsexplorer.core.timeutil import format_iso8601
    from tlsexplorer.core.tls.probe import probe

    with lab_server() as server:  # it sends alice.example.net.fullchain.pem
        result = probe("localhost", server.port, ca_pems=[root_pem()], now=SAMPLE_NOW)
    explained = result.explained
    assert explained is not None
    code, out, err = run_cli(
        capsys, "verify", str(FULLCHAIN), "--ca", str(ROOT), "--host", "localhost",
        "--at", format_iso8601(SAMPLE_NOW), "--json",
    )
    assert code == 0, err
    document = json.loads(out)
    assert explained.valid is document["valid"] is True
    assert [c.fingerprint(hashes.SHA256()).hex() for c in explained.chain] == [
        c["fingerprint_sha256"] for c in document["chain"]
    ]
    assert [
        {"certificate": f.certificate, "check": f.check, "ok": f.ok, "message": f.message, "fix": f.fix}
        for f in explained.findings
    ] == document["findings"]
