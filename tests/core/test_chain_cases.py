"""verify_chain on hand-made chains: every check of the checklist, and the
checklist agreeing with the cryptography library's verifier on every case.

Every bad certificate is built here with tlsexplorer.core.ca.build; EC P-256 keys
keep it fast. "The checklist says all is well" must equal "the verifier
accepts" on every case (``report.agrees``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, ObjectIdentifier

from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.ca.build import (
    CertificateSpec,
    PrivateKey,
    build_name,
    issue_certificate,
    parse_network,
    parse_san,
)
from tlsexplorer.core.chain.model import ChainReport
from tlsexplorer.core.chain.names import dns_pattern_matches
from tlsexplorer.core.chain.verify import split_bundle_roots, verify_chain
from tlsexplorer.core.errors import UsageError

UTC = dt.timezone.utc
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
END = dt.datetime(2030, 1, 1, tzinfo=UTC)
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
HOST = "www.example.com"


class Pki:
    """A few keys made once, and a way to issue certificates with them."""

    def __init__(self) -> None:
        self.keys = [ca.generate_private_key("p256") for _ in range(8)]

    def spec(self, cn: str, role: ca.Role, **changes: object) -> CertificateSpec:
        sans: tuple[x509.GeneralName, ...] = (parse_san(HOST),) if role in ("server", "client") else ()
        base = CertificateSpec(build_name(cn), role, START, END, sans=sans, cn_in_san=False)
        return replace(base, **changes)  # type: ignore[arg-type]

    def issue(
        self,
        spec: CertificateSpec,
        key: PrivateKey,
        issuer: x509.Certificate | None = None,
        issuer_key: PrivateKey | None = None,
    ) -> x509.Certificate:
        return issue_certificate(spec, key.public_key(), issuer_key or key, issuer)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def good(pki: Pki) -> tuple[x509.Certificate, x509.Certificate, x509.Certificate]:
    """root -> intermediate -> leaf, all strict and valid."""
    k = pki.keys
    root = pki.issue(pki.spec("Root", "root"), k[0])
    inter = pki.issue(pki.spec("Inter", "intermediate"), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], inter, k[1])
    return root, inter, leaf


def expect(report: ChainReport, index: int | None = None, check: str | None = None) -> None:
    """The verifier and the checklist agree; when a failure is expected, it is
    this check of this certificate, and it comes with a fix."""
    assert report.agrees, [(f.certificate, f.check, f.message) for f in report.failures()] + [report.error]
    if check is None:
        assert report.valid and report.error is None
        assert report.checklist_ok
        return
    assert not report.valid and report.error
    hits = [f for f in report.failures() if f.check == check and (index is None or f.certificate == index)]
    assert hits, (check, index, [(f.certificate, f.check, f.message) for f in report.failures()])
    assert all(f.fix for f in hits)


def test_good_chain_is_valid_with_every_check_passed(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report)
    assert report.chain == (leaf, inter, root)
    assert report.trusted
    checks = {f.check for f in report.findings}
    for name in (
        "signature",
        "issuer_name",
        "validity",
        "basic_constraints",
        "path_length",
        "key_usage",
        "extended_key_usage",
        "critical_extensions",
        "subject_alt_name",
        "trust_anchor",
        "depth",
    ):
        assert name in checks
    signature = next(f for f in report.findings if f.check == "signature" and f.certificate == 0)
    assert "ecdsa-with-SHA256" in signature.message
    assert "-verify_hostname www.example.com" in report.openssl_command
    assert "-attime" in report.openssl_command


def test_client_purpose(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    client = pki.issue(pki.spec("alice", "client"), pki.keys[3], inter, pki.keys[1])
    expect(verify_chain(client, [inter], [root], at=NOW, purpose="client"))
    expect(
        verify_chain(client, [inter], [root], at=NOW, host=HOST, purpose="server"), 0, "extended_key_usage"
    )


@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("when", ["expired", "not_yet_valid"])
def test_validity_at_each_depth(pki: Pki, depth: int, when: str) -> None:
    k = pki.keys
    window = {"not_before": START, "not_after": dt.datetime(2026, 1, 1, tzinfo=UTC)}
    if when == "not_yet_valid":
        window = {"not_before": dt.datetime(2027, 1, 1, tzinfo=UTC), "not_after": END}
    root = pki.issue(pki.spec("Root", "root", **(window if depth == 2 else {})), k[0])
    inter = pki.issue(pki.spec("Inter", "intermediate", **(window if depth == 1 else {})), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server", **(window if depth == 0 else {})), k[2], inter, k[1])
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report, depth, "validity")
    message = next(f.message for f in report.failures() if f.check == "validity")
    assert ("Expired" if when == "expired" else "Not yet valid") in message


def test_time_is_chosen_not_taken_from_the_clock(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    expect(
        verify_chain(leaf, [inter], [root], at=dt.datetime(2031, 1, 1, tzinfo=UTC), host=HOST), 0, "validity"
    )


def test_wrong_issuer_same_name_other_key(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    k = pki.keys
    # Signed by a key that is not the intermediate's, under the intermediate's name.
    impostor = pki.issue(pki.spec("Inter", "intermediate"), k[5], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server", key_identifiers=True), k[2], impostor, k[5])
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report, 0, "signature")
    assert "does not verify" in next(f.message for f in report.failures() if f.check == "signature")


def test_missing_intermediate_is_named_with_its_aia_url(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier("http://ca.example.com/inter.crt"),
            )
        ]
    )
    leaf = pki.issue(
        pki.spec(HOST, "server", extra_extensions=((aia, False),)), pki.keys[2], inter, pki.keys[1]
    )
    report = verify_chain(leaf, [], [root], at=NOW, host=HOST)
    expect(report, 0, "trust_anchor")
    assert report.missing is not None
    assert report.missing.issuer == "CN=Inter"
    assert report.missing.urls == ("http://ca.example.com/inter.crt",)
    assert "-untrusted" in report.missing.fix and "Append the intermediate" in report.missing.fix
    finding = next(f for f in report.failures() if f.check == "trust_anchor")
    assert "http://ca.example.com/inter.crt" in finding.message


def test_untrusted_root(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    other = pki.issue(pki.spec("Other Root", "root"), pki.keys[6])
    report = verify_chain(leaf, [inter, root], [other], at=NOW, host=HOST)
    expect(report, 2, "trust_anchor")
    assert "self-signed" in report.failures()[0].message
    assert report.missing is None


def test_no_anchor_at_all(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    report = verify_chain(leaf, [inter, root], [], at=NOW, host=HOST)
    expect(report, None, "trust_anchor")


def test_trust_the_root_found_in_the_bundle(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    others, found = split_bundle_roots([inter, root])
    assert others == [inter] and found == [root]
    report = verify_chain(leaf, others, [], at=NOW, host=HOST, bundle_roots=found)
    expect(report)
    assert report.bundle_anchors == (2,)
    assert "you asked to trust the root found in the bundle" in report.findings_for(2)[-1].message


def test_ca_flag_missing(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, _, _ = good
    k = pki.keys
    no_bc = pki.issue(pki.spec("NoBC", "intermediate", basic_constraints=False), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], no_bc, k[1])
    expect(verify_chain(leaf, [no_bc], [root], at=NOW, host=HOST), 1, "basic_constraints")


def test_leaf_used_as_a_ca(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    k = pki.keys
    below = pki.issue(pki.spec("sub." + HOST, "server", sans=(parse_san(HOST),)), k[3], leaf, k[2])
    report = verify_chain(below, [leaf, inter], [root], at=NOW, host=HOST)
    expect(report, 1, "basic_constraints")


def test_leaf_that_claims_to_be_a_ca(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    ca_leaf = pki.issue(
        pki.spec(HOST, "intermediate", sans=(parse_san(HOST),), extended_key_usage=()),
        pki.keys[3],
        inter,
        pki.keys[1],
    )
    expect(verify_chain(ca_leaf, [inter], [root], at=NOW, host=HOST), 0, "basic_constraints")


def test_path_length_exceeded(pki: Pki) -> None:
    k = pki.keys
    root = pki.issue(pki.spec("Root", "root", path_length=0), k[0])
    inter = pki.issue(pki.spec("Inter", "intermediate"), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], inter, k[1])
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report, 2, "path_length")
    # pathlen 0 on the intermediate itself is fine: no CA below it.
    inter0 = pki.issue(pki.spec("Inter", "intermediate", path_length=0), k[1], root, k[0])
    leaf0 = pki.issue(pki.spec(HOST, "server"), k[2], inter0, k[1])
    expect(verify_chain(leaf0, [inter0], [pki.issue(pki.spec("Root", "root"), k[0])], at=NOW, host=HOST))


def test_key_usage_without_key_cert_sign(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, _, _ = good
    k = pki.keys
    bits = {"digital_signature": True, "crl_sign": True}
    weak = pki.issue(pki.spec("Inter", "intermediate", key_usage_bits=bits), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], weak, k[1])
    expect(verify_chain(leaf, [weak], [root], at=NOW, host=HOST), 1, "key_usage")
    none = pki.issue(pki.spec("Inter", "intermediate", key_usage=False), k[1], root, k[0])
    expect(verify_chain(leaf, [none], [root], at=NOW, host=HOST), 1, "key_usage")


def test_leaf_with_key_cert_sign(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    bits = {"digital_signature": True, "key_cert_sign": True}
    leaf = pki.issue(pki.spec(HOST, "server", key_usage_bits=bits), pki.keys[2], inter, pki.keys[1])
    expect(verify_chain(leaf, [inter], [root], at=NOW, host=HOST), 0, "key_usage")


def test_eku_client_auth_used_for_a_server(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    leaf = pki.issue(
        pki.spec(HOST, "server", extended_key_usage=(ExtendedKeyUsageOID.CLIENT_AUTH,)),
        pki.keys[2],
        inter,
        pki.keys[1],
    )
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report, 0, "extended_key_usage")
    assert "serverAuth" in report.failures()[0].message


def test_ca_limited_to_client_auth_cannot_vouch_for_a_server(
    pki: Pki, good: tuple[x509.Certificate, ...]
) -> None:
    root, _, _ = good
    k = pki.keys
    inter = pki.issue(
        pki.spec("Inter", "intermediate", extended_key_usage=(ExtendedKeyUsageOID.CLIENT_AUTH,)),
        k[1],
        root,
        k[0],
    )
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], inter, k[1])
    expect(verify_chain(leaf, [inter], [root], at=NOW, host=HOST), 1, "extended_key_usage")


@pytest.mark.parametrize(
    ("permitted", "excluded", "san", "ok"),
    [
        (("example.com",), (), HOST, True),
        (("example.com",), (), "www.example.org", False),
        ((), ("example.com",), HOST, False),
        (("example.com",), ("www.example.com",), HOST, False),
        (("10.0.0.0/8",), (), "10.1.2.3", True),
        (("10.0.0.0/8",), (), "192.168.1.1", False),
        (("example.com",), (), "*.example.com", True),
    ],
)
def test_name_constraints(
    pki: Pki, permitted: tuple[str, ...], excluded: tuple[str, ...], san: str, ok: bool
) -> None:
    k = pki.keys
    root = pki.issue(pki.spec("Root", "root"), k[0])
    inter = pki.issue(
        pki.spec(
            "Inter",
            "intermediate",
            permitted=tuple(parse_network(p) for p in permitted),
            excluded=tuple(parse_network(e) for e in excluded),
        ),
        k[1],
        root,
        k[0],
    )
    name = parse_san(san)
    host = str(name.value).replace("*", "www")
    leaf = pki.issue(pki.spec("leaf", "server", sans=(name,)), k[2], inter, k[1])
    report = verify_chain(leaf, [inter], [root], at=NOW, host=host)
    if ok:
        expect(report)
    else:
        expect(report, 1, "name_constraints")


@pytest.fixture(scope="module")
def wildcard(pki: Pki, good: tuple[x509.Certificate, ...]) -> tuple[x509.Certificate, ...]:
    root, inter, _ = good
    sans = (x509.DNSName("*.example.com"), x509.DNSName("w*.example.org"), x509.DNSName("exact.example.net"))
    leaf = pki.issue(pki.spec("wild", "server", sans=sans), pki.keys[2], inter, pki.keys[1])
    return root, inter, leaf


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("www.example.com", True),
        ("WWW.Example.COM", True),
        ("example.com", False),  # the wildcard does not cover the bare domain
        ("a.b.example.com", False),  # one label only
        ("www.example.org", False),  # partial-label wildcards match nothing
        ("exact.example.net", True),
        ("other.example.net", False),
    ],
)
def test_wildcard_rules_agree_with_the_verifier(
    wildcard: tuple[x509.Certificate, ...], host: str, ok: bool
) -> None:
    root, inter, leaf = wildcard
    report = verify_chain(leaf, [inter], [root], at=NOW, host=host)
    if ok:
        expect(report)
    else:
        expect(report, 0, "subject_alt_name")


def test_dns_pattern_matches_examples() -> None:
    assert dns_pattern_matches("*.example.com", "a.example.com")
    assert not dns_pattern_matches("*.example.com", "example.com")
    assert not dns_pattern_matches("*.example.com", "a.b.example.com")
    assert not dns_pattern_matches("a*.example.com", "ab.example.com")
    assert not dns_pattern_matches("*.com", "com")


@pytest.fixture(scope="module")
def ip_leaf(pki: Pki, good: tuple[x509.Certificate, ...]) -> tuple[x509.Certificate, ...]:
    root, inter, _ = good
    sans = (
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
        x509.DNSName("10.0.0.1"),  # an IP written as a DNS name: never matches an IP
    )
    leaf = pki.issue(pki.spec("local", "server", sans=sans), pki.keys[2], inter, pki.keys[1])
    return root, inter, leaf


@pytest.mark.parametrize(
    ("host", "ok"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("10.0.0.1", False), ("127.0.0.2", False)],
)
def test_ip_versus_dns_sans(ip_leaf: tuple[x509.Certificate, ...], host: str, ok: bool) -> None:
    root, inter, leaf = ip_leaf
    report = verify_chain(leaf, [inter], [root], at=NOW, host=host)
    if ok:
        expect(report)
    else:
        expect(report, 0, "subject_alt_name")
    if host == "10.0.0.1":
        assert "as a DNS name" in report.failures()[0].message
        assert "-verify_ip 10.0.0.1" in report.openssl_command


def test_cn_is_not_used(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    leaf = pki.issue(
        pki.spec(HOST, "server", sans=(parse_san("other.example.com"),)), pki.keys[2], inter, pki.keys[1]
    )
    report = verify_chain(leaf, [inter], [root], at=NOW, host=HOST)
    expect(report, 0, "subject_alt_name")
    assert "the CN is not used" in report.failures()[0].message
    cn_only = pki.issue(pki.spec(HOST, "server", include_san=False), pki.keys[2], inter, pki.keys[1])
    expect(verify_chain(cn_only, [inter], [root], at=NOW, host=HOST), 0, "extensions")


def test_self_signed_leaf(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, _, _ = good
    selfie = pki.issue(pki.spec(HOST, "server"), pki.keys[4])
    report = verify_chain(selfie, [selfie], [root], at=NOW, host=HOST)
    expect(report, 0, "trust_anchor")
    assert "self-signed" in next(f.message for f in report.failures() if f.check == "trust_anchor")
    # Trusting it directly: the verifier still wants an AKI on a leaf; both say so.
    expect(verify_chain(selfie, [], [selfie], at=NOW, host=HOST), 0, "extensions")


def test_chain_longer_than_the_maximum_depth(pki: Pki) -> None:
    k = pki.keys
    root = pki.issue(pki.spec("Root", "root"), k[0])
    chain = []
    issuer, issuer_key = root, k[0]
    for n in range(3):
        cert = pki.issue(pki.spec(f"Inter {n}", "intermediate"), k[n + 1], issuer, issuer_key)
        chain.append(cert)
        issuer, issuer_key = cert, k[n + 1]
    leaf = pki.issue(pki.spec(HOST, "server"), k[5], issuer, issuer_key)
    expect(verify_chain(leaf, chain, [root], at=NOW, host=HOST, max_depth=3))
    report = verify_chain(leaf, chain, [root], at=NOW, host=HOST, max_depth=2)
    expect(report, 3, "depth")
    assert "-verify_depth 2" in report.openssl_command
    with pytest.raises(UsageError):
        verify_chain(leaf, chain, [root], at=NOW, host=HOST, max_depth=-1)


def test_loop_of_cross_signed_cas_ends_in_bounded_time(pki: Pki) -> None:
    k = pki.keys
    a0 = pki.issue(pki.spec("A", "root"), k[0])
    b = pki.issue(pki.spec("B", "intermediate"), k[1], a0, k[0])
    a = pki.issue(pki.spec("A", "intermediate", extra_extensions=()), k[0], b, k[1])
    b2 = pki.issue(pki.spec("B", "intermediate"), k[1], a, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], b, k[1])
    other = pki.issue(pki.spec("Other", "root"), k[6])
    started = time.perf_counter()
    report = verify_chain(leaf, [a, b, b2, a0], [other], at=NOW, host=HOST)
    assert time.perf_counter() - started < 10
    expect(report, None, "trust_anchor")


def test_thousands_of_candidates_with_the_same_name(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    fake_spec = pki.spec("Inter", "intermediate")
    decoys = [pki.issue(fake_spec, pki.keys[7], root, pki.keys[0]) for _ in range(1500)]
    started = time.perf_counter()
    report = verify_chain(leaf, [*decoys, inter], [root], at=NOW, host=HOST)
    assert time.perf_counter() - started < 20
    expect(report)
    assert report.chain[1] == inter


def test_unknown_critical_extension(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    k = pki.keys
    odd = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00")
    leaf = pki.issue(pki.spec(HOST, "server", extra_extensions=((odd, True),)), k[2], inter, k[1])
    expect(verify_chain(leaf, [inter], [root], at=NOW, host=HOST), 0, "critical_extensions")
    bad_inter = pki.issue(
        pki.spec("Inter", "intermediate", extra_extensions=((odd, True),)), k[1], root, k[0]
    )
    good_leaf = pki.issue(pki.spec(HOST, "server"), k[2], bad_inter, k[1])
    expect(verify_chain(good_leaf, [bad_inter], [root], at=NOW, host=HOST), 1, "critical_extensions")
    fine = pki.issue(pki.spec(HOST, "server", extra_extensions=((odd, False),)), k[2], inter, k[1])
    expect(verify_chain(fine, [inter], [root], at=NOW, host=HOST))


def test_weak_rsa_issuer_key(pki: Pki) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    root = pki.issue(pki.spec("Weak Root", "root"), weak)
    leaf = pki.issue(pki.spec(HOST, "server"), pki.keys[2], root, weak)
    expect(verify_chain(leaf, [], [root], at=NOW, host=HOST), 1, "issuer_key")


def test_alternative_paths_through_cross_signed_intermediates(pki: Pki) -> None:
    k = pki.keys
    root_a = pki.issue(pki.spec("Root A", "root"), k[0])
    root_b = pki.issue(pki.spec("Root B", "root"), k[6])
    inter_a = pki.issue(pki.spec("Inter", "intermediate"), k[1], root_a, k[0])
    inter_b = pki.issue(pki.spec("Inter", "intermediate"), k[1], root_b, k[6])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], inter_a, k[1])
    report = verify_chain(leaf, [inter_a, inter_b], [root_a, root_b], at=NOW, host=HOST)
    expect(report)
    assert len(report.paths) == 2
    assert {p[-1] for p in report.paths} == {root_a, root_b}


def test_bad_host_is_a_usage_error(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    with pytest.raises(UsageError):
        verify_chain(leaf, [inter], [root], at=NOW, host="not a host!")


def test_no_host_checks_the_leafs_own_name(good: tuple[x509.Certificate, ...]) -> None:
    root, inter, leaf = good
    report = verify_chain(leaf, [inter], [root], at=NOW)
    expect(report)
    assert report.host == HOST
    assert report.notes and "No host name was given" in report.notes[0]


def test_leaf_naming_no_host_at_all(pki: Pki, good: tuple[x509.Certificate, ...]) -> None:
    root, inter, _ = good
    email_only = pki.issue(
        pki.spec("mail", "client", sans=(x509.RFC822Name("alice@example.com"),)),
        pki.keys[3],
        inter,
        pki.keys[1],
    )
    report = verify_chain(email_only, [inter], [root], at=NOW, purpose="server")
    expect(report, 0, "subject_alt_name")
    assert any("No host was given" in f.message for f in report.failures())
    expect(verify_chain(email_only, [inter], [root], at=NOW, purpose="client"))


def test_verifier_search_budget_is_explained(pki: Pki) -> None:
    k = pki.keys
    root = pki.issue(pki.spec("Root", "root"), k[0])
    decoys = [pki.issue(pki.spec("Root", "root"), k[7]) for _ in range(200)]
    inter = pki.issue(pki.spec("Inter", "intermediate", key_identifiers=False), k[1], root, k[0])
    leaf = pki.issue(pki.spec(HOST, "server"), k[2], inter, k[1])
    report = verify_chain(leaf, [inter], [*decoys, root], at=NOW, host=HOST)
    expect(report, 0, "search_budget")
    assert "Exceeded maximum signature check limit" in (report.error or "")
