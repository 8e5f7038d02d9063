"""The TLS lab's Doctor tab: why a client refuses a server, one sentence per client.

The same connection is made as Python's default context, certifi, the system
store, truststore, curl and openssl (:func:`tlsexplorer.core.tls.doctor.diagnose`,
in a thread worker); the tab shows each verdict with the trust store it used, the
environment variables that move trust (and which are set now), and any sign of
an intercepting proxy or clock skew. An optional HTTP CONNECT proxy carries every
connection, as on the Scan tab. ``tlsexplorer tls doctor URL [--proxy ...]`` is the CLI twin.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static, TabPane

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.tls.doctor import DoctorReport
from tlsexplorer.render.diagnose import doctor_view


class DoctorTab(TabPane):
    """The Doctor tab."""

    DEFAULT_CSS = """
    DoctorTab { padding: 0 1; }
    DoctorTab .row { height: auto; }
    DoctorTab .row Input { width: 1fr; }
    DoctorTab .row Button { margin-left: 1; min-width: 8; width: auto; }
    DoctorTab #dr-scroll { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__("Doctor", id="tab-doctor")
        self.report: DoctorReport | None = None
        """The last diagnosis."""

    def compose(self) -> ComposeResult:
        """The URL and the verdicts."""
        with Horizontal(classes="row"):
            yield Input(placeholder="https://HOST:PORT/ (or HOST:PORT)", id="dr-url")
            yield Input(placeholder="http://HOST:PORT (optional)", id="dr-proxy")
            yield Button("Diagnose", id="dr-run", variant="primary")
        with VerticalScroll(id="dr-scroll"):
            yield Static(Text("Why does curl refuse what the browser accepts? Diagnose makes the same "
                              "connection as Python, certifi, the system store, truststore, curl and "
                              "openssl, and says why each accepts or refuses.", style="dim"), id="dr-result")

    def on_mount(self) -> None:
        """Titles."""
        self.query_one("#dr-url").border_title = "URL"
        self.query_one("#dr-proxy").border_title = "proxy"

    @on(Button.Pressed, "#dr-run")
    @on(Input.Submitted, "#dr-url, #dr-proxy")
    def start(self) -> None:
        """Diagnose the URL in a worker (through the proxy, when one is given)."""
        url = self.query_one("#dr-url", Input).value.strip()
        proxy = self.query_one("#dr-proxy", Input).value.strip() or None
        if not url:
            self.show_error("give a URL: https://HOST:PORT/ (the lab server is https://localhost:8443/)")
            return
        self.query_one("#dr-result", Static).update(Text(f"diagnosing {url}…", style="italic"))
        self.run_doctor(url, proxy)

    @work(thread=True, exclusive=True, group="tls-doctor", exit_on_error=False)
    def run_doctor(self, url: str, proxy: str | None = None) -> None:
        """Run every client (in a thread)."""
        from tlsexplorer.core.tls.connect import make_route
        from tlsexplorer.core.tls.doctor import diagnose

        try:
            report = diagnose(url, timeout=5.0, route=make_route(proxy))
        except TlsxError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        self.app.call_from_thread(self.show_report, report)

    def show_error(self, message: str) -> None:
        """Say why the diagnosis could not start."""
        self.query_one("#dr-result", Static).update(Text.assemble(("✗ ", "bold red"), message))

    def show_report(self, report: DoctorReport) -> None:
        """Show every client's verdict."""
        self.report = report
        self.query_one("#dr-result", Static).update(doctor_view(report))


__all__ = ["DoctorTab"]
