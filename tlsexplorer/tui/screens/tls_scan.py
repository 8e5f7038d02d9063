"""The TLS lab's Scan tab: what a server accepts, graded, with what to change.

The scan (:func:`tlsexplorer.core.tls.scan.scan`) runs in a thread worker
against HOST:PORT, or, with the target left empty, against the lab's own
server (the built-in alice.example.net sample on a free port of 127.0.0.1).
The results table lists versions, suites, groups, ALPN and resumption; the
findings beside it say why the grade is what it is, each with the nginx,
Apache and Python line that fixes it. ``tlsexplorer tls scan`` draws the same
views with :mod:`tlsexplorer.render.scan`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static, TabPane

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.tls.connect import Route
from tlsexplorer.core.tls.scan import ScanResult
from tlsexplorer.render import scan as render
from tlsexplorer.samples import SAMPLES_DIR

#: The STARTTLS choices of the tab (none: TLS at once).
STARTTLS_OPTIONS = ("smtp", "imap", "pop3", "ftp", "postgres", "ldap", "xmpp")


class ScanTab(TabPane):
    """The Scan tab: one server's versions, suites, groups, ALPN and resumption, graded."""

    SCOPED_CSS = False
    DEFAULT_CSS = """
    ScanTab { padding: 0 1; }
    ScanTab .row { height: auto; }
    ScanTab .row Input { width: 1fr; }
    ScanTab .row Select { width: 18; }
    ScanTab .row Button { margin-left: 1; min-width: 8; width: auto; }
    ScanTab #scan-summary { height: auto; max-height: 3; }
    ScanTab #scan-panes { height: 1fr; }
    ScanTab #scan-table { width: 1fr; height: 1fr; }
    ScanTab #scan-findings-box { width: 44; height: 1fr; border: round $primary; padding: 0 1; }
    TlsScreen.-narrow ScanTab #scan-panes { layout: vertical; }
    TlsScreen.-narrow ScanTab #scan-table { width: 1fr; }
    TlsScreen.-narrow ScanTab #scan-findings-box { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__("Scan", id="tab-scan")
        self.result: ScanResult | None = None
        """The scan on screen."""

    def compose(self) -> ComposeResult:
        """The target, the results table and the findings."""
        with Horizontal(classes="row"):
            yield Input(placeholder="HOST:PORT (empty: the lab's own server)", id="scan-target")
            yield Input(placeholder="proxy http://HOST:PORT (optional)", id="scan-proxy")
            yield Select([(p, p) for p in STARTTLS_OPTIONS], prompt="STARTTLS", id="scan-starttls")
            yield Button("Scan", id="scan-run", variant="primary")
        yield Static(Text("Press Scan: every version, suite, group, ALPN and resumption tried, then a grade "
                          "with what to change in nginx, Apache or Python's ssl.", style="dim"),
                     id="scan-summary")
        with Horizontal(id="scan-panes"):
            yield DataTable(id="scan-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="scan-findings-box"):
                yield Static("", id="scan-findings")

    def on_mount(self) -> None:
        """Titles and the table's columns."""
        for widget_id, title in (("scan-target", "target"), ("scan-proxy", "proxy")):
            self.query_one(f"#{widget_id}").border_title = title
        self.query_one("#scan-findings-box").border_title = "findings"
        table = self.query_one("#scan-table", DataTable)
        table.add_column("what", key="what")
        table.add_column("item", key="item")
        table.add_column("result", key="result")

    @on(Button.Pressed, "#scan-run")
    @on(Input.Submitted, "#scan-target, #scan-proxy")
    def start_scan(self) -> None:
        """Scan what the fields say, in a worker."""
        target = self.query_one("#scan-target", Input).value.strip()
        proxy = self.query_one("#scan-proxy", Input).value.strip() or None
        choice = self.query_one("#scan-starttls", Select).value
        starttls = choice if isinstance(choice, str) else None
        where = target or "the lab's own server"
        self.query_one("#scan-summary", Static).update(Text(f"scanning {where}…", style="italic"))
        self.run_scan(target, proxy, starttls)

    @work(thread=True, exclusive=True, group="tls-scan", exit_on_error=False)
    def run_scan(self, target: str, proxy: str | None, starttls: str | None) -> None:
        """Scan (in a thread): the given target, or a lab server of its own."""
        from tlsexplorer.core.tls.connect import STARTTLS_PORTS, make_route
        from tlsexplorer.core.tls.probe import parse_target
        from tlsexplorer.core.tls.scan import scan

        try:
            route = make_route(proxy, starttls)
            if target:
                host, port = parse_target(target, STARTTLS_PORTS.get(starttls or "", 443))
                result = scan(host, port, route=route)
            else:
                result = self._scan_lab(route)
        except TlsxError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        self.app.call_from_thread(self.show_result, result)

    @staticmethod
    def _scan_lab(route: Route) -> ScanResult:
        from tlsexplorer.core.tls.scan import scan
        from tlsexplorer.core.tls.server import LabServer
        from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context

        files = ServerFiles(SAMPLES_DIR / "alice.example.net.fullchain.pem",
                            SAMPLES_DIR / "alice.example.net.key.pem")
        with LabServer(load_server_context(files), port=0) as server:
            return scan("127.0.0.1", server.port, servername="alice.example.net",
                        route=Route(proxy=route.proxy))  # the lab's server speaks TLS at once

    def show_error(self, message: str) -> None:
        """Say why the scan could not start."""
        self.query_one("#scan-summary", Static).update(Text.assemble(("✗ ", "bold red"), message))

    def show_result(self, result: ScanResult) -> None:
        """Put a scan on the tab: the header, one row per thing tried, the findings."""
        self.result = result
        self.query_one("#scan-summary", Static).update(render.scan_header(result))
        table = self.query_one("#scan-table", DataTable)
        table.clear()
        for what, item, verdict in render.result_rows(result):
            table.add_row(what, item, verdict)
        self.query_one("#scan-findings", Static).update(
            render.findings_view(result) if result.error is None else Text(""))


__all__ = ["STARTTLS_OPTIONS", "ScanTab"]
