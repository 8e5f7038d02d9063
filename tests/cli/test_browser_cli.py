"""The browser verdicts where people read them: ca issue --flaw, ca issue's key warning, ca trust-help,
tls scenarios --json, the lint. (That the data is what Chromium says: tests/core/test_browsers_real.py.)"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

import tlsexplorer.core.ca.build as ca
from tests.cli.support import run_cli
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.core.ca.verdicts import FLAW_VERDICTS
from tlsexplorer.core.tls.scenarios import SCENARIOS
from tlsexplorer.core.x509.browsers import LOADED
from tlsexplorer.core.x509.summary import certificate_info
from tlsexplorer.samples import SAMPLE_NOW

Cap = pytest.CaptureFixture[str]


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: Cap) -> Path:
    folder = tmp_path / "my ca"
    code, _out, _err = run_cli(capsys, "ca", "init", str(folder), "--cn", "Browser CLI Root",
                               "--key-type", "p256")
    assert code == 0
    return folder


def test_every_flaw_has_verdicts_for_each_client() -> None:
    assert set(FLAW_VERDICTS) == set(ca.FLAWS)


def test_issue_flaw_names_the_browser_beside_curl_openssl_and_python(ca_dir: Path, capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "nku.test", "--flaw", "no-key-usage")
    assert code == 0
    said = out.split("What clients say", 1)[1]
    for client in ("curl", "openssl s_client", "Python ssl (3.11, 3.12)", "Python ssl, strict (3.13+)",
                   "browser"):
        assert client in said
    assert "CA cert does not include key usage extension" in said  # strict Python refuses, the browser loads
    assert "the page loads" in said
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "cn.test", "--flaw", "cn-only")
    assert "ERR_CERT_COMMON_NAME_INVALID" in out and "SSL_ERROR_BAD_CERT_DOMAIN" in out


def test_issue_ed25519_server_warns_on_stderr_naming_browsers(ca_dir: Path, capsys: Cap) -> None:
    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "ed.test", "--key-type", "ed25519")
    assert code == 0 and "Ed25519" in out
    assert err.startswith("tlsexplorer: warning: ") and "Chrome" in err and "Firefox" in err
    assert "ERR_SSL_VERSION_OR_CIPHER_MISMATCH" in err
    # --json keeps stdout one document; the warning still goes to stderr
    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "ed2.test", "--key-type", "ed25519",
                             "--json")
    assert code == 0 and json.loads(out) and "browsers" in err
    # not for a client certificate, nor for the default key type
    for extra in (("ed3.test", "--key-type", "ed25519", "--client"), ("p.test",)):
        code, _out, err = run_cli(capsys, "ca", "issue", str(ca_dir), *extra)
        assert code == 0 and err == ""


def test_csr_ed25519_warns_too(tmp_path: Path, capsys: Cap) -> None:
    code, _out, err = run_cli(capsys, "ca", "csr", "w.test", "--out", str(tmp_path / "req"),
                              "--key-type", "ed25519")
    assert code == 0 and "tlsexplorer: warning:" in err


def test_lint_flags_browser_refused_server_keys() -> None:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = ca_store.build_root("unused", ca_store.CaRequest(cn="Lint Root"), SAMPLE_NOW, root_key).certificate
    assert root is not None

    def leaf_rules(key: ca.PrivateKey) -> set[str]:
        spec = ca.CertificateSpec(ca.build_name("k.test"), "server", SAMPLE_NOW,
                                  SAMPLE_NOW + dt.timedelta(days=90), sans=(x509.DNSName("k.test"),))
        cert = ca.issue_certificate(spec, key.public_key(), root_key, root)
        return {f.rule for f in certificate_info(cert, SAMPLE_NOW).lint}

    assert "browser-refuses-key" in leaf_rules(ca.generate_private_key("ed25519"))
    assert "browser-refuses-key" in leaf_rules(ec.generate_private_key(ec.SECP521R1()))
    assert "browser-refuses-key" not in leaf_rules(ca.generate_private_key("p256"))
    assert "browser-refuses-key" not in leaf_rules(ca.generate_private_key("p384"))


def test_trust_help_prints_the_cas_real_path_and_name_and_the_undo(ca_dir: Path, capsys: Cap) -> None:
    code, out, err = run_cli(capsys, "ca", "trust-help", str(ca_dir))
    assert code == 0 and err == ""
    pem = str((ca_dir / "ca.pem").resolve())
    assert f"-i {shlex.quote(pem)}" in out  # the path has a space: quoted for the shell
    assert "-n 'Browser CLI Root'" in out
    for platform in ("Linux: Chromium", "Linux: Firefox", "macOS", "Windows"):
        assert platform in out
    for command in ("certutil -d sql:", "security add-trusted-cert", "certutil -user -addstore Root",
                    "Import-Certificate", "# undo it", "-D -n", "delete-certificate", "-delstore Root"):
        assert command in out
    code, out, _err = run_cli(capsys, "ca", "trust-help", str(ca_dir), "--json")
    data = json.loads(out)
    assert data["ca_file"] == pem and data["is_root"] is True and data["name"] == "Browser CLI Root"
    assert all(p["trust"] and p["undo"] for p in data["platforms"])
    fingerprint = x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes()).fingerprint(
        hashes.SHA1()).hex()
    assert data["sha1"] == fingerprint


def test_trust_help_of_an_intermediate_points_at_its_root(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    inter = tmp_path / "inter"
    assert run_cli(capsys, "ca", "intermediate", str(ca_dir), str(inter), "--cn", "Sub")[0] == 0
    _code, out, _err = run_cli(capsys, "ca", "trust-help", str(inter), "--json")
    data = json.loads(out)
    assert data["is_root"] is False and data["root_name"] == "Browser CLI Root"
    assert any("intermediate" in w for w in data["warnings"])


def test_trust_help_of_a_non_ca_folder_is_one_error_line(tmp_path: Path, capsys: Cap) -> None:
    code, _out, err = run_cli(capsys, "ca", "trust-help", str(tmp_path))
    assert code == 2 and err.startswith("tlsexplorer: error: ") and len(err.strip().splitlines()) == 1


def test_scenarios_json_has_the_browser_field(capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "tls", "scenarios", "--only", "no_ca", "with_ca", "ip_mismatch",
                              "--json")
    assert code == 0
    data = {item["id"]: item["browser"] for item in json.loads(out)}
    by_id = {s.id: s for s in SCENARIOS}
    for scenario_id, browser in data.items():
        expected = by_id[scenario_id].browser
        assert expected is not None and browser["chromium"] == expected.chromium
    assert data["no_ca"]["firefox"] == "SEC_ERROR_UNKNOWN_ISSUER"
    assert data["no_ca"]["offers"]["firefox"] == "Advanced…, then 'Accept the Risk and Continue'"
    assert "Proceed to 127.0.0.1 (unsafe)" in data["ip_mismatch"]["offers"]["chromium"]
    assert "--insecure" in data["no_ca"]["proceed_means"]
    assert data["with_ca"]["chromium"] == LOADED and data["with_ca"]["offers"] is None


def test_scenarios_text_shows_the_browser(capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "tls", "scenarios", "--only", "no_ca")
    assert code == 0 and "ERR_CERT_AUTHORITY_INVALID" in out and "in a browser" in out
