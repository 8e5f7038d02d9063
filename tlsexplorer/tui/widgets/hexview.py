"""A virtual hex dump: only the rows on screen are rendered, whatever the size.

A byte range can be highlighted (the DER node chosen in a tree) and brought
into view.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tlsexplorer.render.x509 import hex_row, hex_row_width

#: Columns of one row: offset, 16 hex bytes, ASCII.
ROW_WIDTH = hex_row_width(16)


class HexView(ScrollView, can_focus=True):
    """Offset, hex and ASCII of some bytes, with an optional highlight.

    Rows hold 16 bytes when they fit, else 8 (then 4), with shorter offsets
    if need be: a row is always whole, its ASCII included, never scrolled sideways.
    """

    DEFAULT_CSS = """
    HexView {
        height: 1fr;
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data = b""
        self._highlight: tuple[int, int] | None = None
        self._per_row = 16
        self._offset_digits = 8

    @property
    def bytes_per_row(self) -> int:
        """Bytes shown on one row, as the width allows."""
        return self._per_row

    @property
    def rows(self) -> int:
        """Number of rows of the dump."""
        return (len(self._data) + self._per_row - 1) // self._per_row

    def _fit(self) -> None:
        """Choose bytes per row and offset digits for the width, and size the virtual canvas."""
        room = self.size.width - self.styles.scrollbar_size_vertical
        short = max(4, len(f"{max(len(self._data) - 1, 0):x}"))
        choices = [(16, 8), (16, short), (8, 8), (8, short), (4, short)]
        fits = [c for c in choices if hex_row_width(*c) <= room] if room > 0 else []
        self._per_row, self._offset_digits = fits[0] if fits else choices[-1]
        self.virtual_size = Size(hex_row_width(self._per_row, self._offset_digits), self.rows)

    def on_resize(self, event: events.Resize) -> None:
        """Refit the rows to the new width."""
        self._fit()
        self._refresh_lines()

    @property
    def highlight_range(self) -> tuple[int, int] | None:
        """The highlighted [start, end) byte range."""
        return self._highlight

    def show(self, data: bytes, highlight: tuple[int, int] | None = None) -> None:
        """Show ``data`` from the top."""
        self._data = data
        self._highlight = highlight
        self._fit()
        self.scroll_to(0, 0, animate=False)
        self._refresh_lines()

    def highlight(self, start: int, end: int) -> None:
        """Highlight bytes [start, end) and scroll so that they start near the top."""
        self._highlight = (start, end)
        row = start // self._per_row
        if not (self.scroll_y <= row < self.scroll_y + max(self.size.height - 1, 1)):
            self.scroll_to(y=max(row - 1, 0), animate=False)
        self._refresh_lines()

    def _refresh_lines(self) -> None:
        self._render_line_cache_clear()
        self.refresh()

    def _render_line_cache_clear(self) -> None:
        cache = getattr(self, "_render_line_cache", None)
        if cache is not None:
            cache.clear()

    def render_line(self, y: int) -> Strip:
        """Render one visible row."""
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        if row >= self.rows:
            return Strip.blank(width, self.rich_style)
        text = hex_row(self._data, row, self._highlight, self._per_row, self._offset_digits)
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)


__all__ = ["ROW_WIDTH", "HexView"]
