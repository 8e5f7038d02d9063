"""The Chain screen and ``tlsexplorer verify`` gather and verify the same way; the Inspector
sends as roots only what core calls a root."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static

from tests.cli.support import run_cli
from tlsexplorer.cli.base import to_jsonable
from tlsexplorer.cli.verify import report_document
from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.samples import SAMPLE_NOW, SAMPLES_DIR
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.chain import ChainScreen
from tlsexplorer.tui.screens.inspector import InspectorScreen
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

LEAF = SAMPLES_DIR / "alice.example.net.pem"
FULLCHAIN = SAMPLES_DIR / "alice.example.net.fullchain.pem"
INTER = SAMPLES_DIR / "charlies-intermediate-ca.pem"
ROOT = SAMPLES_DIR / "charlies-root-ca.pem"
AT = format_iso8601(SAMPLE_NOW)


def cases(tmp: Path) -> dict[str, dict[str, Any]]:
    """name: the same input, as the screen's fields and the CLI's options."""
    chain, anchors = tmp / "chain", tmp / "anchors"
    chain.mkdir()
    anchors.mkdir()
    shutil.copy(INTER, chain / "inter.pem")
    (chain / "junk.pem").write_bytes(b"no certificate here")
    shutil.copy(ROOT, anchors / "root.crt")
    bundle = tmp / "bundle.pem"
    bundle.write_bytes(FULLCHAIN.read_bytes() + ROOT.read_bytes())
    return {
        "folders, one file skipped": {"leaf": LEAF, "chain": chain, "ca": anchors, "host": "localhost"},
        "expired": {
            "leaf": SAMPLES_DIR / "expired.pem", "chain": INTER, "ca": ROOT, "host": "old.example.net"
        },
        "missing intermediate": {"leaf": LEAF, "ca": ROOT, "host": "alice.example.net"},
        "the bundle's root": {"leaf": bundle, "bundle_root": True, "host": "localhost"},
        "client purpose": {"leaf": FULLCHAIN, "ca": ROOT, "purpose": "client"},
        "an IP address": {"leaf": FULLCHAIN, "ca": ROOT, "host": "127.0.0.1"},
    }


def cli_args(case: dict[str, Any]) -> list[str]:
    args = [str(case["leaf"])]
    if "chain" in case:
        args += ["--chain", str(case["chain"])]
    if "ca" in case:
        args += ["--ca", str(case["ca"])]
    if case.get("bundle_root"):
        args.append("--trust-bundle-root")
    host = case.get("host")
    if host is not None:
        args += ["--ip" if host[0].isdigit() else "--host", host]
    return [*args, "--purpose", case.get("purpose", "server"), "--at", AT, "--json"]


def checklist_text(screen: ChainScreen) -> str:
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(screen.query_one("#checklist", Static).content)
    return console.export_text()


async def screen_verifies(pilot: Pilot[Any], screen: ChainScreen, case: dict[str, Any]) -> None:
    screen.query_one("#leaf", Input).value = str(case["leaf"])
    screen.query_one("#chain-files", Input).value = str(case.get("chain", ""))
    screen.query_one("#anchors", Input).value = str(case.get("ca", ""))
    screen.query_one("#host", Input).value = case.get("host", "")
    screen.query_one("#at", Input).value = case.get("at", AT)
    screen.query_one("#bundle-root", Checkbox).value = bool(case.get("bundle_root"))
    screen.query_one("#system-roots", Checkbox).value = False
    screen.query_one("#purpose", Select).value = case.get("purpose", "server")
    await pilot.pause()
    screen.action_verify()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_chain_screen_and_verify_give_the_same_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    inputs = cases(tmp_path)
    cli: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for name, case in inputs.items():  # before the app runs: it takes stdout over
        code, out, err = run_cli(capsys, "verify", *cli_args(case))
        assert code in (0, 1), (name, err)
        warned = [line.removeprefix("tlsexplorer: warning: ") for line in err.splitlines()]
        cli[name] = json.loads(out), warned
    assert {document["valid"] for document, _ in cli.values()} == {True, False}
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        for name, case in inputs.items():
            await screen_verifies(pilot, screen, case)
            assert screen.report is not None, (name, str(screen.query_one("#verdict").render()))
            shown = json.loads(json.dumps(to_jsonable(report_document(screen.report))))
            document, warnings = cli[name]
            # The whole document: verdict, chain, every finding, paths, and the openssl line.
            assert shown == document, name
            assert list(screen.input_notes) == warnings, name
            shown_notes = checklist_text(screen)
            assert all(f"note: {warning}" in shown_notes for warning in warnings), name


async def test_the_inspector_trusts_only_self_signed_roots_from_other_files(tmp_path: Path) -> None:
    """A certificate whose subject is its issuer, signed by another key, is a link, not a root."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=365)
    root_key, new_key, leaf_key = (ca.generate_private_key("p256") for _ in range(3))
    root = ca.issue_certificate(ca.CertificateSpec(ca.build_name("Rollover CA"), "root", start, end),
                                root_key.public_key(), root_key)
    # The CA's new key certified by its old one: same name as issuer and subject, not self-signed.
    rollover_spec = ca.CertificateSpec(ca.build_name("Rollover CA"), "intermediate", start, end)
    rollover = ca.issue_certificate(rollover_spec, new_key.public_key(), root_key, root)
    assert rollover.subject == rollover.issuer
    leaf = ca.issue_certificate(
        ca.CertificateSpec(ca.build_name("www.example.com"), "server", start, end,
                           sans=(ca.parse_san("www.example.com"),)),
        leaf_key.public_key(), new_key, rollover,
    )
    (tmp_path / "leaf.pem").write_bytes(ca.certificate_pem(leaf))
    (tmp_path / "rollover.pem").write_bytes(ca.certificate_pem(rollover))
    (tmp_path / "root.pem").write_bytes(ca.certificate_pem(root))

    for opened, trusted_root in (("rollover.pem", None), ("root.pem", root)):
        paths = [str(tmp_path / "leaf.pem"), str(tmp_path / "rollover.pem")]
        if opened == "root.pem":
            paths.append(str(tmp_path / "root.pem"))
        app = TlsExplorerApp(now=SAMPLE_NOW, open_paths=paths)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            inspector = app.screen
            assert isinstance(inspector, InspectorScreen)
            row = next(i for i, r in enumerate(inspector.rows)
                       if r.obj is not None and inspector.files[r.file].label.endswith("leaf.pem"))
            inspector.query_one("#insp-objects", VirtualTable).move_cursor(row=row, animate=False)
            await pilot.pause()
            inspector.action_verify_chain()
            await app.workers.wait_for_complete()
            await pilot.pause()
            chain = app.screen
            assert isinstance(chain, ChainScreen) and chain.report is not None
            report = chain.report
            if trusted_root is None:  # the rollover certificate alone is not a trust anchor
                assert not report.valid and not report.trusted and report.chain == (leaf, rollover)
            else:  # leaf -> rollover -> the real, self-signed root
                assert report.valid and list(report.chain) == [leaf, rollover, root]


async def test_a_crl_among_the_anchors_shows_the_same_revocation_checks_as_verify(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A CRL file loaded on the Chain screen is checked as ``verify --crl`` checks it: same document."""
    from cryptography import x509

    from tests.revocation_pki import NOW, crl, make_pki, pem

    pki = make_pki()
    paths = pki.write(tmp_path)
    revoked = tmp_path / "root.crl"
    entries = [(pki.leaf.serial_number, x509.ReasonFlags.superseded)]
    revoked.write_bytes(pem(crl(pki.root, pki.root_key, entries)))
    at = format_iso8601(NOW)
    code, out, _ = run_cli(capsys, "verify", str(paths["leaf"]), "--ca", str(paths["root"]),
                           "--crl", str(revoked), "--host", "leaf.example.net", "--at", at, "--json")
    document = json.loads(out)
    assert code == 1 and document["revocation"][0][0]["status"] == "revoked"
    app = TlsExplorerApp(now=NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        case = {"leaf": paths["leaf"], "ca": f"{paths['root']}, {revoked}", "host": "leaf.example.net",
                "at": at}
        await screen_verifies(pilot, screen, case)
        assert screen.report is not None and not screen.report.valid
        shown = json.loads(json.dumps(to_jsonable(report_document(screen.report))))
        assert shown["revocation"] == document["revocation"]
        assert shown["revocation_verdict"] == document["revocation_verdict"]
        assert shown["valid"] is False
        verdict = str(screen.query_one("#verdict", Static).render())
        assert "revoked on" in verdict and "(superseded)" in verdict
        assert "CRL: entry" in checklist_text(screen)
