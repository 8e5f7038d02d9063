"""The public x509-limbo cases through both the verifier and the explained checklist.

The file is read in place from ../shared/data (never copied into the project);
the ``shared_data`` fixture skips with the reason when it is absent. Cases
whose features the cryptography library does not support are skipped exactly
as its own harness skips them (tests/x509/verification/test_limbo.py in
pyca/cryptography). On every other case, "every check passed" must equal "the
verifier accepts".
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from tlsexplorer.core.chain.verify import verify_chain

LIMBO_FILE = "x509-limbo-2023-12-02.json"

#: Features pyca's harness skips (the library does not implement them).
UNSUPPORTED_FEATURES = {
    "pedantic-public-suffix-wildcard",
    "name-constraint-dn",
    "pedantic-webpki-eku",
    "pedantic-rfc5280",
    "rfc5280-incompatible-with-webpki",
}
#: Single cases pyca's harness skips (documented leniencies of the library).
SKIPPED_CASES = {"rfc5280::aki::intermediate-missing-aki", "webpki::aki::root-with-aki-ski-mismatch"}


def _supported(case: dict[str, Any]) -> bool:
    return case["id"] not in SKIPPED_CASES and not UNSUPPORTED_FEATURES & set(case["features"] or ())


def _load(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


@pytest.fixture
def limbo_cases(shared_data: Path) -> list[dict[str, Any]]:
    path = shared_data / LIMBO_FILE
    if not path.is_file():
        pytest.skip(f"{LIMBO_FILE} not found in {shared_data}")
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["testcases"]
    return cases


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
def test_checklist_agrees_with_the_verifier_on_every_supported_case(
    limbo_cases: list[dict[str, Any]],
) -> None:
    supported = [case for case in limbo_cases if _supported(case)]
    assert len(supported) > 100
    disagreements: list[str] = []
    expected_seen = 0
    for case in supported:
        assert case["validation_kind"] == "SERVER"
        peer = case["expected_peer_name"]
        at = (
            dt.datetime.fromisoformat(case["validation_time"])
            if case["validation_time"]
            else dt.datetime.now(dt.timezone.utc)
        )
        report = verify_chain(
            _load(case["peer_certificate"]),
            [_load(c) for c in case["untrusted_intermediates"]],
            [_load(c) for c in case["trusted_certs"]],
            at=at,
            host=peer["value"],
            max_depth=case["max_chain_depth"],
        )
        if not report.agrees:
            failures = "; ".join(f"[{f.certificate}] {f.check}: {f.message}" for f in report.failures())
            disagreements.append(f"{case['id']}: verifier valid={report.valid} ({report.error}); {failures}")
        if report.valid == (case["expected_result"] == "SUCCESS"):
            expected_seen += 1
        # Time, depth and name reach the verifier: the openssl line says what was checked.
        assert f"-verify_{'ip' if peer['kind'] == 'IP' else 'hostname'}" in report.openssl_command
    assert not disagreements, "\n".join(disagreements)
    # The wiring is right: the library's own verdict matches limbo's expectation on most cases
    # (the rest are the library's documented leniencies, e.g. zero serials, missing SKIs).
    assert expected_seen >= len(supported) - 15


def test_the_file_stays_out_of_the_project() -> None:
    root = Path(__file__).resolve().parents[2]
    assert not list(root.glob(f"**/{LIMBO_FILE}"))
