"""The Inspector's core: every object in PEM, DER, PKCS#7, PKCS#12 and OpenSSH files.

- :mod:`.loader`: objects found in bytes by content, each problem kept with its place.
- :mod:`.naming`: the one vocabulary: keys, key usages, EKUs, extensions, OIDs, general names.
- :mod:`.model`: the frozen summaries of certificates, CSRs, CRLs and keys, and lint findings.
- :mod:`.summary`: loaded objects turned into those summaries.
- :mod:`.lint`: what strict clients say about a certificate.
- :mod:`.sweep`: a folder at once: keys paired, chains grouped, problems flagged.
- :mod:`.recent`: the recently opened paths.

The function :func:`.sweep.sweep` is reached through its module, whose name it shares.

The names below are loaded when first asked for: importing one submodule (the
CA workbench imports :mod:`.naming`) does not load the loader, lint and sweep.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tlsexplorer.core.x509.lint import (
        MAX_SERVER_DAYS,
        STRICT,
        lint_certificate,
        strict_verdict,
        warning_findings,
    )
    from tlsexplorer.core.x509.loader import (
        KINDS,
        PASSWORD_HINT,
        PEM_BLOCK,
        LoadedObject,
        LoadResult,
        PemBlock,
        iter_objects,
        load_certificates,
        load_objects,
        looks_like_pem,
        pem_blocks,
    )
    from tlsexplorer.core.x509.model import (
        CertificateInfo,
        ContainerInfo,
        CrlInfo,
        CsrInfo,
        ExtensionInfo,
        Finding,
        Info,
        KeyInfo,
        PublicKeyInfo,
        RevokedEntry,
    )
    from tlsexplorer.core.x509.naming import (
        KEY_USAGE_BITS,
        curve_name,
        describe_key,
        eku_names,
        extension_name,
        general_name,
        key_article,
        key_fields,
        key_label,
        key_usage_names,
        oid_name,
        short_name,
    )
    from tlsexplorer.core.x509.recent import (
        MAX_RECENT,
        STDIN_FOLDER_PREFIX,
        add_recent,
        load_recent,
        state_dir,
    )
    from tlsexplorer.core.x509.summary import (
        certificate_info,
        crl_info,
        csr_info,
        decode_extension,
        decode_extensions,
        key_info,
        object_title,
        public_key_info,
        spki_fingerprint,
        summarize,
    )
    from tlsexplorer.core.x509.sweep import (
        CRYPTO_NAMES,
        CRYPTO_SUFFIXES,
        MAX_SWEEP_FILES,
        Chain,
        Flag,
        KeyMatch,
        ObjectRef,
        SweepReport,
        classify,
        collect_files,
        looks_crypto,
        match_keys,
        read_path,
        read_paths,
    )

#: The submodule defining each public name.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "lint": (
        "MAX_SERVER_DAYS",
        "STRICT",
        "lint_certificate",
        "strict_verdict",
        "warning_findings",
    ),
    "loader": (
        "KINDS",
        "PASSWORD_HINT",
        "PEM_BLOCK",
        "LoadedObject",
        "LoadResult",
        "PemBlock",
        "iter_objects",
        "load_certificates",
        "load_objects",
        "looks_like_pem",
        "pem_blocks",
    ),
    "model": (
        "CertificateInfo",
        "ContainerInfo",
        "CrlInfo",
        "CsrInfo",
        "ExtensionInfo",
        "Finding",
        "Info",
        "KeyInfo",
        "PublicKeyInfo",
        "RevokedEntry",
    ),
    "naming": (
        "KEY_USAGE_BITS",
        "curve_name",
        "describe_key",
        "eku_names",
        "extension_name",
        "general_name",
        "key_article",
        "key_fields",
        "key_label",
        "key_usage_names",
        "oid_name",
        "short_name",
    ),
    "recent": (
        "MAX_RECENT",
        "STDIN_FOLDER_PREFIX",
        "add_recent",
        "load_recent",
        "state_dir",
    ),
    "summary": (
        "certificate_info",
        "crl_info",
        "csr_info",
        "decode_extension",
        "decode_extensions",
        "key_info",
        "object_title",
        "public_key_info",
        "spki_fingerprint",
        "summarize",
    ),
    "sweep": (
        "CRYPTO_NAMES",
        "CRYPTO_SUFFIXES",
        "MAX_SWEEP_FILES",
        "Chain",
        "Flag",
        "KeyMatch",
        "ObjectRef",
        "SweepReport",
        "classify",
        "collect_files",
        "looks_crypto",
        "match_keys",
        "read_path",
        "read_paths",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CRYPTO_NAMES",
    "CRYPTO_SUFFIXES",
    "KEY_USAGE_BITS",
    "KINDS",
    "MAX_RECENT",
    "MAX_SERVER_DAYS",
    "MAX_SWEEP_FILES",
    "PASSWORD_HINT",
    "PEM_BLOCK",
    "STDIN_FOLDER_PREFIX",
    "STRICT",
    "CertificateInfo",
    "Chain",
    "ContainerInfo",
    "CrlInfo",
    "CsrInfo",
    "ExtensionInfo",
    "Finding",
    "Flag",
    "Info",
    "KeyInfo",
    "KeyMatch",
    "LoadResult",
    "LoadedObject",
    "ObjectRef",
    "PemBlock",
    "PublicKeyInfo",
    "RevokedEntry",
    "SweepReport",
    "add_recent",
    "certificate_info",
    "classify",
    "collect_files",
    "crl_info",
    "csr_info",
    "curve_name",
    "decode_extension",
    "decode_extensions",
    "describe_key",
    "eku_names",
    "extension_name",
    "general_name",
    "iter_objects",
    "key_article",
    "key_fields",
    "key_info",
    "key_label",
    "key_usage_names",
    "lint_certificate",
    "load_certificates",
    "load_objects",
    "load_recent",
    "looks_crypto",
    "looks_like_pem",
    "match_keys",
    "object_title",
    "oid_name",
    "pem_blocks",
    "public_key_info",
    "read_path",
    "read_paths",
    "short_name",
    "spki_fingerprint",
    "state_dir",
    "strict_verdict",
    "summarize",
    "warning_findings",
]
