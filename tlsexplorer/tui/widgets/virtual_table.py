"""A virtual table: rows of fixed-width cells, only the visible ones rendered.

Adding 10,000 rows costs a list append, not 10,000 widgets or measured cells;
scrolling renders just the lines on screen. The API follows the parts of
DataTable the Inspector uses (``add_rows``, ``clear``, ``move_cursor``,
``row_count``, ``cursor_row`` and a ``RowHighlighted`` message).

For rows too costly to build up front (the RSA screen's 4096-row trace of
1233-digit numbers), ``set_rows`` takes any sequence, e.g. one that formats a
row only when it is indexed, and a cell may be a callable given the column's
width (a number abbreviated to fit rather than cut). A column of width 0
shares the width left over by the fixed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Justify = Literal["left", "center", "right"]
Column = tuple[str, int] | tuple[str, int, Justify]
"""(title, width) or (title, width, justify); width 0 shares the width left over."""

MIN_FLEX = 8
"""The narrowest a shared-width (0) column gets."""


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

    def __init__(
        self, columns: Sequence[Column], *, id: str | None = None, placeholder: str = ""
    ) -> None:
        super().__init__(id=id)
        self.columns: list[Column] = list(columns)
        """(title, width[, justify]) of each column."""
        self.placeholder = placeholder
        """Shown (dim) under the header while there are no rows."""
        self.rows_drawn = 0
        """How many data rows were rendered so far (tests and benchmarks check laziness)."""
        self._rows: Sequence[Sequence[Any]] = []
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
        """Total width of the columns and their separators (shared columns at their narrowest)."""
        return sum(column[1] or MIN_FLEX for column in self.columns) + len(self.columns)

    @property
    def page_rows(self) -> int:
        """Data rows that fit on screen (the header takes one line)."""
        return max(self.scrollable_content_region.height - 1, 1)

    def column_widths(self) -> list[int]:
        """The width of each column now: shared (0) columns split what the fixed ones leave."""
        flex = sum(1 for column in self.columns if not column[1])
        if not flex:
            return [column[1] for column in self.columns]
        fixed = sum(column[1] for column in self.columns) + len(self.columns)
        share = max(MIN_FLEX, (self.scrollable_content_region.width - fixed) // flex)
        return [column[1] or share for column in self.columns]

    def clear(self) -> None:
        """Remove every row."""
        self._rows = []
        self._cursor = 0
        self._resize()

    def add_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append rows (each a sequence of str or rich Text, one per column)."""
        if not isinstance(self._rows, list):
            self._rows = list(self._rows)
        self._rows.extend(rows)
        self._resize()

    def set_rows(self, rows: Sequence[Sequence[Any]], *, keep_cursor: bool = False) -> None:
        """Show ``rows`` (any sequence; a lazy one is indexed only for the rows on screen).

        The cursor goes back to the first row unless ``keep_cursor``; either way
        RowHighlighted is posted for it when there are rows.
        """
        self._rows = rows
        self._resize()
        if keep_cursor:
            self._cursor = max(0, min(self._cursor, len(rows) - 1))
        else:
            self._cursor = 0
            self.scroll_to(y=0, animate=False)
        self.move_cursor(row=self._cursor)

    def update_cell(self, row: int, column: int, value: Any) -> None:
        """Replace one cell."""
        if not isinstance(self._rows, list):
            self._rows = list(self._rows)
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
        self._cursor = row
        body = self.page_rows
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=animate)
        elif row >= self.scroll_y + body:
            self.scroll_to(y=row - body + 1, animate=animate)
        self._resize_cache_only()
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
        self.move_cursor(row=self._cursor + direction * self.page_rows)

    def action_jump(self, row: int) -> None:
        """First (0) or last (-1) row."""
        self.move_cursor(row=len(self._rows) - 1 if row < 0 else row)

    def action_select(self) -> None:
        """Post RowSelected for the cursor row."""
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the clicked row."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._rows):
            self.focus()
            self.move_cursor(row=row)

    # Rendering ----------------------------------------------------------------

    def _line(self, cells: Sequence[Any], style: Style | None) -> Strip:
        segments: list[Segment] = []
        for column, width, cell in zip(self.columns, self.column_widths(), cells, strict=False):
            if callable(cell):
                cell = cell(width)
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.truncate(width, overflow="ellipsis")
            text.align(column[2] if len(column) > 2 else "left", width)
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
            strip = self._line([column[0] for column in self.columns], header_style)
            return strip.crop(0, width).extend_cell_length(width, base)
        row = int(self.scroll_y) + y - 1
        if row >= len(self._rows):
            if y == 1 and not self._rows and self.placeholder:
                text = Text(self.placeholder, style="dim")
                return Strip(text.render(self.app.console), text.cell_len).crop(0, width).extend_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        self.rows_drawn += 1
        cursor = row == self._cursor
        style = self.get_component_rich_style("virtual-table--cursor") if cursor else None
        strip = self._line(self._rows[row], style)
        fill = style if style is not None else base
        return strip.crop(0, width).extend_cell_length(width, fill)


__all__ = ["VirtualTable"]
