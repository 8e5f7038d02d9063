"""A virtual hex dump: only the rows on screen are rendered, whatever the size.

A byte range can be highlighted (the DER node chosen in a tree) and brought
into view.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tlsexplorer.render.x509 import hex_row

#: Columns of one row: offset, 16 hex bytes, ASCII.
ROW_WIDTH = 8 + 2 + 16 * 3 + 1 + 1 + 16


class HexView(ScrollView, can_focus=True):
    """Offset, hex and ASCII of some bytes, 16 per row, with an optional highlight."""

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

    @property
    def rows(self) -> int:
        """Number of rows of the dump."""
        return (len(self._data) + 15) // 16

    @property
    def highlight_range(self) -> tuple[int, int] | None:
        """The highlighted [start, end) byte range."""
        return self._highlight

    def show(self, data: bytes, highlight: tuple[int, int] | None = None) -> None:
        """Show ``data`` from the top."""
        self._data = data
        self._highlight = highlight
        self.virtual_size = Size(ROW_WIDTH, self.rows)
        self.scroll_to(0, 0, animate=False)
        self._refresh_lines()

    def highlight(self, start: int, end: int) -> None:
        """Highlight bytes [start, end) and scroll so that they start near the top."""
        self._highlight = (start, end)
        row = start // 16
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
        text = hex_row(self._data, row, self._highlight)
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)


__all__ = ["ROW_WIDTH", "HexView"]
