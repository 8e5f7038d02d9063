"""The CA folder's record: what was issued and revoked, kept whole, recovered for older folders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography import x509

import tlsexplorer.core.ca.registry as registry
from tlsexplorer.core.ca.store import CaRequest, LeafRequest, build_leaf, build_root, load_ca, save
from tlsexplorer.core.errors import InvalidInput, UsageError

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ca"
    save(build_root(folder, CaRequest(cn="Record Root", key_type="p256"), NOW))
    return folder


def issue(folder: Path, name: str, **fields: object) -> x509.Certificate:
    product = build_leaf(load_ca(folder), LeafRequest(name, **fields), NOW)  # type: ignore[arg-type]
    save(product)
    assert product.certificate is not None
    return product.certificate


def test_what_is_issued_is_in_the_record(ca_dir: Path) -> None:
    first, second = issue(ca_dir, "a.test"), issue(ca_dir, "b.test", client=True)
    record = registry.load_record(ca_dir)
    assert [e.serial for e in record.entries] == [first.serial_number, second.serial_number]
    entry = record.find(first.serial_number)
    assert entry is not None
    assert entry.subject == first.subject.rfc4514_string()
    assert entry.not_after == first.not_valid_after_utc
    assert entry.file == "issued/a.test.pem" and entry.kind == "leaf" and not entry.revoked


def test_an_older_folder_gets_its_record_from_issued(ca_dir: Path) -> None:
    ours = issue(ca_dir, "old.test")
    lab = issue(ca_dir, "lab.test", flaw="path-length")  # signed by a lab CA, not by this one
    (ca_dir / registry.RECORD).unlink()
    record = registry.load_record(ca_dir)
    assert [e.serial for e in record.entries] == [ours.serial_number]
    assert record.find(lab.serial_number) is None
    assert (ca_dir / registry.RECORD).is_file()  # written on first use


def test_revoke_records_time_and_reason(ca_dir: Path) -> None:
    cert = issue(ca_dir, "r.test")
    at = NOW + dt.timedelta(hours=1)
    entry = registry.revoke(ca_dir, cert.serial_number, "keycompromise", at)
    assert entry.revoked_at == at and entry.reason == "keyCompromise"
    again = registry.load_record(ca_dir).find(cert.serial_number)
    assert again == entry


def test_a_serial_never_issued_and_a_second_revoke_are_refused(ca_dir: Path) -> None:
    cert = issue(ca_dir, "r.test")
    with pytest.raises(InvalidInput, match="never issued"):
        registry.revoke(ca_dir, 0x1234, "superseded", NOW)
    registry.revoke(ca_dir, cert.serial_number, "superseded", NOW)
    before = (ca_dir / registry.RECORD).read_bytes()
    with pytest.raises(InvalidInput, match=r"already revoked.*superseded"):
        registry.revoke(ca_dir, cert.serial_number, "keyCompromise", NOW)
    assert (ca_dir / registry.RECORD).read_bytes() == before


def test_unknown_reasons_are_refused_with_the_choices() -> None:
    with pytest.raises(UsageError, match="keyCompromise"):
        registry.parse_reason("stolen")
    assert registry.parse_reason("certificate-hold") == "certificateHold"
    assert "removeFromCRL" not in registry.REASONS


def test_a_damaged_record_is_said_not_guessed(ca_dir: Path) -> None:
    issue(ca_dir, "r.test")
    damaged = {"format": "tlsexplorer-ca-record", "certificates": [{"serial": 5}]}
    (ca_dir / registry.RECORD).write_text(json.dumps(damaged))
    with pytest.raises(InvalidInput, match="damaged"):
        registry.load_record(ca_dir)
    (ca_dir / registry.RECORD).write_bytes(b"\x00garbage")
    with pytest.raises(InvalidInput, match=r"damaged.*issued/"):
        registry.revoke(ca_dir, 1, "unspecified", NOW)


def test_crl_numbers_increase_and_list_every_revocation(ca_dir: Path) -> None:
    loaded = load_ca(ca_dir)
    certs = [issue(ca_dir, f"c{i}.test") for i in range(3)]
    registry.revoke(ca_dir, certs[0].serial_number, "unspecified", NOW)
    registry.revoke(ca_dir, certs[2].serial_number, "cessationOfOperation", NOW)
    first = registry.publish_crl(ca_dir, loaded.certificate, loaded.key, NOW, 7)
    second = registry.publish_crl(ca_dir, loaded.certificate, loaded.key, NOW, 7, force=True)
    assert (first.number, second.number) == (1, 2)
    crl = x509.load_pem_x509_crl((ca_dir / registry.CRL_FILE).read_bytes())
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert crl.is_signature_valid(loaded.certificate.public_key())  # type: ignore[arg-type]
    listed = {item.serial_number: item for item in crl}
    assert set(listed) == {certs[0].serial_number, certs[2].serial_number}
    # unspecified is written as no reason at all (RFC 5280 5.3.1)
    assert not list(listed[certs[0].serial_number].extensions)
    reason = listed[certs[2].serial_number].extensions.get_extension_for_class(x509.CRLReason).value
    assert reason.reason is x509.ReasonFlags.cessation_of_operation
    assert json.loads((ca_dir / registry.RECORD).read_text())["crl_number"] == 2


def test_an_existing_crl_is_not_replaced_and_its_number_not_spent(ca_dir: Path) -> None:
    loaded = load_ca(ca_dir)
    registry.publish_crl(ca_dir, loaded.certificate, loaded.key, NOW, 7)
    with pytest.raises(Exception, match="already exists"):
        registry.publish_crl(ca_dir, loaded.certificate, loaded.key, NOW, 7)
    assert registry.load_record(ca_dir).crl_number == 1
