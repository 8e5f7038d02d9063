"""The Wire tab's "Save capture": the last recording kept as a pcapng and its key log.

The learner types a folder (empty: the current directory).
:func:`~tlsexplorer.core.tls.capture.exchange_files`, the code path of ``tls wire --pcap --keylog``,
makes ``tlsexplorer-wire.pcapng`` (the key log inside, in a Decryption Secrets Block: Wireshark
decrypts it with no setup) and ``tlsexplorer-wire.keylog`` (the NSS key log alone), both 0600;
:func:`~tlsexplorer.core.files.write_files` writes them in a worker, and files already there are
replaced only after :class:`~tlsexplorer.tui.widgets.confirm.ConfirmOverwrite` says yes. The panel
then says where they are, the commands that open them, and why a key log stays private.
:class:`CaptureSaved` tells the screen, which sends both files to the browser when served.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.files import FileToWrite
from tlsexplorer.core.tls.records import Exchange
from tlsexplorer.tui.widgets.confirm import ConfirmOverwrite

CAPTURE_STEM = "tlsexplorer-wire"
"""The saved files' name: ``tlsexplorer-wire.pcapng`` and ``tlsexplorer-wire.keylog``."""

KEYLOG_WARNING = (
    "⚠ A key log decrypts its connection: whoever has it reads every byte that crossed, and the pcapng "
    "carries it too. Safe here: this exchange ran on 127.0.0.1 between the lab's own client and server, "
    "with keys made for it alone. Never share the key log of a real connection (SSLKEYLOGFILE)."
)
"""What the panel says about the key log it wrote."""


class CaptureSaved(Message):
    """The recording was written (posted on the app's thread)."""

    def __init__(self, paths: tuple[Path, ...]) -> None:
        super().__init__()
        self.paths = paths
        """The files written: the pcapng, and the key log when there is one."""


def capture_files(exchange: Exchange, folder: Path) -> list[FileToWrite]:
    """The pcapng (key log inside) and, over TLS, the key log alone: :data:`CAPTURE_STEM` in ``folder``."""
    from tlsexplorer.core.tls.capture import exchange_files

    keylog = folder / f"{CAPTURE_STEM}.keylog" if exchange.keylog else None
    return exchange_files(exchange, pcap=folder / f"{CAPTURE_STEM}.pcapng", keylog=keylog)


def saved_view(paths: tuple[Path, ...], *, private: bool) -> Text:
    """Where the files are, the one-line commands that open them, and (with a key log) the warning."""
    pcap = next(path for path in paths if path.suffix == ".pcapng")
    keylog = next((path for path in paths if path.suffix == ".keylog"), None)
    text = Text()
    text.append("✓ saved", style="bold green")
    text.append(f" in {pcap.parent}" + (" (0600: yours alone)" if private else "") + ": ")
    text.append(pcap.name, style="bold")
    if keylog is not None:
        text.append(" (its key log inside) and ")
        text.append(keylog.name, style="bold")
        text.append(" (the key log, NSS format)")
    else:
        text.append(" (plain HTTP: no keys, the secret is in the clear)")
    text.append(f"\nopen it: wireshark {shlex.quote(str(pcap))}", style="cyan")
    command = f"tshark -r {shlex.quote(str(pcap))}"
    if keylog is not None:
        command += f" -o tls.keylog_file:{shlex.quote(str(keylog))}"
    text.append(f"\n     or: {command} -Y http", style="cyan")
    if keylog is not None:
        text.append(f"\n{KEYLOG_WARNING}", style="bold yellow")
    return text


class SavePanel(Vertical):
    """The folder to save in, the Save button, and what the last save wrote (shown after a recording)."""

    DEFAULT_CSS = """
    SavePanel { height: auto; display: none; }
    SavePanel.shown { display: block; }
    SavePanel Horizontal { height: auto; }
    SavePanel Input { width: 1fr; }
    SavePanel Button { margin-left: 1; min-width: 9; width: auto; }
    SavePanel #save-result { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(id="save-panel")
        self.exchange: Exchange | None = None
        """The recording the next save writes (None: nothing to save)."""

    def compose(self) -> ComposeResult:
        """Folder and button; what was written below them."""
        with Horizontal():
            yield Input(placeholder="folder to save in (empty: the current directory)", id="save-folder")
            yield Button("Save capture", id="save-capture", variant="success")
        yield Static(id="save-result")

    def on_mount(self) -> None:
        """Title and tip."""
        folder = self.query_one("#save-folder", Input)
        folder.border_title = "save the recording in (ctrl+g)"
        folder.tooltip = (f"{CAPTURE_STEM}.pcapng with its key log inside (Wireshark decrypts it as it is) "
                          f"and {CAPTURE_STEM}.keylog, both 0600")

    def offer(self, exchange: Exchange | None) -> None:
        """Offer to save ``exchange`` (a recording just shown), or hide the panel (None)."""
        self.exchange = exchange
        self.set_class(exchange is not None, "shown")
        self.query_one("#save-result", Static).update("")

    @on(Button.Pressed, "#save-capture")
    @on(Input.Submitted, "#save-folder")
    def _save_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        self.save()

    def save(self) -> None:
        """Write the recording in the folder typed; ask first when that would replace files."""
        exchange = self.exchange
        if exchange is None:
            return
        typed = self.query_one("#save-folder", Input).value.strip()
        folder = Path(typed).expanduser() if typed else Path.cwd()
        files = capture_files(exchange, folder)
        existing = [item.path for item in files if item.path.exists()]
        result = self.query_one("#save-result", Static)
        if not existing:
            result.update(Text("saving…", style="dim"))
            self._write_worker(files, force=False)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                result.update(Text("saving…", style="dim"))
                self._write_worker(files, force=True)
            else:
                result.update(Text("nothing was written; the files already there are kept", style="yellow"))

        self.app.push_screen(ConfirmOverwrite(existing), answered)

    @work(thread=True, exclusive=True, group="tls-save", exit_on_error=False)
    def _write_worker(self, files: list[FileToWrite], force: bool) -> None:
        # In a worker: the folder's lock may make it wait for another tlsexplorer writing there.
        from tlsexplorer.core.files import write_files

        try:
            paths = tuple(write_files(files, force=force))
        except TlsxError as exc:
            message = str(exc).replace(" (use --force to replace)", "")
            self.app.call_from_thread(self._show, Text.assemble(("✗ ", "bold red"), message))
            return
        self.app.call_from_thread(self._saved, paths, files[0].private)

    def _show(self, text: Text) -> None:
        self.query_one("#save-result", Static).update(text)

    def _saved(self, paths: tuple[Path, ...], private: bool) -> None:
        self._show(saved_view(paths, private=private))
        self.post_message(CaptureSaved(paths))


__all__ = ["CAPTURE_STEM", "KEYLOG_WARNING", "CaptureSaved", "SavePanel", "capture_files", "saved_view"]
