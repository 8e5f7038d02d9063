"""The system trust store: the platform bundle, certifi where there is none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tlsexplorer.core.chain import trust
from tlsexplorer.samples import SAMPLES_DIR


@pytest.fixture
def fresh() -> Iterator[None]:
    trust.system_trust.cache_clear()
    yield
    trust.system_trust.cache_clear()


def test_system_roots_are_certificates_from_a_named_bundle(fresh: None) -> None:
    found = trust.system_trust()
    roots = trust.system_roots()
    assert found.source in ("platform", "certifi", "none")
    if found.source == "none":
        assert roots == [] and trust.system_roots_file() is None
    else:
        assert roots and trust.system_roots_file() == found.path
        assert all(cert.subject == cert.issuer or cert.subject for cert in roots)


def test_ssl_cert_file_comes_first(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = SAMPLES_DIR / "charlies-root-ca.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert trust.candidate_bundles()[0] == (str(bundle), "platform")
    found = trust.system_trust()
    assert found.path == str(bundle) and len(found.certificates) == 1


def test_unreadable_bundles_are_skipped(fresh: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a bundle")
    monkeypatch.setenv("SSL_CERT_FILE", str(junk))
    assert trust.system_trust().path != str(junk)
