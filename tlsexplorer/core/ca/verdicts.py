"""What each client says about each break-it flaw: curl, openssl, Python's ssl and browsers, side by side.

The values are what these clients print (curl 7.88 and Python 3.11 on
OpenSSL 3.0, headless Chromium 150) for a server certificate with the flaw,
issued for the host the client asks for, under a root the client trusts.
``tests/core/test_browsers_real.py`` issues each flaw, serves it with the lab
server and checks every value against the real client; Firefox's names come
from Mozilla's error tables and are not run by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from tlsexplorer.core.x509.browsers import LOADED, BrowserVerdict

ACCEPTS = "accepts"
"""What a verdict says when the client got the page."""


@dataclass(frozen=True)
class FlawVerdicts:
    """One flaw as each client sees it: ``accepts`` or the error it prints."""

    curl: str
    """curl --cacert (OpenSSL's verifier, its own host name check)."""
    openssl: str
    """openssl s_client -CAfile -verify_hostname -verify_return_error."""
    python: str
    """Python's ssl.create_default_context(cafile=...) as 3.11 and 3.12 have it."""
    python_strict: str
    """The same with VERIFY_X509_STRICT (Python 3.13's default)."""
    browser: BrowserVerdict
    """What a browser trusting the root shows."""

    def rows(self, host: str = "the site") -> tuple[tuple[str, str], ...]:
        """(client, what it says) in the order screens show them."""
        return (
            ("curl", self.curl),
            ("openssl s_client", self.openssl),
            ("Python ssl (3.11, 3.12)", self.python),
            ("Python ssl, strict (3.13+)", self.python_strict),
            ("browser", self.browser.summary(host)),
        )


def _all(error: str) -> tuple[str, str, str, str]:
    return error, error, error, error


FLAW_VERDICTS: dict[str, FlawVerdicts] = {
    "expired": FlawVerdicts(*_all("certificate has expired"),
                            BrowserVerdict("ERR_CERT_DATE_INVALID", "SEC_ERROR_EXPIRED_CERTIFICATE")),
    "not-yet-valid": FlawVerdicts(*_all("certificate is not yet valid"),
                                  BrowserVerdict("ERR_CERT_DATE_INVALID",
                                                 "MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE")),
    "cn-only": FlawVerdicts(
        ACCEPTS, ACCEPTS, ACCEPTS, ACCEPTS,
        BrowserVerdict("ERR_CERT_COMMON_NAME_INVALID", "SSL_ERROR_BAD_CERT_DOMAIN",
                       "OpenSSL-based clients still fall back to the CN; browsers read the SAN alone"),
    ),
    "wrong-eku": FlawVerdicts(*_all("unsuitable certificate purpose"),
                              BrowserVerdict("ERR_CERT_INVALID", "SEC_ERROR_INADEQUATE_CERT_TYPE")),
    "no-key-usage": FlawVerdicts(
        ACCEPTS, ACCEPTS, ACCEPTS, "CA cert does not include key usage extension",
        BrowserVerdict(LOADED, note="Browsers accept a CA without key usage; only strict OpenSSL refuses it"),
    ),
    "sha1": FlawVerdicts(
        *_all("CA signature digest algorithm too weak"),
        BrowserVerdict("ERR_CERT_INVALID", "SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED",
                       "The lab server itself refuses to serve a SHA-1 chain (OpenSSL: CA_MD_TOO_WEAK) "
                       "unless its security level is lowered to 0"),
    ),
    "path-length": FlawVerdicts(*_all("path length constraint exceeded"),
                                BrowserVerdict("ERR_CERT_INVALID", "SEC_ERROR_PATH_LEN_CONSTRAINT_INVALID")),
    "name-constraints": FlawVerdicts(*_all("excluded subtree violation"),
                                     BrowserVerdict("ERR_CERT_INVALID", "SEC_ERROR_CERT_NOT_IN_NAME_SPACE")),
}
"""Every flaw of :data:`~tlsexplorer.core.ca.build.FLAWS`, as each client sees it."""

def flaw_verdicts(kind: str) -> FlawVerdicts | None:
    """The verdicts for one flaw (None for a flaw not recorded yet)."""
    return FLAW_VERDICTS.get(kind)


__all__ = ["ACCEPTS", "FLAW_VERDICTS", "FlawVerdicts", "flaw_verdicts"]
