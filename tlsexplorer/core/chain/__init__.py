"""The Chain explorer's core: build and verify a chain, every check of every link explained.

- :mod:`.model`: the report: checks, findings, missing issuers, the verdict.
- :mod:`.facts`: what is read from each certificate once per verification.
- :mod:`.names`: DNS patterns, host matching and name constraints.
- :mod:`.checks`: the checklist run on every link.
- :mod:`.verify`: chain building and :func:`verify_chain`, beside cryptography's verifier.
- :mod:`.trust`: the system trust store.
"""

from tlsexplorer.core.chain.facts import (
    aia_issuer_urls,
    describe,
    fingerprint_hex,
    key_description,
    signature_algorithm_name,
)
from tlsexplorer.core.chain.model import (
    CHECKS,
    DEFAULT_MAX_DEPTH,
    ChainReport,
    Finding,
    MissingIssuer,
    OpensslFiles,
    Purpose,
)
from tlsexplorer.core.chain.names import (
    dns_pattern_matches,
)
from tlsexplorer.core.chain.trust import (
    WELL_KNOWN_BUNDLES,
    SystemTrust,
    candidate_bundles,
    system_roots,
    system_roots_file,
    system_trust,
)
from tlsexplorer.core.chain.verify import (
    openssl_command,
    split_bundle_roots,
    verify_chain,
)

__all__ = [
    "CHECKS",
    "DEFAULT_MAX_DEPTH",
    "WELL_KNOWN_BUNDLES",
    "ChainReport",
    "Finding",
    "MissingIssuer",
    "OpensslFiles",
    "Purpose",
    "SystemTrust",
    "aia_issuer_urls",
    "candidate_bundles",
    "describe",
    "dns_pattern_matches",
    "fingerprint_hex",
    "key_description",
    "openssl_command",
    "signature_algorithm_name",
    "split_bundle_roots",
    "system_roots",
    "system_roots_file",
    "system_trust",
    "verify_chain",
]
