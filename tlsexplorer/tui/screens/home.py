"""Home: what the app is and a card for each explorer."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from tlsexplorer.tui.explorers import EXPLORERS, Explorer, explorer_bindings, open_action
from tlsexplorer.tui.host import ExplorerHost
from tlsexplorer.tui.served import alternative_key, key_name
from tlsexplorer.tui.widgets.footer import KeyFooter

INTRO = (
    "[b]tlsexplorer[/b] explores cryptography and TLS on real material: ciphers you can "
    "break, RSA worked by hand, your own PEM files, certificate chains with every check "
    "explained, a local CA, and HTTPS on loopback. Every number and byte is on screen."
)


#: Narrowest terminal for each number of card columns (3 from 110, 2 from 74):
#: a card's text gets at least 30 columns.
CARD_COLUMNS = ((110, 3), (74, 2))


def card_columns(width: int) -> int:
    """How many cards fit side by side on a terminal ``width`` columns wide."""
    return next((columns for least, columns in CARD_COLUMNS if width >= least), 1)


class ExplorerCard(Static, can_focus=True):
    """A card that opens one explorer when chosen (Enter or a click)."""

    # On the card, not the screen: the scrolling container around the cards would take the
    # arrows first on a terminal too small to show them all.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", show=False),
        Binding("right", "app.focus_next", "Next card", show=False),
        Binding("left", "app.focus_previous", "Previous card", show=False),
        Binding("down", "screen.move_row(1)", "Card below", show=False),
        Binding("up", "screen.move_row(-1)", "Card above", show=False),
    ]

    def __init__(self, item: Explorer) -> None:
        # Content, not markup: nothing to parse, and text from the registry is never read as markup.
        super().__init__(
            Content.assemble(item.concept, " " if item.wide else "\n\n", (item.actions, "i")),
            id=f"card-{item.id}",
            classes="card wide" if item.wide else "card",
        )
        # Title and key sit in the border, so Home fits a 120x40 terminal without scrolling.
        self.border_title = item.title
        self.border_subtitle = item.key.upper()
        self.explorer = item
        """The explorer this card opens."""
        self.open_action = open_action(item.id)
        """Run when the card is chosen, as the explorer's key does: ``app.open_explorer('rsa')``."""

    def on_mount(self) -> None:
        """In a browser, the card names the key that stands for one the browser keeps (alt+c for F5)."""
        alternative = alternative_key(self.explorer.key)
        if alternative is not None and isinstance(self.app, ExplorerHost) and self.app.served:
            self.border_subtitle = alternative

    async def action_choose(self) -> None:
        """Open this card's explorer (runs :attr:`open_action`)."""
        await self.run_action(self.open_action)

    async def on_click(self, event: events.Click) -> None:
        """A click opens the explorer too."""
        event.stop()
        await self.action_choose()


class HomeScreen(Screen[None]):
    """The map of the app: one paragraph and a card per explorer."""

    AUTO_FOCUS = ".card"

    BINDINGS: ClassVar[list[BindingType]] = [
        *explorer_bindings(show=True),
    ]

    def compose(self) -> ComposeResult:
        """Lay out the intro and the cards."""
        yield Header()
        # Not focusable itself: arrows and Tab cycle through the cards only, and
        # focusing a card scrolls it into view on a small terminal.
        with VerticalScroll(id="home", can_focus=False):
            yield Static(INTRO, id="intro")
            if EXPLORERS:
                with Grid(id="cards") as cards:
                    cards.styles.grid_size_columns = card_columns(self.app.size.width)
                    for item in EXPLORERS:
                        yield ExplorerCard(item)
            served = isinstance(self.app, ExplorerHost) and self.app.served
            yield Static(
                f"[dim]{key_name('f1', 'F1', served=served)} or ? for help · ctrl+p for the command "
                f"palette · Esc goes back · {key_name('ctrl+q', 'ctrl+q', served=served)} quits[/dim]",
                id="hint",
            )
        yield KeyFooter()

    def action_move_row(self, rows: int) -> None:
        """Focus the card in the same column ``rows`` rows down (up when negative), if there is one."""
        cards = list(self.query(ExplorerCard))
        if not cards:
            return
        if not isinstance(self.focused, ExplorerCard):
            cards[0].focus()
            return
        grid = self.query_one("#cards", Grid)
        target = cards.index(self.focused) + rows * (grid.styles.grid_size_columns or 1)
        if 0 <= target < len(cards):
            cards[target].focus()
        else:
            # No row there: the arrow still scrolls to the intro above the cards or the hint below
            # them, which a small terminal has scrolled away (the cards take the arrows from the
            # scrolling container).
            home = self.query_one("#home", VerticalScroll)
            if rows < 0:
                home.scroll_home(animate=False)
            else:
                home.scroll_end(animate=False)

    def on_resize(self, event: events.Resize) -> None:
        """Fewer, wider cards on a narrow terminal."""
        cards = self.query("#cards")
        columns = card_columns(event.size.width)
        if cards and cards.first().styles.grid_size_columns != columns:
            cards.first().styles.grid_size_columns = columns
