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


class HelpScreen(ModalScreen[None]):
    """A modal listing every binding, closed with Escape, F1, ? or q."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "dismiss", "Close help"),
    ]

    def __init__(self, title: str, bindings: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        """Where help was asked from."""
        self.bindings = list(bindings)
        """(key, what it does) pairs to list."""

    def compose(self) -> ComposeResult:
        """A scrollable table of bindings."""
        table = Table(title=f"Keys — {self.help_title}", expand=True, title_justify="left")
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What it does")
        for key, description in self.bindings:
            table.add_row(key, description)
        with VerticalScroll(id="help-body"):
            yield Static(table, id="help-table")
            yield Static(
                "Keys in the footer change with the screen. Text boxes take typed letters "
                "first, so the explorers are opened with function keys. Esc goes back one "
                "screen; ctrl+p searches every command, including themes.",
                id="help-notes",
            )
            yield Static("[dim]Esc, F1 or ? closes this help.[/dim]")
