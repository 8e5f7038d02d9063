"""OCSP (RFC 6960) by content: which structure some DER is, before the library reads it.

:func:`ocsp_kind` tells a response from a request (and from everything else the
loader reads) by the shape of the DER alone, so a damaged response is reported
as a damaged OCSP response, not as "not a certificate". The summaries of what
they say are made by :mod:`tlsexplorer.core.x509.summary`
(:class:`~tlsexplorer.core.x509.model.OcspResponseInfo`,
:class:`~tlsexplorer.core.x509.model.OcspRequestInfo`).

Standard library and :mod:`tlsexplorer.core.der` only.
"""

from __future__ import annotations

from tlsexplorer.core.der import read_tlv
from tlsexplorer.core.errors import InvalidInput


def ocsp_kind(der: bytes) -> str | None:
    """``ocsp_response``, ``ocsp_request`` or None, from the DER's shape alone (RFC 6960 4.1.1, 4.2.1).

    A response is SEQUENCE { ENUMERATED responseStatus, [0] responseBytes OPTIONAL }; a request is
    SEQUENCE { SEQUENCE tbsRequest { [0] version?, [1] requestorName?, SEQUENCE OF Request {
    SEQUENCE CertID { SEQUENCE hashAlgorithm, OCTET STRING, OCTET STRING, INTEGER }, ... } }, ... }.
    """
    try:
        _tag, start, end = read_tlv(der, 0)
        tag, inner, inner_end = read_tlv(der, start, end)
        if tag == 0x0A:
            return "ocsp_response"
        if tag != 0x30:
            return None
        tag, value, stop = read_tlv(der, inner, inner_end)
        while tag in (0xA0, 0xA1):  # version, requestorName
            tag, value, stop = read_tlv(der, stop, inner_end)
        if tag != 0x30:
            return None
        for expected in (0x30, 0x30):  # the first Request, then its CertID
            tag, value, stop = read_tlv(der, value, stop)
            if tag != expected:
                return None
        tags = [read_tlv(der, value, stop)]
        while len(tags) < 4:
            tags.append(read_tlv(der, tags[-1][2], stop))
        return "ocsp_request" if [t[0] for t in tags] == [0x30, 0x04, 0x04, 0x02] else None
    except InvalidInput:
        return None


__all__ = ["ocsp_kind"]
