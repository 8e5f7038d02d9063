"""Pilot tests: the Inspector shows OCSP responses and requests, and a hostile blob as one problem."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.x509 import ocsp

from tests.ocsp_factory import NOW, garbage_response, request_der, response_der, unsuccessful_der
from tests.tui.conftest import wait_for_workers, widget_text
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.inspector import InspectorScreen
from tlsexplorer.tui.widgets.virtual_table import VirtualTable


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent files go to a temporary folder."""
    monkeypatch.setenv("TLSEXPLORER_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


async def test_response_checked_against_an_issuer_opened_beside_it(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from tests.ocsp_factory import pki

    p = pki()
    (tmp_path / "resp.der").write_bytes(response_der(with_certs=False))
    (tmp_path / "leaf+root.pem").write_bytes(p.leaf.public_bytes(serialization.Encoding.PEM)
                                             + p.root.public_bytes(serialization.Encoding.PEM))
    app = TlsExplorerApp(now=NOW, open_paths=[str(tmp_path / "resp.der"), str(tmp_path / "leaf+root.pem")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, InspectorScreen)
        index = next(i for i, r in enumerate(screen.rows)
                     if r.obj is not None and r.obj.kind == "ocsp_response")
        screen.query_one("#insp-objects", VirtualTable).move_cursor(row=index, animate=False)
        await pilot.pause()
        details = widget_text(screen, "#insp-details")
        assert "Checked against CN=OCSP Test Root" in details and "not revoked" in details
        assert "OCSP: signature" in details


async def test_ocsp_files_listed_and_explained(tmp_path: Path) -> None:
    files = {
        "resp.b64": base64.encodebytes(response_der(ocsp.OCSPCertStatus.REVOKED)),
        "req.der": request_der(),
        "denied.der": unsuccessful_der(),
        "cut.der": garbage_response(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    app = TlsExplorerApp(now=NOW, open_paths=[str(tmp_path / n) for n in files])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, InspectorScreen)
        table = screen.query_one("#insp-objects", VirtualTable)

        def show(kind: str, file: str) -> str:
            index = next(i for i, r in enumerate(screen.rows) if r.kind == kind
                         and screen.files[r.file].label.endswith(file))
            table.move_cursor(row=index, animate=False)
            return index

        show("object", "resp.b64")
        await pilot.pause()
        details = widget_text(screen, "#insp-details")
        assert "revoked" in details and "Issuer key hash" in details and "Answer 1" in details
        assert "OCSP response (base64)" in details
        # the certificate it carries is listed under it
        kinds = [r.obj.kind for r in screen.rows if r.obj is not None and screen.files[r.file].label.endswith(
            "resp.b64")]
        assert kinds == ["ocsp_response", "certificate"]
        show("object", "req.der")
        await pilot.pause()
        assert "Nonce" in widget_text(screen, "#insp-details") and "OCSP request" in widget_text(
            screen, "#insp-details")
        show("object", "denied.der")
        await pilot.pause()
        assert "unauthorized" in widget_text(screen, "#insp-details")
        assert "Check against the issuer" in widget_text(screen, "#insp-details")
        show("problem", "cut.der")
        await pilot.pause()
        assert "OCSP response is unreadable" in widget_text(screen, "#insp-details")
