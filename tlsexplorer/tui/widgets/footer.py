"""Textual's Footer, rebuilt only when the keys it shows have changed.

Textual's ``Footer`` rebuilds all its keys each time the screen reports that
its bindings were updated, which happens several times while a screen starts
(mount, first focus, app focus) and on every focus move, even when the keys
to show are the same. Each rebuild creates, styles and lays out a widget per
key. This footer remembers what it last showed and skips a rebuild that would
draw the same keys, so moving between widgets with the same bindings costs
nothing and a screen with many keys starts as fast as one with few.

Textual's footer also composes empty and builds its keys only once the
screen first reports its bindings, so every screen built and laid out its
footer twice. This one draws its keys when it is composed, from the bindings
the screen already has, and remembers them, so that first report usually
changes nothing.

Each key is also born with the footer's ``compact`` setting. Textual's keys
start compact and are then bound to the footer's (not compact) value, so every
key restyled itself twice on mount: about 30 ms on Home's nine keys, a tenth
of the app's start-up.

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

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        # Textual's footer composes empty, then recomposes once the screen reports its bindings: a
        # second build, layout and paint of the whole footer. The screen's bindings are readable
        # when the footer is composed, so the keys are drawn at once.
        self.set_reactive(Footer._bindings_ready, True)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Rebuild (as Textual's footer does) only when the keys to show differ."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = shown_keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        """Textual's keys: :data:`ALWAYS_SHOWN` moved to the right edge, and each bound key
        already set to the footer's ``compact`` value."""
        if self._bindings_ready:
            self._shown = shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.key in ALWAYS_SHOWN:
                    widget.add_class("-always")
                # The palette key is not bound to the footer's setting: it stays compact, as Textual
                # draws it.
                if not widget.has_class("-command-palette"):
                    widget.set_reactive(FooterKey.compact, self.compact)
                    widget.set_class(self.compact, "-compact", update=False)
            yield widget
