"""Pilot tests of the Chain screen: the demonstration, editing inputs, payloads, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from textual.widgets import Checkbox, Input, Select, Static, Tree

from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.samples import SAMPLE_NOW, SAMPLES_DIR
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.payloads import VerifyChain
from tlsexplorer.tui.screens.chain import ChainScreen

SIZE = (120, 40)


async def test_opens_on_a_failing_demonstration_with_the_fix() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        report = screen.report
        assert report is not None and not report.valid and report.agrees
        assert len(report.chain) == 3
        assert "NOT VALID" in widget_text(screen, "#verdict")
        checklist = widget_text(screen, "#checklist", width=100)
        assert "Expired" in checklist and "fix:" in checklist
        assert "openssl verify" in widget_text(screen, "#command")
        tree = screen.query_one("#tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == (0, 0)


async def test_edit_inputs_and_verify_a_valid_chain() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = str(SAMPLES_DIR / "alice.example.net.fullchain.pem")
        screen.query_one("#chain-files", Input).value = ""
        screen.query_one("#host", Input).value = "localhost"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.report.valid
        assert "VALID" in widget_text(screen, "#verdict")
        # Walk the tree: the checklist follows the highlighted certificate.
        tree = screen.query_one("#tree", Tree)
        tree.focus()
        await pilot.press("down")
        await pilot.pause()
        assert screen.selected == (0, 1)
        assert "Charlie's Intermediate CA" in widget_text(screen, "#checklist", width=100)


async def test_missing_intermediate_shows_the_missing_issuer() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = "alice.example.net.pem"
        screen.query_one("#chain-files", Input).value = ""
        screen.query_one("#host", Input).value = "alice.example.net"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.report.missing is not None
        tree = screen.query_one("#tree", Tree)
        tree.focus()
        await pilot.press("down")
        await pilot.pause()
        assert screen.selected == (0, -1)
        assert "-untrusted" in widget_text(screen, "#checklist", width=100)


async def test_payload_from_another_screen() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        payload = VerifyChain(
            leaf=(SAMPLES_DIR / "alice.example.net.fullchain.pem").read_bytes(),
            roots=(SAMPLES_DIR / "charlies-root-ca.pem").read_bytes(),
            host="alice.example.net",
            label="alice's server",
        )
        app.open_explorer("chain", payload)
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        assert screen.query_one("#leaf", Input).value.startswith("sent: alice's server")
        assert screen.report is not None and screen.report.valid
        assert screen.report.host == "alice.example.net"


async def test_bad_input_is_shown_not_crashed() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = "/nonexistent/leaf.pem"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is None
        assert "✘" in widget_text(screen, "#verdict")
        screen.query_one("#leaf", Input).value = str(SAMPLES_DIR / "alice.example.net.key.pem")
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert "no certificate found" in widget_text(screen, "#verdict")
        screen.query_one("#leaf", Input).value = "expired.pem"
        screen.query_one("#at", Input).value = "yesterday"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert "ISO 8601" in widget_text(screen, "#verdict")
        screen.query_one("#at", Input).value = ""
        screen.query_one("#host", Input).value = "not a host!"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert "neither an IP address nor a valid DNS name" in widget_text(screen, "#verdict")
        await pilot.press("f9")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.query_one("#host", Input).value == "old.example.net"
        assert app.is_running


async def test_a_folder_as_the_leaf_is_refused_with_where_folders_go() -> None:
    """A folder in the leaf field verified whichever certificate sorted first in it."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = str(SAMPLES_DIR)
        screen.query_one("#anchors", Input).value = "charlies-root-ca.pem"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is None
        verdict = widget_text(screen, "#verdict")
        assert "is a folder" in verdict and "Intermediates" in verdict and "Anchors" in verdict
        assert widget_text(screen, "#command") == ""


async def test_alternative_paths_branch_in_the_tree(tmp_path: Path) -> None:
    start, end = (
        dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
        dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
    )
    keys = [ca.generate_private_key("p256") for _ in range(4)]

    def issue(
        cn: str, role: ca.Role, key: int, issuer: x509.Certificate | None, issuer_key: int
    ) -> x509.Certificate:
        sans = (ca.parse_san("www.example.com"),) if role == "server" else ()
        spec = ca.CertificateSpec(ca.build_name(cn), role, start, end, sans=sans)
        return ca.issue_certificate(spec, keys[key].public_key(), keys[issuer_key], issuer)  # type: ignore[arg-type]

    root_a, root_b = issue("Root A", "root", 0, None, 0), issue("Root B", "root", 1, None, 1)
    inter_a = issue("Inter", "intermediate", 2, root_a, 0)
    inter_b = issue("Inter", "intermediate", 2, root_b, 1)
    leaf = issue("www.example.com", "server", 3, inter_a, 2)
    (tmp_path / "leaf.pem").write_bytes(ca.certificate_pem(leaf))
    (tmp_path / "inters.pem").write_bytes(ca.certificate_pem(inter_a, inter_b))
    (tmp_path / "roots.pem").write_bytes(ca.certificate_pem(root_a, root_b))
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = str(tmp_path / "leaf.pem")
        screen.query_one("#chain-files", Input).value = str(tmp_path / "inters.pem")
        screen.query_one("#anchors", Input).value = str(tmp_path / "roots.pem")
        screen.query_one("#host", Input).value = "www.example.com"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.report.valid and len(screen.report.paths) == 2
        tree = screen.query_one("#tree", Tree)
        leaf_node = tree.root.children[0]
        assert len(leaf_node.children) == 2  # two intermediates named Inter: two branches
        tree.focus()
        tree.move_cursor(leaf_node.children[1])
        await pilot.pause()
        assert screen.selected == (1, 1)
        assert "alternative path 2 of 2" in widget_text(screen, "#checklist", width=100)


async def test_every_input_is_usable_on_a_small_terminal() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "chain")
        for selector in ("#leaf", "#chain-files", "#anchors", "#host", "#at"):
            width = screen.query_one(selector, Input).region.width
            assert width >= 15, f"{selector} is {width} cells wide at 80x24"
        for selector in ("#system-roots", "#bundle-root", "#purpose", "#depth", "#verify"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.right <= 80, selector
        # The chain and the checklist keep room below the inputs.
        assert screen.query_one("#tree", Tree).region.height >= 8


async def test_a_long_sent_label_shows_its_beginning() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.open_explorer(
            "chain",
            VerifyChain(
                leaf=(SAMPLES_DIR / "alice.example.net.pem").read_bytes(),
                label="a-very-long-host-name-9999.example.net (from the Inspector)",
            ),
        )
        await wait_for_workers(pilot)
        leaf = app.screen.query_one("#leaf", Input)
        assert leaf.cursor_position == 0 and leaf.scroll_offset.x == 0


async def test_each_input_takes_effect() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")

        async def verify(**fields: str) -> Any:
            for name, value in fields.items():
                screen.query_one(f"#{name.replace('_', '-')}", Input).value = value
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            return screen.report

        report = await verify(
            leaf="alice.example.net.fullchain.pem", chain_files="", host="alice.example.net"
        )
        assert report.valid and report.host == "alice.example.net" and report.anchor_count == 1
        report = await verify(at="2080-01-01")
        assert not report.valid and report.at == dt.datetime(2080, 1, 1, tzinfo=dt.timezone.utc)
        report = await verify(at="", host="127.0.0.1")
        assert not report.valid and report.host == "127.0.0.1"
        report = await verify(host="", depth="0")
        assert not report.valid and report.max_depth == 0 and "depth" in (report.error or "")
        report = await verify(depth="8", anchors="")
        assert not report.valid and report.anchor_count == 0
        screen.query_one("#bundle-root", Checkbox).value = True
        report = await verify(chain_files="charlies-root-ca.pem")
        assert report.valid and report.bundle_anchors
        screen.query_one("#bundle-root", Checkbox).value = False
        screen.query_one("#system-roots", Checkbox).value = True
        report = await verify(chain_files="")
        assert report.anchor_count > 1 and not report.valid
        screen.query_one("#system-roots", Checkbox).value = False
        screen.query_one("#purpose", Select).value = "client"
        report = await verify(anchors="charlies-root-ca.pem")
        assert report.purpose == "client" and not report.valid  # alice's EKU is serverAuth only


async def test_sent_material_survives_editing_and_verifying_again() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.open_explorer(
            "chain",
            VerifyChain(
                leaf=(SAMPLES_DIR / "alice.example.net.fullchain.pem").read_bytes(),
                roots=(SAMPLES_DIR / "charlies-root-ca.pem").read_bytes(),
                label="alice's server",
            ),
        )
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, ChainScreen) and screen.report is not None and screen.report.valid
        screen.query_one("#host", Input).value = "evil.example.net"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        report = screen.report
        assert report is not None, widget_text(screen, "#verdict")
        assert not report.valid and report.host == "evil.example.net"
        # Typing a path instead drops the sent material.
        screen.query_one("#leaf", Input).value = "expired.pem"
        await pilot.pause()
        assert screen.sent is None


async def test_openssl_line_for_sent_material_names_the_system_roots() -> None:
    from tlsexplorer.core.chain.trust import system_roots_file

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        leaf = (SAMPLES_DIR / "alice.example.net.fullchain.pem").read_bytes()
        app.open_explorer("chain", VerifyChain(leaf=leaf))
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, ChainScreen) and screen.report is not None
        command = screen.report.openssl_command
        assert "roots.pem" not in command.replace(system_roots_file() or "system-roots.pem", "")
        assert (system_roots_file() or "system-roots.pem") in command
        # leaf.pem and chain.pem are not on disk: the screen says what they stand for.
        shown = str(screen.query_one("#command", Static).render())
        assert "leaf.pem, chain.pem: the certificates sent from" in shown
        # Typed paths are real files: no legend.
        screen.action_demo()
        await wait_for_workers(pilot)
        assert "sent from" not in str(screen.query_one("#command", Static).render())


async def test_openssl_line_for_folders_names_their_files_and_openssl_agrees(tmp_path: Path) -> None:
    import shlex
    import shutil
    import subprocess

    anchors, chain = tmp_path / "anchors", tmp_path / "chain"
    anchors.mkdir()
    chain.mkdir()
    shutil.copy(SAMPLES_DIR / "charlies-root-ca.pem", anchors / "root.pem")
    shutil.copy(SAMPLES_DIR / "charlies-intermediate-ca.pem", chain / "inter.pem")
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        screen.query_one("#leaf", Input).value = str(SAMPLES_DIR / "alice.example.net.pem")
        screen.query_one("#chain-files", Input).value = str(chain)
        screen.query_one("#anchors", Input).value = str(anchors)
        screen.query_one("#host", Input).value = "localhost"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.report.valid
        command = screen.report.openssl_command
    assert f"-trusted {anchors / 'root.pem'}" in command
    assert f"-untrusted {chain / 'inter.pem'}" in command
    openssl = shutil.which("openssl")
    if openssl is not None:  # the line as shown gives openssl's same verdict
        argv = [openssl, *shlex.split(command)[1:]]
        assert subprocess.run(argv, capture_output=True, timeout=60).returncode == 0, command


async def test_the_demos_openssl_line_names_files_that_exist_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        assert screen.report is not None
        words = shlex.split(screen.report.openssl_command)
        files = [w for w in words if w.endswith(".pem")]
        assert len(files) == 3, words
        for name in files:
            assert Path(name).is_file(), f"{name} is not there when the line is pasted in {tmp_path}"


async def test_expired_says_when_it_expired_not_the_time_checked() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        assert screen.report is not None
        expired = next(f for f in screen.report.findings if f.check == "validity" and not f.ok)
        leaf = screen.report.chain[expired.certificate]
        end = format_iso8601(leaf.not_valid_after_utc)
        assert expired.message.startswith(f"Expired on {end}"), expired.message
        assert f"Expired at {format_iso8601(SAMPLE_NOW)}" not in expired.message


async def test_verify_uses_the_time_of_verifying_not_of_opening() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "chain")
        assert screen.report is not None and screen.report.at == SAMPLE_NOW
        later = SAMPLE_NOW + dt.timedelta(hours=5)
        app._fixed_now = later  # the clock moves on while the screen stays open
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.report is not None and screen.report.at == later


async def test_the_anchor_used_is_shown_with_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the Anchors field empty, the result still says which root verified the chain and from where."""
    from tlsexplorer.core.chain.trust import system_trust

    monkeypatch.setenv("SSL_CERT_FILE", str(SAMPLES_DIR / "charlies-root-ca.pem"))
    system_trust.cache_clear()
    monkeypatch.setattr("tlsexplorer.core.chain.trust.candidate_bundles",
                        lambda: [(str(SAMPLES_DIR / "charlies-root-ca.pem"), "platform")])
    app = TlsExplorerApp(now=SAMPLE_NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_explorer(pilot, "chain")

            async def verdict(chain_files: str, *, system: bool, bundle: bool) -> str:
                screen.query_one("#leaf", Input).value = "alice.example.net.fullchain.pem"
                screen.query_one("#chain-files", Input).value = chain_files
                screen.query_one("#anchors", Input).value = ""
                screen.query_one("#host", Input).value = "alice.example.net"
                screen.query_one("#system-roots", Checkbox).value = system
                screen.query_one("#bundle-root", Checkbox).value = bundle
                await pilot.press("ctrl+r")
                await wait_for_workers(pilot)
                assert screen.report is not None and screen.report.valid
                return " ".join(widget_text(screen, "#verdict").split())

            text = await verdict("charlies-root-ca.pem", system=False, bundle=True)
            assert "anchor: Charlie's Certificate Authority" in text, text
            assert "charlies-root-ca.pem" in text and "bundle" in text, text
            text = await verdict("", system=True, bundle=False)
            assert "anchor: Charlie's Certificate Authority" in text, text
            assert "system" in text and "charlies-root-ca.pem" in text, text
    finally:
        system_trust.cache_clear()
