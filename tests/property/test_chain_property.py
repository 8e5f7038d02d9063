"""Property tests: the checklist's host matching agrees with the library's verifier
on random names and wildcard patterns."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from hypothesis import HealthCheck, given, settings, strategies as st

from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.ca.build import CertificateSpec, build_name, issue_certificate
from tlsexplorer.core.chain.names import dns_pattern_matches
from tlsexplorer.core.chain.verify import verify_chain

UTC = dt.timezone.utc
START, END, NOW = (dt.datetime(y, 1, 1, tzinfo=UTC) for y in (2025, 2030, 2026))
ROOT_KEY = ca.generate_private_key("p256")
LEAF_KEY = ca.generate_private_key("p256")
ROOT = issue_certificate(
    CertificateSpec(build_name("Root"), "root", START, END), ROOT_KEY.public_key(), ROOT_KEY
)

labels = st.sampled_from(["a", "b", "www", "x-1", "EXAMPLE", "example", "com", "net"])
names = st.lists(labels, min_size=1, max_size=4).map(".".join)
patterns = st.one_of(names, names.map(lambda n: "*." + n), names.map(lambda n: "w*." + n))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, host=names)
def test_host_matching_agrees_with_the_verifier(pattern: str, host: str) -> None:
    spec = CertificateSpec(
        build_name("leaf"), "server", START, END, sans=(x509.DNSName(pattern),), cn_in_san=False
    )
    leaf = issue_certificate(spec, LEAF_KEY.public_key(), ROOT_KEY, ROOT)
    report = verify_chain(leaf, [], [ROOT], at=NOW, host=host)
    assert report.agrees
    assert report.valid == dns_pattern_matches(pattern, host)
