"""A virtual table: rows of fixed-width cells, only the visible ones rendered.

Adding 10,000 rows costs a list append, not 10,000 widgets or measured cells;
scrolling renders just the lines on screen. The API follows the parts of
DataTable the Inspector uses (``add_rows``, ``clear``, ``move_cursor``,
``row_count``, ``cursor_row`` and a ``RowHighlighted`` message).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualTable(ScrollView, can_focus=True):
    """Rows of cells in fixed-width columns, with a row cursor."""

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        color: $text-muted;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    VirtualTable:blur > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-table--header", "virtual-table--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class RowHighlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, table: VirtualTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            """The table."""
            self.cursor_row = cursor_row
            """The row now under the cursor."""

        @property
        def control(self) -> VirtualTable:
            """The table (for ``@on(..., selector)``)."""
            return self.table

    class RowSelected(RowHighlighted):
        """Enter or a click on a row."""

    def __init__(self, columns: Sequence[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        """(title, width) of each column."""
        self._rows: list[Sequence[Any]] = []
        self._cursor = 0

    # Data -------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Number of rows."""
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        """The row under the cursor."""
        return self._cursor

    @property
    def width_needed(self) -> int:
        """Total width of the columns and their separators."""
        return sum(w for _t, w in self.columns) + len(self.columns)

    def clear(self) -> None:
        """Remove every row."""
        self._rows = []
        self._cursor = 0
        self._resize()

    def add_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append rows (each a sequence of str or rich Text, one per column)."""
        self._rows.extend(rows)
        self._resize()

    def update_cell(self, row: int, column: int, value: Any) -> None:
        """Replace one cell."""
        cells = list(self._rows[row])
        cells[column] = value
        self._rows[row] = cells
        self._resize_cache_only()

    def _resize(self) -> None:
        self.virtual_size = Size(self.width_needed, len(self._rows) + 1)
        cache = getattr(self, "_render_line_cache", None)
        if cache is not None:
            cache.clear()
        self.refresh()

    # Cursor -----------------------------------------------------------------

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on ``row`` (clamped), scroll to it and post RowHighlighted."""
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        changed = row != self._cursor
        self._cursor = row
        body = max(self.size.height - 1, 1)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=animate)
        elif row >= self.scroll_y + body:
            self.scroll_to(y=row - body + 1, animate=animate)
        self._resize_cache_only()
        del changed
        self.post_message(self.RowHighlighted(self, row))

    def _resize_cache_only(self) -> None:
        cache = getattr(self, "_render_line_cache", None)
        if cache is not None:
            cache.clear()
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.move_cursor(row=self._cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by one screen."""
        self.move_cursor(row=self._cursor + direction * max(self.size.height - 2, 1))

    def action_jump(self, row: int) -> None:
        """First (0) or last (-1) row."""
        self.move_cursor(row=len(self._rows) - 1 if row < 0 else row)

    def action_select(self) -> None:
        """Post RowSelected for the cursor row."""
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the clicked row."""
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self._rows) and event.y >= 1:
            self.focus()
            self.move_cursor(row=row)

    # Rendering ----------------------------------------------------------------

    def _line(self, cells: Sequence[Any], style: Style | None) -> Strip:
        segments: list[Segment] = []
        for (_title, width), cell in zip(self.columns, cells, strict=False):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.truncate(width, overflow="ellipsis", pad=True)
            if style is not None:
                text.stylize(style)
            segments.extend(text.render(self.app.console))
            segments.append(Segment(" ", style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        """The header on the first line, then the visible rows."""
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header_style = self.get_component_rich_style("virtual-table--header")
            strip = self._line([t for t, _w in self.columns], header_style)
            return strip.crop(0, width).extend_cell_length(width, base)
        row = int(self.scroll_y) + y - 1
        if row >= len(self._rows):
            return Strip.blank(width, base)
        cursor = row == self._cursor
        style = self.get_component_rich_style("virtual-table--cursor") if cursor else None
        strip = self._line(self._rows[row], style)
        fill = style if style is not None else base
        return strip.crop(0, width).extend_cell_length(width, fill)


__all__ = ["VirtualTable"]
