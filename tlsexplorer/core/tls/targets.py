"""Many servers at once: a list of HOST:PORT lines checked concurrently, for CI.

:func:`parse_targets` reads a targets file (one ``HOST[:PORT]`` per line, port
443 by default; ``#`` starts a comment; blank lines allowed) and says, one
sentence per line, what is wrong with each line it cannot use.
:func:`check_targets` probes them with a bounded pool of threads
(:func:`tlsexplorer.core.tls.probe.probe`, each with its own deadline) and
reports, per target, whether it verified and when its chain first expires.
Exit status for CI: :func:`exit_status` (0 all good, 1 a failure or an expiry
within the days warned of).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509

from tlsexplorer.core.errors import TlsxError, UsageError
from tlsexplorer.core.timeutil import as_utc, format_iso8601
from tlsexplorer.core.tls.connect import DIRECT, Route, host_port
from tlsexplorer.core.tls.probe import parse_target, probe

#: Most targets read from one file (the lines after them are named once).
MAX_TARGETS = 10_000

#: Largest targets file read.
MAX_TARGETS_BYTES = 4 * 1024 * 1024

#: Longest line accepted (a DNS name is at most 253 characters).
MAX_LINE = 300

#: Threads probing at once by default, and at most.
DEFAULT_WORKERS = 16
MAX_WORKERS = 64

Status = Literal["ok", "expiring", "failed"]


@dataclass(frozen=True)
class Target:
    """One usable line of a targets file."""

    line: int
    """Its line number (1-based)."""
    host: str
    """The host name or IP address."""
    port: int
    """The port."""

    @property
    def text(self) -> str:
        """``host:port`` (``[::1]:443`` for IPv6)."""
        return host_port(self.host, self.port)


@dataclass(frozen=True)
class BadLine:
    """A line of a targets file that could not be used."""

    line: int
    """Its line number (1-based; 0 for the file as a whole)."""
    message: str
    """What is wrong, naming the file and the line."""
    fatal: bool = True
    """Counts as a failure for the exit status (a repeated target does not)."""


@dataclass(frozen=True)
class TargetResult:
    """One target checked."""

    target: Target
    """What was checked."""
    status: Status
    """``ok``, ``expiring`` (within the days warned of, or expired) or ``failed``."""
    error: str | None = None
    """Why it failed (connection or verification)."""
    tls_version: str | None = None
    """The version negotiated."""
    subject: str | None = None
    """The leaf's subject."""
    not_after: dt.datetime | None = None
    """The earliest notAfter among the certificates sent."""
    days_left: int | None = None
    """Whole days from now to :attr:`not_after` (negative once expired)."""

    def to_json(self) -> dict[str, Any]:
        """This result as JSON."""
        return {
            "target": self.target.text,
            "line": self.target.line,
            "status": self.status,
            "error": self.error,
            "tls_version": self.tls_version,
            "subject": self.subject,
            "not_after": format_iso8601(self.not_after) if self.not_after else None,
            "days_left": self.days_left,
        }


def parse_targets(data: bytes, name: str = "the targets file") -> tuple[list[Target], list[BadLine]]:
    """The targets of ``data`` and the lines that could not be used, one message each.

    A host:port given twice is checked once (the later line is named). Lines
    after the :data:`MAX_TARGETS`-th target are ignored, said once.

    Raises:
        UsageError: ``data`` is larger than :data:`MAX_TARGETS_BYTES`.
    """
    if len(data) > MAX_TARGETS_BYTES:
        raise UsageError(f"{name} is {len(data):,} bytes, more than the limit of {MAX_TARGETS_BYTES:,}; "
                         "split it")
    targets: list[Target] = []
    bad: list[BadLine] = []
    seen: dict[tuple[str, int], int] = {}
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(BadLine(number, f"{name} line {number}: not UTF-8 text; write HOST:PORT"))
            continue
        text = text.split("#", 1)[0].strip()
        if not text:
            continue
        if len(targets) >= MAX_TARGETS:
            bad.append(BadLine(number, f"{name} line {number} and after: more than {MAX_TARGETS:,} targets; "
                                       "the rest are ignored (split the file)"))
            break
        shown = _shown(text)
        if len(text) > MAX_LINE:
            bad.append(BadLine(number, f"{name} line {number}: {len(text):,} characters, too long for "
                                       "HOST:PORT"))
            continue
        if any(c.isspace() for c in text) or not text.isprintable():
            bad.append(BadLine(number, f"{name} line {number}: {shown} is not one HOST:PORT (one target a "
                                       "line, # for comments)"))
            continue
        try:
            host, port = parse_target(text)
        except UsageError as exc:
            bad.append(BadLine(number, f"{name} line {number}: {exc}"))
            continue
        key = (host.lower(), port)
        if key in seen:
            bad.append(BadLine(number, f"{name} line {number}: {shown} is on line {seen[key]} already "
                                       "(checked once)", fatal=False))
            continue
        seen[key] = number
        targets.append(Target(number, host, port))
    return targets, bad


def _shown(text: str) -> str:
    from tlsexplorer.core.text import printable

    return repr(printable(text[:80]) + ("…" if len(text) > 80 else ""))


def _earliest_expiry(ders: Sequence[bytes]) -> dt.datetime | None:
    found: list[dt.datetime] = []
    for der in ders[:16]:
        try:
            found.append(as_utc(x509.load_der_x509_certificate(der).not_valid_after_utc))
        except Exception:  # an unreadable certificate has no date to give
            continue
    return min(found) if found else None


def check_target(
    target: Target, *, now: dt.datetime, warn_days: int, ca_pems: Sequence[bytes] = (),
    system_roots: bool = False, timeout: float = 10.0, route: Route = DIRECT,
) -> TargetResult:
    """Probe one target (the way ``route`` says) and judge it: failed, expiring within ``warn_days``, or
    ok."""
    try:
        result = probe(target.host, target.port, ca_pems=ca_pems, system_roots=system_roots,
                       timeout=timeout, explain=False, now=now, route=route)
    except TlsxError as exc:
        return TargetResult(target, "failed", str(exc))
    expiry = _earliest_expiry([c.der for c in result.peer_chain])
    days = None if expiry is None else int((expiry - as_utc(now)).total_seconds() // 86400)
    subject = result.peer_chain[0].subject if result.peer_chain else None
    common = {"tls_version": result.tls_version, "subject": subject, "not_after": expiry, "days_left": days}
    if not result.ok:
        return TargetResult(target, "failed", result.error, **common)  # type: ignore[arg-type]
    if expiry is not None and expiry - as_utc(now) <= dt.timedelta(days=warn_days):
        return TargetResult(target, "expiring", **common)  # type: ignore[arg-type]
    return TargetResult(target, "ok", **common)  # type: ignore[arg-type]


def check_targets(
    targets: Sequence[Target], *, now: dt.datetime, warn_days: int, ca_pems: Sequence[bytes] = (),
    system_roots: bool = False, timeout: float = 10.0, workers: int = DEFAULT_WORKERS,
    on_result: Callable[[TargetResult], None] | None = None, cancel: threading.Event | None = None,
    route: Route = DIRECT,
) -> list[TargetResult]:
    """Check every target, at most ``workers`` at once (each the way ``route`` says: a proxy); results in
    the order of ``targets``.

    ``on_result`` is called (from the pool's threads) as each one finishes;
    setting ``cancel`` skips the ones not started yet (they are not returned).

    Raises:
        UsageError: ``workers`` out of 1..:data:`MAX_WORKERS`.
    """
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"{workers} workers: give 1 to {MAX_WORKERS}")

    def one(target: Target) -> TargetResult | None:
        if cancel is not None and cancel.is_set():
            return None
        result = check_target(target, now=now, warn_days=warn_days, ca_pems=ca_pems,
                              system_roots=system_roots, timeout=timeout, route=route)
        if on_result is not None:
            on_result(result)
        return result

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tlsx-target") as pool:
        done = list(pool.map(one, targets))
    return [r for r in done if r is not None]


def exit_status(results: Sequence[TargetResult], bad: Sequence[BadLine] = ()) -> int:
    """0 when every target is ok and every line was usable (repeats aside); 1 otherwise (for CI)."""
    return 0 if all(r.status == "ok" for r in results) and not any(b.fatal for b in bad) else 1


__all__ = [
    "DEFAULT_WORKERS",
    "MAX_LINE",
    "MAX_TARGETS",
    "MAX_TARGETS_BYTES",
    "MAX_WORKERS",
    "BadLine",
    "Target",
    "TargetResult",
    "check_target",
    "check_targets",
    "exit_status",
    "parse_targets",
]
