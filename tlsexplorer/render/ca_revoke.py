"""What a CA revoked, published and answered, as text: the CA workbench's Revoke tab and ``ca crl``.

Statuses of the record's entries (good, expired, revoked with time and
reason), the lines saying where a CRL went and how to check it with openssl,
and one line per OCSP request the responder answered. Names others chose
(subjects, what a client sent) go through :func:`tlsexplorer.core.text.printable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import overload

from rich.text import Text

from tlsexplorer.core.ca.ocsp import SignerChoice, issue_signer_command
from tlsexplorer.core.ca.registry import Entry, PublishedCrl, Record
from tlsexplorer.core.ca.responder import ResponderEvent
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.render.ca import shown_path

ENTRY_COLUMNS: tuple[tuple[str, int], ...] = (
    ("serial", 14), ("subject", 0), ("not after", 10), ("status", 0))
"""The Revoke tab's table: (title, width); width 0 shares what is left."""

_STYLES = {"good": "green", "expired": "yellow", "revoked": "bold red", "unknown": "yellow"}


def status_text(entry: Entry, now: dt.datetime, *, full: bool = False) -> Text:
    """``good``, ``expired`` or ``revoked DATE (reason)`` at ``now`` (the whole time when ``full``)."""
    status = entry.status(now)
    if status != "revoked" or entry.revoked_at is None:
        return Text(status, style=_STYLES.get(status, ""))
    when = format_iso8601(entry.revoked_at) if full else entry.revoked_at.date().isoformat()
    text = Text(f"revoked {when}", style=_STYLES["revoked"])
    if entry.reason:
        text.append(f" ({entry.reason})", style="red")
    return text


def short_serial(serial: int) -> str:
    """The serial in hex, its first 12 digits and an ellipsis when longer (the whole one in the detail)."""
    text = f"{serial:x}"
    return text if len(text) <= 13 else text[:12] + "…"


def entry_row(entry: Entry, now: dt.datetime) -> tuple[Text, Text, Text, Text]:
    """One row of the table: serial, subject, not after (date), status."""
    return (Text(short_serial(entry.serial)), Text(printable(entry.subject)),
            Text(entry.not_after.date().isoformat()), status_text(entry, now))


class EntryRows(Sequence[tuple[Text, Text, Text, Text]]):
    """The rows of a record, each built only when it is shown (a record may hold 200,000)."""

    def __init__(self, record: Record, now: dt.datetime) -> None:
        self.record = record
        """The record shown."""
        self.now = now
        """The time statuses are judged at."""

    def __len__(self) -> int:
        return len(self.record.entries)

    @overload
    def __getitem__(self, index: int) -> tuple[Text, Text, Text, Text]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Text, Text, Text, Text]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[Text, Text, Text, Text] | Sequence[tuple[Text, Text, Text, Text]]:
        if isinstance(index, slice):
            return [entry_row(e, self.now) for e in self.record.entries[index]]
        return entry_row(self.record.entries[index], self.now)


def entry_detail(entry: Entry, now: dt.datetime) -> Text:
    """Everything the record says about one certificate, on one or two lines."""
    text = Text()
    text.append(f"serial {entry.serial:x}", style="bold")
    text.append(f"  {entry.kind}  ")
    text.append(printable(entry.subject))
    text.append(f"\nnot after {format_iso8601(entry.not_after)}  ")
    if entry.file:
        text.append(f"file {printable(entry.file)}  ", style="dim")
    text.append_text(status_text(entry, now, full=True))
    return text


def record_summary(record: Record, base: Path | None = None) -> str:
    """``DIR: N certificates issued, R revoked, last CRL number K`` (DIR relative to ``base``)."""
    count = len(record.entries)
    revoked = len(record.revoked)
    last = f"last CRL number {record.crl_number}" if record.crl_number else "no CRL published yet"
    where = printable(shown_path(record.folder, base))
    return (f"{where}: {count} certificate{'s' if count != 1 else ''} issued, "
            f"{revoked} revoked, {last}")


def crl_lines(done: PublishedCrl, ca_pem: Path, base: Path | None = None) -> list[str]:
    """Where a CRL was written, its number, thisUpdate/nextUpdate, how many entries; the openssl check
    (paths relative to ``base`` when they lie under it)."""
    crl = done.crl
    path, ca_file = shown_path(done.path, base), shown_path(ca_pem, base)
    count = len(done.entries)
    form = "DER" if done.path.suffix.lower() in (".der", ".crl") else "PEM"
    next_update = crl.next_update_utc
    return [
        f"wrote CRL number {done.number} to {path}: {count} revoked certificate"
        f"{'s' if count != 1 else ''}, this update {format_iso8601(crl.last_update_utc)}, next update "
        f"{format_iso8601(next_update) if next_update is not None else 'none'}",
        f"check it: openssl crl -in {path} -inform {form} -CAfile {ca_file} -verify -noout",
    ]


SIGNER_WHY = ("A delegated signer keeps the CA key offline; clients then check its EKU (OCSPSigning) and "
              "that this CA issued it.")
"""Why an OCSP answer may be signed by another certificate than the CA's, and what a client checks."""


def signer_label(choice: SignerChoice, now: dt.datetime) -> str:
    """A delegated responder as a menu offers it: its subject, its file, and ``revoked`` or ``expired``."""
    entry = choice.entry
    status = entry.status(now)
    flag = f" ({status})" if status != "good" else ""
    return f"{printable(entry.subject)}  issued/{printable(choice.name)}.pem{flag}"


def no_signer_hint(ca_dir: str, form_action: str) -> str:
    """How to make a delegated responder when the CA has none: the CLI line and the workbench's action."""
    return (f"No OCSP signer yet: run '{issue_signer_command(ca_dir or 'DIR')}', or in the form (other tabs) "
            f"{form_action}.")


def event_text(event: ResponderEvent) -> Text:
    """One line of the responder's log: the request's number, method, serial asked and answer."""
    answer = event.answer
    style = _STYLES.get(answer.outcome, "magenta") if answer is not None else "dim"
    return Text(printable(event.summary()), style=style)


__all__ = [
    "ENTRY_COLUMNS",
    "SIGNER_WHY",
    "EntryRows",
    "crl_lines",
    "entry_detail",
    "entry_row",
    "event_text",
    "no_signer_hint",
    "record_summary",
    "short_serial",
    "signer_label",
    "status_text",
]
