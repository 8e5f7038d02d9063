"""Help: every key binding that works where you are, and how to get around."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tlsexplorer.tui.host import ExplorerHost
from tlsexplorer.tui.served import key_name


class HelpScreen(ModalScreen[None]):
    """A modal listing every binding, closed with Escape, F1, ? or q."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "dismiss", "Close help"),
    ]

    def __init__(self, title: str, groups: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.help_title = title
        """Where help was asked from."""
        self.groups = [(name, list(rows)) for name, rows in groups]
        """(where it works, [(key, what it does)]) groups to list."""

    @property
    def bindings(self) -> list[tuple[str, str]]:
        """Every (key, what it does) pair listed, in order."""
        return [row for _name, rows in self.groups for row in rows]

    def compose(self) -> ComposeResult:
        """A scrollable table of bindings."""
        table = Table(title=f"Keys — {self.help_title}", expand=True, title_justify="left")
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What it does")
        for index, (name, rows) in enumerate(self.groups):
            table.add_row(f"[i]{name}[/i]", "", end_section=False)
            for number, (key, description) in enumerate(rows):
                last = number == len(rows) - 1 and index < len(self.groups) - 1
                table.add_row(key, description, end_section=last)
        with VerticalScroll(id="help-body"):
            yield Static(table, id="help-table")
            yield Static(
                "Keys in the footer change with the screen. Text boxes take typed letters "
                "first, so the explorers are opened with function keys. Esc goes back one "
                "screen; ctrl+p searches every command, including themes.",
                id="help-notes",
            )
            served = isinstance(self.app, ExplorerHost) and self.app.served
            yield Static(f"[dim]Esc, {key_name('f1', 'F1', served=served)} or ? closes this help.[/dim]")
