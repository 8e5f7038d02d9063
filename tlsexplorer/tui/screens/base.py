"""The base class every explorer screen derives from."""

from __future__ import annotations

from textual.screen import Screen

from tlsexplorer.tui.host import ExplorerHost


class ExplorerScreen(Screen[None]):
    """A screen reached from Home, the footer and the palette.

    Subclasses set :attr:`EXPLORER_ID` and may override :meth:`receive` to
    accept material another screen sends them (paths to open, a certificate
    to check).
    """

    EXPLORER_ID: str = ""
    """The id of this screen's entry in :data:`tlsexplorer.tui.explorers.EXPLORERS`."""

    @property
    def host(self) -> ExplorerHost:
        """The app, typed: its clock (``now()``) and ``open_explorer(id, payload)``.

        Raises:
            TypeError: the screen runs in an app that is not an explorer host.
        """
        app = self.app
        if not isinstance(app, ExplorerHost):
            raise TypeError(f"{type(self).__name__} needs an app with now() and open_explorer(), "
                            f"not {type(app).__name__}")
        return app

    def receive(self, payload: object) -> None:
        """Accept material sent by another screen (default: ignore it)."""
