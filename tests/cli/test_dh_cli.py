"""``tlsexplorer dh``: small Diffie-Hellman, X25519, hybrid encryption."""

from __future__ import annotations

import json

import pytest

from tests.cli.support import run_cli


def test_dh_json_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "dh", "--json")
    doc = json.loads(out)
    assert code == 0
    got = (doc["p"], doc["g"], doc["alice_public"], doc["bob_public"], doc["shared_secret"])
    assert got == (23, 5, 8, 19, 2)
    assert doc["eavesdropper_sees"] == {"p": 23, "g": 5, "A": 8, "B": 19}
    assert doc["x25519"]["equal"] and doc["x25519"]["alice_shared"] == doc["x25519"]["bob_shared"]
    assert doc["hybrid"]["round_trip"] and doc["hybrid"]["decrypted"] == "attack at dawn"


def test_dh_custom_numbers_and_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("dh", "--p", "1019", "--g", "2", "--a", "345", "--b", "678", "--text", "hi")
    code, out, _ = run_cli(capsys, *args)
    assert code == 0
    assert str(pow(pow(2, 345, 1019), 678, 1019)) in out and "Eve" in out and "X25519" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--p", "24"], 1, "not prime"),
        (["--g", "x"], 2, "not a whole number"),
        (["--a", "30"], 1, "secret a"),
    ],
)
def test_dh_bad_input(capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str) -> None:
    got, out, err = run_cli(capsys, "dh", *args)
    assert got == code and out == "" and message in err and err.count("\n") == 1


def test_dh_big_numbers_are_never_cut_in_an_80_column_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 127-bit p used to end in '…' inside the table: digits silently lost."""
    monkeypatch.setenv("COLUMNS", "80")
    p = 2**127 - 1
    code, out, _ = run_cli(capsys, "dh", "--p", str(p), "--g", "3", "--a", "12345", "--b", "67890")
    assert code == 0
    table = out.split("Eve (the eavesdropper)")[0]
    digits = "".join(ch for ch in table if ch.isdigit())
    shared = pow(pow(3, 12345, p), 67890, p)
    assert str(p) in digits and str(shared) in digits
    assert "…" not in table
