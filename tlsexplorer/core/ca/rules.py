"""The rules every CA action checks before it makes anything: days, a validity window, passphrases.

One place for both front ends: :mod:`tlsexplorer.core.ca.store` applies them to what the CLI asks
for, :mod:`tlsexplorer.core.ca.form` to each field of the workbench's form.
"""

from __future__ import annotations

import datetime as dt

from tlsexplorer.core.errors import (
    UsageError,
)
from tlsexplorer.core.timeutil import as_utc


def check_days(days: int | None) -> None:
    """Refuse a validity of less than one day.

    Raises:
        UsageError: ``days`` is 0 or negative.
    """
    if days is not None and days <= 0:
        raise UsageError(f"the validity must be at least one day, not {days}")


def check_days_or_end(days: int | None, not_after: dt.datetime | None) -> None:
    """Refuse a validity given both as a number of days and as an end date.

    Raises:
        UsageError: both were given.
    """
    if days is not None and not_after is not None:
        raise UsageError("give a number of days or an end date, not both")


def check_password(password: bytes | None) -> None:
    """Refuse an empty passphrase for a new key (None: the key is not encrypted).

    Raises:
        UsageError: ``password`` is empty.
    """
    if password is not None and not password:
        raise UsageError("the passphrase is empty; give a non-empty one, or none for an unencrypted key")


def check_p12_password(p12: bool, password: bytes | None) -> None:
    """Refuse a PKCS#12 bundle without a password.

    Raises:
        UsageError: ``p12`` with no or an empty password.
    """
    if p12 and not password:
        raise UsageError("a PKCS#12 bundle needs a non-empty password")


def resolve_validity(
    now: dt.datetime,
    days: int | None,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    default_days: int,
) -> tuple[dt.datetime, dt.datetime]:
    """The (start, end) from days or explicit dates; start defaults to ``now``.

    Raises:
        UsageError: both days and an end date, a non-positive day count, an
            end before the start, or an end past the year 9999.
    """
    check_days_or_end(days, not_after)
    check_days(days)
    start = as_utc(not_before) if not_before is not None else as_utc(now)
    latest = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)  # X.509's last instant
    try:
        end = as_utc(not_after) if not_after is not None else start + dt.timedelta(days=days or default_days)
        too_late = end > latest
    except OverflowError:
        end, too_late = latest, True
    if too_late:
        raise UsageError(f"the validity would run past {latest:%Y-%m-%d}, the last date X.509 can hold; "
                         "give fewer days or an earlier end date")
    if end <= start:
        raise UsageError("the certificate would end before it starts; check the validity dates")
    return start, end
