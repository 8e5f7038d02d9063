"""The TLS lab's Handshake tab: the TLS 1.3 handshake by hand, walked step by step.

A teaching client written in the open (:mod:`tlsexplorer.core.hazmat.tls13_client`,
not for production use, as the tab says) connects to the lab's own server
(the built-in alice.example.net sample on a free port of 127.0.0.1, trusted
through Charlie's root) or to any HOST:PORT, in a thread worker. The steps are
walked like the RSA worked example: ctrl+n / ctrl+b, the explanation of the
current step beside the list, F8 for hex or decimal numbers. Both the tab and
``tlsexplorer tls handshake`` draw the steps with :mod:`tlsexplorer.render.handshake`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Input, Static, TabPane

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.hazmat.tls13_model import HandshakeWalk
from tlsexplorer.core.hazmat.tls13_support import NOT_FOR_PRODUCTION
from tlsexplorer.core.rsa.numbers import Radix
from tlsexplorer.render import handshake as render
from tlsexplorer.samples import SAMPLES_DIR

#: The name the lab's own server is asked for (a SAN of the built-in sample).
LAB_SERVERNAME = "alice.example.net"


class HandshakeTab(TabPane):
    """The Handshake tab: one TLS 1.3 connection made by hand, each step explained."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n,ctrl+down", "walk(1)", "Next step"),
        Binding("ctrl+b,ctrl+up", "walk(-1)", "Prev step"),
        Binding("f8", "toggle_radix", "Hex/Dec"),
    ]

    SCOPED_CSS = False  # the -narrow rule below starts at the screen
    DEFAULT_CSS = """
    HandshakeTab { padding: 0 1; }
    HandshakeTab #hs-banner { height: auto; color: $warning; text-style: bold; }
    HandshakeTab .row { height: auto; }
    HandshakeTab .row Input { width: 1fr; }
    HandshakeTab .row Button { margin-left: 1; min-width: 8; width: auto; }
    HandshakeTab .row Checkbox { width: auto; }
    HandshakeTab #hs-summary { height: auto; max-height: 3; }
    HandshakeTab #hs-panes { height: 1fr; }
    HandshakeTab #hs-steps { width: 46; height: 1fr; }
    TlsScreen.-narrow HandshakeTab #hs-steps { width: 30; }
    HandshakeTab #hs-explain-box { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__("Handshake", id="tab-handshake")
        self.walk: HandshakeWalk | None = None
        """The walk on screen."""
        self.radix: Radix = "hex"
        """How numbers are shown (F8)."""

    def compose(self) -> ComposeResult:
        """The warning, the target, the steps and the explanation."""
        yield Static(Text(f"⚠ {NOT_FOR_PRODUCTION}"), id="hs-banner")
        with Horizontal(classes="row"):
            yield Input(placeholder="HOST:PORT (empty: the lab's own server)", id="hs-target")
            yield Input(placeholder="SNI / name to check (default: host)", id="hs-servername")
            yield Input(placeholder="CA PEM (empty: Charlie's root / system)", id="hs-ca")
            yield Checkbox("--insecure", id="hs-insecure")
            yield Button("Walk", id="hs-walk", variant="primary")
        yield Static(Text("Press Walk: one TLS 1.3 connection made by hand, every key derived and every "
                          "check made in the open. ctrl+n / ctrl+b walk the steps, F8 switches hex and "
                          "decimal.", style="dim"), id="hs-summary")
        with Horizontal(id="hs-panes"):
            yield DataTable(id="hs-steps", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="hs-explain-box"):
                yield Static("", id="hs-explain")

    def on_mount(self) -> None:
        """Titles and the step table's columns."""
        for widget_id, title in (("hs-target", "target"), ("hs-servername", "servername"), ("hs-ca", "CA")):
            self.query_one(f"#{widget_id}").border_title = title
        self.query_one("#hs-insecure", Checkbox).tooltip = "walk on when the chain does not verify"
        table = self.query_one("#hs-steps", DataTable)
        table.add_column("#", key="n")
        table.add_column("", key="mark")
        table.add_column("step", key="title")

    # Running a walk ---------------------------------------------------------

    @on(Button.Pressed, "#hs-walk")
    @on(Input.Submitted, "#hs-target, #hs-servername, #hs-ca")
    def start_walk(self) -> None:
        """Walk the handshake with what the fields say."""
        target = self.query_one("#hs-target", Input).value.strip()
        servername = self.query_one("#hs-servername", Input).value.strip() or None
        ca = self.query_one("#hs-ca", Input).value.strip()
        insecure = self.query_one("#hs-insecure", Checkbox).value
        where = target or "the lab's own server"
        self.query_one("#hs-summary", Static).update(Text(f"walking the handshake with {where}…",
                                                          style="italic"))
        self.run_walk(target, servername, ca, insecure, self._now())

    @work(thread=True, exclusive=True, group="tls-handshake", exit_on_error=False)
    def run_walk(
        self, target: str, servername: str | None, ca: str, insecure: bool, now: dt.datetime
    ) -> None:
        """Make the connection (in a thread): the given target, or a lab server of its own."""
        from tlsexplorer.core.files import read_file
        from tlsexplorer.core.hazmat.tls13_client import walk_handshake
        from tlsexplorer.core.tls.probe import parse_target

        try:
            ca_pems = [read_file(ca)] if ca else []
            if target:
                host, port = parse_target(target)
                walk = walk_handshake(host, port, servername=servername, ca_pems=ca_pems, insecure=insecure,
                                      now=now)
            else:
                walk = self._walk_lab(servername, ca_pems, insecure, now)
        except TlsxError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        self.app.call_from_thread(self.show_walk, walk)

    def _walk_lab(
        self, servername: str | None, ca_pems: list[bytes], insecure: bool, now: dt.datetime
    ) -> HandshakeWalk:
        from tlsexplorer.core.hazmat.tls13_client import walk_handshake
        from tlsexplorer.core.tls.server import LabServer
        from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context

        files = ServerFiles(SAMPLES_DIR / "alice.example.net.fullchain.pem",
                            SAMPLES_DIR / "alice.example.net.key.pem")
        trust = ca_pems or [(SAMPLES_DIR / "charlies-root-ca.pem").read_bytes()]
        with LabServer(load_server_context(files), port=0) as server:
            return walk_handshake("127.0.0.1", server.port, servername=servername or LAB_SERVERNAME,
                                  ca_pems=trust, insecure=insecure, now=now)

    def _now(self) -> dt.datetime:
        """The app's clock (fixed in scenes and tests), through the screen's host."""
        from tlsexplorer.core.timeutil import utcnow
        from tlsexplorer.tui.screens.base import ExplorerScreen

        screen = self.screen
        return screen.host.now() if isinstance(screen, ExplorerScreen) else utcnow()

    # Showing it -------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Say why the walk could not start."""
        self.query_one("#hs-summary", Static).update(Text.assemble(("✗ ", "bold red"), message))

    def show_walk(self, walk: HandshakeWalk) -> None:
        """Put a walk on the tab, on its first step (the failed one when it stopped)."""
        self.walk = walk
        self.query_one("#hs-summary", Static).update(render.summary_text(walk))
        table = self.query_one("#hs-steps", DataTable)
        table.clear()
        for index, step in enumerate(walk.steps, 1):
            table.add_row(str(index), render.step_mark(step), Text(step.title), key=f"{index}")
        table.move_cursor(row=len(walk.steps) - 1 if not walk.completed else 0)
        self._explain()

    @on(DataTable.RowHighlighted, "#hs-steps")
    def _step_highlighted(self) -> None:
        self._explain()

    def _explain(self) -> None:
        box = self.query_one("#hs-explain", Static)
        walk = self.walk
        if walk is None or not walk.steps:
            box.update("")
            return
        table = self.query_one("#hs-steps", DataTable)
        index = min(max(table.cursor_row, 0), len(walk.steps) - 1)
        box.update(render.step_view(walk.steps[index], self.radix, index=index, total=len(walk.steps)))
        self.query_one("#hs-explain-box", VerticalScroll).scroll_home(animate=False)

    def action_walk(self, delta: int) -> None:
        """Move ``delta`` steps forward (back when negative)."""
        table = self.query_one("#hs-steps", DataTable)
        if self.walk is not None and self.walk.steps:
            table.move_cursor(row=min(max(table.cursor_row + delta, 0), len(self.walk.steps) - 1))

    def action_toggle_radix(self) -> None:
        """Numbers in hex or decimal."""
        self.radix = "dec" if self.radix == "hex" else "hex"
        self._explain()
        self.notify(f"numbers in {'hex' if self.radix == 'hex' else 'decimal'}", timeout=2)


__all__ = ["LAB_SERVERNAME", "HandshakeTab"]
