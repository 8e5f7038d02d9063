"""Renderables for ``tls scan`` and the TLS lab's Scan tab: versions, suites, groups, grade, findings."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tlsexplorer.core.text import printable
from tlsexplorer.core.tls.connect import host_port
from tlsexplorer.core.tls.scan import Finding, ScanResult, weakness
from tlsexplorer.core.tls.stapling import StapledResponse

OK = "bold green"
BAD = "bold red"
WARN = "bold yellow"
DIM = "dim"

SEVERITY_STYLES = {"critical": BAD, "high": BAD, "medium": WARN, "low": "yellow", "info": "cyan"}
GRADE_STYLES = {"A": OK, "A-": OK, "B": WARN, "C": WARN, "F": BAD, "-": BAD}


def _yes_no(value: bool | None, yes: str = "yes", no: str = "no", bad_if_yes: bool = False) -> Text:
    if value is None:
        return Text("? not decided", style=DIM)
    good = value != bad_if_yes
    style = OK if good else (BAD if value else DIM)
    return Text(f"{'✔' if value else '✘'} {yes if value else no}", style=style)


def scan_header(result: ScanResult) -> Text:
    """One line: target, route, grade, connections and time."""
    text = Text()
    text.append(printable(host_port(result.host, result.port)), style="bold")
    if result.servername and result.servername != result.host:
        text.append(f" (SNI {printable(result.servername)})")
    route = result.route.describe()
    if route:
        text.append(f", {route}")
    if result.error is not None:
        text.append("  ")
        text.append(printable(result.error), style=BAD)
        return text
    text.append("  grade ")
    text.append(f" {result.grade} ", style=f"reverse {GRADE_STYLES.get(result.grade, WARN)}")
    text.append(f"  {result.connections} connections in {result.seconds:.2f} s", style=DIM)
    return text


def versions_table(result: ScanResult) -> Table:
    """Each protocol version: accepted or not, and which client tried it."""
    table = Table(box=box.SIMPLE_HEAD, title="Protocol versions", title_justify="left", expand=False)
    table.add_column("version")
    table.add_column("accepted")
    table.add_column("tried with", style=DIM)
    table.add_column("answer", style=DIM, overflow="fold")
    old = {"SSL 3.0", "TLS 1.0", "TLS 1.1"}
    for v in result.versions:
        table.add_row(v.name, _yes_no(v.accepted, bad_if_yes=v.name in old), v.how, printable(v.note))
    return table


def suites_table(result: ScanResult) -> Table:
    """The accepted suites per version, in the order the server chose them."""
    table = Table(box=box.SIMPLE_HEAD, title="Cipher suites (in the order the server chose them)",
                  title_justify="left", expand=False)
    table.add_column("version")
    table.add_column("#", justify="right")
    table.add_column("suite", overflow="fold")
    table.add_column("code", style=DIM)
    table.add_column("note", overflow="fold")
    for block in result.suites:
        order = {True: "the server's order", False: "the client's order wins", None: ""}[block.server_order]
        for i, suite in enumerate(block.suites, 1):
            weak = weakness(suite)
            short = weak[1].split(":")[0].split(";")[0].split(" (")[0] if weak else ""
            note = Text(short, style=SEVERITY_STYLES[weak[0]]) if weak else Text("")
            if suite.how != "ssl":
                note.append(("; " if weak else "") + "offered by hand", style=DIM)
            table.add_row(block.version if i == 1 else "", str(i), suite.name, f"0x{suite.code:04x}", note)
        if order:
            table.add_row("", "", Text(order, style=DIM), "", "")
    return table


def groups_table(result: ScanResult) -> Table:
    """Each key exchange group offered alone in TLS 1.3."""
    table = Table(box=box.SIMPLE_HEAD, title="Key exchange groups (TLS 1.3, each offered alone)",
                  title_justify="left", expand=False)
    table.add_column("group")
    table.add_column("accepted")
    table.add_column("answer", style=DIM, overflow="fold")
    for g in result.groups:
        table.add_row(g.name, _yes_no(g.accepted), printable(g.answer))
    return table


def stapling_cell(stapling: StapledResponse | None) -> Text:
    """OCSP stapling in a few words: stapled or not, the response's status, whether its check holds."""
    if stapling is None:
        return Text("? not asked", style=DIM)
    if not stapling.stapled:
        if stapling.problem:
            return Text(f"? could not ask: {printable(stapling.problem)}", style=DIM)
        return Text("✘ nothing stapled", style=DIM)
    info, check = stapling.info, stapling.check
    if info is None:
        return Text("✘ stapled, unreadable", style=BAD)
    if not info.successful:
        return Text(f"✘ stapled: {printable(info.response_status)}", style=BAD)
    statuses = ", ".join(dict.fromkeys(r.status for r in info.responses)) or "no answer"
    text = Text(f"✔ stapled: {printable(statuses)}", style=OK if statuses == "good" else BAD)
    if check is None or check.check is None:
        text.append("; not checked", style=DIM)
    elif check.check.status == "good":
        text.append("; its check holds", style=DIM)
    else:
        text.append(f"; its check says {printable(check.check.status)}", style=BAD)
    return text


def extras_table(result: ScanResult) -> Table:
    """ALPN, session resumption and OCSP stapling."""
    table = Table(box=box.SIMPLE_HEAD, title="ALPN, resumption and OCSP stapling", title_justify="left",
                  expand=False)
    table.add_column("what")
    table.add_column("result")
    for protocol, selected in result.alpn:
        table.add_row(f"ALPN {protocol}", _yes_no(selected, "selected", "not selected"))
    r = result.resumption
    if r is not None:
        table.add_row("TLS 1.2 resumption by session id", _yes_no(r.session_id, "resumed", "not resumed"))
        table.add_row("TLS 1.2 resumption by ticket", _yes_no(r.ticket, "resumed", "not resumed"))
        table.add_row("TLS 1.3 resumption by ticket", _yes_no(r.tls13_ticket, "resumed", "not resumed"))
    if result.stapling is not None:
        table.add_row("OCSP stapling (status_request)", stapling_cell(result.stapling))
    return table


def result_rows(result: ScanResult) -> list[tuple[str, str, Text]]:
    """One row per thing tried (what, item, result), for the lab's results table."""
    rows: list[tuple[str, str, Text]] = []
    old = {"SSL 3.0", "TLS 1.0", "TLS 1.1"}
    for v in result.versions:
        rows.append(("version", v.name, _yes_no(v.accepted, bad_if_yes=v.name in old)))
    for block in result.suites:
        for i, suite in enumerate(block.suites, 1):
            weak = weakness(suite)
            verdict = Text(f"#{i}", style=DIM)
            if weak:
                verdict.append(" " + weak[1].split(":")[0].split(";")[0].split(" (")[0],
                               style=SEVERITY_STYLES[weak[0]])
            rows.append((f"suite {block.version.removeprefix('TLS ')}", suite.name, verdict))
    for g in result.groups:
        rows.append(("group", g.name, _yes_no(g.accepted)))
    for protocol, selected in result.alpn:
        rows.append(("ALPN", protocol, _yes_no(selected, "selected", "not selected")))
    r = result.resumption
    if r is not None:
        rows.append(("resumption", "TLS 1.2 session id", _yes_no(r.session_id, "resumed", "not resumed")))
        rows.append(("resumption", "TLS 1.2 ticket", _yes_no(r.ticket, "resumed", "not resumed")))
        rows.append(("resumption", "TLS 1.3 ticket", _yes_no(r.tls13_ticket, "resumed", "not resumed")))
    if result.stapling is not None:
        rows.append(("OCSP", "stapling", stapling_cell(result.stapling)))
    return rows


def finding_text(finding: Finding) -> Text:
    """One finding: severity, title, why, the grade cap, and the fix for nginx, Apache and Python."""
    text = Text()
    text.append(f"[{finding.severity}] ", style=SEVERITY_STYLES[finding.severity])
    text.append(finding.title, style="bold")
    if finding.cap:
        text.append(f"  (grade at most {finding.cap})", style=DIM)
    text.append(f"\n    {finding.reason}")
    if finding.fix is not None:
        text.append("\n    nginx:  ", style=DIM)
        text.append(finding.fix.nginx)
        text.append("\n    Apache: ", style=DIM)
        text.append(finding.fix.apache)
        text.append("\n    Python: ", style=DIM)
        text.append(finding.fix.python)
    return text


def findings_view(result: ScanResult) -> RenderableType:
    """The findings, worst first, then what could not be tested."""
    parts: list[RenderableType] = [Text(f"Grade {result.grade}: findings, worst first", style="bold")]
    if not result.findings:
        parts.append(Text("nothing to change", style=OK))
    parts += [finding_text(f) for f in result.findings]
    if result.untested:
        parts.append(Text("\nNot tested here, and why", style="bold"))
        parts += [Text(f"  • {printable(note)}", style=DIM) for note in result.untested]
    return Group(*parts)


def scan_view(result: ScanResult) -> RenderableType:
    """Everything: header, versions, suites, groups, ALPN and resumption, findings."""
    if result.error is not None:
        return scan_header(result)
    parts: list[RenderableType] = [scan_header(result), versions_table(result), suites_table(result)]
    if result.groups:
        parts.append(groups_table(result))
    parts.append(extras_table(result))
    if result.stapling is not None and result.stapling.stapled:
        parts.append(Text(f"OCSP stapling: {printable(result.stapling.sentence())}", style=DIM))
    parts.append(findings_view(result))
    return Group(*parts)


__all__ = [
    "extras_table",
    "finding_text",
    "findings_view",
    "groups_table",
    "result_rows",
    "scan_header",
    "scan_view",
    "stapling_cell",
    "suites_table",
    "versions_table",
]
