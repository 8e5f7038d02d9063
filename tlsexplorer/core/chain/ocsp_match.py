"""An OCSP response checked against the certificates at hand.

The certificate a response answers about (its certID's serial) and that
certificate's issuer are looked for among the certificates given (the files
open beside it in the Inspector, what ``tlsexplorer inspect`` reads with it,
the chain a server sent with its stapled response and the CA trusted), and
the response is then checked by
:func:`tlsexplorer.core.chain.revocation.check_ocsp_response`: the signature,
the responder's authority, the certID, freshness and the status. When they are
not at hand, the result says which one to open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.x509 import ocsp

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.chain.model import Finding, RevocationCheck
from tlsexplorer.core.chain.revocation import check_ocsp_response
from tlsexplorer.core.timeutil import format_iso8601

#: The checks that judge an OCSP response itself (:attr:`OcspCheck.fault`); ``ocsp_status`` is its answer.
RESPONSE_CHECKS = ("ocsp_answer", "ocsp_responder", "ocsp_signature", "ocsp_cert_id", "ocsp_nonce",
                   "ocsp_freshness")


@dataclass(frozen=True)
class OcspCheck:
    """A response checked against a certificate and its issuer, or why it could not be."""

    check: RevocationCheck | None
    """The check and its steps (None when it could not be made)."""
    certificate: str = ""
    """The subject of the certificate it answers about (when found)."""
    issuer: str = ""
    """The subject of that certificate's issuer (when found)."""
    why_not: str | None = None
    """Why nothing was checked: which certificate to open beside it."""

    @property
    def fault(self) -> Finding | None:
        """The check the response itself failed (:data:`RESPONSE_CHECKS`: it cannot be read, its responder
        may not answer for the CA, its signature, certID or nonce is wrong, it is not fresh), or None:
        it holds, or it was not checked. The status it gives (revoked, or unknown to the responder) is
        its answer, not a fault."""
        if self.check is None:
            return None
        return next((s for s in self.check.steps if not s.ok and s.check in RESPONSE_CHECKS), None)

    def sentence(self) -> str:
        """One line for people."""
        if self.check is None:
            return f"Not checked: {self.why_not}."
        failed = self.fault
        if failed is not None:
            return f"Checked against {self.issuer}: it does NOT hold: {failed.message}"
        return f"Checked against {self.issuer}: {self.check.detail} for {self.certificate}."

    def to_json(self) -> dict[str, Any]:
        """``{"checked", "certificate", "issuer", "status", "reason", "revoked_at", "steps", "why_not"}``."""
        check = self.check
        return {
            "checked": check is not None,
            "certificate": self.certificate or None,
            "issuer": self.issuer or None,
            "status": check.status if check else None,
            "reason": check.reason if check else None,
            "revoked_at": format_iso8601(check.revoked_at) if check and check.revoked_at else None,
            "steps": [
                {"check": s.check, "title": s.title, "ok": s.ok, "message": s.message, "fix": s.fix}
                for s in (check.steps if check else ())
            ],
            "why_not": self.why_not,
            "summary": self.sentence(),
        }


def _issued_by(cert: x509.Certificate, candidate: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(candidate)
    except Exception:  # another issuer, or a signature the library cannot check
        return False
    return True


def check_among(
    der: bytes, certificates: Iterable[x509.Certificate], at: dt.datetime, *, where: str = "the OCSP response"
) -> OcspCheck:
    """Check the response ``der`` against the certificate it answers about and its issuer, both looked
    for among ``certificates``. Never raises."""
    pool: Sequence[x509.Certificate] = list(dict.fromkeys(certificates))
    try:
        response = ocsp.load_der_ocsp_response(der)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return OcspCheck(None, why_not="the responder answered nothing to check "
                             f"({response.response_status.name.lower()})")
        serials = [single.serial_number for single in response.responses]
    except Exception as exc:  # whatever a file or a server holds
        return OcspCheck(None, why_not=f"the response cannot be read ({safe.explain(exc)})")
    for serial in serials:
        for cert in (c for c in pool if c.serial_number == serial):
            issuer = next((c for c in pool if c is not cert and _issued_by(cert, c)), None)
            if issuer is None and _issued_by(cert, cert):
                issuer = cert
            if issuer is None:
                continue
            check = check_ocsp_response(der, cert, issuer, at=at, where=where)
            return OcspCheck(check, safe.name_string(cert), safe.name_string(issuer))
    told = ", ".join(format(s, "x") for s in serials) or "no serial"
    have = [c for c in pool if c.serial_number in serials]
    if have:
        return OcspCheck(None, safe.name_string(have[0]),
                         why_not=f"the issuer of {safe.name_string(have[0])} is not at hand: open its "
                         "certificate beside the response to check the signature")
    return OcspCheck(None, why_not=f"the certificate it answers about (serial {told}) and its issuer are "
                     "not at hand: open them beside the response to check it")


__all__ = ["RESPONSE_CHECKS", "OcspCheck", "check_among"]
