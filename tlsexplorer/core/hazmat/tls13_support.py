"""What the teaching TLS 1.3 client supports, by name (no cryptography import).

Kept apart from :mod:`tlsexplorer.core.hazmat.tls13_client` so that
``tlsexplorer --help`` can list the choices without loading the library.
"""

from __future__ import annotations

#: Said on every screen and in every output that shows this client.
NOT_FOR_PRODUCTION = "a TLS 1.3 client written in the open for teaching: not for production use"

#: The groups this client can use, in its order of preference.
GROUP_NAMES: tuple[str, ...] = ("x25519", "secp256r1", "secp384r1")
#: The TLS 1.3 cipher suites it can use, in its order of preference.
SUITE_NAMES: tuple[str, ...] = (
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
)
#: The signature schemes it can check in CertificateVerify.
SCHEME_NAMES: tuple[str, ...] = (
    "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ed25519",
    "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
)
#: Signature schemes accepted on certificates (signature_algorithms_cert): TLS 1.3's own and PKCS#1 v1.5.
CERT_SCHEME_NAMES: tuple[str, ...] = (
    *SCHEME_NAMES, "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512",
)
#: Seconds for the whole walk: connecting, every read, the response.
DEFAULT_DEADLINE = 10.0

__all__ = [
    "CERT_SCHEME_NAMES",
    "DEFAULT_DEADLINE",
    "GROUP_NAMES",
    "NOT_FOR_PRODUCTION",
    "SCHEME_NAMES",
    "SUITE_NAMES",
]
