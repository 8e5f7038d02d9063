"""The CA workbench form's rules (core/ca/form.py): each message under its field, core's own rules."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from tlsexplorer.core.ca import build as ca, rules as ca_rules, store as ca_store
from tlsexplorer.core.ca.form import FORM_ACTIONS, FORM_FIELDS, CaForm, parse_form
from tlsexplorer.core.errors import UsageError

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def errors_of(action: str, encrypt: bool = False, p12: bool = False, **values: str) -> dict[str, str]:
    result = parse_form(action, {k.replace("_", "-"): v for k, v in values.items()}, encrypt=encrypt, p12=p12)
    assert not isinstance(result, CaForm), result
    return result


def form_of(action: str, encrypt: bool = False, p12: bool = False, **values: str) -> CaForm:
    result = parse_form(action, {k.replace("_", "-"): v for k, v in values.items()}, encrypt=encrypt, p12=p12)
    assert isinstance(result, CaForm), result
    return result


def core_message(check: object, *args: object) -> str:
    """The message a core validator gives for ``args``."""
    with pytest.raises(UsageError) as caught:
        check(*args)  # type: ignore[operator]
    return str(caught.value)


def test_an_empty_form_asks_for_exactly_its_required_fields() -> None:
    assert set(errors_of("server")) == {"folder", "name"}
    assert errors_of("server")["folder"] == "give the ca folder"
    assert set(errors_of("root")) == {"folder", "name"}
    assert set(errors_of("intermediate")) == {"folder", "newdir", "name"}
    assert set(errors_of("sign")) == {"folder", "csr-file"}
    assert errors_of("csr")["folder"] == "give the output folder"


@pytest.mark.parametrize(
    ("action", "field", "value", "words"),
    [
        ("server", "sans", "127.0.0.1, not a name", "not a DNS name"),
        ("server", "sans", "300.1.1.1", "looks like an IP address"),
        ("server", "days", "soon", "whole number"),
        ("server", "days", "0", "at least one day"),
        ("server", "not_before", "yesterday", "ISO 8601"),
        ("server", "not_after", "soon", "ISO 8601"),
        ("server", "name", "..", "cannot be used as a file name"),
        ("root", "country", "USA", "two-letter"),
        ("root", "path_len", "-1", "0 or more"),
        ("root", "path_len", "one", "0 or more"),
        ("root", "permit", "example.net, bad name!", "not a DNS"),
        ("intermediate", "exclude", "*.example.net", "not a DNS domain or an IP range"),
        ("server", "flaw", "melted", "unknown flaw"),
        ("server", "key_type", "rsa1024", "unknown key type"),
    ],
)
def test_each_bad_field_gets_its_message_under_it(action: str, field: str, value: str, words: str) -> None:
    base = {"folder": "ca", "name": "Test" if action in ("root", "intermediate") else "localhost"}
    if action == "intermediate":
        base["newdir"] = "sub"
    errors = errors_of(action, **{**base, field: value})
    assert list(errors) == [field.replace("_", "-")]
    assert words in errors[field.replace("_", "-")]


def test_messages_are_the_core_validators_own() -> None:
    errors = errors_of("root", folder="ca", name="R", country="USA", path_len="-2", days="-5")
    assert errors["country"] == core_message(ca.check_country, "USA")
    with pytest.raises(UsageError) as caught:
        ca.build_name("R", c="USA")
    assert errors["country"] == str(caught.value)
    assert errors["path-len"] == core_message(ca.check_path_length, -2)
    assert errors["days"] == core_message(ca_rules.check_days, -5)
    sans = errors_of("server", folder="ca", name="localhost", sans="a..b")["sans"]
    assert sans == core_message(ca.parse_san, "a..b")


def test_days_and_an_end_date_together_are_refused_under_the_end_date() -> None:
    errors = errors_of("server", folder="ca", name="localhost", days="30", not_after="2027-01-01")
    assert list(errors) == ["not-after"] and "not both" in errors["not-after"]
    # the same rule build_leaf applies
    assert errors["not-after"] == core_message(
        ca_rules.check_days_or_end, 30, dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    )


def test_passphrases() -> None:
    base = {"folder": "ca", "name": "localhost"}
    assert "empty" in errors_of("server", encrypt=True, **base)["password"]
    assert errors_of("server", encrypt=True, password="a", password2="b", **base) == {
        "password2": "the two passphrases differ"
    }
    assert form_of("server", encrypt=True, password=" pw ", password2=" pw ", **base).password == b" pw "
    # unticked: whatever the fields hold is not read
    assert form_of("server", password="a", password2="b", **base).password is None
    assert "PKCS#12" in errors_of("server", p12=True, **base)["p12-password"]
    made = form_of("client", p12=True, p12_password="bundle", **base)
    assert made.p12 and made.p12_password == b"bundle"
    assert not form_of("csr", p12=True, **base).p12  # a CSR has no bundle


def test_fields_an_action_does_not_read_are_ignored() -> None:
    made = form_of("root", folder="ca", name="R", sans="not a name", flaw="melted", csr_file="")
    assert made.sans == () and made.flaw is None
    made = form_of("server", folder="ca", name="localhost", path_len="x", country="USA", permit="!")
    assert made.path_length is None and made.country is None and made.permit_dns == ()
    assert set(FORM_FIELDS) == set(FORM_ACTIONS)
    with pytest.raises(UsageError, match="unknown form action"):
        parse_form("delete", {})


def test_a_good_server_form_becomes_the_leaf_request_build_leaf_takes(tmp_path: Path) -> None:
    made = form_of("server", folder=str(tmp_path / "ca"), name=" localhost ", org="Shop",
                   sans="127.0.0.1; ::1", key_type="p384", days="30", not_before="2026-06-02", flaw="expired",
                   ca_password="x")
    assert made.name == "localhost" and made.sans == ("127.0.0.1", "::1") and made.key_type == "p384"
    assert made.days == 30 and made.not_before == dt.datetime(2026, 6, 2, tzinfo=dt.timezone.utc)
    assert made.flaw == "expired" and made.ca_password == b"x"
    request = made.leaf_request(serial=7)
    assert request == ca_store.LeafRequest("localhost", sans=("127.0.0.1", "::1"), key_type="p384", days=30,
                                           not_before=made.not_before, o="Shop", flaw="expired", serial=7)


def test_a_good_root_form_builds_the_root_it_describes(tmp_path: Path) -> None:
    made = form_of("root", folder=str(tmp_path / "root"), name="Form Root", country="de", path_len="1",
                   permit="example.net, 10.0.0.0/8", exclude=".bad.example.net")
    assert made.country == "DE" and made.path_length == 1
    assert (made.permit_dns, made.permit_ip, made.exclude_dns) == (("example.net",), ("10.0.0.0/8",),
                                                                   (".bad.example.net",))
    key = ec.generate_private_key(ec.SECP256R1())
    product = ca_store.build_root(made.folder, made.ca_request(), NOW, key)
    cert = product.certificate
    assert cert is not None
    assert cert.subject.rfc4514_string() == "CN=Form Root,C=DE"
    constraints = cert.extensions.get_extension_for_class(x509.NameConstraints).value
    assert constraints.permitted_subtrees == [x509.DNSName("example.net"),
                                              x509.IPAddress(ipaddress.ip_network("10.0.0.0/8"))]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 1


def test_the_ocsp_signer_form_asks_for_a_delegated_responder(tmp_path: Path) -> None:
    made = form_of("ocsp-signer", folder="ca", name="responder", sans="www.example.net", flaw="expired",
                   p12=True, days="30")
    assert made.sans == () and made.flaw is None and not made.p12  # fields it does not read
    request = made.leaf_request(serial=7)
    assert request == ca_store.LeafRequest("responder", days=30, serial=7, ocsp_signer=True)
    assert not form_of("server", folder="ca", name="www").leaf_request().ocsp_signer
    assert "name" in errors_of("ocsp-signer", folder="ca")
