"""The Chain explorer's core: build and verify a chain, every check of every link explained.

- :mod:`.model`: the report: checks, findings, missing issuers, the verdict.
- :mod:`.facts`: what is read from each certificate once per verification.
- :mod:`.names`: DNS patterns, host matching and name constraints.
- :mod:`.checks`: the checklist run on every link.
- :mod:`.verify`: chain building and :func:`verify_chain`, beside cryptography's verifier.
- :mod:`.trust`: the system trust store.
- :mod:`.gather`: the one way to gather what is verified (files, folders, the
  system's roots, the bundle's root) and verify it: :func:`gather_and_verify`.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.chain.facts import (
        aia_issuer_urls as aia_issuer_urls,
        describe as describe,
        fingerprint_hex as fingerprint_hex,
        key_description as key_description,
        signature_algorithm_name as signature_algorithm_name,
    )
    from tlsexplorer.core.chain.gather import (
        ChainInput as ChainInput,
        Gathered as Gathered,
        InputNames as InputNames,
        Source as Source,
        Verification as Verification,
        gather_and_verify as gather_and_verify,
        gather_input as gather_input,
    )
    from tlsexplorer.core.chain.model import (
        CHECKS as CHECKS,
        DEFAULT_MAX_DEPTH as DEFAULT_MAX_DEPTH,
        ChainReport as ChainReport,
        Finding as Finding,
        MissingIssuer as MissingIssuer,
        OpensslFiles as OpensslFiles,
        Purpose as Purpose,
    )
    from tlsexplorer.core.chain.names import (
        dns_pattern_matches as dns_pattern_matches,
    )
    from tlsexplorer.core.chain.trust import (
        WELL_KNOWN_BUNDLES as WELL_KNOWN_BUNDLES,
        SystemTrust as SystemTrust,
        candidate_bundles as candidate_bundles,
        system_roots as system_roots,
        system_roots_file as system_roots_file,
        system_trust as system_trust,
    )
    from tlsexplorer.core.chain.verify import (
        openssl_command as openssl_command,
        split_bundle_roots as split_bundle_roots,
        verify_chain as verify_chain,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
