#!/usr/bin/env python3
"""Regenerate the built-in sample material in tlsexplorer/samples/.

Run from the repository root:

    python scripts/make_samples.py

It makes new keys each time (so fingerprints change) and overwrites the
samples folder's PEM files and manifest.json. Everything is made with
tlsexplorer.core.ca.build, the same code the CA workbench uses.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.files import FileToWrite, write_files

OUT = Path(__file__).resolve().parent.parent / "tlsexplorer" / "samples"
UTC = dt.timezone.utc
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
CA_PASSPHRASE = "secret_password"


def years(n: int) -> dt.datetime:
    """START plus n years."""
    return START.replace(year=START.year + n)


def main() -> None:
    """Build every sample and write it with manifest.json."""
    root_key = ca.generate_private_key("rsa2048")
    root_name = ca.build_name(
        "Charlie's Certificate Authority", o="Charlie's Certificate Authority", c="US", st="Virginia"
    )
    root = ca.issue_certificate(
        ca.CertificateSpec(root_name, "root", START, years(50), path_length=1),
        root_key.public_key(),
        root_key,
    )

    inter_key = ca.generate_private_key("rsa2048")
    inter = ca.issue_certificate(
        ca.CertificateSpec(
            ca.build_name("Charlie's Intermediate CA", o="Charlie's Certificate Authority", c="US"),
            "intermediate",
            START,
            years(49),
            path_length=0,
        ),
        inter_key.public_key(),
        root_key,
        root,
    )

    alice_key = ca.generate_private_key("rsa2048")
    alice_name = ca.build_name("alice.example.net", o="Alice's Web Shop", c="US", l="Richmond")
    sans = (x509.DNSName("localhost"), x509.DNSName("alice.example.net"))
    alice = ca.issue_certificate(
        ca.CertificateSpec(alice_name, "server", START, years(48), sans=sans),
        alice_key.public_key(),
        inter_key,
        inter,
    )
    # The course's server certificate: subject, issuer, validity and a SAN,
    # nothing else (no basic constraints, key usage, EKU or key identifiers),
    # signed straight by the root.
    course = ca.issue_certificate(
        ca.CertificateSpec(
            alice_name,
            "server",
            START,
            years(48),
            sans=sans,
            basic_constraints=False,
            key_usage=False,
            extended_key_usage=(),
            key_identifiers=False,
            cn_in_san=False,
        ),
        alice_key.public_key(),
        root_key,
        root,
    )

    old_key = ca.generate_private_key("p256")
    expired = ca.issue_certificate(
        ca.CertificateSpec(
            ca.build_name("old.example.net", o="Alice's Web Shop"),
            "server",
            dt.datetime(2020, 1, 1, tzinfo=UTC),
            dt.datetime(2021, 1, 1, tzinfo=UTC),
            sans=(x509.DNSName("old.example.net"),),
        ),
        old_key.public_key(),
        inter_key,
        inter,
    )

    bob_key = ca.generate_private_key("p256")
    csr = ca.create_csr(
        ca.build_name("bob.example.net", o="Bob's Bakery", c="US"),
        bob_key,
        [x509.DNSName("bob.example.net"), x509.DNSName("www.bob.example.net")],
    )

    crl = ca.create_crl(
        inter,
        inter_key,
        [
            ca.Revocation(expired.serial_number, dt.datetime(2020, 6, 1, tzinfo=UTC),
                          x509.ReasonFlags.superseded),
            ca.Revocation(0x1BADC0DE, dt.datetime(2024, 12, 24, tzinfo=UTC),
                          x509.ReasonFlags.key_compromise),
        ],
        START,
        years(49),
    )

    entries: list[tuple[str, bytes, bool, str, str, str | None]] = [
        ("charlies-root-ca.pem", ca.certificate_pem(root), False, "certificate",
         "Root CA: Charlie's Certificate Authority (self-signed, RSA 2048).", None),
        ("charlies-root-ca.key.pem", ca.private_key_pem(root_key, CA_PASSPHRASE.encode()), True,
         "private_key", "The root CA's private key, encrypted with a passphrase.", CA_PASSPHRASE),
        ("charlies-intermediate-ca.pem", ca.certificate_pem(inter), False, "certificate",
         "Intermediate CA signed by the root (path length 0).", None),
        ("charlies-intermediate-ca.key.pem", ca.private_key_pem(inter_key), True, "private_key",
         "The intermediate CA's private key (unencrypted).", None),
        ("alice.example.net.pem", ca.certificate_pem(alice), False, "certificate",
         "Server certificate for alice.example.net (SANs localhost, alice.example.net), "
         "issued by the intermediate with every extension strict clients want.", None),
        ("alice.example.net.key.pem", ca.private_key_pem(alice_key), True, "private_key",
         "alice.example.net's private key (unencrypted).", None),
        ("alice.example.net.fullchain.pem", ca.certificate_pem(alice, inter), False, "bundle",
         "alice.example.net's full chain: the server certificate, then the intermediate.", None),
        ("alice-course-style.pem", ca.certificate_pem(course), False, "certificate",
         "alice.example.net made the way the course did: CN and SAN only, no key usage, "
         "no key identifiers, signed by the root. Strict clients reject it.", None),
        ("expired.pem", ca.certificate_pem(expired), False, "certificate",
         "old.example.net, valid only during 2020: expired.", None),
        ("expired.key.pem", ca.private_key_pem(old_key), True, "private_key",
         "old.example.net's private key (EC P-256, unencrypted).", None),
        ("bob.example.net.csr.pem", csr.public_bytes(Encoding.PEM), False, "certificate_request",
         "A site owner's certificate signing request for bob.example.net.", None),
        ("bob.example.net.key.pem", ca.private_key_pem(bob_key), True, "private_key",
         "The key behind bob.example.net's CSR (EC P-256, unencrypted).", None),
        ("charlies-intermediate-ca.crl.pem", crl.public_bytes(Encoding.PEM), False, "crl",
         "The intermediate's CRL: the expired certificate and one other serial revoked.", None),
    ]
    manifest = {
        "generated_by": "scripts/make_samples.py",
        "files": [
            {"file": name, "kind": kind, "description": text, "password": password}
            for name, _data, _private, kind, text, password in entries
        ],
    }
    files = [FileToWrite(OUT / name, data, private) for name, data, private, *_ in entries]
    files.append(FileToWrite(OUT / "manifest.json",
                             (json.dumps(manifest, indent=2) + "\n").encode()))
    for path in write_files(files, force=True):
        print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
