"""A yes-or-no question over the screen, for what cannot be taken back (replacing files, revoking)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """Ask ``question``; y (or the yes button) answers True, n or Esc False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 80%; border: thick $warning;
        background: $surface; padding: 1 2;
    }
    Confirm Horizontal { height: auto; margin-top: 1; }
    Confirm Button { margin-right: 2; }
    """

    def __init__(self, question: str | Text, *, yes: str, no: str, yes_id: str = "yes",
                 no_id: str = "no") -> None:
        super().__init__()
        self.question = question
        """What is asked (markup when a str)."""
        self.labels = (yes, no)
        """The two buttons' words."""
        self.ids = (yes_id, no_id)
        """The two buttons' ids."""

    def compose(self) -> ComposeResult:
        """The question and two buttons, the safe one focused."""
        with Vertical():
            yield Static(self.question)
            with Horizontal():
                yield Button(f"{self.labels[0]} (y)", id=self.ids[0], variant="warning")
                yield Button(f"{self.labels[1]} (n)", id=self.ids[1], variant="primary")

    def on_mount(self) -> None:
        """The safe answer has the focus: Enter does not take anything back."""
        self.query_one(f"#{self.ids[1]}", Button).focus()

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == self.ids[0])


class ConfirmOverwrite(Confirm):
    """Ask before replacing files (the CA workbench's products, the Wire tab's saved capture)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        listing = "\n".join(f"  {p}" for p in paths)
        super().__init__(Text.assemble(("These files already exist:", "bold"), f"\n{listing}\n\n"
                                       "Replace them? The old ones are lost."),
                         yes="Replace", no="Keep them", yes_id="replace", no_id="keep")
        self.paths = list(paths)
        """The files that would be replaced."""


__all__ = ["Confirm", "ConfirmOverwrite"]
