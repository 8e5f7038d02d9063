"""The CA workbench's Revoke tab: revoking, publishing CRLs and answering OCSP, held to openssl."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp as x509_ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from textual.widgets import Input, RichLog, Select, TabbedContent

import tlsexplorer.core.ca.registry as registry
import tlsexplorer.core.ca.store as ca_store
from tests.tools import OPENSSL, needs_openssl
from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.core.timeutil import utcnow
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.ca import CaScreen
from tlsexplorer.tui.screens.ca_revoke import RevokeTab
from tlsexplorer.tui.widgets.confirm import Confirm
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

SIZE = (120, 40)
NAMES = ("www.example.net", "mail.example.net")


def make_ca(folder: Path, now: dt.datetime) -> list[int]:
    """A root CA with two server certificates (EC keys: fast); their serials, in the order issued."""
    key = ec.generate_private_key(ec.SECP256R1())
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Revoke Tab Root"), now, key))
    issuer = ca_store.load_ca(folder)
    serials = []
    for name in NAMES:
        product = ca_store.build_leaf(issuer, ca_store.LeafRequest(name=name, sans=(name,)), now)
        ca_store.save(product)
        assert product.certificate is not None
        serials.append(product.certificate.serial_number)
    return serials


async def open_tab(pilot: Any, folder: Path | str) -> tuple[CaScreen, RevokeTab]:
    """The workbench on its Revoke tab, the form's CA folder set to ``folder``."""
    screen = await open_explorer(pilot, "ca")
    screen.query_one("#folder", Input).value = str(folder)
    screen.query_one("#ca-result", TabbedContent).active = "tab-revoke"
    await wait_for_workers(pilot)
    await pilot.pause()
    return screen, screen.query_one(RevokeTab)


def row_text(tab: RevokeTab, row: int) -> str:
    """What the table shows on ``row`` (the header is line 0)."""
    table = tab.query_one("#rv-table", VirtualTable)
    return "".join(segment.text for segment in table.render_line(row + 1 - int(table.scroll_y)))


async def revoke_row(pilot: Any, tab: RevokeTab, row: int, reason: str, answer: str = "y") -> None:
    tab.query_one("#rv-table", VirtualTable).move_cursor(row=row)
    tab.query_one("#rv-reason", Select).value = reason
    tab.query_one("#rv-table", VirtualTable).focus()
    await pilot.press("ctrl+r")
    await pilot.pause()
    await pilot.press(answer)
    await wait_for_workers(pilot)


def status(tab: RevokeTab) -> str:
    return widget_text(tab, "#rv-status")


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, timeout=60, check=False)


async def test_revoke_changes_the_row_and_the_record_after_confirmation(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    serials = make_ca(folder, SAMPLE_NOW)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, folder)
        assert "2 certificates issued, 0 revoked" in status(tab)
        assert "good" in row_text(tab, 1) and "mail.example.net" in row_text(tab, 1)
        # "n" at the question: nothing is revoked.
        tab.query_one("#rv-table", VirtualTable).move_cursor(row=1)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await wait_for_workers(pilot)
        assert not registry.load_record(folder).revoked
        assert "nothing was revoked" in status(tab)
        # "y": the record says so, and the row shows when and why.
        await revoke_row(pilot, tab, 1, "keyCompromise")
        entry = registry.load_record(folder).find(serials[1])
        assert entry is not None and entry.reason == "keyCompromise"
        assert entry.revoked_at == SAMPLE_NOW
        assert f"revoked {SAMPLE_NOW.date().isoformat()} (keyCompromise)" in row_text(tab, 1)
        assert "good" in row_text(tab, 0)
        assert f"revoked serial {serials[1]:x}" in status(tab)
        assert "keyCompromise" in widget_text(tab, "#rv-detail")


@needs_openssl
async def test_published_crl_verifies_with_openssl_and_is_replaced_only_if_confirmed(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    serials = make_ca(folder, SAMPLE_NOW)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, folder)
        await revoke_row(pilot, tab, 0, "superseded")
        await pilot.press("ctrl+n")
        await wait_for_workers(pilot)
        crl = folder / registry.CRL_FILE
        check = openssl("crl", "-in", str(crl), "-CAfile", str(folder / "ca.pem"), "-verify", "-noout")
        assert check.returncode == 0 and "verify OK" in check.stdout + check.stderr
        text = openssl("crl", "-in", str(crl), "-noout", "-text").stdout
        number = re.search(r"CRL Number:\s*\n\s*(\d+)", text)
        assert number is not None
        shown = widget_text(tab, "#rv-crl")
        assert f"CRL number {number.group(1)} to {crl}" in shown
        assert "1 revoked certificate" in shown and "openssl crl -in" in shown
        assert f"{serials[0]:X}" in text.replace(":", "").upper() and "Superseded" in text
        first = crl.read_bytes()
        # Again: the file is there; "n" keeps it, "y" replaces it with the next number.
        await pilot.press("ctrl+n")
        await wait_for_workers(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await wait_for_workers(pilot)
        assert crl.read_bytes() == first and "is kept" in status(tab)
        await pilot.press("ctrl+n")
        await wait_for_workers(pilot)
        await pilot.press("y")
        await wait_for_workers(pilot)
        text = openssl("crl", "-in", str(crl), "-noout", "-text").stdout
        again = re.search(r"CRL Number:\s*\n\s*(\d+)", text)
        assert again is not None and int(again.group(1)) == int(number.group(1)) + 1
        assert f"CRL number {again.group(1)}" in widget_text(tab, "#rv-crl")


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` (SO_REUSEADDR, as servers do: the connections the
    responder closed first may linger in TIME_WAIT, which holds no thread and no listener)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
    return True


async def until(pilot: Any, condition: Any, seconds: float = 60.0) -> None:
    """Pause the app until ``condition()`` holds (events, not a fixed sleep; generous under load)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        tab = pilot.app.screen.query_one(RevokeTab)
        assert loop.time() < deadline, f"timed out; the tab says: {status(tab)}"
        await pilot.pause(0.05)


@needs_openssl
async def test_responder_answers_openssl_ocsp_logs_it_and_frees_the_port(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    serials = make_ca(folder, utcnow())
    app = TlsExplorerApp()  # the real clock: openssl judges the answer's times by it
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, folder)
        await revoke_row(pilot, tab, 0, "cessationOfOperation")
        tab.query_one("#rv-port", Input).value = "0"
        await pilot.press("ctrl+b")
        await until(pilot, lambda: tab.responder is not None)
        responder = tab.responder
        assert responder is not None
        port = responder.port
        assert f"127.0.0.1:{port}" in widget_text(tab, "#rv-ocsp-status")
        log = tab.query_one("#rv-log", RichLog)
        for index, expected in ((0, "revoked"), (1, "good")):
            cert = ca_store.issued_paths(folder, NAMES[index]).certificate
            answer = await asyncio.to_thread(
                openssl, "ocsp", "-issuer", str(folder / "ca.pem"), "-cert", str(cert),
                "-url", f"http://127.0.0.1:{port}", "-CAfile", str(folder / "ca.pem"))
            assert "Response verify OK" in answer.stdout + answer.stderr
            assert f"{cert}: {expected}" in answer.stdout
            wanted = f"serial {serials[index]:x}: {expected}"
            await until(pilot, lambda wanted=wanted: any(wanted in line.text for line in log.lines))
        assert "cessationOfOperation" in "".join(line.text for line in log.lines)
        assert not port_is_free(port)
        await pilot.press("ctrl+b")
        await wait_for_workers(pilot)
        assert tab.responder is None and port_is_free(port)
        assert "stopped after 2 requests" in widget_text(tab, "#rv-ocsp-status")
        # Started again and left running: quitting the app stops it.
        await pilot.press("ctrl+b")
        await until(pilot, lambda: tab.responder is not None)
        running = tab.responder
        assert running is not None
    assert not running.running and port_is_free(running.port)


async def test_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    serials = make_ca(folder, SAMPLE_NOW)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, "")
        # No CA folder chosen: each action says what to do.
        for key in ("ctrl+r", "ctrl+n", "ctrl+b"):
            tab.query_one("#rv-table", VirtualTable).focus()
            await pilot.press(key)
            await wait_for_workers(pilot)
            assert app.screen is _screen
            assert "choose a CA folder first" in status(tab), key
            assert tab.query_one("#rv-status").has_class("-error")
        # A folder that holds no CA: the core's sentence, and no folder made.
        missing = tmp_path / "not-a-ca"
        tab.query_one("#rv-folder", Input).value = str(missing)
        tab.query_one("#rv-folder", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "is not a CA folder" in status(tab) and "Traceback" not in status(tab)
        assert not missing.exists()
        # The real folder; a second revoke of the same certificate is refused by the core.
        tab.query_one("#rv-folder", Input).value = str(folder)
        tab.query_one("#rv-folder", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(pilot)
        await revoke_row(pilot, tab, 1, "keyCompromise")
        tab.query_one("#rv-table", VirtualTable).move_cursor(row=1)
        tab.query_one("#rv-reason", Select).value = "superseded"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert app.screen is _screen  # nothing to confirm: the core says no
        assert "already revoked" in status(tab) and "nothing was changed" in status(tab)
        entry = registry.load_record(folder).find(serials[1])
        assert entry is not None and entry.reason == "keyCompromise"
        # A port that is not one.
        tab.query_one("#rv-port", Input).value = "99999"
        await pilot.press("ctrl+b")
        await wait_for_workers(pilot)
        assert "is not a port number" in status(tab) and tab.responder is None


async def test_enter_in_the_tab_never_makes_from_the_form(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    make_ca(folder, SAMPLE_NOW)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen, tab = await open_tab(pilot, folder)
        assert screen.has_class("-revoking")  # the form steps aside
        tab.query_one("#rv-folder", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert screen.last is None and "to fix" not in widget_text(screen, "#status")
        assert "2 certificates issued" in status(tab)
        await pilot.press("ctrl+pageup")  # back to the Trust tab, as a person would: the form returns
        await until(pilot, lambda: not screen.has_class("-revoking"))
        assert screen.query_one("#ca-result", TabbedContent).active != "tab-revoke"


# A delegated OCSP signer ------------------------------------------------------------------------------

SIGNER = "responder"
SIGNER_PASSPHRASE = "signer passphrase 1"
CA_PASSPHRASE = b"ca passphrase 1"


def make_signer(folder: Path, now: dt.datetime, password: bytes | None = SIGNER_PASSPHRASE.encode()) -> Path:
    """The CA in ``folder`` issues a delegated OCSP responder (its key encrypted); its certificate's path."""
    issuer = ca_store.load_ca(folder, CA_PASSPHRASE if ca_store.ca_key_is_encrypted(folder) else None)
    request = ca_store.LeafRequest(name=SIGNER, ocsp_signer=True, password=password)
    ca_store.save(ca_store.build_leaf(issuer, request, now))
    return ca_store.issued_paths(folder, SIGNER).certificate


def signer_values(tab: RevokeTab) -> list[str]:
    """What the signer menu offers, by value ("" is the CA itself)."""
    return [str(value) for _label, value in tab.query_one("#rv-signer", Select)._options]


async def choose_signer(pilot: Any, tab: RevokeTab, name: str, passphrase: str = "") -> None:
    tab.query_one("#rv-signer", Select).value = name
    await pilot.pause()
    tab.query_one("#rv-signer-password", Input).value = passphrase
    tab.query_one("#rv-table", VirtualTable).focus()


@needs_openssl
async def test_a_delegated_signer_chosen_in_the_tab_signs_the_answers(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    now = utcnow()  # the real clock: openssl judges the answer's times by it
    key = ec.generate_private_key(ec.SECP256R1())
    request = ca_store.CaRequest(cn="Offline Root", password=CA_PASSPHRASE)
    ca_store.save(ca_store.build_root(folder, request, now, key))
    issuer = ca_store.load_ca(folder, CA_PASSPHRASE)
    ca_store.save(ca_store.build_leaf(issuer, ca_store.LeafRequest(name=NAMES[0], sans=(NAMES[0],)), now))
    signer_pem = make_signer(folder, now)
    signer_cert = x509.load_pem_x509_certificate(signer_pem.read_bytes())
    app = TlsExplorerApp()
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, folder)
        assert signer_values(tab) == ["", SIGNER]
        assert tab.query_one("#rv-signer", Select).value == ""  # the CA itself by default
        help_text = widget_text(tab, "#rv-signer-help")
        assert "keeps the CA key offline" in help_text and "EKU (OCSPSigning)" in help_text
        assert "No OCSP signer" not in help_text
        assert not tab.query_one("#rv-signer-password", Input).display
        await revoke_row(pilot, tab, 0, "keyCompromise")
        await choose_signer(pilot, tab, SIGNER, SIGNER_PASSPHRASE)
        assert tab.query_one("#rv-signer-password", Input).display
        # the CA passphrase field stays empty: the CA key is never read
        assert tab.query_one("#rv-password", Input).value == ""
        tab.query_one("#rv-port", Input).value = "0"
        await pilot.press("ctrl+b")
        await until(pilot, lambda: tab.responder is not None)
        responder = tab.responder
        assert responder is not None
        assert "signed by the delegated responder CN=responder" in status(tab)
        assert tab.query_one("#rv-signer", Select).disabled  # the running responder keeps its signer
        cert = ca_store.issued_paths(folder, NAMES[0]).certificate
        url = f"http://127.0.0.1:{responder.port}"
        for index, trust in enumerate((("-VAfile", str(signer_pem)), ("-CAfile", str(folder / "ca.pem")))):
            out = tmp_path / f"response{index}.der"
            answer = await asyncio.to_thread(openssl, "ocsp", "-issuer", str(folder / "ca.pem"), "-cert",
                                             str(cert), "-url", url, *trust, "-respout", str(out))
            assert "Response verify OK" in answer.stdout + answer.stderr, answer.stderr
            assert f"{cert}: revoked" in answer.stdout and "Reason: keyCompromise" in answer.stdout
            response = x509_ocsp.load_der_ocsp_response(out.read_bytes())
            # the responder ID names the signer (the SHA-1 of its public key), which the response carries
            assert response.responder_key_hash == x509.SubjectKeyIdentifier.from_public_key(
                signer_cert.public_key()).digest
            assert response.responder_name is None and response.certificates == [signer_cert]
            signer_key = signer_cert.public_key()
            assert isinstance(signer_key, ec.EllipticCurvePublicKey)
            signer_key.verify(response.signature, response.tbs_response_bytes,
                              ec.ECDSA(response.signature_hash_algorithm))
        await pilot.press("ctrl+b")
        await wait_for_workers(pilot)
        assert tab.responder is None and not tab.query_one("#rv-signer", Select).disabled


async def test_a_signer_that_cannot_sign_is_one_line_in_the_tab(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    make_ca(folder, SAMPLE_NOW)
    signer_pem = make_signer(folder, SAMPLE_NOW)
    key_path = ca_store.issued_paths(folder, SIGNER).key
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        _screen, tab = await open_tab(pilot, folder)
        tab.query_one("#rv-port", Input).value = "0"

        async def refused(passphrase: str, *expected: str) -> None:
            await choose_signer(pilot, tab, SIGNER, passphrase)
            await pilot.press("ctrl+b")
            await until(pilot, lambda: "starting" not in widget_text(tab, "#rv-ocsp-status"))
            await wait_for_workers(pilot)
            said = status(tab)
            assert tab.responder is None and tab.query_one("#rv-status").has_class("-error")
            assert "the OCSP responder did not start" in said and "Traceback" not in said
            for text in expected:
                assert text in said, said

        await refused("", "is encrypted", "signer passphrase field")
        await refused("not it", "does not open", "signer passphrase field")
        good_key = key_path.read_bytes()
        key_path.write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
        await refused(SIGNER_PASSPHRASE, str(key_path), "not a PEM private key")
        key_path.unlink()
        await refused(SIGNER_PASSPHRASE, str(key_path))
        key_path.write_bytes(good_key)
        # the record says OCSP signer, the file is now a server certificate: no EKU OCSPSigning
        good_cert = signer_pem.read_bytes()
        signer_pem.write_bytes(ca_store.issued_paths(folder, NAMES[0]).certificate.read_bytes())
        await refused(SIGNER_PASSPHRASE, "no OCSP responder certificate", "id-kp-OCSPSigning")
        signer_pem.write_bytes(good_cert)
        # revoked in the tab: the menu says so, and the core refuses to sign with it
        await revoke_row(pilot, tab, 2, "keyCompromise")
        labels = [str(label) for label, _value in tab.query_one("#rv-signer", Select)._options]
        assert any(SIGNER in label and "(revoked)" in label for label in labels)
        await refused(SIGNER_PASSPHRASE, "was revoked on", "keyCompromise", "ca issue")


async def test_no_signer_yet_says_how_to_make_one_and_the_form_makes_it(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    make_ca(folder, SAMPLE_NOW)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen, tab = await open_tab(pilot, folder)
        assert signer_values(tab) == [""]
        hint = widget_text(tab, "#rv-signer-help")
        assert "No OCSP signer yet" in hint and f"tlsexplorer ca issue {folder} NAME --ocsp-signer" in hint
        assert "in the form (other tabs) Make ▸ OCSP signer (delegated)" in hint
        # the form's action, as the hint says
        screen.query_one("#ca-result", TabbedContent).active = "tab-result"
        await pilot.pause()
        screen.query_one("#action", Select).value = "ocsp-signer"
        await pilot.pause()
        assert screen.query_one("#row-sans").has_class("hidden") and screen.query_one("#row-flaw").has_class(
            "hidden")
        screen.query_one("#name", Input).value = SIGNER
        screen.query_one("#name", Input).focus()
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert "wrote 3 files" in widget_text(screen, "#status"), widget_text(screen, "#status")
        cert = x509.load_pem_x509_certificate(ca_store.issued_paths(folder, SIGNER).certificate.read_bytes())
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(usages) == [ExtendedKeyUsageOID.OCSP_SIGNING]
        assert cert.extensions.get_extension_for_class(x509.OCSPNoCheck)
        screen.query_one("#ca-result", TabbedContent).active = "tab-revoke"
        await wait_for_workers(pilot)
        await pilot.pause()
        assert signer_values(tab) == ["", SIGNER]
        assert "No OCSP signer yet" not in widget_text(tab, "#rv-signer-help")
