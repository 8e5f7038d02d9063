"""The CA workbench screen: the form, inline validation, writing with confirmation, hand-offs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from textual.widgets import Checkbox, Input, Select, Static

from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.ca import CaScreen
from tlsexplorer.tui.widgets.confirm import ConfirmOverwrite

SIZE = (120, 40)


def has(explorer_id: str) -> bool:
    return any(item.id == explorer_id for item in EXPLORERS)


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "myca"
    key = ec.generate_private_key(ec.SECP256R1())
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Root"), SAMPLE_NOW, key))
    return folder


async def make(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await wait_for_workers(pilot)


def fill(screen: CaScreen, **values: str) -> None:
    for field, value in values.items():
        screen.query_one(f"#{field.replace('_', '-')}", Input).value = value


def error_text(screen: CaScreen, field: str) -> str:
    err = screen.query_one(f"#err-{field}", Static)
    return widget_text(err) if err.has_class("-shown") else ""


async def test_f6_opens_the_workbench_with_the_server_form() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        assert screen.action == "server"
        assert not screen.query_one("#row-flaw").has_class("hidden")
        assert screen.query_one("#row-path-len").has_class("hidden")
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        assert screen.query_one("#row-path-len").has_class("hidden") is False
        assert screen.query_one("#row-flaw").has_class("hidden")
        assert "New CA folder" in widget_text(screen, "#label-folder")


async def test_validation_errors_are_shown_inline(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        await make(pilot)
        assert "folder" in error_text(screen, "folder")
        assert "name" in error_text(screen, "name")
        fill(screen, folder=str(tmp_path), name="localhost", sans="127.0.0.1, not a name", days="soon")
        screen.query_one("#encrypt", Checkbox).value = True
        await pilot.pause()
        fill(screen, password="one", password2="two")
        await make(pilot)
        assert error_text(screen, "folder") == ""
        assert "not a DNS name" in error_text(screen, "sans")
        assert "whole number" in error_text(screen, "days")
        assert "differ" in error_text(screen, "password2")
        assert "to fix" in widget_text(screen, "#status")
        assert not (tmp_path / "issued").exists()


async def test_issue_then_confirm_before_overwriting(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        fill(screen, folder=str(ca_dir), name="localhost", sans="127.0.0.1")
        await make(pilot)
        paths = ca_store.issued_paths(ca_dir, "localhost")
        assert paths.certificate.exists() and paths.key.exists() and paths.fullchain.exists()
        assert paths.key.stat().st_mode & 0o777 == 0o600
        assert screen.last is not None
        assert "wrote 3 files" in widget_text(screen, "#status")
        assert "x509.CertificateBuilder()" in screen.last[2].python
        first = paths.certificate.read_bytes()
        # Again: a modal asks; "n" keeps the files.
        await make(pilot)
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert paths.certificate.read_bytes() == first
        assert "nothing was written" in widget_text(screen, "#status")
        # And "y" replaces them.
        await make(pilot)
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("y")
        await pilot.pause()
        assert paths.certificate.read_bytes() != first


async def test_root_ca_with_passphrase(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        screen.query_one("#key-type", Select).value = "p256"
        screen.query_one("#encrypt", Checkbox).value = True
        await pilot.pause()
        fill(screen, folder=str(tmp_path / "newca"), name="TUI Root", path_len="1", permit="example.net",
             password="pw", password2="pw")
        await make(pilot)
        assert ca_store.ca_key_is_encrypted(tmp_path / "newca")
        loaded = ca_store.load_ca(tmp_path / "newca", b"pw")
        assert loaded.certificate.not_valid_before_utc == SAMPLE_NOW


async def test_encrypted_ca_without_passphrase_is_an_error_not_a_crash(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    ca_store.save(ca_store.build_root(tmp_path / "enc", ca_store.CaRequest(cn="E", password=b"pw"),
                                      SAMPLE_NOW, key))
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        fill(screen, folder=str(tmp_path / "enc"), name="x.test")
        await make(pilot)
        status = screen.query_one("#status", Static)
        assert status.has_class("-error") and "passphrase" in widget_text(status)
        fill(screen, ca_password="pw")
        await make(pilot)
        assert ca_store.issued_paths(tmp_path / "enc", "x.test").certificate.exists()


async def test_a_flaw_opens_in_the_chain_screen(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        fill(screen, folder=str(ca_dir), name="old.test")
        screen.query_one("#flaw", Select).value = "expired"
        await make(pilot)
        await pilot.pause()
        assert screen.last is not None and screen.last[0].flaw is not None
        cert = screen.last[0].certificate
        assert cert is not None and cert.not_valid_after_utc < SAMPLE_NOW
        if has("chain"):
            assert getattr(app.screen, "EXPLORER_ID", "") == "chain"
        else:
            assert app.screen is screen


async def test_inspector_hand_off(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        await pilot.press("ctrl+o")  # nothing made yet: a notice, no crash
        await pilot.pause()
        assert app.screen is screen
        fill(screen, folder=str(ca_dir), name="inspect.test")
        await make(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        expected = "inspector" if has("inspector") else "ca"
        assert getattr(app.screen, "EXPLORER_ID", "") == expected


async def test_scene_is_deterministic() -> None:
    from tlsexplorer.tui.scenes.ca import SCENES

    texts = []
    for _ in range(2):
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await SCENES[0].run_before(pilot)
            screen = app.screen
            assert isinstance(screen, CaScreen), screen
            status = screen.query_one("#status", Static).render()
            assert screen.last is not None, status
            cert = screen.last[0].certificate
            assert cert is not None
            # Each run works in a private folder of its own: the recipe is the same but for it.
            assert screen.workdir is not None
            workdir = str(screen.workdir.resolve())
            openssl = tuple(line.replace(workdir, "WORKDIR") for line in screen.last[2].openssl)
            texts.append((cert.tbs_certificate_bytes, openssl))
            assert cert.not_valid_before_utc == SAMPLE_NOW
            assert cert.not_valid_after_utc == SAMPLE_NOW + dt.timedelta(days=397)
    assert texts[0] == texts[1]


async def test_ca_name_fields_and_dates(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        screen.query_one("#key-type", Select).value = "p256"
        await pilot.pause()
        fill(screen, folder=str(tmp_path / "named"), name="Named Root", country="USA", not_after="soon")
        await make(pilot)
        assert "two-letter" in error_text(screen, "country")
        assert "ISO 8601" in error_text(screen, "not-after")
        fill(screen, country="de", state="Berlin", locality="Berlin", ou="Lab", not_after="2030-01-01")
        await make(pilot)
        cert = ca_store.load_ca(tmp_path / "named").certificate
        assert cert.subject.rfc4514_string() == "CN=Named Root,OU=Lab,L=Berlin,ST=Berlin,C=DE"
        assert cert.not_valid_after_utc == dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


async def test_result_values_are_readable_at_80_columns(ca_dir: Path) -> None:
    """At 80x24 the field names took the whole result pane and every value was invisible."""
    import io

    from rich.console import Console

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "ca")
        fill(screen, folder=str(ca_dir), name="localhost", sans="127.0.0.1")
        await make(pilot)
        result = screen.query_one("#result", Static)
        console = Console(width=result.content_size.width, record=True, file=io.StringIO())
        console.print(result.content)
        shown = console.export_text()
        assert "CA:FALSE" in shown and "serverAuth" in shown and "CN=Pilot" in shown


async def test_an_intermediate_days_placeholder_says_it_ends_with_its_parent() -> None:
    """The default validity of an intermediate is capped at its parent's end (10 years only for a root)."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "intermediate"
        await pilot.pause()
        assert "parent" in screen.query_one("#days", Input).placeholder
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        assert "parent" not in screen.query_one("#days", Input).placeholder


async def test_core_form_errors_are_shown_under_their_own_fields(tmp_path: Path) -> None:
    """The messages come from core's form rules (core/ca/form.py), each right below its field."""
    from tlsexplorer.core.ca.form import parse_form

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        values = {"folder": str(tmp_path / "root"), "name": "Root", "path-len": "-1", "country": "USA",
                  "sans": "not read for a root"}
        fill(screen, **{field.replace("-", "_"): value for field, value in values.items()})
        await make(pilot)
        expected = parse_form("root", {**values, "key-type": "p256"})
        assert isinstance(expected, dict) and set(expected) == {"path-len", "country"}
        for field, message in expected.items():
            assert error_text(screen, field) == f"↑ {message}"
            row = screen.query_one(f"#row-{field}")
            err = screen.query_one(f"#err-{field}")
            assert err.region.y == row.region.bottom and err.region.height >= 1, field  # right under it
        assert "path length must be 0 or more" in error_text(screen, "path-len")
        assert error_text(screen, "sans") == ""  # a hidden field's text is not read
        assert widget_text(screen, "#status") == "2 fields to fix"
        assert not (tmp_path / "root").exists()
        # Fixed: the messages go and the CA is made.
        fill(screen, path_len="0", country="de")
        await make(pilot)
        assert error_text(screen, "path-len") == error_text(screen, "country") == ""
        assert ca_store.load_ca(tmp_path / "root").certificate.subject.rfc4514_string() == "CN=Root,C=DE"


def test_the_menu_offers_every_form_action() -> None:
    from tlsexplorer.core.ca.form import FORM_ACTIONS
    from tlsexplorer.tui.screens.ca import ACTIONS

    assert tuple(value for _text, value in ACTIONS) == FORM_ACTIONS


async def test_root_then_intermediate_then_server_each_start_from_the_last_ca(tmp_path: Path) -> None:
    """The root's CN is not carried into the Intermediate form, and the server is offered the
    intermediate just made as its CA, not the root."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        root, issuing = tmp_path / "root", tmp_path / "issuing"
        fill(screen, folder=str(root), name="Workbench Root")
        await make(pilot)
        assert (root / "ca.pem").exists(), widget_text(screen, "#status")
        screen.query_one("#action", Select).value = "intermediate"
        await pilot.pause()
        assert screen.query_one("#name", Input).value == ""
        assert screen.query_one("#folder", Input).value == str(root)
        fill(screen, newdir=str(issuing), name="Workbench Issuing")
        await make(pilot)
        assert (issuing / "ca.pem").exists(), widget_text(screen, "#status")
        screen.query_one("#action", Select).value = "server"
        await pilot.pause()
        assert screen.query_one("#folder", Input).value == str(issuing)
        assert screen.query_one("#name", Input).value == ""


async def test_the_sha1_flaw_works_with_the_default_key_type(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        fill(screen, folder=str(ca_dir), name="sha1.test")
        screen.query_one("#flaw", Select).value = "sha1"
        await pilot.pause()
        await make(pilot)
        status = widget_text(screen, "#status")
        assert "--key-type" not in status
        assert (ca_dir / "issued" / "sha1.test.pem").exists(), status


async def test_the_ca_scene_is_private_and_does_not_show_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI run whose TMPDIR was another folder showed that folder in the scene; and the scene
    wrote to a fixed /tmp/tlsexplorer-scene that concurrent runs shared."""
    import tempfile

    from tlsexplorer.tui.scenes import make_app
    from tlsexplorer.tui.scenes.ca import SCENES

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    workdirs = []
    for _ in range(2):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await SCENES[0].run_before(pilot)
            screen = app.screen
            assert isinstance(screen, CaScreen) and screen.last is not None
            shown = widget_text(screen, "#result") + widget_text(screen, "#status")
            assert str(tmp_path) not in shown and tempfile.gettempdir() not in shown
            assert "demo-ca/issued/localhost.pem" in shown
            assert screen.workdir is not None and screen.workdir.is_relative_to(tmp_path)
            workdirs.append(screen.workdir)
    assert workdirs[0] != workdirs[1]
