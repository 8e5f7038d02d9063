"""TLS lab: HTTPS on 127.0.0.1 with your certificates, a probe, the course's
scenarios, and the bytes on the wire.

Tabs: Server (start/stop the lab server in the background, its connection
log), Probe (connect like openssl s_client, presenting a client certificate
for mutual TLS when one is given; the sent chain opens in the Inspector, the
verdict in the Chain explainer), Scenarios (the course's story,
each with its reason and the commands that reproduce it), Wire (one request
recorded through a loopback relay: plain HTTP shows the secret, HTTPS shows
records, then every record decrypted with the recording client's key log, named
with the key that opened it, and the key schedule; the server's certificates open
in the Inspector and Chain; the recording saved as a pcapng and its key log:
:mod:`.tls_save`), Handshake (the TLS 1.3 handshake by hand: :mod:`.tls_handshake`), Scan (what
a server accepts, graded: :mod:`.tls_scan`), Targets (many servers at once: :mod:`.tls_targets`),
Doctor (why a client refuses a server: :mod:`.tls_doctor`).
Network work runs in thread workers; the server runs in its own threads and stops when asked or when
the app exits.
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    RichLog,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.data_table import ColumnKey

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.symmetric.fernet import FernetKey, generate_key
from tlsexplorer.core.tls.connect import PROBE_TIMEOUT
from tlsexplorer.core.tls.decrypt import DecryptedConnection
from tlsexplorer.core.tls.listeners import COURSE_PORTS, ListenReport
from tlsexplorer.core.tls.probe import ProbeResult
from tlsexplorer.core.tls.records import Exchange, WireAnalysis
from tlsexplorer.core.tls.scenarios import SCENARIOS, ScenarioResult
from tlsexplorer.core.tls.server import DEFAULT_PORT, DEFAULT_SECRET, LabServer
from tlsexplorer.core.tls.server_events import ConnectionEvent
from tlsexplorer.core.tls.server_files import ServerFiles
from tlsexplorer.render import tls as render
from tlsexplorer.samples import SAMPLES_DIR
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.tls_capture import (
    CaptureFailed,
    CaptureOpened,
    CapturePanel,
    ConnectionChosen,
)
from tlsexplorer.tui.screens.tls_doctor import DoctorTab
from tlsexplorer.tui.screens.tls_handshake import HandshakeTab
from tlsexplorer.tui.screens.tls_save import CAPTURE_STEM, CaptureSaved, SavePanel, SaveResult
from tlsexplorer.tui.screens.tls_scan import ScanTab
from tlsexplorer.tui.screens.tls_targets import TargetsTab
from tlsexplorer.tui.widgets.footer import KeyFooter

ROOT_PEM = SAMPLES_DIR / "charlies-root-ca.pem"
SAMPLE_FILES = ServerFiles(
    SAMPLES_DIR / "alice.example.net.fullchain.pem", SAMPLES_DIR / "alice.example.net.key.pem"
)


def _error(message: str) -> Text:
    return Text.assemble(("✗ ", "bold red"), message)


def _ca_of(cert: Path) -> Path | None:
    """The CA certificates to trust for a certificate issued into a ``tlsexplorer ca`` folder
    (DIR/issued/NAME.fullchain.pem -> DIR/chain.pem, which ends at the root), or None."""
    if cert.parent.name != "issued":
        return None
    for name in ("chain.pem", "ca.pem"):
        candidate = cert.parent.parent / name
        if candidate.is_file():
            return candidate
    return None


def _has_explorer(explorer_id: str) -> bool:
    return any(item.id == explorer_id for item in EXPLORERS)


class ServerEventLogged(Message):
    """The lab server saw a connection (posted from the server's threads)."""

    def __init__(self, event: ConnectionEvent) -> None:
        super().__init__()
        self.event = event
        """The connection."""


class ScenarioFinished(Message):
    """One scenario of the board has run (posted from the worker)."""

    def __init__(self, result: ScenarioResult) -> None:
        super().__init__()
        self.result = result
        """Its outcome."""


@dataclass(frozen=True)
class ClientFields:
    """The Probe tab's client certificate fields (mutual TLS), as typed."""

    cert: str = ""
    key: str = ""
    passphrase: str = field(default="", repr=False)


@dataclass(frozen=True)
class ServerStarted:
    """What the start worker hands back."""

    server: LabServer
    files: ServerFiles | None


class TlsScreen(ExplorerScreen):
    """The TLS lab."""

    EXPLORER_ID = "tls"
    TITLE = "TLS lab"
    AUTO_FOCUS = "#cert"
    # Below 110 columns the Wire tab's ClientHello details go under the records instead of beside
    # them (beside, they left the records 25 columns at 80).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Screen types it oddly)

    probe_timeout: float = PROBE_TIMEOUT
    """Seconds for a whole probe: the same default as ``tls probe --timeout``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "toggle_server", "Start/stop"),
        Binding("ctrl+r", "probe", "Probe"),
        Binding("ctrl+b", "scenarios", "Scenarios"),
        Binding("ctrl+t", "record", "Wire"),
        Binding("ctrl+g", "save_capture", "Save capture",
                tooltip="keep the recording: a pcapng with its key log inside, and the key log"),
        Binding("ctrl+f", "open_capture", "Open capture", tooltip="read a pcap or pcapng, decrypted"),
        Binding("ctrl+o", "open_inspector", "Inspector"),
        Binding("ctrl+l", "open_chain", "Chain"),
    ]

    DEFAULT_CSS = """
    TlsScreen TabPane { padding: 0 1; }
    TlsScreen .row { height: auto; }
    TlsScreen .row Input { width: 1fr; }
    TlsScreen .row Button { margin-left: 1; min-width: 9; width: auto; }
    TlsScreen .row Checkbox { width: auto; }
    TlsScreen .row .grow { width: 1fr; }
    TlsScreen #port { width: 14; }
    TlsScreen #client-ca { width: 1fr; }
    TlsScreen #probe-ca { width: 1fr; }
    TlsScreen #probe-passphrase { width: 28; }
    TlsScreen #passphrase { width: 28; }
    TlsScreen #servername { width: 30; }
    TlsScreen .panel { height: auto; margin-bottom: 1; }
    TlsScreen #server-log { height: 1fr; border: round $primary; }
    TlsScreen #listens { display: none; max-height: 16; overflow-y: auto; }
    TlsScreen #listens.shown { display: block; }
    TlsScreen #board { height: auto; max-height: 11; }
    TlsScreen #wire-scroll, TlsScreen #probe-scroll, TlsScreen #scenario-scroll { height: 1fr; }
    TlsScreen #wire-panes { height: 1fr; }
    TlsScreen #wire-scroll { width: 1fr; }
    TlsScreen #wire-side { width: 53; display: none; padding-left: 1; }
    TlsScreen #wire-side.shown { display: block; }
    TlsScreen.-narrow #servername { width: 22; }
    TlsScreen.-narrow #wire-panes { layout: vertical; }
    TlsScreen.-narrow #wire-side { width: 1fr; height: 1fr; padding-left: 0; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.server: LabServer | None = None
        """The running lab server (None when stopped)."""
        self.server_files: ServerFiles | None = None
        """What the running server serves (None for plain HTTP)."""
        self.probe_result: ProbeResult | None = None
        """The last probe's result."""
        self.probe_roots: bytes = b""
        """The CA certificates the last probe trusted (empty: the system's roots)."""
        self.scenario_results: dict[str, ScenarioResult] = {}
        """The board's outcomes by scenario id."""
        self.analysis: WireAnalysis | None = None
        """The last recorded exchange, analysed."""
        self.connection: DecryptedConnection | None = None
        """The last recorded exchange, decrypted with the client's key log (None over plain HTTP)."""
        self.exchange: Exchange | None = None
        """The recording on the Wire tab, as recorded (None: an opened capture or nothing shown)."""
        self._auto_probe_ca = ""
        """What starting the server last put in the Probe tab's 'CA to trust' ("" when nothing)."""
        self.fernet_key: FernetKey | None = None
        """The Fernet page's key (the running server's, or the last one made), None before one is made."""

    # Layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Server, Probe, Scenarios and Wire tabs."""
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane("Server", id="tab-server"):
                yield Static(
                    "A page with a secret message, served on 127.0.0.1 only. Empty certificate and key: the "
                    "built-in alice.example.net (SANs localhost, alice.example.net) behind Charlie's CA.",
                    classes="panel",
                )
                with Horizontal(classes="row"):
                    yield Input(placeholder="certificate chain PEM (empty: built-in sample)", id="cert")
                    yield Input(placeholder="private key PEM", id="key")
                    yield Input(placeholder="key passphrase", id="passphrase", password=True)
                with Horizontal(classes="row"):
                    yield Input(str(DEFAULT_PORT), id="port", type="integer")
                    yield Input(placeholder="client CA PEM: mutual TLS (empty: off)", id="client-ca")
                    yield Checkbox("Plain HTTP", id="plain")
                    yield Button("Start", id="start", variant="success")
                    yield Button("Stop", id="stop", variant="error")
                with Horizontal(classes="row"):
                    yield Static(Text("stopped", style="dim"), id="server-status", classes="panel grow")
                    yield Checkbox("Fernet", id="fernet")
                    yield Button("Who listens", id="who-listens")
                yield Static(id="listens", classes="panel")
                yield RichLog(id="server-log", max_lines=1000, wrap=True, markup=False)
            with TabPane("Probe", id="tab-probe"):
                with Horizontal(classes="row"):
                    yield Input(f"localhost:{DEFAULT_PORT}", placeholder="HOST:PORT", id="target")
                    yield Input(placeholder="SNI / name to check (default: host)", id="servername")
                    yield Checkbox("OCSP stapling", id="probe-status")
                    yield Button("Probe", id="probe", variant="primary")
                with Horizontal(classes="row"):
                    yield Checkbox("trust", True, id="trust-sample")
                    yield Input(placeholder="CA certificate PEM (empty: Charlie's sample root)",
                                id="probe-ca")
                    yield Checkbox("--insecure", id="insecure")
                    yield Checkbox("strict", id="strict")
                with Horizontal(classes="row"):
                    yield Input(placeholder="PEM, leaf first (empty: none, no mutual TLS)", id="probe-cert")
                    yield Input(placeholder="PEM (empty: in the certificate file)", id="probe-key")
                    yield Input(placeholder="key passphrase", id="probe-passphrase", password=True)
                with VerticalScroll(id="probe-scroll"):
                    yield Static(
                        Text("Start the server (ctrl+s), then probe it (ctrl+r). Untick the CA to see "
                             "the course's error.", style="dim"),
                        id="probe-result",
                    )
            with TabPane("Scenarios", id="tab-scenarios"):
                with Horizontal(classes="row"):
                    yield Static(
                        "The course's story against servers on free loopback ports. Pick a row for the "
                        "reason and the curl, openssl and Python commands.", classes="panel grow",
                    )
                    yield Button("Play all", id="play", variant="primary")
                table: DataTable[Any] = DataTable(id="board", cursor_type="row")
                yield table
                with VerticalScroll(id="scenario-scroll"):
                    yield Static(id="scenario-detail")
            with TabPane("Wire", id="tab-wire"):
                with Horizontal(classes="row"):
                    yield Button("Record HTTPS", id="record-tls", variant="primary")
                    yield Button("Record plain HTTP", id="record-plain", variant="warning")
                    yield Checkbox("TLS 1.2 (certificates visible)", id="tls12")
                yield SavePanel()
                yield CapturePanel()
                with Horizontal(id="wire-panes"):
                    with VerticalScroll(id="wire-scroll"):
                        yield SaveResult()
                        yield Static(
                            Text("One request through a recorder on 127.0.0.1: what a packet sniffer sees. "
                                 "Record plain HTTP to see the secret, HTTPS to see it disappear (ctrl+t). "
                                 "Or open a capture and its key log (ctrl+f).",
                                 style="dim"),
                            id="wire-view",
                        )
                    with VerticalScroll(id="wire-side"):
                        yield Static(id="wire-hellos")
            yield HandshakeTab()
            yield ScanTab()
            yield TargetsTab()
            yield DoctorTab()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Titles, and the scenario board with every scenario not yet run."""
        for widget_id, title in (("cert", "certificate"), ("key", "key"), ("passphrase", "passphrase"),
                                 ("port", "port"), ("target", "target"), ("servername", "servername"),
                                 ("client-ca", "client CA"), ("probe-ca", "CA to trust"),
                                 ("probe-cert", "client certificate"), ("probe-key", "client key"),
                                 ("probe-passphrase", "passphrase")):
            self.query_one(f"#{widget_id}").border_title = title
        for widget_id, tip in (
            ("plain", "no TLS: the page and its secret cross the wire in the clear"),
            ("fernet", "the Fernet page: the secret goes out as a token made with a new key, shown at start; "
             "the client needs the key (the Wire tab records the token too)"),
            ("trust-sample", "untick: trust only the system's roots, like plain curl"),
            ("strict", "VERIFY_X509_STRICT, the default from Python 3.13"),
            ("probe-status", "ask for OCSP stapling, as openssl s_client -status does, and show what the "
             "server stapled"),
            ("tls12", "the lab server stops at TLS 1.2, which sends the certificates in the clear"),
        ):
            self.query_one(f"#{widget_id}", Checkbox).tooltip = tip
        board = self.query_one("#board", DataTable)
        board.add_column("scenario", key="title", width=self._title_width(self.app.size.width))
        board.add_column("result", key="result", width=10)
        board.add_column("the client said", key="error")
        for scenario in SCENARIOS:
            board.add_row(scenario.title, Text("not run", style="dim"), "", key=scenario.id)
        self._show_scenario(SCENARIOS[0].id)

    @staticmethod
    def _title_width(width: int) -> int:
        """The board's scenario column: whole titles from 110 columns; below, room is left for what
        the client said (at 80 columns a 58-wide title left it 5)."""
        return 58 if width >= 110 else 30

    def on_resize(self, event: events.Resize) -> None:
        """Fit the board's scenario column to the terminal."""
        board = self.query_one("#board", DataTable)
        column = board.columns.get(ColumnKey("title"))
        wanted = self._title_width(event.size.width)
        if column is not None and column.width != wanted:
            column.width = wanted
            board.refresh(layout=True)
        self.call_after_refresh(self._refit_said)

    def show_tab(self, tab_id: str, focus: str) -> None:
        """Switch tabs and move the focus into the new tab (a focused widget left behind in a
        hidden tab would pull the tabs back to it)."""
        self.query_one("#tabs", TabbedContent).active = tab_id
        self.query_one(focus).focus()

    def on_unmount(self) -> None:
        """The server never outlives the screen (the app exiting unmounts it)."""
        self._stop_now()

    def on_screen_suspend(self, _event: events.ScreenSuspend) -> None:
        """Leaving the lab (Esc, another explorer) with the server running: say that it still
        listens, and how to stop it, since nothing on the other screens shows it."""
        server = self.server
        if isinstance(self.app.screen, ModalScreen):  # help or the palette over the lab: still here
            return
        if server is not None and server.running:
            self.app.notify(f"The lab server still listens on {server.url} (127.0.0.1:{server.port}). "
                            "Stop it with ctrl+s in the TLS lab (F7); quitting stops it too.",
                            title="TLS lab", timeout=8)

    # Server -----------------------------------------------------------------

    def _status(self, renderable: RenderableType, *, notice: str = "", error: bool = False) -> None:
        """Show the server's state on the Server tab; ``notice`` also pops it up when another tab
        is showing (ctrl+s works from every tab, and its outcome must not go unseen)."""
        self.query_one("#server-status", Static).update(renderable)
        if notice and self.query_one("#tabs", TabbedContent).active != "tab-server":
            self.notify(notice, title="Server", severity="error" if error else "information")

    def action_toggle_server(self) -> None:
        """Start the server, or stop it when it runs."""
        if self.server is not None:
            self._stop_server()
        else:
            self._start_server()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        if self.server is None:
            self._start_server()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self._stop_server()

    def _start_server(self) -> None:
        port_text = self.query_one("#port", Input).value.strip() or str(DEFAULT_PORT)
        try:
            port = int(port_text)
            if not 0 <= port < 65536:
                raise ValueError
        except ValueError:
            message = f"{port_text!r} is not a port number (0-65535; 0 picks a free one)"
            self._status(_error(message), notice=message, error=True)
            return
        cert = self.query_one("#cert", Input).value.strip()
        key = self.query_one("#key", Input).value.strip()
        passphrase = self.query_one("#passphrase", Input).value
        plain = self.query_one("#plain", Checkbox).value
        client_ca = self.query_one("#client-ca", Input).value.strip()
        fernet = self._fernet_key() if self.query_one("#fernet", Checkbox).value else None
        self._status(Text("starting…", style="dim"))
        self._start_worker(cert, key, passphrase, port, plain, client_ca, fernet)

    def _fernet_key(self) -> FernetKey:
        """The Fernet page's key: a new one when the server is not running (each start its own)."""
        if self.fernet_key is None or self.server is None:
            self.fernet_key = generate_key()
        return self.fernet_key

    @work(thread=True, exclusive=True, group="tls-server", exit_on_error=False)
    def _start_worker(
        self, cert: str, key: str, passphrase: str, port: int, plain: bool, client_ca: str = "",
        fernet: FernetKey | None = None,
    ) -> None:
        from tlsexplorer.core.tls.server_files import load_server_context

        try:
            files: ServerFiles | None = None
            context = None
            if plain and client_ca:
                raise TlsxError("mutual TLS needs TLS: untick Plain HTTP or clear the client CA")
            if not plain:
                if bool(cert) != bool(key):
                    raise TlsxError("give both a certificate and its key (or neither, for the sample)")
                files = ServerFiles(Path(cert).expanduser(), Path(key).expanduser()) if cert else SAMPLE_FILES
                mutual = Path(client_ca).expanduser() if client_ca else None
                context = load_server_context(files, passphrase.encode() or None, client_ca=mutual,
                                              password_hint="the passphrase field beside the key")
            server = LabServer(context, port=port, on_event=self._post_event, fernet_key=fernet).start()
        except (TlsxError, OSError, ValueError) as exc:
            message = str(exc)
            self.app.call_from_thread(
                lambda: self._status(_error(message), notice=f"not started: {message}", error=True))
            return
        self.app.call_from_thread(self._server_started, ServerStarted(server, files))

    def _post_event(self, event: ConnectionEvent) -> None:
        self.post_message(ServerEventLogged(event))

    def _server_started(self, started: ServerStarted) -> None:
        if not self.is_attached or self.server is not None:
            # The screen went away, or a second start raced the first: keep only one server.
            started.server.stop()
            return
        self.server, self.server_files = started.server, started.files
        server = started.server
        text = Text.assemble(
            ("● running ", "bold green"), (server.url, "bold"), f"  (127.0.0.1:{server.port})"
        )
        if started.files is None:
            text.append("\n⚠ plain HTTP: the page and its secret cross the wire in the clear",
                        style="bold yellow")
        else:
            text.append(f"\ncertificate {started.files.cert.name}, key {started.files.key.name}", style="dim")
            ca_file = None if started.files == SAMPLE_FILES else _ca_of(started.files.cert)
            # The CA to trust follows the server, unless it was typed in: a CA folder's chain left
            # there by an earlier server made probing the built-in sample fail.
            probe_ca = self.query_one("#probe-ca", Input)
            if probe_ca.value.strip() in ("", self._auto_probe_ca):
                probe_ca.value = self._auto_probe_ca = str(ca_file) if ca_file is not None else ""
            if started.files == SAMPLE_FILES:
                text.append(f"\ntry: curl --cacert {ROOT_PEM} {server.url}", style="cyan")
            elif ca_file is not None:
                text.append(f"\ntry: curl --cacert {ca_file} {server.url}", style="cyan")
            if server.context is not None and server.context.verify_mode == ssl.CERT_REQUIRED:
                text.append("\nmutual TLS: clients must present a certificate from the client CA",
                            style="bold magenta")
        if server.fernet_key is not None:
            text.append(f"\nFernet page: the secret goes out as a token (also alone at {server.url}fernet). "
                        f"The client needs the key: {server.fernet_key.encoded}", style="bold magenta")
            text.append("\n(Symmetric's Fernet tab opens a token with it; how would a client get it safely?)",
                        style="dim")
        self._status(text, notice=f"running: {server.url}")
        self.host.record("tls.served", port=server.port, tls=started.files is not None,
                         sample=started.files == SAMPLE_FILES, fernet=server.fernet_key is not None)
        self.query_one("#target", Input).value = f"localhost:{server.port}"
        log = self.query_one("#server-log", RichLog)
        log.write(Text(f"listening on 127.0.0.1:{server.port}", style="dim"))

    def on_server_event_logged(self, message: ServerEventLogged) -> None:
        """Append a connection to the log."""
        self.query_one("#server-log", RichLog).write(render.event_text(message.event))

    def _stop_server(self) -> None:
        server, self.server = self.server, None
        if server is None:
            self._status(Text("stopped", style="dim"))
            return
        self._status(Text("stopping…", style="dim"))
        self._stop_worker(server)

    @work(thread=True, exclusive=True, group="tls-server-stop", exit_on_error=False)
    def _stop_worker(self, server: LabServer) -> None:
        server.stop()
        message = f"stopped after {server.connections} connection(s)"
        self.app.call_from_thread(lambda: self._status(Text(message, style="dim"), notice=message))

    def _stop_now(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()

    @on(Button.Pressed, "#who-listens")
    def action_who_listens(self) -> None:
        """Read from the system which process listens on the lab's ports (the running server's, the one in
        the port field and the ports the course names)."""
        ports = set(COURSE_PORTS)
        if self.server is not None:
            ports.add(self.server.port)
        port_text = self.query_one("#port", Input).value.strip()
        if port_text.isdigit() and 0 < int(port_text) < 65536:
            ports.add(int(port_text))
        panel = self.query_one("#listens", Static)
        panel.set_class(True, "shown")
        panel.update(Text("reading who listens…", style="dim"))
        self._listens_worker(tuple(sorted(ports)))

    @work(thread=True, exclusive=True, group="tls-listens", exit_on_error=False)
    def _listens_worker(self, ports: tuple[int, ...]) -> None:
        from tlsexplorer.core.tls.listeners import who_listens

        self.app.call_from_thread(self.show_listens, who_listens(ports))

    def show_listens(self, report: ListenReport) -> None:
        """Show who listens, and tell the course (the lab server's own port seen with this app's pid)."""
        import os

        server = self.server
        port = server.port if server is not None else None
        self.query_one("#listens", Static).update(render.listens_view(report, port, os.getpid()))
        seen = [item.port for item in report.listeners]
        own = port is not None and any(item.pid == os.getpid() for item in report.on(port))
        self.host.record("tls.listens", ports=",".join(map(str, sorted(set(seen)))), server_seen=own)

    # Probe ------------------------------------------------------------------

    @on(Button.Pressed, "#probe")
    @on(Input.Submitted, "#target")
    def action_probe(self) -> None:
        """Probe the target in a worker."""
        from tlsexplorer.core.tls.probe import parse_target

        try:
            host, port = parse_target(self.query_one("#target", Input).value, default_port=DEFAULT_PORT)
        except TlsxError as exc:
            self.query_one("#probe-result", Static).update(_error(str(exc)))
            return
        servername = self.query_one("#servername", Input).value.strip() or None
        trust = self.query_one("#trust-sample", Checkbox).value
        ca_text = self.query_one("#probe-ca", Input).value.strip()
        ca_file = Path(ca_text).expanduser() if ca_text else ROOT_PEM
        insecure = self.query_one("#insecure", Checkbox).value
        strict = self.query_one("#strict", Checkbox).value
        client = ClientFields(
            self.query_one("#probe-cert", Input).value.strip(),
            self.query_one("#probe-key", Input).value.strip(),
            self.query_one("#probe-passphrase", Input).value,
        )
        self.show_tab("tab-probe", "#target")
        self.query_one("#probe-result", Static).update(
            Text(f"probing {host}:{port}… (at most {self.probe_timeout:g} s)", style="dim"))
        status = self.query_one("#probe-status", Checkbox).value
        ca = ca_file if trust else None
        self._probe_worker(host, port, servername, ca, insecure, strict, client, status)

    @work(thread=True, exclusive=True, group="tls-probe", exit_on_error=False)
    def _probe_worker(self, host: str, port: int, servername: str | None, ca_file: Path | None,
                      insecure: bool, strict: bool, client: ClientFields | None = None,
                      status: bool = False) -> None:
        from tlsexplorer.core.files import read_file
        from tlsexplorer.core.tls.probe import probe

        client = client or ClientFields()
        try:
            ca = [read_file(ca_file, 10 * 1024 * 1024)] if ca_file is not None else []
            result = probe(host, port, ca_pems=ca, insecure=insecure, servername=servername, strict=strict,
                           timeout=self.probe_timeout, now=self._now(),
                           client_cert=Path(client.cert).expanduser() if client.cert else None,
                           client_key=Path(client.key).expanduser() if client.key else None,
                           client_key_password=client.passphrase.encode() or None,
                           password_hint="the passphrase field beside the client key",
                           cert_hint="the client certificate and client key fields",
                           key_hint="the client key field", status=status)
        except (TlsxError, OSError, ValueError) as exc:
            self.app.call_from_thread(self.query_one("#probe-result", Static).update, _error(str(exc)))
            return
        ca_name = str(ca_file) if ca_file is not None and ca_file != ROOT_PEM else ""
        self.app.call_from_thread(self.show_probe, result, b"".join(ca), ca_name)

    def _now(self) -> dt.datetime:
        return self.host.now()

    def show_probe(self, result: ProbeResult, roots: bytes = b"", ca_file: str = "") -> None:
        """Show a probe's result (``roots``: the CA certificates it trusted, read from ``ca_file``)."""
        self.probe_result, self.probe_roots = result, roots
        self.host.record("tls.probe", host=result.host, port=result.port, connected=result.connected,
                         verified=result.verified, ok=result.ok, ca_file=ca_file, insecure=result.insecure,
                         strict=result.strict, error=result.error)
        hints = []
        if result.peer_chain and _has_explorer("inspector"):
            hints.append("ctrl+o: the sent chain in the Inspector")
        if result.peer_chain and _has_explorer("chain"):
            hints.append("ctrl+l: every check in the Chain explainer")
        parts: list[RenderableType] = [render.probe_view(result, ui="tui")]
        if hints:
            parts.append(Text("   ".join(hints), style="dim"))
        from rich.console import Group

        self.query_one("#probe-result", Static).update(Group(*parts))

    def action_open_inspector(self) -> None:
        """Open the certificates the server sent in the Inspector."""
        if self._wire_certificates("inspector"):
            return
        result = self.probe_result
        if result is None or not result.peer_chain:
            self.notify("Probe a server first (ctrl+r).", severity="warning")
            return
        if not _has_explorer("inspector"):
            self.notify("The Inspector is not available.", severity="warning")
            return
        from tlsexplorer.tui.payloads import OpenPem

        pem = b"".join(c.pem for c in result.peer_chain)
        self.host.open_explorer("inspector", OpenPem(f"sent by {result.host}:{result.port}", pem))

    def action_open_chain(self) -> None:
        """Verify the sent chain in the Chain explainer, with the same trust and host."""
        if self._wire_certificates("chain"):
            return
        result = self.probe_result
        if result is None or not result.peer_chain:
            self.notify("Probe a server first (ctrl+r).", severity="warning")
            return
        if not _has_explorer("chain"):
            self.notify("The Chain explainer is not available.", severity="warning")
            return
        from tlsexplorer.tui.payloads import VerifyChain

        roots = self.probe_roots if "given CA" in result.trust else b""
        payload = VerifyChain(
            leaf=result.peer_chain[0].pem,
            intermediates=b"".join(c.pem for c in result.peer_chain[1:]),
            roots=roots,
            host=result.servername or result.host,
            label=f"sent by {result.host}:{result.port}",
        )
        self.host.open_explorer("chain", payload)

    # Scenarios --------------------------------------------------------------

    @on(Button.Pressed, "#play")
    def action_scenarios(self) -> None:
        """Play every scenario in a worker; rows fill in as they finish."""
        board = self.query_one("#board", DataTable)
        for scenario in SCENARIOS:
            board.update_cell(scenario.id, "result", Text("running…", style="dim"))
            board.update_cell(scenario.id, "error", "")
        self.scenario_results.clear()
        self.show_tab("tab-scenarios", "#board")
        self._scenario_worker()

    @work(thread=True, exclusive=True, group="tls-scenarios", exit_on_error=False)
    def _scenario_worker(self) -> None:
        from tlsexplorer.core.tls.scenarios import run_scenarios

        try:
            with tempfile.TemporaryDirectory(prefix="tlsexplorer-lab-") as workdir:
                run_scenarios(Path(workdir), now=self._now(), on_result=self._post_scenario)
        except (TlsxError, OSError, ValueError) as exc:
            self.app.call_from_thread(self.notify, f"scenarios: {exc}", severity="error")

    def _post_scenario(self, result: ScenarioResult) -> None:
        self.post_message(ScenarioFinished(result))

    def on_scenario_finished(self, message: ScenarioFinished) -> None:
        """Fill in one row of the board."""
        self.show_scenario_result(message.result)

    def show_scenario_result(self, result: ScenarioResult) -> None:
        """Put one outcome on the board (and in the detail when its row is selected)."""
        self.scenario_results[result.scenario.id] = result
        self.host.record("tls.scenario", id=result.scenario.id, passed=result.as_expected,
                         said=result.error or "page received")
        board = self.query_one("#board", DataTable)
        outcome = Text("works", style="bold green") if result.ok else Text("fails", style="bold red")
        if result.warning:
            outcome = Text("works ⚠", style="bold yellow")
        board.update_cell(result.scenario.id, "result", outcome)
        self._fill_said(board, result)
        row = board.cursor_row
        if 0 <= row < len(SCENARIOS) and SCENARIOS[row].id == result.scenario.id:
            self._show_scenario(result.scenario.id)

    def _fill_said(self, board: DataTable[Any], result: ScenarioResult) -> None:
        """What the client said, cut with an ellipsis to the room the other columns leave."""
        said = (result.error or "page received").removeprefix("certificate verify failed: ")
        used = sum(board.columns[ColumnKey(key)].get_render_width(board) for key in ("title", "result"))
        room = max((board.scrollable_content_region.width or self.app.size.width - 2) - used - 2, 12)
        if len(said) > room:
            said = said[: room - 1] + "…"
        board.update_cell(result.scenario.id, "error", said, update_width=True)

    def _refit_said(self) -> None:
        board = self.query_one("#board", DataTable)
        for result in self.scenario_results.values():
            self._fill_said(board, result)

    @on(DataTable.RowHighlighted, "#board")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._show_scenario(event.row_key.value)

    def _show_scenario(self, scenario_id: str) -> None:
        detail = self.query_one("#scenario-detail", Static)
        result = self.scenario_results.get(scenario_id)
        if result is not None:
            detail.update(render.scenario_detail(result))
            return
        scenario = next(s for s in SCENARIOS if s.id == scenario_id)
        from tlsexplorer.core.tls.scenarios import REASONS

        expected = "the client gets the page" if scenario.expect_ok else "it fails"
        text = Text.assemble((scenario.title, "bold"), f"\nexpected: {expected}.\n",
                             (REASONS[scenario.id], ""))
        browser = render.browser_line(scenario)
        if browser is not None:
            text.append("\n\n")
            text.append_text(browser)
        text.append("\n\nPlay all (ctrl+b) to run it.", style="dim")
        detail.update(text)

    # Wire -------------------------------------------------------------------

    def action_record(self) -> None:
        """Record an HTTPS request (plain HTTP when the server tab says so)."""
        self._record(tls=not self.query_one("#plain", Checkbox).value)

    @on(Button.Pressed, "#record-tls")
    def _record_tls(self) -> None:
        self._record(tls=True)

    @on(Button.Pressed, "#record-plain")
    def _record_plain(self) -> None:
        self._record(tls=False)

    def _record(self, *, tls: bool) -> None:
        self.show_tab("tab-wire", "#record-tls" if tls else "#record-plain")
        self.query_one("#wire-view", Static).update(Text("recording one request…", style="dim"))
        fernet = self._fernet_key() if self.query_one("#fernet", Checkbox).value else None
        self._record_worker(tls, self.query_one("#tls12", Checkbox).value, fernet)

    @work(thread=True, exclusive=True, group="tls-wire", exit_on_error=False)
    def _record_worker(self, tls: bool, tls12: bool, fernet: FernetKey | None = None) -> None:
        from tlsexplorer.core.tls.decrypt import decrypt_exchange
        from tlsexplorer.core.tls.recorder import record_request
        from tlsexplorer.core.tls.records import analyse_exchange
        from tlsexplorer.core.tls.server_files import load_server_context

        try:
            context = load_server_context(SAMPLE_FILES) if tls else None
            if context is not None and tls12:
                context.maximum_version = ssl.TLSVersion.TLSv1_2
            with LabServer(context, port=0, fernet_key=fernet) as server:
                exchange, error = record_request(server.port, tls=tls, cadata=ROOT_PEM.read_text())
        except (TlsxError, OSError, ValueError) as exc:
            self.app.call_from_thread(self.query_one("#wire-view", Static).update, _error(str(exc)))
            return
        analysis = analyse_exchange(exchange)
        connection = decrypt_exchange(exchange) if analysis.kind == "tls" else None
        self.app.call_from_thread(lambda: self.show_wire(analysis, error, connection, exchange=exchange))

    def show_wire(self, analysis: WireAnalysis, error: str | None = None,
                  connection: DecryptedConnection | None = None, *,
                  heading: RenderableType | None = None, exchange: Exchange | None = None) -> None:
        """Show an analysed exchange, and its records decrypted when there is a ``connection``
        (``heading``: what an opened capture says above it; None for a recording; ``exchange``: the
        recording itself, offered to Save capture)."""
        from rich.console import Group

        if heading is None:
            self.query_one(CapturePanel).show_choices(None)

        self.analysis = analysis
        self.connection = connection
        self._offer_save(exchange)
        if heading is None:
            secret = DEFAULT_SECRET.encode()
            seen = any(secret in m.body for m in analysis.http) or any(
                secret in r.fragment for r in analysis.records)
            self.host.record("tls.wire", tls=analysis.kind == "tls", secret_visible=seen)
        view: RenderableType = render.wire_view(analysis, secret=DEFAULT_SECRET, details=False)
        side: list[RenderableType] = [render.hello_details(analysis)]
        if connection is not None:
            from rich.rule import Rule

            view = Group(render.decrypted_view(connection, secret=DEFAULT_SECRET, keys=False),
                         Rule("the same bytes as a sniffer sees them, without the key log"), view)
            side.append(render.key_schedule_view(connection))
            if connection.certificates:
                side.append(Text(f"{len(connection.certificates)} certificates from the decrypted "
                                 "Certificate message: ctrl+o Inspector, ctrl+l Chain", style="dim"))
        self.query_one("#wire-side").set_class(analysis.kind == "tls", "shown")
        self.query_one("#wire-hellos", Static).update(Group(*side) if len(side) > 1 else side[0])
        if error:
            view = Group(_error(f"the client's request failed: {error}"), view)
        if heading is not None:
            view = Group(heading, view)
        self.query_one("#wire-view", Static).update(view)

    @on(Button.Pressed, "#open-capture")
    @on(Input.Submitted, "#capture-path, #capture-keylog")
    def _open_capture(self) -> None:
        self.query_one("#wire-view", Static).update(Text("reading the capture…", style="dim"))
        self.query_one(CapturePanel).open()

    def action_open_capture(self) -> None:
        """Go to the Wire tab's capture field; open the capture when a path is already there."""
        self.show_tab("tab-wire", "#capture-path")
        if self.query_one(CapturePanel).path:
            self._open_capture()

    def on_capture_failed(self, message: CaptureFailed) -> None:
        """Say why the capture could not be opened, once, where its view would be."""
        self.query_one(CapturePanel).show_choices(None)
        self.analysis = self.connection = None
        self._offer_save(None)
        self.query_one("#wire-side").set_class(False, "shown")
        self.query_one("#wire-view", Static).update(_error(message.message))

    def on_capture_opened(self, message: CaptureOpened) -> None:
        """Offer the capture's connections and show the first."""
        self.query_one(CapturePanel).show_choices(message.opened)
        self.show_capture_connection(0)

    def on_connection_chosen(self, message: ConnectionChosen) -> None:
        """Show the connection picked in the chooser."""
        self.show_capture_connection(message.index)

    def show_capture_connection(self, index: int) -> None:
        """Show connection ``index`` of the opened capture as the Wire tab shows a recording: decrypted
        where its key log opened records, else as a sniffer sees it with what the key log lacks."""
        opened = self.query_one(CapturePanel).opened
        if opened is None:
            return
        from rich.console import Group

        heading = opened.heading(index)
        if not opened.result.connections:
            self.analysis = self.connection = None
            self._offer_save(None)
            self.query_one("#wire-side").set_class(False, "shown")
            self.query_one("#wire-view", Static).update(heading)
            return
        connection = opened.result.connections[index].connection
        if connection.decrypted_records:
            self.show_wire(opened.analyses[index], None, connection, heading=heading)
        else:
            self.show_wire(opened.analyses[index], None, None,
                           heading=Group(heading, render.decrypted_summary(connection)))

    def _offer_save(self, exchange: Exchange | None) -> None:
        """Keep the recording on screen for Save capture (None: nothing of ours to save)."""
        self.exchange = exchange
        self.query_one(SavePanel).offer(exchange)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Save capture is offered (and in the footer) only while a recording is on the Wire tab."""
        if action == "save_capture":
            return self.exchange is not None
        return True

    def action_save_capture(self) -> None:
        """Save the recording in the folder typed on the Wire tab: a pcapng with its key log inside and
        the key log, both 0600; files already there are replaced only when the learner says so."""
        if self.exchange is None:
            self.notify("Record an exchange first (ctrl+t), then save it.", severity="warning")
            return
        self.show_tab("tab-wire", "#save-folder")
        self.query_one(SavePanel).save()

    def on_capture_saved(self, message: CaptureSaved) -> None:
        """Served to a browser, the files just written go there too (they landed on the serving machine)."""
        if not self.host.served:
            return
        from tlsexplorer.tui.served import deliver_files

        try:
            sent = deliver_files(self.app, message.paths, CAPTURE_STEM)
        except TlsxError as exc:
            self.notify(str(exc), title="Download failed", severity="error")
            return
        self.notify(f"{sent}, read from the serving machine", title="Downloading")

    def _wire_certificates(self, explorer_id: str) -> bool:
        """On the Wire tab with a decrypted Certificate message: open its certificates in the
        Inspector or verify them in Chain. False when the Wire tab has none (the probe's are used)."""
        if self.query_one("#tabs", TabbedContent).active != "tab-wire":
            return False
        connection = self.connection
        if connection is None or not connection.certificates:
            return False
        if not _has_explorer(explorer_id):
            self.notify(f"The {explorer_id} explorer is not available.", severity="warning")
            return True
        from tlsexplorer.tui.payloads import OpenPem, VerifyChain

        pems = [ssl.DER_cert_to_PEM_cert(der).encode("ascii") for der in connection.certificates]
        sni = connection.client_hello.sni if connection.client_hello else None
        label = f"decrypted from the wire ({sni or 'no SNI'})"
        if explorer_id == "inspector":
            self.host.open_explorer("inspector", OpenPem(label, b"".join(pems)))
        else:
            payload = VerifyChain(leaf=pems[0], intermediates=b"".join(pems[1:]), roots=ROOT_PEM.read_bytes(),
                                  host=sni, label=label)
            self.host.open_explorer("chain", payload)
        return True


__all__ = ["ScenarioFinished", "ServerEventLogged", "TlsScreen"]
