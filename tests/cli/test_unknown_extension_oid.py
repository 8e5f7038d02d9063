"""An unknown extension 2.999.3 is shown as 2.999.3 by ``inspect``, ``inspect --json`` and ``verify``.

2.999.3 is the OID whose first subidentifier takes two bytes (80 + 999): a reader that
splits the first byte alone into two arcs prints 2.56.55.3 instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tests.inspect_factory import pem, unknown_extension_chain

AT = "2026-06-01T12:00:00Z"
OID = "2.999.3"
MISREAD = "2.56.55"


def files(tmp_path: Path, critical: bool) -> tuple[Path, Path]:
    root, leaf = unknown_extension_chain(critical)
    root_path, leaf_path = tmp_path / "root.pem", tmp_path / "odd.pem"
    root_path.write_bytes(pem(root))
    leaf_path.write_bytes(pem(leaf))
    return root_path, leaf_path


def flat(text: str) -> str:
    """The output with its line wrapping (and the tree's guide lines) undone."""
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("critical", [True, False])
def test_inspect_shows_the_oid_and_its_criticality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], critical: bool
) -> None:
    _root, leaf = files(tmp_path, critical)
    code, out, _err = run_cli(capsys, "inspect", "--der", "--at", AT, str(leaf))
    assert code == 0
    rows = [line for line in out.splitlines() if OID in line]
    assert len(rows) == 2  # the extensions table and the DER tree
    table_row = next(r for r in rows if "OBJECT IDENTIFIER" not in r)
    assert table_row.split(OID, 1)[1].split()[0] == ("yes" if critical else "no")
    assert MISREAD not in out


@pytest.mark.parametrize("critical", [True, False])
def test_inspect_json_carries_the_oid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], critical: bool
) -> None:
    _root, leaf = files(tmp_path, critical)
    code, out, _err = run_cli(capsys, "inspect", "--json", "--at", AT, str(leaf))
    assert code == 0
    (cert,) = json.loads(out)["files"][0]["objects"]
    odd = [e for e in cert["extensions"] if e["oid"] == OID]
    assert len(odd) == 1 and odd[0]["critical"] is critical
    assert MISREAD not in out


def test_verify_names_the_critical_unknown_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, leaf = files(tmp_path, True)
    args = ("--ca", str(root), "--host", "odd.example.net", "--at", AT, str(leaf))
    code, out, _err = run_cli(capsys, "verify", *args)
    assert code == 1
    assert f"Critical extension(s) the verifier does not know: {OID}." in flat(out)
    assert MISREAD not in out

    code, out, _err = run_cli(capsys, "verify", "--json", *args)
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    (finding,) = [
        f for f in report["findings"] if f["certificate"] == 0 and f["check"] == "critical_extensions"
    ]
    assert finding["ok"] is False
    assert finding["message"].startswith(f"Critical extension(s) the verifier does not know: {OID}.")
    assert MISREAD not in out


def test_verify_accepts_the_non_critical_unknown_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, leaf = files(tmp_path, False)
    args = ("--ca", str(root), "--host", "odd.example.net", "--at", AT, str(leaf))
    code, out, _err = run_cli(capsys, "verify", "--json", *args)
    assert code == 0
    report = json.loads(out)
    assert report["valid"] is True
    assert all(f["ok"] for f in report["findings"])
    assert MISREAD not in out
