"""``tlsexplorer verify``: exit codes, one-line errors, the --json schema, the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tlsexplorer.cli import main
from tlsexplorer.samples import SAMPLES_DIR

FULLCHAIN = str(SAMPLES_DIR / "alice.example.net.fullchain.pem")
LEAF = str(SAMPLES_DIR / "alice.example.net.pem")
INTER = str(SAMPLES_DIR / "charlies-intermediate-ca.pem")
ROOT = str(SAMPLES_DIR / "charlies-root-ca.pem")
EXPIRED = str(SAMPLES_DIR / "expired.pem")
COURSE = str(SAMPLES_DIR / "alice-course-style.pem")
AT = "2026-06-01T12:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "verify", *args)


@pytest.mark.parametrize("host", ["localhost", "alice.example.net"])
def test_fullchain_with_the_root_is_valid(capsys: pytest.CaptureFixture[str], host: str) -> None:
    code, out, err = run(capsys, FULLCHAIN, "--ca", ROOT, "--host", host, "--at", AT, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["valid"] is True and doc["error"] is None
    assert [c["subject"].split(",")[0] for c in doc["chain"]] == [
        "CN=alice.example.net",
        "CN=Charlie's Intermediate CA",
        "CN=Charlie's Certificate Authority",
    ]
    for entry in doc["chain"]:
        assert set(entry) >= {"subject", "issuer", "fingerprint_sha256"}
        assert (
            len(entry["fingerprint_sha256"]) == 64
            and entry["fingerprint_sha256"] == entry["fingerprint_sha256"].lower()
        )
    assert doc["findings"] and all(
        set(f) >= {"certificate", "check", "ok", "message"} for f in doc["findings"]
    )
    assert all(f["ok"] for f in doc["findings"])
    assert doc["at"] == AT


def test_separate_chain_file_and_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, LEAF, "--chain", INTER, "--ca", ROOT, "--host", "localhost", "--at", AT)
    assert code == 0
    assert "VALID" in out and "openssl verify" in out and "-untrusted" in out


def test_expired_fails_with_exit_1_and_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, EXPIRED, "--chain", INTER, "--ca", ROOT, "--host", "old.example.net", "--at", AT, "--json"
    )
    assert code == 1
    doc = json.loads(out)
    assert doc["valid"] is False and "not valid at validation time" in doc["error"]
    failed = [(f["certificate"], f["check"]) for f in doc["findings"] if not f["ok"]]
    assert failed == [(0, "validity")]


def test_course_style_certificate_is_refused_for_its_missing_aki(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, COURSE, "--ca", ROOT, "--host", "alice.example.net", "--at", AT, "--json")
    assert code == 1
    doc = json.loads(out)
    assert "2.5.29.35" in doc["error"]  # the verifier: Authority Key Identifier missing
    failed = [f for f in doc["findings"] if not f["ok"]]
    assert [f["check"] for f in failed] == ["extensions"]
    assert "Authority Key Identifier" in failed[0]["message"]


def test_missing_intermediate_names_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, LEAF, "--ca", ROOT, "--host", "localhost", "--at", AT, "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["missing_issuer"]["issuer"].startswith("CN=Charlie's Intermediate CA")
    assert "-untrusted" in doc["missing_issuer"]["fix"]


def test_wrong_host_and_ip(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, FULLCHAIN, "--ca", ROOT, "--host", "bob.example.net", "--at", AT, "--json")
    assert code == 1
    assert any(f["check"] == "subject_alt_name" and not f["ok"] for f in json.loads(out)["findings"])
    code, out, _ = run(capsys, FULLCHAIN, "--ca", ROOT, "--ip", "127.0.0.1", "--at", AT, "--json")
    assert code == 1
    assert "-verify_ip 127.0.0.1" in json.loads(out)["openssl_command"]


def test_trust_bundle_root(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(Path(FULLCHAIN).read_bytes() + Path(ROOT).read_bytes())
    code, out, err = run(
        capsys, str(bundle), "--trust-bundle-root", "--host", "localhost", "--at", AT, "--json"
    )
    assert code == 0
    assert "proves nothing" in err
    assert json.loads(out)["chain"][-1]["subject"].startswith("CN=Charlie's Certificate Authority")
    code, _, err = run(capsys, FULLCHAIN, "--trust-bundle-root", "--host", "localhost", "--at", AT)
    assert code == 2 and err.count("\n") == 1 and "no self-signed root" in err


def test_client_purpose(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, FULLCHAIN, "--ca", ROOT, "--purpose", "client", "--at", AT, "--json")
    assert code == 1  # alice's certificate is for servers only (EKU serverAuth)
    assert any(f["check"] == "extended_key_usage" and not f["ok"] for f in json.loads(out)["findings"])


@pytest.mark.parametrize(
    "args",
    [
        [FULLCHAIN],  # no trust anchor
        [FULLCHAIN, "--ca", ROOT, "--host", "a.example", "--ip", "127.0.0.1"],
        [FULLCHAIN, "--ca", ROOT, "--ip", "not-an-ip"],
        [FULLCHAIN, "--ca", ROOT, "--at", "yesterday"],
        [FULLCHAIN, "--ca", ROOT, "--max-depth", "-1"],
        [FULLCHAIN, "--ca", ROOT, "--host", "bad host!"],
        ["/nonexistent/leaf.pem", "--ca", ROOT],
        [FULLCHAIN, "--ca", str(SAMPLES_DIR / "alice.example.net.key.pem")],
    ],
)
def test_usage_errors_and_unreadable_input_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        code = main(["verify", *args])
        raise SystemExit(code)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("tlsexplorer: error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_folder_as_leaf_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A folder used to be read as a bundle: the leaf was whichever certificate sorted first."""
    code, out, err = run(capsys, str(SAMPLES_DIR), "--ca", ROOT, "--host", "alice.example.net")
    assert code == 2 and out == ""
    assert err.startswith("tlsexplorer: error: LEAF ") and "is a folder" in err and "--chain" in err
    assert err.count("\n") == 1


def test_garbage_leaf_is_unreadable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"\x00\x01 not a certificate")
    code, _, err = run(capsys, str(junk), "--ca", ROOT)
    assert code == 2 and "no certificate found" in err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--trust-bundle-root" in out


def test_folders_of_intermediates_and_anchors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chain_dir, ca_dir = tmp_path / "chain", tmp_path / "ca"
    chain_dir.mkdir()
    ca_dir.mkdir()
    (chain_dir / "inter.crt").write_bytes(Path(INTER).read_bytes())
    (chain_dir / "notes.txt").write_text("not read")
    (ca_dir / "root.pem").write_bytes(Path(ROOT).read_bytes())
    code, out, err = run(
        capsys, LEAF, "--chain", str(chain_dir), "--ca", str(ca_dir), "--host", "localhost", "--at", AT
    )
    assert code == 0, err
    assert "VALID" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, LEAF, "--chain", str(empty), "--ca", ROOT)
    assert code == 2 and "no certificate file" in err


def test_trust_bundle_root_with_a_self_signed_leaf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import datetime as dt

    from tlsexplorer.core.ca import build as ca
    key = ca.generate_private_key("p256")
    start, end = (
        dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    )
    spec = ca.CertificateSpec(ca.build_name("selfie.example.net"), "server", start, end)
    selfie = tmp_path / "selfie.pem"
    selfie.write_bytes(ca.certificate_pem(ca.issue_certificate(spec, key.public_key(), key)))
    code, out, err = run(
        capsys, str(selfie), "--trust-bundle-root", "--host", "selfie.example.net", "--at", AT, "--json"
    )
    doc = json.loads(out)
    assert code == 1 and "proves nothing" in err
    # Trusted as its own root, it is still refused: a leaf needs an AKI, and both say so.
    assert len(doc["chain"]) == 1 and doc["trusted"] is True
    assert [f["check"] for f in doc["findings"] if not f["ok"]] == ["extensions"]


def test_names_a_certificate_maker_chose_cannot_drive_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import ec

    from tlsexplorer.core.ca import build as ca
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=365)
    root_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    hostile = ca.build_name("Evil\x1b]0;pwned\x07 CA\x1b[2J")
    root_spec = ca.CertificateSpec(hostile, "root", start, end)
    root = ca.issue_certificate(root_spec, root_key.public_key(), root_key)
    leaf_spec = ca.CertificateSpec(ca.build_name("site\u202etxt.exe"), "server", start, end,
                                   sans=(ca.parse_san("site.example"),))
    leaf = ca.issue_certificate(leaf_spec, leaf_key.public_key(), root_key, root)
    (tmp_path / "leaf.pem").write_bytes(ca.certificate_pem(leaf))
    (tmp_path / "other.pem").write_bytes(Path(ROOT).read_bytes())
    # The issuer is missing (another root is trusted): its hostile name is in the explanation.
    code, out, _ = run(capsys, str(tmp_path / "leaf.pem"), "--ca", str(tmp_path / "other.pem"),
                       "--host", "site.example", "--at", "2026-06-01T12:00:00Z")
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    # RFC 4514 writes the ';' as '\\;'; the control characters are spelled out, not sent.
    assert "Evil\\x1b]0\\;pwned\\x07 CA\\x1b[2J" in out and "site\\u202etxt.exe" in out
