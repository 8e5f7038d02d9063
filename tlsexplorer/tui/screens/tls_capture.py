"""The Wire tab's "Open capture": a pcap or pcapng from disk, each TLS connection decrypted.

The learner gives a capture (tcpdump -w, dumpcap, Wireshark, ``tls wire --pcap``)
and optionally an NSS key log; a Decryption Secrets Block inside the capture
counts as one. A thread worker reads both within the capture size limit and
runs :func:`tlsexplorer.core.tls.capture.decrypt_capture`, the pipeline behind
``tlsexplorer tls decrypt``; the screen shows the chosen connection with the
Wire tab's own view. This module holds the inputs, the connection chooser and
the worker; :class:`~tlsexplorer.tui.screens.tls.TlsScreen` shows the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select
from textual.worker import get_current_worker

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.tls.capture import CaptureConnection, DecryptedCapture
from tlsexplorer.core.tls.records import WireAnalysis


@dataclass(frozen=True)
class OpenedCapture:
    """A capture read and decrypted, with each connection analysed as a sniffer sees it."""

    path: Path
    """The capture file."""
    keylog_path: Path | None
    """The key log file given (None: only the capture's own secrets)."""
    result: DecryptedCapture
    """Its TLS connections decrypted, and the warnings to say once."""
    analyses: tuple[WireAnalysis, ...]
    """Each connection's records as a sniffer sees them, in the same order."""

    def label(self, index: int) -> str:
        """How connection ``index`` is named in the chooser."""
        item = self.result.connections[index]
        sni = item.connection.client_hello.sni if item.connection.client_hello else None
        return f"{index + 1}. {item.stream.client} → {item.stream.server}" + (f" ({sni})" if sni else "")

    def heading(self, index: int) -> Text:
        """The file, where the key log came from, the warnings, and which connection is shown."""
        result = self.result
        capture = result.capture
        text = Text()
        text.append(f"{self.path.name}", style="bold")
        text.append(f": {capture.format}, {', '.join(capture.link_types) or 'no interface'}, "
                    f"{capture.packets:,} packets, {len(result.connections)} TLS connection(s) of "
                    f"{len(capture.streams)} TCP\nkey log: ")
        sources = []
        if capture.keylog:
            sources.append("its Decryption Secrets Block")
        if self.keylog_path is not None:
            sources.append(str(self.keylog_path))
        text.append(" and ".join(sources) or "none", style="cyan" if sources else "yellow")
        for warning in result.warnings:
            text.append(f"\n⚠ {warning}", style="yellow")
        if result.connections:
            item: CaptureConnection = result.connections[index]
            text.append(f"\nconnection {index + 1} of {len(result.connections)}: ", style="bold")
            text.append(f"{item.stream.client} → {item.stream.server}")
            for problem in item.stream.problems:
                text.append(f"\n⚠ {problem}", style="yellow")
        return text


class CaptureOpened(Message):
    """A capture was read (posted from the worker)."""

    def __init__(self, opened: OpenedCapture) -> None:
        super().__init__()
        self.opened = opened
        """What it holds."""


class CaptureFailed(Message):
    """A capture or its key log could not be read (posted from the worker)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message
        """One sentence saying why and what to do."""


class ConnectionChosen(Message):
    """The learner picked another connection of the capture."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        """Its place in the capture."""


class CapturePanel(Vertical):
    """The capture and key log fields, the Open button, and the chooser of connections."""

    DEFAULT_CSS = """
    CapturePanel { height: auto; }
    CapturePanel Horizontal { height: auto; }
    CapturePanel Input { width: 1fr; }
    CapturePanel Button { margin-left: 1; min-width: 9; width: auto; }
    CapturePanel #capture-connection { display: none; }
    CapturePanel #capture-connection.shown { display: block; }
    CapturePanel #capture-connection > SelectCurrent { border: none; height: 1; padding: 0 1; }
    CapturePanel #capture-connection:focus > SelectCurrent { background: $block-cursor-background; }
    """

    def __init__(self) -> None:
        super().__init__(id="capture-panel")
        self.opened: OpenedCapture | None = None
        """The capture on screen (None before one is opened, or when a recording is shown)."""

    def compose(self) -> ComposeResult:
        """Capture path, key log path, Open; the chooser below them when there are several connections."""
        with Horizontal():
            yield Input(placeholder="pcap or pcapng file (tcpdump -w, Wireshark)", id="capture-path")
            yield Input(placeholder="key log (empty: the capture's own)", id="capture-keylog")
            yield Button("Open capture", id="open-capture")
        yield Select[int]([], prompt="TLS connection", id="capture-connection")

    def on_mount(self) -> None:
        """Titles and tips."""
        self.query_one("#capture-path", Input).border_title = "capture"
        keylog = self.query_one("#capture-keylog", Input)
        keylog.border_title = "key log"
        keylog.tooltip = ("an NSS key log (SSLKEYLOGFILE); a capture from tls wire --pcap or Wireshark's "
                          "'Inject secrets' carries its own")

    @property
    def path(self) -> str:
        """The capture path as typed."""
        return self.query_one("#capture-path", Input).value.strip()

    def open(self) -> None:
        """Read the capture and key log typed in the fields, in a worker; the answer is a message."""
        path = self.path
        keylog = self.query_one("#capture-keylog", Input).value.strip()
        if not path:
            self.post_message(CaptureFailed("give the path of a pcap or pcapng file (tcpdump -w, dumpcap, "
                                            "Wireshark, tlsexplorer tls wire --pcap)"))
            return
        self._read_worker(Path(path).expanduser(), Path(keylog).expanduser() if keylog else None)

    @work(thread=True, exclusive=True, group="tls-capture", exit_on_error=False)
    def _read_worker(self, path: Path, keylog_path: Path | None) -> None:
        from tlsexplorer.core.files import read_file
        from tlsexplorer.core.tls.capture import MAX_CAPTURE_BYTES, decrypt_capture
        from tlsexplorer.core.tls.records import analyse_exchange

        try:
            keylog = ""
            if keylog_path is not None:
                keylog = read_file(keylog_path).decode("utf-8", "replace")
            result = decrypt_capture(read_file(path, MAX_CAPTURE_BYTES), keylog,
                                     keylog_hint="give one in the key log field")
            analyses = tuple(analyse_exchange(c.stream.exchange) for c in result.connections)
        except (TlsxError, OSError, ValueError, MemoryError) as exc:
            answer: Message = CaptureFailed(str(exc) or exc.__class__.__name__)
        else:
            answer = CaptureOpened(OpenedCapture(path, keylog_path, result, analyses))
        if not get_current_worker().is_cancelled:  # a later Open replaced this one: its answer wins
            self.post_message(answer)

    @on(Select.Changed, "#capture-connection")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int):
            self.post_message(ConnectionChosen(event.value))

    def show_choices(self, opened: OpenedCapture | None) -> None:
        """Keep ``opened`` and offer its connections (the chooser shows only when there are several)."""
        self.opened = opened
        chooser: Select[int] = self.query_one("#capture-connection", Select)
        several = opened is not None and len(opened.result.connections) > 1
        with chooser.prevent(Select.Changed):
            if opened is not None and several:
                chooser.set_options((opened.label(i), i) for i in range(len(opened.result.connections)))
                chooser.value = 0
            else:
                chooser.set_options([])
        chooser.set_class(several, "shown")


__all__ = ["CaptureFailed", "CaptureOpened", "CapturePanel", "ConnectionChosen", "OpenedCapture"]
