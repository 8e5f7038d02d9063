"""``tls wire``: the records decrypted with the recording client's key log, and the key log kept."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tlsexplorer.core.tls.keylog import parse_keylog


def test_wire_json_names_every_record_with_its_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tls", "wire", "--json")
    document = json.loads(out)
    assert code == 0 and document["secret_visible"] is False and document["secret_decrypted"] is True
    (connection,) = document["connections"]
    assert connection["keys_found"] is True and connection["tls_version"] == "TLS 1.3"
    assert len(connection["client_random"]) == 64
    records = connection["records"]
    assert all(r["decrypted"] for r in records if r["encrypted"])
    server = [(r["key"], r["sequence"], [m["type"] for m in r["messages"]])
              for r in records if r["direction"] == "s2c" and r["encrypted"]]
    assert server[:4] == [
        ("server_handshake", 0, ["encrypted_extensions"]), ("server_handshake", 1, ["certificate"]),
        ("server_handshake", 2, ["certificate_verify"]), ("server_handshake", 3, ["finished"]),
    ]
    assert ("server_application", 0, ["new_session_ticket"]) in server
    request = next(r for r in records if r["direction"] == "c2s" and r["content_type"] == "application_data")
    assert request["key"] == "client_application" and request["text"].startswith("GET / HTTP/1.1")
    assert bytes.fromhex(request["plaintext_hex"]).decode() == request["text"]
    assert records[0]["key"] is None and records[0]["messages"][0]["type"] == "client_hello"


def test_wire_text_shows_the_decrypted_records_and_key_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tls", "wire", "--tls-max", "1.2")
    assert code == 0
    assert "decrypted with the client's key log" in out and "client_write #1" in out
    assert "key_block" in out and "fluffy-tail-42" in out


def test_wire_keylog_is_kept_private_and_never_overwritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    keylog = tmp_path / "lab.keylog"
    code, out, err = run_cli(capsys, "tls", "wire", "--keylog", str(keylog), "--json")
    assert code == 0 and "0600" in err
    assert stat.S_IMODE(keylog.stat().st_mode) == 0o600
    random = json.loads(out)["connections"][0]["client_random"]
    assert "CLIENT_TRAFFIC_SECRET_0" in parse_keylog(keylog.read_text()).for_connection(bytes.fromhex(random))
    before = keylog.read_bytes()
    code, _, err = run_cli(capsys, "tls", "wire", "--keylog", str(keylog))
    assert code == 2 and "already exists" in err and "--force" in err and keylog.read_bytes() == before
    code, _, err = run_cli(capsys, "tls", "wire", "--keylog", str(keylog), "--force", "--json")
    assert code == 0 and keylog.read_bytes() != before
    code, _, err = run_cli(capsys, "tls", "wire", "--plain", "--keylog", str(tmp_path / "plain.keylog"))
    assert code == 2 and "no key log" in err and not (tmp_path / "plain.keylog").exists()
