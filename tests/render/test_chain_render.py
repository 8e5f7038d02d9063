"""The chain report renderables: verdict, tree leaf -> root, checklist, fixes, command."""

from __future__ import annotations

import io

from cryptography import x509
from rich.console import Console

from tlsexplorer.core.chain.verify import verify_chain
from tlsexplorer.core.x509.loader import load_certificates
from tlsexplorer.render.chain import chain_report_view, checklist_table, verdict_text
from tlsexplorer.samples import SAMPLE_NOW, SAMPLES_DIR


def _load(name: str) -> list[x509.Certificate]:
    return load_certificates((SAMPLES_DIR / name).read_bytes())


def _text(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_valid_chain_tree_runs_leaf_to_root() -> None:
    chain = _load("alice.example.net.fullchain.pem")
    report = verify_chain(chain[0], chain[1:], _load("charlies-root-ca.pem"), at=SAMPLE_NOW, host="localhost")
    text = _text(chain_report_view(report))
    assert "VALID" in text and "NOT VALID" not in text
    leaf, inter, root = (
        text.index(n)
        for n in (
            "[0] alice.example.net",
            "[1] Charlie's Intermediate",
            "[2] Charlie's Certificate Authority",
        )
    )
    assert leaf < inter < root
    assert "trust anchor" in text and "openssl verify" in text
    assert "✘" not in text


def test_failures_carry_their_fix() -> None:
    report = verify_chain(
        _load("expired.pem")[0],
        _load("charlies-intermediate-ca.pem"),
        _load("charlies-root-ca.pem"),
        at=SAMPLE_NOW,
        host="old.example.net",
    )
    text = _text(chain_report_view(report))
    assert "NOT VALID" in text and "verifier:" in text
    assert "✘ validity" in text and "fix: Renew it" in text
    table = _text(checklist_table(report, 0))
    assert "Expired" in table and "fix:" in table


def test_missing_issuer_is_shown_with_the_fix() -> None:
    report = verify_chain(
        _load("alice.example.net.pem")[0], [], _load("charlies-root-ca.pem"), at=SAMPLE_NOW, host="localhost"
    )
    text = _text(chain_report_view(report))
    assert "missing issuer" in text and "-untrusted" in text


def test_verdict_names_the_error_without_the_python_repr() -> None:
    report = verify_chain(
        _load("expired.pem")[0],
        _load("charlies-intermediate-ca.pem"),
        _load("charlies-root-ca.pem"),
        at=SAMPLE_NOW,
        host="old.example.net",
    )
    assert report.error is not None and "encountered processing <Certificate" in report.error
    text = _text(verdict_text(report))
    assert "cert is not valid at validation time" in text
    assert "encountered processing" not in text and "<Certificate" not in text
