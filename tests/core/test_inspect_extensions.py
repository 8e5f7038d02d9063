"""Every extension is decoded with its criticality; unknown ones come out as OID and hex."""

from __future__ import annotations

import datetime as dt
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AuthorityInformationAccessOID, CertificatePoliciesOID, ObjectIdentifier

from tests.inspect_factory import NOW, ec_key, name
from tlsexplorer.core.x509.summary import certificate_info


def test_extensions_decoded() -> None:
    key = ec_key()
    unknown = ObjectIdentifier("1.3.6.1.4.1.99999.1")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("x.example.net"))
        .issuer_name(name("CA"))
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("x.example.net"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier("http://ocsp.example"),
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://crl.example/ca.crl")], None, None, None
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(CertificatePoliciesOID.ANY_POLICY, ["http://cps"])]
            ),
            critical=False,
        )
        .add_extension(
            x509.NameConstraints([x509.DNSName("example.net")], [x509.DNSName("bad.example.net")]),
            critical=True,
        )
        .add_extension(x509.PolicyConstraints(require_explicit_policy=0, inhibit_policy_mapping=None), True)
        .add_extension(x509.UnrecognizedExtension(unknown, b"\x04\x02hi"), critical=False)
        .sign(key, hashes.SHA256())
    )
    info = certificate_info(cert, NOW)
    by_name = {e.name: e for e in info.extensions}
    assert by_name["subjectAltName"].value == ["DNS:x.example.net", "IP:127.0.0.1"]
    assert by_name["authorityInfoAccess"].value == [{"method": "OCSP", "location": "URI:http://ocsp.example"}]
    assert by_name["cRLDistributionPoints"].value[0]["full_name"] == ["URI:http://crl.example/ca.crl"]
    assert by_name["certificatePolicies"].value[0]["policy"] == "2.5.29.32.0"
    assert by_name["certificatePolicies"].value[0]["qualifiers"] == ["http://cps"]
    nc = by_name["nameConstraints"]
    assert nc.critical and nc.value == {"permitted": ["DNS:example.net"], "excluded": ["DNS:bad.example.net"]}
    assert by_name["policyConstraints"].value["require_explicit_policy"] == 0
    unknown_ext = by_name["1.3.6.1.4.1.99999.1"]  # an extension without a name is named by its OID
    assert unknown_ext.oid == "1.3.6.1.4.1.99999.1" and unknown_ext.value == {"hex": "04026869"}
    # The order and criticality are the library's.
    assert [(e.oid, e.critical) for e in info.extensions] == [
        (e.oid.dotted_string, e.critical) for e in cert.extensions
    ]
