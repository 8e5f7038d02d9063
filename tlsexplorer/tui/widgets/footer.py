"""Textual's Footer, rebuilt only when the keys it shows have changed.

Textual's ``Footer`` rebuilds all its keys each time the screen reports that
its bindings were updated, which happens several times while a screen starts
(mount, first focus, app focus) and on every focus move, even when the keys
to show are the same. Each rebuild creates, styles and lays out a widget per
key. This footer remembers what it last showed and skips a rebuild that would
draw the same keys, so moving between widgets with the same bindings costs
nothing and a screen with many keys starts as fast as one with few.

Help (F1) and Quit (ctrl+q) sit at the right edge beside the command palette,
so a narrow terminal that cannot show every key still shows those two.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS_SHOWN = ("f1", "ctrl+q")
"""Keys drawn at the right edge of the footer, so no screen width hides them."""


def shown_keys(screen: Screen[Any]) -> tuple[tuple[object, ...], ...]:
    """What a footer on ``screen`` would draw: every shown binding and its state."""
    return tuple(
        (key, binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == screen.app.COMMAND_PALETTE_BINDING
    )


class KeyFooter(Footer):
    """A ``Footer`` that does not rebuild itself to show the same keys again."""

    _shown: tuple[tuple[object, ...], ...] | None = None

    DEFAULT_CSS: ClassVar[str] = """
    KeyFooter FooterKey.-always { split: right; }
    """

    def compose(self) -> ComposeResult:
        """Textual's keys, with :data:`ALWAYS_SHOWN` moved to the right edge."""
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.key in ALWAYS_SHOWN:
                widget.add_class("-always")
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Rebuild (as Textual's footer does) only when the keys to show differ."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = shown_keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
