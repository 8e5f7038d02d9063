"""Time helpers shared by every module: parsing and printing ISO 8601 in UTC."""

from __future__ import annotations

import datetime as dt

from tlsexplorer.core.errors import UsageError

UTC = dt.timezone.utc


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_iso8601(text: str) -> dt.datetime:
    """Parse an ISO 8601 date or date-time into an aware UTC datetime.

    Accepts ``2026-01-02``, ``2026-01-02T03:04:05``, a trailing ``Z`` or an
    offset. A date alone means midnight UTC.

    Raises:
        UsageError: when the text is not an ISO 8601 date.
    """
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(
            f"{text!r} is not an ISO 8601 date; use e.g. 2026-01-02 or 2026-01-02T03:04:05Z"
        ) from None
    return as_utc(value)


def format_iso8601(value: dt.datetime) -> str:
    """Format a datetime as ``2026-01-02T03:04:05Z`` (UTC, whole seconds)."""
    return as_utc(value).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe_delta(target: dt.datetime, now: dt.datetime) -> str:
    """Say how far ``target`` is from ``now`` in days: "in 3 days", "2 days ago"."""
    seconds = (as_utc(target) - as_utc(now)).total_seconds()
    days = int(abs(seconds) // 86400)
    if days == 0:
        hours = int(abs(seconds) // 3600)
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = f"{days} day{'s' if days != 1 else ''}"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"


__all__ = ["UTC", "as_utc", "describe_delta", "format_iso8601", "parse_iso8601", "utcnow"]
