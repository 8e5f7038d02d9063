"""Home: what the app is and a card for each explorer."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from tlsexplorer.tui.explorers import EXPLORERS, Explorer, explorer_bindings, open_action
from tlsexplorer.tui.host import ExplorerHost
from tlsexplorer.tui.served import alternative_key, key_name
from tlsexplorer.tui.widgets.card_deck import CardDeck
from tlsexplorer.tui.widgets.footer import KeyFooter

INTRO = (
    "[b]tlsexplorer[/b] explores cryptography and TLS on real material: ciphers you can "
    "break, RSA worked by hand, your own PEM files, certificate chains with every check "
    "explained, a local CA, and HTTPS on loopback. Every number and byte is on screen."
)


class HomeScreen(Screen[None]):
    """The map of the app: one paragraph and a card per explorer."""

    AUTO_FOCUS = "#cards"

    BINDINGS: ClassVar[list[BindingType]] = [
        *explorer_bindings(show=True),
    ]

    def compose(self) -> ComposeResult:
        """Lay out the intro, the cards and the hint; the screen scrolls them on a small terminal."""
        yield Header()
        served = isinstance(self.app, ExplorerHost) and self.app.served
        # Not focusable itself: the cards take the keys, and choosing one scrolls it into view.
        with VerticalScroll(id="home", can_focus=False):
            yield Static(INTRO, id="intro")
            yield CardDeck(EXPLORERS, partial(card_key, served=served), id="cards")
            yield Static(
                f"[dim]{key_name('f1', 'F1', served=served)} or ? for help · ctrl+p for the command "
                f"palette · Esc goes back · {key_name('ctrl+q', 'ctrl+q', served=served)} quits[/dim]",
                id="hint",
            )
        yield KeyFooter()

    async def on_card_deck_chosen(self, event: CardDeck.Chosen) -> None:
        """A card was chosen: open its explorer, as its key does (``app.open_explorer('rsa')``)."""
        await self.run_action(open_action(event.item.id))

    def scroll_to_center(self, widget: Widget, *args: Any, **kwargs: Any) -> None:
        """Focusing the cards shows the selected card, not the middle of a deck taller than the
        terminal (which would scroll the intro away)."""
        if isinstance(widget, CardDeck):
            widget.show_selected()
            return
        super().scroll_to_center(widget, *args, **kwargs)


def card_key(item: Explorer, *, served: bool) -> str:
    """The key written on a card: ``F2``, or in a browser the key standing for one it keeps (``alt+c``)."""
    alternative = alternative_key(item.key) if served else None
    return alternative if alternative is not None else item.key.upper()
