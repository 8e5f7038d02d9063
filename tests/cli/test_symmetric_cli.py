"""``tlsexplorer caesar`` and ``tlsexplorer fernet``: output, JSON schema, exit codes, errors."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

SPEC_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
SPEC_TOKEN = (
    "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
)
SPEC_AT = "1985-10-26T08:20:00Z"
ZERO_TO_15 = "000102030405060708090a0b0c0d0e0f"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "tlsexplorer", *args], capture_output=True, input=stdin, timeout=60, env=env
    )


def one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("tlsexplorer: error: ")
    assert b"Traceback" not in result.stderr
    return lines[0]


def test_caesar_encrypt_decrypt() -> None:
    assert run("caesar", "encrypt", "--shift", "-1", "fluffy tail").stdout == b"ekteex szhk\n"
    assert run("caesar", "decrypt", "--shift", "25", "ekteex szhk").stdout == b"fluffy tail\n"
    assert run("caesar", "encrypt", "--shift", "3", "-", stdin=b"Hello, World").stdout == b"Khoor, Zruog\n"


def test_caesar_crack_json() -> None:
    ciphertext = "Wkh vhfuhw lv klgghq xqghu wkh iorzhu srw qhdu wkh edfn grru"
    result = run("caesar", "crack", ciphertext, "--json")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert doc["shift"] == 3
    assert doc["plaintext"] == "The secret is hidden under the flower pot near the back door"
    assert len(doc["ranking"]) == 26
    assert doc["ranking"][0] == {
        "shift": 3,
        "score": doc["ranking"][0]["score"],
        "plaintext": doc["plaintext"],
    }
    scores = [entry["score"] for entry in doc["ranking"]]
    assert scores == sorted(scores)


def test_caesar_crack_human_and_errors() -> None:
    out = run("caesar", "crack", "Wkh vhfuhw lv klgghq xqghu wkh iorzhu srw qhdu wkh edfn grru")
    assert out.returncode == 0 and b"Best shift: 3" in out.stdout
    assert "no letters" in one_error_line(run("caesar", "crack", "1234"))
    bad = run("caesar", "crack", "-", stdin=b"\xff\xfe abc")
    assert bad.returncode == 2 and "not UTF-8" in one_error_line(bad)
    assert run("caesar").returncode == 2
    for top in ("0", "-3", "x"):
        wrong = run("caesar", "crack", "--top", top, "Wkh vhfuhw")
        assert wrong.returncode == 2 and "--top" in one_error_line(wrong), top


def test_fernet_keygen_is_a_library_key(tmp_path: Path) -> None:
    result = run("fernet", "keygen")
    key = result.stdout.strip()
    assert len(base64.urlsafe_b64decode(key)) == 32
    Fernet(key)
    doc = json.loads(run("fernet", "keygen", "--json").stdout)
    assert bytes.fromhex(doc["signing_key"]) + bytes.fromhex(
        doc["encryption_key"]
    ) == base64.urlsafe_b64decode(doc["key"])
    target = tmp_path / "secret.key"
    assert run("fernet", "keygen", "--output", str(target)).returncode == 0
    assert target.stat().st_mode & 0o777 == 0o600
    again = run("fernet", "keygen", "--output", str(target))
    assert again.returncode == 2 and "already exists" in one_error_line(again)


def test_fernet_round_trip_with_library(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    token = run("fernet", "encrypt", f"--key={key}", "the secret").stdout.strip()
    assert Fernet(key).decrypt(token) == b"the secret"
    library_token = Fernet(key).encrypt(b"\x00\xffbinary")
    keyfile = tmp_path / "k"
    keyfile.write_text(key + "\n")
    out = run("fernet", "decrypt", "--key-file", str(keyfile), "-", stdin=library_token)
    assert out.returncode == 0 and out.stdout == b"\x00\xffbinary"


def test_fixed_iv_and_time_reproduce_the_spec_vector_and_warn() -> None:
    result = run("fernet", "encrypt", "--key", SPEC_KEY, "--iv", ZERO_TO_15, "--at", SPEC_AT, "hello")
    assert result.returncode == 0
    assert result.stdout.strip().decode() == SPEC_TOKEN
    assert b"UNSAFE" in result.stderr
    assert b"UNSAFE" in run("fernet", "encrypt", "--help").stdout


def test_fernet_decrypt_rejections_exit_1_with_reason() -> None:
    expired = run(
        "fernet", "decrypt", "--key", SPEC_KEY, "--ttl", "60", "--at", "1985-10-26T08:30:00Z", SPEC_TOKEN
    )
    assert expired.returncode == 1 and "(expired)" in one_error_line(expired)
    wrong = run("fernet", "decrypt", "--key=" + Fernet.generate_key().decode(), SPEC_TOKEN)
    assert wrong.returncode == 1 and "(bad-hmac)" in one_error_line(wrong)
    ok = run(
        "fernet", "decrypt", "--key", SPEC_KEY, "--ttl", "60", "--at", "1985-10-26T08:20:30Z", SPEC_TOKEN
    )
    assert ok.returncode == 0 and ok.stdout == b"hello"


def test_fernet_explain_json_schema() -> None:
    result = run(
        "fernet",
        "explain",
        SPEC_TOKEN,
        "--key",
        SPEC_KEY,
        "--ttl",
        "60",
        "--at",
        "1985-10-26T08:20:01Z",
        "--json",
    )
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert doc["valid"] is True and doc["reason"] is None and doc["plaintext"] == "hello"
    assert [c["name"] for c in doc["checks"]][:2] == ["decode", "version"]
    assert all(set(c) >= {"name", "ok", "detail"} and c["ok"] is True for c in doc["checks"])
    raw = base64.urlsafe_b64decode(SPEC_TOKEN)
    fields = doc["fields"]
    assert fields["version"] == 0x80 and fields["timestamp"] == 499162800
    assert fields["iv"] == ZERO_TO_15
    assert fields["ciphertext"] == raw[25:-32].hex() and fields["hmac"] == raw[-32:].hex()
    assert fields["time"] == SPEC_AT


def test_fernet_explain_rejected_and_without_key() -> None:
    wrong = run("fernet", "explain", SPEC_TOKEN, "--key=" + Fernet.generate_key().decode(), "--json")
    doc = json.loads(wrong.stdout)
    assert wrong.returncode == 1 and doc["valid"] is False and doc["reason"] == "bad-hmac"
    assert doc["plaintext"] is None
    nokey = run("fernet", "explain", SPEC_TOKEN, "--json")
    doc = json.loads(nokey.stdout)
    assert nokey.returncode == 1 and doc["reason"] is None and doc["fields"]["timestamp"] == 499162800
    human = run("fernet", "explain", SPEC_TOKEN, "--key", SPEC_KEY)
    assert human.returncode == 0 and b"VALID" in human.stdout and b"HMAC" in human.stdout
    garbage = run("fernet", "explain", "%%%not-a-token", "--json")
    assert garbage.returncode == 1 and json.loads(garbage.stdout)["reason"] == "malformed"


def test_fernet_bad_input_is_one_line() -> None:
    assert "32 bytes" in one_error_line(run("fernet", "decrypt", "--key", "aGVsbG8=", SPEC_TOKEN))
    assert "not url-safe base64" in one_error_line(run("fernet", "encrypt", "--key", "!!", "x"))
    assert "not url-safe base64" in one_error_line(
        run("fernet", "encrypt", "--key", SPEC_KEY[:-2] + "é=", "x")
    )
    assert "ISO 8601" in one_error_line(run("fernet", "encrypt", "--key", SPEC_KEY, "--at", "yesterday", "x"))
    assert "16" in one_error_line(run("fernet", "encrypt", "--key", SPEC_KEY, "--iv", "00", "x"))
    negative = run("fernet", "decrypt", "--key", SPEC_KEY, "--ttl", "-5", SPEC_TOKEN)
    assert negative.returncode == 2 and "--ttl" in one_error_line(negative)
    missing = run("fernet", "encrypt", "x")
    assert missing.returncode == 2
    for action in ("encrypt", "decrypt", "explain"):
        assert run("fernet", action, "--key", "notakey", SPEC_TOKEN).returncode == 2, action


def test_fernet_rotate() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = Fernet(old).encrypt(b"rotate me")
    result = run("fernet", "rotate", "--key=" + new.decode(), "--key=" + old.decode(), token.decode())
    assert result.returncode == 0
    assert Fernet(new).decrypt(result.stdout.strip()) == b"rotate me"


def test_a_subcommand_builds_only_its_own_parser() -> None:
    from tlsexplorer import cli

    def commands(parser: object) -> set[str]:
        actions = parser._subparsers._group_actions  # type: ignore[attr-defined]
        return {name for action in actions for name in (action.choices or {})}

    assert commands(cli._parser_for(["fernet", "keygen"])) == {"fernet"}
    assert commands(cli._parser_for(["caesar"])) == {"caesar"}
    everything = commands(cli.build_parser())
    assert {"caesar", "fernet"} <= everything
    assert commands(cli._parser_for(["no-such"])) == everything
    assert commands(cli._parser_for([])) == everything


def test_key_file_and_text_cannot_both_read_stdin() -> None:
    # Before, the key swallowed stdin and an empty message was encrypted without a word.
    for action in ("encrypt", "decrypt", "explain"):
        result = run("fernet", action, "--key-file", "-", "-", stdin=SPEC_KEY.encode() + b"\nhello\n")
        assert result.returncode == 2 and result.stdout == b""
        assert "both read standard input" in one_error_line(result)
