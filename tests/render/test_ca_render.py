"""The CA workbench's result view on a CSR someone else wrote: shown as text, never as markup
or terminal commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from rich.console import Console

from tests.cli.support import run_cli
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.render.ca import product_view

HOSTILE_CN = "evil[/]x[bold]\x1b[2J.example"
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc)


def hostile_csr() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTILE_CN)]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("evil.example")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def make_ca(folder: Path) -> ca_store.LoadedCa:
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Render Root", key_type="p256"), NOW))
    return ca_store.load_ca(folder)


def test_signing_a_hostile_csr_renders_its_names_as_text(tmp_path: Path) -> None:
    product = ca_store.build_signed(make_ca(tmp_path / "ca"), hostile_csr(), NOW)
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(product_view(product))  # "[/]" as markup raised MarkupError here
    shown = console.export_text()
    assert "evil[/]x[bold]\\x1b[2J.example" in shown
    assert "\x1b" not in shown


def test_the_cli_prints_a_hostile_csr_spelled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_ca(tmp_path / "ca")
    (tmp_path / "req.csr").write_bytes(hostile_csr())
    code, out, _ = run_cli(capsys, "ca", "sign", str(tmp_path / "ca"), str(tmp_path / "req.csr"))
    assert code == 0
    assert "\x1b" not in out and "evil[/]x[bold]\\x1b[2J.example" in out
