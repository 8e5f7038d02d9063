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
from textual.containers import Horizontal, ScrollableContainer
from textual.message import Message
from textual.widgets import Button, Input, Static

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.files import FileToWrite
from tlsexplorer.core.tls.records import Exchange
from tlsexplorer.tui.widgets.confirm import ConfirmOverwrite

CAPTURE_STEM = "tlsexplorer-wire"
"""The saved files' name: ``tlsexplorer-wire.pcapng`` and ``tlsexplorer-wire.keylog``."""

KEYLOG_WARNING = (
    "⚠ A key log decrypts its connection: whoever has it reads every byte (the pcapng carries it too). "
    "Safe here: a lab exchange on 127.0.0.1, with keys made for it alone. Never share the key log of a "
    "real connection."
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


class SaveResult(Static):
    """What the last save wrote, where and how to open it (the screen puts it at the top of the Wire
    tab's scrolling view, so the records keep their room; empty and hidden until a save)."""

    DEFAULT_CSS = """
    SaveResult { height: auto; display: none; margin-bottom: 1; }
    SaveResult.shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="save-result")

    def say(self, text: Text | None) -> None:
        """Show ``text``, or nothing (None)."""
        self.update(text or "")
        self.set_class(text is not None, "shown")


class SavePanel(Horizontal):
    """One line, shown after a recording: the folder to save in and the Save button. What a save wrote
    goes to the screen's :class:`SaveResult`."""

    DEFAULT_CSS = """
    SavePanel { height: auto; display: none; }
    SavePanel.shown { display: block; }
    SavePanel Input { width: 1fr; }
    SavePanel Button { margin-left: 1; width: auto; }
    """

    def __init__(self) -> None:
        super().__init__(id="save-panel")
        self.exchange: Exchange | None = None
        """The recording the next save writes (None: nothing to save)."""

    def compose(self) -> ComposeResult:
        """Folder and button, one line (compact: the records keep their room at 80x24)."""
        yield Input(placeholder="save the recording in: folder (empty: the current directory)",
                    id="save-folder", compact=True)
        yield Button("Save capture ^g", id="save-capture", variant="success", compact=True)

    def on_mount(self) -> None:
        """The tip."""
        self.query_one("#save-folder", Input).tooltip = (
            f"{CAPTURE_STEM}.pcapng with its key log inside (Wireshark decrypts it as it is) "
            f"and {CAPTURE_STEM}.keylog, both 0600")

    @property
    def result(self) -> SaveResult:
        """Where what a save wrote is said."""
        return self.screen.query_one(SaveResult)

    def offer(self, exchange: Exchange | None) -> None:
        """Offer to save ``exchange`` (a recording just shown), or hide the panel (None)."""
        self.exchange = exchange
        self.set_class(exchange is not None, "shown")
        self.result.say(None)

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
        if not existing:
            self._show(Text("saving…", style="dim"))
            self._write_worker(files, force=False)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self._show(Text("saving…", style="dim"))
                self._write_worker(files, force=True)
            else:
                self._show(Text("nothing was written; the files already there are kept", style="yellow"))

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
        result = self.result
        result.say(text)
        if result.parent is not None and isinstance(result.parent, ScrollableContainer):
            result.parent.scroll_home(animate=False)

    def _saved(self, paths: tuple[Path, ...], private: bool) -> None:
        self._show(saved_view(paths, private=private))
        self.post_message(CaptureSaved(paths))


__all__ = ["CAPTURE_STEM", "KEYLOG_WARNING", "CaptureSaved", "SavePanel", "SaveResult", "capture_files",
           "saved_view"]
