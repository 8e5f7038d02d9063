"""Home's cards: one widget draws a card per explorer; arrows, Tab, Enter and the mouse choose one.

Why one widget rather than a widget per card: Textual composes the screen line
by line and cuts every line at each widget's left and right edge, then cuts the
line of every widget underneath (the screen, the containers) at all those edges
too. Three cards side by side cut each line of Home into seven pieces, each a
new strip; at start-up that cost about 40 ms of CPU, a third of the app's whole
start (ARCHITECTURE.md, "Start-up"). Drawn by one widget, a line is cut at the
deck's two edges only.

:func:`deck_layout` is the geometry (pure: where each card goes for a width);
:class:`CardDeck` draws it and keeps the selection. The cards look and move as
the bordered, focusable widgets they replace did: a rounded border in the
primary colour with the title in the top edge and the key in the bottom one;
the selected card, while the deck has the focus, in a heavy accent border on a
raised background; cards of a row as tall as the tallest, at least
:data:`MIN_HEIGHT` lines; a ``wide`` card alone on its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tlsexplorer.tui.explorers import Explorer

#: Narrowest deck for each number of card columns (3 from 106, 2 from 70): a card's text gets at
#: least 30 columns (the deck is the terminal less Home's margins, 110 and 74 columns of terminal).
CARD_COLUMNS = ((106, 3), (70, 2))
GUTTER_X = 2
"""Columns between two cards of a row."""
GUTTER_Y = 1
"""Lines between two rows."""
MIN_HEIGHT = 9
"""Lines of the shortest card (borders included); a wide card is as tall as its text."""
PADDING_X = 1
"""Columns between a card's border and its text, on each side."""

ROUND = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")


def card_columns(width: int) -> int:
    """How many cards fit side by side on a deck ``width`` columns wide."""
    return next((columns for least, columns in CARD_COLUMNS if width >= least), 1)


def card_text(item: Explorer) -> Content:
    """What a card says: the concept, then what to do there in italics (one line for a wide card)."""
    return Content.assemble(item.concept, " " if item.wide else "\n\n", (item.actions, "i"))


@dataclass(frozen=True)
class CardBox:
    """Where one card goes and the text it shows."""

    index: int
    """Its place in the deck (the order of the items)."""
    item: Explorer
    """The explorer it opens."""
    region: Region
    """Its border's outer edge, in the deck's coordinates."""
    lines: tuple[Content, ...]
    """Its text, wrapped to the inside of its border."""
    row: int
    """The row it sits on (0 at the top)."""


@dataclass(frozen=True)
class DeckLayout:
    """Every card's place for one deck width."""

    width: int
    columns: int
    boxes: tuple[CardBox, ...]
    rows: tuple[tuple[int, ...], ...]
    """Indices of the cards of each row, left to right."""
    height: int

    def at(self, x: int, y: int) -> int | None:
        """The index of the card drawn at (``x``, ``y``), if any."""
        for box in self.boxes:
            if box.region.contains(x, y):
                return box.index
        return None

    def on_line(self, y: int) -> list[CardBox]:
        """The cards crossing line ``y``, left to right."""
        return [box for box in self.boxes if box.region.y <= y < box.region.bottom]

    def below(self, index: int, rows: int, column_x: int) -> int | None:
        """The card ``rows`` rows down (up when negative) from card ``index``, in the column at
        ``column_x``; None when there is no such row."""
        target = self.boxes[index].row + rows
        if not 0 <= target < len(self.rows):
            return None
        row = [self.boxes[i] for i in self.rows[target]]
        for box in row:
            if box.region.x <= column_x < box.region.right:
                return box.index
        # A row with fewer cards: the rightmost one that starts left of the column.
        left = [box for box in row if box.region.x <= column_x]
        return (left[-1] if left else row[0]).index


def deck_layout(items: Sequence[Explorer], width: int) -> DeckLayout:
    """Lay ``items`` out as Home draws them on a deck ``width`` columns wide.

    Cards fill rows of :func:`card_columns` columns; a wide card takes a row of its own. Column widths
    share what is left after the gutters, the last columns taking a column more when it does not
    divide (as Textual's grid does).
    """
    width = max(width, 1)
    columns = card_columns(width)
    share, extra = divmod(max(width - GUTTER_X * (columns - 1), columns), columns)
    widths = [share + (1 if column >= columns - extra else 0) for column in range(columns)]
    lefts = [sum(widths[:column]) + GUTTER_X * column for column in range(columns)]

    # Rows of (item index, x, width) first; heights follow from the wrapped text.
    rows: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    for index, item in enumerate(items):
        if item.wide:
            if current:
                rows.append(current)
                current = []
            rows.append([(index, 0, width)])
            continue
        column = len(current)
        current.append((index, lefts[column], widths[column]))
        if len(current) == columns:
            rows.append(current)
            current = []
    if current:
        rows.append(current)

    boxes: list[CardBox] = []
    y = 0
    for row_number, row in enumerate(rows):
        texts = {
            index: tuple(card_text(items[index]).wrap(max(card_width - 2 - 2 * PADDING_X, 1)))
            for index, _x, card_width in row
        }
        wide = len(row) == 1 and items[row[0][0]].wide
        height = max(len(lines) + 2 for lines in texts.values())
        if not wide:
            height = max(height, MIN_HEIGHT)
        for index, x, card_width in row:
            region = Region(x, y, card_width, height)
            boxes.append(CardBox(index, items[index], region, texts[index], row_number))
        y += height + GUTTER_Y
    boxes.sort(key=lambda box: box.index)
    return DeckLayout(
        width=width,
        columns=columns,
        boxes=tuple(boxes),
        rows=tuple(tuple(index for index, _x, _w in row) for row in rows),
        height=max(y - GUTTER_Y, 0),
    )


class CardDeck(Widget, can_focus=True):
    """Every explorer's card, drawn by one widget; the selected one opens with Enter or a click."""

    DEFAULT_CSS: ClassVar[str] = """
    CardDeck { height: auto; }
    CardDeck > .card-deck--border { color: $primary; }
    CardDeck > .card-deck--raised { background: $boost; }
    CardDeck > .card-deck--border-raised { color: $primary; background: $boost; }
    CardDeck > .card-deck--border-selected { color: $accent; background: $boost; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card-deck--border",
        "card-deck--raised",
        "card-deck--border-raised",
        "card-deck--border-selected",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", show=False),
        Binding("right", "step(1)", "Next card", show=False),
        Binding("left", "step(-1)", "Previous card", show=False),
        Binding("down", "move_row(1)", "Card below", show=False),
        Binding("up", "move_row(-1)", "Card above", show=False),
        # Tab walks the cards, then on to what else can take the focus (the coach's panel).
        Binding("tab", "tab(1)", "Next card", show=False),
        Binding("shift+tab", "tab(-1)", "Previous card", show=False),
    ]

    selected: reactive[int] = reactive(0, always_update=False)
    """Index of the selected card."""
    hovered: reactive[int | None] = reactive(None)
    """Index of the card under the mouse."""

    class Chosen(Message):
        """A card was chosen (Enter or a click)."""

        def __init__(self, item: Explorer) -> None:
            super().__init__()
            self.item = item
            """The explorer to open."""

    def __init__(
        self,
        items: Sequence[Explorer],
        key_label: Callable[[Explorer], str] = lambda item: item.key.upper(),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.items = tuple(items)
        """The explorers, in the order the cards are drawn."""
        self.key_label = key_label
        """The key written in a card's bottom edge (``F2``; ``alt+c`` in a browser)."""
        self._layout: DeckLayout | None = None
        self._lines: dict[tuple[int, int | None, int | None], Strip] = {}
        self._column_x = 0

    # Geometry -------------------------------------------------------------

    def layout_for(self, width: int) -> DeckLayout:
        """The layout for a deck ``width`` columns wide (kept until the width changes)."""
        if self._layout is None or self._layout.width != max(width, 1):
            self._layout = deck_layout(self.items, width)
            self._lines.clear()
        return self._layout

    @property
    def deck(self) -> DeckLayout:
        """The layout at the deck's present width."""
        return self.layout_for(self.content_region.width or self.app.size.width)

    def card_region(self, index: int) -> Region:
        """Where card ``index`` is on the screen now."""
        return self.deck.boxes[index].region.translate(self.content_region.offset)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.layout_for(width).height

    # Drawing ----------------------------------------------------------------

    def notify_style_update(self) -> None:
        """A theme or style change redraws every line."""
        super().notify_style_update()
        self._lines.clear()

    # Lines are kept by (line, selected card, card under the mouse): a change of either, or of the
    # focus (Textual redraws a widget that gains or loses it), only redraws.
    def watch_selected(self) -> None:
        self.refresh()

    def watch_hovered(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the deck: the line of each card crossing it, with the gutters between."""
        width = self.content_region.width
        selected = self.selected if self.has_focus else None
        key = (y, selected, self.hovered)
        strip = self._lines.get(key)
        if strip is not None and strip.cell_length == width:
            return strip
        base = self.rich_style
        segments: list[Segment] = []
        x = 0
        for box in self.layout_for(width).on_line(y):
            if box.region.x > x:
                segments.append(Segment(" " * (box.region.x - x), base))
            row = y - box.region.y
            segments.extend(self._card_line(box, row, box.index == selected, box.index == self.hovered))
            x = box.region.right
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        strip = Strip(segments, width).crop(0, width)
        self._lines[key] = strip
        return strip

    def _card_line(self, box: CardBox, row: int, selected: bool, hovered: bool) -> list[Segment]:
        """Line ``row`` of one card: an edge with its title or key, or a line of text between borders."""
        raised = selected or hovered
        component = "selected" if selected else "raised" if raised else ""
        border = self.get_component_rich_style(f"card-deck--border-{component}".rstrip("-"))
        text_style = self.get_component_rich_style("card-deck--raised") if raised else self.rich_style
        top_left, across, top_right, side, bottom_left, bottom_right = HEAVY if selected else ROUND
        inside = box.region.width - 2
        if row == 0:  # the title, in bold, one column in from the left corner
            title = f" {box.item.title} "
            bold = border + Style(bold=True)
            return _edge(top_left, across, top_right, title, inside, border, bold, left=True)
        if row == box.region.height - 1:  # the key, one column in from the right corner
            key = f" {self.key_label(box.item)} "
            return _edge(bottom_left, across, bottom_right, key, inside, border, border, left=False)
        text_width = max(inside - 2 * PADDING_X, 0)
        line = box.lines[row - 1] if row - 1 < len(box.lines) else Content("")
        text = [
            Segment(segment.text, text_style + segment.style if segment.style else text_style)
            for segment in line.render_segments()
        ]
        used = sum(cell_len(segment.text) for segment in text)
        pad_left = " " * PADDING_X
        return [
            Segment(side, border),
            Segment(pad_left, text_style),
            *text,
            Segment(" " * (max(text_width - used, 0) + PADDING_X), text_style),
            Segment(side, border),
        ]

    # Choosing ----------------------------------------------------------------

    def select(self, index: int, *, remember_column: bool = True) -> None:
        """Select card ``index`` and scroll it into view."""
        self.selected = index
        if remember_column:
            self._column_x = self.deck.boxes[index].region.x
        self.show_selected()

    def show_selected(self) -> None:
        """Scroll the selected card into view (the deck may be taller than the terminal)."""
        if not self.is_mounted or not self.content_region.width or not isinstance(self.parent, Widget):
            return
        region = self.deck.boxes[self.selected].region.translate(self.virtual_region.offset)
        self.parent.scroll_to_region(region, spacing=self.dock_gutter, animate=False, immediate=True)

    def action_choose(self) -> None:
        """Open the selected card's explorer."""
        self.post_message(self.Chosen(self.items[self.selected]))

    def action_step(self, step: int) -> None:
        """The next card (previous when ``step`` is negative), round the deck."""
        if self.items:
            self.select((self.selected + step) % len(self.items))

    def action_tab(self, step: int) -> None:
        """The next card, or past the last one on to the next widget that takes the focus."""
        target = self.selected + step
        if 0 <= target < len(self.items):
            self.select(target)
        elif step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_move_row(self, rows: int) -> None:
        """The card drawn ``rows`` rows down (up when negative) in the same column. With no row
        there, the arrow still scrolls Home to its top or its end (the intro above the cards, the
        hint below), which a small terminal has scrolled away."""
        if not self.items:
            return
        target = self.deck.below(self.selected, rows, self._column_x)
        if target is not None:
            self.select(target, remember_column=False)
        elif isinstance(self.parent, Widget):
            if rows < 0:
                self.parent.scroll_home(animate=False, immediate=True)
            else:
                self.parent.scroll_end(animate=False, immediate=True)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hovered = self.deck.at(event.x, event.y)

    def on_leave(self, event: events.Leave) -> None:
        self.hovered = None

    def on_click(self, event: events.Click) -> None:
        """A click on a card selects and opens it."""
        index = self.deck.at(event.x, event.y)
        if index is not None:
            event.stop()
            self.select(index)
            self.action_choose()


def _edge(
    first: str, across: str, last: str, label: str, inside: int, style: Style, label_style: Style,
    *, left: bool,
) -> list[Segment]:
    """A top or bottom edge ``inside`` columns long between its corners ``first`` and ``last``, with
    ``label`` one column in from the left (``left``: a title) or from the right (a key); a label
    that does not fit is left out."""
    if cell_len(label) > inside - 2:
        return [Segment(first + across * inside + last, style)]
    before, after = (1, inside - 1 - cell_len(label)) if left else (inside - 1 - cell_len(label), 1)
    return [
        Segment(first + across * before, style),
        Segment(label, label_style),
        Segment(across * after + last, style),
    ]


__all__ = ["CARD_COLUMNS", "CardBox", "CardDeck", "DeckLayout", "card_columns", "card_text", "deck_layout"]
