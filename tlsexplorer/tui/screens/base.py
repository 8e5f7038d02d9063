"""The base class every explorer screen derives from."""

from __future__ import annotations

from textual.screen import Screen


class ExplorerScreen(Screen[None]):
    """A screen reached from Home, the footer and the palette.

    Subclasses set :attr:`EXPLORER_ID` and may override :meth:`receive` to
    accept material another screen sends them (paths to open, a certificate
    to check).
    """

    EXPLORER_ID: str = ""
    """The id of this screen's entry in :data:`tlsexplorer.tui.explorers.EXPLORERS`."""

    def receive(self, payload: object) -> None:
        """Accept material sent by another screen (default: ignore it)."""
