"""Server diagnosis drawn with rich: the chain as served, many targets, each client's verdict.

Shared by ``tls probe`` / ``tls doctor`` and the TLS lab's Targets and Doctor tabs.
Every cell holding text a server or a file chose is plain ``Text`` (escaped
with :func:`tlsexplorer.core.text.printable`), never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.core.tls.doctor import DoctorReport
from tlsexplorer.core.tls.served import ServedChain
from tlsexplorer.core.tls.targets import BadLine, TargetResult

OK, WARN, BAD, DIM = "bold green", "bold yellow", "bold red", "dim"

_MARKS = {"ok": ("✓", OK), "warn": ("⚠", WARN), "fail": ("✗", BAD)}


def served_view(served: ServedChain) -> RenderableType:
    """The chain as served: one row per judgement, its fix under it; the SNI comparison."""
    table = Table(title="The chain as served", title_justify="left", expand=True, show_lines=False)
    table.add_column("", no_wrap=True, width=1)
    table.add_column("check", no_wrap=True)
    table.add_column("finding", ratio=1)
    for finding in served.findings:
        mark, style = _MARKS[finding.severity]
        text = Text(printable(finding.message))
        if finding.fix and finding.severity != "ok":
            text.append(f"\nfix: {printable(finding.fix)}", style="cyan")
        table.add_row(Text(mark, style=style), Text(finding.title), text)
    parts: list[RenderableType] = [table]
    for fetched in served.fetched:
        if fetched.error:
            parts.append(Text.assemble(("AIA ✗ ", BAD), printable(fetched.error)))
        else:
            parts.append(Text.assemble(("AIA ✓ ", OK), printable(f"{fetched.subject} from {fetched.url}"),
                                       (" (cached)" if fetched.cached else "", DIM)))
    if served.sni is not None:
        sni = served.sni
        if sni.differences:
            parts.append(Text.assemble(("SNI ⚠ ", WARN), printable(" ".join(sni.differences))))
        elif sni.same:
            parts.append(Text.assemble(("SNI ✓ ", OK), printable(
                f"the same certificate with and without SNI ({sni.with_sni[0].subject})")))
    return Group(*parts)


_STATUS = {"ok": ("ok", OK), "expiring": ("expiring", WARN), "failed": ("failed", BAD)}


def targets_table(results: Sequence[TargetResult], bad: Sequence[BadLine] = (), *,
                  warn_days: int | None = None) -> RenderableType:
    """One row per target: status, version, first expiry, days left, and the error."""
    title = "Targets" + (f" (warning {warn_days} days ahead)" if warn_days is not None else "")
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("TLS", no_wrap=True)
    table.add_column("expires", no_wrap=True)
    table.add_column("days", justify="right", no_wrap=True)
    table.add_column("detail", ratio=1)
    for result in results:
        label, style = _STATUS[result.status]
        table.add_row(
            str(result.target.line), Text(printable(result.target.text)), Text(label, style=style),
            result.tls_version or "-", format_iso8601(result.not_after) if result.not_after else "-",
            "-" if result.days_left is None else str(result.days_left),
            Text(printable(result.error or result.subject or "")),
        )
    parts: list[RenderableType] = [table]
    counts = {s: sum(1 for r in results if r.status == s) for s in _STATUS}
    summary = Text.assemble(f"{len(results)} target(s): ", (f"{counts['ok']} ok", OK), ", ",
                            (f"{counts['expiring']} expiring", WARN), ", ",
                            (f"{counts['failed']} failed", BAD))
    if bad:
        summary.append(f"; {len(bad)} line(s) not used", style=WARN)
    parts.append(summary)
    return Group(*parts)


def doctor_view(report: DoctorReport) -> RenderableType:
    """Each client's verdict in one sentence, the environment, and the findings."""
    route = report.route.describe()
    title = f"Clients against {printable(report.url)}" + (f", {route}" if route else "")
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("client", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("why", ratio=1)
    for client in report.clients:
        if client.accepted is True:
            verdict = Text("accepts", style=OK)
        elif client.accepted is False:
            verdict = Text("refuses", style=BAD)
        else:
            verdict = Text("absent" if not client.available else "no answer", style=DIM)
        # The columns name the client and its verdict: the cell says only why.
        why = client.why or client.sentence
        table.add_row(Text(client.title), verdict, Text(printable(why[:1].upper() + why[1:])))
    env = Table(title="Environment variables that move trust", title_justify="left", expand=True)
    env.add_column("variable", no_wrap=True)
    env.add_column("now", ratio=1)
    env.add_column("changes", ratio=2)
    for name, value, what in report.environment:
        env.add_row(name, Text(printable(value)) if value is not None else Text("not set", style=DIM), what)
    parts: list[RenderableType] = [table, env]
    for finding in report.findings:
        text = Text.assemble((f"{finding.kind} ⚠ ", WARN), printable(finding.message))
        if finding.fix:
            text.append(f"\nfix: {printable(finding.fix)}", style="cyan")
        parts.append(text)
    if report.server_date is not None and report.skew_seconds is not None:
        parts.append(Text(f"server Date {format_iso8601(report.server_date)}, clock difference "
                          f"{report.skew_seconds:+.0f} s", style=DIM))
    return Group(*parts)


__all__ = ["doctor_view", "served_view", "targets_table"]
