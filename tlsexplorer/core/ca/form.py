"""The CA workbench's form: raw field strings in, a checked request or one message per field out.

The rules are core's own (:func:`~tlsexplorer.core.ca.store.sanitize_name`,
:func:`~tlsexplorer.core.ca.build.check_common_name`,
:func:`~tlsexplorer.core.ca.build.parse_san`, :func:`~tlsexplorer.core.ca.build.parse_network`,
the country, validity, path-length and passphrase checks of :mod:`.build` and
:mod:`.store`); this module only reads the text a person typed and says which
field each message belongs under. Fields are named by the ids the form uses
(``not-after``, ``path-len``...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from cryptography import x509

from tlsexplorer.core.ca.build import (
    FlawKind,
    KeyType,
    check_common_name,
    check_country,
    check_path_length,
    flaw,
    parse_key_type,
    parse_network,
    parse_san,
)
from tlsexplorer.core.ca.rules import check_days, check_days_or_end, check_p12_password, check_password
from tlsexplorer.core.ca.store import CaRequest, LeafRequest, sanitize_name
from tlsexplorer.core.errors import TlsxError, UsageError
from tlsexplorer.core.timeutil import parse_iso8601

FormAction = Literal["root", "intermediate", "server", "client", "ocsp-signer", "csr", "sign"]
"""What the form makes."""

FORM_ACTIONS: tuple[FormAction, ...] = ("root", "intermediate", "server", "client", "ocsp-signer", "csr",
                                        "sign")
"""Every action, in the order a menu shows them."""

_NAME_FIELDS = ("org", "ou", "country", "state", "locality")
_VALIDITY_FIELDS = ("days", "not-before", "not-after")

FORM_FIELDS: dict[FormAction, tuple[str, ...]] = {
    "root": ("folder", "name", *_NAME_FIELDS, "key-type", *_VALIDITY_FIELDS, "path-len", "permit", "exclude",
             "encrypt"),
    "intermediate": ("folder", "newdir", "name", *_NAME_FIELDS, "key-type", *_VALIDITY_FIELDS, "path-len",
                     "permit", "exclude", "encrypt", "ca-password"),
    "server": ("folder", "name", "org", "sans", "key-type", *_VALIDITY_FIELDS, "flaw", "encrypt", "p12",
               "ca-password"),
    "client": ("folder", "name", "org", "sans", "key-type", *_VALIDITY_FIELDS, "flaw", "encrypt", "p12",
               "ca-password"),
    # a delegated OCSP responder: no SANs (it names no host), never broken, no bundle
    "ocsp-signer": ("folder", "name", "org", "key-type", *_VALIDITY_FIELDS, "encrypt", "ca-password"),
    "csr": ("folder", "name", "org", "sans", "key-type", "encrypt"),
    "sign": ("folder", "csr-file", *_VALIDITY_FIELDS, "ca-password"),
}
"""The fields each action reads. Ticking ``encrypt`` adds ``password`` and ``password2``;
ticking ``p12`` adds ``p12-password``."""

FOLDER_LABELS: dict[FormAction, str] = {
    "root": "New CA folder", "intermediate": "Parent CA folder", "server": "CA folder",
    "client": "CA folder", "ocsp-signer": "CA folder", "csr": "Output folder", "sign": "CA folder",
}
"""What the ``folder`` field is for each action."""

DEFAULT_KEY_TYPE: KeyType = "p256"
"""The key type of an empty ``key-type`` field (the form's menu starts on it too)."""

FieldErrors = dict[str, str]
"""One message per field id that needs fixing."""


@dataclass(frozen=True)
class CaForm:
    """A checked form: every field parsed, ready for the builders of :mod:`.store`."""

    action: FormAction
    """What to make."""
    folder: str
    """The CA folder (the new one for ``root``, the output folder for ``csr``)."""
    newdir: str = ""
    """The new intermediate's folder."""
    csr_file: str = ""
    """The CSR to sign."""
    name: str = ""
    """The common name (a host name for a leaf)."""
    org: str | None = None
    """O."""
    ou: str | None = None
    """OU."""
    country: str | None = None
    """C, upper case."""
    state: str | None = None
    """ST."""
    locality: str | None = None
    """L."""
    sans: tuple[str, ...] = ()
    """Subject alternative names, each valid for :func:`~tlsexplorer.core.ca.build.parse_san`."""
    key_type: KeyType = DEFAULT_KEY_TYPE
    """The new key's type."""
    days: int | None = None
    """Validity in days (None: the default)."""
    not_before: dt.datetime | None = None
    """Start of validity (None: now)."""
    not_after: dt.datetime | None = None
    """End of validity, instead of days."""
    path_length: int | None = None
    """How many CAs may follow (None: no limit)."""
    permit_dns: tuple[str, ...] = ()
    """Permitted DNS domains."""
    permit_ip: tuple[str, ...] = ()
    """Permitted IP ranges."""
    exclude_dns: tuple[str, ...] = ()
    """Excluded DNS domains."""
    exclude_ip: tuple[str, ...] = ()
    """Excluded IP ranges."""
    flaw: FlawKind | None = None
    """The break-it lab's flaw (leaves only)."""
    password: bytes | None = None
    """Passphrase of the new key (None: unencrypted)."""
    p12: bool = False
    """Also write a PKCS#12 bundle."""
    p12_password: bytes | None = None
    """The bundle's password."""
    ca_password: bytes | None = None
    """Passphrase of the signing CA's key, if it is encrypted."""

    def ca_request(self, serial: int | None = None) -> CaRequest:
        """The request for a root or an intermediate (``serial``: fixed, for screenshots)."""
        return CaRequest(
            cn=self.name, o=self.org, ou=self.ou, c=self.country, st=self.state, l=self.locality,
            key_type=self.key_type, days=self.days, not_before=self.not_before, not_after=self.not_after,
            path_length=self.path_length, permit_dns=self.permit_dns, exclude_dns=self.exclude_dns,
            permit_ip=self.permit_ip, exclude_ip=self.exclude_ip, password=self.password, serial=serial,
        )

    def leaf_request(self, serial: int | None = None) -> LeafRequest:
        """The request for a server or client certificate, or a delegated OCSP responder's (``serial``:
        fixed, for screenshots)."""
        return LeafRequest(
            self.name, sans=self.sans, client=self.action == "client", key_type=self.key_type,
            days=self.days, not_before=self.not_before, not_after=self.not_after, o=self.org,
            password=self.password, p12=self.p12, p12_password=self.p12_password, flaw=self.flaw,
            serial=serial, ocsp_signer=self.action == "ocsp-signer",
        )


def split_list(text: str) -> tuple[str, ...]:
    """``a, b; c`` -> ``("a", "b", "c")``: a list typed in one field, blanks dropped."""
    return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


def parse_date(text: str | None) -> dt.datetime | None:
    """An ISO 8601 date or time, or None for an empty field.

    Raises:
        UsageError: not ISO 8601.
    """
    return parse_iso8601(text.strip()) if text and text.strip() else None


def parse_days(text: str) -> int | None:
    """A validity in days, or None for an empty field.

    Raises:
        UsageError: not a whole number, or below one day.
    """
    if not text.strip():
        return None
    try:
        days = int(text)
    except ValueError:
        raise UsageError("a whole number of days, 1 or more") from None
    check_days(days)
    return days


def parse_path_length(text: str) -> int | None:
    """A path length, or None (no limit) for an empty field.

    Raises:
        UsageError: not a whole number, below 0 or above
            :data:`~tlsexplorer.core.ca.build.MAX_PATH_LENGTH`.
    """
    if not text.strip():
        return None
    try:
        length = int(text)
    except ValueError:
        raise UsageError("0 or more (empty: no limit)") from None
    check_path_length(length)
    return length


def parse_sans(text: str) -> tuple[str, ...]:
    """Subject alternative names typed in one field, each checked.

    Raises:
        UsageError: the first value that is no DNS name, IP address or email.
    """
    sans = split_list(text)
    for value in sans:
        parse_san(value)
    return sans


def parse_subtrees(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Name-constraint subtrees typed in one field, as (DNS domains, IP ranges).

    Raises:
        UsageError: the first value that is neither a DNS domain nor an IP range.
    """
    dns: list[str] = []
    ips: list[str] = []
    for value in split_list(text):
        (ips if isinstance(parse_network(value), x509.IPAddress) else dns).append(value)
    return tuple(dns), tuple(ips)


_T = TypeVar("_T")


def form_action(value: str) -> FormAction:
    """``value`` as one of :data:`FORM_ACTIONS`.

    Raises:
        UsageError: it is not one of them.
    """
    for action in FORM_ACTIONS:
        if value == action:
            return action
    raise UsageError(f"unknown form action {value!r}; choose one of {', '.join(FORM_ACTIONS)}")


def parse_form(
    action: str, values: Mapping[str, str], *, encrypt: bool = False, p12: bool = False
) -> CaForm | FieldErrors:
    """Check the fields ``action`` reads (see :data:`FORM_FIELDS`).

    Args:
        action: one of :data:`FORM_ACTIONS`.
        values: the text of each field by id, as typed; missing fields are empty.
        encrypt: the "encrypt the new key" box (then ``password`` and ``password2`` are read).
        p12: the "also write a PKCS#12 bundle" box (then ``p12-password`` is read).

    Returns:
        The parsed form, or one message per field to fix (never both).

    Raises:
        UsageError: ``action`` is not one of :data:`FORM_ACTIONS`.
    """
    known = form_action(action)
    fields = set(FORM_FIELDS[known])
    encrypt = encrypt and "encrypt" in fields
    p12 = p12 and "p12" in fields
    fields |= {"password", "password2"} if encrypt else set()
    fields |= {"p12-password"} if p12 else set()
    errors: FieldErrors = {}

    def text(field: str, *, strip: bool = True) -> str:
        """What ``field`` holds if the action reads it ("" if not); passphrases are kept as typed."""
        raw = values.get(field, "") if field in fields else ""
        return raw.strip() if strip else raw

    def check(field: str, parse: Callable[[str], _T]) -> _T | None:
        """``parse(text(field))``, or None with the message filed under ``field``."""
        try:
            return parse(text(field))
        except TlsxError as exc:
            errors.setdefault(field, str(exc))
            return None

    def rule(field: str, test: Callable[[], object]) -> None:
        """Run a core check; its message goes under ``field`` (unless one is there already)."""
        if field in errors:
            return
        try:
            test()
        except TlsxError as exc:
            errors[field] = str(exc)

    folder = text("folder")
    if not folder:
        errors["folder"] = f"give the {FOLDER_LABELS[known].lower()}"
    name = text("name")
    if "name" in fields and not name:
        errors["name"] = "give a name (a host name such as localhost for a server)"
    elif name and known in ("server", "client", "ocsp-signer", "csr"):
        rule("name", lambda: sanitize_name(name))
    if name and known != "sign":
        rule("name", lambda: check_common_name(name, ca=known in ("root", "intermediate")))
    sans = check("sans", parse_sans) or ()
    days = check("days", parse_days)
    not_before = check("not-before", parse_date)
    not_after = check("not-after", parse_date)
    rule("not-after", lambda: check_days_or_end(days, not_after))
    country = text("country")
    if country:
        rule("country", lambda: check_country(country))
    path_length = check("path-len", parse_path_length)
    permit_dns, permit_ip = check("permit", parse_subtrees) or ((), ())
    exclude_dns, exclude_ip = check("exclude", parse_subtrees) or ((), ())
    password: bytes | None = None
    if encrypt:
        first, second = text("password", strip=False), text("password2", strip=False)
        password = first.encode()
        rule("password", lambda: check_password(password))
        if "password" not in errors and first != second:
            errors["password2"] = "the two passphrases differ"
    p12_password = text("p12-password", strip=False).encode() if p12 else None
    rule("p12-password", lambda: check_p12_password(p12, p12_password))
    csr_file = text("csr-file")
    if "csr-file" in fields and not csr_file:
        errors["csr-file"] = "give the path of the CSR to sign"
    newdir = text("newdir")
    if "newdir" in fields and not newdir:
        errors["newdir"] = "give the new CA's folder"
    key_type: KeyType = (check("key-type", parse_key_type) if text("key-type") else None) or DEFAULT_KEY_TYPE
    flaw_kind: FlawKind | None = None
    if text("flaw") not in ("", "none"):  # "none": a good certificate
        flaw_kind = check("flaw", lambda value: flaw(value).kind)
    if errors:
        return errors
    return CaForm(
        known, folder, newdir=newdir, csr_file=csr_file, name=name, org=text("org") or None,
        ou=text("ou") or None, country=country.upper() or None, state=text("state") or None,
        locality=text("locality") or None, sans=sans, key_type=key_type, days=days, not_before=not_before,
        not_after=not_after, path_length=path_length, permit_dns=permit_dns, permit_ip=permit_ip,
        exclude_dns=exclude_dns, exclude_ip=exclude_ip, flaw=flaw_kind, password=password, p12=p12,
        p12_password=p12_password, ca_password=text("ca-password", strip=False).encode() or None,
    )


__all__ = [
    "DEFAULT_KEY_TYPE",
    "FOLDER_LABELS",
    "FORM_ACTIONS",
    "FORM_FIELDS",
    "CaForm",
    "FieldErrors",
    "FormAction",
    "form_action",
    "parse_date",
    "parse_days",
    "parse_form",
    "parse_path_length",
    "parse_sans",
    "parse_subtrees",
    "split_list",
]
