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
    assert code == 2 and "--keylog has no use there" in err and not (tmp_path / "plain.keylog").exists()


def _pcapng(tmp_path: Path, *, with_secrets: bool = True) -> Path:
    from tlsexplorer.core.tls.capture import write_pcapng
    from tlsexplorer.tui.scenes._tls_capture_keyed import recorded_exchange_with_keylog

    exchange = recorded_exchange_with_keylog()
    path = tmp_path / ("with.pcapng" if with_secrets else "without.pcapng")
    path.write_bytes(write_pcapng(exchange, exchange.keylog if with_secrets else ""))
    (tmp_path / "lab.keylog").write_text(exchange.keylog)
    return path


def test_decrypt_a_capture_with_its_secrets_block_or_a_key_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run_cli(capsys, "tls", "decrypt", str(_pcapng(tmp_path)), "--json")
    document = json.loads(out)
    assert code == 0 and document["format"] == "pcapng"
    (connection,) = document["connections"]
    assert connection["keys_found"] and connection["server"] == "127.0.0.1:443"
    assert any(r["text"] and r["text"].startswith("GET / HTTP/1.1") for r in connection["records"])
    bare = _pcapng(tmp_path, with_secrets=False)
    code, out, err = run_cli(capsys, "tls", "decrypt", str(bare), "--json")
    (connection,) = json.loads(out)["connections"]
    assert code == 1 and not connection["keys_found"] and "no key log" in err
    assert "no line for this connection's client random" in connection["problems"][0]
    keylog = tmp_path / "lab.keylog"
    keylog.write_text("garbage line\n" + keylog.read_text() + "CLIENT_RANDOM zz yy\n")
    code, out, err = run_cli(capsys, "tls", "decrypt", str(bare), "--keylog", str(keylog))
    assert code == 0 and "fluffy-tail-42" in out
    assert err.count("not key log lines") == 1 and "(and 1 more)" in err


def test_decrypt_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other.keylog"
    other.write_text(f"CLIENT_RANDOM {'ab' * 32} {'cd' * 48}\n")
    bare = _pcapng(tmp_path, with_secrets=False)
    code, out, err = run_cli(capsys, "tls", "decrypt", str(bare), "--keylog", str(other))
    assert code == 1 and "1 other connection" in out
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a capture at all")
    code, _, err = run_cli(capsys, "tls", "decrypt", str(junk))
    assert code == 1 and err.startswith("tlsexplorer: error: not a capture file") and err.count("\n") == 1
    code, _, err = run_cli(capsys, "tls", "decrypt", str(tmp_path / "missing.pcap"))
    assert code in (1, 2) and "Traceback" not in err and err.count("\n") == 1
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(_pcapng(tmp_path).read_bytes()[:-200])
    code, _, err = run_cli(capsys, "tls", "decrypt", str(cut))
    assert "cut off" in err and "Traceback" not in err


def test_wire_pcap_is_written_private_with_its_secrets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tlsexplorer.core.tls.capture import read_capture

    pcap = tmp_path / "wire.pcapng"
    code, _, err = run_cli(capsys, "tls", "wire", "--pcap", str(pcap))
    assert code == 0 and stat.S_IMODE(pcap.stat().st_mode) == 0o600
    capture = read_capture(pcap.read_bytes())
    assert capture.keylog and len(capture.tls_streams) == 1
    code, _, err = run_cli(capsys, "tls", "wire", "--pcap", str(pcap))
    assert code == 2 and "already exists" in err
    code, out, _ = run_cli(capsys, "tls", "decrypt", str(pcap), "--json")
    assert code == 0 and json.loads(out)["connections"][0]["keys_found"] is True
