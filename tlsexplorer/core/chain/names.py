"""Names as the verifier defines them: DNS patterns, host matching and name constraints
(RFC 5280, RFC 6125 6.4.3, CA/B Forum)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from cryptography import x509

from tlsexplorer.core.x509.naming import general_name

# ---------------------------------------------------------------------------
# Names: DNS patterns, host matching and name constraints, as the verifier
# defines them (RFC 5280, RFC 6125 6.4.3, CA/B Forum).


def _dns_ok(value: str) -> bool:
    if not value or len(value) > 253 or not value.isascii():
        return False
    for label in value.split("."):
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all(c.isalnum() or c == "-" for c in label):
            return False
    return True


def _labels(value: str) -> list[str]:
    return value.lower().split(".")[::-1]


def _pattern(value: str) -> tuple[str, str] | None:
    """("exact"|"wildcard", name) or None when the SAN is no valid DNS pattern."""
    if value.startswith("*."):
        base = value[2:]
        return ("wildcard", base) if _dns_ok(base) else None
    return ("exact", value) if _dns_ok(value) else None


def _parent(value: str) -> str | None:
    if "." not in value:
        return None
    parent = value.split(".", 1)[1]
    return parent if _dns_ok(parent) else None


def dns_pattern_matches(pattern: str, host: str) -> bool:
    """Whether a DNS SAN (possibly ``*.example.net``) matches a host name.

    A wildcard stands for exactly one whole leftmost label: ``*.example.net``
    matches ``www.example.net`` but neither ``example.net`` nor
    ``a.b.example.net``; partial wildcards (``w*.example.net``) match nothing.
    """
    parsed = _pattern(pattern)
    if parsed is None or not _dns_ok(host):
        return False
    kind, name = parsed
    if kind == "exact":
        return name.lower() == host.lower()
    parent = _parent(host)
    return parent is not None and parent.lower() == name.lower()


def _constraint_matches(constraint: str, name: str) -> bool:
    return len(name) >= len(constraint) and all(
        a == b for a, b in zip(_labels(constraint), _labels(name), strict=False)
    )


def _is_subdomain(name: str, parent: str) -> bool:
    return len(name) > len(parent) and all(
        a == b for a, b in zip(_labels(name), _labels(parent), strict=False)
    )


_ATEXT = set("!#$%&'*+-/=?^_`{|}~")


def _email(value: str) -> tuple[str, str] | None:
    if "@" not in value:
        return None
    local, domain = value.split("@", 1)
    if not local.isascii():
        return None
    for part in local.split("."):
        if not part or not all((c.isascii() and c.isalnum()) or c in _ATEXT for c in part):
            return None
    return (local, domain) if _dns_ok(domain) else None


class _ConstraintError(Exception):
    """The verifier refuses the comparison itself (malformed or unsupported)."""


def _apply(kind: str, constraint: x509.GeneralName, san: x509.GeneralName) -> bool | None:
    """True/False when the constraint applies to the SAN (same type), None when it does not."""
    if isinstance(constraint, x509.DNSName) and isinstance(san, x509.DNSName):
        pattern = _pattern(san.value)
        if pattern is None:
            raise _ConstraintError(f"the SAN {san.value!r} is not a valid DNS name")
        if not _dns_ok(constraint.value):
            raise _ConstraintError(f"the DNS name constraint {constraint.value!r} is malformed")
        c = constraint.value
        what, name = pattern
        if what == "exact":
            return _constraint_matches(c, name)
        if kind == "permitted":
            return _constraint_matches(c, name)
        parent = _parent(c)
        return _constraint_matches(c, name) or (parent is not None and parent.lower() == name.lower())
    if isinstance(constraint, x509.IPAddress) and isinstance(san, x509.IPAddress):
        network = constraint.value
        address = san.value
        if not isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network):
            raise _ConstraintError("an IP name constraint is not an address range")
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            raise _ConstraintError("an IP SAN is an address range, not an address")
        return address.version == network.version and address in network
    if isinstance(constraint, x509.RFC822Name) and isinstance(san, x509.RFC822Name):
        email = _email(san.value)
        if email is None:
            raise _ConstraintError(f"the email SAN {san.value!r} is malformed")
        c = constraint.value
        if c.startswith("."):
            if not _dns_ok(c[1:]):
                raise _ConstraintError(f"the email name constraint {c!r} is malformed")
            return _is_subdomain(email[1], c[1:])
        exact = _email(c)
        if exact is not None:
            return exact[0] == email[0] and exact[1].lower() == email[1].lower()
        if not _dns_ok(c):
            raise _ConstraintError(f"the email name constraint {c!r} is malformed")
        return email[1].lower() == c.lower()
    if isinstance(constraint, x509.DirectoryName) and isinstance(san, x509.DirectoryName):
        if kind == "permitted":
            raise _ConstraintError("directory-name constraints are not supported by the verifier")
        return False
    if type(constraint) is type(san):
        raise _ConstraintError(f"{type(san).__name__} name constraints are not supported by the verifier")
    return None


def _san_text(name: x509.GeneralName) -> str:
    """``DNS:alice.example.net``, ``IP:10.0.0.0/8``...: the one general-name describer,
    escaped for a terminal."""
    return general_name(name, escape=True)


def _check_constraints(
    nc: x509.NameConstraints, names: Sequence[tuple[int, x509.GeneralName]]
) -> tuple[bool, str]:
    """Evaluate one CA's name constraints against the SANs below it (and its own)."""
    try:
        for index, san in names:
            permitted = True
            for subtree in nc.permitted_subtrees or ():
                status = _apply("permitted", subtree, san)
                if status is not None:
                    permitted = status
                    if permitted:
                        break
            if not permitted:
                return False, (
                    f"{_san_text(san)} (certificate {index}) is outside every permitted "
                    f"{type(san).__name__} subtree"
                )
            for subtree in nc.excluded_subtrees or ():
                if _apply("excluded", subtree, san):
                    return (
                        False,
                        f"{_san_text(san)} (certificate {index}) falls in the excluded {_san_text(subtree)}",
                    )
    except _ConstraintError as exc:
        return False, str(exc)
    return True, ""


def _comparable(value: object) -> object:
    """An attribute value as RFC 5280 7.1 compares it: strings case-folded, white space at either
    end removed and inner runs collapsed to one space (RFC 4518's insignificant-space handling);
    other values as they are."""
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def same_name(a: x509.Name, b: x509.Name) -> bool:
    """Whether two names are the same name as RFC 5280 7.1 compares them: RDN by RDN, in order,
    each attribute's type equal and its value equal after case folding and white-space
    folding. Byte-equal names are the same name; so are ``CN=Charlie  Root`` and
    ``cn=charlie root``. A name that cannot be read matches nothing."""
    try:
        if a == b:
            return True
        first, second = a.rdns, b.rdns
        if len(first) != len(second):
            return False
        for x, y in zip(first, second, strict=True):
            left = sorted((t.oid.dotted_string, repr(_comparable(t.value))) for t in x)
            right = sorted((t.oid.dotted_string, repr(_comparable(t.value))) for t in y)
            if left != right:
                return False
    except Exception:  # an attribute the library cannot read: no match
        return False
    return True


def _describe_constraints(nc: x509.NameConstraints) -> str:
    parts = []
    if nc.permitted_subtrees:
        parts.append("permitted " + ", ".join(_san_text(n) for n in nc.permitted_subtrees))
    if nc.excluded_subtrees:
        parts.append("excluded " + ", ".join(_san_text(n) for n in nc.excluded_subtrees))
    return "; ".join(parts) or "empty"


__all__ = [
    "dns_pattern_matches",
    "same_name",
]
