"""What web browsers say: Chromium's net error names, Firefox's, the warning page, the keys they refuse.

A :class:`BrowserVerdict` is what a browser shows for one certificate or
scenario: ``loaded``, or Chromium's net error name (``ERR_CERT_DATE_INVALID``)
with Firefox's own name for the same failure. The Chromium names are the
ones headless Chromium reports in the test suite (``tests/core/
test_browsers_real.py`` visits every scenario, flaw and key type and compares);
the Firefox names come from Mozilla's error tables and are not run by the tests.

:func:`server_key_problem` says which key types browsers refuse in a TLS
server certificate (Ed25519, Ed448, and EC P-521 in Chromium): the CA
workbench warns before issuing one and the lint flags any such certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LOADED = "loaded"
"""What a verdict says when the page arrived."""

CHROMIUM_PROCEED = "Advanced, then 'Proceed to {host} (unsafe)'"
"""What Chromium's certificate warning page offers for the errors in :data:`CHROMIUM_OVERRIDABLE` (never on
an HSTS site)."""

FIREFOX_PROCEED = "Advanced…, then 'Accept the Risk and Continue'"
"""What Firefox's certificate warning page offers."""

PROCEED_MEANS = (
    "Clicking through is what curl --insecure (requests verify=False) does: the browser stops checking "
    "this server's certificate for the site, so the page arrives encrypted to whoever answered, the "
    "server or anyone in between with any certificate at all. Fix the certificate or trust the CA instead."
)
"""Why proceeding past the warning is the same as ``--insecure``."""

HANDSHAKE_REFUSED = "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"
"""Chromium's error when client and server share no way to sign the handshake (an Ed25519 server key)."""


CHROMIUM_OVERRIDABLE = frozenset({
    "ERR_CERT_AUTHORITY_INVALID", "ERR_CERT_COMMON_NAME_INVALID", "ERR_CERT_DATE_INVALID",
    "ERR_CERT_WEAK_SIGNATURE_ALGORITHM", "ERR_CERT_WEAK_KEY", "ERR_CERT_NAME_CONSTRAINT_VIOLATION",
    "ERR_CERT_VALIDITY_TOO_LONG",
})
"""Chromium's errors whose warning page has a Proceed link (Chromium's ``IsCertErrorFatal`` says false);
``ERR_CERT_INVALID`` and ``ERR_CERT_REVOKED`` have none."""

FIREFOX_OVERRIDABLE = frozenset({
    "SEC_ERROR_UNKNOWN_ISSUER", "SSL_ERROR_BAD_CERT_DOMAIN", "SEC_ERROR_EXPIRED_CERTIFICATE",
    "MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
    "SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED", "SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE",
    "SEC_ERROR_CA_CERT_INVALID", "MOZILLA_PKIX_ERROR_INADEQUATE_KEY_SIZE",
})
"""Firefox's errors whose warning page offers Accept the Risk (Firefox's ``ErrorIsOverridable``)."""


@dataclass(frozen=True)
class BrowserVerdict:
    """What a browser shows for one server."""

    chromium: str
    """``loaded`` or Chromium's net error name, as its error page shows it
    (``ERR_CERT_AUTHORITY_INVALID``)."""
    firefox: str | None = None
    """Firefox's error code for the same failure (``SEC_ERROR_UNKNOWN_ISSUER``), or ``loaded``; None when it
    behaves as Chromium and has no other name for it."""
    note: str = ""
    """Anything else worth knowing (what differs from other clients)."""

    @property
    def loaded(self) -> bool:
        """True when Chromium shows the page."""
        return self.chromium == LOADED

    def offers(self, host: str) -> tuple[str | None, str | None] | None:
        """(Chromium's, Firefox's) way past the warning for ``host`` (None where that browser offers
        none), or None when neither offers one."""
        chromium = CHROMIUM_PROCEED.format(host=host) if self.chromium in CHROMIUM_OVERRIDABLE else None
        firefox = FIREFOX_PROCEED if self.firefox in FIREFOX_OVERRIDABLE else None
        return (chromium, firefox) if chromium or firefox else None

    def summary(self, host: str = "the site") -> str:
        """What Chromium and Firefox show, and what their warning pages offer."""
        if self.loaded:
            text = "the page loads"
            if self.firefox and self.firefox != LOADED:
                text = f"Chromium loads the page; Firefox: {self.firefox}"
        else:
            text = f"Chromium: {self.chromium}"
            if self.firefox:
                text += f"; Firefox: {self.firefox}"
            offers = self.offers(host)
            if offers is None:
                text += ". No way past the error page"
            else:
                text += (f". Chromium's warning page offers {offers[0] or 'no way past it'}; Firefox's, "
                         f"{offers[1] or 'no way past it'}")
        return text + (f". {self.note}" if self.note else "")

    def to_json(self, host: str = "the site") -> dict[str, Any]:
        """``{"chromium", "firefox", "loaded", "offers", "proceed_means", "note"}``."""
        offers = self.offers(host)
        return {
            "chromium": self.chromium,
            "firefox": self.firefox,
            "loaded": self.loaded,
            "offers": {"chromium": offers[0], "firefox": offers[1]} if offers else None,
            "proceed_means": PROCEED_MEANS if offers else None,
            "note": self.note or None,
        }


_EDDSA = (
    "web browsers do not accept an {key} key in a TLS server certificate: Chrome, Edge and Firefox offer "
    "no {key} signature in the TLS handshake, so it fails (Chromium: "
    f"{HANDSHAKE_REFUSED}; the server logs NO_SUITABLE_SIGNATURE_ALGORITHM), while curl, openssl and "
    "Python accept it. Use EC P-256 (the default) or RSA for a server a browser will visit"
)

_REFUSED_KEYS = {
    "Ed25519": _EDDSA.format(key="Ed25519"),
    "Ed448": _EDDSA.format(key="Ed448"),
    "EC P-521": (
        "Chrome, Edge and the other Chromium browsers do not accept an EC P-521 key in a TLS server "
        f"certificate ({HANDSHAKE_REFUSED}: they offer no P-521 signature in the handshake); Firefox, "
        "curl, openssl and Python do. Use EC P-256 or P-384"
    ),
}

BROWSER_REFUSED_KEY_TYPES = ("ed25519",)
"""The workbench's key types (``--key-type``) a browser refuses for a TLS server."""


def server_key_problem(key: str, *, short: bool = False) -> str | None:
    """Why browsers refuse a TLS server certificate with this key, or None (``short``: one line for a form).

    ``key`` is the key's one name (``Ed25519``, ``EC P-521``, as
    :func:`~tlsexplorer.core.x509.naming.describe_key` says it) or a
    workbench key type (``ed25519``).
    """
    if key.lower() in BROWSER_REFUSED_KEY_TYPES:
        key = {"ed25519": "Ed25519"}[key.lower()]
    problem = _REFUSED_KEYS.get(key)
    if problem is None or not short:
        return problem
    who = "Chromium browsers" if key == "EC P-521" else "Chrome, Edge and Firefox"
    return f"{who} refuse a TLS server with an {key} key ({HANDSHAKE_REFUSED}); use p256 or RSA"


__all__ = [
    "BROWSER_REFUSED_KEY_TYPES",
    "CHROMIUM_OVERRIDABLE",
    "CHROMIUM_PROCEED",
    "FIREFOX_OVERRIDABLE",
    "FIREFOX_PROCEED",
    "HANDSHAKE_REFUSED",
    "LOADED",
    "PROCEED_MEANS",
    "BrowserVerdict",
    "server_key_problem",
]
