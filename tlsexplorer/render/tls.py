"""Renderables for the TLS lab: probe results, server log lines, the scenario
board and the bytes on the wire. Shared by ``tlsexplorer tls`` and the lab screen.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tlsexplorer.core.text import printable
from tlsexplorer.core.tls.connect import host_port
from tlsexplorer.core.tls.decrypt import DecryptedConnection, OpenedRecord
from tlsexplorer.core.tls.listeners import ListenReport, commands
from tlsexplorer.core.tls.probe import SENT_CA_NAME, SENT_CHAIN_NAME, ProbeResult
from tlsexplorer.core.tls.records import (
    EXTENSIONS,
    GROUPS,
    HttpMessage,
    TlsRecord,
    WireAnalysis,
    cipher_suite_name,
    version_name,
)
from tlsexplorer.core.tls.scenarios import Scenario, ScenarioResult
from tlsexplorer.core.tls.server_events import ConnectionEvent
from tlsexplorer.core.x509.browsers import PROCEED_MEANS

if TYPE_CHECKING:
    from tlsexplorer.core.tls.stapling import StapledResponse

OK = "bold green"
BAD = "bold red"
WARN = "bold yellow"
SECRET = "bold black on yellow"

#: Most records the wire table draws (the rest are counted).
MAX_RECORDS = 300


def _verdict(ok: bool, yes: str, no: str) -> Text:
    return Text(f"✔ {yes}", style=OK) if ok else Text(f"✘ {no}", style=BAD)


# ---------------------------------------------------------------------------
# Probe


HINTS: tuple[tuple[str, str], ...] = (
    ("unable to get local issuer certificate",
     "the client trusts no CA at the top of this chain: give it the CA certificate "
     "(--ca FILE here, curl --cacert, requests verify=, openssl -CAfile)"),
    ("self-signed certificate",
     "the chain ends in a self-signed certificate the client does not trust: give it with --ca"),
    ("mismatch", "the certificate does not name the host connected to: connect by a name in its SAN "
     "(or --servername NAME), or issue it with that name"),
    ("certificate has expired", "its notAfter date has passed: issue a new certificate"),
    ("not yet valid", "its notBefore date is in the future: check the clocks, or reissue"),
    ("Missing Authority Key Identifier", "strict clients (Python 3.13+, openssl -x509_strict) require "
     "key identifiers: reissue with the CA workbench's defaults"),
    ("connection refused", "start the server first (tlsexplorer tls serve), or check the port"),
    ("does not speak TLS", "this port serves something else, plain HTTP perhaps: try http://"),
    ("requires a client certificate", "issue one from the CA the server trusts (tlsexplorer ca issue DIR "
     "NAME --client) and present it: --cert FILE --key FILE (curl --cert --key, openssl s_client "
     "-cert -key)"),
    ("refused our client certificate", "present a client certificate (EKU clientAuth) issued by the CA "
     "the server trusts (for tlsexplorer tls serve: the one given to --client-ca)"),
)
"""(words in an error, what to do about it)."""

TUI_HINTS: dict[str, str] = {
    "unable to get local issuer certificate":
        "the client trusts no CA at the top of this chain: tick trust and name the CA certificate in "
        "'CA to trust' (curl --cacert, requests verify=, openssl -CAfile)",
    "self-signed certificate":
        "the chain ends in a self-signed certificate the client does not trust: tick trust and name it "
        "in 'CA to trust'",
    "mismatch": "the certificate does not name the host connected to: connect by a name in its SAN (or "
        "put one in the servername field), or issue it with that name",
    "connection refused": "start the server first (ctrl+s, on the Server tab), or check the port",
    "requires a client certificate": "issue one from the CA the server trusts (CA workbench: a client "
        "certificate) and fill in the client certificate and client key fields",
    "refused our client certificate": "present a client certificate (EKU clientAuth) issued by the CA "
        "the server trusts (for this lab's server: the one in its client CA field)",
}
"""The same advice in the TLS lab's words, where the CLI's names options the screen does not have."""


def hint_for(error: str | None, *, ui: str = "cli") -> str | None:
    """What to do about a probe's error, when we know (``ui="tui"``: in the TLS lab's words)."""
    if not error:
        return None
    for words, hint in HINTS:
        if words.lower() in error.lower():
            return TUI_HINTS.get(words, hint) if ui == "tui" else hint
    return None


def probe_summary(result: ProbeResult, *, ui: str = "cli") -> Table:
    """Target, negotiated parameters, trust and the verdict."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("target", host_port(result.host, result.port))
    table.add_row("SNI sent", result.servername or "(none: an IP address has no SNI)")
    table.add_row("trusting", result.trust or "-")
    if result.strict:
        table.add_row("strict", "VERIFY_X509_STRICT on (as Python 3.13+ by default)")
    if result.client_certificate is not None:
        client = result.client_certificate
        table.add_row("client cert", Text.assemble(
            (client.subject, "magenta"), f" from {client.issuer}",
            ("  (mutual TLS: sent when the server asks for one)", "dim")))
    table.add_row("connected", _verdict(result.connected, "TLS handshake done", "no TLS connection"))
    if result.connected:
        table.add_row("TLS version", result.tls_version or "-")
        table.add_row("cipher", result.cipher or "-")
        table.add_row("ALPN", result.alpn or "(none)")
    if result.insecure:
        verdict = Text("⚠ not checked (--insecure)", style=WARN)
    else:
        verdict = _verdict(result.verified, "certificate verified for this host", "not verified")
    table.add_row("verified", verdict)
    if result.error:
        table.add_row("error", Text(result.error, style=BAD))
        hint = hint_for(result.error, ui=ui)
        if hint:
            table.add_row("what to do", Text(hint, style="cyan"))
    return table


def peer_chain_table(result: ProbeResult) -> Table:
    """The certificates in the order the server sent them."""
    table = Table(title="Certificates as the server sent them", title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("subject")
    table.add_column("issuer")
    table.add_column("SHA-256", no_wrap=True)
    for index, cert in enumerate(result.peer_chain):
        # The names are the server's to choose: shown as text (never rich markup), control characters
        # escaped (never terminal codes).
        table.add_row(str(index), Text(printable(cert.subject)), Text(printable(cert.issuer)),
                      cert.fingerprint_sha256[:16] + "…")
    if result.chain_method:
        table.caption = f"how: {result.chain_method}"
        table.caption_justify = "left"
    return table


def explanation_view(report: Any) -> RenderableType:
    """The Chain explainer's verdict on the sent chain: failed checks with their fixes."""
    valid = bool(getattr(report, "valid", False))
    lines: list[RenderableType] = [
        Text.assemble(("Chain explainer: ", "bold"),
                      _verdict(valid, "the chain verifies", f"invalid: {getattr(report, 'error', '') or ''}"))
    ]
    failures = [f for f in getattr(report, "findings", ()) if not getattr(f, "ok", True)]
    for finding in failures[:12]:
        title = getattr(finding, "title", getattr(finding, "check", ""))
        text = Text.assemble(("  ✘ ", BAD), (f"[{finding.certificate}] {title}: ", "bold"), finding.message)
        lines.append(text)
        if getattr(finding, "fix", None):
            lines.append(Text(f"      fix: {finding.fix}", style="cyan"))
    missing = getattr(report, "missing", None)
    if missing is not None and not failures:
        lines.append(Text(f"  missing issuer: {missing.issuer}. {missing.fix}"))
    command = getattr(report, "openssl_command", "")
    if command:
        names = f"{SENT_CHAIN_NAME}: the certificates as sent, in PEM"
        if f" {SENT_CA_NAME} " in command:
            names += f"; {SENT_CA_NAME}: the CA trusted"
        lines.append(Text(f"  same check by hand ({names}): {command}", style="dim"))
    return Group(*lines)


def probe_view(result: ProbeResult, *, ui: str = "cli") -> RenderableType:
    """Everything a probe found, like ``openssl s_client`` but explained (``ui="tui"``: the advice
    names the TLS lab's fields and keys instead of the CLI's options)."""
    parts: list[RenderableType] = [probe_summary(result, ui=ui)]
    for warning in result.warnings:
        parts.append(Panel(Text(warning), title="warning", border_style="yellow", title_align="left"))
    if result.peer_chain:
        parts.append(peer_chain_table(result))
    if result.explained is not None:
        parts.append(explanation_view(result.explained))
    if result.stapled is not None:
        parts.append(stapling_view(result.stapled))
    return Group(*parts)


def stapling_view(stapled: StapledResponse) -> RenderableType:
    """What the server stapled when asked for OCSP stapling (``tls probe --status``)."""
    from tlsexplorer.render.x509 import render_ocsp_check, render_ocsp_response

    style = OK if stapled.info is not None and stapled.info.successful else WARN
    check = stapled.check.check if stapled.check is not None else None
    if (stapled.stapled and stapled.info is None) or (check is not None and check.status != "good"):
        style = BAD
    body: list[RenderableType] = [Text(stapled.sentence(), style=style)]
    if stapled.info is not None:
        body += [Text(""), render_ocsp_response(stapled.info)]
    if stapled.check is not None:
        body += [Text(""), render_ocsp_check(stapled.check)]
    return Panel(Group(*body), title="OCSP stapling (status_request)", title_align="left",
                 border_style=style.split()[-1] if style else "")


# ---------------------------------------------------------------------------
# Server log


def event_text(event: ConnectionEvent) -> Text:
    """One coloured log line for a connection."""
    text = Text()
    text.append(f"#{event.number:<4}", style="dim")
    text.append(f"{event.peer:<22}")
    if event.tls and event.tls_version:
        text.append(f"{event.tls_version} ", style="bold cyan")
        text.append(f"{event.cipher}  ")
        text.append(f"SNI={event.sni or '-'}  ALPN={event.alpn or '-'}  ")
    elif not event.tls:
        text.append("plain HTTP  ", style="bold yellow")
    if event.client_cert:
        text.append(f"client={event.client_cert}  ", style="magenta")
    if event.request is not None or event.status is not None:
        text.append(f'"{event.request or ""}" ')
        text.append(str(event.status if event.status is not None else "-"),
                    style=OK if event.status == 200 else WARN)
        text.append("  ")
    if event.error:
        text.append(event.error, style=BAD)
    return text


# ---------------------------------------------------------------------------
# Scenarios


def scenario_board(results: Sequence[ScenarioResult]) -> Table:
    """One row per scenario: what was tried, the outcome, and whether the story held."""
    table = Table(title="Scenarios", title_justify="left", expand=True)
    table.add_column("scenario", ratio=3)
    table.add_column("result", no_wrap=True)
    table.add_column("the client said", ratio=4)
    table.add_column("a browser", ratio=2)
    for item in results:
        outcome = Text("works", style=OK) if item.ok else Text("fails", style=BAD)
        if item.warning:
            outcome = Text("works ⚠", style=WARN)
        mark = "" if item.as_expected else "  (unexpected!)"
        browser = item.scenario.browser.chromium if item.scenario.browser else "-"
        table.add_row(item.scenario.title, outcome + Text(mark, style=BAD), item.error or "page received",
                      browser)
    return table


def browser_line(scenario: Scenario) -> Text | None:
    """What a browser shows for a scenario, and why clicking through is --insecure; None when not recorded."""
    verdict = scenario.browser
    if verdict is None:
        return None
    line = Text.assemble(("in a browser: ", "bold"), (verdict.summary(scenario.host), OK if verdict.loaded
                                                      else BAD))
    if verdict.offers(scenario.host) is not None:
        line.append(f"\n{PROCEED_MEANS}", style="yellow")
    return line


def listens_view(report: ListenReport, lab_port: int | None = None, own_pid: int | None = None) -> Group:
    """Who listens on each of the lab's ports, and the commands that show it by hand (for ``lab_port``,
    else the first port); ``own_pid`` names this app's own process."""
    table = Table(box=box.SIMPLE, pad_edge=False, expand=True, title_justify="left",
                  title=f"who listens on the lab's ports ({report.source})")
    for column in ("port", "address", "reach", "pid", "process"):
        table.add_column(column, overflow="fold", no_wrap=column in ("port", "pid"))
    for port in report.ports:
        found = report.on(port)
        if not found:
            table.add_row(str(port), Text("nothing listens", style="dim"), "", "", "")
        for item in found:
            process = Text(printable(item.process))
            if item.pid is not None and item.pid == own_pid:
                process.append("  (this app)", style=OK)
            elif item.command:
                process.append(f"  {printable(item.command)}", style="dim")
            reach = Text(item.reach, style=OK if "only" in item.reach else WARN)
            pid = str(item.pid) if item.pid is not None else "?"
            table.add_row(str(port), item.address, reach, pid, process)
    parts: list[RenderableType] = [table]
    if not report.supported:
        parts.append(Text(report.source, style=WARN))
    port = lab_port or (report.ports[0] if report.ports else 8443)
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold cyan", no_wrap=True)
    lines.add_column(overflow="fold")
    for tool, command in commands(port):
        lines.add_row(tool, command)
    parts.extend([Text(f"the same by hand, for port {port}:", style="bold"), lines])
    return Group(*parts)


WINDOWS_CURL = ("On Windows, PowerShell's 'curl' is an alias of Invoke-WebRequest, which takes none of "
                "curl's "
                "options: type curl.exe (Windows 10 and later ship it).")
"""Said under every curl command the scenario board prints."""


def scenario_detail(result: ScenarioResult) -> RenderableType:
    """One scenario: outcome, the error, why, what was skipped, and how to reproduce it."""
    head = Text.assemble((result.scenario.title, "bold"), "  ")
    head.append_text(Text("works", style=OK) if result.ok else Text("fails", style=BAD))
    if result.port:
        head.append(f"  (server on 127.0.0.1:{result.port})", style="dim")
    parts: list[RenderableType] = [head]
    if result.error:
        parts.append(Text.assemble(("error: ", "bold"), (result.error, BAD)))
    parts.append(Text.assemble(("why: ", "bold"), result.reason))
    if result.warning:
        parts.append(Text.assemble(("⚠ ", WARN), (result.warning, "yellow")))
    if result.clients:
        clients = Table.grid(padding=(0, 1))
        clients.add_column(no_wrap=True)
        clients.add_column(overflow="fold")
        for client, accepted, said in result.clients:
            clients.add_row(Text("accepts", style=OK) if accepted else Text("refuses", style=BAD),
                            Text.assemble((client, "bold"), ": ", said))
        parts.append(Text("each client, against the same server:", style="bold"))
        parts.append(clients)
    browser = browser_line(result.scenario)
    if browser is not None:
        parts.append(browser)
    commands = Table.grid(padding=(0, 1))
    commands.add_column(style="bold cyan", no_wrap=True)
    commands.add_column(overflow="fold")
    for tool, command in result.commands:
        commands.add_row(tool, command)
    parts.append(Text.assemble(
        ("reproduce it: ", "bold"),
        "start the server in one terminal, then run a client, both in the built-in samples folder "
        "(tlsexplorer/samples, shown by 'tlsexplorer tls serve'):",
    ))
    parts.append(commands)
    if any(tool.startswith("curl") for tool, _command in result.commands):
        parts.append(Text(WINDOWS_CURL, style="dim"))
    return Group(*parts)


# ---------------------------------------------------------------------------
# The wire


def hex_preview(data: bytes, limit: int = 24) -> str:
    """The first ``limit`` bytes in hex, with how many more there are."""
    shown = data[:limit].hex(" ")
    more = len(data) - limit
    return f"{shown} … (+{more} bytes)" if more > 0 else shown


def _record_what(record: TlsRecord) -> Text:
    text = Text()
    if record.messages:
        for message in record.messages:
            text.append(message.name, style="bold green")
            if message.client_hello is not None:
                ch = message.client_hello
                text.append(f" SNI={ch.sni or '-'}", style="bold")
                text.append(f", {len(ch.cipher_suites)} cipher suites offered")
            if message.server_hello is not None:
                sh = message.server_hello
                chosen = f" {version_name(sh.version)}, {cipher_suite_name(sh.cipher_suite)}"
                text.append(chosen, style="bold")
            if message.certificates:
                text.append(f" ({len(message.certificates)} certificates, in the clear)", style="bold")
            text.append("  ")
    if record.note:
        text.append(record.note, style="dim" if not record.encrypted else "yellow")
    if record.encrypted:
        text.append(f"\n{hex_preview(record.fragment, 4)}", style="dim")
    return text


SHORT_TYPES: dict[int, str] = {20: "CCS", 21: "Alert", 22: "Handshake", 23: "AppData", 24: "Heartbeat"}
"""Compact content-type labels for the records table (the legend spells them out)."""


def records_table(analysis: WireAnalysis, limit: int = MAX_RECORDS) -> Table:
    """The TLS records in time order: direction, content type, version, length, and what each holds."""
    table = Table(title="TLS records, as a sniffer sees them", title_justify="left", expand=True,
                  box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("dir", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("ver", no_wrap=True)
    table.add_column("length", justify="right", no_wrap=True)
    table.add_column("what it is", ratio=1)
    for record in analysis.records[:limit]:
        arrow = "C→S" if record.direction == "client" else "S→C"
        label = SHORT_TYPES.get(record.content_type, str(record.content_type))
        table.add_row(
            str(record.index), Text(arrow, style="blue" if record.direction == "client" else "magenta"),
            Text(label, style="red" if record.encrypted else "green"),
            record.version_name.removeprefix("TLS "), f"{record.length:,}", _record_what(record),
        )
    more = len(analysis.records) - limit
    caption = "C→S client to server, S→C server to client; CCS ChangeCipherSpec (20), Handshake (22), "
    caption += "AppData ApplicationData (23): green readable, red ciphertext"
    if more > 0:
        caption = f"{more:,} more records not shown. " + caption
    table.caption = caption
    table.caption_justify = "left"
    return table


def hello_details(analysis: WireAnalysis) -> Text:
    """What the ClientHello and ServerHello say in the clear (narrow enough for a side pane)."""
    text = Text()

    def field(label: str, value: str, style: str = "") -> None:
        text.append(f"  {label}: ", style="bold")
        text.append(value + "\n", style=style)

    ch = analysis.client_hello
    if ch is not None:
        text.append("ClientHello", style="bold green")
        text.append(" (in the clear)\n", style="dim")
        field("SNI", ch.sni or "(none)", "bold magenta")
        if ch.supported_versions:
            field("versions", ", ".join(version_name(v) for v in ch.supported_versions))
        if ch.alpn:
            field("ALPN", ", ".join(ch.alpn))
        if ch.groups:
            field("groups", ", ".join(GROUPS.get(g, f"0x{g:04x}") for g in ch.groups))
        text.append(f"  {len(ch.cipher_suites)} cipher suites offered:\n", style="bold")
        for name in ch.cipher_suite_names:
            text.append(f"    {name}\n")
        field("extensions", ", ".join(EXTENSIONS.get(e, str(e)) for e in ch.extensions), "dim")
    sh = analysis.server_hello
    if sh is not None:
        text.append("ServerHello", style="bold green")
        text.append(" (in the clear)\n", style="dim")
        field("version", version_name(sh.version), "bold cyan")
        field("cipher suite", cipher_suite_name(sh.cipher_suite), "bold cyan")
        if sh.group is not None:
            field("key exchange", GROUPS.get(sh.group, f"0x{sh.group:04x}"))
        if sh.alpn:
            field("ALPN", sh.alpn)
    if analysis.certificates:
        text.append(f"Certificate: {len(analysis.certificates)} certificates in the clear (TLS 1.2)\n",
                    style="bold yellow")
    return text


def _http_panel(message: HttpMessage, secret: str | None, *, decrypted: bool = False) -> Panel:
    body = message.body.decode("utf-8", "replace")
    text = Text()
    text.append(printable(message.start_line) + "\n", style="bold")
    for name, value in message.headers:
        text.append(f"{printable(name)}: ", style="cyan")
        text.append(printable(value) + "\n")
    text.append("\n")
    text.append(_lines(body[:4000]))
    if secret:
        text.highlight_words([secret], style=SECRET)
    title = "request  client → server" if message.direction == "client" else "response  ← server"
    if decrypted:
        title += "  (decrypted)"
    return Panel(text, title=title, title_align="left",
                 border_style="yellow" if message.direction == "server" else "blue")


def wire_summary(analysis: WireAnalysis) -> Text:
    """One paragraph: what kind of traffic, how many bytes, and what is hidden."""
    text = Text()
    kinds = {"tls": "TLS", "http": "plain HTTP", "other": "not TLS, not HTTP", "empty": "nothing recorded"}
    text.append(kinds[analysis.kind], style="bold")
    text.append(f"   client sent {analysis.client_bytes:,} bytes, server sent {analysis.server_bytes:,}")
    if analysis.kind == "tls":
        if analysis.version is not None:
            text.append(f"   {version_name(analysis.version)}", style="bold cyan")
        if analysis.cipher_suite is not None:
            text.append(f"  {cipher_suite_name(analysis.cipher_suite)}")
        text.append(f"   application data: {analysis.application_data_bytes:,} bytes of ciphertext")
    if analysis.encryption_note:
        style = "yellow" if analysis.kind == "http" else "default"
        text.append("\n" + analysis.encryption_note, style=style)
    return text


def wire_view(analysis: WireAnalysis, *, secret: str | None = None, details: bool = True) -> RenderableType:
    """The whole exchange as a sniffer sees it (``secret`` is highlighted where visible)."""
    parts: list[RenderableType] = [wire_summary(analysis)]
    if analysis.kind == "http":
        parts.extend(_http_panel(m, secret) for m in analysis.http)
        if secret and analysis.http and all(secret not in m.body.decode("utf-8", "replace")
                                             for m in analysis.http):
            parts.append(Text("the secret does not appear in these bytes", style="dim"))
    elif analysis.kind == "tls":
        parts.append(records_table(analysis))
        if details:
            parts.append(hello_details(analysis))
        if secret:
            found = any(secret.encode() in r.fragment for r in analysis.records)
            parts.append(Text(
                "the secret appears in these bytes!" if found
                else f"searched every byte for the secret {secret[:30]!r}…: not there, it is encrypted",
                style=BAD if found else OK))
    return Group(*parts)


# ---------------------------------------------------------------------------
# The wire, decrypted


def _lines(text: str) -> str:
    """Text others sent, line by line, made safe for a terminal."""
    return "\n".join(printable(line) for line in text.splitlines())


def _short(data: bytes, limit: int = 12) -> str:
    return data[:limit].hex() + ("…" if len(data) > limit else "")


def _opened_what(record: OpenedRecord, secret: str | None) -> Text:
    """The key line (name #sequence), then what the record holds, then its nonce."""
    text = Text()
    if record.encrypted and not record.decrypted:
        text.append(record.note or "encrypted, not decrypted", style="red")
        text.append(f"\n{hex_preview(record.fragment, 4)}", style="dim")
        return text
    if record.key is not None:
        text.append(f"{record.key} #{record.sequence}", style="bold cyan")
        text.append("\n")
    if record.outer_type == 20:
        text.append(record.note, style="dim")
        return text
    for number, message in enumerate(record.messages):
        if number:
            text.append("\n")
        text.append(message.name, style="bold green")
        if message.detail:
            text.append(f" {printable(message.detail)}")
    if record.alert_name:
        text.append(record.alert_name, style="bold yellow" if record.alert == (1, 0) else BAD)
    if record.content_type == 23:
        shown = record.text
        if shown is None:
            text.append(f"{len(record.plaintext):,} bytes of application data", style="cyan")
        else:
            first = _lines(shown.split("\n", 1)[0].strip())
            text.append(first[:80], style="cyan")
            if secret and secret in shown:
                text.append("\n")
                text.append("the secret, decrypted", style=SECRET)
    if record.decrypted and record.nonce is not None:
        what = "IV" if record.key and record.key.endswith("_write") and len(record.nonce) == 16 else "nonce"
        text.append(f"\n{what} {record.nonce.hex()}", style="dim")
        if record.padding:
            text.append(f", {record.padding} bytes of padding", style="dim")
    return text


def decrypted_records_table(connection: DecryptedConnection, *, secret: str | None = None,
                            limit: int = MAX_RECORDS) -> Table:
    """Every record with the key that opened it (name and sequence number), its nonce and contents."""
    table = Table(title="TLS records, decrypted with the key log", title_justify="left", expand=True,
                  box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("dir", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("length", justify="right", no_wrap=True)
    table.add_column("key #sequence, what it is, nonce", ratio=1)
    for record in connection.records[:limit]:
        arrow = "C→S" if record.direction == "client" else "S→C"
        label = SHORT_TYPES.get(record.content_type, str(record.content_type))
        style = "green" if not record.encrypted else ("cyan" if record.decrypted else "red")
        table.add_row(
            str(record.index), Text(arrow, style="blue" if record.direction == "client" else "magenta"),
            Text(label, style=style), f"{record.length:,}", _opened_what(record, secret),
        )
    more = len(connection.records) - limit
    caption = ("type is the real content type (inside the encryption in TLS 1.3); green in the clear, "
               "cyan decrypted, red not decrypted")
    table.caption = (f"{more:,} more records not shown. " if more > 0 else "") + caption
    table.caption_justify = "left"
    return table


def key_schedule_view(connection: DecryptedConnection) -> RenderableType:
    """Each traffic secret from the key log and the key and IV derived from it, label by label."""
    text = Text()
    if not connection.keys:
        text.append("no keys: the key log has no secrets for this connection", style="dim")
        return Panel(text, title="key schedule", title_align="left")
    for key in connection.keys:
        text.append(f"{key.name}", style="bold cyan")
        text.append(f"  from {key.label}\n", style="dim")
        text.append(f"  secret {_short(key.secret, 16)}\n")
        for step in key.steps:
            call = f'{step.function}(…, "{step.label}")'
            text.append(f"  {step.name} = {call}\n      = ", style="")
            text.append(_short(step.output, 24) + "\n", style="green")
        if key.mac_key or key.name.endswith("_write"):
            text.append(f"  key {key.key.hex()}\n  iv  {key.iv.hex() or '(explicit, in each record)'}\n")
            if key.mac_key:
                text.append(f"  mac {key.mac_key.hex()}\n")
    return Panel(text, title="key schedule: secrets from the key log, keys and IVs derived",
                 title_align="left")


def decrypted_summary(connection: DecryptedConnection) -> Text:
    """Version, suite, client random, how many records were opened; problems and notes."""
    text = Text()
    if connection.version is not None:
        text.append(version_name(connection.version), style="bold cyan")
    if connection.cipher_suite is not None:
        text.append(f"  {cipher_suite_name(connection.cipher_suite)}")
    if connection.client_random is not None:
        text.append(f"   client random {connection.client_random.hex()[:16]}…", style="dim")
    text.append(f"\n{connection.decrypted_records} of {connection.encrypted_records} encrypted records "
                "opened with the key log", style=OK if connection.fully_decrypted else WARN)
    if connection.hello_retry:
        text.append("\nHelloRetryRequest: the server asked for another key share", style="yellow")
    for problem in connection.problems:
        text.append(f"\n✘ {problem}", style=BAD)
    for note in connection.notes:
        text.append(f"\n⚠ {note}", style="yellow")
    if connection.leftover:
        text.append(f"\n{connection.leftover} bytes at the end are not a whole record (cut off)", style="dim")
    return text


def decrypted_view(connection: DecryptedConnection, *, secret: str | None = None,
                   keys: bool = True) -> RenderableType:
    """A connection decrypted: summary, every record named, the HTTP inside, the key schedule."""
    parts: list[RenderableType] = [decrypted_summary(connection), decrypted_records_table(connection,
                                                                                           secret=secret)]
    parts.extend(_http_panel(m, secret, decrypted=True) for m in connection.http)
    if keys:
        parts.append(key_schedule_view(connection))
    return Group(*parts)


def chain_view_available() -> bool:
    """True when the Chain explainer's full renderable exists."""
    try:
        importlib.import_module("tlsexplorer.render.chain")
    except ImportError:
        return False
    return True


__all__ = [
    "MAX_RECORDS",
    "browser_line",
    "chain_view_available",
    "decrypted_records_table",
    "decrypted_summary",
    "decrypted_view",
    "event_text",
    "explanation_view",
    "hello_details",
    "hex_preview",
    "hint_for",
    "key_schedule_view",
    "peer_chain_table",
    "probe_summary",
    "probe_view",
    "records_table",
    "scenario_board",
    "scenario_detail",
    "stapling_view",
    "wire_summary",
    "wire_view",
]
