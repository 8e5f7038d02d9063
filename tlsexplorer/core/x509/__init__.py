"""The Inspector's core: every object in PEM, DER, PKCS#7, PKCS#12 and OpenSSH files.

- :mod:`.dertree`: the DER tree the Inspector shows, every TLV with its offsets.
- :mod:`.loader`: objects found in bytes by content, each problem kept with its place.
- :mod:`.naming`: the one vocabulary: keys, key usages, EKUs, extensions, OIDs, general names.
- :mod:`.model`: the frozen summaries of certificates, CSRs, CRLs, OCSP requests and responses and
  keys, and lint findings.
- :mod:`.ocsp`: which OCSP structure some DER is (request or response), by its shape.
- :mod:`.summary`: loaded objects turned into those summaries.
- :mod:`.lint`: what strict clients say about a certificate.
- :mod:`.sweep`: a folder at once: keys paired, chains grouped, problems flagged.
- :mod:`.recent`: the recently opened paths.

The function :func:`.sweep.sweep` is reached through its module, whose name it shares.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.x509.dertree import DerNode as DerNode, parse_der as parse_der, walk as walk
    from tlsexplorer.core.x509.lint import (
        MAX_SERVER_DAYS as MAX_SERVER_DAYS,
        STRICT as STRICT,
        lint_certificate as lint_certificate,
        strict_verdict as strict_verdict,
        warning_findings as warning_findings,
    )
    from tlsexplorer.core.x509.loader import (
        KINDS as KINDS,
        MAX_BASE64_TEXT as MAX_BASE64_TEXT,
        OCSP_LABELS as OCSP_LABELS,
        PASSWORD_HINT as PASSWORD_HINT,
        PEM_BLOCK as PEM_BLOCK,
        LoadedObject as LoadedObject,
        LoadResult as LoadResult,
        PemBlock as PemBlock,
        iter_objects as iter_objects,
        load_certificates as load_certificates,
        load_objects as load_objects,
        looks_like_pem as looks_like_pem,
        pem_blocks as pem_blocks,
    )
    from tlsexplorer.core.x509.model import (
        OCSP_STATUS_MEANING as OCSP_STATUS_MEANING,
        CertIdInfo as CertIdInfo,
        CertificateInfo as CertificateInfo,
        ContainerInfo as ContainerInfo,
        CrlInfo as CrlInfo,
        CsrInfo as CsrInfo,
        ExtensionInfo as ExtensionInfo,
        Finding as Finding,
        Info as Info,
        KeyInfo as KeyInfo,
        OcspRequestInfo as OcspRequestInfo,
        OcspResponseInfo as OcspResponseInfo,
        OcspSingleInfo as OcspSingleInfo,
        PublicKeyInfo as PublicKeyInfo,
        RevokedEntry as RevokedEntry,
    )
    from tlsexplorer.core.x509.naming import (
        KEY_USAGE_BITS as KEY_USAGE_BITS,
        curve_name as curve_name,
        describe_key as describe_key,
        eku_names as eku_names,
        extension_name as extension_name,
        general_name as general_name,
        key_article as key_article,
        key_fields as key_fields,
        key_label as key_label,
        key_usage_names as key_usage_names,
        oid_name as oid_name,
        short_name as short_name,
    )
    from tlsexplorer.core.x509.ocsp import ocsp_kind as ocsp_kind
    from tlsexplorer.core.x509.recent import (
        MAX_RECENT as MAX_RECENT,
        STDIN_FOLDER_PREFIX as STDIN_FOLDER_PREFIX,
        add_recent as add_recent,
        load_recent as load_recent,
        state_dir as state_dir,
    )
    from tlsexplorer.core.x509.summary import (
        certificate_info as certificate_info,
        crl_info as crl_info,
        csr_info as csr_info,
        decode_extension as decode_extension,
        decode_extensions as decode_extensions,
        key_info as key_info,
        object_title as object_title,
        ocsp_request_info as ocsp_request_info,
        ocsp_response_info as ocsp_response_info,
        ocsp_title as ocsp_title,
        public_key_info as public_key_info,
        spki_fingerprint as spki_fingerprint,
        summarize as summarize,
    )
    from tlsexplorer.core.x509.sweep import (
        CRYPTO_NAMES as CRYPTO_NAMES,
        CRYPTO_SUFFIXES as CRYPTO_SUFFIXES,
        MAX_SWEEP_FILES as MAX_SWEEP_FILES,
        Chain as Chain,
        Flag as Flag,
        KeyMatch as KeyMatch,
        ObjectRef as ObjectRef,
        SweepReport as SweepReport,
        classify as classify,
        collect_files as collect_files,
        looks_crypto as looks_crypto,
        match_keys as match_keys,
        read_path as read_path,
        read_paths as read_paths,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
